#!/bin/bash
# 24-fault-failover: a slave in fault must still take over when the
# master dies, and "failoverctl auto" brings a slave in fault back to
# standby.  (A slave whose add script failed three times, and then the
# master crashed, once left the address unserved.)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
echo fail >"$E2E_TMP/b/add.mode"
assert "add on b is accepted" ctlq b add "$E2E_ALIAS"
assert "b gives up after three tries" \
    wait_for "log_has b \"failoverctl auto\"" 20
assert "a serves meanwhile" wait_for "holder_is a" 5
assert "b clears its fault with auto" ctlq b auto
assert "b is back in standby" wait_for "status_is state b standby" 5
assert "a still holds the address" holder_is a

# Fault again, then the master dies: b must take over by itself.
assert "add on b again" ctlq b add "$E2E_ALIAS"
assert "b fails again" wait_for "status_is state b fault" 10
assert "a serves" wait_for "holder_is a" 5
rm -f "$E2E_TMP/b/add.mode"
assert "auto on b" ctlq b auto
echo fail >"$E2E_TMP/b/add.mode"
assert "add on b a third time" ctlq b add "$E2E_ALIAS"
assert "b in fault" wait_for "status_is state b fault" 10
assert "a serves" wait_for "holder_is a" 5
rm -f "$E2E_TMP/b/add.mode"
kill_node a
assert "b in fault takes over once a is gone" wait_for "holder_is b" 10
assert "b is active" wait_for "status_is state b active" 5
