/*
 * Freshness of authenticated heartbeats: the high-water mark of the
 * peer's (boot, seq) pairs and the nonce handshake of replay.h.
 *
 * Runs in failoverd after the MAC of a heartbeat was verified.  No I/O
 * apart from drawing the nonce, no logging.
 */
#include <stdint.h>

#include <openssl/rand.h>

#include "replay.h"

/* Redraws of a zero nonce before giving up; each happens with p = 2^-64. */
#define REPLAY_DRAWS	4

int
replay_init(struct replay_state *rs)
{
	uint64_t	nonce = 0;
	int		i;

	/*
	 * An echo of 0 means the peer has heard no nonce from us.  A zero
	 * nonce of ours would match it, and packets captured before we
	 * started would pass for fresh.
	 */
	for (i = 0; i < REPLAY_DRAWS && nonce == 0; i++) {
		if (RAND_bytes((unsigned char *)&nonce, sizeof(nonce)) != 1)
			return -1;
	}
	if (nonce == 0)
		return -1;

	rs->my_nonce = nonce;
	rs->have_peer = 0;
	rs->peer_boot = 0;
	rs->peer_seq = 0;
	rs->peer_nonce = 0;
	return 0;
}

/*
 * The boot counter orders the peer's lives and seq the packets within
 * one, so pairs compare lexicographically.  Strictly above is required:
 * an equal pair is the same packet again.  Before the first accepted
 * pair nothing is old; the nonce handshake is what keeps a replayed
 * capture from being trusted then.
 */
static int
replay_above(const struct replay_state *rs, uint64_t boot, uint64_t seq)
{
	if (!rs->have_peer)
		return 1;
	if (boot != rs->peer_boot)
		return boot > rs->peer_boot;
	return seq > rs->peer_seq;
}

enum replay_verdict
replay_check(struct replay_state *rs, uint64_t boot, uint64_t seq,
    uint64_t nonce, uint64_t echo)
{
	if (!replay_above(rs, boot, seq))
		return REPLAY_OLD;

	/*
	 * Record the pair even when the echo is stale: the packet is
	 * authentic and new, and raising the mark makes a replay of it OLD
	 * rather than another handshake.  Its nonce is the one to echo.
	 */
	rs->have_peer = 1;
	rs->peer_boot = boot;
	rs->peer_seq = seq;
	rs->peer_nonce = nonce;

	/* my_nonce is never 0, so "no echo yet" can never match. */
	return echo == rs->my_nonce ? REPLAY_FRESH : REPLAY_HANDSHAKE;
}
