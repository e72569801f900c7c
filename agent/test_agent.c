/*
 * Unit tests of failover-agentx's pure parts: SET validation (type,
 * length, range), the mapping of failoverd's answers to SNMP errors, and
 * the conversion of status blocks and events.  The clock and the sending
 * of notifications are the only stand-ins; everything else is the real
 * code, net-snmp's varbind functions included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "ctlclient.h"
#include "agent.h"

/* Boundaries: no clock, no master agent. */
int64_t
agent_now_ms(void)
{
	return 1000;
}

void
notify_state_change(enum ipf_state old, enum ipf_state new,
    const char *reason, const struct ipf_status *st)
{
	(void)old, (void)new, (void)reason, (void)st;
}

void
notify_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	(void)ev, (void)st;
}

static void
test_type_and_length_are_checked_first(void **state)
{
	static const struct {
		int	object, type;
		size_t	len;
		int	want;
	} cases[] = {
		{ SET_ISMASTER, ASN_INTEGER, sizeof(long), SNMP_ERR_NOERROR },
		{ SET_ISMASTER, ASN_OCTET_STR, 4, SNMP_ERR_WRONGTYPE },
		{ SET_ISMASTER, ASN_UNSIGNED, sizeof(long),
		    SNMP_ERR_WRONGTYPE },
		{ SET_FAILTIME, ASN_OCTET_STR, 1, SNMP_ERR_NOERROR },
		{ SET_FAILTIME, ASN_OCTET_STR, 12, SNMP_ERR_NOERROR },
		{ SET_FAILTIME, ASN_OCTET_STR, 0, SNMP_ERR_WRONGLENGTH },
		{ SET_FAILTIME, ASN_OCTET_STR, 13, SNMP_ERR_WRONGLENGTH },
		{ SET_FAILTIME, ASN_INTEGER, sizeof(long),
		    SNMP_ERR_WRONGTYPE },
		{ SET_FAILTIME_MS, ASN_UNSIGNED, sizeof(long),
		    SNMP_ERR_NOERROR },
		{ SET_FAILTIME_MS, ASN_INTEGER, sizeof(long),
		    SNMP_ERR_WRONGTYPE },
		{ SET_FAILTIME_MS, ASN_COUNTER, sizeof(long),
		    SNMP_ERR_WRONGTYPE },
		{ SET_MODE, ASN_INTEGER, sizeof(long), SNMP_ERR_NOERROR },
		{ SET_MODE, ASN_OCTET_STR, 6, SNMP_ERR_WRONGTYPE },
		{ SET_CONFIRM, ASN_INTEGER, sizeof(long), SNMP_ERR_NOERROR },
		{ SET_CONFIRM, ASN_UNSIGNED, sizeof(long),
		    SNMP_ERR_WRONGTYPE },
		{ SET_OBJECT(1, 2), ASN_INTEGER, sizeof(long),
		    SNMP_ERR_NOTWRITABLE },
		{ SET_OBJECT(1, 16), ASN_OCTET_STR, 4, SNMP_ERR_NOTWRITABLE },
		{ SET_OBJECT(1, 18), ASN_INTEGER, sizeof(long),
		    SNMP_ERR_NOTWRITABLE },
		{ SET_OBJECT(2, 1), ASN_INTEGER, sizeof(long),
		    SNMP_ERR_NOTWRITABLE },
		{ SET_OBJECT(2, 8), ASN_INTEGER, sizeof(long),
		    SNMP_ERR_NOTWRITABLE }
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(set_check_type(cases[i].object,
		    cases[i].type, cases[i].len), cases[i].want);
}

static void
test_failtime_strings_follow_the_configuration_syntax(void **state)
{
	static const struct {
		const char	*s;
		int		 want;
		uint32_t	 ms;
	} cases[] = {
		{ "1.5", SNMP_ERR_NOERROR, 1500 },
		{ "0.03", SNMP_ERR_NOERROR, 30 },
		{ "3600", SNMP_ERR_NOERROR, 3600000 },
		{ "2.250", SNMP_ERR_NOERROR, 2250 },
		{ "0.029", SNMP_ERR_WRONGVALUE, 0 },
		{ "3600.001", SNMP_ERR_WRONGVALUE, 0 },
		{ "abc", SNMP_ERR_WRONGVALUE, 0 },
		{ "1.", SNMP_ERR_WRONGVALUE, 0 },
		{ ".5", SNMP_ERR_WRONGVALUE, 0 },
		{ "1.2345", SNMP_ERR_WRONGVALUE, 0 },
		{ "-1", SNMP_ERR_WRONGVALUE, 0 },
		{ "1e3", SNMP_ERR_WRONGVALUE, 0 },
		{ "1 ", SNMP_ERR_WRONGVALUE, 0 }
	};
	netsnmp_variable_list	 vb;
	long			 ms;
	int			 i;

	(void)state;
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		memset(&vb, 0, sizeof(vb));
		snmp_set_var_typed_value(&vb, ASN_OCTET_STR, cases[i].s,
		    strlen(cases[i].s));
		ms = 0;
		assert_int_equal(set_check_value(SET_FAILTIME, &vb, &ms),
		    cases[i].want);
		if (cases[i].want == SNMP_ERR_NOERROR)
			assert_int_equal(ms, cases[i].ms);
		snmp_free_var_internals(&vb);
	}
}

