/*
 * The pages of the evaluation: the dashboard of the province or of an
 * agency (/chi-so), the indicators' definitions, the plan's targets,
 * the entered values, the exports, and the public statistics
 * (/thong-ke).  Charts are SVG drawn here (svg.c), each followed by its
 * numbers in a table; every count links to the dossiers behind it.
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
#include "http/html.h"
#include "http/http.h"
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"
#include "org/org.h"

#define C_EARLY "#1b6e3a"
#define C_ON_TIME "#5aa874"
#define C_LATE "#b3261e"
#define C_MAIN "#1f5fa8"

#define LATE_STEPS_SHOWN 15

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void num(struct strbuf *out, json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	kpi_number(&sb, v);
	html_txt(out, sb.buf);
	strbuf_release(&sb);
}

/* The name of a step's kind, as the dossier pages say it. */
static const char *step_label(const char *kind)
{
	return !strcmp(kind, "reception") ? _("Reception") :
	       !strcmp(kind, "appraisal") ? _("Appraisal") :
	       !strcmp(kind, "approval") ? _("Approval") :
	       !strcmp(kind, "return") ? _("Return of the result") :
	       !strcmp(kind, "transfer") ? _("Transfer to another agency") : kind;
}

/* "≥ 98" rather than ">= 98". */
static const char *cmp_sign(const char *cmp)
{
	return !strcmp(cmp, ">=") ? "≥" : !strcmp(cmp, "<=") ? "≤" : cmp;
}

static void num_int(struct strbuf *out, int64_t v)
{
	html_txtf(out, "%lld", (long long)v);
}

static void verdict_tag(struct strbuf *out, const char *v)
{
	if (!*kpi_verdict_label(v))
		return;
	html(out, "<span class=\"tag ");
	html(out, !strcmp(v, "met") ? "ok" : !strcmp(v, "not_met") ? "bad" : "warn");
	html(out, "\">");
	html_txt(out, kpi_verdict_label(v));
	html(out, "</span>");
}

/* The URL of the officers' dossier list behind a number. */
static void dossier_url(struct strbuf *url, json_t *dash, const char *filters)
{
	json_t *p = json_object_get(dash, "period");

	strbuf_addstr(url, "/ho-so?agency=");
	strbuf_addstr(url, str(json_object_get(dash, "agency"), "key"));
	strbuf_addf(url, "&from=%s&to=%s", str(p, "from"), str(p, "to"));
	if (filters && *filters)
		strbuf_addf(url, "&%s", filters);
}

static void count_link(struct strbuf *out, json_t *dash, const char *filters, int64_t n)
{
	struct strbuf url = STRBUF_INIT;

	if (!filters) {
		num_int(out, n);
		return;
	}
	dossier_url(&url, dash, filters);
	html(out, "<a href=\"");
	html_attr(out, url.buf);
	html(out, "\">");
	num_int(out, n);
	html(out, "</a>");
	strbuf_release(&url);
}

/* The scope-and-period form at the top of the dashboard pages. */
static void scope_form(struct request *req, struct strbuf *out, const char *action,
		       json_t *dash)
{
	struct kpi_agency top = { 0 }, *ag = NULL;
	int n = 0;
	const char *cur = str(json_object_get(dash, "agency"), "key");

	html(out, "<form class=\"filters\" method=\"get\" action=\"");
	html_attr(out, action);
	html(out, "\">\n<label>");
	html_txt(out, _("Agency"));
	html(out, " <select name=\"agency\">\n");
	if (!kpi_scope(req->db, req->user, NULL, &top, NULL) &&
	    !kpi_agencies(req->db, &top, "all", &ag, &n, NULL)) {
		for (int i = 0; i < n; i++) {
			html(out, "<option value=\"");
			html_attr(out, ag[i].key);
			html(out, !strcmp(ag[i].key, cur) ? "\" selected>" : "\">");
			for (int d = top.depth; d < ag[i].depth; d++)
				html(out, "&nbsp;&nbsp;");
			html_txt(out, ag[i].name);
			html(out, "</option>\n");
		}
	}
	kpi_agencies_free(ag, n);
	kpi_agency_release(&top);
	html(out, "</select></label>\n<label>");
	html_txt(out, _("Period"));
	html(out, " <input name=\"period\" size=\"9\" placeholder=\"2026-Q1\" value=\"");
	html_attr(out, req_query(req, "period"));
	html(out, "\"></label>\n<label>");
	html_txt(out, _("or from"));
	html(out, " <input type=\"date\" name=\"from\" value=\"");
	html_attr(out, req_query(req, "from"));
	html(out, "\"></label>\n<label>");
	html_txt(out, _("to"));
	html(out, " <input type=\"date\" name=\"to\" value=\"");
	html_attr(out, req_query(req, "to"));
	html(out, "\"></label>\n<button type=\"submit\">");
	html_txt(out, _("Show"));
	html(out, "</button>\n</form>\n<p class=\"hint\">");
	html_txt(out, _("Period: a year (2026), a quarter (2026-Q2), six months (2026-H1) or a month (2026-03); or any range of days."));
	html(out, "</p>\n");
}

