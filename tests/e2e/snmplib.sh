#!/bin/bash
# The SNMP side of the end-to-end tests, sourced after lib.sh by
# tests/e2e/5x-*.sh and by tests/demo.sh (demo_snmp_before/after).
#
# Layout, all inside the test's own namespaces:
#
#   ${E2E_NS}c  snmpd (AgentX master, UDP 127.0.0.1:$SNMP_PORT on c's own
#               loopback), snmptrapd (127.0.0.1:$SNMP_TRAP_PORT), and
#               every manager command (snmpget, snmpset, pysnmp)
#   ${E2E_NS}a  failover-agentx, talking to a's control socket
#
# The AgentX socket is a Unix path under $E2E_TMP/snmp, which works across
# network namespaces.  snmpd and snmptrapd read only the files written
# here (-C, SNMPCONFPATH), and nothing is sent outside the namespaces.
# Processes are ended by PID in snmp_cleanup, which runs before lib.sh's
# e2e_cleanup on exit.
#
# Environment: FAILOVER_AGENTX (the binary, default
# $E2E_BUILDDIR/failover-agentx), SNMP_IETF_MIBS (a folder holding the IETF
# base modules; otherwise Debian's erlang-snmp package is fetched once
# with apt-get download into SNMP_MIB_CACHE).

# Some helpers take optional arguments (swalk, snmpd_stop, agentx_start).
# shellcheck disable=SC2119,SC2120

FAILOVER_AGENTX=${FAILOVER_AGENTX:-$E2E_BUILDDIR/failover-agentx}
SNMP_ROOT=.1.3.6.1.4.1.32473.1
SNMP_MIB_SRC=$E2E_SRCDIR/mib
SNMP_MIB_CACHE=${SNMP_MIB_CACHE:-/var/tmp/ipfailover-e2e-mibs}
SNMP_PORT=16161
SNMP_TRAP_PORT=16162
SNMP_COMMUNITY_RO=public
SNMP_COMMUNITY_RW=ipf-rw-test
SNMP_V3_USER=ipfadmin
SNMP_V3_RO_USER=ipfreader
SNMP_V3_AUTH=ipf-auth-secret
SNMP_V3_PRIV=ipf-priv-secret
AGENTX_NODE=${AGENTX_NODE:-a}	# the node failover-agentx serves
SNMP_DIR=
SNMPD_PID=
SNMPTRAPD_PID=
AGENTX_PID=
AGENTX_LOG=

