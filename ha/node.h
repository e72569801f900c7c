/*
 * failoverd's running state: one node of the pair, its sockets, its
 * peer as last heard, and the counters.  Internal to failoverd; the
 * functions are spread over node.c (loop and heartbeats), node_ctl.c
 * (the control socket's requests) and node_net.c (interfaces).
 */
#ifndef IPF_NODE_H
#define IPF_NODE_H

#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdint.h>
#include <time.h>

#include "arp.h"
#include "config.h"
#include "fsm.h"
#include "heartbeat.h"
#include "log.h"
#include "replay.h"
#include "script.h"
#include "state.h"

struct ctl_server;
struct ctl_reply;
struct ctl_request;

struct peer {
	struct hb_msg	msg;		/* last fresh heartbeat */
	int64_t		fresh_ms;	/* when it came; -1: never */
	int		leaving;	/* it said it stops */
	int		alive;		/* as last told in the log */
};

struct probe {
	int		active;		/* a round is under way */
	int		sent;		/* probes sent this round */
	int64_t		next_ms;	/* next probe, or round end */
	int64_t		end_ms;
	int		answered;	/* someone answered this round */
	unsigned char	mac[6];		/* who */
	int		done;		/* a round finished since start */
	int		foreign;	/* its verdict */
	int64_t		next_log_ms;	/* a lasting holder: told each minute */
};

/* The optional readiness check, run like a script but on its own. */
struct readiness {
	struct script	job;
	int64_t		next_ms;	/* next run */
	int		state;		/* -1 unknown, 0 not ready, 1 ready */
	char		why[96];	/* its last verdict, for status */
};

struct counters {
	uint64_t	nearmiss;	/* heartbeats late past the share */
	uint64_t	hb_sent;
	uint64_t	hb_received;
	uint64_t	rejects[HB_NREJECT];
	uint64_t	takeovers;
	uint64_t	releases;
	uint64_t	script_failures;
};

struct node {
	struct config	 conf;
	const char	*conf_path;
	const char	*schema;
	char		 fprint[65];	/* SHA-256 of the configuration */
	struct settings	 settings;	/* failtime and role in force */
	int		 interval_auto;	/* interval derived from failtime */

	char		 ifname[IF_NAMESIZE];
	unsigned	 ifindex;
	struct in_addr	 localip;
	int		 prefix;
	int		 nl_fd;		/* rtnetlink: the interface watch */
	int		 link_up;	/* admin up and running, per the watch */
	int		 ifindex_changed; /* ifname was made again */
	uint64_t	 addr_prefixes;	/* bit N: aliasip/N is on ifname */
	int		 stray_tried;	/* removed a copy since it came */

	hmac_ctx	*hmac;
	int		 udp;
	int		 sigfd;
	struct arp_sock	 arp;
	int		 arp_readable;	/* poll saw frames waiting */
	struct ctl_server *ctl;

	struct fsm	 fsm;
	struct replay_state replay;
	uint64_t	 boot;
	uint64_t	 seq;
	int64_t		 next_send_ms;
	struct peer	 peer;
	struct probe	 probe;

	struct script	 script;
	enum fsm_action	 running;	/* the script that runs */
	int64_t		 take_start_ms;	/* decision to add, for timing */
	int		 garp_left;	/* announcements still to send */
	int64_t		 garp_next_ms;

	struct counters	 n;
	struct log_limit reject_log;
	struct log_limit auth_event;
	uint64_t	 auth_unreported;
	time_t		 last_change;	/* wall clock, for status */
	int64_t		 last_change_ms;
	char		 last_reason[160];
	int64_t		 last_takeover_ms;
	int64_t		 started_ms;

	struct readiness ready;
	int		 lease;	/* <addresslease> and a watch to renew it */
	int64_t		 lease_next_ms;
	int		 addr_seen;	/* present since the last add */
	int		 lease_warned;
	int64_t		 worst_gap_ms;	/* longest wait between heartbeats */
	int64_t		 gap_avg_ms;	/* their usual spacing, averaged */
	struct log_limit nearmiss_log;
	struct log_limit conflict_log;

	int		 dry_run;	/* decide, log, but run no script */
	int		 simulate;	/* "simulate peer-loss" in force */
	int		 stopping;	/* SIGTERM: release, tell, exit */
	int		 reload;	/* SIGHUP seen */
};

int64_t	 node_now(void);

/* node.c */
int	 node_start(struct node *, const char *conf_path, const char *schema,
	    int dry_run);
int	 node_run(struct node *);
void	 node_step(struct node *, int64_t now);
int	 node_reload(struct node *, char *err, size_t errlen);
void	 node_apply(struct node *, const struct fsm_result *, int64_t now);
void	 node_view(const struct node *, int64_t now, struct fsm_view *);

/* node_ctl.c */
void	 node_ctl_request(void *arg, const struct ctl_request *,
	    struct ctl_reply *);
void	 node_status(const struct node *, int64_t now, struct ctl_reply *);
void	 node_event_state(struct node *, enum fsm_state old,
	    enum fsm_state new);
void	 node_event_script(struct node *, const char *what, int status,
	    int timed_out);
void	 node_event(struct node *, const char *name, const char *key1,
	    const char *val1, const char *key2, const char *val2);
int	 node_apply_settings(struct node *, const struct settings *,
	    char *err, size_t errlen);

/* node_net.c */
int	 node_resolve_interface(struct node *, char *err, size_t errlen);
/* Whether the floating address is on our interface now. */
int	 node_address_present(struct node *);
int	 node_open_udp(struct node *, char *err, size_t errlen);
gid_t	 node_group_id(const char *name);	/* (gid_t)-2: none */
int	 node_watch_open(struct node *);
void	 node_watch_read(struct node *);	/* the changes queued so far */
#define NODE_LEASE_FOREVER	0xffffffffu	/* the kernel's "forever" */
int	 node_lease_renew(struct node *, uint32_t lifetime_s);
void	 node_notify(const char *state);	/* sd_notify(3) protocol */
const char *ether_text(const unsigned char mac[6]);	/* static buffer */
/* Dotted quad in one of four rotating static buffers: four per call. */
const char *ip_text(struct in_addr);
const char *node_conflict_text(const struct node *, int64_t now);

#endif
