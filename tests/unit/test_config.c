/*
 * Tests of the configuration reader with the real libxml2, the real
 * schema and real files: every fixture is copied into a fresh directory
 * made with mkdtemp(), next to scripts created there with the modes each
 * case needs, so nothing depends on the modes git gave the checkout.
 */

#include <sys/stat.h>
#include <sys/types.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "ha/config.h"

#define STATEDIR_DEFAULT	LOCALSTATEDIR "/lib/ipfailover"
#define SOCKET_DEFAULT		RUNSTATEDIR "/ipfailover/failoverd.sock"
#define SCRIPT_TEXT		"#!/bin/sh\nexit 0\n"
#define TABLE_MAX		128	/* rows in bad/expected.tsv */
#define TREE_DEPTH_MAX		4	/* of what rm_tree() removes */

struct tmp {
	char	dir[PATH_MAX];	/* made by mkdtemp(), resolved */
};

struct bad_case {
	char	file[128];
	int	line;
	char	schema;		/* '1' rejects, '0' accepts, '-' not asked */
	char	msg[400];	/* %D stands for the directory */
};

/* Paths without a leading '/' are taken inside the test directory. */
struct good_case {
	const char	*file;
	int		 legacy;
	int		 ismaster;
	const char	*aliasip;
	int		 prefix;
	const char	*otherip;
	const char	*localip;	/* NULL: not given */
	const char	*interface;
	uint32_t	 failtime_ms;
	uint32_t	 interval_ms;
	uint16_t	 port;
	const char	*keyfile;
	const char	*add_script;
	const char	*remove_script;
	uint32_t	 timeout_ms;
	const char	*statedir;
	const char	*socket;
	const char	*group;
};

static const char group63[] =
    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg";

