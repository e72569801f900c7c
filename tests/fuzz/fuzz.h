/*
 * Shared by the libFuzzer targets in tests/fuzz/.  A broken invariant is
 * a finding: FUZZ_CHECK names it on stderr and aborts, which libFuzzer
 * reports as a crash and saves the input for.
 */
#ifndef IPF_FUZZ_H
#define IPF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant broken: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/*
 * The heartbeat target's key and its own replay nonce, shared with the
 * seed generator (gen_heartbeat_seeds.c) so that its seeds decode.
 */
#define FUZZ_HB_KEY	"fuzz-heartbeat-key-0123456789ab"	/* 32 bytes */
#define FUZZ_HB_NONCE	UINT64_C(0x1f2e3d4c5b6a7988)

/* The opcode before each datagram in a heartbeat input (low two bits). */
#define FUZZ_HB_RAW	0	/* the bytes as they are */
#define FUZZ_HB_SIGN	1	/* tag recomputed over the bytes */
#define FUZZ_HB_FRAME	2	/* magic and version set, then signed */
#define FUZZ_HB_LENGTH	3	/* a length other than HB_LEN: op >> 2 */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/*
 * The two configuration targets share one harness (fuzz_config.c): DATA
 * is written to a file in a temporary directory made once per process,
 * beside executable add and remove scripts, and loaded from there.
 */
void	fuzz_config_init(void);
void	fuzz_config_one(const uint8_t *data, size_t size);

#endif
