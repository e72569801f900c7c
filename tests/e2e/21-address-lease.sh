#!/bin/bash
# 21-address-lease: the floating address carries a lifetime that only a
# live failoverd renews.  A holder killed with SIGKILL, or frozen with
# SIGSTOP, loses the address by itself about when the peer takes over, so
# the two never both answer; a frozen holder that wakes up finds the
# address gone, says so, and gets it back in order.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
# failtime 3 s: a lease of 2 s, gone within 3 s after the last renewal.
start_pair failtime=3
assert "a holds the address" wait_for "holder_is a" 15
assert "a's address has a finite lifetime" \
    nsx a sh -c "ip -4 addr show dev eth0 | grep -A1 ' $E2E_ALIAS/' | grep -q 'valid_lft [0-9]*sec'"
assert "b hears a" wait_for "status_is peer b alive" 5

sampler_start 20
t0=$(now_ms)
kill_node a
assert "a's host drops the address by itself" wait_for "not has_alias a" 6
t_gone=$(($(now_ms) - t0))
assert "b takes over" wait_for "has_alias b" 8
t_b=$(($(now_ms) - t0))
assert "the client reaches b" wait_for "client_reaches b" 3
sleep 0.5
sampler_stop
assert_no_overlap 0
say "figures: a's address gone ${t_gone} ms after SIGKILL, b held it after ${t_b} ms (failtime 3000 ms)"

# The same with a frozen holder that wakes up later.
start_node a failtime=3
assert "a gets the address back" wait_for "holder_is a" 15
sampler_start 30
kill -STOP "${E2E_PID[a]}"
say "froze failoverd on a (SIGSTOP)"
assert "b takes over from the frozen a" wait_for "holder_is b" 10
sleep 1
kill -CONT "${E2E_PID[a]}"
say "woke failoverd on a (SIGCONT)"
assert "a says its address vanished" \
    wait_for "log_has a 'vanished from'" 5
assert "the address comes back to a, in order" wait_for "holder_is a" 15
sampler_stop
assert_no_overlap 0
