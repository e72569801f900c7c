/*
 * failoverd's answers on the control socket (doc/control.md), the events
 * it sends to subscribers, and the two ways to change a running node:
 * settings (failtime, role) and a reload of the configuration file.
 * A change is checked whole, saved, and only then applied, so a refused
 * or failed change leaves everything as it was.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "key.h"
#include "node.h"

static const char *
yesno(int b)
{
	return b ? "yes" : "no";
}

static const char *
peer_word(const struct node *nd, const struct fsm_view *v)
{
	if (nd->peer.fresh_ms < 0)
		return "unknown";
	return v->peer_alive ? "alive" : "lost";
}

static void
status_peer(const struct node *nd, const struct fsm_view *v,
    struct ctl_reply *r)
{
	const struct hb_msg	*m = &nd->peer.msg;
	int			 known = nd->peer.fresh_ms >= 0;

	ctl_reply_kv(r, "peer", "%s", peer_word(nd, v));
	ctl_reply_kv(r, "peer_last_ms", "%lld", (long long)v->peer_silent_ms);
	ctl_reply_kv(r, "peer_state", "%s",
	    known ? fsm_state_name(m->state) : "unknown");
	ctl_reply_kv(r, "peer_ismaster", "%s",
	    known ? (m->flags & HB_F_MASTER ? "true" : "false") : "unknown");
	ctl_reply_kv(r, "peer_holds", "%s",
	    known ? yesno(m->flags & HB_F_HOLDS) : "unknown");
	ctl_reply_kv(r, "peer_ready", "%s",
	    known ? yesno(m->flags & HB_F_READY) : "unknown");
}

static void
status_counters(const struct node *nd, struct ctl_reply *r)
{
	enum hb_reject	i;
	char		key[32];

	ctl_reply_kv(r, "hb_sent", "%llu", (unsigned long long)nd->n.hb_sent);
	ctl_reply_kv(r, "hb_received", "%llu",
	    (unsigned long long)nd->n.hb_received);
	for (i = HB_RLENGTH; i < HB_NREJECT; i++) {
		snprintf(key, sizeof(key), "rej_%s", hb_reject_name(i));
		ctl_reply_kv(r, key, "%llu",
		    (unsigned long long)nd->n.rejects[i]);
	}
	ctl_reply_kv(r, "takeovers", "%llu",
	    (unsigned long long)nd->n.takeovers);
	ctl_reply_kv(r, "releases", "%llu",
	    (unsigned long long)nd->n.releases);
	ctl_reply_kv(r, "script_failures", "%llu",
	    (unsigned long long)nd->n.script_failures);
	ctl_reply_kv(r, "nearmiss", "%llu", (unsigned long long)nd->n.nearmiss);
	ctl_reply_kv(r, "worst_gap_ms", "%lld", (long long)nd->worst_gap_ms);
}

static int
effective_master(const struct node *nd, const struct fsm_view *v)
{
	if (!v->peer_alive || v->peer_master != nd->fsm.ismaster)
		return nd->fsm.ismaster;
	return nd->fsm.lower_addr;
}

void
node_status(const struct node *nd, int64_t now, struct ctl_reply *r)
{
	const struct config	*c = &nd->conf;
	struct fsm_view		 v;

	node_view(nd, now, &v);
	ctl_reply_kv(r, "version", "1");
	ctl_reply_kv(r, "state", "%s", fsm_state_name(nd->fsm.state));
	ctl_reply_kv(r, "holds", "%s", yesno(nd->fsm.holds));
	ctl_reply_kv(r, "ismaster", "%s", nd->fsm.ismaster ? "true" : "false");
	ctl_reply_kv(r, "ismaster_source", "%s",
	    state_origin_name(nd->settings.ismaster_origin));
	ctl_reply_kv(r, "effective_role", "%s",
	    effective_master(nd, &v) ? "master" : "slave");
	ctl_reply_kv(r, "override", "%s",
	    fsm_override_name(nd->fsm.override));
	ctl_reply_kv(r, "mode", "%s", nd->fsm.manual ? "manual" : "auto");
	ctl_reply_kv(r, "mode_source", "%s",
	    state_origin_name(nd->settings.manual_origin));
	ctl_reply_kv(r, "pending", "%s", nd->fsm.state != FSM_PENDING ?
	    "none" : nd->fsm.pending == FSM_A_ADD ? "takeover" : "handback");
	ctl_reply_kv(r, "ready", "%s", nd->conf.readiness[0] == '\0' ? "yes" :
	    nd->ready.state < 0 ? "unknown" : yesno(nd->ready.state));
	ctl_reply_kv(r, "ready_reason", "%s", nd->conf.readiness[0] == '\0' ?
	    "no readiness check" : nd->ready.state < 0 ? "first check running" :
	    nd->ready.why);
	ctl_reply_kv(r, "dry_run", "%s", yesno(nd->dry_run));
	ctl_reply_kv(r, "simulation", "%s", nd->simulate ? "peer-loss" :
	    "none");
	ctl_reply_kv(r, "addresslease", "%s", nd->lease ? "on" : "off");
	ctl_reply_kv(r, "link", "%s", nd->link_up ? "up" : "down");
	ctl_reply_kv(r, "aliasip", "%s", ip_text(c->aliasip));
	ctl_reply_kv(r, "prefix", "%d", nd->prefix);
	ctl_reply_kv(r, "otherip", "%s", ip_text(c->otherip));
	ctl_reply_kv(r, "localip", "%s", ip_text(nd->localip));
	ctl_reply_kv(r, "interface", "%s", nd->ifname);
	ctl_reply_kv(r, "port", "%u", c->port);
	ctl_reply_kv(r, "failtime", "%u.%03u", nd->fsm.failtime_ms / 1000,
	    nd->fsm.failtime_ms % 1000);
	ctl_reply_kv(r, "failtime_ms", "%u", nd->fsm.failtime_ms);
	ctl_reply_kv(r, "failtime_source", "%s",
	    state_origin_name(nd->settings.failtime_origin));
	ctl_reply_kv(r, "interval_ms", "%u", c->interval_ms);
	status_peer(nd, &v, r);
	status_counters(nd, r);
	ctl_reply_kv(r, "last_change", "%lld", (long long)nd->last_change);
	ctl_reply_kv(r, "last_change_ago_ms", "%lld", nd->last_change ?
	    (long long)(now - nd->last_change_ms) : -1LL);
	ctl_reply_kv(r, "last_reason", "%s",
	    nd->last_reason[0] ? nd->last_reason : "none");
	ctl_reply_kv(r, "last_takeover_ms", "%lld",
	    (long long)nd->last_takeover_ms);
	ctl_reply_kv(r, "foreign_holder", "%s", yesno(v.foreign_holder));
	ctl_reply_kv(r, "config", "%s", nd->conf_path);
	ctl_reply_kv(r, "uptime_ms", "%lld", (long long)(now - nd->started_ms));
}

void
node_event(struct node *nd, const char *name, const char *key1,
    const char *val1, const char *key2, const char *val2)
{
	struct ctl_reply	ev;

	ctl_reply_event(&ev, name);
	if (key1 != NULL)
		ctl_reply_kv(&ev, key1, "%s", val1);
	if (key2 != NULL)
		ctl_reply_kv(&ev, key2, "%s", val2);
	ctl_reply_end(&ev);
	ctl_broadcast(nd->ctl, &ev);
}

void
node_event_state(struct node *nd, enum fsm_state old, enum fsm_state new)
{
	struct ctl_reply	ev;

	ctl_reply_event(&ev, "state");
	ctl_reply_kv(&ev, "old", "%s", fsm_state_name(old));
	ctl_reply_kv(&ev, "new", "%s", fsm_state_name(new));
	ctl_reply_kv(&ev, "reason", "%s", nd->fsm.reason);
	ctl_reply_kv(&ev, "aliasip", "%s", ip_text(nd->conf.aliasip));
	ctl_reply_kv(&ev, "holds", "%s", yesno(nd->fsm.holds));
	ctl_reply_kv(&ev, "pending", "%s", new != FSM_PENDING ? "none" :
	    nd->fsm.pending == FSM_A_ADD ? "takeover" : "handback");
	ctl_reply_end(&ev);
	ctl_broadcast(nd->ctl, &ev);
}

void
node_event_script(struct node *nd, const char *what, int status,
    int timed_out)
{
	struct ctl_reply	ev;

	ctl_reply_event(&ev, "script");
	ctl_reply_kv(&ev, "script", "%s", what);
	ctl_reply_kv(&ev, "arg", "%s", ip_text(nd->conf.aliasip));
	ctl_reply_kv(&ev, "status", "%d", status);
	ctl_reply_kv(&ev, "timed_out", "%s", timed_out ? "true" : "false");
	ctl_reply_end(&ev);
	ctl_broadcast(nd->ctl, &ev);
}

const char *
node_conflict_text(const struct node *nd, int64_t now)
{
	static char	text[160];
	struct fsm_view	v;

	node_view(nd, now, &v);
	if (v.peer_holds && nd->fsm.holds)
		snprintf(text, sizeof(text), "both nodes hold %s; %s keeps it",
		    ip_text(nd->conf.aliasip), fsm_should_hold(&nd->fsm, &v) ?
		    "this node" : "the peer");
	else
		snprintf(text, sizeof(text), "both nodes are configured as "
		    "%s; %s acts as master, having the lower address",
		    nd->fsm.ismaster ? "master" : "slave",
		    nd->fsm.lower_addr ? "this node" : "the peer");
	return text;
}

int
node_apply_settings(struct node *nd, const struct settings *s, char *err,
    size_t errlen)
{
	uint32_t	interval = nd->interval_auto ?
	    conf_default_interval(s->failtime_ms) : nd->conf.interval_ms;

	if (interval > s->failtime_ms / 2) {
		snprintf(err, errlen, "failtime %u ms is under twice the "
		    "configured interval of %u ms", s->failtime_ms, interval);
		return -1;
	}
	if (state_save_settings(nd->conf.statedir, nd->fprint, s, err,
	    errlen) == -1)
		return -1;
	nd->settings = *s;
	nd->conf.interval_ms = interval;
	fsm_set_failtime(&nd->fsm, s->failtime_ms);
	fsm_set_role(&nd->fsm, s->ismaster);
	fsm_set_manual(&nd->fsm, s->manual);
	return 0;
}

static void
set_value(struct node *nd, const struct ctl_request *q, struct ctl_reply *r)
{
	struct settings		 s = nd->settings;
	struct ctl_reply	 ev;
	enum setting_origin	 origin = ORIGIN_CONTROL;
	char			 err[256];

	if (q->origin[0] && state_origin_parse(q->origin, &origin) == -1)
		origin = ORIGIN_CONTROL;
	if (strcmp(q->arg[0], "failtime") == 0) {
		if (ctl_parse_seconds(q->arg[1], &s.failtime_ms) == -1) {
			ctl_reply_err(r, CTL_E_TYPE, "failtime: expected "
			    "seconds with up to 3 decimals, got '%s'",
			    q->arg[1]);
			return;
		}
		if (s.failtime_ms < CONF_FAILTIME_MIN_MS ||
		    s.failtime_ms > CONF_FAILTIME_MAX_MS) {
			ctl_reply_err(r, CTL_E_RANGE, "failtime: expected "
			    "seconds between 0.03 and 3600, got '%s'",
			    q->arg[1]);
			return;
		}
		/*
		 * Under twice the peer's heartbeat spacing, the peer would look
		 * lost between two heartbeats and the address would flap.
		 */
		if (nd->peer.alive && (int64_t)s.failtime_ms <
		    2 * nd->gap_avg_ms) {
			ctl_reply_err(r, CTL_E_REFUSED, "failtime: %u ms is under "
			    "twice the peer's heartbeat interval (about %lld "
			    "ms); lower the peer's interval first",
			    s.failtime_ms, (long long)nd->gap_avg_ms);
			return;
		}
		s.failtime_origin = origin;
	} else if (strcmp(q->arg[0], "mode") == 0) {
		if (strcmp(q->arg[1], "auto") != 0 &&
		    strcmp(q->arg[1], "manual") != 0) {
			ctl_reply_err(r, CTL_E_TYPE, "mode: expected auto or "
			    "manual, got '%s'", q->arg[1]);
			return;
		}
		s.manual = strcmp(q->arg[1], "manual") == 0;
		s.manual_origin = origin;
	} else {
		if (ctl_parse_bool(q->arg[1], &s.ismaster) == -1) {
			ctl_reply_err(r, CTL_E_TYPE, "ismaster: expected true "
			    "or false, got '%s'", q->arg[1]);
			return;
		}
		s.ismaster_origin = origin;
	}
	if (node_apply_settings(nd, &s, err, sizeof(err)) == -1) {
		ctl_reply_err(r, strstr(err, "interval") ? CTL_E_REFUSED :
		    CTL_E_FAILED, "%s", err);
		return;
	}
	log_notice("%s set to %s through %s (uid %u)", q->arg[0], q->arg[1],
	    state_origin_name(origin), (unsigned)q->uid);
	ctl_reply_event(&ev, "set");
	ctl_reply_kv(&ev, "key", "%s", q->arg[0]);
	ctl_reply_kv(&ev, "value", "%s", q->arg[1]);
	ctl_reply_kv(&ev, "origin", "%s", state_origin_name(origin));
	ctl_reply_end(&ev);
	ctl_broadcast(nd->ctl, &ev);
	ctl_reply_ok(r);
	node_status(nd, node_now(), r);
	node_step(nd, node_now());
}

