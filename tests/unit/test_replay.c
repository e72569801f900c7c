/*
 * Unit tests of crypto/replay.c.  Each table row is a sequence of
 * packets fed to a freshly started state; every step states the verdict
 * and, through the state it must leave, what was or was not recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "replay.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define STEPS_MAX	6

enum echo {
	ECHO_MINE,		/* our current nonce */
	ECHO_NONE,		/* 0: the peer heard nothing from us */
	ECHO_OTHER		/* some nonce not ours */
};

struct step {
	uint64_t		boot;
	uint64_t		seq;
	uint64_t		nonce;	/* the peer's */
	enum echo		echo;
	enum replay_verdict	want;
};

struct replay_case {
	const char	*name;
	size_t		 nsteps;
	struct step	 steps[STEPS_MAX];
};

static const struct replay_case replay_cases[] = {
	{ "a rising sequence echoing our nonce is fresh", 3, {
	    { 1, 1, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, 2, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, 9, 11, ECHO_MINE, REPLAY_FRESH } } },
	{ "the first packet is accepted whatever its pair", 2, {
	    { 0, 0, 11, ECHO_MINE, REPLAY_FRESH },
	    { 0, 0, 11, ECHO_MINE, REPLAY_OLD } } },
	{ "the same pair again is old", 2, {
	    { 1, 5, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, 5, 11, ECHO_MINE, REPLAY_OLD } } },
	{ "a lower seq in the same boot is old", 3, {
	    { 1, 5, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, 4, 11, ECHO_MINE, REPLAY_OLD },
	    { 1, 0, 11, ECHO_MINE, REPLAY_OLD } } },
	{ "a higher boot with seq 0 is fresh after high seqs", 4, {
	    { 1, 1000, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, UINT64_MAX, 11, ECHO_MINE, REPLAY_FRESH },
	    { 2, 0, 12, ECHO_MINE, REPLAY_FRESH },
	    { 2, 1, 12, ECHO_MINE, REPLAY_FRESH } } },
	{ "a lower boot is old whatever its seq", 3, {
	    { 5, 1, 11, ECHO_MINE, REPLAY_FRESH },
	    { 4, 99999, 11, ECHO_MINE, REPLAY_OLD },
	    { 4, UINT64_MAX, 11, ECHO_MINE, REPLAY_OLD } } },
	{ "no echo yet is a handshake, and its replay is old", 3, {
	    { 1, 1, 11, ECHO_NONE, REPLAY_HANDSHAKE },
	    { 1, 1, 11, ECHO_NONE, REPLAY_OLD },
	    { 1, 1, 11, ECHO_MINE, REPLAY_OLD } } },
	{ "a wrong echo is a handshake, and its replay is old", 3, {
	    { 1, 1, 11, ECHO_OTHER, REPLAY_HANDSHAKE },
	    { 1, 1, 11, ECHO_MINE, REPLAY_OLD },
	    { 1, 2, 11, ECHO_MINE, REPLAY_FRESH } } },
	{ "the nonce of a handshake is learnt and then replaced", 3, {
	    { 3, 1, 0x1234, ECHO_NONE, REPLAY_HANDSHAKE },
	    { 3, 2, 0x1234, ECHO_MINE, REPLAY_FRESH },
	    { 4, 0, 0x5678, ECHO_MINE, REPLAY_FRESH } } },
	{ "an old packet changes nothing, not even the nonce", 2, {
	    { 1, 5, 0xaaaa, ECHO_MINE, REPLAY_FRESH },
	    { 1, 4, 0xbbbb, ECHO_NONE, REPLAY_OLD } } },
	{ "fresh turns to handshake when the echo goes stale", 3, {
	    { 1, 1, 11, ECHO_MINE, REPLAY_FRESH },
	    { 1, 2, 11, ECHO_OTHER, REPLAY_HANDSHAKE },
	    { 1, 3, 11, ECHO_MINE, REPLAY_FRESH } } },
};

static const char *
verdict_name(enum replay_verdict v)
{
	switch (v) {
	case REPLAY_FRESH:
		return "FRESH";
	case REPLAY_HANDSHAKE:
		return "HANDSHAKE";
	case REPLAY_OLD:
		return "OLD";
	}
	return "?";
}

static uint64_t
echo_value(const struct replay_state *rs, enum echo e)
{
	switch (e) {
	case ECHO_MINE:
		return rs->my_nonce;
	case ECHO_NONE:
		return 0;
	case ECHO_OTHER:
		break;
	}
	return rs->my_nonce ^ 0x8000000000000001ULL;
}

