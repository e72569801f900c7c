#!/bin/bash
# 22-manual-mode: in manual mode the slave detects the master's loss as
# usual but only says so ("pending", an event) until an operator confirms
# with "failoverctl takeover"; the handback waits for "failoverctl
# handback" the same way.  Moves in order with a live peer (the master's
# take once the slave let go) need no confirmation.  Mode set at run time
# is kept across a restart.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
MANUAL='extra=<mode>manual</mode>'
# b alone never hears a master: a takeover, so it waits.
start_node b "$MANUAL"
assert "b alone waits for an operator" \
    wait_for "status_is pending b takeover" 10
assert "nobody holds the address" not has_alias b
# The master appears: b's reason to move is gone, a takes in order.
start_node a "$MANUAL"
assert "b stops waiting once a is there" \
    wait_for "status_is pending b none" 5
assert "a takes the address without an operator" \
    wait_for "holder_is a" 10
assert "b logged the end of its wait" log_has b 'reason to move is gone'

ctl b watch -n 2 >"$E2E_TMP/b-events" 2>&1 &
E2E_HELPERS+=($!)
sleep 0.3
kill_node a
assert "b sees the loss and waits" wait_for "status_is pending b takeover" 10
assert "b's state is pending" status_is state b pending
sleep 1.5
assert "b still holds nothing after more than failtime" not has_alias b
assert "b ran no add script" test "$(script_count b add)" -eq 0
assert "b's subscribers got the pending state" \
    wait_for "grep -q 'new=pending' '$E2E_TMP/b-events'" 5
assert "handback is refused: none is pending" not ctlq b handback
assert "the operator confirms on b" ctlq b takeover
assert "b holds the address" wait_for "holder_is b" 5
assert "b ran its add script once" test "$(script_count b add)" -eq 1

start_node a "$MANUAL"
assert "b waits to hand back" wait_for "status_is pending b handback" 10
assert "b still holds the address" holder_is b
assert "the operator confirms the handback on b" ctlq b handback
assert "a gets the address" wait_for "holder_is a" 10

# Mode at run time: back to auto, kept across a restart of b.
assert "set mode auto on b" ctlq b set mode auto
assert "b reports mode auto from control" \
    test "$(status mode b)/$(status mode_source b)" = auto/control
stop_node b
start_node b "$MANUAL"
assert "b kept mode auto across its restart" status_is mode b auto
kill_node a
assert "in auto mode b takes over by itself" wait_for "holder_is b" 10
