/*
 * The control protocol's text: parsing a request line and building reply
 * and event blocks (doc/control.md).
 *
 * Pure functions over caller memory, shared by failoverd, failoverctl and
 * the fuzzer: no I/O, no allocation, no logging.  Every input byte comes
 * from an untrusted local client, so each bound is checked before use.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control.h"

#define WORDS_MAX	5	/* "set key value origin" plus one to refuse */
#define WORD_LEN	64	/* sizeof(req->arg[0]) */

struct verb_syntax {
	const char	*name;
	enum ctl_verb	 verb;
	int		 min_args;
	int		 max_args;
	const char	*usage;
};

static const struct verb_syntax verbs[] = {
	{ "status",	CTL_STATUS,	0, 0, "status" },
	{ "add",	CTL_ADD,	1, 1, "add IP" },
	{ "remove",	CTL_REMOVE,	1, 1, "remove IP" },
	{ "auto",	CTL_AUTO,	0, 0, "auto" },
	{ "set",	CTL_SET,	2, 3,
	    "set failtime|ismaster|mode VALUE [control|snmp]" },
	{ "reload",	CTL_RELOAD,	0, 0, "reload" },
	{ "subscribe",	CTL_SUBSCRIBE,	0, 0, "subscribe" },
	{ "ping",	CTL_PING,	0, 0, "ping" },
	{ "takeover",	CTL_TAKEOVER,	0, 0, "takeover" },
	{ "handback",	CTL_HANDBACK,	0, 0, "handback" },
	{ "simulate",	CTL_SIMULATE,	1, 1, "simulate peer-loss" },
};

/*
 * Checks length and bytes before anything is split, so later error
 * messages may quote words without escaping them.
 */
static int
check_bytes(const char *line, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; line[i] != '\0'; i++) {
		if (i >= CTL_LINE_MAX) {
			snprintf(err, errlen, "request too long (max %d bytes)",
			    CTL_LINE_MAX);
			return -1;
		}
		if (line[i] < 0x20 || line[i] > 0x7e) {
			snprintf(err, errlen,
			    "non-printable byte 0x%02x at offset %zu",
			    (unsigned char)line[i], i);
			return -1;
		}
	}
	return 0;
}

/* Splits LINE on runs of spaces; one word more than a request can have. */
static int
split_words(const char *line, char word[WORDS_MAX][WORD_LEN], int *nwords,
    char *err, size_t errlen)
{
	const char	*p = line;
	size_t		 len;
	int		 n = 0;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || n == WORDS_MAX)
			break;
		len = strcspn(p, " ");
		if (len >= WORD_LEN) {
			snprintf(err, errlen, "word too long (max %d bytes)",
			    WORD_LEN - 1);
			return -1;
		}
		memcpy(word[n], p, len);
		word[n][len] = '\0';
		n++;
		p += len;
	}
	*nwords = n;
	return 0;
}

