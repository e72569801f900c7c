/*
 * The configuration of one node, read from XML (checked against the
 * RelaxNG schema conf/failover.rng) or from the legacy four-line
 * failover.conf.  Parsing is pure: no logging, no exit; errors go to a
 * caller's struct conf_error naming file, line and element.
 */
#ifndef IPF_CONFIG_H
#define IPF_CONFIG_H

#include <sys/types.h>
#include <netinet/in.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

#define CONF_FAILTIME_MIN_MS	30		/* 0.03 s */
#define CONF_FAILTIME_MAX_MS	3600000		/* one hour */
#define CONF_INTERVAL_MIN_MS	5
#define CONF_PORT_DEFAULT	8283
#define CONF_SCRIPT_TIMEOUT_MS	10000
#define CONF_GROUP_LEN		64
#define CONF_NEARMISS_DEFAULT	500		/* per mille of failtime */
#define CONF_NEARMISS_MIN	100
#define CONF_NEARMISS_MAX	950
#define CONF_READINESS_INTERVAL_MS 5000
#define CONF_READINESS_MIN_MS	100

struct config {
	char		path[PATH_MAX];	/* file it was read from */
	int		legacy;		/* 1: the four-line format */
	int		ismaster;	/* configured role */
	struct in_addr	aliasip;	/* floating address */
	int		alias_prefix;	/* 1..32; 0: take the interface's */
	struct in_addr	otherip;	/* the peer's own address */
	struct in_addr	localip;	/* ours; 0: the interface's */
	char		interface[IF_NAMESIZE];	/* "": derived */
	uint32_t	failtime_ms;	/* CONF_FAILTIME_MIN_MS.. */
	uint32_t	interval_ms;	/* heartbeat period, <= failtime/2 */
	uint16_t	port;		/* UDP, both ends */
	char		keyfile[PATH_MAX];
	char		add_script[PATH_MAX];
	char		remove_script[PATH_MAX];
	uint32_t	script_timeout_ms;
	char		statedir[PATH_MAX];
	char		ctl_socket[PATH_MAX];
	char		ctl_group[CONF_GROUP_LEN];	/* may change state */
	int		manual;		/* mode: an operator confirms moves */
	int		address_lease;	/* address expires unless renewed */
	uint32_t	nearmiss_permille; /* late heartbeat warning, of failtime */
	char		readiness[PATH_MAX];	/* check command; "": none */
	uint32_t	readiness_interval_ms;
	uint32_t	readiness_timeout_ms;
};

struct conf_error {
	char	file[PATH_MAX];
	int	line;		/* 0 when the error concerns the whole file */
	char	msg[512];	/* names the element or key and what was expected */
};

/*
 * Reads PATH, in either format (sniffed from its first non-blank byte),
 * into CONF with every default filled in.  Returns 0, or -1 with ERR set.
 * SCHEMA is the RelaxNG file; NULL means the installed one.  The add and
 * remove scripts are checked too: regular files, executable, owned by
 * root or by the caller, writable by no one else.
 */
int	conf_load(const char *path, const char *schema, struct config *conf,
	    struct conf_error *err);

/*
 * Checks that the file at PATH may be run as root: a regular executable
 * file owned by root or us, that nobody else may write or swap through a
 * directory above it.  Returns 0, or -1 with WHY set.
 */
int	conf_check_file(const char *path, char *why, size_t len);

/* The interval used when the file gives none, from the failtime. */
uint32_t conf_default_interval(uint32_t failtime_ms);

/* Writes CONF as an XML document that conf_load() reads back the same. */
int	conf_write_xml(const struct config *conf, FILE *out);

/* "file:line: message", for logs and stderr. */
void	conf_format_error(const struct conf_error *err, char *buf, size_t len);

#endif
