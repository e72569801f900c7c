#!/bin/bash
# 06-manual: an operator moves the address.  "failoverctl add" on the
# slave: the master releases first, then the slave adds, and status shows
# the override.  "failoverctl auto": back to the master.  "failoverctl
# remove" on the master: it releases and the slave takes.  Never two
# holders at any sample.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
sampler_start 40

since=$(now_ms)000
assert "failoverctl add on b is accepted" ctlq b add "$E2E_ALIAS"
assert "b becomes the only holder" wait_for "holder_is b" 10
assert "order: a released before b added" \
    before "$(script_time a remove-done "$since")" "$(script_time b add "$since")"
assert "b shows override hold" test "$(status override b)" = hold
assert "the client reaches b" wait_for "client_reaches b" 3
sleep 1.5
assert "b keeps it (longer than failtime)" holder_is b

since=$(now_ms)000
assert "failoverctl auto on b is accepted" ctlq b auto
assert "a is the only holder again" wait_for "holder_is a" 10
assert "order: b released before a added" \
    before "$(script_time b remove-done "$since")" "$(script_time a add "$since")"
assert "b shows override none" test "$(status override b)" = none
assert "the client reaches a" wait_for "client_reaches a" 3

since=$(now_ms)000
assert "failoverctl remove on a is accepted" ctlq a remove "$E2E_ALIAS"
assert "b takes the address" wait_for "holder_is b" 10
assert "order: a released before b added" \
    before "$(script_time a remove-done "$since")" "$(script_time b add "$since")"
assert "a shows override release" test "$(status override a)" = release
assert "the client reaches b" wait_for "client_reaches b" 3
assert_no_overlap 0

assert "failoverctl add of another address is refused" \
    not ctlq a add 198.18.0.99
show_status a
show_status b