/* takeover / handback: an operator confirms what PENDING waits for. */
static void
confirm(struct node *nd, const struct ctl_request *q, struct ctl_reply *r,
    enum fsm_action a)
{
	const char	*what = a == FSM_A_ADD ? "takeover" : "handback";

	if (fsm_confirm(&nd->fsm, a) == -1) {
		ctl_reply_err(r, CTL_E_REFUSED, "no %s is pending (state %s)",
		    what, fsm_state_name(nd->fsm.state));
		return;
	}
	log_notice("operator confirmed the pending %s (uid %u, pid %d)", what,
	    (unsigned)q->uid, (int)q->pid);
	node_step(nd, node_now());
	ctl_reply_ok(r);
	ctl_reply_kv(r, "state", "%s", fsm_state_name(nd->fsm.state));
}

/*
 * A rehearsal of a takeover on a live pair.  In a dry run the node
 * decides as if the peer were gone and only logs.  For real, moving the
 * address while the peer still holds it must go in order, so it is a
 * manual hold: the peer releases, then this node adds.
 */
static void
simulate(struct node *nd, const struct ctl_request *q, struct ctl_reply *r)
{
	if (strcmp(q->arg[0], "peer-loss") != 0) {
		ctl_reply_err(r, CTL_E_SYNTAX, "can simulate peer-loss only");
		return;
	}
	nd->simulate = 1;
	if (!nd->dry_run)
		fsm_set_override(&nd->fsm, FSM_OVR_HOLD);
	log_notice("rehearsal: simulating the loss of the peer (%s); "
	    "'failoverctl auto' ends it", nd->dry_run ?
	    "dry run, nothing moves" : "the address moves here in order");
	node_event(nd, "simulate", "what", "peer-loss", "dry_run",
	    yesno(nd->dry_run));
	node_step(nd, node_now());
	ctl_reply_ok(r);
	ctl_reply_kv(r, "simulation", "peer-loss");
	ctl_reply_kv(r, "state", "%s", fsm_state_name(nd->fsm.state));
}

