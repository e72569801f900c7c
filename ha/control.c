/*
 * The control socket of failoverd: a Unix stream server driven by the
 * daemon's single-threaded poll loop (doc/control.md).
 *
 * It must never block the loop that sends heartbeats: every socket is
 * non-blocking, input is taken one bounded line at a time, and output
 * waits in a per-client queue of at most CTL_QUEUE_MAX bytes.  A client
 * that does not keep up is dropped, never waited for.  Nothing here logs;
 * the daemon reads the counters with ctl_get_stats().
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"

#define LISTEN_BACKLOG	16
#define ACCEPT_BURST	(CTL_CLIENTS_MAX * 2)	/* per dispatch */
#define GROUPS_MAX	65536			/* getgrouplist() bound */
#define PATH_LEN	sizeof(((struct sockaddr_un *)0)->sun_path)

struct ctl_client {
	int		 fd;		/* -1 once dropped */
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;
	int		 may_write;
	int		 subscribed;
	int		 closing;	/* no more input; close once flushed */
	size_t		 in_len;
	char		 in[CTL_LINE_MAX + 1];	/* a line, its '\n' included */
	char		*out;
	size_t		 out_off;	/* first unsent byte */
	size_t		 out_len;	/* unsent bytes from out_off */
	size_t		 out_cap;
};

struct ctl_server {
	int			 fd;
	char			 path[PATH_LEN];
	dev_t			 dev;	/* of the socket we bound, for unlink */
	ino_t			 ino;
	gid_t			 group;
	ctl_handler		*handler;
	void			*arg;
	struct ctl_client	*client[CTL_CLIENTS_MAX];
	int			 nclients;
	struct ctl_stats	 stats;
};

static void	client_drop(struct ctl_client *);

/*
 * Output.  Bytes are handed to the kernel at once when it takes them, so
 * the queue only holds what a slow reader left behind.
 */
