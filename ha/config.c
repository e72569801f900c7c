/*
 * Reading the configuration: the XML file, validated against the RelaxNG
 * schema and then value by value, or the legacy four-line file.  Both end
 * in one struct config with every default filled in, and the add and
 * remove scripts checked as safe to run as root.
 *
 * Runs in failoverd's privileged part, at start and on reload, and in
 * failoverctl.  It never logs and never exits: every refusal goes to the
 * caller's conf_error, and libxml2 is kept from printing on its own.
 */

#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>

#include "config.h"

#define CONF_FILE_MAX		(1024 * 1024)	/* bytes; larger is refused */
#define CONF_SCHEMA_DEFAULT	PKGDATADIR "/failover.rng"
#define CONF_STATEDIR_DEFAULT	LOCALSTATEDIR "/lib/ipfailover"
#define CONF_SOCKET_DEFAULT	RUNSTATEDIR "/ipfailover/failoverd.sock"
#define CONF_INTERVAL_MAX_MS	1000	/* cap of the default interval */
#define CONF_TIMEOUT_MIN_MS	100
#define CONF_TIMEOUT_MAX_MS	600000
#define CONF_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_BIG_LINES)
#define UTF8_BOM		"\xef\xbb\xbf"	/* some editors start files so */

enum field {
	F_ISMASTER,
	F_ALIASIP,
	F_OTHERIP,
	F_FAILTIME,
	F_LOCALIP,
	F_INTERFACE,
	F_INTERVAL,
	F_PORT,
	F_KEYFILE,
	F_ADDSCRIPT,
	F_REMOVESCRIPT,
	F_SCRIPTTIMEOUT,
	F_STATEDIR,
	F_CONTROL,
	F_MODE,
	F_ADDRESSLEASE,
	F_NEARMISS,
	F_READINESS,
	F_COUNT
};

struct loader {
	struct config		 conf;		/* built here, copied out if good */
	struct conf_error	*err;
	const char		*file;		/* as the caller named it */
	char			 dir[PATH_MAX];	/* of the file, absolute */
	int			 line;		/* of the value being read */
	int			 lines[F_COUNT];	/* where given; 0: default */
};

struct field_desc {
	const char	*name;
	int		 required;
	int		(*text)(struct loader *, const char *);	/* NULL: empty */
	const char	*attrs[2];	/* attributes it may carry */
	int		(*attr)(struct loader *, const char *, const char *);
};

/* What libxml2 reports while we parse or validate, kept off stderr. */
struct xml_catch {
	struct conf_error	*err;
	const char		*file;	/* when libxml2 names none */
	const char		*what;	/* prefix of the message */
	int			 caught;
};

struct xml_saved {
	xmlGenericErrorFunc	 generic;
	void			*generic_ctx;
	xmlStructuredErrorFunc	 structured;
	void			*structured_ctx;
};

static int	set_ismaster(struct loader *, const char *);
static int	set_aliasip(struct loader *, const char *);
static int	set_otherip(struct loader *, const char *);
static int	set_localip(struct loader *, const char *);
static int	set_interface(struct loader *, const char *);
static int	set_failtime(struct loader *, const char *);
static int	set_interval(struct loader *, const char *);
static int	set_port(struct loader *, const char *);
static int	set_keyfile(struct loader *, const char *);
static int	set_addscript(struct loader *, const char *);
static int	set_removescript(struct loader *, const char *);
static int	set_scripttimeout(struct loader *, const char *);
static int	set_statedir(struct loader *, const char *);
static int	set_prefix(struct loader *, const char *, const char *);
static int	set_control(struct loader *, const char *, const char *);
static int	set_path(struct loader *, const char *, const char *, char *,
		    size_t);
static int	set_mode(struct loader *, const char *);
static int	set_addresslease(struct loader *, const char *);
static int	set_nearmiss(struct loader *, const char *);
static int	set_readiness(struct loader *, const char *);
static int	set_readiness_attr(struct loader *, const char *,
		    const char *);

/* Indexed by enum field; the first four are the legacy keys too. */
static const struct field_desc fields[F_COUNT] = {
	{ "ismaster",	1, set_ismaster,	{ NULL },	NULL },
	{ "aliasip",	1, set_aliasip,		{ "prefix" },	set_prefix },
	{ "otherip",	1, set_otherip,		{ NULL },	NULL },
	{ "failtime",	1, set_failtime,	{ NULL },	NULL },
	{ "localip",	0, set_localip,		{ NULL },	NULL },
	{ "interface",	0, set_interface,	{ NULL },	NULL },
	{ "interval",	0, set_interval,	{ NULL },	NULL },
	{ "port",	0, set_port,		{ NULL },	NULL },
	{ "keyfile",	0, set_keyfile,		{ NULL },	NULL },
	{ "addscript",	0, set_addscript,	{ NULL },	NULL },
	{ "removescript", 0, set_removescript,	{ NULL },	NULL },
	{ "scripttimeout", 0, set_scripttimeout, { NULL },	NULL },
	{ "statedir",	0, set_statedir,	{ NULL },	NULL },
	{ "control",	0, NULL,	{ "socket", "group" },	set_control },
	{ "mode",	0, set_mode,		{ NULL },	NULL },
	{ "addresslease", 0, set_addresslease,	{ NULL },	NULL },
	{ "nearmiss",	0, set_nearmiss,	{ NULL },	NULL },
	{ "readiness",	0, set_readiness,	{ "interval", "timeout" },
	    set_readiness_attr },
};

#define ELEMENT_LIST	"ismaster, aliasip, otherip, failtime, localip, " \
	"interface, interval, port, keyfile, addscript, removescript, " \
	"scripttimeout, statedir, control, mode, addresslease, nearmiss, " \
	"readiness"
#define LEGACY_KEYS	4	/* F_ISMASTER..F_FAILTIME */

