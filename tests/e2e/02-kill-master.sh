#!/bin/bash
# 02-kill-master: the master dies (SIGKILL) and leaves the address behind
# on its host; the slave takes over after failtime and the client reaches
# the slave at once.  Since a still has the address too, reaching b
# proves that b's gratuitous ARP moved the client's neighbour entry.
# The address lease is off on a here, so that the leftover stays
# (21-address-lease covers the lease).
NO_LEASE='extra=<addresslease>false</addresslease>'
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair "a:$NO_LEASE"
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
assert "the client has a's MAC" test "$(client_mac)" = a

t0=$(now_ms)
kill_node a
assert "b adds the address after a's failtime" wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "a's host keeps its leftover address (SIGKILL)" has_alias a
assert "the client reaches b at once" wait_for "client_reaches b" 2
t_reach=$(($(now_ms) - t0))
assert "the client has b's MAC for the address" test "$(client_mac)" = b
assert "b is active" test "$(status state b)" = active
assert "b reports holds yes" test "$(status holds b)" = yes
assert "b reports the peer lost" test "$(status peer b)" = lost
assert "b counts a takeover" test "$(status takeovers b)" -ge 1
assert "b ran its add script once" test "$(script_count b add)" -eq 1
show_status b
say "figures: failtime 1s; takeover (kill to address on b) $(ms_to_s "$dt")s; client reached b $(ms_to_s "$t_reach")s after the kill; b's own last_takeover_ms $(status last_takeover_ms b)"
