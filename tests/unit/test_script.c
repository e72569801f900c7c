/*
 * Tests of the script runner (ha/script.c): real fork and exec of the
 * fixture scripts in tests/fixtures/scripts, copied into a fresh
 * temporary directory.  The test makes itself a child subreaper, so that
 * a child a script leaves behind becomes ours when the script dies: we can
 * then prove that it was killed rather than merely assume it.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "script.h"

#define FIXTURE_DIR	FIXTURES "/scripts"
#define LINES_KEPT	64	/* lines a run keeps for checking */
#define POLL_STEP_MS	50	/* the test loop wakes at least this often */
#define LOOP_MAX	100000	/* iteration bound of the test loop */
#define RUN_LIMIT_MS	20000	/* a run taking longer fails the test */
#define ORPHAN_WAIT_MS	5000	/* how long a killed orphan may take */
#define STD_PATH	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
			    "/usr/bin:/sbin:/bin"

static char tmpdir[PATH_MAX];
static char *std_env[] = { STD_PATH, NULL };

struct run {
	struct script		s;
	struct script_result	res;
	int			done;
	size_t			nlines;		/* all lines delivered */
	size_t			bytes;		/* their length, + 1 each */
	char			line[LINES_KEPT][SCRIPT_LINE_MAX];
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
tmp_path(char *buf, size_t len, const char *name)
{
	int	 n;

	n = snprintf(buf, len, "%s/%s", tmpdir, name);
	assert_true(n > 0 && (size_t)n < len);
}

/* Copies fixture NAME into the temporary directory as AS, with MODE. */
static void
install_as(const char *name, const char *as, mode_t mode)
{
	char	 src[PATH_MAX], dst[PATH_MAX], buf[4096];
	ssize_t	 n;
	int	 in, out;

	snprintf(src, sizeof(src), "%s/%s", FIXTURE_DIR, name);
	tmp_path(dst, sizeof(dst), as);
	in = open(src, O_RDONLY | O_CLOEXEC);
	assert_true(in != -1);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out != -1);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	assert_int_equal(fchmod(out, mode), 0);
	close(in);
	close(out);
}

static void
install(const char *name)
{
	install_as(name, name, 0755);
}

/* Reads a small file written by a fixture into BUF; "" when absent. */
static void
slurp(const char *name, char *buf, size_t len)
{
	char	 path[PATH_MAX];
	ssize_t	 n;
	int	 fd;

	buf[0] = '\0';
	tmp_path(path, sizeof(path), name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
}

static void
forget(const char *name)
{
	char	 path[PATH_MAX];

	tmp_path(path, sizeof(path), name);
	unlink(path);
}

static void
on_line(void *arg, const char *text)
{
	struct run *r = arg;

	assert_true(strlen(text) < SCRIPT_LINE_MAX);
	if (r->nlines < LINES_KEPT)
		strcpy(r->line[r->nlines], text);
	r->nlines++;
	r->bytes += strlen(text) + 1;
}

static int
start(struct run *r, const char *name, const char *arg, char **envp,
    uint32_t timeout_ms)
{
	char	 path[PATH_MAX];

	memset(r, 0, sizeof(*r));
	script_init(&r->s);
	tmp_path(path, sizeof(path), name);
	return script_start(&r->s, path, arg, envp, timeout_ms, now_ms());
}

/* After the end: what is left in the pipe, until it is closed. */
static void
drain(struct run *r)
{
	struct pollfd pfd;
	int	 i;

	for (i = 0; i < 100 && r->s.out_fd != -1; i++) {
		pfd.fd = r->s.out_fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, POLL_STEP_MS);
		script_read_output(&r->s, on_line, r);
	}
	assert_int_equal(r->s.out_fd, -1);
}

/*
 * The event loop failoverd runs, in small: wait for output or the next
 * deadline, read, poll.  Fails the test if the run outlives LIMIT_MS.
 */
static void
finish(struct run *r, int limit_ms)
{
	struct pollfd pfd;
	int64_t	 begin = now_ms(), t, wait_ms;
	int	 i;

	for (i = 0; i < LOOP_MAX && !r->done; i++) {
		t = now_ms();
		if (t - begin > limit_ms)
			break;
		wait_ms = script_deadline(&r->s) - t;
		if (wait_ms > POLL_STEP_MS)
			wait_ms = POLL_STEP_MS;
		if (wait_ms < 0)
			wait_ms = 0;
		pfd.fd = r->s.out_fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, (int)wait_ms);
		script_read_output(&r->s, on_line, r);
		r->done = script_poll(&r->s, now_ms(), &r->res);
	}
	if (!r->done)
		script_abort(&r->s);
	assert_true(r->done);
	drain(r);
	assert_false(script_running(&r->s));
}

