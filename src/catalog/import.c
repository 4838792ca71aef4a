/*
 * Import and export of the catalogue, in JSON (an array of procedures in
 * the form of catalog.h) and CSV (one row per procedure; the lists inside
 * a procedure are '|'-separated or JSON cells).  Both formats are
 * described in docs/catalog.md.  An import is one transaction: a mistake
 * on any row names the row and the field and imports nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/embed.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "catalog/catalog_impl.h"
#include "db/db.h"
#include "org/org.h"

/* The CSV columns, in the order export writes them. */
static const char *const csv_columns[] = {
	"code", "name", "field", "levels", "agency_kind", "time_value", "time_unit",
	"steps", "fees", "documents", "result", "legal_basis", "online",
	"postal_submit", "postal_return", "status", "note", NULL
};
enum {
	COL_CODE, COL_NAME, COL_FIELD, COL_LEVELS, COL_AGENCY, COL_TIME_VALUE,
	COL_TIME_UNIT, COL_STEPS, COL_FEES, COL_DOCUMENTS, COL_RESULT, COL_LEGAL,
	COL_ONLINE, COL_POSTAL_SUBMIT, COL_POSTAL_RETURN, COL_STATUS, COL_NOTE,
	NCOLS
};
/* Columns a CSV file must have; the others may be left out. */
static const char *const csv_required[] = {
	"code", "name", "field", "levels", "agency_kind", "time_value", "time_unit",
	"steps", "online", NULL
};

/* One procedure of a file, with the row it came from. */
struct row {
	json_t *json;
	int number;
};

struct rows {
	struct row *v;
	int n, cap;
};

static void rows_add(struct rows *r, json_t *json, int number)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, (size_t)r->cap * sizeof(*r->v));
	}
	r->v[r->n].json = json;
	r->v[r->n++].number = number;
}

static void rows_release(struct rows *r)
{
	for (int i = 0; i < r->n; i++)
		json_decref(r->v[i].json);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- reading JSON --------------------------------------------------------- */

static int read_json(const char *text, struct rows *rows, struct err *e)
{
	json_error_t jerr;
	json_t *arr = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *v;
	size_t i;

	if (!arr)
		return err_set(e, E_INVALID, NULL,
			       "the file is not valid JSON: line %d, column %d: %s",
			       jerr.line, jerr.column, jerr.text);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return err_set(e, E_INVALID, NULL,
			       "the file must hold a JSON array of procedures");
	}
	json_array_foreach(arr, i, v)
		rows_add(rows, json_incref(v), (int)i + 1);
	json_decref(arr);
	return 0;
}

/* ---- reading CSV ---------------------------------------------------------- */

struct record {
	char **field;
	int n, cap;
	int number;		/* the row: the header is row 1 */
};

static void record_add(struct record *r, struct strbuf *sb)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->field = xrealloc(r->field, (size_t)r->cap * sizeof(char *));
	}
	r->field[r->n++] = strbuf_detach(sb, NULL);
}

static void record_release(struct record *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->field[i]);
	free(r->field);
	r->field = NULL;
	r->n = r->cap = 0;
}

/*
 * Reads the next record of RFC 4180 CSV at *p (comma-separated, fields in
 * double quotes may hold commas, newlines and "" for a quote; lines end in
 * LF or CRLF).  Returns 1 with rec filled, 0 at the end, or E_INVALID.
 */
static int csv_next(const char **p, struct record *rec, struct err *e)
{
	const char *s = *p;
	struct strbuf sb = STRBUF_INIT;

	record_release(rec);
	if (!*s)
		return 0;
	for (;;) {
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s) {
					strbuf_release(&sb);
					return err_set(e, E_INVALID, NULL,
						       "row %d: a quoted value is not closed",
						       rec->number);
				}
				if (*s == '"' && s[1] == '"') {
					strbuf_addch(&sb, '"');
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					strbuf_addch(&sb, *s++);
				}
			}
			if (*s && *s != ',' && *s != '\n' && !(*s == '\r' && s[1] == '\n')) {
				strbuf_release(&sb);
				return err_set(e, E_INVALID, NULL,
					       "row %d: a quoted value must be followed by a "
					       "comma or the end of the line", rec->number);
			}
		} else {
			size_t n = strcspn(s, ",\n");

			strbuf_add(&sb, s, n);
			s += n;
			if (sb.len && sb.buf[sb.len - 1] == '\r' && *s != ',')
				strbuf_setlen(&sb, sb.len - 1);
		}
		record_add(rec, &sb);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
		break;
	}
	*p = s;
	return 1;
}

