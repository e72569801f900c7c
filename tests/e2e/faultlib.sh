#!/bin/bash
# Fault injection for the end-to-end tests 40-49 and tests/soak.sh,
# sourced after lib.sh.  Everything here acts only on the test's own
# namespaces (${E2E_NS}*) and on processes the test started, by PID.
#
#   ${E2E_NS}x   the attacker: eth0 198.18.0.66/24 on the same bridge
#
# Network faults:
#   loss      nftables in a node's namespace drops a share of the
#             heartbeats it receives from its peer (numgen random)
#   partition nftables (bridge family) on the switch drops every frame
#             between the ports of a and b, while c still sees both
#   delay     iptables sends a node's incoming heartbeats to an NFQUEUE;
#             nfq_delay.py (below) holds each one for a random time and
#             then accepts it (the kernel here has no sch_netem)
#
# Measurements: CPU time and resident memory of a PID from /proc, its
# open descriptors, gratuitous ARP seen by the client (tcpdump in c),
# events from "failoverctl watch", and the sampler's longest stretch with
# no holder.

FL_ATTACKER_IP=198.18.0.66
FL_HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
declare -A FL_DELAY_PID=()	# node -> nfq_delay.py PID

# fl_require TOOL...: skips the test when one is missing.
fl_require() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "'$t' not installed"
	done
}

# ---------------------------------------------------------------------
# The attacker's namespace

fl_attacker_setup() {
	E2E_IP["x"]=$FL_ATTACKER_IP
	net_add_ns x
	net_attach x
	say "attacker namespace ${E2E_NS}x at $FL_ATTACKER_IP on the bridge"
}

# ---------------------------------------------------------------------
# Loss, partition, delay

# fl_loss NODE PERCENT: NODE drops PERCENT % of the heartbeats that come
# from its peer (0: the rule goes).  The rule counts what it dropped.
fl_loss() {
	local node=$1 pct=$2 peer=b chance=
	[ "$node" = b ] && peer=a
	[ "$pct" -ge 100 ] || chance="numgen random mod 100 < $pct"
	ip netns exec "${E2E_NS}$node" nft delete table inet ipfault \
	    2>/dev/null || true
	[ "$pct" -gt 0 ] || return 0
	ip netns exec "${E2E_NS}$node" nft -f - <<EOF
table inet ipfault {
	chain input {
		type filter hook input priority -10; policy accept;
		ip saddr ${E2E_IP[$peer]} udp dport $E2E_HBPORT counter
		ip saddr ${E2E_IP[$peer]} udp dport $E2E_HBPORT $chance counter drop
	}
}
EOF
}

# fl_loss_counts NODE: "seen dropped" packets counted by NODE's rules.
fl_loss_counts() {
	ip netns exec "${E2E_NS}$1" nft list table inet ipfault 2>/dev/null |
	    awk '/counter packets/ {
		for (i = 1; i < NF; i++) if ($i == "packets") v[n++] = $(i + 1)
	    } END { printf "%d %d\n", v[0], v[1] }'
}

# fl_partition on|off: the switch drops every frame between a and b.
fl_partition() {
	ip netns exec "${E2E_NS}sw" nft delete table bridge ipfault \
	    2>/dev/null || true
	[ "$1" = on ] || return 0
	ip netns exec "${E2E_NS}sw" nft -f - <<EOF
table bridge ipfault {
	chain forward {
		type filter hook forward priority -10; policy accept;
		iifname "pa" oifname "pb" counter drop
		iifname "pb" oifname "pa" counter drop
	}
}
EOF
}