# The objects of IPFAILOVER-MIB: name, OID under ipfObjects, the status
# key of "failoverctl status -m" it shows, and how to compare them.
SNMP_OBJECTS=(
	"ipfIsMaster 1.1 ismaster truth"
	"ipfIsMasterSource 1.2 ismaster_source source"
	"ipfFailtime 1.3 failtime str"
	"ipfFailtimeMs 1.4 failtime_ms int"
	"ipfFailtimeSource 1.5 failtime_source source"
	"ipfHeartbeatInterval 1.6 interval_ms int"
	"ipfAliasAddressType 1.7 aliasip addrtype"
	"ipfAliasAddress 1.8 aliasip addr"
	"ipfAliasPrefixLength 1.9 prefix int"
	"ipfOtherAddressType 1.10 otherip addrtype"
	"ipfOtherAddress 1.11 otherip addr"
	"ipfLocalAddressType 1.12 localip addrtype"
	"ipfLocalAddress 1.13 localip addr"
	"ipfInterface 1.14 interface str"
	"ipfHeartbeatPort 1.15 port int"
	"ipfConfigFile 1.16 config str"
	"ipfMode 1.17 mode mode"
	"ipfModeSource 1.18 mode_source source"
	"ipfState 2.1 state state"
	"ipfHoldsAddress 2.2 holds truth"
	"ipfEffectiveRole 2.3 effective_role role"
	"ipfOverride 2.4 override override"
	"ipfForeignHolder 2.5 foreign_holder truth"
	"ipfDaemonUptime 2.6 uptime_ms ticks"
	"ipfDaemonReachable 2.7 - reachable"
	"ipfPending 2.8 pending move"
	"ipfConfirm 2.9 - confirm"
	"ipfReady 2.10 ready ready"
	"ipfReadyReason 2.11 ready_reason str"
	"ipfDryRun 2.12 dry_run truth"
	"ipfSimulation 2.13 simulation sim"
	"ipfAddressLease 2.14 addresslease truth"
	"ipfPeerStatus 3.1 peer peer"
	"ipfPeerLastHeard 3.2 peer_last_ms heard"
	"ipfPeerState 3.3 peer_state state"
	"ipfPeerIsMaster 3.4 peer_ismaster truth"
	"ipfPeerHoldsAddress 3.5 peer_holds truth"
	"ipfPeerReady 3.6 peer_ready truth"
	"ipfPeerReadiness 3.7 peer_ready ready"
	"ipfWorstGapMs 3.8 worst_gap_ms mono"
	"ipfHeartbeatsSent 4.1 hb_sent mono"
	"ipfHeartbeatsReceived 4.2 hb_received mono"
	"ipfRejectedLength 4.3 rej_length mono"
	"ipfRejectedVersion 4.4 rej_version mono"
	"ipfRejectedMac 4.5 rej_mac mono"
	"ipfRejectedReplay 4.6 rej_replay mono"
	"ipfRejectedSender 4.7 rej_sender mono"
	"ipfTakeovers 4.8 takeovers mono"
	"ipfReleases 4.9 releases mono"
	"ipfScriptFailures 4.10 script_failures mono"
	"ipfNotificationsUnsent 4.11 - unsent"
	"ipfNearMisses 4.12 nearmiss mono"
	"ipfLastChangeTime 5.1 last_change int"
	"ipfLastChangeAge 5.2 last_change_ago_ms mono"
	"ipfLastChangeReason 5.3 last_reason str"
	"ipfLastTakeoverDuration 5.4 last_takeover_ms int"
)

# Notification numbers under ipfNotifications.
declare -A SNMP_TRAP=([ipfStateChange]=1 [ipfPeerLost]=2 [ipfPeerBack]=3
    [ipfScriptFailure]=4 [ipfAuthFailure]=5 [ipfAddressConflict]=6
    [ipfStateSummary]=7 [ipfTakeoverPending]=8 [ipfReadinessChange]=9
    [ipfNearMiss]=10)

# ---------------------------------------------------------------------
# Names and values

# oid_of NAME: the numeric OID of object NAME's instance.
oid_of() {
	local row name oid rest
	for row in "${SNMP_OBJECTS[@]}"; do
		read -r name oid rest <<<"$row"
		if [ "$name" = "$1" ]; then
			echo "$SNMP_ROOT.1.$oid.0"
			return 0
		fi
	done
	fail "no object named '$1'"
}

# The SNMP value (as snmpget -Oqvt prints it, quotes removed) that status
# value V of kind KIND should give.
snmp_expect() {
	local kind=$1 v=$2
	case $kind in
	truth) case $v in true | yes | on) echo 1 ;; *) echo 2 ;; esac ;;
	state)
		case $v in
		init) echo 1 ;; standby) echo 2 ;; taking) echo 3 ;;
		active) echo 4 ;; releasing) echo 5 ;; fault) echo 6 ;;
		pending) echo 8 ;; *) echo 7 ;;
		esac ;;
	ready) case $v in yes) echo 1 ;; no) echo 2 ;; *) echo 3 ;; esac ;;
	mode) case $v in manual) echo 2 ;; *) echo 1 ;; esac ;;
	move)
		case $v in
		none) echo 1 ;; takeover) echo 2 ;; handback) echo 3 ;;
		*) echo 4 ;;
		esac ;;
	sim) case $v in none) echo 1 ;; peer-loss) echo 2 ;; *) echo 3 ;; esac ;;
	source)
		case $v in
		config) echo 1 ;; control) echo 2 ;; snmp) echo 3 ;;
		*) echo 4 ;;
		esac ;;
	role) case $v in master) echo 1 ;; slave) echo 2 ;; *) echo 3 ;; esac ;;
	override)
		case $v in
		none) echo 1 ;; hold) echo 2 ;; release) echo 3 ;; *) echo 4 ;;
		esac ;;
	peer) case $v in alive) echo 1 ;; lost) echo 2 ;; *) echo 3 ;; esac ;;
	addrtype) [ -n "$v" ] && echo 1 || echo 0 ;;
	addr)
		local IFS=.
		# shellcheck disable=SC2086 # split the dotted quad
		set -- $v
		printf '%02X %02X %02X %02X\n' "$1" "$2" "$3" "$4" ;;
	*) echo "$v" ;;
	esac
}

