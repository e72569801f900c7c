#!/bin/bash
# soak.sh [SECONDS]: runs the pair of tests/e2e (namespaces, 198.18.0.0/24
# only) for SECONDS (default 3600) and injects a random fault from the
# lists of tests 40-49 every few seconds, then heals it.  The holder of the
# floating address is sampled every few ms all along.
#
# After each fault: within 20 s of the heal, exactly one node holds the
# address, both daemons run and hear each other.  Two holders are allowed
# only from the start of a fault that makes them unavoidable (SIGKILL of
# the holder, a frozen or cut-off master, one-way loss, a partition)
# until that fault is healed and settled; anywhere else they are a
# violation.  A node left in fault after a heal gets "failoverctl auto",
# as an operator would do, and that is counted.
#
# At the end it prints a summary: faults injected, address moves, the
# worst time with no holder, every moment with two holders, memory of each
# daemon at the start and the end; and exits 1 if any invariant broke.
#
# Environment: SOAK_SEED (bash RANDOM seed, printed), E2E_BUILDDIR and
# the rest as in tests/e2e/lib.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=e2e/lib.sh
. "$(dirname "$0")/e2e/lib.sh"
# shellcheck source-path=SCRIPTDIR source=e2e/faultlib.sh
. "$(dirname "$0")/e2e/faultlib.sh"

DURATION=${1:-3600}
case $DURATION in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
SEED=${SOAK_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
SETTLE_S=20
# failtime 2 s with a heartbeat every 0.2 s: 20 % loss would need ten
# losses in a row (1e-7) to pass for a dead peer, so a takeover under the
# "loss" fault is a real fault, even over hours.
CONF=(failtime=2 interval=0.2)

fl_require nft iptables python3 tcpdump
e2e_setup
fl_attacker_setup
with_forger=0
if command -v gcc >/dev/null; then
	fl_build_forger
	with_forger=1
fi
start_pair "${CONF[@]}"
wait_for "holder_is a" 10 || fail "a does not take the address at start"
WINDOWS=$E2E_TMP/windows
VIOLATIONS=$E2E_TMP/violations
: >"$WINDOWS"
: >"$VIOLATIONS"
declare -A FAULTS=() RSS0=() PID0=() RESTARTS=([a]=0 [b]=0)
AUTOS=0
for n in a b; do
	PID0[$n]=${E2E_PID[$n]}
	RSS0[$n]=$(fl_rss_kb "${E2E_PID[$n]}")
done
sampler_start $((DURATION + 300))

violation() {
	say "VIOLATION: $*"
	echo "$*" >>"$VIOLATIONS"
}

# The node holding the address now (a if none or both).
holder_node() {
	if has_alias b && ! has_alias a; then echo b; else echo a; fi
}

other() {
	if [ "$1" = a ]; then echo b; else echo a; fi
}

# A slow host must not end the soak: a daemon that does not answer
# within 60 s is a violation, not a fatal error.
restart() {
	RESTARTS[$1]=$((RESTARTS[$1] + 1))
	fl_spawn_node "$1" "${CONF[@]}"
	wait_for "ctl $1 ping >/dev/null 2>&1" 60 ||
	    violation "failoverd on $1 does not answer 60s after its start"
}

# --- The faults.  Each returns 0 when two holders were unavoidable
# between its start and its heal, 1 otherwise.

f_kill_holder() {
	local n
	n=$(holder_node)
	kill_node "$n" >/dev/null
	sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
	[ $((RANDOM % 2)) -eq 0 ] || sleep 2.5	# after failtime, or before
	restart "$n"
	return 0
}

f_sigterm() {
	local n=$1
	stop_node "$n" >/dev/null
	sleep $((1 + RANDOM % 3))
	restart "$n"
	return 1
}

f_sigstop() {
	local n pid
	n=$(holder_node)
	pid=${E2E_PID[$n]}
	kill -STOP "$pid"
	sleep "$((RANDOM % 3)).$((RANDOM % 10))"
	kill -CONT "$pid"
	return 0
}

f_link_down() {
	local n=$1
	ip -n "${E2E_NS}$n" link set eth0 down
	sleep $((1 + RANDOM % 3))
	ip -n "${E2E_NS}$n" link set eth0 up
	return 0
}

f_loss() {
	fl_loss a 20
	fl_loss b 20
	sleep $((3 + RANDOM % 5))
	fl_loss a 0
	fl_loss b 0
	return 1
}

f_oneway() {
	local n=$1
	fl_loss "$n" 100
	sleep $((1 + RANDOM % 4))
	fl_loss "$n" 0
	return 0
}

f_partition() {
	fl_partition on
	sleep $((1 + RANDOM % 4))
	fl_partition off
	return 0
}

# The standby's script fails (or hangs) while the holder stops: a gap,
# never two holders.
f_script() {
	local mode=$1 n standby
	n=$(holder_node)
	standby=$(other "$n")
	echo "$mode" >"$E2E_TMP/$standby/add.mode"
	stop_node "$n" >/dev/null
	sleep $((2 + RANDOM % 3))
	rm -f "$E2E_TMP/$standby/add.mode"
	if [ "$mode" = hang ] && [ -f "$E2E_TMP/$standby/hang.pid" ]; then
		sleep 5	# the hung script is killed at scripttimeout
	fi
	restart "$n"
	return 1
}

f_sighup_broken() {
	local n=$1 cfg=$E2E_TMP/$1/failover.xml
	cp "$cfg" "$cfg.good"
	sed -i 's|</failtime>|</interval>|' "$cfg"
	kill -HUP "${E2E_PID[$n]}"
	sleep 1
	mv "$cfg.good" "$cfg"
	kill -HUP "${E2E_PID[$n]}"
	return 1
}

f_forged() {
	local n=$1
	[ "$with_forger" -eq 1 ] || return 1
	fl_forge x "${E2E_IP[$n]}" "${E2E_IP[$(other "$n")]}" mix 0 \
	    $((2 + RANDOM % 4)) >>"$E2E_TMP/forge.log" 2>&1 || true
	return 1
}

f_ctl_flood() {
	local n=$1 i pids=()
	for ((i = 0; i < 300; i++)); do
		timeout 2 "$FAILOVERCTL" -s "$E2E_TMP/$n/ctl.sock" status \
		    >/dev/null 2>&1 &
		pids+=("$!")
	done
	wait "${pids[@]}" 2>/dev/null || true	# each ends within 2 s
	return 1
}

f_manual() {
	local n
	n=$(other "$(holder_node)")
	ctlq "$n" add "$E2E_ALIAS" || true
	sleep $((2 + RANDOM % 3))
	ctlq "$n" auto || true
	return 1
}

KINDS=(kill_holder sigterm sigstop link_down loss oneway partition
    script_fail script_hang sighup_broken forged ctl_flood manual)

inject() {
	local kind=$1 number=$2 n=a
	((RANDOM % 2)) || n=b
	say "fault $number: $kind (node $n, holder $(holder))"
	case $kind in
	kill_holder) f_kill_holder ;;
	sigterm) f_sigterm "$n" ;;
	sigstop) f_sigstop ;;
	link_down) f_link_down "$n" ;;
	loss) f_loss ;;
	oneway) f_oneway "$n" ;;
	partition) f_partition ;;
	script_fail) f_script fail ;;
	script_hang) f_script hang ;;
	sighup_broken) f_sighup_broken "$n" ;;
	forged) f_forged "$n" ;;
	ctl_flood) f_ctl_flood "$n" ;;
	manual) f_manual ;;
	esac
}

