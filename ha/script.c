/*
 * The add/remove script runner, used by failoverd's root process.
 *
 * It starts one script at a time and never waits for it: the event loop
 * reads the output pipe when it is readable and calls script_poll() on
 * SIGCHLD and at script_deadline().  Like every library here it never
 * logs; the caller logs the lines and the result.  Nothing between fork
 * and exec may allocate, lock or log, since the child of a daemon that
 * forked with a lock held would deadlock on it.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "script.h"

#define READ_CHUNK	4096	/* bytes per read() */
#define READS_PER_CALL	16	/* so a chatty script cannot starve the loop */
#define ABORT_STEP_MS	10	/* waitpid polling step in script_abort() */
#define ABORT_KILL_MS	100	/* script_abort() wait after SIGKILL */

/* Stages of term_sent. */
#define SENT_NONE	0
#define SENT_TERM	1
#define SENT_KILL	2

/* What the child needs, all built before fork(). */
struct child_args {
	const char	*path;
	char *const	*argv;
	char *const	*envp;
	int		 out_w;		/* becomes stdout and stderr */
	int		 err_w;		/* exec errno goes back here */
	long		 open_max;	/* close_range() fallback bound */
	sigset_t	 empty;
};

static char *const empty_env[] = { NULL };

void
script_init(struct script *s)
{
	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
}

int
script_running(const struct script *s)
{
	return s->pid != 0;
}

int64_t
script_deadline(const struct script *s)
{
	if (s->pid == 0)
		return INT64_MAX;
	if (s->term_sent == SENT_NONE)
		return s->deadline_ms;
	return s->kill_ms;
}

static void
close_output(struct script *s)
{
	if (s->out_fd != -1)
		close(s->out_fd);
	s->out_fd = -1;
	s->line_len = 0;
}

/*
 * Signals go to the whole group so that a child the script started (a
 * pipeline, a backgrounded helper) is stopped with it.  If the group does
 * not exist, because neither setpgid() took effect, fall back to the pid.
 * Only for a script not yet reaped: its pid must still be ours.
 */
static void
signal_script(pid_t pid, int sig)
{
	if (kill(-pid, sig) == -1 && errno == ESRCH)
		kill(pid, sig);
}

/*
 * Moves a descriptor above 2, so that the child's dup2() onto stdin,
 * stdout and stderr can never overwrite one it still needs.  A daemon
 * started with a closed stdio would otherwise get a pipe on 0, 1 or 2.
 */
static int
above_stdio(int fd)
{
	int	 nfd;

	if (fd > STDERR_FILENO)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close(fd);
	return nfd;
}

static int
make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fds[0] = above_stdio(fds[0]);
	fds[1] = above_stdio(fds[1]);
	if (fds[0] == -1 || fds[1] == -1) {
		if (fds[0] != -1)
			close(fds[0]);
		if (fds[1] != -1)
			close(fds[1]);
		return -1;
	}
	return 0;
}