#define REAPED_ELSEWHERE	(-1)

/*
 * Waits for a child a script started, orphaned to us by the subreaper
 * setting, and returns the signal that ended it.  If the script's shell
 * reaped it before dying itself, returns REAPED_ELSEWHERE once the pid is
 * gone.  Returns 0 if it exited by itself or still lives (it is killed).
 */
static int
orphan_fate(pid_t pid)
{
	struct timespec step = { 0, 10 * 1000000L };
	pid_t	 r;
	int	 i, st;

	for (i = 0; i < ORPHAN_WAIT_MS / 10; i++) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		if (r == -1 && kill(pid, 0) == -1 && errno == ESRCH)
			return REAPED_ELSEWHERE;
		nanosleep(&step, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

static pid_t
recorded_child(void)
{
	char	 buf[32];

	slurp("child.pid", buf, sizeof(buf));
	return (pid_t)atoi(buf);
}

/* Waits until a fixture has written child.pid, and returns that pid. */
static pid_t
wait_child_pid(void)
{
	struct timespec step = { 0, 10 * 1000000L };
	int	 i;

	for (i = 0; i < RUN_LIMIT_MS / 10 && recorded_child() <= 0; i++)
		nanosleep(&step, NULL);
	assert_true(recorded_child() > 0);
	return recorded_child();
}

/* Nothing may be left to reap: the runner reaps its own children. */
static void
assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/*
 * Every process a script left in its group must die, and, orphaned to
 * us, be reaped here.  Fails if one still lives after ORPHAN_WAIT_MS.
 */
static void
assert_orphans_die(void)
{
	struct timespec step = { 0, 10 * 1000000L };
	pid_t	 r = 0;
	int	 i;

	for (i = 0; i < ORPHAN_WAIT_MS / 10; i++) {
		r = waitpid(-1, NULL, WNOHANG);
		if (r == -1)
			break;
		if (r == 0)
			nanosleep(&step, NULL);
	}
	assert_int_equal(r, -1);
	assert_int_equal(errno, ECHILD);
}

/* Exit status, table-driven. */

struct exit_case {
	const char	*name;
	const char	*script;
	const char	*arg;
	int		 status;
};

static const struct exit_case exit_cases[] = {
	{ "exit 0 gives status 0", "exit-with.sh", "0", 0 },
	{ "exit 3 gives status 3", "exit-with.sh", "3", 3 },
	{ "exit 255 gives status 255", "exit-with.sh", "255", 255 },
	{ "death by SIGKILL gives 128+9", "kill-self.sh", "KILL",
	    128 + SIGKILL },
	{ "death by SIGUSR1 gives 128+N though failoverd ignores it",
	    "kill-self.sh", "USR1", 128 + SIGUSR1 },
	{ "death by SIGUSR2 gives 128+N though failoverd blocks it",
	    "kill-self.sh", "USR2", 128 + SIGUSR2 },
};

/*
 * SIGUSR1 ignored and SIGUSR2 blocked here, as a daemon might have them:
 * the script must start with neither, or it would not die of them.
 */
static void
test_exit_status(void **state)
{
	const struct exit_case *c = *state;
	struct sigaction ign, old_sa;
	sigset_t usr2, old_mask;
	struct run r;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGUSR1, &ign, &old_sa);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &old_mask);

	assert_int_equal(start(&r, c->script, c->arg, std_env, 10000), 0);

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGUSR1, &old_sa, NULL);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.status, c->status);
	assert_int_equal(r.res.timed_out, 0);
	assert_int_equal(r.res.exec_errno, 0);
	assert_no_children();
}

/* Exec failures, table-driven. */

struct exec_case {
	const char	*name;
	const char	*file;		/* NULL: the directory itself */
	mode_t		 mode;		/* of a copy of exit-with.sh; 0: none */
	int		 err;
};