static int fail(struct loader *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct loader *ld, int line, const char *fmt, ...)
{
	va_list	ap;

	ld->err->line = line;
	va_start(ap, fmt);
	vsnprintf(ld->err->msg, sizeof(ld->err->msg), fmt, ap);
	va_end(ap);
	return (-1);
}

/*
 * Messages quote values from the file, and libxml2's quote its input, as
 * they are: a control byte in one must not split a log line or reach a
 * terminal.
 */
static void
defang(char *msg)
{
	for (; *msg != '\0'; msg++)
		if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
			*msg = '?';
}

/* Strips white space at both ends, in place. */
static char *
trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return (s);
}

/* Decimal digits only; values above MAX come back as MAX + 1. */
static int
parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t	v = 0;

	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		if (v <= max)
			v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v > max ? max + 1 : (uint32_t)v;
	return (0);
}

/*
 * Seconds as "S" or "S.F" with one to three decimals, read digit by digit
 * so that "0.03" is exactly 30 ms, which strtod() cannot promise.
 * Returns -1 when it is no such number, -2 when it has more decimals;
 * huge values saturate, for the caller's range check to refuse.
 */
static int
parse_ms(const char *s, uint32_t *ms)
{
	uint64_t	 whole = 0, frac = 0;
	int		 digits = 0;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++)
		if (whole < UINT32_MAX)
			whole = whole * 10 + (uint64_t)(*p - '0');
	if (p == s || (*p != '\0' && *p != '.'))
		return (-1);
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
		if (digits == 0 || *p != '\0')
			return (-1);
		if (digits > 3)
			return (-2);
	}
	for (; digits < 3; digits++)
		frac *= 10;
	whole = whole * 1000 + frac;
	*ms = whole > UINT32_MAX ? UINT32_MAX : (uint32_t)whole;
	return (0);
}

/* "3", "0.5", "0.03": the shortest exact form, as the files write it. */
static void
format_seconds(uint32_t ms, char *buf, size_t len)
{
	size_t	n;

	if (ms % 1000 == 0) {
		snprintf(buf, len, "%u", ms / 1000);
		return;
	}
	snprintf(buf, len, "%u.%03u", ms / 1000, ms % 1000);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
}

static int
set_seconds(struct loader *ld, const char *name, const char *v,
    uint32_t min, uint32_t max, uint32_t *out)
{
	char	lo[16], hi[16];
	int	rc;

	rc = parse_ms(v, out);
	if (rc == -2)
		return (fail(ld, ld->line,
		    "%s: expected seconds with at most 3 decimals, got '%s'",
		    name, v));
	format_seconds(min, lo, sizeof(lo));
	format_seconds(max, hi, sizeof(hi));
	if (rc == -1 || *out < min || *out > max)
		return (fail(ld, ld->line,
		    "%s: expected seconds between %s and %s, got '%s'",
		    name, lo, hi, v));
	return (0);
}

static int
set_failtime(struct loader *ld, const char *v)
{
	return (set_seconds(ld, "failtime", v, CONF_FAILTIME_MIN_MS,
	    CONF_FAILTIME_MAX_MS, &ld->conf.failtime_ms));
}

/* The upper bound, half of failtime, is checked once both are known. */
static int
set_interval(struct loader *ld, const char *v)
{
	return (set_seconds(ld, "interval", v, CONF_INTERVAL_MIN_MS,
	    CONF_FAILTIME_MAX_MS / 2, &ld->conf.interval_ms));
}

static int
set_scripttimeout(struct loader *ld, const char *v)
{
	return (set_seconds(ld, "scripttimeout", v, CONF_TIMEOUT_MIN_MS,
	    CONF_TIMEOUT_MAX_MS, &ld->conf.script_timeout_ms));
}

static int
set_mode(struct loader *ld, const char *v)
{
	if (strcmp(v, "auto") != 0 && strcmp(v, "manual") != 0)
		return (fail(ld, ld->line,
		    "mode: expected auto or manual, got '%s'", v));
	ld->conf.manual = strcmp(v, "manual") == 0;
	return (0);
}

static int
set_addresslease(struct loader *ld, const char *v)
{
	if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
		return (fail(ld, ld->line,
		    "addresslease: expected true or false, got '%s'", v));
	ld->conf.address_lease = strcmp(v, "true") == 0;
	return (0);
}

/* A share of failtime, read like seconds: "0.5" is 500 per mille. */
static int
set_nearmiss(struct loader *ld, const char *v)
{
	if (parse_ms(v, &ld->conf.nearmiss_permille) != 0 ||
	    ld->conf.nearmiss_permille < CONF_NEARMISS_MIN ||
	    ld->conf.nearmiss_permille > CONF_NEARMISS_MAX)
		return (fail(ld, ld->line,
		    "nearmiss: expected a share of failtime between 0.1 and 0.95, got '%s'",
		    v));
	return (0);
}

static int
set_readiness(struct loader *ld, const char *v)
{
	return (set_path(ld, "readiness", v, ld->conf.readiness,
	    sizeof(ld->conf.readiness)));
}

static int
set_readiness_attr(struct loader *ld, const char *name, const char *v)
{
	char	label[32];

	snprintf(label, sizeof(label), "readiness %s", name);
	if (strcmp(name, "interval") == 0)
		return (set_seconds(ld, label, v, CONF_READINESS_MIN_MS,
		    CONF_FAILTIME_MAX_MS, &ld->conf.readiness_interval_ms));
	return (set_seconds(ld, label, v, CONF_TIMEOUT_MIN_MS,
	    CONF_TIMEOUT_MAX_MS, &ld->conf.readiness_timeout_ms));
}

