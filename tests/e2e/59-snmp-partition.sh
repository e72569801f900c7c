#!/bin/bash
# 59-snmp-partition: a partition between the nodes while the client sees
# both.  The slave takes over (unavoidable: two holders, each believing
# the other gone); when the partition heals, the master sees the conflict,
# its subagent reports it with ipfAddressConflict, and exactly one node
# holds the address again.
# wait_for evaluates its condition later: single quotes on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require nft
e2e_setup
snmp_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
agentx_start
assert "the summary arrives" wait_for '[ "$(trap_count ipfStateSummary)" -ge 1 ]' 5

fl_partition on
say "partition between a and b"
assert "b takes over: both hold the address" wait_for 'holder_is "a b"' 10
sleep 1
assert "no holder gave it up while apart" holder_is "a b"

fl_partition off
say "partition healed"
# Apart, neither hears the other; the conflict shows when they meet.
assert "a's subagent sends ipfAddressConflict" \
    wait_for '[ "$(trap_count ipfAddressConflict)" -ge 1 ]' 10
conflict=$(traps_of ipfAddressConflict | tail -1)
say "conflict notification: ${conflict:0:200}"
assert "it says both nodes hold the address" \
    grep -q "both nodes hold $E2E_ALIAS" <<<"$conflict"
assert "exactly one node, the master, holds it again" \
    wait_for "holder_is a" 10
assert "the client reaches a" wait_for "client_reaches a" 5
