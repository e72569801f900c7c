# tests of control: parser, reply builders, server and client over real
# Unix sockets in a temporary directory
check_PROGRAMS += tests/unit/test_control
TESTS += tests/unit/test_control
tests_unit_test_control_SOURCES = tests/unit/test_control.c
tests_unit_test_control_CFLAGS = $(unit_cflags)
tests_unit_test_control_LDADD = $(unit_ldadd)
