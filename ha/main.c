/*
 * failoverd: keeps one floating IPv4 address on exactly one node of a
 * pair.  This file parses options, checks a configuration (-t), detaches,
 * and hands over to the event loop in node.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "key.h"
#include "node.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONF	SYSCONFDIR "/ipfailover/failover.xml"

static void
usage(void)
{
	fprintf(stderr, "usage: failoverd [-dntv] [-f file] [-S schema]\n"
	    "  -d  stay in the foreground, log to stderr\n"
	    "  -n, --dry-run  decide and log as usual, but run no script\n"
	    "  -t  check the configuration and its key file, then exit\n"
	    "  -v  log debug messages too\n"
	    "  -f  configuration file (default %s)\n"
	    "  -S  RelaxNG schema (default the installed one)\n",
	    DEFAULT_CONF);
	exit(2);
}

/* -t: the same checks as a start, without touching the network. */
static int
check_only(const char *path, const char *schema)
{
	struct conf_error	cerr;
	struct config		conf;
	unsigned char		key[KEY_MAX_LEN];
	enum key_error		e;
	size_t			len;
	char			msg[1024];

	if (conf_load(path, schema, &conf, &cerr) == -1) {
		conf_format_error(&cerr, msg, sizeof(msg));
		fprintf(stderr, "failoverd: %s\n", msg);
		return 1;
	}
	e = key_load(conf.keyfile, key, &len);
	key_wipe(key, sizeof(key));
	if (e != KEY_OK) {
		fprintf(stderr, "failoverd: %s: keyfile '%s': %s%s%s\n", path,
		    conf.keyfile, key_strerror(e), e == KEY_EOPEN ? ": " : "",
		    e == KEY_EOPEN ? strerror(errno) : "");
		return 1;
	}
	printf("%s: configuration OK (%s, failtime %u ms, interval %u ms)\n",
	    path, conf.legacy ? "legacy format" : "XML", conf.failtime_ms,
	    conf.interval_ms);
	return 0;
}

static void
detach(void)
{
	int	fd;

	switch (fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd == -1)
		fatal("/dev/null");
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int
main(int argc, char *argv[])
{
	static struct node	 nd;
	const char		*path = DEFAULT_CONF, *schema = NULL;
	char			*abs;
	int			 ch, foreground = 0, verbose = 0, test = 0;
	int			 dry_run = 0;
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "df:nS:tv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'S':
			schema = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (test)
		return check_only(path, schema);

	/* Reloads happen after chdir("/"): keep the file's full path. */
	abs = realpath(path, NULL);
	if (abs == NULL) {
		fprintf(stderr, "failoverd: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (schema != NULL && (schema = realpath(schema, NULL)) == NULL) {
		fprintf(stderr, "failoverd: schema: %s\n", strerror(errno));
		return 1;
	}
	log_init("failoverd", 1, verbose);
	if (node_start(&nd, abs, schema, dry_run) == -1)
		return 1;
	if (!foreground) {
		detach();
		log_init("failoverd", 0, verbose);
	}
	return node_run(&nd);
}