static int
client_flush(struct ctl_client *c)
{
	ssize_t	 n;

	while (c->out_len > 0) {
		n = send(c->fd, c->out + c->out_off, c->out_len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			client_drop(c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->out_len -= (size_t)n;
	}

	c->out_off = 0;
	if (c->closing) {
		client_drop(c);
		return -1;
	}
	return 0;
}

static int
queue_grow(struct ctl_client *c, size_t need)
{
	size_t	 cap;
	char	*p;

	if (c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	if (need <= c->out_cap)
		return 0;

	cap = c->out_cap > 0 ? c->out_cap : 4096;
	while (cap < need)
		cap *= 2;
	if (cap > CTL_QUEUE_MAX)
		cap = CTL_QUEUE_MAX;
	if ((p = realloc(c->out, cap)) == NULL)
		return -1;
	c->out = p;
	c->out_cap = cap;
	return 0;
}

/* Queues LEN bytes and tries to send them; -1 when C was dropped. */
static int
client_queue(struct ctl_server *srv, struct ctl_client *c, const char *buf,
    size_t len)
{
	if (c->fd == -1)
		return -1;
	if (c->out_len + len > CTL_QUEUE_MAX) {
		srv->stats.dropped_queue++;
		client_drop(c);
		return -1;
	}
	if (c->out_off + c->out_len + len > c->out_cap &&
	    queue_grow(c, c->out_len + len) == -1) {
		client_drop(c);
		return -1;
	}

	memcpy(c->out + c->out_off + c->out_len, buf, len);
	c->out_len += len;
	return client_flush(c);
}

/*
 * A dropped client keeps its slot until reap(), because a handler may
 * broadcast (and so drop the very client being served) while a caller
 * up the stack still holds the pointer.  Its fd is closed at once so the
 * peer sees the end, and fd -1 matches no pollfd.
 */
static void
client_drop(struct ctl_client *c)
{
	if (c->fd == -1)
		return;
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	c->out_off = c->out_len = c->out_cap = 0;
}

static void
reap(struct ctl_server *srv)
{
	int	 i;

	for (i = srv->nclients - 1; i >= 0; i--) {
		if (srv->client[i]->fd != -1)
			continue;
		free(srv->client[i]);
		srv->client[i] = srv->client[--srv->nclients];
	}
	srv->stats.clients = (unsigned long)srv->nclients;
}

static int
verb_writes(enum ctl_verb verb)
{
	switch (verb) {
	case CTL_ADD:
	case CTL_REMOVE:
	case CTL_AUTO:
	case CTL_SET:
	case CTL_RELOAD:
	case CTL_TAKEOVER:
	case CTL_HANDBACK:
	case CTL_SIMULATE:
		return 1;
	default:
		return 0;
	}
}

static int
block_ended(const struct ctl_reply *r)
{
	return r->len >= 2 && r->buf[r->len - 1] == '\n' &&
	    r->buf[r->len - 2] == '\n';
}

static void
serve(struct ctl_server *srv, struct ctl_client *c,
    const struct ctl_request *req, struct ctl_reply *reply)
{
	if (verb_writes(req->verb) && !req->may_write) {
		srv->stats.denied++;
		ctl_reply_err(reply, CTL_E_DENIED,
		    "uid %lu may not change state (root or the control group only)",
		    (unsigned long)c->uid);
		return;
	}
	srv->handler(srv->arg, req, reply);
	if (reply->len == 0)
		ctl_reply_err(reply, CTL_E_FAILED, "no reply from failoverd");
}

/* Answers one line; -1 when C was dropped meanwhile. */
static int
handle_line(struct ctl_server *srv, struct ctl_client *c, char *line)
{
	struct ctl_request	 req;
	struct ctl_reply	 reply;
	char			 err[160];
	size_t			 len = strlen(line);

	/* Tolerate CRLF from terminals and "socat -,crlf". */
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return 0;	/* the optional empty line after a request */

	memset(&reply, 0, sizeof(reply));
	if (ctl_parse_request(line, &req, err, sizeof(err)) == -1) {
		srv->stats.syntax++;
		ctl_reply_err(&reply, CTL_E_SYNTAX, "%s", err);
	} else {
		req.may_write = c->may_write;
		req.uid = c->uid;
		req.pid = c->pid;
		serve(srv, c, &req, &reply);
	}
	if (reply.overflow)
		srv->stats.overflows++;
	if (!block_ended(&reply))
		ctl_reply_end(&reply);

	if (client_queue(srv, c, reply.buf, reply.len) == -1)
		return -1;
	if (c->fd != -1 && req.verb == CTL_SUBSCRIBE &&
	    strncmp(reply.buf, "ok\n", 3) == 0)
		c->subscribed = 1;
	return c->fd == -1 ? -1 : 0;
}

/* Serves every complete line in the input buffer, in order. */
static int
handle_input(struct ctl_server *srv, struct ctl_client *c)
{
	char	*nl;
	size_t	 used;

	while (c->fd != -1 && !c->closing &&
	    (nl = memchr(c->in, '\n', c->in_len)) != NULL) {
		*nl = '\0';
		used = (size_t)(nl - c->in) + 1;
		if (handle_line(srv, c, c->in) == -1)
			return -1;
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	return c->fd == -1 ? -1 : 0;
}

static void
refuse_long_line(struct ctl_server *srv, struct ctl_client *c)
{
	struct ctl_reply	 reply;

	srv->stats.too_long++;
	memset(&reply, 0, sizeof(reply));
	ctl_reply_err(&reply, CTL_E_SYNTAX, "request too long (max %d bytes)",
	    CTL_LINE_MAX);
	ctl_reply_end(&reply);
	c->closing = 1;
	client_queue(srv, c, reply.buf, reply.len);
}

/*
 * One read per wakeup keeps a chatty client from starving the others and
 * the heartbeat; poll reports it again if more is waiting.
 */
static void
client_read(struct ctl_server *srv, struct ctl_client *c)
{
	ssize_t	 n;

	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len,
	    MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n == -1) {
		client_drop(c);
		return;
	}
	if (n == 0) {
		/* A last request without '\n' ("printf status | socat"). */
		if (c->in_len > 0 && c->in_len < sizeof(c->in))
			c->in[c->in_len++] = '\n';
		if (handle_input(srv, c) == 0) {
			c->closing = 1;
			client_flush(c);
		}
		return;
	}

	c->in_len += (size_t)n;
	if (handle_input(srv, c) == -1 || c->closing)
		return;
	if (c->in_len == sizeof(c->in))
		refuse_long_line(srv, c);
}

/* Whether GROUP is among the groups the user database gives UID. */
static int
in_user_groups(uid_t uid, gid_t group)
{
	struct passwd	 pw, *pwp = NULL;
	char		 pwbuf[4096];
	gid_t		*groups = NULL;
	int		 ngroups = 32, found = 0, i, tries;

	/* XXX: with NSS over the network (LDAP) these lookups can stall. */
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 ||
	    pwp == NULL)
		return 0;
	for (tries = 0; tries < 4 && ngroups <= GROUPS_MAX; tries++) {
		gid_t	*g = realloc(groups, (size_t)ngroups * sizeof(*g));

		if (g == NULL)
			break;
		groups = g;
		if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) == -1)
			continue;	/* NGROUPS now holds the size needed */
		for (i = 0; i < ngroups; i++)
			if (groups[i] == group)
				found = 1;
		break;
	}
	free(groups);
	return found;
}

