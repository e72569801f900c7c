/*
 * The harness of the two configuration targets (fuzz_config_xml.c and
 * fuzz_config_legacy.c): conf_load() on the input written to a file,
 * the documented guarantees of a loaded struct config, and the round
 * trip through conf_write_xml() that "failoverctl convert" relies on.
 *
 * The directory is made once per process under $TMPDIR, with the add
 * and remove scripts that the seeds name (mode 0755, owned by whoever
 * runs the fuzzer), so that a file good in content passes the script
 * checks and reaches the end of conf_load().  Only the input file
 * changes from one input to the next.
 */
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "fuzz.h"

#ifndef FUZZ_SCHEMA
#error "FUZZ_SCHEMA must name conf/failover.rng"
#endif

/* Relative to the directory; the defaults and what the seeds name. */
static const char *const scripts[] = {
	"failover_add.sh", "failover_remove.sh", "add.sh", "remove.sh",
	"custom_add.sh", "sub/custom_remove.sh", "ready.sh"
};

static char	dir[PATH_MAX];
static char	conf_path[PATH_MAX];
static int	skip_msg_check;	/* FUZZ_SKIP has "conf-msg" */

static void
remove_dir(void)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, scripts[i]);
		unlink(path);
	}
	unlink(conf_path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

static void
make_script(const char *name)
{
	char	path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FUZZ_CHECK((f = fopen(path, "w")) != NULL);
	fputs("#!/bin/sh\nexit 0\n", f);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(chmod(path, 0755) == 0);
}

void
fuzz_config_init(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		 sub[PATH_MAX];
	size_t		 i;

	/* To fuzz on past a reported bug, while it waits for its fix. */
	skip_msg_check = getenv("FUZZ_SKIP") != NULL &&
	    strstr(getenv("FUZZ_SKIP"), "conf-msg") != NULL;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/ipfo-fuzz-conf.XXXXXX", tmp);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	FUZZ_CHECK(chmod(dir, 0755) == 0);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	FUZZ_CHECK(mkdir(sub, 0755) == 0);
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		make_script(scripts[i]);
	snprintf(conf_path, sizeof(conf_path), "%s/failover.conf", dir);
	atexit(remove_dir);
}

static void
write_input(const uint8_t *data, size_t size)
{
	int	fd;

	fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FUZZ_CHECK(fd != -1);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);
}

/* Bytes before the first that is not blank, a BOM or a '#' line. */
static int
sniffs_as_xml(const uint8_t *data, size_t size)
{
	size_t	i = 0;

	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < size && data[i] != '\0') {
		if (data[i] == '#') {
			while (i < size && data[i] != '\n' && data[i] != '\0')
				i++;
		} else if (strchr(" \t\r\n", data[i]) != NULL)
			i++;
		else
			break;
	}
	return i < size && data[i] == '<';
}

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* What config.h promises of every struct that conf_load() returns. */
static void
check_loaded(const struct config *c)
{
	struct sockaddr_un	sun;

	FUZZ_CHECK(terminated(c->path, sizeof(c->path)));
	FUZZ_CHECK(strcmp(c->path, conf_path) == 0);
	FUZZ_CHECK(terminated(c->interface, sizeof(c->interface)));
	FUZZ_CHECK(terminated(c->keyfile, sizeof(c->keyfile)));
	FUZZ_CHECK(terminated(c->add_script, sizeof(c->add_script)));
	FUZZ_CHECK(terminated(c->remove_script, sizeof(c->remove_script)));
	FUZZ_CHECK(terminated(c->statedir, sizeof(c->statedir)));
	FUZZ_CHECK(strlen(c->ctl_socket) < sizeof(sun.sun_path));
	FUZZ_CHECK(terminated(c->ctl_group, sizeof(c->ctl_group)));
	FUZZ_CHECK(c->keyfile[0] == '/' && c->add_script[0] == '/' &&
	    c->remove_script[0] == '/' && c->statedir[0] == '/' &&
	    c->ctl_socket[0] == '/');

	FUZZ_CHECK(c->failtime_ms >= CONF_FAILTIME_MIN_MS &&
	    c->failtime_ms <= CONF_FAILTIME_MAX_MS);
	FUZZ_CHECK(c->interval_ms >= CONF_INTERVAL_MIN_MS &&
	    (uint64_t)c->interval_ms * 2 <= c->failtime_ms);
	FUZZ_CHECK(c->port != 0);
	FUZZ_CHECK(c->alias_prefix >= 0 && c->alias_prefix <= 32);
	FUZZ_CHECK(c->ismaster == 0 || c->ismaster == 1);
	FUZZ_CHECK(c->aliasip.s_addr != 0 && c->otherip.s_addr != 0);
	FUZZ_CHECK(c->aliasip.s_addr != c->otherip.s_addr);
	FUZZ_CHECK(c->localip.s_addr == 0 ||
	    (c->localip.s_addr != c->aliasip.s_addr &&
	    c->localip.s_addr != c->otherip.s_addr));
}

