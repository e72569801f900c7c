#!/bin/bash
# Shared harness of the end-to-end tests, sourced by tests/e2e/NN-*.sh.
#
# Every test builds its own little network out of namespaces whose names
# start with a prefix unique to the test's process:
#
#   ${E2E_NS}sw   switch: bridge br0 with ports pa, pb, pc
#   ${E2E_NS}a    node a: eth0 198.18.0.1/24, runs failoverd
#   ${E2E_NS}b    node b: eth0 198.18.0.2/24, runs failoverd
#   ${E2E_NS}c    client: eth0 198.18.0.10/24
#
# The floating address is 198.18.0.100/24.  Links are created inside the
# namespaces directly, so nothing ever appears in the root namespace, and
# nothing is sent anywhere but into these namespaces.  The EXIT trap kills
# the processes this test started (by PID), deletes exactly its own
# namespaces and removes its temporary directory.
#
# Environment: E2E_BUILDDIR (where failoverd and failoverctl were built,
# default $srcdir/build), FAILOVERD and FAILOVERCTL (override the
# binaries), E2E_ADD_SCRIPT and E2E_REMOVE_SCRIPT (the scripts that the
# wrappers run, default the shipped conf/failover_*.sh), E2E_KEEP=1 (keep the temporary directory), E2E_VERBOSE=1
# (print the daemons' logs even when the test passes), E2E_DEBUG=1 (run
# failoverd with -v).

# Several helpers take optional arguments (e2e_setup, start_pair...).
# shellcheck disable=SC2120

E2E_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SRCDIR=${E2E_SRCDIR:-$(cd "$E2E_LIBDIR/../.." && pwd)}
E2E_BUILDDIR=${E2E_BUILDDIR:-$E2E_SRCDIR/build}
FAILOVERD=${FAILOVERD:-$E2E_BUILDDIR/failoverd}
FAILOVERCTL=${FAILOVERCTL:-$E2E_BUILDDIR/failoverctl}
E2E_SCHEMA=${E2E_SCHEMA:-$E2E_SRCDIR/conf/failover.rng}
E2E_ADD_SCRIPT=${E2E_ADD_SCRIPT:-$E2E_SRCDIR/conf/failover_add.sh}
E2E_REMOVE_SCRIPT=${E2E_REMOVE_SCRIPT:-$E2E_SRCDIR/conf/failover_remove.sh}

E2E_NAME=$(basename "$0" .sh)
E2E_NS="ipfe-$$-$(printf '%04x' $((RANDOM % 65536)))-"
E2E_ALIAS=198.18.0.100
E2E_PREFIX=24
E2E_PORT=7000			# the client probe's TCP port
E2E_HBPORT=8283			# heartbeats (UDP)
declare -A E2E_IP=([a]=198.18.0.1 [b]=198.18.0.2 [c]=198.18.0.10)
declare -A E2E_PID=()		# node -> failoverd PID
E2E_HELPERS=()			# other PIDs we started (responders...)
E2E_NETNS=()			# namespaces we created, to delete
E2E_TMP=
E2E_SAMPLER_PID=
E2E_FAILED=0
E2E_RC=0
E2E_T0=$EPOCHREALTIME

# ---------------------------------------------------------------------
# Reporting