static void
set_override(struct node *nd, const struct ctl_request *q,
    struct ctl_reply *r, enum fsm_override o)
{
	struct in_addr	ip;

	if (o != FSM_OVR_NONE && (inet_pton(AF_INET, q->arg[0], &ip) != 1 ||
	    ip.s_addr != nd->conf.aliasip.s_addr)) {
		ctl_reply_err(r, CTL_E_REFUSED, "'%s' is not the floating "
		    "address %s", q->arg[0], ip_text(nd->conf.aliasip));
		return;
	}
	/* Kept, it would take the address the moment the link returns. */
	if (o == FSM_OVR_HOLD && !nd->link_up) {
		ctl_reply_err(r, CTL_E_REFUSED, "'%s' has no link: nobody "
		    "would reach %s here", nd->ifname,
		    ip_text(nd->conf.aliasip));
		return;
	}
	fsm_set_override(&nd->fsm, o);
	if (o == FSM_OVR_NONE)
		nd->simulate = 0;
	log_notice("operator override: %s (uid %u, pid %d)",
	    fsm_override_name(o), (unsigned)q->uid, (int)q->pid);
	ctl_reply_ok(r);
	ctl_reply_kv(r, "override", "%s", fsm_override_name(o));
	node_step(nd, node_now());
}

