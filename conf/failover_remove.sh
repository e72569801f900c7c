#!/bin/sh
#
# failover_remove.sh IP: takes the floating address IP off this node.
#
# failoverd runs it, as root, when this node gives the address up, and
# "failoverctl remove" runs it on request.  It is exec'd directly, not
# through a shell command line, from "/", with stdin on /dev/null;
# whatever it prints on stdout and stderr is logged line by line.  It must
# finish within the configured script timeout, or its process group is
# sent SIGTERM and then SIGKILL.
#
# Arguments and environment, set by failoverd and nothing else:
#	$1			the address, dotted IPv4
#	PATH			/usr/local/sbin:/usr/local/bin:/usr/sbin:
#				/usr/bin:/sbin:/bin
#	FAILOVER_ACTION		remove
#	FAILOVER_ADDRESS	the address again
#	FAILOVER_PREFIX		its prefix length, 0 to 32
#	FAILOVER_INTERFACE	the interface it is on
#	FAILOVER_ROLE		master or slave
#	FAILOVER_REASON		why, in the words of the log
#	FAILOVER_STATE		failoverd's state
#
# Exit 0 when the address is no longer on the interface, including when
# it was not there to begin with: a node that restarts releases what it
# may not hold.  Exit non-zero when the interface cannot be read or the
# address stays.  Every copy of the address is removed, with whatever
# prefix length it has, so a hand-added /32 goes too.
#
# This script sends nothing on the network: announcing the move is the
# new holder's business, and failoverd there sends the gratuitous ARP.

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

# Prints IP/LEN as configured on the interface, or nothing.  The words
# of "ip addr show" are scanned for "inet IP/LEN".
configured_cidr()
{
	prev=
	# shellcheck disable=SC2086
	for word in $1; do
		case $prev/$word in
		"inet/$2/"*)
			printf '%s\n' "$word"
			return 0 ;;
		esac
		prev=$word
	done
}

[ "$#" -eq 1 ] || fail "usage: $me IP"
ip=$1
ifname=${FAILOVER_INTERFACE:-}

valid_ipv4 "$ip" || fail "'$ip' is not an IPv4 address"
[ -n "$ifname" ] || fail "FAILOVER_INTERFACE is not set"

# Every copy goes, whatever its prefix length: an operator's /32 beside
# the /24 would still answer.  One pass per prefix length at most.
removed=0
while [ "$removed" -le 32 ]; do
	shown=$(ip -4 addr show dev "$ifname") ||
	    fail "cannot read the addresses of '$ifname'"
	cidr=$(configured_cidr "$shown" "$ip")
	if [ -z "$cidr" ]; then
		[ "$removed" -gt 0 ] || echo "$ip was not on $ifname"
		exit 0
	fi
	ip -4 addr del "$cidr" dev "$ifname" ||
	    fail "could not remove $cidr from '$ifname'"
	removed=$((removed + 1))
done
fail "$ip is still on '$ifname' after $removed removals"