# Seconds since the test started, with milliseconds.
e2e_clock() {
	local now=${EPOCHREALTIME/./} t0=${E2E_T0/./}
	local ms=$(((now - t0) / 1000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

say() {
	printf '[%s %7ss] %s\n' "$E2E_NAME" "$(e2e_clock)" "$*"
}

fail() {
	say "FAIL: $*" >&2
	E2E_FAILED=1
	exit 1
}

skip() {
	say "SKIP: $*"
	E2E_FAILED=77
	exit 77
}

# assert DESCRIPTION COMMAND...: runs COMMAND, fails the test when it fails.
assert() {
	local what=$1
	shift
	if "$@"; then
		say "ok: $what"
	else
		fail "$what"
	fi
}

# Milliseconds on the wall clock, for intervals between our own events.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# A millisecond figure as seconds with three decimals.
ms_to_s() {
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

# ---------------------------------------------------------------------
# Waiting

# wait_for CONDITION TIMEOUT_S: evaluates CONDITION (a command line) every
# 10 ms, at most TIMEOUT_S seconds and at most 100 tries per second.
# Returns 0 as soon as it holds, 1 at the timeout.
wait_for() {
	local cond=$1 timeout_s=$2
	local deadline tries=0 max
	deadline=$(($(now_ms) + ${timeout_s%.*} * 1000))
	max=$((${timeout_s%.*} * 100 + 10))
	while [ "$tries" -lt "$max" ]; do
		if eval "$cond"; then
			return 0
		fi
		[ "$(now_ms)" -lt "$deadline" ] || break
		tries=$((tries + 1))
		sleep 0.01
	done
	eval "$cond"
}

# ---------------------------------------------------------------------
# Network

nsx() {
	local node=$1
	shift
	ip netns exec "${E2E_NS}$node" "$@"
}

net_add_ns() {
	ip netns add "${E2E_NS}$1"
	E2E_NETNS+=("${E2E_NS}$1")
	ip -n "${E2E_NS}$1" link set lo up
	# No IPv6: its duplicate address detection only adds noise here.
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	nsx "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

# net_attach NODE: a veth pair, eth0 in the node, pNODE on the bridge.
net_attach() {
	local node=$1
	ip -n "${E2E_NS}$node" link add eth0 type veth \
	    peer name "p$node" netns "${E2E_NS}sw"
	ip -n "${E2E_NS}sw" link set "p$node" master br0 up
	ip -n "${E2E_NS}$node" addr add "${E2E_IP[$node]}/24" dev eth0
	ip -n "${E2E_NS}$node" link set eth0 up
}

net_setup() {
	local n
	for n in sw a b c; do
		net_add_ns "$n"
	done
	ip -n "${E2E_NS}sw" link add br0 type bridge stp_state 0 \
	    forward_delay 0
	ip -n "${E2E_NS}sw" link set br0 up
	for n in a b c; do
		net_attach "$n"
	done
}

# The MAC address of NODE's eth0.
node_mac() {
	ip -n "${E2E_NS}$1" -o link show dev eth0 |
	    sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# has_alias NODE: the floating address is on NODE's eth0 (ip -4 addr).
has_alias() {
	ip -n "${E2E_NS}$1" -4 -o addr show dev eth0 2>/dev/null |
	    grep -q " inet $E2E_ALIAS/"
}

# Prints the nodes holding the floating address ("a", "b", "a b"), or
# "none".
holder() {
	local n out=()
	for n in a b; do
		if has_alias "$n"; then
			out+=("$n")
		fi
	done
	if [ "${#out[@]}" -eq 0 ]; then
		echo none
	else
		echo "${out[*]}"
	fi
}

holder_is() {
	[ "$(holder)" = "$1" ]
}

# A TCP responder on NODE, port E2E_PORT on every address, that answers
# with the node's name and closes.
start_responder() {
	local node=$1
	# Not through nsx: a function run with & is a subshell, and $! would
	# be the subshell's PID instead of socat's.
	ip netns exec "${E2E_NS}$node" socat -T2 \
	    "TCP-LISTEN:$E2E_PORT,fork,reuseaddr" \
	    "SYSTEM:echo $node" >>"$E2E_TMP/responder-$node.log" 2>&1 &
	E2E_HELPERS+=("$!")
}

# Prints which node answered at the floating address from the client, or
# "none".  At most about two seconds.
client_reach() {
	local out
	out=$(timeout 3 ip netns exec "${E2E_NS}c" socat -T1 -u \
	    "TCP:$E2E_ALIAS:$E2E_PORT,connect-timeout=1" STDOUT \
	    2>/dev/null) || out=
	case $out in
	a | b) echo "$out" ;;
	*) echo none ;;
	esac
}

client_reaches() {
	[ "$(client_reach)" = "$1" ]
}

# Prints which node's MAC the client's neighbour table has for the
# floating address: "a", "b", "none" or the unknown MAC itself.
client_mac() {
	local mac n
	mac=$(ip -n "${E2E_NS}c" neigh show "$E2E_ALIAS" dev eth0 |
	    sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
	if [ -z "$mac" ]; then
		echo none
		return
	fi
	for n in a b; do
		if [ "$mac" = "$(node_mac "$n")" ]; then
			echo "$n"
			return
		fi
	done
	echo "$mac"
}

# ---------------------------------------------------------------------
# The holder sampler
#
# Reads a's and b's addresses in turn, about every 5 ms, into
# $E2E_TMP/samples ("epoch_us node 0|1" per read).  Two reads of one node
# are never simultaneous, so "both held at once" is only claimed when a
# read that found one node holding lies between two reads that found the
# other node holding: then both held at the moment of the middle read
# (unless the outer node dropped and re-added it within those few ms).

sampler_start() {
	local max_s=${1:-30}
	sampler_stop
	: >"$E2E_TMP/samples"
	(
		count=0
		deadline=$(($(now_ms) + max_s * 1000))
		max=$((max_s * 400))
		exec {fd}<> <(:)
		while [ "$count" -lt "$max" ] &&
		    [ "$(now_ms)" -lt "$deadline" ]; do
			for n in a b; do
				if has_alias "$n"; then
					echo "${EPOCHREALTIME/./} $n 1"
				else
					echo "${EPOCHREALTIME/./} $n 0"
				fi
			done
			count=$((count + 1))
			read -r -t 0.002 -u "$fd" _ || true
		done
	) >>"$E2E_TMP/samples" 2>/dev/null &
	E2E_SAMPLER_PID=$!
	say "sampler started (at most ${max_s}s)"
}

sampler_stop() {
	if [ -n "$E2E_SAMPLER_PID" ]; then
		kill "$E2E_SAMPLER_PID" 2>/dev/null || true
		wait "$E2E_SAMPLER_PID" 2>/dev/null || true
		E2E_SAMPLER_PID=
	fi
}

# sampler_overlaps [SINCE_US]: prints how many reads showed both nodes
# holding (see above), counting reads after SINCE_US only.
sampler_overlaps() {
	awk -v since="${1:-0}" '
	$1 < since { next }
	{
		t[n] = $1; who[n] = $2; v[n] = $3; n++
	}
	END {
		bad = 0
		for (i = 1; i < n - 1; i++) {
			if (!v[i])
				continue
			# the reads of the other node just before and after
			p = i - 1; q = i + 1
			if (who[p] != who[i] && who[q] != who[i] &&
			    v[p] && v[q])
				bad++
		}
		print bad
	}' "$E2E_TMP/samples"
}

# A one-line description of the samples: count and the holder changes.
sampler_summary() {
	awk '
	{ v[$2] = $3; if ($2 == "b") {
		h = (v["a"] ? "a" : "") (v["b"] ? "b" : "")
		if (h == "") h = "-"
		n++
		if (h != last) { changes = changes " " h; last = h }
	} }
	END { printf "%d samples, holders over time:%s\n", n, changes }
	' "$E2E_TMP/samples"
}

# sampler_first_time NODE VALUE [SINCE_US]: the epoch_us of the first read
# of NODE giving VALUE (0 or 1) after SINCE_US, or nothing.
sampler_first_time() {
	awk -v n="$1" -v val="$2" -v since="${3:-0}" '
	$1 >= since && $2 == n && $3 == val { print $1; exit }
	' "$E2E_TMP/samples"
}

assert_no_overlap() {
	local since=${1:-0} bad
	sampler_stop
	bad=$(sampler_overlaps "$since")
	say "sampler: $(sampler_summary)"
	[ "$bad" -eq 0 ] || fail "$bad samples show both nodes holding $E2E_ALIAS"
	say "ok: no sample shows two holders"
}

# ---------------------------------------------------------------------
# Nodes

# Writes a random key of 32 bytes (64 hex digits) to FILE, mode 0600.
make_key() {
	(umask 077 && head -c 32 /dev/urandom | od -An -tx1 |
	    tr -d ' \n' >"$1")
}

# The wrapper scripts log "EPOCH add|remove IP pid=PID" to
# NODE/scripts.log, then do what NODE/add.mode (or remove.mode) says:
# nothing special (run the shipped script, then log "EPOCH add-done IP
# status=N"), "fail" (exit 1 without it) or "hang" (sleep, recording the
# sleeper's PID in NODE/hang.pid, and never run it).
write_wrapper() {
	local node=$1 what=$2 dir=$E2E_TMP/$1
	cat >"$dir/$what.sh" <<EOF
#!/bin/bash
# failoverd's $what script for node $node in test $E2E_NAME.
set -eu
echo "\${EPOCHREALTIME} $what \$1 pid=\$\$" >>"$dir/scripts.log"
mode=\$(cat "$dir/$what.mode" 2>/dev/null || true)
case \$mode in
fail)
	echo "\${EPOCHREALTIME} $what \$1 failing on purpose" >>"$dir/scripts.log"
	exit 1 ;;
hang)
	sleep 60 &
	echo \$! >"$dir/hang.pid"
	wait
	echo "\${EPOCHREALTIME} $what \$1 hang not killed" >>"$dir/scripts.log"
	exit 0 ;;
esac
rc=0
"$dir/shipped_$what.sh" "\$@" || rc=\$?
echo "\${EPOCHREALTIME} $what-done \$1 status=\$rc" >>"$dir/scripts.log"
exit \$rc
EOF
	chmod 0755 "$dir/$what.sh"
}

node_setup() {
	local node=$1 dir=$E2E_TMP/$1
	mkdir -m 0700 "$dir" "$dir/state"
	install -m 0755 "$E2E_ADD_SCRIPT" "$dir/shipped_add.sh"
	install -m 0755 "$E2E_REMOVE_SCRIPT" "$dir/shipped_remove.sh"
	write_wrapper "$node" add
	write_wrapper "$node" remove
	: >"$dir/scripts.log"
	: >"$dir/daemon.log"
	cp "$E2E_TMP/key" "$dir/key"
	chmod 0600 "$dir/key"
}

# write_config NODE [key=value...]: NODE/failover.xml.  Keys: ismaster
# (default: true on a), failtime (1), interval (none: the daemon's default),
# scripttimeout (5), port, keyfile, addscript and removescript (default
# the logging wrappers), extra (raw XML put before the end).
write_config() {
	local node=$1 dir=$E2E_TMP/$1 kv
	local other=b ismaster=false failtime=1 interval='' scripttimeout=5
	local port=$E2E_HBPORT keyfile=$E2E_TMP/$1/key extra=''
	local addscript=$E2E_TMP/$1/add.sh removescript=$E2E_TMP/$1/remove.sh
	[ "$node" = a ] && ismaster=true
	[ "$node" = a ] || other=a
	shift
	for kv in "$@"; do
		case $kv in
		ismaster=*) ismaster=${kv#*=} ;;
		failtime=*) failtime=${kv#*=} ;;
		interval=*) interval=${kv#*=} ;;
		scripttimeout=*) scripttimeout=${kv#*=} ;;
		port=*) port=${kv#*=} ;;
		keyfile=*) keyfile=${kv#*=} ;;
		addscript=*) addscript=${kv#*=} ;;
		removescript=*) removescript=${kv#*=} ;;
		extra=*) extra=${kv#*=} ;;
		*) fail "write_config: unknown setting '$kv'" ;;
		esac
	done
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<failover version="1">'
		echo "  <ismaster>$ismaster</ismaster>"
		echo "  <aliasip prefix=\"$E2E_PREFIX\">$E2E_ALIAS</aliasip>"
		echo "  <otherip>${E2E_IP[$other]}</otherip>"
		echo "  <localip>${E2E_IP[$node]}</localip>"
		echo "  <interface>eth0</interface>"
		echo "  <failtime>$failtime</failtime>"
		[ -z "$interval" ] || echo "  <interval>$interval</interval>"
		echo "  <port>$port</port>"
		echo "  <keyfile>$keyfile</keyfile>"
		echo "  <addscript>$addscript</addscript>"
		echo "  <removescript>$removescript</removescript>"
		echo "  <scripttimeout>$scripttimeout</scripttimeout>"
		echo "  <statedir>$dir/state</statedir>"
		echo "  <control socket=\"$dir/ctl.sock\"/>"
		[ -z "$extra" ] || echo "  $extra"
		echo '</failover>'
	} >"$dir/failover.xml"
}

ctl() {
	local node=$1
	shift
	timeout 10 "$FAILOVERCTL" -s "$E2E_TMP/$node/ctl.sock" "$@"
}

# ctlq NODE COMMAND...: failoverctl without its reply on stdout.
ctlq() {
	ctl "$@" >/dev/null
}

# status KEY NODE: one value of "failoverctl status -m", or nothing.
status() {
	ctl "$2" status -m 2>/dev/null |
	    awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }'
}

