/*
 * Tests of the control protocol, server and client (ha/ctlproto.c,
 * ha/control.c, ha/ctlclient.c).
 *
 * Everything runs over real Unix sockets in a mkdtemp() directory.  The
 * server and the client share one process: the test drives the server
 * with ctl_pollfds(), poll() and ctl_dispatch() in bounded loops between
 * client calls made with timeout 0.  If the server ever blocked, the
 * alarm set for each test would kill the program and fail the run.  The
 * permission tests fork a child that drops to uid 65534.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "control.h"
#include "ctlclient.h"

#define RECORD_MAX	64
#define PUMP_ROUNDS	500	/* x 10 ms at most per wait */
#define TEST_ALARM_S	60
#define NOBODY		65534

struct recorder {
	int			 n;
	struct ctl_request	 req[RECORD_MAX];
	struct ctl_server	*srv;
	int			 burst;	/* events a "set" broadcasts */
};

struct fx {
	char			 dir[64];
	char			 path[128];
	struct ctl_server	*srv;
	struct recorder		 rec;
};

/*
 * Plays failoverd: answers like the daemon would, so the replies carry
 * real "key value" lines, and records what reached it.
 */
static void
handler(void *arg, const struct ctl_request *req, struct ctl_reply *r)
{
	struct recorder	*rec = arg;
	struct ctl_reply ev;
	uint32_t	 ms;
	int		 i;

	if (rec->n < RECORD_MAX)
		rec->req[rec->n] = *req;
	rec->n++;
	switch (req->verb) {
	case CTL_STATUS:
	case CTL_SUBSCRIBE:
		ctl_reply_ok(r);
		ctl_reply_kv(r, "version", "1");
		ctl_reply_kv(r, "state", "active");
		ctl_reply_kv(r, "holds", "yes");
		ctl_reply_kv(r, "last_reason", "peer lost after %s s", "3.010");
		ctl_reply_kv(r, "seq", "%d", rec->n);
		break;
	case CTL_PING:
		ctl_reply_ok(r);
		ctl_reply_kv(r, "version", "1");
		ctl_reply_end(r);
		break;
	case CTL_ADD:
		if (strcmp(req->arg[0], "198.18.0.100") != 0) {
			ctl_reply_err(r, CTL_E_REFUSED,
			    "%s is not the floating address", req->arg[0]);
			break;
		}
		ctl_reply_ok(r);
		ctl_reply_kv(r, "override", "hold");
		break;
	case CTL_SET:
		if (ctl_parse_seconds(req->arg[1], &ms) == -1) {
			ctl_reply_err(r, CTL_E_TYPE, "not seconds: %s",
			    req->arg[1]);
			break;
		}
		for (i = 0; i < rec->burst; i++) {
			ctl_reply_event(&ev, "bulk");
			ctl_reply_kv(&ev, "data", "%3900d", i);
			ctl_reply_end(&ev);
			ctl_broadcast(rec->srv, &ev);
		}
		ctl_reply_ok(r);
		ctl_reply_kv(r, "failtime_ms", "%u", ms);
		ctl_reply_kv(r, "failtime_source", "%s", req->origin);
		break;
	case CTL_RELOAD:
		break;		/* no reply: the server must answer for it */
	default:
		ctl_reply_ok(r);
		break;
	}
}

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));
	char		 err[256];

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ipf-ctl.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	/* "run" does not exist yet: ctl_open must create it. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/ctl.sock", fx->dir);
	fx->srv = ctl_open(fx->path, (gid_t)-1, handler, &fx->rec, err,
	    sizeof(err));
	if (fx->srv == NULL) {
		fprintf(stderr, "ctl_open: %s\n", err);
		return -1;
	}
	fx->rec.srv = fx->srv;
	alarm(TEST_ALARM_S);
	*state = fx;
	return 0;
}

static void
rm_in(const char *dir, const char *name)
{
	char	 p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	unlink(p);
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;
	char		 run[128];

	alarm(0);
	ctl_close(fx->srv);
	rm_in(fx->dir, "stale.sock");
	rm_in(fx->dir, "file");
	rm_in(fx->dir, "grp.sock");
	snprintf(run, sizeof(run), "%s/run", fx->dir);
	rmdir(run);
	if (rmdir(fx->dir) == -1)
		fprintf(stderr, "left behind: %s\n", fx->dir);
	free(fx);
	return 0;
}

/* One round of the daemon's loop: poll what the server asks for. */
static void
pump(struct ctl_server *srv, int wait_ms)
{
	struct pollfd	 pfd[CTL_CLIENTS_MAX + 1];
	int		 n;

	n = ctl_pollfds(srv, pfd, CTL_CLIENTS_MAX + 1);
	if (poll(pfd, (nfds_t)n, wait_ms) > 0)
		ctl_dispatch(srv, pfd, n);
}