# The delayer: binds NFQUEUE QUEUE through nfnetlink (no library), holds
# each packet BASE_MS plus or minus up to JITTER_MS (uniform), then
# accepts it, for at most SECONDS.  Verdicts go out in the order their
# times come due, so jitter also reorders.  At the end it accepts what
# it still holds and prints how many packets it delayed and by how much
# (measured, from receipt to verdict).
fl_write_delayer() {
	cat >"$E2E_TMP/nfq_delay.py" <<'PY'
import heapq, random, select, signal, socket, struct, sys, time

SUBSYS_QUEUE = 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG = 0, 1, 2
NLMSG_ERROR = 2
CMD_BIND, CMD_PF_BIND, CMD_PF_UNBIND = 1, 3, 4
ATTR_CMD, ATTR_PARAMS, ATTR_VERDICT_HDR, ATTR_PACKET_HDR = 1, 2, 2, 1
COPY_META, NF_ACCEPT = 1, 1

qnum = int(sys.argv[1])
base_ms, jitter_ms, seconds = map(float, sys.argv[2:5])
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
sock.bind((0, 0))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
seq = 0

def attr(kind, data):
    n = 4 + len(data)
    return struct.pack("=HH", n, kind) + data + b"\0" * (-n % 4)

def send(mtype, family, res_id, payload):
    global seq
    seq += 1
    body = struct.pack("=BBH", family, 0, socket.htons(res_id)) + payload
    sock.send(struct.pack("=IHHII", 16 + len(body),
                          SUBSYS_QUEUE << 8 | mtype, 1, seq, 0) + body)

def command(cmd, res_id):
    send(MSG_CONFIG, 0, res_id, attr(ATTR_CMD,
         struct.pack("!BxH", cmd, socket.AF_INET)))

command(CMD_PF_UNBIND, 0)
command(CMD_PF_BIND, 0)
command(CMD_BIND, qnum)
send(MSG_CONFIG, socket.AF_INET, qnum,
     attr(ATTR_PARAMS, struct.pack("!IB", 0, COPY_META)))

held, done = [], []
stop = [False]
signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
end = time.monotonic() + seconds

def release(now):
    while held and held[0][0] <= now:
        _, pid, t_in = heapq.heappop(held)
        send(MSG_VERDICT, socket.AF_INET, qnum, attr(ATTR_VERDICT_HDR,
             struct.pack("!II", NF_ACCEPT, pid)))
        done.append((time.monotonic() - t_in) * 1000)

def packets(data):
    off = 0
    while off + 16 <= len(data):
        ln, mtype = struct.unpack_from("=IH", data, off)
        if ln < 16:
            return
        if mtype == NLMSG_ERROR:
            err = struct.unpack_from("=i", data, off + 16)[0]
            if err:
                print("nfq-delay: netlink error %d" % err, file=sys.stderr)
        elif mtype == SUBSYS_QUEUE << 8 | MSG_PACKET:
            a = off + 20
            while a + 8 <= off + ln:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    break
                if atype & 0x7fff == ATTR_PACKET_HDR:
                    yield struct.unpack_from("!I", data, a + 4)[0]
                a += (alen + 3) & ~3
        off += (ln + 3) & ~3

while not stop[0] and time.monotonic() < end:
    release(time.monotonic())
    wait = 0.2 if not held else max(0.0, held[0][0] - time.monotonic())
    try:
        ready = select.select([sock], [], [], wait)[0]
    except InterruptedError:
        continue
    if not ready:
        continue
    for pid in packets(sock.recv(65536)):
        now = time.monotonic()
        d = max(0.0, base_ms + random.uniform(-jitter_ms, jitter_ms))
        heapq.heappush(held, (now + d / 1000, pid, now))
release(float("inf"))
n = len(done)
print("nfq-delay: %d packets delayed, mean %.1f ms, min %.1f ms, "
      "max %.1f ms" % (n, sum(done) / n if n else 0,
                       min(done) if n else 0, max(done) if n else 0))
PY
}

# fl_delay NODE BASE_MS JITTER_MS SECONDS: NODE's incoming heartbeats
# are delayed.  Without a running delayer they are dropped (no bypass),
# so a dead delayer shows as loss instead of silently as no delay.
fl_delay() {
	local node=$1 q=$((RANDOM % 1000 + 10))
	[ -s "$E2E_TMP/nfq_delay.py" ] || fl_write_delayer
	ip netns exec "${E2E_NS}$node" python3 "$E2E_TMP/nfq_delay.py" \
	    "$q" "$2" "$3" "$4" >"$E2E_TMP/delay-$node.log" 2>&1 &
	FL_DELAY_PID[$node]=$!
	E2E_HELPERS+=("$!")
	sleep 0.3
	pid_alive "${FL_DELAY_PID[$node]}" ||
	    fail "the delayer on $node died: $(cat "$E2E_TMP/delay-$node.log")"
	ip netns exec "${E2E_NS}$node" iptables -I INPUT -p udp \
	    --dport "$E2E_HBPORT" -j NFQUEUE --queue-num "$q"
}

# fl_delay_stop NODE: the rule goes first, then the delayer lets go of
# what it holds and reports; its report is printed.
fl_delay_stop() {
	local node=$1 pid=${FL_DELAY_PID[$1]:-}
	ip netns exec "${E2E_NS}$node" iptables -F INPUT
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "FL_DELAY_PID[$node]"
	sed "s/^/[$node] /" "$E2E_TMP/delay-$node.log"
}

# ---------------------------------------------------------------------
# Processes

