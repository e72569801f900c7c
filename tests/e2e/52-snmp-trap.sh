#!/bin/bash
# 52-snmp-trap: notifications reach snmptrapd through snmpd.  The summary
# arrives when the subagent registers; when the master b dies, a's
# subagent sends ipfPeerLost and then ipfStateChange for standby ->
# taking -> active, with the right varbinds; when b comes back,
# ipfPeerBack.  The delay from failoverd's transition to the
# notification's arrival is printed, not asserted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

R=$SNMP_ROOT.1
ALIAS_HEX=$(snmp_expect addr "$E2E_ALIAS")
PEER_HEX=$(snmp_expect addr "${E2E_IP[b]}")

e2e_setup
snmp_setup
start_pair a:ismaster=false b:ismaster=true
assert "a settles in standby" wait_for '[ "$(status state a)" = standby ]' 10
agentx_start

assert "the summary arrives when the subagent registers" \
    wait_for '[ "$(trap_count ipfStateSummary)" -ge 1 ]' 5
summary=$(traps_of ipfStateSummary | tail -1)
assert "the summary says standby(2)" \
    test "$(trap_value "$summary" "$R.2.1.0")" = 2
assert "the summary says not holding (false(2))" \
    test "$(trap_value "$summary" "$R.2.2.0")" = 2
assert "the summary carries the floating address" \
    test "$(trap_value "$summary" "$R.1.8.0")" = "$ALIAS_HEX"
assert "the summary counts no unsent notification" \
    test "$(trap_value "$summary" "$R.4.11.0")" = 0

# The failover.  Every 10 ms, note when the notification shows up.
kill_node b
t_arrival=
for _ in $(seq 1 1000); do
	if traps_of ipfStateChange | grep -q "$R.6.2.0 = INTEGER: 4"; then
		t_arrival=$(now_ms)
		break
	fi
	sleep 0.01
done
assert "a takes the address" wait_for "has_alias a" 5
assert "ipfStateChange to active(4) arrived" test -n "$t_arrival"

# When failoverd logged the transition, from its own time stamp.
line=$(grep -m1 "state taking -> active" "$E2E_TMP/a/daemon.log" || true)
if [ -n "$line" ]; then
	t_log=$(date -d "$(date +%F) ${line%% *}" +%s%3N)
	say "notification arrived $((t_arrival - t_log)) ms after failoverd's transition (polled every 10 ms)"
fi

active=$(traps_of ipfStateChange | grep "$R.6.2.0 = INTEGER: 4" | tail -1)
assert "its old state is taking(3)" test "$(trap_value "$active" "$R.6.1.0")" = 3
assert "its reason is failoverd's last reason" \
    test "$(trap_value "$active" "$R.6.3.0")" = "$(status last_reason a)"
assert "its address type is ipv4(1)" test "$(trap_value "$active" "$R.1.7.0")" = 1
assert "its address is the floating address" \
    test "$(trap_value "$active" "$R.1.8.0")" = "$ALIAS_HEX"
assert "it says the address is held (true(1))" \
    test "$(trap_value "$active" "$R.2.2.0")" = 1

taking=$(traps_of ipfStateChange | grep "$R.6.2.0 = INTEGER: 3" | tail -1)
assert "ipfStateChange standby(2) -> taking(3) came too" \
    test "$(trap_value "$taking" "$R.6.1.0")" = 2

lost=$(traps_of ipfPeerLost | tail -1)
assert "ipfPeerLost arrived" test -n "$lost"
assert "it says lost(2)" test "$(trap_value "$lost" "$R.3.1.0")" = 2
assert "it names the peer's address" test "$(trap_value "$lost" "$R.1.11.0")" = "$PEER_HEX"
assert "it gives a reason" test -n "$(trap_value "$lost" "$R.6.3.0")"

# b comes back as master: a hears it again (and hands the address back).
start_node b ismaster=true
assert "ipfPeerBack arrives" wait_for '[ "$(trap_count ipfPeerBack)" -ge 1 ]' 10
back=$(traps_of ipfPeerBack | tail -1)
assert "it says alive(1)" test "$(trap_value "$back" "$R.3.1.0")" = 1
assert "a gives the address back" wait_for "! has_alias a" 10
assert "ipfStateChange to standby(2) arrives" \
    wait_for "traps_of ipfStateChange | grep -q '$R.6.2.0 = INTEGER: 2'" 5
say "notifications received: summary $(trap_count ipfStateSummary)," \
    "state $(trap_count ipfStateChange), lost $(trap_count ipfPeerLost)," \
    "back $(trap_count ipfPeerBack)"
