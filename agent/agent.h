/*
 * failover-agentx: an AgentX subagent serving IPFAILOVER-MIB for one
 * node.  It is a plain client of failoverd's control socket and never
 * holds failoverd up; every wait on failoverd or on the master agent is
 * bounded.  Internal interfaces, grouped by the file that defines them.
 */
#ifndef IPF_AGENT_H
#define IPF_AGENT_H

#include <stddef.h>
#include <stdint.h>

struct ctl_block;

/*
 * The module's root, enterprises.32473.1.  PROVISIONAL: 32473 is the
 * documentation number of RFC 5612, used until IANA assigns one.  This
 * and the MODULE-IDENTITY of mib/IPFAILOVER-MIB.txt are the only places
 * that name it.
 */
#define IPF_OID_ROOT	1, 3, 6, 1, 4, 1, 32473, 1
#define IPF_OID_ROOT_LEN	8

/* Textual conventions of the MIB; the numbers are the SNMP values. */
enum ipf_state {
	IPF_S_INIT = 1, IPF_S_STANDBY, IPF_S_TAKING, IPF_S_ACTIVE,
	IPF_S_RELEASING, IPF_S_FAULT, IPF_S_UNKNOWN,
	IPF_S_PENDING			/* added after unknown: keep numbers */
};
enum ipf_source { IPF_SRC_CONFIG = 1, IPF_SRC_CONTROL, IPF_SRC_SNMP,
	IPF_SRC_UNKNOWN };
enum ipf_peer { IPF_PEER_ALIVE = 1, IPF_PEER_LOST, IPF_PEER_UNKNOWN };
enum ipf_role { IPF_ROLE_MASTER = 1, IPF_ROLE_SLAVE, IPF_ROLE_UNKNOWN };
enum ipf_override { IPF_OVR_NONE = 1, IPF_OVR_HOLD, IPF_OVR_RELEASE,
	IPF_OVR_UNKNOWN };
enum ipf_ready { IPF_READY_YES = 1, IPF_READY_NO, IPF_READY_UNKNOWN };
enum ipf_mode { IPF_MODE_AUTO = 1, IPF_MODE_MANUAL };
/* ipfPending; ipfConfirm takes the same numbers, none to handback. */
enum ipf_move { IPF_MOVE_NONE = 1, IPF_MOVE_TAKEOVER, IPF_MOVE_HANDBACK,
	IPF_MOVE_UNKNOWN };
enum ipf_sim { IPF_SIM_NONE = 1, IPF_SIM_PEER_LOSS, IPF_SIM_UNKNOWN };

#define IPF_TRUE	1		/* TruthValue */
#define IPF_FALSE	2

/* An InetAddressType and InetAddress pair. */
struct ipf_addr {
	int		type;		/* 0 unknown, 1 ipv4, 2 ipv6 */
	size_t		len;		/* 0, 4 or 16 */
	uint8_t		octets[16];
};

/* What failoverd last told us, typed for the MIB (status.c). */
struct ipf_status {
	int		reachable;	/* 1: connected to failoverd */
	int		valid;		/* 1: read at least once */
	enum ipf_state	state;
	int		holds;		/* 0 or 1 */
	int		ismaster;	/* 0 or 1 */
	enum ipf_source	ismaster_src;
	enum ipf_role	role;
	enum ipf_override override;
	enum ipf_mode	mode;
	enum ipf_source	mode_src;
	enum ipf_move	pending;
	enum ipf_ready	ready;
	char		ready_reason[256];
	int		dry_run;	/* 0 or 1 */
	enum ipf_sim	simulation;
	int		address_lease;	/* 0 or 1 */
	struct ipf_addr	alias;
	int		prefix;		/* 0..32 */
	struct ipf_addr	other;
	struct ipf_addr	local;
	char		interface[33];
	unsigned	port;
	uint32_t	failtime_ms;
	enum ipf_source	failtime_src;
	uint32_t	interval_ms;
	enum ipf_peer	peer;
	int64_t		peer_last_ms;	/* -1: never heard */
	enum ipf_state	peer_state;
	int		peer_ismaster, peer_holds;
	int		peer_ready;	/* 0 or 1: unknown reads 0 */
	enum ipf_ready	peer_readiness;
	int64_t		worst_gap_ms;	/* between valid heartbeats */
	uint64_t	hb_sent, hb_received;
	uint64_t	rej_length, rej_version, rej_mac, rej_replay;
	uint64_t	rej_sender;
	uint64_t	takeovers, releases, script_failures;
	uint64_t	nearmiss;
	int64_t		last_change;	/* Unix time, 0: none */
	int64_t		last_change_ago_ms;	/* -1: none */
	char		last_reason[256];
	int64_t		last_takeover_ms;
	int		foreign_holder;
	char		config[256];
	int64_t		uptime_ms;
};

