#!/bin/bash
# 46-sighup-key: SIGHUP while the key file is bad, and a key changed on
# one side only.  (A broken configuration file is test 11.)
#
# A reload whose key cannot be used (the path is a directory, the key is
# too short, the file is readable by its group) is refused with the
# reason, and the running key stays: b goes on taking a's heartbeats.
# "failoverctl reload" gets the same refusal as its answer (exit 1).
#
# A valid new key on b alone is taken, and then each side refuses the
# other's heartbeats (rej_mac, logged at most once per 10 s with the hint
# to compare the key files): for each the peer went silent, so b takes
# the address while a keeps it, as in test 08.  Two holders is what a
# split key gives; both report it.  Putting the old key back with SIGHUP
# heals it: b hears the master and releases, a announces the address
# again, the client comes back to a, one holder from then on.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"

fl_require tcpdump
e2e_setup
key=$E2E_TMP/b/key
cp "$key" "$E2E_TMP/good.key"
from=1
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
fl_watch_start a
fl_watch_start b
sampler_start 90

# refusal_logged: b logged a refused reload naming its key file since
# line $from.
refusal_logged() {
	tail -n "+$from" "$E2E_TMP/b/daemon.log" |
	    grep -qF "reload refused, running configuration kept: key file '$key'"
}

# refused_reload WHAT: SIGHUP on b is refused, naming the key file, and b
# keeps taking a's heartbeats with its running key.
refused_reload() {
	local what=$1 recv mac
	from=$(($(fl_log_lines b) + 1))
	recv=$(status hb_received b)
	mac=$(status rej_mac b)
	kill -HUP "${E2E_PID[b]}"
	assert "$what: b refuses the reload" wait_for refusal_logged 5
	tail -n "+$from" "$E2E_TMP/b/daemon.log" | grep -m1 'reload refused' |
	    sed 's/^/[b] /'
	sleep 1
	assert "$what: b still takes a's heartbeats" \
	    test "$(status hb_received b)" -gt "$recv"
	assert "$what: b rejects none" test "$(status rej_mac b)" -eq "$mac"
	assert "$what: b still hears a, in standby" \
	    eval 'status_is peer b alive && status_is state b standby'
}

rm -f "$key"
mkdir "$key"
refused_reload "key path is a directory"
rmdir "$key"
printf 'short\n' >"$key"
chmod 0600 "$key"
refused_reload "key too short"
install -m 0640 "$E2E_TMP/good.key" "$key"
refused_reload "key readable by its group"
rm -f "$key"
out=$(ctl b reload 2>&1) && fail "failoverctl reload with no key file succeeded"
rc=0
ctl b reload >/dev/null 2>&1 || rc=$?
say "failoverctl reload: $out"
assert "failoverctl reload is refused with exit 1" test "$rc" -eq 1
assert "failoverctl reload says which key file" grep -qF "$key" <<<"$out"
assert "no sample showed two holders so far" test "$(sampler_overlaps)" -eq 0
assert "b ran no script so far" test "$(script_count b add)" -eq 0

# --- A new key on b only.
make_key "$key"
from_a=$(($(fl_log_lines a) + 1))
mac_a=$(status rej_mac a)
t0=$(now_ms)
kill -HUP "${E2E_PID[b]}"
assert "split key: b takes the new key" \
    wait_for "log_has b \"configuration '.*' reloaded\"" 5
assert "split key: a rejects b's heartbeats (rej_mac)" \
    wait_for "[ \$(status rej_mac a) -gt $mac_a ]" 5
assert "split key: b rejects a's (rej_mac)" \
    wait_for "[ \$(status rej_mac b) -gt 0 ]" 5
assert "split key: b takes the address" wait_for "has_alias b" 10
dt=$(($(now_ms) - t0))
assert "split key: a keeps it (two holders: a split key)" has_alias a
assert "split key: a reports the peer lost" wait_for "status_is peer a lost" 3
assert "split key: b reports the peer lost" status_is peer b lost
assert "split key: the client follows b's announcement" \
    wait_for "client_reaches b" 3
sleep 6
warned=$(fl_log_count a 'rejected \(mac\)' "$from_a")
assert "split key: a logs the refusals with the hint" \
    log_has a 'rejected \(mac\): compare the key files'
assert "split key: a sends an auth event" \
    test "$(fl_events a auth)" -ge 1
say "split key: b took over $(ms_to_s "$dt")s after SIGHUP; in $(ms_to_s $(($(now_ms) - t0)))s a rejected $(($(status rej_mac a) - mac_a)) heartbeats, logged $warned warnings, sent $(fl_events a auth) auth events"
assert "split key: the warnings are rate-limited (<= 2 in ~7 s)" \
    test "$warned" -le 2

# --- Healing: the old key back on b.
install -m 0600 "$E2E_TMP/good.key" "$key"
fl_garp_start
heal=$(now_ms)000
kill -HUP "${E2E_PID[b]}"
assert "healed: a is the only holder" wait_for "holder_is a" 10
assert "healed: b released" test -n "$(script_time b remove-done "$heal")"
assert "healed: b hears a" wait_for "status_is peer b alive" 3
assert "healed: a hears b" wait_for "status_is peer a alive" 3
assert "healed: b is in standby" wait_for "status_is state b standby" 5
assert "healed: a announced the address again" \
    wait_for "[ \$(fl_garp_count a $heal) -ge 1 ]" 5
assert "healed: the client's neighbour entry is a's MAC" \
    wait_for "[ \"\$(client_mac)\" = a ]" 5
assert "healed: the client reaches a" wait_for "client_reaches a" 3
b_gone=$(sampler_first_time b 0 "$heal")
assert "the sampler saw b let go" test -n "$b_gone"
assert_no_overlap "$b_gone"
show_status a
show_status b
