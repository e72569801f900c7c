/*
 * The writable objects: ipfIsMaster, ipfFailtime, ipfFailtimeMs and
 * ipfMode in ipfConfig, and ipfConfirm in ipfStatus.  failoverd owns the
 * values; we only validate and pass them on, so a SET and "failoverctl
 * set" (or "failoverctl takeover") take the same path.
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
 *
 * A confirmation (ipfConfirm) cannot be undone: the move starts at once.
 * It must therefore be the only object of ours in its request, and an
 * UNDO that still reaches it (another subagent failed) is undoFailed.
 * It is sent in ACTION, not in COMMIT, because CleanupSet has no
 * response: a refusal found there could not reach the manager.
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

/* The MIB's ranges. */
#define FAILTIME_MIN_MS		30
#define FAILTIME_MAX_MS		3600000

/* What one request may change; both failtime objects are one setting. */
enum setting { S_ISMASTER, S_FAILTIME, S_MODE, S_CONFIRM, S_N };

static const char *const setting_names[S_N] = {
	"ismaster", "failtime", "mode", "confirm"
};

static struct {
	int		open;		/* RESERVE1 to the end */
	long		transid;
	int		objects;	/* our varbinds, counted in RESERVE1 */
	struct {
		int	asked;
		long	value;		/* as set_check_value() gives it */
		long	old;		/* before ACTION, for UNDO */
		int	done;		/* applied: UNDO reverts */
	} s[S_N];
} tx;

static enum setting
setting_of(int object)
{
	switch (object) {
	case SET_ISMASTER:	return S_ISMASTER;
	case SET_MODE:		return S_MODE;
	case SET_CONFIRM:	return S_CONFIRM;
	default:		return S_FAILTIME;
	}
}

