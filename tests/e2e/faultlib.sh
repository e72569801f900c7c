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
FL_CAPTURE_PID=
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

# ---------------------------------------------------------------------
# Forged heartbeats
#
# fl_build_forger: compiles $E2E_TMP/forge from the source below (needs
# gcc and OpenSSL's headers; skips the test without them).
#
#   forge DEST SRC KIND COUNT SECONDS [KEYFILE]
#
# sends up to COUNT packets (0: no limit) for at most SECONDS from
# SRC:port to DEST:port (the heartbeat port) through a raw socket, so SRC
# may be any address: our own, or the peer's (spoofed).  As fast as it
# can (batches of 64 through sendmmsg) unless COUNT is small, then one
# per millisecond so that none is lost on the way.  KIND:
#
#   wrongkey   a well-formed heartbeat signed with a random key
#   truncated  0 to 87 bytes of one
#   oversized  89 to 1388 bytes
#   badmagic   88 bytes, magic not "IPFO"
#   badversion 88 bytes, version 2 to 255
#   extremes   88 bytes, every field at 0 or at its maximum in turn,
#              signed with a random key
#   mix        the six above in turn
#   keyed-old  signed with KEYFILE's key, right addresses, boot and
#              sequence 0, state, flags and failtime at their maximum
#   keyed-addr signed with KEYFILE's key, boot and sequence at their
#              maximum, but the receiver address wrong
#
# Prints what it sent and the rate.
fl_build_forger() {
	fl_require gcc
	[ -x "$E2E_TMP/forge" ] && return 0
	cat >"$E2E_TMP/forge.c" <<'C'
#define _GNU_SOURCE		/* sendmmsg */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define PORT	8283
#define HB	88
#define BATCH	64

static unsigned char key[256], badkey[32];
static size_t keylen;
static struct in_addr dst, src, alias;
static uint64_t counter;

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static void
sign(unsigned char *p, const unsigned char *k, size_t klen)
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), k, (int)klen, p, 56, p + 56, &n);
}

/* A well-formed body: IPFO, version 1, from SRC to DST for ALIAS. */
static void
body(unsigned char *p)
{
	memset(p, 0, HB);
	memcpy(p, "IPFO", 4);
	p[4] = 1;
	p[5] = 1;
	p[6] = 0x04;
	memcpy(p + 8, &src.s_addr, 4);
	memcpy(p + 12, &dst.s_addr, 4);
	memcpy(p + 16, &alias.s_addr, 4);
	put32(p + 20, 1000);
	put64(p + 24, 1u << 31);
	put64(p + 32, counter);
	put64(p + 40, counter * 2654435761u);
	put64(p + 48, counter ^ 0x5a5a5a5a);
}

static void
extremes(unsigned char *p)
{
	int hi = counter & 1, i;

	memcpy(p, "IPFO", 4);
	p[4] = 1;
	for (i = 5; i < 56; i++)
		p[i] = hi ? 0xff : 0x00;
	if (counter & 2) {	/* the addresses right, the rest extreme */
		memcpy(p + 8, &src.s_addr, 4);
		memcpy(p + 12, &dst.s_addr, 4);
		memcpy(p + 16, &alias.s_addr, 4);
	}
	sign(p, badkey, sizeof(badkey));
}