static const struct exec_case exec_cases[] = {
	{ "a missing script fails with ENOENT", "absent.sh", 0, ENOENT },
	{ "a non-executable script fails with EACCES", "noexec.sh",
	    0644, EACCES },
	{ "a directory fails with EACCES", NULL, 0, EACCES },
};

static void
test_exec_failure(void **state)
{
	const struct exec_case *c = *state;
	struct script s;
	char	 path[PATH_MAX];
	int	 rc;

	if (c->file == NULL)
		snprintf(path, sizeof(path), "%s", tmpdir);
	else
		tmp_path(path, sizeof(path), c->file);
	if (c->mode != 0)
		install_as("exit-with.sh", c->file, c->mode);
	script_init(&s);
	rc = script_start(&s, path, "198.18.0.100", std_env, 1000, 0);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, c->err);
	assert_false(script_running(&s));
	assert_int_equal(s.out_fd, -1);
	assert_no_children();
}

/* argv and environment, exactly. */

static void
test_argv_and_env_exactly(void **state)
{
	char *env[] = {
		STD_PATH,
		"FAILOVER_ACTION=add",
		"FAILOVER_ADDRESS=198.18.0.100",
		"FAILOVER_PREFIX=24",
		"FAILOVER_INTERFACE=ipfst0",
		"FAILOVER_ROLE=master",
		"FAILOVER_REASON=peer silent for 3200 ms (failtime 3000 ms)",
		"FAILOVER_STATE=taking",
		NULL
	};
	char	 got[8192], want[8192], path[PATH_MAX];
	struct run r;

	(void)state;
	forget("args.out");
	setenv("IPF_TEST_MARKER", "must-not-leak", 1);
	assert_int_equal(start(&r, "record-args.sh", "198.18.0.100", env,
	    10000), 0);
	unsetenv("IPF_TEST_MARKER");
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.status, 0);

	/* PWD is not ours: the shell exports the directory it starts in. */
	tmp_path(path, sizeof(path), "record-args.sh");
	snprintf(want, sizeof(want),
	    "argc=1\nargv0=%s\narg=198.18.0.100\ncwd=/\n"
	    "FAILOVER_ACTION=add\nFAILOVER_ADDRESS=198.18.0.100\n"
	    "FAILOVER_INTERFACE=ipfst0\nFAILOVER_PREFIX=24\n"
	    "FAILOVER_REASON=peer silent for 3200 ms (failtime 3000 ms)\n"
	    "FAILOVER_ROLE=master\nFAILOVER_STATE=taking\n%s\nPWD=/\n",
	    path, STD_PATH);
	slurp("args.out", got, sizeof(got));
	assert_string_equal(got, want);
	assert_null(strstr(got, "IPF_TEST_MARKER"));
}

static void
test_argument_reaches_script_unparsed(void **state)
{
	const char *arg = "a b;$(echo injected) `id` *";
	char	 got[4096], want[256];
	struct run r;

	(void)state;
	forget("args.out");
	assert_int_equal(start(&r, "record-args.sh", arg, NULL, 10000), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.status, 0);
	slurp("args.out", got, sizeof(got));
	snprintf(want, sizeof(want), "argc=1\n");
	assert_memory_equal(got, want, strlen(want));
	snprintf(want, sizeof(want), "\narg=%s\n", arg);
	assert_non_null(strstr(got, want));
	assert_non_null(strstr(got, "\nPWD=/\n"));	/* the only variable */
	assert_null(strstr(got, "PATH="));
}

/* Timeouts. */

static void
test_hang_is_killed_with_its_group(void **state)
{
	struct run r;
	pid_t	 child;

	(void)state;
	forget("child.pid");
	assert_int_equal(start(&r, "hang.sh", NULL, std_env, 200), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.timed_out, 1);
	assert_int_equal(r.res.status, 128 + SIGTERM);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.line[0], "started");

	child = recorded_child();
	assert_true(child > 0);
	assert_true(orphan_fate(child) != 0);
	assert_orphans_die();
	assert_int_equal(kill(child, 0), -1);
	assert_int_equal(errno, ESRCH);
}

static void
test_survivor_of_sigterm_gets_sigkill(void **state)
{
	struct run r;
	size_t	 i, trapped = 0;

	(void)state;
	assert_int_equal(start(&r, "trap-term.sh", NULL, std_env, 200), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.timed_out, 1);
	assert_int_equal(r.res.status, 128 + SIGKILL);
	for (i = 0; i < r.nlines && i < LINES_KEPT; i++)
		if (strcmp(r.line[i], "term-trapped") == 0)
			trapped++;
	assert_true(trapped >= 1);	/* it did get SIGTERM, and lived */
	assert_orphans_die();
}

