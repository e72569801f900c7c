#!/bin/bash
# 10-script-hangs: a's add script hangs; at scripttimeout (1 s) failoverd
# kills its process group, a goes to state fault and b takes over.  The
# script's own child (a sleep) must die too, and the script must never
# get past its wait.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
echo hang >"$E2E_TMP/a/add.mode"
start_pair a:scripttimeout=1
assert "a's add script started and hangs" \
    wait_for "test -s $E2E_TMP/a/hang.pid" 10
t0=$(now_ms)
sleeper=$(cat "$E2E_TMP/a/hang.pid")
assert "the script's sleeper is killed" \
    wait_for "! pid_alive $sleeper" 10
dt=$(($(now_ms) - t0))
assert "the script never got past its wait" \
    not grep -q "hang not killed" "$E2E_TMP/a/scripts.log"
assert "a goes to state fault" wait_for "status_is state a fault" 5
assert "a counts script_failures" test "$(status script_failures a)" -ge 1
assert "a reports holds no" test "$(status holds a)" = no
assert "a's log says the script timed out" log_has a 'time'
grep -Ei 'timed out|timeout' "$E2E_TMP/a/daemon.log" | head -n 1 |
    sed 's/^/[a] /'
assert "b takes the address" wait_for "holder_is b" 10
assert "the client reaches b" wait_for "client_reaches b" 3
show_status a
say "figures: scripttimeout 1s; the hung script's child died $(ms_to_s "$dt")s after we saw it start"
