#!/bin/bash
# 03-master-returns: the master crashed (SIGKILL, address left behind) and
# the slave took over.  The restarted master finds its leftover while the
# peer holds the address: it removes the leftover first, then b releases,
# then a adds.  From a's removal on, no sample shows two holders.  The
# address lease is off on a, so that its leftover stays.
NO_LEASE='extra=<addresslease>false</addresslease>'
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair "a:$NO_LEASE"
assert "a holds the address" wait_for "holder_is a" 10
assert "the client reaches a" wait_for "client_reaches a" 3
kill_node a
assert "b takes over" wait_for "has_alias b" 10
assert "both hosts have it now (a's leftover)" holder_is "a b"

sampler_start 30
restart_ms=$(now_ms)
restart=${restart_ms}000
start_node a "$NO_LEASE"
assert "a ends up the only holder" wait_for "holder_is a" 20
sleep 0.5
sampler_stop
t_done=$(now_ms)

a_rm=$(script_time a remove "$restart")
a_rm_done=$(script_time a remove-done "$restart")
b_rm=$(script_time b remove "$restart")
b_rm_done=$(script_time b remove-done "$restart")
a_add=$(script_time a add "$restart")
assert "restarted a ran its remove script (the leftover)" test -n "$a_rm"
assert "b ran its remove script" test -n "$b_rm"
assert "restarted a ran its add script" test -n "$a_add"
say "scripts: a remove $a_rm..$a_rm_done, b remove $b_rm..$b_rm_done, a add $a_add"
assert "order: a removed its leftover before b began to release" \
    before "$a_rm_done" "$b_rm"
assert "order: b released before a began to add" before "$b_rm_done" "$a_add"
gone=$(sampler_first_time a 0 "$restart")
assert "the sampler saw a without the address" test -n "$gone"
assert_no_overlap "$gone"
assert "the client reaches a" wait_for "client_reaches a" 3
assert "the client has a's MAC" test "$(client_mac)" = a
assert "b is in standby" test "$(status state b)" = standby
# b is the peer, not a stranger, and it no longer holds the address.
assert "a reports no foreign holder" \
    wait_for "status_is foreign_holder a no" 3
show_status a
show_status b
say "figures: restart to a holding alone $(ms_to_s $((t_done - restart_ms - 500)))s or less; a remove->b remove $(ms_to_s $(((b_rm - a_rm) / 1000)))s, b remove->a add $(ms_to_s $(((a_add - b_rm) / 1000)))s"
