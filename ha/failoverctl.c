/*
 * failoverctl: the operator's client of failoverd's control socket
 * (doc/control.md), and the converter of configuration files to XML.
 *
 * It never waits on failoverd for more than 5 s, except between events
 * in "watch".  Exit codes, also printed by --help:
 *	0	success
 *	1	failoverd refused or failed the request (an "err" reply)
 *	2	usage error
 *	3	failoverd cannot be reached or did not answer in time
 *	4	convert: the configuration file is bad
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "ctlclient.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif
#define DEFAULT_SOCKET	RUNSTATEDIR "/ipfailover/failoverd.sock"
#define TIMEOUT_MS	5000

enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_BADCONF = 4
};

struct opts {
	const char	*socket;
	int		 raw;		/* -j: "key value" lines as received */
};

struct command {
	const char	*name;
	int		(*run)(const struct opts *, int, char **);
	const char	*usage;
};

static const char usage_text[] =
"usage: failoverctl [-s SOCKET] [-j] COMMAND [ARG...]\n"
"\n"
"commands:\n"
"  status [-m]              state, peer, settings and counters\n"
"  add IP                   hold the floating address on this node\n"
"  remove IP                release it and stay out\n"
"  auto                     clear a manual add or remove\n"
"  set failtime SECONDS     peer silence before a takeover, e.g. 0.5\n"
"  set ismaster true|false  configured role\n"
"  set mode auto|manual     manual: moves wait for takeover/handback\n"
"  takeover                 confirm a pending takeover (manual mode)\n"
"  handback                 confirm a pending release (manual mode)\n"
"  simulate peer-loss       rehearse a takeover (see failoverctl(8))\n"
"  reload                   read the configuration file again\n"
"  ping                     check that failoverd answers\n"
"  watch [-n COUNT]         print events, one line each\n"
"  convert [-S SCHEMA] FILE print FILE (legacy or XML) as XML\n"
"\n"
"options:\n"
"  -s SOCKET  control socket (default $FAILOVERCTL_SOCKET, else\n"
"             " DEFAULT_SOCKET ")\n"
"  -j         machine output: the reply's \"key value\" lines as received\n"
"  -m         the same, for status only\n"
"\n"
"exit codes: 0 success, 1 failoverd refused or failed the request,\n"
"2 usage error, 3 failoverd cannot be reached (5 s timeout),\n"
"4 convert: bad configuration file\n";

static const char	*cmd_usage;	/* the running command's synopsis */

