/*
 * libFuzzer target: the control protocol's text (ha/ctlproto.c).  Every
 * line of the input, cut at '\n' as the server cuts them, goes through
 * ctl_parse_request(), ctl_parse_seconds() and ctl_parse_bool(), and
 * into the reply builders as a value.  Whatever the input, a reply must
 * stay one well-formed block: lines of printable text, the first one
 * "ok", "err CODE" or "event", and no empty line before its end, since
 * an early one would end the block and let a client read the rest as
 * another reply.
 *
 * Every buffer handed to the code under test is heap memory of exactly
 * the size it is told, so AddressSanitizer sees one byte too many.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control.h"

#include "fuzz.h"

#define WORD_MAX	63	/* bytes of one word, sizeof(arg[0]) - 1 */

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static int
one_word(const char *s, size_t size)
{
	size_t	len = strnlen(s, size);

	return len > 0 && len <= WORD_MAX && len < size && printable(s) &&
	    strchr(s, ' ') == NULL;
}

/* A reply block as control.md frames it. */
static void
check_block(const struct ctl_reply *r)
{
	size_t	i;

	FUZZ_CHECK(r->len >= 2 && r->len <= sizeof(r->buf));
	FUZZ_CHECK(r->buf[r->len - 1] == '\n' && r->buf[r->len - 2] == '\n');
	FUZZ_CHECK(r->buf[0] != '\n');
	for (i = 0; i < r->len; i++) {
		unsigned char	ch = (unsigned char)r->buf[i];

		FUZZ_CHECK(ch == '\n' || (ch >= 0x20 && ch != 0x7f));
		if (i > 0 && i < r->len - 1)
			FUZZ_CHECK(!(ch == '\n' && r->buf[i - 1] == '\n'));
	}
	FUZZ_CHECK(strncmp(r->buf, "ok\n", 3) == 0 ||
	    strncmp(r->buf, "err ", 4) == 0 ||
	    strncmp(r->buf, "event\n", 6) == 0 ||
	    strncmp(r->buf, "event ", 6) == 0);
}

/* The value as reply_line() must have written it: controls as '?'. */
static int
has_value(const struct ctl_reply *r, const char *prefix, const char *v)
{
	size_t	plen = strlen(prefix), vlen = strlen(v), i, j;

	for (i = 0; i + plen + vlen <= r->len; i++) {
		if (memcmp(r->buf + i, prefix, plen) != 0)
			continue;
		for (j = 0; j < vlen; j++) {
			unsigned char	ch = (unsigned char)v[j];
			char		want = ch < 0x20 || ch == 0x7f ? '?' : ch;

			if (r->buf[i + plen + j] != want)
				break;
		}
		if (j == vlen)
			return 1;
	}
	return 0;
}

/*
 * The verb is the one the first word names.  Verbs that control.h gains
 * after this file was written are let through, as long as they do not
 * take the code of a verb listed here.
 */
static void
check_verb(const char *line, const struct ctl_request *req)
{
	static const struct {
		const char	*name;
		enum ctl_verb	 verb;
	} known[] = {
		{ "status", CTL_STATUS }, { "add", CTL_ADD },
		{ "remove", CTL_REMOVE }, { "auto", CTL_AUTO },
		{ "set", CTL_SET }, { "reload", CTL_RELOAD },
		{ "subscribe", CTL_SUBSCRIBE }, { "ping", CTL_PING },
	};
	size_t	skip = strspn(line, " "), len = strcspn(line + skip, " ");
	size_t	i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == len &&
		    strncmp(line + skip, known[i].name, len) == 0)
			FUZZ_CHECK(req->verb == known[i].verb);
		else
			FUZZ_CHECK(req->verb != known[i].verb);
	}
}