void
node_ctl_request(void *arg, const struct ctl_request *q, struct ctl_reply *r)
{
	struct node	*nd = arg;
	char		 err[512];

	switch (q->verb) {
	case CTL_PING:
		ctl_reply_ok(r);
		ctl_reply_kv(r, "version", "1");
		break;
	case CTL_STATUS:
	case CTL_SUBSCRIBE:
		ctl_reply_ok(r);
		node_status(nd, node_now(), r);
		break;
	case CTL_ADD:
		set_override(nd, q, r, FSM_OVR_HOLD);
		break;
	case CTL_REMOVE:
		set_override(nd, q, r, FSM_OVR_RELEASE);
		break;
	case CTL_AUTO:
		set_override(nd, q, r, FSM_OVR_NONE);
		break;
	case CTL_SET:
		set_value(nd, q, r);
		break;
	case CTL_TAKEOVER:
		confirm(nd, q, r, FSM_A_ADD);
		break;
	case CTL_HANDBACK:
		confirm(nd, q, r, FSM_A_REMOVE);
		break;
	case CTL_SIMULATE:
		simulate(nd, q, r);
		break;
	case CTL_RELOAD:
		if (node_reload(nd, err, sizeof(err)) == -1) {
			log_warning("reload refused, running configuration "
			    "kept: %s", err);
			ctl_reply_err(r, CTL_E_FAILED, "%s", err);
			break;
		}
		ctl_reply_ok(r);
		ctl_reply_kv(r, "config", "%s", nd->conf_path);
		break;
	default:
		ctl_reply_err(r, CTL_E_SYNTAX, "unknown request");
		break;
	}
}

