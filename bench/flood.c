/*
 * flood: sends forged heartbeats of one daemon at a fixed rate, for the
 * benchmark's "CPU under a heartbeat flood" figure.  Every packet is one
 * the target must look at and then refuse:
 *
 *   ipfo	ipfailover heartbeat, 88 bytes to UDP port 8283, right magic,
 *		version and addresses, random HMAC tag: the receiver gets as
 *		far as computing HMAC-SHA-256 before it refuses it.
 *   vrrp	VRRPv3 advertisement (keepalived) with a wrong checksum: VRRPv3
 *		has no authentication, so a forged packet with a right
 *		checksum would be obeyed, not refused.
 *   carp	CARP advertisement (ucarp) with right checksums and a random
 *		HMAC-SHA-1 digest.
 *
 *   flood -m ipfo|vrrp|carp -s SRC -d DST [-r PPS] [-t SECONDS] [-v VHID]
 *
 * The source address is forged (the peer's, so the target's sender check
 * passes); the caller aims only at its own namespaces.  The run stops
 * after -t seconds (at most 60) and prints how many packets went out.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SECONDS	60
#define BATCH_NS	1000000		/* pacing step: 1 ms */
#define IPFO_PORT	8283
#define PROTO_VRRP	112		/* CARP uses the same number */

enum mode { M_IPFO, M_VRRP, M_CARP };

struct flood {
	enum mode	mode;
	struct in_addr	src;
	struct in_addr	dst;
	uint8_t		vhid;
	uint64_t	seq;
	int		fd;
};

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
put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v & 0xffffffff);
}

static void
fill_random(uint8_t *p, size_t len)
{
	while (len--)
		*p++ = random() & 0xff;
}

/* The layout of doc/design.md, "Heartbeats: wire format version 1". */
static size_t
build_ipfo(struct flood *fl, uint8_t *p)
{
	struct udphdr	*uh = (struct udphdr *)p;
	uint8_t		*hb = p + sizeof(*uh);

	memset(p, 0, sizeof(*uh) + 88);
	uh->source = htons(IPFO_PORT);
	uh->dest = htons(IPFO_PORT);
	uh->len = htons(sizeof(*uh) + 88);
	memcpy(hb, "IPFO", 4);
	hb[4] = 1;				/* version */
	hb[5] = 3;				/* state: active */
	hb[6] = 0x01 | 0x02 | 0x04;		/* MASTER HOLDS READY */
	memcpy(hb + 8, &fl->src, 4);
	memcpy(hb + 12, &fl->dst, 4);
	put32(hb + 16, ntohl(inet_addr("198.18.0.100")));
	put32(hb + 20, 30);
	put64(hb + 24, 1);			/* boot */
	put64(hb + 32, ++fl->seq);
	fill_random(hb + 40, 16);		/* nonce, echo */
	fill_random(hb + 56, 32);		/* tag */
	return sizeof(*uh) + 88;
}

/* RFC 5798 5.1, with the checksum deliberately off by one. */
static size_t
build_vrrp(struct flood *fl, uint8_t *p)
{
	uint16_t sum;

	memset(p, 0, 12);
	p[0] = 0x31;				/* v3, advertisement */
	p[1] = fl->vhid;
	p[2] = 200;				/* priority */
	p[3] = 1;				/* one address */
	p[5] = 1;				/* max advert 0.01 s */
	memcpy(p + 8, &(struct in_addr){ inet_addr("198.18.0.100") }, 4);
	sum = cksum(p, 12);
	sum = htons(ntohs(sum) + 1);
	memcpy(p + 6, &sum, 2);
	return 12;
}

/* OpenBSD's carp_header as ucarp sends it: 36 bytes. */
static size_t
build_carp(struct flood *fl, uint8_t *p)
{
	uint16_t sum;

	memset(p, 0, 36);
	p[0] = 0x21;				/* v2, advertisement */
	p[1] = fl->vhid;
	p[2] = 0;				/* advskew */
	p[3] = 7;				/* authlen */
	p[5] = 1;				/* advbase */
	put64(p + 8, ++fl->seq);		/* counter */
	fill_random(p + 16, 20);		/* HMAC-SHA-1 digest */
	sum = cksum(p, 36);
	memcpy(p + 6, &sum, 2);
	return 36;
}

static void
send_one(struct flood *fl)
{
	uint8_t			 pkt[256];
	struct ip		*ip = (struct ip *)pkt;
	struct sockaddr_in	 sin;
	size_t			 len;

	memset(ip, 0, sizeof(*ip));
	ip->ip_v = 4;
	ip->ip_hl = 5;
	ip->ip_ttl = 255;			/* VRRP and CARP require it */
	ip->ip_src = fl->src;
	ip->ip_dst = fl->dst;
	switch (fl->mode) {
	case M_IPFO:
		ip->ip_p = IPPROTO_UDP;
		len = build_ipfo(fl, pkt + sizeof(*ip));
		break;
	case M_VRRP:
		ip->ip_p = PROTO_VRRP;
		len = build_vrrp(fl, pkt + sizeof(*ip));
		break;
	default:
		ip->ip_p = PROTO_VRRP;
		len = build_carp(fl, pkt + sizeof(*ip));
		break;
	}
	len += sizeof(*ip);
	/* The kernel fills in the id and the header checksum. */
	ip->ip_len = htons(len);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = fl->dst;
	(void)sendto(fl->fd, pkt, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin));
}

static void
usage(void)
{
	fprintf(stderr, "usage: flood -m ipfo|vrrp|carp -s SRC -d DST "
	    "[-r PPS] [-t SECONDS] [-v VHID]\n");
	exit(2);
}

static void
parse(struct flood *fl, int argc, char *argv[], long *pps, long *secs)
{
	const char	*mode = NULL, *src = NULL, *dst = NULL;
	int		 ch;

	while ((ch = getopt(argc, argv, "d:m:r:s:t:v:")) != -1) {
		switch (ch) {
		case 'd': dst = optarg; break;
		case 'm': mode = optarg; break;
		case 'r': *pps = strtol(optarg, NULL, 10); break;
		case 's': src = optarg; break;
		case 't': *secs = strtol(optarg, NULL, 10); break;
		case 'v': fl->vhid = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (mode == NULL || src == NULL || dst == NULL || *pps < 1 ||
	    *pps > 1000000 || *secs < 1 || *secs > MAX_SECONDS ||
	    inet_pton(AF_INET, src, &fl->src) != 1 ||
	    inet_pton(AF_INET, dst, &fl->dst) != 1)
		usage();
	if (strcmp(mode, "ipfo") == 0)
		fl->mode = M_IPFO;
	else if (strcmp(mode, "vrrp") == 0)
		fl->mode = M_VRRP;
	else if (strcmp(mode, "carp") == 0)
		fl->mode = M_CARP;
	else
		usage();
}

int
main(int argc, char *argv[])
{
	struct flood	fl;
	struct timespec	next;
	long		pps = 20000, secs = 5, sent = 0, total, due;

	memset(&fl, 0, sizeof(fl));
	fl.vhid = 51;
	parse(&fl, argc, argv, &pps, &secs);
	srandom(getpid());
	if ((fl.fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) == -1) {
		fprintf(stderr, "flood: raw socket: %s\n", strerror(errno));
		return 1;
	}

	/* Every millisecond, catch up with pps * elapsed: an even rate. */
	total = pps * secs;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long step = 1; sent < total && step <= secs * 1000; step++) {
		due = pps * step / 1000;
		for (; sent < due && sent < total; sent++)
			send_one(&fl);
		next.tv_nsec += BATCH_NS;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	printf("%ld\n", sent);
	return 0;
}
