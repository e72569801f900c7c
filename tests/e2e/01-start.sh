#!/bin/bash
# 01-start: the master takes the address at start when nobody holds it,
# keeps it when the slave joins, and the client reaches it there.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup

t0=$(now_ms)
start_node a
assert "a (master, alone) takes the address" wait_for "holder_is a" 10
say "a held the address $(ms_to_s $(($(now_ms) - t0)))s after its start"
assert "a is active" test "$(status state a)" = active
assert "a reports holds yes" test "$(status holds a)" = yes
assert "a ran its add script once, with the address" \
    test "$(script_count a add)" -eq 1

start_node b
assert "b settles in standby" wait_for "status_is state b standby" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "a hears b" wait_for "status_is peer a alive" 5
# Twice b's failtime: a slave that wrongly took over would have done so.
sleep 2
assert "a still the only holder" holder_is a
assert "b reports holds no" test "$(status holds b)" = no
assert "b ran no script" test "$(script_count b add)" -eq 0
assert "a ran no remove script" test "$(script_count a remove)" -eq 0
assert "the client reaches a" wait_for "client_reaches a" 3
assert "the client has a's MAC for the address" test "$(client_mac)" = a
show_status a
show_status b