/* Fills P with one packet of KIND; returns its length. */
static size_t
forge(const char *kind, unsigned char *p)
{
	static const char *mix[] = { "wrongkey", "truncated", "oversized",
	    "badmagic", "badversion", "extremes" };
	size_t len = HB;

	counter++;
	if (strcmp(kind, "mix") == 0)
		kind = mix[counter % 6];
	body(p);
	if (strcmp(kind, "wrongkey") == 0) {
		sign(p, badkey, sizeof(badkey));
	} else if (strcmp(kind, "truncated") == 0) {
		sign(p, badkey, sizeof(badkey));
		len = counter % HB;
	} else if (strcmp(kind, "oversized") == 0) {
		memset(p + HB, 0xa5, 1400 - HB);
		sign(p, badkey, sizeof(badkey));
		len = HB + 1 + counter % 1300;
	} else if (strcmp(kind, "badmagic") == 0) {
		memcpy(p, "XPFO", 4);
		sign(p, badkey, sizeof(badkey));
	} else if (strcmp(kind, "badversion") == 0) {
		p[4] = 2 + counter % 254;
		sign(p, badkey, sizeof(badkey));
	} else if (strcmp(kind, "extremes") == 0) {
		extremes(p);
	} else if (strcmp(kind, "keyed-old") == 0) {
		p[5] = 0xff;
		p[6] = 0xff;
		p[7] = 0xff;
		put32(p + 20, 0xffffffffu);
		put64(p + 24, 0);
		put64(p + 32, 0);
		sign(p, key, keylen);
	} else if (strcmp(kind, "keyed-addr") == 0) {
		put64(p + 24, UINT64_MAX);
		put64(p + 32, UINT64_MAX);
		memset(p + 12, 0xff, 4);
		sign(p, key, keylen);
	} else {
		fprintf(stderr, "forge: unknown kind '%s'\n", kind);
		exit(2);
	}
	return len;
}

static size_t
frame(const char *kind, unsigned char *buf)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct udphdr *udp = (struct udphdr *)(buf + sizeof(*ip));
	size_t n = forge(kind, buf + sizeof(*ip) + sizeof(*udp));

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + n);
	udp->source = htons(PORT);
	udp->dest = htons(PORT);
	udp->len = htons(sizeof(*udp) + n);
	udp->check = 0;
	return sizeof(*ip) + sizeof(*udp) + n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
load_key(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	keylen = fread(key, 1, sizeof(key), f);
	fclose(f);
	while (keylen > 0 && (key[keylen - 1] == '\n' ||
	    key[keylen - 1] == ' ' || key[keylen - 1] == '\t' ||
	    key[keylen - 1] == '\r'))
		keylen--;
}

int
main(int argc, char **argv)
{
	static unsigned char bufs[BATCH][1500];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to;
	unsigned long long count, sent = 0, errors = 0;
	double seconds, t0, t;
	int fd, i, n;

	if (argc < 6) {
		fprintf(stderr, "usage: forge DEST SRC KIND COUNT SECONDS "
		    "[KEYFILE]\n");
		return 2;
	}
	inet_pton(AF_INET, argv[1], &dst);
	inet_pton(AF_INET, argv[2], &src);
	inet_pton(AF_INET, "198.18.0.100", &alias);
	count = strtoull(argv[4], NULL, 10);
	seconds = atof(argv[5]);
	if (argc > 6)
		load_key(argv[6]);
	RAND_bytes(badkey, sizeof(badkey));
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1) {
		perror("socket");
		return 1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = dst;
	t0 = now();
	while ((count == 0 || sent < count) && (t = now()) - t0 < seconds) {
		int batch = count != 0 && count <= 10000 ? 1 : BATCH;

		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < batch; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = frame(argv[3], bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &to;
			msgs[i].msg_hdr.msg_namelen = sizeof(to);
		}
		n = sendmmsg(fd, msgs, batch, 0);
		if (n > 0)
			sent += n;
		else
			errors++;
		if (batch == 1)
			usleep(1000);
	}
	t = now() - t0;
	printf("forge %s from %s: %llu packets in %.1f s, %.0f per second, "
	    "%llu send errors\n", argv[3], argv[2], sent, t,
	    t > 0 ? sent / t : 0, errors);
	return 0;
}
C
	gcc -O2 -Wall -o "$E2E_TMP/forge" "$E2E_TMP/forge.c" -lcrypto \
	    2>"$E2E_TMP/forge.gcc" ||
	    skip "cannot build the forger: $(head -n 3 "$E2E_TMP/forge.gcc")"
}

# fl_forge NS DEST SRC KIND COUNT SECONDS [KEYFILE]: runs the forger in
# namespace NS, in the foreground; its line goes to stdout.
fl_forge() {
	local ns=$1
	shift
	ip netns exec "${E2E_NS}$ns" "$E2E_TMP/forge" "$@"
}

