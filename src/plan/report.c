/*
 * The periodic progress reports of a plan (seed, part IV.3.b: quarterly
 * and six-monthly, and the year's), for one agency or for the province:
 * tasks by state per area, the overdue tasks with their lead agencies,
 * the targets against their thresholds, and which agencies sent their own
 * report on time.  The report is JSON first; the PDF, XLSX and CSV forms
 * (and the HTML page, in pages.c) are drawn from that JSON, so every form
 * says the same.  It is built from the same task set as the task list,
 * so its counts are the list's for the same day and agency.
 */
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
#include "export/csv.h"
#include "export/pdf.h"
#include "export/xlsx.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"
#include "plan/report_impl.h"
#include "plan/tasks.h"

/* The period whose agencies' own reports a report shows. */
static const char *submission_period(const char *code)
{
	if (!strcmp(code, "Q1"))
		return "Q1";
	if (!strcmp(code, "Q2") || !strcmp(code, "H1"))
		return "H1";
	if (!strcmp(code, "Q3"))
		return "Q3";
	return "Y";
}

/* Whether the report covers task i: all it may see, or the agency's. */
static bool covered(const struct taskset *ts, int i, int64_t agency)
{
	const struct task *t = &ts->t[i];

	if (!t->visible)
		return false;
	if (!agency || task_has_agency(t, agency, NULL))
		return true;
	for (int k = 0; t->group && k < ts->n; k++)
		if (ts->t[k].parent_idx == i && task_has_agency(&ts->t[k], agency, NULL))
			return true;
	return false;
}

static json_t *counts_json(const int *n, int total)
{
	json_t *c = json_object();

	for (int s = 0; s < PLAN_NSTATES; s++)
		json_object_set_new(c, plan_state_name((enum plan_state)s), json_integer(n[s]));
	json_object_set_new(c, "total", json_integer(total));
	return c;
}

/* Targets with this period's value and their verdict, per level where they have levels. */
static json_t *report_targets(json_t *targets, const char *period)
{
	json_t *out = json_array(), *t;
	size_t i;

	json_array_foreach(targets, i, t) {
		json_t *thr = json_object_get(t, "threshold"), *levels = json_array(), *l;
		json_t *value = NULL, *v;
		const char *cmp = json_string_value(json_object_get(t, "comparison"));
		size_t k;

		/* Values are newest first: the first for the period and level counts. */
		json_array_foreach(json_object_get(t, "values"), k, v)
			if (!strcmp(json_string_value(json_object_get(v, "period")), period) &&
			    !*json_string_value(json_object_get(v, "level"))) {
				value = json_object_get(v, "value");
				break;
			}
		json_array_foreach(json_object_get(t, "levels"), k, l) {
			const char *level = json_string_value(json_object_get(l, "level"));
			json_t *lv = NULL;
			size_t m;

			json_array_foreach(json_object_get(t, "values"), m, v)
				if (!strcmp(json_string_value(json_object_get(v, "period")), period) &&
				    !strcmp(json_string_value(json_object_get(v, "level")), level)) {
					lv = json_object_get(v, "value");
					break;
				}
			json_array_append_new(levels, json_pack("{s:s,s:O,s:o,s:s}", "level", level,
				"threshold", json_object_get(l, "threshold"),
				"value", lv ? json_copy(lv) : json_null(),
				"verdict", plan_verdict(cmp, true,
							json_real_value(json_object_get(l, "threshold")),
							lv != NULL, json_number_value(lv))));
		}
		json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:o,s:s}",
			"seq", json_object_get(t, "seq"), "text", json_object_get(t, "text"),
			"measure", json_object_get(t, "measure"),
			"comparison", json_object_get(t, "comparison"), "threshold", thr,
			"unit", json_object_get(t, "unit"), "indicator", json_object_get(t, "indicator"),
			"value", value ? json_copy(value) : json_null(), "levels", levels,
			"verdict", plan_verdict(cmp, json_is_number(thr), json_number_value(thr),
						value != NULL, json_number_value(value))));
	}
	return out;
}

