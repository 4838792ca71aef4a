/* cchc catalog: import and export the procedure catalogue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/config.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "org/org.h"

static const char usage[] =
	"usage: cchc catalog import FILE [--dry-run] [--db URL]\n"
	"       cchc catalog export [--format json|csv] [--published] [--db URL]\n"
	"\n"
	"import reads procedures from FILE, JSON (.json) or CSV (.csv), in the\n"
	"formats of docs/catalog.md (\"-\" reads JSON from standard input).  It is\n"
	"all or nothing: a mistake on one row is reported with its row number and\n"
	"field, and nothing is imported.  A procedure already in the catalogue is\n"
	"brought to what its row says (a new version if it was published); one\n"
	"that does not differ is left alone, so importing a file twice changes\n"
	"nothing.  --dry-run checks the file and counts what would change.\n"
	"\n"
	"export writes every procedure (its current version), by code, to\n"
	"standard output in the import format (JSON unless --format csv);\n"
	"--published leaves out drafts and retired procedures.\n";

/* Reads a whole file (or standard input for "-") into sb. */
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

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int catalog_import_cmd(struct db *db, const char *path, bool dry_run)
{
	struct strbuf text = STRBUF_INIT;
	struct catalog_import_stats st;
	struct err e = ERR_INIT;
	enum catalog_format format;
	int ret;

	if (ends_with(path, ".csv")) {
		format = CATALOG_CSV;
	} else if (ends_with(path, ".json") || !strcmp(path, "-")) {
		format = CATALOG_JSON;
	} else {
		fprintf(stderr, "error: '%s': the file name must end in .json or .csv\n", path);
		return 2;
	}
	ret = read_all(path, &text);
	if (ret)
		goto out;
	if (catalog_import(db, &audit_cli, text.buf, format, dry_run, &st, &e)) {
		fprintf(stderr, "error: %s: %s\nnothing was imported\n", path,
			e.message[0] ? e.message : "cannot import (see the log above)");
		ret = 1;
		goto out;
	}
	printf("%s%d procedures: %d new, %d new versions, %d changed, %d unchanged\n",
	       dry_run ? "dry run, nothing saved: " : "", st.rows, st.created,
	       st.new_versions, st.changed, st.unchanged);
out:
	strbuf_release(&text);
	return ret;
}

static int catalog_export_cmd(struct db *db, const char *format, bool published)
{
	struct strbuf out = STRBUF_INIT;
	enum catalog_format f;
	int ret;

	if (!format || !strcmp(format, "json")) {
		f = CATALOG_JSON;
	} else if (!strcmp(format, "csv")) {
		f = CATALOG_CSV;
	} else {
		fprintf(stderr, "error: --format must be json or csv, not '%s'\n", format);
		return 2;
	}
	ret = catalog_export(db, f, published, &out);
	if (ret) {
		fprintf(stderr, "error: cannot export the catalogue (see the log above)\n");
		ret = 1;
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
		fprintf(stderr, "error: cannot write the export\n");
		ret = 1;
	}
	strbuf_release(&out);
	return ret;
}

int cmd_catalog(int argc, char **argv)
{
	static const char *const flags[] = { "--dry-run", "--format", "--published", NULL };
	struct config c = CONFIG_INIT;
	struct db *db = NULL;
	const char *sub, *file = NULL, *format = NULL;
	bool dry_run = false, published = false;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	if (ret)
		goto out;
	sub = argc > 1 ? argv[1] : "";
	if (strcmp(sub, "import") && strcmp(sub, "export")) {
		if (*sub)
			fprintf(stderr, "error: unknown subcommand '%s'\n", sub);
		fputs(usage, stderr);
		ret = 2;
		goto out;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(sub, "import") && !strcmp(a, "--dry-run")) {
			dry_run = true;
		} else if (!strcmp(sub, "export") && !strcmp(a, "--published")) {
			published = true;
		} else if (!strcmp(sub, "export") && !strcmp(a, "--format") && i + 1 < argc) {
			format = argv[++i];
		} else if (!strcmp(sub, "import") && !file && (a[0] != '-' || !strcmp(a, "-"))) {
			file = a;
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", a, usage);
			ret = 2;
			goto out;
		}
	}
	if (!strcmp(sub, "import") && !file) {
		fprintf(stderr, "error: give the file to import\n%s", usage);
		ret = 2;
		goto out;
	}
	ret = cmd_open_db(&c, &db);
	if (ret)
		goto out;
	if (!strcmp(sub, "import"))
		ret = catalog_import_cmd(db, file, dry_run);
	else
		ret = catalog_export_cmd(db, format, published);
out:
	db_close(db);
	config_release(&c);
	return ret;
}