/* WANT_V: the checked value when accepted. */
static void
test_integer_ranges_of_failtime_role_mode_and_confirm(void **state)
{
	static const struct {
		int	object, type;
		long	v;
		int	want;
		long	want_v;
	} cases[] = {
		{ SET_FAILTIME_MS, ASN_UNSIGNED, 30, SNMP_ERR_NOERROR, 30 },
		{ SET_FAILTIME_MS, ASN_UNSIGNED, 3600000, SNMP_ERR_NOERROR,
		    3600000 },
		{ SET_FAILTIME_MS, ASN_UNSIGNED, 29, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_FAILTIME_MS, ASN_UNSIGNED, 3600001, SNMP_ERR_WRONGVALUE,
		    0 },
		{ SET_FAILTIME_MS, ASN_UNSIGNED, 0, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_ISMASTER, ASN_INTEGER, 1, SNMP_ERR_NOERROR, 1 },
		{ SET_ISMASTER, ASN_INTEGER, 2, SNMP_ERR_NOERROR, 0 },
		{ SET_ISMASTER, ASN_INTEGER, 0, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_ISMASTER, ASN_INTEGER, 3, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_ISMASTER, ASN_INTEGER, -1, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_MODE, ASN_INTEGER, 1, SNMP_ERR_NOERROR, IPF_MODE_AUTO },
		{ SET_MODE, ASN_INTEGER, 2, SNMP_ERR_NOERROR,
		    IPF_MODE_MANUAL },
		{ SET_MODE, ASN_INTEGER, 0, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_MODE, ASN_INTEGER, 3, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_CONFIRM, ASN_INTEGER, 2, SNMP_ERR_NOERROR,
		    IPF_MOVE_TAKEOVER },
		{ SET_CONFIRM, ASN_INTEGER, 3, SNMP_ERR_NOERROR,
		    IPF_MOVE_HANDBACK },
		{ SET_CONFIRM, ASN_INTEGER, 1, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_CONFIRM, ASN_INTEGER, 4, SNMP_ERR_WRONGVALUE, 0 },
		{ SET_CONFIRM, ASN_INTEGER, 0, SNMP_ERR_WRONGVALUE, 0 }
	};
	netsnmp_variable_list	 vb;
	long			 v;
	int			 i;

	(void)state;
	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		memset(&vb, 0, sizeof(vb));
		snmp_set_var_typed_integer(&vb, (u_char)cases[i].type,
		    cases[i].v);
		v = -1;
		assert_int_equal(set_check_value(cases[i].object, &vb, &v),
		    cases[i].want);
		if (cases[i].want == SNMP_ERR_NOERROR)
			assert_int_equal(v, cases[i].want_v);
	}
}