/* The legacy file also knew yes/no and 1/0, in any case. */
static int
set_ismaster(struct loader *ld, const char *v)
{
	int	legacy = ld->conf.legacy;
	int	(*cmp)(const char *, const char *);

	cmp = legacy ? strcasecmp : strcmp;
	if (cmp(v, "true") == 0 || (legacy && (cmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0))) {
		ld->conf.ismaster = 1;
		return (0);
	}
	if (cmp(v, "false") == 0 || (legacy && (cmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0))) {
		ld->conf.ismaster = 0;
		return (0);
	}
	if (legacy)
		return (fail(ld, ld->line,
		    "ismaster: expected true, false, yes, no, 1 or 0, got '%s'",
		    v));
	return (fail(ld, ld->line,
	    "ismaster: expected true or false, got '%s'", v));
}

/*
 * 0.0.0.0/8, multicast and the reserved class E (with the limited
 * broadcast) can be no node's own address nor a floating one.
 */
static int
set_addr(struct loader *ld, const char *name, const char *v,
    struct in_addr *out)
{
	uint32_t	a;

	/* inet_pton() takes no short forms ("10.1") and no leading zeros. */
	if (inet_pton(AF_INET, v, out) != 1)
		return (fail(ld, ld->line,
		    "%s: expected a dotted IPv4 address, got '%s'", name, v));
	a = ntohl(out->s_addr);
	if ((a >> 24) == 0 || (a >> 28) >= 0xe)
		return (fail(ld, ld->line,
		    "%s: expected a unicast IPv4 address, got '%s'", name, v));
	return (0);
}

static int
set_aliasip(struct loader *ld, const char *v)
{
	return (set_addr(ld, "aliasip", v, &ld->conf.aliasip));
}

static int
set_otherip(struct loader *ld, const char *v)
{
	return (set_addr(ld, "otherip", v, &ld->conf.otherip));
}

static int
set_localip(struct loader *ld, const char *v)
{
	return (set_addr(ld, "localip", v, &ld->conf.localip));
}

static int
set_prefix(struct loader *ld, const char *name, const char *v)
{
	uint32_t	prefix;

	(void)name;
	if (parse_uint(v, 32, &prefix) == -1 || prefix > 32)
		return (fail(ld, ld->line,
		    "aliasip: expected a prefix between 0 and 32, got '%s'",
		    v));
	ld->conf.alias_prefix = (int)prefix;
	return (0);
}

/* The kernel refuses these names too (dev_valid_name()). */
static int
set_interface(struct loader *ld, const char *v)
{
	size_t	len = strlen(v);

	if (len == 0 || len >= IF_NAMESIZE || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0 || strpbrk(v, "/: \t\n\r") != NULL)
		return (fail(ld, ld->line,
		    "interface: expected a name of 1 to %d characters without '/', ':' or spaces, got '%s'",
		    IF_NAMESIZE - 1, v));
	memcpy(ld->conf.interface, v, len + 1);
	return (0);
}

static int
set_port(struct loader *ld, const char *v)
{
	uint32_t	port;

	if (parse_uint(v, 65535, &port) == -1 || port == 0 || port > 65535)
		return (fail(ld, ld->line,
		    "port: expected a number between 1 and 65535, got '%s'",
		    v));
	ld->conf.port = (uint16_t)port;
	return (0);
}

/* Relative paths are taken from the configuration file's directory. */
static int
set_path(struct loader *ld, const char *name, const char *v, char *out,
    size_t len)
{
	int	n;

	if (*v == '\0')
		return (fail(ld, ld->line,
		    "%s: expected a path, got ''", name));
	if (*v == '/')
		n = snprintf(out, len, "%s", v);
	else
		n = snprintf(out, len, "%s%s%s", ld->dir,
		    strcmp(ld->dir, "/") == 0 ? "" : "/", v);
	if (n < 0 || (size_t)n >= len)
		return (fail(ld, ld->line,
		    "%s: expected a path shorter than %zu bytes, got '%s'",
		    name, len, v));
	return (0);
}

static int
set_keyfile(struct loader *ld, const char *v)
{
	return (set_path(ld, "keyfile", v, ld->conf.keyfile,
	    sizeof(ld->conf.keyfile)));
}

static int
set_addscript(struct loader *ld, const char *v)
{
	return (set_path(ld, "addscript", v, ld->conf.add_script,
	    sizeof(ld->conf.add_script)));
}

static int
set_removescript(struct loader *ld, const char *v)
{
	return (set_path(ld, "removescript", v, ld->conf.remove_script,
	    sizeof(ld->conf.remove_script)));
}

static int
set_statedir(struct loader *ld, const char *v)
{
	return (set_path(ld, "statedir", v, ld->conf.statedir,
	    sizeof(ld->conf.statedir)));
}

/* The socket path must fit sun_path, which is far below PATH_MAX. */
static int
set_control(struct loader *ld, const char *name, const char *v)
{
	struct sockaddr_un	sun;

	/* An empty group is the default: only root may change state. */
	if (strcmp(name, "group") == 0) {
		if (strlen(v) >= sizeof(ld->conf.ctl_group))
			return (fail(ld, ld->line,
			    "control: expected a group name shorter than %zu bytes, got '%s'",
			    sizeof(ld->conf.ctl_group), v));
		strcpy(ld->conf.ctl_group, v);
		return (0);
	}
	if (set_path(ld, "control socket", v, ld->conf.ctl_socket,
	    sizeof(sun.sun_path)) == -1)
		return (-1);
	return (0);
}

static void
join_dir(const char *dir, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/",
	    name);
}

/*
 * The file's own path is made absolute, because the defaults and the
 * relative paths hang off its directory and failoverd later runs in "/".
 * Symbolic links are kept: "beside the file" means where it was named.
 */
