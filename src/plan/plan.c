/*
 * Plans as stored: finding them, their tasks with derived state, progress
 * reports, corrections, targets and their values, the import's warnings
 * and the periodic reports agencies send.
 *
 * The state of a task is never stored: it is derived, as of a day, from
 * the task's deadline and its reports (plan_state_of), every time, so it
 * cannot go stale and any past day can be asked about.  A plan has tens
 * or hundreds of tasks, so a plan's tasks are loaded whole (three
 * queries) and filtered in memory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"
#include "plan/tasks.h"

#define TEXT_MAX 4000		/* bytes of a note, evidence or summary */

bool plan_viewer_all(const struct user *u)
{
	return u && (u->roles & ROLE_MONITOR);
}

/* Whether the viewer (NULL: the system) may see an agency's records. */
static bool sees(const struct user *viewer, const char *path)
{
	return !viewer || plan_viewer_all(viewer) || user_sees_agency(viewer, path);
}

static char *col_dup(struct db_stmt *st, int col)
{
	return xstrdup(db_col_text(st, col));
}

static int col_day(struct db_stmt *st, int col)
{
	int day = 0;

	if (!db_col_null(st, col) && *db_col_text(st, col))
		calendar_day_parse(db_col_text(st, col), &day, NULL);
	return day;
}

/* ---- plans ---------------------------------------------------------------------- */

void plan_info_release(struct plan_info *p)
{
	free(p->key);
	free(p->title);
	memset(p, 0, sizeof(*p));
}

int plan_find(struct db *db, const char *key, struct plan_info *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, key, year, title, remind_days,"
					" agency_plan_due FROM plan WHERE key = ?");
	int ret;

	plan_info_release(out);
	db_bind_text(st, 1, key ? key : "");
	ret = db_step(st);
	if (ret == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->key = col_dup(st, 1);
		out->year = (int)db_col_int(st, 2);
		out->title = col_dup(st, 3);
		out->remind_days = (int)db_col_int(st, 4);
		out->agency_plan_due = col_day(st, 5);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = err_set(e, E_NOTFOUND, "plan", "there is no plan '%s'", key ? key : "");
	}
	db_reset(st);
	return ret;
}

int plan_list(struct db *db, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT p.key, p.year, p.title, p.decision_text, p.signed_by,"
		" (SELECT COUNT(*) FROM plan_task t WHERE t.plan_id = p.id),"
		" (SELECT COUNT(*) FROM plan_target g WHERE g.plan_id = p.id),"
		" (SELECT COUNT(*) FROM plan_warning w WHERE w.plan_id = p.id"
		"  AND w.resolved_at IS NULL AND w.severity = 'review')"
		" FROM plan p ORDER BY p.year DESC, p.key");
	int ret;

	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:I}",
			"key", db_col_text(st, 0), "year", (json_int_t)db_col_int(st, 1),
			"title", db_col_text(st, 2), "decision", db_col_text(st, 3),
			"signed_by", db_col_text(st, 4), "tasks", (json_int_t)db_col_int(st, 5),
			"targets", (json_int_t)db_col_int(st, 6),
			"warnings_to_review", (json_int_t)db_col_int(st, 7)));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int plan_get_json(struct db *db, const struct plan_info *p, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT p.title, p.issuer_text, COALESCE(a.key, ''), COALESCE(a.name, ''),"
		" p.decision_text, p.decision_number, p.decision_date, p.signed_by,"
		" p.agency_plan_due, p.remind_days, p.source_hash, p.created_at, p.updated_at"
		" FROM plan p LEFT JOIN agency a ON a.id = p.issuer_id WHERE p.id = ?");
	json_t *j = NULL, *areas, *periods;
	int ret;

	*out = NULL;
	db_bind_int(st, 1, p->id);
	ret = db_step(st);
	if (ret != DB_ROW) {
		db_reset(st);
		return ret == DB_DONE ? E_NOTFOUND : ret;
	}
	j = json_pack("{s:s,s:i,s:s,s:{s:s,s:o},s:{s:s,s:o,s:o},s:s,s:o,s:I,s:s,s:I,s:I}",
		      "key", p->key, "year", p->year, "title", db_col_text(st, 0),
		      "issuer", "text", db_col_text(st, 1),
		      "agency", *db_col_text(st, 2) ? json_pack("{s:s,s:s}", "key",
				db_col_text(st, 2), "name", db_col_text(st, 3)) : json_null(),
		      "decision", "text", db_col_text(st, 4),
		      "number", db_col_null(st, 5) ? json_null() : json_string(db_col_text(st, 5)),
		      "date", db_col_null(st, 6) ? json_null() : json_string(db_col_text(st, 6)),
		      "signed_by", db_col_text(st, 7),
		      "agency_plan_due", db_col_null(st, 8) ? json_null() :
		      json_string(db_col_text(st, 8)),
		      "remind_days", (json_int_t)db_col_int(st, 9),
		      "source_hash", db_col_text(st, 10),
		      "created_at", (json_int_t)db_col_int(st, 11),
		      "updated_at", (json_int_t)db_col_int(st, 12));
	db_reset(st);
	areas = json_array();
	st = db_prepare(db, "SELECT code, name, title, focus FROM plan_area WHERE plan_id = ?"
			" ORDER BY seq");
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(areas, json_pack("{s:s,s:s,s:s,s:s}", "code",
						       db_col_text(st, 0), "name", db_col_text(st, 1),
						       "title", db_col_text(st, 2),
						       "focus", db_col_text(st, 3)));
	db_reset(st);
	json_object_set_new(j, "areas", areas);
	periods = json_array();
	st = db_prepare(db, "SELECT code, starts_on, ends_on, due_on FROM plan_period"
			" WHERE plan_id = ? ORDER BY due_on, code");
	db_bind_int(st, 1, p->id);
	while (ret >= 0 && (ret = db_step(st)) == DB_ROW) {
		struct strbuf label = STRBUF_INIT;

		plan_period_label(db_col_text(st, 0), p->year, &label);
		json_array_append_new(periods, json_pack("{s:s,s:s,s:s,s:s,s:s}",
			"code", db_col_text(st, 0), "label", label.buf, "starts", db_col_text(st, 1),
			"ends", db_col_text(st, 2), "due", db_col_text(st, 3)));
		strbuf_release(&label);
	}
	db_reset(st);
	json_object_set_new(j, "periods", periods);
	if (ret < 0) {
		json_decref(j);
		return ret;
	}
	*out = j;
	return 0;
}