int plan_report(struct db *db, const struct user *viewer, const struct plan_info *p,
		const char *period, const char *agency, json_t **out, struct err *e)
{
	struct plan_period per;
	struct agency a = AGENCY_INIT;
	struct taskset ts;
	json_t *areas, *overdue, *reported, *targets = NULL, *subs = NULL, *area = NULL;
	int total[PLAN_NSTATES] = { 0 }, all = 0, as_of, ret;
	struct strbuf label = STRBUF_INIT;

	*out = NULL;
	if (!period || !strcmp(period, "plan"))
		return err_set(e, E_INVALID, "period",
			       "the period must be Q1, Q2, Q3, Q4, H1, H2 or Y, not '%s'",
			       period ? period : "");
	ret = plan_period_parse(period, p->year, &per, e);
	if (ret)
		return ret;
	if (agency && *agency) {
		ret = agency_find(db, agency, &a, e);
		if (!ret && !plan_viewer_all(viewer) && !user_sees_agency(viewer, a.path))
			ret = err_set(e, E_NOTFOUND, "agency", "there is no agency '%s'", agency);
		if (ret)
			goto out;
	}
	/* As of the period's last day, or today while it runs. */
	as_of = per.to < plan_today() ? per.to : plan_today();
	ret = taskset_load(db, viewer, p, as_of, &ts);
	if (ret)
		goto out;
	areas = json_array();
	overdue = json_array();
	reported = json_array();
	for (int i = 0; i < ts.n; i++) {
		const struct task *t = &ts.t[i];
		const struct task_report *last = task_last_report(t, as_of);

		/* What was reported in the period: the latest word on each task. */
		if (!t->group && covered(&ts, i, a.id) && last && last->day >= per.from)
			json_array_append_new(reported, json_pack(
				"{s:s,s:s,s:s,s:s,s:s,s:o,s:i,s:s,s:s,s:s}", "ref", t->ref,
				"area", t->area_code, "content", t->content,
				"state", plan_state_name(t->state), "status", last->status,
				"day", plan_day_json(last->day), "percent", last->percent,
				"note", last->note, "evidence", last->evidence,
				"agency", last->agency_name));
	}
	for (int i = 0; i < ts.n; i++) {
		const struct task *t = &ts.t[i];
		int n[PLAN_NSTATES] = { 0 }, sum = 0;

		/* One entry per area, in the document's order. */
		if (area && !strcmp(json_string_value(json_object_get(area, "code")), t->area_code))
			continue;
		for (int k = i; k < ts.n; k++) {
			const struct task *u = &ts.t[k];

			if (strcmp(u->area_code, t->area_code) || u->group || !covered(&ts, k, a.id))
				continue;
			n[u->state]++;
			sum++;
			total[u->state]++;
			all++;
			if (u->state == PLAN_OVERDUE)
				json_array_append_new(overdue, json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:i}",
					"ref", u->ref, "area", u->area_code, "content", u->content,
					"deadline", u->deadline_text, "due", plan_day_json(u->due),
					"lead", u->lead_text, "percent",
					task_last_report(u, as_of) ? task_last_report(u, as_of)->percent : 0));
		}
		area = json_pack("{s:s,s:s,s:o}", "code", t->area_code, "name", t->area_name,
				 "counts", counts_json(n, sum));
		json_array_append_new(areas, area);
	}
	taskset_release(&ts);
	ret = plan_targets(db, p, &targets);
	if (!ret)
		ret = plan_submissions(db, viewer, p, submission_period(per.code), a.id ? a.key : NULL,
				       as_of, &subs, e);
	if (ret) {
		json_decref(areas);
		json_decref(overdue);
		json_decref(reported);
		goto out;
	}
	plan_period_label(per.code, p->year, &label);
	*out = json_pack("{s:{s:s,s:s,s:i},s:{s:s,s:s,s:o,s:o},s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}",
			 "plan", "key", p->key, "title", p->title, "year", p->year,
			 "period", "code", per.code, "label", label.buf,
			 "from", plan_day_json(per.from), "to", plan_day_json(per.to),
			 "as_of", plan_day_json(as_of),
			 "agency", a.id ? json_pack("{s:s,s:s}", "key", a.key, "name", a.name) :
			 json_null(),
			 "areas", areas, "counts", counts_json(total, all), "overdue", overdue,
			 "reported", reported,
			 "targets", report_targets(targets, per.code), "submissions", subs,
			 "generated_at", (json_int_t)clock_now());
	subs = NULL;