/* ?agency=…&period=… (or from/to) of the request, for links to sibling pages. */
static void scope_query(struct request *req, struct strbuf *url, const char *base,
			const char *agency)
{
	static const char *const keys[] = { "period", "from", "to" };

	strbuf_addstr(url, base);
	strbuf_addstr(url, "?agency=");
	strbuf_addstr(url, agency);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = req_query(req, keys[i]);
		struct strbuf enc = STRBUF_INIT;

		if (!v || !*v)
			continue;
		html_url_arg(&enc, v);
		strbuf_addf(url, "&%s=%s", keys[i], enc.buf);
		strbuf_release(&enc);
	}
}

static void definition(struct strbuf *out, json_t *it)
{
	html(out, "<details><summary>");
	html_txt(out, _("Definition"));
	html(out, "</summary><p>");
	html_txt(out, str(it, "definition"));
	html(out, "</p><p><code>");
	html_txt(out, str(it, "formula"));
	html(out, "</code> · <a href=\"/chi-so/dinh-nghia#");
	html_attr(out, str(it, "code"));
	html(out, "\">");
	html_txt(out, _("all definitions"));
	html(out, "</a></p></details>");
}

static void indicators_table(struct strbuf *out, json_t *dash)
{
	json_t *it;
	size_t i;

	html(out, "<table class=\"kpi\">\n<caption>");
	html_txt(out, _("Indicators"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Indicator"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Value"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Counted"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Target"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Verdict"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(dash, "indicators"), i, it) {
		const char *link = json_string_value(json_object_get(it, "link"));
		const char *src = str(it, "source");
		json_t *den = json_object_get(it, "den");

		html(out, "<tr id=\"i-");
		html_attr(out, str(it, "code"));
		html(out, "\"><th scope=\"row\">");
		html_txt(out, str(it, "name"));
		definition(out, it);
		html(out, "</th><td class=\"num\">");
		num(out, json_object_get(it, "value"));
		if (json_is_number(json_object_get(it, "value")) && !strcmp(str(it, "unit"), "%"))
			html(out, " %");
		html(out, "</td><td class=\"num\">");
		if (!strcmp(src, "counters") || !strcmp(src, "catalogue") || !strcmp(src, "plan")) {
			if (!strcmp(src, "counters")) {
				count_link(out, dash, link, json_integer_value(json_object_get(it, "num")));
			} else {
				/* The procedures behind it, or the plan's reports. */
				html(out, !strcmp(src, "catalogue") ? "<a href=\"/thu-tuc\">"
								   : "<a href=\"/ke-hoach\">");
				num_int(out, json_integer_value(json_object_get(it, "num")));
				html(out, "</a>");
			}
			if (json_is_integer(den)) {
				html(out, " / ");
				if (!strcmp(src, "counters"))
					count_link(out, dash, link && strstr(link, "outcome=") &&
						   strcmp(str(it, "code"), "late_apology") ?
						   "by=finished" : link, json_integer_value(den));
				else
					num_int(out, json_integer_value(den));
			}
		} else {
			html_txt(out, _("entered"));
		}
		html(out, "</td><td class=\"num\">");
		if (json_is_number(json_object_get(it, "target"))) {
			html_txt(out, cmp_sign(str(it, "comparison")));
			html(out, " ");
			num(out, json_object_get(it, "target"));
		}
		html(out, "</td><td>");
		verdict_tag(out, str(it, "verdict"));
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
}

static void months_section(struct strbuf *out, json_t *dash)
{
	json_t *months = json_object_get(dash, "months"), *m;
	size_t n = json_array_size(months), i;
	const char **labels = xcalloc(n + 1, sizeof(*labels));
	double *early = xcalloc(n + 1, sizeof(double)), *on = xcalloc(n + 1, sizeof(double));
	double *late = xcalloc(n + 1, sizeof(double)), *online = xcalloc(n + 1, sizeof(double));
	struct kpi_series s3[3] = {
		{ _("Early"), C_EARLY, early }, { _("On time"), C_ON_TIME, on },
		{ _("Late"), C_LATE, late },
	};
	struct kpi_series s1[1] = { { _("Filed online (%)"), C_MAIN, online } };

	json_array_foreach(months, i, m) {
		labels[i] = str(m, "month") + 5;
		early[i] = (double)json_integer_value(json_object_get(m, "early"));
		on[i] = (double)json_integer_value(json_object_get(m, "on_time"));
		late[i] = (double)json_integer_value(json_object_get(m, "late"));
		online[i] = json_number_value(json_object_get(m, "online_percent"));
	}
	html(out, "<h2 id=\"thang\">");
	html_txt(out, _("Early, on time and late, month by month"));
	html(out, "</h2>\n");
	kpi_svg_bars(out, _("Dossiers finished early, on time and late by month"),
		     _("Stacked bars: dossiers whose result was ready in each month, by outcome. The table below has the same numbers."),
		     labels, (int)n, s3, 3, false);
	html(out, "<table>\n<caption>");
	html_txt(out, _("Dossiers by month"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Month"));
	{
		static const char *const heads[] = {
			N_("Received"), N_("Online (%)"), N_("Finished"), N_("Early"), N_("On time"),
			N_("Late"), N_("On time (%)"), N_("Satisfaction (%)"),
		};

		for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
			html(out, "</th><th scope=\"col\" class=\"num\">");
			html_txt(out, _(heads[k]));
		}
	}
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(months, i, m) {
		struct kpi_period mp;
		json_t *md;

		kpi_period_parse(str(m, "month"), NULL, NULL, 0, &mp, NULL);
		/* Counts link to the month's dossiers. */
		md = json_pack("{s:O,s:o}", "agency", json_object_get(dash, "agency"),
			       "period", kpi_period_json(&mp));
		html(out, "<tr><th scope=\"row\">");
		html_txt(out, str(m, "month"));
		html(out, "</th><td class=\"num\">");
		count_link(out, md, "by=received", json_integer_value(json_object_get(m, "received")));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(m, "online_percent"));
		html(out, "</td><td class=\"num\">");
		count_link(out, md, "by=finished", json_integer_value(json_object_get(m, "finished")));
		html(out, "</td><td class=\"num\">");
		count_link(out, md, "by=finished&outcome=early",
			   json_integer_value(json_object_get(m, "early")));
		html(out, "</td><td class=\"num\">");
		count_link(out, md, "by=finished&outcome=on_time",
			   json_integer_value(json_object_get(m, "on_time")));
		html(out, "</td><td class=\"num\">");
		count_link(out, md, "by=finished&outcome=late",
			   json_integer_value(json_object_get(m, "late")));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(m, "on_time_percent"));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(m, "satisfaction_percent"));
		html(out, "</td></tr>\n");
		json_decref(md);
	}
	html(out, "</tbody>\n</table>\n<h2>");
	html_txt(out, _("Dossiers filed online"));
	html(out, "</h2>\n");
	kpi_svg_bars(out, _("Share of dossiers filed online by month"),
		     _("Bars: dossiers filed online out of all received, in percent, each month. The table above has the same numbers."),
		     labels, (int)n, s1, 1, true);
	free(labels);
	free(early);
	free(on);
	free(late);
	free(online);
}