/* Runs the server until C holds a whole block.  0, or -1 with ERR. */
static int
await_block(struct ctl_server *srv, struct ctlc *c, struct ctl_block *b,
    char *err, size_t errlen)
{
	int	 i;

	for (i = 0; i < PUMP_ROUNDS; i++) {
		pump(srv, 10);
		if (ctlc_read_block(c, b, 0, err, errlen) == 0)
			return 0;
		if (errno != ETIMEDOUT)
			return -1;
	}
	return -1;
}

/* A request through ctlc_request(), whose reply the server then makes. */
static void
round_trip(struct fx *fx, struct ctlc *c, const char *line,
    struct ctl_block *b)
{
	char	 err[256];

	/* Nothing can answer before the server runs: a clean timeout. */
	assert_int_equal(ctlc_request(c, line, b, 0, err, sizeof(err)), -1);
	assert_int_equal(errno, ETIMEDOUT);
	if (await_block(fx->srv, c, b, err, sizeof(err)) == -1)
		fail_msg("no reply to \"%s\": %s", line, err);
}

static void
connect_ok(struct fx *fx, struct ctlc *c)
{
	struct ctl_stats	 before, after;
	char			 err[256];
	int			 i;

	ctl_get_stats(fx->srv, &before);
	if (ctlc_connect(c, fx->path, err, sizeof(err)) == -1)
		fail_msg("connect: %s", err);
	for (i = 0; i < PUMP_ROUNDS; i++) {
		pump(fx->srv, 10);
		ctl_get_stats(fx->srv, &after);
		if (after.accepted + after.refused_full >
		    before.accepted + before.refused_full)
			return;
	}
	fail_msg("server never accepted");
}

static void
send_raw(int fd, const char *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* After the server closed C: what is left to read, then the end. */
static void
assert_closed(struct fx *fx, struct ctlc *c)
{
	char	 buf[4096];
	ssize_t	 n = 1;
	int	 i;

	for (i = 0; i < PUMP_ROUNDS && n != 0; i++) {
		pump(fx->srv, 10);
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		/* Unread input at close makes Linux report a reset. */
		if (n == -1 && errno == ECONNRESET)
			n = 0;
		if (n == -1)
			assert_int_equal(errno, EAGAIN);
	}
	assert_int_equal(n, 0);
}

/* The parser: good lines. */

struct good_case {
	const char	*line;
	enum ctl_verb	 verb;
	const char	*arg0;
	const char	*arg1;
	const char	*origin;
};

static const struct good_case good_lines[] = {
	{ "status", CTL_STATUS, "", "", "control" },
	{ "ping", CTL_PING, "", "", "control" },
	{ "  status  ", CTL_STATUS, "", "", "control" },
	{ "add 198.18.0.100", CTL_ADD, "198.18.0.100", "", "control" },
	{ "remove  198.18.0.100", CTL_REMOVE, "198.18.0.100", "", "control" },
	{ "auto", CTL_AUTO, "", "", "control" },
	{ "reload", CTL_RELOAD, "", "", "control" },
	{ "subscribe", CTL_SUBSCRIBE, "", "", "control" },
	{ "set failtime 0.03", CTL_SET, "failtime", "0.03", "control" },
	{ "set failtime abc snmp", CTL_SET, "failtime", "abc", "snmp" },
	{ "set ismaster true control", CTL_SET, "ismaster", "true",
	    "control" },
	{ "set ismaster no snmp", CTL_SET, "ismaster", "no", "snmp" },
};

static void
parser_accepts_good_lines(void **state)
{
	struct ctl_request	 req;
	char			 err[160];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(good_lines) / sizeof(good_lines[0]); i++) {
		const struct good_case	*g = &good_lines[i];

		if (ctl_parse_request(g->line, &req, err, sizeof(err)) == -1)
			fail_msg("\"%s\" refused: %s", g->line, err);
		assert_int_equal(req.verb, g->verb);
		assert_string_equal(req.arg[0], g->arg0);
		assert_string_equal(req.arg[1], g->arg1);
		assert_string_equal(req.origin, g->origin);
		assert_int_equal(req.may_write, 0);
	}
}

/* The parser: bad lines, each with the words of its message. */

struct bad_case {
	const char	*line;
	const char	*msg;
};

static const struct bad_case bad_lines[] = {
	{ "", "empty request" },
	{ "   ", "empty request" },
	{ "frob", "unknown verb \"frob\"" },
	{ "STATUS", "unknown verb \"STATUS\"" },
	{ "add", "missing argument (add IP)" },
	{ "remove", "missing argument (remove IP)" },
	{ "set failtime", "missing argument" },
	{ "set", "missing argument" },
	{ "status now", "extra argument \"now\"" },
	{ "add 198.18.0.1 198.18.0.2", "extra argument \"198.18.0.2\"" },
	{ "set failtime 3 snmp more", "extra argument \"more\"" },
	{ "set colour 3", "unknown key \"colour\"" },
	{ "set failtime 3 web", "unknown origin \"web\"" },
	{ "set failtime 3 SNMP", "unknown origin \"SNMP\"" },
	{ "status\x01", "non-printable byte 0x01 at offset 6" },
	{ "status\t", "non-printable byte 0x09" },
	{ "add 198.18.0.1\r", "non-printable byte 0x0d" },
	{ "add \xc3\xa9", "non-printable byte 0xc3 at offset 4" },
};

