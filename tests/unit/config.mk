# tests of config: the reader against tests/fixtures/good and bad, whose
# outcomes are in tests/fixtures/bad/expected.tsv and in the test itself.
check_PROGRAMS += tests/unit/test_config
TESTS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(unit_cflags)
tests_unit_test_config_LDADD = $(unit_ldadd)
EXTRA_DIST += tests/fixtures/good tests/fixtures/bad
