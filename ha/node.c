/*
 * failoverd's event loop: heartbeats in and out, the ARP probe, the
 * scripts, signals and the control socket, all in one thread around one
 * poll().  Nothing here may block: every socket is non-blocking, scripts
 * run as children reaped on SIGCHLD, and control clients that do not read
 * are dropped by the control module.  Timers use CLOCK_MONOTONIC only, so
 * a step of the wall clock changes nothing.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "key.h"
#include "node.h"

#define GARP_COUNT	3	/* announcements after taking the address */
#define POLL_MAX	(8 + CTL_CLIENTS_MAX + 1)

int64_t
node_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
load_key(const char *path, hmac_ctx **out, char *err, size_t errlen)
{
	unsigned char	key[KEY_MAX_LEN];
	size_t		len;
	enum key_error	e;

	e = key_load(path, key, &len);
	if (e != KEY_OK) {
		snprintf(err, errlen, "key file '%s': %s%s%s", path,
		    key_strerror(e), e == KEY_EOPEN || e == KEY_EREAD ?
		    ": " : "", e == KEY_EOPEN || e == KEY_EREAD ?
		    strerror(errno) : "");
		return -1;
	}
	*out = hmac_new(key, len);
	key_wipe(key, sizeof(key));
	if (*out == NULL) {
		snprintf(err, errlen, "OpenSSL refused the HMAC key");
		return -1;
	}
	return 0;
}

/* The settings in force: the file's, or those saved for this very file. */
static void
load_settings(struct node *nd)
{
	char	err[256];

	nd->settings.failtime_ms = nd->conf.failtime_ms;
	nd->settings.failtime_origin = ORIGIN_CONFIG;
	nd->settings.ismaster = nd->conf.ismaster;
	nd->settings.ismaster_origin = ORIGIN_CONFIG;
	nd->settings.manual = nd->conf.manual;
	nd->settings.manual_origin = ORIGIN_CONFIG;
	if (state_fingerprint(nd->conf_path, nd->fprint) == -1)
		nd->fprint[0] = '\0';
	switch (state_load_settings(nd->conf.statedir, nd->fprint,
	    &nd->settings, err, sizeof(err))) {
	case -1:
		log_warning("%s", err);
		break;
	case 1:
		if (nd->settings.failtime_origin == ORIGIN_CONFIG &&
		    nd->settings.ismaster_origin == ORIGIN_CONFIG &&
		    nd->settings.manual_origin == ORIGIN_CONFIG)
			break;
		log_info("settings changed at run time kept: failtime %u ms "
		    "(%s), ismaster %s (%s), mode %s (%s)",
		    nd->settings.failtime_ms,
		    state_origin_name(nd->settings.failtime_origin),
		    nd->settings.ismaster ? "true" : "false",
		    state_origin_name(nd->settings.ismaster_origin),
		    nd->settings.manual ? "manual" : "auto",
		    state_origin_name(nd->settings.manual_origin));
		break;
	}
}

static int
open_signals(struct node *nd)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	nd->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	return nd->sigfd == -1 ? -1 : 0;
}

static gid_t
ctl_gid(const struct config *c)
{
	char	*end;
	long	 gid;

	if (c->ctl_group[0] == '\0')
		return (gid_t)-1;
	gid = strtol(c->ctl_group, &end, 10);
	if (*end == '\0' && gid >= 0)
		return (gid_t)gid;
	return (gid_t)-2;	/* resolved by name below */
}

static void
node_clear(struct node *nd, const char *conf_path, const char *schema,
    int dry_run, int64_t now)
{
	memset(nd, 0, sizeof(*nd));
	nd->udp = nd->sigfd = nd->arp.fd = nd->nl_fd = -1;
	nd->conf_path = conf_path;
	nd->schema = schema;
	nd->dry_run = dry_run;
	nd->started_ms = now;
	nd->peer.fresh_ms = -1;
	nd->ready.state = -1;
	nd->reject_log.period_ms = 10000;
	nd->auth_event.period_ms = 10000;
	nd->nearmiss_log.period_ms = 10000;
	nd->conflict_log.period_ms = 10000;
	script_init(&nd->script);
	script_init(&nd->ready.job);
}

