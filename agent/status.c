/*
 * Conversion of failoverd's status and events (doc/control.md) into the
 * typed values of IPFAILOVER-MIB.  Pure functions: no I/O, no logging.
 * A key that is missing or does not parse leaves the old value, so a
 * daemon that gains or renames keys degrades one object, not the agent.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "ctlclient.h"
#include "agent.h"

enum kind {
	K_STATE, K_BOOL, K_WORDS, K_ADDR, K_STR, K_INT, K_U32, K_U64, K_I64
};

struct field {
	const char		*key;
	enum kind		 kind;
	size_t			 off;
	size_t			 size;
	const char *const	*words;		/* K_WORDS */
	int			 unknown;	/* K_WORDS: other words */
};

/* Words of one enumeration, at the index of their SNMP value. */
static const char *const source_words[] = { NULL, "config", "control",
	"snmp", NULL };
static const char *const role_words[] = { NULL, "master", "slave", NULL };
static const char *const override_words[] = { NULL, "none", "hold",
	"release", NULL };
static const char *const peer_words[] = { NULL, "alive", "lost", NULL };
static const char *const ready_words[] = { NULL, "yes", "no", NULL };
static const char *const mode_words[] = { NULL, "auto", "manual", NULL };
static const char *const move_words[] = { NULL, "none", "takeover",
	"handback", NULL };
static const char *const sim_words[] = { NULL, "none", "peer-loss", NULL };

#define F(key, kind, member) { key, kind,				\
	offsetof(struct ipf_status, member),				\
	sizeof(((struct ipf_status *)0)->member), NULL, 0 }
/* An enumeration: WORDS, and UNKNOWN for any other word. */
#define W(key, member, words, unknown) { key, K_WORDS,			\
	offsetof(struct ipf_status, member),				\
	sizeof(((struct ipf_status *)0)->member), words, unknown }

static const struct field fields[] = {
	F("state", K_STATE, state),
	F("holds", K_BOOL, holds),
	F("ismaster", K_BOOL, ismaster),
	W("ismaster_source", ismaster_src, source_words, IPF_SRC_UNKNOWN),
	W("effective_role", role, role_words, IPF_ROLE_UNKNOWN),
	W("override", override, override_words, IPF_OVR_UNKNOWN),
	W("mode", mode, mode_words, IPF_MODE_AUTO),
	W("mode_source", mode_src, source_words, IPF_SRC_UNKNOWN),
	W("pending", pending, move_words, IPF_MOVE_UNKNOWN),
	W("ready", ready, ready_words, IPF_READY_UNKNOWN),
	F("ready_reason", K_STR, ready_reason),
	F("dry_run", K_BOOL, dry_run),
	W("simulation", simulation, sim_words, IPF_SIM_UNKNOWN),
	F("addresslease", K_BOOL, address_lease),
	F("aliasip", K_ADDR, alias),
	F("prefix", K_INT, prefix),
	F("otherip", K_ADDR, other),
	F("localip", K_ADDR, local),
	F("interface", K_STR, interface),
	F("port", K_INT, port),
	F("failtime_ms", K_U32, failtime_ms),
	W("failtime_source", failtime_src, source_words, IPF_SRC_UNKNOWN),
	F("interval_ms", K_U32, interval_ms),
	W("peer", peer, peer_words, IPF_PEER_UNKNOWN),
	F("peer_last_ms", K_I64, peer_last_ms),
	F("peer_state", K_STATE, peer_state),
	F("peer_ismaster", K_BOOL, peer_ismaster),
	F("peer_holds", K_BOOL, peer_holds),
	F("peer_ready", K_BOOL, peer_ready),
	W("peer_ready", peer_readiness, ready_words, IPF_READY_UNKNOWN),
	F("worst_gap_ms", K_I64, worst_gap_ms),
	F("hb_sent", K_U64, hb_sent),
	F("hb_received", K_U64, hb_received),
	F("rej_length", K_U64, rej_length),
	F("rej_version", K_U64, rej_version),
	F("rej_mac", K_U64, rej_mac),
	F("rej_replay", K_U64, rej_replay),
	F("rej_sender", K_U64, rej_sender),
	F("takeovers", K_U64, takeovers),
	F("releases", K_U64, releases),
	F("script_failures", K_U64, script_failures),
	F("nearmiss", K_U64, nearmiss),
	F("last_change", K_I64, last_change),
	F("last_change_ago_ms", K_I64, last_change_ago_ms),
	F("last_reason", K_STR, last_reason),
	F("last_takeover_ms", K_I64, last_takeover_ms),
	F("foreign_holder", K_BOOL, foreign_holder),
	F("config", K_STR, config),
	F("uptime_ms", K_I64, uptime_ms)
};