static int
loader_init(struct loader *ld, const char *path)
{
	struct config	*c = &ld->conf;
	char		 cwd[PATH_MAX], *slash;
	int		 n;

	while (path[0] == '.' && path[1] == '/')
		path += 1 + strspn(path + 1, "/");
	if (*path == '/')
		n = snprintf(c->path, sizeof(c->path), "%s", path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return (fail(ld, 0,
		    "cannot find the current directory: %s", strerror(errno)));
	else
		n = snprintf(c->path, sizeof(c->path), "%s/%s",
		    strcmp(cwd, "/") == 0 ? "" : cwd, path);
	if (n < 0 || (size_t)n >= sizeof(c->path))
		return (fail(ld, 0,
		    "expected a path shorter than %zu bytes", sizeof(c->path)));

	strcpy(ld->dir, c->path);
	slash = strrchr(ld->dir, '/');
	slash[slash == ld->dir ? 1 : 0] = '\0';

	c->port = CONF_PORT_DEFAULT;
	c->script_timeout_ms = CONF_SCRIPT_TIMEOUT_MS;
	c->address_lease = 1;
	c->nearmiss_permille = CONF_NEARMISS_DEFAULT;
	c->readiness_interval_ms = CONF_READINESS_INTERVAL_MS;
	c->readiness_timeout_ms = CONF_SCRIPT_TIMEOUT_MS;
	join_dir(ld->dir, "failover.key", c->keyfile, sizeof(c->keyfile));
	join_dir(ld->dir, "failover_add.sh", c->add_script,
	    sizeof(c->add_script));
	join_dir(ld->dir, "failover_remove.sh", c->remove_script,
	    sizeof(c->remove_script));
	snprintf(c->statedir, sizeof(c->statedir), "%s",
	    CONF_STATEDIR_DEFAULT);
	snprintf(c->ctl_socket, sizeof(c->ctl_socket), "%s",
	    CONF_SOCKET_DEFAULT);
	return (0);
}

/* The whole file, NUL-terminated; a config file is never large. */
static int
read_file(struct loader *ld, const char *path, char **text, size_t *len)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	int		 fd, rc = -1;

	/* O_NONBLOCK: a FIFO must not hang us; fstat refuses it below. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return (fail(ld, 0, "cannot open: %s", strerror(errno)));

	/* A FIFO or a device could block the reload, or never end. */
	if (fstat(fd, &st) == -1) {
		fail(ld, 0, "cannot stat: %s", strerror(errno));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(ld, 0, "expected a regular file");
		goto close_fd;
	}
	if ((buf = malloc(CONF_FILE_MAX + 1)) == NULL) {
		fail(ld, 0, "cannot read: %s", strerror(errno));
		goto close_fd;
	}

	*len = 0;
	while (*len <= CONF_FILE_MAX) {
		n = read(fd, buf + *len, CONF_FILE_MAX + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail(ld, 0, "cannot read: %s", strerror(errno));
			goto free_buf;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	if (*len > CONF_FILE_MAX) {
		fail(ld, 0,
		    "expected a file of at most %d bytes", CONF_FILE_MAX);
		goto free_buf;
	}
	buf[*len] = '\0';
	*text = buf;
	buf = NULL;
	rc = 0;
free_buf:
	free(buf);
close_fd:
	close(fd);
	return (rc);
}

/*
 * The legacy format never starts with '<', an XML document always does
 * once white space, a byte order mark and '#' comment lines are skipped.
 */
static int
looks_like_xml(const char *text)
{
	const char	*p = text;

	if (strncmp(p, UTF8_BOM, 3) == 0)
		p += 3;
	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p != '#')
			return (*p == '<');
		p += strcspn(p, "\n");
	}
}

static int
find_field(const char *name, int count)
{
	int	i;

	for (i = 0; i < count; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (i);
	return (-1);
}

/* Splits "key value" and refuses what the original format never had. */
static int
legacy_line(struct loader *ld, char *line)
{
	char	*key, *value;
	int	 id;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return (0);

	value = key + strcspn(key, " \t");
	if (*value != '\0')
		*value++ = '\0';
	value = trim(value);

	if ((id = find_field(key, LEGACY_KEYS)) == -1)
		return (fail(ld, ld->line,
		    "%s: unknown key; expected failtime, ismaster, aliasip or otherip",
		    key));
	if (ld->lines[id] != 0)
		return (fail(ld, ld->line,
		    "%s: expected once, already given at line %d",
		    key, ld->lines[id]));
	if (*value == '\0')
		return (fail(ld, ld->line,
		    "%s: expected a value after the key", key));
	if (value[strcspn(value, " \t")] != '\0')
		return (fail(ld, ld->line,
		    "%s: expected one value, got '%s'", key, value));
	ld->lines[id] = ld->line;
	return (fields[id].text(ld, value));
}

static int
legacy_load(struct loader *ld, char *text, size_t len)
{
	char	*line, *next;
	int	 id;

	ld->conf.legacy = 1;
	if (strlen(text) != len)
		return (fail(ld, 0, "expected text, got a NUL byte"));
	if (strncmp(text, UTF8_BOM, 3) == 0)
		text += 3;

	for (line = text, ld->line = 1; line != NULL; ld->line++) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (legacy_line(ld, line) == -1)
			return (-1);
		line = next;
	}

	for (id = 0; id < LEGACY_KEYS; id++)
		if (ld->lines[id] == 0)
			return (fail(ld, 0,
			    "%s: missing key; the legacy format needs failtime, ismaster, aliasip and otherip",
			    fields[id].name));
	return (0);
}

static int
node_line(xmlNode *n)
{
	long	line = xmlGetLineNo(n);

	return (line > 0 && line < INT_MAX ? (int)line : 1);
}

static int
attr_allowed(const struct field_desc *f, const xmlAttr *a)
{
	size_t	i;

	if (a->ns != NULL)
		return (0);
	for (i = 0; i < 2 && f->attrs[i] != NULL; i++)
		if (strcmp((const char *)a->name, f->attrs[i]) == 0)
			return (1);
	return (0);
}

static int
unknown_attr(struct loader *ld, const struct field_desc *f,
    const char *name)
{
	const char	*first = f->attrs[0] != NULL ? f->attrs[0] : "none";

	if (f->attrs[1] == NULL)
		return (fail(ld, ld->line,
		    "%s: unknown attribute '%s'; expected %s",
		    f->name, name, first));
	return (fail(ld, ld->line,
	    "%s: unknown attribute '%s'; expected %s or %s",
	    f->name, name, first, f->attrs[1]));
}

