/*
 * Loading the shared heartbeat key from its file.
 *
 * The key is the file's content with trailing white space removed, so that
 * "openssl rand -hex 32 > failover.key" makes a good one.  The file must be
 * a regular file that neither group nor others may read.
 */
#ifndef IPF_KEY_H
#define IPF_KEY_H

#include <stddef.h>

#define KEY_MIN_LEN	32	/* bytes; shorter keys are refused */
#define KEY_MAX_LEN	1024	/* bytes; longer files are refused */

enum key_error {
	KEY_OK,
	KEY_EOPEN,		/* open or fstat failed: errno is kept */
	KEY_ENOTREG,		/* not a regular file */
	KEY_EPERM,		/* readable by group or others */
	KEY_ESHORT,		/* fewer than KEY_MIN_LEN bytes */
	KEY_ELONG,		/* more than KEY_MAX_LEN bytes */
	KEY_EREAD,		/* read failed: errno is kept */
	KEY_EOWNER		/* owned by neither root nor us */
};

/*
 * Reads the key at PATH into BUF (at least KEY_MAX_LEN bytes) and its
 * length into *LEN.  On any error BUF holds no key material.
 */
enum key_error	 key_load(const char *path, unsigned char *buf, size_t *len);

/* A short English phrase for ERR, without errno text. */
const char	*key_strerror(enum key_error err);

/* Overwrites LEN bytes at P in a way the compiler may not remove. */
void		 key_wipe(void *p, size_t len);

#endif
