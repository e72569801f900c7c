#!/bin/bash
# 44-kill-holder: the node holding the address dies (SIGKILL) and is
# started again at once, while its address is still on its interface and
# before the peer's failtime (3 s) ran out.  (Test 03 covers the restart
# after the peer took over.)
#
# The restarted daemon finds the address at start, hears its peer in
# standby, and keeps it: it re-runs its add script (whose other effects
# it cannot know) and becomes active.  The peer, which never saw failtime
# pass, never runs a script.  The address never leaves the holder: every
# sample finds it there and only there.  With the address lease (on by
# default), the restarted daemon must keep the leftover alive until it
# has decided, also when the peer is silent and deciding takes failtime.
#
#   1. a, the master, holds it; a is killed and restarted.
#   2. b holds it while a is stopped; b is killed and restarted, alone.
#      Then a starts and gets it back the usual way, b releasing first.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

e2e_setup
start_pair failtime=3
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
sampler_start 60

# --- 1. The master.
since=$(now_ms)000
t0=$(now_ms)
kill_node a
assert "a's address stays after SIGKILL" has_alias a
start_node a failtime=3
assert "restarted a is active again" wait_for "status_is state a active" 10
dt=$(($(now_ms) - t0))
assert "a says it found its address at start" \
    log_has a "found $E2E_ALIAS on 'eth0' at start"
assert "a keeps its leftover" log_has a 'left over from an earlier run, keeping it'
assert "a re-ran its add script" test -n "$(script_time a add "$since")"
assert "a ran no remove script" test -z "$(script_time a remove "$since")"
assert "b ran no script" test "$(script_count b add)" -eq 0
assert "b hears the new a" wait_for "status_is peer b alive" 5
assert "b stayed in standby" status_is state b standby
assert "a is the only holder" holder_is a
assert "the client reaches a" wait_for "client_reaches a" 3
assert "no sample without a holder while a restarted" \
    test "$(fl_gap_ms "$since")" -eq 0
assert "every sample since the kill found a alone" \
    test -z "$(awk -v s="$since" '$1 >= s && (($2 == "a") != $3)' \
    "$E2E_TMP/samples")"
say "1: SIGKILL to a active again $(ms_to_s "$dt")s"

# --- 2. The slave, holding the address while the master is away.
stop_node a
assert "b takes over from the stopping master" wait_for "holder_is b" 5
since=$(now_ms)000
t0=$(now_ms)
kill_node b
assert "b's address stays after SIGKILL" has_alias b
start_node b failtime=3
assert "restarted b is active again" wait_for "status_is state b active" 10
dt=$(($(now_ms) - t0))
assert "b keeps its leftover" log_has b 'left over from an earlier run, keeping it'
assert "b ran no remove script" test -z "$(script_time b remove "$since")"
gap=$(fl_gap_ms "$since")
lost=$(sampler_first_time b 0 "$since")
say "2: no holder for ${gap} ms$([ -z "$lost" ] || echo ", b's address gone $(( (lost - since) / 1000 )) ms after the kill")"
assert "no sample without a holder while b restarted" test "$gap" -eq 0
assert "every sample since the kill found b alone" \
    test -z "$(awk -v s="$since" '$1 >= s && (($2 == "b") != $3)' \
    "$E2E_TMP/samples")"
say "2: SIGKILL to b active again $(ms_to_s "$dt")s"

since=$(now_ms)000
start_node a failtime=3
assert "a gets the address back" wait_for "holder_is a" 15
assert "order: b released before a added" \
    before "$(script_time b remove-done "$since")" "$(script_time a add "$since")"
assert_no_overlap 0
assert "the client reaches a" wait_for "client_reaches a" 3
show_status a
show_status b
