#!/bin/bash
# 61-crash-path: failoverd on a, killed with SIGKILL while it holds the
# address, under a small supervisor that does what systemd does with
# systemd/failoverd.service.in: it starts the unit's ExecStart= line in a
# cgroup of its own, with the unit's Environment= and a NOTIFY_SOCKET,
# waits for the main process, and when it is gone runs the unit's
# ExecStopPost= line, as written in the unit, with SERVICE_RESULT,
# EXIT_CODE and EXIT_STATUS set the way systemd sets them, inside the
# same cgroup; then it kills what is left in the cgroup (KillMode=mixed).
#
# Without the stop hook, and with the address lease off, the killed
# master keeps the address until it runs again.  Here the address must
# leave a within a fraction of failtime, before b takes it over, so no
# sample shows two holders.  A second round restarts a (as Restart= would), kills it
# while its add script hangs, and checks that the hook killed that
# script, which could otherwise put the address back later.
#
# Paths: the unit's @sbindir@ is where FAILOVERD lives, @pkglibexecdir@
# is E2E_CLEANUP_DIR (default systemd/ in the source tree).  systemd is
# not PID 1 on the test machines, hence the supervisor; the test uses
# nsenter rather than "ip netns exec" so that /sys, and the cgroup files
# the hook reads, stay as they are, as under systemd.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

UNIT_IN=${E2E_UNIT:-$E2E_SRCDIR/systemd/failoverd.service.in}
E2E_CLEANUP_DIR=${E2E_CLEANUP_DIR:-$E2E_SRCDIR/systemd}
CG=			# our cgroup, a directory in a cgroup2 mount
SUP_PID=		# the supervisor

# ---------------------------------------------------------------------
# The unit text