static void
parser_refuses_bad_lines(void **state)
{
	struct ctl_request	 req;
	char			 err[160];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		const struct bad_case	*b = &bad_lines[i];

		err[0] = '\0';
		if (ctl_parse_request(b->line, &req, err, sizeof(err)) == 0)
			fail_msg("\"%s\" accepted", b->line);
		if (strstr(err, b->msg) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", b->line, err,
			    b->msg);
	}
}

static void
parser_bounds_line_and_word_length(void **state)
{
	struct ctl_request	 req;
	char			 line[CTL_LINE_MAX + 2], err[160];

	(void)state;
	/* Exactly CTL_LINE_MAX bytes pass, one more does not. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "status", 6);
	line[CTL_LINE_MAX] = '\0';
	assert_int_equal(ctl_parse_request(line, &req, err, sizeof(err)), 0);
	line[CTL_LINE_MAX] = ' ';
	line[CTL_LINE_MAX + 1] = '\0';
	assert_int_equal(ctl_parse_request(line, &req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "request too long"));

	/* Words end below 64 bytes, the size of an argument. */
	snprintf(line, sizeof(line), "add %063d", 7);
	assert_int_equal(ctl_parse_request(line, &req, err, sizeof(err)), 0);
	assert_int_equal(strlen(req.arg[0]), 63);
	snprintf(line, sizeof(line), "add %064d", 7);
	assert_int_equal(ctl_parse_request(line, &req, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "word too long"));
}

struct seconds_case {
	const char	*text;
	int		 rc;
	uint32_t	 ms;
};

static const struct seconds_case seconds[] = {
	{ "0.03", 0, 30 },
	{ "3", 0, 3000 },
	{ "0.001", 0, 1 },
	{ "1.25", 0, 1250 },
	{ "007", 0, 7000 },
	{ "3600", 0, 3600000 },
	{ "3600.5", 0, 3600500 },
	{ "99999999999", 0, UINT32_MAX },
	{ "0.0301", -1, 0 },
	{ "0.0300", -1, 0 },
	{ "1e3", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ "", -1, 0 },
	{ "abc", -1, 0 },
	{ "1.", -1, 0 },
	{ ".5", -1, 0 },
	{ " 1", -1, 0 },
	{ "1 ", -1, 0 },
	{ "0x10", -1, 0 },
};

static void
seconds_parse_exactly_to_ms(void **state)
{
	uint32_t	 ms;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(seconds) / sizeof(seconds[0]); i++) {
		ms = 12345;
		if (ctl_parse_seconds(seconds[i].text, &ms) != seconds[i].rc)
			fail_msg("\"%s\": expected %d", seconds[i].text,
			    seconds[i].rc);
		if (seconds[i].rc == 0 && ms != seconds[i].ms)
			fail_msg("\"%s\": %u ms, expected %u", seconds[i].text,
			    ms, seconds[i].ms);
		if (seconds[i].rc == -1)
			assert_int_equal(ms, 12345);
	}
}

static void
bools_parse(void **state)
{
	static const char	*yes[] = { "true", "yes", "1", "TRUE", "Yes" };
	static const char	*no[] = { "false", "no", "0", "False" };
	static const char	*bad[] = { "", "2", "y", "on", "truefalse" };
	size_t			 i;
	int			 v;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = -1;
		assert_int_equal(ctl_parse_bool(yes[i], &v), 0);
		assert_int_equal(v, 1);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = -1;
		assert_int_equal(ctl_parse_bool(no[i], &v), 0);
		assert_int_equal(v, 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ctl_parse_bool(bad[i], &v), -1);
}

static void
builders_make_exact_blocks(void **state)
{
	struct ctl_reply	 r;
	static const char	 ok[] = "ok\nstate active\nseq 42\n\n";
	static const char	 err[] =
	    "err range failtime 0.001 under 0.03\n\n";
	static const char	 ev[] = "event peer\nreason a?b?c\n\n";

	(void)state;
	memset(&r, 0, sizeof(r));
	ctl_reply_ok(&r);
	ctl_reply_kv(&r, "state", "active");
	ctl_reply_kv(&r, "seq", "%d", 42);
	ctl_reply_end(&r);
	assert_int_equal(r.len, sizeof(ok) - 1);
	assert_memory_equal(r.buf, ok, r.len);

	ctl_reply_err(&r, CTL_E_RANGE, "failtime %s under %s", "0.001", "0.03");
	ctl_reply_end(&r);
	assert_int_equal(r.len, sizeof(err) - 1);
	assert_memory_equal(r.buf, err, r.len);

	/* A newline inside a value must not forge a line or end a block. */
	ctl_reply_event(&r, "peer");
	ctl_reply_kv(&r, "reason", "a\nb\rc");
	ctl_reply_end(&r);
	assert_int_equal(r.len, sizeof(ev) - 1);
	assert_memory_equal(r.buf, ev, r.len);
	assert_int_equal(r.overflow, 0);
}