static const struct good_case good_cases[] = {
	{ "minimal.xml", 0, 1, "198.18.0.100", 0, "198.18.0.2", NULL, "",
	    3000, 600, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "full.xml", 0, 0, "198.18.0.100", 24, "198.18.0.2", "198.18.0.1",
	    "veth-fo0", 30, 15, 9000, "/etc/ipfailover/test.key",
	    "custom_add.sh", "sub/custom_remove.sh", 100,
	    "/var/tmp/ipfailover-state", "/run/ipfailover-test/ctl.sock",
	    "ipfailover" },
	{ "limits.xml", 0, 1, "198.18.0.255", 32, "198.18.0.254", NULL,
	    "veth-failover-0", 3600000, 1000, 65535, "keys/node.key",
	    "failover_add.sh", "failover_remove.sh", 600000, "state",
	    "run/ctl.sock", group63 },
	{ "spaces.xml", 0, 1, "198.18.0.0", 31, "198.18.0.2", NULL, "",
	    1250, 500, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "legacy.conf", 1, 1, "10.0.0.100", 0, "10.0.0.2", NULL, "",
	    30000, 1000, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "legacy-comments.conf", 1, 0, "198.18.0.100", 0, "198.18.0.2",
	    NULL, "", 500, 100, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "legacy-crlf.conf", 1, 1, "198.18.0.100", 0, "198.18.0.2", NULL,
	    "", 3000, 600, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "legacy-bom.conf", 1, 0, "198.18.0.100", 0, "198.18.0.2", NULL,
	    "", 3000, 600, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "bom.xml", 0, 0, "198.18.0.100", 0, "198.18.0.2", NULL, "",
	    3000, 600, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
	{ "legacy-noeol.conf", 1, 1, "198.18.0.100", 0, "198.18.0.2", NULL,
	    "", 30, 6, 8283, "failover.key", "failover_add.sh",
	    "failover_remove.sh", 10000, STATEDIR_DEFAULT, SOCKET_DEFAULT,
	    "" },
};

#define NGOOD	(sizeof(good_cases) / sizeof(good_cases[0]))

static void
join(char *out, const char *dir, const char *name)
{
	int	n;

	n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	assert_true(n > 0 && n < PATH_MAX);
}

static void
write_file(const char *dir, const char *name, const char *text,
    mode_t mode)
{
	char	path[PATH_MAX];
	size_t	len = strlen(text);
	int	fd;

	join(path, dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static char *
read_text(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((len = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(buf = malloc((size_t)len + 1));
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return (buf);
}

static void
copy_fixture(const char *sub, const char *name, const char *dir)
{
	char	 src[PATH_MAX], *text;

	snprintf(src, sizeof(src), "%s/%s/%s", FIXTURES, sub, name);
	text = read_text(src);
	write_file(dir, name, text, 0644);
	free(text);
}

/* The scripts that the fixtures name, with the modes they are about. */
static void
make_scripts(const char *dir)
{
	char	path[PATH_MAX];

	write_file(dir, "failover_add.sh", SCRIPT_TEXT, 0755);
	write_file(dir, "failover_remove.sh", SCRIPT_TEXT, 0755);
	write_file(dir, "custom_add.sh", SCRIPT_TEXT, 0700);
	write_file(dir, "noexec.sh", SCRIPT_TEXT, 0644);
	write_file(dir, "groupw.sh", SCRIPT_TEXT, 0775);
	write_file(dir, "otherw.sh", SCRIPT_TEXT, 0757);
	join(path, dir, "sub");
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(path, "custom_remove.sh", SCRIPT_TEXT, 0755);
	join(path, dir, "scripts.d");
	assert_int_equal(mkdir(path, 0755), 0);
}

static int
rm_tree(const char *path, int depth)
{
	struct dirent	*de;
	DIR		*d;
	char		 sub[PATH_MAX];
	int		 rc = 0;

	if (depth > TREE_DEPTH_MAX || (d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			rc |= rm_tree(sub, depth + 1);
		else
			rc |= unlink(sub);
	}
	closedir(d);
	return (rc | rmdir(path));
}

static int
setup_dir(void **state)
{
	struct tmp	*t;
	const char	*base = getenv("TMPDIR");
	char		 tmpl[PATH_MAX];

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/test_config.XXXXXX", base);
	if ((t = calloc(1, sizeof(*t))) == NULL || mkdtemp(tmpl) == NULL ||
	    realpath(tmpl, t->dir) == NULL) {
		free(t);
		return (-1);
	}
	make_scripts(t->dir);
	*state = t;
	return (0);
}

static int
teardown_dir(void **state)
{
	struct tmp	*t = *state;
	int		 rc;

	rc = rm_tree(t->dir, 0);
	free(t);
	return (rc);
}

static void
quiet(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
}

static int
schema_accepts(const char *path)
{
	xmlRelaxNGParserCtxtPtr	 pctx;
	xmlRelaxNGPtr		 rng;
	xmlRelaxNGValidCtxtPtr	 vctx;
	xmlDocPtr		 doc;
	int			 rc;

	assert_non_null(pctx = xmlRelaxNGNewParserCtxt(SCHEMA));
	assert_non_null(rng = xmlRelaxNGParse(pctx));
	assert_non_null(vctx = xmlRelaxNGNewValidCtxt(rng));
	xmlRelaxNGSetValidStructuredErrors(vctx, quiet, NULL);
	assert_non_null(doc = xmlReadFile(path, NULL, XML_PARSE_NONET));
	rc = xmlRelaxNGValidateDoc(vctx, doc) == 0;
	xmlFreeDoc(doc);
	xmlRelaxNGFreeValidCtxt(vctx);
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pctx);
	return (rc);
}

/* Replaces the first %D in PATTERN with DIR. */
static void
expand(const char *pattern, const char *dir, char *out, size_t len)
{
	const char	*at = strstr(pattern, "%D");

	if (at == NULL)
		snprintf(out, len, "%s", pattern);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - pattern), pattern,
		    dir, at + 2);
}

/* The table's format is described at its head. */
static size_t
read_table(struct bad_case *rows, size_t max)
{
	char	 path[PATH_MAX], line[600];
	FILE	*f;
	size_t	 n = 0;

	snprintf(path, sizeof(path), "%s/bad/expected.tsv", FIXTURES);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_true(n < max);
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%127[^\t]\t%d\t%c\t%399[^\n]", rows[n].file,
		    &rows[n].line, &rows[n].schema, rows[n].msg) != 4)
			fail_msg("expected.tsv: cannot read '%s'", line);
		n++;
	}
	fclose(f);
	return (n);
}

static void
check_bad(const struct bad_case *row, const char *dir)
{
	struct config		conf;
	struct conf_error	err;
	char			path[PATH_MAX], want[600], text[1200];

	copy_fixture("bad", row->file, dir);
	join(path, dir, row->file);
	if (conf_load(path, SCHEMA, &conf, &err) != -1)
		fail_msg("%s: accepted", row->file);
	expand(row->msg, dir, want, sizeof(want));
	if (err.line != row->line || strstr(err.msg, want) == NULL)
		fail_msg("%s: got line %d '%s', expected line %d '%s'",
		    row->file, err.line, err.msg, row->line, want);
	assert_string_equal(err.file, path);

	/* What an operator sees starts with the file and, if known, line. */
	conf_format_error(&err, text, sizeof(text));
	snprintf(want, sizeof(want), row->line ? "%s:%d: " : "%s: ", path,
	    row->line);
	if (strncmp(text, want, strlen(want)) != 0)
		fail_msg("%s: formatted as '%s'", row->file, text);
	/*
	 * The schema column keeps the schema honest: it must reject what it
	 * can express, so that xmllint users get the same verdict.
	 */
	if (row->schema != '-' && schema_accepts(path) != (row->schema == '0'))
		fail_msg("%s: the schema alone %s it", row->file,
		    row->schema == '0' ? "rejects" : "accepts");
}

