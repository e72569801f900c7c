#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (libFuzzer,
# AddressSanitizer with leak checking, UndefinedBehaviorSanitizer), replays
# every reproducer kept in tests/fuzz/regress/TARGET/, then fuzzes each
# target for SECONDS (default 20) from a copy of its seed corpus, so that
# the repository never grows.  Prints one summary line per target and
# exits non-zero on any crash, leak, sanitizer report, broken invariant or
# timeout.  What the last failing run found is in $FUZZ_BUILDDIR/artifacts/.
#
# usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   TARGET: heartbeat, config_xml, config_legacy, control (default: all)
# Environment: FUZZ_BUILDDIR (default build-fuzz/ under the repository),
# CC (default clang), FUZZ_KEEP=1 (keep the work directory with the
# grown corpora and logs), FUZZ_SKIP (names of checks to leave out while
# the bug they found waits for its fix: "conf-msg", see README).
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$FUZZ_DIR/../.." && pwd)
BUILD=${FUZZ_BUILDDIR:-$TOP/build-fuzz}
CC=${CC:-clang}
ALL_TARGETS=(heartbeat config_xml config_legacy control)
SECONDS_EACH=20
TARGETS=()
WORK=

# Sources of the product each target links, besides its own.
declare -A SOURCES=(
	[heartbeat]="ha/heartbeat.c crypto/hmac.c crypto/replay.c"
	[config_xml]="ha/config.c tests/fuzz/fuzz_config.c"
	[config_legacy]="ha/config.c tests/fuzz/fuzz_config.c"
	[control]="ha/ctlproto.c"
)

say() {
	printf 'fuzz: %s\n' "$*"
}

die() {
	say "$*" >&2
	exit 2
}

cleanup() {
	if [ -n "$WORK" ] && [ "${FUZZ_KEEP:-0}" != 1 ]; then
		rm -rf "$WORK"
	elif [ -n "$WORK" ]; then
		say "kept $WORK"
	fi
}

parse_args() {
	local a t
	for a in "$@"; do
		case $a in
		[0-9]*)
			[[ $a =~ ^[0-9]+$ ]] || die "not a number of seconds: $a"
			SECONDS_EACH=$a
			;;
		*)
			for t in "${ALL_TARGETS[@]}"; do
				[ "$t" != "$a" ] || TARGETS+=("$a")
			done
			[ "${TARGETS[${#TARGETS[@]} - 1]:-}" = "$a" ] ||
			    die "unknown target '$a' (${ALL_TARGETS[*]})"
			;;
		esac
	done
	[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
}

# Flags of the product's own build (configure.ac's WARN_CFLAGS, -Werror)
# plus the sanitizers; no config.h: _GNU_SOURCE stands in for it.
# XXX: clang counts vsnprintf(fmt) in ha/ctlproto.c's reply_vline() under
# -Wformat=2 (gcc does not), so -Wformat-nonliteral is off here.
cflags() {
	local xml ssl
	xml=$(pkg-config --cflags libxml-2.0)
	ssl=$(pkg-config --cflags libcrypto)
	# shellcheck disable=SC2206,SC2054 # pkg-config output is meant to split
	CFLAGS_ARR=(-g -O1 -fno-omit-frame-pointer
	    -fsanitize=address,undefined -fno-sanitize-recover=undefined
	    -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral
	    -Wmissing-prototypes -Wstrict-prototypes -Werror -D_GNU_SOURCE
	    -I"$TOP/ha" -I"$TOP/crypto" -I"$FUZZ_DIR"
	    -DPKGDATADIR="\"$TOP/conf\"" -DLOCALSTATEDIR='"/var"'
	    -DRUNSTATEDIR='"/run"' -DSYSCONFDIR='"/etc"'
	    -DFUZZ_SCHEMA="\"$TOP/conf/failover.rng\""
	    $xml $ssl)
	# shellcheck disable=SC2207
	LIBS_ARR=($(pkg-config --libs libxml-2.0 libcrypto))
}

build() {
	local t src srcs=()
	command -v "$CC" >/dev/null || die "no $CC: install clang"
	cflags
	mkdir -p "$BUILD"
	for t in "${TARGETS[@]}"; do
		srcs=("$FUZZ_DIR/fuzz_$t.c")
		for src in ${SOURCES[$t]}; do
			srcs+=("$TOP/$src")
		done
		"$CC" "${CFLAGS_ARR[@]}" -fsanitize=fuzzer "${srcs[@]}" \
		    "${LIBS_ARR[@]}" -o "$BUILD/fuzz_$t" ||
		    die "cannot build fuzz_$t"
	done
	"$CC" "${CFLAGS_ARR[@]}" "$FUZZ_DIR/gen_heartbeat_seeds.c" \
	    "$TOP/ha/heartbeat.c" "$TOP/crypto/hmac.c" "${LIBS_ARR[@]}" \
	    -o "$BUILD/gen_heartbeat_seeds" ||
	    die "cannot build gen_heartbeat_seeds"
	say "built ${TARGETS[*]} in $BUILD"
}