static int
xml_attrs(struct loader *ld, const struct field_desc *f, xmlNode *n)
{
	xmlAttr		*a;
	xmlChar		*raw;
	const char	*name;
	int		 rc = 0;

	for (a = n->properties; a != NULL && rc == 0; a = a->next) {
		name = (const char *)a->name;
		if (!attr_allowed(f, a))
			return (unknown_attr(ld, f, name));
		if ((raw = xmlNodeGetContent((xmlNode *)a)) == NULL)
			return (fail(ld, ld->line,
			    "%s: out of memory", f->name));
		rc = f->attr(ld, name, trim((char *)raw));
		xmlFree(raw);
	}
	return (rc);
}

static int
xml_text(struct loader *ld, const struct field_desc *f, xmlNode *n)
{
	xmlNode	*c;
	xmlChar	*raw;
	char	*v;
	int	 rc;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return (fail(ld, node_line(c),
			    "%s: expected text only, got element <%s>",
			    f->name, (const char *)c->name));
	if ((raw = xmlNodeGetContent(n)) == NULL)
		return (fail(ld, ld->line, "%s: out of memory", f->name));
	v = trim((char *)raw);
	if (f->text != NULL)
		rc = f->text(ld, v);
	else if (*v != '\0')
		rc = fail(ld, ld->line,
		    "%s: expected an empty element, got '%s'", f->name, v);
	else
		rc = 0;
	xmlFree(raw);
	return (rc);
}

static int
xml_element(struct loader *ld, xmlNode *n)
{
	const char	*name = (const char *)n->name;
	int		 id;

	ld->line = node_line(n);
	if (n->ns != NULL)
		return (fail(ld, ld->line,
		    "%s: expected an element without namespace", name));
	if ((id = find_field(name, F_COUNT)) == -1)
		return (fail(ld, ld->line,
		    "%s: unknown element; expected one of " ELEMENT_LIST,
		    name));
	if (ld->lines[id] != 0)
		return (fail(ld, ld->line,
		    "%s: expected once, already given at line %d",
		    name, ld->lines[id]));
	ld->lines[id] = ld->line;
	if (xml_attrs(ld, &fields[id], n) == -1)
		return (-1);
	return (xml_text(ld, &fields[id], n));
}

/*
 * libxml2 dates a text node by the line where it ends, and a CDATA
 * section not at all; the complaint should point where the text starts,
 * or failing that at the element before it.
 */
static int
xml_stray_text(struct loader *ld, xmlNode *n)
{
	xmlChar	*raw;
	char	*p;
	long	 line = xmlGetLineNo(n);

	if ((raw = xmlNodeGetContent(n)) == NULL)
		return (fail(ld, ld->line, "failover: out of memory"));
	p = (char *)raw + strspn((char *)raw, " \t\r\n");
	if (*p == '\0') {
		xmlFree(raw);
		return (0);
	}
	for (; *p != '\0'; p++)
		line -= *p == '\n';
	xmlFree(raw);
	if (n->type == XML_TEXT_NODE && line > 0 && line < INT_MAX)
		ld->line = (int)line;
	return (fail(ld, ld->line,
	    "failover: expected only elements, got text"));
}

static int
xml_child(struct loader *ld, xmlNode *n)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		return (xml_element(ld, n));
	case XML_COMMENT_NODE:
	case XML_PI_NODE:
		return (0);
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		return (xml_stray_text(ld, n));
	default:
		return (fail(ld, node_line(n),
		    "failover: expected only elements, got other content"));
	}
}

static int
xml_root(struct loader *ld, xmlNode *root)
{
	xmlChar	*version;
	xmlAttr	*a;
	int	 rc;

	ld->line = node_line(root);
	if (root->ns != NULL ||
	    strcmp((const char *)root->name, "failover") != 0)
		return (fail(ld, ld->line,
		    "%s: expected the root element <failover version=\"1\"> without namespace",
		    (const char *)root->name));
	for (a = root->properties; a != NULL; a = a->next)
		if (a->ns != NULL ||
		    strcmp((const char *)a->name, "version") != 0)
			return (fail(ld, ld->line,
			    "failover: unknown attribute '%s'; expected version",
			    (const char *)a->name));
	if ((version = xmlGetNoNsProp(root, (const xmlChar *)"version")) == NULL)
		return (fail(ld, ld->line,
		    "failover: expected attribute version=\"1\""));
	rc = strcmp(trim((char *)version), "1") == 0 ? 0 :
	    fail(ld, ld->line,
	    "failover: expected version \"1\", got '%s'", (char *)version);
	xmlFree(version);
	return (rc);
}

static int
xml_read(struct loader *ld, xmlNode *root)
{
	xmlNode	*n;
	int	 id, root_line;

	if (xml_root(ld, root) == -1)
		return (-1);
	root_line = ld->line;
	for (n = root->children; n != NULL; n = n->next)
		if (xml_child(ld, n) == -1)
			return (-1);

	/* Reported at <failover>, where the element should have been. */
	for (id = 0; id < F_COUNT; id++)
		if (fields[id].required && ld->lines[id] == 0)
			return (fail(ld, root_line,
			    "%s: missing; <failover> needs ismaster, aliasip, otherip and failtime",
			    fields[id].name));
	return (0);
}

/*
 * libxml2 reports through handlers that print to stderr by default;
 * ours keeps the first error, with file and line, for the caller.
 */
static void
xml_catch(void *arg, xmlErrorPtr e)
{
	struct xml_catch	*c = arg;
	char			 msg[sizeof(c->err->msg)];

	/* Warnings (a relative namespace URI, say) do not make it invalid. */
	if (c->caught || e == NULL || e->level < XML_ERR_ERROR)
		return;
	c->caught = 1;

	snprintf(c->err->file, sizeof(c->err->file), "%s",
	    e->file != NULL ? e->file : c->file);
	c->err->line = e->line;
	if (c->err->line <= 0 && e->node != NULL)
		c->err->line = node_line(e->node);
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	snprintf(c->err->msg, sizeof(c->err->msg), "%s: %s", c->what,
	    trim(msg));
}

