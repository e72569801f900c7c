/*
 * The role state machine of failoverd.
 *
 * Every decision starts from one question: who should hold the floating
 * address now, given what the peer last said?  A peer counts only while
 * its heartbeats are fresh (within failtime), ready, and not told by its
 * operator to stay out.  Between two such contenders, a manual "hold"
 * wins; otherwise the effective master does.  Both nodes compute the same
 * answer from the same facts, which is what keeps them from fighting.
 *
 * Safety rests on one rule: a node adds the address only when the peer
 * says it does not hold it, or has been silent for failtime.  So on a
 * handback the slave releases first, the master sees HOLDS drop in the
 * next heartbeat, and only then adds.
 *
 * Pure code: no clock, no I/O, no logging.  The caller logs transitions
 * with fsm.reason and runs the actions.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fsm.h"
#include "heartbeat.h"

#define FSM_BACKOFF_MIN_MS	1000
#define FSM_BACKOFF_MAX_MS	60000
#define FSM_HANDBACK_TRIES	3	/* see step_fault() */

enum holder { HOLDER_NOBODY, HOLDER_ME, HOLDER_PEER };

static const char *const state_names[FSM_NSTATES] = {
	"init", "standby", "taking", "active", "releasing", "fault", "pending"
};

const char *
fsm_state_name(enum fsm_state s)
{
	return (unsigned)s < FSM_NSTATES ? state_names[s] : "unknown";
}

const char *
fsm_override_name(enum fsm_override o)
{
	switch (o) {
	case FSM_OVR_HOLD:
		return "hold";
	case FSM_OVR_RELEASE:
		return "release";
	default:
		return "none";
	}
}

void
fsm_init(struct fsm *f, int ismaster, int lower_addr, int holds_at_start,
    uint32_t failtime_ms, int64_t now_ms)
{
	memset(f, 0, sizeof(*f));
	f->state = FSM_INIT;
	f->ismaster = ismaster;
	f->lower_addr = lower_addr;
	f->holds = holds_at_start;
	f->failtime_ms = failtime_ms;
	f->entered_ms = now_ms;
	f->init_end_ms = now_ms + failtime_ms;
	snprintf(f->reason, sizeof(f->reason), "started");
}

/*
 * When both nodes are configured alike, the one with the lower address
 * acts as master.  Both know both addresses, so both agree.
 */
static int
effective_master(const struct fsm *f, const struct fsm_view *v)
{
	if (!v->peer_alive || f->ismaster != v->peer_master)
		return f->ismaster;
	return f->lower_addr;
}

/*
 * A peer still in INIT contends although it is not ready: two nodes that
 * start together must not both take the address at the end of INIT.
 */
static int
peer_contends(const struct fsm_view *v)
{
	return v->peer_alive && !v->peer_yields &&
	    (v->peer_ready || v->peer_init);
}

/*
 * A node whose readiness check fails does not take the address by
 * itself, but one that holds it is not pushed out by that alone.  A node
 * without link is: nobody reaches the address there.
 */
static enum holder
who_should_hold(const struct fsm *f, const struct fsm_view *v)
{
	int	me = f->override != FSM_OVR_RELEASE && !f->no_link &&
	    (!f->not_ready || f->holds || f->override == FSM_OVR_HOLD);

	if (!peer_contends(v))
		return me ? HOLDER_ME : HOLDER_NOBODY;
	if (!me)
		return HOLDER_PEER;
	if (f->override == FSM_OVR_HOLD && !v->peer_wants)
		return HOLDER_ME;
	if (v->peer_wants && f->override != FSM_OVR_HOLD)
		return HOLDER_PEER;
	return effective_master(f, v) ? HOLDER_ME : HOLDER_PEER;
}

static int
peer_serves(const struct fsm_view *v)
{
	return v->peer_alive && v->peer_holds;
}

static void
enter(struct fsm *f, enum fsm_state to, int64_t now_ms,
    struct fsm_result *r)
{
	if (!r->changed)
		r->old = f->state;
	r->changed = 1;
	r->new = to;
	r->send_now = 1;
	f->state = to;
	f->entered_ms = now_ms;
}

