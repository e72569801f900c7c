/*
 * libFuzzer target: hb_decode() on hostile datagrams, replay_check() on
 * what decodes, and the encode/decode round trip.
 *
 * An input is a series of records, each an opcode byte and the bytes of
 * one datagram.  Random bytes almost never carry a valid HMAC, so most
 * opcodes have the harness sign the datagram with the fixed key first:
 * that is what lets the fuzzer reach the decoded fields and the replay
 * window at all.  The replay state lives for one input only, so a crash
 * never depends on inputs run before it.
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "heartbeat.h"
#include "replay.h"

#include "fuzz.h"

#define HB_BODY		(HB_LEN - HMAC_LEN)
#define OP_RAW		FUZZ_HB_RAW
#define OP_SIGN		FUZZ_HB_SIGN
#define OP_FRAME	FUZZ_HB_FRAME
#define OP_LENGTH	FUZZ_HB_LENGTH
#define MY_NONCE	FUZZ_HB_NONCE

static const unsigned char key[32] = FUZZ_HB_KEY;
static const unsigned char other_key[32] = "fuzz-heartbeat-key-0123456789aB";
static hmac_ctx *ctx, *other_ctx;	/* keyed once; no per-input state */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ctx = hmac_new(key, sizeof(key));
	other_ctx = hmac_new(other_key, sizeof(other_key));
	FUZZ_CHECK(ctx != NULL && other_ctx != NULL);
	return 0;
}

static int
same_msg(const struct hb_msg *a, const struct hb_msg *b)
{
	return a->state == b->state && a->flags == b->flags &&
	    a->sender.s_addr == b->sender.s_addr &&
	    a->receiver.s_addr == b->receiver.s_addr &&
	    a->alias.s_addr == b->alias.s_addr &&
	    a->failtime_ms == b->failtime_ms && a->boot == b->boot &&
	    a->seq == b->seq && a->nonce == b->nonce && a->echo == b->echo;
}

/*
 * What a decoded packet must satisfy: re-encoding gives the same bytes
 * (byte 7, reserved, is the one field the decoder does not keep), the
 * encoding decodes to the same fields, and another key refuses it.
 */
static void
check_round_trip(const unsigned char *pkt, const struct hb_msg *m)
{
	unsigned char	out[HB_LEN];
	struct hb_msg	again;

	FUZZ_CHECK(hb_encode(m, ctx, out) == 0);
	FUZZ_CHECK(out[7] == 0);
	FUZZ_CHECK(memcmp(out, pkt, 7) == 0);
	FUZZ_CHECK(memcmp(out + 8, pkt + 8, HB_BODY - 8) == 0);
	if (pkt[7] == 0)
		FUZZ_CHECK(memcmp(out, pkt, HB_LEN) == 0);

	memset(&again, 0xa5, sizeof(again));
	FUZZ_CHECK(hb_decode(out, HB_LEN, ctx, &again) == HB_OK);
	FUZZ_CHECK(same_msg(m, &again));
	FUZZ_CHECK(hb_decode(out, HB_LEN, other_ctx, &again) == HB_RMAC);
}

/*
 * replay.h's contract, restated: a pair not above the highest accepted
 * is OLD and changes nothing; any other is recorded, and is FRESH
 * exactly when it echoes our nonce.
 */
static void
check_replay(struct replay_state *rs, const struct hb_msg *m)
{
	struct replay_state	before = *rs;
	enum replay_verdict	v;
	int			above;

	above = !before.have_peer || m->boot > before.peer_boot ||
	    (m->boot == before.peer_boot && m->seq > before.peer_seq);
	v = replay_check(rs, m->boot, m->seq, m->nonce, m->echo);
	FUZZ_CHECK(rs->my_nonce == before.my_nonce);
	if (!above) {
		FUZZ_CHECK(v == REPLAY_OLD);
		FUZZ_CHECK(memcmp(rs, &before, sizeof(before)) == 0);
		return;
	}
	FUZZ_CHECK(v == (m->echo == MY_NONCE ? REPLAY_FRESH :
	    REPLAY_HANDSHAKE));
	FUZZ_CHECK(rs->have_peer && rs->peer_boot == m->boot &&
	    rs->peer_seq == m->seq && rs->peer_nonce == m->nonce);

	/* The very same packet again is a replay now. */
	before = *rs;
	FUZZ_CHECK(replay_check(rs, m->boot, m->seq, m->nonce, m->echo) ==
	    REPLAY_OLD);
	FUZZ_CHECK(memcmp(rs, &before, sizeof(before)) == 0);
}

/* Builds one datagram from a record; returns the input bytes used. */
static size_t
make_packet(const uint8_t *data, size_t size, unsigned char *pkt,
    size_t *len)
{
	unsigned int	op = data[0];
	size_t		want = HB_LEN;

	data++;
	size--;
	if ((op & 3) == OP_LENGTH)
		want = (op >> 2) * 2;	/* 0..126, never 88 */
	if (want == HB_LEN)
		want = HB_LEN + 1;
	*len = size < want ? size : want;
	memcpy(pkt, data, *len);

	if (*len == HB_LEN && (op & 3) == OP_FRAME) {
		memcpy(pkt, "IPFO", 4);
		pkt[4] = HB_VERSION;
	}
	if (*len == HB_LEN && ((op & 3) == OP_SIGN || (op & 3) == OP_FRAME))
		FUZZ_CHECK(hmac_sign(ctx, pkt, HB_BODY, pkt + HB_BODY) == 0);
	return 1 + *len;
}

static void
one_packet(struct replay_state *rs, const unsigned char *pkt, size_t len,
    unsigned int op)
{
	struct hb_msg		m, untouched;
	enum hb_reject		r;
	const char		*name;

	memset(&m, 0x5a, sizeof(m));
	untouched = m;
	r = hb_decode(pkt, len, ctx, &m);
	name = hb_reject_name(r);
	FUZZ_CHECK(name != NULL && strcmp(name, "unknown") != 0);
	FUZZ_CHECK(r == HB_OK || r == HB_RLENGTH || r == HB_RVERSION ||
	    r == HB_RMAC);
	/* A refused packet leaves the caller's message alone. */
	if (r != HB_OK)
		FUZZ_CHECK(memcmp(&m, &untouched, sizeof(m)) == 0);
	if (len != HB_LEN) {
		FUZZ_CHECK(r == HB_RLENGTH);
		return;
	}
	if (memcmp(pkt, "IPFO", 4) != 0 || pkt[4] != HB_VERSION) {
		FUZZ_CHECK(r == HB_RVERSION);
		return;
	}
	if ((op & 3) == OP_SIGN || (op & 3) == OP_FRAME)
		FUZZ_CHECK(r == HB_OK);
	if (r != HB_OK)
		return;

	FUZZ_CHECK(m.state == pkt[5] && m.flags == pkt[6]);
	check_round_trip(pkt, &m);
	check_replay(rs, &m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_state	rs;
	unsigned char		pkt[2 * HB_LEN];
	size_t			len, used;

	/* replay_init() draws at random; the fixed nonce keeps runs equal. */
	FUZZ_CHECK(replay_init(&rs) == 0);
	FUZZ_CHECK(rs.my_nonce != 0 && !rs.have_peer && rs.peer_nonce == 0);
	rs.my_nonce = MY_NONCE;

	while (size > 0) {
		used = make_packet(data, size, pkt, &len);
		one_packet(&rs, pkt, len, data[0]);
		data += used;
		size -= used;
	}
	return 0;
}
