#!/bin/bash
# 20-foreign-holder: a master that starts while a host that is not its
# peer answers for the floating address does not take it; it says so,
# keeps probing, and takes the address once that host let it go.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup

# The client squats on the floating address.
nsx c ip -4 addr add "$E2E_ALIAS/$E2E_PREFIX" dev eth0
start_node a
sleep 3
assert "a does not take an address another host answers for" \
    not has_alias a
assert "a reports the foreign holder" status_is foreign_holder a yes
assert "a stays in standby" status_is state a standby
assert "a ran no add script" test "$(script_count a add)" -eq 0
assert "a's log names the other host's MAC" \
    log_has a "$(node_mac c).*answers ARP for $E2E_ALIAS"

nsx c ip -4 addr del "$E2E_ALIAS/$E2E_PREFIX" dev eth0
assert "a takes the address once nobody else answers" \
    wait_for "holder_is a" 10
assert "a no longer reports a foreign holder" \
    status_is foreign_holder a no
assert "the client reaches a" wait_for "client_reaches a" 5
