#!/bin/bash
# 55-snmp-pysnmp: the same reads and writes through pysnmp, a second SNMP
# implementation, so that nothing passes only because net-snmp's tools
# and net-snmp's agent library agree with each other.  A GET of every
# object (v2c and SNMPv3 authPriv) agrees with failoverctl, a walk returns
# the module's objects, a SET reaches failoverd, a bad SET is refused.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

# Debian's python3-pysnmp4 is installed for Debian's interpreter, which a
# python3 earlier in PATH (pyenv, a venv) would not see.
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=python3
"$PYTHON" -c 'import pysnmp.hlapi' 2>/dev/null ||
    skip "python3-pysnmp4 not installed for $PYTHON"

e2e_setup
snmp_setup
start_pair
assert "a settles active" wait_for '[ "$(status state a)" = active ]' 10
agentx_start

PY=$E2E_TMP/snmp/client.py
cat >"$PY" <<'EOF'
# pysnmp client: get/walk/set against 127.0.0.1:PORT, one line per value.
import sys
from pysnmp.hlapi import (SnmpEngine, CommunityData, UsmUserData,
    UdpTransportTarget, ContextData, ObjectType, ObjectIdentity, getCmd,
    nextCmd, setCmd, usmHMACSHAAuthProtocol, usmAesCfb128Protocol)
from pysnmp.proto.rfc1902 import OctetString, Unsigned32, Integer32

port, auth, verb = int(sys.argv[1]), sys.argv[2], sys.argv[3]
args = sys.argv[4:]
if auth.startswith('v3:'):
    user, akey, pkey = auth[3:].split(':')
    cred = UsmUserData(user, akey, pkey, authProtocol=usmHMACSHAAuthProtocol,
                       privProtocol=usmAesCfb128Protocol)
else:
    cred = CommunityData(auth, mpModel=1)
target = UdpTransportTarget(('127.0.0.1', port), timeout=2, retries=1)

def show(val):
    if isinstance(val, OctetString):
        raw = val.asOctets()
        if raw and all(32 <= b < 127 for b in raw):
            return raw.decode()
        return ' '.join('%02X' % b for b in raw)
    return str(int(val))

def check(err, status, index):
    if err:
        print('error %s' % err)
        sys.exit(1)
    if status:
        print('error %s' % status.prettyPrint())
        sys.exit(1)

engine = SnmpEngine()
if verb == 'get':
    objs = [ObjectType(ObjectIdentity(o)) for o in args]
    err, status, index, vbs = next(getCmd(engine, cred, target,
                                          ContextData(), *objs,
                                          lookupMib=False))
    check(err, status, index)
    for name, val in vbs:
        print(show(val))
elif verb == 'walk':
    for err, status, index, vbs in nextCmd(engine, cred, target,
            ContextData(), ObjectType(ObjectIdentity(args[0])),
            lexicographicMode=False, lookupMib=False):
        check(err, status, index)
        for name, val in vbs:
            print('%s %s' % (name, show(val)))
elif verb == 'set':
    kinds = {'s': OctetString, 'u': Unsigned32, 'i': Integer32}
    objs = [ObjectType(ObjectIdentity(args[i]), kinds[args[i + 1]](
            int(args[i + 2]) if args[i + 1] != 's' else args[i + 2]))
            for i in range(0, len(args), 3)]
    err, status, index, vbs = next(setCmd(engine, cred, target,
                                          ContextData(), *objs,
                                          lookupMib=False))
    check(err, status, index)
    print('ok')
EOF

# py PROFILE VERB ARGS...: the client in namespace c.
py() {
	local auth
	case $1 in
	ro) auth=$SNMP_COMMUNITY_RO ;;
	rw) auth=$SNMP_COMMUNITY_RW ;;
	v3) auth="v3:$SNMP_V3_USER:$SNMP_V3_AUTH:$SNMP_V3_PRIV" ;;
	esac
	shift
	nsx c timeout 30 "$PYTHON" "$PY" "$SNMP_PORT" "$auth" "$@" 2>&1
}

# py_check_all PROFILE: as snmp_check_all, through pysnmp.
py_check_all() {
	local before after row oids=() vals=() i bad=0
	for row in "${SNMP_OBJECTS[@]}"; do
		read -r _ oid _ <<<"$row"
		oids+=("${SNMP_ROOT#.}.1.$oid.0")
	done
	before=$(status_all a)
	sleep 0.3
	mapfile -t vals < <(py "$1" get "${oids[@]}")
	after=$(status_all a)
	if [ "${#vals[@]}" -ne "${#oids[@]}" ]; then
		echo "expected ${#oids[@]} values, got: ${vals[*]}"
		return 1
	fi
	for i in "${!SNMP_OBJECTS[@]}"; do
		snmp_check_object "${SNMP_OBJECTS[$i]}" "${vals[$i]}" \
		    "$before" "$after" || bad=1
	done
	return "$bad"
}

out=$(py_check_all ro) || true
[ -z "$out" ] || say "mismatches (pysnmp, v2c): $out"
assert "pysnmp: every object agrees with failoverctl (v2c)" test -z "$out"
out=$(py_check_all v3) || true
[ -z "$out" ] || say "mismatches (pysnmp, v3): $out"
assert "pysnmp: every object agrees with failoverctl (SNMPv3 authPriv)" \
    test -z "$out"

walk=$(py ro walk "${SNMP_ROOT#.}")
assert "pysnmp: a walk returns the ${#SNMP_OBJECTS[@]} objects" \
    test "$(grep -c "^${SNMP_ROOT#.}\." <<<"$walk")" -eq "${#SNMP_OBJECTS[@]}"

ms_oid=${SNMP_ROOT#.}.1.1.4.0
out=$(py rw set "$ms_oid" u 1800)
assert "pysnmp: SET ipfFailtimeMs 1800 is accepted ($out)" test "$out" = ok
assert "failoverd runs with 1.8 s from snmp" \
    test "$(status failtime a) $(status failtime_source a)" = "1.800 snmp"
out=$(py v3 set "$ms_oid" u 10 || true)
say "pysnmp: SET ipfFailtimeMs 10 over SNMPv3: $out"
assert "pysnmp: an out-of-range SET is refused with wrongValue" \
    test "$out" = "error wrongValue"
assert "and changes nothing" test "$(status failtime_ms a)" = 1800
out=$(py rw set "${SNMP_ROOT#.}.1.1.3.0" s 2.25)
assert "pysnmp: SET ipfFailtime '2.25' is accepted" test "$out" = ok
assert "failoverd runs with 2.25 s" test "$(status failtime_ms a)" = 2250