static int
in_table(const struct bad_case *rows, size_t n, const char *file)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(rows[i].file, file) == 0)
			return (1);
	return (0);
}

/* A fixture without a row would never be tested: refuse that too. */
static void
check_listed(const char *sub, const struct bad_case *rows, size_t n)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	size_t		 i;
	int		 found;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, sub);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strcmp(de->d_name, "expected.tsv") == 0)
			continue;
		found = rows != NULL ? in_table(rows, n, de->d_name) : 0;
		for (i = 0; rows == NULL && i < NGOOD; i++)
			found |= strcmp(good_cases[i].file, de->d_name) == 0;
		if (!found)
			fail_msg("%s/%s has no expected outcome", sub,
			    de->d_name);
	}
	closedir(d);
}

static void
test_every_bad_file_is_refused_with_its_line_and_message(void **state)
{
	struct tmp		*t = *state;
	static struct bad_case	 rows[TABLE_MAX];
	size_t			 n, i;

	n = read_table(rows, TABLE_MAX);
	assert_true(n >= 25);
	check_listed("bad", rows, n);
	for (i = 0; i < n; i++)
		check_bad(&rows[i], t->dir);
}

static void
in_dir(char *out, const char *dir, const char *path)
{
	if (path[0] == '/')
		snprintf(out, PATH_MAX, "%s", path);
	else
		join(out, dir, path);
}

static void
addr(const char *text, struct in_addr *out)
{
	out->s_addr = 0;
	if (text != NULL)
		assert_int_equal(inet_pton(AF_INET, text, out), 1);
}

static void
expected_conf(const struct good_case *g, const char *dir,
    struct config *c)
{
	memset(c, 0, sizeof(*c));
	join(c->path, dir, g->file);
	c->legacy = g->legacy;
	c->ismaster = g->ismaster;
	addr(g->aliasip, &c->aliasip);
	c->alias_prefix = g->prefix;
	addr(g->otherip, &c->otherip);
	addr(g->localip, &c->localip);
	snprintf(c->interface, sizeof(c->interface), "%s", g->interface);
	c->failtime_ms = g->failtime_ms;
	c->interval_ms = g->interval_ms;
	c->port = g->port;
	in_dir(c->keyfile, dir, g->keyfile);
	in_dir(c->add_script, dir, g->add_script);
	in_dir(c->remove_script, dir, g->remove_script);
	c->script_timeout_ms = g->timeout_ms;
	in_dir(c->statedir, dir, g->statedir);
	in_dir(c->ctl_socket, dir, g->socket);
	snprintf(c->ctl_group, sizeof(c->ctl_group), "%s", g->group);
	c->address_lease = 1;
	c->nearmiss_permille = 500;
	c->readiness_interval_ms = 5000;
	c->readiness_timeout_ms = 10000;
}

/* Every field but where the file came from. */
static void
assert_same_values(const struct config *want, const struct config *got)
{
	assert_int_equal(got->ismaster, want->ismaster);
	assert_int_equal(got->aliasip.s_addr, want->aliasip.s_addr);
	assert_int_equal(got->alias_prefix, want->alias_prefix);
	assert_int_equal(got->otherip.s_addr, want->otherip.s_addr);
	assert_int_equal(got->localip.s_addr, want->localip.s_addr);
	assert_string_equal(got->interface, want->interface);
	assert_int_equal(got->failtime_ms, want->failtime_ms);
	assert_int_equal(got->interval_ms, want->interval_ms);
	assert_int_equal(got->port, want->port);
	assert_string_equal(got->keyfile, want->keyfile);
	assert_string_equal(got->add_script, want->add_script);
	assert_string_equal(got->remove_script, want->remove_script);
	assert_int_equal(got->script_timeout_ms, want->script_timeout_ms);
	assert_string_equal(got->statedir, want->statedir);
	assert_string_equal(got->ctl_socket, want->ctl_socket);
	assert_string_equal(got->ctl_group, want->ctl_group);
	assert_int_equal(got->manual, want->manual);
	assert_int_equal(got->address_lease, want->address_lease);
	assert_int_equal(got->nearmiss_permille, want->nearmiss_permille);
	assert_string_equal(got->readiness, want->readiness);
	assert_int_equal(got->readiness_interval_ms,
	    want->readiness_interval_ms);
	assert_int_equal(got->readiness_timeout_ms,
	    want->readiness_timeout_ms);
}

