#!/bin/bash
# bench/snmp.sh WORKDIR: failover-agentx against keepalived's SNMP subagent,
# both through one snmpd (AgentX master), one snmptrapd, in namespaces of
# its own.  Writes WORKDIR/snmp.csv.  bench/run calls it when
# failover-agentx was built; it also runs alone (as root), with BUILD
# naming the build directory.
#
# snmpd, snmptrapd and the manager run in the client namespace c on c's
# own loopback; the subagent serves node b, the node that changes state
# when a is stopped.  For each daemon in turn (3 s budget):
#   walk	snmpwalk of the daemon's whole MIB, WALKS times
#   gets	GETs of one scalar per second, one session (getloop.c)
#   trap	b's address added (its kernel's own timestamp) to the first
#		notification on snmptrapd's port after a's SIGTERM, over TRAPS
#		handovers; negative when the subagent announced the change
#		before the address was up
#   restart	snmpd restarted to the first good GET of the subagent's
#		object, RESTARTS times
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$BENCH/.." && pwd)
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

OUT=${1:?usage: snmp.sh WORKDIR}
BUILD=${BUILD:-${BENCH_BUILDDIR:-/tmp/ipfb-build}}
FAILOVERD=$BUILD/failoverd
AGENTX=$BUILD/failover-agentx
SCHEMA=$SRC/conf/failover.rng
ADD_SCRIPT=$SRC/conf/failover_add.sh
REMOVE_SCRIPT=$SRC/conf/failover_remove.sh
WALKS=${WALKS:-10}
TRAPS=${TRAPS:-5}
RESTARTS=${RESTARTS:-3}
GET_S=${GET_S:-5}
PORT=16161
TRAP_PORT=16162
IPF_ROOT=.1.3.6.1.4.1.32473.1
IPF_SCALAR=.1.3.6.1.4.1.32473.1.1.2.1.0		# ipfState
KAD_ROOT=.1.3.6.1.4.1.9586.100.5
KAD_SCALAR=.1.3.6.1.4.1.9586.100.5.2.3.1.4.1	# vrrpInstanceState.1
WORK=$(mktemp -d /tmp/ipfb-snmp.XXXXXX)
SOCK=$WORK/agentx/master
SNMPD_PID=
SUB_PID=
D=
declare -A R=()			# "figure daemon" -> value

cleanup() {
	local rc=$? p
	set +e
	[ -z "$SUB_PID" ] || kill -TERM "$SUB_PID" 2>/dev/null
	[ -z "$SNMPD_PID" ] || kill -TERM "$SNMPD_PID" 2>/dev/null
	for n in a b; do
		stop_daemon "$n" 2>/dev/null
	done
	for p in "${HELPERS[@]}"; do
		stop_helper "$p" 2>/dev/null
	done
	sleep 0.2
	net_cleanup
	if [ "${KEEP:-0}" = 1 ]; then
		log "snmp logs kept in $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}

in_c() {
	ip netns exec "${NS}c" env SNMPCONFPATH="$WORK/client" MIBS= \
	    MIBDIRS= "$@"
}

write_snmp_config() {
	mkdir -p "$WORK/agentx" "$WORK/client" "$WORK/state" "$WORK/tstate"
	chmod 0755 "$WORK" "$WORK/agentx"
	cat >"$WORK/snmpd.conf" <<EOF
[snmp] persistentDir $WORK/state
agentaddress udp:127.0.0.1:$PORT
master agentx
agentXSocket $SOCK
agentXPerms 0666 0755
view all included .1
rocommunity public 127.0.0.1 -V all
trap2sink 127.0.0.1:$TRAP_PORT public
EOF
	cat >"$WORK/snmptrapd.conf" <<EOF
[snmp] persistentDir $WORK/tstate
authCommunity log public
EOF
}

sget() {
	in_c timeout 5 snmpget -v2c -c public -On -Oqv -t 0.3 -r 0 \
	    "127.0.0.1:$PORT" "$1" 2>/dev/null
}

# A good answer: a value, not "No Such Object/Instance".
sget_ok() {
	local v
	v=$(sget "$1") || return 1
	[ -n "$v" ] && case $v in No\ Such*) false ;; *) true ;; esac
}

snmpd_start() {
	ip netns exec "${NS}c" env SNMPCONFPATH="$WORK/client" MIBS= \
	    MIBDIRS= snmpd -f -C -c "$WORK/snmpd.conf" -Lf "$WORK/snmpd.log" \
	    </dev/null >/dev/null 2>&1 &
	SNMPD_PID=$!
	HELPERS+=("$SNMPD_PID")
	wait_until "sget_ok .1.3.6.1.2.1.1.3.0" 10
}

snmpd_stop() {
	kill -TERM "$SNMPD_PID" 2>/dev/null || true
	wait_until "! kill -0 $SNMPD_PID 2>/dev/null" 10 ||
	    kill -KILL "$SNMPD_PID" 2>/dev/null || true
	wait "$SNMPD_PID" 2>/dev/null || true
}

sub_start() {
	case $D in
	ipfo)
		ip netns exec "${NS}b" "$AGENTX" -f -x "$SOCK" \
		    -s "$WORK/b/ctl.sock" </dev/null >>"$WORK/agentx.log" 2>&1 &
		SUB_PID=$!
		HELPERS+=("$SUB_PID") ;;
	kad)
		# keepalived's subagent lives in its VRRP process.
		SUB_PID= ;;
	esac
}

pair_start() {
	start_daemon "$D" a 3
	sleep 0.5
	start_daemon "$D" b 3
	wait_until 'has_vip a && ! has_vip b' 15
	sub_start
}

