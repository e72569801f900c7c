#!/bin/bash
# 11-sighup-broken: SIGHUP with a broken configuration file is refused,
# logged with file:line, and the running configuration stays in force
# (b still takes over on a's death after its old failtime).  A good file
# with a new failtime is then applied by SIGHUP.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
cfg=$E2E_TMP/b/failover.xml
assert "b runs with failtime 1" test "$(status failtime_ms b)" -eq 1000

# A tag mismatch: malformed XML.
write_config b
line=$(grep -n '<failtime>' "$cfg" | cut -d: -f1)
sed -i 's|<failtime>1</failtime>|<failtime>1</interval>|' "$cfg"
kill -HUP "${E2E_PID[b]}"
assert "b logs the refusal with $cfg:$line" \
    wait_for "grep -qF '$cfg:$line' '$E2E_TMP/b/daemon.log'" 5
grep -F "$cfg:$line" "$E2E_TMP/b/daemon.log" | head -n 1 | sed 's/^/[b] /'

# A valid XML document the schema refuses: a failtime that is no number.
write_config b failtime=abc
line=$(grep -n '<failtime>' "$cfg" | cut -d: -f1)
before_lines=$(wc -l <"$E2E_TMP/b/daemon.log")
kill -HUP "${E2E_PID[b]}"
assert "b logs the schema refusal with a line of $cfg" \
    wait_for "tail -n +$((before_lines + 1)) '$E2E_TMP/b/daemon.log' | grep -qF '$cfg:'" 5
tail -n +$((before_lines + 1)) "$E2E_TMP/b/daemon.log" | grep -F "$cfg:" |
    head -n 1 | sed 's/^/[b] /'
assert "b is still running" node_running b
assert "b keeps failtime 1" test "$(status failtime_ms b)" -eq 1000
assert "b still in standby" test "$(status state b)" = standby

kill_node a
assert "b, on its old configuration, takes over" wait_for "has_alias b" 10
start_node a
assert "a is the only holder again" wait_for "holder_is a" 20
assert "b hears a" wait_for "status_is peer b alive" 5

# A good file with failtime 3: applied.
write_config b failtime=3
kill -HUP "${E2E_PID[b]}"
assert "b applies failtime 3" \
    wait_for "status_is failtime_ms b 3000" 5
assert "b's failtime comes from the configuration" \
    test "$(status failtime_source b)" = config
sleep 1
t0=$(now_ms)
kill_node a
assert "b takes over" wait_for "has_alias b" 15
dt=$(($(now_ms) - t0))
# a sends every 0.2 s (a fifth of its failtime of 1 s), so the silence b
# measures began at most 0.2 s before the kill: with failtime 3 in force
# b cannot take over sooner than 2.8 s, where the old 1 s would give ~1 s.
assert "b waited for the new failtime, not the old (>= 2s)" \
    test "$dt" -ge 2000
say "figures: takeover with failtime 3 after reload: $(ms_to_s "$dt")s"