static void
check_same(const struct config *a, const struct config *b)
{
	FUZZ_CHECK(strcmp(a->path, b->path) == 0);
	FUZZ_CHECK(a->ismaster == b->ismaster);
	FUZZ_CHECK(a->aliasip.s_addr == b->aliasip.s_addr);
	FUZZ_CHECK(a->alias_prefix == b->alias_prefix);
	FUZZ_CHECK(a->otherip.s_addr == b->otherip.s_addr);
	FUZZ_CHECK(a->localip.s_addr == b->localip.s_addr);
	FUZZ_CHECK(strcmp(a->interface, b->interface) == 0);
	FUZZ_CHECK(a->failtime_ms == b->failtime_ms);
	FUZZ_CHECK(a->interval_ms == b->interval_ms);
	FUZZ_CHECK(a->port == b->port);
	FUZZ_CHECK(strcmp(a->keyfile, b->keyfile) == 0);
	FUZZ_CHECK(strcmp(a->add_script, b->add_script) == 0);
	FUZZ_CHECK(strcmp(a->remove_script, b->remove_script) == 0);
	FUZZ_CHECK(a->script_timeout_ms == b->script_timeout_ms);
	FUZZ_CHECK(strcmp(a->statedir, b->statedir) == 0);
	FUZZ_CHECK(strcmp(a->ctl_socket, b->ctl_socket) == 0);
	FUZZ_CHECK(strcmp(a->ctl_group, b->ctl_group) == 0);
}

/* C as conf_write_xml() writes it, in a string to free. */
static char *
written(const struct config *c)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f;

	FUZZ_CHECK((f = open_memstream(&text, &len)) != NULL);
	FUZZ_CHECK(conf_write_xml(c, f) == 0);
	FUZZ_CHECK(fclose(f) == 0);
	return text;
}

/*
 * conf_write_xml() over the input file, then conf_load() of that: the
 * same configuration must come back, as an XML one.  Fields are compared
 * one by one where this file knows them, and through a second writing
 * for those that config.h gains later.
 */
static void
check_round_trip(const struct config *c)
{
	struct config		*again;
	struct conf_error	 err;
	char			 msg[PATH_MAX + 600];
	char			*first, *second;
	FILE			*f;

	FUZZ_CHECK((again = calloc(1, sizeof(*again))) != NULL);
	first = written(c);
	FUZZ_CHECK((f = fopen(conf_path, "w")) != NULL);
	FUZZ_CHECK(fputs(first, f) != EOF);
	FUZZ_CHECK(fclose(f) == 0);
	if (conf_load(conf_path, FUZZ_SCHEMA, again, &err) != 0) {
		conf_format_error(&err, msg, sizeof(msg));
		fprintf(stderr, "written back, refused: %s\n", msg);
		FUZZ_CHECK(!"conf_load() reads what conf_write_xml() wrote");
	}
	FUZZ_CHECK(again->legacy == 0);
	check_same(c, again);
	second = written(again);
	FUZZ_CHECK(strcmp(first, second) == 0);
	free(second);
	free(first);
	free(again);
}

/*
 * A refusal names the file, and its message is one line of text: it is
 * logged as it is, so a value quoted with its line breaks or escape
 * bytes would split the log line or forge another.
 */
static void
check_refusal(const struct conf_error *err)
{
	char		 msg[PATH_MAX + 600];
	const char	*p;

	FUZZ_CHECK(terminated(err->file, sizeof(err->file)));
	FUZZ_CHECK(terminated(err->msg, sizeof(err->msg)));
	FUZZ_CHECK(err->msg[0] != '\0');
	FUZZ_CHECK(err->line >= 0);
	for (p = err->msg; *p != '\0' && !skip_msg_check; p++)
		FUZZ_CHECK((unsigned char)*p >= 0x20 || *p == '\t');
	conf_format_error(err, msg, sizeof(msg));
	FUZZ_CHECK(msg[0] != '\0');
}

void
fuzz_config_one(const uint8_t *data, size_t size)
{
	struct config		*conf;
	struct conf_error	 err;

	/* Larger than CONF_FILE_MAX is refused before it is parsed. */
	if (size > 64 * 1024)
		return;
	write_input(data, size);
	FUZZ_CHECK((conf = calloc(1, sizeof(*conf))) != NULL);
	if (conf_load(conf_path, FUZZ_SCHEMA, conf, &err) == 0) {
		check_loaded(conf);
		FUZZ_CHECK(conf->legacy == !sniffs_as_xml(data, size));
		check_round_trip(conf);
	} else
		check_refusal(&err);
	free(conf);
}
