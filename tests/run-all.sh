#!/bin/bash
# The one command that checks everything, as root: the dependencies, a
# warning-free build, the unit tests, the distribution tarball, a second
# build with AddressSanitizer and UndefinedBehaviorSanitizer whose unit
# and end-to-end tests must pass too, then the end-to-end suite on the
# normal build.  Builds go to build/ and build-san/ under the repository
# (or under $BUILD_ROOT).  The last line reads "N passed, M failed" (and
# ", K skipped"), counting unit tests, e2e scripts and build steps; the
# exit status is non-zero when anything failed.
#
# Options: --no-deps (skip tests/deps.sh), --quick (no distcheck and no
# sanitizer build), --e2e-only (use the builds already there).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD_ROOT=${BUILD_ROOT:-$TOP}
BUILD=$BUILD_ROOT/build
BUILD_SAN=$BUILD_ROOT/build-san
LOGDIR=$BUILD_ROOT/build-logs
E2E_TIMEOUT_S=${E2E_TIMEOUT_S:-300}
JOBS=${JOBS:-2}

PASSED=0
FAILED=0
SKIPPED=0
FAILURES=()
DO_DEPS=1
DO_SLOW=1
E2E_ONLY=0

say() {
	printf '=== [%s] %s\n' "$(date +%T)" "$*"
}

pass() {
	PASSED=$((PASSED + 1))
	say "PASS: $1"
}

failed() {
	FAILED=$((FAILED + 1))
	FAILURES+=("$1")
	say "FAIL: $1"
}

skipped() {
	SKIPPED=$((SKIPPED + 1))
	say "SKIP: $1"
}

# step NAME LOG COMMAND...: runs COMMAND with its output in LOG, counts
# it, and shows the end of LOG when it fails.
step() {
	local name=$1 log=$2 start rc=0
	shift 2
	start=$SECONDS
	say "$name"
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name ($((SECONDS - start))s)"
		return 0
	fi
	tail -n 80 "$log"
	failed "$name (status $rc, log $log)"
	return 1
}

# Counts the results of "make check" in DIR from automake's summary,
# which prints "# PASS:  n" lines.
count_check() {
	local label=$1 log=$2 p f s e
	p=$(sed -n 's/^# PASS: *\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^# FAIL: *\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	e=$(sed -n 's/^# ERROR: *\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	s=$(sed -n 's/^# SKIP: *\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	if [ -z "$p" ]; then
		return 1
	fi
	PASSED=$((PASSED + p))
	SKIPPED=$((SKIPPED + ${s:-0}))
	FAILED=$((FAILED + ${f:-0} + ${e:-0}))
	if [ $((${f:-0} + ${e:-0})) -gt 0 ]; then
		FAILURES+=("$label: ${f:-0} failed, ${e:-0} errors")
	fi
	say "$label: $p passed, $((${f:-0} + ${e:-0})) failed, ${s:-0} skipped"
}

# make check in DIR: every unit test program counts; a failure to even
# build them counts as one failure.
unit_tests() {
	local label=$1 dir=$2 log=$LOGDIR/$1.log rc=0
	say "$label"
	make -C "$dir" -j"$JOBS" check >"$log" 2>&1 || rc=$?
	# automake's test-suite.log holds the logs of the failing programs.
	if [ "$rc" -ne 0 ] && [ -f "$dir/test-suite.log" ]; then
		tail -n 120 "$dir/test-suite.log"
	fi
	if ! count_check "$label" "$log"; then
		tail -n 60 "$log"
		failed "$label (no test summary, status $rc)"
		return 1
	fi
	[ "$rc" -eq 0 ] || { tail -n 40 "$log"; return 1; }
}

configure_in() {
	local dir=$1
	shift
	mkdir -p "$dir"
	(cd "$dir" && "$TOP/configure" --enable-werror "$@")
}

# Runs one e2e script with a bounded time.  Its namespaces carry its PID,
# so anything it left behind is found, reported and deleted.
run_one_e2e() {
	local label=$1 script=$2 name log pid rc=0 waited=0 left
	name=$(basename "$script" .sh)
	log=$LOGDIR/$label-$name.log
	bash "$script" >"$log" 2>&1 </dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$E2E_TIMEOUT_S" ]; do
		sleep 1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "run-all: timed out after ${E2E_TIMEOUT_S}s" >>"$log"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" || rc=$?
	left=$(ip netns list 2>/dev/null | awk -v p="ipfe-$pid-" \
	    'index($1, p) == 1 { print $1 }')
	if [ -n "$left" ]; then
		echo "run-all: namespaces left behind: $left" >>"$log"
		for ns in $left; do
			ip netns del "$ns" 2>/dev/null || true
		done
		[ "$rc" -ne 0 ] || rc=1
	fi
	leaked_processes "$name" >>"$log"
	case $rc in
	0) pass "$label $name (${waited}s)" ;;
	77) skipped "$label $name: $(grep -m1 'SKIP' "$log" || true)" ;;
	*)
		tail -n 150 "$log"
		failed "$label $name (status $rc, log $log)"
		;;
	esac
}

# Processes still running with the test's temporary directory
# (/tmp/ipfe-NAME.XXXXXX) in their command line: a test that leaks its
# daemons.  Only reported, since another run of the same test may be going
# on beside this one on a developer's machine.
leaked_processes() {
	local name=$1 dir pid args state parts
	for dir in /proc/[0-9]*; do
		pid=${dir#/proc/}
		mapfile -d "" parts 2>/dev/null <"$dir/cmdline" || continue
		args=${parts[*]:-}
		case $args in
		*"/tmp/ipfe-$name."*) ;;
		*) continue ;;
		esac
		state=$(sed 's/.*) \(.\).*/\1/' "$dir/stat" 2>/dev/null) || continue
		[ "$state" != Z ] || continue
		say "WARNING: $name left pid $pid running: $args" >&2
		echo "run-all: left running: pid $pid: $args"
	done
}