/* Everything that can refuse to start, in the order an operator fixes it. */
static int
open_all(struct node *nd)
{
	struct conf_error	cerr;
	char			err[512];
	gid_t			gid;

	if (conf_load(nd->conf_path, nd->schema, &nd->conf, &cerr) == -1) {
		conf_format_error(&cerr, err, sizeof(err));
		goto fail;
	}
	if (load_key(nd->conf.keyfile, &nd->hmac, err, sizeof(err)) == -1 ||
	    node_resolve_interface(nd, err, sizeof(err)) == -1 ||
	    node_open_udp(nd, err, sizeof(err)) == -1 ||
	    state_next_boot(nd->conf.statedir, &nd->boot, err,
	    sizeof(err)) == -1)
		goto fail;
	if (replay_init(&nd->replay) == -1) {
		snprintf(err, sizeof(err), "no entropy for the heartbeat nonce");
		goto fail;
	}
	if (open_signals(nd) == -1) {
		snprintf(err, sizeof(err), "signalfd: %s", strerror(errno));
		goto fail;
	}
	gid = ctl_gid(&nd->conf);
	if (gid == (gid_t)-2 && (gid = node_group_id(nd->conf.ctl_group)) ==
	    (gid_t)-2) {
		snprintf(err, sizeof(err), "control group '%s' does not exist",
		    nd->conf.ctl_group);
		goto fail;
	}
	nd->ctl = ctl_open(nd->conf.ctl_socket, gid, node_ctl_request, nd,
	    err, sizeof(err));
	if (nd->ctl == NULL)
		goto fail;

	/* Without these the node still works, with less help. */
	if (arp_open(&nd->arp, nd->ifname) == -1)
		log_warn("ARP on '%s': no probe for other holders, no "
		    "gratuitous ARP", nd->ifname);
	else if (arp_watch(&nd->arp, nd->conf.aliasip) == -1)
		log_warn("ARP filter on '%s': every ARP frame wakes us",
		    nd->ifname);
	if (node_watch_open(nd) == -1)
		log_warn("rtnetlink: no watch of the link on '%s', and the "
		    "address gets no lifetime", nd->ifname);
	nd->lease = nd->conf.address_lease && nd->nl_fd != -1;
	return 0;
fail:
	log_warnx("%s", err);
	return -1;
}

/* A probe round at start, and when the link comes back. */
static void
start_probe(struct node *nd, int64_t now)
{
	struct probe	*pr = &nd->probe;

	pr->active = 1;
	pr->sent = 0;
	pr->answered = 0;
	pr->done = 0;
	pr->next_ms = now;
	pr->end_ms = now + (nd->fsm.failtime_ms < 3 * nd->conf.interval_ms ?
	    nd->fsm.failtime_ms : 3 * nd->conf.interval_ms);
}

int
node_start(struct node *nd, const char *conf_path, const char *schema,
    int dry_run)
{
	int64_t	now = node_now();

	node_clear(nd, conf_path, schema, dry_run, now);
	if (open_all(nd) == -1)
		return -1;

	load_settings(nd);
	nd->interval_auto = nd->conf.interval_ms ==
	    conf_default_interval(nd->conf.failtime_ms);
	fsm_init(&nd->fsm, nd->settings.ismaster,
	    ntohl(nd->localip.s_addr) < ntohl(nd->conf.otherip.s_addr),
	    node_address_present(nd), nd->settings.failtime_ms, now);
	fsm_set_manual(&nd->fsm, nd->settings.manual);
	fsm_set_ready(&nd->fsm, nd->conf.readiness[0] == '\0');
	if (dry_run)
		log_notice("dry run: decisions are made and logged, no script "
		    "runs, and the peer is told this node holds nothing");
	if (nd->fsm.holds)
		log_notice("found %s on '%s' at start: reconciling with the "
		    "peer before anything else", ip_text(nd->conf.aliasip),
		    nd->ifname);

	start_probe(nd, now);
	nd->next_send_ms = now;
	if (!nd->link_up) {
		log_warning("'%s' has no link: this node takes nothing until "
		    "it has", nd->ifname);
		fsm_set_link(&nd->fsm, 0, now, NULL);
	}
	log_info("started: %s on '%s' as %s, peer %s, failtime %u ms, "
	    "interval %u ms, boot %llu", ip_text(nd->localip), nd->ifname,
	    nd->settings.ismaster ? "master" : "slave",
	    ip_text(nd->conf.otherip), nd->settings.failtime_ms,
	    nd->conf.interval_ms, (unsigned long long)nd->boot);
	return 0;
}

static void
send_heartbeat(struct node *nd, uint8_t extra_flags, int64_t now)
{
	struct sockaddr_in	to;
	struct hb_msg		m;
	unsigned char		buf[HB_LEN];

	memset(&m, 0, sizeof(m));
	m.state = nd->fsm.state;
	m.flags = fsm_flags(&nd->fsm) | extra_flags;
	/* A rehearsing node must never make its peer defer to it. */
	if (nd->dry_run)
		m.flags = (m.flags & ~(HB_F_HOLDS | HB_F_READY | HB_F_WANTS)) |
		    HB_F_YIELDS;
	m.sender = nd->localip;
	m.receiver = nd->conf.otherip;
	m.alias = nd->conf.aliasip;
	m.failtime_ms = nd->fsm.failtime_ms;
	m.boot = nd->boot;
	m.seq = ++nd->seq;
	m.nonce = nd->replay.my_nonce;
	m.echo = nd->replay.peer_nonce;
	if (hb_encode(&m, nd->hmac, buf) == -1) {
		log_warnx("cannot sign a heartbeat: OpenSSL failed");
		return;
	}

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = nd->conf.otherip;
	to.sin_port = htons(nd->conf.port);
	if (sendto(nd->udp, buf, sizeof(buf), 0, (struct sockaddr *)&to,
	    sizeof(to)) == -1)
		log_debug("heartbeat to %s: %s", ip_text(to.sin_addr),
		    strerror(errno));
	else
		nd->n.hb_sent++;
	nd->next_send_ms = now + nd->conf.interval_ms;
}