/* status.c: pure conversions between the control protocol and the MIB. */
void		 status_clear(struct ipf_status *);
void		 status_from_block(struct ipf_status *,
		    const struct ctl_block *);
enum ipf_state	 status_state_parse(const char *);
const char	*status_state_name(enum ipf_state);
int		 status_addr_parse(const char *, struct ipf_addr *);
/* Folds an event into ST; returns 1 when the state changed. */
int		 status_apply_event(struct ipf_status *st,
		    const struct ctl_block *ev);
/* The move a state event to pending waits for (from "pending" or "holds"). */
enum ipf_move	 status_event_move(const struct ctl_block *ev);

/*
 * link.c: the two connections to failoverd.  One is subscribed and
 * carries events; the other carries requests, so a reply can never be
 * mistaken for an event.  Requests wait at most LINK_REQUEST_MS.
 */
#define LINK_REQUEST_MS		400
#define LINK_REFRESH_MS		200	/* oldest status served */

void		 link_init(const char *ctl_path);
void		 link_shutdown(void);
int		 link_event_fd(void);	/* -1 while disconnected */
/* Milliseconds until link_run() has work without input, -1: none. */
int		 link_wait_ms(int64_t now_ms);
/* Reads events (READABLE: the event fd is ready), reconnects when due. */
void		 link_run(int64_t now_ms, int readable);
/* The status, refreshed first when older than LINK_REFRESH_MS. */
const struct ipf_status *link_status(void);

/* Outcomes of link_set(), named after the control protocol's codes. */
enum link_result {
	LINK_OK, LINK_DENIED, LINK_SYNTAX, LINK_TYPE, LINK_RANGE,
	LINK_REFUSED, LINK_FAILED, LINK_UNREACHABLE
};
/* Sends "set KEY VALUE snmp"; TEXT gets failoverd's explanation. */
enum link_result link_set(const char *key, const char *value, char *text,
		    size_t textlen);
/* Sends LINE as it is ("takeover"); TEXT as for link_set(). */
enum link_result link_request(const char *line, char *text,
		    size_t textlen);
enum link_result link_result_parse(const char *head);

/* mib.c: registration and the read side of every object group. */
int		 mib_init(void);

/*
 * set.c: the writable objects, with the SET phases of RFC 2741 7.2.4.
 * The check functions are pure, so the unit test drives them directly.
 * An object is named by its group under ipfObjects and its number there.
 */
#define SET_OBJECT(group, subid)	((group) << 8 | (subid))
#define SET_ISMASTER		SET_OBJECT(1, 1)
#define SET_FAILTIME		SET_OBJECT(1, 3)
#define SET_FAILTIME_MS		SET_OBJECT(1, 4)
#define SET_MODE		SET_OBJECT(1, 17)
#define SET_CONFIRM		SET_OBJECT(2, 9)
#define SET_FAILTIME_STR_MAX	12	/* ipfFailtime SIZE (1..12) */

struct variable_list;
int		 set_check_type(int object, int asn_type, size_t len);
/* VALUE: milliseconds for failtime, 0/1 for ismaster, else the enum's. */
int		 set_check_value(int object, const struct variable_list *,
		    long *value);
int		 set_map_result(enum link_result);
struct netsnmp_agent_request_info_s;
struct netsnmp_request_info_s;
int		 set_request(struct netsnmp_agent_request_info_s *,
		    struct netsnmp_request_info_s *, int object);

/* notify.c: notifications, and the state of the master agent session. */
void		 notify_init(void);
int		 notify_pending(void);	/* 1: notify_run() has work */
void		 notify_run(void);
void		 notify_event(const struct ctl_block *ev,
		    const struct ipf_status *st);
void		 notify_state_change(enum ipf_state old, enum ipf_state new,
		    const char *reason, const struct ipf_status *st);
uint32_t	 notify_unsent(void);

/* main.c */
int64_t		 agent_now_ms(void);

#endif