out:
	json_decref(targets);
	json_decref(subs);
	strbuf_release(&label);
	agency_release(&a);
	return ret;
}

/* ---- labels shared by every form of the report --------------------------------------- */

const char *plan_comparison_sign(const char *cmp)
{
	if (!cmp)
		return "";
	if (!strcmp(cmp, ">="))
		return "≥";
	if (!strcmp(cmp, "<="))
		return "≤";
	return cmp;
}

const char *plan_level_label(const char *level)
{
	if (!strcmp(level, "province"))
		return _("province level");
	if (!strcmp(level, "district"))
		return _("district level");
	if (!strcmp(level, "commune"))
		return _("commune level");
	return level;
}

const char *plan_verdict_label(const char *verdict)
{
	if (!strcmp(verdict, "met"))
		return _("Met");
	if (!strcmp(verdict, "not_met"))
		return _("Not met");
	return _("No data");
}

const char *plan_submission_label(const char *status)
{
	if (!strcmp(status, "on_time"))
		return _("Sent on time");
	if (!strcmp(status, "late"))
		return _("Sent late");
	if (!strcmp(status, "missing"))
		return _("Not sent, overdue");
	return _("Not yet due");
}

/* "98", "2,5": numbers as Vietnamese write them, with no needless decimals. */
void plan_number(struct strbuf *out, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%g", v);
	if (strcmp(i18n_lang(), LANG_EN))
		for (char *c = buf; *c; c++)
			if (*c == '.')
				*c = ',';
	strbuf_addstr(out, buf);
}

void plan_threshold_text(struct strbuf *out, json_t *t)
{
	json_t *thr = json_object_get(t, "threshold"), *l;
	const char *unit = json_string_value(json_object_get(t, "unit"));
	size_t i;

	if (!json_is_number(thr)) {
		strbuf_addstr(out, "—");
		return;
	}
	if (json_array_size(json_object_get(t, "levels"))) {
		json_array_foreach(json_object_get(t, "levels"), i, l) {
			if (i)
				strbuf_addstr(out, "; ");
			strbuf_addstr(out, plan_level_label(json_string_value(json_object_get(l, "level"))));
			strbuf_addf(out, " %s ", plan_comparison_sign(json_string_value(
					    json_object_get(t, "comparison"))));
			plan_number(out, json_number_value(json_object_get(l, "threshold")));
			strbuf_addf(out, " %s", unit ? unit : "");
		}
		return;
	}
	strbuf_addf(out, "%s ", plan_comparison_sign(json_string_value(json_object_get(t, "comparison"))));
	plan_number(out, json_number_value(thr));
	strbuf_addf(out, " %s", unit ? unit : "");
}

void plan_value_text(struct strbuf *out, json_t *t)
{
	json_t *v = json_object_get(t, "value"), *l;
	size_t i;
	bool any = false;

	if (json_is_number(v)) {
		plan_number(out, json_number_value(v));
		strbuf_addf(out, " %s", json_string_value(json_object_get(t, "unit")));
		return;
	}
	json_array_foreach(json_object_get(t, "levels"), i, l) {
		if (!json_is_number(json_object_get(l, "value")))
			continue;
		if (any)
			strbuf_addstr(out, "; ");
		strbuf_addstr(out, plan_level_label(json_string_value(json_object_get(l, "level"))));
		strbuf_addch(out, ' ');
		plan_number(out, json_number_value(json_object_get(l, "value")));
		strbuf_addf(out, " %s", json_string_value(json_object_get(t, "unit")));
		any = true;
	}
	if (!any)
		strbuf_addstr(out, "—");
}

