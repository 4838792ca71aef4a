/* cchc demo and cchc kpi: demonstration history and the counters' rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/err.h"
#include "calendar/calendar.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "dossier/dossier.h"

static const char demo_usage[] =
	"usage: cchc demo --dossiers N [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--seed S] [--db URL]\n"
	"\n"
	"Generates N dossiers received between the two dates (default: the year up\n"
	"to today) through the same functions officers use: counter, online and\n"
	"postal intake, supplements, inter-agency steps, some late with apologies.\n"
	"Needs the demo agencies and catalogue (cchc init --demo).\n";

static const char kpi_usage[] =
	"usage: cchc kpi rebuild [--fix] [--db URL]\n"
	"\n"
	"Recomputes the indicators' counters from the dossiers' history and lists\n"
	"every counter that differs (none: exit 0; some: exit 1).  --fix replaces\n"
	"the counters with the recomputed ones.\n";

int cmd_demo(int argc, char **argv)
{
	static const char *const flags[] = { "--dossiers", "--from", "--to", "--seed", NULL };
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	int n = -1, from, to, ret;
	unsigned seed = 2021;

	if (cmd_wants_help(argc, argv)) {
		fputs(demo_usage, stdout);
		return 0;
	}
	to = calendar_day_of(clock_now());
	from = to - 365;
	ret = cmd_settings(&argc, argv, flags, &c);
	for (int i = 1; !ret && i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!v) {
			fprintf(stderr, "error: '%s' needs a value\n%s", argv[i], demo_usage);
			ret = 2;
		} else if (!strcmp(argv[i], "--dossiers")) {
			n = (int)strtol(v, &end, 10);
			if (*end || n < 0 || n > 20000000) {
				fprintf(stderr, "error: --dossiers must be a number, not '%s'\n", v);
				ret = 2;
			}
		} else if (!strcmp(argv[i], "--from") || !strcmp(argv[i], "--to")) {
			if (calendar_day_parse(v, !strcmp(argv[i], "--from") ? &from : &to, &e)) {
				fprintf(stderr, "error: %s: %s\n", argv[i], e.message);
				ret = 2;
			}
		} else if (!strcmp(argv[i], "--seed")) {
			seed = (unsigned)strtoul(v, NULL, 10);
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i], demo_usage);
			ret = 2;
		}
		i++;
	}
	if (!ret && n < 0) {
		fprintf(stderr, "error: --dossiers is required\n%s", demo_usage);
		ret = 2;
	}
	if (!ret && to < from) {
		fprintf(stderr, "error: --to is before --from\n");
		ret = 2;
	}
	if (!ret)
		ret = cmd_open_db(&c, &db);
	if (!ret && dossier_demo(db, n, from, to, seed, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message : "see the log");
		ret = 1;
	}
	if (!ret)
		printf("demo: %d dossiers generated\n", n);
	db_close(db);
	config_release(&c);
	return ret;
}

int cmd_kpi(int argc, char **argv)
{
	static const char *const flags[] = { "--fix", NULL };
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	json_t *diffs = NULL, *d;
	bool fix = false;
	size_t i;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(kpi_usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	if (!ret && (argc < 2 || strcmp(argv[1], "rebuild"))) {
		fputs(kpi_usage, stderr);
		ret = 2;
	}
	for (int k = 2; !ret && k < argc; k++) {
		if (!strcmp(argv[k], "--fix")) {
			fix = true;
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[k], kpi_usage);
			ret = 2;
		}
	}
	if (!ret)
		ret = cmd_open_db(&c, &db);
	if (!ret && dossier_counters_rebuild(db, fix, &diffs, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 1;
	}
	if (!ret) {
		json_array_foreach(diffs, i, d)
			printf("%s\tstored %lld\thistory %lld\n",
			       json_string_value(json_object_get(d, "counter")),
			       (long long)json_integer_value(json_object_get(d, "stored")),
			       (long long)json_integer_value(json_object_get(d, "history")));
		printf("%zu counter(s) differ from the history%s\n", json_array_size(diffs),
		       fix && json_array_size(diffs) ? "; replaced" : "");
		if (json_array_size(diffs) && !fix)
			ret = 1;
	}
	json_decref(diffs);
	db_close(db);
	config_release(&c);
	return ret;
}