static int
usage(void)
{
	if (cmd_usage != NULL)
		fprintf(stderr, "usage: failoverctl [-s SOCKET] [-j] %s\n",
		    cmd_usage);
	else
		fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* "err CODE text" as "failoverctl: CODE: text". */
static int
print_err(const struct ctl_block *b)
{
	const char	*code = b->head + 4;
	size_t		 len = strcspn(code, " ");

	fprintf(stderr, "failoverctl: %.*s: %s\n", (int)len, code,
	    code[len] == ' ' ? code + len + 1 : "failed");
	return EXIT_REFUSED;
}

/* Sends one request and reads its reply; returns an exit code. */
static int
talk(const struct opts *o, const char *line, struct ctl_block *b)
{
	struct ctlc	 c;
	char		 err[256];
	int		 rc;

	if (ctlc_connect(&c, o->socket, err, sizeof(err)) == -1) {
		fprintf(stderr, "failoverctl: %s\n", err);
		return EXIT_UNREACHABLE;
	}
	rc = ctlc_request(&c, line, b, TIMEOUT_MS, err, sizeof(err));
	ctlc_close(&c);
	if (rc == -1) {
		fprintf(stderr, "failoverctl: %s\n", err);
		return EXIT_UNREACHABLE;
	}
	if (strncmp(b->head, "err", 3) == 0)
		return print_err(b);
	if (strcmp(b->head, "ok") != 0) {
		fprintf(stderr, "failoverctl: unexpected reply \"%s\"\n",
		    b->head);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

static void
print_kv(const struct ctl_block *b)
{
	int	 i;

	for (i = 0; i < b->nkv; i++)
		printf("%s %s\n", b->kv[i].key, b->kv[i].value);
}

/*
 * Arguments go into a line of space-separated words, so a word holding a
 * space or a control byte would change the request's meaning: refuse it
 * here rather than let the daemon guess.
 */
static int
join_words(char *line, size_t len, char **word, int n)
{
	size_t	 used = 0;
	int	 i, w;

	line[0] = '\0';
	for (i = 0; i < n; i++) {
		if (word[i][0] == '\0' || strpbrk(word[i], " \t\r\n") != NULL) {
			fprintf(stderr, "failoverctl: bad argument \"%s\"\n",
			    word[i]);
			return -1;
		}
		w = snprintf(line + used, len - used, "%s%s", i ? " " : "",
		    word[i]);
		if (w < 0 || (size_t)w >= len - used) {
			fprintf(stderr, "failoverctl: request too long\n");
			return -1;
		}
		used += (size_t)w;
	}
	return 0;
}

/* add, remove, auto, set, reload: prints what the daemon answered. */
static int
change(const struct opts *o, char **word, int n)
{
	struct ctl_block	 b;
	char			 line[CTL_LINE_MAX + 1];
	int			 rc;

	if (join_words(line, sizeof(line), word, n) == -1)
		return EXIT_USAGE;
	if ((rc = talk(o, line, &b)) != EXIT_OK)
		return rc;
	printf("%s\n", b.head);
	print_kv(&b);
	return EXIT_OK;
}

static int
cmd_add_remove(const struct opts *o, int argc, char **argv)
{
	if (argc != 2)
		return usage();
	return change(o, argv, 2);
}

static int
cmd_no_args(const struct opts *o, int argc, char **argv)
{
	if (argc != 1)
		return usage();
	return change(o, argv, 1);
}

static int
cmd_set(const struct opts *o, int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "failtime") != 0 &&
	    strcmp(argv[1], "ismaster") != 0 && strcmp(argv[1], "mode") != 0))
		return usage();
	return change(o, argv, 3);
}

static int
cmd_ping(const struct opts *o, int argc, char **argv)
{
	struct ctl_block	 b;
	const char		*v;
	int			 rc;

	(void)argv;
	if (argc != 1)
		return usage();
	if ((rc = talk(o, "ping", &b)) != EXIT_OK)
		return rc;
	if (o->raw)
		print_kv(&b);
	else {
		v = ctl_block_get(&b, "version");
		printf("failoverd answers on %s (protocol version %s)\n",
		    o->socket, v != NULL ? v : "?");
	}
	return EXIT_OK;
}

static const char *
get(const struct ctl_block *b, const char *key)
{
	const char	*v = ctl_block_get(b, key);

	return v != NULL && v[0] != '\0' ? v : "?";
}

/* A duration in milliseconds as an operator reads it: "0.250 s", "3 h". */
static const char *
human_ms(const char *ms_text, char *buf, size_t len)
{
	char		*end;
	long long	 ms;

	errno = 0;
	ms = strtoll(ms_text, &end, 10);
	if (errno != 0 || end == ms_text || *end != '\0')
		snprintf(buf, len, "?");
	else if (ms < 0)
		snprintf(buf, len, "never");
	else if (ms < 10000)
		snprintf(buf, len, "%lld.%03lld s", ms / 1000, ms % 1000);
	else if (ms < 180000)
		snprintf(buf, len, "%lld s", ms / 1000);
	else if (ms < 3 * 3600000LL)
		snprintf(buf, len, "%lld min", ms / 60000);
	else if (ms < 3 * 86400000LL)
		snprintf(buf, len, "%lld h", ms / 3600000);
	else
		snprintf(buf, len, "%lld days", ms / 86400000);
	return buf;
}

