# shellcheck shell=bash
# Sourced by bench/run and bench/snmp.sh: the network of namespaces, and
# how to start, stop and inspect each of the three daemons in it.
#
#   ${NS}sw  switch: bridge br0, ports pa pb pc po
#   ${NS}a   node a, eth0 198.18.0.1/24 (the preferred holder)
#   ${NS}b   node b, eth0 198.18.0.2/24
#   ${NS}c   client, eth0 198.18.0.10/24: ICMP prober (its own ARP cache)
#   ${NS}o   observer, eth0 198.18.0.11/24: ARP prober (who answers)
#
# The floating address is 198.18.0.100/24.  Setting NS before net_setup
# makes another copy of this network.  Nothing is created in the root
# namespace and nothing is sent outside these namespaces.  Everything the
# benchmark starts is recorded by PID and killed by PID on exit.

NS="ipfb-$$-"
VIP=198.18.0.100
VHID=51
declare -A IP=([a]=198.18.0.1 [b]=198.18.0.2 [c]=198.18.0.10 [o]=198.18.0.11)
# Fixed, locally administered: every copy of the network has the same
# ones, so the logs of copies run side by side read alike.
declare -A MAC=([a]=02:1b:00:00:00:01 [b]=02:1b:00:00:00:02
    [c]=02:1b:00:00:00:0a [o]=02:1b:00:00:00:0b)
declare -A PGID=()		# node -> process group of its daemon
HELPERS=()			# other PIDs we started
NETNS=()			# namespaces we created

now_us() {
	echo "${EPOCHREALTIME/./}"
}

log() {
	printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2
}

nsx() {
	local node=$1
	shift
	ip netns exec "${NS}$node" "$@"
}

# ---------------------------------------------------------------------
# Network

net_setup() {
	local n
	for n in sw a b c o; do
		ip netns add "${NS}$n"
		NETNS+=("${NS}$n")
		ip -n "${NS}$n" link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "${NS}sw" link add br0 type bridge stp_state 0 forward_delay 0
	# No multicast snooping: VRRP and CARP adverts reach every port.
	ip -n "${NS}sw" link set br0 type bridge mcast_snooping 0
	ip -n "${NS}sw" link set br0 up
	for n in a b c o; do
		ip -n "${NS}$n" link add eth0 address "${MAC[$n]}" type veth \
		    peer name "p$n" netns "${NS}sw"
		ip -n "${NS}sw" link set "p$n" master br0 up
		ip -n "${NS}$n" addr add "${IP[$n]}/24" dev eth0
		ip -n "${NS}$n" link set eth0 up
	done
	# The flooder sends VRRP and CARP to 224.0.0.18 from the client.
	ip -n "${NS}c" route add 224.0.0.0/4 dev eth0
}

net_cleanup() {
	local ns
	for ns in "${NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	NETNS=()
}

# Removes every address of NODE's eth0 but its own.
drop_vips() {
	local node=$1 a
	for a in $(ip -n "${NS}$node" -4 -o addr show dev eth0 |
	    awk '{ print $4 }'); do
		[ "$a" = "${IP[$node]}/24" ] && continue
		ip -n "${NS}$node" addr del "$a" dev eth0 2>/dev/null || true
	done
}

has_vip() {
	ip -n "${NS}$1" -4 -o addr show dev eth0 2>/dev/null |
	    grep -q " inet ${PROBE_VIP:-$VIP}/"
}

# The node whose MAC the client's neighbour cache has for the address.
client_sees() {
	local mac
	mac=$(ip -n "${NS}c" neigh show "${PROBE_VIP:-$VIP}" dev eth0 |
	    sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
	case $mac in
	"${MAC[a]}") echo a ;;
	"${MAC[b]}") echo b ;;
	*) echo none ;;
	esac
}

# wait_until CONDITION SECONDS: polls every 5 ms, bounded in time and count.
wait_until() {
	local cond=$1 limit_us=$(($(now_us) + ${2%.*} * 1000000)) i=0
	while [ "$i" -lt 4000 ]; do
		eval "$cond" && return 0
		[ "$(now_us)" -lt "$limit_us" ] || return 1
		sleep 0.005
		i=$((i + 1))
	done
	return 1
}

# ---------------------------------------------------------------------
# Helpers started in the background

