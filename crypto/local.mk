noinst_LIBRARIES += crypto/libipfcrypto.a
crypto_libipfcrypto_a_SOURCES = \
	crypto/hmac.c crypto/hmac.h \
	crypto/key.c crypto/key.h \
	crypto/replay.c crypto/replay.h
crypto_libipfcrypto_a_CFLAGS = $(AM_CFLAGS) $(SSL_CFLAGS)