int plan_set_remind_days(struct db *db, const struct user *by,
			 const struct audit_actor *who, const struct plan_info *p,
			 int days, struct err *e)
{
	struct db_stmt *st;
	json_t *before, *after;
	int ret;

	if (!plan_viewer_all(by))
		return err_set(e, E_DENIED, NULL, "only monitors change a plan's settings");
	if (days < 0 || days > 366)
		return err_set(e, E_INVALID, "remind_days",
			       "the reminder window must be 0 to 366 days");
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE plan SET remind_days = ?, updated_at = ? WHERE id = ?");
	db_bind_int(st, 1, days);
	db_bind_int(st, 2, clock_now());
	db_bind_int(st, 3, p->id);
	ret = db_run(st);
	before = json_pack("{s:i}", "remind_days", p->remind_days);
	after = json_pack("{s:i}", "remind_days", days);
	if (!ret)
		ret = audit_log(db, who, "plan.settings", "plan", p->key, before, after);
	json_decref(before);
	json_decref(after);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

/* ---- loading the tasks of a plan ------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The index of task id, or -1. */
static int task_index(const struct taskset *ts, int64_t id)
{
	int64_t key[2] = { id, 0 };
	const int64_t *hit = bsearch(key, ts->index, (size_t)ts->n, 2 * sizeof(int64_t), by_id);

	return hit ? (int)hit[1] : -1;
}

static void deadline_from_row(struct plan_deadline *dl, const char *kind, const char *dates,
			      const char *starts, bool ongoing)
{
	memset(dl, 0, sizeof(*dl));
	dl->kind = plan_deadline_kind_parse(kind);
	for (const char *p = dates; *p && dl->ndates < PLAN_DL_MAX; ) {
		char day[CALENDAR_DAY_SIZE];
		size_t n = strcspn(p, ",");

		if (n < sizeof(day)) {
			memcpy(day, p, n);
			day[n] = '\0';
			if (!calendar_day_parse(day, &dl->dates[dl->ndates], NULL))
				dl->ndates++;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (*starts)
		calendar_day_parse(starts, &dl->starts, NULL);
	dl->ongoing = ongoing;
}

void taskset_release(struct taskset *ts)
{
	for (int i = 0; i < ts->n; i++) {
		struct task *t = &ts->t[i];

		free(t->ref);
		free(t->number);
		free(t->content);
		free(t->product);
		free(t->deadline_text);
		free(t->lead_text);
		free(t->coordinating_text);
		free(t->area_code);
		free(t->area_name);
		for (int k = 0; k < t->nag; k++) {
			free(t->ag[k].key);
			free(t->ag[k].name);
			free(t->ag[k].path);
			free(t->ag[k].via);
		}
		for (int k = 0; k < t->nrep; k++) {
			free(t->rep[k].status);
			free(t->rep[k].note);
			free(t->rep[k].evidence);
			free(t->rep[k].agency_key);
			free(t->rep[k].agency_name);
			free(t->rep[k].username);
		}
		free(t->ag);
		free(t->rep);
	}
	free(ts->t);
	free(ts->index);
	memset(ts, 0, sizeof(*ts));
}

static int load_rows(struct db *db, const struct plan_info *p, struct taskset *ts)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT t.id, COALESCE(t.parent_id, 0), t.ref, t.number, t.content, t.product,"
		" t.deadline_text, t.deadline_kind, t.deadline_dates, COALESCE(t.starts_on, ''),"
		" t.ongoing, t.lead_text, t.coordinating_text, a.code, a.name"
		" FROM plan_task t JOIN plan_area a ON a.id = t.area_id"
		" WHERE t.plan_id = ? ORDER BY t.seq, t.id");
	int ret, alloc = 0;

	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		struct task *t;

		if (ts->n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			ts->t = xrealloc(ts->t, (size_t)alloc * sizeof(*ts->t));
		}
		t = &ts->t[ts->n++];
		memset(t, 0, sizeof(*t));
		t->id = db_col_int(st, 0);
		t->parent = db_col_int(st, 1);
		t->ref = col_dup(st, 2);
		t->number = col_dup(st, 3);
		t->content = col_dup(st, 4);
		t->product = col_dup(st, 5);
		t->deadline_text = col_dup(st, 6);
		deadline_from_row(&t->dl, db_col_text(st, 7), db_col_text(st, 8),
				  db_col_text(st, 9), db_col_int(st, 10));
		t->lead_text = col_dup(st, 11);
		t->coordinating_text = col_dup(st, 12);
		t->area_code = col_dup(st, 13);
		t->area_name = col_dup(st, 14);
		t->parent_idx = -1;
	}
	db_reset(st);
	return ret < 0 ? ret : 0;
}

static int load_agencies(struct db *db, const struct plan_info *p, struct taskset *ts)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT ta.task_id, ta.role, ta.via, g.id, g.key, g.name, g.path"
		" FROM plan_task_agency ta JOIN plan_task t ON t.id = ta.task_id"
		" JOIN agency g ON g.id = ta.agency_id WHERE t.plan_id = ?"
		" ORDER BY ta.task_id, ta.role DESC, g.path");
	int ret;

	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		int i = task_index(ts, db_col_int(st, 0));
		struct task *t;
		struct task_agency *a;

		if (i < 0)
			continue;
		t = &ts->t[i];
		t->ag = xrealloc(t->ag, (size_t)(t->nag + 1) * sizeof(*t->ag));
		a = &t->ag[t->nag++];
		a->lead = !strcmp(db_col_text(st, 1), "lead");
		a->via = col_dup(st, 2);
		a->id = db_col_int(st, 3);
		a->key = col_dup(st, 4);
		a->name = col_dup(st, 5);
		a->path = col_dup(st, 6);
	}
	db_reset(st);
	return ret < 0 ? ret : 0;
}

