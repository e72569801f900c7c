/*
 * The role state machine, driven by hand-made views with a clock the test
 * controls, and then as a pair: two machines that exchange their flags
 * through a simulated link, checked at every tick for two holders.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fsm.h"
#include "heartbeat.h"

#define FAILTIME	3000

static struct fsm_view
view_at(int64_t now)
{
	struct fsm_view	v;

	memset(&v, 0, sizeof(v));
	v.now_ms = now;
	v.peer_silent_ms = -1;
	v.probe_done = 1;
	return v;
}

/* A peer heard just now, with FLAGS as in its heartbeat. */
static struct fsm_view
view_peer(int64_t now, uint8_t flags, int peer_init)
{
	struct fsm_view	v = view_at(now);

	v.peer_alive = 1;
	v.peer_silent_ms = 100;
	v.peer_master = !!(flags & HB_F_MASTER);
	v.peer_holds = !!(flags & HB_F_HOLDS);
	v.peer_ready = !!(flags & HB_F_READY);
	v.peer_wants = !!(flags & HB_F_WANTS);
	v.peer_yields = !!(flags & HB_F_YIELDS);
	v.peer_init = peer_init;
	return v;
}

static void
slave_waits_for_failtime_then_takes(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	v = view_at(FAILTIME - 1);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_INIT);
	assert_int_equal(r.action, FSM_A_NONE);

	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_int_equal(r.action, FSM_A_ADD);
	assert_int_equal(r.old, FSM_INIT);
	assert_non_null(strstr(f.reason, "failtime 3000 ms"));
}

static void
master_takes_when_peer_answers_without_holding(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	v = view_peer(200, HB_F_READY, 0);
	v.probe_done = 0;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_INIT);	/* the probe is not over */

	v.probe_done = 1;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_int_equal(r.action, FSM_A_ADD);
}

static void
master_waits_while_slave_holds_then_takes_after_release(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	v = view_peer(100, HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_int_equal(r.action, FSM_A_NONE);
	assert_true(fsm_flags(&f) & HB_F_READY);

	v = view_peer(150, HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_int_equal(r.action, FSM_A_ADD);
}

static void
slave_releases_when_master_is_ready_not_while_it_starts(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	assert_int_equal(f.state, FSM_ACTIVE);
	assert_true(r.announce);

	v = view_peer(20, HB_F_MASTER, 1);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_ACTIVE);

	v = view_peer(30, HB_F_MASTER | HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);
	assert_int_equal(r.action, FSM_A_REMOVE);
	assert_string_equal(f.reason, "master is back");
	assert_true(fsm_flags(&f) & HB_F_HOLDS);	/* until removed */

	fsm_script_done(&f, FSM_A_REMOVE, 1, 0, 40, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_false(fsm_flags(&f) & HB_F_HOLDS);
}

static void
slave_ignores_silence_shorter_than_failtime(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	v = view_peer(100, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	/* Alive means fresh within failtime: the caller decides that. */
	v.now_ms = 3000;
	v.peer_silent_ms = FAILTIME - 1;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	v = view_at(3101);
	v.peer_silent_ms = FAILTIME;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_non_null(strstr(f.reason, "peer silent for 3000 ms"));
}

static void
leaving_peer_is_replaced_at_once(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	v = view_peer(100, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	v = view_at(200);
	v.peer_leaving = 1;
	v.peer_silent_ms = 10;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_non_null(strstr(f.reason, "stopping"));
}

static void
leftover_address_is_removed_when_peer_holds_it(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 1, FAILTIME, 0);
	assert_true(fsm_flags(&f) & HB_F_HOLDS);
	assert_false(fsm_flags(&f) & HB_F_READY);
	v = view_peer(100, HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);
	assert_int_equal(r.action, FSM_A_REMOVE);
	assert_non_null(strstr(f.reason, "peer holds it"));
}

static void
leftover_address_is_kept_when_nobody_else_holds_it(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 1, FAILTIME, 0);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_int_equal(r.action, FSM_A_ADD);
	assert_non_null(strstr(f.reason, "left over"));
}

static void
both_masters_lower_address_wins(void **unused)
{
	struct fsm		lo, hi;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&lo, 1, 1, 0, FAILTIME, 0);
	fsm_init(&hi, 1, 0, 0, FAILTIME, 0);
	v = view_peer(100, HB_F_MASTER, 1);
	fsm_step(&lo, &v, &r);
	assert_int_equal(lo.state, FSM_TAKING);
	assert_true(r.conflict);
	fsm_step(&hi, &v, &r);
	assert_int_equal(hi.state, FSM_STANDBY);
	assert_true(r.conflict);

	/* Told once, not at every step. */
	v = view_peer(200, HB_F_MASTER | HB_F_READY, 0);
	fsm_step(&hi, &v, &r);
	assert_false(r.conflict);
}

static void
healed_partition_keeps_effective_master_and_reannounces(void **unused)
{
	struct fsm		m, s;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&m, 1, 1, 0, FAILTIME, 0);
	fsm_init(&s, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&m, FSM_A_ADD, 1, 1, 10, &r);
	fsm_script_done(&s, FSM_A_ADD, 1, 1, 10, &r);

	v = view_peer(100, HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&m, &v, &r);
	assert_int_equal(m.state, FSM_ACTIVE);
	assert_true(r.conflict);

	v = view_peer(100, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&s, &v, &r);
	assert_int_equal(s.state, FSM_RELEASING);

	v = view_peer(150, HB_F_READY, 0);
	fsm_step(&m, &v, &r);
	assert_int_equal(m.state, FSM_ACTIVE);
	assert_true(r.announce);
}

