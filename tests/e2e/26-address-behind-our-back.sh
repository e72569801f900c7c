#!/bin/bash
# 26-address-behind-our-back: what an operator (or another program) does to
# the address and the interface without asking failoverd.
#
#  1. A second copy of the address (/32) is added on the holder and then
#     deleted: the /24 the script made is still there, so nothing happens.
#  2. The address is added by hand on the standby while the holder serves
#     it: the standby removes its copy with its remove script; also two
#     copies (/24 and /32) given while the standby's link is down, removed
#     once it is back.
#  3. The holder's eth0 is deleted and made again: b takes over meanwhile,
#     a takes the address back afterwards, and its gratuitous ARP (on a
#     socket bound to the new interface) moves the client back to a.
#  4. With <addresslease>false</addresslease>, the address deleted by hand
#     on the holder is noticed and added again.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5

# 1. A copy beside the script's.
adds=$(script_count a add)
ip -n "${E2E_NS}a" addr add "$E2E_ALIAS/32" dev eth0
ip -n "${E2E_NS}a" addr del "$E2E_ALIAS/32" dev eth0
sleep 1.5
assert "a still holds its /24" has_alias a
assert "a did not think it lost the address" not log_has a "vanished"
assert "a ran no add script again" test "$(script_count a add)" = "$adds"
assert "a is still active" status_is state a active

# 2. A copy on the standby.
removes=$(script_count b remove)
ip -n "${E2E_NS}b" addr add "$E2E_ALIAS/24" dev eth0
assert "b removes the copy it was given" wait_for "not has_alias b" 5
assert "b used its remove script" \
    test "$(script_count b remove)" -gt "$removes"
assert "b says why" log_has b "is on 'eth0' although this node does not"
assert "b is back in standby" wait_for "status_is state b standby" 5
assert "a still holds it" holder_is a

# 2b. Two copies (/24 and /32), given while b's link is down: b removes
# both (it should not hold the address, with or without link).
ip -n "${E2E_NS}b" link set eth0 down
assert "b sees its link down" wait_for "status_is link b down" 5
assert "failoverctl add is refused without link" \
    not ctl b add "$E2E_ALIAS"
ip -n "${E2E_NS}b" addr add "$E2E_ALIAS/24" dev eth0
ip -n "${E2E_NS}b" addr add "$E2E_ALIAS/32" dev eth0
ip -n "${E2E_NS}b" link set eth0 up
assert "b removes both copies" \
    wait_for "not has_alias b" 10
assert "no /32 is left on b either" \
    not grep -q " $E2E_ALIAS/32" <<<"$(ip -n "${E2E_NS}b" -4 -o addr)"
assert "b is in standby" wait_for "status_is state b standby" 5
assert "a still holds it" holder_is a

# 3. a's interface deleted and made again.
ip -n "${E2E_NS}a" link del eth0
assert "b takes over while a has no interface" wait_for "holder_is b" 10
assert "the client reaches b" wait_for "client_reaches b" 5
net_attach a
assert "a takes the address back" wait_for "holder_is a" 15
assert "a follows the new interface" log_has a "was made again: ARP follows"
assert "a's ARP works on it" not log_has a "ARP probe on 'eth0'"
# shellcheck disable=SC2016 # wait_for evaluates it
assert "the client has a's MAC again" wait_for '[ "$(client_mac)" = a ]' 5
assert "the client reaches a" wait_for "client_reaches a" 5

# 4. No lease: the address removed by hand is still noticed.
stop_node b
stop_node a
start_pair extra='<addresslease>false</addresslease>'
assert "a holds the address again" wait_for "holder_is a" 10
adds=$(script_count a add)
ip -n "${E2E_NS}a" addr del "$E2E_ALIAS/24" dev eth0
# shellcheck disable=SC2016 # wait_for evaluates it
assert "a notices and adds it again" \
    wait_for '[ "$(script_count a add)" -gt "$adds" ]' 5
assert "a says it vanished" log_has a "vanished from 'eth0' while held"
assert "a holds it" wait_for "holder_is a" 5
show_status a
show_status b
