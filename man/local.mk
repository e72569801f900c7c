# Manual pages, written in mdoc.  failover-agentx(8) goes with the
# program: installed only when net-snmp was found, shipped always.
dist_man_MANS = man/failoverd.8 man/failoverctl.8 man/failover.xml.5
if HAVE_SNMP
dist_man_MANS += man/failover-agentx.8
else
EXTRA_DIST += man/failover-agentx.8
endif