/* Splits a '|'-separated cell into a JSON array of trimmed, non-empty strings. */
static json_t *split_bars(const char *s)
{
	json_t *a = json_array();

	while (*s) {
		size_t n = strcspn(s, "|");
		const char *b = s, *end = s + n;

		while (b < end && (*b == ' ' || *b == '\t'))
			b++;
		while (end > b && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > b) {
			char *item = xstrndup(b, (size_t)(end - b));

			json_array_append_new(a, json_string(item));
			free(item);
		}
		s += n;
		if (*s == '|')
			s++;
	}
	return a;
}

/*
 * A number cell as a JSON number, or as text when it is not one.  A
 * decimal comma ("0,5", as Vietnamese spreadsheets write it) is accepted.
 */
static json_t *number_cell(const char *cell)
{
	char s[64], *end, *comma;
	double d;
	long long i;

	snprintf(s, sizeof(s), "%s", cell);
	comma = strchr(s, ',');
	if (comma && !strchr(s, '.') && !strchr(comma + 1, ','))
		*comma = '.';
	errno = 0;
	i = strtoll(s, &end, 10);
	if (*s && !*end && !errno)
		return json_integer(i);
	d = strtod(s, &end);
	if (*s && !*end)
		return json_real(d);
	return json_string(cell);
}