static void
failed_add_faults_and_backs_off(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	fsm_script_done(&f, FSM_A_ADD, 0, 0, 3000, &r);
	assert_int_equal(f.state, FSM_FAULT);
	assert_false(fsm_flags(&f) & (HB_F_READY | HB_F_HOLDS));
	assert_int_equal(fsm_deadline(&f), 4000);

	v = view_at(3999);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_FAULT);
	v = view_at(4000);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
	fsm_script_done(&f, FSM_A_ADD, 0, 0, 4000, &r);
	assert_int_equal(fsm_deadline(&f), 6000);	/* doubled */
}

static void
fault_asks_for_handback_a_few_times_then_waits(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;
	int64_t			t = 3000;
	int			i;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	for (i = 1; i <= 3; i++) {
		fsm_script_done(&f, FSM_A_ADD, 0, 0, t, &r);
		assert_int_equal(f.state, FSM_FAULT);
		t = fsm_deadline(&f);
		v = view_peer(t, HB_F_READY | HB_F_HOLDS, 0);
		fsm_step(&f, &v, &r);
		if (i == 3)
			break;
		assert_int_equal(f.state, FSM_STANDBY);	/* ready again */
		assert_true(fsm_flags(&f) & HB_F_READY);
		v = view_peer(t + 10, HB_F_READY, 0);	/* peer released */
		fsm_step(&f, &v, &r);
		assert_int_equal(r.action, FSM_A_ADD);
	}
	assert_int_equal(f.state, FSM_FAULT);
	assert_true(r.stuck);
	assert_false(fsm_flags(&f) & HB_F_READY);
	v = view_peer(t + 50000, HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_FAULT);	/* no fourth handback */
	assert_int_equal(r.action, FSM_A_NONE);

	fsm_set_override(&f, FSM_OVR_NONE);	/* "failoverctl auto" */
	v = view_peer(t + 100, HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
}

/* The peer dies while this node is in fault: the address must not go
 * unserved, whatever the earlier tries were. */
static void
fault_takes_over_at_once_when_the_peer_dies(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;
	int			i;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_override(&f, FSM_OVR_HOLD);
	for (i = 0; i < 4; i++)
		fsm_script_done(&f, FSM_A_ADD, 0, 0, 100, &r);
	assert_int_equal(f.state, FSM_FAULT);
	v = view_peer(200000, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_FAULT);
	assert_true(r.stuck);

	fsm_set_override(&f, FSM_OVR_NONE);	/* "auto": a slave again */
	v.now_ms += 10;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_string_equal(f.reason, "operator cleared the fault");

	/* Without "auto": the peer dies, the faulty slave takes over. */
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&f, FSM_A_ADD, 0, 0, 100, &r);
	v = view_peer(500, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_FAULT);
	v = view_at(5000);
	v.peer_silent_ms = FAILTIME;
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
}