static int load_reports(struct db *db, const struct plan_info *p, struct taskset *ts)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT r.task_id, r.id, r.day, r.percent, r.status, r.note, r.evidence,"
		" g.key, g.name, COALESCE(u.username, ''), r.recorded_at"
		" FROM plan_progress r JOIN plan_task t ON t.id = r.task_id"
		" JOIN agency g ON g.id = r.agency_id LEFT JOIN app_user u ON u.id = r.user_id"
		" WHERE t.plan_id = ? ORDER BY r.task_id, r.day, r.id");
	int ret;

	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		int i = task_index(ts, db_col_int(st, 0));
		struct task *t;
		struct task_report *r;

		if (i < 0)
			continue;
		t = &ts->t[i];
		t->rep = xrealloc(t->rep, (size_t)(t->nrep + 1) * sizeof(*t->rep));
		r = &t->rep[t->nrep++];
		r->id = db_col_int(st, 1);
		r->day = col_day(st, 2);
		r->percent = (int)db_col_int(st, 3);
		r->status = col_dup(st, 4);
		r->done = !strcmp(r->status, "done");
		r->note = col_dup(st, 5);
		r->evidence = col_dup(st, 6);
		r->agency_key = col_dup(st, 7);
		r->agency_name = col_dup(st, 8);
		r->username = col_dup(st, 9);
		r->recorded_at = db_col_int(st, 10);
	}
	db_reset(st);
	return ret < 0 ? ret : 0;
}

/* A group's state from its sub-items' states. */
static enum plan_state group_state(const struct taskset *ts, int g, int *due)
{
	int n = 0, done = 0, late = 0, overdue = 0, soon = 0, going = 0;

	*due = 0;
	for (int i = 0; i < ts->n; i++) {
		const struct task *c = &ts->t[i];

		if (c->parent_idx != g)
			continue;
		n++;
		done += c->state == PLAN_DONE_ON_TIME || c->state == PLAN_DONE_LATE;
		late += c->state == PLAN_DONE_LATE;
		overdue += c->state == PLAN_OVERDUE;
		soon += c->state == PLAN_DUE_SOON;
		going += c->state == PLAN_ON_TRACK;
		if (c->due && (!*due || c->due < *due) && c->state != PLAN_DONE_ON_TIME &&
		    c->state != PLAN_DONE_LATE)
			*due = c->due;
	}
	if (n && done == n)
		return late ? PLAN_DONE_LATE : PLAN_DONE_ON_TIME;
	if (overdue)
		return PLAN_OVERDUE;
	if (soon)
		return PLAN_DUE_SOON;
	return going || done ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
}

int taskset_load(struct db *db, const struct user *viewer, const struct plan_info *p,
		 int as_of, struct taskset *ts)
{
	bool all = !viewer || plan_viewer_all(viewer);
	int ret;

	memset(ts, 0, sizeof(*ts));
	ts->as_of = as_of ? as_of : plan_today();
	ret = load_rows(db, p, ts);
	if (ret)
		goto out;
	ts->index = xcalloc((size_t)ts->n + 1, 2 * sizeof(int64_t));
	for (int i = 0; i < ts->n; i++) {
		ts->index[2 * i] = ts->t[i].id;
		ts->index[2 * i + 1] = i;
	}
	qsort(ts->index, (size_t)ts->n, 2 * sizeof(int64_t), by_id);
	ret = load_agencies(db, p, ts);
	if (!ret)
		ret = load_reports(db, p, ts);
	if (ret)
		goto out;
	for (int i = 0; i < ts->n; i++) {
		struct task *t = &ts->t[i];

		if (t->parent) {
			t->parent_idx = task_index(ts, t->parent);
			if (t->parent_idx >= 0)
				ts->t[t->parent_idx].group = true;
		}
		for (int k = 0; k < t->nag; k++) {
			if (all || user_sees_agency(viewer, t->ag[k].path))
				t->visible = true;
			if (viewer && t->ag[k].id == viewer->agency_id)
				t->mine = true;
		}
		if (all)
			t->visible = true;
	}
	for (int i = 0; i < ts->n; i++) {
		struct task *t = &ts->t[i];
		struct plan_point *pts;

		if (t->group)
			continue;
		pts = xcalloc((size_t)t->nrep + 1, sizeof(*pts));
		for (int k = 0; k < t->nrep; k++) {
			pts[k].day = t->rep[k].day;
			pts[k].percent = t->rep[k].percent;
			pts[k].done = t->rep[k].done;
		}
		t->state = plan_state_of(&t->dl, pts, t->nrep, ts->as_of, p->remind_days, p->year,
					 &t->due);
		free(pts);
		/* What the viewer may see of a sub-item, they may see of its group. */
		if (t->visible && t->parent_idx >= 0)
			ts->t[t->parent_idx].visible = true;
		if (t->mine && t->parent_idx >= 0)
			ts->t[t->parent_idx].mine = true;
	}
	for (int i = 0; i < ts->n; i++)
		if (ts->t[i].group)
			ts->t[i].state = group_state(ts, i, &ts->t[i].due);
out:
	if (ret)
		taskset_release(ts);
	return ret;
}

/* The task of that reference, or NULL. */
struct task *taskset_find(struct taskset *ts, const char *ref)
{
	for (int i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].ref, ref ? ref : ""))
			return &ts->t[i];
	return NULL;
}

/* The latest report of a task as of the day, or NULL. */
const struct task_report *task_last_report(const struct task *t, int as_of)
{
	const struct task_report *last = NULL;

	for (int k = 0; k < t->nrep; k++)
		if (t->rep[k].day <= as_of)
			last = &t->rep[k];
	return last;
}

bool task_has_agency(const struct task *t, int64_t agency, const char *role)
{
	for (int k = 0; k < t->nag; k++)
		if (t->ag[k].id == agency && (!role || t->ag[k].lead == !strcmp(role, "lead")))
			return true;
	return false;
}

/* ---- tasks as JSON ---------------------------------------------------------------- */

static json_t *agencies_json(const struct task *t, bool lead)
{
	json_t *a = json_array();

	for (int k = 0; k < t->nag; k++)
		if (t->ag[k].lead == lead)
			json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "key", t->ag[k].key,
							   "name", t->ag[k].name, "via", t->ag[k].via));
	return a;
}

static int count_agencies(const struct task *t, bool lead)
{
	int n = 0;

	for (int k = 0; k < t->nag; k++)
		n += t->ag[k].lead == lead;
	return n;
}