# ---------------------------------------------------------------------
# Manager commands, all run in namespace c

snmp_in_c() {
	nsx c env SNMPCONFPATH="$SNMP_DIR/client" MIBS= MIBDIRS= "$@"
}

# Authentication arguments by profile: ro (v2c public), rw (v2c, the
# test's write community), v3 (authPriv SHA/AES, may write), v3ro
# (authPriv, read-only user).
snmp_auth() {
	case $1 in
	ro) echo "-v2c -c $SNMP_COMMUNITY_RO" ;;
	rw) echo "-v2c -c $SNMP_COMMUNITY_RW" ;;
	v3) echo "-v3 -l authPriv -u $SNMP_V3_USER -a SHA -A $SNMP_V3_AUTH -x AES -X $SNMP_V3_PRIV" ;;
	v3ro) echo "-v3 -l authPriv -u $SNMP_V3_RO_USER -a SHA -A $SNMP_V3_AUTH -x AES -X $SNMP_V3_PRIV" ;;
	*) fail "snmp_auth: unknown profile '$1'" ;;
	esac
}

# snmp_req TOOL PROFILE FORMAT ARGS...: one manager command against our
# snmpd, numeric OIDs, two tries of two seconds at most.
snmp_req() {
	local tool=$1 profile=$2 fmt=$3
	shift 3
	# FMT and the authentication arguments are several words, or none.
	# shellcheck disable=SC2046,SC2086
	snmp_in_c timeout 20 "$tool" $(snmp_auth "$profile") -On -t 2 -r 1 \
	    $fmt "127.0.0.1:$SNMP_PORT" "$@"
}

# sget NAME [PROFILE]: the value of one object, quotes and the trailing
# blank of hex strings removed.
sget() {
	snmp_req snmpget "${2:-ro}" -Oqvt "$(oid_of "$1")" 2>&1 |
	    sed 's/^"//; s/ *"$//; s/ $//'
}

# sset PROFILE NAME TYPE VALUE [NAME TYPE VALUE...]: prints snmpset's
# output and returns its status.
sset() {
	local profile=$1 args=()
	shift
	while [ "$#" -ge 3 ]; do
		args+=("$(oid_of "$1")" "$2" "$3")
		shift 3
	done
	snmp_req snmpset "$profile" "" "${args[@]}" 2>&1
}

# sset_error PROFILE NAME TYPE VALUE...: the error name snmpset reports
# ("wrongValue"...), "ok" on success, "timeout" or "other: TEXT".
sset_error() {
	local out
	if out=$(sset "$@"); then
		echo ok
		return
	fi
	case $out in
	*Reason:*) sed -n 's/^Reason: \([A-Za-z]*\).*/\1/p' <<<"$out" | head -1 ;;
	*Timeout*) echo timeout ;;
	*) echo "other: ${out//$'\n'/ }" ;;
	esac
}

# swalk [PROFILE]: the walk of the whole module, "OID = TYPE: VALUE".
swalk() {
	snmp_req snmpwalk "${1:-ro}" -Ox "$SNMP_ROOT" 2>&1
}

# ---------------------------------------------------------------------
# The IETF base modules, for tools that load IPFAILOVER-MIB by name

