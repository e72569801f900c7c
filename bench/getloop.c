/*
 * getloop: the same SNMP GET, one after the other, for a fixed time; prints
 * how many answered and the rate.  One process and one session, so the
 * figure is the agent's, not the cost of starting snmpget.
 *
 *   getloop HOST:PORT COMMUNITY OID SECONDS
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	netsnmp_session	 s, *ss;
	netsnmp_pdu	*pdu, *resp;
	oid		 name[MAX_OID_LEN];
	size_t		 len = MAX_OID_LEN;
	double		 t0, secs;
	long		 ok = 0, bad = 0;

	if (argc != 5 || (secs = atof(argv[4])) <= 0 || secs > 60) {
		fprintf(stderr, "usage: getloop HOST:PORT COMMUNITY OID "
		    "SECONDS\n");
		return 2;
	}
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	init_snmp("getloop");
	if (!read_objid(argv[3], name, &len)) {
		fprintf(stderr, "getloop: bad OID %s\n", argv[3]);
		return 2;
	}
	snmp_sess_init(&s);
	s.peername = argv[1];
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)argv[2];
	s.community_len = strlen(argv[2]);
	s.timeout = 1000000;
	s.retries = 0;
	if ((ss = snmp_open(&s)) == NULL) {
		snmp_perror("getloop");
		return 1;
	}

	t0 = now_s();
	while (now_s() - t0 < secs && ok + bad < 1000000) {
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		snmp_add_null_var(pdu, name, len);
		if (snmp_synch_response(ss, pdu, &resp) == STAT_SUCCESS &&
		    resp->errstat == SNMP_ERR_NOERROR &&
		    resp->variables->type != SNMP_NOSUCHOBJECT &&
		    resp->variables->type != SNMP_NOSUCHINSTANCE)
			ok++;
		else
			bad++;
		if (resp)
			snmp_free_pdu(resp);
		resp = NULL;
	}
	printf("%ld %ld %.1f\n", ok, bad, ok / (now_s() - t0));
	snmp_close(ss);
	return 0;
}