static json_t *report_json(const struct task_report *r)
{
	return json_pack("{s:I,s:o,s:s,s:i,s:s,s:s,s:{s:s,s:s},s:s,s:I}",
			 "id", (json_int_t)r->id, "day", plan_day_json(r->day),
			 "status", r->status, "percent", r->percent, "note", r->note,
			 "evidence", r->evidence, "agency", "key", r->agency_key,
			 "name", r->agency_name, "by", r->username,
			 "recorded_at", (json_int_t)r->recorded_at);
}

json_t *task_json(const struct taskset *ts, const struct task *t, bool detail)
{
	const struct task_report *last = task_last_report(t, ts->as_of);
	json_t *dl = plan_deadline_json(&t->dl);
	json_t *j;

	json_object_set_new(dl, "text", json_string(t->deadline_text));
	j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:b,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:i,s:i}",
		      "ref", t->ref, "number", t->number, "area", t->area_code,
		      "area_name", t->area_name,
		      "parent", t->parent_idx >= 0 ? json_string(ts->t[t->parent_idx].ref) :
		      json_null(),
		      "group", t->group, "content", t->content, "product", t->product,
		      "deadline", dl, "state", plan_state_name(t->state),
		      "state_label", plan_state_label(t->state), "due", plan_day_json(t->due),
		      "lead_text", t->lead_text, "coordinating_text", t->coordinating_text,
		      "reports", t->nrep, "coordinating_count", count_agencies(t, false));
	json_object_set_new(j, "mine", json_boolean(t->mine));
	json_object_set_new(j, "lead", agencies_json(t, true));
	json_object_set_new(j, "last_report", last ? report_json(last) : json_null());
	if (detail) {
		json_t *reps = json_array();

		json_object_set_new(j, "coordinating", agencies_json(t, false));
		for (int k = t->nrep - 1; k >= 0; k--)
			json_array_append_new(reps, report_json(&t->rep[k]));
		json_object_set_new(j, "history", reps);
	}
	return j;
}

static bool due_within(const struct task *t, int from, int to)
{
	for (int k = 0; k < t->dl.ndates; k++)
		if ((!from || t->dl.dates[k] >= from) && (!to || t->dl.dates[k] <= to))
			return true;
	return false;
}

int plan_tasks(struct db *db, const struct user *viewer, const struct plan_info *p,
	       const struct plan_filter *f, json_t **out, struct err *e)
{
	static const struct plan_filter none;
	struct taskset ts;
	struct agency a = AGENCY_INIT;
	json_t *items, *counts;
	int state = -1, total = 0, n[PLAN_NSTATES] = { 0 };
	int ret;

	*out = NULL;
	if (!f)
		f = &none;
	if (f->state && *f->state && (state = plan_state_parse(f->state)) < 0)
		return err_set(e, E_INVALID, "state",
			       "the state must be not_started, on_track, due_soon, overdue, done_on_time or done_late, not '%s'",
			       f->state);
	if (f->role && *f->role && strcmp(f->role, "lead") && strcmp(f->role, "coordinating"))
		return err_set(e, E_INVALID, "role", "the role must be lead or coordinating");
	if (f->agency && *f->agency) {
		ret = agency_find(db, f->agency, &a, e);
		if (ret)
			return ret;
	}
	ret = taskset_load(db, viewer, p, f->as_of, &ts);
	if (ret)
		goto out;
	items = json_array();
	for (int i = 0; i < ts.n; i++) {
		const struct task *t = &ts.t[i];

		if (!t->visible || (f->mine && !t->mine))
			continue;
		if (f->area && *f->area && strcmp(f->area, t->area_code))
			continue;
		if (a.id && !task_has_agency(t, a.id, f->role && *f->role ? f->role : NULL)) {
			/* A group is listed with the sub-items that match. */
			bool child = false;

			for (int k = 0; t->group && k < ts.n && !child; k++)
				child = ts.t[k].parent_idx == i &&
					task_has_agency(&ts.t[k], a.id, f->role && *f->role ?
							f->role : NULL);
			if (!child)
				continue;
		}
		if (state >= 0 && (int)t->state != state)
			continue;
		if ((f->due_from || f->due_to) && !due_within(t, f->due_from, f->due_to))
			continue;
		json_array_append_new(items, task_json(&ts, t, false));
		if (!t->group) {
			n[t->state]++;
			total++;
		}
	}
	counts = json_object();
	for (int s = 0; s < PLAN_NSTATES; s++)
		json_object_set_new(counts, plan_state_name((enum plan_state)s), json_integer(n[s]));
	json_object_set_new(counts, "total", json_integer(total));
	*out = json_pack("{s:s,s:o,s:o,s:o}", "plan", p->key, "as_of", plan_day_json(ts.as_of),
			 "items", items, "counts", counts);
	taskset_release(&ts);
out:
	agency_release(&a);
	return ret;
}

int plan_task_get(struct db *db, const struct user *viewer, const struct plan_info *p,
		  const char *ref, int as_of, json_t **out, struct err *e)
{
	struct taskset ts;
	struct task *t;
	int ret = taskset_load(db, viewer, p, as_of, &ts);

	*out = NULL;
	if (ret)
		return ret;
	t = taskset_find(&ts, ref);
	if (!t || !t->visible) {
		ret = err_set(e, E_NOTFOUND, "task", "plan %s has no task '%s' that you may see",
			      p->key, ref ? ref : "");
	} else {
		json_t *children = json_array();

		*out = task_json(&ts, t, true);
		for (int i = 0; i < ts.n; i++)
			if (ts.t[i].parent_idx == (int)(t - ts.t) && ts.t[i].visible)
				json_array_append_new(children, task_json(&ts, &ts.t[i], false));
		json_object_set_new(*out, "children", children);
		json_object_set_new(*out, "as_of", plan_day_json(ts.as_of));
		json_object_set_new(*out, "can_report", json_boolean(
			viewer && (viewer->roles & ROLE_REPORTER) && !t->group &&
			task_has_agency(t, viewer->agency_id, NULL)));
	}
	taskset_release(&ts);
	return ret;
}

/* ---- progress -------------------------------------------------------------------- */

/* Checks a text field; label is the msgid of what it holds, for the message. */
static int check_text(const char *s, const char *field, const char *label, bool required,
		      struct err *e)
{
	if (required && (!s || !*s))
		return err_set(e, E_INVALID, field, "please fill in: %s", _(label));
	if (s && strlen(s) > TEXT_MAX)
		return err_set(e, E_INVALID, field, "%s: longer than %d bytes", _(label), TEXT_MAX);
	return 0;
}

