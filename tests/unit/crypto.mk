# tests of crypto: HMAC and key loading in one program, replay in another.
# They link crypto/ alone, not unit_ldadd, so that they test exactly that
# library and build whatever state ha/ is in.
crypto_test_ldadd = crypto/libipfcrypto.a $(SSL_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test_crypto tests/unit/test_replay
TESTS += tests/unit/test_crypto tests/unit/test_replay
tests_unit_test_crypto_SOURCES = tests/unit/test_crypto.c
tests_unit_test_crypto_CFLAGS = $(unit_cflags)
tests_unit_test_crypto_LDADD = $(crypto_test_ldadd)
tests_unit_test_replay_SOURCES = tests/unit/test_replay.c
tests_unit_test_replay_CFLAGS = $(unit_cflags)
tests_unit_test_replay_LDADD = $(crypto_test_ldadd)