# start_helper NODE LOG COMMAND...: in NODE's namespace, its output to
# LOG, its PID kept in HELPERS.  Not to be called in $(...), which would
# lose the PID with the subshell.
start_helper() {
	local node=$1 logf=$2
	shift 2
	ip netns exec "${NS}$node" "$@" </dev/null >>"$logf" 2>&1 &
	HELPERS+=("$!")
}

stop_helper() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------
# Daemons.  DAEMON is ipfo, kad or ucarp; BUDGET is "3" or "min".  Each
# daemon runs in its own process group (setsid), so "the holder's whole
# process group" is well defined; PGID[node] is also the main PID.

# Detection budget in seconds for the peer (b) as each daemon computes it.
budget_s() {
	case $1/$2 in
	ipfo/3) echo 3 ;;
	ipfo/min) echo 0.03 ;;
	# 3 x advert + (256 - 253) / 256 x advert (RFC 5798 6.1)
	kad/3) echo 3.0117 ;;
	kad/min) echo 0.0301 ;;
	kad/scale) echo 3.0117 ;;
	# advbase x deadratio + advskew / 256, b's values
	ucarp/3) echo 3.0039 ;;
	ucarp/min) echo 0.03125 ;;
	esac
}

write_ipfo() {
	local node=$1 budget=$2 dir=${NODES:-$WORK}/$1 other=b master=false ft=3
	[ "$node" = a ] && master=true
	[ "$node" = a ] || other=a
	[ "$budget" = min ] && ft=0.03
	mkdir -p "$dir/state"
	chmod 0700 "$dir" "$dir/state"
	install -m 0755 "$ADD_SCRIPT" "$dir/add.sh"
	install -m 0755 "$REMOVE_SCRIPT" "$dir/remove.sh"
	install -m 0600 "$WORK/key" "$dir/key"
	cat >"$dir/failover.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<failover version="1">
  <ismaster>$master</ismaster>
  <aliasip prefix="24">$VIP</aliasip>
  <otherip>${IP[$other]}</otherip>
  <localip>${IP[$node]}</localip>
  <interface>eth0</interface>
  <failtime>$ft</failtime>
  <keyfile>$dir/key</keyfile>
  <addscript>$dir/add.sh</addscript>
  <removescript>$dir/remove.sh</removescript>
  <scripttimeout>5</scripttimeout>
  <statedir>$dir/state</statedir>
  <control socket="$dir/ctl.sock"/>
</failover>
EOF
}

# keepalived: VRRPv3 (sub-second adverts need it), a preferred by
# priority, preemption on (the default), no scripts: keepalived adds the
# address itself over netlink.
write_kad() {
	local node=$1 budget=$2 dir=${NODES:-$WORK}/$1 state=BACKUP prio=253
	local adv=1
	local snmp=''
	[ "$node" = a ] && { state=MASTER; prio=254; }
	[ "$budget" = min ] && adv=0.01
	# SNMP only on b, the node bench/snmp.sh watches: one subagent
	# for each daemon, registered once.
	[ -z "${KAD_SNMP:-}" ] || [ "$node" != b ] || snmp="enable_snmp_vrrp
	enable_traps
	snmp_socket $KAD_SNMP"
	mkdir -p "$dir"
	cat >"$dir/keepalived.conf" <<EOF
global_defs {
	router_id ipfb_$node
	vrrp_version 3
	$snmp
}
vrrp_instance VI_1 {
	state $state
	interface eth0
	virtual_router_id $VHID
	priority $prio
	advert_int $adv
	virtual_ipaddress {
$(vip_list)
	}
}
EOF
}

# The addresses keepalived carries: $VIP, or SCALE of them ($VIP first,
# then .101 upwards, wrapping to .12): the last one is probed.
vip_list() {
	local i n=${SCALE:-1} host
	for ((i = 0; i < n; i++)); do
		host=$(((100 + i - 12) % 240 + 12))
		printf '\t\t198.18.0.%d/24 dev eth0\n' "$host"
	done
}

write_ucarp() {
	local node=$1 budget=$2 dir=${NODES:-$WORK}/$1
	mkdir -p "$dir"
	# ucarp calls "script INTERFACE ADDRESS [xparam]".
	# shellcheck disable=SC2016 # the scripts expand them, not we
	printf '#!/bin/sh\nexec ip -4 addr replace "$2/24" dev "$1"\n' \
	    >"$dir/up.sh"
	# shellcheck disable=SC2016
	printf '#!/bin/sh\nip -4 addr del "$2/24" dev "$1" 2>/dev/null\n%s\n' \
	    'exit 0' >"$dir/down.sh"
	chmod 0755 "$dir/up.sh" "$dir/down.sh"
}

