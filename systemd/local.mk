# systemd units and failover-cleanup, the unit's crash path.  The units
# name programs and files by their installed paths, so they are made
# from .in files here rather than at configure time.
#
# The unit directory is systemd's own (systemd.pc) when we install under
# systemd's prefix, else below ours: a /usr/local or "make distcheck"
# install stays inside its prefix.  "make install systemdunitdir=DIR"
# overrides it.
systemdunitdir = $(shell \
	if test "`$(PKG_CONFIG) --variable=prefix systemd 2>/dev/null`" = '$(prefix)'; then \
		$(PKG_CONFIG) --variable=systemdsystemunitdir systemd; \
	else \
		echo '$(prefix)/lib/systemd/system'; \
	fi)

systemd_units = systemd/failoverd.service
if HAVE_SNMP
systemd_units += systemd/failover-agentx.service
endif
nodist_systemdunit_DATA = $(systemd_units)
dist_pkglibexec_SCRIPTS = systemd/failover-cleanup
EXTRA_DIST += systemd/failoverd.service.in systemd/failover-agentx.service.in
CLEANFILES += systemd/failoverd.service systemd/failover-agentx.service

systemd_edit = sed \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@runstatedir[@]|$(runstatedir)|g' \
	-e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g'

systemd/failoverd.service: systemd/failoverd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(systemd_edit) $(srcdir)/systemd/failoverd.service.in >$@.tmp && \
	mv $@.tmp $@

systemd/failover-agentx.service: systemd/failover-agentx.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(systemd_edit) $(srcdir)/systemd/failover-agentx.service.in >$@.tmp && \
	mv $@.tmp $@

# The package and crash-path tests (tests/run-all.sh runs them).
EXTRA_DIST += tests/e2e/60-package.sh tests/e2e/61-crash-path.sh
