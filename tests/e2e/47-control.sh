#!/bin/bash
# 47-control: the control socket under an unprivileged client, a
# restart of failoverd under a running subagent, and a flood of clients.
#
#   Unprivileged (uid 65534): may read status, may not change anything.
#   add, remove, auto, set and reload are answered "err denied" (exit 1),
#   also when sent raw; nothing changes (override, failtime, role, the
#   holder, the scripts).
#   Subagent: failover-agentx serves a; failoverd on a is stopped and
#   started again, then killed (SIGKILL) and started again.  The subagent
#   stays up, reports failoverd unreachable meanwhile, and then serves
#   the new daemon's values again.  (Needs snmpd; skipped without it.)
#   Flood: unprivileged clients flood b's socket for 15 s: 100 held
#   connections, connect-status-close loops, pipelined requests never
#   read, subscribers never read, half-written lines.  Meanwhile a is
#   killed (SIGKILL: its address stays, as in test 02): b must still take
#   over within failtime plus a margin.  After
#   the flood b answers root again and holds no more descriptors than
#   before.  Whether root is served while 32 unprivileged connections are
#   held is printed: there is no idle timeout and no reserved slot.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=faultlib.sh
. "$(dirname "$0")/faultlib.sh"
# shellcheck source-path=SCRIPTDIR source=snmplib.sh
. "$(dirname "$0")/snmplib.sh"

fl_require setpriv
NOBODY=65534
# The unprivileged clients need a python3 outside root's home.
PY3=/usr/bin/python3
[ -x "$PY3" ] || skip "no $PY3"
e2e_setup
with_snmp=1
for t in snmpd snmpget; do
	command -v "$t" >/dev/null || with_snmp=0
done
[ -x "$FAILOVER_AGENTX" ] || with_snmp=0
[ "$with_snmp" -eq 0 ] || snmp_setup
# The nodes' directories are 0700; the unprivileged client must reach
# the sockets inside (mode 0666).  The keys stay 0600.
chmod 0711 "$E2E_TMP/a" "$E2E_TMP/b"
start_pair
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5

as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$@"
}

# --- Unprivileged.
out=$(as_nobody timeout 10 "$FAILOVERCTL" -s "$E2E_TMP/a/ctl.sock" status -m)
assert "uid $NOBODY may read status" grep -q '^state active$' <<<"$out"
refused=0
for req in "add $E2E_ALIAS" "remove $E2E_ALIAS" auto "set failtime 5" \
    "set ismaster false" reload; do
	rc=0
	# shellcheck disable=SC2086 # the request's words
	out=$(as_nobody timeout 10 "$FAILOVERCTL" -s "$E2E_TMP/a/ctl.sock" \
	    $req 2>&1) || rc=$?
	if [ "$rc" -eq 1 ] && grep -q "denied: uid $NOBODY may not change state" <<<"$out"; then
		refused=$((refused + 1))
	else
		say "'$req' as uid $NOBODY: status $rc: $out"
	fi
done
assert "uid $NOBODY: all six changes are denied (exit 1)" test "$refused" -eq 6
raw=$(printf 'remove %s\n\n' "$E2E_ALIAS" | as_nobody timeout 5 socat - \
    "UNIX-CONNECT:$E2E_TMP/a/ctl.sock")
say "raw 'remove' as uid $NOBODY: $(head -n 1 <<<"$raw")"
assert "a raw request is denied too" grep -q "^err denied uid $NOBODY " <<<"$raw"
sleep 1.5
assert "nothing changed: override" status_is override a none
assert "nothing changed: failtime" status_is failtime_ms a 1000
assert "nothing changed: role" status_is ismaster a true
assert "nothing changed: a holds the address alone" holder_is a
assert "nothing changed: no script ran but a's first add" \
    test "$(script_count a add)$(script_count a remove)$(script_count b add)" = 100
assert "a logged the denied requests as nothing else" \
    not log_has a "operator override|set to .* through|reloaded"

