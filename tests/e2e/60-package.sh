#!/bin/bash
# 60-package: the Debian package, from source to purge.  Builds it with
# dpkg-buildpackage from a clean "git archive" of HEAD (what is committed,
# not the working tree), installs it with apt-get, checks where every file
# went and what the maintainer scripts did, then runs a pair from the
# INSTALLED programs, schema and default scripts in namespaces and fails
# the address over, runs 61-crash-path against the installed unit, and
# purges the package.
#
# Skips (77) when dpkg-buildpackage or debhelper is missing, when the
# source is not a git checkout, or when this machine already has the
# package or an /etc/ipfailover of its own: the test installs and purges,
# so it only runs where nothing of ipfailover is there to lose.
#
# E2E_PKG_PATCH=1 adds the systemd/ and man/ fragments to the archived
# Makefile.am when it does not include them yet (before the build system
# takes them in); without it such a tree fails the test.
# E2E_PKG_CHECK=1 runs the unit tests inside the package build too
# (tests/run-all.sh runs them anyway, so the default is nocheck).
set -euo pipefail

# The installed files, for lib.sh: set before it picks its defaults.
FAILOVERD=/usr/sbin/failoverd
FAILOVERCTL=/usr/sbin/failoverctl
E2E_SCHEMA=/usr/share/ipfailover/failover.rng
E2E_ADD_SCRIPT=/etc/ipfailover/failover_add.sh
E2E_REMOVE_SCRIPT=/etc/ipfailover/failover_remove.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PKG_TMP=
PKG_INSTALLED=0
PKG_HAD_USER=0			# ipfailover-snmp existed before the test
PKG_HAD_GROUP=0			# so did the group ipfailover

pkg_say_log() {
	[ -f "$1" ] || return 0
	echo "----- ${1##*/} (last 40 lines)" >&2
	tail -n 40 "$1" >&2
}

pkg_purge() {
	PKG_INSTALLED=0
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ipfailover \
	    >>"$PKG_TMP/purge.log" 2>&1
}