/* The clock is the caller's: drive it by hand to see each step. */
static void
test_deadline_follows_the_callers_clock(void **state)
{
	struct script s;
	struct script_result res;
	char	 path[PATH_MAX];
	int	 i, done = 0;
	pid_t	 child;
	struct timespec step = { 0, 10 * 1000000L };

	(void)state;
	forget("child.pid");
	script_init(&s);
	assert_true(script_deadline(&s) == INT64_MAX);
	assert_int_equal(script_poll(&s, 0, &res), 0);

	tmp_path(path, sizeof(path), "hang.sh");
	assert_int_equal(script_start(&s, path, NULL, std_env, 500, 1000), 0);
	child = wait_child_pid();
	assert_true(script_deadline(&s) == 1500);
	assert_int_equal(script_poll(&s, 1499, &res), 0);
	assert_true(script_deadline(&s) == 1500);
	assert_int_equal(script_poll(&s, 1500, &res), 0);
	assert_true(script_deadline(&s) == 1500 + SCRIPT_GRACE_MS);

	for (i = 0; i < RUN_LIMIT_MS / 10 && !done; i++) {
		done = script_poll(&s, 1500, &res);
		if (!done)
			nanosleep(&step, NULL);
	}
	assert_true(done);
	assert_int_equal(res.timed_out, 1);
	assert_int_equal(res.status, 128 + SIGTERM);
	assert_true(script_deadline(&s) == INT64_MAX);
	script_abort(&s);
	assert_true(orphan_fate(child) != 0);
	assert_orphans_die();
}

static void
test_second_start_while_running_is_ebusy(void **state)
{
	struct run r;
	char	 path[PATH_MAX];
	pid_t	 leader, child;

	(void)state;
	forget("child.pid");
	assert_int_equal(start(&r, "hang.sh", NULL, std_env, 10000), 0);
	leader = r.s.pid;
	tmp_path(path, sizeof(path), "exit-with.sh");
	assert_int_equal(script_start(&r.s, path, "0", std_env, 1000, 0), -1);
	assert_int_equal(errno, EBUSY);
	assert_true(script_running(&r.s));
	assert_int_equal(r.s.pid, leader);

	child = wait_child_pid();	/* so that we can check it dies */
	script_abort(&r.s);
	assert_false(script_running(&r.s));
	assert_int_equal(r.s.out_fd, -1);
	assert_int_equal(waitpid(leader, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);	/* reaped by the abort */
	assert_true(orphan_fate(child) != 0);
	assert_orphans_die();
}

/* Output. */

static void
test_lines_in_order_and_cut(void **state)
{
	char	 xs[SCRIPT_LINE_MAX];
	struct run r;

	(void)state;
	memset(xs, 'x', SCRIPT_LINE_MAX - 1);
	xs[SCRIPT_LINE_MAX - 1] = '\0';
	assert_int_equal(start(&r, "lines.sh", NULL, std_env, 10000), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.status, 0);
	assert_int_equal(r.nlines, 5);
	assert_string_equal(r.line[0], "one");
	assert_string_equal(r.line[1], "two");		/* from stderr */
	assert_string_equal(r.line[2], xs);
	assert_string_equal(r.line[3], "bell?tab?end");
	assert_string_equal(r.line[4], "last");		/* no newline */
}

static void
test_flood_is_capped_and_never_blocks(void **state)
{
	struct run r;
	size_t	 i;

	(void)state;
	assert_int_equal(start(&r, "flood.sh", NULL, std_env, 15000), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.timed_out, 0);
	assert_int_equal(r.res.status, 0);
	assert_int_equal(r.bytes, SCRIPT_OUTPUT_MAX);	/* "y\n" lines */
	assert_int_equal(r.nlines, SCRIPT_OUTPUT_MAX / 2);
	for (i = 0; i < LINES_KEPT; i++)
		assert_string_equal(r.line[i], "y");
	assert_true(r.s.out_bytes == 10 * 1024 * 1024);	/* all drained */
}

static void
test_background_child_does_not_hold_the_run(void **state)
{
	struct run r;
	pid_t	 child;

	(void)state;
	forget("child.pid");
	assert_int_equal(start(&r, "bg-child.sh", NULL, std_env, 10000), 0);
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.timed_out, 0);
	assert_int_equal(r.res.status, 0);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.line[0], "done");

	child = recorded_child();
	assert_true(child > 0);
	assert_int_equal(orphan_fate(child), SIGKILL);
	assert_no_children();
}

