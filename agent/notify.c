/*
 * Notifications of IPFAILOVER-MIB, and what we know of the session with
 * the master agent.  net-snmp tells about the session through the
 * INDEX_START and INDEX_STOP callbacks of its subagent code: START once
 * the AgentX session is open (our registrations follow in the same
 * call), STOP when the master closed it or stopped answering pings.
 *
 * A notification raised without a session cannot be queued for later in
 * any useful way, since the state it describes moves on; it is counted
 * instead, and the summary sent at the next registration carries the
 * count and the current state.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "ctlclient.h"
#include "log.h"
#include "agent.h"

/* Notification numbers under ipfNotifications (ROOT.0). */
enum {
	N_STATE_CHANGE = 1, N_PEER_LOST, N_PEER_BACK, N_SCRIPT_FAILURE,
	N_AUTH_FAILURE, N_ADDRESS_CONFLICT, N_STATE_SUMMARY,
	N_TAKEOVER_PENDING, N_READINESS_CHANGE, N_NEAR_MISS
};

/* Object groups under ipfObjects (ROOT.1) and their members used here. */
#define G_CONFIG	1
#define G_STATUS	2
#define G_PEER		3
#define G_COUNTERS	4
#define G_NOTIFY	6

static const oid trap_oid_name[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static struct {
	int		connected;	/* an open AgentX session */
	int		summary_due;	/* registered since last sent */
	uint32_t	unsent;		/* Counter32: no session then */
} ns;

static int
session_start(int major, int minor, void *server, void *client)
{
	(void)major, (void)minor, (void)server, (void)client;
	ns.connected = 1;
	ns.summary_due = 1;
	log_info("AgentX session with the master agent open");
	return SNMPERR_SUCCESS;
}

static int
session_stop(int major, int minor, void *server, void *client)
{
	(void)major, (void)minor, (void)server, (void)client;
	ns.connected = 0;
	log_warning("AgentX session with the master agent lost");
	return SNMPERR_SUCCESS;
}

void
notify_init(void)
{
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_START, session_start, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION,
	    SNMPD_CALLBACK_INDEX_STOP, session_stop, NULL);
}

uint32_t
notify_unsent(void)
{
	return ns.unsent;
}

/* Appends GROUP.SUBID.0 under ipfObjects with an integer-like value. */
static void
add_int(netsnmp_variable_list **vl, int group, int subid, u_char type,
    long value)
{
	oid	 name[] = { IPF_OID_ROOT, 1, (oid)group, (oid)subid, 0 };

	snmp_varlist_add_variable(vl, name, OID_LENGTH(name), type,
	    &value, sizeof(value));
}

static void
add_bytes(netsnmp_variable_list **vl, int group, int subid,
    const void *p, size_t len)
{
	oid	 name[] = { IPF_OID_ROOT, 1, (oid)group, (oid)subid, 0 };

	snmp_varlist_add_variable(vl, name, OID_LENGTH(name), ASN_OCTET_STR,
	    p, len);
}

static void
add_str(netsnmp_variable_list **vl, int group, int subid, const char *s)
{
	add_bytes(vl, group, subid, s, strnlen(s, 255));
}

/* The InetAddressType and InetAddress pair at SUBID and SUBID + 1. */
static void
add_addr(netsnmp_variable_list **vl, int subid, const struct ipf_addr *a)
{
	add_int(vl, G_CONFIG, subid, ASN_INTEGER, a->type);
	add_bytes(vl, G_CONFIG, subid + 1, a->octets, a->len);
}

static long
truth(int b)
{
	return b ? IPF_TRUE : IPF_FALSE;
}

/*
 * Sends notification NUMBER with the varbinds VARS (consumed).  Without
 * a session it only counts: see the head of the file.
 */
static void
send_notification(int number, const char *name, netsnmp_variable_list *vars)
{
	oid			 trap[] = { IPF_OID_ROOT, 0, (oid)number };
	netsnmp_variable_list	*vl = NULL;

	if (!ns.connected) {
		ns.unsent++;
		log_info("no master agent: %s not sent (%u so far)", name,
		    ns.unsent);
		snmp_free_varbind(vars);
		return;
	}
	snmp_varlist_add_variable(&vl, trap_oid_name,
	    OID_LENGTH(trap_oid_name), ASN_OBJECT_ID, trap, sizeof(trap));
	if (vl == NULL) {
		snmp_free_varbind(vars);
		return;
	}
	vl->next_variable = vars;
	send_v2trap(vl);
	snmp_free_varbind(vl);
	log_debug("sent %s", name);
}

