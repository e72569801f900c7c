/*
 * ARP on the interface of the floating address: probing for another
 * holder (RFC 5227 probes, sender address 0.0.0.0) and announcing our
 * own holding (gratuitous ARP, RFC 5227 section 2.3).
 */
#ifndef IPF_ARP_H
#define IPF_ARP_H

#include <netinet/in.h>
#include <stdint.h>

struct arp_sock {
	int		fd;		/* AF_PACKET, ETH_P_ARP, non-blocking */
	int		ifindex;
	unsigned char	mac[6];		/* the interface's */
};

/* Opens the socket on IFNAME.  Returns 0, or -1 with errno. */
int	arp_open(struct arp_sock *, const char *ifname);
void	arp_close(struct arp_sock *);

/* Lets through only ARP with ADDR as its sender address.  0 or -1. */
int	arp_watch(struct arp_sock *, struct in_addr addr);

/* Asks "who has ADDR?" with sender address 0.0.0.0.  0 or -1. */
int	arp_probe(struct arp_sock *, struct in_addr addr);

/* Announces ADDR at our MAC: one request and one reply, broadcast. */
int	arp_announce(struct arp_sock *, struct in_addr addr);

/*
 * Drains the socket.  Returns 1 when some ARP packet from another MAC
 * claimed ADDR as its sender address, with that MAC in FROM; 0 otherwise.
 */
int	arp_read(struct arp_sock *, struct in_addr addr, unsigned char from[6]);

#endif
