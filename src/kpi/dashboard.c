/*
 * The dashboard's data, gathered once for the page, the API and the
 * exports (XLSX, PDF, CSV) so the three always show the same numbers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "export/csv.h"
#include "export/pdf.h"
#include "export/xlsx.h"
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"

static json_t *pct(int64_t num, int64_t den)
{
	return den > 0 ? json_real(round(10000.0 * (double)num / (double)den) / 100) : json_null();
}

static json_t *month_row(const char *ym, const struct kpi_sums *s)
{
	struct kpi_value sat = kpi_satisfaction(s, -1);

	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "month", ym,
		"received", (json_int_t)s->v[M_RECEIVED],
		"received_online", (json_int_t)s->v[M_RECEIVED_ONLINE],
		"finished", (json_int_t)s->v[M_FINISHED],
		"early", (json_int_t)s->v[M_FINISHED_EARLY],
		"on_time", (json_int_t)s->v[M_FINISHED_ON_TIME],
		"late", (json_int_t)s->v[M_FINISHED_LATE], "rated", (json_int_t)s->v[M_RATED],
		"on_time_percent", pct(s->v[M_FINISHED_EARLY] + s->v[M_FINISHED_ON_TIME],
				       s->v[M_FINISHED]),
		"online_percent", pct(s->v[M_RECEIVED_ONLINE], s->v[M_RECEIVED]),
		"satisfaction_percent", sat.has ? json_real(round(sat.value * 100) / 100)
						: json_null());
}

int kpi_dashboard_json(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
		       const struct kpi_period *p, json_t **out, struct err *e)
{
	struct kpi_agency *kids = NULL;
	struct kpi_sums sum, *months = NULL, *ks = NULL;
	json_t *values = NULL, *index = NULL, *backlog = NULL, *late = NULL, *rank = NULL;
	struct strbuf key = STRBUF_INIT;
	json_t *mrows;
	int nm = kpi_months(p), nk = 0, ret;

	kpi_cache_key(&key, "dashboard", viewer, scope, p, NULL);
	*out = kpi_cache_get(key.buf);
	if (*out) {
		strbuf_release(&key);
		return 0;
	}
	mrows = json_array();
	months = xcalloc((size_t)nm, sizeof(*months));
	ret = kpi_values(db, viewer, scope, p, &values, e);
	if (!ret)
		ret = kpi_sums_load(db, scope, 1, p, &sum, months, e);
	for (int k = 0; !ret && k < nm; k++) {
		char ym[8];

		kpi_month_of(p, k, ym);
		json_array_append_new(mrows, month_row(ym, &months[k]));
	}
	if (!ret)
		ret = kpi_agencies(db, scope, "children", &kids, &nk, e);
	if (!ret) {
		ks = xcalloc((size_t)nk + 1, sizeof(*ks));
		ret = kpi_sums_load(db, kids, nk, p, ks, NULL, e);
	}
	if (!ret) {
		rank = json_array();
		for (int i = 0; i < nk; i++) {
			json_t *r;

			if (!ks[i].v[M_RECEIVED] && !ks[i].v[M_FINISHED])
				continue;
			r = month_row("", &ks[i]);
			json_object_del(r, "month");
			json_object_set_new(r, "agency", kpi_agency_json(&kids[i]));
			json_array_append_new(rank, r);
		}
		/* Best on-time share first; no data last. */
		for (size_t a = 1; a < json_array_size(rank); a++)
			for (size_t b = a; b > 0; b--) {
				json_t *x = json_array_get(rank, b - 1), *y = json_array_get(rank, b);
				json_t *vx = json_object_get(x, "on_time_percent");
				json_t *vy = json_object_get(y, "on_time_percent");
				bool swap = json_is_null(vx) ? !json_is_null(vy) :
					    !json_is_null(vy) && json_number_value(vy) >
								 json_number_value(vx);

				if (!swap)
					break;
				json_incref(x);
				json_array_set(rank, b - 1, y);
				json_array_set_new(rank, b, x);
			}
		for (size_t a = 0; a < json_array_size(rank); a++)
			json_object_set_new(json_array_get(rank, a), "rank", json_integer((json_int_t)a + 1));
	}
	if (!ret)
		ret = kpi_index766(db, values, &index);
	if (!ret)
		ret = kpi_backlog(db, scope, &backlog);
	if (!ret)
		ret = kpi_late_steps(db, scope, &late);
	if (!ret) {
		*out = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}",
			"agency", json_object_get(values, "agency"),
			"period", json_object_get(values, "period"),
			"indicators", json_object_get(values, "items"),
			"counters", json_object_get(values, "counters"),
			"months", mrows, "ranking", rank, "index766", index,
			"backlog", backlog, "late_steps", late);
		kpi_cache_put(key.buf, *out);
	}
	strbuf_release(&key);
	json_decref(values);
	json_decref(index);
	json_decref(backlog);
	json_decref(late);
	json_decref(rank);
	json_decref(mrows);
	free(months);
	free(ks);
	kpi_agencies_free(kids, nk);
	return ret;
}