static void __attribute__((noreturn))
child_fail(int err_w)
{
	int	 e = errno;
	ssize_t	 n;

	do {
		n = write(err_w, &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	_exit(127);
}

/*
 * Close everything but stdio and the exec-error pipe, which closes itself
 * at exec.  Inherited descriptors (the heartbeat socket, the control
 * socket, the key file) are none of the script's business, and a script
 * holding them would keep them alive after failoverd closed them.
 */
static int
close_others(int keep, long open_max)
{
	long	 fd;

	if ((keep == STDERR_FILENO + 1 ||
	    close_range(STDERR_FILENO + 1, keep - 1, 0) == 0) &&
	    close_range(keep + 1, ~0U, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	/* Kernels before 5.9 */
	for (fd = STDERR_FILENO + 1; fd < open_max; fd++)
		if (fd != keep)
			close((int)fd);
	return 0;
}

/* The child: async-signal-safe calls only (see the file head). */
static void __attribute__((noreturn))
child_exec(const struct child_args *ca)
{
	struct sigaction sa;
	int	 sig, null_fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);	/* SIGKILL etc. refuse */
	if (sigprocmask(SIG_SETMASK, &ca->empty, NULL) == -1)
		child_fail(ca->err_w);

	if (setpgid(0, 0) == -1)
		child_fail(ca->err_w);
	if (dup2(ca->out_w, STDOUT_FILENO) == -1 ||
	    dup2(ca->out_w, STDERR_FILENO) == -1)
		child_fail(ca->err_w);
	if ((null_fd = open("/dev/null", O_RDONLY)) == -1)
		child_fail(ca->err_w);
	if (null_fd != STDIN_FILENO && dup2(null_fd, STDIN_FILENO) == -1)
		child_fail(ca->err_w);
	if (close_others(ca->err_w, ca->open_max) == -1)
		child_fail(ca->err_w);

	/* Leave whatever directory failoverd was started in unpinned. */
	if (chdir("/") == -1)
		child_fail(ca->err_w);
	execve(ca->path, ca->argv, ca->envp);
	child_fail(ca->err_w);
}

/*
 * Returns 0 when the child reached exec, or the errno it sent back.  The
 * write end is close-on-exec, so EOF means exec succeeded.
 */
static int
exec_result(int err_r)
{
	ssize_t	 n;
	int	 e;

	do {
		n = read(err_r, &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(e))
		return EIO;
	return e;
}

static void
reap_blocking(pid_t pid)
{
	int	 st;

	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
}

/*
 * Forks with every signal blocked: a handler of failoverd that ran in the
 * child before the reset would write to failoverd's own self-pipe.
 */
static pid_t
spawn(struct child_args *ca)
{
	sigset_t all, old;
	pid_t	 pid;
	int	 e;

	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1)
		return -1;
	pid = fork();
	if (pid == 0)
		child_exec(ca);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	if (pid > 0) {
		/*
		 * The child does this too; doing it here as well means the
		 * group exists before we could ever signal it.  Once the
		 * child has exec'd this fails with EACCES, which is fine.
		 */
		setpgid(pid, pid);
	}
	return pid;
}

static void
child_args_init(struct child_args *ca, const char *path, char *argv[3],
    char *const envp[])
{
	memset(ca, 0, sizeof(*ca));
	ca->path = path;
	ca->argv = argv;
	ca->envp = envp != NULL ? envp : empty_env;
	ca->open_max = sysconf(_SC_OPEN_MAX);
	if (ca->open_max <= 0 || ca->open_max > INT_MAX)
		ca->open_max = 1024;
	sigemptyset(&ca->empty);
	ca->out_w = -1;
	ca->err_w = -1;
}

/*
 * Forks and waits only until the child has exec'd, which the close-on-exec
 * error pipe reports.  Returns the pid, or -1 with errno.
 */
static pid_t
fork_exec(struct child_args *ca)
{
	int	 err[2], e;
	pid_t	 pid;

	if (make_pipe(err) == -1)
		return -1;
	ca->err_w = err[1];
	pid = spawn(ca);
	e = errno;
	close(err[1]);
	if (pid != -1 && (e = exec_result(err[0])) != 0) {
		reap_blocking(pid);
		pid = -1;
	}
	close(err[0]);
	errno = e;
	return pid;
}

int
script_start(struct script *s, const char *path, const char *arg,
    char *const envp[], uint32_t timeout_ms, int64_t now_ms)
{
	struct child_args ca;
	char	*argv[3];
	int	 out[2], e;
	pid_t	 pid;

	if (s->pid != 0) {
		errno = EBUSY;
		return -1;
	}
	if (path == NULL) {
		errno = EINVAL;
		return -1;
	}
	close_output(s);	/* a previous run's undrained pipe */

	argv[0] = (char *)path;
	argv[1] = (char *)arg;
	argv[2] = NULL;
	child_args_init(&ca, path, argv, envp);

	if (make_pipe(out) == -1)
		return -1;
	/* Only our end: the loop must never block on a script's output. */
	if (fcntl(out[0], F_SETFL, O_NONBLOCK) == -1)
		goto close_out;
	ca.out_w = out[1];
	if ((pid = fork_exec(&ca)) == -1)
		goto close_out;
	close(out[1]);

	s->pid = pid;
	s->out_fd = out[0];
	s->deadline_ms = now_ms + timeout_ms;
	s->kill_ms = s->deadline_ms + SCRIPT_GRACE_MS;
	s->term_sent = SENT_NONE;
	s->out_bytes = 0;
	s->line_len = 0;
	return 0;

close_out:
	e = errno;
	close(out[0]);
	close(out[1]);
	errno = e;
	return -1;
}

static void
emit_line(struct script *s, void (*line)(void *, const char *), void *arg)
{
	s->line[s->line_len] = '\0';
	line(arg, s->line);
	s->line_len = 0;
}

/*
 * The text goes to syslog and to failoverctl, so control bytes become
 * '?': a NUL would cut the line short, an escape would reach a terminal.
 * Bytes past SCRIPT_LINE_MAX - 1 are dropped until the newline.
 */
static void
take_bytes(struct script *s, const char *buf, size_t n,
    void (*line)(void *, const char *), void *arg)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)buf[i];
		if (c == '\n') {
			emit_line(s, line, arg);
			continue;
		}
		if (s->line_len >= SCRIPT_LINE_MAX - 1)
			continue;
		if (c < 0x20 || c == 0x7f)
			c = '?';
		s->line[s->line_len++] = (char)c;
	}
}

/*
 * Only the first SCRIPT_OUTPUT_MAX bytes of a run are turned into lines.
 * The rest is still read and thrown away: a script blocked on a full
 * pipe would never exit and would end up killed at its deadline.
 */
static void
take_chunk(struct script *s, const char *buf, size_t n,
    void (*line)(void *, const char *), void *arg)
{
	size_t	 keep = 0;

	if (s->out_bytes < SCRIPT_OUTPUT_MAX)
		keep = SCRIPT_OUTPUT_MAX - s->out_bytes;
	if (keep > n)
		keep = n;
	s->out_bytes += n;
	take_bytes(s, buf, keep, line, arg);
}

