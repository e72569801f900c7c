#!/bin/bash
# 08-wrong-key: b has another key.  Each side rejects the other's
# heartbeats (rej_mac counts, the log says to compare the keys) and so
# sees its peer as silent: b takes over after failtime while a keeps the
# address.  Two holders is the expected outcome of a partition; nothing
# authenticated tells either node to yield.  Once b gets the right key
# and restarts, b goes back to standby and a holds alone.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
make_key "$E2E_TMP/b/key"
assert "the two keys differ" \
    not cmp -s "$E2E_TMP/a/key" "$E2E_TMP/b/key"

start_pair
assert "a holds the address" wait_for "has_alias a" 10
assert "b takes it too after failtime (partition-like)" \
    wait_for "has_alias b" 10
sleep 1
assert "both hold it: neither heard an authentic heartbeat" holder_is "a b"
for n in a b; do
	assert "$n counts rej_mac" test "$(status rej_mac "$n")" -gt 0
	assert "$n never heard its peer" test "$(status peer "$n")" = unknown
	assert "$n is active" test "$(status state "$n")" = active
	assert "$n logs the authentication failure" log_has "$n" 'mac|key|auth'
	grep -Ei 'mac|key|auth' "$E2E_TMP/$n/daemon.log" | head -n 1 |
	    sed "s/^/[$n] /"
	show_status "$n"
done

# The right key for b, and a restart: b releases on the way down and
# stays in standby behind the master.
cp "$E2E_TMP/a/key" "$E2E_TMP/b/key"
stop_node b
start_node b
assert "b hears a with the right key" \
    wait_for "status_is peer b alive" 5
sleep 1.5
assert "a is the only holder" holder_is a
assert "b is in standby" test "$(status state b)" = standby
assert "the client reaches a" wait_for "client_reaches a" 5