static void
builders_overflow_keeps_a_valid_block(void **state)
{
	struct ctl_reply	 r;
	int			 i;

	(void)state;
	memset(&r, 0, sizeof(r));
	ctl_reply_ok(&r);
	for (i = 0; i < 200; i++)
		ctl_reply_kv(&r, "key", "%040d", i);
	assert_int_equal(r.overflow, 1);
	ctl_reply_end(&r);
	assert_true(r.len <= sizeof(r.buf));
	assert_int_equal(r.buf[r.len - 1], '\n');
	assert_int_equal(r.buf[r.len - 2], '\n');
	assert_null(memmem(r.buf, r.len - 2, "\n\n", 2));

	/* A new block starts clean. */
	ctl_reply_ok(&r);
	assert_int_equal(r.overflow, 0);
	assert_int_equal(r.len, 3);
}

static void
status_round_trip_carries_keys_and_credentials(void **state)
{
	struct fx		*fx = *state;
	struct ctl_block	 b;
	struct ctlc		 c;

	connect_ok(fx, &c);
	round_trip(fx, &c, "status", &b);
	assert_string_equal(b.head, "ok");
	assert_int_equal(b.nkv, 5);
	assert_string_equal(ctl_block_get(&b, "state"), "active");
	assert_string_equal(ctl_block_get(&b, "holds"), "yes");
	assert_string_equal(ctl_block_get(&b, "last_reason"),
	    "peer lost after 3.010 s");
	assert_string_equal(ctl_block_get(&b, "seq"), "1");
	assert_null(ctl_block_get(&b, "peer"));

	assert_int_equal(fx->rec.n, 1);
	assert_int_equal(fx->rec.req[0].verb, CTL_STATUS);
	assert_int_equal(fx->rec.req[0].uid, getuid());
	assert_int_equal(fx->rec.req[0].pid, getpid());
	assert_int_equal(fx->rec.req[0].may_write, getuid() == 0);
	ctlc_close(&c);
}

static void
error_replies_round_trip(void **state)
{
	struct fx		*fx = *state;
	struct ctl_block	 b;
	struct ctlc		 c;

	connect_ok(fx, &c);
	round_trip(fx, &c, "add 198.18.0.7", &b);
	assert_string_equal(b.head,
	    "err refused 198.18.0.7 is not the floating address");
	assert_int_equal(b.nkv, 0);
	assert_int_equal(fx->rec.n, 1);

	/* Syntax errors are the server's: the handler never sees them. */
	round_trip(fx, &c, "frob 1", &b);
	assert_string_equal(b.head, "err syntax unknown verb \"frob\"");
	round_trip(fx, &c, "set failtime 3 web", &b);
	assert_string_equal(b.head,
	    "err syntax unknown origin \"web\" (control or snmp)");
	assert_int_equal(fx->rec.n, 1);

	/* A handler that leaves the reply empty still gets one sent. */
	round_trip(fx, &c, "reload", &b);
	assert_string_equal(b.head, "err failed no reply from failoverd");
	assert_int_equal(fx->rec.n, 2);

	round_trip(fx, &c, "set failtime 1e3", &b);
	assert_string_equal(b.head, "err type not seconds: 1e3");
	ctlc_close(&c);
}

static void
pipelined_requests_are_answered_in_order(void **state)
{
	static const char	 lines[] =
	    "ping\nstatus\r\n\nset failtime 2.5 snmp\n\nauto\nfrob\nstatus\n";
	static const char	*heads[] = { "ok", "ok", "ok", "ok",
	    "err syntax unknown verb \"frob\"", "ok" };
	struct fx		*fx = *state;
	struct ctl_block	 b[6];
	struct ctlc		 c;
	char			 err[256];
	int			 i;

	connect_ok(fx, &c);
	send_raw(c.fd, lines, sizeof(lines) - 1);
	for (i = 0; i < 6; i++) {
		if (await_block(fx->srv, &c, &b[i], err, sizeof(err)) == -1)
			fail_msg("reply %d: %s", i, err);
		assert_string_equal(b[i].head, heads[i]);
	}
	assert_string_equal(ctl_block_get(&b[0], "version"), "1");
	assert_string_equal(ctl_block_get(&b[1], "seq"), "2");
	assert_string_equal(ctl_block_get(&b[2], "failtime_ms"), "2500");
	assert_string_equal(ctl_block_get(&b[2], "failtime_source"), "snmp");
	assert_string_equal(ctl_block_get(&b[5], "seq"), "5");

	assert_int_equal(fx->rec.n, 5);
	assert_int_equal(fx->rec.req[0].verb, CTL_PING);
	assert_int_equal(fx->rec.req[1].verb, CTL_STATUS);
	assert_int_equal(fx->rec.req[2].verb, CTL_SET);
	assert_int_equal(fx->rec.req[3].verb, CTL_AUTO);
	assert_int_equal(fx->rec.req[4].verb, CTL_STATUS);
	ctlc_close(&c);
}