/*
 * Credentials are taken once, when the client connects: they are those
 * of whoever called connect(), which is what the permission is about.
 */
static int
peer_may_write(const struct ctl_server *srv, const struct ctl_client *c)
{
	if (c->uid == 0)
		return 1;
	if (srv->group == (gid_t)-1)
		return 0;
	if (c->gid == srv->group)
		return 1;
	return in_user_groups(c->uid, srv->group);
}

static void
client_add(struct ctl_server *srv, int fd)
{
	struct ucred		 cred;
	socklen_t		 len = sizeof(cred);
	struct ctl_client	*c;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	c->may_write = peer_may_write(srv, c);
	srv->client[srv->nclients++] = c;
	srv->stats.accepted++;
	srv->stats.clients = (unsigned long)srv->nclients;
}

/*
 * Readers must not lock out the operators: when every slot is taken, a
 * caller who may change state takes the slot of the oldest client who
 * may not.  Returns 1 when a slot was freed.
 */
static int
make_room(struct ctl_server *srv, int fd)
{
	struct ctl_client	probe;
	struct ucred		cred;
	socklen_t		len = sizeof(cred);
	int			i;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return 0;
	memset(&probe, 0, sizeof(probe));
	probe.uid = cred.uid;
	probe.gid = cred.gid;
	if (!peer_may_write(srv, &probe))
		return 0;
	for (i = 0; i < srv->nclients; i++) {
		if (!srv->client[i]->may_write && srv->client[i]->fd != -1) {
			client_drop(srv->client[i]);
			srv->stats.evicted++;
			return 1;
		}
	}
	return 0;
}

/*
 * Over the limit the newest connection is accepted and closed at once,
 * so it leaves the backlog and costs no descriptor.  It gets a one-line
 * reason if its buffer takes it; no retry.
 */
static void
accept_clients(struct ctl_server *srv)
{
	static const char	 full[] = "err failed too many clients\n\n";
	int			 fd, i;

	for (i = 0; i < ACCEPT_BURST; i++) {
		fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1 && errno == EINTR)
			continue;
		/* XXX: on EMFILE the listener stays readable: a busy loop. */
		if (fd == -1)
			return;
		if (srv->nclients >= CTL_CLIENTS_MAX && make_room(srv, fd))
			reap(srv);
		if (srv->nclients >= CTL_CLIENTS_MAX) {
			srv->stats.refused_full++;
			(void)send(fd, full, sizeof(full) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
			continue;
		}
		client_add(srv, fd);
	}
}

static struct ctl_client *
client_find(struct ctl_server *srv, int fd)
{
	int	 i;

	for (i = 0; i < srv->nclients; i++)
		if (srv->client[i]->fd == fd)
			return srv->client[i];
	return NULL;
}

int
ctl_pollfds(struct ctl_server *srv, struct pollfd *pfd, int max)
{
	struct ctl_client	*c;
	int			 i, n = 0;

	reap(srv);
	if (max < 1)
		return 0;
	pfd[n].fd = srv->fd;
	pfd[n].events = POLLIN;
	pfd[n++].revents = 0;
	for (i = 0; i < srv->nclients && n < max; i++) {
		c = srv->client[i];
		pfd[n].fd = c->fd;
		pfd[n].events = (c->closing ? 0 : POLLIN) |
		    (c->out_len > 0 ? POLLOUT : 0);
		pfd[n++].revents = 0;
	}
	return n;
}

/*
 * The listener is served last: a client dropped earlier in this round
 * frees its descriptor, and an accept() before the round ends could hand
 * that number to a newcomer that the stale pollfd would then describe.
 */
