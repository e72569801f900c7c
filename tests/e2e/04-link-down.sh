#!/bin/bash
# 04-link-down: a's link goes down inside its namespace.  b no longer hears
# a and takes over after failtime.  When the link comes back, the nodes
# hear each other again, b releases, a keeps or takes the address, and in
# the end a is the only holder and the client reaches it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "the client reaches a" wait_for "client_reaches a" 3

t0=$(now_ms)
ip -n "${E2E_NS}a" link set eth0 down
assert "b takes over while a's link is down" wait_for "has_alias b" 10
say "b took over $(ms_to_s $(($(now_ms) - t0)))s after the link went down"
assert "b reports the peer lost" test "$(status peer b)" = lost
assert "the client reaches b" wait_for "client_reaches b" 3
assert "a's daemon survives its link going down" node_running a

up=$(now_ms)000
ip -n "${E2E_NS}a" link set eth0 up
t1=$(now_ms)
assert "a is the only holder again" wait_for "holder_is a" 15
say "a alone held the address $(ms_to_s $(($(now_ms) - t1)))s after link up"
assert "b hears a again" wait_for "status_is peer b alive" 5
assert "b ran its remove script" test -n "$(script_time b remove "$up")"
a_add=$(script_time a add "$up")
if [ -n "$a_add" ]; then
	assert "b released before a added again" \
	    before "$(script_time b remove-done "$up")" "$a_add"
else
	say "a kept its address through the outage (no new add)"
fi
assert "b is in standby" wait_for "status_is state b standby" 5
assert "a is active" test "$(status state a)" = active
assert "the client reaches a" wait_for "client_reaches a" 5
assert "the client has a's MAC" test "$(client_mac)" = a
show_status a
show_status b