# --- failoverd restarted under a running subagent.
if [ "$with_snmp" -eq 1 ]; then
	# shellcheck disable=SC2119 # no options
	agentx_start
	agent=$AGENTX_PID
	assert "the subagent shows a active" \
	    test "$(sget ipfState)" = "$(snmp_expect state active)"
	stop_node a
	assert "subagent: reports failoverd unreachable" \
	    wait_for "[ \"\$(sget ipfDaemonReachable)\" = 2 ]" 10
	start_node a
	assert "a holds the address again" wait_for "holder_is a" 15
	assert "subagent: failoverd reachable again" \
	    wait_for "[ \"\$(sget ipfDaemonReachable)\" = 1 ]" 20
	assert "subagent: shows a active again" \
	    wait_for "[ \"\$(sget ipfState)\" = $(snmp_expect state active) ]" 10
	up1=$(sget ipfDaemonUptime)
	kill_node a
	assert "subagent: failoverd unreachable after SIGKILL" \
	    wait_for "[ \"\$(sget ipfDaemonReachable)\" = 2 ]" 10
	start_node a
	assert "a holds the address again after SIGKILL" \
	    wait_for "holder_is a" 15
	assert "subagent: reachable again after SIGKILL" \
	    wait_for "[ \"\$(sget ipfDaemonReachable)\" = 1 ]" 20
	assert "subagent: shows a active again after SIGKILL" \
	    wait_for "[ \"\$(sget ipfState)\" = $(snmp_expect state active) ]" 10
	say "subagent: uptime before the kill '$up1', now '$(sget ipfDaemonUptime)'"
	assert "the subagent is the same process throughout" pid_alive "$agent"
	assert "the subagent notified 'failoverd unreachable' twice" \
	    wait_for "[ \$(traps_of ipfStateChange | grep -c 'failoverd unreachable') -ge 2 ]" 5
	assert "and 'failoverd reachable again' twice" \
	    wait_for "[ \$(traps_of ipfStateChange | grep -c 'failoverd reachable again') -ge 2 ]" 5

	# The subagent killed: failoverd neither notices nor cares.
	kill -KILL "$agent"
	wait "$agent" 2>/dev/null || true
	assert "a still answers with the subagent gone" ctlq a ping
	kill_node a
	assert "b takes over with the subagent gone" wait_for "holder_is b" 10
	start_node a
	assert "a holds the address again" wait_for "holder_is a" 15
else
	say "no snmpd or failover-agentx: the subagent part is not run"
fi

# --- The flood.
cat >"$E2E_TMP/flood.py" <<'PY'
import os, socket, sys, time

path, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + seconds
stats = {"connects": 0, "refused_full": 0, "replies": 0, "dropped": 0,
         "errors": 0}

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(path)
    stats["connects"] += 1
    return s

held = []
while time.monotonic() < end:
    try:
        if mode == "hold":
            if len(held) < 100:
                held.append(conn())
            else:
                time.sleep(0.05)
        elif mode == "churn":
            s = conn()
            s.sendall(b"status\n\n")
            data = s.recv(65536)
            if data.startswith(b"err failed too many"):
                stats["refused_full"] += 1
            elif data.startswith(b"ok"):
                stats["replies"] += 1
            s.close()
        elif mode == "pipeline":
            s = conn()
            try:
                for _ in range(20000):
                    s.sendall(b"status\n")
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                stats["dropped"] += 1
            held.append(s)
            time.sleep(0.5)
        elif mode == "subscribe":
            if len(held) < 5:
                s = conn()
                s.sendall(b"subscribe\n\n")
                held.append(s)
            time.sleep(0.1)
        elif mode == "partial":
            if len(held) < 5:
                s = conn()
                s.sendall(b"stat")
                held.append(s)
            time.sleep(0.1)
    except OSError:
        stats["errors"] += 1
        time.sleep(0.001)
print("flood %s: %s" % (mode, " ".join("%s=%d" % kv for kv in stats.items())))
PY
chmod 0644 "$E2E_TMP/flood.py"
pid_b=${E2E_PID[b]}
fd0=$(fl_fd_count "$pid_b")
rss0=$(fl_rss_kb "$pid_b")
recv0=$(status hb_received b)
c0=$(fl_cpu_ticks "$pid_b")
m0=$(now_ms)
floods=()
for mode in hold churn churn pipeline subscribe partial; do
	as_nobody "$PY3" "$E2E_TMP/flood.py" "$E2E_TMP/b/ctl.sock" "$mode" 15 \
	    >>"$E2E_TMP/flood.log" 2>&1 &
	floods+=("$!")
	E2E_HELPERS+=("$!")
done
sleep 3
fd_mid=$(fl_fd_count "$pid_b")
root_rc=0
ctl b ping >/dev/null 2>&1 || root_rc=$?
t0=$(now_ms)
kill_node a
assert "flood: b takes over from the killed master in time" \
    wait_for "has_alias b" 5
dt=$(($(now_ms) - t0))
for pid in "${floods[@]}"; do
	wait "$pid" || fail "a flood client failed: $(cat "$E2E_TMP/flood.log")"
done
c1=$(fl_cpu_ticks "$pid_b")
m1=$(now_ms)
sed 's/^/[nobody] /' "$E2E_TMP/flood.log"
assert "after the flood: b answers root" wait_for "ctl b ping >/dev/null" 5
assert "after the flood: b is active" status_is state b active
assert "b took a's heartbeats during the flood, before the kill" \
    test "$(status hb_received b)" -gt "$recv0"
assert "after the flood: b holds no more descriptors than before" \
    wait_for "[ \$(fl_fd_count $pid_b) -le $fd0 ]" 5
assert "the flood got refusals (32 clients at most)" \
    grep -q 'refused_full=[1-9]' "$E2E_TMP/flood.log"
show_status b
say "figures: b took over $(ms_to_s "$dt")s after a's kill during the flood; b's CPU $(fl_cpu_pct "$c0" "$m0" "$c1" "$m1")% over the flood; descriptors $fd0 -> $fd_mid (flood) -> $(fl_fd_count "$pid_b"); RSS ${rss0} -> $(fl_rss_kb "$pid_b") KiB; root's ping during the flood: $([ "$root_rc" -eq 0 ] && echo served || echo "refused (status $root_rc)")"
