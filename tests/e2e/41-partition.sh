#!/bin/bash
# 41-partition: the two nodes stop hearing each other while the client
# still sees both, first one way, then both ways.
#
# One-way loss (b no longer hears a; a still hears b): b sees a silent
# for failtime and takes the address, so both hold it; nothing b can
# receive would tell it otherwise.  a hears b claim it and, as master,
# keeps it and reports the conflict (log WARNING, "conflict" event).
# Full partition (the switch drops every frame between a and b): both
# see the peer lost, b takes over, both hold it.  In both cases the
# client follows the last gratuitous ARP, b's.
#
# Healing: as soon as b hears a again it releases; a, seeing b's HOLDS
# drop, announces the address again, so the client (whose neighbour entry
# pointed at b) comes back to a.  Exactly one holder from b's release on,
# checked by the sampler.  The conflict is reported, but not on every turn
# of the event loop: at most one warning per 10 s, like the rejects.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require nft tcpdump
e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
fl_watch_start a
fl_watch_start b
fl_garp_start
sampler_start 80

# heal_and_check PHASE SINCE_US: after the fault is lifted, one holder,
# a, announced again, and the client back at a.
heal_and_check() {
	local phase=$1 heal=$2 b_gone
	assert "$phase: a is the only holder again" wait_for "holder_is a" 10
	assert "$phase: b ran its remove script" \
	    test -n "$(script_time b remove-done "$heal")"
	assert "$phase: b is in standby" wait_for "status_is state b standby" 5
	assert "$phase: a is active" status_is state a active
	assert "$phase: a announced the address after b let go" \
	    wait_for "[ \$(fl_garp_count a $heal) -ge 1 ]" 5
	assert "$phase: the client's neighbour entry is a's MAC again" \
	    wait_for "[ \"\$(client_mac)\" = a ]" 5
	assert "$phase: the client reaches a" wait_for "client_reaches a" 3
	b_gone=$(sampler_first_time b 0 "$heal")
	assert "$phase: the sampler saw b let go" test -n "$b_gone"
	assert "$phase: no sample shows two holders after b let go" \
	    test "$(sampler_overlaps "$b_gone")" -eq 0
	say "$phase: a sent $(fl_garp_count a "$heal") gratuitous ARP packets after the heal"
}

# --- One-way loss: b stops hearing a.
lines=$(fl_log_lines a)
t0=$(now_ms)
fl_loss b 100
assert "one-way: b takes the address (a silent to it)" \
    wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "one-way: b reports the peer lost" status_is peer b lost
assert "one-way: a keeps the address (both hold: unavoidable)" has_alias a
assert "one-way: a still hears b" status_is peer a alive
assert "one-way: a sees b holding it" status_is peer_holds a yes
assert "one-way: the client follows b's announcement" \
    wait_for "client_reaches b" 3
sleep 5
assert "one-way: still both, a stays master" holder_is "a b"
assert "one-way: a stays active" status_is state a active
conflicts=$(fl_log_count a 'both nodes claim' "$((lines + 1))")
events=$(fl_events a conflict)
read -r seen dropped <<<"$(fl_loss_counts b)"
say "one-way: b took over $(ms_to_s "$dt")s after the loss began; b dropped $dropped of $seen heartbeats of a; a logged $conflicts conflict warnings and sent $events conflict events in ~$(ms_to_s $(($(now_ms) - t0)))s"
assert "one-way: a logs the conflict" test "$conflicts" -ge 1
assert "one-way: a sends a conflict event" test "$events" -ge 1
grep -m1 'both nodes claim' "$E2E_TMP/a/daemon.log" | sed 's/^/[a] /'
heal=$(now_ms)000
fl_loss b 0
heal_and_check one-way "$heal"

# --- Full partition between a and b; the client sees both.
sleep 1
ev_a=$(fl_events a peer)
t0=$(now_ms)
fl_partition on
assert "partition: b takes the address" wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "partition: a keeps it (both hold: unavoidable)" has_alias a
assert "partition: a reports the peer lost" \
    wait_for "status_is peer a lost" 3
assert "partition: b reports the peer lost" status_is peer b lost
assert "partition: a sent a 'peer lost' event" \
    test "$(fl_events a peer)" -gt "$ev_a"
assert "partition: the client follows b's announcement" \
    wait_for "client_reaches b" 3
sleep 2
assert "partition: still both" holder_is "a b"
say "partition: b took over $(ms_to_s "$dt")s after the cut"
heal=$(now_ms)000
fl_partition off
heal_and_check partition "$heal"
assert "partition: b reports the peer alive" status_is peer b alive
sampler_stop
say "sampler: $(sampler_summary)"
show_status a
show_status b
# Last, so that a failure here does not hide the outcomes above.
assert "one-way: the conflict warning is rate-limited (<= 3 in ~6 s)" \
    test "$conflicts" -le 3