# settled: both run, one holder, each hears the other.
settled() {
	node_running a && node_running b &&
	    { holder_is a || holder_is b; } &&
	    status_is peer a alive && status_is peer b alive
}

# After a heal: daemons that died are a violation (and are restarted);
# a node in fault gets "failoverctl auto"; then one holder within
# SETTLE_S.
settle() {
	local kind=$1 n
	for n in a b; do
		if ! pid_alive "${E2E_PID[$n]:-0}"; then
			violation "$kind: failoverd on $n died"
			wait "${E2E_PID[$n]:-0}" 2>/dev/null || true
			unset "E2E_PID[$n]"
			restart "$n"
		fi
	done
	if ! wait_for settled "$SETTLE_S"; then
		for n in a b; do
			if status_is state "$n" fault; then
				ctlq "$n" auto || true
				AUTOS=$((AUTOS + 1))
			fi
		done
		wait_for settled "$SETTLE_S" ||
		    violation "$kind: not settled ${SETTLE_S}s after the heal (holder '$(holder)', a $(status state a), b $(status state b))"
	fi
}

# --- The run.
t_end=$(($(now_ms) + DURATION * 1000))
max_faults=$((DURATION / 2 + 1))
count=0
say "soak: ${DURATION}s, seed $SEED, forger $([ "$with_forger" -eq 1 ] && echo yes || echo no)"
while [ "$(now_ms)" -lt "$t_end" ] && [ "$count" -lt "$max_faults" ]; do
	sleep "$((2 + RANDOM % 4)).$((RANDOM % 10))"
	kind=${KINDS[$((RANDOM % ${#KINDS[@]}))]}
	start=$(now_ms)000
	unavoidable=0
	inject "$kind" $((count + 1)) || unavoidable=$?
	unavoidable=$((unavoidable == 0))
	settle "$kind"
	end=$(now_ms)000
	echo "$start $end $kind $unavoidable" >>"$WINDOWS"
	FAULTS[$kind]=$((${FAULTS[$kind]:-0} + 1))
	count=$((count + 1))
	if [ $((count % 20)) -eq 0 ]; then
		say "soak: $count faults, $(($(wc -l <"$VIOLATIONS"))) violations so far"
	fi
done
sampler_stop

# --- The verdict on every two-holder read.  A read outside the windows
# of unavoidable faults is a violation; those within 5 s after the host
# itself stalled (no sampler read for over 500 ms: the daemons did not
# run either) are told apart, since a stalled master looks dead.
overlaps=$E2E_TMP/overlaps
stall_list=$E2E_TMP/stalls
fl_overlap_times 0 >"$overlaps"
awk '{ if (last && $1 - last > 500000) print last, $1 + 5000000; last = $1 }' \
    "$E2E_TMP/samples" >"$stall_list"
read -r expected avoidable stalled < <(awk -v sf="$E2E_TMP/stall_overlaps" '
	BEGIN { n = 0; m = 0 }
	FILENAME == ARGV[1] { s[n] = $1; e[n] = $2; k[n] = $3; u[n] = $4; n++; next }
	FILENAME == ARGV[2] { ss[m] = $1; se[m] = $2; m++; next }
	{
		for (i = 0; i < n; i++)
			if ($1 >= s[i] && $1 <= e[i])
				break
		if (i < n && u[i]) { ok++; next }
		for (j = 0; j < m; j++)
			if ($1 >= ss[j] && $1 <= se[j])
				break
		where = i < n ? k[i] : "no fault"
		if (j < m) {
			st++
			printf "two holders at %s during %s, after a host stall\n", $1, where >sf
			next
		}
		bad++
		printf "two holders at %s during %s\n", $1, where >"/dev/stderr"
	}
	END { printf "%d %d %d\n", ok, bad, st }' "$WINDOWS" "$stall_list" \
    "$overlaps" 2>>"$VIOLATIONS")

# --- Summary.
moves=$(sampler_summary | awk -F': ' '{ print (NF > 1 ? split($2, x, " ") - 1 : 0) }')
adds=$(($(script_count a add) + $(script_count b add)))
# The longest stretch with no holder, and the fault it fell in.
read -r gap gap_kind < <(awk '
	BEGIN { n = 0 }
	NR == FNR { s[n] = $1; e[n] = $2; k[n] = $3; n++; next }
	{
		v[$2] = $3
		if (v["a"] || v["b"]) {
			if (from && $1 - from > worst) { worst = $1 - from; at = from }
			from = 0; seen = $1
		} else if (!from && seen)
			from = seen
	}
	END {
		kind = "no fault"
		for (i = 0; i < n; i++)
			if (at >= s[i] && at <= e[i]) kind = k[i]
		printf "%d %s\n", worst / 1000, kind
	}' "$WINDOWS" "$E2E_TMP/samples")
echo
echo "===== soak summary (seed $SEED, ${DURATION}s) ====="
echo "faults injected: $count"
for k in "${KINDS[@]}"; do
	printf '  %-14s %d\n' "$k" "${FAULTS[$k]:-0}"
done
echo "address moves seen by the sampler: $moves; add scripts run: $adds"
echo "worst time with no holder: ${gap} ms (during $gap_kind)"
echo "reads showing two holders: $expected during unavoidable faults, $stalled after host stalls, $avoidable elsewhere"
echo "operator 'failoverctl auto' needed: $AUTOS"
for n in a b; do
	pid=${E2E_PID[$n]}
	echo "failoverd $n: start pid ${PID0[$n]} RSS ${RSS0[$n]} KiB; end pid $pid RSS $(fl_rss_kb "$pid") KiB, peak $(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status") KiB, fds $(fl_fd_count "$pid"); restarts ${RESTARTS[$n]}"
done
read -r stalls stall_ms <<<"$(fl_stalls 500)"
echo "samples: $(sampler_summary | cut -d, -f1); host stalls over 500 ms between two reads: $stalls, longest $stall_ms ms"
if [ -s "$VIOLATIONS" ]; then
	[ ! -s "$E2E_TMP/stall_overlaps" ] ||
	    head -n 3 "$E2E_TMP/stall_overlaps" | sed 's/^/  (host stall) /'
	echo "violations: $(wc -l <"$VIOLATIONS")"
	head -n 20 "$VIOLATIONS" | sed 's/^/  /'
	fail "the soak found violations"
fi
echo "violations: 0"