static void
last_request_without_newline_is_served_at_eof(void **state)
{
	struct fx		*fx = *state;
	struct ctl_block	 b;
	struct ctlc		 c;
	char			 err[256];

	connect_ok(fx, &c);
	send_raw(c.fd, "ping", 4);
	assert_int_equal(shutdown(c.fd, SHUT_WR), 0);
	if (await_block(fx->srv, &c, &b, err, sizeof(err)) == -1)
		fail_msg("no reply: %s", err);
	assert_string_equal(b.head, "ok");
	assert_closed(fx, &c);
	ctlc_close(&c);
}

static void
line_over_limit_is_refused_and_closed(void **state)
{
	struct fx		*fx = *state;
	struct ctl_stats	 st;
	struct ctl_block	 b;
	struct ctlc		 c, other;
	char			 line[CTL_LINE_MAX + 2], err[256];

	connect_ok(fx, &other);
	connect_ok(fx, &c);
	/* The longest line that fits is served... */
	memset(line, ' ', CTL_LINE_MAX);
	memcpy(line, "ping", 4);
	line[CTL_LINE_MAX] = '\n';
	send_raw(c.fd, line, CTL_LINE_MAX + 1);
	if (await_block(fx->srv, &c, &b, err, sizeof(err)) == -1)
		fail_msg("no reply: %s", err);
	assert_string_equal(b.head, "ok");

	/* ...one byte more is not, even before its newline arrives. */
	memset(line, 'x', sizeof(line));
	send_raw(c.fd, line, CTL_LINE_MAX + 1);
	if (await_block(fx->srv, &c, &b, err, sizeof(err)) == -1)
		fail_msg("no reply: %s", err);
	assert_string_equal(b.head,
	    "err syntax request too long (max 512 bytes)");
	assert_closed(fx, &c);
	ctlc_close(&c);

	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.too_long, 1);
	assert_int_equal(st.clients, 1);
	assert_int_equal(fx->rec.n, 1);

	/* Other clients go on. */
	round_trip(fx, &other, "ping", &b);
	assert_string_equal(b.head, "ok");
	ctlc_close(&other);
}

static void
subscribers_receive_broadcast_events(void **state)
{
	struct fx		*fx = *state;
	struct ctl_reply	 ev;
	struct ctl_block	 b;
	struct ctlc		 sub, plain;
	char			 err[256];
	int			 i;

	connect_ok(fx, &sub);
	connect_ok(fx, &plain);
	round_trip(fx, &sub, "subscribe", &b);
	assert_string_equal(b.head, "ok");
	assert_string_equal(ctl_block_get(&b, "state"), "active");
	round_trip(fx, &plain, "status", &b);

	ctl_reply_event(&ev, "state");
	ctl_reply_kv(&ev, "old", "standby");
	ctl_reply_kv(&ev, "new", "taking");
	ctl_reply_kv(&ev, "reason", "peer lost after 3.010 s");
	ctl_reply_end(&ev);
	ctl_broadcast(fx->srv, &ev);
	/* The server ends a block the caller left open. */
	ctl_reply_event(&ev, "peer");
	ctl_reply_kv(&ev, "peer", "lost");
	ctl_broadcast(fx->srv, &ev);

	if (await_block(fx->srv, &sub, &b, err, sizeof(err)) == -1)
		fail_msg("no event: %s", err);
	assert_string_equal(b.head, "event state");
	assert_string_equal(ctl_block_get(&b, "new"), "taking");
	assert_string_equal(ctl_block_get(&b, "reason"),
	    "peer lost after 3.010 s");
	if (await_block(fx->srv, &sub, &b, err, sizeof(err)) == -1)
		fail_msg("no event: %s", err);
	assert_string_equal(b.head, "event peer");
	assert_string_equal(ctl_block_get(&b, "peer"), "lost");

	/* Not subscribed: nothing arrives, and requests still work. */
	for (i = 0; i < 5; i++)
		pump(fx->srv, 10);
	assert_int_equal(ctlc_read_block(&plain, &b, 0, err, sizeof(err)), -1);
	assert_int_equal(errno, ETIMEDOUT);
	round_trip(fx, &sub, "ping", &b);
	assert_string_equal(b.head, "ok");
	ctlc_close(&sub);
	ctlc_close(&plain);
}