static void
status_address(const struct ctl_block *b)
{
	const char	*prefix = ctl_block_get(b, "prefix");
	int		 holds = strcmp(get(b, "holds"), "yes") == 0;

	printf("%-13s %s, %s %s", "state:", get(b, "state"),
	    holds ? "holds" : "does not hold", get(b, "aliasip"));
	if (prefix != NULL && strcmp(prefix, "0") != 0)
		printf("/%s", prefix);
	printf(" on %s\n", get(b, "interface"));
	if (strcmp(get(b, "link"), "down") == 0)
		printf("%-13s %s has no link: this node takes nothing\n",
		    "link:", get(b, "interface"));
	if (strcmp(get(b, "foreign_holder"), "yes") == 0)
		printf("%-13s a host that is not the peer answers for %s\n",
		    "conflict:", get(b, "aliasip"));
	printf("%-13s %s (ismaster %s, from %s), override %s\n", "role:",
	    get(b, "effective_role"), get(b, "ismaster"),
	    get(b, "ismaster_source"), get(b, "override"));
}

static void
status_peer(const struct ctl_block *b)
{
	char	 ago[32];

	if (strcmp(get(b, "peer"), "unknown") == 0) {
		printf("%-13s unknown, never heard since start\n", "peer:");
		return;
	}
	printf("%-13s %s, last heartbeat %s ago, reports %s\n", "peer:",
	    get(b, "peer"), human_ms(get(b, "peer_last_ms"), ago,
	    sizeof(ago)), get(b, "peer_state"));
}

static void
status_counters(const struct ctl_block *b)
{
	char	 ago[32];

	printf("%-13s %s s (from %s), heartbeat every %s ms\n", "failtime:",
	    get(b, "failtime"), get(b, "failtime_source"),
	    get(b, "interval_ms"));
	printf("%-13s sent %s, received %s\n", "heartbeats:",
	    get(b, "hb_sent"), get(b, "hb_received"));
	printf("%-13s length %s, version %s, mac %s, replay %s, sender %s\n",
	    "rejected:", get(b, "rej_length"), get(b, "rej_version"),
	    get(b, "rej_mac"), get(b, "rej_replay"), get(b, "rej_sender"));
	printf("%-13s takeovers %s, releases %s, script failures %s\n",
	    "failovers:", get(b, "takeovers"), get(b, "releases"),
	    get(b, "script_failures"));
	if (strcmp(get(b, "last_change"), "0") == 0)
		printf("%-13s none since start\n", "last change:");
	else
		printf("%-13s %s ago: %s\n", "last change:",
		    human_ms(get(b, "last_change_ago_ms"), ago, sizeof(ago)),
		    get(b, "last_reason"));
}

static int
cmd_status(const struct opts *o, int argc, char **argv)
{
	struct ctl_block	 b;
	int			 raw = o->raw, rc;

	if (argc == 2 && strcmp(argv[1], "-m") == 0)
		raw = 1;
	else if (argc != 1)
		return usage();
	if ((rc = talk(o, "status", &b)) != EXIT_OK)
		return rc;
	if (raw)
		print_kv(&b);
	else {
		status_address(&b);
		status_peer(&b);
		status_counters(&b);
	}
	return EXIT_OK;
}

