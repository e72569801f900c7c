#!/bin/bash
# 09-script-fails: a's add script exits 1.  a goes to state fault,
# counts the failure, does not claim the address, and yields: b takes
# over.  a asks for the address back three times with backoff (ha/fsm.c,
# step_fault); while its script keeps failing it then gives up and leaves
# the address with b until the operator says "failoverctl auto".  With
# the script working again, a retry or the operator brings the address
# back to the master, b releasing first.
# shellcheck disable=SC2119 # helpers with optional arguments
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
echo fail >"$E2E_TMP/a/add.mode"
start_pair
assert "a ran its add script" wait_for "[ \$(script_count a add) -ge 1 ]" 10
assert "a goes to state fault" wait_for "status_is state a fault" 10
assert "a counts script_failures" test "$(status script_failures a)" -ge 1
assert "a reports holds no" test "$(status holds a)" = no
assert "a's log has the transition to fault" log_has a '-> fault'
assert "b takes the address because a yields" wait_for "holder_is b" 10
assert "the client reaches b" wait_for "client_reaches b" 3
show_status a
show_status b

# Still failing: three tries in all, then a stops asking.
assert "a gives up after three tries and says how to go on" \
    wait_for "log_has a \"failoverctl auto\"" 20
assert "a ran its add script three times" test "$(script_count a add)" -eq 3
assert "b holds the address" wait_for "holder_is b" 5
sleep 2
assert "a asks no more: still three tries" test "$(script_count a add)" -eq 3
assert "a stays in fault" status_is state a fault
assert "b still holds the address" holder_is b

# The script works again; the operator clears the fault.
rm -f "$E2E_TMP/a/add.mode"
since=$(now_ms)000
assert "failoverctl auto on a is accepted" ctlq a auto
assert "a recovers and is the only holder" wait_for "holder_is a" 15
assert "order: b released before a added" \
    before "$(script_time b remove-done "$since")" "$(script_time a add "$since")"
assert "a is active" status_is state a active
assert "the client reaches a" wait_for "client_reaches a" 3

# A single failure heals by itself: the first retry succeeds.
stop_node a
echo fail >"$E2E_TMP/a/add.mode"
start_node a
assert "a fails again" wait_for "status_is state a fault" 10
assert "b serves meanwhile" wait_for "holder_is b" 10
rm -f "$E2E_TMP/a/add.mode"
assert "a's first retry brings the address back" wait_for "holder_is a" 10
assert "a is active" status_is state a active
say "figures: a ran its add script $(script_count a add) times in all"
