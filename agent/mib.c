/*
 * The read side of IPFAILOVER-MIB: one scalar-group registration and
 * one handler per object group.  net-snmp's scalar_group helper turns a
 * GETNEXT into a GET of the right object, so the handlers only answer
 * GETs, from the status that link.c keeps fresh (at most LINK_REFRESH_MS
 * old, each refresh bounded by LINK_REQUEST_MS).  Writes to ipfConfig and
 * ipfStatus (ipfConfirm) go on to set.c, which refuses the read-only
 * objects.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "log.h"
#include "agent.h"

static long
truth(int b)
{
	return b ? IPF_TRUE : IPF_FALSE;
}

static void
put_int(netsnmp_variable_list *vb, u_char type, long v)
{
	snmp_set_var_typed_integer(vb, type, v);
}

/* Counter32, Unsigned32, TimeTicks: the low 32 bits, as SNMP wraps. */
static void
put_u32(netsnmp_variable_list *vb, u_char type, uint64_t v)
{
	snmp_set_var_typed_integer(vb, type, (long)(v & 0xffffffffU));
}

/* Integer32 (-1..2147483647) from a value that might exceed it. */
static void
put_i32(netsnmp_variable_list *vb, int64_t v)
{
	if (v > INT32_MAX)
		v = INT32_MAX;
	if (v < -1)
		v = -1;
	snmp_set_var_typed_integer(vb, ASN_INTEGER, (long)v);
}

static void
put_str(netsnmp_variable_list *vb, const char *s)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

static void
put_addr(netsnmp_variable_list *vb, const struct ipf_addr *a)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, a->octets, a->len);
}

static int
get_config(netsnmp_variable_list *vb, int subid, const struct ipf_status *st)
{
	char	 buf[16];

	switch (subid) {
	case 1: put_int(vb, ASN_INTEGER, truth(st->ismaster)); break;
	case 2: put_int(vb, ASN_INTEGER, st->ismaster_src); break;
	case 3:
		snprintf(buf, sizeof(buf), "%u.%03u", st->failtime_ms / 1000,
		    st->failtime_ms % 1000);
		put_str(vb, buf);
		break;
	case 4: put_u32(vb, ASN_UNSIGNED, st->failtime_ms); break;
	case 5: put_int(vb, ASN_INTEGER, st->failtime_src); break;
	case 6: put_u32(vb, ASN_UNSIGNED, st->interval_ms); break;
	case 7: put_int(vb, ASN_INTEGER, st->alias.type); break;
	case 8: put_addr(vb, &st->alias); break;
	case 9: put_u32(vb, ASN_UNSIGNED, (uint64_t)st->prefix); break;
	case 10: put_int(vb, ASN_INTEGER, st->other.type); break;
	case 11: put_addr(vb, &st->other); break;
	case 12: put_int(vb, ASN_INTEGER, st->local.type); break;
	case 13: put_addr(vb, &st->local); break;
	case 14: put_str(vb, st->interface); break;
	case 15: put_u32(vb, ASN_UNSIGNED, st->port); break;
	case 16: put_str(vb, st->config); break;
	case 17: put_int(vb, ASN_INTEGER, st->mode); break;
	case 18: put_int(vb, ASN_INTEGER, st->mode_src); break;
	default: return -1;
	}
	return 0;
}

static int
get_status(netsnmp_variable_list *vb, int subid, const struct ipf_status *st)
{
	switch (subid) {
	case 1: put_int(vb, ASN_INTEGER, st->state); break;
	case 2: put_int(vb, ASN_INTEGER, truth(st->holds)); break;
	case 3: put_int(vb, ASN_INTEGER, st->role); break;
	case 4: put_int(vb, ASN_INTEGER, st->override); break;
	case 5: put_int(vb, ASN_INTEGER, truth(st->foreign_holder)); break;
	case 6:
		put_u32(vb, ASN_TIMETICKS, st->uptime_ms < 0 ? 0 :
		    (uint64_t)st->uptime_ms / 10);
		break;
	case 7: put_int(vb, ASN_INTEGER, truth(st->reachable)); break;
	case 8: put_int(vb, ASN_INTEGER, st->pending); break;
	/* ipfConfirm: an action, with nothing to read back */
	case 9: put_int(vb, ASN_INTEGER, IPF_MOVE_NONE); break;
	case 10: put_int(vb, ASN_INTEGER, st->ready); break;
	case 11: put_str(vb, st->ready_reason); break;
	case 12: put_int(vb, ASN_INTEGER, truth(st->dry_run)); break;
	case 13: put_int(vb, ASN_INTEGER, st->simulation); break;
	case 14: put_int(vb, ASN_INTEGER, truth(st->address_lease)); break;
	default: return -1;
	}
	return 0;
}

