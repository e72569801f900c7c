noinst_LIBRARIES += ha/libha.a
ha_libha_a_SOURCES = \
	ha/arp.c ha/arp.h \
	ha/config.c ha/config.h \
	ha/control.c ha/control.h \
	ha/ctlclient.c ha/ctlclient.h \
	ha/ctlproto.c \
	ha/fsm.c ha/fsm.h \
	ha/heartbeat.c ha/heartbeat.h \
	ha/log.c ha/log.h \
	ha/script.c ha/script.h \
	ha/state.c ha/state.h
ha_libha_a_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(SSL_CFLAGS)

HA_LIBS = ha/libha.a crypto/libipfcrypto.a $(XML_LIBS) $(SSL_LIBS)

sbin_PROGRAMS += failoverd failoverctl
failoverd_SOURCES = ha/main.c ha/node.c ha/node.h ha/node_ctl.c ha/node_net.c
failoverd_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(SSL_CFLAGS)
failoverd_LDADD = $(HA_LIBS)
failoverctl_SOURCES = ha/failoverctl.c
failoverctl_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS)
failoverctl_LDADD = $(HA_LIBS)
