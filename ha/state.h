/*
 * What failoverd keeps in its state directory across restarts: the boot
 * counter that orders its heartbeat lives, and the settings changed at run
 * time (failtime, ismaster) with where they came from.  Every write goes
 * to a temporary file, is synced and renamed, so a crash leaves either the
 * old or the new content.
 */
#ifndef IPF_STATE_H
#define IPF_STATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads, raises and stores the boot counter.  A missing file starts from
 * the wall clock's seconds, which is above any counter an earlier life
 * could have reached.  Returns 0, or -1 with ERR set.
 */
int	state_next_boot(const char *statedir, uint64_t *boot, char *err,
	    size_t errlen);

enum setting_origin { ORIGIN_CONFIG, ORIGIN_CONTROL, ORIGIN_SNMP };

struct settings {
	uint32_t		failtime_ms;
	enum setting_origin	failtime_origin;
	int			ismaster;
	enum setting_origin	ismaster_origin;
	int			manual;		/* mode */
	enum setting_origin	manual_origin;
};

/*
 * Loads the settings saved for configuration file CONFPATH, whose content
 * fingerprint is FPRINT: saved settings for another content are dropped,
 * since an edited file wins.  Returns 1 when something was loaded, 0 when
 * nothing applies, -1 with ERR on a read error.
 */
int	state_load_settings(const char *statedir, const char *fprint,
	    struct settings *s, char *err, size_t errlen);
int	state_save_settings(const char *statedir, const char *fprint,
	    const struct settings *s, char *err, size_t errlen);

/* Hex SHA-256 of the file at PATH into OUT (65 bytes).  0 or -1. */
int	state_fingerprint(const char *path, char out[65]);

const char *state_origin_name(enum setting_origin);
int	state_origin_parse(const char *name, enum setting_origin *out);

#endif