/* key=value, quoted when the value would not read back as one word. */
static void
print_pair(const char *key, const char *value)
{
	const char	*p;

	if (value[0] != '\0' && strpbrk(value, " \"\\=") == NULL) {
		printf(" %s=%s", key, value);
		return;
	}
	printf(" %s=\"", key);
	for (p = value; *p != '\0'; p++)
		printf("%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
	putchar('"');
}

static void
print_event(const struct opts *o, const struct ctl_block *b)
{
	int	 i;

	if (o->raw) {
		printf("%s\n", b->head);
		print_kv(b);
		putchar('\n');
	} else {
		fputs(b->head, stdout);
		for (i = 0; i < b->nkv; i++)
			print_pair(b->kv[i].key, b->kv[i].value);
		putchar('\n');
	}
	fflush(stdout);
}

static int
parse_count(const char *s, long *count)
{
	char	*end;

	errno = 0;
	*count = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *count < 1 ? -1 : 0;
}

/* Events arrive when failoverd has them: only the first reply is timed. */
static int
watch_events(const struct opts *o, struct ctlc *c, long count)
{
	struct ctl_block	 b;
	char			 err[256];
	long			 seen = 0;

	while (count == 0 || seen < count) {
		if (ctlc_read_block(c, &b, -1, err, sizeof(err)) == -1) {
			fprintf(stderr, "failoverctl: %s\n", err);
			return EXIT_UNREACHABLE;
		}
		if (strncmp(b.head, "event ", 6) != 0)
			continue;
		print_event(o, &b);
		seen++;
	}
	return EXIT_OK;
}

static int
cmd_watch(const struct opts *o, int argc, char **argv)
{
	struct ctl_block	 b;
	struct ctlc		 c;
	char			 err[256];
	long			 count = 0;
	int			 rc = EXIT_UNREACHABLE;

	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		if (parse_count(argv[2], &count) == -1)
			return usage();
	} else if (argc != 1)
		return usage();

	if (ctlc_connect(&c, o->socket, err, sizeof(err)) == -1) {
		fprintf(stderr, "failoverctl: %s\n", err);
		return EXIT_UNREACHABLE;
	}
	if (ctlc_request(&c, "subscribe", &b, TIMEOUT_MS, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "failoverctl: %s\n", err);
		goto close_conn;
	}
	if (strncmp(b.head, "err", 3) == 0) {
		rc = print_err(&b);
		goto close_conn;
	}
	fprintf(stderr, "failoverctl: watching %s: state %s, peer %s\n",
	    o->socket, get(&b, "state"), get(&b, "peer"));
	rc = watch_events(o, &c, count);

close_conn:
	ctlc_close(&c);
	return rc;
}

static int
cmd_convert(const struct opts *o, int argc, char **argv)
{
	struct config		 conf;
	struct conf_error	 cerr;
	const char		*schema = NULL;
	char			 msg[1024];

	(void)o;
	if (argc == 4 && strcmp(argv[1], "-S") == 0)
		schema = argv[2];
	else if (argc != 2)
		return usage();
	memset(&cerr, 0, sizeof(cerr));
	if (conf_load(argv[argc - 1], schema, &conf, &cerr) == -1) {
		conf_format_error(&cerr, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return EXIT_BADCONF;
	}
	if (conf_write_xml(&conf, stdout) == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "failoverctl: cannot write XML: %s\n",
		    strerror(errno));
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static const struct command commands[] = {
	{ "status",	cmd_status,	"status [-m]" },
	{ "add",	cmd_add_remove,	"add IP" },
	{ "remove",	cmd_add_remove,	"remove IP" },
	{ "auto",	cmd_no_args,	"auto" },
	{ "set",	cmd_set,
	    "set failtime SECONDS | set ismaster true|false | set mode auto|manual" },
	{ "takeover",	cmd_no_args,	"takeover" },
	{ "handback",	cmd_no_args,	"handback" },
	{ "simulate",	cmd_add_remove,	"simulate peer-loss" },
	{ "reload",	cmd_no_args,	"reload" },
	{ "ping",	cmd_ping,	"ping" },
	{ "watch",	cmd_watch,	"watch [-n COUNT]" },
	{ "convert",	cmd_convert,	"convert [-S SCHEMA] FILE" },
};

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option	 longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*env = getenv("FAILOVERCTL_SOCKET");
	int				 ch;

	o->socket = env != NULL && env[0] != '\0' ? env : DEFAULT_SOCKET;
	o->raw = 0;
	/* "+": options stop at the command, whose own options follow it. */
	while ((ch = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->socket = optarg;
			break;
		case 'j':
			o->raw = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
		default:
			return -1;
		}
	}
	return optind < argc ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	size_t		 i;

	if (parse_opts(argc, argv, &o) == -1)
		return usage();
	argc -= optind;
	argv += optind;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[0]) == 0) {
			cmd_usage = commands[i].usage;
			return commands[i].run(&o, argc, argv);
		}
	fprintf(stderr, "failoverctl: unknown command \"%s\"\n", argv[0]);
	return usage();
}
