/*
 * Importing a plan document into the database, idempotently: the plan is
 * found by its key (the year), and each area, target and task by its own
 * key (code, number in the section, reference), so that a second import
 * of the same text finds everything in place and changes nothing.
 *
 * A changed document updates what it changes.  Tasks the new text no
 * longer has are kept, with their progress: reports are never lost to an
 * import.  A task's agencies and deadline are only replaced when the
 * document's cell for them changed, so that a monitor's correction of an
 * oddity (plan_task_correct) survives a re-import of the same document.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"

/* The periods agencies send reports for, with their due dates. */
static const char *const report_periods[] = { "plan", "Q1", "H1", "Q3", "Y" };

/* FNV-1a, 64 bits, as 16 hex digits: enough to tell two texts apart. */
static void text_hash(const char *s, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

static void bind_text_or_null(struct db_stmt *st, int i, const char *s)
{
	if (s)
		db_bind_text(st, i, s);
	else
		db_bind_null(st, i);
}

/* Counts one object as created, updated or unchanged. */
static void count(struct plan_import_stats *st, int what)
{
	if (what > 0)
		st->created++;
	else if (what < 0)
		st->updated++;
	else
		st->unchanged++;
}

static bool differ(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int plan_row(struct db *db, const struct plan_doc *d, const char *text,
		    const char *hash, const struct plan_registry *r, int64_t *id,
		    struct plan_import_stats *st)
{
	struct db_stmt *q = db_prepare(db, "SELECT id, source_hash FROM plan WHERE key = ?");
	struct db_stmt *w;
	int64_t now = clock_now(), issuer = d->issuer >= 0 ? plan_registry_id(r, d->issuer) : 0;
	char due[CALENDAR_DAY_SIZE] = "";
	int ret;

	if (d->agency_plan_due)
		calendar_day_format(d->agency_plan_due, due);
	db_bind_text(q, 1, d->key);
	ret = db_step(q);
	if (ret == DB_ROW) {
		*id = db_col_int(q, 0);
		st->same_source = !strcmp(db_col_text(q, 1), hash);
		db_reset(q);
		if (st->same_source)
			return 0;
		w = db_prepare(db, "UPDATE plan SET year = ?, title = ?, issuer_text = ?,"
			       " issuer_id = ?, decision_text = ?, decision_number = ?,"
			       " decision_date = ?, signed_by = ?, agency_plan_due = ?,"
			       " source_text = ?, source_hash = ?, updated_at = ? WHERE id = ?");
		db_bind_int(w, 13, *id);
	} else if (ret == DB_DONE) {
		db_reset(q);
		st->plan_created = true;
		w = db_prepare(db, "INSERT INTO plan (year, title, issuer_text, issuer_id,"
			       " decision_text, decision_number, decision_date, signed_by,"
			       " agency_plan_due, source_text, source_hash, created_at, key,"
			       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			       " RETURNING id");
		db_bind_text(w, 13, d->key);
		db_bind_int(w, 14, now);
	} else {
		db_reset(q);
		return ret;
	}
	db_bind_int(w, 1, d->year);
	db_bind_text(w, 2, d->title);
	db_bind_text(w, 3, d->issuer_text);
	if (issuer)
		db_bind_int(w, 4, issuer);
	else
		db_bind_null(w, 4);
	db_bind_text(w, 5, d->decision_text);
	bind_text_or_null(w, 6, d->decision_number);
	bind_text_or_null(w, 7, d->decision_date);
	db_bind_text(w, 8, d->signed_by);
	bind_text_or_null(w, 9, *due ? due : NULL);
	db_bind_text(w, 10, text);
	db_bind_text(w, 11, hash);
	db_bind_int(w, 12, now);
	return st->plan_created ? db_one_int(w, id) : db_run(w);
}

static int area_rows(struct db *db, const struct plan_doc *d, int64_t plan, int64_t *ids,
		     struct plan_import_stats *st)
{
	for (int i = 0; i < d->nareas; i++) {
		const struct plan_doc_area *a = &d->areas[i];
		struct db_stmt *q = db_prepare(db, "SELECT id, seq, name, title, focus FROM plan_area"
					       " WHERE plan_id = ? AND code = ?");
		struct db_stmt *w;
		int ret;

		db_bind_int(q, 1, plan);
		db_bind_text(q, 2, a->code);
		ret = db_step(q);
		if (ret == DB_ROW) {
			bool same = db_col_int(q, 1) == i + 1 && !differ(db_col_text(q, 2), a->name) &&
				!differ(db_col_text(q, 3), a->title) &&
				!differ(db_col_text(q, 4), a->focus);

			ids[i] = db_col_int(q, 0);
			db_reset(q);
			count(st, same ? 0 : -1);
			if (same)
				continue;
			w = db_prepare(db, "UPDATE plan_area SET seq = ?, name = ?, title = ?, focus = ?"
				       " WHERE id = ?");
			db_bind_int(w, 5, ids[i]);
		} else if (ret == DB_DONE) {
			db_reset(q);
			count(st, 1);
			w = db_prepare(db, "INSERT INTO plan_area (seq, name, title, focus, plan_id, code)"
				       " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
			db_bind_int(w, 5, plan);
			db_bind_text(w, 6, a->code);
		} else {
			db_reset(q);
			return ret;
		}
		db_bind_int(w, 1, i + 1);
		db_bind_text(w, 2, a->name);
		db_bind_text(w, 3, a->title);
		db_bind_text(w, 4, a->focus);
		ret = ret == DB_ROW ? db_run(w) : db_one_int(w, &ids[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int target_levels(struct db *db, const struct plan_doc_target *t, int64_t id)
{
	struct db_stmt *del = db_prepare(db, "DELETE FROM plan_target_level WHERE target_id = ?");
	int ret;

	db_bind_int(del, 1, id);
	ret = db_run(del);
	for (int k = 0; !ret && k < t->nlevels; k++) {
		struct db_stmt *ins = db_prepare(db, "INSERT INTO plan_target_level"
						 " (target_id, level, threshold) VALUES (?, ?, ?)");

		db_bind_int(ins, 1, id);
		db_bind_text(ins, 2, t->levels[k].level);
		db_bind_double(ins, 3, t->levels[k].threshold);
		ret = db_run(ins);
	}
	return ret;
}

static int target_rows(struct db *db, const struct plan_doc *d, int64_t plan,
		       struct plan_import_stats *st)
{
	for (int i = 0; i < d->ntargets; i++) {
		const struct plan_doc_target *t = &d->targets[i];
		struct db_stmt *q = db_prepare(db, "SELECT id, text FROM plan_target"
					       " WHERE plan_id = ? AND seq = ?");
		struct db_stmt *w;
		int64_t id = 0;
		int ret;

		db_bind_int(q, 1, plan);
		db_bind_int(q, 2, i + 1);
		ret = db_step(q);
		if (ret == DB_ROW) {
			bool same = !differ(db_col_text(q, 1), t->text);

			id = db_col_int(q, 0);
			db_reset(q);
			count(st, same ? 0 : -1);
			/* The text decides everything else about a target. */
			if (same)
				continue;
			w = db_prepare(db, "UPDATE plan_target SET text = ?, measure = ?, comparison = ?,"
				       " threshold = ?, unit = ?, indicator = ? WHERE id = ?");
			db_bind_int(w, 7, id);
		} else if (ret == DB_DONE) {
			db_reset(q);
			count(st, 1);
			w = db_prepare(db, "INSERT INTO plan_target (text, measure, comparison, threshold,"
				       " unit, indicator, plan_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
				       " RETURNING id");
			db_bind_int(w, 7, plan);
			db_bind_int(w, 8, i + 1);
		} else {
			db_reset(q);
			return ret;
		}
		db_bind_text(w, 1, t->text);
		db_bind_text(w, 2, t->measure);
		db_bind_text(w, 3, t->comparison);
		if (t->no_threshold)
			db_bind_null(w, 4);
		else
			db_bind_double(w, 4, t->threshold);
		db_bind_text(w, 5, t->unit);
		bind_text_or_null(w, 6, t->indicator);
		ret = id ? db_run(w) : db_one_int(w, &id);
		if (!ret)
			ret = target_levels(db, t, id);
		if (ret)
			return ret;
	}
	return 0;
}

/* Replaces the agencies of one role of a task by those of the list. */
int plan_task_agencies_set(struct db *db, int64_t task, const char *role,
			   const struct plan_agency_list *l, const struct plan_registry *r)
{
	struct db_stmt *del = db_prepare(db, "DELETE FROM plan_task_agency"
					 " WHERE task_id = ? AND role = ?");
	int ret;

	db_bind_int(del, 1, task);
	db_bind_text(del, 2, role);
	ret = db_run(del);
	for (int i = 0; !ret && i < l->n; i++) {
		struct db_stmt *ins = db_prepare(db, "INSERT INTO plan_task_agency"
						 " (task_id, agency_id, role, via) VALUES (?, ?, ?, ?)"
						 " ON CONFLICT (task_id, agency_id, role) DO NOTHING");

		db_bind_int(ins, 1, task);
		db_bind_int(ins, 2, plan_registry_id(r, l->items[i].agency));
		db_bind_text(ins, 3, role);
		db_bind_text(ins, 4, l->items[i].via ? l->items[i].via : "");
		ret = db_run(ins);
	}
	return ret;
}

/* The dates of a deadline as stored: "2021-06-30,2021-12-31". */
void plan_deadline_dates_text(const struct plan_deadline *dl, struct strbuf *out)
{
	for (int i = 0; i < dl->ndates; i++) {
		char day[CALENDAR_DAY_SIZE];

		calendar_day_format(dl->dates[i], day);
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, day);
	}
}

int plan_task_deadline_set(struct db *db, int64_t task, const char *text,
			   const struct plan_deadline *dl)
{
	struct db_stmt *w = db_prepare(db, "UPDATE plan_task SET deadline_text = ?,"
				       " deadline_kind = ?, deadline_dates = ?, starts_on = ?,"
				       " ongoing = ?, updated_at = ? WHERE id = ?");
	struct strbuf dates = STRBUF_INIT;
	char starts[CALENDAR_DAY_SIZE];
	int ret;

	plan_deadline_dates_text(dl, &dates);
	if (dl->starts)
		calendar_day_format(dl->starts, starts);
	db_bind_text(w, 1, text);
	db_bind_text(w, 2, plan_deadline_kind_name(dl->kind));
	db_bind_text(w, 3, dates.buf);
	bind_text_or_null(w, 4, dl->starts ? starts : NULL);
	db_bind_int(w, 5, dl->ongoing);
	db_bind_int(w, 6, clock_now());
	db_bind_int(w, 7, task);
	ret = db_run(w);
	strbuf_release(&dates);
	return ret;
}

static int task_rows(struct db *db, const struct plan_doc *d, const struct plan_registry *r,
		     int64_t plan, const int64_t *area_ids, struct plan_import_stats *st)
{
	int64_t *ids = xcalloc((size_t)d->ntasks + 1, sizeof(*ids)), now = clock_now();
	int ret = 0;

	for (int i = 0; !ret && i < d->ntasks; i++) {
		const struct plan_doc_task *t = &d->tasks[i];
		struct db_stmt *q = db_prepare(db, "SELECT id, area_id, COALESCE(parent_id, 0), seq,"
					       " number, content, product, deadline_text, lead_text,"
					       " coordinating_text FROM plan_task"
					       " WHERE plan_id = ? AND ref = ?");
		int64_t parent = t->parent >= 0 ? ids[t->parent] : 0;
		bool created = false, deadline = true, lead = true, coord = true;

		db_bind_int(q, 1, plan);
		db_bind_text(q, 2, t->ref);
		ret = db_step(q);
		if (ret == DB_ROW) {
			bool same = db_col_int(q, 1) == area_ids[t->area] &&
				db_col_int(q, 2) == parent && db_col_int(q, 3) == i + 1 &&
				!differ(db_col_text(q, 4), t->number) &&
				!differ(db_col_text(q, 5), t->content) &&
				!differ(db_col_text(q, 6), t->product);

			ids[i] = db_col_int(q, 0);
			deadline = differ(db_col_text(q, 7), t->deadline_text);
			lead = differ(db_col_text(q, 8), t->lead_text);
			coord = differ(db_col_text(q, 9), t->coordinating_text);
			db_reset(q);
			ret = 0;
			count(st, same && !deadline && !lead && !coord ? 0 : -1);
			if (!same) {
				struct db_stmt *w = db_prepare(db,
					"UPDATE plan_task SET area_id = ?, parent_id = ?, seq = ?,"
					" number = ?, content = ?, product = ?, updated_at = ?"
					" WHERE id = ?");

				db_bind_int(w, 1, area_ids[t->area]);
				if (parent)
					db_bind_int(w, 2, parent);
				else
					db_bind_null(w, 2);
				db_bind_int(w, 3, i + 1);
				db_bind_text(w, 4, t->number);
				db_bind_text(w, 5, t->content);
				db_bind_text(w, 6, t->product);
				db_bind_int(w, 7, now);
				db_bind_int(w, 8, ids[i]);
				ret = db_run(w);
			}
		} else if (ret == DB_DONE) {
			struct db_stmt *w = db_prepare(db,
				"INSERT INTO plan_task (plan_id, area_id, parent_id, seq, ref, number,"
				" content, product, deadline_text, deadline_kind, deadline_dates,"
				" lead_text, coordinating_text, created_at, updated_at)"
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', 'none', '', ?, ?, ?, ?) RETURNING id");

			db_reset(q);
			created = true;
			count(st, 1);
			db_bind_int(w, 1, plan);
			db_bind_int(w, 2, area_ids[t->area]);
			if (parent)
				db_bind_int(w, 3, parent);
			else
				db_bind_null(w, 3);
			db_bind_int(w, 4, i + 1);
			db_bind_text(w, 5, t->ref);
			db_bind_text(w, 6, t->number);
			db_bind_text(w, 7, t->content);
			db_bind_text(w, 8, t->product);
			db_bind_text(w, 9, t->lead_text);
			db_bind_text(w, 10, t->coordinating_text);
			db_bind_int(w, 11, now);
			db_bind_int(w, 12, now);
			ret = db_one_int(w, &ids[i]);
		} else {
			db_reset(q);
			break;
		}
		if (!ret && (created || deadline))
			ret = plan_task_deadline_set(db, ids[i], t->deadline_text, &t->deadline);
		if (!ret && (lead || coord) && !created) {
			struct db_stmt *w = db_prepare(db, "UPDATE plan_task SET lead_text = ?,"
						       " coordinating_text = ? WHERE id = ?");

			db_bind_text(w, 1, t->lead_text);
			db_bind_text(w, 2, t->coordinating_text);
			db_bind_int(w, 3, ids[i]);
			ret = db_run(w);
		}
		if (!ret && (created || lead))
			ret = plan_task_agencies_set(db, ids[i], "lead", &t->lead, r);
		if (!ret && (created || coord))
			ret = plan_task_agencies_set(db, ids[i], "coordinating", &t->coordinating, r);
	}
	free(ids);
	return ret;
}

static int warning_rows(struct db *db, const struct plan_doc *d, int64_t plan,
			struct plan_import_stats *st)
{
	int ret = 0;

	for (int i = 0; !ret && i < d->nwarnings; i++) {
		const struct plan_doc_warning *w = &d->warnings[i];
		struct db_stmt *ins = db_prepare(db,
			"INSERT INTO plan_warning (plan_id, seq, kind, severity, place, message, args,"
			" excerpt, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (plan_id, kind, place, excerpt) DO NOTHING");
		json_t *args = json_array();
		char *a;

		for (int k = 0; k < 2; k++)
			if (w->args[k])
				json_array_append_new(args, json_string(w->args[k]));
		a = json_dumps(args, JSON_COMPACT);
		db_bind_int(ins, 1, plan);
		db_bind_int(ins, 2, i + 1);
		db_bind_text(ins, 3, w->kind);
		db_bind_text(ins, 4, w->severity);
		db_bind_text(ins, 5, w->where);
		db_bind_text(ins, 6, w->message);
		db_bind_text(ins, 7, a);
		db_bind_text(ins, 8, w->text);
		db_bind_int(ins, 9, w->line);
		ret = db_run(ins);
		if (!ret)
			st->warnings_new += (int)db_changes(db);
		free(a);
		json_decref(args);
	}
	return ret;
}

/* The reports agencies owe: their own plans, then the periodic reports. */
static int period_rows(struct db *db, const struct plan_doc *d, int64_t plan)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < ARRAY_SIZE(report_periods); i++) {
		struct db_stmt *ins = db_prepare(db,
			"INSERT INTO plan_period (plan_id, code, starts_on, ends_on, due_on)"
			" VALUES (?, ?, ?, ?, ?) ON CONFLICT (plan_id, code) DO NOTHING");
		struct plan_period p;
		char from[CALENDAR_DAY_SIZE], to[CALENDAR_DAY_SIZE], due[CALENDAR_DAY_SIZE];

		plan_period_parse(report_periods[i], d->year, &p, NULL);
		calendar_day_format(p.from, from);
		calendar_day_format(p.to, to);
		if (!strcmp(p.code, "plan"))
			/* Seed IV.1.a: "trước ngày 31/01/2021"; 31 January if not said. */
			calendar_day_format(d->agency_plan_due ? d->agency_plan_due :
					    calendar_day_from_ymd(d->year, 1, 31), due);
		else
			calendar_day_format(p.to, due);
		db_bind_int(ins, 1, plan);
		db_bind_text(ins, 2, p.code);
		db_bind_text(ins, 3, from);
		db_bind_text(ins, 4, !strcmp(p.code, "plan") ? due : to);
		db_bind_text(ins, 5, due);
		ret = db_run(ins);
	}
	return ret;
}

int plan_import(struct db *db, const struct audit_actor *who, const char *text,
		bool dry_run, json_t **doc, struct plan_import_stats *st, struct err *e)
{
	struct plan_registry *r = NULL;
	struct plan_doc d = PLAN_DOC_INIT;
	int64_t plan = 0, *area_ids = NULL;
	char hash[17];
	int ret;

	memset(st, 0, sizeof(*st));
	if (doc)
		*doc = NULL;
	ret = plan_registry_load(db, &r);
	if (ret)
		goto out;
	ret = plan_doc_parse(text, r, &d, e);
	if (ret)
		goto out;
	st->areas = d.nareas;
	st->tasks = d.ntasks;
	st->targets = d.ntargets;
	st->warnings = d.nwarnings;
	snprintf(st->key, sizeof(st->key), "%s", d.key);
	if (doc)
		*doc = plan_doc_json(&d, r);
	if (dry_run)
		goto out;
	text_hash(text, hash);
	ret = db_begin(db);
	if (ret)
		goto out;
	ret = plan_row(db, &d, text, hash, r, &plan, st);
	if (!ret && st->same_source) {
		/* The same text: nothing to do. */
		st->unchanged = d.nareas + d.ntasks + d.ntargets;
		ret = db_commit(db);
		goto out;
	}
	area_ids = xcalloc((size_t)d.nareas + 1, sizeof(*area_ids));
	if (!ret)
		ret = area_rows(db, &d, plan, area_ids, st);
	if (!ret)
		ret = target_rows(db, &d, plan, st);
	if (!ret)
		ret = task_rows(db, &d, r, plan, area_ids, st);
	if (!ret)
		ret = warning_rows(db, &d, plan, st);
	if (!ret)
		ret = period_rows(db, &d, plan);
	if (!ret) {
		json_t *after = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:s}", "key", d.key,
					  "created", st->created, "updated", st->updated,
					  "unchanged", st->unchanged, "warnings", st->warnings_new,
					  "tasks", d.ntasks, "source_hash", hash);

		ret = audit_log(db, who, st->plan_created ? "plan.create" : "plan.import",
				"plan", d.key, NULL, after);
		json_decref(after);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	if (ret && ret != E_INVALID && e && !e->message[0])
		err_set(e, ret, NULL, "cannot import the plan (see the log)");
	free(area_ids);
	plan_doc_release(&d);
	plan_registry_free(r);
	return ret;
}

int plan_import_demo(struct db *db, struct plan_import_stats *st, struct err *e)
{
	const struct embed_file *f = embed_find("data/plan-2021.txt");

	if (!f)
		return err_set(e, E_INTERNAL, NULL,
			       "this cchc was built without data/plan-2021.txt");
	return plan_import(db, &audit_cli, (const char *)f->data, false, NULL, st, e);
}