/* The day of a report: given or today; never after today, nor before the plan's year. */
static int report_day(const struct plan_info *p, const char *s, int *day, struct err *e)
{
	int today = plan_today();
	int ret = plan_day_arg(s, today, day, "day", e);

	if (ret)
		return ret;
	if (*day > today)
		return err_set(e, E_INVALID, "day", "the date cannot be in the future");
	if (*day < calendar_day_from_ymd(p->year, 1, 1))
		return err_set(e, E_INVALID, "day", "the date cannot be before the plan's year, %d",
			       p->year);
	return 0;
}

int plan_progress_add(struct db *db, const struct user *by, const struct audit_actor *who,
		      const struct plan_info *p, const char *ref,
		      const struct plan_progress_new *n, int64_t *id, struct err *e)
{
	struct taskset ts;
	struct task *t;
	struct db_stmt *st;
	const char *status = n->status ? n->status : "";
	int percent = n->percent, day = 0, ret;
	char object[96], days[CALENDAR_DAY_SIZE];
	json_t *after;

	ret = taskset_load(db, NULL, p, 0, &ts);
	if (ret)
		return ret;
	t = taskset_find(&ts, ref);
	if (!t) {
		ret = err_set(e, E_NOTFOUND, "task", "plan %s has no task '%s'", p->key,
			      ref ? ref : "");
		goto out;
	}
	if (!by || !task_has_agency(t, by->agency_id, NULL)) {
		ret = err_set(e, E_DENIED, NULL,
			      "your agency is neither the lead nor a coordinating agency of task %s",
			      t->ref);
		goto out;
	}
	if (t->group) {
		ret = err_set(e, E_CONFLICT, NULL,
			      "task %s is a group of sub-items: report on each sub-item", t->ref);
		goto out;
	}
	if (strcmp(status, "not_started") && strcmp(status, "in_progress") &&
	    strcmp(status, "done")) {
		ret = err_set(e, E_INVALID, "status",
			      "the status must be not_started, in_progress or done");
		goto out;
	}
	if (!strcmp(status, "done"))
		percent = 100;
	else if (percent < 0 || percent > 99) {
		ret = err_set(e, E_INVALID, "percent",
			      "the share done must be 0 to 99 %% until the task is done");
		goto out;
	}
	ret = check_text(n->note, "note", N_("what was done"), true, e);
	if (!ret)
		ret = check_text(n->evidence, "evidence", N_("evidence"), false, e);
	if (!ret)
		ret = report_day(p, n->day, &day, e);
	if (ret)
		goto out;
	calendar_day_format(day, days);
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO plan_progress (task_id, agency_id, user_id, status,"
			" percent, note, evidence, day, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" RETURNING id");
	db_bind_int(st, 1, t->id);
	db_bind_int(st, 2, by->agency_id);
	db_bind_int(st, 3, by->id);
	db_bind_text(st, 4, status);
	db_bind_int(st, 5, percent);
	db_bind_text(st, 6, n->note);
	db_bind_text(st, 7, n->evidence ? n->evidence : "");
	db_bind_text(st, 8, days);
	db_bind_int(st, 9, clock_now());
	ret = db_one_int(st, id);
	snprintf(object, sizeof(object), "%s/%s", p->key, t->ref);
	after = json_pack("{s:s,s:i,s:s,s:s}", "status", status, "percent", percent, "day", days,
			  "agency", by->agency_key ? by->agency_key : "");
	if (!ret)
		ret = audit_log(db, who, "plan.progress", "plan_task", object, NULL, after);
	json_decref(after);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	taskset_release(&ts);
	return ret;
}

/* A list of agency keys from JSON, as a plan_agency_list. */
static int keys_list(json_t *keys, const struct plan_registry *r, const char *field,
		     struct plan_agency_list *l, struct err *e)
{
	json_t *k;
	size_t i;

	memset(l, 0, sizeof(*l));
	if (!json_is_array(keys))
		return err_set(e, E_INVALID, field, "\"%s\" must be a list of agency keys", field);
	json_array_foreach(keys, i, k) {
		int a = plan_registry_find(r, json_string_value(k));

		if (a < 0) {
			plan_agency_list_release(l);
			return err_set(e, E_INVALID, field, "there is no agency '%s'",
				       json_string_value(k) ? json_string_value(k) : "");
		}
		l->items = xrealloc(l->items, (size_t)(l->n + 1) * sizeof(*l->items));
		l->items[l->n].agency = a;
		l->items[l->n].via = NULL;
		l->n++;
	}
	return 0;
}

int plan_task_correct(struct db *db, const struct user *by, const struct audit_actor *who,
		      const struct plan_info *p, const char *ref, json_t *j,
		      struct err *e)
{
	struct taskset ts;
	struct task *t;
	struct plan_registry *r = NULL;
	struct plan_deadline dl;
	struct plan_agency_list lead = PLAN_AGENCY_LIST_INIT, coord = PLAN_AGENCY_LIST_INIT;
	json_t *jd = json_object_get(j, "deadline"), *jl = json_object_get(j, "lead");
	json_t *jc = json_object_get(j, "coordinating"), *before = NULL;
	char object[96];
	int ret;

	if (!plan_viewer_all(by))
		return err_set(e, E_DENIED, NULL, "only monitors correct a plan's tasks");
	if (!jd && !jl && !jc)
		return err_set(e, E_INVALID, NULL,
			       "give a \"deadline\", a \"lead\" or a \"coordinating\" list to correct");
	ret = taskset_load(db, NULL, p, 0, &ts);
	if (ret)
		return ret;
	t = taskset_find(&ts, ref);
	if (!t) {
		ret = err_set(e, E_NOTFOUND, "task", "plan %s has no task '%s'", p->key,
			      ref ? ref : "");
		goto out;
	}
	ret = plan_registry_load(db, &r);
	if (!ret && jd)
		ret = plan_deadline_from_json(jd, &dl, e);
	if (!ret && jl)
		ret = keys_list(jl, r, "lead", &lead, e);
	if (!ret && jc)
		ret = keys_list(jc, r, "coordinating", &coord, e);
	if (ret)
		goto out;
	before = task_json(&ts, t, true);
	json_object_del(before, "history");
	ret = db_begin(db);
	if (ret)
		goto out;
	if (jd)
		ret = plan_task_deadline_set(db, t->id, t->deadline_text, &dl);
	if (!ret && jl)
		ret = plan_task_agencies_set(db, t->id, "lead", &lead, r);
	if (!ret && jc)
		ret = plan_task_agencies_set(db, t->id, "coordinating", &coord, r);
	snprintf(object, sizeof(object), "%s/%s", p->key, t->ref);
	if (!ret)
		ret = audit_log(db, who, "plan.task_correct", "plan_task", object, before, j);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	json_decref(before);
	plan_agency_list_release(&lead);
	plan_agency_list_release(&coord);
	plan_registry_free(r);
	taskset_release(&ts);
	return ret;
}

/* ---- targets ---------------------------------------------------------------------- */

const char *plan_verdict(const char *cmp, bool has_threshold, double threshold, bool has_value,
			 double value)
{
	bool met;

	if (!has_value || !has_threshold)
		return "no_data";
	if (!strcmp(cmp, ">"))
		met = value > threshold;
	else if (!strcmp(cmp, "<"))
		met = value < threshold;
	else if (!strcmp(cmp, "<="))
		met = value <= threshold;
	else if (!strcmp(cmp, "="))
		met = fabs(value - threshold) < 1e-9;
	else
		met = value >= threshold;
	return met ? "met" : "not_met";
}

int plan_targets(struct db *db, const struct plan_info *p, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT id, seq, text, measure, comparison, threshold, unit, indicator"
		" FROM plan_target WHERE plan_id = ? ORDER BY seq");
	json_t *list = json_array(), *byid = json_object();
	int ret;

	*out = NULL;
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		char id[24];
		json_t *t = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:o}",
			"seq", (json_int_t)db_col_int(st, 1), "text", db_col_text(st, 2),
			"measure", db_col_text(st, 3), "comparison", db_col_text(st, 4),
			"threshold", db_col_null(st, 5) ? json_null() : json_real(db_col_double(st, 5)),
			"unit", db_col_text(st, 6),
			"indicator", db_col_null(st, 7) ? json_null() : json_string(db_col_text(st, 7)),
			"source", db_col_null(st, 7) ? "entered" : "indicator",
			"levels", json_array(), "values", json_array());

		snprintf(id, sizeof(id), "%lld", (long long)db_col_int(st, 0));
		json_object_set(byid, id, t);
		json_array_append_new(list, t);
	}
	db_reset(st);
	if (ret >= 0) {
		st = db_prepare(db, "SELECT l.target_id, l.level, l.threshold FROM plan_target_level l"
				" JOIN plan_target t ON t.id = l.target_id"
				" JOIN agency_level a ON a.code = l.level"
				" WHERE t.plan_id = ? ORDER BY l.target_id, a.rank");
		db_bind_int(st, 1, p->id);
		while ((ret = db_step(st)) == DB_ROW) {
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)db_col_int(st, 0));
			json_array_append_new(json_object_get(json_object_get(byid, id), "levels"),
					      json_pack("{s:s,s:f}", "level", db_col_text(st, 1),
							"threshold", db_col_double(st, 2)));
		}
		db_reset(st);
	}
	if (ret >= 0) {
		st = db_prepare(db, "SELECT v.target_id, v.id, v.period, v.level, v.value, v.evidence,"
				" COALESCE(u.username, ''), v.recorded_at FROM plan_target_value v"
				" JOIN plan_target t ON t.id = v.target_id"
				" LEFT JOIN app_user u ON u.id = v.user_id"
				" WHERE t.plan_id = ? ORDER BY v.id DESC");
		db_bind_int(st, 1, p->id);
		while ((ret = db_step(st)) == DB_ROW) {
			char id[24];
			json_t *t, *v;

			snprintf(id, sizeof(id), "%lld", (long long)db_col_int(st, 0));
			t = json_object_get(byid, id);
			v = json_pack("{s:I,s:s,s:s,s:f,s:s,s:s,s:I}", "id",
				      (json_int_t)db_col_int(st, 1), "period", db_col_text(st, 2),
				      "level", db_col_text(st, 3), "value", db_col_double(st, 4),
				      "evidence", db_col_text(st, 5), "by", db_col_text(st, 6),
				      "recorded_at", (json_int_t)db_col_int(st, 7));
			if (!json_object_get(t, "latest"))
				json_object_set(t, "latest", v);
			json_array_append_new(json_object_get(t, "values"), v);
		}
		db_reset(st);
	}
	json_decref(byid);
	if (ret < 0) {
		json_decref(list);
		return ret;
	}
	{
		size_t i;
		json_t *t;

		json_array_foreach(list, i, t)
			if (!json_object_get(t, "latest"))
				json_object_set_new(t, "latest", json_null());
	}
	*out = list;
	return 0;
}