/* The verdict of a target: its own, or of its levels taken together. */
const char *plan_target_verdict(json_t *t)
{
	json_t *l;
	size_t i;
	int met = 0, not_met = 0;

	if (!json_array_size(json_object_get(t, "levels")) ||
	    json_is_number(json_object_get(t, "value")))
		return json_string_value(json_object_get(t, "verdict"));
	json_array_foreach(json_object_get(t, "levels"), i, l) {
		const char *v = json_string_value(json_object_get(l, "verdict"));

		met += !strcmp(v, "met");
		not_met += !strcmp(v, "not_met");
	}
	return not_met ? "not_met" : met ? "met" : "no_data";
}

const char *const plan_report_states[PLAN_NSTATES] = {
	"not_started", "on_track", "due_soon", "overdue", "done_on_time", "done_late",
};

/* The report's heading lines: title, period, agency, as of. */
void plan_report_heading(json_t *r, struct strbuf *title, struct strbuf *sub)
{
	json_t *agency = json_object_get(r, "agency");
	char as_of[CALENDAR_DAY_SIZE + 8];
	const char *iso = json_string_value(json_object_get(r, "as_of"));
	int y = 0, m = 0, d = 0;

	strbuf_addsub(title, _("Progress report on %s: %s"),
		 json_string_value(json_object_get(json_object_get(r, "plan"), "title")),
		 json_string_value(json_object_get(json_object_get(r, "period"), "label")));
	if (iso)
		sscanf(iso, "%d-%d-%d", &y, &m, &d);
	snprintf(as_of, sizeof(as_of), "%02d/%02d/%04d", d, m, y);
	strbuf_addsub(sub, json_is_object(agency) ? _("%s — situation at the end of %s") :
		 _("The whole province%s — situation at the end of %s"),
		 json_is_object(agency) ? json_string_value(json_object_get(agency, "name")) : "",
		 as_of);
}

/* ---- PDF ---------------------------------------------------------------------------------- */