# The e2e scripts: tests/e2e/NN-*.sh in order, including the SNMP ones
# (50 and up) when they are there.
# e2e_suite LABEL BUILDDIR [SKIP...]: every numbered script but those
# whose names start with a SKIP word.
e2e_suite() {
	local label=$1 builddir=$2 script name skip
	shift 2
	say "$label: end-to-end tests against $builddir"
	for script in "$TOP"/tests/e2e/[0-9][0-9]-*.sh; do
		[ -f "$script" ] || continue
		name=$(basename "$script")
		for skip in "$@"; do
			[ "${name#"$skip"}" = "$name" ] || continue 2
		done
		E2E_BUILDDIR=$builddir run_one_e2e "$label" "$script"
	done
}

# The harness, this runner, the demo and tests 00-19 must be clean at
# every level; the other shell files in tests/ are linted too, but only
# shown: their authors keep them.
lint() {
	local own=("$TOP"/tests/deps.sh "$TOP"/tests/run-all.sh
	    "$TOP"/tests/demo.sh "$TOP"/tests/e2e/lib.sh
	    "$TOP"/tests/e2e/[01][0-9]-*.sh)
	local others=()
	local f
	for f in "$TOP"/tests/*.sh "$TOP"/tests/e2e/*.sh; do
		case " ${own[*]} " in
		*" $f "*) ;;
		*) others+=("$f") ;;
		esac
	done
	[ ! -f "$TOP/.ci/run" ] || own+=("$TOP/.ci/run")
	if [ "${#others[@]}" -gt 0 ]; then
		echo "--- not counted: ${others[*]##*/}"
		shellcheck -x "${others[@]}" || true
		echo "--- counted"
	fi
	shellcheck -x "${own[@]}"
}

parse_args() {
	local a
	for a in "$@"; do
		case $a in
		--no-deps) DO_DEPS=0 ;;
		--quick) DO_SLOW=0 ;;
		--e2e-only) E2E_ONLY=1 ;;
		*)
			echo "usage: $0 [--no-deps] [--quick] [--e2e-only]" >&2
			exit 2
			;;
		esac
	done
}

build_all() {
	local san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
	local built=0 san=0

	if step "autoreconf" "$LOGDIR/autoreconf.log" \
	    bash -c "cd '$TOP' && autoreconf -fi" &&
	    step "configure (build/)" "$LOGDIR/configure.log" \
	    configure_in "$BUILD" &&
	    step "make (build/)" "$LOGDIR/make.log" \
	    make -C "$BUILD" -j"$JOBS"; then
		built=1
		unit_tests "unit" "$BUILD" || true
		if [ "$DO_SLOW" -eq 1 ]; then
			step "make distcheck" "$LOGDIR/distcheck.log" \
			    make -C "$BUILD" -j"$JOBS" distcheck || true
		fi
	fi
	if [ "$built" -eq 1 ] && [ "$DO_SLOW" -eq 1 ] &&
	    step "configure (build-san/, ASan+UBSan)" \
	    "$LOGDIR/configure-san.log" configure_in "$BUILD_SAN" \
	    CFLAGS="$san_flags" LDFLAGS="-fsanitize=address,undefined" &&
	    step "make (build-san/)" "$LOGDIR/make-san.log" \
	    make -C "$BUILD_SAN" -j"$JOBS"; then
		san=1
		unit_tests "unit-san" "$BUILD_SAN" || true
	fi
	# The fuzzers, briefly: each target and every regression input.
	if [ "$built" -eq 1 ] && [ "$DO_SLOW" -eq 1 ] &&
	    command -v clang >/dev/null; then
		step "fuzz (15 s per target)" "$LOGDIR/fuzz.log" \
		    bash "$TOP/tests/fuzz/run.sh" 15 || true
	fi
	BUILT=$built
	BUILT_SAN=$san
}

main() {
	local start=$SECONDS
	parse_args "$@"
	mkdir -p "$LOGDIR"
	rm -f "$LOGDIR"/*.log

	if [ "$DO_DEPS" -eq 1 ]; then
		step "dependencies" "$LOGDIR/deps.log" bash "$TOP/tests/deps.sh" ||
		    true
	fi
	step "shellcheck" "$LOGDIR/shellcheck.log" lint || true

	BUILT=0
	BUILT_SAN=0
	if [ "$E2E_ONLY" -eq 1 ]; then
		[ ! -x "$BUILD/failoverd" ] || BUILT=1
		[ ! -x "$BUILD_SAN/failoverd" ] || BUILT_SAN=1
	else
		build_all
	fi

	if [ "$BUILT_SAN" -eq 1 ]; then
		export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
		export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
		# 60 builds and installs its own package: the sanitized
		# binaries play no part in it.
		# The long statistical tests (40, 43) run shorter here: the
		# plain pass runs them in full.
		E2E_SHORT=1 e2e_suite e2e-san "$BUILD_SAN" 60-
		unset ASAN_OPTIONS UBSAN_OPTIONS
	fi
	if [ "$BUILT" -eq 1 ]; then
		e2e_suite e2e "$BUILD"
	else
		failed "end-to-end tests not run: no build"
	fi

	say "done in $((SECONDS - start))s; logs in $LOGDIR"
	if [ "${#FAILURES[@]}" -gt 0 ]; then
		printf '  failed: %s\n' "${FAILURES[@]}"
	fi
	if [ "$SKIPPED" -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ "$FAILED" -eq 0 ]
}

main "$@"