static const char *
reject_hint(enum hb_reject r)
{
	switch (r) {
	case HB_RMAC:
		return ": compare the key files of both nodes";
	case HB_RREPLAY:
		return ": an old heartbeat sent again";
	case HB_RSENDER:
		return ": check otherip and localip on both nodes";
	default:
		return "";
	}
}

static void
reject(struct node *nd, enum hb_reject r, struct in_addr from, int64_t now)
{
	long	suppressed;
	char	count[32];

	nd->n.rejects[r]++;
	suppressed = log_limit_pass(&nd->reject_log, now);
	if (suppressed >= 0)
		log_warning("heartbeat from %s rejected (%s)%s; %ld more "
		    "rejected since the last report", ip_text(from),
		    hb_reject_name(r), reject_hint(r), suppressed);

	nd->auth_unreported++;
	if (log_limit_pass(&nd->auth_event, now) >= 0) {
		snprintf(count, sizeof(count), "%llu",
		    (unsigned long long)nd->auth_unreported);
		node_event(nd, "auth", "reason", hb_reject_name(r), "count",
		    count);
		nd->auth_unreported = 0;
	}
}

/*
 * A heartbeat that comes late by more than the near-miss share of
 * failtime is a failover that almost happened: say so before one does.
 */
static void
check_gap(struct node *nd, int64_t gap, int64_t now)
{
	uint64_t	limit = (uint64_t)nd->fsm.failtime_ms *
	    nd->conf.nearmiss_permille / 1000;
	long		suppressed;
	char		text[32];

	if (gap > nd->worst_gap_ms)
		nd->worst_gap_ms = gap;
	/* The peer's pace, for "set failtime" to check against. */
	nd->gap_avg_ms = nd->gap_avg_ms == 0 ? gap :
	    (7 * nd->gap_avg_ms + gap) / 8;
	if ((uint64_t)gap <= limit)
		return;
	nd->n.nearmiss++;
	if ((suppressed = log_limit_pass(&nd->nearmiss_log, now)) < 0)
		return;
	log_warning("near miss: %lld ms without a heartbeat from %s, %lld%% "
	    "of failtime %u ms (%ld more since the last report)",
	    (long long)gap, ip_text(nd->conf.otherip),
	    (long long)(gap * 100 / nd->fsm.failtime_ms), nd->fsm.failtime_ms,
	    suppressed);
	snprintf(text, sizeof(text), "%lld", (long long)gap);
	node_event(nd, "nearmiss", "gap_ms", text, "reason",
	    "heartbeat late past the near-miss share of failtime");
}

static void
accept_heartbeat(struct node *nd, const struct hb_msg *m, int64_t now)
{
	uint64_t	old_nonce = nd->replay.peer_nonce;

	switch (replay_check(&nd->replay, m->boot, m->seq, m->nonce,
	    m->echo)) {
	case REPLAY_OLD:
		reject(nd, HB_RREPLAY, m->sender, now);
		return;
	case REPLAY_HANDSHAKE:
		/*
		 * The peer does not know our nonce yet (it or we just
		 * started).  Answer at once so it learns it within one
		 * round trip rather than one interval.
		 */
		log_debug("handshake from %s", ip_text(m->sender));
		if (old_nonce != nd->replay.peer_nonce)
			send_heartbeat(nd, 0, now);
		return;
	case REPLAY_FRESH:
		break;
	}
	nd->n.hb_received++;
	if (nd->peer.alive)
		check_gap(nd, now - nd->peer.fresh_ms, now);
	nd->peer.msg = *m;
	nd->peer.fresh_ms = now;
	nd->peer.leaving = (m->flags & HB_F_LEAVING) != 0;
	if (old_nonce != nd->replay.peer_nonce)
		send_heartbeat(nd, 0, now);
}

static void
check_one(struct node *nd, const unsigned char *buf, size_t len,
    const struct sockaddr_in *from, int64_t now)
{
	struct hb_msg	m;
	enum hb_reject	r;

	if (from->sin_addr.s_addr != nd->conf.otherip.s_addr) {
		reject(nd, HB_RSENDER, from->sin_addr, now);
		return;
	}
	r = hb_decode(buf, len, nd->hmac, &m);
	if (r == HB_OK && (m.sender.s_addr != nd->conf.otherip.s_addr ||
	    m.receiver.s_addr != nd->localip.s_addr ||
	    m.alias.s_addr != nd->conf.aliasip.s_addr))
		r = HB_RSENDER;
	if (r != HB_OK) {
		reject(nd, r, from->sin_addr, now);
		return;
	}
	accept_heartbeat(nd, &m, now);
}

/*
 * A flood of forged datagrams must not push the real heartbeats out of
 * the socket's queue: read in batches of HB_BATCH with one system call,
 * and at most HB_BATCHES batches per turn, so timers and scripts still
 * get their turn.
 */
