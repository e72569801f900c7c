/*
 * The control socket of failoverd (server side) and its protocol, shared
 * with failoverctl and failover-agentx.  doc/control.md is the reference.
 *
 * A message is a block of lines ending with an empty line.  A request is
 * one line, "verb [arg...]", at most CTL_LINE_MAX bytes.  A reply starts
 * with "ok" or "err CODE text", then "key value" lines.  A subscribed
 * client also gets blocks starting with "event NAME".
 *
 * The server never blocks on a client: sockets are non-blocking, output
 * is queued up to CTL_QUEUE_MAX bytes, and a client whose queue overflows
 * is dropped (it may reconnect and ask for status again).
 */
#ifndef IPF_CONTROL_H
#define IPF_CONTROL_H

#include <sys/types.h>
#include <poll.h>
#include <stddef.h>

#define CTL_LINE_MAX	512
#define CTL_QUEUE_MAX	(256 * 1024)
#define CTL_CLIENTS_MAX	32

enum ctl_verb {
	CTL_STATUS,		/* status */
	CTL_ADD,		/* add IP */
	CTL_REMOVE,		/* remove IP */
	CTL_AUTO,		/* auto: clear a manual override */
	CTL_SET,		/* set failtime|ismaster VALUE [ORIGIN] */
	CTL_RELOAD,		/* reload */
	CTL_SUBSCRIBE,		/* subscribe: events until the client leaves */
	CTL_PING		/* ping */
};

/* Error codes of "err CODE text" replies. */
#define CTL_E_DENIED	"denied"	/* peer credentials may not do it */
#define CTL_E_SYNTAX	"syntax"	/* unknown verb, missing argument */
#define CTL_E_TYPE	"type"		/* value not of the expected type */
#define CTL_E_RANGE	"range"		/* value out of range */
#define CTL_E_REFUSED	"refused"	/* inconsistent with the state */
#define CTL_E_FAILED	"failed"	/* tried and failed */

struct ctl_request {
	enum ctl_verb	verb;
	char		arg[2][64];	/* "set": key, value; add/remove: IP */
	char		origin[16];	/* "set": "control" or "snmp" */
	int		may_write;	/* SO_PEERCRED: root or the group */
	uid_t		uid;
	pid_t		pid;
};

/* A reply or event being built; the text is a complete block. */
struct ctl_reply {
	char	buf[4096];
	size_t	len;
	int	overflow;	/* lines were dropped: BUG if it happens */
};

/* Parses one request line (no newline).  Returns 0, or -1 with ERR. */
int	ctl_parse_request(const char *line, struct ctl_request *req,
	    char *err, size_t errlen);

void	ctl_reply_ok(struct ctl_reply *);
void	ctl_reply_err(struct ctl_reply *, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	ctl_reply_event(struct ctl_reply *, const char *name);
void	ctl_reply_kv(struct ctl_reply *, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds the empty line that ends the block. */
void	ctl_reply_end(struct ctl_reply *);

typedef void ctl_handler(void *arg, const struct ctl_request *,
    struct ctl_reply *);

struct ctl_server;

/*
 * Binds PATH (mode 0660, group GROUP when it is not (gid_t)-1, replacing a
 * stale socket but refusing one a live daemon answers on).  Returns NULL
 * with ERR set on failure.
 */
struct ctl_server *ctl_open(const char *path, gid_t group,
	    ctl_handler *handler, void *arg, char *err, size_t errlen);

/* Fills up to MAX pollfds; returns how many. */
int	ctl_pollfds(struct ctl_server *, struct pollfd *pfd, int max);

/* Serves what the pollfds from ctl_pollfds() say is ready. */
void	ctl_dispatch(struct ctl_server *, const struct pollfd *pfd, int n);

/* Queues an ended block to every subscribed client. */
void	ctl_broadcast(struct ctl_server *, const struct ctl_reply *event);

/* Closes every client and unlinks the socket. */
void	ctl_close(struct ctl_server *);

#endif
