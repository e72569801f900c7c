# failover-agentx, the AgentX subagent; built only when net-snmp is found.
if HAVE_SNMP
sbin_PROGRAMS += failover-agentx
failover_agentx_SOURCES = agent/agent.h agent/main.c agent/link.c \
	agent/status.c agent/mib.c agent/set.c agent/notify.c
failover_agentx_CFLAGS = $(AM_CFLAGS) $(SNMP_CFLAGS)
failover_agentx_LDADD = $(HA_LIBS) $(SNMP_LIBS)
endif
EXTRA_DIST += conf/snmpd.conf.example doc/snmp.md