void
ctl_dispatch(struct ctl_server *srv, const struct pollfd *pfd, int n)
{
	struct ctl_client	*c;
	int			 i, listener = 0;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == srv->fd) {
			listener = 1;
			continue;
		}
		if ((c = client_find(srv, pfd[i].fd)) == NULL)
			continue;
		if (pfd[i].revents & POLLNVAL) {
			client_drop(c);
			continue;
		}
		if ((pfd[i].revents & POLLOUT) && client_flush(c) == -1)
			continue;
		/* A closing client only waits for its output to drain. */
		if (!c->closing &&
		    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			client_read(srv, c);
		else if (c->closing && (pfd[i].revents & (POLLHUP | POLLERR)))
			client_drop(c);
	}
	reap(srv);
	if (listener)
		accept_clients(srv);
}

void
ctl_broadcast(struct ctl_server *srv, const struct ctl_reply *event)
{
	struct ctl_client	*c;
	int			 i;

	for (i = 0; i < srv->nclients; i++) {
		c = srv->client[i];
		if (c->fd == -1 || !c->subscribed || c->closing)
			continue;
		if (client_queue(srv, c, event->buf, event->len) == -1)
			continue;
		if (!block_ended(event))
			client_queue(srv, c, "\n", 1);
	}
}

void
ctl_get_stats(const struct ctl_server *srv, struct ctl_stats *st)
{
	*st = srv->stats;
}

/*
 * A socket file at PATH either belongs to a live daemon (it answers, or
 * its backlog is full) or is left over from a crash (ECONNREFUSED).
 * Only the latter may be removed; anything that is not a socket is left
 * alone.  The probe is non-blocking so a stuck daemon cannot hang us.
 */
static int
check_stale(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, rc, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot stat %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
		snprintf(err, errlen, "failoverd already running on %s", path);
		return -1;
	}
	if (saved != ECONNREFUSED) {
		snprintf(err, errlen, "cannot probe %s: %s", path,
		    strerror(saved));
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The directory is made 0755 explicitly: a daemon's umask (often 077)
 * would otherwise lock every unprivileged reader out of the socket.
 */
static int
make_parent(const char *path, char *err, size_t errlen)
{
	char	 copy[PATH_LEN];
	char	*dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (mkdir(dir, 0755) == -1) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "cannot create directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (chmod(dir, 0755) == -1) {
		snprintf(err, errlen, "cannot chmod directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The umask gives the socket mode 0666 as bind() creates it, so there is
 * no moment at which it has another mode.  The process is single-threaded
 * while this runs, so changing the umask briefly is safe.
 */
static int
bind_listen(struct ctl_server *srv, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 old;
	int			 rc;

	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (srv->fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, srv->path, strlen(srv->path));
	old = umask(0111);
	rc = bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc == -1 || lstat(srv->path, &st) == -1) {
		snprintf(err, errlen, "cannot bind %s: %s", srv->path,
		    strerror(errno));
		return -1;
	}
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	if (listen(srv->fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, errlen, "cannot listen on %s: %s", srv->path,
		    strerror(errno));
		return -1;
	}
	if (srv->group != (gid_t)-1 && chown(srv->path, (uid_t)-1,
	    srv->group) == -1) {
		snprintf(err, errlen, "cannot give %s to group %lu: %s",
		    srv->path, (unsigned long)srv->group, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl_server *
ctl_open(const char *path, gid_t group, ctl_handler *handler, void *arg,
    char *err, size_t errlen)
{
	struct ctl_server	*srv;

	if (strlen(path) >= sizeof(srv->path) || path[0] == '\0') {
		snprintf(err, errlen, "control socket path too long or empty: %s",
		    path);
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	srv->fd = -1;
	srv->group = group;
	srv->handler = handler;
	srv->arg = arg;
	snprintf(srv->path, sizeof(srv->path), "%s", path);

	if (make_parent(path, err, errlen) == -1 ||
	    check_stale(path, err, errlen) == -1 ||
	    bind_listen(srv, err, errlen) == -1)
		goto fail;
	return srv;

fail:
	if (srv->fd != -1) {
		close(srv->fd);
		if (srv->ino != 0)
			unlink(srv->path);
	}
	free(srv);
	return NULL;
}

/* Unlinks only our own socket, not one a later daemon put in its place. */
void
ctl_close(struct ctl_server *srv)
{
	struct stat	 st;
	int		 i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->nclients; i++)
		client_drop(srv->client[i]);
	reap(srv);
	if (lstat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
	    st.st_ino == srv->ino)
		unlink(srv->path);
	close(srv->fd);
	free(srv);
}
