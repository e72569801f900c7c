/*
 * The interface side of failoverd: which interface and own address serve
 * the floating address when the configuration leaves them out, the
 * heartbeat socket, and the watch that says whether the interface has
 * link and the floating address is on it.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ifaddrs.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "node.h"

static uint32_t
mask_of(int prefix)
{
	return prefix <= 0 ? 0 : htonl(~(uint32_t)0 << (32 - prefix));
}

static int
prefix_of(const struct sockaddr *netmask)
{
	uint32_t	m;

	if (netmask == NULL)
		return 32;
	m = ntohl(((const struct sockaddr_in *)netmask)->sin_addr.s_addr);
	return __builtin_popcount(m);
}

/*
 * Picks the IPv4 address of ours that serves the pair: the configured
 * one, or one on the configured interface, or any one whose subnet holds
 * the floating address.  The floating address itself never qualifies.
 */
static int
matches(const struct node *nd, const struct ifaddrs *ifa)
{
	const struct config		*c = &nd->conf;
	const struct sockaddr_in	*sin;
	uint32_t			 mask;

	if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
		return 0;
	sin = (const struct sockaddr_in *)ifa->ifa_addr;
	if (sin->sin_addr.s_addr == c->aliasip.s_addr)
		return 0;
	if (c->interface[0] && strcmp(c->interface, ifa->ifa_name) != 0)
		return 0;
	if (c->localip.s_addr)
		return sin->sin_addr.s_addr == c->localip.s_addr;
	mask = mask_of(prefix_of(ifa->ifa_netmask));
	return (sin->sin_addr.s_addr & mask) == (c->aliasip.s_addr & mask);
}

int
node_resolve_interface(struct node *nd, char *err, size_t errlen)
{
	struct ifaddrs	*all, *ifa;
	int		 found = 0;

	if (getifaddrs(&all) == -1) {
		snprintf(err, errlen, "getifaddrs: %s", strerror(errno));
		return -1;
	}
	for (ifa = all; ifa != NULL && !found; ifa = ifa->ifa_next) {
		if (!matches(nd, ifa))
			continue;
		snprintf(nd->ifname, sizeof(nd->ifname), "%s", ifa->ifa_name);
		nd->localip =
		    ((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
		nd->prefix = nd->conf.alias_prefix ? nd->conf.alias_prefix :
		    prefix_of(ifa->ifa_netmask);
		found = 1;
	}
	freeifaddrs(all);
	if (!found) {
		snprintf(err, errlen, "no interface%s%s carries %s address "
		    "for the floating address", nd->conf.interface[0] ?
		    " named " : "", nd->conf.interface,
		    nd->conf.localip.s_addr ? "the configured local" :
		    "an IPv4 subnet");
		return -1;
	}
	return 0;
}

/*
 * The prefix lengths with which the floating address is on our interface,
 * as bits of a mask: an operator may add a copy beside the script's.
 * Asks the kernel for every address: for the start and after lost events.
 */
static uint64_t
scan_address(const struct node *nd)
{
	struct ifaddrs		*all, *ifa;
	const struct sockaddr_in *sin;
	uint64_t		 mask = 0;

	if (getifaddrs(&all) == -1)
		return 0;
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    ifa->ifa_addr->sa_family != AF_INET ||
		    strcmp(ifa->ifa_name, nd->ifname) != 0)
			continue;
		sin = (const struct sockaddr_in *)ifa->ifa_addr;
		if (sin->sin_addr.s_addr == nd->conf.aliasip.s_addr)
			mask |= 1ULL << prefix_of(ifa->ifa_netmask);
	}
	freeifaddrs(all);
	return mask;
}

int
node_address_present(struct node *nd)
{
	if (nd->nl_fd == -1)
		return scan_address(nd) != 0;
	node_watch_read(nd);
	return nd->addr_prefixes != 0;
}

/*
 * Bound to our own address, so heartbeats leave from it (the peer checks
 * the source) and nothing sent to the floating address reaches us here.
 */
