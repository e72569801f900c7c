# The MIB module, installed where net-snmp's tools look for MIBs.
mibdir = $(datadir)/snmp/mibs
mib_DATA = mib/IPFAILOVER-MIB.txt
EXTRA_DIST += mib/IPFAILOVER-MIB.txt
