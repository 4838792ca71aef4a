/* cchc init and cchc migrate: create or upgrade the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/embed.h"
#include "base/err.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "base/clock.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "dossier/dossier.h"
#include "org/org.h"
#include "plan/plan.h"

static const char init_usage[] =
	"usage: cchc init [--db URL] [--demo] [--demo-dossiers N]\n"
	"\n"
	"Creates the database (or upgrades it) by applying the migrations, and\n"
	"the first administrator, \"admin\", whose one-time password it prints\n"
	"(to be changed at the first sign-in).  Running it again changes nothing.\n"
	"  --demo               also load the demonstration data: Quảng Nam's\n"
	"                       agencies (2021) and the procedure catalogue\n"
	"  --demo-dossiers N    the same, and N demonstration dossiers of the\n"
	"                       past year (make run loads 20,000)\n";

static const char migrate_usage[] =
	"usage: cchc migrate [--db URL] [--status]\n"
	"\n"
	"Applies pending migrations.\n"
	"  --status  only print the database's schema version and this program's\n";

/* The demonstration data, each part loaded only once. */
static int load_demo(struct db *db, int dossiers)
{
	const struct embed_file *f = embed_find("data/agencies.tsv");
	struct err e = ERR_INIT;
	int added = 0;

	if (!f) {
		fprintf(stderr, "error: this cchc was built without data/agencies.tsv\n");
		return 1;
	}
	if (agency_load_tsv(db, (const char *)f->data, &added, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
			"cannot load the demo agencies (see the log)");
		return 1;
	}
	if (added)
		printf("demo data: %d agencies\n", added);
	{
		struct plan_import_stats ps;

		if (plan_import_demo(db, &ps, &e)) {
			fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
				"cannot load the demo plan (see the log)");
			return 1;
		}
		if (ps.plan_created)
			printf("demo data: plan %s, %d tasks, %d targets\n", ps.key, ps.tasks,
			       ps.targets);
	}
	if (catalog_demo_load(db, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
			"cannot load the demo catalogue (see the log)");
		return 1;
	}
	if (dossiers && !dossier_count(db)) {
		int today = calendar_day_of(clock_now());

		printf("demo data: generating %d dossiers of the past year…\n", dossiers);
		fflush(stdout);
		if (dossier_demo(db, dossiers, today - 365, today - 1, 2021, &e)) {
			fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
				"cannot generate the demo dossiers (see the log)");
			return 1;
		}
	}
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const char *const flags[] = { "--demo", "--demo-dossiers", NULL };
	struct config c = CONFIG_INIT;
	struct db *db = NULL;
	bool demo = false;
	int ret, dossiers = 0;

	if (cmd_wants_help(argc, argv)) {
		fputs(init_usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	for (int i = 1; !ret && i < argc; i++) {
		if (!strcmp(argv[i], "--demo")) {
			demo = true;
		} else if (!strcmp(argv[i], "--demo-dossiers") && i + 1 < argc) {
			const char *arg = argv[++i];
			char *end;
			long n = strtol(arg, &end, 10);

			demo = true;
			if (end == arg || *end || n < 0 || n > 10000000) {
				fprintf(stderr, "error: --demo-dossiers needs a number from 0 to"
					" 10,000,000, not '%s'\n", arg);
				ret = 2;
			}
			dossiers = (int)n;
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i],
				init_usage);
			ret = 2;
		}
	}
	if (!ret)
		ret = cmd_open_db(&c, &db);
	if (!ret && demo)
		ret = load_demo(db, dossiers);
	if (!ret) {
		struct err e = ERR_INIT;
		char pw[17];
		bool created;

		if (user_ensure_admin(db, pw, &created, &e)) {
			fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
				"cannot create the first administrator");
			ret = 1;
		} else if (created) {
			printf("administrator: admin\none-time password: %s\n"
			       "(sign in at /dang-nhap and choose a new password)\n", pw);
		}
	}
	if (!ret)
		printf("database %s is ready at schema version %d\n",
		       config_get(&c, "db"), db_schema_version());
	db_close(db);
	config_release(&c);
	return ret;
}

int cmd_migrate(int argc, char **argv)
{
	static const char *const flags[] = { "--status", NULL };
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	bool status = false;
	int ret, version = 0;

	if (cmd_wants_help(argc, argv)) {
		fputs(migrate_usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	for (int i = 1; !ret && i < argc; i++) {
		if (!strcmp(argv[i], "--status")) {
			status = true;
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i],
				migrate_usage);
			ret = 2;
		}
	}
	if (ret)
		goto out;
	if (status) {
		if (db_open(config_get(&c, "db"), &db, &e) ||
		    db_current_version(db, &version)) {
			fprintf(stderr, "error: %s\n", e.message[0] ? e.message :
				"cannot read the schema version");
			ret = 1;
			goto out;
		}
		printf("database: %d\nprogram: %d\n", version, db_schema_version());
		goto out;
	}
	ret = cmd_open_db(&c, &db);
	if (!ret)
		printf("schema is at version %d\n", db_schema_version());
out:
	db_close(db);
	config_release(&c);
	return ret;
}