int
node_open_udp(struct node *nd, char *err, size_t errlen)
{
	struct sockaddr_in	sin;
	int			fd, tos = IPTOS_PREC_INTERNETCONTROL, on = 1;
	int			rcvbuf = 1 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	/* Heartbeats are network control traffic: queue them first. */
	(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	/* Room for a burst of forgeries without losing a real heartbeat. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = nd->localip;
	sin.sin_port = htons(nd->conf.port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	nd->udp = fd;
	return 0;
fail:
	snprintf(err, errlen, "heartbeat socket on %s:%u: %s",
	    ip_text(nd->localip), nd->conf.port, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

gid_t
node_group_id(const char *name)
{
	struct group	 gr, *res = NULL;
	char		 buf[4096];

	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || res == NULL)
		return (gid_t)-2;
	return gr.gr_gid;
}

const char *
ether_text(const unsigned char m[6])
{
	static char	text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
	return text;
}

const char *
ip_text(struct in_addr a)
{
	static char	text[4][INET_ADDRSTRLEN];
	static int	next;

	next = (next + 1) % 4;
	return inet_ntop(AF_INET, &a, text[next], sizeof(text[next]));
}

/*
 * The interface watch: one rtnetlink socket that hears every change of
 * links and IPv4 addresses, and that renews the address lifetime.  The
 * kernel queues a change here before the command that made it returns, so
 * after reading the queue we know whether the interface has link and
 * whether the floating address is on it, without a dump of everything
 * each time we ask.
 */
static void
watch_sync(struct node *nd)
{
	struct ifreq	ifr;

	nd->ifindex = if_nametoindex(nd->ifname);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nd->ifname);
	if (nd->ifindex == 0 || ioctl(nd->udp, SIOCGIFFLAGS, &ifr) == -1)
		nd->link_up = 0;
	else
		nd->link_up = (ifr.ifr_flags & IFF_UP) &&
		    (ifr.ifr_flags & IFF_RUNNING);
	nd->addr_prefixes = scan_address(nd);
}

int
node_watch_open(struct node *nd)
{
	struct sockaddr_nl	sa = { .nl_family = AF_NETLINK,
	    .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR };
	int			rcvbuf = 1 << 18;

	nd->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nd->nl_fd == -1)
		goto fail;
	/* Room for the burst of a whole routing table being rebuilt. */
	(void)setsockopt(nd->nl_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf));
	if (bind(nd->nl_fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto fail;
	/* Subscribed first, then read: no change falls between the two. */
	watch_sync(nd);
	return 0;
fail:
	if (nd->nl_fd != -1)
		close(nd->nl_fd);
	nd->nl_fd = -1;
	/* Without the watch, links count as up and addresses are scanned. */
	nd->link_up = 1;
	return -1;
}

static void
put_attr(struct nlmsghdr *nh, unsigned short type, const void *data,
    size_t len)
{
	char		*at = (char *)nh + NLMSG_ALIGN(nh->nlmsg_len);
	struct rtattr	 rta;

	rta.rta_type = type;
	rta.rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(at, &rta, sizeof(rta));
	memcpy(at + RTA_LENGTH(0), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta.rta_len);
}

/* Only the lifetime of an address already there changes here. */
int
node_lease_renew(struct node *nd, uint32_t lifetime_s)
{
	union {
		struct nlmsghdr	nh;
		char		buf[256];
	} req;
	struct nlmsghdr		*nh = &req.nh;
	struct ifaddrmsg	*ifa;
	struct ifa_cacheinfo	 ci;
	struct sockaddr_nl	 kernel = { .nl_family = AF_NETLINK };

	if (nd->nl_fd == -1 || nd->ifindex == 0)
		return -1;
	memset(&req, 0, sizeof(req));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	nh->nlmsg_type = RTM_NEWADDR;
	/*
	 * REPLACE of an existing address changes its lifetime only.  No
	 * ACK: the kernel still answers a refusal, and a renewal that
	 * works costs no wakeup.
	 */
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE;
	ifa = NLMSG_DATA(nh);
	ifa->ifa_family = AF_INET;
	/* The copy the add script made, or else one that is there. */
	ifa->ifa_prefixlen = (unsigned char)nd->prefix;
	if (!(nd->addr_prefixes & (1ULL << nd->prefix)) && nd->addr_prefixes)
		ifa->ifa_prefixlen =
		    (unsigned char)__builtin_ctzll(nd->addr_prefixes);
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = nd->ifindex;
	put_attr(nh, IFA_LOCAL, &nd->conf.aliasip, 4);
	put_attr(nh, IFA_ADDRESS, &nd->conf.aliasip, 4);
	memset(&ci, 0, sizeof(ci));
	ci.ifa_prefered = lifetime_s;
	ci.ifa_valid = lifetime_s;
	put_attr(nh, IFA_CACHEINFO, &ci, sizeof(ci));
	if (sendto(nd->nl_fd, req.buf, nh->nlmsg_len, 0,
	    (struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return -1;
	return 0;
}

static void
watch_link(struct node *nd, const struct nlmsghdr *nh)
{
	const struct ifinfomsg	*ifi = NLMSG_DATA(nh);
	const struct rtattr	*rta = IFLA_RTA(ifi);
	int			 len = (int)IFLA_PAYLOAD(nh);
	char			 name[IF_NAMESIZE] = "";

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == IFLA_IFNAME)
			snprintf(name, sizeof(name), "%.*s",
			    (int)RTA_PAYLOAD(rta), (const char *)RTA_DATA(rta));
	/* An interface deleted and made again comes back with a new index. */
	if (nh->nlmsg_type == RTM_NEWLINK && strcmp(name, nd->ifname) == 0 &&
	    (unsigned)ifi->ifi_index != nd->ifindex) {
		nd->ifindex = (unsigned)ifi->ifi_index;
		nd->ifindex_changed = 1;
		nd->addr_prefixes = 0;
	}
	if ((unsigned)ifi->ifi_index != nd->ifindex)
		return;
	/* Renamed: the interface we serve is gone until one has its name. */
	if (name[0] != '\0' && strcmp(name, nd->ifname) != 0) {
		log_warning("'%s' is now called '%s': it no longer counts as "
		    "our interface", nd->ifname, name);
		nd->ifindex = 0;
		nd->link_up = 0;
		nd->addr_prefixes = 0;
		return;
	}
	nd->link_up = nh->nlmsg_type == RTM_NEWLINK &&
	    (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
}

static void
watch_address(struct node *nd, const struct nlmsghdr *nh)
{
	const struct ifaddrmsg	*ifa = NLMSG_DATA(nh);
	const struct rtattr	*rta = IFA_RTA(ifa);
	int			 len = (int)IFA_PAYLOAD(nh);

	uint64_t		 bit;

	if (ifa->ifa_family != AF_INET || ifa->ifa_index != nd->ifindex ||
	    ifa->ifa_prefixlen > 32)
		return;
	bit = 1ULL << ifa->ifa_prefixlen;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != IFA_LOCAL || RTA_PAYLOAD(rta) != 4 ||
		    memcmp(RTA_DATA(rta), &nd->conf.aliasip, 4) != 0)
			continue;
		if (nh->nlmsg_type == RTM_DELADDR) {
			nd->addr_prefixes &= ~bit;
			continue;
		}
		nd->addr_prefixes |= bit;
	}
}

void
node_watch_read(struct node *nd)
{
	union {
		struct nlmsghdr	nh;
		char		buf[8192];
	} u;
	struct nlmsghdr		*nh;
	const struct nlmsgerr	*e;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < 64; i++) {
		n = recv(nd->nl_fd, u.buf, sizeof(u.buf), 0);
		if (n == -1 && errno == ENOBUFS) {
			/* Events were lost: ask for the whole truth again. */
			log_info("rtnetlink: events lost, reading the "
			    "interface again");
			watch_sync(nd);
			continue;
		}
		if (n <= 0)
			return;
		for (nh = &u.nh; NLMSG_OK(nh, (size_t)n);
		    nh = NLMSG_NEXT(nh, n)) {
			switch (nh->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
				watch_link(nd, nh);
				break;
			case RTM_NEWADDR:
			case RTM_DELADDR:
				watch_address(nd, nh);
				break;
			case NLMSG_ERROR:
				/* Only a refused renewal is answered. */
				e = NLMSG_DATA(nh);
				if (e->error != 0)
					log_warning("cannot renew the lifetime "
					    "of %s on '%s': %s",
					    ip_text(nd->conf.aliasip),
					    nd->ifname, strerror(-e->error));
				break;
			default:
				break;
			}
		}
	}
}

/*
 * Tells systemd about our state when it started us with Type=notify: a
 * datagram to $NOTIFY_SOCKET, which needs no library.
 */
void
node_notify(const char *state)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return;
	(void)sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	close(fd);
}
