/* cchc plan: import a reform plan, list plans, queue reminders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "org/org.h"
#include "plan/plan.h"

int cmd_plan(int argc, char **argv);

static const char usage[] =
	"usage: cchc plan import FILE [--dry-run] [--json] [--db URL]\n"
	"       cchc plan list [--db URL]\n"
	"       cchc plan remind [--plan KEY] [--as-of YYYY-MM-DD] [--db URL]\n"
	"\n"
	"import reads a decision issuing a reform plan (plain text, the appendix\n"
	"table with TAB-separated cells, as docs/plan.md describes; \"-\" reads\n"
	"standard input) and creates the plan: its areas, targets and tasks, with\n"
	"the agencies resolved against the registry.  What it cannot take as it\n"
	"stands is kept verbatim and listed as a warning for review.  Importing\n"
	"the same text again changes nothing.  --dry-run only reads and reports;\n"
	"--json prints the plan as read, with the warnings, as JSON.\n"
	"\n"
	"list prints the plans.\n"
	"\n"
	"remind queues, in the plan_reminder outbox, the reminders of tasks due\n"
	"within the plan's window and overdue, and of periodic reports due or\n"
	"missing, as of a day (default today); each is queued once.  Run it daily.\n"
	"--plan defaults to the newest plan.\n";

static int read_all(const char *path, struct strbuf *sb)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;
	int ret = 0;

	if (!f) {
		fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(sb, buf, n);
	if (ferror(f)) {
		fprintf(stderr, "error: cannot read '%s'\n", path);
		ret = 1;
	}
	if (f != stdin)
		fclose(f);
	if (!ret && memchr(sb->buf, '\0', sb->len)) {
		fprintf(stderr, "error: '%s' is not a text file\n", path);
		ret = 1;
	}
	return ret;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s)
		puts(s);
	free(s);
}

static int import(struct db *db, const char *path, bool dry_run, bool as_json)
{
	struct strbuf text = STRBUF_INIT;
	struct plan_import_stats st;
	struct err e = ERR_INIT;
	json_t *doc = NULL, *w;
	size_t i;
	int ret = read_all(path, &text), review = 0;

	if (ret)
		goto out;
	if (plan_import(db, &audit_cli, text.buf, dry_run, &doc, &st, &e)) {
		fprintf(stderr, "error: %s: %s\nnothing was imported\n", path,
			e.message[0] ? e.message : "cannot import (see the log above)");
		ret = 1;
		goto out;
	}
	if (as_json) {
		json_object_set_new(doc, "import", json_pack(
			"{s:b,s:b,s:b,s:i,s:i,s:i,s:i}", "dry_run", dry_run,
			"plan_created", st.plan_created, "same_source", st.same_source,
			"created", st.created, "updated", st.updated, "unchanged", st.unchanged,
			"warnings_new", st.warnings_new));
		print_json(doc);
		goto out;
	}
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		review += !strcmp(json_string_value(json_object_get(w, "severity")), "review");
	printf("%splan %s: %s\n%d areas, %d tasks, %d targets\n",
	       dry_run ? "dry run, nothing saved: " : "", st.key,
	       json_string_value(json_object_get(json_object_get(doc, "plan"), "title")),
	       st.areas, st.tasks, st.targets);
	if (!dry_run)
		printf("%s: %d created, %d updated, %d unchanged; %d new warnings\n",
		       st.same_source ? "the same text as before, nothing changed" :
		       st.plan_created ? "new plan" : "plan updated",
		       st.created, st.updated, st.unchanged, st.warnings_new);
	printf("%d warnings, %d to review:\n", st.warnings, review);
	json_array_foreach(json_object_get(doc, "warnings"), i, w)
		printf("  %-6s line %-4lld %-22s %s\n",
		       json_string_value(json_object_get(w, "severity")),
		       (long long)json_integer_value(json_object_get(w, "line")),
		       json_string_value(json_object_get(w, "where")),
		       json_string_value(json_object_get(w, "message")));
out:
	json_decref(doc);
	strbuf_release(&text);
	return ret;
}

static int list(struct db *db)
{
	json_t *items, *p;
	size_t i;

	if (plan_list(db, &items)) {
		fprintf(stderr, "error: cannot list the plans (see the log above)\n");
		return 1;
	}
	json_array_foreach(items, i, p)
		printf("%-8s %3lld tasks %3lld targets %3lld warnings to review  %s\n",
		       json_string_value(json_object_get(p, "key")),
		       (long long)json_integer_value(json_object_get(p, "tasks")),
		       (long long)json_integer_value(json_object_get(p, "targets")),
		       (long long)json_integer_value(json_object_get(p, "warnings_to_review")),
		       json_string_value(json_object_get(p, "title")));
	json_decref(items);
	return 0;
}

static int remind(struct db *db, const char *key, const char *as_of)
{
	struct plan_info p = PLAN_INFO_INIT;
	struct err e = ERR_INIT;
	json_t *items = NULL;
	int day = 0, queued = 0, ret = 0;

	if (as_of && calendar_day_parse(as_of, &day, &e)) {
		fprintf(stderr, "error: --as-of: %s\n", e.message);
		return 2;
	}
	if (!key) {
		if (plan_list(db, &items) || !json_array_size(items)) {
			fprintf(stderr, "error: there is no plan\n");
			ret = 1;
			goto out;
		}
		key = json_string_value(json_object_get(json_array_get(items, 0), "key"));
	}
	if (plan_find(db, key, &p, &e) || plan_reminders_queue(db, &audit_cli, &p, day, &queued, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message : "cannot queue the reminders");
		ret = 1;
		goto out;
	}
	printf("plan %s: %d reminders queued\n", p.key, queued);
out:
	plan_info_release(&p);
	json_decref(items);
	return ret;
}

int cmd_plan(int argc, char **argv)
{
	static const char *const flags[] = { "--dry-run", "--json", "--plan", "--as-of", NULL };
	struct config c = CONFIG_INIT;
	struct db *db = NULL;
	const char *sub, *file = NULL, *key = NULL, *as_of = NULL;
	bool dry_run = false, as_json = false;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	if (ret)
		goto out;
	sub = argc > 1 ? argv[1] : "";
	for (int i = 2; !ret && i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			dry_run = true;
		} else if (!strcmp(argv[i], "--json")) {
			as_json = true;
		} else if (!strcmp(argv[i], "--plan") || !strcmp(argv[i], "--as-of")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "error: %s needs a value\n%s", argv[i], usage);
				ret = 2;
			} else if (!strcmp(argv[i], "--plan")) {
				key = argv[++i];
			} else {
				as_of = argv[++i];
			}
		} else if (!file && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			file = argv[i];
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i], usage);
			ret = 2;
		}
	}
	if (ret)
		goto out;
	if (!strcmp(sub, "import") && !file) {
		fprintf(stderr, "error: import needs a FILE\n%s", usage);
		ret = 2;
	} else if (strcmp(sub, "import") && strcmp(sub, "list") && strcmp(sub, "remind")) {
		if (*sub)
			fprintf(stderr, "error: unknown subcommand '%s'\n", sub);
		fputs(usage, stderr);
		ret = 2;
	} else if ((strcmp(sub, "import") && (file || dry_run || as_json)) ||
		   (strcmp(sub, "remind") && (key || as_of))) {
		fprintf(stderr, "error: an option does not go with '%s'\n%s", sub, usage);
		ret = 2;
	}
	if (ret)
		goto out;
	ret = cmd_open_db(&c, &db);
	if (ret)
		goto out;
	if (!strcmp(sub, "import"))
		ret = import(db, file, dry_run, as_json);
	else if (!strcmp(sub, "list"))
		ret = list(db);
	else
		ret = remind(db, key, as_of);
out:
	db_close(db);
	config_release(&c);
	return ret;
}