int plan_target_value_add(struct db *db, const struct user *by,
			  const struct audit_actor *who, const struct plan_info *p,
			  int64_t seq, const char *period, const char *level,
			  double value, const char *evidence, struct err *e)
{
	struct db_stmt *st;
	struct plan_period per;
	int64_t target = 0, nlevels = 0, known = 0;
	char object[64];
	json_t *after;
	int ret;

	if (!plan_viewer_all(by))
		return err_set(e, E_DENIED, NULL, "only monitors enter the values of targets");
	if (!period || !strcmp(period, "plan") || plan_period_parse(period, p->year, &per, e))
		return err_set(e, E_INVALID, "period",
			       "the period must be Q1, Q2, Q3, Q4, H1, H2 or Y");
	if (!isfinite(value))
		return err_set(e, E_INVALID, "value", "the value must be a number");
	ret = check_text(evidence, "evidence", N_("evidence"), true, e);
	if (ret)
		return ret;
	if (!level)
		level = "";
	st = db_prepare(db, "SELECT id, (SELECT COUNT(*) FROM plan_target_level l"
			" WHERE l.target_id = t.id), (SELECT COUNT(*) FROM plan_target_level l"
			" WHERE l.target_id = t.id AND l.level = ?) FROM plan_target t"
			" WHERE plan_id = ? AND seq = ?");
	db_bind_text(st, 1, level);
	db_bind_int(st, 2, p->id);
	db_bind_int(st, 3, seq);
	ret = db_step(st);
	if (ret == DB_ROW) {
		target = db_col_int(st, 0);
		nlevels = db_col_int(st, 1);
		known = db_col_int(st, 2);
	}
	db_reset(st);
	if (ret < 0)
		return ret;
	if (!target)
		return err_set(e, E_NOTFOUND, "target", "plan %s has no target %lld", p->key,
			       (long long)seq);
	if (*level && !known && nlevels)
		return err_set(e, E_INVALID, "level", "this target has no level '%s'", level);
	if (*level && !known)
		return err_set(e, E_INVALID, "level",
			       "this target is for the whole province, not per level ('%s')", level);
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "INSERT INTO plan_target_value (target_id, period, level, value,"
			" evidence, user_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	db_bind_int(st, 1, target);
	db_bind_text(st, 2, period);
	db_bind_text(st, 3, level);
	db_bind_double(st, 4, value);
	db_bind_text(st, 5, evidence);
	db_bind_int(st, 6, by->id);
	db_bind_int(st, 7, clock_now());
	ret = db_run(st);
	snprintf(object, sizeof(object), "%s/%lld", p->key, (long long)seq);
	after = json_pack("{s:s,s:s,s:f}", "period", period, "level", level, "value", value);
	if (!ret)
		ret = audit_log(db, who, "plan.target_value", "plan_target", object, NULL, after);
	json_decref(after);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

/* ---- warnings ----------------------------------------------------------------------- */

int plan_warnings(struct db *db, const struct plan_info *p, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT w.id, w.kind, w.severity, w.place, w.message, w.args, w.excerpt, w.line,"
		" w.resolved_at, COALESCE(u.username, ''), COALESCE(w.resolution, '')"
		" FROM plan_warning w LEFT JOIN app_user u ON u.id = w.resolved_by"
		" WHERE w.plan_id = ? ORDER BY w.resolved_at IS NOT NULL,"
		" CASE w.severity WHEN 'review' THEN 0 ELSE 1 END, w.line, w.id");
	int ret;

	*out = json_array();
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		json_t *args = json_loads(db_col_text(st, 5), 0, NULL);
		struct strbuf msg = STRBUF_INIT;
		json_t *w;

		plan_warning_message(&msg, db_col_text(st, 1), args, db_col_text(st, 4));
		w = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "id",
			      (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1),
			      "severity", db_col_text(st, 2), "where", db_col_text(st, 3),
			      "message", msg.buf, "text", db_col_text(st, 6),
			      "line", (json_int_t)db_col_int(st, 7),
			      "args", args ? args : json_array());
		if (db_col_null(st, 8))
			json_object_set_new(w, "resolved", json_null());
		else
			json_object_set_new(w, "resolved", json_pack("{s:I,s:s,s:s}", "at",
				(json_int_t)db_col_int(st, 8), "by", db_col_text(st, 9),
				"resolution", db_col_text(st, 10)));
		json_array_append_new(*out, w);
		strbuf_release(&msg);
	}
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int plan_warning_resolve(struct db *db, const struct user *by,
			 const struct audit_actor *who, const struct plan_info *p,
			 int64_t id, const char *resolution, struct err *e)
{
	struct db_stmt *st;
	char object[64];
	json_t *after;
	int ret;

	if (!plan_viewer_all(by))
		return err_set(e, E_DENIED, NULL, "only monitors review the import's warnings");
	ret = check_text(resolution, "resolution", N_("what was done"), true, e);
	if (ret)
		return ret;
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE plan_warning SET resolved_at = ?, resolved_by = ?,"
			" resolution = ? WHERE id = ? AND plan_id = ? AND resolved_at IS NULL");
	db_bind_int(st, 1, clock_now());
	db_bind_int(st, 2, by->id);
	db_bind_text(st, 3, resolution);
	db_bind_int(st, 4, id);
	db_bind_int(st, 5, p->id);
	ret = db_run(st);
	if (!ret && db_changes(db) != 1) {
		int64_t found = 0;

		st = db_prepare(db, "SELECT COUNT(*) FROM plan_warning WHERE id = ? AND plan_id = ?");
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, p->id);
		ret = db_one_int(st, &found);
		if (!ret)
			ret = found ? err_set(e, E_CONFLICT, NULL, "warning %lld was already reviewed",
					      (long long)id) :
				err_set(e, E_NOTFOUND, "warning", "plan %s has no warning %lld",
					p->key, (long long)id);
		db_rollback(db);
		return ret;
	}
	snprintf(object, sizeof(object), "%s/%lld", p->key, (long long)id);
	after = json_pack("{s:s}", "resolution", resolution);
	if (!ret)
		ret = audit_log(db, who, "plan.warning_resolve", "plan_warning", object, NULL, after);
	json_decref(after);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

