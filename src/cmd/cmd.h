/*
 * The command line's commands.  Each command file declares its entry point
 * here; main.c dispatches to them.  An entry point gets argv with argv[0]
 * the command's name and returns the process exit code: 0 on success,
 * 1 on failure, 2 for bad usage (after printing usage to stderr).
 */
#ifndef CCHC_CMD_CMD_H
#define CCHC_CMD_CMD_H

#include <stdbool.h>

struct config;
struct db;

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_kpi(int argc, char **argv);
int cmd_payments(int argc, char **argv);
int cmd_notify(int argc, char **argv);

/*
 * Settings for a command: reads the environment, then the config file
 * (--config FILE, CCHC_CONFIG, or ./cchc.conf if present), then the
 * --key value flags of any setting.  Flags that are not settings are left
 * in place: argv is compacted to the command's own arguments and *argc
 * updated.  `flags` lists the command's own boolean flags (e.g. "--demo"),
 * NULL-terminated, so they are not taken for settings.  Returns 0, or 2 with
 * a message on stderr.
 */
int cmd_settings(int *argc, char **argv, const char *const *flags,
		 struct config *c);
/*
 * Opens the configured database and applies migrations; prints a one-line
 * error and returns 1 on failure.
 */
int cmd_open_db(const struct config *c, struct db **db);
/* Whether argv holds --help or -h. */
bool cmd_wants_help(int argc, char **argv);

#endif
