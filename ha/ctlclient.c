/*
 * The client side of the control protocol (doc/control.md), used by
 * failoverctl and failover-agentx.
 *
 * Every wait is a poll() bounded by the caller's timeout, so a stuck or
 * vanished daemon costs a client at most that long.  A block is parsed
 * only once it is complete in the buffer: a timeout loses nothing, and a
 * later call picks up where this one stopped.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctlclient.h"

/* Unix connect() says EAGAIN while the daemon's backlog is full. */
#define CONNECT_WAIT_MS	5000
#define CONNECT_STEP_MS	20

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long
deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/*
 * Waits for EVENTS on FD until DEADLINE (-1: none).  Returns 1 when
 * ready, 0 on timeout with errno ETIMEDOUT, -1 on error.
 */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 rc;

	for (;;) {
		left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left < 0)
			left = 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return -1;
		if (rc == 1)
			return 1;
		if (deadline >= 0 && now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return 0;
		}
	}
}

/* Fills ERR for a failed wait_fd(), keeping its errno for the caller. */
static int
wait_fail(int rc, const char *timeout_msg, char *err, size_t errlen)
{
	int	 saved = errno;

	if (rc == 0)
		snprintf(err, errlen, "%s", timeout_msg);
	else
		snprintf(err, errlen, "poll: %s", strerror(saved));
	errno = saved;
	return -1;
}

static int
connect_fail(int saved, const char *path, char *err, size_t errlen)
{
	if (saved == ENOENT)
		snprintf(err, errlen,
		    "failoverd is not running (no socket at %s)", path);
	else if (saved == ECONNREFUSED)
		snprintf(err, errlen,
		    "failoverd is not running (connection refused at %s)",
		    path);
	else if (saved == EAGAIN)
		snprintf(err, errlen, "failoverd does not accept on %s", path);
	else
		snprintf(err, errlen, "cannot connect to %s: %s", path,
		    strerror(saved));
	errno = saved;
	return -1;
}

int
ctlc_connect(struct ctlc *c, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	long long		 deadline = now_ms() + CONNECT_WAIT_MS;
	int			 rc, saved;

	c->fd = -1;
	c->len = 0;
	memset(&sun, 0, sizeof(sun));
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		rc = connect(c->fd, (struct sockaddr *)&sun, sizeof(sun));
		if (rc == 0)
			return 0;
		saved = errno;
		if (saved == EINTR)
			continue;
		if (saved != EAGAIN || now_ms() >= deadline)
			break;
		(void)poll(NULL, 0, CONNECT_STEP_MS);
	}
	ctlc_close(c);
	return connect_fail(saved, path, err, errlen);
}

void
ctlc_close(struct ctlc *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static int
write_all(struct ctlc *c, const char *buf, size_t len, long long deadline,
    char *err, size_t errlen)
{
	ssize_t	 n;
	int	 rc;

	while (len > 0) {
		n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			snprintf(err, errlen, "cannot send to failoverd: %s",
			    strerror(errno));
			return -1;
		}
		if ((rc = wait_fd(c->fd, POLLOUT, deadline)) != 1)
			return wait_fail(rc,
			    "failoverd did not take the request in time",
			    err, errlen);
	}
	return 0;
}

int
ctlc_request(struct ctlc *c, const char *line, struct ctl_block *out,
    int timeout_ms, char *err, size_t errlen)
{
	char		 buf[CTL_LINE_MAX + 2];
	long long	 deadline = deadline_of(timeout_ms);
	size_t		 len = strlen(line);
	int		 left;

	if (len > CTL_LINE_MAX || strchr(line, '\n') != NULL) {
		snprintf(err, errlen, "request too long or not one line");
		errno = EINVAL;
		return -1;
	}
	memcpy(buf, line, len);
	buf[len++] = '\n';
	if (write_all(c, buf, len, deadline, err, errlen) == -1)
		return -1;
	if (deadline < 0)
		left = -1;
	else if (deadline - now_ms() > 0)
		left = (int)(deadline - now_ms());
	else
		left = 0;
	return ctlc_read_block(c, out, left, err, errlen);
}

/*
 * Finds the end of the first block in the buffer: the offset just past
 * its empty line, or 0 while it is incomplete.  Empty lines before a
 * head are skipped over, never taken as an empty block.
 */
static size_t
block_end(const struct ctlc *c, size_t *start)
{
	size_t	 i = 0;

	while (i < c->len && c->buf[i] == '\n')
		i++;
	*start = i;
	for (; i + 1 < c->len; i++)
		if (c->buf[i] == '\n' && c->buf[i + 1] == '\n')
			return i + 2;
	return 0;
}

static void
copy_trunc(char *dst, size_t dstlen, const char *src, size_t len)
{
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Head, then "key value" lines; past CTLC_KV_MAX they are ignored. */
static void
parse_block(const char *p, const char *end, struct ctl_block *out)
{
	const char	*nl, *sp;

	memset(out, 0, sizeof(*out));
	nl = memchr(p, '\n', (size_t)(end - p));
	copy_trunc(out->head, sizeof(out->head), p, (size_t)(nl - p));
	for (p = nl + 1; p < end && *p != '\n'; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (out->nkv == CTLC_KV_MAX)
			continue;
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp == NULL)
			sp = nl;
		copy_trunc(out->kv[out->nkv].key, sizeof(out->kv[0].key), p,
		    (size_t)(sp - p));
		if (sp < nl)
			sp++;
		copy_trunc(out->kv[out->nkv].value, sizeof(out->kv[0].value),
		    sp, (size_t)(nl - sp));
		out->nkv++;
	}
}

/* Reads what the socket holds into the buffer.  0, or -1 with ERR. */
static int
fill(struct ctlc *c, long long deadline, char *err, size_t errlen)
{
	ssize_t	 n;
	int	 rc;

	if (c->len == sizeof(c->buf)) {
		snprintf(err, errlen, "reply from failoverd too long");
		errno = EMSGSIZE;
		return -1;
	}
	if ((rc = wait_fd(c->fd, POLLIN, deadline)) != 1)
		return wait_fail(rc, "no answer from failoverd in time", err,
		    errlen);
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
	    MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		snprintf(err, errlen, "failoverd closed the connection%s%s",
		    n == 0 ? "" : ": ", n == 0 ? "" : strerror(errno));
		if (n == 0)
			errno = ECONNRESET;
		return -1;
	}
	c->len += (size_t)n;
	return 0;
}

int
ctlc_read_block(struct ctlc *c, struct ctl_block *out, int timeout_ms,
    char *err, size_t errlen)
{
	long long	 deadline = deadline_of(timeout_ms);
	size_t		 start, end;

	if (c->fd == -1) {
		snprintf(err, errlen, "not connected");
		errno = ENOTCONN;
		return -1;
	}
	while ((end = block_end(c, &start)) == 0)
		if (fill(c, deadline, err, errlen) == -1)
			return -1;
	parse_block(c->buf + start, c->buf + end - 1, out);
	memmove(c->buf, c->buf + end, c->len - end);
	c->len -= end;
	return 0;
}

const char *
ctl_block_get(const struct ctl_block *b, const char *key)
{
	int	 i;

	for (i = 0; i < b->nkv; i++)
		if (strcmp(b->kv[i].key, key) == 0)
			return b->kv[i].value;
	return NULL;
}