static void
failed_remove_keeps_the_address_counted(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	fsm_script_done(&f, FSM_A_REMOVE, 0, 1, 20, &r);
	assert_int_equal(f.state, FSM_FAULT);
	assert_true(fsm_flags(&f) & HB_F_HOLDS);
	assert_non_null(strstr(f.reason, "address present"));
}

static void
operator_hold_on_slave_makes_master_release(void **unused)
{
	struct fsm		m, s;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&m, 1, 1, 0, FAILTIME, 0);
	fsm_init(&s, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&m, FSM_A_ADD, 1, 1, 10, &r);
	s.state = FSM_STANDBY;

	fsm_set_override(&s, FSM_OVR_HOLD);
	v = view_peer(100, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&s, &v, &r);
	assert_int_equal(s.state, FSM_STANDBY);	/* master still holds */
	assert_true(fsm_flags(&s) & HB_F_WANTS);

	v = view_peer(100, HB_F_READY | HB_F_WANTS, 0);
	fsm_step(&m, &v, &r);
	assert_int_equal(m.state, FSM_RELEASING);

	fsm_script_done(&m, FSM_A_REMOVE, 1, 0, 150, &r);
	v = view_peer(160, HB_F_MASTER | HB_F_READY, 0);
	fsm_step(&s, &v, &r);
	assert_int_equal(s.state, FSM_TAKING);
	assert_string_equal(s.reason, "operator asked to hold the address");
}

static void
operator_release_on_master_lets_slave_take(void **unused)
{
	struct fsm		m, s;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&m, 1, 1, 0, FAILTIME, 0);
	fsm_init(&s, 0, 0, 0, FAILTIME, 0);
	fsm_script_done(&m, FSM_A_ADD, 1, 1, 10, &r);
	s.state = FSM_STANDBY;

	fsm_set_override(&m, FSM_OVR_RELEASE);
	v = view_peer(100, HB_F_READY, 0);
	fsm_step(&m, &v, &r);
	assert_int_equal(m.state, FSM_RELEASING);
	fsm_script_done(&m, FSM_A_REMOVE, 1, 0, 120, &r);
	fsm_step(&m, &v, &r);
	assert_int_equal(m.state, FSM_STANDBY);	/* stays out */

	v = view_peer(130, fsm_flags(&m), 0);
	fsm_step(&s, &v, &r);
	assert_int_equal(s.state, FSM_TAKING);
}

static void
foreign_holder_blocks_until_a_clean_probe(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	v = view_at(FAILTIME);
	v.foreign_holder = 1;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_true(f.foreign_block);

	v = view_at(FAILTIME + 500);
	v.probe_done = 0;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	v.probe_done = 1;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
}

static void
manual_mode_waits_for_the_operator_to_take_over(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_manual(&f, 1);
	v = view_peer(100, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	v = view_at(3200);
	v.peer_silent_ms = FAILTIME + 100;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_PENDING);
	assert_int_equal(r.action, FSM_A_NONE);
	assert_true(r.changed);
	assert_non_null(strstr(f.reason, "peer silent"));

	v.now_ms = 5000;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_PENDING);	/* still waiting, quietly */
	assert_false(r.changed);
	assert_int_equal(fsm_confirm(&f, FSM_A_REMOVE), -1);
	assert_int_equal(fsm_confirm(&f, FSM_A_ADD), 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	assert_int_equal(r.action, FSM_A_ADD);
	assert_int_equal(r.old, FSM_PENDING);
}

static void
manual_pending_ends_when_the_master_comes_back(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_manual(&f, 1);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_PENDING);
	v = view_peer(4000, HB_F_MASTER | HB_F_READY | HB_F_HOLDS, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_int_equal(r.old, FSM_PENDING);
	assert_int_equal(fsm_confirm(&f, FSM_A_ADD), -1);
}

static void
manual_handback_waits_and_operator_add_does_not(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_manual(&f, 1);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	v = view_peer(100, HB_F_MASTER | HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_PENDING);
	assert_true(fsm_flags(&f) & HB_F_HOLDS);
	fsm_set_manual(&f, 0);		/* back to auto: the move goes */
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);

	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_manual(&f, 1);
	f.state = FSM_STANDBY;
	fsm_set_override(&f, FSM_OVR_HOLD);
	v = view_peer(100, HB_F_MASTER | HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
}

