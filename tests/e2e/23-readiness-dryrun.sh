#!/bin/bash
# 23-readiness-dryrun: a standby whose readiness check fails does not take
# over, says why, and the master sees it; once ready it takes over.  A
# node in a dry run decides and logs as usual but moves nothing, and
# "simulate peer-loss" rehearses a takeover: logged only in a dry run,
# an orderly real move otherwise.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
check=$E2E_TMP/b/ready-check.sh
cat >"$check" <<CHECK
#!/bin/sh
# Ready while the flag file exists.
test -e "$E2E_TMP/b/ready"
CHECK
chmod 0755 "$check"
READINESS="extra=<readiness interval=\"0.2\" timeout=\"1\">$check</readiness>"

start_pair "b:$READINESS"
assert "a holds the address" wait_for "holder_is a" 10
assert "b reports it is not ready" wait_for "status_is ready b no" 5
assert "b says why" test "$(status ready_reason b)" = "check exited 1"
assert "a sees b not ready" wait_for "status_is peer_ready a no" 5
kill_node a
sleep 2
assert "a not-ready b does not take over" not has_alias b
assert "b stays in standby" status_is state b standby
touch "$E2E_TMP/b/ready"
assert "b takes over once its check passes" wait_for "holder_is b" 5
assert "b's log tells both verdicts" log_has b 'readiness: ready'
stop_node b

# A check that hangs is killed at its timeout, like a hung script, and
# counts as not ready.
cat >"$check" <<CHECK
#!/bin/sh
# Hangs while the flag file exists.
if [ -e "$E2E_TMP/b/hang" ]; then
	sleep 30 &
	echo \$! >"$E2E_TMP/b/check-child.pid"
	wait
fi
exit 0
CHECK
touch "$E2E_TMP/b/hang"
start_node b "$READINESS"
assert "a hung check makes b not ready" wait_for "status_is ready b no" 10
assert "b says the check timed out" \
    test "$(status ready_reason b)" = "check timed out after 1000 ms"
# The check runs again every interval: follow one child, the first.
first=$(cat "$E2E_TMP/b/check-child.pid")
assert "the hung check's child was killed with it" \
    wait_for "! pid_alive $first" 5
rm -f "$E2E_TMP/b/hang"
assert "b is ready again once the check returns" \
    wait_for "status_is ready b yes" 10
stop_node b

# Dry run: b decides as usual, runs nothing, and a still gets the address.
adds=$(script_count b add)
real=$FAILOVERD
FAILOVERD=$E2E_TMP/failoverd-dry
printf '#!/bin/sh\nexec "%s" -n "$@"\n' "$real" >"$FAILOVERD"
chmod 0755 "$FAILOVERD"
start_node b
FAILOVERD=$real
assert "b in a dry run says so" status_is dry_run b yes
sleep 1.5
assert "a dry-run b logs the add it would run" \
    log_has b "dry run: would run add script '.*add.sh $E2E_ALIAS'"
assert "nothing was added on b" not has_alias b
assert "b ran no script" test "$(script_count b add)" -eq "$adds"
start_node a
assert "a takes the address: b told it holds nothing" \
    wait_for "holder_is a" 10

assert "simulate peer-loss on the dry-run b" ctlq b simulate peer-loss
sleep 1
assert "the rehearsal moved nothing" holder_is a
assert "b logged the rehearsal" log_has b 'rehearsal: simulating the loss'
assert "auto ends the rehearsal" ctlq b auto
assert "b reports no simulation" status_is simulation b none
stop_node b

# For real: the rehearsal moves the address here, in order.
start_node b
assert "b hears a" wait_for "status_is peer b alive" 5
sampler_start 15
assert "simulate peer-loss on a real b" ctlq b simulate peer-loss
assert "the address moves to b" wait_for "holder_is b" 10
assert "auto gives it back to a" ctlq b auto
assert "a holds it again" wait_for "holder_is a" 10
sampler_stop
assert_no_overlap 0