/* Why this node should take the address, for the log and status. */
static void
why_take(struct fsm *f, const struct fsm_view *v)
{
	if (f->override == FSM_OVR_HOLD)
		snprintf(f->reason, sizeof(f->reason),
		    "operator asked to hold the address");
	else if (v->peer_leaving && v->peer_silent_ms < f->failtime_ms)
		snprintf(f->reason, sizeof(f->reason),
		    "peer released the address and is stopping");
	else if (!v->peer_alive && v->peer_silent_ms < 0)
		snprintf(f->reason, sizeof(f->reason),
		    "no heartbeat from peer within failtime %u ms",
		    f->failtime_ms);
	else if (!v->peer_alive)
		snprintf(f->reason, sizeof(f->reason),
		    "peer silent for %lld ms (failtime %u ms)",
		    (long long)v->peer_silent_ms, f->failtime_ms);
	else if (!v->peer_ready)
		snprintf(f->reason, sizeof(f->reason),
		    "peer is not ready to hold the address");
	else if (v->peer_yields)
		snprintf(f->reason, sizeof(f->reason),
		    "peer's operator asked it to release the address");
	else
		snprintf(f->reason, sizeof(f->reason),
		    "peer does not hold the address and this node is %s",
		    f->ismaster ? "master" : "the tie-break winner");
}

static void
why_release(struct fsm *f, const struct fsm_view *v)
{
	if (f->no_link)
		snprintf(f->reason, sizeof(f->reason),
		    "the interface has no link");
	else if (f->override == FSM_OVR_RELEASE)
		snprintf(f->reason, sizeof(f->reason),
		    "operator asked to release the address");
	else if (v->peer_wants)
		snprintf(f->reason, sizeof(f->reason),
		    "peer's operator asked it to hold the address");
	else if (v->peer_master && !f->ismaster)
		snprintf(f->reason, sizeof(f->reason),
		    "master is back");
	else
		snprintf(f->reason, sizeof(f->reason),
		    "peer wins the tie-break as the lower address");
}

/*
 * In manual mode a move the node decided by itself because the peer went
 * silent, failed or came back waits in PENDING for an operator.  What an
 * operator set in motion goes ahead: add or remove here, a confirmation,
 * or the peer's own operator (it wants the address, or yields it), and so
 * does the second half of a confirmed handback: the peer is there and
 * says it let the address go.  The reason stays the automatic one, so the
 * operator sees why the node wants to move.
 */
static int
orderly(enum fsm_action a, const struct fsm_view *v)
{
	if (a == FSM_A_ADD)
		return v->peer_alive && !v->peer_holds &&
		    (v->peer_ready || v->peer_yields);
	return v->peer_alive && v->peer_wants;
}

static int
must_wait(struct fsm *f, enum fsm_action a, const struct fsm_view *v,
    struct fsm_result *r)
{
	enum fsm_override	asked = a == FSM_A_ADD ? FSM_OVR_HOLD :
	    FSM_OVR_RELEASE;

	if (!f->manual || f->override == asked || orderly(a, v) ||
	    (f->confirmed && f->pending == a)) {
		f->confirmed = 0;
		return 0;
	}
	if (f->state != FSM_PENDING || f->pending != a) {
		f->pending = a;
		enter(f, FSM_PENDING, v->now_ms, r);
	}
	return 1;
}

static void
take(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	why_take(f, v);
	if (must_wait(f, FSM_A_ADD, v, r))
		return;
	enter(f, FSM_TAKING, v->now_ms, r);
	r->action = FSM_A_ADD;
}

/*
 * Letting go of an address that nobody can reach (no link) is no move to
 * the peer: it does not wait for an operator, and the node holds nothing
 * that could answer beside the peer's copy when the link returns.
 */
static void
release(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	why_release(f, v);
	if (!f->no_link && must_wait(f, FSM_A_REMOVE, v, r))
		return;
	enter(f, FSM_RELEASING, v->now_ms, r);
	r->action = FSM_A_REMOVE;
}

