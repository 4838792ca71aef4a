/*
 * Configuration: every setting has a key, an environment variable, a
 * default and a line of help, all in one table (config.c), from which
 * `cchc help config` and the documented cchc.conf are made.
 *
 * Precedence, highest first: command-line flags (--key value), the config
 * file (key = value lines), the environment (CCHC_KEY), the default.
 */
#ifndef CCHC_BASE_CONFIG_H
#define CCHC_BASE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct strbuf;

struct config_key {
	const char *key;	/* "listen" */
	const char *env;	/* "CCHC_LISTEN" */
	const char *def;	/* default value, as text */
	const char *help;	/* one line */
};

extern const struct config_key config_keys[];

/* Values are strings; the typed getters parse them. */
struct config {
	char **values;		/* indexed like config_keys */
	char *file;		/* the file that was read, or NULL */
};

#define CONFIG_INIT { 0, 0 }

/* Fills every key from the environment and defaults. */
void config_init(struct config *c);
void config_release(struct config *c);
/*
 * Reads "key = value" lines ('#' starts a comment) from path; values there
 * override the environment.  A missing file is an error only if required.
 * Unknown keys and bad lines are E_INVALID naming file and line.
 */
int config_read_file(struct config *c, const char *path, bool required,
		     struct err *e);
/* Sets key (from a flag); E_INVALID for an unknown key. */
int config_set(struct config *c, const char *key, const char *value,
	       struct err *e);
/* Whether key names a setting. */
bool config_known(const char *key);

/* The value of key; dies for a key not in the table (a bug). */
const char *config_get(const struct config *c, const char *key);
/* Parses an integer value; E_INVALID naming the key if it is not one. */
int config_get_int(const struct config *c, const char *key, int64_t *out,
		   struct err *e);

/* Writes the documented default config file (what cchc.conf holds). */
void config_write_defaults(struct strbuf *out);

#endif
