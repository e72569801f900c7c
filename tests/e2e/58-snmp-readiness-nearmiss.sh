#!/bin/bash
# 58-snmp-readiness-nearmiss: readiness and near misses over SNMP.
#
# b's readiness check fails: b's ipfReady reads no(2) with failoverd's
# reason, and the master a reads no(2) in ipfPeerReadiness.  When the
# check passes, b's subagent sends ipfReadinessChange yes(1).  Then
# nftables in b's namespace drops a's heartbeats for 70 % of failtime:
# ipfNearMisses counts the late heartbeat, ipfNearMiss reaches snmptrapd
# with the gap and the failtime, and nothing fails over.  A second near
# miss is counted but not notified (failoverd's rate limit).
#
# One subagent at a time, since both would register the same subtree
# with snmpd: it serves a, then b.
#
# wait_for evaluates its condition itself: single quotes on purpose.
# shellcheck disable=SC2016,SC2119
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

R=$SNMP_ROOT.1
A_HEX=$(snmp_expect addr "${E2E_IP[a]}")
FAILTIME_MS=2000
BLOCK_S=1.4			# 70 % of failtime

e2e_setup
snmp_setup

check=$E2E_TMP/b/ready-check.sh
cat >"$check" <<CHECK
#!/bin/sh
# Ready while the flag file exists.
test -e "$E2E_TMP/b/ready"
CHECK
chmod 0755 "$check"
READINESS="extra=<readiness interval=\"0.2\" timeout=\"1\">$check</readiness>"

# A short interval keeps a blocked heartbeat's gap close to BLOCK_S.
start_pair "b:$READINESS" failtime=2 interval=0.1
assert "a holds the address" wait_for "holder_is a" 10
assert "b reports it is not ready" wait_for "status_is ready b no" 5

# switch_agent NODE: the subagent serves NODE from now on.
switch_agent() {
	agentx_stop
	# shellcheck disable=SC2034 # read by agentx_start
	AGENTX_NODE=$1
	agentx_start
}

# The master's side.
switch_agent a
assert "a sees b not ready" wait_for "status_is peer_ready a no" 5
assert "a's ipfPeerReadiness reads no(2)" test "$(sget ipfPeerReadiness)" = 2
assert "a's deprecated ipfPeerReady reads false(2)" \
    test "$(sget ipfPeerReady)" = 2
assert "a itself is ready: ipfReady yes(1)" test "$(sget ipfReady)" = 1
assert "a says why" test "$(sget ipfReadyReason)" = "no readiness check"

# The standby's side.
switch_agent b
assert "b's ipfReady reads no(2)" test "$(sget ipfReady)" = 2
assert "b's ipfReadyReason is failoverd's" \
    test "$(sget ipfReadyReason)" = "$(status ready_reason b)"
say "b's reason: $(sget ipfReadyReason)"
assert "b's ipfPeerReadiness reads yes(1): a is ready" \
    test "$(sget ipfPeerReadiness)" = 1

n=$(trap_count ipfReadinessChange)
touch "$E2E_TMP/b/ready"
assert "ipfReadinessChange arrives when b's check passes" \
    wait_for '[ "$(trap_count ipfReadinessChange)" -gt '"$n"' ]' 5
ready=$(traps_of ipfReadinessChange | tail -1)
assert "it says yes(1)" test "$(trap_value "$ready" "$R.2.10.0")" = 1
assert "it gives the check's outcome" \
    test "$(trap_value "$ready" "$R.2.11.0")" = "check exited 0"
assert "b's ipfReady reads yes(1)" wait_for '[ "$(sget ipfReady)" = 1 ]' 3

# A near miss: b hears nothing from a for BLOCK_S, under failtime.
block_heartbeats() {
	nsx b nft -f - <<NFT
table inet ipfe_block {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport $E2E_HBPORT drop
	}
}
NFT
}

unblock_heartbeats() {
	nsx b nft delete table inet ipfe_block
}

near_miss() {
	block_heartbeats
	sleep "$BLOCK_S"
	unblock_heartbeats
}

misses=$(sget ipfNearMisses)
lost=$(trap_count ipfPeerLost)
takeovers=$(status takeovers b)
assert "b has no near miss yet" test "$misses" -eq 0
near_miss
assert "ipfNearMisses counts the late heartbeat" \
    wait_for '[ "$(sget ipfNearMisses)" -gt '"$misses"' ]' 5
assert "ipfNearMiss reaches snmptrapd" \
    wait_for '[ "$(trap_count ipfNearMiss)" -ge 1 ]' 5
nm=$(traps_of ipfNearMiss | tail -1)
gap=$(trap_value "$nm" "$R.6.10.0")
say "near miss: gap $gap ms, failtime $(trap_value "$nm" "$R.1.4.0") ms," \
    "reason '$(trap_value "$nm" "$R.6.3.0")'"
assert "its gap is over half of failtime and under failtime" \
    test "$gap" -gt $((FAILTIME_MS / 2)) -a "$gap" -lt "$FAILTIME_MS"
assert "it carries the failtime" \
    test "$(trap_value "$nm" "$R.1.4.0")" = "$FAILTIME_MS"
assert "it carries the near-miss count" \
    test "$(trap_value "$nm" "$R.4.12.0")" -ge 1
assert "it names the peer" test "$(trap_value "$nm" "$R.1.11.0")" = "$A_HEX"
assert "ipfWorstGapMs is the gap at least" \
    test "$(sget ipfWorstGapMs)" -ge "$gap"
assert "b logged the near miss" log_has b 'near miss: [0-9]+ ms without a heartbeat'

assert "nothing failed over: a holds the address" holder_is a
assert "b stands by" test "$(sget ipfState)" = 2
assert "b took nothing" test "$(status takeovers b)" = "$takeovers"
assert "b never lost its peer" test "$(trap_count ipfPeerLost)" = "$lost"

# Within failoverd's 10 s limit: counted, not notified again.
misses=$(sget ipfNearMisses)
near_miss
assert "a second near miss is counted" \
    wait_for '[ "$(sget ipfNearMisses)" -gt '"$misses"' ]' 5
sleep 0.5
assert "but not notified again within the rate limit" \
    test "$(trap_count ipfNearMiss)" = 1
assert "still no failover" holder_is a

n=$(trap_count ipfReadinessChange)
rm -f "$E2E_TMP/b/ready"
assert "ipfReadinessChange no(2) arrives when the check fails again" \
    wait_for '[ "$(trap_count ipfReadinessChange)" -gt '"$n"' ] &&
    traps_of ipfReadinessChange | tail -1 | grep -q "$R.2.10.0 = INTEGER: 2"' 5
