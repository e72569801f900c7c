/*
 * Files failoverd keeps in its state directory:
 *
 *	boot		the boot counter, one decimal number
 *	settings	values changed at run time, tied to the configuration
 *			file's content by its SHA-256
 *
 * Both are rewritten whole through a synced temporary file and a rename,
 * so a crash at any point leaves the old or the new content.  The boot
 * counter must never go back: a heartbeat carries it, and the peer takes
 * a lower one for a replay (see crypto/replay.h).
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "state.h"

static int
ensure_dir(const char *dir, char *err, size_t errlen)
{
	struct stat	st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create state directory '%s': %s",
		    dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "state directory '%s' is not a directory",
		    dir);
		return -1;
	}
	return 0;
}

static int
write_atomic(const char *dir, const char *name, const char *text,
    char *err, size_t errlen)
{
	char	path[4096], tmp[4096];
	size_t	len = strlen(text);
	int	fd, dfd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		goto fail;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		goto fail;
	}

	/* The rename itself must reach the disk before we rely on it. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	return -1;
}

/* Reads DIR/NAME into BUF.  1 read, 0 missing, -1 error with ERR. */
static int
read_small(const char *dir, const char *name, char *buf, size_t len,
    char *err, size_t errlen)
{
	char	path[4096];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return 0;
	if (fd == -1)
		goto fail;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n == -1)
		goto fail;
	buf[n] = '\0';
	return 1;
fail:
	snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
	return -1;
}

int
state_next_boot(const char *dir, uint64_t *boot, char *err, size_t errlen)
{
	char		 buf[64], *end;
	uint64_t	 stored, now = (uint64_t)time(NULL);
	int		 r;

	if (ensure_dir(dir, err, errlen) == -1)
		return -1;
	r = read_small(dir, "boot", buf, sizeof(buf), err, errlen);
	if (r == -1)
		return -1;
	if (r == 0) {
		*boot = now;
	} else {
		errno = 0;
		stored = strtoull(buf, &end, 10);
		if (errno != 0 || end == buf || (*end != '\n' && *end) ||
		    stored == UINT64_MAX) {
			snprintf(err, errlen, "'%s/boot': not a boot counter; "
			    "remove it to start again from the clock", dir);
			return -1;
		}
		*boot = stored + 1;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", *boot);
	return write_atomic(dir, "boot", buf, err, errlen);
}

static const char *const origin_names[] = { "config", "control", "snmp" };

const char *
state_origin_name(enum setting_origin o)
{
	return (unsigned)o < 3 ? origin_names[o] : "config";
}

int
state_origin_parse(const char *name, enum setting_origin *out)
{
	unsigned	i;

	for (i = 0; i < 3; i++) {
		if (strcmp(name, origin_names[i]) == 0) {
			*out = (enum setting_origin)i;
			return 0;
		}
	}
	return -1;
}

int
state_load_settings(const char *dir, const char *fprint, struct settings *s,
    char *err, size_t errlen)
{
	char		buf[512], fp[80], fo[16], mo[16], no[16];
	unsigned	failtime, ismaster, manual;
	struct settings	t;
	int		r;

	r = read_small(dir, "settings", buf, sizeof(buf), err, errlen);
	if (r <= 0)
		return r;
	if (sscanf(buf, "fingerprint %79s failtime_ms %u %15s ismaster %u %15s "
	    "manual %u %15s", fp, &failtime, fo, &ismaster, mo, &manual,
	    no) != 7 ||
	    state_origin_parse(fo, &t.failtime_origin) == -1 ||
	    state_origin_parse(mo, &t.ismaster_origin) == -1 ||
	    state_origin_parse(no, &t.manual_origin) == -1 || ismaster > 1 ||
	    manual > 1) {
		snprintf(err, errlen, "'%s/settings' is damaged; ignoring it",
		    dir);
		return -1;
	}
	if (strcmp(fp, fprint) != 0)
		return 0;
	t.failtime_ms = failtime;
	t.ismaster = (int)ismaster;
	t.manual = (int)manual;
	*s = t;
	return 1;
}

int
state_save_settings(const char *dir, const char *fprint,
    const struct settings *s, char *err, size_t errlen)
{
	char	buf[512];

	if (ensure_dir(dir, err, errlen) == -1)
		return -1;
	snprintf(buf, sizeof(buf),
	    "fingerprint %s\nfailtime_ms %u %s\nismaster %d %s\nmanual %d %s\n",
	    fprint, s->failtime_ms, state_origin_name(s->failtime_origin),
	    s->ismaster, state_origin_name(s->ismaster_origin), s->manual,
	    state_origin_name(s->manual_origin));
	return write_atomic(dir, "settings", buf, err, errlen);
}

int
state_fingerprint(const char *path, char out[65])
{
	unsigned char	 buf[8192], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	EVP_MD_CTX	*ctx;
	ssize_t		 n;
	int		 fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto done;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (!EVP_DigestUpdate(ctx, buf, (size_t)n))
			goto done;
	if (n == -1 || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		goto done;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	ret = 0;
done:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return ret;
}
