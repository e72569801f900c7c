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
#include <stdint.h>

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
	CTL_PING,		/* ping */
	CTL_TAKEOVER,		/* takeover: confirm a pending takeover */
	CTL_HANDBACK,		/* handback: confirm a pending release */
	CTL_SIMULATE		/* simulate peer-loss: a rehearsal */
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
	char		arg[2][64];	/* "set": key, value; add/remove: IP;
					   simulate: what */
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

/*
 * Parses one request line (no newline).  Returns 0, or -1 with ERR.  The
 * check is syntax only (verb, argument count, key and origin words, words
 * under 64 bytes, printable ASCII); values are the handler's to judge.
 */
int	ctl_parse_request(const char *line, struct ctl_request *req,
	    char *err, size_t errlen);

/*
 * Value helpers for handlers.  ctl_parse_seconds reads decimal seconds
 * with at most three decimals ("0.03", "3", "3600.5") into exact
 * milliseconds, clamping at UINT32_MAX so a range check still refuses
 * huge values; ctl_parse_bool takes true/false/yes/no/1/0.  Both return
 * 0, or -1 when S is not of the type (answer CTL_E_TYPE).
 */
int	ctl_parse_seconds(const char *s, uint32_t *ms);
int	ctl_parse_bool(const char *s, int *v);

/*
 * Builders.  ok, err and event start a new block (dropping what REPLY
 * held); kv appends a line.  Control characters in values become '?', so
 * no value can break the framing.
 */
void	ctl_reply_ok(struct ctl_reply *);
void	ctl_reply_err(struct ctl_reply *, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	ctl_reply_event(struct ctl_reply *, const char *name);
void	ctl_reply_kv(struct ctl_reply *, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds the empty line that ends the block. */
void	ctl_reply_end(struct ctl_reply *);

/*
 * Fills the reply to one request.  Calling ctl_reply_end() is optional:
 * the server ends the block, and answers "err failed" to an empty reply.
 * The handler may call ctl_broadcast().
 */
typedef void ctl_handler(void *arg, const struct ctl_request *,
    struct ctl_reply *);

struct ctl_server;

/*
 * Binds PATH (mode 0666: anyone may read; writes need uid 0 or GROUP when
 * it is not (gid_t)-1, which also becomes the socket's group), replacing
 * a stale socket but refusing one a live daemon answers on.  Creates the
 * parent directory (0755) when missing.  Returns NULL with ERR set.
 */
struct ctl_server *ctl_open(const char *path, gid_t group,
	    ctl_handler *handler, void *arg, char *err, size_t errlen);

/* Fills up to MAX pollfds (the listener first); returns how many. */
int	ctl_pollfds(struct ctl_server *, struct pollfd *pfd, int max);

/* Serves what the pollfds from ctl_pollfds() say is ready. */
void	ctl_dispatch(struct ctl_server *, const struct pollfd *pfd, int n);

/* Queues an ended block to every subscribed client. */
void	ctl_broadcast(struct ctl_server *, const struct ctl_reply *event);

/* Closes every client and unlinks the socket.  NULL is ignored. */
void	ctl_close(struct ctl_server *);

/* Counters for the daemon to log or export, since the server never logs. */
struct ctl_stats {
	unsigned long	clients;	/* connected now */
	unsigned long	accepted;
	unsigned long	refused_full;	/* closed at once: CTL_CLIENTS_MAX */
	unsigned long	evicted;	/* readers closed to let a writer in */
	unsigned long	dropped_queue;	/* output over CTL_QUEUE_MAX */
	unsigned long	too_long;	/* request line over CTL_LINE_MAX */
	unsigned long	syntax;		/* requests the parser refused */
	unsigned long	denied;		/* changes refused on credentials */
	unsigned long	overflows;	/* replies that lost lines (a BUG) */
};

void	ctl_get_stats(const struct ctl_server *, struct ctl_stats *);

#endif