/* The state after STEP, given the state before it. */
static void
expected_state(const struct step *step, struct replay_state *rs)
{
	if (step->want == REPLAY_OLD)
		return;
	rs->have_peer = 1;
	rs->peer_boot = step->boot;
	rs->peer_seq = step->seq;
	rs->peer_nonce = step->nonce;
}

static void
assert_state_equal(const struct replay_state *got,
    const struct replay_state *want, size_t stepno)
{
	if (got->my_nonce != want->my_nonce ||
	    got->have_peer != want->have_peer ||
	    got->peer_boot != want->peer_boot ||
	    got->peer_seq != want->peer_seq ||
	    got->peer_nonce != want->peer_nonce)
		fail_msg("step %zu: state (%d, %ju, %ju, nonce %ju), "
		    "want (%d, %ju, %ju, nonce %ju)", stepno + 1,
		    got->have_peer, (uintmax_t)got->peer_boot,
		    (uintmax_t)got->peer_seq, (uintmax_t)got->peer_nonce,
		    want->have_peer, (uintmax_t)want->peer_boot,
		    (uintmax_t)want->peer_seq, (uintmax_t)want->peer_nonce);
}

static void
test_replay_case(void **state)
{
	const struct replay_case	*c = *state;
	const struct step		*s;
	struct replay_state		 rs, want;
	enum replay_verdict		 v;
	size_t				 i;

	assert_int_equal(replay_init(&rs), 0);
	want = rs;
	for (i = 0; i < c->nsteps; i++) {
		s = &c->steps[i];
		v = replay_check(&rs, s->boot, s->seq, s->nonce,
		    echo_value(&rs, s->echo));
		if (v != s->want)
			fail_msg("step %zu: %s, want %s", i + 1,
			    verdict_name(v), verdict_name(s->want));
		expected_state(s, &want);
		assert_state_equal(&rs, &want, i);
	}
}

static void
test_init_starts_a_life_without_peer(void **state)
{
	struct replay_state	rs;

	(void)state;
	memset(&rs, 0xff, sizeof(rs));
	assert_int_equal(replay_init(&rs), 0);
	assert_int_not_equal(rs.my_nonce, 0);
	assert_int_equal(rs.have_peer, 0);
	assert_int_equal(rs.peer_boot, 0);
	assert_int_equal(rs.peer_seq, 0);
	assert_int_equal(rs.peer_nonce, 0);
}

/* 64 draws collide with probability about 2^-53. */
static void
test_each_life_draws_a_new_nonzero_nonce(void **state)
{
	struct replay_state	rs;
	uint64_t		seen[64];
	size_t			i, j;

	(void)state;
	for (i = 0; i < NELEM(seen); i++) {
		assert_int_equal(replay_init(&rs), 0);
		assert_int_not_equal(rs.my_nonce, 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(rs.my_nonce, seen[j]);
		seen[i] = rs.my_nonce;
	}
}

/*
 * After our restart, a packet echoing our previous life's nonce proves
 * nothing about this life: handshake, not fresh.
 */
static void
test_echo_of_previous_life_is_a_handshake(void **state)
{
	struct replay_state	rs;
	uint64_t		old;

	(void)state;
	assert_int_equal(replay_init(&rs), 0);
	assert_int_equal(replay_check(&rs, 1, 1, 11, rs.my_nonce),
	    REPLAY_FRESH);
	old = rs.my_nonce;

	assert_int_equal(replay_init(&rs), 0);
	assert_int_equal(replay_check(&rs, 1, 2, 11, old), REPLAY_HANDSHAKE);
	assert_int_equal(replay_check(&rs, 1, 3, 11, rs.my_nonce),
	    REPLAY_FRESH);
}

int
main(void)
{
	static struct CMUnitTest	table_tests[NELEM(replay_cases)];
	const struct CMUnitTest		init_tests[] = {
		cmocka_unit_test(test_init_starts_a_life_without_peer),
		cmocka_unit_test(test_each_life_draws_a_new_nonzero_nonce),
		cmocka_unit_test(test_echo_of_previous_life_is_a_handshake),
	};
	size_t				i;
	int				failed = 0;

	for (i = 0; i < NELEM(replay_cases); i++) {
		table_tests[i].name = replay_cases[i].name;
		table_tests[i].test_func = test_replay_case;
		table_tests[i].initial_state = (void *)&replay_cases[i];
	}
	failed += cmocka_run_group_tests_name("replay_check", table_tests,
	    NULL, NULL);
	failed += cmocka_run_group_tests_name("replay_init", init_tests,
	    NULL, NULL);
	return failed != 0;
}