ucarp_args() {
	local node=$1 budget=$2 dir=${NODES:-$WORK}/$1 base skew ratio=3
	if [ "$budget" = min ]; then
		# advbase 0: adverts every advskew/256 s, and the backup's
		# timeout is its own advskew/256 s (deadratio multiplies 0).
		base=0
		skew=1
		[ "$node" = b ] && skew=8
	else
		base=1
		skew=0
		[ "$node" = b ] && skew=1
	fi
	echo "-i eth0 -s ${IP[$node]} -v $VHID -p ipfbpass -a $VIP" \
	    "-b $base -k $skew -r $ratio -P -z -f none" \
	    "-u $dir/up.sh -d $dir/down.sh"
}

write_config() {
	"write_$1" "$2" "$3"
}

# start_daemon DAEMON NODE BUDGET
start_daemon() {
	local d=$1 node=$2 budget=$3 dir=${NODES:-$WORK}/$2 pid
	write_config "$d" "$node" "$budget"
	echo "=== $(date +%T.%N) start" >>"$dir/$d.log"
	case $d in
	ipfo)
		ip netns exec "${NS}$node" setsid "$FAILOVERD" -d \
		    -f "$dir/failover.xml" -S "$SCHEMA" \
		    </dev/null >>"$dir/$d.log" 2>&1 & ;;
	kad)
		# A pid file left by a killed keepalived stops the next one.
		rm -f "$dir/k.pid" "$dir/v.pid" "$dir/c.pid"
		ip netns exec "${NS}$node" setsid keepalived -n -l -D -P \
		    -f "$dir/keepalived.conf" -p "$dir/k.pid" \
		    -r "$dir/v.pid" -c "$dir/c.pid" \
		    </dev/null >>"$dir/$d.log" 2>&1 & ;;
	ucarp)
		# shellcheck disable=SC2046
		ip netns exec "${NS}$node" setsid ucarp \
		    $(ucarp_args "$node" "$budget") \
		    </dev/null >>"$dir/$d.log" 2>&1 & ;;
	esac
	pid=$!
	PGID[$node]=$pid
}

daemon_alive() {
	local pid=${PGID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Every PID in NODE's daemon process group (keepalived has two).
daemon_pids() {
	local pgid=${PGID[$1]:-}
	[ -n "$pgid" ] || return 0
	ps -e -o pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }'
}

# Reaps the main PID once it exited (bounded), silencing bash's report.
reap_daemon() {
	local node=$1 pid=${PGID[$1]:-}
	[ -n "$pid" ] || return 0
	wait_until "! kill -0 $pid 2>/dev/null" 10 || {
		kill -KILL -- "-$pid" 2>/dev/null || true
		sleep 0.2
	}
	{ wait "$pid"; } 2>/dev/null || true
	unset "PGID[$node]"
}

# Bash reports a job killed by a signal when it reaps it: silenced.
kill_daemon() {
	local node=$1
	{
		kill -KILL -- "-${PGID[$node]}" 2>/dev/null || true
		reap_daemon "$node"
	} 2>/dev/null
}

term_daemon() {
	local node=$1
	{
		kill -TERM "${PGID[$node]}" 2>/dev/null || true
		reap_daemon "$node"
	} 2>/dev/null
}

# Whatever is left of NODE's group, gone.
stop_daemon() {
	local node=$1 pid=${PGID[$1]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	wait_until "! kill -0 $pid 2>/dev/null" 5 || true
	kill -KILL -- "-$pid" 2>/dev/null || true
	reap_daemon "$node"
}

# ---------------------------------------------------------------------
# Cost

# CPU nanoseconds used so far by the PIDs given (their threads included).
cpu_ns() {
	local pid sum=0 v
	for pid in "$@"; do
		read -r v _ <"/proc/$pid/schedstat" 2>/dev/null || v=0
		sum=$((sum + v))
	done
	echo "$sum"
}

# "RSS_KiB PSS_KiB" summed over the PIDs given.
mem_kib() {
	local pid rss=0 pss=0 r p
	for pid in "$@"; do
		r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" \
		    2>/dev/null)
		p=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" \
		    2>/dev/null)
		rss=$((rss + ${r:-0}))
		pss=$((pss + ${p:-0}))
	done
	echo "$rss $pss"
}
