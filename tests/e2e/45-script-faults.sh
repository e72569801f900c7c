#!/bin/bash
# 45-script-faults: add scripts that are missing, not executable, print
# megabytes, or leave a child behind.  (Non-zero exits and hangs are
# tests 09 and 10.)
#
#   At load: a configuration naming a missing or non-executable script
#   is refused by "failoverd -t", with the script's name in the message.
#   At run time: b's add script vanishes, then comes back without its
#   execute bit, then with it.  a stops (SIGTERM), b must take over and
#   cannot: each try is a failure (logged with the reason, counted,
#   "script" event with status 127), b stays in fault, nobody holds the
#   address, and b tries again with backoff until the script runs.
#   A script printing 8 MiB: it succeeds, at most 64 KiB of its output
#   reaches the log, heartbeats go on meanwhile, and failoverd is idle
#   again once the script has ended.
#   A script leaving two children: one in its process group (killed by
#   failoverd when the script exits) and one in a session of its own that
#   keeps writing to the output pipe (out of failoverd's reach, by
#   design).  The script's exit counts at once, and failoverd stays idle:
#   output that arrives after the script ended is not its business.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require setsid
e2e_setup
dir_a=$E2E_TMP/a
dir_b=$E2E_TMP/b

# --- At load.
write_config b addscript="$dir_b/nowhere.sh"
out=$("$FAILOVERD" -t -f "$dir_b/failover.xml" -S "$E2E_SCHEMA" 2>&1) &&
    fail "failoverd -t accepted a missing add script"
say "missing: $out"
assert "a missing add script is refused at load, named" \
    grep -qF "$dir_b/nowhere.sh" <<<"$out"
install -m 0644 "$dir_b/add.sh" "$dir_b/noexec.sh"
write_config b addscript="$dir_b/noexec.sh"
out=$("$FAILOVERD" -t -f "$dir_b/failover.xml" -S "$E2E_SCHEMA" 2>&1) &&
    fail "failoverd -t accepted a non-executable add script"
say "not executable: $out"
assert "a non-executable add script is refused at load, named" \
    grep -qF "$dir_b/noexec.sh" <<<"$out"

# --- At run time: missing, then not executable, then fine.
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
fl_watch_start b
mv "$dir_b/add.sh" "$dir_b/add.sh.away"
sampler_start 120
since=$(now_ms)000
t0=$(now_ms)
stop_node a
assert "missing: b goes to fault" wait_for "status_is state b fault" 5
assert "missing: b counts the failure" \
    test "$(status script_failures b)" -ge 1
assert "missing: b holds nothing" status_is holds b no
assert "missing: nobody holds the address" holder_is none
assert "missing: b logs why" \
    wait_for "log_has b \"add script '$dir_b/add.sh' cannot run: No such file\"" 3
assert "missing: b sends a script event with status 127" \
    wait_for "grep -q '^event script .*status=127' '$dir_b/events.log'" 3
assert "missing: b tries again" \
    wait_for "[ \$(status script_failures b) -ge 2 ]" 5
install -m 0644 "$dir_b/add.sh.away" "$dir_b/add.sh"
assert "not executable: b logs why" \
    wait_for "log_has b \"add script '$dir_b/add.sh' refused: expected a file its owner may execute\"" 10
assert "not executable: still nobody holds it" holder_is none
assert "not executable: b stays in fault" status_is state b fault
chmod 0755 "$dir_b/add.sh"
assert "fixed: b takes the address at its next try" \
    wait_for "holder_is b" 20
dt=$(($(now_ms) - t0))
assert "fixed: b is active" status_is state b active
failures=$(status script_failures b)
assert "b ran its add script once, the time it could" \
    test "$(script_count b add)" -eq 1
assert_no_overlap "$since"
say "figures: $failures failed tries, no holder for $(ms_to_s "$(fl_gap_ms "$since")")s, b active $(ms_to_s "$dt")s after a stopped"