/*
 * End of INIT.  An address found on our side at start was left by an
 * earlier life: keep it (re-running add, whose effects we cannot know)
 * only when we should hold it and the peer does not; otherwise remove it
 * before anything else, so it is never held twice.
 */
static void
step_init(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	enum holder	h;

	if (!(v->probe_done && v->peer_alive) && v->now_ms < f->init_end_ms)
		return;
	f->foreign_block = v->foreign_holder;
	h = who_should_hold(f, v);
	/* Reconciling is no move: manual mode does not wait for it. */
	if (f->holds && h == HOLDER_ME && !peer_serves(v)) {
		snprintf(f->reason, sizeof(f->reason),
		    "address left over from an earlier run, keeping it");
		enter(f, FSM_TAKING, v->now_ms, r);
		r->action = FSM_A_ADD;
		return;
	}
	if (f->holds) {
		enter(f, FSM_RELEASING, v->now_ms, r);
		r->action = FSM_A_REMOVE;
		snprintf(f->reason, sizeof(f->reason),
		    "address left over from an earlier run, %s",
		    peer_serves(v) ? "peer holds it" : "peer should hold it");
		return;
	}
	snprintf(f->reason, sizeof(f->reason), "%s",
	    v->peer_alive ? "peer answered" : "peer silent since start");
	enter(f, FSM_STANDBY, v->now_ms, r);
}

static void
step_standby(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	if (who_should_hold(f, v) != HOLDER_ME || peer_serves(v))
		return;
	if (f->foreign_block) {
		if (!v->probe_done || v->foreign_holder)
			return;
		f->foreign_block = 0;
	}
	take(f, v, r);
}

static void
step_active(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	/*
	 * A peer that should hold the address but is still starting gets it
	 * once it is ready, not before: releasing now would leave nobody
	 * holding it while the peer probes.
	 */
	if (who_should_hold(f, v) != HOLDER_ME) {
		if (!v->peer_init)
			release(f, v, r);
		return;
	}

	/*
	 * We keep it.  If the peer holds it too (a healed partition), it
	 * will release, having computed the same answer; the moment it
	 * does, neighbours may still point at its MAC, so announce again.
	 */
	if (peer_serves(v))
		r->conflict = 1;
	else if (f->peer_held)
		r->announce = 1;
}

/*
 * FAULT retries with backoff.  A takeover that nobody else can serve is
 * tried again at each retry time, for as long as the fault lasts: the
 * script may work again.  Asking a serving peer for the address back is
 * different, since each try moves a working address to a node that just
 * failed: after FSM_HANDBACK_TRIES the node stops asking until the
 * operator's "failoverctl auto".  A node that should not hold the
 * address has nothing to retry; after "auto" it is back in standby.
 */
static void
step_fault(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	enum holder	h = who_should_hold(f, v);

	/*
	 * Nothing below waits on the clock unless it says so: a peer's loss
	 * wakes the loop by itself, and a past retry time must not make it
	 * spin.
	 */
	f->wake_ms = INT64_MAX;
	if (v->now_ms < f->retry_ms)
		f->wake_ms = f->retry_ms;
	if (f->holds) {
		if (v->now_ms < f->retry_ms)
			return;
		if (h == HOLDER_ME && !peer_serves(v))
			take(f, v, r);
		else
			release(f, v, r);
		return;
	}
	if (h != HOLDER_ME) {
		if (f->cleared) {
			snprintf(f->reason, sizeof(f->reason),
			    "operator cleared the fault");
			enter(f, FSM_STANDBY, v->now_ms, r);
		}
		return;
	}
	if (v->now_ms < f->retry_ms)
		return;
	if (!peer_serves(v)) {
		take(f, v, r);
		return;
	}
	if (f->gave_up)
		return;
	if (f->failures >= FSM_HANDBACK_TRIES && !f->cleared) {
		f->gave_up = 1;
		snprintf(f->reason, sizeof(f->reason), "%u failed tries; the "
		    "peer keeps the address until 'failoverctl auto'",
		    f->failures);
		r->stuck = 1;
		return;
	}
	snprintf(f->reason, sizeof(f->reason), "retrying after %u failed "
	    "tries: asking the peer to hand the address back", f->failures);
	enter(f, FSM_STANDBY, v->now_ms, r);
}