void
notify_state_change(enum ipf_state old, enum ipf_state new,
    const char *reason, const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;

	add_int(&vl, G_NOTIFY, 1, ASN_INTEGER, old);
	add_int(&vl, G_NOTIFY, 2, ASN_INTEGER, new);
	add_str(&vl, G_NOTIFY, 3, reason);
	add_addr(&vl, 7, &st->alias);
	add_int(&vl, G_STATUS, 2, ASN_INTEGER, truth(st->holds));
	send_notification(N_STATE_CHANGE, "ipfStateChange", vl);
}

static const char *
get(const struct ctl_block *ev, const char *key)
{
	const char	*v = ctl_block_get(ev, key);

	return v != NULL ? v : "";
}

static void
peer_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;
	int			 lost = strcmp(get(ev, "peer"), "lost") == 0;

	add_int(&vl, G_PEER, 1, ASN_INTEGER,
	    lost ? IPF_PEER_LOST : IPF_PEER_ALIVE);
	add_str(&vl, G_NOTIFY, 3, get(ev, "reason"));
	add_addr(&vl, 10, &st->other);
	if (lost)
		send_notification(N_PEER_LOST, "ipfPeerLost", vl);
	else
		send_notification(N_PEER_BACK, "ipfPeerBack", vl);
}

/*
 * failoverd reports failed runs only; a status of 0 without a timeout
 * would be a success and is not worth a notification.  The argument is
 * the event's; a daemon older than the "arg" key gets the floating
 * address, which is what it passes.
 */
static void
script_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;
	const char		*status = get(ev, "status");
	const char		*to = get(ev, "timed_out");
	int			 timed_out = strcmp(to, "true") == 0 ||
				    strcmp(to, "yes") == 0;
	char			 arg[INET6_ADDRSTRLEN];

	if (strcmp(status, "0") == 0 && !timed_out)
		return;
	if (ctl_block_get(ev, "arg") != NULL)
		snprintf(arg, sizeof(arg), "%s", get(ev, "arg"));
	else if (inet_ntop(st->alias.type == 2 ? AF_INET6 : AF_INET,
	    st->alias.octets, arg, sizeof(arg)) == NULL)
		arg[0] = '\0';
	add_int(&vl, G_NOTIFY, 4, ASN_INTEGER,
	    strcmp(get(ev, "script"), "remove") == 0 ? 2 : 1);
	add_str(&vl, G_NOTIFY, 5, arg);
	add_int(&vl, G_NOTIFY, 6, ASN_INTEGER, strtol(status, NULL, 10));
	add_int(&vl, G_NOTIFY, 7, ASN_INTEGER, truth(timed_out));
	send_notification(N_SCRIPT_FAILURE, "ipfScriptFailure", vl);
}

static void
auth_event(const struct ctl_block *ev)
{
	static const char *const reasons[] = { NULL, "length", "version",
		"mac", "replay", "sender" };
	netsnmp_variable_list	*vl = NULL;
	const char		*r = get(ev, "reason");
	long			 v = 6;		/* other(6) */
	int			 i;

	for (i = 1; i < 6; i++)
		if (strcmp(r, reasons[i]) == 0)
			v = i;
	add_int(&vl, G_NOTIFY, 8, ASN_INTEGER, v);
	add_int(&vl, G_NOTIFY, 9, ASN_UNSIGNED,
	    (long)strtoul(get(ev, "count"), NULL, 10));
	send_notification(N_AUTH_FAILURE, "ipfAuthFailure", vl);
}

/* Sent besides the ipfStateChange to pending(8). */
static void
pending_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;

	add_int(&vl, G_STATUS, 8, ASN_INTEGER, status_event_move(ev));
	add_str(&vl, G_NOTIFY, 3, get(ev, "reason"));
	add_addr(&vl, 7, &st->alias);
	add_int(&vl, G_STATUS, 2, ASN_INTEGER, truth(st->holds));
	send_notification(N_TAKEOVER_PENDING, "ipfTakeoverPending", vl);
}