static void
load_ok(const char *path, const char *schema, struct config *conf)
{
	struct conf_error	err;
	char			text[1200];

	if (conf_load(path, schema, conf, &err) != 0) {
		conf_format_error(&err, text, sizeof(text));
		fail_msg("refused: %s", text);
	}
}

/* What failoverctl convert does: the XML it writes reads back the same. */
static void
round_trip(const struct config *orig, const char *dir, const char *name)
{
	struct config	 again;
	char		 path[PATH_MAX], out_name[160];
	FILE		*out;

	snprintf(out_name, sizeof(out_name), "rt-%s.xml", name);
	join(path, dir, out_name);
	assert_non_null(out = fopen(path, "w"));
	assert_int_equal(conf_write_xml(orig, out), 0);
	assert_int_equal(fclose(out), 0);
	load_ok(path, SCHEMA, &again);
	assert_int_equal(again.legacy, 0);
	assert_string_equal(again.path, path);
	assert_same_values(orig, &again);
	if (!schema_accepts(path))
		fail_msg("%s: written XML does not match the schema", name);
}

static void
test_good_files_give_the_expected_values_and_round_trip(void **state)
{
	struct tmp		*t = *state;
	struct config		 want, got;
	const struct good_case	*g;
	size_t			 i;

	check_listed("good", NULL, 0);
	for (i = 0; i < NGOOD; i++) {
		g = &good_cases[i];
		copy_fixture("good", g->file, t->dir);
		expected_conf(g, t->dir, &want);
		load_ok(want.path, SCHEMA, &got);
		assert_string_equal(got.path, want.path);
		assert_int_equal(got.legacy, want.legacy);
		assert_same_values(&want, &got);
		round_trip(&got, t->dir, g->file);
	}
}

static void
write_minimal(const char *dir, const char *name, const char *failtime,
    const char *extra)
{
	char	text[1024];

	snprintf(text, sizeof(text), "<failover version=\"1\">\n"
	    "<ismaster>true</ismaster>\n<aliasip>198.18.0.100</aliasip>\n"
	    "<otherip>198.18.0.2</otherip>\n<failtime>%s</failtime>\n%s"
	    "</failover>\n", failtime, extra);
	write_file(dir, name, text, 0644);
}

/* mode, addresslease, nearmiss and readiness: defaults, values, refusals. */
static void
test_safety_settings_are_read_and_checked(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf, back;
	struct conf_error	 err;
	char			 path[PATH_MAX], copy[PATH_MAX];
	FILE			*f;

	join(path, t->dir, "safety.xml");
	write_minimal(t->dir, "safety.xml", "3", "");
	load_ok(path, SCHEMA, &conf);
	assert_int_equal(conf.manual, 0);
	assert_int_equal(conf.address_lease, 1);
	assert_int_equal(conf.nearmiss_permille, 500);
	assert_string_equal(conf.readiness, "");

	write_minimal(t->dir, "safety.xml", "3", "<mode>manual</mode>\n"
	    "<addresslease>false</addresslease>\n<nearmiss>0.25</nearmiss>\n"
	    "<readiness interval=\"2\" timeout=\"1.5\">custom_add.sh"
	    "</readiness>\n");
	load_ok(path, SCHEMA, &conf);
	assert_int_equal(conf.manual, 1);
	assert_int_equal(conf.address_lease, 0);
	assert_int_equal(conf.nearmiss_permille, 250);
	join(copy, t->dir, "custom_add.sh");
	assert_string_equal(conf.readiness, copy);
	assert_int_equal(conf.readiness_interval_ms, 2000);
	assert_int_equal(conf.readiness_timeout_ms, 1500);

	join(copy, t->dir, "safety-copy.xml");
	assert_non_null(f = fopen(copy, "w"));
	assert_int_equal(conf_write_xml(&conf, f), 0);
	assert_int_equal(fclose(f), 0);
	load_ok(copy, SCHEMA, &back);
	assert_same_values(&conf, &back);

	write_minimal(t->dir, "safety.xml", "3", "<mode>maybe</mode>\n");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg,
	    "mode: expected auto or manual, got 'maybe'"));
	write_minimal(t->dir, "safety.xml", "3", "<nearmiss>0.99</nearmiss>\n");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_non_null(strstr(err.msg, "nearmiss: expected a share"));
	write_minimal(t->dir, "safety.xml", "3",
	    "<readiness>noexec.sh</readiness>\n");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg,
	    "readiness: expected a file its owner may execute"));
}

