# The state machine and the heartbeat wire format.
check_PROGRAMS += tests/unit/test_fsm tests/unit/test_heartbeat
TESTS += tests/unit/test_fsm tests/unit/test_heartbeat
tests_unit_test_fsm_SOURCES = tests/unit/test_fsm.c
tests_unit_test_fsm_CFLAGS = $(unit_cflags)
tests_unit_test_fsm_LDADD = $(unit_ldadd)
tests_unit_test_heartbeat_SOURCES = tests/unit/test_heartbeat.c
tests_unit_test_heartbeat_CFLAGS = $(unit_cflags)
tests_unit_test_heartbeat_LDADD = $(unit_ldadd)