static void
standby_that_is_not_ready_does_not_take_over(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_ready(&f, 0);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_false(fsm_flags(&f) & HB_F_READY);
	v.now_ms = 9000;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	fsm_set_ready(&f, 1);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_TAKING);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 9100, &r);
	fsm_set_ready(&f, 0);		/* a holder is not pushed out */
	v.now_ms = 9200;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_ACTIVE);
}

static void
vanished_address_is_taken_again(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	fsm_address_lost(&f, 20, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_false(fsm_flags(&f) & HB_F_HOLDS);
	assert_non_null(strstr(f.reason, "vanished"));
	v = view_at(30);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
}

static void
holder_without_link_releases_and_restarts_when_it_returns(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	fsm_set_link(&f, 0, 20, &r);
	assert_false(r.changed);		/* the step decides */
	assert_false(fsm_flags(&f) & HB_F_READY);
	v = view_at(20);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);
	assert_int_equal(r.action, FSM_A_REMOVE);
	assert_string_equal(f.reason, "the interface has no link");
	fsm_script_done(&f, FSM_A_REMOVE, 1, 0, 30, &r);

	/* Nobody holds and the peer is silent, yet nothing is taken. */
	v = view_at(30 + 2 * FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_int_equal(r.action, FSM_A_NONE);

	/* The link is back: hear the peer first, for up to failtime. */
	fsm_set_link(&f, 1, 10000, &r);
	assert_int_equal(f.state, FSM_INIT);
	assert_true(r.changed);
	assert_int_equal(fsm_deadline(&f), 10000 + FAILTIME);
	v = view_at(10001);
	v.probe_done = 0;
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_INIT);
	/* The peer took over meanwhile: wait for it to hand back. */
	v = view_peer(10050, HB_F_HOLDS | HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_int_equal(r.action, FSM_A_NONE);
	assert_true(fsm_flags(&f) & HB_F_READY);
	v = view_peer(10100, HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
}

static void
slave_without_link_never_takes_over(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	fsm_set_link(&f, 0, 0, NULL);
	v = view_at(FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	v = view_at(10 * FAILTIME);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_NONE);
	/* An operator's "add" does not put it on a dead interface either. */
	fsm_set_override(&f, FSM_OVR_HOLD);
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_NONE);
}

static void
manual_mode_still_releases_without_link(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 1, 1, 0, FAILTIME, 0);
	fsm_set_manual(&f, 1);
	fsm_script_done(&f, FSM_A_ADD, 1, 1, 10, &r);
	fsm_set_link(&f, 0, 20, NULL);
	v = view_at(20);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);
	assert_int_equal(r.action, FSM_A_REMOVE);
}