static void
test_failoverd_answers_map_to_snmp_errors(void **state)
{
	static const struct {
		const char	*head;
		int		 want;
	} cases[] = {
		{ "ok", SNMP_ERR_NOERROR },
		{ "err range failtime: expected...", SNMP_ERR_WRONGVALUE },
		{ "err type failtime: expected...", SNMP_ERR_WRONGTYPE },
		{ "err refused under twice the interval",
		    SNMP_ERR_INCONSISTENTVALUE },
		{ "err failed state directory", SNMP_ERR_COMMITFAILED },
		{ "err denied", SNMP_ERR_COMMITFAILED },
		{ "err syntax unknown request", SNMP_ERR_GENERR },
		{ "err rangeless", SNMP_ERR_COMMITFAILED },
		{ "something else", SNMP_ERR_COMMITFAILED }
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(set_map_result(link_result_parse(
		    cases[i].head)), cases[i].want);
	assert_int_equal(set_map_result(LINK_UNREACHABLE),
	    SNMP_ERR_RESOURCEUNAVAILABLE);
}

static void
add_kv(struct ctl_block *b, const char *k, const char *v)
{
	snprintf(b->kv[b->nkv].key, sizeof(b->kv[0].key), "%s", k);
	snprintf(b->kv[b->nkv].value, sizeof(b->kv[0].value), "%s", v);
	b->nkv++;
}

static void
test_status_keys_become_typed_values(void **state)
{
	struct ctl_block	 b;
	struct ipf_status	 st;

	(void)state;
	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "ok");
	add_kv(&b, "state", "releasing");
	add_kv(&b, "holds", "yes");
	add_kv(&b, "ismaster", "false");
	add_kv(&b, "ismaster_source", "snmp");
	add_kv(&b, "failtime_source", "somewhere");
	add_kv(&b, "aliasip", "198.18.0.100");
	add_kv(&b, "otherip", "not an address");
	add_kv(&b, "failtime_ms", "1500");
	add_kv(&b, "interval_ms", "12x");
	add_kv(&b, "peer", "lost");
	add_kv(&b, "peer_last_ms", "-1");
	add_kv(&b, "hb_sent", "4294967301");
	add_kv(&b, "last_reason", "peer silent for 1002 ms");
	status_clear(&st);
	st.interval_ms = 200;
	status_from_block(&st, &b);

	assert_int_equal(st.state, IPF_S_RELEASING);
	assert_int_equal(st.holds, 1);
	assert_int_equal(st.ismaster, 0);
	assert_int_equal(st.ismaster_src, IPF_SRC_SNMP);
	assert_int_equal(st.failtime_src, IPF_SRC_UNKNOWN);
	assert_int_equal(st.alias.type, 1);
	assert_int_equal(st.alias.len, 4);
	assert_memory_equal(st.alias.octets, "\xc6\x12\x00\x64", 4);
	assert_int_equal(st.other.type, 0);
	assert_int_equal(st.failtime_ms, 1500);
	/* a bad number keeps the old value */
	assert_int_equal(st.interval_ms, 200);
	assert_int_equal(st.peer, IPF_PEER_LOST);
	assert_int_equal(st.peer_last_ms, -1);
	assert_true(st.hb_sent == 4294967301ULL);
	assert_string_equal(st.last_reason, "peer silent for 1002 ms");
	assert_int_equal(st.valid, 1);
}

static void
test_events_update_state_and_peer(void **state)
{
	struct ctl_block	 b;
	struct ipf_status	 st;

	(void)state;
	status_clear(&st);
	st.state = IPF_S_STANDBY;
	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "event state");
	add_kv(&b, "old", "standby");
	add_kv(&b, "new", "taking");
	add_kv(&b, "reason", "peer silent");
	add_kv(&b, "holds", "no");
	assert_int_equal(status_apply_event(&st, &b), 1);
	assert_int_equal(st.state, IPF_S_TAKING);
	assert_string_equal(st.last_reason, "peer silent");

	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "event peer");
	add_kv(&b, "peer", "alive");
	assert_int_equal(status_apply_event(&st, &b), 0);
	assert_int_equal(st.peer, IPF_PEER_ALIVE);

	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "ok");
	add_kv(&b, "state", "active");
	assert_int_equal(status_apply_event(&st, &b), 0);
	assert_int_equal(st.state, IPF_S_TAKING);
	assert_string_equal(status_state_name(IPF_S_TAKING), "taking");
	assert_int_equal(status_state_parse("bogus"), IPF_S_UNKNOWN);
}

static void
test_safety_keys_become_typed_values(void **state)
{
	struct ctl_block	 b;
	struct ipf_status	 st;

	(void)state;
	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "ok");
	add_kv(&b, "state", "pending");
	add_kv(&b, "mode", "manual");
	add_kv(&b, "mode_source", "snmp");
	add_kv(&b, "pending", "takeover");
	add_kv(&b, "ready", "no");
	add_kv(&b, "ready_reason", "check exited 1");
	add_kv(&b, "peer_ready", "unknown");
	add_kv(&b, "dry_run", "yes");
	add_kv(&b, "simulation", "peer-loss");
	add_kv(&b, "addresslease", "on");
	add_kv(&b, "nearmiss", "3");
	add_kv(&b, "worst_gap_ms", "712");
	status_clear(&st);
	assert_int_equal(st.pending, IPF_MOVE_UNKNOWN);
	assert_int_equal(st.ready, IPF_READY_UNKNOWN);
	status_from_block(&st, &b);

	assert_int_equal(st.state, IPF_S_PENDING);
	assert_int_equal(st.state, 8);
	assert_string_equal(status_state_name(st.state), "pending");
	assert_int_equal(st.mode, IPF_MODE_MANUAL);
	assert_int_equal(st.mode_src, IPF_SRC_SNMP);
	assert_int_equal(st.pending, IPF_MOVE_TAKEOVER);
	assert_int_equal(st.ready, IPF_READY_NO);
	assert_string_equal(st.ready_reason, "check exited 1");
	/* the deprecated TruthValue says false, its successor unknown */
	assert_int_equal(st.peer_ready, 0);
	assert_int_equal(st.peer_readiness, IPF_READY_UNKNOWN);
	assert_int_equal(st.dry_run, 1);
	assert_int_equal(st.simulation, IPF_SIM_PEER_LOSS);
	assert_int_equal(st.address_lease, 1);
	assert_true(st.nearmiss == 3);
	assert_true(st.worst_gap_ms == 712);

	memset(&b, 0, sizeof(b));
	snprintf(b.head, sizeof(b.head), "ok");
	add_kv(&b, "pending", "sideways");
	add_kv(&b, "peer_ready", "yes");
	add_kv(&b, "addresslease", "off");
	status_from_block(&st, &b);
	assert_int_equal(st.pending, IPF_MOVE_UNKNOWN);
	assert_int_equal(st.peer_ready, 1);
	assert_int_equal(st.peer_readiness, IPF_READY_YES);
	assert_int_equal(st.address_lease, 0);
}