/* Reads whatever C has, so that it counts as a fast reader. */
static void
drain(struct ctlc *c)
{
	struct ctl_block	 b;
	char			 err[256];
	int			 i;

	for (i = 0; i < 1000; i++)
		if (ctlc_read_block(c, &b, 0, err, sizeof(err)) == -1)
			break;
}

static void
subscriber_that_never_reads_is_dropped(void **state)
{
	struct fx		*fx = *state;
	struct ctl_stats	 st;
	struct ctl_reply	 ev;
	struct ctl_block	 b;
	struct ctlc		 slow, fast;
	int			 i;

	connect_ok(fx, &slow);
	connect_ok(fx, &fast);
	round_trip(fx, &slow, "subscribe", &b);
	round_trip(fx, &fast, "subscribe", &b);

	/*
	 * Each round sends about 4 kB; the kernel's buffer plus our queue
	 * take a few hundred kB, so 1000 rounds are far more than enough.
	 */
	for (i = 0; i < 1000; i++) {
		ctl_reply_event(&ev, "bulk");
		ctl_reply_kv(&ev, "data", "%3900d", i);
		ctl_reply_end(&ev);
		ctl_broadcast(fx->srv, &ev);
		pump(fx->srv, 0);
		drain(&fast);
		ctl_get_stats(fx->srv, &st);
		if (st.dropped_queue > 0)
			break;
	}
	assert_int_equal(st.dropped_queue, 1);
	assert_true((size_t)i * 3900 > CTL_QUEUE_MAX);
	assert_closed(fx, &slow);
	ctlc_close(&slow);

	/* The reader that kept up is still subscribed and served. */
	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.clients, 1);
	drain(&fast);
	round_trip(fx, &fast, "ping", &b);
	assert_string_equal(b.head, "ok");
	ctlc_close(&fast);
}

static void
broadcast_from_handler_may_drop_the_requester(void **state)
{
	struct fx		*fx = *state;
	struct ctl_stats	 st;
	struct ctl_block	 b;
	struct ctlc		 slow;
	int			 i;

	connect_ok(fx, &slow);
	round_trip(fx, &slow, "subscribe", &b);
	fx->rec.burst = 300;	/* about 1.2 MB of events */
	send_raw(slow.fd, "set failtime 1\n", 15);
	for (i = 0; i < 50; i++) {
		pump(fx->srv, 10);
		ctl_get_stats(fx->srv, &st);
		if (st.dropped_queue > 0)
			break;
	}
	assert_int_equal(st.dropped_queue, 1);
	assert_int_equal(fx->rec.n, 2);
	pump(fx->srv, 0);
	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.clients, 0);
	ctlc_close(&slow);
}

static void
clients_over_the_limit_are_closed_at_once(void **state)
{
	struct fx		*fx = *state;
	struct ctl_stats	 st;
	struct ctl_block	 b;
	struct ctlc		 c[CTL_CLIENTS_MAX + 1];
	char			 err[256];
	int			 i;

	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		connect_ok(fx, &c[i]);
	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.clients, CTL_CLIENTS_MAX);

	connect_ok(fx, &c[CTL_CLIENTS_MAX]);
	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.refused_full, 1);
	assert_int_equal(st.clients, CTL_CLIENTS_MAX);
	assert_int_equal(ctlc_read_block(&c[CTL_CLIENTS_MAX], &b, 1000, err,
	    sizeof(err)), 0);
	assert_string_equal(b.head, "err failed too many clients");
	assert_closed(fx, &c[CTL_CLIENTS_MAX]);
	ctlc_close(&c[CTL_CLIENTS_MAX]);

	/* Those already in are served, and a freed slot is reused. */
	round_trip(fx, &c[CTL_CLIENTS_MAX - 1], "ping", &b);
	assert_string_equal(b.head, "ok");
	ctlc_close(&c[0]);
	for (i = 0; i < 5; i++)
		pump(fx->srv, 10);
	connect_ok(fx, &c[0]);
	round_trip(fx, &c[0], "ping", &b);
	assert_string_equal(b.head, "ok");
	ctl_get_stats(fx->srv, &st);
	assert_int_equal(st.refused_full, 1);
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		ctlc_close(&c[i]);
}