static void
ready_event(const struct ctl_block *ev)
{
	netsnmp_variable_list	*vl = NULL;
	const char		*r = get(ev, "ready");

	add_int(&vl, G_STATUS, 10, ASN_INTEGER,
	    strcmp(r, "yes") == 0 ? IPF_READY_YES :
	    strcmp(r, "no") == 0 ? IPF_READY_NO : IPF_READY_UNKNOWN);
	add_str(&vl, G_STATUS, 11, get(ev, "reason"));
	send_notification(N_READINESS_CHANGE, "ipfReadinessChange", vl);
}

/*
 * failoverd rate-limits these events; the counter, read fresh, tells a
 * manager how many near misses the limit folded into this one.
 */
static void
nearmiss_event(const struct ctl_block *ev)
{
	const struct ipf_status	*st = link_status();
	netsnmp_variable_list	*vl = NULL;
	unsigned long		 gap = strtoul(get(ev, "gap_ms"), NULL, 10);

	add_int(&vl, G_NOTIFY, 10, ASN_UNSIGNED,
	    (long)(gap > UINT32_MAX ? UINT32_MAX : gap));
	add_int(&vl, G_CONFIG, 4, ASN_UNSIGNED, st->failtime_ms);
	add_int(&vl, G_COUNTERS, 12, ASN_COUNTER,
	    (long)(st->nearmiss & 0xffffffffU));
	add_str(&vl, G_NOTIFY, 3, get(ev, "reason"));
	add_addr(&vl, 10, &st->other);
	send_notification(N_NEAR_MISS, "ipfNearMiss", vl);
}

static void
conflict_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;

	add_str(&vl, G_NOTIFY, 3, get(ev, "reason"));
	add_addr(&vl, 7, &st->alias);
	add_int(&vl, G_STATUS, 2, ASN_INTEGER, truth(st->holds));
	add_int(&vl, G_STATUS, 5, ASN_INTEGER, truth(st->foreign_holder));
	send_notification(N_ADDRESS_CONFLICT, "ipfAddressConflict", vl);
}

void
notify_event(const struct ctl_block *ev, const struct ipf_status *st)
{
	const char	*name = ev->head + 6;

	if (strncmp(ev->head, "event ", 6) != 0)
		return;
	if (strcmp(name, "state") == 0) {
		notify_state_change(status_state_parse(get(ev, "old")),
		    status_state_parse(get(ev, "new")), get(ev, "reason"),
		    st);
		if (status_state_parse(get(ev, "new")) == IPF_S_PENDING)
			pending_event(ev, st);
	} else if (strcmp(name, "peer") == 0)
		peer_event(ev, st);
	else if (strcmp(name, "script") == 0)
		script_event(ev, st);
	else if (strcmp(name, "auth") == 0)
		auth_event(ev);
	else if (strcmp(name, "conflict") == 0)
		conflict_event(ev, st);
	else if (strcmp(name, "ready") == 0)
		ready_event(ev);
	else if (strcmp(name, "nearmiss") == 0)
		nearmiss_event(ev);
}

static void
send_summary(const struct ipf_status *st)
{
	netsnmp_variable_list	*vl = NULL;

	add_int(&vl, G_STATUS, 1, ASN_INTEGER, st->state);
	add_int(&vl, G_STATUS, 2, ASN_INTEGER, truth(st->holds));
	add_int(&vl, G_CONFIG, 1, ASN_INTEGER, truth(st->ismaster));
	add_int(&vl, G_PEER, 1, ASN_INTEGER, st->peer);
	add_int(&vl, G_CONFIG, 4, ASN_UNSIGNED, st->failtime_ms);
	add_addr(&vl, 7, &st->alias);
	add_int(&vl, G_COUNTERS, 11, ASN_COUNTER, ns.unsent);
	send_notification(N_STATE_SUMMARY, "ipfStateSummary", vl);
	log_info("sent the state summary: %s, %u notifications unsent "
	    "since start", status_state_name(st->state), ns.unsent);
}

int
notify_pending(void)
{
	return ns.connected && ns.summary_due;
}

void
notify_run(void)
{
	if (!notify_pending())
		return;
	ns.summary_due = 0;
	send_summary(link_status());
}