int plan_report_pdf(json_t *r, struct strbuf *out, struct err *e)
{
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT, sb = STRBUF_INIT;
	struct pdf_options opt = { .page_label = _("Page") };
	struct pdf *p = NULL;
	json_t *a, *t;
	size_t i;
	int ret;

	plan_report_heading(r, &title, &sub);
	opt.title = title.buf;
	opt.subject = sub.buf;
	opt.author = "cchc";
	opt.landscape = true;
	ret = pdf_new(&p, &opt, e);
	if (ret)
		goto out;
	pdf_heading(p, 1, title.buf);
	pdf_text(p, sub.buf, false, 0, PDF_CENTER);
	pdf_space(p, 8);

	pdf_heading(p, 2, _("1. Tasks by state, per area"));
	{
		struct pdf_column cols[2 + PLAN_NSTATES] = {
			{ _("Area"), 8, PDF_LEFT }, { _("Tasks"), 1.6, PDF_RIGHT },
		};
		char nums[2 + PLAN_NSTATES][24];
		const char *cells[2 + PLAN_NSTATES];

		for (int s = 0; s < PLAN_NSTATES; s++)
			cols[2 + s] = (struct pdf_column){ plan_state_label((enum plan_state)s), 1.8,
							   PDF_RIGHT };
		pdf_table_begin(p, cols, 2 + PLAN_NSTATES);
		for (size_t k = 0; k <= json_array_size(json_object_get(r, "areas")); k++) {
			json_t *c;

			a = json_array_get(json_object_get(r, "areas"), k);
			c = a ? json_object_get(a, "counts") : json_object_get(r, "counts");
			strbuf_reset(&sb);
			if (a) {
				strbuf_addf(&sb, "%s. ", json_string_value(json_object_get(a, "code")));
				strbuf_addstr(&sb, json_string_value(json_object_get(a, "name")));
			} else {
				strbuf_addstr(&sb, _("Total"));
			}
			cells[0] = sb.buf;
			snprintf(nums[1], sizeof(nums[1]), "%lld",
				 (long long)json_integer_value(json_object_get(c, "total")));
			cells[1] = nums[1];
			for (int s = 0; s < PLAN_NSTATES; s++) {
				snprintf(nums[2 + s], sizeof(nums[0]), "%lld", (long long)json_integer_value(
						 json_object_get(c, plan_report_states[s])));
				cells[2 + s] = nums[2 + s];
			}
			if (a)
				pdf_table_row(p, cells);
			else
				pdf_table_row_bold(p, cells);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, _("2. Progress reported in the period"));
	if (!json_array_size(json_object_get(r, "reported"))) {
		pdf_paragraph(p, _("No progress was reported in the period."));
	} else {
		struct pdf_column cols[] = {
			{ _("Task"), 1.2, PDF_LEFT }, { _("Content"), 5, PDF_LEFT },
			{ _("Reported by"), 3, PDF_LEFT }, { _("Date"), 1.6, PDF_LEFT },
			{ _("Done (%)"), 1.2, PDF_RIGHT }, { _("What was done"), 5, PDF_LEFT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
		json_array_foreach(json_object_get(r, "reported"), i, t) {
			char pct[16];
			const char *cells[6];

			snprintf(pct, sizeof(pct), "%lld",
				 (long long)json_integer_value(json_object_get(t, "percent")));
			cells[0] = json_string_value(json_object_get(t, "ref"));
			cells[1] = json_string_value(json_object_get(t, "content"));
			cells[2] = json_string_value(json_object_get(t, "agency"));
			cells[3] = json_string_value(json_object_get(t, "day"));
			cells[4] = pct;
			cells[5] = json_string_value(json_object_get(t, "note"));
			pdf_table_row(p, cells);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, _("3. Overdue tasks"));
	if (!json_array_size(json_object_get(r, "overdue"))) {
		pdf_paragraph(p, _("No task is overdue."));
	} else {
		struct pdf_column cols[] = {
			{ _("Task"), 1.2, PDF_LEFT }, { _("Content"), 6, PDF_LEFT },
			{ _("Time to complete"), 2, PDF_LEFT }, { _("Lead agency"), 3.5, PDF_LEFT },
			{ _("Done (%)"), 1.2, PDF_RIGHT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
		json_array_foreach(json_object_get(r, "overdue"), i, t) {
			char pct[16];
			const char *cells[5];

			snprintf(pct, sizeof(pct), "%lld",
				 (long long)json_integer_value(json_object_get(t, "percent")));
			cells[0] = json_string_value(json_object_get(t, "ref"));
			cells[1] = json_string_value(json_object_get(t, "content"));
			cells[2] = json_string_value(json_object_get(t, "deadline"));
			cells[3] = json_string_value(json_object_get(t, "lead"));
			cells[4] = pct;
			pdf_table_row(p, cells);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, _("4. Targets"));
	{
		struct pdf_column cols[] = {
			{ "#", 0.6, PDF_RIGHT }, { _("Target"), 7, PDF_LEFT },
			{ _("Threshold"), 2.6, PDF_LEFT }, { _("Value"), 2, PDF_LEFT },
			{ _("Verdict"), 1.6, PDF_LEFT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
		json_array_foreach(json_object_get(r, "targets"), i, t) {
			struct strbuf thr = STRBUF_INIT, val = STRBUF_INIT;
			char seq[16];
			const char *cells[5];

			snprintf(seq, sizeof(seq), "%lld",
				 (long long)json_integer_value(json_object_get(t, "seq")));
			plan_threshold_text(&thr, t);
			plan_value_text(&val, t);
			cells[0] = seq;
			cells[1] = json_string_value(json_object_get(t, "text"));
			cells[2] = thr.buf;
			cells[3] = val.buf;
			cells[4] = plan_verdict_label(plan_target_verdict(t));
			pdf_table_row(p, cells);
			strbuf_release(&thr);
			strbuf_release(&val);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, _("5. Reports sent by the agencies"));
	if (!json_array_size(json_object_get(r, "submissions"))) {
		pdf_paragraph(p, _("No agency owes a report for this period."));
	} else {
		struct pdf_column cols[] = {
			{ _("Agency"), 6, PDF_LEFT }, { _("Due"), 1.6, PDF_LEFT },
			{ _("Sent"), 1.6, PDF_LEFT }, { _("Report document"), 4, PDF_LEFT },
			{ _("State"), 2.2, PDF_LEFT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
		json_array_foreach(json_object_get(r, "submissions"), i, t) {
			json_t *s = json_object_get(t, "sent");
			const char *cells[5];

			cells[0] = json_string_value(json_object_get(json_object_get(t, "agency"), "name"));
			cells[1] = json_string_value(json_object_get(t, "due"));
			cells[2] = json_string_value(json_object_get(s, "day"));
			cells[3] = json_string_value(json_object_get(s, "reference"));
			cells[4] = plan_submission_label(json_string_value(json_object_get(t, "status")));
			pdf_table_row(p, cells);
		}
		pdf_table_end(p);
	}
	ret = pdf_finish(p, out, e);
out:
	pdf_free(p);
	strbuf_release(&title);
	strbuf_release(&sub);
	strbuf_release(&sb);
	return ret;
}

/* ---- XLSX ------------------------------------------------------------------------------- */

int plan_report_xlsx(json_t *r, struct strbuf *out, struct err *e)
{
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT;
	struct xlsx_options opt = { NULL, "cchc", NULL };
	struct xlsx *x = NULL;
	struct xlsx_sheet *s;
	json_t *a, *t;
	size_t i;
	int ret;

	plan_report_heading(r, &title, &sub);
	opt.title = title.buf;
	opt.subject = sub.buf;
	ret = xlsx_new(&x, &opt, e);
	if (ret)
		goto out;

	s = xlsx_sheet(x, _("By area"));
	xlsx_title(s, title.buf);
	xlsx_note(s, sub.buf);
	{
		struct xlsx_column cols[3 + PLAN_NSTATES] = {
			{ _("Area"), 8 }, { _("Name"), 50 }, { _("Tasks"), 10 },
		};

		for (int k = 0; k < PLAN_NSTATES; k++)
			cols[3 + k] = (struct xlsx_column){ plan_state_label((enum plan_state)k), 14 };
		xlsx_columns(s, cols, 3 + PLAN_NSTATES);
	}
	for (size_t k = 0; k <= json_array_size(json_object_get(r, "areas")); k++) {
		json_t *c;

		a = json_array_get(json_object_get(r, "areas"), k);
		c = a ? json_object_get(a, "counts") : json_object_get(r, "counts");
		xlsx_bold(s, !a);
		xlsx_text(s, a ? json_string_value(json_object_get(a, "code")) : "");
		xlsx_text(s, a ? json_string_value(json_object_get(a, "name")) : _("Total"));
		xlsx_number(s, (double)json_integer_value(json_object_get(c, "total")));
		for (int st = 0; st < PLAN_NSTATES; st++)
			xlsx_number(s, (double)json_integer_value(json_object_get(c, plan_report_states[st])));
		xlsx_next_row(s);
	}

	s = xlsx_sheet(x, _("Progress reported"));
	{
		struct xlsx_column cols[] = {
			{ _("Task"), 10 }, { _("Content"), 60 }, { _("Reported by"), 35 },
			{ _("Date"), 12 }, { _("Done (%)"), 10 }, { _("What was done"), 60 },
			{ _("Evidence"), 40 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(r, "reported"), i, t) {
		xlsx_text(s, json_string_value(json_object_get(t, "ref")));
		xlsx_text(s, json_string_value(json_object_get(t, "content")));
		xlsx_text(s, json_string_value(json_object_get(t, "agency")));
		xlsx_text(s, json_string_value(json_object_get(t, "day")));
		xlsx_number(s, (double)json_integer_value(json_object_get(t, "percent")));
		xlsx_text(s, json_string_value(json_object_get(t, "note")));
		xlsx_text(s, json_string_value(json_object_get(t, "evidence")));
		xlsx_next_row(s);
	}

	s = xlsx_sheet(x, _("Overdue tasks"));
	{
		struct xlsx_column cols[] = {
			{ _("Task"), 10 }, { _("Content"), 70 }, { _("Time to complete"), 20 },
			{ _("Due"), 12 }, { _("Lead agency"), 40 }, { _("Done (%)"), 10 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(r, "overdue"), i, t) {
		xlsx_text(s, json_string_value(json_object_get(t, "ref")));
		xlsx_text(s, json_string_value(json_object_get(t, "content")));
		xlsx_text(s, json_string_value(json_object_get(t, "deadline")));
		xlsx_text(s, json_string_value(json_object_get(t, "due")));
		xlsx_text(s, json_string_value(json_object_get(t, "lead")));
		xlsx_number(s, (double)json_integer_value(json_object_get(t, "percent")));
		xlsx_next_row(s);
	}

	s = xlsx_sheet(x, _("Targets"));
	{
		struct xlsx_column cols[] = {
			{ "#", 5 }, { _("Target"), 70 }, { _("Threshold"), 30 },
			{ _("Value"), 20 }, { _("Verdict"), 14 }, { _("Indicator"), 20 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		struct strbuf thr = STRBUF_INIT, val = STRBUF_INIT;

		plan_threshold_text(&thr, t);
		plan_value_text(&val, t);
		xlsx_number(s, (double)json_integer_value(json_object_get(t, "seq")));
		xlsx_text(s, json_string_value(json_object_get(t, "text")));
		xlsx_text(s, thr.buf);
		xlsx_text(s, val.buf);
		xlsx_text(s, plan_verdict_label(plan_target_verdict(t)));
		xlsx_text(s, json_string_value(json_object_get(t, "indicator")));
		xlsx_next_row(s);
		strbuf_release(&thr);
		strbuf_release(&val);
	}

	s = xlsx_sheet(x, _("Agencies' reports"));
	{
		struct xlsx_column cols[] = {
			{ _("Agency"), 45 }, { _("Due"), 12 }, { _("Sent"), 12 },
			{ _("Report document"), 40 }, { _("State"), 20 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(r, "submissions"), i, t) {
		json_t *sent = json_object_get(t, "sent");

		xlsx_text(s, json_string_value(json_object_get(json_object_get(t, "agency"), "name")));
		xlsx_text(s, json_string_value(json_object_get(t, "due")));
		xlsx_text(s, json_string_value(json_object_get(sent, "day")));
		xlsx_text(s, json_string_value(json_object_get(sent, "reference")));
		xlsx_text(s, plan_submission_label(json_string_value(json_object_get(t, "status"))));
		xlsx_next_row(s);
	}
	ret = xlsx_finish(x, out, e);
out:
	xlsx_free(x);
	strbuf_release(&title);
	strbuf_release(&sub);
	return ret;
}

/* ---- CSV: the tasks by state, per area --------------------------------------------------- */

int plan_report_csv(json_t *r, struct strbuf *out, struct err *e)
{
	struct csv c = CSV_INIT(out);
	json_t *a;
	size_t i;

	csv_bom(&c);
	csv_field(&c, _("Area"));
	csv_field(&c, _("Name"));
	csv_field(&c, _("Tasks"));
	for (int s = 0; s < PLAN_NSTATES; s++)
		csv_field(&c, plan_report_states[s]);
	csv_end(&c);
	json_array_foreach(json_object_get(r, "areas"), i, a) {
		json_t *n = json_object_get(a, "counts");

		csv_field(&c, json_string_value(json_object_get(a, "code")));
		csv_field(&c, json_string_value(json_object_get(a, "name")));
		csv_int(&c, json_integer_value(json_object_get(n, "total")));
		for (int s = 0; s < PLAN_NSTATES; s++)
			csv_int(&c, json_integer_value(json_object_get(n, plan_report_states[s])));
		csv_end(&c);
	}
	return 0;
}