static void
event(struct ctl_block *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->head, sizeof(b->head), "event %s", name);
}

static void
test_pending_ready_and_set_events_are_folded(void **state)
{
	struct ctl_block	 b;
	struct ipf_status	 st;

	(void)state;
	status_clear(&st);
	st.state = IPF_S_STANDBY;
	event(&b, "state");
	add_kv(&b, "old", "standby");
	add_kv(&b, "new", "pending");
	add_kv(&b, "reason", "peer silent for 1003 ms");
	add_kv(&b, "holds", "no");
	assert_int_equal(status_apply_event(&st, &b), 1);
	assert_int_equal(st.state, IPF_S_PENDING);
	assert_int_equal(st.pending, IPF_MOVE_TAKEOVER);
	assert_int_equal(status_event_move(&b), IPF_MOVE_TAKEOVER);

	event(&b, "state");
	add_kv(&b, "new", "pending");
	add_kv(&b, "holds", "yes");
	assert_int_equal(status_event_move(&b), IPF_MOVE_HANDBACK);
	add_kv(&b, "pending", "takeover");
	assert_int_equal(status_event_move(&b), IPF_MOVE_TAKEOVER);

	event(&b, "state");
	add_kv(&b, "new", "taking");
	add_kv(&b, "holds", "no");
	(void)status_apply_event(&st, &b);
	assert_int_equal(st.pending, IPF_MOVE_NONE);

	event(&b, "ready");
	add_kv(&b, "ready", "yes");
	add_kv(&b, "reason", "check exited 0");
	assert_int_equal(status_apply_event(&st, &b), 0);
	assert_int_equal(st.ready, IPF_READY_YES);
	assert_string_equal(st.ready_reason, "check exited 0");

	event(&b, "set");
	add_kv(&b, "key", "mode");
	add_kv(&b, "value", "manual");
	add_kv(&b, "origin", "snmp");
	(void)status_apply_event(&st, &b);
	assert_int_equal(st.mode, IPF_MODE_MANUAL);
	assert_int_equal(st.mode_src, IPF_SRC_SNMP);

	event(&b, "set");
	add_kv(&b, "key", "failtime");
	add_kv(&b, "value", "2.5");
	add_kv(&b, "origin", "control");
	(void)status_apply_event(&st, &b);
	assert_int_equal(st.failtime_ms, 2500);
	assert_int_equal(st.failtime_src, IPF_SRC_CONTROL);

	event(&b, "set");
	add_kv(&b, "key", "ismaster");
	add_kv(&b, "value", "no");
	add_kv(&b, "origin", "snmp");
	st.ismaster = 1;
	(void)status_apply_event(&st, &b);
	assert_int_equal(st.ismaster, 0);
	assert_int_equal(st.ismaster_src, IPF_SRC_SNMP);

	/* a value failoverd would never send leaves the setting alone */
	event(&b, "set");
	add_kv(&b, "key", "failtime");
	add_kv(&b, "value", "soon");
	add_kv(&b, "origin", "snmp");
	(void)status_apply_event(&st, &b);
	assert_int_equal(st.failtime_ms, 2500);
	assert_int_equal(st.failtime_src, IPF_SRC_CONTROL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_and_length_are_checked_first),
		cmocka_unit_test(
		    test_failtime_strings_follow_the_configuration_syntax),
		cmocka_unit_test(
		    test_integer_ranges_of_failtime_role_mode_and_confirm),
		cmocka_unit_test(test_failoverd_answers_map_to_snmp_errors),
		cmocka_unit_test(test_status_keys_become_typed_values),
		cmocka_unit_test(test_events_update_state_and_peer),
		cmocka_unit_test(test_safety_keys_become_typed_values),
		cmocka_unit_test(test_pending_ready_and_set_events_are_folded)
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
