#!/bin/bash
# 51-snmp-set: the writable objects of IPFAILOVER-MIB.  Good values reach
# failoverd (failoverctl shows them, with source snmp); a wrong type,
# length or value, two objects that disagree, a value failoverd refuses,
# a read-only object, a read-only community or user, and a failoverd that
# is down are each refused with their own error and change nothing; a
# half-applied request is undone.  The values survive a restart of
# failoverd.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

e2e_setup
snmp_setup
# An explicit interval, so that failoverd refuses a failtime under 0.5 s.
start_pair interval=0.25
assert "a settles active" wait_for '[ "$(status state a)" = active ]' 10
agentx_start

# settings: "failtime_ms ismaster failtime_source ismaster_source" of a.
settings() {
	local s
	s=$(status_all a)
	echo "$(kv "$s" failtime_ms) $(kv "$s" ismaster)" \
	    "$(kv "$s" failtime_source) $(kv "$s" ismaster_source)"
}

# expect_set ERROR PROFILE NAME TYPE VALUE...: the request gets ERROR.
expect_set() {
	local want=$1 got
	shift
	got=$(sset_error "$@")
	[ "$got" = "$want" ] && return 0
	say "snmpset $* gave '$got', expected '$want'"
	return 1
}

# refused ERROR PROFILE NAME TYPE VALUE...: gets ERROR, settings unchanged.
refused() {
	local want=$1 before after
	shift
	before=$(settings)
	expect_set "$want" "$@" || return 1
	after=$(settings)
	[ "$before" = "$after" ] && return 0
	say "settings changed from '$before' to '$after'"
	return 1
}

say "settings at start: $(settings)"

# Good values, v2c with the test's write community.
assert "ipfFailtime 2.5 is accepted" expect_set ok rw ipfFailtime s 2.5
assert "failoverd runs with 2.5 s from snmp" \
    test "$(settings)" = "2500 true snmp config"
assert "ipfFailtimeMs reads 2500" test "$(sget ipfFailtimeMs)" = 2500
assert "ipfFailtime reads 2.500" test "$(sget ipfFailtime)" = 2.500
assert "ipfFailtimeSource reads snmp(3)" test "$(sget ipfFailtimeSource)" = 3
assert "ipfFailtimeMs 1500 is accepted" expect_set ok rw ipfFailtimeMs u 1500
assert "failoverd runs with 1.5 s" test "$(status failtime a)" = 1.500
assert "ipfIsMaster false(2) is accepted" expect_set ok rw ipfIsMaster i 2
assert "failoverd's role is now slave, from snmp" \
    test "$(settings)" = "1500 false snmp snmp"
assert "ipfIsMaster true(1) is accepted" expect_set ok rw ipfIsMaster i 1
assert "failoverd's role is master again" test "$(status ismaster a)" = true
assert "both failtime objects with one value are accepted" \
    expect_set ok rw ipfFailtime s 1 ipfFailtimeMs u 1000
assert "failoverd runs with 1 s" test "$(status failtime_ms a)" = 1000

# Wrong type (RESERVE1).
assert "ipfFailtime as an integer: wrongType" \
    refused wrongType rw ipfFailtime i 3
assert "ipfFailtimeMs as an INTEGER: wrongType" \
    refused wrongType rw ipfFailtimeMs i 1000
assert "ipfIsMaster as a string: wrongType" \
    refused wrongType rw ipfIsMaster s true

# Wrong length (RESERVE1): ipfFailtime is SIZE (1..12).
assert "a 13-byte ipfFailtime: wrongLength" \
    refused wrongLength rw ipfFailtime s 1234567890123
assert "an empty ipfFailtime: wrongLength" refused wrongLength rw ipfFailtime s ''

# Wrong value (RESERVE2).
for v in abc 0.01 1.2345 3600.001 -1 1e3; do
	assert "ipfFailtime '$v': wrongValue" refused wrongValue rw ipfFailtime s "$v"