static void
xml_silent(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

/*
 * libxml2 keeps these handlers per thread.  The parser and the RelaxNG
 * loader report through them, so they are ours for the duration of a
 * call, and whatever the program had set is put back afterwards.
 */
static void
xml_quiet(struct xml_saved *s, struct xml_catch *c)
{
	xmlInitParser();
	s->generic = xmlGenericError;
	s->generic_ctx = xmlGenericErrorContext;
	s->structured = xmlStructuredError;
	s->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, xml_silent);
	xmlSetStructuredErrorFunc(c, xml_catch);
}

static void
xml_restore(const struct xml_saved *s)
{
	xmlSetGenericErrorFunc(s->generic_ctx, s->generic);
	xmlSetStructuredErrorFunc(s->structured_ctx, s->structured);
}

/*
 * No network, and no entity substitution: a DOCTYPE could still declare
 * entities that pull in other files, so a document with one is refused.
 */
static xmlDoc *
xml_parse(struct loader *ld, struct xml_catch *c, const char *text,
    size_t len)
{
	xmlDoc		*doc;
	const char	*dtd;
	int		 line = 1;

	c->what = "malformed XML";
	doc = xmlReadMemory(text, (int)len, c->file, NULL, CONF_XML_OPTIONS);
	if (doc == NULL || c->caught) {
		if (!c->caught)
			fail(ld, 0, "malformed XML");
		xmlFreeDoc(doc);
		return (NULL);
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		if ((dtd = strstr(text, "<!DOCTYPE")) != NULL)
			for (; dtd > text; dtd--)
				line += *dtd == '\n';
		fail(ld, line, "failover: expected no DOCTYPE");
		xmlFreeDoc(doc);
		return (NULL);
	}
	return (doc);
}

/*
 * Returns 1 when DOC is valid, 0 when not (with the first complaint in
 * C->err), -1 when the schema itself cannot be used.
 */
static int
xml_validate(xmlDoc *doc, const char *schema, struct xml_catch *c)
{
	xmlRelaxNGParserCtxt	*pctx;
	xmlRelaxNG		*rng = NULL;
	xmlRelaxNGValidCtxt	*vctx;
	int			 rc = -1;

	c->what = "cannot use the schema";
	c->file = schema;
	if ((pctx = xmlRelaxNGNewParserCtxt(schema)) == NULL)
		goto done;
	xmlRelaxNGSetParserStructuredErrors(pctx, xml_catch, c);
	rng = xmlRelaxNGParse(pctx);
	xmlRelaxNGFreeParserCtxt(pctx);

	if (rng == NULL || (vctx = xmlRelaxNGNewValidCtxt(rng)) == NULL)
		goto done;

	c->what = "does not match the schema";
	c->file = (const char *)doc->URL;
	xmlRelaxNGSetValidStructuredErrors(vctx, xml_catch, c);
	rc = xmlRelaxNGValidateDoc(vctx, doc) == 0 ? 1 : 0;
	xmlRelaxNGFreeValidCtxt(vctx);
done:
	if (rc != 1 && !c->caught) {
		c->caught = 1;
		snprintf(c->err->file, sizeof(c->err->file), "%s", c->file);
		c->err->line = 0;
		snprintf(c->err->msg, sizeof(c->err->msg), "%s", c->what);
	}
	xmlRelaxNGFree(rng);
	return (rc);
}

/*
 * The schema has the last word on what is valid, but under <interleave>
 * libxml2 often blames the wrong element or gives no line.  So our own
 * reading, which knows each element, speaks first; the schema's verdict
 * is reported only when that reading found nothing to refuse.
 */
static int
xml_load(struct loader *ld, const char *text, size_t len,
    const char *schema)
{
	struct xml_saved	 saved;
	struct xml_catch	 c = { ld->err, ld->file, NULL, 0 };
	struct conf_error	 verdict;
	xmlDoc			*doc;
	int			 valid, rc = -1;

	xml_quiet(&saved, &c);
	if ((doc = xml_parse(ld, &c, text, len)) == NULL)
		goto restore;

	memset(&verdict, 0, sizeof(verdict));
	c.err = &verdict;
	c.caught = 0;
	if ((valid = xml_validate(doc, schema, &c)) == -1) {
		*ld->err = verdict;
		goto free_doc;
	}

	rc = xml_read(ld, xmlDocGetRootElement(doc));
	if (rc == 0 && valid == 0) {
		*ld->err = verdict;
		rc = -1;
	}
free_doc:
	xmlFreeDoc(doc);
restore:
	xml_restore(&saved);
	return (rc);
}

static int
same_addr(struct loader *ld, enum field id, struct in_addr a,
    enum field other_id, struct in_addr other)
{
	char	text[INET_ADDRSTRLEN];

	if (a.s_addr != other.s_addr)
		return (0);
	inet_ntop(AF_INET, &a, text, sizeof(text));
	return (fail(ld, ld->lines[id],
	    "%s: expected an address other than %s's, got '%s'",
	    fields[id].name, fields[other_id].name, text));
}

static int
check_addresses(struct loader *ld)
{
	const struct config	*c = &ld->conf;

	if (same_addr(ld, F_OTHERIP, c->otherip, F_ALIASIP, c->aliasip))
		return (-1);
	if (c->localip.s_addr == 0)
		return (0);
	if (same_addr(ld, F_LOCALIP, c->localip, F_ALIASIP, c->aliasip) ||
	    same_addr(ld, F_LOCALIP, c->localip, F_OTHERIP, c->otherip))
		return (-1);
	return (0);
}

