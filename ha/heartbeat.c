/*
 * Encoding and checking heartbeats, wire format version 1:
 *
 *	 0  4  magic "IPFO"
 *	 4  1  version (1)
 *	 5  1  sender's state (enum fsm_state)
 *	 6  1  flags (HB_F_*)
 *	 7  1  reserved, 0
 *	 8  4  sender address
 *	12  4  receiver address
 *	16  4  floating address
 *	20  4  sender's failtime, ms
 *	24  8  boot counter
 *	32  8  sequence number
 *	40  8  sender's nonce
 *	48  8  echo of the receiver's nonce
 *	56 32  HMAC-SHA-256 of bytes 0..55
 *
 * Everything the receiver acts on is under the tag, addresses included:
 * a packet reflected back at its sender, or sent to the other pair of a
 * site that shares the key, fails the address checks after the MAC.
 */
#include <arpa/inet.h>
#include <string.h>

#include "heartbeat.h"

#define HB_BODY		56
static const unsigned char hb_magic[4] = { 'I', 'P', 'F', 'O' };

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

int
hb_encode(const struct hb_msg *m, hmac_ctx *ctx, unsigned char out[HB_LEN])
{
	memcpy(out, hb_magic, sizeof(hb_magic));
	out[4] = HB_VERSION;
	out[5] = m->state;
	out[6] = m->flags;
	out[7] = 0;
	memcpy(out + 8, &m->sender.s_addr, 4);
	memcpy(out + 12, &m->receiver.s_addr, 4);
	memcpy(out + 16, &m->alias.s_addr, 4);
	put32(out + 20, m->failtime_ms);
	put64(out + 24, m->boot);
	put64(out + 32, m->seq);
	put64(out + 40, m->nonce);
	put64(out + 48, m->echo);
	return hmac_sign(ctx, out, HB_BODY, out + HB_BODY);
}

enum hb_reject
hb_decode(const unsigned char *buf, size_t len, hmac_ctx *ctx,
    struct hb_msg *m)
{
	if (len != HB_LEN)
		return HB_RLENGTH;
	if (memcmp(buf, hb_magic, sizeof(hb_magic)) != 0 ||
	    buf[4] != HB_VERSION)
		return HB_RVERSION;
	if (!hmac_verify(ctx, buf, HB_BODY, buf + HB_BODY))
		return HB_RMAC;

	m->state = buf[5];
	m->flags = buf[6];
	memcpy(&m->sender.s_addr, buf + 8, 4);
	memcpy(&m->receiver.s_addr, buf + 12, 4);
	memcpy(&m->alias.s_addr, buf + 16, 4);
	m->failtime_ms = get32(buf + 20);
	m->boot = get64(buf + 24);
	m->seq = get64(buf + 32);
	m->nonce = get64(buf + 40);
	m->echo = get64(buf + 48);
	return HB_OK;
}

const char *
hb_reject_name(enum hb_reject r)
{
	static const char *const names[HB_NREJECT] = {
		"ok", "length", "version", "mac", "replay", "sender"
	};

	return (unsigned)r < HB_NREJECT ? names[r] : "unknown";
}