/*
 * PENDING holds no decision of its own: each step asks again from the
 * state the node is really in.  The same move wanted again keeps waiting
 * (or goes ahead once confirmed); no move wanted any more ends the wait.
 */
static void
step_pending(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	struct fsm_result	again;
	enum fsm_state		base = f->holds ? FSM_ACTIVE : FSM_STANDBY;
	int64_t			since = f->entered_ms;

	memset(&again, 0, sizeof(again));
	f->state = base;
	if (base == FSM_ACTIVE)
		step_active(f, v, &again);
	else
		step_standby(f, v, &again);
	r->announce |= again.announce;
	r->conflict |= again.conflict;

	if (again.action != FSM_A_NONE) {
		*r = again;
		r->old = FSM_PENDING;
		f->pending = FSM_A_NONE;
		return;
	}
	if (f->state == FSM_PENDING) {
		f->entered_ms = since;
		return;
	}
	f->state = FSM_PENDING;
	f->pending = FSM_A_NONE;
	f->confirmed = 0;
	snprintf(f->reason, sizeof(f->reason),
	    "the reason to move is gone; nothing was done");
	enter(f, base, v->now_ms, r);
}

static void
check_roles(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	if (v->peer_alive && v->peer_master == f->ismaster) {
		if (!f->tie_logged)
			r->conflict = 1;
		f->tie_logged = 1;
	} else if (v->peer_alive)
		f->tie_logged = 0;
}

void
fsm_step(struct fsm *f, const struct fsm_view *v, struct fsm_result *r)
{
	memset(r, 0, sizeof(*r));
	check_roles(f, v, r);

	switch (f->state) {
	case FSM_INIT:
		step_init(f, v, r);
		if (f->state == FSM_STANDBY)
			step_standby(f, v, r);
		break;
	case FSM_STANDBY:
		step_standby(f, v, r);
		break;
	case FSM_ACTIVE:
		step_active(f, v, r);
		break;
	case FSM_FAULT:
		step_fault(f, v, r);
		break;
	case FSM_PENDING:
		step_pending(f, v, r);
		break;
	case FSM_TAKING:
	case FSM_RELEASING:
	default:
		break;
	}
	f->peer_held = peer_serves(v);
}

static int64_t
backoff_ms(unsigned failures)
{
	int64_t	ms = FSM_BACKOFF_MIN_MS;

	while (failures-- > 1 && ms < FSM_BACKOFF_MAX_MS)
		ms *= 2;
	return ms < FSM_BACKOFF_MAX_MS ? ms : FSM_BACKOFF_MAX_MS;
}

void
fsm_script_done(struct fsm *f, enum fsm_action action, int ok, int present,
    int64_t now_ms, struct fsm_result *r)
{
	memset(r, 0, sizeof(*r));
	if (ok) {
		f->failures = 0;
		f->holds = action == FSM_A_ADD;
		if (f->holds) {
			r->announce = 1;
			snprintf(f->reason, sizeof(f->reason),
			    "add script succeeded");
			enter(f, FSM_ACTIVE, now_ms, r);
		} else {
			snprintf(f->reason, sizeof(f->reason),
			    "remove script succeeded");
			enter(f, FSM_STANDBY, now_ms, r);
		}
		return;
	}

	/* The script's word is gone; what is on the interface is not. */
	f->holds = present;
	f->failed = action;
	f->failures++;
	f->retry_ms = now_ms + backoff_ms(f->failures);
	f->cleared = 0;
	f->gave_up = 0;
	f->wake_ms = f->retry_ms;
	snprintf(f->reason, sizeof(f->reason),
	    "%s script failed (%u in a row), address %s, retry in %lld ms",
	    action == FSM_A_ADD ? "add" : "remove", f->failures,
	    present ? "present" : "absent",
	    (long long)(f->retry_ms - now_ms));
	enter(f, FSM_FAULT, now_ms, r);
}

