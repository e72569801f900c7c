/*
 * The agent's side of failoverd's control socket: a subscribed
 * connection for events and a second one for requests, so that a reply
 * can never be taken for an event or the other way round.
 *
 * failoverd never waits on us, and we never wait on it for more than
 * LINK_REQUEST_MS: a request that times out drops both connections, since
 * a late reply would otherwise answer the next request.  While failoverd
 * is away the status says unknown and we retry with a doubling backoff.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctlclient.h"
#include "log.h"
#include "agent.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
#define EVENTS_PER_RUN	256	/* then the loop serves SNMP again */

static struct {
	char			 path[256];
	struct ctlc		 ev;	/* subscribed: events only */
	struct ctlc		 rq;	/* requests and replies */
	struct ipf_status	 st;
	int64_t			 fetched_ms;	/* 0: stale */
	int64_t			 retry_ms;	/* next try */
	int			 backoff_ms;
	int			 ever_up;	/* connected once */
	int			 quiet;		/* failure logged */
	int			 more;		/* events buffered */
} lk;

/* Both connections are a unit: losing one loses the other. */
static void
link_down(const char *why)
{
	enum ipf_state	 old = lk.st.state;
	int64_t		 now = agent_now_ms();

	ctlc_close(&lk.ev);
	ctlc_close(&lk.rq);
	lk.more = 0;
	lk.backoff_ms = BACKOFF_MIN_MS;
	lk.retry_ms = now + lk.backoff_ms;
	if (!lk.st.reachable)
		return;
	lk.st.reachable = 0;
	lk.st.state = IPF_S_UNKNOWN;
	log_warning("lost failoverd at '%s': %s", lk.path, why);
	notify_state_change(old, IPF_S_UNKNOWN, "failoverd unreachable",
	    &lk.st);
}

static void
connect_failed(int64_t now, const char *why)
{
	ctlc_close(&lk.ev);
	ctlc_close(&lk.rq);
	if (!lk.quiet)
		log_warning("cannot reach failoverd, retrying: %s", why);
	else
		log_debug("cannot reach failoverd: %s", why);
	lk.quiet = 1;
	lk.retry_ms = now + lk.backoff_ms;
	lk.backoff_ms *= 2;
	if (lk.backoff_ms > BACKOFF_MAX_MS)
		lk.backoff_ms = BACKOFF_MAX_MS;
}

static void
link_connect(int64_t now)
{
	struct ctl_block	 b;
	char			 err[256];

	if (ctlc_connect(&lk.ev, lk.path, err, sizeof(err)) == -1 ||
	    ctlc_request(&lk.ev, "subscribe", &b, LINK_REQUEST_MS, err,
	    sizeof(err)) == -1 ||
	    ctlc_connect(&lk.rq, lk.path, err, sizeof(err)) == -1) {
		connect_failed(now, err);
		return;
	}
	if (link_result_parse(b.head) != LINK_OK) {
		connect_failed(now, b.head);
		return;
	}
	status_from_block(&lk.st, &b);
	lk.st.reachable = 1;
	lk.fetched_ms = now;
	lk.backoff_ms = BACKOFF_MIN_MS;
	lk.quiet = 0;
	log_info("subscribed to failoverd at '%s', state %s", lk.path,
	    status_state_name(lk.st.state));
	/* A manager saw "unknown" when we lost failoverd: close that gap. */
	if (lk.ever_up)
		notify_state_change(IPF_S_UNKNOWN, lk.st.state,
		    "failoverd reachable again", &lk.st);
	lk.ever_up = 1;
}

void
link_init(const char *ctl_path)
{
	snprintf(lk.path, sizeof(lk.path), "%s", ctl_path);
	lk.ev.fd = lk.rq.fd = -1;
	status_clear(&lk.st);
	lk.backoff_ms = BACKOFF_MIN_MS;
	link_connect(agent_now_ms());
}

void
link_shutdown(void)
{
	ctlc_close(&lk.ev);
	ctlc_close(&lk.rq);
}

