/*
 * Reading dossiers: one dossier for an officer, lists and queues, public
 * tracking, and the rebuild of the counters from the history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/json.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "holiday/holiday.h"
#include "org/org.h"

static json_t *time_or_null(int64_t t)
{
	char buf[CALENDAR_TIME_SIZE];

	if (!t)
		return json_null();
	calendar_time_format(t, buf);
	return json_string(buf);
}

/* "at_risk" one working day before the deadline, "late" after it, else "". */
static const char *urgency(const struct calendar *cal, const char *state,
			   int64_t due, int64_t now)
{
	static const char *const closed[] = { "returned", "result_ready", "refused",
		"withdrawn", "rejected", "submitted", "incomplete", NULL };

	for (const char *const *c = closed; *c; c++)
		if (!strcmp(state, *c))
			return "";
	if (!due)
		return "";
	if (now > due)
		return "late";
	if (calendar_day_of(due) <= calendar_workday_add(cal, calendar_day_of(now), 1))
		return "at_risk";
	return "";
}

static int get(struct db *db, const struct user *by, const char *code,
	       json_t **out, struct err *e)
{
	struct dossier_row d = DOSSIER_ROW_INIT;
	const struct calendar *cal;
	struct db_stmt *st;
	json_t *j = NULL, *steps, *events, *apologies, *allowed = NULL;
	int ret;

	*out = NULL;
	ret = dossier_row_load(db, code, &d);
	if (!ret && !dossier_visible(by, &d))
		ret = E_NOTFOUND;
	if (ret) {
		/* A row loaded but not visible is released too. */
		dossier_row_release(&d);
		if (ret == E_NOTFOUND)
			return err_set(e, E_NOTFOUND, NULL, "there is no dossier '%s'", code);
		return ret;
	}
	if (holiday_calendar(db, &cal)) {
		ret = E_INTERNAL;
		goto out;
	}
	st = db_prepare(db, "SELECT d.applicant_id, d.applicant_email, d.applicant_address,"
			" d.request, d.documents_json, d.fee_due, d.fee_paid, d.postal_tracking,"
			" d.calendar_version, a.name, h.name, COALESCE(u.full_name, ''),"
			" COALESCE(d.return_channel, ''), COALESCE(d.returned_at, 0)"
			" FROM dossier d JOIN agency a ON a.id = d.agency_id"
			" JOIN agency h ON h.id = d.handling_agency_id"
			" LEFT JOIN app_user u ON u.id = d.assignee_id WHERE d.id = ?");
	db_bind_int(st, 1, d.id);
	ret = db_step(st);
	if (ret != DB_ROW) {
		db_reset(st);
		ret = ret < 0 ? ret : E_NOTFOUND;
		goto out;
	}
	j = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:s,"
		      "s:o,s:I,s:I,s:s,s:{s:I,s:s},s:{s:I,s:s},s:s,s:{s:f,s:s},s:I,s:I}",
		      "id", (json_int_t)d.id,
		      "code", d.code ? json_string(d.code) : json_null(),
		      "state", d.state, "state_label", dossier_state_label(d.state),
		      "channel", d.channel,
		      "procedure", d.procedure_code, "procedure_name", d.procedure_name,
		      "applicant", "name", d.applicant_name, "id_number", db_col_text(st, 0),
		      "phone", d.applicant_phone, "email", db_col_text(st, 1),
		      "address", db_col_text(st, 2),
		      "request", db_col_text(st, 3),
		      "documents", json_loads(db_col_text(st, 4), 0, NULL),
		      "fee_due", (json_int_t)db_col_int(st, 5),
		      "fee_paid", (json_int_t)db_col_int(st, 6),
		      "postal_tracking", db_col_text(st, 7),
		      "agency", "id", (json_int_t)d.agency_id, "name", db_col_text(st, 9),
		      "handling_agency", "id", (json_int_t)d.handling_agency_id,
		      "name", db_col_text(st, 10),
		      "assignee", db_col_text(st, 11),
		      "time", "value", d.time_value, "unit", d.time_unit,
		      "version", (json_int_t)d.version,
		      "supplements", (json_int_t)d.supplements);
	json_object_set_new(j, "calendar_version", json_string(db_col_text(st, 8)));
	json_object_set_new(j, "return_channel", json_string(db_col_text(st, 12)));
	json_object_set_new(j, "returned_at", time_or_null(db_col_int(st, 13)));
	db_reset(st);
	json_object_set_new(j, "submitted_at", time_or_null(d.submitted_at));
	json_object_set_new(j, "received_at", time_or_null(d.received_at));
	json_object_set_new(j, "due_at", time_or_null(d.due_at));
	json_object_set_new(j, "promised_at", time_or_null(d.promised_at));
	json_object_set_new(j, "finished_at", time_or_null(d.finished_at));
	json_object_set_new(j, "outcome", d.outcome[0] ? json_string(d.outcome) : json_null());
	json_object_set_new(j, "urgency", json_string(urgency(cal, d.state, d.due_at,
							       clock_now())));

	steps = json_array();
	st = db_prepare(db, "SELECT s.seq, s.name, s.kind, a.name, s.due_at,"
			" COALESCE(s.started_at, 0), COALESCE(s.finished_at, 0),"
			" COALESCE(s.outcome, '') FROM dossier_step s"
			" JOIN agency a ON a.id = s.agency_id WHERE s.dossier_id = ? ORDER BY s.seq");
	db_bind_int(st, 1, d.id);
	while ((ret = db_step(st)) == DB_ROW) {
		json_t *s = json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o}",
				      "seq", (json_int_t)db_col_int(st, 0),
				      "name", db_col_text(st, 1), "kind", db_col_text(st, 2),
				      "agency", db_col_text(st, 3),
				      "due_at", time_or_null(db_col_int(st, 4)),
				      "started_at", time_or_null(db_col_int(st, 5)),
				      "finished_at", time_or_null(db_col_int(st, 6)));

		json_object_set_new(s, "outcome", *db_col_text(st, 7) ?
				    json_string(db_col_text(st, 7)) : json_null());
		json_array_append_new(steps, s);
	}
	db_reset(st);
	json_object_set_new(j, "steps", steps);
	if (ret < 0)
		goto out;

	events = json_array();
	st = db_prepare(db, "SELECT at, actor_name, action, from_state, to_state, note,"
			" data_json FROM dossier_event WHERE dossier_id = ? ORDER BY id");
	db_bind_int(st, 1, d.id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(events, json_pack("{s:o,s:s,s:s,s:s,s:s,s:s,s:o}",
			"at", time_or_null(db_col_int(st, 0)), "actor", db_col_text(st, 1),
			"action", db_col_text(st, 2), "from", db_col_text(st, 3),
			"to", db_col_text(st, 4), "note", db_col_text(st, 5),
			"data", json_loads(db_col_text(st, 6), 0, NULL)));
	db_reset(st);
	json_object_set_new(j, "events", events);
	if (ret < 0)
		goto out;

	apologies = json_array();
	st = db_prepare(db, "SELECT p.reason, p.new_date, p.issued_at, p.before_deadline, a.name"
			" FROM dossier_apology p JOIN agency a ON a.id = p.agency_id"
			" WHERE p.dossier_id = ? ORDER BY p.id");
	db_bind_int(st, 1, d.id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(apologies, json_pack("{s:s,s:s,s:o,s:b,s:s}",
			"reason", db_col_text(st, 0), "new_date", db_col_text(st, 1),
			"issued_at", time_or_null(db_col_int(st, 2)),
			"before_deadline", db_col_int(st, 3) != 0, "agency", db_col_text(st, 4)));
	db_reset(st);
	json_object_set_new(j, "apologies", apologies);
	if (ret < 0)
		goto out;
	ret = dossier_allowed(db, by, code, &allowed, e);
	if (!ret)
		json_object_set_new(j, "allowed", allowed);
out:
	if (ret) {
		json_decref(j);
		j = NULL;
	}
	*out = j;
	dossier_row_release(&d);
	return ret;
}

int dossier_get(struct db *db, const struct user *by, const char *code,
		json_t **out, struct err *e)
{
	bool own = !db_in_transaction(db);
	int ret;

	/* One snapshot for the five reads (and on SQLite one read lock). */
	if (own && db_begin_read(db))
		return E_INTERNAL;
	ret = get(db, by, code, out, e);
	if (own)
		db_commit(db);
	return ret;
}

/*
 * A list query is built from the filters actually given, so that each
 * variant can use its index (the statements are still parameterised and
 * cached per SQL text): the queue reads the partial index of open,
 * unassigned dossiers by handling agency; "mine" the open ones by
 * assignee; the rest go by agency within the user's subtree.
 */
struct list_sql {
	struct strbuf where;
	struct { int kind; int64_t i; const char *s; } params[24];
	int n;
};

static void p_int(struct list_sql *q, int64_t v)
{
	q->params[q->n].kind = 0;
	q->params[q->n++].i = v;
}

static void p_text(struct list_sql *q, const char *v)
{
	q->params[q->n].kind = 1;
	q->params[q->n++].s = v;
}

static void bind_all(struct db_stmt *st, const struct list_sql *q)
{
	for (int i = 0; i < q->n; i++) {
		if (q->params[i].kind)
			db_bind_text(st, i + 1, q->params[i].s);
		else
			db_bind_int(st, i + 1, q->params[i].i);
	}
}

/* The most a list counts exactly; beyond it the total reads "at least". */
#define LIST_COUNT_CAP 10000

/*
 * The filters of the dossiers behind an indicator: the same agency
 * (receiving, with its subtree), days and classes as the counters.
 */
static int indicator_filters(struct db *db, const struct dossier_filter *f, struct list_sql *q,
			     char **keep, struct err *e)
{
	const char *by = f->by && *f->by ? f->by : "received";
	const char *col;
	int from = 0, to = 0, ret = 0;

	if (f->agency && *f->agency) {
		struct agency a = AGENCY_INIT;
		char *hi;

		ret = agency_find(db, f->agency, &a, e);
		if (ret)
			return ret == E_NOTFOUND ? err_set(e, E_INVALID, "agency",
							   "there is no agency '%s'", f->agency) : ret;
		hi = agency_path_upper(a.path);
		strbuf_addstr(&q->where, " AND d.agency_id IN (SELECT id FROM agency WHERE path >= ?"
			      " AND path < ?)");
		/* The parameters are borrowed until the list is read: kept in keep. */
		keep[0] = a.path;
		a.path = NULL;
		keep[1] = hi;
		p_text(q, keep[0]);
		p_text(q, keep[1]);
		agency_release(&a);
	}
	if (!strcmp(by, "received"))
		col = "d.received_at";
	else if (!strcmp(by, "finished"))
		col = "d.finished_at";
	else if (!strcmp(by, "returned"))
		col = "d.returned_at";
	else
		return err_set(e, E_INVALID, "by", "by must be 'received', 'finished' or 'returned'");
	if ((f->from && *f->from) || (f->to && *f->to)) {
		if (!f->from || calendar_day_parse(f->from, &from, NULL))
			return err_set(e, E_INVALID, "from", "'from' must be a date YYYY-MM-DD");
		if (!f->to || calendar_day_parse(f->to, &to, NULL) || to < from)
			return err_set(e, E_INVALID, "to", "'to' must be a date YYYY-MM-DD, not before 'from'");
		strbuf_addf(&q->where, " AND %s >= ? AND %s < ?", col, col);
		p_int(q, calendar_instant(from, 0));
		p_int(q, calendar_instant(to + 1, 0));
	}
	if (!strcmp(by, "finished") && ((f->from && *f->from) || (f->outcome && *f->outcome)))
		strbuf_addstr(&q->where, " AND d.outcome IS NOT NULL");
	if (f->outcome && *f->outcome) {
		if (strcmp(f->outcome, "early") && strcmp(f->outcome, "on_time") &&
		    strcmp(f->outcome, "late"))
			return err_set(e, E_INVALID, "outcome",
				       "outcome must be 'early', 'on_time' or 'late'");
		strbuf_addstr(&q->where, " AND d.outcome = ?");
		p_text(q, f->outcome);
	}
	if (f->channel && *f->channel) {
		if (strcmp(f->channel, "counter") && strcmp(f->channel, "online") &&
		    strcmp(f->channel, "postal"))
			return err_set(e, E_INVALID, "channel",
				       "channel must be 'counter', 'online' or 'postal'");
		strbuf_addstr(&q->where, !strcmp(by, "returned") ? " AND d.return_channel = ?"
				       : " AND d.channel = ?");
		p_text(q, f->channel);
	}
	return 0;
}

static int list(struct db *db, const struct user *by, const struct dossier_filter *f,
		json_t **out, struct err *e)
{
	const struct calendar *cal;
	struct list_sql q = { STRBUF_INIT, { { 0, 0, NULL } }, 0 };
	struct strbuf sql = STRBUF_INIT, scope = STRBUF_INIT;
	struct db_stmt *st;
	char *hi = agency_path_upper(by->agency_path);
	int64_t now = clock_now(), soon, total = 0;
	int per = f->per_page > 0 && f->per_page <= 200 ? f->per_page : 50;
	int page = f->page > 0 ? f->page : 1;
	const char *state = f->state && *f->state ? f->state : NULL;
	const char *text = f->q && *f->q ? f->q : NULL;
	const char *due = f->due && *f->due ? f->due : NULL;
	bool all = user_has(by, ROLE_MONITOR);
	json_t *items = NULL, *counts = NULL;
	int ret = 0, nscope;
	char *keep[2] = { NULL, NULL };

	*out = NULL;
	if (due && strcmp(due, "soon") && strcmp(due, "late")) {
		ret = err_set(e, E_INVALID, "due", "due must be 'soon' or 'late'");
		goto out;
	}
	if (holiday_calendar(db, &cal)) {
		ret = E_INTERNAL;
		goto out;
	}
	{
		struct calendar_settings s = holiday_settings();

		soon = calendar_instant(calendar_workday_add(cal, calendar_day_of(now), 1),
					s.afternoon_end);
	}
	strbuf_addstr(&q.where, " WHERE 1 = 1");
	if (f->queue) {
		/* The agency's queue: open, unassigned, at the user's own agency. */
		strbuf_addstr(&q.where, " AND d.finished_at IS NULL AND d.assignee_id IS NULL"
			      " AND d.handling_agency_id = ?");
		p_int(&q, by->agency_id);
	} else if (f->mine) {
		strbuf_addstr(&q.where, " AND d.finished_at IS NULL AND d.assignee_id = ?");
		p_int(&q, by->id);
	} else if (!all) {
		strbuf_addstr(&q.where, " AND (d.agency_id IN (SELECT id FROM agency WHERE path >= ?"
			      " AND path < ?) OR d.handling_agency_id IN (SELECT id FROM agency"
			      " WHERE path >= ? AND path < ?) OR d.created_by = ?)");
		p_text(&q, by->agency_path);
		p_text(&q, hi);
		p_text(&q, by->agency_path);
		p_text(&q, hi);
		p_int(&q, by->id);
	}
	if (state && !strcmp(state, "open")) {
		strbuf_addstr(&q.where, " AND d.finished_at IS NULL");
	} else if (state) {
		strbuf_addstr(&q.where, " AND d.state = ?");
		p_text(&q, state);
	}
	if (f->procedure && *f->procedure) {
		strbuf_addstr(&q.where, " AND d.procedure_code = ?");
		p_text(&q, f->procedure);
	}
	if (text) {
		strbuf_addstr(&q.where, " AND d.id IN (SELECT id FROM dossier WHERE code = ?"
			      " UNION SELECT id FROM dossier WHERE applicant_phone = ?"
			      " UNION SELECT id FROM dossier WHERE applicant_id = ?"
			      " UNION SELECT id FROM dossier WHERE applicant_name = ?)");
		for (int i = 0; i < 4; i++)
			p_text(&q, text);
	}
	if (due && !strcmp(due, "late")) {
		strbuf_addstr(&q.where, " AND d.finished_at IS NULL AND d.due_at < ?");
		p_int(&q, now);
	} else if (due) {
		strbuf_addstr(&q.where, " AND d.finished_at IS NULL AND d.due_at >= ?"
			      " AND d.due_at <= ?");
		p_int(&q, now);
		p_int(&q, soon);
	}
	ret = indicator_filters(db, f, &q, keep, e);
	if (ret)
		goto out;
	nscope = q.n;

	strbuf_addf(&sql, "SELECT COUNT(*) FROM (SELECT 1 FROM dossier d%s LIMIT %d) c",
		    q.where.buf, LIST_COUNT_CAP + 1);
	st = db_prepare(db, sql.buf);
	bind_all(st, &q);
	ret = db_one_int(st, &total);
	if (ret)
		goto out;

	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT d.id, d.code, d.state, d.channel, d.procedure_code,"
		    " d.procedure_name, d.applicant_name, d.submitted_at,"
		    " COALESCE(d.due_at, 0), COALESCE(d.promised_at, 0), a.name, h.name,"
		    " COALESCE(d.outcome, '') FROM dossier d"
		    " JOIN agency a ON a.id = d.agency_id"
		    " JOIN agency h ON h.id = d.handling_agency_id%s"
		    " ORDER BY d.id DESC LIMIT ? OFFSET ?", q.where.buf);
	p_int(&q, per);
	p_int(&q, (int64_t)(page - 1) * per);
	st = db_prepare(db, sql.buf);
	bind_all(st, &q);
	items = json_array();
	while ((ret = db_step(st)) == DB_ROW) {
		const char *s = db_col_text(st, 2);
		json_t *it = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s}",
			"id", (json_int_t)db_col_int(st, 0),
			"code", db_col_null(st, 1) ? json_null() : json_string(db_col_text(st, 1)),
			"state", s, "state_label", dossier_state_label(s),
			"channel", db_col_text(st, 3), "procedure", db_col_text(st, 4),
			"procedure_name", db_col_text(st, 5), "applicant", db_col_text(st, 6),
			"submitted_at", time_or_null(db_col_int(st, 7)),
			"due_at", time_or_null(db_col_int(st, 8)),
			"promised_at", time_or_null(db_col_int(st, 9)),
			"agency", db_col_text(st, 10), "handling_agency", db_col_text(st, 11),
			"urgency", urgency(cal, s, db_col_int(st, 8), now));

		json_object_set_new(it, "outcome", *db_col_text(st, 12) ?
				    json_string(db_col_text(st, 12)) : json_null());
		json_array_append_new(items, it);
	}
	db_reset(st);
	if (ret < 0)
		goto out;

	/* Open dossiers per state, in the same scope, from the partial indexes. */
	q.n = 0;
	if (f->queue) {
		strbuf_addstr(&scope, " AND d.assignee_id IS NULL AND d.handling_agency_id = ?");
		p_int(&q, by->agency_id);
	} else if (f->mine) {
		strbuf_addstr(&scope, " AND d.assignee_id = ?");
		p_int(&q, by->id);
	} else if (!all) {
		strbuf_addstr(&scope, " AND (d.agency_id IN (SELECT id FROM agency WHERE path >= ?"
			      " AND path < ?) OR d.handling_agency_id IN (SELECT id FROM agency"
			      " WHERE path >= ? AND path < ?))");
		p_text(&q, by->agency_path);
		p_text(&q, hi);
		p_text(&q, by->agency_path);
		p_text(&q, hi);
	}
	strbuf_reset(&sql);
	strbuf_addf(&sql, "SELECT d.state, COUNT(*) FROM dossier d WHERE d.finished_at IS NULL%s"
		    " GROUP BY d.state", scope.buf);
	st = db_prepare(db, sql.buf);
	bind_all(st, &q);
	counts = json_object();
	while ((ret = db_step(st)) == DB_ROW)
		json_object_set_new(counts, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
	db_reset(st);
	if (ret < 0)
		goto out;
	ret = 0;
	*out = json_pack("{s:O,s:I,s:b,s:i,s:O}", "items", items, "total",
			 (json_int_t)(total > LIST_COUNT_CAP ? LIST_COUNT_CAP : total),
			 "total_capped", total > LIST_COUNT_CAP, "page", page, "counts", counts);
	(void)nscope;
out:
	json_decref(items);
	json_decref(counts);
	strbuf_release(&q.where);
	strbuf_release(&sql);
	strbuf_release(&scope);
	free(hi);
	free(keep[0]);
	free(keep[1]);
	return ret;
}