/* Whoever may write a directory above a script may swap the script. */
static void
test_script_in_a_directory_others_may_write_is_refused(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX], dir[PATH_MAX], why[400];

	join(dir, t->dir, "ww");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	write_file(dir, "add.sh", SCRIPT_TEXT, 0755);
	join(path, t->dir, "ww.xml");
	write_minimal(t->dir, "ww.xml", "3", "<addscript>ww/add.sh</addscript>\n");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg, "addscript: its directory"));
	assert_non_null(strstr(err.msg, "may be written by others (mode 0777)"));

	/* Sticky, as /tmp is: others cannot rename over our file. */
	assert_int_equal(chmod(dir, 01777), 0);
	load_ok(path, SCHEMA, &conf);
	join(path, dir, "add.sh");
	assert_int_equal(conf_check_file(path, why, sizeof(why)), 0);
	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(conf_check_file(path, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "only its owner may write"));
}

/* Floating point would make "0.03" 29 ms; the reader must not. */
static void
test_seconds_are_read_exactly(void **state)
{
	static const struct {
		const char	*text;
		uint32_t	 ms;
	} ok[] = {
		{ "0.03", 30 }, { "3", 3000 }, { " 3 ", 3000 },
		{ "\n\t3\n", 3000 }, { "0.5", 500 }, { "1.25", 1250 },
		{ "3.000", 3000 }, { "0003", 3000 }, { "0.999", 999 },
		{ "12.34", 12340 }, { "3600", 3600000 }, { "3599.999", 3599999 },
	};
	struct tmp	*t = *state;
	struct config	 conf;
	char		 path[PATH_MAX];
	size_t		 i;

	join(path, t->dir, "seconds.xml");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		write_minimal(t->dir, "seconds.xml", ok[i].text, "");
		load_ok(path, SCHEMA, &conf);
		if (conf.failtime_ms != ok[i].ms)
			fail_msg("'%s' gave %u ms", ok[i].text,
			    (unsigned int)conf.failtime_ms);
	}
}

static void
test_malformed_or_out_of_range_seconds_are_refused(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} bad[] = {
		{ "1e3", "between 0.03 and 3600, got '1e3'" },
		{ "-1", "between 0.03 and 3600, got '-1'" },
		{ "", "between 0.03 and 3600, got ''" },
		{ ".5", "got '.5'" }, { "3.", "got '3.'" }, { "+3", "got '+3'" },
		{ "0x10", "got '0x10'" }, { "3,5", "got '3,5'" },
		{ "3 5", "got '3 5'" }, { "0.029", "got '0.029'" },
		{ "99999999999999999999", "between 0.03 and 3600" },
		{ "0.0301", "at most 3 decimals, got '0.0301'" },
		{ "3600.0001", "at most 3 decimals" },
	};
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX];
	size_t			 i;

	join(path, t->dir, "seconds.xml");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_minimal(t->dir, "seconds.xml", bad[i].text, "");
		if (conf_load(path, SCHEMA, &conf, &err) != -1)
			fail_msg("'%s' accepted", bad[i].text);
		if (err.line != 5 || strncmp(err.msg, "failtime: ", 10) != 0 ||
		    strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("'%s': line %d '%s'", bad[i].text, err.line,
			    err.msg);
	}
}

static void
test_interval_may_be_half_of_failtime_but_no_more(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX];

	join(path, t->dir, "half.xml");
	write_minimal(t->dir, "half.xml", "0.031", "<interval>0.015</interval>\n");
	load_ok(path, SCHEMA, &conf);
	assert_int_equal(conf.failtime_ms, 31);
	assert_int_equal(conf.interval_ms, 15);

	write_minimal(t->dir, "half.xml", "0.031", "<interval>0.016</interval>\n");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_int_equal(err.line, 6);
	assert_non_null(strstr(err.msg,
	    "interval: expected seconds between 0.005 and 0.015 (half of failtime), got '0.016'"));
}