static int
get_peer(netsnmp_variable_list *vb, int subid, const struct ipf_status *st)
{
	switch (subid) {
	case 1: put_int(vb, ASN_INTEGER, st->peer); break;
	case 2: put_i32(vb, st->peer_last_ms); break;
	case 3: put_int(vb, ASN_INTEGER, st->peer_state); break;
	case 4: put_int(vb, ASN_INTEGER, truth(st->peer_ismaster)); break;
	case 5: put_int(vb, ASN_INTEGER, truth(st->peer_holds)); break;
	case 6: put_int(vb, ASN_INTEGER, truth(st->peer_ready)); break;
	case 7: put_int(vb, ASN_INTEGER, st->peer_readiness); break;
	case 8:
		put_u32(vb, ASN_UNSIGNED, st->worst_gap_ms < 0 ? 0 :
		    (uint64_t)st->worst_gap_ms);
		break;
	default: return -1;
	}
	return 0;
}

static int
get_counters(netsnmp_variable_list *vb, int subid,
    const struct ipf_status *st)
{
	const uint64_t	 v[] = { 0, st->hb_sent, st->hb_received,
	    st->rej_length, st->rej_version, st->rej_mac, st->rej_replay,
	    st->rej_sender, st->takeovers, st->releases, st->script_failures,
	    notify_unsent(), st->nearmiss };

	if (subid < 1 || (size_t)subid >= sizeof(v) / sizeof(v[0]))
		return -1;
	put_u32(vb, ASN_COUNTER, v[subid]);
	return 0;
}

static int
get_last_change(netsnmp_variable_list *vb, int subid,
    const struct ipf_status *st)
{
	switch (subid) {
	case 1:
		put_u32(vb, ASN_UNSIGNED, st->last_change < 0 ? 0 :
		    (uint64_t)st->last_change);
		break;
	case 2: put_i32(vb, st->last_change_ago_ms); break;
	case 3: put_str(vb, st->last_reason); break;
	case 4:
		put_u32(vb, ASN_UNSIGNED, st->last_takeover_ms < 0 ? 0 :
		    (uint64_t)st->last_takeover_ms);
		break;
	default: return -1;
	}
	return 0;
}

typedef int getter(netsnmp_variable_list *, int, const struct ipf_status *);

/* The object groups under ipfObjects, in OID order. */
static struct group {
	const char	*name;
	oid		 arc;		/* under ipfObjects */
	oid		 last;		/* highest object number */
	getter		*get;
	int		 writable;
} groups[] = {
	{ "ipfConfig", 1, 18, get_config, 1 },
	{ "ipfStatus", 2, 14, get_status, 1 },
	{ "ipfPeer", 3, 8, get_peer, 0 },
	{ "ipfCounters", 4, 12, get_counters, 0 },
	{ "ipfLastChange", 5, 4, get_last_change, 0 }
};

/*
 * Inside the scalar_group helper, the registration's root is the
 * object's OID with its ".0": the object number sits two from the end.
 */
static int
handle_group(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	const struct group	*g = h->myvoid;
	int			 subid;

	for (; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		subid = (int)req->requestvb->name[reg->rootoid_len - 2];
		if (ri->mode != MODE_GET) {
			if (g->writable)
				return set_request(ri, req,
				    SET_OBJECT((int)g->arc, subid));
			netsnmp_set_request_error(ri, req,
			    SNMP_ERR_NOTWRITABLE);
			continue;
		}
		if (g->get(req->requestvb, subid, link_status()) == -1)
			netsnmp_set_request_error(ri, req, SNMP_NOSUCHOBJECT);
	}
	return SNMP_ERR_NOERROR;
}

static int
register_group(struct group *g)
{
	netsnmp_handler_registration *reg;
	oid	 name[] = { IPF_OID_ROOT, 1, g->arc };

	reg = netsnmp_create_handler_registration(g->name, handle_group,
	    name, OID_LENGTH(name),
	    g->writable ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (reg == NULL)
		return -1;
	reg->handler->myvoid = g;
	if (netsnmp_register_scalar_group(reg, 1, g->last) !=
	    MIB_REGISTERED_OK) {
		log_warnx("cannot register %s", g->name);
		return -1;
	}
	return 0;
}

int
mib_init(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (register_group(&groups[i]) == -1)
			return -1;
	return 0;
}
