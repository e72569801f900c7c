#!/bin/bash
# 09-script-fails: a's add script exits 1.  a goes to state fault,
# counts the failure, does not claim the address, and yields: b takes
# over.  a asks for the address back a few times with backoff (b releasing
# first each time, never two holders), then gives up until the operator
# clears the fault (ha/fsm.c, step_fault).  Once the script works again,
# "failoverctl auto" brings the address back to the master.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
echo fail >"$E2E_TMP/a/add.mode"
sampler_start 60
start_pair
assert "a ran its add script" wait_for "[ \$(script_count a add) -ge 1 ]" 10
assert "a goes to state fault" wait_for "status_is state a fault" 10
assert "a counts script_failures" test "$(status script_failures a)" -ge 1
assert "a reports holds no" status_is holds a no
assert "a has no address" not has_alias a
assert "a's log has the transition to fault" log_has a '-> fault'
assert "b takes the address because a yields" wait_for "holder_is b" 10
show_status a

# The handback tries: 1 s, 2 s, 4 s of backoff in the current design.
assert "a stops asking and says it waits for the operator" \
    wait_for "log_has a 'failoverctl auto'" 30
say "a gave up after $(script_count a add) add attempts; its last_reason: $(status last_reason a)"
assert "a counts every failure" \
    test "$(status script_failures a)" -eq "$(script_count a add)"
assert "b holds the address" wait_for "holder_is b" 10
assert "the client reaches b" wait_for "client_reaches b" 3

# The script works again; nothing happens until the operator says so.
rm -f "$E2E_TMP/a/add.mode"
tries=$(script_count a add)
sleep 2.5
assert "a does not try again on its own" test "$(script_count a add)" -eq "$tries"
assert "b keeps the address" holder_is b
assert "a stays in fault" status_is state a fault

since=$(now_ms)000
assert "failoverctl auto on a is accepted" ctlq a auto
assert "a recovers and is the only holder" wait_for "holder_is a" 15
assert "order: b released before a added" \
    before "$(script_time b remove-done "$since")" "$(script_time a add "$since")"
assert "a is active" status_is state a active
assert "the client reaches a" wait_for "client_reaches a" 3
assert_no_overlap 0
show_status a
show_status b