# CPU time (user + system) of PID in clock ticks.
fl_cpu_ticks() {
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# fl_cpu_pct TICKS0 MS0 TICKS1 MS1: CPU use between two readings, in
# percent of one core, one decimal.
fl_cpu_pct() {
	awk -v t0="$1" -v m0="$2" -v t1="$3" -v m1="$4" -v hz="$FL_HZ" \
	    'BEGIN { printf "%.1f", (t1 - t0) * 100000 / hz / (m1 - m0) }'
}

# Resident memory of PID in KiB.
fl_rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# Open descriptors of PID.
fl_fd_count() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# ---------------------------------------------------------------------
# What the client and the operator see

# fl_garp_start: tcpdump in the client's namespace records every ARP
# packet whose sender address is the floating address, with its
# Ethernet source, one line each (epoch seconds first).
fl_garp_start() {
	local hex octets
	IFS=. read -ra octets <<<"$E2E_ALIAS"
	hex=$(printf '%02x' "${octets[@]}")
	: >"$E2E_TMP/garp.txt"
	ip netns exec "${E2E_NS}c" tcpdump -i eth0 -l -n -e -tt -Z root \
	    "arp and arp[14:4] = 0x$hex" >"$E2E_TMP/garp.txt" \
	    2>"$E2E_TMP/garp.err" &
	E2E_HELPERS+=("$!")
	wait_for "grep -q 'listening on' '$E2E_TMP/garp.err'" 5 ||
	    fail "tcpdump does not listen in ${E2E_NS}c"
}

# fl_garp_count NODE SINCE_US: gratuitous ARP packets from NODE's MAC
# seen by the client after SINCE_US.
fl_garp_count() {
	local mac
	mac=$(node_mac "$1")
	awk -v mac="$mac" -v since="$2" '
	{ t = $1; sub(/\./, "", t) }
	t + 0 >= since + 0 && $2 == mac { n++ }
	END { print n + 0 }' "$E2E_TMP/garp.txt"
}

# fl_watch_start NODE: records NODE's events ("failoverctl watch") in
# NODE/events.log until the daemon goes away.
fl_watch_start() {
	local node=$1
	"$FAILOVERCTL" -s "$E2E_TMP/$node/ctl.sock" watch \
	    >>"$E2E_TMP/$node/events.log" 2>&1 &
	E2E_HELPERS+=("$!")
	wait_for "grep -q 'watching' '$E2E_TMP/$node/events.log'" 5 ||
	    fail "failoverctl watch on $node did not start"
}

# fl_events NODE NAME: how many events NAME NODE sent to its watcher.
fl_events() {
	grep -c "^event $2 " "$E2E_TMP/$1/events.log" 2>/dev/null || true
}

# fl_log_count NODE ERE [FROM_LINE]: log lines of NODE matching ERE.
fl_log_count() {
	tail -n "+${3:-1}" "$E2E_TMP/$1/daemon.log" | grep -Eci -- "$2" ||
	    true
}

fl_log_lines() {
	wc -l <"$E2E_TMP/$1/daemon.log"
}

# ---------------------------------------------------------------------
# The sampler, further

# fl_gap_ms [SINCE_US]: the longest stretch, in ms, in which every read
# of both nodes found no address (from the last read that saw a holder
# to the next one).
fl_gap_ms() {
	awk -v since="${1:-0}" '
	$1 < since { next }
	{
		v[$2] = $3
		if (v["a"] || v["b"]) {
			if (gap_from && $1 - gap_from > worst)
				worst = $1 - gap_from
			gap_from = 0
			seen = $1
		} else if (!gap_from && seen) {
			gap_from = seen
		}
	}
	END { printf "%d\n", worst / 1000 }' "$E2E_TMP/samples"
}

# ---------------------------------------------------------------------
# Starting both daemons at one instant

# fl_spawn_at_barrier NODE FIFO [key=value...]: writes NODE's
# configuration and starts failoverd in NODE's namespace behind FIFO:
# it blocks opening the FIFO for reading until fl_barrier_open lets every
# waiter go at once.  The PID recorded is failoverd's own (ip netns exec
# and bash exec into it).
fl_spawn_at_barrier() {
	local node=$1 fifo=$2 dir=$E2E_TMP/$1
	shift 2
	node_running "$node" && fail "fl_spawn_at_barrier $node: running"
	write_config "$node" "$@"
	rm -f "$dir/ctl.sock"
	echo "### $(date '+%T.%N') start failoverd (barrier)" \
	    >>"$dir/daemon.log"
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "${E2E_NS}$node" bash -c \
	    'exec 3<"$1" && exec 3<&- && shift && exec "$@"' fl_barrier \
	    "$fifo" "$FAILOVERD" -d -f "$dir/failover.xml" -S "$E2E_SCHEMA" \
	    </dev/null >>"$dir/daemon.log" 2>&1 &
	E2E_PID["$node"]=$!
}

# fl_barrier_open FIFO NODE...: once every NODE's process waits in the
# FIFO's open (bounded), opens it for writing, which lets them all go.
fl_barrier_open() {
	local fifo=$1 node fd
	shift
	for node in "$@"; do
		wait_for "grep -qs wait_for_partner /proc/${E2E_PID[$node]}/wchan" 5 ||
		    fail "failoverd on $node never reached the start barrier"
	done
	exec {fd}>"$fifo"
	exec {fd}>&-
}
