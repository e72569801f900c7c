#!/bin/bash
# A guided run of ipfailover, as root: two nodes and a client in network
# namespaces (198.18.0.0/24, nothing outside them), failoverd with the
# shipped add and remove scripts.  It shows both nodes' status, crashes
# the master (SIGKILL), shows the slave taking over while a client keeps
# asking the floating address who it is, brings the master back, shows
# the handback, and ends with the timings.  Everything it created is
# removed at the end, also on failure or Ctrl-C.
#
# Options: --no-deps (skip tests/deps.sh), --no-build (use build/ as it
# is).  Hooks for the SNMP part: when tests/e2e/snmplib.sh exists it is
# sourced and may define demo_snmp_before (called once both nodes run,
# before the crash) and demo_snmp_after (called after the handback).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${E2E_BUILDDIR:-$TOP/build}
DO_DEPS=1
DO_BUILD=1
for arg in "$@"; do
	case $arg in
	--no-deps) DO_DEPS=0 ;;
	--no-build) DO_BUILD=0 ;;
	*)
		echo "usage: $0 [--no-deps] [--no-build]" >&2
		exit 2
		;;
	esac
done

banner() {
	printf '\n##### %s\n' "$*"
}

build() {
	banner "building in $BUILD"
	if [ ! -f "$TOP/configure" ]; then
		(cd "$TOP" && autoreconf -fi)
	fi
	mkdir -p "$BUILD"
	if [ ! -f "$BUILD/Makefile" ]; then
		(cd "$BUILD" && "$TOP/configure" --enable-werror >configure.log) ||
		    { tail -n 30 "$BUILD/configure.log"; exit 1; }
	fi
	make -C "$BUILD" -j2 >"$BUILD/demo-make.log" 2>&1 ||
	    { tail -n 30 "$BUILD/demo-make.log"; exit 1; }
	echo "built $BUILD/failoverd and $BUILD/failoverctl"
}

[ "$DO_DEPS" -eq 0 ] || bash "$TOP/tests/deps.sh"
[ "$DO_BUILD" -eq 0 ] || build

export E2E_BUILDDIR=$BUILD
# shellcheck source-path=SCRIPTDIR source=e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
E2E_NAME=demo

# The SNMP steps are somebody else's; these do nothing unless
# tests/e2e/snmplib.sh replaces them.
demo_snmp_before() { :; }
demo_snmp_after() { :; }
if [ -f "$TOP/tests/e2e/snmplib.sh" ]; then
	# shellcheck disable=SC1091 # optional, may not exist
	. "$TOP/tests/e2e/snmplib.sh"
fi

# The client asks "who are you?" at the floating address every 100 ms,
# for at most SECONDS seconds, into $E2E_TMP/watch ("epoch_ms who").
watch_start() {
	local seconds=$1
	(
		end=$(($(now_ms) + seconds * 1000))
		n=0
		while [ "$n" -lt $((seconds * 10)) ] && [ "$(now_ms)" -lt "$end" ]; do
			who=$(timeout 2 ip netns exec "${E2E_NS}c" socat -T1 -u \
			    "TCP:$E2E_ALIAS:$E2E_PORT,connect-timeout=0.2" \
			    STDOUT 2>/dev/null) || who=-
			echo "$(now_ms) ${who:--}"
			n=$((n + 1))
			sleep 0.1
		done
	) >"$E2E_TMP/watch" &
	WATCH_PID=$!
	E2E_HELPERS+=("$WATCH_PID")
}

# The client's view from FROM_MS on: the answers in a row, and the
# longest time without an answer.
watch_report() {
	awk -v from="$1" '
	$1 < from { next }
	{
		if ($2 != last) { seq = seq (seq == "" ? "" : " ") $2; last = $2 }
		if ($2 != "-") {
			if (ok != "" && $1 - ok > gap) gap = $1 - ok
			ok = $1
		}
	}
	END { printf "answers: %s; longest silence %d ms\n", seq, gap }
	' "$E2E_TMP/watch"
}

show_both() {
	local n
	for n in a b; do
		echo "--- failoverctl status on node $n"
		if node_running "$n"; then
			ctl "$n" status | sed 's/^/    /' || true
		else
			echo "    (failoverd not running)"
		fi
	done
	echo "--- the address is on: $(holder); the client reaches: $(client_reach)"
}

e2e_setup
for n in a b; do
	install -m 0755 "$E2E_ADD_SCRIPT" "$E2E_TMP/$n/failover_add.sh"
	install -m 0755 "$E2E_REMOVE_SCRIPT" "$E2E_TMP/$n/failover_remove.sh"
done
scripts=(addscript="$E2E_TMP/a/failover_add.sh"
    removescript="$E2E_TMP/a/failover_remove.sh")
scripts_b=(addscript="$E2E_TMP/b/failover_add.sh"
    removescript="$E2E_TMP/b/failover_remove.sh")

banner "two nodes: a 198.18.0.1 (master), b 198.18.0.2 (slave); floating $E2E_ALIAS; failtime 1 s"
t0=$(now_ms)
start_node b "${scripts_b[@]}"
start_node a "${scripts[@]}"
wait_for "holder_is a" 10 || fail "a did not take the address"
t_start=$(($(now_ms) - t0))
wait_for "client_reaches a" 5 || fail "the client does not reach a"
show_both
demo_snmp_before

banner "crash the master: SIGKILL failoverd on a (its address stays behind)"
watch_start 30
sleep 1
t_kill=$(now_ms)
kill_node a
wait_for "has_alias b" 10 || fail "b did not take over"
t_take=$(($(now_ms) - t_kill))
wait_for "client_reaches b" 5 || fail "the client does not reach b"
t_reach=$(($(now_ms) - t_kill))
sleep 1
show_both
echo "--- the client's neighbour entry for $E2E_ALIAS: node $(client_mac)"

banner "the master comes back: failoverd on a again"
t_back=$(now_ms)
start_node a "${scripts[@]}"
wait_for "holder_is a" 20 || fail "a did not get the address back"
t_hand=$(($(now_ms) - t_back))
wait_for "client_reaches a" 5 || fail "the client does not reach a"
t_reach2=$(($(now_ms) - t_back))
sleep 1
kill "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
show_both
demo_snmp_after

banner "summary"
echo "master holding after start:          $(ms_to_s "$t_start") s"
echo "crash to address on b:               $(ms_to_s "$t_take") s (b's failtime $(status failtime b) s)"
echo "crash to client answered by b:       $(ms_to_s "$t_reach") s"
echo "master restart to address on a only: $(ms_to_s "$t_hand") s"
echo "master restart to client reaching a: $(ms_to_s "$t_reach2") s"
echo "the client, every 100 ms from the crash on: $(watch_report "$t_kill")"
echo "b's own last_takeover_ms: $(status last_takeover_ms b); a's: $(status last_takeover_ms a)"
