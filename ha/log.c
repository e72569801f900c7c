/*
 * Logging for failoverd and failoverctl.  In the foreground every line
 * goes to stderr with a wall-clock stamp to the millisecond; detached,
 * to syslog's daemon facility.  Levels follow STYLE.md 3.5: NOTICE is
 * for role changes and operator actions, WARNING for trouble we handled.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int	log_foreground = 1;
static int	log_verbose;

void
log_init(const char *ident, int foreground, int verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void __attribute__((format(printf, 2, 0)))
vlog(int pri, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		[LOG_CRIT] = "fatal", [LOG_ERR] = "error", [LOG_WARNING] = "warning",
		[LOG_NOTICE] = "notice", [LOG_INFO] = "info",
		[LOG_DEBUG] = "debug"
	};
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[32];
	int		 saved = errno;

	if (pri == LOG_DEBUG && !log_verbose)
		goto done;
	if (!log_foreground) {
		vsyslog(pri, fmt, ap);
		goto done;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s.%03ld %s: ", stamp, ts.tv_nsec / 1000000,
	    names[pri] ? names[pri] : "log");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
done:
	errno = saved;
}

/* Appends ": strerror(errno)" to FMT, as warn(3) does. */
static void __attribute__((format(printf, 2, 0)))
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	 msg[1024];
	int	 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	errno = saved;
	log_emit(pri, "%s: %s", msg, strerror(saved));
	errno = saved;
}

void
log_emit(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

#define LOG_FN(name, pri)						\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	ap;							\
									\
	va_start(ap, fmt);						\
	vlog(pri, fmt, ap);						\
	va_end(ap);							\
}

LOG_FN(log_warnx, LOG_ERR)
LOG_FN(log_warning, LOG_WARNING)
LOG_FN(log_notice, LOG_NOTICE)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_bug(const char *file, int line, const char *cond)
{
	log_emit(LOG_CRIT, "bug at %s:%d: %s", file, line, cond);
	abort();
}

long
log_limit_pass(struct log_limit *lim, long long now_ms)
{
	long	n;

	if (now_ms < lim->next_ms) {
		lim->suppressed++;
		return -1;
	}
	n = (long)lim->suppressed;
	lim->suppressed = 0;
	lim->next_ms = now_ms + lim->period_ms;
	return n;
}