# Runs e2e_cleanup (namespaces, daemons) first, then purges what this
# test installed and removes its build directory.
pkg_cleanup() {
	local rc=$?
	set +e
	trap - EXIT
	(exit "$rc")
	(e2e_cleanup) || rc=$?
	if [ "$PKG_INSTALLED" = 1 ]; then
		echo "[$E2E_NAME] purging the package left installed" >&2
		pkg_purge || echo "[$E2E_NAME] purge failed" >&2
	fi
	# The user and group stay after a purge, as Debian wants; the test
	# removes them when it made them.
	if [ "$PKG_HAD_USER" = 0 ] && getent passwd ipfailover-snmp >/dev/null; then
		deluser --quiet --system ipfailover-snmp >/dev/null 2>&1 ||
		    echo "[$E2E_NAME] could not delete user ipfailover-snmp" >&2
	fi
	if [ "$PKG_HAD_GROUP" = 0 ] && getent group ipfailover >/dev/null; then
		delgroup --quiet --system ipfailover >/dev/null 2>&1 ||
		    echo "[$E2E_NAME] could not delete group ipfailover" >&2
	fi
	if [ -n "$PKG_TMP" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
		rm -rf "$PKG_TMP"
	fi
	exit "$rc"
}

pkg_require() {
	local t
	[ "$(id -u)" -eq 0 ] || skip "needs root (installs a package)"
	for t in dpkg-buildpackage dh git apt-get; do
		command -v "$t" >/dev/null || skip "'$t' not installed"
	done
	git -C "$E2E_SRCDIR" rev-parse --verify -q HEAD >/dev/null ||
	    skip "$E2E_SRCDIR is not a git checkout"
	if dpkg-query -W -f='${db:Status-Abbrev}' ipfailover 2>/dev/null |
	    grep -q '^[ih]'; then
		skip "ipfailover is already installed here; not touching it"
	fi
	[ ! -e /etc/ipfailover ] ||
	    skip "/etc/ipfailover exists here; not touching it"
	! getent passwd ipfailover-snmp >/dev/null || PKG_HAD_USER=1
	! getent group ipfailover >/dev/null || PKG_HAD_GROUP=1
}

pkg_build() {
	local build_opts
	build_opts="parallel=$(nproc)"
	mkdir "$PKG_TMP/src"
	git -C "$E2E_SRCDIR" archive HEAD | tar -x -C "$PKG_TMP/src"
	if ! grep -q 'systemd/local.mk' "$PKG_TMP/src/Makefile.am"; then
		[ "${E2E_PKG_PATCH:-0}" = 1 ] ||
		    fail "Makefile.am at HEAD does not include systemd/local.mk and man/local.mk (E2E_PKG_PATCH=1 adds them)"
		sed -i 's/^dist_noinst_SCRIPTS =$/&\nCLEANFILES =/' \
		    "$PKG_TMP/src/Makefile.am"
		# shellcheck disable=SC2016
		printf '%s\n' 'include $(srcdir)/systemd/local.mk' \
		    'include $(srcdir)/man/local.mk' \
		    >>"$PKG_TMP/src/Makefile.am"
		say "note: Makefile.am patched in the archive (E2E_PKG_PATCH=1)"
	fi
	[ "${E2E_PKG_CHECK:-0}" = 1 ] || build_opts="nocheck $build_opts"
	say "building the package from HEAD $(git -C "$E2E_SRCDIR" rev-parse --short HEAD) (DEB_BUILD_OPTIONS=$build_opts)"
	if ! (cd "$PKG_TMP/src" && DEB_BUILD_OPTIONS=$build_opts \
	    timeout 600 dpkg-buildpackage -us -uc -b) \
	    >"$PKG_TMP/build.log" 2>&1; then
		pkg_say_log "$PKG_TMP/build.log"
		fail "dpkg-buildpackage failed"
	fi
	DEB=$(find "$PKG_TMP" -maxdepth 1 -name 'ipfailover_*.deb' | head -n 1)
	[ -n "$DEB" ] || fail "no ipfailover_*.deb after the build"
	say "built ${DEB##*/} ($(stat -c %s "$DEB") bytes)"
}

pkg_install() {
	PKG_INSTALLED=1
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "$DEB" >"$PKG_TMP/install.log" 2>&1; then
		pkg_say_log "$PKG_TMP/install.log"
		fail "apt-get install of ${DEB##*/} failed"
	fi
	say "installed ${DEB##*/}"
}

# has_file PATH: the package owns PATH and it is there.
has_file() {
	grep -qx -- "$1" "$PKG_TMP/files" && [ -e "$1" ]
}

check_files() {
	local f
	dpkg -L ipfailover >"$PKG_TMP/files"
	for f in /usr/sbin/failoverd /usr/sbin/failoverctl \
	    /usr/sbin/failover-agentx /usr/libexec/ipfailover/failover-cleanup; do
		assert "program $f" test -x "$f"
		has_file "$f" || fail "dpkg -L does not list $f"
	done
	for f in /usr/share/ipfailover/failover.rng \
	    /etc/ipfailover/failover.xml.example \
	    /etc/ipfailover/failover.conf.example \
	    /usr/share/snmp/mibs/IPFAILOVER-MIB.txt \
	    /lib/systemd/system/failoverd.service \
	    /lib/systemd/system/failover-agentx.service \
	    /usr/share/man/man8/failoverd.8.gz \
	    /usr/share/man/man8/failoverctl.8.gz \
	    /usr/share/man/man8/failover-agentx.8.gz \
	    /usr/share/man/man5/failover.xml.5.gz \
	    /usr/share/doc/ipfailover/copyright; do
		assert "file $f" has_file "$f"
	done
	for f in /etc/ipfailover/failover_add.sh \
	    /etc/ipfailover/failover_remove.sh; do
		assert "script $f, root's, mode 0755" \
		    test "$(stat -c '%U %a' "$f")" = "root 755"
	done
	assert "the /etc files are conffiles" test "$(dpkg-query -W \
	    -f='${Conffiles}\n' ipfailover | grep -c ' /etc/ipfailover/')" -eq 4
	assert "no configuration is shipped (the units stay down)" \
	    test ! -e /etc/ipfailover/failover.xml
	assert "postinst: group ipfailover" eval "getent group ipfailover >/dev/null"
	assert "postinst: user ipfailover-snmp in group ipfailover" \
	    test "$(id -gn ipfailover-snmp)" = ipfailover
	assert "postinst: /var/lib/ipfailover, root's, mode 0700" \
	    test "$(stat -c '%U %a' /var/lib/ipfailover)" = "root 700"
}

check_units() {
	local u=/lib/systemd/system/failoverd.service out
	# shellcheck disable=SC2016
	assert "the unit starts the installed failoverd" \
	    grep -qx 'ExecStart=/usr/sbin/failoverd -d -f ${FAILOVER_CONF} $FAILOVERD_OPTS' "$u"
	assert "the unit's stop hook is the installed failover-cleanup" \
	    grep -q '^ExecStopPost=/usr/libexec/ipfailover/failover-cleanup -c /usr/sbin/failoverctl ' "$u"
	assert "the unit waits for /etc/ipfailover/failover.xml" \
	    grep -qx 'ConditionPathExists=/etc/ipfailover/failover.xml' "$u"
	if command -v systemd-analyze >/dev/null; then
		out=$(systemd-analyze verify "$u" \
		    /lib/systemd/system/failover-agentx.service 2>&1) || true
		[ -z "$out" ] || { echo "$out" >&2; fail "systemd-analyze verify complains"; }
		say "ok: systemd-analyze verify accepts both units"
	fi
}

check_manuals() {
	local m
	for m in failoverd.8 failoverctl.8 failover-agentx.8 failover.xml.5; do
		assert "man ${m%.*}(${m##*.}) renders with EXAMPLES and CAVEATS" \
		    eval "MANWIDTH=80 man -l /usr/share/man/man${m##*.}/$m.gz 2>/dev/null | grep -q '^CAVEATS' && MANWIDTH=80 man -l /usr/share/man/man${m##*.}/$m.gz 2>/dev/null | grep -q '^EXAMPLES'"
	done
}

# The installed failoverd checks the installed example, with its default
# schema (no -S): proof that the built-in paths match the package's.
check_example() {
	local d=$PKG_TMP/example
	mkdir -m 0700 "$d"
	sed -e 's|<!-- <addscript>failover_add.sh</addscript> -->|<addscript>/etc/ipfailover/failover_add.sh</addscript>|' \
	    -e 's|<!-- <removescript>failover_remove.sh</removescript> -->|<removescript>/etc/ipfailover/failover_remove.sh</removescript>|' \
	    /etc/ipfailover/failover.xml.example >"$d/failover.xml"
	make_key "$d/failover.key"
	assert "failoverd -t accepts the installed example" \
	    eval "/usr/sbin/failoverd -t -f '$d/failover.xml' >/dev/null"
	assert "failoverctl convert reads the legacy example" \
	    eval "/usr/sbin/failoverctl convert /etc/ipfailover/failover.conf.example | grep -q '<aliasip>198.18.0.100</aliasip>'"
}

# ---------------------------------------------------------------------

pkg_require
trap pkg_cleanup EXIT
PKG_TMP=$(mktemp -d /tmp/ipfe-60-pkg.XXXXXX)
pkg_build
pkg_install
check_files
check_units
check_manuals
check_example

# A pair from the installed files: failoverd, failoverctl, the schema,
# and the default scripts run in place from /etc/ipfailover.
e2e_setup
trap pkg_cleanup EXIT
inst=(addscript=/etc/ipfailover/failover_add.sh
    removescript=/etc/ipfailover/failover_remove.sh)
start_pair failtime=2 "${inst[@]}"
assert "a holds the address" wait_for "holder_is a" 10
assert "b hears a" wait_for "status_is peer b alive" 5
assert "the client reaches a" wait_for "client_reaches a" 3
ctl a status | sed "s/^/[$E2E_NAME] a: /"

t0=$(now_ms)
kill_node a
assert "b takes over after a's SIGKILL" wait_for "has_alias b" 10
assert "the client reaches b" wait_for "client_reaches b" 3
dt=$(($(now_ms) - t0))
assert "a's address expired by its lease" wait_for "! has_alias a" 5
start_node a failtime=2 "${inst[@]}"
assert "a is back and b hands the address over" wait_for "holder_is a" 15
assert "the client reaches a again" wait_for "client_reaches a" 3
stop_node a
assert "b takes over at once after a's SIGTERM" wait_for "holder_is b" 3
stop_node b
assert "b released the address on SIGTERM" holder_is none
say "figures: SIGKILL of a to the client reaching b $(ms_to_s "$dt")s (failtime 2s)"

# The crash path through the installed unit and hook.
say "running 61-crash-path against the installed unit"
if ! E2E_UNIT=/lib/systemd/system/failoverd.service \
    FAILOVERD=$FAILOVERD FAILOVERCTL=$FAILOVERCTL E2E_SCHEMA=$E2E_SCHEMA \
    E2E_ADD_SCRIPT=$E2E_ADD_SCRIPT E2E_REMOVE_SCRIPT=$E2E_REMOVE_SCRIPT \
    E2E_CLEANUP_DIR=/usr/libexec/ipfailover \
    bash "$E2E_LIBDIR/61-crash-path.sh" >"$PKG_TMP/61.log" 2>&1; then
	cat "$PKG_TMP/61.log" >&2
	fail "61-crash-path fails against the installed unit"
fi
grep -E 'ok: the stop hook|figures|PASS' "$PKG_TMP/61.log" |
    sed "s/^/[$E2E_NAME] 61: /"

pkg_purge || fail "apt-get purge failed"
assert "purge removed the programs" test ! -e /usr/sbin/failoverd
assert "purge removed the units" \
    test ! -e /lib/systemd/system/failoverd.service
assert "purge removed /etc/ipfailover" test ! -e /etc/ipfailover
assert "purge removed /var/lib/ipfailover" test ! -e /var/lib/ipfailover