done
for v in 0 29 3600001; do
	assert "ipfFailtimeMs $v: wrongValue" refused wrongValue rw ipfFailtimeMs u "$v"
done
for v in 0 3 -1; do
	assert "ipfIsMaster $v: wrongValue" refused wrongValue rw ipfIsMaster i "$v"
done

# Inconsistent: within the request (RESERVE2), or refused by failoverd
# (ACTION): 0.3 s is under twice the configured interval of 250 ms.
assert "ipfFailtime 2 with ipfFailtimeMs 3000: inconsistentValue" \
    refused inconsistentValue rw ipfFailtime s 2 ipfFailtimeMs u 3000
assert "ipfFailtime 0.3, refused by failoverd: inconsistentValue" \
    refused inconsistentValue rw ipfFailtime s 0.3
assert "agent logs failoverd's reason" \
    grep -q "failoverd says 'err refused" "$AGENTX_LOG"

# Undo: the role change applies first, then the failtime is refused, and
# the master agent's UndoSet must put the role back.
assert "ipfIsMaster false with a refused failtime: inconsistentValue" \
    expect_set inconsistentValue rw ipfIsMaster i 2 ipfFailtime s 0.3
assert "the role is back to master after the undo" \
    test "$(status ismaster a)" = true
assert "the failtime is unchanged" test "$(status failtime_ms a)" = 1000
assert "the agent logged the undo" grep -q "snmp set undone: ismaster back to true" "$AGENTX_LOG"
assert "a is active again" wait_for '[ "$(status state a)" = active ]' 10

# Not writable, and not allowed.
assert "ipfState: notWritable" refused notWritable rw ipfState i 1
assert "ipfFailtimeSource: notWritable" refused notWritable rw ipfFailtimeSource i 1
assert "ipfHeartbeatsSent: notWritable" refused notWritable rw ipfHeartbeatsSent u 1
assert "the read-only community cannot write: noAccess" \
    refused noAccess ro ipfFailtimeMs u 2000

# SNMPv3 authPriv (SHA, AES).
assert "SNMPv3 authPriv: ipfFailtime 1.2 is accepted" \
    expect_set ok v3 ipfFailtime s 1.2
assert "failoverd runs with 1.2 s from snmp" \
    test "$(settings)" = "1200 true snmp snmp"
assert "SNMPv3 authPriv: a wrong value is refused" \
    refused wrongValue v3 ipfFailtimeMs u 5
assert "SNMPv3 read-only user cannot write: noAccess" \
    refused noAccess v3ro ipfFailtimeMs u 2000
out=$(SNMP_V3_AUTH=wrong-passphrase sset v3 ipfFailtimeMs u 2000 || true)
say "with a wrong passphrase: ${out//$'\n'/ }"
assert "a wrong SNMPv3 passphrase changes nothing" \
    test "$(status failtime_ms a)" = 1200
assert "and is told so" eval 'grep -qi "authentic" <<<"$out"'

# failoverd down: reads say unknown, writes resourceUnavailable.
stop_node a
assert "ipfState reads unknown(7) without failoverd" \
    wait_for '[ "$(sget ipfState)" = 7 ]' 5
assert "ipfDaemonReachable reads false(2)" test "$(sget ipfDaemonReachable)" = 2
assert "a write without failoverd: resourceUnavailable" \
    expect_set resourceUnavailable rw ipfFailtimeMs u 2000

# Persistence is failoverd's: the same configuration file, restarted.
start_node a interval=0.25
assert "the subagent finds failoverd again" \
    wait_for '[ "$(sget ipfDaemonReachable)" = 1 ]' 10
assert "after the restart failoverd still runs with 1.2 s, source snmp" \
    test "$(status failtime a) $(status failtime_source a)" = "1.200 snmp"
assert "ipfFailtimeMs reads 1200 and ipfFailtimeSource snmp(3)" \
    test "$(sget ipfFailtimeMs) $(sget ipfFailtimeSource)" = "1200 3"
assert "ipfIsMasterSource still reads snmp(3)" \
    test "$(sget ipfIsMasterSource)" = 3