# The options every run gets.  A leak, a sanitizer report or a timeout is
# a failure like a crash; malloc_limit_mb keeps a runaway allocation
# from taking the machine.
run_opts() {
	local t=$1
	RUN_OPTS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
	    -detect_leaks=1 -print_final_stats=1)
	if [ -f "$FUZZ_DIR/$t.dict" ]; then
		RUN_OPTS+=(-dict="$FUZZ_DIR/$t.dict")
	fi
}

# Sanitizer and harness reports, whatever libFuzzer's exit status says.
reported() {
	grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer' "$1"
}

replay_regress() {
	local t=$1 f log rc n=0 bad=0
	[ -d "$FUZZ_DIR/regress/$t" ] || return 0
	run_opts "$t"
	for f in "$FUZZ_DIR/regress/$t"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		log=$WORK/regress-$t-$(basename "$f").log
		rc=0
		ASAN_OPTIONS=detect_leaks=1 TMPDIR=$WORK/tmp \
		    "$BUILD/fuzz_$t" "${RUN_OPTS[@]}" "$f" >"$log" 2>&1 ||
		    rc=$?
		if [ "$rc" -ne 0 ] || reported "$log"; then
			say "$t: regression $(basename "$f") fails (status $rc):"
			grep -E -m5 'ERROR|runtime error|invariant|SUMMARY' \
			    "$log" >&2 || tail -n 5 "$log" >&2
			bad=$((bad + 1))
		fi
	done
	[ "$n" -eq 0 ] || say "$t: $n regression inputs replayed, $bad failed"
	[ "$bad" -eq 0 ]
}

seed_corpus() {
	local t=$1 dir=$WORK/corpus/$1
	mkdir -p "$dir"
	if [ -d "$FUZZ_DIR/corpus/$t" ]; then
		cp -R "$FUZZ_DIR/corpus/$t/." "$dir/"
	fi
	if [ "$t" = heartbeat ]; then
		"$BUILD/gen_heartbeat_seeds" "$dir" ||
		    die "gen_heartbeat_seeds failed"
	fi
}

# The last status line libFuzzer printed ("#N DONE cov: ...").
summary_line() {
	local t=$1 log=$2 rc=$3 status=$4 execs rate cov ft corp
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" |
	    tail -n 1)
	cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -Eo 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 |
	    cut -d' ' -f2)
	printf 'fuzz: %-13s %-4s %4ss  execs %-9s (%s/s)  cov %-5s ft %-6s corpus %s%s\n' \
	    "$t" "$status" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" \
	    "${cov:-?}" "${ft:-?}" "${corp:-?}" \
	    "$([ "$rc" -eq 0 ] || echo "  (status $rc)")"
}

fuzz_one() {
	local t=$1 log=$WORK/fuzz-$1.log rc=0 art=$BUILD/artifacts/$1/
	seed_corpus "$t"
	run_opts "$t"
	rm -rf "$art"
	mkdir -p "$art"
	ASAN_OPTIONS=detect_leaks=1 TMPDIR=$WORK/tmp \
	    "$BUILD/fuzz_$t" "${RUN_OPTS[@]}" \
	    -max_total_time="$SECONDS_EACH" -artifact_prefix="$art" \
	    "$WORK/corpus/$t" >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || reported "$log"; then
		summary_line "$t" "$log" "$rc" FAIL
		grep -E -A12 'ERROR|runtime error|invariant broken' "$log" |
		    head -n 40 >&2 || tail -n 30 "$log" >&2
		ls "$art" >&2 2>/dev/null || true
		return 1
	fi
	summary_line "$t" "$log" "$rc" ok
}

main() {
	local t failed=0
	parse_args "$@"
	trap cleanup EXIT
	build
	[ -z "${FUZZ_SKIP:-}" ] ||
	    say "FUZZ_SKIP=$FUZZ_SKIP: those checks are off, in the regressions too"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ipfo-fuzz.XXXXXX")
	mkdir -p "$WORK/tmp"
	for t in "${TARGETS[@]}"; do
		replay_regress "$t" || failed=$((failed + 1))
	done
	for t in "${TARGETS[@]}"; do
		fuzz_one "$t" || failed=$((failed + 1))
	done
	if [ "$failed" -ne 0 ]; then
		say "$failed failure(s); inputs in $BUILD/artifacts/"
		exit 1
	fi
	say "all ${#TARGETS[@]} targets passed (${SECONDS_EACH}s each)"
}

main "$@"
