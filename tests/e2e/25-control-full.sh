#!/bin/bash
# 25-control-full: unprivileged clients that fill every slot of the
# control socket and never speak do not lock root out: an operator's
# connection takes the slot of the oldest reader.  A "set failtime" under
# twice the peer's heartbeat interval is refused: it would flap.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_setup
start_pair
assert "a holds the address" wait_for "holder_is a" 10
sock=$E2E_TMP/a/ctl.sock
chmod 0755 "$E2E_TMP/a"
for i in $(seq 1 40); do
	setpriv --reuid 65534 --regid 65534 --clear-groups \
	    timeout 30 socat -u "UNIX-CONNECT:$sock" - >/dev/null 2>&1 &
	E2E_HELPERS+=($!)
done
sleep 1
assert "root still gets an answer with every slot taken" ctlq a ping
assert "root may still change state" ctlq a set failtime 2
assert "a reports failtime 2 from control" \
    test "$(status failtime a)/$(status failtime_source a)" = 2.000/control

assert "b hears a" wait_for "status_is peer b alive" 5
if ctl b set failtime 0.1 >"$E2E_TMP/out" 2>&1; then
	fail "b accepted a failtime under twice a's heartbeat interval"
fi
assert "the refusal says why" grep -q "twice the peer's heartbeat interval" "$E2E_TMP/out"
assert "b keeps its failtime" status_is failtime b 1.000
