# failover-agentx, the AgentX subagent; built only when net-snmp is found.
if HAVE_SNMP
sbin_PROGRAMS += failover-agentx
failover_agentx_SOURCES = agent/agent.h agent/main.c agent/link.c \
	agent/status.c agent/mib.c agent/set.c agent/notify.c
failover_agentx_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
failover_agentx_LDADD = $(HA_LIBS) $(SNMP_LIBS)

# Its unit test: SET validation, error mapping, status conversion.
if HAVE_CMOCKA
check_PROGRAMS += agent/test_agent
TESTS += agent/test_agent
agent_test_agent_SOURCES = agent/test_agent.c agent/status.c \
	agent/set.c agent/link.c agent/agent.h
agent_test_agent_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS) $(CMOCKA_CFLAGS)
agent_test_agent_LDADD = $(HA_LIBS) $(SNMP_LIBS) $(CMOCKA_LIBS)
endif
endif
EXTRA_DIST += conf/snmpd.conf.example doc/snmp.md \
	tests/e2e/snmplib.sh tests/e2e/50-snmp-read.sh \
	tests/e2e/51-snmp-set.sh tests/e2e/52-snmp-trap.sh \
	tests/e2e/53-snmp-master-restart.sh \
	tests/e2e/54-snmp-master-stopped.sh tests/e2e/55-snmp-pysnmp.sh \
	tests/e2e/56-snmp-privdrop.sh tests/e2e/57-snmp-manual.sh \
	tests/e2e/58-snmp-readiness-nearmiss.sh \
	tests/e2e/59-snmp-partition.sh
