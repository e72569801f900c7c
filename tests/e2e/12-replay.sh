#!/bin/bash
# 12-replay: heartbeats of a, captured on the switch, are replayed at b
# after a died.  They are authentic but old: b must reject them (rej_replay
# when they come from a's own address and port, which we send from a's
# namespace once its daemon is gone; rej_sender or rej_replay when they
# come from the client's address) and must not let them hide a's death:
# b takes over after failtime while the replay is still going on.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v tcpdump >/dev/null || skip "tcpdump not installed"
command -v python3 >/dev/null || skip "python3 not installed"
e2e_setup

# The sender: reads a pcap file (Ethernet, IPv4, UDP), keeps the UDP
# payloads sent from FROM_IP to port PORT, and sends them again in order,
# round and round, to DEST:PORT from BIND_IP:PORT, one every GAP seconds,
# for at most SECONDS seconds and COUNT packets.
cat >"$E2E_TMP/replay.py" <<'PY'
import socket, struct, sys, time

pcap, from_ip, bind_ip, dest, port, gap, seconds, count = sys.argv[1:9]
port, gap, seconds, count = int(port), float(gap), float(seconds), int(count)

def payloads(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("replay: not a pcap file")
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        sys.exit("replay: link type is not Ethernet")
    off, src = 24, socket.inet_aton(from_ip)
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 42 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17 or ip[12:16] != src:
            continue
        dport = struct.unpack(">H", ip[ihl + 2:ihl + 4])[0]
        ulen = struct.unpack(">H", ip[ihl + 4:ihl + 6])[0]
        if dport == port:
            yield ip[ihl + 8:ihl + ulen]

pkts = list(payloads(pcap))
if not pkts:
    sys.exit("replay: no heartbeat in the capture")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((bind_ip, port))
deadline = time.monotonic() + seconds
sent = 0
while sent < count and time.monotonic() < deadline:
    s.sendto(pkts[sent % len(pkts)], (dest, port))
    sent += 1
    time.sleep(gap)
print("replay: %d captured, %d sent" % (len(pkts), sent))
PY

start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5

cap=$E2E_TMP/a-heartbeats.pcap
ip netns exec "${E2E_NS}sw" tcpdump -i pa -U -Z root -w "$cap" \
    "udp and src host ${E2E_IP[a]} and dst port $E2E_HBPORT" \
    2>"$E2E_TMP/tcpdump.log" &
dump=$!
E2E_HELPERS+=("$dump")
assert "tcpdump listens on a's switch port" \
    wait_for "grep -q 'listening on' '$E2E_TMP/tcpdump.log'" 5
sleep 2
kill -TERM "$dump"
wait "$dump" || true
grep -E 'packets? captured' "$E2E_TMP/tcpdump.log" | sed 's/^/[tcpdump] /'
assert "the capture holds heartbeats" test -s "$cap"

replay0=$(status rej_replay b)
sender0=$(status rej_sender b)
recv0=$(status hb_received b)
kill_node a
t0=$(now_ms)
ip netns exec "${E2E_NS}a" python3 "$E2E_TMP/replay.py" "$cap" "${E2E_IP[a]}" "${E2E_IP[a]}" \
    "${E2E_IP[b]}" "$E2E_HBPORT" 0.05 6 120 >"$E2E_TMP/replay-a.log" 2>&1 &
replayer=$!
E2E_HELPERS+=("$replayer")
assert "b takes over despite the replayed heartbeats" \
    wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "b took over while the replay was still going on" pid_alive "$replayer"
assert "b reports the peer lost" test "$(status peer b)" = lost
wait "$replayer" || fail "the replayer failed: $(cat "$E2E_TMP/replay-a.log")"
sed 's/^/[from a] /' "$E2E_TMP/replay-a.log"
replay1=$(status rej_replay b)
recv1=$(status hb_received b)
assert "b counted the replays from a's address (rej_replay)" \
    test "$replay1" -gt "$replay0"
assert "b stays active" test "$(status state b)" = active

# The same packets from the client's address.
nsx c python3 "$E2E_TMP/replay.py" "$cap" "${E2E_IP[a]}" "${E2E_IP[c]}" \
    "${E2E_IP[b]}" "$E2E_HBPORT" 0.02 3 20 >"$E2E_TMP/replay-c.log" 2>&1 ||
    fail "the replayer failed: $(cat "$E2E_TMP/replay-c.log")"
sed 's/^/[from c] /' "$E2E_TMP/replay-c.log"
sleep 0.3
replay2=$(status rej_replay b)
sender2=$(status rej_sender b)
assert "b rejected the replays from the client's address" \
    test $((replay2 + sender2)) -gt $((replay1 + sender0))
assert "b still reports the peer lost" test "$(status peer b)" = lost
assert "b still active" test "$(status state b)" = active
show_status b
say "figures: takeover during the replay $(ms_to_s "$dt")s; rej_replay $replay0 -> $replay1 -> $replay2, rej_sender $sender0 -> $sender2, hb_received $recv0 -> $recv1"