/* /31 and /32 have no network or broadcast address (RFC 3021). */
static int
check_alias_host(struct loader *ld)
{
	const struct config	*c = &ld->conf;
	uint32_t		 host_mask, host;
	const char		*what;

	if (c->alias_prefix < 1 || c->alias_prefix > 30)
		return (0);
	host_mask = UINT32_MAX >> c->alias_prefix;
	host = ntohl(c->aliasip.s_addr) & host_mask;
	if (host != 0 && host != host_mask)
		return (0);
	what = host == 0 ? "network" : "broadcast";
	return (fail(ld, ld->lines[F_ALIASIP],
	    "aliasip: expected a host address, got the %s address of its /%d",
	    what, c->alias_prefix));
}

static int
check_interval(struct loader *ld)
{
	struct config	*c = &ld->conf;
	char		 half[16], got[16];

	if (ld->lines[F_INTERVAL] == 0) {
		c->interval_ms = conf_default_interval(c->failtime_ms);
		return (0);
	}

	/*
	 * At least two heartbeats must fit in failtime, or a single lost
	 * datagram would be enough to start a takeover.
	 */
	if ((uint64_t)c->interval_ms * 2 <= c->failtime_ms)
		return (0);
	format_seconds(c->failtime_ms / 2, half, sizeof(half));
	format_seconds(c->interval_ms, got, sizeof(got));
	return (fail(ld, ld->lines[F_INTERVAL],
	    "interval: expected seconds between 0.005 and %s (half of failtime), got '%s'",
	    half, got));
}

/*
 * A directory above a script must not let anyone else swap the script:
 * owned by root or by us, and writable by no one else unless sticky (as
 * /tmp is, where others cannot rename over our files).
 */
static int
check_dirs(const char *path, char *why, size_t len)
{
	char		 dir[PATH_MAX], *slash;
	struct stat	 st;

	snprintf(dir, sizeof(dir), "%s", path);
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir ? 1 : 0] = '\0';
		if (stat(dir, &st) == -1) {
			snprintf(why, len, "cannot check directory '%s': %s",
			    dir, strerror(errno));
			return (-1);
		}
		if (st.st_uid != 0 && st.st_uid != geteuid()) {
			snprintf(why, len, "its directory '%s' is owned by uid %u",
			    dir, (unsigned int)st.st_uid);
			return (-1);
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(st.st_mode & S_ISVTX)) {
			snprintf(why, len, "its directory '%s' may be written by "
			    "others (mode %04o)", dir,
			    (unsigned int)(st.st_mode & 07777));
			return (-1);
		}
		if (slash == dir)
			break;
	}
	return (0);
}

/*
 * A script runs as root whenever the address moves: anyone who can change
 * it owns the host.  Checked at load and again before every run.  errno
 * is stat's when the file cannot be found, EPERM when it is not safe.
 */
int
conf_check_file(const char *path, char *why, size_t len)
{
	struct stat	 st;
	unsigned int	 mode;
	int		 saved;

	if (stat(path, &st) == -1) {
		saved = errno;
		snprintf(why, len, "expected an existing file, got '%s': %s",
		    path, strerror(saved));
		errno = saved;
		return (-1);
	}
	mode = st.st_mode & 07777;
	if (!S_ISREG(st.st_mode))
		snprintf(why, len, "expected a regular file, got '%s'", path);
	else if (!(st.st_mode & S_IXUSR))
		snprintf(why, len, "expected a file its owner may execute, "
		    "got '%s' with mode %04o", path, mode);
	else if (st.st_uid != 0 && st.st_uid != geteuid())
		snprintf(why, len, "expected a file owned by root or uid %u, "
		    "got '%s' owned by uid %u", (unsigned int)geteuid(), path,
		    (unsigned int)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, len, "expected a file only its owner may write, "
		    "got '%s' with mode %04o", path, mode);
	else if (check_dirs(path, why, len) == 0)
		return (0);
	errno = EPERM;
	return (-1);
}

static int
check_script(struct loader *ld, enum field id, const char *path)
{
	char	why[400];
	int	line = ld->lines[id];

	if (conf_check_file(path, why, sizeof(why)) == 0)
		return (0);
	/* A defaulted script has no line: say where its name came from. */
	return (fail(ld, line, "%s%s: %s", fields[id].name,
	    line == 0 ? " (default)" : "", why));
}

/* The files are looked at last, once the content is known to be good. */
static int
finish(struct loader *ld)
{
	if (check_addresses(ld) == -1 || check_alias_host(ld) == -1 ||
	    check_interval(ld) == -1)
		return (-1);
	if (check_script(ld, F_ADDSCRIPT, ld->conf.add_script) == -1 ||
	    check_script(ld, F_REMOVESCRIPT, ld->conf.remove_script) == -1)
		return (-1);
	if (ld->conf.readiness[0] != '\0' &&
	    check_script(ld, F_READINESS, ld->conf.readiness) == -1)
		return (-1);
	return (0);
}

int
conf_load(const char *path, const char *schema, struct config *conf,
    struct conf_error *err)
{
	struct loader	*ld;
	char		*text = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	/* On the heap: a struct config holds five PATH_MAX buffers. */
	if ((ld = calloc(1, sizeof(*ld))) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return (-1);
	}
	ld->err = err;
	ld->file = path;
	if (loader_init(ld, path) == -1 ||
	    read_file(ld, path, &text, &len) == -1)
		goto free_loader;

	if (looks_like_xml(text))
		rc = xml_load(ld, text, len,
		    schema != NULL ? schema : CONF_SCHEMA_DEFAULT);
	else
		rc = legacy_load(ld, text, len);
	if (rc == 0)
		rc = finish(ld);

	/* Only a configuration found good in full replaces the caller's. */
	if (rc == 0)
		*conf = ld->conf;
	else
		defang(err->msg);
	free(text);
free_loader:
	free(ld);
	return (rc);
}