int
set_check_type(int object, int asn_type, size_t len)
{
	switch (object) {
	case SET_ISMASTER:
	case SET_MODE:
	case SET_CONFIRM:
		if (asn_type != ASN_INTEGER)
			return SNMP_ERR_WRONGTYPE;
		return len == sizeof(long) ? SNMP_ERR_NOERROR :
		    SNMP_ERR_WRONGLENGTH;
	case SET_FAILTIME:
		if (asn_type != ASN_OCTET_STR)
			return SNMP_ERR_WRONGTYPE;
		return len >= 1 && len <= SET_FAILTIME_STR_MAX ?
		    SNMP_ERR_NOERROR : SNMP_ERR_WRONGLENGTH;
	case SET_FAILTIME_MS:
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

/* An enumeration's value in LO..HI, or wrongValue. */
static int
check_enum(const netsnmp_variable_list *vb, long lo, long hi, long *value)
{
	if (*vb->val.integer < lo || *vb->val.integer > hi)
		return SNMP_ERR_WRONGVALUE;
	*value = *vb->val.integer;
	return SNMP_ERR_NOERROR;
}

int
set_check_value(int object, const netsnmp_variable_list *vb, long *value)
{
	unsigned long	 u;
	uint32_t	 ms = 0;
	int		 err;

	switch (object) {
	case SET_ISMASTER:
		if ((err = check_enum(vb, IPF_TRUE, IPF_FALSE, value)) != 0)
			return err;
		*value = *value == IPF_TRUE;
		return SNMP_ERR_NOERROR;
	case SET_MODE:
		return check_enum(vb, IPF_MODE_AUTO, IPF_MODE_MANUAL, value);
	case SET_CONFIRM:
		/* none(1) names no move: there is nothing to confirm. */
		return check_enum(vb, IPF_MOVE_TAKEOVER, IPF_MOVE_HANDBACK,
		    value);
	case SET_FAILTIME:
		if ((err = check_failtime(vb, &ms)) != 0)
			return err;
		break;
	case SET_FAILTIME_MS:
		u = (unsigned long)*vb->val.integer;
		ms = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
		break;
	default:
		return SNMP_ERR_NOTWRITABLE;
	}
	if (ms < FAILTIME_MIN_MS || ms > FAILTIME_MAX_MS)
		return SNMP_ERR_WRONGVALUE;
	*value = (long)ms;
	return SNMP_ERR_NOERROR;
}

/*
 * failoverd's verdicts.  range and type cannot normally reach here, as
 * RESERVE checks the same rules first; they stay mapped for a daemon
 * whose limits moved.  A refusal depends on failoverd's state (failtime
 * under twice the interval, no move pending), hence inconsistentValue.
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
}

static int
reserve2(int object, const netsnmp_variable_list *vb)
{
	enum setting	 s = setting_of(object);
	long		 v = 0;
	int		 err;

	if ((err = set_check_value(object, vb, &v)) != 0)
		return err;
	/* ipfFailtime and ipfFailtimeMs in one request must agree. */
	if (tx.s[s].asked && tx.s[s].value != v)
		return SNMP_ERR_INCONSISTENTVALUE;
	if (s == S_CONFIRM && tx.objects > 1)
		return SNMP_ERR_INCONSISTENTVALUE;
	tx.s[s].asked = 1;
	tx.s[s].value = v;
	if (!link_status()->reachable)
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	return SNMP_ERR_NOERROR;
}

/* The words failoverd takes for setting S with value V. */
static void
words(enum setting s, long v, char *buf, size_t len)
{
	switch (s) {
	case S_ISMASTER:
		snprintf(buf, len, "%s", v ? "true" : "false");
		break;
	case S_FAILTIME:
		snprintf(buf, len, "%ld.%03ld", v / 1000, v % 1000);
		break;
	case S_MODE:
		snprintf(buf, len, "%s", v == IPF_MODE_MANUAL ? "manual" :
		    "auto");
		break;
	default:
		snprintf(buf, len, "%s", v == IPF_MOVE_HANDBACK ? "handback" :
		    "takeover");
		break;
	}
}

static long
current(enum setting s, const struct ipf_status *st)
{
	switch (s) {
	case S_ISMASTER:	return st->ismaster;
	case S_FAILTIME:	return (long)st->failtime_ms;
	case S_MODE:		return st->mode;
	default:		return IPF_MOVE_NONE;
	}
}

static int
apply(enum setting s, long v)
{
	enum link_result	 r;
	char			 value[16], text[256];

	words(s, v, value, sizeof(value));
	if (s == S_CONFIRM)
		r = link_request(value, text, sizeof(text));
	else
		r = link_set(setting_names[s], value, text, sizeof(text));
	if (r != LINK_OK)
		log_warning("snmp set %s %s: failoverd says '%s'",
		    setting_names[s], value, text);
	if (r == LINK_DENIED)
		log_warning("failoverd refuses changes from this user: add it to the control group of the configuration");
	return set_map_result(r);
}

static int
action(int object)
{
	enum setting	 s = setting_of(object);
	int		 err;

	if (tx.s[s].done)
		return SNMP_ERR_NOERROR;
	tx.s[s].old = current(s, link_status());
	err = apply(s, tx.s[s].value);
	tx.s[s].done = err == SNMP_ERR_NOERROR;
	return err;
}

static int
undo(int object)
{
	enum setting	 s = setting_of(object);
	char		 value[16];

	tx.open = 0;
	if (!tx.s[s].done)
		return SNMP_ERR_NOERROR;
	tx.s[s].done = 0;
	if (s == S_CONFIRM) {
		log_warnx("snmp set undo: a confirmed move cannot be called back");
		return SNMP_ERR_UNDOFAILED;
	}
	if (apply(s, tx.s[s].old) != SNMP_ERR_NOERROR) {
		log_warnx("snmp set undo failed: %s stays changed",
		    setting_names[s]);
		return SNMP_ERR_UNDOFAILED;
	}
	words(s, tx.s[s].old, value, sizeof(value));
	log_notice("snmp set undone: %s back to %s", setting_names[s], value);
	return SNMP_ERR_NOERROR;
}

static void
commit(int object)
{
	enum setting	 s = setting_of(object);
	char		 value[16];

	tx.open = 0;
	words(s, tx.s[s].value, value, sizeof(value));
	if (s == S_CONFIRM)
		log_notice("snmp confirmed the pending %s", value);
	else
		log_notice("snmp set %s %s committed", setting_names[s],
		    value);
}

int
set_request(netsnmp_agent_request_info *ri, netsnmp_request_info *req,
    int object)
{
	netsnmp_variable_list	*vb = req->requestvb;
	int			 err = SNMP_ERR_NOERROR;

	switch (ri->mode) {
	case MODE_SET_RESERVE1:
		tx_begin(ri);
		tx.objects++;
		err = set_check_type(object, vb->type, vb->val_len);
		break;
	case MODE_SET_RESERVE2:
		err = reserve2(object, vb);
		break;
	case MODE_SET_ACTION:
		err = action(object);
		break;
	case MODE_SET_UNDO:
		err = undo(object);
		break;
	case MODE_SET_COMMIT:
		commit(object);
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