/*
 * The list's statements in one read transaction: one snapshot, and SQLite
 * takes the WAL's read lock once rather than for each of them.
 */
int dossier_list(struct db *db, const struct user *by, const struct dossier_filter *f,
		 json_t **out, struct err *e)
{
	bool own = !db_in_transaction(db);
	int ret;

	if (own && db_begin_read(db)) {
		*out = NULL;
		return E_INTERNAL;
	}
	ret = list(db, by, f, out, e);
	if (own)
		db_commit(db);
	return ret;
}

int64_t dossier_count(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM dossier");
	int64_t n = 0;

	return db_one_int(st, &n) ? 0 : n;
}

void dossier_mask_name(const char *name, struct strbuf *out)
{
	/* Keep the first letter (a whole UTF-8 character) of each word. */
	const unsigned char *p = (const unsigned char *)name;
	bool word_start = true;

	for (; *p; p++) {
		if (*p == ' ') {
			strbuf_addch(out, ' ');
			word_start = true;
			continue;
		}
		if (word_start) {
			size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;

			strbuf_add(out, p, strnlen((const char *)p, n));
			p += strnlen((const char *)p, n) - 1;
			word_start = false;
		} else if ((*p & 0xC0) != 0x80) {
			strbuf_addch(out, '*');
		}
	}
}