static const char *const state_names[] = {
	[IPF_S_INIT] = "init", [IPF_S_STANDBY] = "standby",
	[IPF_S_TAKING] = "taking", [IPF_S_ACTIVE] = "active",
	[IPF_S_RELEASING] = "releasing", [IPF_S_FAULT] = "fault",
	[IPF_S_UNKNOWN] = "unknown", [IPF_S_PENDING] = "pending"
};

void
status_clear(struct ipf_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = IPF_S_UNKNOWN;
	st->ismaster_src = IPF_SRC_UNKNOWN;
	st->role = IPF_ROLE_UNKNOWN;
	st->override = IPF_OVR_UNKNOWN;
	st->mode = IPF_MODE_AUTO;
	st->mode_src = IPF_SRC_UNKNOWN;
	st->pending = IPF_MOVE_UNKNOWN;
	st->ready = IPF_READY_UNKNOWN;
	st->simulation = IPF_SIM_UNKNOWN;
	st->peer_readiness = IPF_READY_UNKNOWN;
	st->failtime_src = IPF_SRC_UNKNOWN;
	st->peer = IPF_PEER_UNKNOWN;
	st->peer_last_ms = -1;
	st->peer_state = IPF_S_UNKNOWN;
	st->last_change_ago_ms = -1;
}

enum ipf_state
status_state_parse(const char *s)
{
	int	 i;

	for (i = IPF_S_INIT; i <= IPF_S_PENDING; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum ipf_state)i;
	return IPF_S_UNKNOWN;
}

const char *
status_state_name(enum ipf_state s)
{
	if (s < IPF_S_INIT || s > IPF_S_PENDING)
		s = IPF_S_UNKNOWN;
	return state_names[s];
}

/* The SNMP value of S in WORDS (NULL-ended from index 1), or UNKNOWN. */
static int
word_value(const char *const *words, const char *s, int unknown)
{
	int	 i;

	for (i = 1; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return unknown;
}

int
status_addr_parse(const char *s, struct ipf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->octets) == 1) {
		a->type = 1;
		a->len = 4;
	} else if (inet_pton(AF_INET6, s, a->octets) == 1) {
		a->type = 2;
		a->len = 16;
	} else
		return -1;
	return 0;
}

/* Decimal integers only: a stray word must not read as zero. */
static int
parse_i64(const char *s, int64_t *v)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char			*end;
	unsigned long long	 n;

	if (*s == '-')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

static void
set_enum(void *p, int v)
{
	memcpy(p, &v, sizeof(v));
}

static void
set_number(const struct field *f, void *p, const char *s)
{
	int64_t		 i;
	uint64_t	 u;
	int		 n;
	uint32_t	 u32;

	if (f->kind == K_U64 && parse_u64(s, &u) == 0)
		memcpy(p, &u, sizeof(u));
	else if (f->kind == K_I64 && parse_i64(s, &i) == 0)
		memcpy(p, &i, sizeof(i));
	else if (f->kind == K_U32 && parse_u64(s, &u) == 0 &&
	    u <= UINT32_MAX) {
		u32 = (uint32_t)u;
		memcpy(p, &u32, sizeof(u32));
	} else if (f->kind == K_INT && parse_i64(s, &i) == 0 &&
	    i >= 0 && i <= 65535) {
		n = (int)i;
		memcpy(p, &n, sizeof(n));
	}
}