static void satisfaction_section(struct strbuf *out, json_t *dash)
{
	static const char *const codes[] = {
		"satisfaction_access", "satisfaction_procedure", "satisfaction_officers",
		"satisfaction_result", "satisfaction_feedback",
	};
	const char *labels[5];
	double v[5];
	struct kpi_series s = { _("Satisfied (%)"), C_MAIN, v };
	json_t *values = json_pack("{s:O}", "items", json_object_get(dash, "indicators"));

	html(out, "<h2 id=\"hai-long\">");
	html_txt(out, _("Satisfaction"));
	html(out, "</h2>\n<p>");
	html_txt(out, _("Dossiers rated:"));
	html(out, " ");
	num_int(out, json_integer_value(json_object_get(json_object_get(dash, "counters"), "rated")));
	html(out, "</p>\n");
	for (int i = 0; i < 5; i++) {
		json_t *it = kpi_item(values, codes[i]);

		labels[i] = str(it, "name");
		v[i] = json_number_value(json_object_get(it, "value"));
	}
	kpi_svg_bars(out, _("Satisfaction by SIPAS factor"),
		     _("Bars: ratings of 4 or 5 out of the dossiers rated, for each factor, in percent. The indicator table above has the same numbers."),
		     labels, 5, &s, 1, true);
	json_decref(values);
}