/* ---- periodic reports sent by agencies ------------------------------------------------ */

/* The due day of a period a plan asks reports for; 0 if it asks none. */
static int period_due(struct db *db, const struct plan_info *p, const char *code, int *due)
{
	struct db_stmt *st = db_prepare(db, "SELECT due_on FROM plan_period"
					" WHERE plan_id = ? AND code = ?");
	char *s = NULL;
	int ret;

	*due = 0;
	db_bind_int(st, 1, p->id);
	db_bind_text(st, 2, code ? code : "");
	ret = db_one_text(st, &s);
	if (!ret)
		calendar_day_parse(s, due, NULL);
	free(s);
	return ret == E_NOTFOUND ? 0 : ret;
}

int plan_submission_add(struct db *db, const struct user *by,
			const struct audit_actor *who, const struct plan_info *p,
			const struct plan_submission_new *n, int64_t *id,
			struct err *e)
{
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	int due, day, ret;
	char days[CALENDAR_DAY_SIZE], object[128];
	json_t *after;

	ret = period_due(db, p, n->period, &due);
	if (ret)
		return ret;
	if (!due)
		return err_set(e, E_INVALID, "period",
			       "agencies send reports for plan, Q1, H1, Q3 and Y, not '%s'",
			       n->period ? n->period : "");
	ret = n->agency && *n->agency ? agency_find(db, n->agency, &a, e) :
		agency_get(db, by->agency_id, &a);
	if (ret)
		goto out;
	if (a.id != by->agency_id && !plan_viewer_all(by)) {
		ret = err_set(e, E_DENIED, "agency", "you send reports for your own agency only");
		goto out;
	}
	ret = check_text(n->reference, "reference", N_("the document's number and date"), true, e);
	if (!ret)
		ret = check_text(n->summary, "summary", N_("summary"), false, e);
	if (!ret)
		ret = check_text(n->link, "link", N_("link"), false, e);
	if (!ret)
		ret = report_day(p, n->day, &day, e);
	if (ret)
		goto out;
	calendar_day_format(day, days);
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO plan_submission (plan_id, agency_id, period, reference,"
			" link, summary, day, user_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (plan_id, agency_id, period) DO NOTHING RETURNING id");
	db_bind_int(st, 1, p->id);
	db_bind_int(st, 2, a.id);
	db_bind_text(st, 3, n->period);
	db_bind_text(st, 4, n->reference);
	db_bind_text(st, 5, n->link ? n->link : "");
	db_bind_text(st, 6, n->summary ? n->summary : "");
	db_bind_text(st, 7, days);
	db_bind_int(st, 8, by->id);
	db_bind_int(st, 9, clock_now());
	ret = db_one_int(st, id);
	if (ret == E_NOTFOUND) {
		db_rollback(db);
		ret = err_set(e, E_CONFLICT, "period", "%s has already sent its report for %s",
			      a.name, n->period);
		goto out;
	}
	snprintf(object, sizeof(object), "%s/%s/%s", p->key, a.key, n->period);
	after = json_pack("{s:s,s:s,s:b}", "reference", n->reference, "day", days,
			  "on_time", day <= due);
	if (!ret)
		ret = audit_log(db, who, "plan.submission", "plan_submission", object, NULL, after);
	json_decref(after);
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	agency_release(&a);
	return ret;
}

