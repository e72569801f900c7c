# Unit tests (cmocka), one program per module; e2e tests are shell scripts
# run by tests/run-all, not by make check, since they need root.
if HAVE_CMOCKA
unit_ldadd = $(HA_LIBS) $(CMOCKA_LIBS)
unit_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(XML_CFLAGS) $(SSL_CFLAGS) \
	-DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"' \
	-DSCHEMA='"$(abs_top_srcdir)/conf/failover.rng"'
include $(srcdir)/tests/unit/crypto.mk
include $(srcdir)/tests/unit/config.mk
include $(srcdir)/tests/unit/script.mk
include $(srcdir)/tests/unit/control.mk
include $(srcdir)/tests/unit/core.mk
endif
include $(srcdir)/tests/e2e/e2e.mk
