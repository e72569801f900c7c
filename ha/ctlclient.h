/*
 * The client side of the control protocol (doc/control.md), for
 * failoverctl and failover-agentx.  Every call is bounded by a timeout:
 * TIMEOUT_MS is the whole call's budget, 0 polls once, a negative one
 * waits without limit (for events).  On timeout errno is ETIMEDOUT and a
 * partly received block stays buffered for the next call, but a request
 * whose line was not fully sent leaves the connection unusable.
 */
#ifndef IPF_CTLCLIENT_H
#define IPF_CTLCLIENT_H

#include <stddef.h>

#define CTLC_KV_MAX	96

struct ctl_block {
	char	head[160];		/* "ok", "err CODE text", "event NAME" */
	int	nkv;
	struct {
		char	key[48];
		char	value[208];
	} kv[CTLC_KV_MAX];
};

/* A connection; bytes read past one block wait in BUF for the next. */
struct ctlc {
	int	fd;
	size_t	len;
	char	buf[8192];
};

/*
 * Connects to PATH, waiting at most 5 s while the daemon's backlog is
 * full.  Returns 0, or -1 with ERR set ("failoverd is not running ...")
 * and errno (ENOENT, ECONNREFUSED, ...).
 */
int	 ctlc_connect(struct ctlc *, const char *path, char *err,
	    size_t errlen);
void	 ctlc_close(struct ctlc *);

/* Sends LINE (no newline) and reads the reply block into OUT.  0 or -1. */
int	 ctlc_request(struct ctlc *, const char *line, struct ctl_block *out,
	    int timeout_ms, char *err, size_t errlen);

/* Reads the next block (an event after "subscribe").  0, or -1 with ERR. */
int	 ctlc_read_block(struct ctlc *, struct ctl_block *out, int timeout_ms,
	    char *err, size_t errlen);

/* The value of KEY in B, or NULL. */
const char *ctl_block_get(const struct ctl_block *b, const char *key);

#endif