# Prints a folder with SNMPv2-SMI and friends, fetching Debian's
# erlang-snmp (which carries them) into SNMP_MIB_CACHE when needed.
snmp_ietf_mibs() {
	local d tmp f
	for d in "${SNMP_IETF_MIBS:-}" /usr/share/snmp/mibs/ietf \
	    "$SNMP_MIB_CACHE"; do
		if [ -n "$d" ] && { [ -s "$d/SNMPv2-SMI" ] ||
		    [ -s "$d/SNMPv2-SMI.txt" ]; }; then
			echo "$d"
			return 0
		fi
	done
	command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
	    return 1
	tmp=$(mktemp -d /tmp/ipfe-mibs.XXXXXX)
	if ! (cd "$tmp" && timeout 120 apt-get download -q erlang-snmp \
	    >/dev/null 2>&1); then
		timeout 300 apt-get update -q >/dev/null 2>&1 || true
		(cd "$tmp" && timeout 120 apt-get download -q erlang-snmp \
		    >/dev/null 2>&1) || { rm -rf "$tmp"; return 1; }
	fi
	dpkg -x "$tmp"/erlang-snmp_*.deb "$tmp/x" || { rm -rf "$tmp"; return 1; }
	mkdir -p "$tmp/mibs"
	for f in "$tmp"/x/usr/lib/erlang/lib/snmp-*/mibs/*.mib; do
		cp "$f" "$tmp/mibs/$(basename "$f" .mib).txt"
	done
	rm -rf "$SNMP_MIB_CACHE.new"
	mkdir -p "$(dirname "$SNMP_MIB_CACHE")"
	mv "$tmp/mibs" "$SNMP_MIB_CACHE.new"
	rm -rf "$SNMP_MIB_CACHE"
	mv "$SNMP_MIB_CACHE.new" "$SNMP_MIB_CACHE"
	rm -rf "$tmp"
	echo "$SNMP_MIB_CACHE"
}

# ---------------------------------------------------------------------
# snmpd, snmptrapd and the subagent

snmp_require() {
	local t
	for t in snmpd snmptrapd snmpget snmpset snmpwalk; do
		command -v "$t" >/dev/null || skip "'$t' not installed"
	done
	[ -x "$FAILOVER_AGENTX" ] ||
	    skip "no failover-agentx at $FAILOVER_AGENTX (built without net-snmp?)"
}

snmpd_write_config() {
	cat >"$SNMP_DIR/snmpd.conf" <<EOF
# snmpd for test $E2E_NAME: AgentX master on a private socket.
[snmp] persistentDir $SNMP_DIR/snmpd-state
agentaddress udp:127.0.0.1:$SNMP_PORT
master agentx
agentXSocket $SNMP_DIR/agentx/master
agentXPerms 0666 0755
view ipf included $SNMP_ROOT
view all included .1
rocommunity $SNMP_COMMUNITY_RO 127.0.0.1 -V all
rwcommunity $SNMP_COMMUNITY_RW 127.0.0.1 -V ipf
createUser $SNMP_V3_USER SHA $SNMP_V3_AUTH AES $SNMP_V3_PRIV
createUser $SNMP_V3_RO_USER SHA $SNMP_V3_AUTH AES $SNMP_V3_PRIV
rwuser $SNMP_V3_USER priv -V ipf
rouser $SNMP_V3_RO_USER priv -V all
trap2sink 127.0.0.1:$SNMP_TRAP_PORT $SNMP_COMMUNITY_RO
EOF
	cat >"$SNMP_DIR/snmptrapd.conf" <<EOF
[snmp] persistentDir $SNMP_DIR/snmptrapd-state
authCommunity log $SNMP_COMMUNITY_RO
EOF
}

# Runs a daemon in c.  Not through nsx: a shell function put in the
# background forks a subshell, and $! would be the subshell's PID.
snmp_daemon_env() {
	exec ip netns exec "${E2E_NS}c" env SNMPCONFPATH="$SNMP_DIR/client" \
	    MIBS= MIBDIRS= "$@"
}

# Waits until snmpd answers a GET of sysUpTime (the master itself).
snmpd_answers() {
	snmp_req snmpget ro "-Oqv -t 0.3 -r 0" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1
}

snmpd_start() {
	echo "=== $(date '+%T.%N') start snmpd" >>"$SNMP_DIR/snmpd.log"
	(snmp_daemon_env snmpd -f -C -c "$SNMP_DIR/snmpd.conf" \
	    -Lf "$SNMP_DIR/snmpd.log" </dev/null >/dev/null 2>&1) &
	SNMPD_PID=$!
	wait_for "snmpd_answers" 10 ||
	    fail "snmpd does not answer on 127.0.0.1:$SNMP_PORT in ${E2E_NS}c"
	say "snmpd started (pid $SNMPD_PID)"
}

# snmpd_stop [KILL]: ends snmpd by its PID (SIGTERM, or SIGKILL).
snmpd_stop() {
	[ -n "$SNMPD_PID" ] || return 0
	kill -CONT "$SNMPD_PID" 2>/dev/null || true
	kill "-${1:-TERM}" "$SNMPD_PID" 2>/dev/null || true
	wait_for "! kill -0 $SNMPD_PID 2>/dev/null" 10 ||
	    kill -KILL "$SNMPD_PID" 2>/dev/null || true
	wait "$SNMPD_PID" 2>/dev/null || true
	SNMPD_PID=
}

snmptrapd_start() {
	: >"$SNMP_DIR/traps.log"
	(snmp_daemon_env snmptrapd -f -C -c "$SNMP_DIR/snmptrapd.conf" -On \
	    -Lf "$SNMP_DIR/traps.log" -F 'TRAP %v\n' \
	    "udp:127.0.0.1:$SNMP_TRAP_PORT" </dev/null >/dev/null 2>&1) &
	SNMPTRAPD_PID=$!
	wait_for "grep -q 'NET-SNMP version' '$SNMP_DIR/traps.log'" 10 ||
	    fail "snmptrapd did not start"
	say "snmptrapd started (pid $SNMPTRAPD_PID)"
}

# agentx_start [OPTION...]: failover-agentx for node $AGENTX_NODE (a unless
# told), in that node's namespace,
# in the foreground with debug output; waits for it to be subscribed to
# failoverd and registered with snmpd.
agentx_start() {
	local mark
	mark=$(wc -l <"$AGENTX_LOG" 2>/dev/null || echo 0)
	echo "=== $(date '+%T.%N') start failover-agentx $*" >>"$AGENTX_LOG"
	ip netns exec "${E2E_NS}$AGENTX_NODE" "$FAILOVER_AGENTX" -f -d \
	    -x "$SNMP_DIR/agentx/master" \
	    -s "$E2E_TMP/$AGENTX_NODE/ctl.sock" "$@" \
	    </dev/null >>"$AGENTX_LOG" 2>&1 &
	AGENTX_PID=$!
	wait_for "tail -n +$((mark + 1)) '$AGENTX_LOG' | grep -q 'session with the master agent open'" 10 ||
	    fail "failover-agentx did not register with snmpd"
	wait_for "[ \"\$(sget ipfDaemonReachable)\" = 1 ]" 10 ||
	    fail "failover-agentx does not serve IPFAILOVER-MIB"
	say "failover-agentx started for $AGENTX_NODE (pid $AGENTX_PID)"
}

agentx_stop() {
	[ -n "$AGENTX_PID" ] || return 0
	kill -TERM "$AGENTX_PID" 2>/dev/null || true
	wait_for "! kill -0 $AGENTX_PID 2>/dev/null" 10 ||
	    kill -KILL "$AGENTX_PID" 2>/dev/null || true
	wait "$AGENTX_PID" 2>/dev/null || true
	AGENTX_PID=
}

snmp_dump() {
	local f
	for f in "$SNMP_DIR/snmpd.log" "$SNMP_DIR/traps.log" "$AGENTX_LOG"; do
		[ -s "$f" ] || continue
		echo "----- ${f#"$E2E_TMP"/} (last 40 lines)"
		tail -n 40 "$f" | cut -c1-400
	done
}

# Runs first on exit, keeping the exit status for e2e_cleanup.
snmp_cleanup() {
	local rc=$?
	set +e
	[ "$E2E_FAILED" -eq 0 ] || rc=$E2E_FAILED
	agentx_stop
	snmpd_stop
	if [ -n "$SNMPTRAPD_PID" ]; then
		kill -TERM "$SNMPTRAPD_PID" 2>/dev/null
		wait "$SNMPTRAPD_PID" 2>/dev/null
		SNMPTRAPD_PID=
	fi
	if [ -n "$SNMP_DIR" ] && { { [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; } ||
	    [ "${E2E_VERBOSE:-0}" = 1 ]; }; then
		snmp_dump >&2
	fi
	return "$rc"
}

# snmp_setup: after e2e_setup; snmpd and snmptrapd in c.  The subagent is
# started by the test (agentx_start) once failoverd runs on a.
snmp_setup() {
	snmp_require
	SNMP_DIR=$E2E_TMP/snmp
	mkdir -p "$SNMP_DIR/agentx" "$SNMP_DIR/client" "$E2E_TMP/agentx"
	chmod 0755 "$SNMP_DIR" "$SNMP_DIR/agentx"
	AGENTX_LOG=$E2E_TMP/agentx/daemon.log
	: >"$AGENTX_LOG"
	snmpd_write_config
	trap 'snmp_cleanup; e2e_cleanup' EXIT
	snmptrapd_start
	snmpd_start
}

# ---------------------------------------------------------------------
# Notifications received

# traps_of NAME: the received notifications NAME, one per line, varbinds
# separated by tabs.
traps_of() {
	awk -v t="= OID: $SNMP_ROOT.0.${SNMP_TRAP[$1]}" '
	/^TRAP / && (index($0, t "\t") ||
	    substr($0, length($0) - length(t) + 1) == t)
	' "$SNMP_DIR/traps.log" 2>/dev/null
}

trap_count() {
	traps_of "$1" | grep -c . || true
}

# trap_value LINE OID: the value of varbind OID in one notification line,
# its type word and the quotes removed.
trap_value() {
	tr '\t' '\n' <<<"$1" | awk -v o="$2" '
	index($0, o " = ") == 1 {
		sub(/^[^=]*= [^:]*: /, ""); sub(/^"/, ""); sub(/ *"$/, "")
		sub(/ $/, ""); print; exit
	}'
}

# ---------------------------------------------------------------------
# Comparison with failoverctl

# status_all NODE: "failoverctl status -m" as "key value" lines.
status_all() {
	ctl "$1" status -m 2>/dev/null
}

kv() {
	awk -v k="$2" '$1 == k { sub(/^[^ ]+ ?/, ""); print; exit }' <<<"$1"
}

# snmp_check_object ROW VALUE BEFORE AFTER: compares one object's SNMP
# VALUE with the status read BEFORE and AFTER it.  Prints a complaint and
# returns 1 when they disagree.
snmp_check_object() {
	local name oid key kind v=$2 b a lo hi
	read -r name oid key kind <<<"$1"
	b=$(kv "$3" "$key")
	a=$(kv "$4" "$key")
	case $kind in
	mono)
		[ "$v" -ge "$b" ] && [ "$v" -le "$a" ] && return 0 ;;
	ticks)
		lo=$((b / 10 - 1)); hi=$((a / 10))
		[ "$v" -ge "$lo" ] && [ "$v" -le "$hi" ] && return 0 ;;
	heard)
		# -1: never heard; while lost it grows; while alive, a
		# heartbeat resets it, so only the bound is known
		if [ "$b" = -1 ] && [ "$a" = -1 ]; then
			[ "$v" = -1 ] && return 0
		elif [ "$(kv "$4" peer)" = lost ]; then
			[ "$v" -ge "$b" ] && [ "$v" -le "$a" ] && return 0
		else
			[ "$v" -ge 0 ] && [ "$v" -le "$(kv "$4" failtime_ms)" ] &&
			    return 0
		fi ;;
	reachable) [ "$v" = 1 ] && return 0 ;;
	confirm) [ "$v" = 1 ] && return 0 ;;	# reads give none(1)
	addr)
		# printable octets come as text, the others as hex
		case $v in
		[0-9A-F][0-9A-F]\ *) ;;
		*) v=$(printf '%s' "$v" | od -An -tx1 | tr 'a-f' 'A-F' |
		    sed 's/^ *//; s/ *$//') ;;
		esac
		[ "$v" = "$(snmp_expect addr "$b")" ] && return 0 ;;
	unsent) [ "$v" -ge 0 ] && return 0 ;;
	*)
		[ "$b" = "$a" ] || {
			echo "$name: status changed during the read ($b, $a)"
			return 1
		}
		[ "$v" = "$(snmp_expect "$kind" "$b")" ] && return 0 ;;
	esac
	echo "$name ($key): snmp '$v', status '$b' then '$a'"
	return 1
}