static void
check_request(const char *line, size_t errlen)
{
	struct ctl_request	 req;
	struct ctl_reply	*reply;
	char			*err;
	int			 rc;

	FUZZ_CHECK((err = malloc(errlen)) != NULL);
	FUZZ_CHECK((reply = calloc(1, sizeof(*reply))) != NULL);
	memset(err, 'x', errlen);
	rc = ctl_parse_request(line, &req, err, errlen);
	if (rc == 0) {
		FUZZ_CHECK(strlen(line) <= CTL_LINE_MAX && printable(line));
		check_verb(line, &req);
		FUZZ_CHECK(strcmp(req.origin, "control") == 0 ||
		    strcmp(req.origin, "snmp") == 0);
		FUZZ_CHECK(req.arg[0][0] == '\0' ||
		    one_word(req.arg[0], sizeof(req.arg[0])));
		FUZZ_CHECK(req.arg[1][0] == '\0' ||
		    one_word(req.arg[1], sizeof(req.arg[1])));
		if (req.verb == CTL_ADD || req.verb == CTL_REMOVE)
			FUZZ_CHECK(req.arg[0][0] != '\0');
		/* Keys are the handler's to judge: control.h adds some. */
		if (req.verb == CTL_SET)
			FUZZ_CHECK(req.arg[0][0] != '\0' &&
			    req.arg[1][0] != '\0');
		FUZZ_CHECK(!req.may_write);
		ctl_reply_ok(reply);
	} else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(errlen == 0 || memchr(err, '\0', errlen) != NULL);
		if (errlen > 1) {
			FUZZ_CHECK(err[0] != '\0' && printable(err));
			ctl_reply_err(reply, CTL_E_SYNTAX, "%s", err);
		} else
			ctl_reply_err(reply, CTL_E_SYNTAX, "bad request");
	}
	ctl_reply_end(reply);
	FUZZ_CHECK(!reply->overflow);
	check_block(reply);
	free(reply);
	free(err);
}

/* An independent reading of control.h's description of the two. */
static void
check_values(const char *s)
{
	uint64_t	 whole = 0, ms;
	uint32_t	 got = 0;
	const char	*p = s;
	int		 ok, b = -1, bok, frac = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		whole = whole > UINT32_MAX ? whole : whole * 10 + (*p - '0');
	ok = p > s;
	ms = whole * 1000;
	if (ok && *p == '.') {
		for (p++; *p >= '0' && *p <= '9' && frac < 3; p++, frac++)
			ms += (uint64_t)(*p - '0') * (frac == 0 ? 100 :
			    frac == 1 ? 10 : 1);
		ok = frac > 0;
	}
	ok = ok && *p == '\0';
	FUZZ_CHECK((ctl_parse_seconds(s, &got) == 0) == ok);
	if (ok)
		FUZZ_CHECK(got == (ms > UINT32_MAX ? UINT32_MAX : ms));

	bok = ctl_parse_bool(s, &b) == 0;
	FUZZ_CHECK(bok == (!strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
	    !strcmp(s, "1") || !strcasecmp(s, "false") ||
	    !strcasecmp(s, "no") || !strcmp(s, "0")));
	if (bok)
		FUZZ_CHECK(b == (!strcasecmp(s, "true") ||
		    !strcasecmp(s, "yes") || !strcmp(s, "1")));
}

/*
 * The line as a value in every builder; with FILL, then the buffer filled
 * up with it until lines are dropped, and ended all the same.
 */
static void
check_builders(const char *v, int fill)
{
	struct ctl_reply	*r;
	int			 i;

	FUZZ_CHECK((r = calloc(1, sizeof(*r))) != NULL);
	ctl_reply_ok(r);
	ctl_reply_kv(r, "value", "%s", v);
	ctl_reply_kv(r, "quoted", "'%s' (%zu bytes)", v, strlen(v));
	ctl_reply_end(r);
	check_block(r);
	if (!r->overflow)
		FUZZ_CHECK(has_value(r, "\nvalue ", v) || *v == '\0');

	ctl_reply_event(r, v);
	ctl_reply_kv(r, "reason", "%s", v);
	ctl_reply_end(r);
	check_block(r);

	ctl_reply_err(r, CTL_E_RANGE, "%s", v);
	for (i = 0; fill && i < 2100 && !r->overflow; i++)
		ctl_reply_kv(r, "k", "%s", v);
	ctl_reply_end(r);
	check_block(r);
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*end = data + size, *nl;
	char		*line;
	size_t		 len;
	int		 n;

	/* Bounded like the server's input buffer, with room to spare. */
	for (n = 0; data < end && n < 64; n++) {
		nl = memchr(data, '\n', (size_t)(end - data));
		len = (size_t)((nl != NULL ? nl : end) - data);
		FUZZ_CHECK((line = malloc(len + 1)) != NULL);
		memcpy(line, data, len);
		line[len] = '\0';

		check_request(line, 160);
		check_request(line, 1 + (len % 24));
		check_values(line);
		check_builders(line, n == 0);

		free(line);
		data += len + (nl != NULL ? 1 : 0);
	}
	return 0;
}
