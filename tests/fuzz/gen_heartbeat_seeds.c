/*
 * Writes the seed corpus of the heartbeat target into the directory named
 * by argv[1]: real heartbeats made with hb_encode() and the target's key,
 * in the target's record format (an opcode byte before each datagram).
 * tests/fuzz/run.sh runs it on every build, so the seeds follow the wire
 * format; the files it wrote once are kept in corpus/heartbeat/ too.
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heartbeat.h"

#include "fuzz.h"

#define SEED_MAX	8		/* records in one seed */

struct seed {
	unsigned char	buf[SEED_MAX * (1 + HB_LEN)];
	size_t		len;
};

static hmac_ctx	*ctx;

static struct hb_msg
sample(uint64_t boot, uint64_t seq, uint64_t echo)
{
	struct hb_msg	m;

	memset(&m, 0, sizeof(m));
	m.state = 3;
	m.flags = HB_F_MASTER | HB_F_HOLDS | HB_F_READY;
	inet_pton(AF_INET, "198.18.0.1", &m.sender);
	inet_pton(AF_INET, "198.18.0.2", &m.receiver);
	inet_pton(AF_INET, "198.18.0.100", &m.alias);
	m.failtime_ms = 3000;
	m.boot = boot;
	m.seq = seq;
	m.nonce = UINT64_C(0x0123456789abcdef);
	m.echo = echo;
	return m;
}

/* Appends OP and the encoded M, with the tag's first bit flipped if BAD. */
static void
add(struct seed *s, unsigned int op, const struct hb_msg *m, int bad)
{
	unsigned char	*p = s->buf + s->len;

	FUZZ_CHECK(s->len + 1 + HB_LEN <= sizeof(s->buf));
	p[0] = (unsigned char)op;
	FUZZ_CHECK(hb_encode(m, ctx, p + 1) == 0);
	if (bad)
		p[1 + HB_LEN - 1] ^= 0x80;
	s->len += 1 + HB_LEN;
}

static int
save(const char *dir, const char *name, const struct seed *s)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(s->buf, 1, s->len, f) != s->len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const unsigned char	 key[32] = FUZZ_HB_KEY;
	struct hb_msg			 m;
	struct seed			 s;
	int				 rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_heartbeat_seeds DIR\n");
		return 2;
	}
	FUZZ_CHECK((ctx = hmac_new(key, sizeof(key))) != NULL);

	/* One fresh heartbeat: it echoes the target's nonce. */
	memset(&s, 0, sizeof(s));
	m = sample(7, 1, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	rc |= save(argv[1], "fresh", &s);

	/* The handshake, two fresh ones, then the first replayed. */
	memset(&s, 0, sizeof(s));
	m = sample(7, 1, 0);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(7, 2, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(7, 3, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(7, 1, 0);
	add(&s, FUZZ_HB_RAW, &m, 0);
	rc |= save(argv[1], "handshake-fresh-replay", &s);

	/* The peer restarts: a higher boot with seq back to 1, then old. */
	memset(&s, 0, sizeof(s));
	m = sample(7, 900, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(8, 1, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(7, 901, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	rc |= save(argv[1], "restart", &s);

	/* Counters at their ends. */
	memset(&s, 0, sizeof(s));
	m = sample(UINT64_MAX, UINT64_MAX - 1, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	m = sample(UINT64_MAX, UINT64_MAX, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_SIGN, &m, 0);
	m = sample(0, 0, 0);
	add(&s, FUZZ_HB_FRAME, &m, 0);
	rc |= save(argv[1], "limits", &s);

	/* A forged tag, then the same packet re-signed by the harness. */
	memset(&s, 0, sizeof(s));
	m = sample(7, 5, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 1);
	add(&s, FUZZ_HB_SIGN, &m, 1);
	rc |= save(argv[1], "bad-tag", &s);

	/* Short and long datagrams around a good one. */
	memset(&s, 0, sizeof(s));
	m = sample(7, 6, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_LENGTH | (43 << 2), &m, 0);
	s.len -= HB_LEN - 86;	/* the record's length: 43 * 2 bytes */
	m = sample(7, 7, FUZZ_HB_NONCE);
	add(&s, FUZZ_HB_RAW, &m, 0);
	rc |= save(argv[1], "lengths", &s);

	hmac_free(ctx);
	return rc == 0 ? 0 : 1;
}
