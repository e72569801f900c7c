# Installed under $(sysconfdir)/ipfailover: examples, schema and scripts.
confdir = $(sysconfdir)/ipfailover
dist_conf_DATA = conf/failover.xml.example conf/failover.conf.example
schemadir = $(pkgdatadir)
dist_schema_DATA = conf/failover.rng
dist_conf_SCRIPTS = conf/failover_add.sh conf/failover_remove.sh