static void
stray_copy_on_standby_is_removed_unless_ours_to_take(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	v = view_peer(100, HB_F_MASTER | HB_F_HOLDS | HB_F_READY, 0);
	fsm_step(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	fsm_stray_copy(&f, &v, &r);
	assert_int_equal(f.state, FSM_RELEASING);
	assert_int_equal(r.action, FSM_A_REMOVE);
	assert_non_null(strstr(f.reason, "the peer holds it"));
	fsm_script_done(&f, FSM_A_REMOVE, 1, 0, 120, &r);
	assert_int_equal(f.state, FSM_STANDBY);

	/* The master is back and should take it: the copy goes too. */
	v = view_peer(200, HB_F_MASTER | HB_F_READY, 0);
	fsm_stray_copy(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_REMOVE);
	assert_non_null(strstr(f.reason, "should not hold"));
	fsm_script_done(&f, FSM_A_REMOVE, 1, 0, 220, &r);

	/* Nobody else there: the copy is ours to take, not to remove. */
	v = view_at(300);
	fsm_stray_copy(&f, &v, &r);
	assert_int_equal(f.state, FSM_STANDBY);
	assert_int_equal(r.action, FSM_A_NONE);
}

static void
stale_leaving_flag_is_not_the_reason_to_take(void **unused)
{
	struct fsm		f;
	struct fsm_result	r;
	struct fsm_view		v;

	(void)unused;
	fsm_init(&f, 0, 0, 0, FAILTIME, 0);
	v = view_at(2 * FAILTIME);
	v.peer_leaving = 1;
	v.peer_silent_ms = 2 * FAILTIME;
	fsm_step(&f, &v, &r);
	assert_int_equal(r.action, FSM_A_ADD);
	assert_null(strstr(f.reason, "stopping"));
	assert_non_null(strstr(f.reason, "silent"));
}

/*
 * A pair over a simulated link: each tick (1 ms) both machines step on
 * what the other last sent, heartbeats go every INTERVAL, a script takes
 * SCRIPT_MS.  The address counts as on the wire from the start of an add
 * to the end of a remove: the cautious reading of a script's effect.
 */
#define INTERVAL	50
#define SCRIPT_MS	20

struct sim_node {
	struct fsm	f;
	int		up;		/* the process runs */
	int		link;		/* its packets get through */
	uint8_t		sent_flags;	/* last heartbeat */
	int		sent_init;
	int64_t		sent_ms;	/* -1: none heard */
	int64_t		script_end;	/* -1: none running */
	enum fsm_action	running;
	int		on_wire;	/* address may be configured */
};

static void
sim_start(struct sim_node *n, int ismaster, int lower, int64_t now)
{
	memset(n, 0, sizeof(*n));
	fsm_init(&n->f, ismaster, lower, 0, FAILTIME, now);
	n->up = n->link = 1;
	n->sent_ms = -1;
	n->script_end = -1;
}

static void
sim_view(const struct sim_node *peer, int64_t now, struct fsm_view *v)
{
	*v = view_at(now);
	if (peer->sent_ms < 0)
		return;
	v->peer_silent_ms = now - peer->sent_ms;
	if (now - peer->sent_ms >= FAILTIME)
		return;
	v->peer_alive = 1;
	v->peer_master = !!(peer->sent_flags & HB_F_MASTER);
	v->peer_holds = !!(peer->sent_flags & HB_F_HOLDS);
	v->peer_ready = !!(peer->sent_flags & HB_F_READY);
	v->peer_init = peer->sent_init;
}

static void
sim_tick(struct sim_node *n, const struct sim_node *peer, int64_t now)
{
	struct fsm_result	r;
	struct fsm_view		v;

	if (!n->up)
		return;
	if (n->script_end >= 0 && now >= n->script_end) {
		n->script_end = -1;
		if (n->running == FSM_A_REMOVE)
			n->on_wire = 0;
		fsm_script_done(&n->f, n->running, 1, n->on_wire, now, &r);
		n->running = FSM_A_NONE;
	}
	if (n->script_end < 0) {
		sim_view(peer, now, &v);
		fsm_step(&n->f, &v, &r);
		if (r.action != FSM_A_NONE) {
			n->running = r.action;
			n->script_end = now + SCRIPT_MS;
			if (r.action == FSM_A_ADD)
				n->on_wire = 1;
		}
	}
}

static void
sim_send(struct sim_node *from, struct sim_node *to, int64_t now)
{
	(void)to;
	if (!from->up || !from->link || now % INTERVAL != 0)
		return;
	from->sent_flags = fsm_flags(&from->f);
	from->sent_init = from->f.state == FSM_INIT;
	from->sent_ms = now;
}

/* Runs until END; returns the number of ticks with two holders. */
static int
sim_run(struct sim_node *a, struct sim_node *b, int64_t from, int64_t end)
{
	struct sim_node	 seen_a, seen_b;
	int64_t		 t;
	int		 doubled = 0;

	for (t = from; t < end; t++) {
		sim_send(a, b, t);
		sim_send(b, a, t);
		seen_a = *a;
		seen_b = *b;
		sim_tick(a, &seen_b, t);
		sim_tick(b, &seen_a, t);
		if (a->up && b->up && a->on_wire && b->on_wire)
			doubled++;
	}
	return doubled;
}

static void
pair_starts_fails_over_and_hands_back_without_doubling(void **unused)
{
	struct sim_node	a, b;

	(void)unused;
	sim_start(&a, 1, 1, 0);
	sim_start(&b, 0, 0, 0);
	assert_int_equal(sim_run(&a, &b, 0, 5000), 0);
	assert_true(a.on_wire);
	assert_false(b.on_wire);

	/* The master's host dies: its address goes with it. */
	a.up = 0;
	a.on_wire = 0;
	assert_int_equal(sim_run(&a, &b, 5000, 5000 + FAILTIME - INTERVAL), 0);
	assert_false(b.on_wire);
	assert_int_equal(sim_run(&a, &b, 5000 + FAILTIME - INTERVAL, 9000), 0);
	assert_true(b.on_wire);

	/* It comes back: the slave releases first, then the master adds. */
	sim_start(&a, 1, 1, 9000);
	assert_int_equal(sim_run(&a, &b, 9000, 15000), 0);
	assert_true(a.on_wire);
	assert_false(b.on_wire);
	assert_int_equal(a.f.state, FSM_ACTIVE);
	assert_int_equal(b.f.state, FSM_STANDBY);
}

static void
pair_started_together_gives_one_holder(void **unused)
{
	struct sim_node	a, b;
	int		i;

	(void)unused;
	for (i = 0; i < 20; i++) {
		sim_start(&a, i % 2, 1, 0);
		sim_start(&b, 1, 0, 0);
		assert_int_equal(sim_run(&a, &b, 0, 6000), 0);
		assert_int_equal(a.on_wire + b.on_wire, 1);
		/* Both masters: the lower address; else the master. */
		assert_int_equal(a.on_wire, i % 2);
	}
}

static void
pair_partition_heals_to_the_master(void **unused)
{
	struct sim_node	a, b;

	(void)unused;
	sim_start(&a, 1, 1, 0);
	sim_start(&b, 0, 0, 0);
	sim_run(&a, &b, 0, 5000);
	a.link = b.link = 0;
	sim_run(&a, &b, 5000, 10000);
	assert_true(a.on_wire && b.on_wire);	/* unavoidable */
	a.link = b.link = 1;
	sim_run(&a, &b, 10000, 12000);
	assert_true(a.on_wire);
	assert_false(b.on_wire);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slave_waits_for_failtime_then_takes),
		cmocka_unit_test(master_takes_when_peer_answers_without_holding),
		cmocka_unit_test(
		    master_waits_while_slave_holds_then_takes_after_release),
		cmocka_unit_test(
		    slave_releases_when_master_is_ready_not_while_it_starts),
		cmocka_unit_test(slave_ignores_silence_shorter_than_failtime),
		cmocka_unit_test(leaving_peer_is_replaced_at_once),
		cmocka_unit_test(leftover_address_is_removed_when_peer_holds_it),
		cmocka_unit_test(
		    leftover_address_is_kept_when_nobody_else_holds_it),
		cmocka_unit_test(both_masters_lower_address_wins),
		cmocka_unit_test(
		    healed_partition_keeps_effective_master_and_reannounces),
		cmocka_unit_test(failed_add_faults_and_backs_off),
		cmocka_unit_test(
		    fault_asks_for_handback_a_few_times_then_waits),
		cmocka_unit_test(fault_takes_over_at_once_when_the_peer_dies),
		cmocka_unit_test(failed_remove_keeps_the_address_counted),
		cmocka_unit_test(operator_hold_on_slave_makes_master_release),
		cmocka_unit_test(operator_release_on_master_lets_slave_take),
		cmocka_unit_test(foreign_holder_blocks_until_a_clean_probe),
		cmocka_unit_test(
		    manual_mode_waits_for_the_operator_to_take_over),
		cmocka_unit_test(
		    manual_pending_ends_when_the_master_comes_back),
		cmocka_unit_test(
		    manual_handback_waits_and_operator_add_does_not),
		cmocka_unit_test(standby_that_is_not_ready_does_not_take_over),
		cmocka_unit_test(vanished_address_is_taken_again),
		cmocka_unit_test(
		    holder_without_link_releases_and_restarts_when_it_returns),
		cmocka_unit_test(slave_without_link_never_takes_over),
		cmocka_unit_test(manual_mode_still_releases_without_link),
		cmocka_unit_test(
		    stray_copy_on_standby_is_removed_unless_ours_to_take),
		cmocka_unit_test(stale_leaving_flag_is_not_the_reason_to_take),
		cmocka_unit_test(
		    pair_starts_fails_over_and_hands_back_without_doubling),
		cmocka_unit_test(pair_started_together_gives_one_holder),
		cmocka_unit_test(pair_partition_heals_to_the_master),
	};

	return cmocka_run_group_tests_name("fsm", tests, NULL, NULL);
}
