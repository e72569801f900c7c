/*
 * Running the add and remove scripts without blocking failoverd.
 *
 * One script runs at a time.  It is exec'd directly (no shell) with argv
 * { path, ip }, the environment the caller built, stdin on /dev/null,
 * stdout and stderr on a pipe the caller reads, in a process group of its
 * own.  At the timeout the group gets SIGTERM, then SIGKILL after a grace;
 * whatever is left in the group when the script exits is killed too.
 *
 * The environment contract with the scripts.  The runner passes ENVP
 * through untouched and adds nothing; failoverd builds it as:
 *
 *	argv	{ path, IP }
 *	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 *	FAILOVER_ACTION=add|remove
 *	FAILOVER_ADDRESS=IP		the floating IPv4 address, as in argv
 *	FAILOVER_PREFIX=24		its prefix length
 *	FAILOVER_INTERFACE=ifname	where it goes
 *	FAILOVER_ROLE=master|slave	this node's role
 *	FAILOVER_REASON=free text	why, as in the log
 *	FAILOVER_STATE=...		the state machine's state (fsm.h)
 *
 * Nothing else of failoverd's own environment reaches the script.  The
 * script runs in "/", as root, and must not send gratuitous ARP: failoverd
 * does that once the add script succeeded.
 */
#ifndef IPF_SCRIPT_H
#define IPF_SCRIPT_H

#include <sys/types.h>
#include <stdint.h>

#define SCRIPT_GRACE_MS		1000	/* SIGTERM to SIGKILL */
#define SCRIPT_LINE_MAX		256	/* longer output lines are cut */
#define SCRIPT_OUTPUT_MAX	65536	/* bytes read per run; rest dropped */

struct script {
	pid_t	pid;		/* 0: none running */
	int	out_fd;		/* read end of the output pipe, or -1 */
	int64_t	deadline_ms;	/* SIGTERM then */
	int64_t	kill_ms;	/* SIGKILL then, once SIGTERM was sent */
	int	term_sent;
	size_t	out_bytes;	/* read so far this run */
	char	line[SCRIPT_LINE_MAX];
	size_t	line_len;
};

struct script_result {
	int	status;		/* exit code, or 128 + signal */
	int	timed_out;	/* killed at the deadline */
	int	exec_errno;	/* exec failed (ENOENT, EACCES...), or 0 */
};

void	script_init(struct script *);

/*
 * Starts PATH with argument ARG.  Returns 0 when it runs; -1 with errno
 * EBUSY when a script already runs, or with the errno of the failed fork,
 * pipe or exec (reported back over a close-on-exec pipe).
 */
int	script_start(struct script *, const char *path, const char *arg,
	    char *const envp[], uint32_t timeout_ms, int64_t now_ms);

int	script_running(const struct script *);

/*
 * Reads what the script printed and calls LINE for each whole line (cut
 * at SCRIPT_LINE_MAX, control bytes shown as '?'; TEXT lives until LINE
 * returns).  Never blocks.  Call it while out_fd is not -1, also after
 * script_poll() reported the end: that call delivers the rest, including
 * a last line without newline, and closes the pipe.
 */
void	script_read_output(struct script *,
	    void (*line)(void *arg, const char *text), void *arg);

/*
 * Reaps and enforces the timeout; call after SIGCHLD and at
 * script_deadline().  Returns 1 with RES filled when the script is over,
 * 0 while it runs or when none runs.  RES->status is -1 when the child
 * was reaped elsewhere (SIGCHLD ignored, a waitpid(-1) in the caller).
 */
int	script_poll(struct script *, int64_t now_ms, struct script_result *);

/* The next time script_poll() must run, or INT64_MAX. */
int64_t	script_deadline(const struct script *);

/* Kills the group and reaps, blocking at most the grace: for exit. */
void	script_abort(struct script *);

#endif
