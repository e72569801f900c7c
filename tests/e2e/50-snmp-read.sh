#!/bin/bash
# 50-snmp-read: failover-agentx serves IPFAILOVER-MIB for node a through
# snmpd.  A walk returns every object of the module in order and nothing
# else; one GET of all objects agrees with "failoverctl status -m" read
# just before and after it, over v2c and over SNMPv3 authPriv; net-snmp's
# tools load the MIB by name and name every object the agent returns;
# smilint finds no error in the module.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

e2e_setup
snmp_setup
start_pair
assert "a settles active, hearing b" \
    wait_for '[ "$(status state a)" = active ] && [ "$(status peer a)" = alive ]' 10
agentx_start

walk=$(swalk)
got=$(sed -n "s/^\($SNMP_ROOT\.[0-9.]*\) = .*/\1/p" <<<"$walk")
want=$(for row in "${SNMP_OBJECTS[@]}"; do
	read -r _ oid _ <<<"$row"
	echo "$SNMP_ROOT.1.$oid.0"
done)
say "walk: $(grep -c . <<<"$got") objects"
assert "the walk returns exactly the module's objects, in OID order" \
    test "$got" = "$want"
assert "the walk has no error or exception" \
    eval '! grep -Eqi "no such|error|timeout" <<<"$walk"'

out=$(snmp_check_all a ro) || true
[ -z "$out" ] || say "mismatches (v2c): $out"
assert "every object agrees with failoverctl status -m (v2c)" test -z "$out"

out=$(snmp_check_all a v3) || true
[ -z "$out" ] || say "mismatches (v3): $out"
assert "every object agrees with failoverctl status -m (SNMPv3 authPriv)" \
    test -z "$out"

# A value that moves: ipfState follows a manual release and takeover.
ctl a remove "$E2E_ALIAS" >/dev/null
assert "a releases on 'failoverctl remove'" \
    wait_for '[ "$(status state a)" = standby ]' 10
assert "ipfState reads standby(2) after the release" \
    wait_for '[ "$(sget ipfState)" = 2 ]' 3
assert "ipfOverride reads release(3)" test "$(sget ipfOverride)" = 3
ctl a auto >/dev/null
assert "a takes the address back after 'failoverctl auto'" \
    wait_for '[ "$(status state a)" = active ]' 10
out=$(snmp_check_all a ro) || true
[ -z "$out" ] || say "mismatches after the round trip: $out"
assert "every object agrees again after the round trip" test -z "$out"

# Names: the module loads in net-snmp's tools and names what the agent
# returns.  The IETF base modules come from erlang-snmp when needed.
if mibs=$(snmp_ietf_mibs); then
	names=$(snmp_in_c snmpwalk $(snmp_auth ro) -m IPFAILOVER-MIB \
	    -M "$mibs:$SNMP_MIB_SRC" "127.0.0.1:$SNMP_PORT" \
	    IPFAILOVER-MIB::ipfailoverMIB 2>&1)
	got=$(sed -n 's/^IPFAILOVER-MIB::\([A-Za-z]*\)\.0 = .*/\1/p' <<<"$names")
	want=$(for row in "${SNMP_OBJECTS[@]}"; do
		read -r name _ <<<"$row"
		echo "$name"
	done)
	assert "net-snmp names every object as the MIB does" test "$got" = "$want"
	assert "the MIB loads without complaint" \
	    eval '! grep -Eq "^(Cannot|Did not|Unlinked|Undefined)" <<<"$names"'
	say "$(grep -E 'ipfState|ipfFailtime\.' <<<"$names" | tr '\n' ';')"
	if command -v smilint >/dev/null; then
		lint=$(SMIPATH="$mibs" smilint -l 6 -s \
		    "$SNMP_MIB_SRC/IPFAILOVER-MIB.txt" 2>&1 || true)
		say "smilint -l 6: ${lint:-clean}"
		# The one expected warning: 32473 itself is defined nowhere
		# (RFC 5612's number has no registration module).
		assert "smilint reports nothing but the implicit enterprise node" \
		    eval '! grep -v "implicit node definition" <<<"$lint" | grep -q .'
	else
		say "smilint not installed (Debian smitools): MIB lint not run"
	fi
else
	say "no IETF base modules and erlang-snmp unavailable: names not checked"
fi