/* Appends "key":"s", and the comma after it. */
static void write_str_field(struct strbuf *out, const char *key, const char *s)
{
	json_write_key(out, key);
	json_write_str(out, s);
	strbuf_addch(out, ',');
}

/* Appends "key":"YYYY-MM-DD HH:MM" or "key":null. */
static void write_time(struct strbuf *out, const char *key, int64_t t)
{
	char buf[CALENDAR_TIME_SIZE];

	json_write_key(out, key);
	if (!t) {
		strbuf_addstr(out, "null");
		return;
	}
	calendar_time_format(t, buf);
	json_write_str(out, buf);
}

int dossier_track_write(struct db *db, const char *code, const char *check,
			struct strbuf *out, struct err *e)
{
	struct strbuf masked = STRBUF_INIT;
	struct db_stmt *st;
	const char *phone;
	size_t plen;
	int ret, n = 0;

	/*
	 * One statement, so one snapshot without a transaction around it: the
	 * dossier on every row, with one row per step done (the agency and
	 * when, never the officer), or a single row with no step.
	 */
	st = db_prepare(db, "SELECT d.code, d.state, d.procedure_name, d.applicant_name,"
			" d.applicant_phone, COALESCE(d.received_at, 0), COALESCE(d.promised_at, 0),"
			" COALESCE(d.finished_at, 0), d.fee_due, d.fee_paid, (SELECT COUNT(*)"
			" FROM dossier_rating r WHERE r.dossier_id = d.id), s.name, a.name,"
			" COALESCE(s.finished_at, 0) FROM dossier d"
			" LEFT JOIN dossier_step s ON s.dossier_id = d.id AND s.finished_at IS NOT NULL"
			" LEFT JOIN agency a ON a.id = s.agency_id WHERE d.code = ? ORDER BY s.seq");
	db_bind_text(st, 1, code && *code != '#' ? code : "");
	ret = db_step(st);
	phone = ret == DB_ROW ? db_col_text(st, 4) : "";
	plen = strlen(phone);
	if (ret != DB_ROW || !check || strlen(check) != 4 || plen < 4 ||
	    strcmp(phone + plen - 4, check)) {
		db_reset(st);
		if (ret < 0)
			return ret;
		return err_set(e, E_NOTFOUND, NULL,
			       "no dossier matches this code and these phone digits");
	}
	dossier_mask_name(db_col_text(st, 3), &masked);
	strbuf_addch(out, '{');
	write_str_field(out, "code", db_col_text(st, 0));
	write_str_field(out, "state", db_col_text(st, 1));
	write_str_field(out, "status", dossier_state_label(db_col_text(st, 1)));
	write_str_field(out, "procedure", db_col_text(st, 2));
	write_str_field(out, "applicant", masked.buf);
	write_time(out, "received_at", db_col_int(st, 5));
	strbuf_addch(out, ',');
	write_time(out, "promised_at", db_col_int(st, 6));
	strbuf_addch(out, ',');
	write_time(out, "finished_at", db_col_int(st, 7));
	strbuf_addf(out, ",\"fee_due\":%lld,\"fee_paid\":%lld,\"rated\":%s",
		    (long long)db_col_int(st, 8), (long long)db_col_int(st, 9),
		    db_col_int(st, 10) ? "true" : "false");
	strbuf_addstr(out, ",\"steps\":[");
	for (; ret == DB_ROW; ret = db_step(st)) {
		if (db_col_null(st, 11))
			continue;
		strbuf_addstr(out, n++ ? ",{" : "{");
		write_str_field(out, "step", db_col_text(st, 11));
		write_str_field(out, "agency", db_col_text(st, 12));
		write_time(out, "done_at", db_col_int(st, 13));
		strbuf_addch(out, '}');
	}
	db_reset(st);
	strbuf_addstr(out, "]}\n");
	strbuf_release(&masked);
	return ret < 0 ? ret : 0;
}