static void
set_field(struct ipf_status *st, const struct field *f, const char *s)
{
	void	*p = (char *)st + f->off;
	int	 b;

	switch (f->kind) {
	case K_STATE:
		set_enum(p, status_state_parse(s));
		break;
	case K_BOOL:
		b = strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 ||
		    strcmp(s, "on") == 0;
		set_enum(p, b);
		break;
	case K_WORDS:
		set_enum(p, word_value(f->words, s, f->unknown));
		break;
	case K_ADDR:
		(void)status_addr_parse(s, p);
		break;
	case K_STR:
		strncpy(p, s, f->size - 1);
		((char *)p)[f->size - 1] = '\0';
		break;
	default:
		set_number(f, p, s);
		break;
	}
}

void
status_from_block(struct ipf_status *st, const struct ctl_block *b)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((v = ctl_block_get(b, fields[i].key)) != NULL)
			set_field(st, &fields[i], v);
	st->valid = 1;
}

static void
set_key(struct ipf_status *st, const struct ctl_block *b, const char *key,
    const char *as)
{
	const char	*v = ctl_block_get(b, key);
	size_t		 i;

	if (v == NULL)
		return;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].key, as) == 0)
			set_field(st, &fields[i], v);
}

enum ipf_move
status_event_move(const struct ctl_block *ev)
{
	const char	*v;

	if ((v = ctl_block_get(ev, "pending")) != NULL)
		return word_value(move_words, v, IPF_MOVE_UNKNOWN);
	/*
	 * failoverd names the move in status only.  A node that waits
	 * holds the address exactly when the move would release it.
	 */
	if ((v = ctl_block_get(ev, "holds")) == NULL)
		return IPF_MOVE_UNKNOWN;
	return strcmp(v, "yes") == 0 ? IPF_MOVE_HANDBACK : IPF_MOVE_TAKEOVER;
}

/* "event set": the new value of one setting and where it came from. */
static void
fold_set(struct ipf_status *st, const struct ctl_block *ev)
{
	const char	*key = ctl_block_get(ev, "key");
	const char	*value = ctl_block_get(ev, "value");
	uint32_t	 ms;
	int		 b;

	if (key == NULL || value == NULL)
		return;
	if (strcmp(key, "mode") == 0) {
		set_key(st, ev, "value", "mode");
		set_key(st, ev, "origin", "mode_source");
	} else if (strcmp(key, "ismaster") == 0 &&
	    ctl_parse_bool(value, &b) == 0) {
		st->ismaster = b;
		set_key(st, ev, "origin", "ismaster_source");
	} else if (strcmp(key, "failtime") == 0 &&
	    ctl_parse_seconds(value, &ms) == 0) {
		st->failtime_ms = ms;
		set_key(st, ev, "origin", "failtime_source");
	}
}

/*
 * Only what an event says for certain is folded in; the rest (counters,
 * times) comes with the next status read, which the caller forces.
 */
int
status_apply_event(struct ipf_status *st, const struct ctl_block *ev)
{
	enum ipf_state	 old = st->state;
	const char	*name = ev->head + 6;

	if (strncmp(ev->head, "event ", 6) != 0)
		return 0;
	if (strcmp(name, "state") == 0) {
		set_key(st, ev, "new", "state");
		set_key(st, ev, "holds", "holds");
		set_key(st, ev, "reason", "last_reason");
		st->pending = st->state == IPF_S_PENDING ?
		    status_event_move(ev) : IPF_MOVE_NONE;
		st->last_change = (int64_t)time(NULL);
		st->last_change_ago_ms = 0;
	} else if (strcmp(name, "peer") == 0)
		set_key(st, ev, "peer", "peer");
	else if (strcmp(name, "ready") == 0) {
		set_key(st, ev, "ready", "ready");
		set_key(st, ev, "reason", "ready_reason");
	} else if (strcmp(name, "set") == 0)
		fold_set(st, ev);
	return st->state != old;
}
