#!/bin/bash
# 30-valgrind: both failoverd run under valgrind's memcheck through one
# failover and back.  a (master) is stopped with SIGTERM and b takes over;
# a is restarted and b hands the address back; then both stop with
# SIGTERM.  SIGKILL is never used: a killed process gets no leak check.
# Every daemon run (a twice, b once) must end with status 0 and a
# valgrind log that shows no errors and no definite or indirect leaks;
# no descriptor that the event loop opened may still be open at exit
# (one opened by node_start() for the daemon's life may).  failtime is 2 s,
# since everything runs many times slower under valgrind.
# Skips (77) without valgrind, or when failoverd was built with a
# sanitizer, which valgrind cannot run.
# shellcheck disable=SC2119 # helpers with optional arguments
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

VG_REAL=$FAILOVERD
VG_RUNS=()			# "node pid" of every daemon run, in order
VG_TIMEOUT_S=60			# stop and leak check of one daemon

command -v valgrind >/dev/null || skip "valgrind not installed"
if [ -f "$VG_REAL" ] && LC_ALL=C grep -aqE '__asan_init|__ubsan_handle|__tsan_init' "$VG_REAL"; then
	skip "$VG_REAL is built with a sanitizer; valgrind cannot run it"
fi

e2e_setup

# The wrapper that start_node runs instead of failoverd.  exec keeps the
# PID (ip netns exec execs too), so each log is named by E2E_PID.
mkdir "$E2E_TMP/vg"
cat >"$E2E_TMP/vg/failoverd" <<EOF
#!/bin/sh
exec valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \\
    --error-exitcode=99 --track-fds=yes --num-callers=30 \\
    --log-file="$E2E_TMP/vg/%p.log" "$VG_REAL" "\$@"
EOF
chmod 0755 "$E2E_TMP/vg/failoverd"
FAILOVERD=$E2E_TMP/vg/failoverd

vg_started() {
	VG_RUNS+=("$1 ${E2E_PID[$1]}")
}

# Prints the valgrind log of PID's run, the first 80 lines of it.
vg_show() {
	say "valgrind log of $1 (pid $2):"
	head -n 80 "$E2E_TMP/vg/$2.log" >&2 || true
}

# vg_stop NODE: SIGTERM, then waits for the daemon and its leak check.
# The status is checked with the logs, so that a failure shows them.
vg_stop() {
	local node=$1 pid=${E2E_PID[$1]}
	node_running "$node" || fail "vg_stop $node: not running"
	kill -TERM "$pid"
	reap_node "$node" "$VG_TIMEOUT_S"
	echo "$pid $E2E_RC" >>"$E2E_TMP/vg/status"
	say "stopped failoverd on $node (SIGTERM, status $E2E_RC)"
}

# The descriptors open at exit whose creation went through node_run(),
# the event loop: those are leaks, where the ones node_start() opened
# are meant to last until the exit.  Prints them, as valgrind lists them.
vg_loop_fds() {
	awk '
	/== Open / { block = $0 "\n"; inblock = 1; next }
	inblock && /^==[0-9]+== *$/ {
		if (block ~ /node_run/)
			printf "%s", block
		inblock = 0
		next
	}
	inblock { block = block $0 "\n" }
	' "$1"
}

# vg_check NODE PID: the run ended with status 0, and valgrind found no
# error, no definite or indirect leak, and no descriptor left open by
# the event loop.
vg_check() {
	local node=$1 pid=$2 log=$E2E_TMP/vg/$2.log rc fds loop
	rc=$(awk -v p="$pid" '$1 == p { print $2 }' "$E2E_TMP/vg/status")
	[ -s "$log" ] || fail "no valgrind log for $node (pid $pid)"
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$log" ||
	    grep -Eq '(definitely|indirectly) lost: [1-9]' "$log" ||
	    [ "${rc:-none}" != 0 ]; then
		vg_show "$node" "$pid"
		fail "valgrind: failoverd on $node (pid $pid) ended with status ${rc:-none}, see its log above"
	fi
	loop=$(vg_loop_fds "$log")
	if [ -n "$loop" ]; then
		printf '%s\n' "$loop" >&2
		fail "valgrind: failoverd on $node (pid $pid) left descriptors that its event loop opened (above)"
	fi
	fds=$(sed -n 's/.*FILE DESCRIPTORS: \(.*\)/\1/p' "$log" | tail -n 1)
	say "ok: $node (pid $pid): status 0, no errors, no definite or indirect leaks; descriptors: ${fds:-not reported}"
}

# The logs of the script children, forked under valgrind before their
# exec: any error they report counts too.
vg_check_children() {
	local f pid n=0
	for f in "$E2E_TMP"/vg/*.log; do
		pid=$(basename "$f" .log)
		if printf '%s\n' "${VG_RUNS[@]}" | grep -q " $pid\$"; then
			continue
		fi
		n=$((n + 1))
		if grep -q 'ERROR SUMMARY: [1-9]' "$f"; then
			vg_show child "$pid"
			fail "valgrind: errors in a child of failoverd (pid $pid)"
		fi
	done
	say "ok: no errors in the $n valgrind logs of forked children"
}

start_pair failtime=2
vg_started b
vg_started a
assert "a holds the address" wait_for "holder_is a" 30
assert "b hears a" wait_for "status_is peer b alive" 15

vg_stop a
assert "b takes over" wait_for "holder_is b" 20

start_node a failtime=2
vg_started a
assert "b hands the address back to a" wait_for "holder_is a" 30
assert "b is in standby" wait_for "status_is state b standby" 10

vg_stop b
vg_stop a
assert "nobody holds the address after both stopped" holder_is none

for run in "${VG_RUNS[@]}"; do
	# shellcheck disable=SC2086 # "node pid"
	vg_check $run
done
vg_check_children
say "figures: ${#VG_RUNS[@]} daemon runs under valgrind memcheck, clean"
