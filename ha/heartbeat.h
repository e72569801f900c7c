/*
 * The heartbeat wire format, version 1 (doc/design.md has the table).
 * Every packet is HB_LEN bytes, big-endian, and ends with an HMAC-SHA-256
 * tag over all the bytes before it.
 */
#ifndef IPF_HEARTBEAT_H
#define IPF_HEARTBEAT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "hmac.h"

#define HB_VERSION	1
#define HB_LEN		88

/* What the sender believes, in hb_msg.flags. */
#define HB_F_MASTER	0x01	/* configured as master */
#define HB_F_HOLDS	0x02	/* holds the floating address */
#define HB_F_READY	0x04	/* willing and able to hold it */
#define HB_F_WANTS	0x08	/* an operator asked it to hold it */
#define HB_F_YIELDS	0x10	/* an operator asked it not to hold it */
#define HB_F_LEAVING	0x20	/* stopping: released, gone after this */

struct hb_msg {
	uint8_t		state;		/* enum fsm_state of the sender */
	uint8_t		flags;		/* HB_F_* */
	struct in_addr	sender;		/* the sender's own address */
	struct in_addr	receiver;	/* the address it meant to reach */
	struct in_addr	alias;		/* the floating address it serves */
	uint32_t	failtime_ms;	/* the sender's failtime */
	uint64_t	boot;		/* persisted, raised at each start */
	uint64_t	seq;		/* raised at each packet of a boot */
	uint64_t	nonce;		/* the sender's nonce for this life */
	uint64_t	echo;		/* the last nonce it heard from us */
};

/* Why a packet was dropped; also the index of its counter. */
enum hb_reject {
	HB_OK,
	HB_RLENGTH,		/* not HB_LEN bytes */
	HB_RVERSION,		/* bad magic or unknown version */
	HB_RMAC,		/* tag does not match: other key or forged */
	HB_RREPLAY,		/* authentic but seen before */
	HB_RSENDER,		/* wrong source, sender, receiver or alias */
	HB_NREJECT
};

/* Encodes MSG and its tag into OUT.  Returns 0, or -1 if OpenSSL fails. */
int		 hb_encode(const struct hb_msg *msg, hmac_ctx *ctx,
		    unsigned char out[HB_LEN]);

/*
 * Checks length, magic, version and tag of BUF, in that order, and decodes
 * it into MSG only when all pass.  Replay and addresses are the caller's.
 */
enum hb_reject	 hb_decode(const unsigned char *buf, size_t len,
		    hmac_ctx *ctx, struct hb_msg *msg);

/* "length", "version", "mac", "replay", "sender". */
const char	*hb_reject_name(enum hb_reject);

#endif