/* ---- exports --------------------------------------------------------------------- */

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void num_text(struct strbuf *sb, json_t *v)
{
	strbuf_reset(sb);
	kpi_number(sb, v);
}

static void heading(json_t *d, struct strbuf *title, struct strbuf *sub)
{
	strbuf_addsub(title, _("Indicators of %s"), str(json_object_get(d, "agency"), "name"), NULL);
	strbuf_addstr(sub, str(json_object_get(d, "period"), "label"));
}

/* A number cell, or an empty one where the figure is null (no data). */
static void cell_number(struct xlsx_sheet *s, json_t *v)
{
	if (json_is_number(v))
		xlsx_number(s, json_number_value(v));
	else
		xlsx_skip(s);
}

/* The cells of row's members keys[0..n), in order. */
static void cell_numbers(struct xlsx_sheet *s, json_t *row, const char *const *keys, size_t n)
{
	for (size_t k = 0; k < n; k++)
		cell_number(s, json_object_get(row, keys[k]));
}

static int export_xlsx(json_t *d, struct strbuf *out, struct err *e)
{
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT;
	struct xlsx_options opt = { NULL, "cchc", NULL };
	struct xlsx *x = NULL;
	struct xlsx_sheet *s;
	json_t *it, *g, *si;
	size_t i, k;
	int ret;

	heading(d, &title, &sub);
	opt.title = title.buf;
	opt.subject = sub.buf;
	ret = xlsx_new(&x, &opt, e);
	if (ret)
		goto out;
	s = xlsx_sheet(x, _("Indicators"));
	xlsx_title(s, title.buf);
	xlsx_note(s, sub.buf);
	{
		struct xlsx_column cols[] = {
			{ _("Code"), 24 }, { _("Indicator"), 40 }, { _("Value"), 10 },
			{ _("Numerator"), 12 }, { _("Denominator"), 12 }, { _("Unit"), 8 },
			{ _("Target"), 8 }, { _("Verdict"), 12 }, { _("Definition"), 70 },
			{ _("Formula"), 40 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(d, "indicators"), i, it) {
		xlsx_text(s, str(it, "code"));
		xlsx_text(s, str(it, "name"));
		cell_number(s, json_object_get(it, "value"));
		xlsx_number(s, (double)json_integer_value(json_object_get(it, "num")));
		if (json_is_integer(json_object_get(it, "den")))
			xlsx_number(s, (double)json_integer_value(json_object_get(it, "den")));
		else
			xlsx_skip(s);
		xlsx_text(s, str(it, "unit"));
		cell_number(s, json_object_get(it, "target"));
		xlsx_text(s, kpi_verdict_label(str(it, "verdict")));
		xlsx_text(s, str(it, "definition"));
		xlsx_text(s, str(it, "formula"));
		xlsx_next_row(s);
	}
	s = xlsx_sheet(x, _("By month"));
	{
		struct xlsx_column cols[] = {
			{ _("Month"), 10 }, { _("Received"), 10 }, { _("Online"), 10 },
			{ _("Finished"), 10 }, { _("Early"), 10 }, { _("On time"), 10 },
			{ _("Late"), 10 }, { _("On time (%)"), 12 }, { _("Online (%)"), 12 },
			{ _("Satisfaction (%)"), 14 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(d, "months"), i, it) {
		static const char *const keys[] = { "received", "received_online", "finished", "early",
						    "on_time", "late", "on_time_percent",
						    "online_percent", "satisfaction_percent" };

		xlsx_text(s, str(it, "month"));
		cell_numbers(s, it, keys, ARRAY_SIZE(keys));
		xlsx_next_row(s);
	}
	s = xlsx_sheet(x, _("Agencies ranked"));
	{
		struct xlsx_column cols[] = {
			{ "#", 5 }, { _("Agency"), 45 }, { _("Received"), 10 }, { _("Finished"), 10 },
			{ _("Late"), 10 }, { _("On time (%)"), 12 }, { _("Online (%)"), 12 },
			{ _("Satisfaction (%)"), 14 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(d, "ranking"), i, it) {
		static const char *const keys[] = { "received", "finished", "late", "on_time_percent",
						    "online_percent", "satisfaction_percent" };

		xlsx_number(s, (double)json_integer_value(json_object_get(it, "rank")));
		xlsx_text(s, str(json_object_get(it, "agency"), "name"));
		cell_numbers(s, it, keys, ARRAY_SIZE(keys));
		xlsx_next_row(s);
	}
	s = xlsx_sheet(x, _("Decision 766 index"));
	{
		struct xlsx_column cols[] = {
			{ _("Group"), 34 }, { _("Sub-indicator"), 40 }, { _("Value (%)"), 10 },
			{ _("Weight"), 10 }, { _("Points"), 10 },
		};

		xlsx_columns(s, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(json_object_get(d, "index766"), "groups"), i, g) {
		xlsx_bold(s, true);
		xlsx_text(s, str(g, "name"));
		xlsx_skip(s);
		xlsx_skip(s);
		xlsx_number(s, json_number_value(json_object_get(g, "max")));
		xlsx_number(s, json_number_value(json_object_get(g, "score")));
		xlsx_next_row(s);
		xlsx_bold(s, false);
		json_array_foreach(json_object_get(g, "items"), k, si) {
			xlsx_skip(s);
			xlsx_text(s, str(si, "name"));
			cell_number(s, json_object_get(si, "value"));
			xlsx_number(s, json_number_value(json_object_get(si, "weight")));
			cell_number(s, json_object_get(si, "points"));
			xlsx_next_row(s);
		}
	}
	xlsx_bold(s, true);
	xlsx_text(s, _("Total"));
	xlsx_skip(s);
	xlsx_skip(s);
	xlsx_number(s, 100);
	xlsx_number(s, json_number_value(json_object_get(json_object_get(d, "index766"), "score")));
	xlsx_next_row(s);
	ret = xlsx_finish(x, out, e);
out:
	xlsx_free(x);
	strbuf_release(&title);
	strbuf_release(&sub);
	return ret;
}

static int export_pdf(json_t *d, struct strbuf *out, struct err *e)
{
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct pdf_options opt = { 0 };
	struct pdf *p = NULL;
	json_t *it, *g;
	size_t i;
	int ret;

	heading(d, &title, &sub);
	opt.title = title.buf;
	ret = pdf_new(&p, &opt, e);
	if (ret)
		goto out;
	pdf_heading(p, 1, title.buf);
	pdf_paragraph(p, sub.buf);
	{
		struct pdf_column cols[] = {
			{ _("Indicator"), 0.5, PDF_LEFT }, { _("Value"), 0.15, PDF_RIGHT },
			{ _("Target"), 0.15, PDF_RIGHT }, { _("Verdict"), 0.2, PDF_LEFT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(d, "indicators"), i, it) {
		const char *cells[4];

		num_text(&a, json_object_get(it, "value"));
		if (json_is_number(json_object_get(it, "value")))
			strbuf_addf(&a, " %s", str(it, "unit"));
		num_text(&b, json_object_get(it, "target"));
		cells[0] = str(it, "name");
		cells[1] = a.buf;
		cells[2] = json_is_number(json_object_get(it, "target")) ? b.buf : "";
		cells[3] = kpi_verdict_label(str(it, "verdict"));
		pdf_table_row(p, cells);
	}
	pdf_table_end(p);
	pdf_heading(p, 2, _("Decision 766 index"));
	{
		struct pdf_column cols[] = {
			{ _("Group"), 0.6, PDF_LEFT }, { _("Points"), 0.2, PDF_RIGHT },
			{ _("Maximum"), 0.2, PDF_RIGHT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(json_object_get(d, "index766"), "groups"), i, g) {
		const char *cells[3];

		num_text(&a, json_object_get(g, "score"));
		num_text(&b, json_object_get(g, "max"));
		cells[0] = str(g, "name");
		cells[1] = a.buf;
		cells[2] = b.buf;
		pdf_table_row(p, cells);
	}
	pdf_table_end(p);
	pdf_heading(p, 2, _("Agencies ranked"));
	{
		struct pdf_column cols[] = {
			{ "#", 0.08, PDF_RIGHT }, { _("Agency"), 0.52, PDF_LEFT },
			{ _("Received"), 0.2, PDF_RIGHT }, { _("On time (%)"), 0.2, PDF_RIGHT },
		};

		pdf_table_begin(p, cols, (int)ARRAY_SIZE(cols));
	}
	json_array_foreach(json_object_get(d, "ranking"), i, it) {
		struct strbuf r = STRBUF_INIT, n = STRBUF_INIT;
		const char *cells[4];

		strbuf_addf(&r, "%lld", (long long)json_integer_value(json_object_get(it, "rank")));
		strbuf_addf(&n, "%lld", (long long)json_integer_value(json_object_get(it, "received")));
		num_text(&a, json_object_get(it, "on_time_percent"));
		cells[0] = r.buf;
		cells[1] = str(json_object_get(it, "agency"), "name");
		cells[2] = n.buf;
		cells[3] = a.buf;
		pdf_table_row(p, cells);
		strbuf_release(&r);
		strbuf_release(&n);
	}
	pdf_table_end(p);
	ret = pdf_finish(p, out, e);
out:
	pdf_free(p);
	strbuf_release(&title);
	strbuf_release(&sub);
	strbuf_release(&a);
	strbuf_release(&b);
	return ret;
}

static int export_csv(json_t *d, struct strbuf *out)
{
	struct csv c = CSV_INIT(out);
	json_t *it;
	size_t i;

	csv_bom(&c);
	csv_field(&c, "code");
	csv_field(&c, "name");
	csv_field(&c, "value");
	csv_field(&c, "num");
	csv_field(&c, "den");
	csv_field(&c, "unit");
	csv_field(&c, "target");
	csv_field(&c, "verdict");
	csv_end(&c);
	json_array_foreach(json_object_get(d, "indicators"), i, it) {
		json_t *v = json_object_get(it, "value"), *t = json_object_get(it, "target");

		csv_field(&c, str(it, "code"));
		csv_field(&c, str(it, "name"));
		if (json_is_number(v))
			csv_num(&c, json_number_value(v));
		else
			csv_field(&c, "");
		csv_int(&c, json_integer_value(json_object_get(it, "num")));
		if (json_is_integer(json_object_get(it, "den")))
			csv_int(&c, json_integer_value(json_object_get(it, "den")));
		else
			csv_field(&c, "");
		csv_field(&c, str(it, "unit"));
		if (json_is_number(t))
			csv_num(&c, json_number_value(t));
		else
			csv_field(&c, "");
		csv_field(&c, str(it, "verdict"));
		csv_end(&c);
	}
	return 0;
}

int kpi_export(json_t *dash, const char *format, struct strbuf *out, const char **type,
	       struct err *e)
{
	if (format && !strcmp(format, "xlsx")) {
		*type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		return export_xlsx(dash, out, e);
	}
	if (format && !strcmp(format, "pdf")) {
		*type = "application/pdf";
		return export_pdf(dash, out, e);
	}
	if (format && !strcmp(format, "csv")) {
		*type = "text/csv; charset=utf-8";
		return export_csv(dash, out);
	}
	return err_set(e, E_INVALID, "format", "the format must be xlsx, pdf or csv");
}
