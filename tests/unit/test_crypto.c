/*
 * Unit tests of crypto/hmac.c and crypto/key.c, against the real OpenSSL
 * and real files in a private temporary directory.
 *
 * Table rows become tests of their own, named after the behaviour they
 * check, so a failure names the row.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hmac.h"
#include "key.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define HB_MSG_LEN	56	/* bytes of a heartbeat before its tag */

/*
 * Bytes given either as TEXT (LEN bytes of it, or strlen when LEN is 0)
 * or, when TEXT is NULL, as LEN copies of FILL.
 */
struct bytes {
	const char	*text;
	unsigned char	 fill;
	size_t		 len;
};

struct rfc_case {
	const char	*name;
	struct bytes	 key;
	struct bytes	 data;
	const char	*tag_hex;	/* HMAC-SHA-256, untruncated */
};

/* RFC 4231 section 4; case 5 is left out: it checks truncation only. */
static const struct rfc_case rfc_cases[] = {
	{ "RFC 4231 case 1: 20-byte key, short message",
	    { NULL, 0x0b, 20 }, { "Hi There", 0, 0 },
	    "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 case 2: key shorter than the tag",
	    { "Jefe", 0, 0 }, { "what do ya want for nothing?", 0, 0 },
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 case 3: 50 bytes of 0xdd under 0xaa keys",
	    { NULL, 0xaa, 20 }, { NULL, 0xdd, 50 },
	    "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 case 4: 25-byte counting key",
	    { "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	      "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19", 0, 0 },
	    { NULL, 0xcd, 50 },
	    "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 case 6: key longer than a block is hashed first",
	    { NULL, 0xaa, 131 },
	    { "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0 },
	    "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 case 7: long key and message longer than a block",
	    { NULL, 0xaa, 131 },
	    { "This is a test using a larger than block-size key and a larger "
	      "than block-size data. The key needs to be hashed before being "
	      "used by the HMAC algorithm.", 0, 0 },
	    "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2" },
};

/* Expands B into BUF (at least 256 bytes) and returns its length. */
static size_t
bytes_expand(const struct bytes *b, unsigned char *buf)
{
	size_t	len;

	if (b->text == NULL) {
		memset(buf, b->fill, b->len);
		return b->len;
	}
	len = b->len != 0 ? b->len : strlen(b->text);
	memcpy(buf, b->text, len);
	return len;
}

static void
hex_decode(const char *hex, unsigned char *out, size_t len)
{
	unsigned int	v;
	size_t		i;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

/*
 * Each vector is signed twice on one context, since the second tag comes
 * from the restarted context that every heartbeat after the first uses.
 */
static void
test_rfc_vector(void **state)
{
	const struct rfc_case	*c = *state;
	unsigned char		 key[256], data[256];
	unsigned char		 want[HMAC_LEN], got[HMAC_LEN];
	size_t			 keylen, datalen;
	hmac_ctx		*h;
	int			 round;

	keylen = bytes_expand(&c->key, key);
	datalen = bytes_expand(&c->data, data);
	hex_decode(c->tag_hex, want, sizeof(want));
	assert_non_null(h = hmac_new(key, keylen));

	for (round = 0; round < 2; round++) {
		memset(got, 0, sizeof(got));
		assert_int_equal(hmac_sign(h, data, datalen, got), 0);
		assert_memory_equal(got, want, HMAC_LEN);
		assert_int_equal(hmac_verify(h, data, datalen, want), 1);
	}
	hmac_free(h);
}

static void
fill_heartbeat(unsigned char *msg, unsigned char *key)
{
	size_t	i;

	for (i = 0; i < HB_MSG_LEN; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < KEY_MIN_LEN; i++)
		key[i] = (unsigned char)(0xc0 ^ i);
}

static void
test_every_flipped_tag_bit_is_refused(void **state)
{
	unsigned char	 msg[HB_MSG_LEN], key[KEY_MIN_LEN], tag[HMAC_LEN];
	hmac_ctx	*h;
	size_t		 bit;

	(void)state;
	fill_heartbeat(msg, key);
	assert_non_null(h = hmac_new(key, sizeof(key)));
	assert_int_equal(hmac_sign(h, msg, sizeof(msg), tag), 0);

	for (bit = 0; bit < 8 * HMAC_LEN; bit++) {
		tag[bit / 8] ^= 1u << (bit % 8);
		if (hmac_verify(h, msg, sizeof(msg), tag) != 0)
			fail_msg("tag with bit %zu flipped was accepted", bit);
		tag[bit / 8] ^= 1u << (bit % 8);
	}
	/* The refusals were for the flips, not for a broken context. */
	assert_int_equal(hmac_verify(h, msg, sizeof(msg), tag), 1);
	hmac_free(h);
}

static void
test_every_flipped_message_bit_is_refused(void **state)
{
	unsigned char	 msg[HB_MSG_LEN], key[KEY_MIN_LEN], tag[HMAC_LEN];
	hmac_ctx	*h;
	size_t		 bit;

	(void)state;
	fill_heartbeat(msg, key);
	assert_non_null(h = hmac_new(key, sizeof(key)));
	assert_int_equal(hmac_sign(h, msg, sizeof(msg), tag), 0);

	for (bit = 0; bit < 8 * HB_MSG_LEN; bit++) {
		msg[bit / 8] ^= 1u << (bit % 8);
		if (hmac_verify(h, msg, sizeof(msg), tag) != 0)
			fail_msg("message with bit %zu flipped was accepted",
			    bit);
		msg[bit / 8] ^= 1u << (bit % 8);
	}
	assert_int_equal(hmac_verify(h, msg, sizeof(msg), tag), 1);
	hmac_free(h);
}

static void
test_tag_under_another_key_is_refused(void **state)
{
	unsigned char	 msg[HB_MSG_LEN], key[KEY_MIN_LEN], tag[HMAC_LEN];
	hmac_ctx	*mine, *theirs;

	(void)state;
	fill_heartbeat(msg, key);
	assert_non_null(mine = hmac_new(key, sizeof(key)));
	key[KEY_MIN_LEN - 1] ^= 0x01;
	assert_non_null(theirs = hmac_new(key, sizeof(key)));

	assert_int_equal(hmac_sign(theirs, msg, sizeof(msg), tag), 0);
	assert_int_equal(hmac_verify(mine, msg, sizeof(msg), tag), 0);
	assert_int_equal(hmac_verify(theirs, msg, sizeof(msg), tag), 1);
	hmac_free(mine);
	hmac_free(theirs);
}

static void
test_truncated_or_extended_message_is_refused(void **state)
{
	unsigned char	 msg[HB_MSG_LEN + 1], key[KEY_MIN_LEN];
	unsigned char	 tag[HMAC_LEN];
	hmac_ctx	*h;

	(void)state;
	fill_heartbeat(msg, key);
	msg[HB_MSG_LEN] = 0;
	assert_non_null(h = hmac_new(key, sizeof(key)));
	assert_int_equal(hmac_sign(h, msg, HB_MSG_LEN, tag), 0);

	assert_int_equal(hmac_verify(h, msg, HB_MSG_LEN - 1, tag), 0);
	assert_int_equal(hmac_verify(h, msg, 0, tag), 0);
	assert_int_equal(hmac_verify(h, msg, HB_MSG_LEN + 1, tag), 0);
	assert_int_equal(hmac_verify(h, msg, HB_MSG_LEN, tag), 1);
	hmac_free(h);
}

/*
 * One long-lived context must give, for every message, the tag a freshly
 * keyed one gives, whatever it signed or refused before.
 */
static void
test_reused_context_matches_fresh_one(void **state)
{
	unsigned char	 msg[HB_MSG_LEN], key[KEY_MIN_LEN];
	unsigned char	 got[HMAC_LEN], want[HMAC_LEN];
	hmac_ctx	*longlived, *fresh;
	int		 i;

	(void)state;
	fill_heartbeat(msg, key);
	assert_non_null(longlived = hmac_new(key, sizeof(key)));

	for (i = 0; i < 64; i++) {
		msg[i % HB_MSG_LEN] ^= (unsigned char)i;
		assert_non_null(fresh = hmac_new(key, sizeof(key)));
		assert_int_equal(hmac_sign(fresh, msg, sizeof(msg), want), 0);
		hmac_free(fresh);

		/* A refused verification first must leave no trace. */
		memset(got, 0x55, sizeof(got));
		assert_int_equal(hmac_verify(longlived, msg, sizeof(msg), got),
		    0);
		assert_int_equal(hmac_sign(longlived, msg, i % HB_MSG_LEN,
		    got), 0);
		assert_int_equal(hmac_sign(longlived, msg, sizeof(msg), got),
		    0);
		assert_memory_equal(got, want, HMAC_LEN);
	}
	hmac_free(longlived);
}

static void
test_absent_key_gives_no_context(void **state)
{
	(void)state;
	assert_null(hmac_new(NULL, 0));
	hmac_free(NULL);
}

/* Key files. */

#define TMPDIR_TEMPLATE	"/tmp/ipf-test-crypto.XXXXXX"

static char	tmpdir[sizeof(TMPDIR_TEMPLATE)];

struct key_case {
	const char	*name;
	const char	*prefix;	/* bytes before the body */
	size_t		 body_len;	/* bytes of 'K' */
	const char	*suffix;	/* bytes after the body */
	mode_t		 mode;
	enum key_error	 want;
	size_t		 want_len;	/* of the key, when KEY_OK */
};

static const struct key_case key_cases[] = {
	{ "a 32-byte key of mode 0600 is loaded",
	    "", 32, "", 0600, KEY_OK, 32 },
	{ "a key of mode 0400 is loaded",
	    "", 32, "", 0400, KEY_OK, 32 },
	{ "execute bits alone for group and others are let through",
	    "", 32, "", 0711, KEY_OK, 32 },
	{ "a key readable by the group is refused",
	    "", 32, "", 0640, KEY_EPERM, 0 },
	{ "a key readable by others is refused",
	    "", 32, "", 0604, KEY_EPERM, 0 },
	{ "a key writable by the group is refused",
	    "", 32, "", 0620, KEY_EPERM, 0 },
	{ "a key writable by others is refused",
	    "", 32, "", 0602, KEY_EPERM, 0 },
	{ "a key open to everyone is refused",
	    "", 32, "", 0666, KEY_EPERM, 0 },
	{ "a 31-byte key is refused as short",
	    "", 31, "", 0600, KEY_ESHORT, 0 },
	{ "an empty file is refused as short",
	    "", 0, "", 0600, KEY_ESHORT, 0 },
	{ "trailing white space does not count towards the minimum",
	    "", 31, " \n", 0600, KEY_ESHORT, 0 },
	{ "a trailing newline is stripped",
	    "", 32, "\n", 0600, KEY_OK, 32 },
	{ "all kinds of trailing white space are stripped",
	    "", 40, " \t\r\v\f\n\n", 0600, KEY_OK, 40 },
	{ "leading white space is part of the key",
	    " \t", 30, "", 0600, KEY_OK, 32 },
	{ "white space inside the key is kept",
	    "", 32, " x\n", 0600, KEY_OK, 34 },
	{ "a key of exactly 1024 bytes is loaded",
	    "", 1024, "", 0600, KEY_OK, 1024 },
	{ "a 1023-byte key with a newline is loaded",
	    "", 1023, "\n", 0600, KEY_OK, 1023 },
	{ "a 1025-byte file is refused as long",
	    "", 1025, "", 0600, KEY_ELONG, 0 },
	{ "a 1024-byte key with a newline is a file too long",
	    "", 1024, "\n", 0600, KEY_ELONG, 0 },
	{ "a file of a mebibyte is refused as long",
	    "", 1 << 20, "", 0600, KEY_ELONG, 0 },
};

static int
key_group_setup(void **state)
{
	(void)state;
	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/*
 * Removes whatever a failed test left in the flat TMPDIR, then TMPDIR.
 */
static int
key_group_teardown(void **state)
{
	char		 path[sizeof(tmpdir) + NAME_MAX + 1];
	struct dirent	*de;
	DIR		*d;
	int		 rc = 0;

	(void)state;
	if ((d = opendir(tmpdir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (remove(path) == -1)
			rc = -1;
	}
	(void)closedir(d);
	if (rmdir(tmpdir) == -1)
		rc = -1;
	return rc;
}

/* Returns TMPDIR/NAME in a static buffer. */
static const char *
tmp_path(const char *name)
{
	static char	path[256];

	assert_true(snprintf(path, sizeof(path), "%s/%s", tmpdir, name) <
	    (int)sizeof(path));
	return path;
}

static void
write_file(const char *path, const unsigned char *buf, size_t len,
    mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	/* fchmod(), since the umask would clear bits given to open(). */
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Fills BUF with 'P' as a key left from an earlier load would. */
static void
prefill(unsigned char *buf)
{
	memset(buf, 'P', KEY_MAX_LEN);
}

/* After a failed load, neither the old key nor the file's may remain. */
static void
assert_no_key_material(const unsigned char *buf, size_t len)
{
	size_t	i;

	assert_int_equal(len, 0);
	for (i = 0; i < KEY_MAX_LEN; i++) {
		if (buf[i] == 'P' || buf[i] == 'K')
			fail_msg("key byte left at offset %zu", i);
	}
}

static void
test_key_case(void **state)
{
	const struct key_case	*c = *state;
	unsigned char		*file, buf[KEY_MAX_LEN];
	size_t			 plen, slen, flen, len = 12345;
	const char		*path;
	enum key_error		 err;

	plen = strlen(c->prefix);
	slen = strlen(c->suffix);
	flen = plen + c->body_len + slen;
	assert_non_null(file = malloc(flen + 1));
	memcpy(file, c->prefix, plen);
	memset(file + plen, 'K', c->body_len);
	memcpy(file + plen + c->body_len, c->suffix, slen);
	path = tmp_path("key");
	write_file(path, file, flen, c->mode);

	prefill(buf);
	err = key_load(path, buf, &len);
	assert_int_equal(unlink(path), 0);
	if (err != c->want)
		fail_msg("key_load gave %d (%s), want %d", err,
		    key_strerror(err), c->want);
	if (c->want == KEY_OK) {
		assert_int_equal(len, c->want_len);
		assert_memory_equal(buf, file, len);
	} else
		assert_no_key_material(buf, len);
	free(file);
}

static void
test_key_with_nul_bytes_is_loaded_whole(void **state)
{
	unsigned char	 file[48], buf[KEY_MAX_LEN];
	const char	*path;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < sizeof(file); i++)
		file[i] = (unsigned char)(i % 3 == 0 ? 0 : 0x80 + i);
	path = tmp_path("binary");
	write_file(path, file, sizeof(file), 0600);

	assert_int_equal(key_load(path, buf, &len), KEY_OK);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(len, sizeof(file));
	assert_memory_equal(buf, file, len);
}

/* Whoever owns the key file could have chosen the key. */
static void
test_key_owned_by_another_user_is_refused(void **state)
{
	unsigned char	 file[40], buf[KEY_MAX_LEN];
	const char	*path;
	size_t		 len;

	(void)state;
	if (geteuid() != 0)
		skip();
	memset(file, 'k', sizeof(file));
	path = tmp_path("owned");
	write_file(path, file, sizeof(file), 0600);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(key_load(path, buf, &len), KEY_EOWNER);
	assert_no_key_material(buf, len);
	assert_int_equal(unlink(path), 0);
}

/* Returns the errno that key_load() left. */
static int
expect_load_error(const char *path, enum key_error want)
{
	unsigned char	buf[KEY_MAX_LEN];
	size_t		len = 12345;
	enum key_error	err;
	int		saved;

	prefill(buf);
	errno = 0;
	err = key_load(path, buf, &len);
	saved = errno;
	if (err != want)
		fail_msg("%s: key_load gave %d (%s), want %d", path, err,
		    key_strerror(err), want);
	assert_no_key_material(buf, len);
	return saved;
}

static void
test_directory_is_refused_as_not_regular(void **state)
{
	const char	*path;

	(void)state;
	path = tmp_path("dir");
	assert_int_equal(mkdir(path, 0700), 0);
	(void)expect_load_error(path, KEY_ENOTREG);
	assert_int_equal(rmdir(path), 0);
}

/*
 * Opening a FIFO without a writer must not hang the daemon's start.  If
 * it does, SIGALRM's default action ends this program, failing the test.
 */
static void
test_fifo_is_refused_without_blocking(void **state)
{
	const char	*path;

	(void)state;
	path = tmp_path("fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	(void)alarm(10);
	(void)expect_load_error(path, KEY_ENOTREG);
	(void)alarm(0);
	assert_int_equal(unlink(path), 0);
}

static void
test_device_is_refused_as_not_regular(void **state)
{
	(void)state;
	(void)expect_load_error("/dev/null", KEY_ENOTREG);
}

static void
test_missing_file_fails_to_open_with_enoent(void **state)
{
	(void)state;
	assert_int_equal(expect_load_error(tmp_path("absent"), KEY_EOPEN),
	    ENOENT);
}

/* key.c follows links on purpose and checks the file reached. */
static void
test_symlink_to_private_key_is_followed(void **state)
{
	unsigned char	 file[KEY_MIN_LEN], buf[KEY_MAX_LEN];
	char		 target[256];
	size_t		 len;

	(void)state;
	memset(file, 'K', sizeof(file));
	snprintf(target, sizeof(target), "%s", tmp_path("target"));
	write_file(target, file, sizeof(file), 0600);
	assert_int_equal(symlink(target, tmp_path("link")), 0);

	assert_int_equal(key_load(tmp_path("link"), buf, &len), KEY_OK);
	assert_int_equal(len, sizeof(file));
	assert_memory_equal(buf, file, len);

	assert_int_equal(chmod(target, 0644), 0);
	(void)expect_load_error(tmp_path("link"), KEY_EPERM);
	assert_int_equal(unlink(tmp_path("link")), 0);
	assert_int_equal(unlink(target), 0);
}

static void
test_every_error_has_its_own_phrase(void **state)
{
	enum key_error	a, b;

	(void)state;
	for (a = KEY_OK; a <= KEY_EOWNER; a++) {
		assert_non_null(key_strerror(a));
		assert_true(strlen(key_strerror(a)) > 0);
		for (b = KEY_OK; b < a; b++)
			assert_string_not_equal(key_strerror(a),
			    key_strerror(b));
	}
	assert_non_null(key_strerror((enum key_error)99));
}

static void
test_wipe_overwrites_every_byte(void **state)
{
	unsigned char	buf[64];
	size_t		i;

	(void)state;
	memset(buf, 'K', sizeof(buf));
	key_wipe(buf + 1, sizeof(buf) - 2);
	assert_int_equal(buf[0], 'K');
	for (i = 1; i < sizeof(buf) - 1; i++)
		assert_int_not_equal(buf[i], 'K');
	assert_int_equal(buf[sizeof(buf) - 1], 'K');
}

int
main(void)
{
	static struct CMUnitTest	rfc_tests[NELEM(rfc_cases)];
	static struct CMUnitTest	key_tests[NELEM(key_cases)];
	const struct CMUnitTest		hmac_tests[] = {
		cmocka_unit_test(test_every_flipped_tag_bit_is_refused),
		cmocka_unit_test(test_every_flipped_message_bit_is_refused),
		cmocka_unit_test(test_tag_under_another_key_is_refused),
		cmocka_unit_test(test_truncated_or_extended_message_is_refused),
		cmocka_unit_test(test_reused_context_matches_fresh_one),
		cmocka_unit_test(test_absent_key_gives_no_context),
	};
	const struct CMUnitTest		file_tests[] = {
		cmocka_unit_test(test_key_with_nul_bytes_is_loaded_whole),
		cmocka_unit_test(test_key_owned_by_another_user_is_refused),
		cmocka_unit_test(test_directory_is_refused_as_not_regular),
		cmocka_unit_test(test_fifo_is_refused_without_blocking),
		cmocka_unit_test(test_device_is_refused_as_not_regular),
		cmocka_unit_test(test_missing_file_fails_to_open_with_enoent),
		cmocka_unit_test(test_symlink_to_private_key_is_followed),
		cmocka_unit_test(test_every_error_has_its_own_phrase),
		cmocka_unit_test(test_wipe_overwrites_every_byte),
	};
	size_t				i;
	int				failed = 0;

	for (i = 0; i < NELEM(rfc_cases); i++) {
		rfc_tests[i].name = rfc_cases[i].name;
		rfc_tests[i].test_func = test_rfc_vector;
		rfc_tests[i].initial_state = (void *)&rfc_cases[i];
	}
	for (i = 0; i < NELEM(key_cases); i++) {
		key_tests[i].name = key_cases[i].name;
		key_tests[i].test_func = test_key_case;
		key_tests[i].initial_state = (void *)&key_cases[i];
	}

	failed += cmocka_run_group_tests_name("hmac RFC 4231", rfc_tests,
	    NULL, NULL);
	failed += cmocka_run_group_tests_name("hmac", hmac_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("key_load table", key_tests,
	    key_group_setup, key_group_teardown);
	failed += cmocka_run_group_tests_name("key_load files", file_tests,
	    key_group_setup, key_group_teardown);
	return failed != 0;
}