# snmp_check_all NODE PROFILE: one GET of every object, between two status
# reads, all compared; prints every mismatch, returns 1 if any.
snmp_check_all() {
	local node=$1 profile=${2:-ro} before after row oids=() vals=() i
	local bad=0
	for row in "${SNMP_OBJECTS[@]}"; do
		# shellcheck disable=SC2086 # split the row into its fields
		set -- $row
		oids+=("$SNMP_ROOT.1.$2.0")
	done
	before=$(status_all "$node")
	# older than any cache the agent could answer from
	sleep 0.3
	mapfile -t vals < <(snmp_req snmpget "$profile" -Oqvt "${oids[@]}" \
	    2>&1 | sed 's/^"//; s/ *"$//; s/ $//')
	after=$(status_all "$node")
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

# ---------------------------------------------------------------------
# Hooks for tests/demo.sh: shown to a person, asserting nothing.

demo_snmp_show() {
	local mibs
	if mibs=$(snmp_ietf_mibs); then
		# shellcheck disable=SC2046 # several words
		snmp_in_c snmpwalk $(snmp_auth ro) -m IPFAILOVER-MIB \
		    -M "$mibs:$SNMP_MIB_SRC" "127.0.0.1:$SNMP_PORT" \
		    IPFAILOVER-MIB::ipfailoverMIB 2>&1 | sed 's/^/    /'
	else
		swalk | sed 's/^/    /'
	fi
}

# Before the failover: snmpd, snmptrapd and the subagent for node b, the
# one that takes over when the demo crashes a; a walk of the module, and
# a failtime change through SNMPv3.
demo_snmp_before() {
	AGENTX_NODE=b
	[ -n "$SNMP_DIR" ] || snmp_setup
	[ -n "$AGENTX_PID" ] || agentx_start
	say "IPFAILOVER-MIB on node b, through snmpd's AgentX:"
	demo_snmp_show
	say "setting b's failtime to 1.5 s over SNMPv3 (authPriv):"
	sset v3 ipfFailtime s 1.5 | sed 's/^/    /'
	say "failoverctl on b now says: failtime $(status failtime b)" \
	    "(source $(status failtime_source b))"
	DEMO_SNMP_TRAPS_BEFORE=$(grep -c '^TRAP' "$SNMP_DIR/traps.log" || true)
}

# After the failover and the handback: the notifications that snmptrapd
# received since demo_snmp_before, and the walk again.
demo_snmp_after() {
	local n=${DEMO_SNMP_TRAPS_BEFORE:-0}
	say "notifications received by snmptrapd since then (node b):"
	grep '^TRAP' "$SNMP_DIR/traps.log" | tail -n +"$((n + 1))" |
	    tr '\t' '\n' | sed 's/^TRAP /\n/; s/^/    /'
	say "IPFAILOVER-MIB on node b after the handback:"
	demo_snmp_show
}