# --- 8 MiB of output.
cat >"$dir_a/chatty_add.sh" <<EOF
#!/bin/bash
echo "\${EPOCHREALTIME} add \$1 pid=\$\$" >>"$dir_a/scripts.log"
python3 -c 'import sys
line = ("x" * 99 + "\n").encode()
for i in range(8 * 1024 * 1024 // 100):
    sys.stdout.buffer.write(line)'
"$dir_a/shipped_add.sh" "\$@"
rc=\$?
echo "\${EPOCHREALTIME} add-done \$1 status=\$rc" >>"$dir_a/scripts.log"
exit \$rc
EOF
chmod 0755 "$dir_a/chatty_add.sh"
lines_a=$(fl_log_lines a)
lines_b=$(fl_log_lines b)
sampler_start 60
since=$(now_ms)000
start_node a addscript="$dir_a/chatty_add.sh"
assert "chatty: a gets the address back" wait_for "holder_is a" 20
assert "chatty: a is active" wait_for "status_is state a active" 5
t_run=$(( ($(script_time a add-done "$since") - $(script_time a add "$since")) / 1000 ))
bytes=$(tail -n "+$((lines_a + 1))" "$dir_a/daemon.log" |
    awk 'index($0, "info: add script: ") {
	n += length($0) - index($0, "info: add script: ") - 17 }
	END { print n + 0 }')
assert "chatty: at most 64 KiB of the output reached the log" \
    test "$bytes" -le 65536
assert "chatty: some of it did" test "$bytes" -gt 0
assert "chatty: b never lost a meanwhile" \
    test "$(fl_log_count b 'peer .* lost' "$((lines_b + 1))")" -eq 0
pid=${E2E_PID[a]}
c0=$(fl_cpu_ticks "$pid")
m0=$(now_ms)
sleep 3
cpu=$(fl_cpu_pct "$c0" "$m0" "$(fl_cpu_ticks "$pid")" "$(now_ms)")
say "chatty: the script ran ${t_run} ms; $bytes bytes of text logged; failoverd then used ${cpu}% CPU over 3s"
assert "chatty: failoverd is idle after the script (< 10% CPU)" \
    awk -v c="$cpu" 'BEGIN { exit !(c < 10) }'

# --- Children left behind.
cat >"$dir_a/forking_add.sh" <<EOF
#!/bin/bash
echo "\${EPOCHREALTIME} add \$1 pid=\$\$" >>"$dir_a/scripts.log"
sleep 300 &
echo \$! >"$dir_a/child-group.pid"
setsid yes left-behind &
echo \$! >"$dir_a/child-session.pid"
"$dir_a/shipped_add.sh" "\$@"
rc=\$?
echo "\${EPOCHREALTIME} add-done \$1 status=\$rc" >>"$dir_a/scripts.log"
exit \$rc
EOF
chmod 0755 "$dir_a/forking_add.sh"
stop_node a
assert "b takes over while a restarts" wait_for "holder_is b" 5
since=$(now_ms)000
start_node a addscript="$dir_a/forking_add.sh"
assert "forking: a gets the address back" wait_for "holder_is a" 20
assert "forking: a is active" wait_for "status_is state a active" 5
done_us=$(script_time a add-done "$since")
active_ms=$(($(now_ms) - done_us / 1000))
g=$(cat "$dir_a/child-group.pid")
s=$(cat "$dir_a/child-session.pid")
E2E_HELPERS+=("$s")
assert "forking: the child in the script's group is killed" \
    wait_for "! pid_alive $g" 5
# Out of the group kill's reach (setsid), but failoverd closes its end of
# the pipe once the script is over, so a leftover that keeps writing to it
# dies of SIGPIPE instead of keeping failoverd busy.
assert "forking: the child in its own session dies on the closed pipe" \
    wait_for "! pid_alive $s" 5
assert_no_overlap 0
pid=${E2E_PID[a]}
c0=$(fl_cpu_ticks "$pid")
m0=$(now_ms)
sleep 3
cpu=$(fl_cpu_pct "$c0" "$m0" "$(fl_cpu_ticks "$pid")" "$(now_ms)")
logged=$(fl_log_count a 'add script: left-behind')
if grep -qs 'left-behind' "/proc/$s/cmdline"; then
	kill -KILL "$s"
fi
show_status a
say "figures: active at most ${active_ms} ms after the script ended; with the leftover writing, failoverd used ${cpu}% CPU over 3s and logged $logged of its lines"
assert "forking: failoverd is idle with the leftover writing to its pipe (< 10% CPU)" \
    awk -v c="$cpu" 'BEGIN { exit !(c < 10) }'