# ---------------------------------------------------------------------
# Captured heartbeats
#
# fl_capture_start FILE: tcpdump on the switch's bridge records every
# heartbeat between a and b into FILE (pcap).  fl_capture_stop ends it.
fl_capture_start() {
	ip netns exec "${E2E_NS}sw" tcpdump -i br0 -U -Z root -w "$1" \
	    "udp and port $E2E_HBPORT" 2>"$E2E_TMP/capture.log" &
	FL_CAPTURE_PID=$!
	E2E_HELPERS+=("$!")
	wait_for "grep -q 'listening on' '$E2E_TMP/capture.log'" 5 ||
	    fail "tcpdump does not listen on the switch"
}

fl_capture_stop() {
	kill -TERM "$FL_CAPTURE_PID" 2>/dev/null || true
	wait "$FL_CAPTURE_PID" 2>/dev/null || true
}

# fl_replay NS PCAP FROM_IP SRC DEST ROUNDS GAP_S: from namespace NS,
# sends the UDP payloads that FROM_IP sent to the heartbeat port in PCAP
# again, in their order, ROUNDS times, one every GAP_S seconds, to DEST
# with source address SRC (a raw socket: SRC may be spoofed).  Prints
# "N captured, M sent".
fl_replay() {
	local ns=$1
	shift
	[ -s "$E2E_TMP/replay.py" ] || cat >"$E2E_TMP/replay.py" <<'PY'
import socket, struct, sys, time

pcap, from_ip, src, dest = sys.argv[1:5]
rounds, gap, port = int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])

def payloads(path):
    data = open(path, "rb").read()
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        sys.exit("replay: link type is not Ethernet")
    off, want = 24, socket.inet_aton(from_ip)
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 42 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17 or ip[12:16] != want:
            continue
        dport, ulen = struct.unpack(">HH", ip[ihl + 2:ihl + 6])
        if dport == port:
            yield ip[ihl + 8:ihl + ulen]

def packet(payload):
    udp = struct.pack(">HHHH", port, port, 8 + len(payload), 0) + payload
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64,
                       17, 0, socket.inet_aton(src),
                       socket.inet_aton(dest)) + udp

pkts = list(payloads(pcap))
if not pkts:
    sys.exit("replay: nothing from %s in the capture" % from_ip)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sent = 0
for _ in range(rounds):
    for p in pkts:
        s.sendto(packet(p), (dest, 0))
        sent += 1
        time.sleep(gap)
print("%d captured, %d sent" % (len(pkts), sent))
PY
	ip netns exec "${E2E_NS}$ns" python3 "$E2E_TMP/replay.py" "$@" \
	    "$E2E_HBPORT"
}

# fl_overlap_times [SINCE_US]: the epoch_us of every read that shows both
# nodes holding, by the rule of sampler_overlaps in lib.sh.
fl_overlap_times() {
	awk -v since="${1:-0}" '
	$1 < since { next }
	{ t[n] = $1; who[n] = $2; v[n] = $3; n++ }
	END {
		for (i = 1; i < n - 1; i++)
			if (v[i] && who[i - 1] != who[i] && v[i - 1] &&
			    who[i + 1] != who[i] && v[i + 1])
				print t[i]
	}' "$E2E_TMP/samples"
}

# fl_spawn_node NODE [key=value...]: like start_node in lib.sh, but only
# starts failoverd and records its PID; the caller waits as it sees fit.
fl_spawn_node() {
	local node=$1 dir=$E2E_TMP/$1
	node_running "$node" && fail "fl_spawn_node $node: running"
	write_config "$@"
	rm -f "$dir/ctl.sock"
	echo "### $(date '+%T.%N') start failoverd" >>"$dir/daemon.log"
	ip netns exec "${E2E_NS}$node" "$FAILOVERD" -d \
	    -f "$dir/failover.xml" -S "$E2E_SCHEMA" \
	    </dev/null >>"$dir/daemon.log" 2>&1 &
	E2E_PID["$node"]=$!
}

# fl_stalls [MIN_MS]: "count longest_ms" of the pauses longer than
# MIN_MS (default 500) between two consecutive sampler reads: times when
# the host itself did not run the sampler.
fl_stalls() {
	awk -v min="${1:-500}" '
	{ if (last && ($1 - last) / 1000 > min) {
		n++; if ($1 - last > worst) worst = $1 - last } last = $1 }
	END { printf "%d %d\n", n, worst / 1000 }' "$E2E_TMP/samples"
}
