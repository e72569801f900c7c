#!/bin/bash
# 05-sigterm: SIGTERM on the master releases the address (its remove
# script runs) and tells the peer, which takes over at once instead of
# waiting for failtime.  With failtime 5 s and heartbeats every 0.5 s,
# plain silence would take b at least 4.5 s; the fast handover must be
# well under that (asserted: under 4 s, which a slow machine still makes).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair failtime=5 interval=0.5
assert "a holds the address" wait_for "holder_is a" 20
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3

sampler_start 20
since=$(now_ms)000
t0=$(now_ms)
stop_node a
assert "a's remove script ran" test -n "$(script_time a remove "$since")"
assert "a no longer has the address" test "$(holder)" != a
assert "b takes over" wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "b took over well before a's failtime of 5s (fast handover)" \
    test "$dt" -lt 4000
assert "order: a released before b added" \
    before "$(script_time a remove-done "$since")" "$(script_time b add "$since")"
assert_no_overlap "$since"
assert "the client reaches b" wait_for "client_reaches b" 3
assert "the client has b's MAC" test "$(client_mac)" = b
show_status b
say "figures: SIGTERM on a to address on b $(ms_to_s "$dt")s (failtime 5s)"