static void
test_default_interval_is_a_fifth_within_bounds(void **state)
{
	static const uint32_t cases[][2] = {
		{ 0, 5 }, { 20, 5 }, { 25, 5 }, { 30, 6 }, { 31, 6 },
		{ 100, 20 }, { 3000, 600 }, { 4999, 999 }, { 5000, 1000 },
		{ 5004, 1000 }, { 3600000, 1000 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(conf_default_interval(cases[i][0]),
		    cases[i][1]);
}

static void
expect_refusal(const char *path, int line, const char *msg)
{
	struct config		conf;
	struct conf_error	err;

	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	if (err.line != line || strstr(err.msg, msg) == NULL)
		fail_msg("got line %d '%s', expected line %d '%s'", err.line,
		    err.msg, line, msg);
}

static void
test_defaulted_scripts_are_checked_and_named_as_defaults(void **state)
{
	struct tmp	*t = *state;
	char		 path[PATH_MAX], script[PATH_MAX], msg[PATH_MAX + 80];

	copy_fixture("good", "minimal.xml", t->dir);
	join(path, t->dir, "minimal.xml");
	join(script, t->dir, "failover_add.sh");
	assert_int_equal(unlink(script), 0);
	snprintf(msg, sizeof(msg),
	    "addscript (default): expected an existing file, got '%s'", script);
	expect_refusal(path, 0, msg);

	write_file(t->dir, "failover_add.sh", SCRIPT_TEXT, 0755);
	write_file(t->dir, "failover_remove.sh", SCRIPT_TEXT, 0775);
	copy_fixture("good", "legacy.conf", t->dir);
	join(path, t->dir, "legacy.conf");
	expect_refusal(path, 0,
	    "removescript (default): expected a file only its owner may write");
}

static void
test_script_of_another_user_is_refused(void **state)
{
	struct tmp	*t = *state;
	char		 path[PATH_MAX], script[PATH_MAX];

	/* Only root can give a file away to another user. */
	if (geteuid() != 0)
		skip();
	copy_fixture("good", "minimal.xml", t->dir);
	join(path, t->dir, "minimal.xml");
	join(script, t->dir, "failover_remove.sh");
	assert_int_equal(chown(script, 65534, 65534), 0);
	expect_refusal(path, 0,
	    "removescript (default): expected a file owned by root or uid 0");
}

static int
stderr_to(const char *path)
{
	int	saved, fd;

	assert_true((saved = dup(STDERR_FILENO)) != -1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
	return (saved);
}

static int	sentinel_calls;

static void
sentinel_generic(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
	sentinel_calls++;
}

static void
sentinel_structured(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
	sentinel_calls++;
}

/* Files that make libxml2 complain in parsing, validation and loading. */
static void
load_noisy_files(const char *dir)
{
	static const char	*files[] = { "malformed-tag.xml",
				    "unknown-element.xml", "doctype.xml" };
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX];
	size_t			 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		copy_fixture("bad", files[i], dir);
		join(path, dir, files[i]);
		assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
		assert_int_equal(conf_load(path, "/nonexistent/failover.rng",
		    &conf, &err), -1);
	}
}

/* With libxml2's own handlers, which print to stderr, nothing gets out. */
static void
test_libxml2_prints_nothing_to_stderr(void **state)
{
	struct tmp	*t = *state;
	char		 out[PATH_MAX];
	struct stat	 st;
	int		 saved;

	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
	join(out, t->dir, "stderr.txt");
	saved = stderr_to(out);
	load_noisy_files(t->dir);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_size, 0);
}

/* A program's own libxml2 handlers are neither called nor replaced. */
static void
test_callers_libxml2_handlers_are_restored(void **state)
{
	struct tmp	*t = *state;
	int		 marker;

	sentinel_calls = 0;
	xmlSetGenericErrorFunc(&marker, sentinel_generic);
	xmlSetStructuredErrorFunc(&marker, sentinel_structured);
	load_noisy_files(t->dir);
	assert_true(xmlGenericError == sentinel_generic);
	assert_ptr_equal(xmlGenericErrorContext, &marker);
	assert_true(xmlStructuredError == sentinel_structured);
	assert_ptr_equal(xmlStructuredErrorContext, &marker);
	xmlSetGenericErrorFunc(NULL, NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
	assert_int_equal(sentinel_calls, 0);
}

static void
write_strict_schema(const char *dir)
{
	static const char	 optional[] =
	    "<optional><ref name=\"port\"/></optional>";
	char			*text, *at;

	/* The real schema, except that <port> becomes required. */
	text = read_text(SCHEMA);
	assert_non_null(at = strstr(text, optional));
	memset(at, ' ', strlen(optional));
	memcpy(at + strlen("<optional>"), "<ref name=\"port\"/>",
	    strlen("<ref name=\"port\"/>"));
	write_file(dir, "strict.rng", text, 0644);
	free(text);
}

/* When our reading finds nothing, the schema's verdict still holds. */
static void
test_schema_verdict_is_reported_when_only_the_schema_objects(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 schema[PATH_MAX], path[PATH_MAX];

	write_strict_schema(t->dir);
	join(schema, t->dir, "strict.rng");
	copy_fixture("good", "full.xml", t->dir);
	join(path, t->dir, "full.xml");
	load_ok(path, schema, &conf);

	copy_fixture("good", "minimal.xml", t->dir);
	join(path, t->dir, "minimal.xml");
	assert_int_equal(conf_load(path, schema, &conf, &err), -1);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "does not match the schema: "));
	assert_non_null(strstr(err.msg, "port"));
}

