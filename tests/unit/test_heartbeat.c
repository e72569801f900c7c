/*
 * The heartbeat wire format: round trips through the real OpenSSL, the
 * documented byte layout, and one reject reason for each kind of damage.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "heartbeat.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char other_key[32] = "0123456789abcdef0123456789abcdeF";

static struct hb_msg
sample(void)
{
	struct hb_msg	m;

	memset(&m, 0, sizeof(m));
	m.state = 3;
	m.flags = HB_F_MASTER | HB_F_HOLDS | HB_F_READY;
	inet_pton(AF_INET, "198.18.0.1", &m.sender);
	inet_pton(AF_INET, "198.18.0.2", &m.receiver);
	inet_pton(AF_INET, "198.18.0.100", &m.alias);
	m.failtime_ms = 3000;
	m.boot = 0x0102030405060708ULL;
	m.seq = 42;
	m.nonce = 0xfeedfacecafebeefULL;
	m.echo = 7;
	return m;
}

static void
encoded_heartbeat_decodes_to_the_same_fields(void **unused)
{
	struct hb_msg	 m = sample(), d;
	unsigned char	 buf[HB_LEN];
	hmac_ctx	*h = hmac_new(key, sizeof(key));

	(void)unused;
	assert_int_equal(hb_encode(&m, h, buf), 0);
	assert_int_equal(hb_decode(buf, sizeof(buf), h, &d), HB_OK);
	assert_int_equal(d.state, m.state);
	assert_int_equal(d.flags, m.flags);
	assert_int_equal(d.sender.s_addr, m.sender.s_addr);
	assert_int_equal(d.receiver.s_addr, m.receiver.s_addr);
	assert_int_equal(d.alias.s_addr, m.alias.s_addr);
	assert_int_equal(d.failtime_ms, 3000);
	assert_true(d.boot == m.boot && d.seq == 42);
	assert_true(d.nonce == m.nonce && d.echo == 7);
	hmac_free(h);
}

static void
layout_matches_the_documented_offsets(void **unused)
{
	struct hb_msg	 m = sample();
	unsigned char	 buf[HB_LEN];
	hmac_ctx	*h = hmac_new(key, sizeof(key));
	static const unsigned char boot[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	(void)unused;
	hb_encode(&m, h, buf);
	assert_memory_equal(buf, "IPFO", 4);
	assert_int_equal(buf[4], HB_VERSION);
	assert_int_equal(buf[5], 3);
	assert_int_equal(buf[6], m.flags);
	assert_int_equal(buf[7], 0);
	assert_memory_equal(buf + 8, "\xc6\x12\x00\x01", 4);
	assert_memory_equal(buf + 12, "\xc6\x12\x00\x02", 4);
	assert_memory_equal(buf + 16, "\xc6\x12\x00\x64", 4);
	assert_memory_equal(buf + 20, "\x00\x00\x0b\xb8", 4);
	assert_memory_equal(buf + 24, boot, 8);
	assert_int_equal(buf[39], 42);
	hmac_free(h);
}

static void
each_kind_of_damage_has_its_reason(void **unused)
{
	struct hb_msg	 m = sample(), d;
	unsigned char	 buf[HB_LEN], bad[HB_LEN + 1];
	hmac_ctx	*h = hmac_new(key, sizeof(key));
	hmac_ctx	*o = hmac_new(other_key, sizeof(other_key));
	size_t		 i;

	(void)unused;
	hb_encode(&m, h, buf);
	assert_int_equal(hb_decode(buf, HB_LEN - 1, h, &d), HB_RLENGTH);
	memcpy(bad, buf, HB_LEN);
	bad[HB_LEN] = 0;
	assert_int_equal(hb_decode(bad, HB_LEN + 1, h, &d), HB_RLENGTH);
	assert_int_equal(hb_decode(buf, 0, h, &d), HB_RLENGTH);

	memcpy(bad, buf, HB_LEN);
	bad[0] = 'X';
	assert_int_equal(hb_decode(bad, HB_LEN, h, &d), HB_RVERSION);
	memcpy(bad, buf, HB_LEN);
	bad[4] = 2;
	assert_int_equal(hb_decode(bad, HB_LEN, h, &d), HB_RVERSION);

	assert_int_equal(hb_decode(buf, HB_LEN, o, &d), HB_RMAC);
	for (i = 5; i < HB_LEN; i++) {
		memcpy(bad, buf, HB_LEN);
		bad[i] ^= 0x01;
		assert_int_equal(hb_decode(bad, HB_LEN, h, &d), HB_RMAC);
	}
	hmac_free(h);
	hmac_free(o);
}

static void
reject_names_are_the_counter_names(void **unused)
{
	(void)unused;
	assert_string_equal(hb_reject_name(HB_RLENGTH), "length");
	assert_string_equal(hb_reject_name(HB_RVERSION), "version");
	assert_string_equal(hb_reject_name(HB_RMAC), "mac");
	assert_string_equal(hb_reject_name(HB_RREPLAY), "replay");
	assert_string_equal(hb_reject_name(HB_RSENDER), "sender");
	assert_string_equal(hb_reject_name(HB_NREJECT), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encoded_heartbeat_decodes_to_the_same_fields),
		cmocka_unit_test(layout_matches_the_documented_offsets),
		cmocka_unit_test(each_kind_of_damage_has_its_reason),
		cmocka_unit_test(reject_names_are_the_counter_names),
	};

	return cmocka_run_group_tests_name("heartbeat", tests, NULL, NULL);
}
