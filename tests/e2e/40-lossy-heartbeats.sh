#!/bin/bash
# 40-lossy-heartbeats: heartbeats lost and delayed, below what failtime
# tolerates, in both directions: no failover and no flap.
#
# failtime 2 s with a heartbeat every 0.2 s: a node takes its peer for
# dead only after ten heartbeats in a row are gone.  With 20 % loss that
# happens with odds of 0.2^10 (1e-7) per heartbeat, so a takeover here is
# a bug, not bad luck.  Three phases on the running pair:
#
#   loss    each node drops 20 % of its peer's heartbeats (nftables)
#   delay   each node's incoming heartbeats are held 50 ms +- 50 ms
#           (uniform; NFQUEUE and a delayer of ours, since this kernel
#           has no netem), which also reorders some of them
#   both    20 % loss and 50 ms +- 50 ms together
#
# Throughout: a alone holds the address at every sample, neither node
# changes state or runs a script, neither ever reports its peer lost.
# Reordered heartbeats are older than one already taken; the node
# refuses them as replays (rej_replay), which is printed, not asserted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require nft iptables python3
e2e_setup
start_pair failtime=2 interval=0.2
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "a hears b" wait_for "status_is peer a alive" 5
sleep 0.5
lines_a=$(fl_log_lines a)
lines_b=$(fl_log_lines b)
recv_a0=$(status hb_received a)
recv_b0=$(status hb_received b)
sampler_start 90
since=$(now_ms)000

# watch_phase NAME SECONDS: both nodes keep their roles for SECONDS.
watch_phase() {
	local name=$1 s=$2 i
	for ((i = 0; i < s; i++)); do
		sleep 1
		holder_is a || fail "$name: holder is '$(holder)' after ${i}s"
		status_is peer b alive || fail "$name: b lost a after ${i}s"
		status_is peer a alive || fail "$name: a lost b after ${i}s"
	done
	say "ok: $name: for ${s}s a alone held it, each heard its peer"
}

# E2E_SHORT (the sanitized pass): shorter phases, the same checks.
phase_s=(25 20 20)
[ "${E2E_SHORT:-0}" = 1 ] && phase_s=(10 8 8)
fl_loss a 20
fl_loss b 20
watch_phase "20% loss" "${phase_s[0]}"
read -r seen_a drop_a <<<"$(fl_loss_counts a)"
read -r seen_b drop_b <<<"$(fl_loss_counts b)"
say "loss: a dropped $drop_a of $seen_a heartbeats of b, b dropped $drop_b of $seen_b of a"
assert "the loss rules dropped heartbeats (a)" test "$drop_a" -gt 0
assert "the loss rules dropped heartbeats (b)" test "$drop_b" -gt 0
fl_loss a 0
fl_loss b 0

replay0=$(( $(status rej_replay a) + $(status rej_replay b) ))
fl_delay a 50 50 60
fl_delay b 50 50 60
watch_phase "50 ms +- 50 ms delay" "${phase_s[1]}"
fl_loss a 20
fl_loss b 20
watch_phase "delay and 20% loss" "${phase_s[2]}"
read -r seen_a drop_a <<<"$(fl_loss_counts a)"
read -r seen_b drop_b <<<"$(fl_loss_counts b)"
fl_loss a 0
fl_loss b 0
fl_delay_stop a
fl_delay_stop b
assert "each delayer held heartbeats" \
    grep -q ' [1-9][0-9]* packets delayed' "$E2E_TMP/delay-a.log"
assert "each delayer held heartbeats (b)" \
    grep -q ' [1-9][0-9]* packets delayed' "$E2E_TMP/delay-b.log"
say "delay and loss: a dropped $drop_a of $seen_a, b dropped $drop_b of $seen_b"
sleep 2
assert_no_overlap "$since"
assert "the sampler saw a alone all along" \
    eval 'sampler_summary | grep -q "over time: a\$"'
assert "no sample without a holder" test "$(fl_gap_ms "$since")" -eq 0
assert "b logged no state change" \
    test "$(fl_log_count b 'state .* -> ' "$((lines_b + 1))")" -eq 0
assert "a logged no state change" \
    test "$(fl_log_count a 'state .* -> ' "$((lines_a + 1))")" -eq 0
assert "neither reported its peer lost" \
    test "$(( $(fl_log_count a 'peer .* lost' "$((lines_a + 1))") + \
    $(fl_log_count b 'peer .* lost' "$((lines_b + 1))") ))" -eq 0
assert "b ran no script" test "$(script_count b add)" -eq 0
assert "a ran its add script once (at start)" test "$(script_count a add)" -eq 1
replay1=$(( $(status rej_replay a) + $(status rej_replay b) ))
show_status a
show_status b
say "figures: heartbeats taken a $recv_a0 -> $(status hb_received a), b $recv_b0 -> $(status hb_received b); reordered ones refused as replays: $((replay1 - replay0))"