static void
test_unusable_schema_is_named(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 schema[PATH_MAX], path[PATH_MAX];

	copy_fixture("good", "minimal.xml", t->dir);
	join(path, t->dir, "minimal.xml");
	assert_int_equal(conf_load(path, "/nonexistent/failover.rng", &conf,
	    &err), -1);
	assert_string_equal(err.file, "/nonexistent/failover.rng");
	assert_non_null(strstr(err.msg, "cannot use the schema"));

	/* Not even XML: <start> is never closed. */
	write_file(t->dir, "broken.rng",
	    "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">\n"
	    "<start>\n</grammar>\n", 0644);
	join(schema, t->dir, "broken.rng");
	assert_int_equal(conf_load(path, schema, &conf, &err), -1);
	assert_string_equal(err.file, schema);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "cannot use the schema"));

	/* XML, but no grammar: the reference leads nowhere. */
	write_file(t->dir, "broken.rng",
	    "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\">\n"
	    "<start><ref name=\"nowhere\"/></start>\n</grammar>\n", 0644);
	assert_int_equal(conf_load(path, schema, &conf, &err), -1);
	assert_string_equal(err.file, schema);
	assert_non_null(strstr(err.msg, "cannot use the schema: "));
	assert_non_null(strstr(err.msg, "nowhere"));
}

static void
test_null_schema_means_the_installed_one(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX];

	copy_fixture("good", "minimal.xml", t->dir);
	join(path, t->dir, "minimal.xml");
	if (access(PKGDATADIR "/failover.rng", R_OK) == 0) {
		load_ok(path, NULL, &conf);
		return;
	}
	assert_int_equal(conf_load(path, NULL, &conf, &err), -1);
	assert_string_equal(err.file, PKGDATADIR "/failover.rng");
	assert_non_null(strstr(err.msg, "cannot use the schema"));
}

static void
test_legacy_file_needs_no_schema(void **state)
{
	struct tmp	*t = *state;
	struct config	 conf;
	char		 path[PATH_MAX];

	copy_fixture("good", "legacy.conf", t->dir);
	join(path, t->dir, "legacy.conf");
	load_ok(path, "/nonexistent/failover.rng", &conf);
	assert_int_equal(conf.legacy, 1);
	assert_int_equal(conf.failtime_ms, 30000);
}

static void
test_refusal_leaves_the_callers_config_alone(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf, before;
	struct conf_error	 err;
	char			 path[PATH_MAX];

	memset(&conf, 0x5a, sizeof(conf));
	before = conf;
	copy_fixture("bad", "interval-half.xml", t->dir);
	join(path, t->dir, "interval-half.xml");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_memory_equal(&conf, &before, sizeof(conf));
}

/* Defaults hang off the file's directory, made absolute at load. */
static void
test_relative_path_is_made_absolute(void **state)
{
	struct tmp	*t = *state;
	struct config	 conf;
	char		 want[PATH_MAX];
	int		 cwd;

	copy_fixture("good", "minimal.xml", t->dir);
	assert_true((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0);
	assert_int_equal(chdir(t->dir), 0);
	load_ok("./minimal.xml", SCHEMA, &conf);
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	join(want, t->dir, "minimal.xml");
	assert_string_equal(conf.path, want);
	join(want, t->dir, "failover_add.sh");
	assert_string_equal(conf.add_script, want);
	join(want, t->dir, "failover.key");
	assert_string_equal(conf.keyfile, want);
}

static void
test_unreadable_file_is_refused_for_the_whole_file(void **state)
{
	struct tmp		*t = *state;
	struct config		 conf;
	struct conf_error	 err;
	char			 path[PATH_MAX];

	join(path, t->dir, "absent.xml");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.file, path);
	assert_string_equal(err.msg, "cannot open: No such file or directory");

	join(path, t->dir, "scripts.d");
	assert_int_equal(conf_load(path, SCHEMA, &conf, &err), -1);
	assert_string_equal(err.msg, "expected a regular file");
}

/* Names that XML must escape survive the writer and the reader. */
static void
test_markup_in_values_round_trips(void **state)
{
	struct tmp	*t = *state;
	struct config	 conf;
	char		 path[PATH_MAX], want[PATH_MAX];

	write_file(t->dir, "a&b<c>'\"d.sh", SCRIPT_TEXT, 0755);
	write_minimal(t->dir, "markup.xml", "3",
	    "<addscript>a&amp;b&lt;c&gt;'\"d.sh</addscript>\n"
	    "<control group=\"ops&amp;&quot;x&lt;\"/>\n");
	join(path, t->dir, "markup.xml");
	load_ok(path, SCHEMA, &conf);
	join(want, t->dir, "a&b<c>'\"d.sh");
	assert_string_equal(conf.add_script, want);
	assert_string_equal(conf.ctl_group, "ops&\"x<");
	round_trip(&conf, t->dir, "markup");
}