int dossier_track(struct db *db, const char *code, const char *check, json_t **out,
		  struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = dossier_track_write(db, code, check, &sb, e);

	*out = ret ? NULL : json_loadb(sb.buf, sb.len, 0, NULL);
	if (!ret && !*out)
		ret = error("tracking: wrote JSON that does not parse");
	strbuf_release(&sb);
	return ret;
}

/* ---- rebuild ------------------------------------------------------------ */

struct rebuild {
	json_t *counters;	/* "agency|procedure|day|metric" → count */
	const char *key_prefix;
};

static void bump_scratch(void *p, const char *metric)
{
	struct rebuild *r = p;
	char key[256];
	json_t *v;

	snprintf(key, sizeof(key), "%s|%s", r->key_prefix, metric);
	v = json_object_get(r->counters, key);
	json_object_set_new(r->counters, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

int dossier_counters_rebuild(struct db *db, bool fix, json_t **diffs, struct err *e)
{
	struct rebuild r = { json_object(), NULL };
	json_t *stored = json_object(), *v;
	struct db_stmt *st;
	const char *key;
	int ret;

	*diffs = json_array();
	ret = db_begin(db);
	if (ret)
		goto out;
	/* The history, replayed through the same mapping as the live updates. */
	st = db_prepare(db, "SELECT e.agency_id, d.procedure_code, e.at, e.action, e.data_json"
			" FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id ORDER BY e.id");
	while ((ret = db_step(st)) == DB_ROW) {
		char prefix[160], day[11];
		json_t *data = json_loads(db_col_text(st, 4), 0, NULL);

		dossier_day(db_col_int(st, 2), day);
		snprintf(prefix, sizeof(prefix), "%lld|%s|%s", (long long)db_col_int(st, 0),
			 db_col_text(st, 1), day);
		r.key_prefix = prefix;
		dossier_event_metrics(db_col_text(st, 3), data, bump_scratch, &r);
		json_decref(data);
	}
	db_reset(st);
	if (ret < 0)
		goto rollback;
	st = db_prepare(db, "SELECT agency_id, procedure_code, day, metric, value FROM kpi_counter");
	while ((ret = db_step(st)) == DB_ROW) {
		char k[256];

		snprintf(k, sizeof(k), "%lld|%s|%s|%s", (long long)db_col_int(st, 0),
			 db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3));
		json_object_set_new(stored, k, json_integer(db_col_int(st, 4)));
	}
	db_reset(st);
	if (ret < 0)
		goto rollback;
	json_object_foreach(r.counters, key, v) {
		json_t *s = json_object_get(stored, key);

		if (!s || json_integer_value(s) != json_integer_value(v))
			json_array_append_new(*diffs, json_pack("{s:s,s:I,s:I}", "counter", key,
				"stored", (json_int_t)(s ? json_integer_value(s) : 0),
				"history", (json_int_t)json_integer_value(v)));
	}
	json_object_foreach(stored, key, v)
		if (!json_object_get(r.counters, key) && json_integer_value(v))
			json_array_append_new(*diffs, json_pack("{s:s,s:I,s:I}", "counter", key,
				"stored", (json_int_t)json_integer_value(v), "history", (json_int_t)0));
	ret = 0;
	if (fix && json_array_size(*diffs)) {
		st = db_prepare(db, "DELETE FROM kpi_counter");
		ret = db_run(st);
		json_object_foreach(r.counters, key, v) {
			char agency[24], proc[64], day[16], metric[48];

			if (ret)
				break;
			if (sscanf(key, "%23[^|]|%63[^|]|%15[^|]|%47s", agency, proc, day, metric) != 4)
				continue;
			st = db_prepare(db, "INSERT INTO kpi_counter (agency_id, procedure_code, day,"
					" metric, value) VALUES (?, ?, ?, ?, ?)");
			db_bind_int(st, 1, strtoll(agency, NULL, 10));
			db_bind_text(st, 2, proc);
			db_bind_text(st, 3, day);
			db_bind_text(st, 4, metric);
			db_bind_int(st, 5, json_integer_value(v));
			ret = db_run(st);
		}
	}
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret) {
		db_rollback(db);
		err_set(e, ret, NULL, "cannot rebuild the counters");
	}
out:
	json_decref(r.counters);
	json_decref(stored);
	return ret;
}
