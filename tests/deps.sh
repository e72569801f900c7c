#!/bin/bash
# Installs, as root on Debian 12, what the build, the unit tests and the
# end-to-end tests need.  Packages already present are left alone, so a
# second run costs one dpkg query.  The snmpd and snmptrapd services that
# the packages may start are stopped again: the tests start their own.
set -euo pipefail

PKGS=(
	build-essential autoconf automake libtool pkg-config
	libxml2-dev libxml2-utils libssl-dev libcmocka-dev
	libsnmp-dev snmpd snmp snmptrapd
	iproute2 socat tcpdump python3 python3-pysnmp4
	valgrind clang shellcheck
	nftables iptables smitools debhelper dpkg-dev
)

die() {
	echo "deps: $*" >&2
	exit 1
}

missing_packages() {
	local p status
	for p in "${PKGS[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" \
		    2>/dev/null || true)
		case $status in
		ii*) ;;
		*) printf '%s\n' "$p" ;;
		esac
	done
}

# Never run the system's SNMP daemons: they would bind the ports and the
# AgentX socket that the tests want for their own instances.
quiet_services() {
	local svc
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
		for svc in snmpd snmptrapd; do
			if systemctl is-enabled --quiet "$svc" 2>/dev/null ||
			    systemctl is-active --quiet "$svc" 2>/dev/null; then
				systemctl disable --now "$svc" || true
			fi
		done
	fi
}

main() {
	local need

	[ "$(id -u)" -eq 0 ] || die "must run as root (apt-get install)"
	command -v dpkg-query >/dev/null || die "not a Debian system"

	mapfile -t need < <(missing_packages)
	if [ "${#need[@]}" -gt 0 ]; then
		echo "deps: installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		# policy-rc.d exit 101 keeps invoke-rc.d from starting services
		# while the packages are configured, on hosts without systemd.
		local policy=/usr/sbin/policy-rc.d created=0
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' >"$policy"
			chmod 755 "$policy"
			created=1
		fi
		apt-get update -q || true
		apt-get install -y -q --no-install-recommends \
		    -o Dpkg::Options::=--force-confdef \
		    -o Dpkg::Options::=--force-confold \
		    "${need[@]}" </dev/null || {
			[ "$created" -eq 0 ] || rm -f "$policy"
			die "apt-get install failed"
		}
		[ "$created" -eq 0 ] || rm -f "$policy"
	fi
	quiet_services
	echo "deps: all present"
}

main "$@"
