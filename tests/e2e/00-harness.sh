#!/bin/bash
# 00-harness: the harness itself, with no daemon.  The floating address
# is moved by hand, so that every later test can trust holder detection,
# the client probe, the neighbour MAC check and above all the sampler's
# claim "no sample had two holders": here it must see the overlap that we
# create on purpose.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup --no-daemon

alias_on() {
	ip -n "${E2E_NS}$1" addr add "$E2E_ALIAS/$E2E_PREFIX" dev eth0
}

alias_off() {
	ip -n "${E2E_NS}$1" addr del "$E2E_ALIAS/$E2E_PREFIX" dev eth0
}

assert "nobody holds the address at first" holder_is none
assert "the client reaches nobody" client_reaches none

alias_on a
assert "holder is a after adding it on a" holder_is a
assert "the client reaches a" wait_for "client_reaches a" 3
assert "the client's neighbour entry is a's MAC" \
    test "$(client_mac)" = a

sampler_start 10
sleep 0.3
alias_off a
alias_on b
sleep 0.3
ip -n "${E2E_NS}c" neigh flush dev eth0
assert "holder is b after moving it" holder_is b
assert "the client reaches b" wait_for "client_reaches b" 3
assert "the client's neighbour entry is b's MAC" \
    test "$(client_mac)" = b
assert_no_overlap 0

# Now both hold it for a while: the sampler must notice.
sampler_start 10
sleep 0.2
alias_on a
since=$(now_ms)000
sleep 0.3
alias_off b
sleep 0.2
sampler_stop
say "sampler: $(sampler_summary)"
overlaps=$(sampler_overlaps)
say "overlapping samples while both held it: $overlaps"
assert "the sampler sees two holders when there are two" \
    test "$overlaps" -gt 0
after=$(sampler_first_time b 0 "$since")
assert "the sampler saw b give it up" test -n "$after"
assert "no overlap is claimed after b gave it up" \
    test "$(sampler_overlaps "$after")" -eq 0
assert "holder is a at the end" holder_is a
