/*
 * Logging for failoverd: syslog (daemon facility, with the pid) once
 * detached, stderr with a monotonic-free wall-clock stamp in the
 * foreground.  Every function keeps errno intact.
 */
#ifndef IPF_LOG_H
#define IPF_LOG_H

#include <stdarg.h>

#define FMT(a, b)	__attribute__((format(printf, a, b)))

/* FOREGROUND: write to stderr.  VERBOSE: also emit debug messages. */
void	log_init(const char *ident, int foreground, int verbose);

void	log_warn(const char *, ...) FMT(1, 2);		/* ERR, with errno */
void	log_warnx(const char *, ...) FMT(1, 2);		/* ERR */
void	log_warning(const char *, ...) FMT(1, 2);	/* WARNING */
void	log_notice(const char *, ...) FMT(1, 2);	/* NOTICE */
void	log_info(const char *, ...) FMT(1, 2);		/* INFO */
void	log_debug(const char *, ...) FMT(1, 2);		/* DEBUG, -v only */
/* PRI is a syslog priority. */
void	log_emit(int pri, const char *, ...) FMT(2, 3);
void	fatal(const char *, ...) FMT(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) FMT(1, 2) __attribute__((noreturn));

/* A broken internal invariant: logs file, line and condition, aborts. */
#define BUG_ON(cond) do {						\
	if (cond)							\
		log_bug(__FILE__, __LINE__, #cond);			\
} while (0)
void	log_bug(const char *, int, const char *) __attribute__((noreturn));

/*
 * A limiter for messages caused by the network: the first one of each
 * period passes, the others are counted and summed up in the next one.
 */
struct log_limit {
	long long	period_ms;
	long long	next_ms;	/* monotonic time the next may pass */
	unsigned long	suppressed;
};
/* Returns the number suppressed since the last pass, or -1 to stay quiet. */
long	log_limit_pass(struct log_limit *, long long now_ms);

#endif