/* A readiness check or an address lease added or dropped by a reload. */
static void
reload_extras(struct node *nd)
{
	if (nd->conf.readiness[0] == '\0') {
		nd->ready.state = -1;
		fsm_set_ready(&nd->fsm, 1);
	} else if (nd->ready.state < 0) {
		nd->ready.next_ms = 0;
		fsm_set_ready(&nd->fsm, 0);
	}
	if (nd->conf.address_lease && !nd->lease) {
		nd->lease = nd->nl_fd != -1;
		nd->lease_next_ms = 0;
		if (!nd->lease)
			log_warnx("no rtnetlink watch: the address gets no "
			    "lifetime");
	}
	/* Left with a finite lifetime, a held address would expire. */
	if (!nd->conf.address_lease && nd->lease) {
		nd->lease = 0;
		if (nd->fsm.holds && node_address_present(nd) &&
		    node_lease_renew(nd, NODE_LEASE_FOREVER) == -1)
			log_warn("cannot make the lifetime of %s infinite",
			    ip_text(nd->conf.aliasip));
	}
}

/* What a reload may not change: it would need new sockets or a new peer. */
static const char *
fixed_field_changed(const struct config *a, const struct config *b)
{
	if (a->aliasip.s_addr != b->aliasip.s_addr)
		return "aliasip";
	if (a->alias_prefix != b->alias_prefix)
		return "aliasip prefix";
	if (a->otherip.s_addr != b->otherip.s_addr)
		return "otherip";
	if (a->localip.s_addr != b->localip.s_addr)
		return "localip";
	if (strcmp(a->interface, b->interface) != 0)
		return "interface";
	if (a->port != b->port)
		return "port";
	if (strcmp(a->statedir, b->statedir) != 0)
		return "statedir";
	if (strcmp(a->ctl_socket, b->ctl_socket) != 0 ||
	    strcmp(a->ctl_group, b->ctl_group) != 0)
		return "control";
	return NULL;
}

