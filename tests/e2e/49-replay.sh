#!/bin/bash
# 49-replay: heartbeats captured on the switch are sent again by the
# attacker (namespace x), spoofing the original sender's address, before
# and after either node restarted.  (Replays at a node whose peer died
# are test 12.)
#
#   Neither restarted: a's heartbeats replayed at b, b's at a.  Every one
#   is older than the newest the receiver took: rej_replay grows by
#   exactly the number sent, nothing else changes.
#   The sender restarted: a stops and starts again (new boot counter);
#   its old heartbeats replayed at b are below the new boot: refused as
#   replays, exactly, while b keeps hearing the new a.
#   The receiver restarted: b starts afresh (new nonce, empty window)
#   while a is away, and a's old heartbeats arrive from its first moment
#   on, three times over.  None echoes b's new nonce, so none is fresh: b never
#   reports a alive, counts no heartbeat as received, and takes the
#   address after failtime as for a silent peer.  The first pass can
#   only be handshakes (each raises the window, changing nothing else);
#   the later passes are below the window: refused as replays.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require tcpdump python3
e2e_setup
fl_attacker_setup
A=${E2E_IP[a]}
B=${E2E_IP[b]}
cap=$E2E_TMP/heartbeats.pcap
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
fl_capture_start "$cap"
sleep 2
fl_capture_stop
grep -E 'packets? captured' "$E2E_TMP/capture.log" | sed 's/^/[tcpdump] /'

# replay_exact TO FROM_IP WHAT: replays FROM_IP's captured heartbeats at
# node TO; its rej_replay must grow by exactly the number sent.
replay_exact() {
	local to=$1 from_ip=$2 what=$3 r0 recv0 out n
	r0=$(status rej_replay "$to")
	recv0=$(status hb_received "$to")
	out=$(fl_replay x "$cap" "$from_ip" "$from_ip" "${E2E_IP[$to]}" 1 0.005)
	n=${out#* captured, }
	n=${n% sent}
	sleep 0.3
	say "$what: $out"
	assert "$what: $to refused all $n as replays" \
	    test "$(($(status rej_replay "$to") - r0))" -eq "$n"
	assert "$what: $to still takes its peer's heartbeats" \
	    test "$(status hb_received "$to")" -gt "$recv0"
	assert "$what: $to still hears its peer" status_is peer "$to" alive
}

# --- Neither restarted.
replay_exact b "$A" "a's heartbeats at b"
replay_exact a "$B" "b's heartbeats at a"
assert "a alone holds the address" holder_is a
assert "nobody ran a script" \
    test "$(script_count a add)$(script_count b add)" = 10

# --- The sender restarted.
stop_node a
assert "b takes over from the stopping master" wait_for "holder_is b" 5
start_node a
assert "a is back" wait_for "holder_is a" 15
assert "b hears the new a" wait_for "status_is peer b alive" 5
replay_exact b "$A" "a's previous life at b"
assert "a still alone holds the address" holder_is a

# --- The receiver restarted, with a away.
stop_node a
assert "b takes over" wait_for "holder_is b" 5
stop_node b
assert "nobody holds the address" holder_is none
sampler_start 20
from=$(($(fl_log_lines b) + 1))
start_node b
t0=$(now_ms)
fl_replay x "$cap" "$A" "$A" "$B" 3 0.04 >"$E2E_TMP/replay-new-b.log" 2>&1 &
replayer=$!
E2E_HELPERS+=("$replayer")
assert "the new b takes the address, a being silent" \
    wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "b took it while the replay went on" pid_alive "$replayer"
wait "$replayer" || fail "the replayer failed: $(cat "$E2E_TMP/replay-new-b.log")"
out=$(cat "$E2E_TMP/replay-new-b.log")
say "replayed at the new b: $out"
assert "the new b never took a replay as a heartbeat" \
    status_is hb_received b 0
assert "the new b never heard a" status_is peer b unknown
assert "the new b never logged a alive" \
    test "$(fl_log_count b "peer $A is alive" "$from")" -eq 0
n=${out#* captured, }
n=${n% sent}
rej=$(status rej_replay b)
assert "the passes after the first were refused as replays" \
    test "$rej" -ge $((n * 2 / 3))
assert "b took over for a silent peer" \
    log_has b 'state .* -> taking: no heartbeat from peer within failtime'
assert_no_overlap 0
show_status b
say "figures: $n replayed at the new b, $rej refused as replays, $((n - rej)) taken as handshakes (no state); b took the address $(ms_to_s "$dt")s after its start"