void
fsm_set_override(struct fsm *f, enum fsm_override o)
{
	f->override = o;
	if (o == FSM_OVR_NONE && f->state == FSM_FAULT) {
		f->retry_ms = 0;
		f->failures = 0;
		f->gave_up = 0;
		f->cleared = 1;
		f->wake_ms = 0;
	}
}

int
fsm_confirm(struct fsm *f, enum fsm_action action)
{
	if (f->state != FSM_PENDING || f->pending != action)
		return -1;
	f->confirmed = 1;
	return 0;
}

void
fsm_address_lost(struct fsm *f, int64_t now_ms, struct fsm_result *r)
{
	memset(r, 0, sizeof(*r));
	if (f->state != FSM_ACTIVE && f->state != FSM_PENDING)
		return;
	f->holds = 0;
	f->pending = FSM_A_NONE;
	snprintf(f->reason, sizeof(f->reason),
	    "the address vanished from the interface");
	enter(f, FSM_STANDBY, now_ms, r);
}

void
fsm_stray_copy(struct fsm *f, const struct fsm_view *v,
    struct fsm_result *r)
{
	memset(r, 0, sizeof(*r));
	if (f->state != FSM_STANDBY || f->holds ||
	    (!peer_serves(v) && who_should_hold(f, v) == HOLDER_ME))
		return;
	snprintf(f->reason, sizeof(f->reason),
	    "the address is here although %s",
	    peer_serves(v) ? "the peer holds it" :
	    "this node should not hold it");
	enter(f, FSM_RELEASING, v->now_ms, r);
	r->action = FSM_A_REMOVE;
}

int
fsm_should_hold(const struct fsm *f, const struct fsm_view *v)
{
	return who_should_hold(f, v) == HOLDER_ME;
}

void
fsm_set_manual(struct fsm *f, int manual)
{
	f->manual = manual;
}

void
fsm_set_ready(struct fsm *f, int ready)
{
	f->not_ready = !ready;
}

void
fsm_set_role(struct fsm *f, int ismaster)
{
	f->ismaster = ismaster;
	f->tie_logged = 0;
}

void
fsm_set_failtime(struct fsm *f, uint32_t failtime_ms)
{
	if (f->state == FSM_INIT)
		f->init_end_ms += (int64_t)failtime_ms - f->failtime_ms;
	f->failtime_ms = failtime_ms;
}

void
fsm_set_link(struct fsm *f, int up, int64_t now_ms, struct fsm_result *r)
{
	struct fsm_result	unused;

	if (r == NULL)
		r = &unused;
	memset(r, 0, sizeof(*r));
	f->no_link = !up;
	/* Holding still (manual mode kept it): settled like a healed split. */
	if (!up || f->holds || f->state == FSM_INIT)
		return;
	f->init_end_ms = now_ms + f->failtime_ms;
	f->pending = FSM_A_NONE;
	f->confirmed = 0;
	snprintf(f->reason, sizeof(f->reason),
	    "link is back: hearing the peer before anything else");
	enter(f, FSM_INIT, now_ms, r);
}

uint8_t
fsm_flags(const struct fsm *f)
{
	uint8_t	flags = 0;

	if (f->ismaster)
		flags |= HB_F_MASTER;
	if (f->holds || f->state == FSM_TAKING)
		flags |= HB_F_HOLDS;
	/*
	 * Not while releasing either: a node that removes a leftover after
	 * a restart must not make the peer release at the same time.
	 */
	if ((f->state == FSM_STANDBY || f->state == FSM_TAKING ||
	    f->state == FSM_ACTIVE || f->state == FSM_PENDING) &&
	    !f->not_ready && !f->no_link)
		flags |= HB_F_READY;
	if (f->override == FSM_OVR_HOLD)
		flags |= HB_F_WANTS;
	if (f->override == FSM_OVR_RELEASE)
		flags |= HB_F_YIELDS;
	return flags;
}

int64_t
fsm_deadline(const struct fsm *f)
{
	if (f->state == FSM_INIT)
		return f->init_end_ms;
	if (f->state == FSM_FAULT)
		return f->wake_ms;
	return INT64_MAX;
}