static void backlog_section(struct strbuf *out, json_t *dash)
{
	json_t *b = json_object_get(dash, "backlog"), *it;
	json_t *buckets = json_object_get(b, "buckets");
	const char *labels[5];
	double v[5];
	struct kpi_series s = { _("Open dossiers"), C_MAIN, v };
	struct strbuf url = STRBUF_INIT;
	size_t i;

	json_array_foreach(buckets, i, it) {
		if (i >= 5)
			break;
		labels[i] = str(it, "age_days");
		v[i] = (double)json_integer_value(json_object_get(it, "count"));
	}
	html(out, "<h2 id=\"ton\">");
	html_txt(out, _("Open dossiers by age"));
	html(out, "</h2>\n<p>");
	strbuf_addf(&url, "/ho-so?agency=%s&state=open", str(json_object_get(dash, "agency"), "key"));
	html_txt(out, _("Open:"));
	html(out, " <a href=\"");
	html_attr(out, url.buf);
	html(out, "\">");
	num_int(out, json_integer_value(json_object_get(b, "open")));
	html(out, "</a> · ");
	strbuf_reset(&url);
	strbuf_addf(&url, "/ho-so?agency=%s&due=late", str(json_object_get(dash, "agency"), "key"));
	html_txt(out, _("past their deadline:"));
	html(out, " <a href=\"");
	html_attr(out, url.buf);
	html(out, "\">");
	num_int(out, json_integer_value(json_object_get(b, "overdue")));
	html(out, "</a></p>\n");
	kpi_svg_bars(out, _("Open dossiers by days since receipt"),
		     _("Bars: dossiers not finished, by days since they were received. The table below has the same numbers."),
		     labels, (int)(json_array_size(buckets) < 5 ? json_array_size(buckets) : 5),
		     &s, 1, false);
	html(out, "<table>\n<caption>");
	html_txt(out, _("Open dossiers by days since receipt"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Days"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Dossiers"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(buckets, i, it) {
		html(out, "<tr><th scope=\"row\">");
		html_txt(out, str(it, "age_days"));
		html(out, "</th><td class=\"num\">");
		num_int(out, json_integer_value(json_object_get(it, "count")));
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n<h2>");
	html_txt(out, _("Late by step and agency"));
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(dash, "late_steps"))) {
		html(out, "<p>");
		html_txt(out, _("No open step is past its deadline."));
		html(out, "</p>\n");
	} else {
		html(out, "<table>\n<caption>");
		html_txt(out, _("Open steps past their deadline"));
		html(out, "</caption>\n<thead><tr><th scope=\"col\">");
		html_txt(out, _("Step"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("Agency"));
		html(out, "</th><th scope=\"col\" class=\"num\">");
		html_txt(out, _("Dossiers"));
		html(out, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(dash, "late_steps"), i, it) {
			/* The worst ones; the API has them all. */
			if (i >= LATE_STEPS_SHOWN)
				break;
			strbuf_reset(&url);
			strbuf_addf(&url, "/ho-so?agency=%s&due=late", str(it, "agency"));
			html(out, "<tr><td>");
			html_txt(out, step_label(str(it, "step")));
			html(out, "</td><td>");
			html_txt(out, str(it, "agency_name"));
			html(out, "</td><td class=\"num\"><a href=\"");
			html_attr(out, url.buf);
			html(out, "\">");
			num_int(out, json_integer_value(json_object_get(it, "count")));
			html(out, "</a></td></tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}
	strbuf_release(&url);
}

static void index_section(struct strbuf *out, json_t *dash)
{
	json_t *idx = json_object_get(dash, "index766"), *g, *si;
	const char *labels[6];
	double v[6];
	struct kpi_series s = { _("Points"), C_MAIN, v };
	size_t i, k;

	static const char *const numbers[] = { "1", "2", "3", "4", "5", "6" };

	/* Bars are numbered as the groups in the table below: names are long. */
	json_array_foreach(json_object_get(idx, "groups"), i, g) {
		if (i >= 6)
			break;
		labels[i] = numbers[i];
		v[i] = json_number_value(json_object_get(g, "score"));
	}
	html(out, "<h2 id=\"chi-so-766\">");
	html_txt(out, _("Decision 766 index"));
	html(out, "</h2>\n<p class=\"lead\">");
	num(out, json_object_get(idx, "score"));
	html(out, " / 100 ");
	html_txt(out, _("points"));
	html(out, " <span class=\"meta\">(");
	html_txt(out, _("points with data:"));
	html(out, " ");
	num(out, json_object_get(idx, "max_with_data"));
	html(out, ")</span></p>\n");
	kpi_svg_bars(out, _("Decision 766 index by group"),
		     _("Bars: points earned in each of the six groups, numbered as in the table below, which lists each sub-indicator as value × weight."),
		     labels, (int)(json_array_size(json_object_get(idx, "groups")) < 6 ?
				   json_array_size(json_object_get(idx, "groups")) : 6), &s, 1, false);
	html(out, "<table>\n<caption>");
	html_txt(out, _("Decision 766 index: value × weight"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Group / sub-indicator"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Value (%)"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Weight"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Points"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(idx, "groups"), i, g) {
		html(out, "<tr><th scope=\"row\">");
		html_txtf(out, "%zu. %s", i + 1, str(g, "name"));
		html(out, "</th><td></td><td class=\"num\">");
		num(out, json_object_get(g, "max"));
		html(out, "</td><td class=\"num\"><strong>");
		num(out, json_object_get(g, "score"));
		html(out, "</strong></td></tr>\n");
		json_array_foreach(json_object_get(g, "items"), k, si) {
			html(out, "<tr><td>— <a href=\"#i-");
			html_attr(out, str(si, "indicator"));
			html(out, "\">");
			html_txt(out, str(si, "name"));
			html(out, "</a></td><td class=\"num\">");
			num(out, json_object_get(si, "value"));
			html(out, "</td><td class=\"num\">× ");
			num(out, json_object_get(si, "weight"));
			html(out, "</td><td class=\"num\">");
			num(out, json_object_get(si, "points"));
			html(out, "</td></tr>\n");
		}
	}
	html(out, "</tbody>\n</table>\n");
}

static void ranking_section(struct request *req, struct strbuf *out, json_t *dash)
{
	json_t *it;
	size_t i;

	html(out, "<h2 id=\"xep-hang\">");
	html_txt(out, _("Agencies ranked"));
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(dash, "ranking"))) {
		html(out, "<p>");
		html_txt(out, _("No agency below this one has dossiers in the period."));
		html(out, "</p>\n");
		return;
	}
	html(out, "<table>\n<caption>");
	html_txt(out, _("Agencies below, best share on time first"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">");
	html_txt(out, _("Agency"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Received"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Finished"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Late"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("On time (%)"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Online (%)"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Satisfaction (%)"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(dash, "ranking"), i, it) {
		json_t *ag = json_object_get(it, "agency");
		json_t *sub = json_pack("{s:O,s:O}", "agency", ag,
					"period", json_object_get(dash, "period"));
		struct strbuf url = STRBUF_INIT;

		scope_query(req, &url, "/chi-so", str(ag, "key"));
		html(out, "<tr><td class=\"num\">");
		num_int(out, json_integer_value(json_object_get(it, "rank")));
		html(out, "</td><th scope=\"row\"><a href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, str(ag, "name"));
		html(out, "</a></th><td class=\"num\">");
		count_link(out, sub, "by=received", json_integer_value(json_object_get(it, "received")));
		html(out, "</td><td class=\"num\">");
		count_link(out, sub, "by=finished", json_integer_value(json_object_get(it, "finished")));
		html(out, "</td><td class=\"num\">");
		count_link(out, sub, "by=finished&outcome=late",
			   json_integer_value(json_object_get(it, "late")));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(it, "on_time_percent"));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(it, "online_percent"));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(it, "satisfaction_percent"));
		html(out, "</td></tr>\n");
		json_decref(sub);
		strbuf_release(&url);
	}
	html(out, "</tbody>\n</table>\n");
}

static int page_dashboard(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	struct strbuf frag = STRBUF_INIT, *out = &frag, title = STRBUF_INIT, url = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT;
	json_t *dash = NULL, *kept = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (ret)
		goto out;
	strbuf_addsub(&title, _("Indicators of %s"), a.name, NULL);
	/*
	 * The page's content (not its frame, which holds the session's own
	 * sign-out form) is kept like the figures it shows, keyed by the
	 * query as typed since the form shows it back.
	 */
	kpi_cache_key(&key, "page-dashboard", req->user, &a, &p, NULL);
	{
		static const char *const keys[] = { "agency", "period", "from", "to" };

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			const char *v = req_query(req, keys[i]);

			strbuf_addf(&key, "|%s", v ? v : "");
		}
	}
	kept = kpi_cache_get(key.buf);
	if (kept) {
		page_begin(req, res, title.buf);
		html(&res->body, json_string_value(kept));
		page_end(req, res);
		goto out;
	}
	ret = kpi_dashboard_json(req->db, req->user, &a, &p, &dash, &req->err);
	if (ret)
		goto out;
	html(out, "<h1>");
	html_txt(out, title.buf);
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, str(json_object_get(dash, "period"), "label"));
	html(out, " · ");
	html_txt(out, _("with every agency below it"));
	html(out, "</p>\n");
	scope_form(req, out, "/chi-so", dash);
	html(out, "<p class=\"meta\">");
	html_txt(out, _("Download:"));
	for (int k = 0; k < 3; k++) {
		static const char *const fmts[] = { "xlsx", "pdf", "csv" };

		strbuf_reset(&url);
		strbuf_addf(&url, "/chi-so/xuat/%s", fmts[k]);
		{
			struct strbuf q = STRBUF_INIT;

			scope_query(req, &q, url.buf, a.key);
			html(out, " <a download href=\"");
			html_attr(out, q.buf);
			html(out, "\">");
			html_txt(out, fmts[k][0] == 'x' ? "XLSX" : fmts[k][0] == 'p' ? "PDF" : "CSV");
			html(out, "</a>");
			strbuf_release(&q);
		}
	}
	strbuf_reset(&url);
	scope_query(req, &url, "/chi-so/chi-tieu", a.key);
	html(out, " · <a href=\"");
	html_attr(out, url.buf);
	html(out, "\">");
	html_txt(out, _("The plan's targets"));
	html(out, "</a> · <a href=\"/chi-so/nhap\">");
	html_txt(out, _("Entered values"));
	html(out, "</a> · <a href=\"/chi-so/dinh-nghia\">");
	html_txt(out, _("Definitions"));
	html(out, "</a></p>\n");
	indicators_table(out, dash);
	months_section(out, dash);
	satisfaction_section(out, dash);
	backlog_section(out, dash);
	index_section(out, dash);
	ranking_section(req, out, dash);
	kept = json_string(frag.buf);
	if (kept)
		kpi_cache_put(key.buf, kept);
	page_begin(req, res, title.buf);
	strbuf_add(&res->body, frag.buf, frag.len);
	page_end(req, res);
out:
	json_decref(dash);
	json_decref(kept);
	strbuf_release(&frag);
	strbuf_release(&key);
	strbuf_release(&title);
	strbuf_release(&url);
	kpi_agency_release(&a);
	return ret;
}

static int page_export(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	struct strbuf disp = STRBUF_INIT;
	const char *type = NULL, *fmt = req_arg(req, 0);
	json_t *dash = NULL;
	int ret = strcmp(fmt, "xlsx") && strcmp(fmt, "pdf") && strcmp(fmt, "csv") ?
		  err_set(&req->err, E_NOTFOUND, "format", "the format must be xlsx, pdf or csv") : 0;

	if (!ret)
		ret = kpi_request_scope(req, &a, &p);
	if (!ret)
		ret = kpi_dashboard_json(req->db, req->user, &a, &p, &dash, &req->err);
	if (!ret)
		ret = kpi_export(dash, fmt, &res->body, &type, &req->err);
	if (!ret) {
		res->content_type = type;
		strbuf_addf(&disp, "attachment; filename=\"chi-so-%s-%s.%s\"", a.key, p.code, fmt);
		for (char *c = disp.buf; *c; c++)
			if (*c == '.' && c[1] == '.')
				c[0] = c[1] = '_';
		res_header(res, "Content-Disposition", disp.buf);
	}
	json_decref(dash);
	strbuf_release(&disp);
	kpi_agency_release(&a);
	return ret;
}

static int page_definitions(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Indicators: definitions"));
	html(out, "<h1>");
	html_txt(out, _("Indicators: definitions"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("Every indicator is computed from the counters the one-stop shop keeps with each change to a dossier, from the catalogue or the plan, or entered by the agencies with their evidence."));
	html(out, "</p>\n<dl class=\"definitions\">\n");
	for (int i = 0; i < kpi_ndefs; i++) {
		const struct kpi_def *d = &kpi_defs[i];

		html(out, "<dt id=\"");
		html_attr(out, d->code);
		html(out, "\">");
		html_txt(out, _(d->name));
		html(out, " <code>");
		html_txt(out, d->code);
		html(out, "</code></dt>\n<dd><p>");
		html_txt(out, _(d->definition));
		html(out, "</p><p>");
		html_txt(out, _("Formula:"));
		html(out, " <code>");
		html_txt(out, d->formula);
		html(out, "</code> · ");
		html_txt(out, _("Unit:"));
		html(out, " ");
		html_txt(out, d->unit);
		html(out, " · ");
		html_txt(out, d->higher_better ? _("higher is better") : _("lower is better"));
		if (d->target >= 0) {
			html(out, " · ");
			html_txt(out, _("Target:"));
			html_txtf(out, " %s %g", cmp_sign(d->cmp), d->target);
		}
		html(out, "</p></dd>\n");
	}
	html(out, "</dl>\n");
	page_end(req, res);
	return 0;
}

static int page_targets(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	struct strbuf *out = &res->body;
	json_t *t = NULL, *it, *l, *tr;
	size_t i, k;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret)
		ret = kpi_targets(req->db, req->user, &a, req_query(req, "plan"), &p, &t, &req->err);
	if (ret)
		goto out;
	page_begin(req, res, _("The plan's targets"));
	html(out, "<h1>");
	html_txt(out, _("The plan's targets"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, str(json_object_get(t, "plan"), "title"));
	html(out, "</p>\n<p>");
	html_txt(out, a.name);
	html(out, " · ");
	html_txt(out, str(json_object_get(t, "period"), "label"));
	html(out, "</p>\n");
	scope_form(req, out, "/chi-so/chi-tieu", t);
	html(out, "<table class=\"targets\">\n<caption>");
	html_txt(out, _("Targets, measured values and verdicts"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">");
	html_txt(out, _("Target"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Threshold"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Value"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Verdict"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Trend over the year"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(t, "items"), i, it) {
		html(out, "<tr><td>");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(it, "seq")));
		html(out, "</td><td>");
		html_txt(out, str(it, "measure"));
		if (json_is_string(json_object_get(it, "indicator"))) {
			html(out, " <a class=\"meta\" href=\"/chi-so/dinh-nghia#");
			html_attr(out, str(it, "indicator"));
			html(out, "\">");
			html_txt(out, str(it, "indicator"));
			html(out, "</a>");
		} else {
			html(out, " <span class=\"meta\">(");
			html_txt(out, _("entered in the plan"));
			html(out, ")</span>");
		}
		json_array_foreach(json_object_get(it, "levels"), k, l) {
			html(out, "<br><span class=\"meta\">");
			html_txt(out, str(l, "level"));
			html(out, ": ");
			html_txt(out, cmp_sign(str(it, "comparison")));
			html(out, " ");
			num(out, json_object_get(l, "threshold"));
			html(out, " → ");
			num(out, json_object_get(l, "value"));
			html(out, "</span> ");
			verdict_tag(out, str(l, "verdict"));
		}
		html(out, "</td><td class=\"num\">");
		if (json_is_number(json_object_get(it, "threshold"))) {
			html_txt(out, cmp_sign(str(it, "comparison")));
			html(out, " ");
			num(out, json_object_get(it, "threshold"));
		}
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(it, "value"));
		html(out, "</td><td>");
		verdict_tag(out, str(it, "verdict"));
		html(out, "</td><td class=\"meta\">");
		json_array_foreach(json_object_get(it, "trend"), k, tr) {
			if (!json_is_number(json_object_get(tr, "value")))
				continue;
			html_txt(out, str(tr, "month") + 5);
			html(out, ": ");
			num(out, json_object_get(tr, "value"));
			html(out, " ");
		}
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
	page_end(req, res);
out:
	json_decref(t);
	kpi_agency_release(&a);
	return ret;
}

static int page_entries(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct strbuf *out = &res->body;
	json_t *items = NULL, *it;
	size_t i;
	int ret = kpi_scope(req->db, req->user, req_query(req, "agency"), &a, &req->err);

	if (!ret)
		ret = kpi_entries(req->db, &a, &items);
	if (ret)
		goto out;
	page_begin(req, res, _("Entered values"));
	html(out, "<h1>");
	html_txt(out, _("Entered values"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("Indicators only people know, entered per agency and period with their evidence. The newest value of a period counts; every entry stays in the list and in the audit log."));
	html(out, "</p>\n");
	if (user_has(req->user, ROLE_MONITOR | ROLE_REPORTER)) {
		html(out, "<form class=\"stack\" method=\"post\" action=\"/chi-so/nhap\">\n");
		org_csrf_field(req, res);
		html(out, "<label for=\"indicator\">");
		html_txt(out, _("Indicator"));
		html(out, "</label><select id=\"indicator\" name=\"indicator\">\n");
		for (int k = 0; k < kpi_ndefs; k++) {
			if (kpi_defs[k].source != SRC_ENTERED)
				continue;
			html(out, "<option value=\"");
			html_attr(out, kpi_defs[k].code);
			html(out, "\">");
			html_txt(out, _(kpi_defs[k].name));
			html(out, "</option>\n");
		}
		html(out, "</select>\n<label for=\"agency\">");
		html_txt(out, _("Agency (key)"));
		html(out, "</label><input id=\"agency\" name=\"agency\" value=\"");
		html_attr(out, req->user->agency_key);
		html(out, "\">\n<label for=\"period\">");
		html_txt(out, _("Period"));
		html(out, "</label><input id=\"period\" name=\"period\" required placeholder=\"2026-Q1\">\n"
		     "<label for=\"value\">");
		html_txt(out, _("Value (%)"));
		html(out, "</label><input id=\"value\" name=\"value\" required inputmode=\"decimal\">\n"
		     "<label for=\"evidence\">");
		html_txt(out, _("Evidence"));
		html(out, "</label><textarea id=\"evidence\" name=\"evidence\" required rows=\"3\"></textarea>\n"
		     "<p><button type=\"submit\">");
		html_txt(out, _("Save"));
		html(out, "</button></p>\n</form>\n");
	}
	html(out, "<table>\n<caption>");
	html_txt(out, _("Entered values, newest first"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Indicator"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Agency"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Period"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Value"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Evidence"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("By"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(items, i, it) {
		const struct kpi_def *d = kpi_def_find(str(it, "indicator"));

		html(out, "<tr><td>");
		html_txt(out, d ? _(d->name) : str(it, "indicator"));
		html(out, "</td><td>");
		html_txt(out, str(it, "agency_name"));
		html(out, "</td><td>");
		html_txt(out, str(it, "period"));
		html(out, "</td><td class=\"num\">");
		num(out, json_object_get(it, "value"));
		html(out, "</td><td>");
		html_txt(out, str(it, "evidence"));
		html(out, "</td><td>");
		html_txt(out, str(it, "by"));
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
	page_end(req, res);
out:
	json_decref(items);
	kpi_agency_release(&a);
	return ret;
}

static int page_entry_add(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	const char *value = req_form(req, "value");
	struct strbuf dot = STRBUF_INIT;
	char *end = NULL;
	double v = 0;
	int64_t id;
	int ret = org_csrf_check(req);

	if (ret)
		return ret;
	strbuf_addstr(&dot, value ? value : "");
	for (char *c = dot.buf; *c; c++)
		if (*c == ',')
			*c = '.';
	v = strtod(dot.buf, &end);
	if (!*dot.buf || *end)
		ret = err_set(&req->err, E_INVALID, "value", "the value must be a number");
	strbuf_release(&dot);
	if (!ret)
		ret = kpi_entry_add(req->db, req->user, &who, req_form(req, "indicator"),
				    req_form(req, "agency"), req_form(req, "period"), v,
				    req_form(req, "evidence"), &id, &req->err);
	if (!ret)
		res_redirect(res, "/chi-so/nhap");
	return ret;
}

static void public_cells(struct strbuf *out, json_t *r)
{
	html(out, "<td class=\"num\">");
	num_int(out, json_integer_value(json_object_get(r, "received")));
	html(out, "</td><td class=\"num\">");
	num_int(out, json_integer_value(json_object_get(r, "finished")));
	html(out, "</td><td class=\"num\">");
	num(out, json_object_get(r, "on_time_percent"));
	html(out, "</td><td class=\"num\">");
	num_int(out, json_integer_value(json_object_get(r, "late")));
	html(out, "</td><td class=\"num\">");
	num_int(out, json_integer_value(json_object_get(r, "apologies")));
	html(out, "</td><td class=\"num\">");
	num(out, json_object_get(r, "satisfaction_percent"));
	html(out, "</td>");
}

static int page_public(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	json_t *s = NULL, *it;
	size_t i;
	int ret = kpi_public_stats(req->db, &s, &req->err);

	if (ret)
		return ret;
	page_begin(req, res, _("Statistics of the one-stop shop"));
	html(out, "<h1>");
	html_txt(out, _("Statistics of the one-stop shop"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("How every agency handles dossiers, this month and this year. Each agency's figures include the agencies below it."));
	html(out, "</p>\n<div class=\"scroll\"><table class=\"stats\">\n<caption>");
	html_txt(out, str(json_object_get(s, "month"), "label"));
	html(out, " · ");
	html_txt(out, str(json_object_get(s, "year"), "label"));
	html(out, "</caption>\n<thead><tr><th scope=\"col\" rowspan=\"2\">");
	html_txt(out, _("Agency"));
	html(out, "</th><th scope=\"colgroup\" colspan=\"6\">");
	html_txt(out, _("This month"));
	html(out, "</th><th scope=\"colgroup\" colspan=\"6\">");
	html_txt(out, _("This year"));
	html(out, "</th></tr>\n<tr>");
	for (int k = 0; k < 2; k++) {
		static const char *const heads[] = {
			N_("Received"), N_("Finished"), N_("On time (%)"), N_("Late"),
			N_("Apologies"), N_("Satisfaction (%)"),
		};

		for (size_t h = 0; h < ARRAY_SIZE(heads); h++) {
			html(out, "<th scope=\"col\" class=\"num\">");
			html_txt(out, _(heads[h]));
			html(out, "</th>");
		}
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(s, "items"), i, it) {
		json_int_t depth = json_integer_value(json_object_get(it, "depth"));

		html(out, "<tr><th scope=\"row\">");
		for (json_int_t d = 0; d < depth; d++)
			html(out, "&nbsp;&nbsp;");
		html_txt(out, str(json_object_get(it, "agency"), "name"));
		html(out, "</th>");
		public_cells(out, json_object_get(it, "month"));
		public_cells(out, json_object_get(it, "year"));
		html(out, "</tr>\n");
	}
	html(out, "</tbody>\n</table></div>\n<p class=\"meta\">");
	html_txt(out, _("On time: results ready early or on time out of all results ready; a dossier that was late stays late even after an apology. Satisfaction: ratings of 4 or 5 out of all ratings."));
	html(out, " <a href=\"/chi-so/dinh-nghia\">");
	html_txt(out, _("Definitions"));
	html(out, "</a> · <a href=\"/api/v1/stats\">JSON</a></p>\n");
	page_end(req, res);
	json_decref(s);
	return 0;
}

#define STAFF ROLES_STAFF

const struct route kpi_page_routes[] = {
	{ "GET", "/chi-so", page_dashboard, ROUTE_HTML, STAFF,
	  "the dashboard of the province or an agency" },
	{ "GET", "/chi-so/dinh-nghia", page_definitions, ROUTE_HTML, ROLE_PUBLIC,
	  "the indicators' definitions" },
	{ "GET", "/chi-so/chi-tieu", page_targets, ROUTE_HTML, STAFF,
	  "the plan's targets against the indicators" },
	{ "GET", "/chi-so/nhap", page_entries, ROUTE_HTML, STAFF,
	  "entered values, and the form to enter one" },
	{ "POST", "/chi-so/nhap", page_entry_add, ROUTE_HTML, ROLE_MONITOR | ROLE_REPORTER,
	  "enter an indicator's value" },
	{ "GET", "/chi-so/xuat/{format}", page_export, ROUTE_HTML | ROUTE_SLOW, STAFF,
	  "the dashboard as XLSX, PDF or CSV" },
	{ "GET", "/thong-ke", page_public, ROUTE_HTML, ROLE_PUBLIC,
	  "public statistics of every agency" },
};
const unsigned kpi_page_nroutes = sizeof(kpi_page_routes) / sizeof(kpi_page_routes[0]);