# unit_lines KEY: the values of KEY= in the [Service] section, in order,
# with @sbindir@ and the other configure-time names replaced as make
# replaces them.
unit_lines() {
	awk -v k="$1" '
	/^\[/ { sect = $0; next }
	sect == "[Service]" && index($0, k "=") == 1 {
		print substr($0, length(k) + 2)
	}' "$UNIT_IN" | sed \
	    -e "s|@sbindir@|$(dirname "$FAILOVERD")|g" \
	    -e "s|@pkglibexecdir@|$E2E_CLEANUP_DIR|g" \
	    -e "s|@sysconfdir@|/etc|g" \
	    -e "s|@runstatedir@|/run|g"
}

# Fills the array CMD with the words of command line $1 after systemd's
# expansion against the "NAME=value" words in ENVS: "$NAME" alone is
# split into words, "${NAME}" stays one word.  Quotes and prefixes such
# as "-" are not handled: the unit uses neither, and the test refuses
# them rather than guess.
expand_cmdline() {
	local line=$1 w name val e
	CMD=()
	case $line in
	*\"* | *\'* | -* | @* | +* | !* | :*)
		fail "the unit's command line needs a full systemd parser: $line" ;;
	esac
	for w in $line; do
		if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
			name=${BASH_REMATCH[1]}
			val=$(env_value "$name")
			# shellcheck disable=SC2206
			[ -z "$val" ] || CMD+=($val)
			continue
		fi
		while [[ $w =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
			name=${BASH_REMATCH[1]}
			e=$(env_value "$name")
			w=${w//"\${$name}"/$e}
		done
		CMD+=("$w")
	done
}

env_value() {
	local kv v=''
	for kv in "${ENVS[@]}"; do
		[ "${kv%%=*}" != "$1" ] || v=${kv#*=}
	done
	printf '%s' "$v"
}

# ---------------------------------------------------------------------
# The supervisor

# A cgroup2 directory for the service, named like a unit's, or nothing
# when no writable cgroup2 mount is found.
make_cgroup() {
	local root
	for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ -f "$root/cgroup.procs" ] || continue
		[ -f "$root/cgroup.controllers" ] || continue
		if mkdir "$root/${E2E_NS}failoverd.service" 2>/dev/null; then
			CG=$root/${E2E_NS}failoverd.service
			return 0
		fi
	done
	return 0
}

# in_unit COMMAND...: execs COMMAND in a's network namespace, with
# exactly the environment ENVS, after moving this (sub)shell into the
# service's cgroup.  Meant for a subshell, as in ( in_unit ... ) &, so
# that $! is the command's own PID.
in_unit() {
	[ -z "$CG" ] || echo "$BASHPID" >"$CG/cgroup.procs"
	exec nsenter --net="/run/netns/${E2E_NS}a" env -i "${ENVS[@]}" "$@"
}

# supervise DIR: one life of the service, as systemd runs it.  Writes
# DIR/main.pid when the daemon runs and DIR/stopped when the unit is
# down, and logs what it does in DIR/supervisor.log.
supervise() {
	local dir=$1 st=0 pid sig name result code status rc=0 p
	local -a start stoppost
	ENVS=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	    "INVOCATION_ID=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
	    "NOTIFY_SOCKET=$dir/notify.sock")
	while IFS= read -r kv; do
		ENVS+=("$kv")
	done < <(unit_lines Environment)
	# The drop-in an operator would write for this node.
	ENVS+=("FAILOVER_CONF=$dir/failover.xml"
	    "FAILOVERD_OPTS=-S $E2E_SCHEMA")
	expand_cmdline "$(unit_lines ExecStart)"
	start=("${CMD[@]}")
	expand_cmdline "$(unit_lines ExecStopPost)"
	stoppost=("${CMD[@]}")
	echo "ExecStart: ${start[*]}"
	echo "ExecStopPost: ${stoppost[*]}"

	(in_unit "${start[@]}") >>"$dir/daemon.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/main.pid"
	echo "main pid $pid"
	{ wait "$pid" || st=$?; } 2>/dev/null

	# What systemd reports: a clean signal (TERM, INT, HUP, PIPE) is
	# success for Type=notify, any other signal is "signal".
	if [ "$st" -gt 128 ]; then
		sig=$((st - 128))
		name=$(kill -l "$sig")
		code=killed
		status=$name
		case $name in
		TERM | INT | HUP | PIPE) result=success ;;
		*) result=signal ;;
		esac
	else
		code=exited
		status=$st
		result=success
		[ "$st" -eq 0 ] || result=exit-code
	fi
	echo "main process ended: SERVICE_RESULT=$result EXIT_CODE=$code EXIT_STATUS=$status"
	ENVS+=("SERVICE_RESULT=$result" "EXIT_CODE=$code"
	    "EXIT_STATUS=$status")
	(in_unit "${stoppost[@]}") >>"$dir/cleanup.log" 2>&1 </dev/null ||
	    rc=$?
	echo "ExecStopPost exited with status $rc"

	# KillMode=mixed: what is left of the cgroup gets SIGKILL.
	if [ -n "$CG" ]; then
		while read -r p; do
			echo "final SIGKILL to pid $p"
			kill -KILL "$p" 2>/dev/null || true
		done <"$CG/cgroup.procs"
	fi
	echo "$rc" >"$dir/stopped"
}

start_supervised() {
	local dir=$E2E_TMP/a
	rm -f "$dir/ctl.sock" "$dir/main.pid" "$dir/stopped"
	if [ -f "$dir/cleanup.log" ]; then
		cat "$dir/cleanup.log" >>"$dir/cleanup-before.log"
		: >"$dir/cleanup.log"
	fi
	: >"$dir/notify.log"
	socat -u "UNIX-RECV:$dir/notify.sock,unlink-early" \
	    "OPEN:$dir/notify.log,append" 2>/dev/null &
	E2E_HELPERS+=("$!")
	supervise "$dir" >>"$dir/supervisor.log" 2>&1 &
	SUP_PID=$!
	wait_for "[ -s $dir/main.pid ]" 5 || fail "the supervisor did not start failoverd"
	E2E_PID[a]=$(cat "$dir/main.pid")
	# $! of the supervisor's subshell must be the daemon itself, as
	# $MAINPID is under systemd.
	wait_for "grep -qx failoverd /proc/${E2E_PID[a]}/comm" 2 ||
	    fail "the supervisor's main PID ${E2E_PID[a]} is not failoverd"
	if ! wait_for "[ -e $dir/stopped ] || ctl a ping >/dev/null 2>&1" 10; then
		fail "failoverd on a does not answer under the supervisor"
	fi
	[ ! -e "$dir/stopped" ] || fail "failoverd on a exited at start"
	say "started failoverd on a under the supervisor (pid ${E2E_PID[a]})"
}

# Waits for the supervisor to finish the stop (ExecStopPost included).
wait_stopped() {
	wait_for "[ -e $E2E_TMP/a/stopped ]" 30 ||
	    fail "the supervisor did not finish the stop in 30s"
	wait "$SUP_PID" 2>/dev/null || true
	SUP_PID=
	unset "E2E_PID[a]"
}

# SIGKILL to a's daemon.  The supervisor, its parent, reaps it.
crash_a() {
	kill -KILL "${E2E_PID[a]}"
	echo "=== $(date '+%T.%N') killed (SIGKILL)" >>"$E2E_TMP/a/daemon.log"
	say "killed failoverd on a (SIGKILL)"
}

crash_cleanup() {
	local rc=$? p
	set +e
	if [ -n "$SUP_PID" ]; then
		kill -TERM "$SUP_PID" 2>/dev/null
	fi
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			while read -r p; do
				kill -KILL "$p" 2>/dev/null
			done <"$CG/cgroup.procs"
			rmdir "$CG" 2>/dev/null && break
			sleep 0.2
		done
		[ ! -d "$CG" ] || say "could not remove cgroup $CG" >&2
	fi
	[ -z "$SUP_PID" ] || wait "$SUP_PID" 2>/dev/null
	# Killed with the cgroup above if it ran under the supervisor; one
	# started outside the unit (round 3) is left to e2e_cleanup.
	if [ -n "${E2E_PID[a]:-}" ] && ! kill -0 "${E2E_PID[a]}" 2>/dev/null; then
		unset "E2E_PID[a]"
	fi
	[ -f "$E2E_TMP/a/supervisor.log" ] && [ "$rc" -ne 0 ] &&
	    { echo "----- a/supervisor.log"; cat "$E2E_TMP/a/supervisor.log"
	    echo "----- a/cleanup.log"; cat "$E2E_TMP/a/cleanup.log"; } >&2
	(exit "$rc")
	e2e_cleanup
}

# ---------------------------------------------------------------------

command -v nsenter >/dev/null || skip "'nsenter' not installed"
command -v xmllint >/dev/null || skip "'xmllint' not installed"
[ -f "$UNIT_IN" ] || skip "no unit at $UNIT_IN"
[ -x "$E2E_CLEANUP_DIR/failover-cleanup" ] ||
    skip "no failover-cleanup in $E2E_CLEANUP_DIR"
e2e_setup
trap crash_cleanup EXIT
make_cgroup
if [ -n "$CG" ]; then
	say "service cgroup $CG"
else
	say "no writable cgroup2 mount: the leftover-script round is skipped"
fi
say "unit ExecStopPost=$(unit_lines ExecStopPost)"

# a's address lease is off, so that only the stop hook can take the
# address away (with the lease, it would also expire after 2 s).
nolease='extra=<addresslease>false</addresslease>'
start_node b failtime=3
write_config a failtime=3 "$nolease"
start_supervised
assert "a holds the address" wait_for "holder_is a" 15
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
if grep -q NOTIFY_SOCKET "$FAILOVERD"; then
	assert "failoverd told the supervisor READY=1" \
	    wait_for "grep -q READY=1 $E2E_TMP/a/notify.log" 3
else
	say "note: this failoverd sends no READY=1 (Type=notify would time out)"
fi

# Round 1: SIGKILL while holding the address.
sampler_start 20
since=$(now_ms)000
t0=$(now_ms)
crash_a
assert "the stop hook takes the address off a" \
    wait_for "! has_alias a" 3
dt_gone=$(($(now_ms) - t0))
assert "b takes over after failtime" wait_for "has_alias b" 10
dt_b=$(($(now_ms) - t0))
wait_stopped
assert "the address left a before b added it" \
    test "$dt_gone" -lt "$dt_b"
assert_no_overlap "$since"
assert "systemd's variables reached the hook" \
    grep -q "failoverd killed by signal KILL (service result: signal)" \
    "$E2E_TMP/a/cleanup.log"
assert "the hook ran a's configured remove script" \
    test -n "$(script_time a remove "$since")"
assert "the hook reports the address removed" \
    grep -q "198.18.0.100 removed from this host" "$E2E_TMP/a/cleanup.log"
assert "ExecStopPost succeeded" test "$(cat "$E2E_TMP/a/stopped")" = 0
assert "nothing but the daemon had to die" \
    not grep -q "left behind" "$E2E_TMP/a/cleanup.log"
assert "the client reaches b" wait_for "client_reaches b" 3
assert "the client has b's MAC" test "$(client_mac)" = b
say "figures: failtime 3s; SIGKILL to address gone from a $(ms_to_s "$dt_gone")s; to address on b $(ms_to_s "$dt_b")s"

# Round 2: a restarts (Restart=on-failure), gets the address back from
# b, and dies while its add script hangs.
if [ -z "$CG" ]; then
	say "round 2 skipped: no cgroup"
	exit 0
fi
echo hang >"$E2E_TMP/a/add.mode"
write_config a failtime=3 scripttimeout=60 "$nolease"
start_supervised
assert "b hands the address back to the restarted master" \
    wait_for "! has_alias b" 15
assert "a's add script hangs" wait_for "[ -s $E2E_TMP/a/hang.pid ]" 10
sleeper=$(cat "$E2E_TMP/a/hang.pid")
assert "the hanging script's child runs" pid_alive "$sleeper"
since=$(now_ms)000
crash_a
wait_stopped
assert "the hook killed the dead daemon's leftover processes" \
    grep -q "left behind by failoverd" "$E2E_TMP/a/cleanup.log"
assert "the hanging add script is gone" not pid_alive "$sleeper"
assert "the hook found no address to remove on a" \
    grep -q "nothing to remove" "$E2E_TMP/a/cleanup.log"
assert "nothing was left for the final SIGKILL" \
    not grep -q "final SIGKILL" "$E2E_TMP/a/supervisor.log"
assert "b takes the address again after failtime" \
    wait_for "holder_is b" 10
assert "the client reaches b" wait_for "client_reaches b" 3

# Round 3: failoverd runs on a outside the unit and holds the address;
# the unit's own failoverd, on the same configuration, cannot start.
rm -f "$E2E_TMP/a/add.mode"
start_node a failtime=3 "$nolease"
assert "a (outside the unit) holds the address" wait_for "holder_is a" 15
dir=$E2E_TMP/a
rm -f "$dir/main.pid" "$dir/stopped"
cat "$dir/cleanup.log" >>"$dir/cleanup-before.log"
: >"$dir/cleanup.log"
supervise "$dir" >>"$dir/supervisor.log" 2>&1 &
SUP_PID=$!
wait_for "[ -e $dir/stopped ]" 30 || fail "the unit did not stop"
wait "$SUP_PID" 2>/dev/null || true
SUP_PID=
assert "the unit's failoverd refused to start" \
    grep -q "EXIT_CODE=exited EXIT_STATUS=1" "$dir/supervisor.log"
assert "the hook saw the other failoverd and left the address alone" \
    grep -q "a failoverd answers on" "$dir/cleanup.log"
assert "a still holds the address" holder_is a
assert "the failoverd outside the unit still runs" node_running a