/* VALUE must be UTF-8, or the document would not be well-formed. */
static xmlNode *
add_text(xmlNode *root, const char *name, const char *value)
{
	if (!xmlCheckUTF8((const xmlChar *)value)) {
		errno = EILSEQ;
		return (NULL);
	}
	return (xmlNewTextChild(root, NULL, (const xmlChar *)name,
	    (const xmlChar *)value));
}

static xmlAttr *
add_attr(xmlNode *node, const char *name, const char *value)
{
	if (!xmlCheckUTF8((const xmlChar *)value)) {
		errno = EILSEQ;
		return (NULL);
	}
	return (xmlNewProp(node, (const xmlChar *)name,
	    (const xmlChar *)value));
}

static xmlNode *
add_seconds(xmlNode *root, const char *name, uint32_t ms)
{
	char	text[16];

	format_seconds(ms, text, sizeof(text));
	return (add_text(root, name, text));
}

static xmlNode *
add_addr(xmlNode *root, const char *name, struct in_addr addr)
{
	char	text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, text, sizeof(text));
	return (add_text(root, name, text));
}

/* Derived values (prefix, localip, interface) are written only if set. */
static int
write_network(const struct config *c, xmlNode *root)
{
	xmlNode	*alias;
	char	 num[16];

	if (add_text(root, "ismaster", c->ismaster ? "true" : "false") ==
	    NULL || (alias = add_addr(root, "aliasip", c->aliasip)) == NULL)
		return (-1);
	snprintf(num, sizeof(num), "%d", c->alias_prefix);
	if (c->alias_prefix != 0 && add_attr(alias, "prefix", num) == NULL)
		return (-1);
	if (add_addr(root, "otherip", c->otherip) == NULL)
		return (-1);
	if (c->localip.s_addr != 0 &&
	    add_addr(root, "localip", c->localip) == NULL)
		return (-1);
	if (c->interface[0] != '\0' &&
	    add_text(root, "interface", c->interface) == NULL)
		return (-1);
	snprintf(num, sizeof(num), "%u", (unsigned int)c->port);
	if (add_seconds(root, "failtime", c->failtime_ms) == NULL ||
	    add_text(root, "port", num) == NULL)
		return (-1);
	/* A derived interval stays derived, so the failtime can change. */
	if (c->interval_ms != conf_default_interval(c->failtime_ms) &&
	    add_seconds(root, "interval", c->interval_ms) == NULL)
		return (-1);
	return (0);
}

static int
write_safety(const struct config *c, xmlNode *root)
{
	xmlNode	*rd;
	char	 text[16];

	format_seconds(c->nearmiss_permille, text, sizeof(text));
	if (add_text(root, "mode", c->manual ? "manual" : "auto") == NULL ||
	    add_text(root, "addresslease", c->address_lease ? "true" :
	    "false") == NULL || add_text(root, "nearmiss", text) == NULL)
		return (-1);
	if (c->readiness[0] == '\0')
		return (0);
	if ((rd = add_text(root, "readiness", c->readiness)) == NULL)
		return (-1);
	format_seconds(c->readiness_interval_ms, text, sizeof(text));
	if (add_attr(rd, "interval", text) == NULL)
		return (-1);
	format_seconds(c->readiness_timeout_ms, text, sizeof(text));
	return (add_attr(rd, "timeout", text) == NULL ? -1 : 0);
}

static int
write_files(const struct config *c, xmlNode *root)
{
	xmlNode	*ctl;

	if (add_text(root, "keyfile", c->keyfile) == NULL ||
	    add_text(root, "addscript", c->add_script) == NULL ||
	    add_text(root, "removescript", c->remove_script) == NULL ||
	    add_seconds(root, "scripttimeout", c->script_timeout_ms) == NULL ||
	    add_text(root, "statedir", c->statedir) == NULL)
		return (-1);
	if ((ctl = xmlNewChild(root, NULL, (const xmlChar *)"control",
	    NULL)) == NULL || add_attr(ctl, "socket", c->ctl_socket) == NULL)
		return (-1);
	if (c->ctl_group[0] != '\0' &&
	    add_attr(ctl, "group", c->ctl_group) == NULL)
		return (-1);
	return (write_safety(c, root));
}

/*
 * Every value is written out, defaults too, so that the document means
 * the same wherever it is moved: failoverctl convert relies on that.
 */
int
conf_write_xml(const struct config *conf, FILE *out)
{
	struct conf_error	 ignored;
	struct xml_catch	 c = { &ignored, "", "write", 0 };
	struct xml_saved	 saved;
	xmlDoc			*doc;
	xmlNode			*root;
	int			 rc = -1;

	xml_quiet(&saved, &c);
	if ((doc = xmlNewDoc((const xmlChar *)"1.0")) == NULL)
		goto restore;
	if ((root = xmlNewDocNode(doc, NULL, (const xmlChar *)"failover",
	    NULL)) == NULL)
		goto free_doc;
	xmlDocSetRootElement(doc, root);

	if (add_attr(root, "version", "1") == NULL ||
	    write_network(conf, root) == -1 || write_files(conf, root) == -1)
		goto free_doc;

	/* A full disk shows only at the flush. */
	if (xmlDocFormatDump(out, doc, 1) == -1 || fflush(out) == EOF ||
	    ferror(out))
		goto free_doc;
	rc = 0;
free_doc:
	xmlFreeDoc(doc);
restore:
	xml_restore(&saved);
	return (rc);
}

uint32_t
conf_default_interval(uint32_t failtime_ms)
{
	uint32_t	interval = failtime_ms / 5;

	if (interval > CONF_INTERVAL_MAX_MS)
		interval = CONF_INTERVAL_MAX_MS;
	if (interval < CONF_INTERVAL_MIN_MS)
		interval = CONF_INTERVAL_MIN_MS;
	return (interval);
}

void
conf_format_error(const struct conf_error *err, char *buf, size_t len)
{
	if (err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
	else if (err->file[0] != '\0')
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
}