int
link_event_fd(void)
{
	return lk.ev.fd;
}

int
link_wait_ms(int64_t now)
{
	if (lk.more)
		return 0;
	if (lk.ev.fd != -1)
		return -1;
	return lk.retry_ms > now ? (int)(lk.retry_ms - now) : 0;
}

static void
read_events(void)
{
	struct ctl_block	 b;
	char			 err[256];
	int			 n;

	lk.more = 0;
	for (n = 0; n < EVENTS_PER_RUN; n++) {
		if (ctlc_read_block(&lk.ev, &b, 0, err, sizeof(err)) == -1) {
			/* ETIMEDOUT: no complete block yet, nothing lost */
			if (errno != ETIMEDOUT)
				link_down(err);
			return;
		}
		log_debug("failoverd: %s", b.head);
		(void)status_apply_event(&lk.st, &b);
		lk.fetched_ms = 0;
		notify_event(&b, &lk.st);
	}
	lk.more = 1;
}

void
link_run(int64_t now, int readable)
{
	if (lk.ev.fd == -1) {
		if (now >= lk.retry_ms)
			link_connect(now);
		return;
	}
	if (readable || lk.more)
		read_events();
}

static void
refresh(int64_t now)
{
	struct ctl_block	 b;
	char			 err[256];

	if (ctlc_request(&lk.rq, "status", &b, LINK_REQUEST_MS, err,
	    sizeof(err)) == -1) {
		link_down(err);
		return;
	}
	if (link_result_parse(b.head) != LINK_OK) {
		log_warning("failoverd refused status: %s", b.head);
		return;
	}
	status_from_block(&lk.st, &b);
	lk.fetched_ms = now;
}

const struct ipf_status *
link_status(void)
{
	int64_t	 now = agent_now_ms();

	if (lk.rq.fd != -1 && now - lk.fetched_ms >= LINK_REFRESH_MS)
		refresh(now);
	return &lk.st;
}

enum link_result
link_result_parse(const char *head)
{
	static const struct {
		const char		*code;
		enum link_result	 r;
	} codes[] = {
		{ "denied", LINK_DENIED }, { "syntax", LINK_SYNTAX },
		{ "type", LINK_TYPE }, { "range", LINK_RANGE },
		{ "refused", LINK_REFUSED }, { "failed", LINK_FAILED }
	};
	size_t	 i, n;

	if (strcmp(head, "ok") == 0)
		return LINK_OK;
	if (strncmp(head, "err ", 4) != 0)
		return LINK_FAILED;
	head += 4;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		n = strlen(codes[i].code);
		if (strncmp(head, codes[i].code, n) == 0 &&
		    (head[n] == ' ' || head[n] == '\0'))
			return codes[i].r;
	}
	return LINK_FAILED;
}

/*
 * One request on the request connection.  An accepted "set" is answered
 * with the whole new status, which is taken as the fresh copy; other
 * answers carry a few keys only, folded in, and the next read refreshes.
 */
enum link_result
link_request(const char *line, char *text, size_t textlen)
{
	struct ctl_block	 b;
	enum link_result	 r;
	char			 err[256];

	snprintf(text, textlen, "failoverd unreachable");
	if (lk.rq.fd == -1)
		return LINK_UNREACHABLE;
	if (ctlc_request(&lk.rq, line, &b, LINK_REQUEST_MS, err,
	    sizeof(err)) == -1) {
		snprintf(text, textlen, "%s", err);
		link_down(err);
		return LINK_UNREACHABLE;
	}
	snprintf(text, textlen, "%s", b.head);
	r = link_result_parse(b.head);
	if (r == LINK_OK) {
		status_from_block(&lk.st, &b);
		lk.fetched_ms = strncmp(line, "set ", 4) == 0 ?
		    agent_now_ms() : 0;
	}
	return r;
}

enum link_result
link_set(const char *key, const char *value, char *text, size_t textlen)
{
	char	 line[160];

	snprintf(line, sizeof(line), "set %s %s snmp", key, value);
	return link_request(line, text, textlen);
}
