/*
 * The interface side of failoverd: which interface and own address serve
 * the floating address when the configuration leaves them out, whether the
 * floating address is on our interface now, and the heartbeat socket.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ifaddrs.h>
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

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	/* Heartbeats are network control traffic: queue them first. */
	(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
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