static void
open_makes_world_writable_socket_in_0755_dir(void **state)
{
	struct fx	*fx = *state;
	struct stat	 st;
	char		 run[128];

	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0666);
	snprintf(run, sizeof(run), "%s/run", fx->dir);
	assert_int_equal(stat(run, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

static void
open_refuses_live_path_and_replaces_stale_one(void **state)
{
	struct fx		*fx = *state;
	struct ctl_server	*srv;
	struct sockaddr_un	 sun;
	struct stat		 st;
	char			 err[256], path[128];
	int			 fd;

	srv = ctl_open(fx->path, (gid_t)-1, handler, &fx->rec, err,
	    sizeof(err));
	assert_null(srv);
	assert_non_null(strstr(err, "failoverd already running on "));
	assert_int_equal(lstat(fx->path, &st), 0);

	/* A socket left by a crash: bound, closed, never unlinked. */
	snprintf(path, sizeof(path), "%s/stale.sock", fx->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_not_equal(fd, -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	srv = ctl_open(path, (gid_t)-1, handler, &fx->rec, err, sizeof(err));
	if (srv == NULL)
		fail_msg("stale path refused: %s", err);
	ctl_close(srv);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* Something that is not a socket is never removed. */
	snprintf(path, sizeof(path), "%s/file", fx->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_int_not_equal(fd, -1);
	close(fd);
	assert_null(ctl_open(path, (gid_t)-1, handler, &fx->rec, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "is not a socket"));
	assert_int_equal(lstat(path, &st), 0);
}

static void
client_reports_missing_and_refused_daemon(void **state)
{
	struct fx		*fx = *state;
	struct sockaddr_un	 sun;
	struct ctlc		 c;
	char			 err[256], path[128], want[256];
	int			 fd;

	snprintf(path, sizeof(path), "%s/stale.sock", fx->dir);
	assert_int_equal(ctlc_connect(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "failoverd is not running (no socket at %s)", path);
	assert_string_equal(err, want);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(ctlc_connect(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err,
	    "failoverd is not running (connection refused"));
	assert_int_equal(c.fd, -1);
}

static void
client_reports_close_mid_block(void **state)
{
	struct ctl_block	 b;
	struct ctlc		 c;
	char			 err[256];
	int			 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	c.len = 0;
	send_raw(sv[1], "ok\nstate act", 12);
	assert_int_equal(ctlc_read_block(&c, &b, 0, err, sizeof(err)), -1);
	assert_int_equal(errno, ETIMEDOUT);
	send_raw(sv[1], "ive\n", 4);
	close(sv[1]);
	assert_int_equal(ctlc_read_block(&c, &b, 1000, err, sizeof(err)), -1);
	assert_string_equal(err, "failoverd closed the connection");
	ctlc_close(&c);
}

static void
client_parses_long_and_many_lines(void **state)
{
	struct ctl_block	 b;
	struct ctlc		 c;
	char			 err[256], line[512];
	int			 sv[2], i;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	c.len = 0;
	send_raw(sv[1], "\nok\nnovalue\nempty \n", 19);
	snprintf(line, sizeof(line), "long %0300d\n", 1);
	send_raw(sv[1], line, strlen(line));
	for (i = 0; i < CTLC_KV_MAX + 5; i++) {
		snprintf(line, sizeof(line), "k%d v %d\n", i, i);
		send_raw(sv[1], line, strlen(line));
	}
	send_raw(sv[1], "\nevent next\n\n", 13);
	assert_int_equal(ctlc_read_block(&c, &b, 1000, err, sizeof(err)), 0);
	assert_string_equal(b.head, "ok");
	assert_int_equal(b.nkv, CTLC_KV_MAX);
	assert_string_equal(ctl_block_get(&b, "novalue"), "");
	assert_string_equal(ctl_block_get(&b, "empty"), "");
	assert_int_equal(strlen(ctl_block_get(&b, "long")),
	    sizeof(b.kv[0].value) - 1);
	assert_string_equal(ctl_block_get(&b, "k0"), "v 0");
	assert_null(ctl_block_get(&b, "k95"));
	assert_int_equal(ctlc_read_block(&c, &b, 1000, err, sizeof(err)), 0);
	assert_string_equal(b.head, "event next");
	assert_int_equal(b.nkv, 0);
	close(sv[1]);
	ctlc_close(&c);
}

/*
 * In a child that dropped to UID and GID (no supplementary groups):
 * sends "add 198.18.0.100" then "status" to PATH and writes each reply's
 * head as a line to WFD.
 */
static void __attribute__((noreturn))
child_requests(const char *path, uid_t uid, gid_t gid, int wfd)
{
	static const char	*lines[] = { "add 198.18.0.100", "status" };
	struct ctl_block	 b;
	struct ctlc		 c;
	char			 err[256];
	size_t			 i;

	alarm(20);
	if (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1) {
		dprintf(wfd, "setuid: %s\n", strerror(errno));
		_exit(1);
	}
	if (ctlc_connect(&c, path, err, sizeof(err)) == -1) {
		dprintf(wfd, "connect: %s\n", err);
		_exit(1);
	}
	for (i = 0; i < 2; i++) {
		if (ctlc_request(&c, lines[i], &b, 5000, err,
		    sizeof(err)) == -1)
			dprintf(wfd, "request: %s\n", err);
		else
			dprintf(wfd, "%s\n", b.head);
	}
	_exit(0);
}

/* Serves SRV while a child runs child_requests(); returns its output. */
static void
run_child(struct ctl_server *srv, const char *path, uid_t uid, gid_t gid,
    char *out, size_t outlen)
{
	ssize_t	 n;
	size_t	 len = 0;
	pid_t	 pid;
	int	 p[2], i, status;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		child_requests(path, uid, gid, p[1]);
	}
	assert_true(pid > 0);
	close(p[1]);
	for (i = 0; i < PUMP_ROUNDS; i++) {
		pump(srv, 10);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	if (i == PUMP_ROUNDS) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("child did not finish");
	}
	while (len + 1 < outlen &&
	    (n = read(p[0], out + len, outlen - len - 1)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(p[0]);
}

static void
unprivileged_caller_may_read_but_not_write(void **state)
{
	struct fx	*fx = *state;
	char		 out[1024];

	if (geteuid() != 0) {
		fprintf(stderr, "skipped: needs root to setuid(%d)\n", NOBODY);
		skip();
	}
	/* The child must reach the socket through the 0700 mkdtemp dir. */
	assert_int_equal(chmod(fx->dir, 0755), 0);
	run_child(fx->srv, fx->path, NOBODY, NOBODY, out, sizeof(out));
	if (strncmp(out, "err denied uid 65534 may not change state",
	    41) != 0 || strstr(out, "\nok\n") == NULL)
		fail_msg("child saw: %s", out);
	assert_int_equal(fx->rec.n, 1);
	assert_int_equal(fx->rec.req[0].verb, CTL_STATUS);
	assert_int_equal(fx->rec.req[0].uid, NOBODY);
	assert_int_equal(fx->rec.req[0].may_write, 0);
}

struct group_case {
	uid_t		 uid;
	gid_t		 gid;
	int		 may_write;
	const char	*why;
};

/* The socket's group is nogroup (65534), nobody's primary group. */
static const struct group_case group_cases[] = {
	{ NOBODY, NOBODY, 1, "primary gid is the group" },
	{ NOBODY, 1, 1, "user's groups in the database hold it" },
	{ 54321, NOBODY, 1, "no passwd entry, primary gid is the group" },
	{ 54321, 1, 0, "no passwd entry, primary gid is another" },
};

static void
group_members_may_write(void **state)
{
	struct fx		*fx = *state;
	struct ctl_server	*srv;
	struct stat		 st;
	char			 path[128], out[1024], err[256];
	size_t			 i;

	if (geteuid() != 0) {
		fprintf(stderr, "skipped: needs root to setuid()\n");
		skip();
	}
	assert_int_equal(chmod(fx->dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/grp.sock", fx->dir);
	srv = ctl_open(path, NOBODY, handler, &fx->rec, err, sizeof(err));
	if (srv == NULL)
		fail_msg("ctl_open: %s", err);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_gid, NOBODY);

	for (i = 0; i < sizeof(group_cases) / sizeof(group_cases[0]); i++) {
		const struct group_case	*g = &group_cases[i];

		fx->rec.n = 0;
		run_child(srv, path, g->uid, g->gid, out, sizeof(out));
		if (strncmp(out, g->may_write ? "ok\n" : "err denied", 3) != 0)
			fail_msg("%s: child saw: %s", g->why, out);
		assert_int_equal(fx->rec.n, g->may_write ? 2 : 1);
		assert_int_equal(fx->rec.req[0].may_write, g->may_write);
	}
	ctl_close(srv);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_accepts_good_lines),
		cmocka_unit_test(parser_refuses_bad_lines),
		cmocka_unit_test(parser_bounds_line_and_word_length),
		cmocka_unit_test(seconds_parse_exactly_to_ms),
		cmocka_unit_test(bools_parse),
		cmocka_unit_test(builders_make_exact_blocks),
		cmocka_unit_test(builders_overflow_keeps_a_valid_block),
		T(status_round_trip_carries_keys_and_credentials),
		T(error_replies_round_trip),
		T(pipelined_requests_are_answered_in_order),
		T(last_request_without_newline_is_served_at_eof),
		T(line_over_limit_is_refused_and_closed),
		T(subscribers_receive_broadcast_events),
		T(subscriber_that_never_reads_is_dropped),
		T(broadcast_from_handler_may_drop_the_requester),
		T(clients_over_the_limit_are_closed_at_once),
		T(open_makes_world_writable_socket_in_0755_dir),
		T(open_refuses_live_path_and_replaces_stale_one),
		T(client_reports_missing_and_refused_daemon),
		cmocka_unit_test(client_reports_close_mid_block),
		cmocka_unit_test(client_parses_long_and_many_lines),
		T(unprivileged_caller_may_read_but_not_write),
		T(group_members_may_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
