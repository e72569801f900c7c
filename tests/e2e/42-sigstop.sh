#!/bin/bash
# 42-sigstop: the master's process is frozen (SIGSTOP) while it holds the
# address, then resumed (SIGCONT), with the address lease turned off
# (<addresslease>false</addresslease>): the case where nothing but the
# daemon removes the address.  With the lease, test 21 covers it.
#
# Frozen for half of failtime: nothing happens.  Frozen past failtime:
# its address stays on its interface (the kernel keeps it), b hears
# nothing and takes over, so both hold it until a runs again; that is
# unavoidable.  Resumed: a finds b's heartbeats queued on its socket,
# stays active and keeps the address without running a script; b, hearing
# the master again, releases; a announces the address again, and the
# client, which followed b's announcement, comes back to a.  Exactly one
# holder from b's release on.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require tcpdump
e2e_setup
start_pair extra='<addresslease>false</addresslease>'
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
fl_garp_start
sampler_start 40
pid_a=${E2E_PID[a]}

# Shorter than failtime: no one notices but the counters.
since=$(now_ms)000
kill -STOP "$pid_a"
sleep 0.5
kill -CONT "$pid_a"
sleep 2
assert "a short freeze changes nothing: a alone holds it" holder_is a
assert "a short freeze: b ran no script" test "$(script_count b add)" -eq 0
assert "a short freeze: b still hears a" status_is peer b alive
assert "a short freeze: no two holders" \
    test "$(sampler_overlaps "$since")" -eq 0

# Past failtime.
t0=$(now_ms)
kill -STOP "$pid_a"
assert "frozen a: b takes over" wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "frozen a: its address stays (both hold: unavoidable)" has_alias a
assert "frozen a: b reports the peer lost" status_is peer b lost
assert "frozen a: the client follows b's announcement" \
    wait_for "client_reaches b" 3
sleep 2
frozen_ms=$(($(now_ms) - t0))
resume=$(now_ms)000
t1=$(now_ms)
kill -CONT "$pid_a"
assert "resumed: a is the only holder" wait_for "holder_is a" 10
t_one=$(($(now_ms) - t1))
assert "resumed: b released" test -n "$(script_time b remove-done "$resume")"
assert "resumed: a ran no script (it kept the address)" \
    test -z "$(script_time a remove "$resume")$(script_time a add "$resume")"
assert "resumed: a is active" status_is state a active
assert "resumed: b is in standby" wait_for "status_is state b standby" 5
assert "resumed: b hears a" status_is peer b alive
assert "resumed: a announced the address again" \
    wait_for "[ \$(fl_garp_count a $resume) -ge 1 ]" 5
assert "resumed: the client's neighbour entry is a's MAC" \
    wait_for "[ \"\$(client_mac)\" = a ]" 5
assert "resumed: the client reaches a" wait_for "client_reaches a" 3
b_gone=$(sampler_first_time b 0 "$resume")
assert "the sampler saw b let go" test -n "$b_gone"
assert_no_overlap "$b_gone"
show_status a
show_status b
say "figures: failtime 1s; b took over $(ms_to_s "$dt")s after SIGSTOP; a frozen $(ms_to_s "$frozen_ms")s; one holder $(ms_to_s "$t_one")s after SIGCONT; two holders from b's add to b's release: $(( ($(script_time b remove-done "$resume") - $(script_time b add-done 0)) / 1000 )) ms"