static json_t *bool_cell(const char *s)
{
	if (!*s || !strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
		return json_false();
	if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
		return json_true();
	return json_string(s);
}

/* The JSON of one CSV row; E_INVALID naming the row and the column. */
static int csv_row_json(const struct record *rec, const int *col, json_t **out,
			struct err *e)
{
	json_t *j = json_object(), *time = json_object(), *postal = json_object();
	static const int text_cols[] = { COL_CODE, COL_NAME, COL_FIELD, COL_AGENCY,
					 COL_RESULT, COL_ONLINE, COL_STATUS, COL_NOTE };
	static const int list_cols[] = { COL_STEPS, COL_FEES, COL_DOCUMENTS };

#define CELL(c) (col[c] >= 0 && col[c] < rec->n ? rec->field[col[c]] : "")
	for (size_t i = 0; i < ARRAY_SIZE(text_cols); i++)
		if (*CELL(text_cols[i]))
			json_object_set_new(j, csv_columns[text_cols[i]],
					    json_string(CELL(text_cols[i])));
	json_object_set_new(j, "levels", split_bars(CELL(COL_LEVELS)));
	json_object_set_new(j, "legal_basis", split_bars(CELL(COL_LEGAL)));
	if (*CELL(COL_TIME_VALUE))
		json_object_set_new(time, "value", number_cell(CELL(COL_TIME_VALUE)));
	if (*CELL(COL_TIME_UNIT))
		json_object_set_new(time, "unit", json_string(CELL(COL_TIME_UNIT)));
	json_object_set_new(j, "time", time);
	json_object_set_new(postal, "submit", bool_cell(CELL(COL_POSTAL_SUBMIT)));
	json_object_set_new(postal, "return", bool_cell(CELL(COL_POSTAL_RETURN)));
	json_object_set_new(j, "postal", postal);
	for (size_t i = 0; i < ARRAY_SIZE(list_cols); i++) {
		const char *cell = CELL(list_cols[i]), *name = csv_columns[list_cols[i]];
		json_error_t jerr;
		json_t *v;

		if (!*cell)
			continue;
		v = json_loads(cell, JSON_DECODE_ANY, &jerr);
		if (!v) {
			json_decref(j);
			return err_set(e, E_INVALID, name,
				       "row %d, %s: the cell is not valid JSON (column %d: %s)",
				       rec->number, name, jerr.column, jerr.text);
		}
		json_object_set_new(j, name, v);
	}
#undef CELL
	*out = j;
	return 0;
}

static int read_csv(const char *text, struct rows *rows, struct err *e)
{
	struct record rec = { 0 };
	const char *p = text;
	int col[NCOLS], ret, number = 1;

	if (!strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	rec.number = 1;
	ret = csv_next(&p, &rec, e);
	if (ret <= 0) {
		record_release(&rec);
		return ret ? ret : err_set(e, E_INVALID, NULL, "the file is empty");
	}
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	for (int i = 0; i < rec.n; i++) {
		int c;

		for (c = 0; c < NCOLS && strcmp(rec.field[i], csv_columns[c]); c++)
			;
		if (c == NCOLS) {
			ret = err_set(e, E_INVALID, rec.field[i],
				      "row 1: unknown column '%s'", rec.field[i]);
			goto out;
		}
		if (col[c] >= 0) {
			ret = err_set(e, E_INVALID, rec.field[i],
				      "row 1: column '%s' is given twice", rec.field[i]);
			goto out;
		}
		col[c] = i;
	}
	for (int c = 0; csv_required[c]; c++) {
		int k;

		for (k = 0; strcmp(csv_columns[k], csv_required[c]); k++)
			;
		if (col[k] < 0) {
			ret = err_set(e, E_INVALID, csv_required[c],
				      "row 1: the column '%s' is missing", csv_required[c]);
			goto out;
		}
	}
	for (;;) {
		json_t *j = NULL;

		rec.number = ++number;
		ret = csv_next(&p, &rec, e);
		if (ret <= 0)
			break;
		if (rec.n == 1 && !*rec.field[0])
			continue;	/* an empty line */
		ret = csv_row_json(&rec, col, &j, e);
		if (ret)
			break;
		rows_add(rows, j, rec.number);
	}
out:
	record_release(&rec);
	return ret;
}

/* ---- importing ------------------------------------------------------------- */

/* Prefixes e's message with the row (and the code and field, when known). */
static int row_error(struct err *e, int ret, int number, const char *code)
{
	char msg[sizeof(e->message)], field[sizeof(e->field)];
	int name_ret;

	snprintf(msg, sizeof(msg), "%s", e->message);
	snprintf(field, sizeof(field), "%s", e->field);
	if (code && *field)
		name_ret = err_set(e, ret, field, "row %d (%s), %s: %s", number, code, field, msg);
	else if (code)
		name_ret = err_set(e, ret, field, "row %d (%s): %s", number, code, msg);
	else if (*field)
		name_ret = err_set(e, ret, field, "row %d, %s: %s", number, field, msg);
	else
		name_ret = err_set(e, ret, field, "row %d: %s", number, msg);
	return name_ret;
}

static int cmp_code(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(json_string_value(json_object_get(x->json, "code")),
		       json_string_value(json_object_get(y->json, "code")));

	return c ? c : x->number - y->number;
}

/* A code may be on one row only (rows are checked: each has a code). */
static int check_duplicates(const struct rows *rows, struct err *e)
{
	struct row *sorted = xcalloc((size_t)rows->n + 1, sizeof(*sorted));
	int ret = 0;

	memcpy(sorted, rows->v, (size_t)rows->n * sizeof(*sorted));
	qsort(sorted, (size_t)rows->n, sizeof(*sorted), cmp_code);
	for (int i = 1; i < rows->n; i++) {
		const char *code = json_string_value(json_object_get(sorted[i].json, "code"));

		if (!strcmp(code, json_string_value(json_object_get(sorted[i - 1].json, "code")))) {
			ret = err_set(e, E_INVALID, "code",
				      "row %d (%s), code: the code is also on row %d",
				      sorted[i].number, code, sorted[i - 1].number);
			break;
		}
	}
	free(sorted);
	return ret;
}

int catalog_import(struct db *db, const struct audit_actor *who, const char *text,
		   enum catalog_format format, bool dry_run,
		   struct catalog_import_stats *stats, struct err *e)
{
	struct rows rows = { 0 };
	struct procedure p = PROCEDURE_INIT;
	int ret;

	memset(stats, 0, sizeof(*stats));
	if (!text_utf8_valid(text, strlen(text)))
		return err_set(e, E_INVALID, NULL, "the file is not valid UTF-8");
	ret = format == CATALOG_CSV ? read_csv(text, &rows, e) : read_json(text, &rows, e);
	if (ret)
		goto out;
	stats->rows = rows.n;
	/* The whole file is checked before the transaction starts. */
	for (int i = 0; i < rows.n; i++) {
		json_t *code = json_object_get(rows.v[i].json, "code");

		ret = procedure_from_json(rows.v[i].json, true, &p, e);
		if (!ret)
			ret = procedure_validate(db, &p, e);
		if (ret) {
			ret = row_error(e, ret, rows.v[i].number, json_is_string(code) ?
					json_string_value(code) : NULL);
			goto out;
		}
	}
	ret = check_duplicates(&rows, e);
	if (ret)
		goto out;
	ret = db_begin(db);
	if (ret)
		goto out;
	for (int i = 0; i < rows.n; i++) {
		enum store_outcome outcome;

		ret = procedure_from_json(rows.v[i].json, true, &p, e);
		if (!ret)
			ret = procedure_store(db, NULL, who, &p, p.status, &outcome, e);
		if (ret) {
			if (e->message[0])
				ret = row_error(e, ret, rows.v[i].number, p.code);
			break;
		}
		switch (outcome) {
		case STORE_CREATED: stats->created++; break;
		case STORE_NEW_VERSION: stats->new_versions++; break;
		case STORE_CHANGED: stats->changed++; break;
		case STORE_UNCHANGED: stats->unchanged++; break;
		}
	}
	if (ret || dry_run)
		db_rollback(db);
	else
		ret = db_commit(db);
	if (!ret && !dry_run)
		catalog_changed();
out:
	procedure_release(&p);
	rows_release(&rows);
	return ret;
}

/* ---- exporting ------------------------------------------------------------- */

/* A CSV field, quoted when it must be. */
static void csv_field(struct strbuf *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")] && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

static void csv_list(struct strbuf *out, char **list, int n)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, '|');
		strbuf_addstr(&sb, list[i]);
	}
	csv_field(out, sb.buf);
	strbuf_release(&sb);
}

