/*
 * The interface side of failoverd: which interface and own address serve
 * the floating address when the configuration leaves them out, whether the
 * floating address is on our interface now, and the heartbeat socket.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
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

int
node_address_present(const struct node *nd)
{
	struct ifaddrs	*all, *ifa;
	int		 present = 0;

	if (getifaddrs(&all) == -1)
		return 0;
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    ifa->ifa_addr->sa_family != AF_INET ||
		    strcmp(ifa->ifa_name, nd->ifname) != 0)
			continue;
		if (((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr.s_addr
		    == nd->conf.aliasip.s_addr)
			present = 1;
	}
	freeifaddrs(all);
	return present;
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
 * The address lease: the floating address carries a finite lifetime that
 * only a live failoverd renews, so that a killed or frozen daemon's
 * address expires by itself instead of staying on a host that no longer
 * defends it.  Only the lifetime of an existing address is changed here:
 * adding and removing stay the scripts' job.
 */
int
node_lease_open(struct node *nd)
{
	nd->lease_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, NETLINK_ROUTE);
	return nd->lease_fd == -1 ? -1 : 0;
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
	unsigned int		 index = if_nametoindex(nd->ifname);

	if (index == 0)
		return -1;
	memset(&req, 0, sizeof(req));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	nh->nlmsg_type = RTM_NEWADDR;
	/* REPLACE of an existing address changes its lifetime only. */
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_REPLACE | NLM_F_ACK;
	ifa = NLMSG_DATA(nh);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)nd->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	put_attr(nh, IFA_LOCAL, &nd->conf.aliasip, 4);
	put_attr(nh, IFA_ADDRESS, &nd->conf.aliasip, 4);
	memset(&ci, 0, sizeof(ci));
	ci.ifa_prefered = lifetime_s;
	ci.ifa_valid = lifetime_s;
	put_attr(nh, IFA_CACHEINFO, &ci, sizeof(ci));
	if (sendto(nd->lease_fd, req.buf, nh->nlmsg_len, 0,
	    (struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return -1;
	return 0;
}

/* Reads the kernel's answers to earlier renewals; logs a refusal. */
void
node_lease_drain(struct node *nd)
{
	char		 buf[4096];
	struct nlmsghdr	*nh;
	struct nlmsgerr	*e;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < 16; i++) {
		n = recv(nd->lease_fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		    nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = NLMSG_DATA(nh);
			if (e->error != 0)
				log_warning("cannot renew the lifetime of %s on "
				    "'%s': %s", ip_text(nd->conf.aliasip),
				    nd->ifname, strerror(-e->error));
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