#define HB_BATCH	64
#define HB_BATCHES	16

static void
receive_heartbeats(struct node *nd, int64_t now)
{
	static unsigned char	buf[HB_BATCH][HB_LEN + 1];
	struct sockaddr_in	from[HB_BATCH];
	struct mmsghdr		msg[HB_BATCH];
	struct iovec		iov[HB_BATCH];
	int			i, b, n;

	for (b = 0; b < HB_BATCHES; b++) {
		memset(msg, 0, sizeof(msg));
		for (i = 0; i < HB_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(nd->udp, msg, HB_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			check_one(nd, buf[i], msg[i].msg_len, &from[i], now);
		if (n < HB_BATCH)
			return;
	}
}

void
node_view(const struct node *nd, int64_t now, struct fsm_view *v)
{
	const struct peer	*p = &nd->peer;

	memset(v, 0, sizeof(*v));
	v->now_ms = now;
	v->peer_silent_ms = p->fresh_ms < 0 ? -1 : now - p->fresh_ms;
	v->peer_leaving = p->leaving;
	v->peer_alive = p->fresh_ms >= 0 && !p->leaving &&
	    now - p->fresh_ms < nd->fsm.failtime_ms;

	/* A dry run's rehearsal: decide as if the peer were gone. */
	if (nd->simulate && nd->dry_run) {
		v->peer_alive = 0;
		v->peer_silent_ms = nd->fsm.failtime_ms;
	}
	if (v->peer_alive) {
		v->peer_master = (p->msg.flags & HB_F_MASTER) != 0;
		v->peer_holds = (p->msg.flags & HB_F_HOLDS) != 0;
		v->peer_ready = (p->msg.flags & HB_F_READY) != 0;
		v->peer_init = p->msg.state == FSM_INIT;
		v->peer_wants = (p->msg.flags & HB_F_WANTS) != 0;
		v->peer_yields = (p->msg.flags & HB_F_YIELDS) != 0;
	}
	v->probe_done = nd->probe.done;
	/* An answer matters at start, and while it keeps us out. */
	v->foreign_holder = nd->probe.foreign &&
	    !(v->peer_alive && v->peer_holds) &&
	    (nd->fsm.state == FSM_INIT || nd->fsm.foreign_block);
}

static void
probe_tick(struct node *nd, int64_t now)
{
	struct probe	*pr = &nd->probe;
	struct fsm_view	 v;
	unsigned char	 mac[6];

	if (nd->arp_readable && arp_read(&nd->arp, nd->conf.aliasip, mac)) {
		if (pr->active) {
			pr->answered = 1;
			memcpy(pr->mac, mac, 6);
		} else if (nd->fsm.state == FSM_ACTIVE)
			log_debug("another host claims %s",
			    ip_text(nd->conf.aliasip));
	}
	nd->arp_readable = 0;
	if (!pr->active || now < pr->next_ms)
		return;
	if (pr->sent < 3 && nd->arp.fd != -1 && nd->link_up) {
		if (arp_probe(&nd->arp, nd->conf.aliasip) == -1)
			log_warn("ARP probe on '%s'", nd->ifname);
		pr->sent++;
		pr->next_ms = now + (pr->end_ms - now) / (4 - pr->sent);
		return;
	}
	if (now < pr->end_ms)
		return;
	pr->active = 0;
	pr->done = 1;
	node_view(nd, now, &v);
	if (pr->answered && v.peer_alive && v.peer_holds)
		log_debug("the peer answers ARP for %s, as it holds it",
		    ip_text(nd->conf.aliasip));
	else if (pr->answered && (!pr->foreign || now >= pr->next_log_ms)) {
		log_warning("%s answers ARP for %s: it will not be taken while "
		    "someone else holds it", ether_text(pr->mac),
		    ip_text(nd->conf.aliasip));
		pr->next_log_ms = now + 60000;
	} else if (!pr->answered && pr->foreign)
		log_info("nobody else answers ARP for %s any more",
		    ip_text(nd->conf.aliasip));
	pr->foreign = pr->answered;
}

/* While INIT found another holder, look again every failtime. */
static void
probe_again(struct node *nd, int64_t now)
{
	struct probe	*pr = &nd->probe;

	if (!nd->fsm.foreign_block || pr->active ||
	    now < pr->end_ms + nd->fsm.failtime_ms)
		return;
	start_probe(nd, now);
}

static void
build_env(const struct node *nd, const char *action, char *store,
    size_t len, char **envp)
{
	size_t	off = 0;
	int	i = 0;

#define PUT(...) do {							\
	envp[i++] = store + off;					\
	off += (size_t)snprintf(store + off, len - off, __VA_ARGS__) + 1; \
} while (0)
	PUT("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	PUT("FAILOVER_ACTION=%s", action);
	PUT("FAILOVER_ADDRESS=%s", ip_text(nd->conf.aliasip));
	PUT("FAILOVER_PREFIX=%d", nd->prefix);
	PUT("FAILOVER_INTERFACE=%s", nd->ifname);
	PUT("FAILOVER_ROLE=%s", nd->fsm.ismaster ? "master" : "slave");
	PUT("FAILOVER_STATE=%s", fsm_state_name(nd->fsm.state));
	PUT("FAILOVER_REASON=%s", nd->fsm.reason);
#undef PUT
	envp[i] = NULL;
}

static void
run_script(struct node *nd, enum fsm_action a, int64_t now)
{
	const char	*path, *what;
	char		 store[1024], *envp[12], why[400];
	struct fsm_result r;

	what = a == FSM_A_ADD ? "add" : "remove";
	path = a == FSM_A_ADD ? nd->conf.add_script : nd->conf.remove_script;
	build_env(nd, what, store, sizeof(store), envp);
	if (a == FSM_A_ADD) {
		nd->take_start_ms = now;
		nd->addr_seen = nd->lease_warned = 0;
		nd->lease_next_ms = now;
	}
	if (conf_check_file(path, why, sizeof(why)) == -1) {
		if (errno == EPERM)
			log_warnx("%s script '%s' refused: %s", what, path, why);
		else
			log_warn("%s script '%s' cannot run", what, path);
		goto failed;
	}
	if (nd->dry_run) {
		log_notice("dry run: would run %s script '%s %s'", what, path,
		    ip_text(nd->conf.aliasip));
		fsm_script_done(&nd->fsm, a, 1, 0, now, &r);
		node_apply(nd, &r, now);
		return;
	}
	if (script_start(&nd->script, path, ip_text(nd->conf.aliasip),
	    envp, nd->conf.script_timeout_ms, now) == 0) {
		nd->running = a;
		log_info("running %s script '%s %s'", what, path,
		    ip_text(nd->conf.aliasip));
		return;
	}
	BUG_ON(errno == EBUSY);
	log_warn("%s script '%s' cannot run", what, path);
failed:
	nd->n.script_failures++;
	node_event_script(nd, what, 127, 0);
	fsm_script_done(&nd->fsm, a, 0, node_address_present(nd), now, &r);
	node_apply(nd, &r, now);
}

static void
script_line(void *arg, const char *text)
{
	const struct node	*nd = arg;

	log_info("%s script: %s", nd->running == FSM_A_ADD ? "add" : "remove",
	    text);
}

static void
script_tick(struct node *nd, int64_t now)
{
	struct script_result	 res;
	struct fsm_result	 r;
	enum fsm_action		 a = nd->running;
	const char		*what = a == FSM_A_ADD ? "add" : "remove";
	int			 ok, present;

	if (!script_running(&nd->script))
		return;
	script_read_output(&nd->script, script_line, nd);
	if (!script_poll(&nd->script, now, &res))
		return;
	script_read_output(&nd->script, script_line, nd);
	nd->running = FSM_A_NONE;

	ok = res.status == 0 && !res.timed_out;
	if (ok) {
		log_info("%s script succeeded", what);
	} else {
		nd->n.script_failures++;
		if (res.timed_out)
			log_warning("%s script killed after its timeout of "
			    "%u ms", what, nd->conf.script_timeout_ms);
		else
			log_warning("%s script failed with status %d", what,
			    res.status);
		node_event_script(nd, what, res.status, res.timed_out);
	}
	present = node_address_present(nd);
	if (ok && a == FSM_A_REMOVE && present)
		log_warning("remove script succeeded, yet %s is still on '%s'",
		    ip_text(nd->conf.aliasip), nd->ifname);
	fsm_script_done(&nd->fsm, a, ok, present, now, &r);
	if (ok && a == FSM_A_ADD) {
		nd->n.takeovers++;
		nd->last_takeover_ms = now - nd->take_start_ms;
	} else if (ok)
		nd->n.releases++;
	node_apply(nd, &r, now);
}

/* Acts on what the state machine decided, and tells about it. */
void
node_apply(struct node *nd, const struct fsm_result *r, int64_t now)
{
	long	suppressed;

	/*
	 * A conflict lasts while the network keeps the nodes apart (one-way
	 * loss): tell it at once, then every 10 s with a count.
	 */
	if (r->conflict && (suppressed = log_limit_pass(&nd->conflict_log,
	    now)) >= 0) {
		log_warning("both nodes claim the floating address: %s (%ld "
		    "more times since the last report)",
		    node_conflict_text(nd, now), suppressed);
		node_event(nd, "conflict", "reason",
		    node_conflict_text(nd, now), NULL, NULL);
	}
	if (r->stuck) {
		log_warning("state fault: %s", nd->fsm.reason);
		snprintf(nd->last_reason, sizeof(nd->last_reason), "%s",
		    nd->fsm.reason);
	}
	if (r->changed) {
		log_notice("state %s -> %s: %s", fsm_state_name(r->old),
		    fsm_state_name(r->new), nd->fsm.reason);
		nd->last_change = time(NULL);
		nd->last_change_ms = now;
		snprintf(nd->last_reason, sizeof(nd->last_reason), "%s",
		    nd->fsm.reason);
		node_event_state(nd, r->old, r->new);
	}
	if (r->announce) {
		nd->garp_left = GARP_COUNT;
		nd->garp_next_ms = now;
	}
	if (r->action != FSM_A_NONE && !nd->stopping)
		run_script(nd, r->action, now);
	if (r->send_now)
		send_heartbeat(nd, 0, now);
}

static void
garp_tick(struct node *nd, int64_t now)
{
	if (nd->garp_left == 0 || now < nd->garp_next_ms)
		return;
	if (!nd->fsm.holds || nd->arp.fd == -1 || nd->dry_run) {
		nd->garp_left = 0;
		return;
	}
	if (arp_announce(&nd->arp, nd->conf.aliasip) == -1)
		log_warn("gratuitous ARP for %s on '%s'",
		    ip_text(nd->conf.aliasip), nd->ifname);
	else
		log_debug("gratuitous ARP for %s",
		    ip_text(nd->conf.aliasip));
	nd->garp_left--;
	/* 0, 200 ms, 1 s: a neighbour that missed the first still learns. */
	nd->garp_next_ms = now + (nd->garp_left == 2 ? 200 : 800);
}

/*
 * The lifetime ends a second before the peer takes over, since the kernel
 * lets an address live up to a second past its lifetime: so a daemon that
 * stops renewing loses the address before the peer takes it.  Renewals
 * come every quarter of it and at most a heartbeat interval late (no more
 * than half of failtime, and a second), well before it runs out.
 */
static uint32_t
lease_seconds(const struct node *nd)
{
	uint32_t	s = nd->fsm.failtime_ms / 1000;

	return s > 2 ? s - 1 : 1;
}

static void
lease_tick(struct node *nd, int64_t now)
{
	/* In INIT too: a restarted holder defends its address while it asks. */
	if (!nd->lease || nd->dry_run || !nd->fsm.holds ||
	    now < nd->lease_next_ms || script_running(&nd->script) ||
	    (nd->fsm.state != FSM_ACTIVE && nd->fsm.state != FSM_PENDING &&
	    nd->fsm.state != FSM_INIT))
		return;
	nd->lease_next_ms = now + lease_seconds(nd) * 1000 / 4;

	/* The loop read the watch when poll said so: no need to ask again. */
	if (nd->addr_prefixes != 0) {
		if (node_lease_renew(nd, lease_seconds(nd)) == -1)
			log_warn("cannot renew the lifetime of %s",
			    ip_text(nd->conf.aliasip));
		return;
	}
	if (nd->fsm.state == FSM_ACTIVE && !nd->addr_seen &&
	    !nd->lease_warned) {
		log_warning("%s is not on '%s' after the add script: no "
		    "lifetime to renew; set <addresslease>false</addresslease> "
		    "for scripts that put the address elsewhere",
		    ip_text(nd->conf.aliasip), nd->ifname);
		nd->lease_warned = 1;
	}
}

/*
 * What the interface watch saw happen to the address behind our back.  A
 * held address that was there since the add and is gone now (expired, or
 * deleted by hand) is no longer held.  One on the interface of a standby
 * node is a stray copy: the remove script runs once for it, and again only
 * after it was gone, so a script that cannot remove it does not loop.
 * Scripts that put the address elsewhere (a cloud API) never show it here,
 * so nothing is concluded from its absence alone.
 */
static void
address_tick(struct node *nd, int64_t now)
{
	struct fsm_result	r;
	struct fsm_view		v;
	int			present;

	if (nd->nl_fd == -1 || nd->dry_run || nd->stopping ||
	    script_running(&nd->script))
		return;
	present = nd->addr_prefixes != 0;
	if (!present)
		nd->stray_tried = 0;
	if (present && nd->fsm.holds)
		nd->addr_seen = 1;
	if (!present && nd->addr_seen && nd->fsm.holds &&
	    (nd->fsm.state == FSM_ACTIVE || nd->fsm.state == FSM_PENDING)) {
		log_warning("%s vanished from '%s' while held: expired or "
		    "removed by hand", ip_text(nd->conf.aliasip), nd->ifname);
		nd->addr_seen = 0;
		fsm_address_lost(&nd->fsm, now, &r);
		node_apply(nd, &r, now);
		return;
	}
	if (!present || nd->stray_tried || nd->fsm.holds ||
	    nd->fsm.state != FSM_STANDBY)
		return;
	node_view(nd, now, &v);
	fsm_stray_copy(&nd->fsm, &v, &r);
	if (r.action == FSM_A_NONE)
		return;
	log_warning("%s is on '%s' although this node does not hold it: "
	    "removing this copy", ip_text(nd->conf.aliasip), nd->ifname);
	nd->stray_tried = 1;
	node_apply(nd, &r, now);
}

static void
ready_line(void *arg, const char *text)
{
	(void)arg;
	log_debug("readiness check: %s", text);
}

/*
 * The readiness check runs beside the scripts, never instead of them: a
 * slow check must not delay a takeover that is already decided.
 */
static void
ready_tick(struct node *nd, int64_t now)
{
	struct readiness	*rd = &nd->ready;
	struct script_result	 res;
	char			 store[1024], *envp[12];
	int			 ok;

	if (nd->conf.readiness[0] == '\0')
		return;
	if (script_running(&rd->job) || rd->job.out_fd != -1) {
		script_read_output(&rd->job, ready_line, nd);
		if (!script_poll(&rd->job, now, &res))
			return;
		script_read_output(&rd->job, ready_line, nd);
		ok = res.status == 0 && !res.timed_out;
		if (res.timed_out)
			snprintf(rd->why, sizeof(rd->why), "check timed out "
			    "after %u ms", nd->conf.readiness_timeout_ms);
		else
			snprintf(rd->why, sizeof(rd->why), "check exited %d",
			    res.status);
		if (ok != rd->state) {
			(ok ? log_notice : log_warning)("readiness: %s (%s)",
			    ok ? "ready" : "not ready", rd->why);
			node_event(nd, "ready", "ready", ok ? "yes" : "no",
			    "reason", rd->why);
			fsm_set_ready(&nd->fsm, ok);
			rd->state = ok;
			send_heartbeat(nd, 0, now);
		}
		return;
	}
	if (now < rd->next_ms)
		return;
	rd->next_ms = now + nd->conf.readiness_interval_ms;
	build_env(nd, "check", store, sizeof(store), envp);
	if (conf_check_file(nd->conf.readiness, rd->why, sizeof(rd->why)) ==
	    -1) {
		if (rd->state != 0)
			log_warnx("readiness check refused: %s", rd->why);
		rd->state = 0;
		fsm_set_ready(&nd->fsm, 0);
	} else if (script_start(&rd->job, nd->conf.readiness,
	    ip_text(nd->conf.aliasip), envp, nd->conf.readiness_timeout_ms,
	    now) == -1 && rd->state != 0) {
		log_warn("readiness check '%s' cannot run", nd->conf.readiness);
		snprintf(rd->why, sizeof(rd->why), "check cannot run");
		rd->state = 0;
		fsm_set_ready(&nd->fsm, 0);
	}
}

static void
peer_tick(struct node *nd, int64_t now)
{
	struct fsm_view	v;

	node_view(nd, now, &v);
	if (v.peer_alive == nd->peer.alive)
		return;
	nd->peer.alive = v.peer_alive;
	if (v.peer_alive) {
		log_info("peer %s is alive (%s, %s)",
		    ip_text(nd->conf.otherip),
		    fsm_state_name(nd->peer.msg.state),
		    v.peer_holds ? "holding the address" : "not holding it");
		node_event(nd, "peer", "peer", "alive", "reason",
		    "valid heartbeat");
	} else {
		log_notice("peer %s lost: %s", ip_text(nd->conf.otherip),
		    v.peer_leaving ? "it is stopping" : "silent for failtime");
		node_event(nd, "peer", "peer", "lost", "reason",
		    v.peer_leaving ? "peer stopping" : "silent for failtime");
	}
}

/* The ARP socket is bound to an interface index, which a new one changes. */
static void
reopen_arp(struct node *nd)
{
	arp_close(&nd->arp);
	if (arp_open(&nd->arp, nd->ifname) == -1)
		log_warn("'%s' was made again, but ARP on it fails: no probe, "
		    "no gratuitous ARP", nd->ifname);
	else {
		log_info("'%s' was made again: ARP follows it", nd->ifname);
		if (arp_watch(&nd->arp, nd->conf.aliasip) == -1)
			log_warn("ARP filter on '%s': every ARP frame wakes us",
			    nd->ifname);
	}
}

/*
 * A node without link cannot serve the address: it lets it go rather than
 * keep it where nobody reaches it, and where it would answer again beside
 * the peer's the moment the link returns.  With the link back it starts
 * over as at boot, hearing the peer and probing before it takes anything.
 * Not while a script runs: its result would undo the change.
 */
static void
link_tick(struct node *nd, int64_t now)
{
	struct fsm_result	r;

	if (nd->ifindex_changed) {
		nd->ifindex_changed = 0;
		reopen_arp(nd);
	}
	if (nd->link_up == !nd->fsm.no_link || nd->stopping ||
	    script_running(&nd->script))
		return;
	if (nd->link_up) {
		log_notice("link on '%s' is back", nd->ifname);
		start_probe(nd, now);
	} else
		log_warning("link on '%s' lost: this node takes nothing "
		    "until it returns", nd->ifname);
	node_event(nd, "link", "link", nd->link_up ? "up" : "down", NULL,
	    NULL);
	fsm_set_link(&nd->fsm, nd->link_up, now, &r);
	node_apply(nd, &r, now);
}

void
node_step(struct node *nd, int64_t now)
{
	struct fsm_result	r;
	struct fsm_view		v;

	if (nd->stopping || script_running(&nd->script))
		return;
	node_view(nd, now, &v);
	fsm_step(&nd->fsm, &v, &r);
	node_apply(nd, &r, now);
}

static int64_t
next_deadline(const struct node *nd)
{
	int64_t	t = nd->next_send_ms, d;

#define EARLIER(x) do { d = (x); if (d < t) t = d; } while (0)
	EARLIER(fsm_deadline(&nd->fsm));
	EARLIER(script_deadline(&nd->script));
	if (nd->conf.readiness[0] != '\0')
		EARLIER(script_running(&nd->ready.job) ?
		    script_deadline(&nd->ready.job) : nd->ready.next_ms);
	/*
	 * No wakeup of its own for the lease: it is renewed at the next
	 * heartbeat after it is due, at most an interval late, which its
	 * lifetime allows for (see lease_seconds()).
	 */
	if (nd->peer.fresh_ms >= 0 && nd->peer.alive)
		EARLIER(nd->peer.fresh_ms + nd->fsm.failtime_ms);
	if (nd->probe.active)
		EARLIER(nd->probe.next_ms < nd->probe.end_ms ?
		    nd->probe.next_ms : nd->probe.end_ms);
	if (nd->fsm.foreign_block && !nd->probe.active)
		EARLIER(nd->probe.end_ms + nd->fsm.failtime_ms);
	if (nd->garp_left)
		EARLIER(nd->garp_next_ms);
#undef EARLIER
	return t;
}

static void
read_signals(struct node *nd)
{
	struct signalfd_siginfo	si;

	while (read(nd->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			if (!nd->stopping) {
				log_info("stopping on signal %u", si.ssi_signo);
				node_notify("STOPPING=1");
			}
			nd->stopping = 1;
			break;
		case SIGHUP:
			nd->reload = 1;
			break;
		default:
			break;	/* SIGCHLD: script_tick reaps */
		}
	}
}

static void
do_reload(struct node *nd)
{
	char	err[512];

	nd->reload = 0;
	node_notify("RELOADING=1");
	if (node_reload(nd, err, sizeof(err)) == -1)
		log_warning("reload refused, running configuration kept: %s",
		    err);
	node_notify("READY=1");
}

/*
 * SIGTERM: finish the script under way, release the address if we hold
 * it, then say so in a last heartbeat, so the peer takes over now rather
 * than after failtime.  If the address is still here after the remove
 * script, stay silent: telling the peer to take it would double it.
 */
static int
stop_tick(struct node *nd, int64_t now)
{
	int	held;

	if (!nd->stopping || script_running(&nd->script))
		return 0;
	if (nd->fsm.holds && nd->fsm.state != FSM_RELEASING &&
	    node_address_present(nd)) {
		snprintf(nd->fsm.reason, sizeof(nd->fsm.reason),
		    "stopping");
		nd->fsm.state = FSM_RELEASING;
		nd->stopping = 0;
		run_script(nd, FSM_A_REMOVE, now);
		nd->stopping = 1;
		if (script_running(&nd->script))
			return 0;
	}
	if (node_address_present(nd)) {
		log_warnx("stopping with %s still on '%s': the peer is not "
		    "told, it takes over after failtime",
		    ip_text(nd->conf.aliasip), nd->ifname);
		return 1;
	}
	held = nd->fsm.holds;
	nd->fsm.holds = 0;
	send_heartbeat(nd, HB_F_LEAVING | HB_F_YIELDS, now);
	send_heartbeat(nd, HB_F_LEAVING | HB_F_YIELDS, now);
	log_info("stopped; peer told%s", held ? " to take over" : "");
	return 1;
}

int
node_run(struct node *nd)
{
	struct pollfd	pfd[POLL_MAX];
	int64_t		now, wait;
	int		n, nctl, told_ready = 0;

	for (;;) {
		now = node_now();
		if (now >= nd->next_send_ms)
			send_heartbeat(nd, 0, now);
		probe_tick(nd, now);
		probe_again(nd, now);
		script_tick(nd, now);
		if (nd->reload)
			do_reload(nd);
		if (stop_tick(nd, now))
			return 0;
		link_tick(nd, now);
		node_step(nd, now);
		peer_tick(nd, now);
		garp_tick(nd, now);
		address_tick(nd, now);
		lease_tick(nd, now);
		ready_tick(nd, now);
		if (!told_ready) {
			node_notify("READY=1");
			told_ready = 1;
		}

		n = 0;
		pfd[n++] = (struct pollfd){ .fd = nd->sigfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = nd->udp, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = nd->arp.fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = nd->script.out_fd,
		    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = nd->ready.job.out_fd,
		    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = nd->nl_fd,
		    .events = POLLIN };
		nctl = ctl_pollfds(nd->ctl, pfd + n, POLL_MAX - n);

		wait = next_deadline(nd) - node_now();
		if (wait < 0)
			wait = 0;
		if (poll(pfd, (nfds_t)(n + nctl), (int)wait) == -1 &&
		    errno != EINTR)
			fatal("poll");

		now = node_now();
		if (pfd[0].revents)
			read_signals(nd);
		if (pfd[1].revents)
			receive_heartbeats(nd, now);
		nd->arp_readable = pfd[2].revents != 0;
		if (pfd[5].revents)
			node_watch_read(nd);
		ctl_dispatch(nd->ctl, pfd + n, nctl);
	}
}
