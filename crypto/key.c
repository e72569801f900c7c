/*
 * Loading the shared heartbeat key.
 *
 * Runs in failoverd's privileged part at start and on reload.  The key
 * goes only into the caller's buffer: every error path wipes what was
 * read, and nothing here logs, so no key byte reaches a log line.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "key.h"

/*
 * Group or others must be able neither to read the key (they could
 * forge heartbeats) nor to write it (they could plant a key of their own
 * choosing, which is as good as knowing ours).  Execute bits alone give
 * no access to the content and are let through.
 */
#define KEY_FORBIDDEN_MODE	(S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)

#define KEY_STR(x)	KEY_STR1(x)
#define KEY_STR1(x)	#x

static enum key_error	key_open(const char *, int *);
static enum key_error	key_read(int, unsigned char *, size_t *);
static size_t		key_rstrip(const unsigned char *, size_t);

enum key_error
key_load(const char *path, unsigned char *buf, size_t *len)
{
	enum key_error	err;
	size_t		n = 0;
	int		fd, saved;

	*len = 0;
	if ((err = key_open(path, &fd)) != KEY_OK)
		goto wipe;

	err = key_read(fd, buf, &n);
	saved = errno;
	(void)close(fd);
	errno = saved;
	if (err != KEY_OK)
		goto wipe;

	n = key_rstrip(buf, n);
	if (n < KEY_MIN_LEN) {
		err = KEY_ESHORT;
		goto wipe;
	}
	*len = n;
	return KEY_OK;

wipe:
	/* Also when nothing was read: BUF may hold a key from before. */
	key_wipe(buf, KEY_MAX_LEN);
	return err;
}

/*
 * Symbolic links are followed: operators commonly link the key from a
 * secrets directory, and the checks below apply to the file actually
 * opened, so a link cannot smuggle in a readable file.  Whoever can
 * replace a link in the key's directory can replace the key itself.
 *
 * O_NONBLOCK keeps open() from hanging on a FIFO with no writer; fstat()
 * then refuses it.  Regular files ignore the flag.
 */
static enum key_error
key_open(const char *path, int *fdp)
{
	struct stat	st;
	enum key_error	err;
	int		fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return KEY_EOPEN;

	/*
	 * fstat() the open file, not stat() the path, so nothing can swap
	 * the file between the check and the read.
	 */
	if (fstat(fd, &st) == -1)
		err = KEY_EOPEN;
	else if (!S_ISREG(st.st_mode))
		err = KEY_ENOTREG;
	else if ((st.st_mode & KEY_FORBIDDEN_MODE) != 0)
		err = KEY_EPERM;
	/* Its owner could hand us a key of their choosing. */
	else if (st.st_uid != 0 && st.st_uid != geteuid())
		err = KEY_EOWNER;
	else {
		*fdp = fd;
		return KEY_OK;
	}

	saved = errno;
	(void)close(fd);
	errno = saved;
	return err;
}

/*
 * Reads up to KEY_MAX_LEN bytes into BUF, then tries one more byte: a
 * file that has it is too long.  The extra byte goes to a local so BUF
 * needs only KEY_MAX_LEN bytes, as key.h promises.
 */
static enum key_error
key_read(int fd, unsigned char *buf, size_t *lenp)
{
	unsigned char	extra;
	size_t		n = 0;
	ssize_t		r;

	while (n < KEY_MAX_LEN) {
		r = read(fd, buf + n, KEY_MAX_LEN - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return KEY_EREAD;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*lenp = n;
	if (n < KEY_MAX_LEN)
		return KEY_OK;

	do {
		r = read(fd, &extra, 1);
	} while (r == -1 && errno == EINTR);
	key_wipe(&extra, sizeof(extra));
	if (r == -1)
		return KEY_EREAD;
	return r == 0 ? KEY_OK : KEY_ELONG;
}

/* Returns LEN less the trailing white space of BUF, in the C locale. */
static size_t
key_rstrip(const unsigned char *buf, size_t len)
{
	unsigned char	c;

	while (len > 0) {
		c = buf[len - 1];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\v' && c != '\f')
			break;
		len--;
	}
	return len;
}

const char *
key_strerror(enum key_error err)
{
	switch (err) {
	case KEY_OK:
		return "key loaded";
	case KEY_EOPEN:
		return "cannot open key file";
	case KEY_ENOTREG:
		return "key file is not a regular file";
	case KEY_EPERM:
		return "key file is readable or writable by group or others";
	case KEY_ESHORT:
		return "key is shorter than " KEY_STR(KEY_MIN_LEN) " bytes";
	case KEY_ELONG:
		return "key file is longer than " KEY_STR(KEY_MAX_LEN) " bytes";
	case KEY_EOWNER:
		return "owned by neither root nor the user running failoverd";
	case KEY_EREAD:
		return "cannot read key file";
	}
	return "unknown key error";
}

void
key_wipe(void *p, size_t len)
{
	/* A plain memset() of a buffer about to die may be optimised out. */
	OPENSSL_cleanse(p, len);
}