node_running() {
	local pid=${E2E_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# start_node NODE [key=value...]: writes the configuration (see
# write_config), starts failoverd in NODE's namespace in the foreground
# with its log in NODE/daemon.log, and waits until the control socket
# answers.
start_node() {
	local node=$1 dir=$E2E_TMP/$1 pid
	node_running "$node" && fail "start_node $node: already running"
	write_config "$@"
	rm -f "$dir/ctl.sock"
	echo "### $(date '+%T.%N') start failoverd" >>"$dir/daemon.log"
	local opts=(-d)
	[ "${E2E_DEBUG:-0}" != 1 ] || opts+=(-v)
	ip netns exec "${E2E_NS}$node" "$FAILOVERD" "${opts[@]}" \
	    -f "$dir/failover.xml" -S "$E2E_SCHEMA" \
	    </dev/null >>"$dir/daemon.log" 2>&1 &
	pid=$!
	E2E_PID[$node]=$pid
	if ! wait_for "! kill -0 $pid 2>/dev/null || ctl $node ping >/dev/null 2>&1" 10; then
		fail "failoverd on $node does not answer on its control socket"
	fi
	node_running "$node" || fail "failoverd on $node exited at start"
	say "started failoverd on $node (pid $pid)"
}

# Waits for NODE's daemon to exit, at most TIMEOUT_S; its exit status goes
# to E2E_RC.
reap_node() {
	local node=$1 timeout_s=$2 pid=${E2E_PID[$1]}
	E2E_RC=0
	wait_for "! kill -0 $pid 2>/dev/null" "$timeout_s" ||
	    fail "failoverd on $node (pid $pid) did not exit in ${timeout_s}s"
	{ wait "$pid"; } 2>/dev/null || E2E_RC=$?
	unset "E2E_PID[$node]"
}

# stop_node NODE: SIGTERM, then waits (bounded) for a clean exit.
stop_node() {
	local node=$1
	node_running "$node" || fail "stop_node $node: not running"
	kill -TERM "${E2E_PID[$node]}"
	reap_node "$node" 15
	echo "### $(date '+%T.%N') exited with status $E2E_RC" \
	    >>"$E2E_TMP/$node/daemon.log"
	[ "$E2E_RC" -eq 0 ] || fail "failoverd on $node exited with status $E2E_RC after SIGTERM"
	say "stopped failoverd on $node (SIGTERM, status 0)"
}

# kill_node NODE: SIGKILL, as a crash: the address stays behind.
kill_node() {
	local node=$1
	node_running "$node" || fail "kill_node $node: not running"
	# Bash reports a job killed by a signal on stderr when it reaps it;
	# reaping it here, silenced, keeps that noise out of the output.
	{
		kill -KILL "${E2E_PID[$node]}"
		wait "${E2E_PID[$node]}" || true
	} 2>/dev/null
	unset "E2E_PID[$node]"
	echo "### $(date '+%T.%N') killed (SIGKILL)" >>"$E2E_TMP/$node/daemon.log"
	say "killed failoverd on $node (SIGKILL)"
}

# The epoch_us of the first line of NODE's scripts.log for WHAT ("add",
# "remove", or "add-done", "remove-done" when the shipped script ended)
# after SINCE_US, or nothing.
script_time() {
	awk -v w="$2" -v since="${3:-0}" '
	{ t = $1; sub(/\./, "", t) }
	$2 == w && t + 0 >= since + 0 { print t; exit }
	' "$E2E_TMP/$1/scripts.log"
}

# How many times NODE ran WHAT with the floating address as argument.
script_count() {
	grep -c " $2 $E2E_ALIAS pid=" "$E2E_TMP/$1/scripts.log" || true
}

# log_has NODE ERE: NODE's daemon log has a line matching ERE.
log_has() {
	grep -Eqi -- "$2" "$E2E_TMP/$1/daemon.log"
}

# ---------------------------------------------------------------------
# Setup and cleanup

e2e_dump() {
	local f
	for f in "$E2E_TMP"/*/daemon.log "$E2E_TMP"/*/scripts.log; do
		[ -s "$f" ] || continue
		echo "----- ${f#"$E2E_TMP"/} (last 60 lines)"
		tail -n 60 "$f"
	done
	if [ -s "$E2E_TMP/samples" ]; then
		echo "----- sampler: $(sampler_summary)"
	fi
}

# Sanitizer reports in the daemons' logs fail the test even when every
# assertion held.
e2e_check_sanitizers() {
	local f
	for f in "$E2E_TMP"/*/daemon.log; do
		[ -f "$f" ] || continue
		if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			say "FAIL: sanitizer report in ${f#"$E2E_TMP"/}" >&2
			return 1
		fi
	done
	return 0
}

# Kills what is left of the scripts a node ran (a hung script's sleeper,
# a script orphaned by SIGKILL), only if its command line is ours.
e2e_kill_script_leftovers() {
	local f pid
	for f in "$E2E_TMP"/*/hang.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		case $pid in '' | *[!0-9]*) continue ;; esac
		kill -KILL "$pid" 2>/dev/null || true
	done
	sed -n 's/.* pid=\([0-9]*\)$/\1/p' "$E2E_TMP"/*/scripts.log \
	    2>/dev/null | while read -r pid; do
		if grep -qs "$E2E_TMP" "/proc/$pid/cmdline"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}

e2e_cleanup() {
	local rc=$? pid node ns
	trap - EXIT INT TERM
	set +e
	[ "$E2E_FAILED" -eq 0 ] || rc=$E2E_FAILED
	sampler_stop
	for node in "${!E2E_PID[@]}"; do
		pid=${E2E_PID[$node]}
		kill -TERM "$pid" 2>/dev/null
	done
	for node in "${!E2E_PID[@]}"; do
		pid=${E2E_PID[$node]}
		wait_for "! kill -0 $pid 2>/dev/null" 5 ||
		    kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for pid in "${E2E_HELPERS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		e2e_kill_script_leftovers
		if [ "$rc" -eq 0 ] && ! e2e_check_sanitizers; then
			rc=1
		fi
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] ||
		    [ "${E2E_VERBOSE:-0}" = 1 ]; then
			e2e_dump >&2
		fi
	fi
	for ns in "${E2E_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$E2E_TMP" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
		rm -rf "$E2E_TMP"
	elif [ -n "$E2E_TMP" ]; then
		say "kept $E2E_TMP"
	fi
	case $rc in
	0) say "PASS" ;;
	77) ;;
	*) say "FAILED (status $rc)" ;;
	esac
	exit "$rc"
}

e2e_require() {
	local t
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	for t in ip socat timeout awk od; do
		command -v "$t" >/dev/null || skip "'$t' not installed"
	done
	[ -x "$FAILOVERD" ] || skip "no failoverd at $FAILOVERD (set E2E_BUILDDIR)"
	[ -x "$FAILOVERCTL" ] || skip "no failoverctl at $FAILOVERCTL"
	[ -s "$E2E_SCHEMA" ] || skip "no schema at $E2E_SCHEMA"
	[ -s "$E2E_ADD_SCRIPT" ] || fail "the add script $E2E_ADD_SCRIPT is empty"
	[ -s "$E2E_REMOVE_SCRIPT" ] || fail "the remove script $E2E_REMOVE_SCRIPT is empty"
}

# e2e_setup [--no-daemon]: the network, the responders and, unless told,
# the per-node files for failoverd.
e2e_setup() {
	if [ "${1:-}" != --no-daemon ]; then
		e2e_require
	else
		[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	fi
	trap e2e_cleanup EXIT
	trap 'E2E_FAILED=130; exit 130' INT
	trap 'E2E_FAILED=143; exit 143' TERM
	E2E_TMP=$(mktemp -d "/tmp/ipfe-$E2E_NAME.XXXXXX")
	chmod 0755 "$E2E_TMP"
	make_key "$E2E_TMP/key"
	net_setup
	if [ "${1:-}" != --no-daemon ]; then
		node_setup a
		node_setup b
	fi
	start_responder a
	start_responder b
	say "network ${E2E_NS}{sw,a,b,c} ready in $E2E_TMP"
}

# ---------------------------------------------------------------------
# Small helpers for the tests

# A process is alive when it exists and is not a zombie.
pid_alive() {
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# before T1 T2: both epoch_us times exist and T1 < T2.
before() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]
}

# Starts both nodes with the same settings (plus "a:" or "b:" prefixed
# ones for a single node), b first so that neither gets a head start
# that the configuration did not give it.
start_pair() {
	local kv a=() b=()
	for kv in "$@"; do
		case $kv in
		a:*) a+=("${kv#a:}") ;;
		b:*) b+=("${kv#b:}") ;;
		*) a+=("$kv"); b+=("$kv") ;;
		esac
	done
	start_node b "${b[@]}"
	start_node a "${a[@]}"
}

# Prints every status key of NODE on one line, for the record.
show_status() {
	local keys=(state holds peer override takeovers releases
	    script_failures rej_mac rej_replay rej_sender last_reason)
	local k line="" v
	for k in "${keys[@]}"; do
		v=$(status "$k" "$1")
		line+=" $k=${v// /_}"
	done
	say "status $1:$line"
}

# status_is KEY NODE VALUE
status_is() {
	[ "$(status "$1" "$2")" = "$3" ]
}

# not COMMAND...: succeeds when COMMAND fails.
not() {
	! "$@"
}
