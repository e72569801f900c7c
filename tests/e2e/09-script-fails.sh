#!/bin/bash
# 09-script-fails: a's add script exits 1.  a goes to state fault,
# counts the failure, does not claim the address, and yields: b takes
# over.  When the script works again and the operator clears the fault
# ("failoverctl auto"), the address comes back to the master, b
# releasing first.
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

# The script works again.  By design (ha/fsm.c, step_fault) a node whose
# add failed does not take the address back from a peer that serves it
# until the operator says "failoverctl auto".
rm -f "$E2E_TMP/a/add.mode"
sleep 2.5
assert "a leaves the working address with b" holder_is b
assert "a stays in fault" status_is state a fault
since=$(now_ms)000
assert "failoverctl auto on a is accepted" ctlq a auto
assert "a recovers and is the only holder" wait_for "holder_is a" 15
assert "order: b released before a added" \
    before "$(script_time b remove-done "$since")" "$(script_time a add "$since")"
assert "a is active" status_is state a active
assert "the client reaches a" wait_for "client_reaches a" 3
say "figures: a ran its add script $(script_count a add) times in all"
