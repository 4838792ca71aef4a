/* What every command shares: reading settings and opening the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "holiday/holiday.h"

static bool is_flag(const char *arg, const char *const *flags)
{
	for (; flags && *flags; flags++)
		if (!strcmp(arg, *flags))
			return true;
	return false;
}

int cmd_settings(int *argc, char **argv, const char *const *flags,
		 struct config *c)
{
	struct err e = ERR_INIT;
	const char *file = getenv("CCHC_CONFIG");
	bool required = file && *file;
	int out = 1, level;

	config_init(c);
	/* The file named by --config comes first: flags then override it. */
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "error: --config needs a file name\n");
				return 2;
			}
			file = argv[i + 1];
			required = true;
		} else if (!strncmp(argv[i], "--config=", 9)) {
			file = argv[i] + 9;
			required = true;
		}
	}
	if (config_read_file(c, file && *file ? file : "cchc.conf", required, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		return 2;
	}
	for (int i = 1; i < *argc; i++) {
		char *arg = argv[i], *eq;
		const char *value;
		char key[64];

		if (strncmp(arg, "--", 2) || is_flag(arg, flags) ||
		    !strcmp(arg, "--help")) {
			argv[out++] = arg;
			continue;
		}
		eq = strchr(arg, '=');
		snprintf(key, sizeof(key), "%.*s", (int)((eq ? eq : arg + strlen(arg)) - arg - 2),
			 arg + 2);
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (!strcmp(key, "config")) {
			if (!eq)
				i++;
			continue;
		}
		if (!config_known(key)) {
			fprintf(stderr, "error: unknown option '%s'\n", arg);
			return 2;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < *argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "error: option '%s' needs a value\n", arg);
			return 2;
		}
		config_set(c, key, value, NULL);
	}
	*argc = out;
	argv[out] = NULL;
	level = log_parse_level(config_get(c, "log_level"));
	if (level < 0) {
		fprintf(stderr, "error: log_level must be debug, info, warn or error, not '%s'\n",
			config_get(c, "log_level"));
		return 2;
	}
	log_set_level((enum log_level)level);
	{
		struct err he = ERR_INIT;

		if (holiday_configure(config_get(c, "office_hours"),
				      config_get(c, "receipt_cutoff"), &he)) {
			fprintf(stderr, "error: %s\n", he.message);
			return 2;
		}
	}
	return 0;
}

int cmd_open_db(const struct config *c, struct db **db)
{
	struct err e = ERR_INIT;
	int applied = 0;

	if (db_open(config_get(c, "db"), db, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		return 1;
	}
	if (db_migrate(*db, &applied, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
			"cannot apply migrations (see the log above)");
		db_close(*db);
		*db = NULL;
		return 1;
	}
	if (applied)
		log_info("applied %d migration(s); schema is at version %d",
			 applied, db_schema_version());
	return 0;
}

bool cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}
