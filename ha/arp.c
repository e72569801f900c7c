/*
 * ARP probes and announcements on the floating address's interface,
 * through a packet socket bound to that interface only.
 *
 * A probe (RFC 5227 2.1.1) asks for the address with sender address
 * 0.0.0.0 so that no neighbour learns anything from it; whoever holds the
 * address answers.  An announcement (RFC 5227 2.3; "gratuitous ARP") is
 * sent both as a request and as a reply, since some neighbours update
 * their caches only on one of the two.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "arp.h"

#define ARP_REQUEST	1
#define ARP_REPLY	2

struct arp_pkt {
	uint16_t	htype;
	uint16_t	ptype;
	uint8_t		hlen;
	uint8_t		plen;
	uint16_t	oper;
	uint8_t		sha[6];
	uint8_t		spa[4];
	uint8_t		tha[6];
	uint8_t		tpa[4];
} __attribute__((packed));

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int
arp_open(struct arp_sock *as, const char *ifname)
{
	struct sockaddr_ll	sll;
	struct ifreq		ifr;

	memset(as, 0, sizeof(*as));
	as->fd = -1;
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	as->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    htons(ETH_P_ARP));
	if (as->fd == -1)
		return -1;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(as->fd, SIOCGIFINDEX, &ifr) == -1)
		goto fail;
	as->ifindex = ifr.ifr_ifindex;
	if (ioctl(as->fd, SIOCGIFHWADDR, &ifr) == -1)
		goto fail;
	memcpy(as->mac, ifr.ifr_hwaddr.sa_data, 6);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = as->ifindex;
	if (bind(as->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		goto fail;
	return 0;
fail:
	arp_close(as);
	return -1;
}

/*
 * Only ARP that claims the floating address as its sender matters to us;
 * the kernel drops the rest before it wakes us, so a busy LAN costs
 * nothing.  The sender protocol address sits at offset 14 of the ARP
 * header (SOCK_DGRAM gives no Ethernet header), and BPF loads it in
 * network order.
 */
int
arp_watch(struct arp_sock *as, struct in_addr addr)
{
	struct sock_filter	code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 14),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(addr.s_addr), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog	prog = { .len = 4, .filter = code };

	return setsockopt(as->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog));
}


void
arp_close(struct arp_sock *as)
{
	int	saved = errno;

	if (as->fd != -1)
		close(as->fd);
	as->fd = -1;
	errno = saved;
}

static int
arp_send(struct arp_sock *as, int oper, struct in_addr spa,
    struct in_addr tpa)
{
	struct sockaddr_ll	sll;
	struct arp_pkt		p;

	memset(&p, 0, sizeof(p));
	p.htype = htons(ARPHRD_ETHER);
	p.ptype = htons(ETHERTYPE_IP);
	p.hlen = 6;
	p.plen = 4;
	p.oper = htons(oper);
	memcpy(p.sha, as->mac, 6);
	memcpy(p.spa, &spa.s_addr, 4);
	if (oper == ARP_REPLY)
		memcpy(p.tha, as->mac, 6);
	memcpy(p.tpa, &tpa.s_addr, 4);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = as->ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, broadcast, 6);
	if (sendto(as->fd, &p, sizeof(p), 0, (struct sockaddr *)&sll,
	    sizeof(sll)) != (ssize_t)sizeof(p))
		return -1;
	return 0;
}

int
arp_probe(struct arp_sock *as, struct in_addr addr)
{
	struct in_addr	none = { 0 };

	return arp_send(as, ARP_REQUEST, none, addr);
}

int
arp_announce(struct arp_sock *as, struct in_addr addr)
{
	if (arp_send(as, ARP_REQUEST, addr, addr) == -1)
		return -1;
	return arp_send(as, ARP_REPLY, addr, addr);
}

int
arp_read(struct arp_sock *as, struct in_addr addr, unsigned char from[6])
{
	struct arp_pkt	p;
	ssize_t		n;
	int		seen = 0, i;

	/* Bounded: a flood of ARP must not keep the loop here. */
	for (i = 0; i < 64; i++) {
		n = recv(as->fd, &p, sizeof(p), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		if (n < (ssize_t)sizeof(p))
			continue;
		if (p.htype != htons(ARPHRD_ETHER) ||
		    p.ptype != htons(ETHERTYPE_IP) || p.hlen != 6 ||
		    p.plen != 4)
			continue;
		if (memcmp(p.spa, &addr.s_addr, 4) != 0 ||
		    memcmp(p.sha, as->mac, 6) == 0)
			continue;
		memcpy(from, p.sha, 6);
		seen = 1;
	}
	return seen;
}