void
script_read_output(struct script *s,
    void (*line)(void *arg, const char *text), void *arg)
{
	char	 buf[READ_CHUNK];
	ssize_t	 n;
	int	 i;

	for (i = 0; i < READS_PER_CALL && s->out_fd != -1; i++) {
		n = read(s->out_fd, buf, sizeof(buf));
		if (n > 0) {
			take_chunk(s, buf, (size_t)n, line, arg);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN && s->pid != 0)
			return;

		/*
		 * EOF, an error, or nothing left after the script ended:
		 * whatever a killed leftover of its group might still have
		 * written is not worth waiting for.
		 */
		if (s->line_len > 0)
			emit_line(s, line, arg);
		close_output(s);
	}

	/*
	 * The script is over but something it left behind, out of reach of
	 * the group kill (setsid), keeps writing: one batch is all it gets,
	 * or reading it would keep failoverd busy for ever.
	 */
	if (s->pid == 0 && s->out_fd != -1) {
		if (s->line_len > 0)
			emit_line(s, line, arg);
		close_output(s);
	}
}

static void
fill_result(const struct script *s, int st, struct script_result *res)
{
	memset(res, 0, sizeof(*res));
	if (WIFEXITED(st))
		res->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		res->status = 128 + WTERMSIG(st);
	else
		res->status = -1;
	res->timed_out = s->term_sent != SENT_NONE;
}

/*
 * Whether the script has ended, without reaping it.  Until it is reaped
 * its zombie keeps the pid, and so the group id, from being handed out
 * again: what is left in the group can still be killed safely.  ECHILD,
 * someone else reaped it, counts as ended.
 */
static int
has_ended(pid_t pid)
{
	siginfo_t info;
	int	 r;

	memset(&info, 0, sizeof(info));
	do {
		r = waitid(P_PID, (id_t)pid, &info,
		    WEXITED | WNOHANG | WNOWAIT);
	} while (r == -1 && errno == EINTR);
	return r == -1 || info.si_pid != 0;
}

/*
 * Kills what the ended script left in its group, then reaps it.  A helper
 * it backgrounded could otherwise hold the output pipe open forever.
 * Returns 0 with the wait status in ST, or -1 when it was reaped
 * elsewhere (SIGCHLD set to SIG_IGN, or a waitpid(-1) in the caller).
 */
static int
reap_ended(pid_t pid, int *st)
{
	pid_t	 r;

	kill(-pid, SIGKILL);
	do {
		r = waitpid(pid, st, WNOHANG);
	} while (r == -1 && errno == EINTR);
	return r == pid ? 0 : -1;
}

/* Returns 1 when the script was reaped, with RES filled; 0 while it runs. */
static int
reap(struct script *s, struct script_result *res)
{
	int	 st;

	if (!has_ended(s->pid))
		return 0;
	if (reap_ended(s->pid, &st) == 0)
		fill_result(s, st, res);
	else {
		fill_result(s, 0, res);
		res->status = -1;
	}

	/* The pipe stays open for the last script_read_output(). */
	s->pid = 0;
	s->term_sent = SENT_NONE;
	return 1;
}

int
script_poll(struct script *s, int64_t now_ms, struct script_result *res)
{
	if (s->pid == 0)
		return 0;
	if (reap(s, res))
		return 1;

	if (s->term_sent == SENT_NONE && now_ms >= s->deadline_ms) {
		signal_script(s->pid, SIGTERM);
		s->term_sent = SENT_TERM;
	}
	if (s->term_sent != SENT_NONE && now_ms >= s->kill_ms) {
		signal_script(s->pid, SIGKILL);
		s->term_sent = SENT_KILL;
		/*
		 * Ask to be called again in case the SIGCHLD that should
		 * follow is missed: SIGKILL is simply sent again then.
		 */
		s->kill_ms = now_ms + SCRIPT_GRACE_MS;
	}
	return 0;
}

/* Returns 1 once PID has ended, polling for at most MS milliseconds. */
static int
wait_ended(pid_t pid, int ms)
{
	struct timespec step = { 0, ABORT_STEP_MS * 1000000L };
	int	 i;

	for (i = 0; i < ms / ABORT_STEP_MS; i++) {
		if (has_ended(pid))
			return 1;
		nanosleep(&step, NULL);	/* EINTR only shortens it */
	}
	return has_ended(pid);
}

void
script_abort(struct script *s)
{
	int	 st;

	if (s->pid != 0) {
		signal_script(s->pid, SIGTERM);
		if (!wait_ended(s->pid, SCRIPT_GRACE_MS - ABORT_KILL_MS)) {
			signal_script(s->pid, SIGKILL);
			wait_ended(s->pid, ABORT_KILL_MS);
		}
		/*
		 * XXX: a script stuck in the kernel (D state) past SIGKILL is
		 * neither reaped nor waited for; it stays a zombie of ours.
		 */
		if (has_ended(s->pid))
			reap_ended(s->pid, &st);
	}
	close_output(s);
	s->pid = 0;
	s->term_sent = SENT_NONE;
}
