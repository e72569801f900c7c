#!/bin/bash
# 54-snmp-master-stopped: snmpd is frozen (SIGSTOP) for longer than the
# failtime while the master b dies.  failoverd on a never waits on the
# subagent, so the takeover happens while snmpd is still frozen; once
# snmpd runs again, the subagent serves the MIB again and the manager
# learns of the takeover (the notification, or the summary).  The
# takeover time is printed, not asserted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

R=$SNMP_ROOT.1
FROZEN_S=4			# failtime is 1 s

e2e_setup
snmp_setup
start_pair a:ismaster=false b:ismaster=true
assert "a settles in standby" wait_for '[ "$(status state a)" = standby ]' 10
agentx_start
summaries=$(trap_count ipfStateSummary)

kill -STOP "$SNMPD_PID"
t_stop=$(now_ms)
say "snmpd frozen"
no_answer() {
	! snmp_req snmpget ro "-Oqv -t 0.5 -r 0" "$(oid_of ipfState)" \
	    >/dev/null 2>&1
}
assert "snmpd really is frozen (a GET times out)" no_answer

t_kill=$(now_ms)
kill_node b
assert "a takes the address while snmpd is frozen" wait_for "has_alias a" 6
t_take=$(now_ms)
assert "snmpd was frozen all along" \
    test "$(sed 's/.*) \(.\).*/\1/' "/proc/$SNMPD_PID/stat")" = T
say "takeover $((t_take - t_kill)) ms after b died (failtime 1000 ms), snmpd frozen"
say "failoverd: $(grep -m1 'standby -> taking' "$E2E_TMP/a/daemon.log" | cut -d' ' -f3-)"
assert "a reports active" wait_for '[ "$(status state a)" = active ]' 3

left=$((FROZEN_S * 1000 - ($(now_ms) - t_stop)))
[ "$left" -le 0 ] || sleep "$(ms_to_s "$left")"
kill -CONT "$SNMPD_PID"
say "snmpd thawed after $(ms_to_s $(($(now_ms) - t_stop))) s"

t0=$(now_ms)
assert "the subagent serves the MIB again" \
    wait_for '[ "$(sget ipfState)" = 4 ]' 20
say "ipfState readable $(($(now_ms) - t0)) ms after the thaw"
told() {
	traps_of ipfStateChange | grep -q "$R.6.2.0 = INTEGER: 4" && return 0
	[ "$(trap_count ipfStateSummary)" -gt "$summaries" ] &&
	    traps_of ipfStateSummary | tail -1 | grep -q "$R.2.1.0 = INTEGER: 4"
}
assert "the manager learns of the takeover (notification or summary)" \
    wait_for told 15
say "received: state changes $(trap_count ipfStateChange)," \
    "summaries $(trap_count ipfStateSummary), unsent $(sget ipfNotificationsUnsent)"
out=$(snmp_check_all a ro) || true
[ -z "$out" ] || say "mismatches: $out"
assert "every object agrees with failoverctl after the thaw" test -z "$out"
