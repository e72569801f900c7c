#!/bin/bash
# 48-forged: an attacker on the same bridge (namespace x, 198.18.0.66)
# sends forged heartbeats to the slave b, whose takeover is what a forger
# would want.  (A peer with the wrong key is test 08.)
#
#   From its own address: every kind (wrong key, truncated, oversized,
#   bad magic, bad version, every field at its extremes) is refused
#   as rej_sender, the first check, one count per packet.
#   Spoofing a's address: each kind lands on its own counter, exactly:
#   length (truncated, oversized), version (magic, version), mac (wrong
#   key, extremes).  Two kinds signed with the real key test the checks
#   after the MAC: boot and sequence 0 are a replay; boot and sequence
#   at their maximum with a wrong receiver address are rej_sender, and
#   must not raise the replay window (a's heartbeats still count).
#   A flood: 30 s of the mix, spoofing a, as fast as the forger can, at
#   b.  No false failover (a alone holds at every sample, b stays in
#   standby and never loses a), the reject warnings rate-limited (one per
#   10 s), b's control socket answering, b's CPU measured and printed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

e2e_setup
fl_build_forger
fl_attacker_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
fl_watch_start b
A=${E2E_IP[a]}
B=${E2E_IP[b]}
X=$FL_ATTACKER_IP

# rejects NODE: "length version mac replay sender" counters.
rejects() {
	local k out=""
	for k in length version mac replay sender; do
		out+="$(status "rej_$k" "$1") "
	done
	echo "$out"
}

# burst SRC KIND COUNTER [KEYFILE]: 200 packets of KIND from SRC at b
# add exactly 200 to rej_COUNTER and nothing to the other counters.
burst() {
	local srcip=$1 kind=$2 counter=$3 r0 r1 i k delta want
	local names=(length version mac replay sender)
	shift 3
	read -ra r0 <<<"$(rejects b)"
	fl_forge x "$B" "$srcip" "$kind" 200 10 "$@" >/dev/null
	sleep 0.3
	read -ra r1 <<<"$(rejects b)"
	for i in 0 1 2 3 4; do
		k=${names[$i]}
		delta=$((r1[i] - r0[i]))
		want=0
		[ "$k" != "$counter" ] || want=200
		[ "$delta" -eq "$want" ] ||
		    fail "$kind from $srcip: rej_$k grew by $delta, expected $want"
	done
	say "ok: 200 $kind from $srcip: rej_$counter +200, the others +0"
}

# --- From the attacker's own address.
for kind in wrongkey truncated oversized badmagic badversion extremes; do
	burst "$X" "$kind" sender
done

# --- Spoofing a.
burst "$A" wrongkey mac
burst "$A" truncated length
burst "$A" oversized length
burst "$A" badmagic version
burst "$A" badversion version
burst "$A" extremes mac
burst "$A" keyed-old replay "$E2E_TMP/key"
burst "$A" keyed-addr sender "$E2E_TMP/key"
recv=$(status hb_received b)
sleep 1
assert "b still takes a's heartbeats (replay window untouched)" \
    test "$(status hb_received b)" -gt "$recv"
assert "b still hears a, in standby" \
    eval 'status_is peer b alive && status_is state b standby'
assert "b logs the refusals with the sender's address" \
    log_has b "heartbeat from $X rejected \(sender\)"

# --- The flood.
sleep 10	# a fresh rate-limit period for the count below
from=$(($(fl_log_lines b) + 1))
auth0=$(fl_events b auth)
read -ra r0 <<<"$(rejects b)"
recv0=$(status hb_received b)
pid_b=${E2E_PID[b]}
c0=$(fl_cpu_ticks "$pid_b")
m0=$(now_ms)
sampler_start 45
since=$(now_ms)000
ip netns exec "${E2E_NS}x" "$E2E_TMP/forge" "$B" "$A" mix 0 30 \
    >"$E2E_TMP/flood.log" 2>&1 &
flood=$!
E2E_HELPERS+=("$flood")
worst_ctl=0
for ((i = 0; i < 30; i++)); do
	sleep 0.8
	t=$(now_ms)
	st=$(status state b)
	t=$(($(now_ms) - t))
	[ "$t" -le "$worst_ctl" ] || worst_ctl=$t
	[ "$st" = standby ] || fail "flood: b is '$st' after ${i}s"
	holder_is a || fail "flood: holder '$(holder)' after ${i}s"
	pid_alive "$flood" || break
done
wait "$flood" || fail "the forger failed: $(cat "$E2E_TMP/flood.log")"
c1=$(fl_cpu_ticks "$pid_b")
m1=$(now_ms)
cat "$E2E_TMP/flood.log"
read -ra r1 <<<"$(rejects b)"
rejected=0
for i in 0 1 2 3 4; do
	rejected=$((rejected + r1[i] - r0[i]))
done
warned=$(fl_log_count b 'heartbeat from .* rejected' "$from")
auth=$(($(fl_events b auth) - auth0))
cpu=$(fl_cpu_pct "$c0" "$m0" "$c1" "$m1")
sleep 1
assert_no_overlap "$since"
assert "flood: no sample without a holder" test "$(fl_gap_ms "$since")" -eq 0
assert "flood: b ran no script" test "$(script_count b add)" -eq 0
assert "flood: b never lost a" \
    test "$(fl_log_count b 'peer .* lost' "$from")" -eq 0
assert "flood: b took a's heartbeats throughout" \
    test "$(status hb_received b)" -ge $((recv0 + 100))
assert "flood: b counted the rejects" test "$rejected" -gt 1000
sent=$(sed -n 's/.*: \([0-9]*\) packets in.*/\1/p' "$E2E_TMP/flood.log")
show_status b
say "figures: ${sent:-?} forged packets in 30s; b counted $rejected rejects (the kernel dropped the rest at the socket), took $(( $(status hb_received b) - recv0 )) of a's heartbeats, logged $warned reject warnings and sent $auth auth events; b's CPU ${cpu}% of one core; slowest status during the flood ${worst_ctl} ms"
assert "flood: reject warnings rate-limited (<= 4 in 30 s)" \
    test "$warned" -le 4
assert "flood: auth events rate-limited (<= 4 in 30 s)" test "$auth" -le 4