pair_stop() {
	if [ -n "$SUB_PID" ]; then
		stop_helper "$SUB_PID"
		SUB_PID=
	fi
	stop_daemon a
	stop_daemon b
	drop_vips a
	drop_vips b
}

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

measure_walk() {
	local root=$1 i t0 n ms=()
	for ((i = 0; i < WALKS; i++)); do
		t0=$(now_us)
		n=$(in_c timeout 30 snmpwalk -v2c -c public -On -t 2 -r 1 \
		    "127.0.0.1:$PORT" "$root" 2>/dev/null | wc -l)
		ms+=($((($(now_us) - t0) / 1000)))
	done
	R["walk objects $D"]=$n
	R["walk ms $D"]=$(printf '%s\n' "${ms[@]}" | median)
	R["walk us/object $D"]=$(awk -v m="${R["walk ms $D"]}" -v n="$n" \
	    'BEGIN { printf "%.0f", n ? m * 1000 / n : 0 }')
}

measure_gets() {
	local oid=$1 out
	out=$(in_c "$BUILD/getloop" "127.0.0.1:$PORT" public "$oid" "$GET_S")
	R["gets/s $D"]=$(echo "$out" | awk '{ print $3 }')
	R["gets failed $D"]=$(echo "$out" | awk '{ print $2 }')
}

# The kernel's time for b's address being added, from "ip -ts monitor".
added_at() {
	local since=$1
	awk -v vip=" $VIP/" -v since="$since" '
	/^\[/ && index($0, vip) && $0 !~ /Deleted/ {
		ts = substr($1, 2, length($1) - 2)
		# 2026-12-04T16:23:15.123456
		split(ts, p, "T"); split(p[2], h, ":")
		cmd = "date -u -d " p[1] " +%s"
		cmd | getline day; close(cmd)
		us = (day + h[1] * 3600 + h[2] * 60) * 1000000 + h[3] * 1000000
		if (us >= since) { printf "%.0f\n", us; exit }
	}' "$WORK/addr-b-$D"
}

first_trap_after() {
	awk -v since="$1" '{ split($1, p, "."); us = p[1] * 1000000 + p[2]
		if (us >= since) { printf "%.0f\n", us; exit } }' \
	    "$WORK/traps-$D.pcap.txt"
}

measure_traps() {
	local i t0 ta tt d=()
	# ip -ts monitor prints local time; UTC keeps the awk above simple.
	start_helper b "$WORK/addr-b-$D" env TZ=UTC ip -ts monitor address
	start_helper c "$WORK/traps-$D.pcap.txt" tcpdump -i lo -n -tt -l \
	    udp port "$TRAP_PORT"
	sleep 1
	for ((i = 0; i < TRAPS; i++)); do
		wait_until 'has_vip a && ! has_vip b' 15 || true
		sleep 1
		t0=$(now_us)
		term_daemon a
		wait_until 'has_vip b' 10 || true
		sleep 1.5
		ta=$(added_at "$t0")
		tt=$(first_trap_after "$t0")
		if [ -n "$ta" ] && [ -n "$tt" ]; then
			d+=($(((tt - ta) / 1000)))
		fi
		drop_vips a
		start_daemon "$D" a 3
	done
	R["trap ms $D"]=$(printf '%s\n' "${d[@]}" | median)
	R["traps seen $D"]=${#d[@]}/$TRAPS
}

measure_restart() {
	local oid=$1 i t0 ms=()
	for ((i = 0; i < RESTARTS; i++)); do
		wait_until "sget_ok $oid" 30 || true
		snmpd_stop
		sleep 0.5
		t0=$(now_us)
		snmpd_start || true
		if wait_until "sget_ok $oid" 60; then
			ms+=($((($(now_us) - t0) / 1000)))
		else
			ms+=(60000)
		fi
	done
	R["back after snmpd restart ms $D"]=$(printf '%s\n' "${ms[@]}" |
	    median)
}

session() {
	local root=$1 scalar=$2
	log "snmp: $D"
	pair_start
	wait_until "sget_ok $scalar" 30 ||
	    log "snmp: $D subagent does not answer"
	measure_walk "$root"
	measure_gets "$scalar"
	measure_restart "$scalar"
	measure_traps
	pair_stop
}

main() {
	local f
	[ -x "$AGENTX" ] || { echo "snmp.sh: no $AGENTX" >&2; exit 1; }
	# shellcheck disable=SC2046 # several linker words
	[ -x "$BUILD/getloop" ] ||
	    cc -O2 -Wall -Wextra -o "$BUILD/getloop" "$BENCH/getloop.c" \
	    $(net-snmp-config --libs)
	trap cleanup EXIT
	(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' \
	    >"$WORK/key")
	net_setup
	write_snmp_config
	snmpd_start
	ip netns exec "${NS}c" env SNMPCONFPATH="$WORK/client" MIBS= \
	    MIBDIRS= snmptrapd -f -C -c "$WORK/snmptrapd.conf" -On \
	    -Lf "$WORK/traps.log" "udp:127.0.0.1:$TRAP_PORT" \
	    </dev/null >/dev/null 2>&1 &
	HELPERS+=("$!")

	D=ipfo
	session "$IPF_ROOT" "$IPF_SCALAR"
	D=kad
	KAD_SNMP=$SOCK
	export KAD_SNMP
	session "$KAD_ROOT" "$KAD_SCALAR"

	{
		echo "figure,ipfailover,keepalived"
		for f in "walk objects" "walk ms" "walk us/object" "gets/s" \
		    "gets failed" "trap ms" "traps seen" \
		    "back after snmpd restart ms"; do
			echo "$f,${R["$f ipfo"]:--},${R["$f kad"]:--}"
		done
	} >"$OUT/snmp.csv"
	cat "$OUT/snmp.csv"
}

main "$@"
