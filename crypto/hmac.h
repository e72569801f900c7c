/*
 * HMAC-SHA-256 over OpenSSL's EVP_MAC interface (RFC 2104, FIPS 198-1).
 *
 * Pure functions: nothing here logs, exits or keeps a copy of the key
 * outside the OpenSSL context, which cleanses it when freed.
 */
#ifndef IPF_HMAC_H
#define IPF_HMAC_H

#include <stddef.h>

#define HMAC_LEN	32	/* bytes of a SHA-256 tag */

typedef struct hmac_ctx hmac_ctx;

/*
 * Returns a context keyed with KEY (KEYLEN bytes), or NULL when OpenSSL
 * refuses (out of memory, no SHA-256 provider).  The caller may wipe KEY
 * as soon as this returns.
 */
hmac_ctx	*hmac_new(const unsigned char *key, size_t keylen);
void		 hmac_free(hmac_ctx *);

/* Writes the tag of MSG into OUT.  Returns 0, or -1 when OpenSSL fails. */
int		 hmac_sign(hmac_ctx *, const void *msg, size_t len,
		    unsigned char out[HMAC_LEN]);

/*
 * Returns 1 when TAG is the tag of MSG, 0 when it is not or when OpenSSL
 * fails.  The comparison takes the same time whatever bytes differ.
 */
int		 hmac_verify(hmac_ctx *, const void *msg, size_t len,
		    const unsigned char tag[HMAC_LEN]);

#endif
