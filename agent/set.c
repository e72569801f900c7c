/*
 * The writable objects of ipfConfig: ipfIsMaster, ipfFailtime and
 * ipfFailtimeMs.  failoverd owns the values; we only validate and pass
 * them on, so a SET and "failoverctl set" take the same path.
 *
 * RFC 2741 7.2.4 phases, as net-snmp runs them in a subagent: TestSet
 * becomes RESERVE1 (type and length) then RESERVE2 (value, consistency
 * within the request, failoverd reachable); CommitSet becomes ACTION,
 * the only phase that changes anything; UndoSet becomes UNDO, which asks
 * failoverd to put the old value back; CleanupSet becomes COMMIT (log)
 * or FREE.  Each phase reaches us as a request of its own, so nothing
 * can be hung on the request: the transaction lives here.  The master
 * agent runs one SET at a time, hence a single record, reopened by the
 * first RESERVE1 after the previous transaction ended.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "control.h"
#include "log.h"
#include "agent.h"

/* Objects of ipfConfig that take writes, and their ranges (the MIB's). */
#define OBJ_ISMASTER		1
#define OBJ_FAILTIME		3
#define OBJ_FAILTIME_MS		4
#define FAILTIME_MIN_MS		30
#define FAILTIME_MAX_MS		3600000

static struct {
	int		open;		/* RESERVE1 to the end */
	long		transid;
	uint32_t	failtime_ms;	/* asked for; 0: not asked */
	int		ismaster;	/* asked for; -1: not asked */
	uint32_t	old_failtime_ms;
	int		old_ismaster;
	int		failtime_done;	/* applied: UNDO reverts */
	int		ismaster_done;
} tx;

int
set_check_type(int subid, int asn_type, size_t len)
{
	switch (subid) {
	case OBJ_ISMASTER:
		if (asn_type != ASN_INTEGER)
			return SNMP_ERR_WRONGTYPE;
		return len == sizeof(long) ? SNMP_ERR_NOERROR :
		    SNMP_ERR_WRONGLENGTH;
	case OBJ_FAILTIME:
		if (asn_type != ASN_OCTET_STR)
			return SNMP_ERR_WRONGTYPE;
		return len >= 1 && len <= SET_FAILTIME_STR_MAX ?
		    SNMP_ERR_NOERROR : SNMP_ERR_WRONGLENGTH;
	case OBJ_FAILTIME_MS:
		if (asn_type != ASN_UNSIGNED)
			return SNMP_ERR_WRONGTYPE;
		return len == sizeof(long) ? SNMP_ERR_NOERROR :
		    SNMP_ERR_WRONGLENGTH;
	default:
		return SNMP_ERR_NOTWRITABLE;
	}
}

/* ipfFailtime: the decimal seconds failoverd's own parser accepts. */
static int
check_failtime(const netsnmp_variable_list *vb, uint32_t *ms)
{
	char	 buf[SET_FAILTIME_STR_MAX + 1];

	if (vb->val_len > SET_FAILTIME_STR_MAX)
		return SNMP_ERR_WRONGLENGTH;
	memcpy(buf, vb->val.string, vb->val_len);
	buf[vb->val_len] = '\0';
	if (ctl_parse_seconds(buf, ms) == -1)
		return SNMP_ERR_WRONGVALUE;
	return SNMP_ERR_NOERROR;
}

int
set_check_value(int subid, const netsnmp_variable_list *vb,
    uint32_t *failtime_ms, int *ismaster)
{
	unsigned long	 u;
	int		 err;

	switch (subid) {
	case OBJ_ISMASTER:
		if (*vb->val.integer != IPF_TRUE &&
		    *vb->val.integer != IPF_FALSE)
			return SNMP_ERR_WRONGVALUE;
		*ismaster = *vb->val.integer == IPF_TRUE;
		return SNMP_ERR_NOERROR;
	case OBJ_FAILTIME:
		if ((err = check_failtime(vb, failtime_ms)) != 0)
			return err;
		break;
	case OBJ_FAILTIME_MS:
		u = (unsigned long)*vb->val.integer;
		*failtime_ms = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
		break;
	default:
		return SNMP_ERR_NOTWRITABLE;
	}
	if (*failtime_ms < FAILTIME_MIN_MS || *failtime_ms > FAILTIME_MAX_MS)
		return SNMP_ERR_WRONGVALUE;
	return SNMP_ERR_NOERROR;
}

/*
 * failoverd's verdicts.  range and type cannot normally reach here, as
 * RESERVE checks the same rules first; they stay mapped for a daemon
 * whose limits moved.  A refusal depends on failoverd's state (failtime
 * under twice the interval), hence inconsistentValue.
 */
int
set_map_result(enum link_result r)
{
	switch (r) {
	case LINK_OK:		return SNMP_ERR_NOERROR;
	case LINK_RANGE:	return SNMP_ERR_WRONGVALUE;
	case LINK_TYPE:		return SNMP_ERR_WRONGTYPE;
	case LINK_REFUSED:	return SNMP_ERR_INCONSISTENTVALUE;
	case LINK_UNREACHABLE:	return SNMP_ERR_RESOURCEUNAVAILABLE;
	case LINK_SYNTAX:	return SNMP_ERR_GENERR;
	case LINK_DENIED:
	case LINK_FAILED:
	default:		return SNMP_ERR_COMMITFAILED;
	}
}

