#!/bin/bash
# 04-link-down: a node without link holds nothing and takes nothing.
#
#  1. a's eth0 is set down inside its namespace: a runs its remove script
#     (nobody could reach the address there), b takes over after failtime,
#     and when the link is up again a takes the address back only after b
#     has let it go.
#  2. a's cable is pulled: its switch port goes down, so a sees its carrier
#     go.  Same story, and a sampler reading both namespaces every few ms
#     must never see the address on both nodes, in particular not when
#     the cable is back.
#  3. b's cable is pulled while a holds: b hears nothing from a, but it
#     must not take the address onto an interface without link, neither
#     then nor when the cable is back.
#  4. In manual mode too, a lets the address go when its cable is pulled
#     (an address nobody can reach is no move to approve); the operator
#     moves it to b, and when the cable is back the two never both hold.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "the client reaches a" wait_for "client_reaches a" 3

# 1. The interface itself goes down.
t0=$(now_ms)
since=${t0}000
ip -n "${E2E_NS}a" link set eth0 down
assert "a lets the address go while its link is down" \
    wait_for "not has_alias a" 5
assert "a ran its remove script" test -n "$(script_time a remove "$since")"
assert "a says why" log_has a "link on 'eth0' lost"
assert "a reports its link down" test "$(status link a)" = down
assert "b takes over while a's link is down" wait_for "has_alias b" 10
say "b took over $(ms_to_s $(($(now_ms) - t0)))s after the link went down"
assert "the client reaches b" wait_for "client_reaches b" 3
assert "a's daemon survives its link going down" node_running a
assert "a stays out while its link is down" not has_alias a

up=$(now_ms)000
ip -n "${E2E_NS}a" link set eth0 up
assert "a is the only holder again" wait_for "holder_is a" 15
assert "b released before a added again" \
    before "$(script_time b remove-done "$up")" "$(script_time a add "$up")"
assert "b is in standby" wait_for "status_is state b standby" 5
assert "a reports its link up" test "$(status link a)" = up
assert "the client reaches a" wait_for "client_reaches a" 5

# 2. The cable is pulled: only the carrier goes.
sampler_start 30
since=$(now_ms)000
ip -n "${E2E_NS}sw" link set pa down
assert "a lets the address go when its carrier goes" \
    wait_for "not has_alias a" 5
assert "b takes over while a's cable is out" wait_for "has_alias b" 10
sleep 0.5
up=$(now_ms)000
ip -n "${E2E_NS}sw" link set pa up
assert "a is the only holder once its cable is back" \
    wait_for "holder_is a" 15
assert "b released before a added again" \
    before "$(script_time b remove-done "$up")" "$(script_time a add "$up")"
assert_no_overlap "$since"
assert "the client reaches a" wait_for "client_reaches a" 5

# 3. The slave's cable is pulled: it must not take the address.
adds=$(script_count b add)
ip -n "${E2E_NS}sw" link set pb down
assert "b notices its carrier is gone" \
    wait_for "status_is link b down" 5
sleep 1.5	# failtime is 1 s: b would have taken over by now
assert "b took nothing without link" test "$(script_count b add)" = "$adds"
assert "b does not hold the address" not has_alias b
ip -n "${E2E_NS}sw" link set pb up
assert "b sees its link again" wait_for "status_is link b up" 5
assert "b hears a again" wait_for "status_is peer b alive" 5
assert "b is in standby" wait_for "status_is state b standby" 5
assert "b still took nothing" test "$(script_count b add)" = "$adds"
assert "a is still the only holder" holder_is a

# 4. Manual mode.
stop_node b
stop_node a
start_pair extra='<mode>manual</mode>'
assert "a holds the address (manual mode)" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
sampler_start 30
since=$(now_ms)000
ip -n "${E2E_NS}sw" link set pa down
assert "a lets the address go without waiting for an operator" \
    wait_for "not has_alias a" 5
assert "b waits for the operator" wait_for "status_is state b pending" 5
ctlq b add "$E2E_ALIAS"
assert "the operator's add on b takes it" wait_for "has_alias b" 5
ip -n "${E2E_NS}sw" link set pa up
assert "a hears b again" wait_for "status_is peer a alive" 5
assert "a stays out: b holds by the operator's word" \
    wait_for "status_is state a standby" 5
assert "b alone holds the address" holder_is b
assert_no_overlap "$since"
show_status a
show_status b