static void csv_json(struct strbuf *out, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	csv_field(out, s);
	free(s);
}

static void csv_procedure(struct strbuf *out, const struct procedure *p)
{
	json_t *j = procedure_to_json(p, 0);
	char num[64];

	csv_field(out, p->code);
	strbuf_addch(out, ',');
	csv_field(out, p->name);
	strbuf_addch(out, ',');
	csv_field(out, p->field);
	strbuf_addch(out, ',');
	csv_list(out, p->levels, p->nlevels);
	strbuf_addch(out, ',');
	csv_field(out, p->agency_kind ? p->agency_kind : p->agency_key);
	strbuf_addch(out, ',');
	snprintf(num, sizeof(num), "%.10g", p->time_value);
	strbuf_addstr(out, num);
	strbuf_addch(out, ',');
	csv_field(out, p->time_unit);
	strbuf_addch(out, ',');
	csv_json(out, json_object_get(j, "steps"));
	strbuf_addch(out, ',');
	csv_json(out, json_object_get(j, "fees"));
	strbuf_addch(out, ',');
	csv_json(out, json_object_get(j, "documents"));
	strbuf_addch(out, ',');
	csv_field(out, p->result);
	strbuf_addch(out, ',');
	csv_list(out, p->legal_basis, p->nlegal_basis);
	strbuf_addch(out, ',');
	csv_field(out, p->online);
	strbuf_addf(out, ",%d,%d,", p->postal_submit, p->postal_return);
	csv_field(out, p->status);
	strbuf_addch(out, ',');
	csv_field(out, p->note);
	strbuf_addstr(out, "\r\n");
	json_decref(j);
}

int catalog_export(struct db *db, enum catalog_format format, bool published_only,
		   struct strbuf *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT current_version_id FROM procedure"
					" WHERE ? = 0 OR status = 'published' ORDER BY code");
	struct procedure p = PROCEDURE_INIT;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	json_t *all = NULL;
	int ret;

	db_bind_int(st, 1, published_only);
	while ((ret = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_col_int(st, 0);
	}
	db_reset(st);
	if (ret < 0)
		goto out;
	ret = 0;
	if (format == CATALOG_CSV) {
		for (int c = 0; csv_columns[c]; c++) {
			if (c)
				strbuf_addch(out, ',');
			strbuf_addstr(out, csv_columns[c]);
		}
		strbuf_addstr(out, "\r\n");
	} else {
		all = json_array();
	}
	for (size_t i = 0; !ret && i < n; i++) {
		ret = procedure_load_version(db, ids[i], &p);
		if (ret)
			break;
		if (format == CATALOG_CSV)
			csv_procedure(out, &p);
		else
			json_array_append_new(all, procedure_to_json(&p, PROC_JSON_EXPORT));
	}
	if (!ret && all) {
		char *s = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
		free(s);
	}
out:
	json_decref(all);
	procedure_release(&p);
	free(ids);
	return ret;
}

/* ---- the demonstration catalogue ------------------------------------------ */

int catalog_demo_load(struct db *db, struct err *e)
{
	const struct embed_file *f = embed_find("data/procedures.json");
	struct audit_actor who = { 0, "system", "", "/" };
	struct catalog_import_stats stats;
	int ret;

	if (!f) {
		log_warn("this build has no data/procedures.json: no demo catalogue");
		return 0;
	}
	ret = catalog_import(db, &who, (const char *)f->data, CATALOG_JSON, false, &stats, e);
	if (!ret && stats.rows != stats.unchanged)
		log_info("demo catalogue: %d procedures, %d new, %d new versions, %d changed",
			 stats.rows, stats.created, stats.new_versions, stats.changed);
	return ret;
}
