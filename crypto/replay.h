/*
 * Freshness of authenticated heartbeats.
 *
 * Every heartbeat carries the sender's boot counter (persisted, raised at
 * each start), a sequence number (raised at each packet of that boot), the
 * sender's own nonce (random, drawn at each start) and an echo of the last
 * nonce the sender heard from us.  A packet is fresh when its echo equals
 * our current nonce, which proves it was made after we started, and its
 * (boot, seq) pair is above every pair we accepted before, which proves it
 * was not seen already in this life of ours.  doc/design.md explains why
 * this holds across restarts of either side.
 *
 * These functions run after the MAC was verified: they trust the fields.
 */
#ifndef IPF_REPLAY_H
#define IPF_REPLAY_H

#include <stdint.h>

struct replay_state {
	uint64_t	my_nonce;	/* drawn at start, never 0 */
	int		have_peer;	/* a pair was accepted */
	uint64_t	peer_boot;	/* highest accepted pair */
	uint64_t	peer_seq;
	uint64_t	peer_nonce;	/* echoed back to the peer; 0 = none */
};

enum replay_verdict {
	REPLAY_FRESH,		/* new pair, echoes our nonce: trust it */
	REPLAY_HANDSHAKE,	/* new pair, older or no echo: learn only */
	REPLAY_OLD		/* pair not above the highest: a replay */
};

/* Starts a life with a random nonce.  Returns 0, or -1 without entropy. */
int	replay_init(struct replay_state *);

/*
 * Judges a packet and, unless it is REPLAY_OLD, records its pair and the
 * peer's nonce.
 */
enum replay_verdict
	replay_check(struct replay_state *, uint64_t boot, uint64_t seq,
	    uint64_t nonce, uint64_t echo);

#endif
