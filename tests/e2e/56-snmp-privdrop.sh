#!/bin/bash
# 56-snmp-privdrop: failover-agentx -u nobody runs without root once its
# sockets are open, still serves reads, finds failoverd and snmpd again
# after each restarts, and gets its writes refused by failoverd (nobody is
# not in the control group), which a manager sees as commitFailed with
# nothing changed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

id nobody >/dev/null 2>&1 || skip "no user 'nobody'"

e2e_setup
snmp_setup
start_pair
assert "a settles active" wait_for '[ "$(status state a)" = active ]' 10
# nobody must reach a's control socket (0666) when it reconnects.
chmod 0711 "$E2E_TMP" "$E2E_TMP/a"
agentx_start -u nobody

uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$AGENTX_PID/status")
gids=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$AGENTX_PID/status")
nobody=$(id -u nobody)
say "failover-agentx: Uid $uids, Gid $gids, groups $(awk '/^Groups:/ { $1 = ""; print }' "/proc/$AGENTX_PID/status")"
assert "real, effective, saved and fs uid are nobody's" \
    test "$uids" = "$nobody $nobody $nobody $nobody"
assert "no gid is root's" eval '! grep -qw 0 <<<"$gids"'

out=$(snmp_check_all a ro) || true
[ -z "$out" ] || say "mismatches: $out"
assert "every object agrees with failoverctl" test -z "$out"

before=$(status failtime_ms a)
assert "a write is refused by failoverd: commitFailed" \
    test "$(sset_error rw ipfFailtimeMs u 2000)" = commitFailed
assert "failtime unchanged" test "$(status failtime_ms a)" = "$before"
assert "the subagent says why" grep -q "refuses changes from this user" "$AGENTX_LOG"

stop_node a
assert "ipfState reads unknown(7) without failoverd" \
    wait_for '[ "$(sget ipfState)" = 7 ]' 5
start_node a
assert "as nobody, the subagent finds failoverd again" \
    wait_for '[ "$(sget ipfDaemonReachable)" = 1 ]' 10

snmpd_stop
snmpd_start
assert "as nobody, the subagent registers with the new snmpd" \
    wait_for '[ "$(sget ipfDaemonReachable)" = 1 ]' 15
assert "and it is still nobody" \
    test "$(awk '/^Uid:/ { print $3 }' "/proc/$AGENTX_PID/status")" = "$nobody"
