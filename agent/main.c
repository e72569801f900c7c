/*
 * failover-agentx: options, net-snmp setup as an AgentX subagent,
 * privilege drop, and the loop that waits on net-snmp's descriptors and
 * failoverd's event connection together.
 *
 * It runs apart from failoverd on purpose: a stalled master agent can
 * stall this process (net-snmp's AgentX pings and registrations wait for
 * replies), never the failover itself.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "log.h"
#include "agent.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif
#define DEFAULT_CONTROL	RUNSTATEDIR "/ipfailover/failoverd.sock"
#define APP_NAME	"failover-agentx"

/*
 * AgentX timing.  A ping every second finds a restarted master within
 * about a second.  Each synchronous AgentX exchange (ping, open) waits
 * at most PING_TIMEOUT_S times (1 + PING_RETRIES): that bounds how long
 * a stopped master can hold this loop.
 */
#define PING_INTERVAL_S	1
#define PING_TIMEOUT_S	1
#define PING_RETRIES	1
#define LOOP_MAX_WAIT_MS 1000

struct options {
	const char	*agentx;	/* NULL: net-snmp's default */
	const char	*control;
	const char	*user;		/* NULL: stay who we are */
	int		 foreground;
	int		 debug;
};

static volatile sig_atomic_t quit;

int64_t
agent_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: %s [-dfh] [-s control-socket] "
	    "[-u user] [-x agentx-socket]\n", APP_NAME);
	exit(2);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->control = DEFAULT_CONTROL;
	while ((ch = getopt(argc, argv, "dfhs:u:x:")) != -1) {
		switch (ch) {
		case 'd': o->debug = 1; break;
		case 'f': o->foreground = 1; break;
		case 's': o->control = optarg; break;
		case 'u': o->user = optarg; break;
		case 'x': o->agentx = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* No SA_RESTART: a signal must end select() so the loop sees QUIT. */
static void
setup_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		fatal("sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		fatal("sigaction");
}

static void
setup_snmp(const struct options *o)
{
	if (o->foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(APP_NAME, LOG_DAEMON);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_TIMEOUT,
	    PING_TIMEOUT_S);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_RETRIES,
	    PING_RETRIES);
	/* Alarms run from our loop (run_alarms), not from SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* Nothing to persist, and no write access to it after -u anyway. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	/*
	 * The agent works with numeric OIDs only: loading MIB files would
	 * cost start-up time and print warnings for every module missing
	 * on the host (Debian ships none of the IETF ones).
	 */
	if (setenv("MIBS", "", 1) == -1)
		fatal("setenv");
	if (init_agent(APP_NAME) != 0)
		fatalx("cannot initialise the net-snmp agent library");
	/* After init_agent(), which sets the AgentX defaults (15 s ping). */
	if (o->agentx != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
		    NETSNMP_DS_AGENT_X_SOCKET, o->agentx);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, PING_INTERVAL_S);
	notify_init();
	if (mib_init() == -1)
		fatalx("cannot register IPFAILOVER-MIB");
	/* Reads the configuration and connects to the master agent. */
	init_snmp(APP_NAME);
}

/*
 * After the AgentX session is open: groups, gid, then uid, each with the
 * setres* calls so no saved id lets root come back, then a check that
 * it cannot.  Reconnections later happen as USER, so the AgentX and
 * control sockets must be reachable for it (doc/snmp.md).
 */
static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user '%s'", user);
	if (initgroups(pw->pw_name, pw->pw_gid) == -1)
		fatal("initgroups for '%s'", user);
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1)
		fatal("setresgid %u", (unsigned)pw->pw_gid);
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("setresuid %u", (unsigned)pw->pw_uid);
	if (pw->pw_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		fatalx("could regain root after dropping privileges");
	log_info("running as '%s' (uid %u, gid %u)", user,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
}

/* Merges our own wake-up time into what net-snmp asked for. */
static void
merge_wait(struct timeval *tv, int block, int wait_ms)
{
	struct timeval	 ours;

	if (wait_ms < 0 || wait_ms > LOOP_MAX_WAIT_MS)
		wait_ms = LOOP_MAX_WAIT_MS;
	ours.tv_sec = wait_ms / 1000;
	ours.tv_usec = (wait_ms % 1000) * 1000;
	if (block || timercmp(&ours, tv, <))
		*tv = ours;
}

static void
loop_once(void)
{
	struct timeval	 tv = { LOOP_MAX_WAIT_MS / 1000, 0 };
	fd_set		 fds;
	int		 nfds = 0, block = 0, n, evfd, readable = 0;

	FD_ZERO(&fds);
	snmp_select_info(&nfds, &fds, &tv, &block);
	merge_wait(&tv, block, notify_pending() ? 0 :
	    link_wait_ms(agent_now_ms()));
	if ((evfd = link_event_fd()) != -1) {
		FD_SET(evfd, &fds);
		if (evfd >= nfds)
			nfds = evfd + 1;
	}
	n = select(nfds, &fds, NULL, NULL, &tv);
	if (n == -1 && errno != EINTR)
		fatal("select");
	if (n > 0 && evfd != -1 && FD_ISSET(evfd, &fds)) {
		FD_CLR(evfd, &fds);
		readable = 1;
		n--;
	}
	if (n > 0)
		snmp_read(&fds);
	else if (n == 0)
		snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	link_run(agent_now_ms(), readable);
	notify_run();
}

int
main(int argc, char **argv)
{
	struct options	 o;

	parse_options(argc, argv, &o);
	log_init(APP_NAME, o.foreground, o.debug);
	setup_signals();
	setup_snmp(&o);
	/*
	 * failoverd judges a writer by SO_PEERCRED, which are the
	 * credentials of whoever connected: connecting as root and dropping
	 * later would keep root's right to change state.  So the control
	 * connections are made only after the drop.
	 */
	if (o.user != NULL)
		drop_privileges(o.user);
	link_init(o.control);
	if (!o.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	log_info("started: control socket '%s', AgentX socket '%s'",
	    o.control, o.agentx != NULL ? o.agentx : "default");
	while (!quit)
		loop_once();
	log_info("stopping");
	snmp_shutdown(APP_NAME);
	link_shutdown();
	return 0;
}