static void
tx_begin(const netsnmp_agent_request_info *ri)
{
	long	 transid = ri->asp != NULL && ri->asp->pdu != NULL ?
	    ri->asp->pdu->transid : -1;

	if (tx.open && tx.transid == transid)
		return;
	memset(&tx, 0, sizeof(tx));
	tx.open = 1;
	tx.transid = transid;
	tx.ismaster = -1;
}

static int
reserve2(int subid, const netsnmp_variable_list *vb)
{
	uint32_t	 ms = 0;
	int		 im = -1, err;

	if ((err = set_check_value(subid, vb, &ms, &im)) != 0)
		return err;
	/* ipfFailtime and ipfFailtimeMs in one request must agree. */
	if (subid == OBJ_ISMASTER) {
		if (tx.ismaster != -1 && tx.ismaster != im)
			return SNMP_ERR_INCONSISTENTVALUE;
		tx.ismaster = im;
	} else {
		if (tx.failtime_ms != 0 && tx.failtime_ms != ms)
			return SNMP_ERR_INCONSISTENTVALUE;
		tx.failtime_ms = ms;
	}
	if (!link_status()->reachable)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	return SNMP_ERR_NOERROR;
}

static void
seconds(uint32_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%03u", ms / 1000, ms % 1000);
}

static int
apply(const char *key, const char *value)
{
	enum link_result	 r;
	char			 text[256];

	r = link_set(key, value, text, sizeof(text));
	if (r != LINK_OK)
		log_warning("snmp set %s %s: failoverd says '%s'", key, value,
		    text);
	if (r == LINK_DENIED)
		log_warning("failoverd refuses changes from this user: add it to the control group of the configuration");
	return set_map_result(r);
}

static int
action(int subid)
{
	const struct ipf_status	*st = link_status();
	char			 value[16];
	int			 err;

	if (subid == OBJ_ISMASTER && !tx.ismaster_done) {
		tx.old_ismaster = st->ismaster;
		err = apply("ismaster", tx.ismaster ? "true" : "false");
		tx.ismaster_done = err == SNMP_ERR_NOERROR;
		return err;
	}
	if (subid != OBJ_ISMASTER && !tx.failtime_done) {
		tx.old_failtime_ms = st->failtime_ms;
		seconds(tx.failtime_ms, value, sizeof(value));
		err = apply("failtime", value);
		tx.failtime_done = err == SNMP_ERR_NOERROR;
		return err;
	}
	return SNMP_ERR_NOERROR;
}

static int
undo(int subid)
{
	char	 value[16];
	int	 err = SNMP_ERR_NOERROR;

	tx.open = 0;
	if (subid == OBJ_ISMASTER && tx.ismaster_done) {
		tx.ismaster_done = 0;
		snprintf(value, sizeof(value), "%s",
		    tx.old_ismaster ? "true" : "false");
		err = apply("ismaster", value);
	} else if (subid != OBJ_ISMASTER && tx.failtime_done) {
		tx.failtime_done = 0;
		seconds(tx.old_failtime_ms, value, sizeof(value));
		err = apply("failtime", value);
	} else
		return SNMP_ERR_NOERROR;
	if (err != SNMP_ERR_NOERROR) {
		log_warnx("snmp set undo failed: %s stays changed",
		    subid == OBJ_ISMASTER ? "ismaster" : "failtime");
		return SNMP_ERR_UNDOFAILED;
	}
	log_notice("snmp set undone: %s back to %s",
	    subid == OBJ_ISMASTER ? "ismaster" : "failtime", value);
	return SNMP_ERR_NOERROR;
}

static void
commit(int subid)
{
	char	 value[16];

	tx.open = 0;
	if (subid == OBJ_ISMASTER)
		log_notice("snmp set ismaster %s committed",
		    tx.ismaster ? "true" : "false");
	else {
		seconds(tx.failtime_ms, value, sizeof(value));
		log_notice("snmp set failtime %s committed", value);
	}
}

int
set_request(netsnmp_agent_request_info *ri, netsnmp_request_info *req,
    int subid)
{
	netsnmp_variable_list	*vb = req->requestvb;
	int			 err = SNMP_ERR_NOERROR;

	switch (ri->mode) {
	case MODE_SET_RESERVE1:
		tx_begin(ri);
		err = set_check_type(subid, vb->type, vb->val_len);
		break;
	case MODE_SET_RESERVE2:
		err = reserve2(subid, vb);
		break;
	case MODE_SET_ACTION:
		err = action(subid);
		break;
	case MODE_SET_UNDO:
		err = undo(subid);
		break;
	case MODE_SET_COMMIT:
		commit(subid);
		break;
	case MODE_SET_FREE:
		tx.open = 0;
		break;
	default:
		break;
	}
	if (err != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(ri, req, err);
	return SNMP_ERR_NOERROR;
}
