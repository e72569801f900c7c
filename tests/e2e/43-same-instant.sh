#!/bin/bash
# 43-same-instant: both daemons start at the same instant, many times.
#
# Both wait behind one FIFO (each blocks opening it for reading) and are
# released together when the test opens it for writing, so neither gets
# a head start.  Both start in INIT, where a peer that is still starting
# counts as a contender, so at the end of INIT both compute the same
# winner.  Each round must end with exactly that one holder, the loser
# must never run its add script, and no sample may show two holders:
#
#   20 rounds, both configured master: a wins (the lower address)
#   10 rounds, b master and a slave: b wins
#
# Between rounds the loser stops first, then the winner, so that no
# handover on the way down makes the loser run a script.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

e2e_setup
sampler_start 250
worst_ms=0
worst_skew=0

# The time of day, in ms, of NODE's latest "started" log line.
started_ms() {
	grep ' info: started: ' "$E2E_TMP/$1/daemon.log" | tail -n 1 |
	    awk '{ split($1, t, /[:.]/)
		print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}

# round N WINNER LOSER a:SETTING... b:SETTING...
round() {
	local n=$1 win=$2 lose=$3 fifo=$E2E_TMP/barrier.$1 since kv
	local a=() b=() t0 dt skew
	shift 3
	for kv in "$@"; do
		case $kv in
		a:*) a+=("${kv#a:}") ;;
		b:*) b+=("${kv#b:}") ;;
		esac
	done
	mkfifo "$fifo"
	since=$(now_ms)000
	fl_spawn_at_barrier a "$fifo" "${a[@]}"
	fl_spawn_at_barrier b "$fifo" "${b[@]}"
	t0=$(now_ms)
	fl_barrier_open "$fifo" a b
	wait_for "ctl a ping >/dev/null 2>&1 && ctl b ping >/dev/null 2>&1" 10 ||
	    fail "round $n: a daemon does not answer"
	wait_for "holder_is $win" 10 ||
	    fail "round $n: holder is '$(holder)', expected $win alone"
	dt=$(($(now_ms) - t0))
	[ "$dt" -le "$worst_ms" ] || worst_ms=$dt
	skew=$(($(started_ms a) - $(started_ms b)))
	skew=${skew#-}
	[ "$skew" -le "$worst_skew" ] || worst_skew=$skew
	sleep 1.5
	holder_is "$win" ||
	    fail "round $n: holder is '$(holder)' 1.5s later, expected $win"
	status_is state "$lose" standby ||
	    fail "round $n: $lose is $(status state "$lose"), not standby"
	[ -z "$(script_time "$lose" add "$since")" ] ||
	    fail "round $n: $lose ran its add script"
	[ "$(sampler_overlaps "$since")" -eq 0 ] ||
	    fail "round $n: the sampler saw two holders"
	stop_node "$lose" >/dev/null
	stop_node "$win" >/dev/null
	rm -f "$fifo"
	say "ok: round $n: $win alone, $(ms_to_s "$dt")s after the start (starts ${skew} ms apart)"
}

# E2E_SHORT (the sanitized pass): a third of the rounds.
wins_a=20 wins_b=10
[ "${E2E_SHORT:-0}" = 1 ] && wins_a=7 wins_b=3
for ((i = 1; i <= wins_a; i++)); do
	round "$i" a b a:ismaster=true b:ismaster=true
done
for ((i = wins_a + 1; i <= wins_a + wins_b; i++)); do
	round "$i" b a a:ismaster=false b:ismaster=true
done
assert_no_overlap 0
assert "b ran its add script only in the $wins_b rounds it won" \
    test "$(script_count b add)" -eq "$wins_b"
assert "a ran its add script only in the $wins_a rounds it won" \
    test "$(script_count a add)" -eq "$wins_a"
say "figures: 30 simultaneous starts, logged at most $worst_skew ms apart; slowest to a single holder $(ms_to_s "$worst_ms")s"
