/*
 * probe: asks "who answers at the floating address?" every few
 * milliseconds from inside a client namespace, and logs every answer with
 * its time and the Ethernet source address it came from.
 *
 *   probe -m icmp -i eth0 -t 198.18.0.100 -p 2000 -d 900 -o replies.log
 *   probe -m arp  -i eth0 -t 198.18.0.100 -p 2000 -d 900 -o arp.log
 *
 * icmp: an echo request through the client's own IP stack, so the client
 *	kernel picks the destination MAC from its neighbour cache exactly as
 *	any client would (gratuitous ARP, stale entries and all).  Replies
 *	are read from a packet socket, which shows the MAC that answered.
 * arp:	a broadcast ARP request for the address; every node that has the
 *	address answers, so two MACs in the same period mean two holders.
 *	Run it in its own namespace: the client kernel would otherwise learn
 *	from the replies and the icmp prober would no longer see what a
 *	client sees.
 *
 * Output, one line per answer: "R <epoch_us> <seq> <mac>" (icmp, seq is
 * the echo sequence) or "A <epoch_us> 0 <mac>" (arp).  "S <epoch_us>
 * <count>" once a second counts requests sent, so losses show.  Times
 * are CLOCK_REALTIME in microseconds, the clock of bash's EPOCHREALTIME
 * and of tcpdump, so the three can be lined up.  The probe stops after
 * -d seconds at the latest, or on SIGTERM or SIGINT.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_DURATION_S	3600
#define ICMP_ID		0x4950	/* "IP": ours among other pings */
#ifndef ICMP_FILTER
#define ICMP_FILTER	1		/* linux/icmp.h, which clashes */
#endif

