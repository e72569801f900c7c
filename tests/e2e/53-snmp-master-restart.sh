#!/bin/bash
# 53-snmp-master-restart: snmpd goes away and comes back.  The subagent
# notices, counts the notifications it could not send meanwhile, registers
# again by itself within seconds, and sends ipfStateSummary carrying the
# current state and that count.  Once after a clean stop, once after
# SIGKILL.  The time to come back is printed, not asserted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

R=$SNMP_ROOT.1

e2e_setup
snmp_setup
start_pair
assert "a settles active" wait_for '[ "$(status state a)" = active ]' 10
agentx_start
assert "the first summary arrives" \
    wait_for '[ "$(trap_count ipfStateSummary)" -ge 1 ]' 5

walk_complete() {
	[ "$(swalk | grep -c "^$SNMP_ROOT\.")" -eq "${#SNMP_OBJECTS[@]}" ]
}

# round SIGNAL: snmpd stops, a releases and takes the address back while
# it is away, snmpd starts again.
round() {
	local sig=$1 lost_before summaries unsent t0 t1 last
	summaries=$(trap_count ipfStateSummary)
	lost_before=$(grep -c "session with the master agent lost" "$AGENTX_LOG" || true)
	snmpd_stop "$sig"
	assert "the subagent sees the master go ($sig)" \
	    wait_for "[ \$(grep -c 'session with the master agent lost' '$AGENTX_LOG') -gt $lost_before ]" 10

	ctl a remove "$E2E_ALIAS" >/dev/null
	assert "a releases while snmpd is away" \
	    wait_for '[ "$(status state a)" = standby ]' 10
	ctl a auto >/dev/null
	assert "a takes the address again" \
	    wait_for '[ "$(status state a)" = active ]' 10

	t0=$(now_ms)
	snmpd_start
	assert "a walk returns every object again" wait_for walk_complete 15
	t1=$(now_ms)
	say "walk complete $((t1 - t0)) ms after snmpd was started again"
	assert "a new summary arrives" \
	    wait_for "[ \$(trap_count ipfStateSummary) -gt $summaries ]" 10
	last=$(traps_of ipfStateSummary | tail -1)
	unsent=$(trap_value "$last" "$R.4.11.0")
	say "summary after the restart: state $(trap_value "$last" "$R.2.1.0"), unsent $unsent"
	assert "it says active(4), as failoverctl does" \
	    test "$(trap_value "$last" "$R.2.1.0")" = "$(snmp_expect state "$(status state a)")"
	assert "it counts the 4 state changes missed so far (at least)" \
	    test "$unsent" -ge "$2"
	assert "ipfNotificationsUnsent reads the same count" \
	    test "$(sget ipfNotificationsUnsent)" = "$unsent"
	out=$(snmp_check_all a ro) || true
	[ -z "$out" ] || say "mismatches: $out"
	assert "every object agrees with failoverctl after the restart" test -z "$out"
}

round TERM 4
round KILL 8
