#!/bin/sh
#
# failover_add.sh IP: puts the floating address IP on this node.
#
# failoverd runs it, as root, when this node takes the address, and
# "failoverctl add" runs it on request.  It is exec'd directly, not
# through a shell command line, from "/", with stdin on /dev/null;
# whatever it prints on stdout and stderr is logged line by line.  It must
# finish within the configured script timeout, or its process group is
# sent SIGTERM and then SIGKILL.
#
# Arguments and environment, set by failoverd and nothing else:
#	$1			the address, dotted IPv4
#	PATH			/usr/local/sbin:/usr/local/bin:/usr/sbin:
#				/usr/bin:/sbin:/bin
#	FAILOVER_ACTION		add
#	FAILOVER_ADDRESS	the address again
#	FAILOVER_PREFIX		its prefix length, 0 to 32
#	FAILOVER_INTERFACE	the interface it goes on
#	FAILOVER_ROLE		master or slave
#	FAILOVER_REASON		why, in the words of the log
#	FAILOVER_STATE		failoverd's state
#
# Exit 0 when the address is on the interface, non-zero otherwise.
# "ip addr replace" makes a second run harmless, for instance after
# failoverd restarted while the address was still up.
#
# This script does not send gratuitous ARP: failoverd does, once the
# script has succeeded, so a replacement script need not either.

set -eu
# Nothing here is a pattern, and the words of "ip" output must stay words.
set -f

me=${0##*/}

fail()
{
	printf '%s: %s\n' "$me" "$*" >&2
	exit 1
}

# Dotted quad, four decimal numbers 0-255 without leading zeros, which
# some tools would read as octal.
valid_ipv4()
{
	case $1 in
	'' | *[!0-9.]* | .* | *. | *..*)
		return 1 ;;
	esac
	old_ifs=$IFS
	IFS=.
	# shellcheck disable=SC2086
	set -- $1
	IFS=$old_ifs
	[ "$#" -eq 4 ] || return 1
	for octet in "$@"; do
		case $octet in
		0?* | ????*)
			return 1 ;;
		esac
		[ "$octet" -le 255 ] || return 1
	done
}

[ "$#" -eq 1 ] || fail "usage: $me IP"
ip=$1
prefix=${FAILOVER_PREFIX:-}
ifname=${FAILOVER_INTERFACE:-}

valid_ipv4 "$ip" || fail "'$ip' is not an IPv4 address"
[ -n "$ifname" ] || fail "FAILOVER_INTERFACE is not set"
case $prefix in
'' | *[!0-9]* | 0?* | ???*)
	fail "FAILOVER_PREFIX '$prefix' is not a prefix length" ;;
esac
[ "$prefix" -le 32 ] || fail "FAILOVER_PREFIX '$prefix' is over 32"

ip -4 addr replace "$ip/$prefix" dev "$ifname" ||
    fail "could not add $ip/$prefix to '$ifname'"