static void
test_no_descriptor_leaks_into_script(void **state)
{
	char	 got[256];
	int	 fd, p[2];
	struct run r;

	(void)state;
	forget("fds.out");
	fd = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC, on purpose */
	assert_true(fd > 2);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	assert_int_equal(fcntl(p[1], F_GETFD) & FD_CLOEXEC, 0);

	assert_int_equal(start(&r, "check-fds.sh", NULL, std_env, 10000), 0);
	finish(&r, RUN_LIMIT_MS);
	close(fd);
	close(p[0]);
	close(p[1]);
	assert_int_equal(r.res.status, 0);
	slurp("fds.out", got, sizeof(got));
	assert_string_equal(got, "stdin=null;1=pipe;2=pipe;\n");
}

static void
test_runner_is_reusable_without_draining(void **state)
{
	struct run r;
	char	 path[PATH_MAX];
	int	 i, done = 0;
	struct timespec step = { 0, 10 * 1000000L };

	(void)state;
	assert_int_equal(start(&r, "lines.sh", NULL, std_env, 10000), 0);
	for (i = 0; i < RUN_LIMIT_MS / 10 && !done; i++) {
		done = script_poll(&r.s, now_ms(), &r.res);
		if (!done)
			nanosleep(&step, NULL);
	}
	assert_true(done);
	assert_true(r.s.out_fd != -1);	/* left for the last read */

	tmp_path(path, sizeof(path), "exit-with.sh");
	assert_int_equal(script_start(&r.s, path, "3", std_env, 10000,
	    now_ms()), 0);
	r.done = 0;
	r.nlines = 0;
	finish(&r, RUN_LIMIT_MS);
	assert_int_equal(r.res.status, 3);
	assert_int_equal(r.nlines, 0);	/* nothing of the first run */
}

/* Fixture setup. */

static const char *const fixtures[] = {
	"exit-with.sh", "kill-self.sh", "record-args.sh", "hang.sh",
	"trap-term.sh", "lines.sh", "flood.sh", "bg-child.sh",
	"check-fds.sh",
};

static int
setup_dir(void **state)
{
	size_t	 i;

	(void)state;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipf-test-script.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		install(fixtures[i]);
	return 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
remove_dir(void **state)
{
	(void)state;
	return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define UNIT(f)		{ #f, f, NULL, NULL, NULL }

static const struct CMUnitTest fixed_tests[] = {
	UNIT(test_argv_and_env_exactly),
	UNIT(test_argument_reaches_script_unparsed),
	UNIT(test_hang_is_killed_with_its_group),
	UNIT(test_survivor_of_sigterm_gets_sigkill),
	UNIT(test_deadline_follows_the_callers_clock),
	UNIT(test_second_start_while_running_is_ebusy),
	UNIT(test_lines_in_order_and_cut),
	UNIT(test_flood_is_capped_and_never_blocks),
	UNIT(test_background_child_does_not_hold_the_run),
	UNIT(test_no_descriptor_leaks_into_script),
	UNIT(test_runner_is_reusable_without_draining),
};

int
main(void)
{
	struct CMUnitTest tests[NELEM(exit_cases) + NELEM(exec_cases) +
	    NELEM(fixed_tests)];
	size_t	 i, n = 0;

	memset(tests, 0, sizeof(tests));
	for (i = 0; i < NELEM(exit_cases); i++, n++) {
		tests[n].name = exit_cases[i].name;
		tests[n].test_func = test_exit_status;
		tests[n].initial_state = (void *)&exit_cases[i];
	}
	for (i = 0; i < NELEM(exec_cases); i++, n++) {
		tests[n].name = exec_cases[i].name;
		tests[n].test_func = test_exec_failure;
		tests[n].initial_state = (void *)&exec_cases[i];
	}
	for (i = 0; i < NELEM(fixed_tests); i++, n++)
		tests[n] = fixed_tests[i];
	return _cmocka_run_group_tests("script", tests, n, setup_dir,
	    remove_dir);
}