static const struct verb_syntax *
find_verb(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

static int
check_set(char word[WORDS_MAX][WORD_LEN], int nwords, char *err,
    size_t errlen)
{
	if (strcmp(word[1], "failtime") != 0 &&
	    strcmp(word[1], "ismaster") != 0 &&
	    strcmp(word[1], "mode") != 0) {
		snprintf(err, errlen,
		    "unknown key \"%s\" (failtime, ismaster or mode)", word[1]);
		return -1;
	}
	if (nwords == 4 && strcmp(word[3], "control") != 0 &&
	    strcmp(word[3], "snmp") != 0) {
		snprintf(err, errlen, "unknown origin \"%s\" (control or snmp)",
		    word[3]);
		return -1;
	}
	return 0;
}

int
ctl_parse_request(const char *line, struct ctl_request *req, char *err,
    size_t errlen)
{
	char				 word[WORDS_MAX][WORD_LEN];
	const struct verb_syntax	*vs;
	int				 nargs, nwords;

	memset(req, 0, sizeof(*req));
	if (check_bytes(line, err, errlen) == -1 ||
	    split_words(line, word, &nwords, err, errlen) == -1)
		return -1;
	if (nwords == 0) {
		snprintf(err, errlen, "empty request");
		return -1;
	}
	if ((vs = find_verb(word[0])) == NULL) {
		snprintf(err, errlen, "unknown verb \"%s\"", word[0]);
		return -1;
	}

	nargs = nwords - 1;
	if (nargs < vs->min_args) {
		snprintf(err, errlen, "missing argument (%s)", vs->usage);
		return -1;
	}
	if (nargs > vs->max_args) {
		snprintf(err, errlen, "extra argument \"%s\" (%s)",
		    word[vs->max_args + 1], vs->usage);
		return -1;
	}
	if (vs->verb == CTL_SET && check_set(word, nwords, err, errlen) == -1)
		return -1;

	req->verb = vs->verb;
	if (nargs >= 1)
		memcpy(req->arg[0], word[1], WORD_LEN);
	if (nargs >= 2)
		memcpy(req->arg[1], word[2], WORD_LEN);
	/* check_set() left only "control" or "snmp" here. */
	strcpy(req->origin, nargs == 3 ? word[3] : "control");
	return 0;
}

/*
 * Integer seconds, then at most three decimals, scaled without floating
 * point so that "0.03" is exactly 30 ms.  No sign, no exponent, no
 * leading or trailing dot: a typo must not pass as some other value.
 */
int
ctl_parse_seconds(const char *s, uint32_t *ms)
{
	uint64_t	 v = 0;
	int		 frac = 0, digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (v <= UINT32_MAX)
			v = v * 10 + (uint64_t)(*s - '0');
	if (digits == 0)
		return -1;
	v *= 1000;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9' && frac < 3; s++, frac++)
			v += (uint64_t)(*s - '0') * (frac == 0 ? 100 :
			    frac == 1 ? 10 : 1);
		if (frac == 0)
			return -1;
	}
	if (*s != '\0')
		return -1;
	*ms = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return 0;
}

int
ctl_parse_bool(const char *s, int *v)
{
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 ||
	    strcmp(s, "1") == 0)
		*v = 1;
	else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 ||
	    strcmp(s, "0") == 0)
		*v = 0;
	else
		return -1;
	return 0;
}

/*
 * Appends "WORD[ TEXT]\n", always keeping one byte free for the empty
 * line of ctl_reply_end(), so that a full reply is still a valid block.
 * Control bytes in TEXT would split the line and forge keys or end the
 * block early; they become '?'.
 */
static void
reply_line(struct ctl_reply *r, const char *word, const char *text)
{
	size_t	 wlen = strlen(word), tlen = strlen(text);
	size_t	 need = wlen + (tlen > 0 ? 1 + tlen : 0) + 1, i;
	char	*p;

	if (r->len + need + 1 > sizeof(r->buf)) {
		r->overflow = 1;
		return;
	}
	p = r->buf + r->len;
	memcpy(p, word, wlen);
	p += wlen;
	if (tlen > 0) {
		*p++ = ' ';
		for (i = 0; i < tlen; i++) {
			unsigned char	 ch = (unsigned char)text[i];

			*p++ = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		}
	}
	*p = '\n';
	r->len += need;
}

static void __attribute__((format(printf, 3, 0)))
reply_vline(struct ctl_reply *r, const char *word, const char *fmt,
    va_list ap)
{
	char	 text[sizeof(r->buf)];
	int	 n;

	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0) {
		r->overflow = 1;
		text[0] = '\0';
	} else if ((size_t)n >= sizeof(text))
		r->overflow = 1;
	reply_line(r, word, text);
}

static void
reply_start(struct ctl_reply *r)
{
	r->len = 0;
	r->overflow = 0;
}

void
ctl_reply_ok(struct ctl_reply *r)
{
	reply_start(r);
	reply_line(r, "ok", "");
}

void
ctl_reply_err(struct ctl_reply *r, const char *code, const char *fmt, ...)
{
	char	 head[64];
	va_list	 ap;

	reply_start(r);
	snprintf(head, sizeof(head), "err %s", code);
	va_start(ap, fmt);
	reply_vline(r, head, fmt, ap);
	va_end(ap);
}

void
ctl_reply_event(struct ctl_reply *r, const char *name)
{
	reply_start(r);
	reply_line(r, "event", name);
}

void
ctl_reply_kv(struct ctl_reply *r, const char *key, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	reply_vline(r, key, fmt, ap);
	va_end(ap);
}

void
ctl_reply_end(struct ctl_reply *r)
{
	if (r->len < sizeof(r->buf))
		r->buf[r->len++] = '\n';
	else
		r->overflow = 1;
}
