#!/bin/bash
# 57-snmp-manual: manual mode over SNMP, on node b.  ipfMode is set like
# the failover time (good values, wrongValue, wrongType) and failoverd
# keeps it, with source snmp, across its restart.  In manual mode the
# master's death puts b in pending: ipfTakeoverPending reaches
# snmptrapd, ipfPending reads takeover, and only a SET of ipfConfirm
# moves the address to b.  The master's return waits for a handback,
# confirmed the same way over SNMPv3.  A confirmation of a move that is
# not pending, or written with another object, is inconsistentValue.
#
# wait_for evaluates its condition itself: single quotes on purpose.
# shellcheck disable=SC2016,SC2119
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

R=$SNMP_ROOT.1
ALIAS_HEX=$(snmp_expect addr "$E2E_ALIAS")
AGENTX_NODE=b

e2e_setup
snmp_setup
start_pair
assert "a holds the address, b stands by" \
    wait_for 'holder_is a && [ "$(status state b)" = standby ]' 10
agentx_start

# expect_set ERROR PROFILE NAME TYPE VALUE...: the request gets ERROR.
expect_set() {
	local want=$1 got
	shift
	got=$(sset_error "$@")
	[ "$got" = "$want" ] && return 0
	say "snmpset $* gave '$got', expected '$want'"
	return 1
}

mode_of_b() {
	echo "$(status mode b)/$(status mode_source b)"
}

# The mode, set like the failover time.
assert "ipfMode reads auto(1) from the configuration" \
    test "$(sget ipfMode) $(sget ipfModeSource)" = "1 1"
assert "ipfMode manual(2) is accepted" expect_set ok rw ipfMode i 2
assert "failoverd runs in manual mode, from snmp" \
    test "$(mode_of_b)" = manual/snmp
assert "ipfMode reads manual(2), ipfModeSource snmp(3)" \
    test "$(sget ipfMode) $(sget ipfModeSource)" = "2 3"
for v in 0 3 -1; do
	assert "ipfMode $v: wrongValue" expect_set wrongValue rw ipfMode i "$v"
done
assert "ipfMode as a string: wrongType" \
    expect_set wrongType rw ipfMode s manual
assert "ipfModeSource: notWritable" \
    expect_set notWritable rw ipfModeSource i 1
assert "the read-only community cannot set the mode: noAccess" \
    expect_set noAccess ro ipfMode i 1
assert "the refused writes changed nothing" test "$(mode_of_b)" = manual/snmp

stop_node b
start_node b
assert "the subagent finds failoverd again" \
    wait_for '[ "$(sget ipfDaemonReachable)" = 1 ]' 10
assert "after its restart b is still in manual mode, from snmp" \
    test "$(mode_of_b)" = manual/snmp
assert "ipfMode and ipfModeSource say so" \
    test "$(sget ipfMode) $(sget ipfModeSource)" = "2 3"
assert "b stands by again" wait_for '[ "$(status state b)" = standby ]' 10

# Nothing pending: a confirmation is refused by failoverd.
assert "ipfPending reads none(1)" test "$(sget ipfPending)" = 1
assert "ipfConfirm reads none(1)" test "$(sget ipfConfirm)" = 1
assert "ipfConfirm takeover with nothing pending: inconsistentValue" \
    expect_set inconsistentValue rw ipfConfirm i 2
assert "the agent logs failoverd's refusal" \
    grep -q "snmp set confirm takeover: failoverd says 'err refused" "$AGENTX_LOG"
assert "ipfConfirm none(1): wrongValue" expect_set wrongValue rw ipfConfirm i 1
assert "ipfConfirm 4: wrongValue" expect_set wrongValue rw ipfConfirm i 4

# The master dies: b waits for an operator and says so.
kill_node a
assert "ipfTakeoverPending reaches snmptrapd" \
    wait_for '[ "$(trap_count ipfTakeoverPending)" -ge 1 ]' 10
pending=$(traps_of ipfTakeoverPending | tail -1)
assert "it says takeover(2)" test "$(trap_value "$pending" "$R.2.8.0")" = 2
assert "it gives failoverd's reason" \
    test "$(trap_value "$pending" "$R.6.3.0")" = "$(status last_reason b)"
say "reason: $(trap_value "$pending" "$R.6.3.0")"
assert "it carries the floating address" \
    test "$(trap_value "$pending" "$R.1.8.0")" = "$ALIAS_HEX"
assert "it says the address is not held (false(2))" \
    test "$(trap_value "$pending" "$R.2.2.0")" = 2
assert "ipfStateChange to pending(8) came too" \
    wait_for "traps_of ipfStateChange | grep -q '$R.6.2.0 = INTEGER: 8'" 5
assert "ipfState reads pending(8)" test "$(sget ipfState)" = 8
assert "ipfPending reads takeover(2)" test "$(sget ipfPending)" = 2
sleep 1.5
assert "b holds nothing after more than failtime" not has_alias b
assert "b ran no add script" test "$(script_count b add)" -eq 0

assert "ipfConfirm handback while a takeover is pending: inconsistentValue" \
    expect_set inconsistentValue rw ipfConfirm i 3
assert "ipfConfirm with another object: inconsistentValue" \
    expect_set inconsistentValue rw ipfConfirm i 2 ipfMode i 2
assert "b still waits" test "$(status pending b)" = takeover
assert "b still holds nothing" not has_alias b

assert "ipfConfirm takeover(2) is accepted" expect_set ok rw ipfConfirm i 2
assert "the address moves to b" wait_for "has_alias b" 5
assert "b ran its add script once" test "$(script_count b add)" -eq 1
assert "the agent logged the confirmation" \
    grep -q "snmp confirmed the pending takeover" "$AGENTX_LOG"
assert "ipfState reads active(4)" wait_for '[ "$(sget ipfState)" = 4 ]' 5
assert "ipfPending reads none(1)" test "$(sget ipfPending)" = 1
assert "ipfConfirm reads none(1) again" test "$(sget ipfConfirm)" = 1

# The master returns: the handback waits too, confirmed over SNMPv3.
n=$(trap_count ipfTakeoverPending)
start_node a
assert "a second ipfTakeoverPending arrives" \
    wait_for '[ "$(trap_count ipfTakeoverPending)" -gt '"$n"' ]' 10
pending=$(traps_of ipfTakeoverPending | tail -1)
assert "it says handback(3)" test "$(trap_value "$pending" "$R.2.8.0")" = 3
assert "it says the address is held (true(1))" \
    test "$(trap_value "$pending" "$R.2.2.0")" = 1
assert "ipfPending reads handback(3)" test "$(sget ipfPending)" = 3
assert "b still holds the address" holder_is b
assert "ipfConfirm takeover while a handback is pending: inconsistentValue" \
    expect_set inconsistentValue v3 ipfConfirm i 2
assert "the SNMPv3 read-only user cannot confirm: noAccess" \
    expect_set noAccess v3ro ipfConfirm i 3
assert "SNMPv3 authPriv: ipfConfirm handback(3) is accepted" \
    expect_set ok v3 ipfConfirm i 3
assert "a gets the address" wait_for "holder_is a" 10
assert "ipfPending reads none(1) after the handback" \
    wait_for '[ "$(sget ipfPending)" = 1 ]' 5
assert "ipfConfirm handback with nothing pending: inconsistentValue" \
    expect_set inconsistentValue v3 ipfConfirm i 3
say "notifications received: pending $(trap_count ipfTakeoverPending)," \
    "state $(trap_count ipfStateChange)"