static void
test_writer_refuses_what_xml_cannot_carry(void **state)
{
	struct tmp	*t = *state;
	struct config	 conf;
	char		 path[PATH_MAX];
	FILE		*out;

	copy_fixture("good", "full.xml", t->dir);
	join(path, t->dir, "full.xml");
	load_ok(path, SCHEMA, &conf);
	snprintf(conf.keyfile, sizeof(conf.keyfile), "/etc/\xff\xfe.key");
	assert_non_null(out = tmpfile());
	errno = 0;
	assert_int_equal(conf_write_xml(&conf, out), -1);
	assert_int_equal(errno, EILSEQ);
	fclose(out);

	load_ok(path, SCHEMA, &conf);
	assert_non_null(out = fopen("/dev/null", "r"));
	assert_int_equal(conf_write_xml(&conf, out), -1);
	fclose(out);
}

static void
load_example(const char *dir, const char *name, struct config *conf)
{
	char	 src[PATH_MAX], path[PATH_MAX], *text;

	/* The examples live beside the schema, in conf/. */
	snprintf(src, sizeof(src), "%s", SCHEMA);
	snprintf(strrchr(src, '/') + 1, sizeof(src) - strlen(SCHEMA), "%s",
	    name);
	text = read_text(src);
	write_file(dir, name, text, 0644);
	free(text);
	join(path, dir, name);
	load_ok(path, SCHEMA, conf);
}

static void
test_shipped_examples_are_valid(void **state)
{
	struct tmp	*t = *state;
	struct config	 xml, legacy;

	load_example(t->dir, "failover.xml.example", &xml);
	load_example(t->dir, "failover.conf.example", &legacy);
	assert_int_equal(xml.legacy, 0);
	assert_int_equal(legacy.legacy, 1);
	assert_int_equal(xml.ismaster, 1);
	assert_int_equal(xml.alias_prefix, 24);
	assert_int_equal(xml.failtime_ms, 3000);
	assert_int_equal(legacy.failtime_ms, 30000);
	assert_int_equal(xml.aliasip.s_addr, legacy.aliasip.s_addr);
	assert_int_equal(xml.otherip.s_addr, legacy.otherip.s_addr);
}

static void
test_errors_format_as_file_line_message(void **state)
{
	struct conf_error	err;
	char			buf[64];

	(void)state;
	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "/etc/ipfailover/failover.xml");
	snprintf(err.msg, sizeof(err.msg), "port: expected a number");
	err.line = 12;
	conf_format_error(&err, buf, sizeof(buf));
	assert_string_equal(buf,
	    "/etc/ipfailover/failover.xml:12: port: expected a number");
	err.line = 0;
	conf_format_error(&err, buf, sizeof(buf));
	assert_string_equal(buf,
	    "/etc/ipfailover/failover.xml: port: expected a number");
	conf_format_error(&err, buf, 10);
	assert_string_equal(buf, "/etc/ipfa");
	err.file[0] = '\0';
	conf_format_error(&err, buf, sizeof(buf));
	assert_string_equal(buf, "port: expected a number");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup_dir, teardown_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_every_bad_file_is_refused_with_its_line_and_message),
		T(test_good_files_give_the_expected_values_and_round_trip),
		T(test_seconds_are_read_exactly),
		T(test_safety_settings_are_read_and_checked),
		T(test_script_in_a_directory_others_may_write_is_refused),
		T(test_malformed_or_out_of_range_seconds_are_refused),
		T(test_interval_may_be_half_of_failtime_but_no_more),
		cmocka_unit_test(test_default_interval_is_a_fifth_within_bounds),
		T(test_defaulted_scripts_are_checked_and_named_as_defaults),
		T(test_script_of_another_user_is_refused),
		T(test_libxml2_prints_nothing_to_stderr),
		T(test_callers_libxml2_handlers_are_restored),
		T(test_schema_verdict_is_reported_when_only_the_schema_objects),
		T(test_unusable_schema_is_named),
		T(test_null_schema_means_the_installed_one),
		T(test_legacy_file_needs_no_schema),
		T(test_refusal_leaves_the_callers_config_alone),
		T(test_relative_path_is_made_absolute),
		T(test_unreadable_file_is_refused_for_the_whole_file),
		T(test_markup_in_values_round_trips),
		T(test_writer_refuses_what_xml_cannot_carry),
		T(test_shipped_examples_are_valid),
		cmocka_unit_test(test_errors_format_as_file_line_message),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
