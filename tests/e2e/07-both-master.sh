#!/bin/bash
# 07-both-master: both nodes configured master.  The lower own address
# (a, 198.18.0.1) wins, both log the conflict loudly, and the winner is
# the same however often and in whichever order they are restarted.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup

round() {
	local first=$1 second=$2 n=$3
	start_node "$first" ismaster=true
	start_node "$second" ismaster=true
	assert "round $n ($first first): a is the only holder" \
	    wait_for "holder_is a" 15
	sleep 2
	assert "round $n: still a alone after two failtimes" holder_is a
	assert "round $n: b is in standby" test "$(status state b)" = standby
	assert "round $n: a reports effective_role master" \
	    test "$(status effective_role a)" = master
	assert "round $n: b reports effective_role slave" \
	    test "$(status effective_role b)" = slave
	stop_node a
	stop_node b
}

round a b 1
round b a 2
round a b 3
round b a 4
for n in a b; do
	assert "$n's log warns about both nodes being master" \
	    log_has "$n" '(warn|conflict).*master|master.*(conflict|both|tie)'
	grep -Ei 'master.*(conflict|both|tie)|(conflict|both|tie).*master' \
	    "$E2E_TMP/$n/daemon.log" | head -n 1 | sed "s/^/[$n] /"
done

# b alone first: it takes the address; a, the lower address, joins.
start_node b ismaster=true
assert "b alone takes the address" wait_for "holder_is b" 10
sampler_start 20
start_node a ismaster=true
assert "a, joining, ends up the only holder" wait_for "holder_is a" 15
assert_no_overlap 0
