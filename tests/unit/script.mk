# tests of script: the runner with real fork and exec of fixture scripts,
# and the shipped add/remove scripts inside a network namespace (that one
# needs root and skips with 77 otherwise).
check_PROGRAMS += tests/unit/test_script
TESTS += tests/unit/test_script tests/fixtures/scripts/test-default-scripts.sh
tests_unit_test_script_SOURCES = tests/unit/test_script.c
tests_unit_test_script_CFLAGS = $(unit_cflags)
tests_unit_test_script_LDADD = $(unit_ldadd)
EXTRA_DIST += \
	tests/fixtures/scripts/bg-child.sh \
	tests/fixtures/scripts/check-fds.sh \
	tests/fixtures/scripts/exit-with.sh \
	tests/fixtures/scripts/flood.sh \
	tests/fixtures/scripts/hang.sh \
	tests/fixtures/scripts/kill-self.sh \
	tests/fixtures/scripts/lines.sh \
	tests/fixtures/scripts/record-args.sh \
	tests/fixtures/scripts/test-default-scripts.sh \
	tests/fixtures/scripts/trap-term.sh