int
node_reload(struct node *nd, char *err, size_t errlen)
{
	struct conf_error	 cerr;
	struct config		 conf;
	struct settings		 s;
	unsigned char		 key[KEY_MAX_LEN];
	const char		*fixed;
	hmac_ctx		*h;
	enum key_error		 ke;
	size_t			 klen;
	char			 fprint[65] = "";
	int			 auto_iv;

	if (conf_load(nd->conf_path, nd->schema, &conf, &cerr) == -1) {
		conf_format_error(&cerr, err, errlen);
		return -1;
	}
	if ((fixed = fixed_field_changed(&nd->conf, &conf)) != NULL) {
		snprintf(err, errlen, "%s: changing '%s' needs a restart",
		    nd->conf_path, fixed);
		return -1;
	}
	if ((ke = key_load(conf.keyfile, key, &klen)) != KEY_OK) {
		snprintf(err, errlen, "key file '%s': %s", conf.keyfile,
		    key_strerror(ke));
		return -1;
	}
	h = hmac_new(key, klen);
	key_wipe(key, sizeof(key));
	if (h == NULL) {
		snprintf(err, errlen, "OpenSSL refused the new key");
		return -1;
	}

	/* An edited file wins over values set at run time. */
	(void)state_fingerprint(nd->conf_path, fprint);
	s = nd->settings;
	if (strcmp(fprint, nd->fprint) != 0) {
		s.failtime_ms = conf.failtime_ms;
		s.ismaster = conf.ismaster;
		s.manual = conf.manual;
		s.failtime_origin = s.ismaster_origin = ORIGIN_CONFIG;
		s.manual_origin = ORIGIN_CONFIG;
	}
	auto_iv = conf.interval_ms == conf_default_interval(conf.failtime_ms);
	if (auto_iv)
		conf.interval_ms = conf_default_interval(s.failtime_ms);
	if (conf.interval_ms > s.failtime_ms / 2) {
		snprintf(err, errlen, "interval %u ms is over half the failtime "
		    "of %u ms in force", conf.interval_ms, s.failtime_ms);
		goto fail;
	}
	if (state_save_settings(conf.statedir, fprint, &s, err, errlen) == -1)
		goto fail;

	/* Nothing can fail from here on: swap everything at once. */
	hmac_free(nd->hmac);
	nd->hmac = h;
	nd->conf = conf;
	nd->interval_auto = auto_iv;
	nd->settings = s;
	memcpy(nd->fprint, fprint, sizeof(nd->fprint));
	fsm_set_failtime(&nd->fsm, s.failtime_ms);
	fsm_set_role(&nd->fsm, s.ismaster);
	fsm_set_manual(&nd->fsm, s.manual);
	reload_extras(nd);
	log_info("configuration '%s' reloaded: failtime %u ms, interval %u "
	    "ms, %s", nd->conf_path, nd->fsm.failtime_ms, nd->conf.interval_ms,
	    nd->fsm.ismaster ? "master" : "slave");
	return 0;
fail:
	hmac_free(h);
	return -1;
}