int plan_submissions(struct db *db, const struct user *viewer, const struct plan_info *p,
		     const char *period, const char *agency, int as_of, json_t **out,
		     struct err *e)
{
	struct db_stmt *st;
	struct agency only = AGENCY_INIT;
	json_t *periods = json_array(), *agencies = json_array(), *sent = json_object();
	json_t *pe, *ag;
	size_t i, k;
	int ret = 0;

	*out = NULL;
	if (!as_of)
		as_of = plan_today();
	if (agency && *agency) {
		ret = agency_find(db, agency, &only, e);
		if (!ret && !sees(viewer, only.path))
			ret = err_set(e, E_NOTFOUND, "agency", "there is no agency '%s'", agency);
		if (ret)
			goto out;
	}
	st = db_prepare(db, "SELECT code, due_on FROM plan_period WHERE plan_id = ?"
			" ORDER BY due_on, code");
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW)
		if (!period || !*period || !strcmp(period, db_col_text(st, 0)))
			json_array_append_new(periods, json_pack("{s:s,s:s}", "code",
								 db_col_text(st, 0),
								 "due", db_col_text(st, 1)));
	db_reset(st);
	if (ret < 0)
		goto out;
	if (period && *period && !json_array_size(periods)) {
		ret = err_set(e, E_INVALID, "period",
			      "agencies send reports for plan, Q1, H1, Q3 and Y, not '%s'", period);
		goto out;
	}
	/* Those who owe: every agency leading a task. */
	st = db_prepare(db, "SELECT DISTINCT g.id, g.key, g.name, g.path FROM plan_task_agency ta"
			" JOIN plan_task t ON t.id = ta.task_id JOIN agency g ON g.id = ta.agency_id"
			" WHERE t.plan_id = ? AND ta.role = 'lead' ORDER BY g.path");
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		if (only.id && db_col_int(st, 0) != only.id)
			continue;
		if (!sees(viewer, db_col_text(st, 3)))
			continue;
		json_array_append_new(agencies, json_pack("{s:I,s:s,s:s}", "id",
			(json_int_t)db_col_int(st, 0), "key", db_col_text(st, 1),
			"name", db_col_text(st, 2)));
	}
	db_reset(st);
	if (ret < 0)
		goto out;
	if (only.id && !json_array_size(agencies))
		json_array_append_new(agencies, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)only.id,
							  "key", only.key, "name", only.name));
	st = db_prepare(db, "SELECT agency_id, period, day, reference, link, summary, recorded_at"
			" FROM plan_submission WHERE plan_id = ?");
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW) {
		char key[64];

		snprintf(key, sizeof(key), "%lld/%s", (long long)db_col_int(st, 0),
			 db_col_text(st, 1));
		json_object_set_new(sent, key, json_pack("{s:s,s:s,s:s,s:s,s:I}",
			"day", db_col_text(st, 2), "reference", db_col_text(st, 3),
			"link", db_col_text(st, 4), "summary", db_col_text(st, 5),
			"recorded_at", (json_int_t)db_col_int(st, 6)));
	}
	db_reset(st);
	if (ret < 0)
		goto out;
	ret = 0;
	*out = json_array();
	json_array_foreach(periods, i, pe) {
		const char *code = json_string_value(json_object_get(pe, "code"));
		int due = 0;

		calendar_day_parse(json_string_value(json_object_get(pe, "due")), &due, NULL);
		json_array_foreach(agencies, k, ag) {
			char key[64];
			json_t *s, *row;
			const char *status;

			snprintf(key, sizeof(key), "%lld/%s",
				 (long long)json_integer_value(json_object_get(ag, "id")), code);
			s = json_object_get(sent, key);
			if (s) {
				int day = 0;

				calendar_day_parse(json_string_value(json_object_get(s, "day")), &day,
						   NULL);
				status = day <= due ? "on_time" : "late";
			} else {
				status = as_of > due ? "missing" : "not_due";
			}
			row = json_pack("{s:s,s:s,s:{s:s,s:s},s:s}", "period", code,
					"due", json_string_value(json_object_get(pe, "due")),
					"agency", "key", json_string_value(json_object_get(ag, "key")),
					"name", json_string_value(json_object_get(ag, "name")),
					"status", status);
			json_object_set(row, "sent", s ? s : json_null());
			json_array_append_new(*out, row);
		}
	}
out:
	agency_release(&only);
	json_decref(periods);
	json_decref(agencies);
	json_decref(sent);
	return ret < 0 ? ret : 0;
}