struct arp_eth {
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

struct probe {
	int		 arp;		/* 1: arp mode, 0: icmp */
	int		 txfd;		/* icmp: raw ICMP socket */
	int		 rxfd;		/* packet socket, both modes */
	int		 ifindex;
	uint8_t		 mac[6];	/* ours */
	struct in_addr	 self;		/* ours, the ARP sender */
	struct in_addr	 target;
	uint16_t	 seq;
	unsigned long	 sent;
	FILE		*out;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int64_t
now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint16_t
cksum(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint32_t	 sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static void
if_info(struct probe *pr, const char *ifname)
{
	struct ifreq	ifr;
	int		fd;

	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		errno = ENAMETOOLONG;
		die(ifname);
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1)
		die("SIOCGIFINDEX");
	pr->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		die("SIOCGIFHWADDR");
	memcpy(pr->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFADDR, &ifr) == -1)
		die("SIOCGIFADDR");
	pr->self = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	close(fd);
}

/*
 * The packet socket sees every frame of its protocol on the interface;
 * nothing is filtered in the kernel because the rates are low (a few
 * hundred frames a second), and the checks below are cheap.
 */
static void
open_sockets(struct probe *pr)
{
	struct sockaddr_ll	sll;
	int			proto, one = 1;
	uint32_t		none = ~0U;

	proto = pr->arp ? ETH_P_ARP : ETH_P_IP;
	pr->rxfd = socket(AF_PACKET, SOCK_RAW, htons(proto));
	if (pr->rxfd == -1)
		die("packet socket");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = pr->ifindex;
	if (bind(pr->rxfd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		die("bind packet socket");
	if (setsockopt(pr->rxfd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1)
		die("PACKET_IGNORE_OUTGOING");
	if (pr->arp) {
		pr->txfd = pr->rxfd;
		return;
	}

	pr->txfd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (pr->txfd == -1)
		die("raw ICMP socket");
	/* Replies are read from the packet socket: let none queue here. */
	if (setsockopt(pr->txfd, SOL_RAW, ICMP_FILTER, &none,
	    sizeof(none)) == -1)
		die("ICMP_FILTER");
}

static void
send_icmp(struct probe *pr)
{
	struct sockaddr_in	sin;
	struct {
		struct icmphdr	h;
		int64_t		t;
	} pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.h.type = ICMP_ECHO;
	pkt.h.un.echo.id = htons(ICMP_ID);
	pkt.h.un.echo.sequence = htons(++pr->seq);
	pkt.t = now_us(CLOCK_REALTIME);
	pkt.h.checksum = cksum(&pkt, sizeof(pkt));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = pr->target;
	/* EHOSTUNREACH while the neighbour entry fails: just a lost probe. */
	(void)sendto(pr->txfd, &pkt, sizeof(pkt), MSG_DONTWAIT,
	    (struct sockaddr *)&sin, sizeof(sin));
	pr->sent++;
}

static void
send_arp(struct probe *pr)
{
	uint8_t			 frame[ETH_ZLEN];
	struct ether_header	*eh = (struct ether_header *)frame;
	struct arp_eth		*a = (struct arp_eth *)(eh + 1);
	struct sockaddr_ll	 sll;

	/* SOCK_RAW: the Ethernet header is ours to write. */
	memset(frame, 0, sizeof(frame));
	memset(eh->ether_dhost, 0xff, 6);
	memcpy(eh->ether_shost, pr->mac, 6);
	eh->ether_type = htons(ETH_P_ARP);
	a->htype = htons(1);
	a->ptype = htons(ETH_P_IP);
	a->hlen = 6;
	a->plen = 4;
	a->oper = htons(1);
	memcpy(a->sha, pr->mac, 6);
	memcpy(a->spa, &pr->self, 4);
	memcpy(a->tpa, &pr->target, 4);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = pr->ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	(void)sendto(pr->txfd, frame, sizeof(frame), MSG_DONTWAIT,
	    (struct sockaddr *)&sll, sizeof(sll));
	pr->sent++;
}

static void
log_answer(struct probe *pr, char kind, unsigned seq, const uint8_t *mac)
{
	fprintf(pr->out, "%c %lld %u %02x:%02x:%02x:%02x:%02x:%02x\n", kind,
	    (long long)now_us(CLOCK_REALTIME), seq, mac[0], mac[1], mac[2],
	    mac[3], mac[4], mac[5]);
}

/* An ARP reply from the target's address, sent to us: one holder. */
static void
read_arp(struct probe *pr, const uint8_t *buf, ssize_t n)
{
	const struct ether_header *eh = (const struct ether_header *)buf;
	const struct arp_eth	  *a;

	a = (const struct arp_eth *)(buf + sizeof(*eh));
	if (n < (ssize_t)(sizeof(*eh) + sizeof(*a)) ||
	    ntohs(a->oper) != 2 ||
	    memcmp(a->spa, &pr->target, 4) != 0 ||
	    memcmp(eh->ether_dhost, pr->mac, 6) != 0)
		return;
	log_answer(pr, 'A', 0, eh->ether_shost);
}

/* An echo reply to one of our requests, from the target's address. */
static void
read_icmp(struct probe *pr, const uint8_t *buf, ssize_t n)
{
	const struct ether_header *eh = (const struct ether_header *)buf;
	const struct iphdr	  *ip;
	const struct icmphdr	  *ic;
	size_t			   hl;

	ip = (const struct iphdr *)(buf + sizeof(*eh));
	if (n < (ssize_t)(sizeof(*eh) + sizeof(*ip)))
		return;
	hl = ip->ihl * 4u;
	if (ip->protocol != IPPROTO_ICMP || ip->saddr != pr->target.s_addr ||
	    n < (ssize_t)(sizeof(*eh) + hl + sizeof(*ic)))
		return;
	ic = (const struct icmphdr *)((const uint8_t *)ip + hl);
	if (ic->type != ICMP_ECHOREPLY || ntohs(ic->un.echo.id) != ICMP_ID)
		return;
	log_answer(pr, 'R', ntohs(ic->un.echo.sequence), eh->ether_shost);
}

static void
read_frame(struct probe *pr)
{
	uint8_t	buf[2048];
	ssize_t	n;

	n = recv(pr->rxfd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < (ssize_t)sizeof(struct ether_header))
		return;
	if (pr->arp)
		read_arp(pr, buf, n);
	else
		read_icmp(pr, buf, n);
}

static void
usage(void)
{
	fprintf(stderr, "usage: probe -m icmp|arp -i IFNAME -t ADDRESS "
	    "[-p PERIOD_US] [-d SECONDS] [-o FILE]\n");
	exit(2);
}

static void
run(struct probe *pr, long period_us, long duration_s)
{
	int64_t		start, next, now, next_count;
	struct pollfd	pfd = { .fd = pr->rxfd, .events = POLLIN };

	start = now_us(CLOCK_MONOTONIC);
	next = start;
	next_count = start + 1000000;
	for (;;) {
		now = now_us(CLOCK_MONOTONIC);
		if (stop || now - start >= duration_s * 1000000)
			break;
		if (now >= next) {
			if (pr->arp)
				send_arp(pr);
			else
				send_icmp(pr);
			next += period_us;
			/* After a stall, start again from now: no bursts. */
			if (next < now)
				next = now + period_us;
		}
		if (now >= next_count) {
			fprintf(pr->out, "S %lld %lu 0\n",
			    (long long)now_us(CLOCK_REALTIME), pr->sent);
			next_count += 1000000;
		}
		now = now_us(CLOCK_MONOTONIC);
		if (poll(&pfd, 1, next > now ? (int)((next - now + 999) / 1000)
		    : 0) > 0)
			read_frame(pr);
	}
}

int
main(int argc, char *argv[])
{
	struct probe		 pr;
	struct sigaction	 sa;
	const char		*ifname = "eth0", *target = NULL;
	const char		*mode = NULL, *outfile = NULL;
	long			 period_us = 2000, duration_s = 600;
	int			 ch;

	while ((ch = getopt(argc, argv, "d:i:m:o:p:t:")) != -1) {
		switch (ch) {
		case 'd': duration_s = strtol(optarg, NULL, 10); break;
		case 'i': ifname = optarg; break;
		case 'm': mode = optarg; break;
		case 'o': outfile = optarg; break;
		case 'p': period_us = strtol(optarg, NULL, 10); break;
		case 't': target = optarg; break;
		default: usage();
		}
	}
	if (mode == NULL || target == NULL || period_us < 100 ||
	    period_us > 1000000 || duration_s < 1 ||
	    duration_s > MAX_DURATION_S)
		usage();

	memset(&pr, 0, sizeof(pr));
	if (strcmp(mode, "arp") == 0)
		pr.arp = 1;
	else if (strcmp(mode, "icmp") != 0)
		usage();
	if (inet_pton(AF_INET, target, &pr.target) != 1)
		usage();
	pr.out = outfile ? fopen(outfile, "w") : stdout;
	if (pr.out == NULL)
		die(outfile);
	if_info(&pr, ifname);
	open_sockets(&pr);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	run(&pr, period_us, duration_s);
	fclose(pr.out);
	return 0;
}
