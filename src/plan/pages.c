/*
 * The HTML pages of plan, under /ke-hoach: the plans, a plan at a glance,
 * its tasks (filtered), a task with its history and the report form, the
 * tasks of one's own agency with its reminders, the targets, the import's
 * warnings for review, and the periodic reports (HTML, PDF, XLSX).
 *
 * Like the other pages they hold no rules: they read the query or the
 * form, call plan.h and render the JSON that comes back — the same the
 * API sends.  They work without JavaScript; a form that fails comes back
 * with its error announced (role="alert") and its fields as they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"
#include "plan/report_impl.h"

#define BASE "/ke-hoach"

/* ---- small pieces ------------------------------------------------------------------ */

static const char *str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* "2021-06-30" as 30/06/2021 in a <time> element; "—" for none. */
static void day_html(struct strbuf *out, const char *iso)
{
	int y, m, d;

	if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3) {
		html(out, "—");
		return;
	}
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txtf(out, "%02d/%02d/%04d", d, m, y);
	html(out, "</time>");
}

/* The URL of a plan's page: BASE/KEY + rest. */
static void plan_url(struct strbuf *out, const char *key, const char *rest)
{
	strbuf_addstr(out, BASE "/");
	html_url_arg(out, key);
	if (rest)
		strbuf_addstr(out, rest);
}

static void link(struct strbuf *out, const char *href, const char *text)
{
	html(out, "<a href=\"");
	html_attr(out, href);
	html(out, "\">");
	html_txt(out, text);
	html(out, "</a>");
}

/* A state as a tag, coloured by how it stands. */
static void state_tag(struct strbuf *out, const char *state)
{
	int s = plan_state_parse(state);
	const char *cls = s == PLAN_OVERDUE ? "tag bad" :
		s == PLAN_DUE_SOON || s == PLAN_DONE_LATE ? "tag warn" :
		s == PLAN_DONE_ON_TIME ? "tag ok" : "tag";

	html(out, "<span class=\"");
	html(out, cls);
	html(out, "\">");
	html_txt(out, plan_state_label(s < 0 ? PLAN_NOT_STARTED : (enum plan_state)s));
	html(out, "</span>");
}

static void form_error(struct strbuf *out, const struct err *e)
{
	if (!e->message[0])
		return;
	html(out, "<div role=\"alert\" id=\"form-error\">\n<p class=\"error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
	if (e->field[0] && strcmp(e->field, "csrf")) {
		html(out, "<p><a href=\"#f-");
		html_attr(out, e->field);
		html(out, "\">");
		html_txt(out, _("Go to the field"));
		html(out, "</a></p>\n");
	}
	html(out, "</div>\n");
}

static void notice(struct strbuf *out, const char *text)
{
	html(out, "<p class=\"notice\" role=\"status\">");
	html_txt(out, text);
	html(out, "</p>\n");
}

/* The opening of a labelled field: label, hint, error; then the control's attributes. */
static void field_head(struct strbuf *out, const struct err *e, const char *name,
		       const char *label, const char *hint)
{
	bool bad = e->message[0] && !strcmp(e->field, name);

	/* Each field in a box of its own, so that forms can lay them out. */
	html(out, "<div class=\"field\">\n<label for=\"f-");
	html_attr(out, name);
	html(out, "\">");
	html_txt(out, label);
	html(out, "</label>\n");
	if (hint) {
		html(out, "<p class=\"hint\" id=\"f-");
		html_attr(out, name);
		html(out, "-hint\">");
		html_txt(out, hint);
		html(out, "</p>\n");
	}
	if (bad) {
		html(out, "<p class=\"error\" id=\"f-");
		html_attr(out, name);
		html(out, "-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
}

/* The attributes common to a control: id, name, described-by, invalid. */
static void field_attrs(struct strbuf *out, const struct err *e, const char *name,
			bool hint)
{
	bool bad = e->message[0] && !strcmp(e->field, name);

	html(out, " id=\"f-");
	html_attr(out, name);
	html(out, "\" name=\"");
	html_attr(out, name);
	html(out, "\"");
	if (hint || bad) {
		html(out, " aria-describedby=\"");
		if (hint) {
			html(out, "f-");
			html_attr(out, name);
			html(out, "-hint");
		}
		if (bad) {
			html(out, hint ? " f-" : "f-");
			html_attr(out, name);
			html(out, "-error");
		}
		html(out, "\"");
	}
	if (bad)
		html(out, " aria-invalid=\"true\"");
}

static void input(struct strbuf *out, const struct err *e, const char *name, const char *label,
		  const char *type, const char *value, const char *hint, const char *extra)
{
	field_head(out, e, name, label, hint);
	html(out, "<input type=\"");
	html_attr(out, type);
	html(out, "\"");
	field_attrs(out, e, name, hint != NULL);
	if (value) {
		html(out, " value=\"");
		html_attr(out, value);
		html(out, "\"");
	}
	if (extra)
		html(out, extra);
	html(out, ">\n</div>\n");
}

static void textarea(struct strbuf *out, const struct err *e, const char *name,
		     const char *label, const char *value, const char *hint, bool required)
{
	field_head(out, e, name, label, hint);
	html(out, "<textarea rows=\"4\" cols=\"60\"");
	field_attrs(out, e, name, hint != NULL);
	if (required)
		html(out, " required");
	html(out, ">");
	html_txt(out, value);
	html(out, "</textarea>\n</div>\n");
}

/* A <select> of (value, label) pairs, with chosen selected. */
static void select_open(struct strbuf *out, const struct err *e, const char *name,
			const char *label)
{
	field_head(out, e, name, label, NULL);
	html(out, "<select");
	field_attrs(out, e, name, false);
	html(out, ">\n");
}

static void select_close(struct strbuf *out)
{
	html(out, "</select>\n</div>\n");
}

static void option(struct strbuf *out, const char *value, const char *label, const char *chosen)
{
	html(out, "<option value=\"");
	html_attr(out, value);
	html(out, "\"");
	if (chosen && !strcmp(chosen, value))
		html(out, " selected");
	html(out, ">");
	html_txt(out, label);
	html(out, "</option>\n");
}

/* The links between a plan's pages. */
static void plan_nav(struct request *req, struct strbuf *out, const char *key)
{
	static const struct {
		const char *rest, *label;
		unsigned roles;
	} items[] = {
		{ "", N_("At a glance"), 0 },
		{ "/nhiem-vu", N_("Tasks"), 0 },
		{ "/chi-tieu", N_("Targets"), 0 },
		{ "/bao-cao", N_("Reports"), 0 },
		{ "/canh-bao", N_("Import warnings"), ROLE_ADMIN | ROLE_MONITOR },
	};
	struct strbuf url = STRBUF_INIT;

	html(out, "<nav aria-label=\"");
	html_attr(out, _("Pages of the plan"));
	html(out, "\"><ul class=\"inline\">\n<li><a href=\"" BASE "/cua-toi\">");
	html_txt(out, _("My agency's tasks"));
	html(out, "</a></li>\n");
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		if (items[i].roles && !(req->user->roles & items[i].roles))
			continue;
		strbuf_reset(&url);
		plan_url(&url, key, items[i].rest);
		html(out, "<li>");
		link(out, url.buf, _(items[i].label));
		html(out, "</li>\n");
	}
	html(out, "</ul></nav>\n");
	strbuf_release(&url);
}

/* The "as of" chooser: a GET form keeping the other query fields. */
static void as_of_form(struct request *req, struct strbuf *out, const char *action,
		       const char *as_of)
{
	static const struct err none = ERR_INIT;

	html(out, "<form class=\"filters\" method=\"get\" action=\"");
	html_attr(out, action);
	html(out, "\">\n");
	input(out, &none, "as_of", _("Situation at the end of"), "date", as_of,
	      NULL, NULL);
	if (nonempty(req_query(req, "agency"))) {
		html_hidden(out, "agency", req_query(req, "agency"));
	}
	html(out, "<button type=\"submit\">");
	html_txt(out, _("Show"));
	html(out, "</button>\n</form>\n");
}

static int find_plan(struct request *req, struct plan_info *p)
{
	return plan_find(req->db, req_arg(req, 0), p, &req->err);
}

static int as_of_arg(struct request *req, int *day)
{
	return plan_day_arg(req_query(req, "as_of"), 0, day, "as_of", &req->err);
}

/* The table of tasks: reference, content, deadline, lead, state, last report. */
static void task_table(struct strbuf *out, const char *key, json_t *items, bool report_links)
{
	static const char *const cols[] = {
		N_("Task"), N_("Content"), N_("Time to complete"), N_("Lead agency"), N_("State"),
		N_("Last report"),
	};
	struct strbuf url = STRBUF_INIT;
	json_t *t;
	size_t i;

	html(out, "<table class=\"tasks\">\n<thead><tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(items, i, t) {
		json_t *last = json_object_get(t, "last_report");
		bool group = json_is_true(json_object_get(t, "group"));

		strbuf_reset(&url);
		plan_url(&url, key, "/nhiem-vu/");
		html_url_arg(&url, str(t, "ref"));
		html(out, group ? "<tr class=\"group\">\n<th scope=\"row\">" :
		     "<tr>\n<th scope=\"row\">");
		link(out, url.buf, str(t, "ref"));
		html(out, "</th>\n<td>");
		html_txt(out, str(t, "content"));
		if (report_links && !group) {
			strbuf_addstr(&url, "#bao-cao");
			html(out, "<br>");
			link(out, url.buf, _("Report progress"));
		}
		html(out, "</td>\n<td>");
		html_txt(out, str(json_object_get(t, "deadline"), "text"));
		if (nonempty(json_string_value(json_object_get(t, "due")))) {
			html(out, "<br><small>");
			html_txt(out, _("due"));
			html(out, " ");
			day_html(out, str(t, "due"));
			html(out, "</small>");
		}
		html(out, "</td>\n<td>");
		html_txt(out, str(t, "lead_text"));
		html(out, "</td>\n<td>");
		state_tag(out, str(t, "state"));
		html(out, "</td>\n<td>");
		if (json_is_object(last)) {
			html_txtf(out, "%lld %% — ", (long long)json_integer_value(
					  json_object_get(last, "percent")));
			day_html(out, str(last, "day"));
			html(out, "<br><small>");
			html_txt(out, str(json_object_get(last, "agency"), "name"));
			html(out, "</small>");
		} else {
			html(out, "—");
		}
		html(out, "</td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
	strbuf_release(&url);
}

/* Counts by state as a definition list, each linking to the tasks behind it. */
static void counts_list(struct strbuf *out, const char *key, json_t *counts,
			const char *query)
{
	struct strbuf url = STRBUF_INIT;

	html(out, "<ul class=\"counts\">\n");
	for (int s = 0; s < PLAN_NSTATES; s++) {
		strbuf_reset(&url);
		plan_url(&url, key, "/nhiem-vu?state=");
		strbuf_addstr(&url, plan_state_name((enum plan_state)s));
		if (query)
			strbuf_addstr(&url, query);
		html(out, "<li><a href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, plan_state_label((enum plan_state)s));
		html(out, ": <strong>");
		html_txtf(out, "%lld", (long long)json_integer_value(
				  json_object_get(counts, plan_state_name((enum plan_state)s))));
		html(out, "</strong></a></li>\n");
	}
	html(out, "</ul>\n");
	strbuf_release(&url);
}

/* ---- the plans --------------------------------------------------------------------- */

static int page_plans(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	json_t *items, *p;
	size_t i;
	int ret = plan_list(req->db, &items);

	if (ret)
		return ret;
	page_begin(req, res, _("Reform plans"));
	html(out, "<h1>");
	html_txt(out, _("Reform plans"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("The province's administrative reform plans: their targets, their tasks and how each agency is doing."));
	html(out, "</p>\n<p><a href=\"" BASE "/cua-toi\">");
	html_txt(out, _("My agency's tasks"));
	html(out, "</a></p>\n");
	if (!json_array_size(items)) {
		html(out, "<p>");
		html_txt(out, _("No plan has been imported yet. An administrator imports one with: cchc plan import FILE"));
		html(out, "</p>\n");
	}
	html(out, "<ul class=\"cards\">\n");
	json_array_foreach(items, i, p) {
		strbuf_reset(&url);
		plan_url(&url, str(p, "key"), NULL);
		html(out, "<li><a href=\"");
		html_attr(out, url.buf);
		html(out, "\"><strong>");
		html_txt(out, str(p, "title"));
		html(out, "</strong><span>");
		{
			char tasks[24], targets[24];

			snprintf(tasks, sizeof(tasks), "%lld",
				 (long long)json_integer_value(json_object_get(p, "tasks")));
			snprintf(targets, sizeof(targets), "%lld",
				 (long long)json_integer_value(json_object_get(p, "targets")));
			html_txt_sub(out, _("%s tasks, %s targets"), tasks, targets);
		}
		html(out, "</span></a></li>\n");
	}
	html(out, "</ul>\n");
	page_end(req, res);
	json_decref(items);
	strbuf_release(&url);
	return 0;
}

/* ---- a plan at a glance --------------------------------------------------------------- */

static void targets_table(struct strbuf *out, json_t *targets, int year)
{
	static const char *const cols[] = {
		"#", N_("Target"), N_("Threshold"), N_("Latest value"), N_("Measured by"),
	};
	json_t *t;
	size_t i;

	html(out, "<table>\n<thead><tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, i ? _(cols[i]) : cols[i]);
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(targets, i, t) {
		struct strbuf thr = STRBUF_INIT;
		json_t *l = json_object_get(t, "latest");

		plan_threshold_text(&thr, t);
		html(out, "<tr>\n<td class=\"num\">");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(t, "seq")));
		html(out, "</td>\n<td>");
		html_txt(out, str(t, "text"));
		html(out, "</td>\n<td>");
		html_txt(out, thr.buf);
		html(out, "</td>\n<td>");
		if (json_is_object(l)) {
			struct strbuf v = STRBUF_INIT;
			struct strbuf per = STRBUF_INIT;

			plan_number(&v, json_number_value(json_object_get(l, "value")));
			html_txt(out, v.buf);
			html(out, " ");
			html_txt(out, str(t, "unit"));
			if (*str(l, "level")) {
				html(out, " (");
				html_txt(out, plan_level_label(str(l, "level")));
				html(out, ")");
			}
			plan_period_label(str(l, "period"), year, &per);
			html(out, "<br><small>");
			html_txt(out, per.buf);
			html(out, "</small>");
			strbuf_release(&v);
			strbuf_release(&per);
		} else {
			html(out, "—");
		}
		html(out, "</td>\n<td>");
		if (json_is_string(json_object_get(t, "indicator"))) {
			html_txt(out, _("indicator"));
			html(out, " <code>");
			html_txt(out, str(t, "indicator"));
			html(out, "</code>");
		} else {
			html_txt(out, _("entered with evidence"));
		}
		html(out, "</td>\n</tr>\n");
		strbuf_release(&thr);
	}
	html(out, "</tbody>\n</table>\n");
}

static int page_plan(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_filter f = { 0 };
	json_t *plan = NULL, *tasks = NULL, *targets = NULL, *a;
	size_t i;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &f.as_of);
	if (!ret)
		ret = plan_get_json(req->db, &p, &plan);
	if (!ret)
		ret = plan_tasks(req->db, req->user, &p, &f, &tasks, &req->err);
	if (!ret)
		ret = plan_targets(req->db, &p, &targets);
	if (ret)
		goto out;
	page_begin(req, res, p.title);
	html(out, "<h1>");
	html_txt(out, p.title);
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, str(json_object_get(plan, "issuer"), "text"));
	html(out, " — ");
	html_txt(out, str(json_object_get(plan, "decision"), "text"));
	html(out, "</p>\n");
	plan_nav(req, out, p.key);
	plan_url(&url, p.key, NULL);
	as_of_form(req, out, url.buf, str(tasks, "as_of"));

	html(out, "<h2>");
	html_txt(out, _("Tasks by area"));
	html(out, "</h2>\n");
	counts_list(out, p.key, json_object_get(tasks, "counts"), NULL);
	html(out, "<table>\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Area"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Tasks"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Done"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, plan_state_label(PLAN_DUE_SOON));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, plan_state_label(PLAN_OVERDUE));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(plan, "areas"), i, a) {
		int n = 0, done = 0, soon = 0, late = 0;
		json_t *t;
		size_t k;

		json_array_foreach(json_object_get(tasks, "items"), k, t) {
			const char *s = str(t, "state");

			if (strcmp(str(t, "area"), str(a, "code")) || json_is_true(json_object_get(t, "group")))
				continue;
			n++;
			done += !strncmp(s, "done", 4);
			soon += !strcmp(s, "due_soon");
			late += !strcmp(s, "overdue");
		}
		strbuf_reset(&url);
		plan_url(&url, p.key, "/nhiem-vu?area=");
		html_url_arg(&url, str(a, "code"));
		html(out, "<tr>\n<th scope=\"row\">");
		link(out, url.buf, str(a, "code"));
		html(out, ". ");
		html_txt(out, *str(a, "title") ? str(a, "title") : str(a, "name"));
		html(out, "</th>\n<td class=\"num\">");
		html_txtf(out, "%d", n);
		html(out, "</td><td class=\"num\">");
		html_txtf(out, "%d", done);
		html(out, "</td><td class=\"num\">");
		html_txtf(out, "%d", soon);
		html(out, "</td><td class=\"num\">");
		html_txtf(out, "%d", late);
		html(out, "</td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n<h2>");
	html_txt(out, _("Targets"));
	html(out, "</h2>\n");
	targets_table(out, targets, p.year);
	page_end(req, res);
out:
	json_decref(plan);
	json_decref(tasks);
	json_decref(targets);
	strbuf_release(&url);
	plan_info_release(&p);
	return ret;
}

/* ---- the task list -------------------------------------------------------------------- */

/* The agencies that lead a task of the plan, for the filter. */
static int lead_agencies(struct db *db, const struct plan_info *p, json_t **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT DISTINCT g.key, g.name, g.path FROM plan_task_agency ta"
		" JOIN plan_task t ON t.id = ta.task_id JOIN agency g ON g.id = ta.agency_id"
		" WHERE t.plan_id = ? AND ta.role = 'lead' ORDER BY g.path");
	int ret;

	*out = json_array();
	db_bind_int(st, 1, p->id);
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:s,s:s}", "key", db_col_text(st, 0),
						      "name", db_col_text(st, 1)));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return ret < 0 ? ret : 0;
}

static int page_tasks(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_filter f = {
		.area = nonempty(req_query(req, "area")),
		.agency = nonempty(req_query(req, "agency")),
		.role = nonempty(req_query(req, "role")),
		.state = nonempty(req_query(req, "state")),
	};
	json_t *plan = NULL, *tasks = NULL, *agencies = NULL, *a;
	size_t i;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &f.as_of);
	if (!ret)
		ret = plan_day_arg(req_query(req, "due_from"), 0, &f.due_from, "due_from", &req->err);
	if (!ret)
		ret = plan_day_arg(req_query(req, "due_to"), 0, &f.due_to, "due_to", &req->err);
	if (!ret)
		ret = plan_get_json(req->db, &p, &plan);
	if (!ret)
		ret = lead_agencies(req->db, &p, &agencies);
	if (!ret)
		ret = plan_tasks(req->db, req->user, &p, &f, &tasks, &req->err);
	if (ret == E_INVALID || ret == E_NOTFOUND) {
		if (!strcmp(req->err.field, "plan"))
			goto out;
		/* A filter that is wrong: the page with the error and no tasks. */
		res->status = http_status_for(ret);
		ret = 0;
		f.area = f.agency = f.role = f.state = NULL;
	}
	if (ret)
		goto out;
	page_begin(req, res, _("Tasks"));
	html(out, "<h1>");
	html_txt(out, _("Tasks"));
	html(out, " — ");
	html_txt(out, p.title);
	html(out, "</h1>\n");
	plan_nav(req, out, p.key);
	form_error(out, &req->err);
	plan_url(&url, p.key, "/nhiem-vu");
	html(out, "<form class=\"filters\" method=\"get\" action=\"");
	html_attr(out, url.buf);
	html(out, "\" role=\"search\">\n");
	select_open(out, &req->err, "area", _("Area"));
	option(out, "", _("All areas"), f.area);
	json_array_foreach(json_object_get(plan, "areas"), i, a) {
		struct strbuf l = STRBUF_INIT;

		strbuf_addf(&l, "%s. %s", str(a, "code"), *str(a, "title") ? str(a, "title") :
			    str(a, "name"));
		option(out, str(a, "code"), l.buf, f.area);
		strbuf_release(&l);
	}
	select_close(out);
	select_open(out, &req->err, "agency", _("Agency"));
	option(out, "", _("All agencies"), f.agency);
	json_array_foreach(agencies, i, a)
		option(out, str(a, "key"), str(a, "name"), f.agency);
	select_close(out);
	select_open(out, &req->err, "role", _("Charged as"));
	option(out, "", _("Lead or coordinating"), f.role);
	option(out, "lead", _("Lead agency"), f.role);
	option(out, "coordinating", _("Coordinating agency"), f.role);
	select_close(out);
	select_open(out, &req->err, "state", _("State"));
	option(out, "", _("Any state"), f.state);
	for (int s = 0; s < PLAN_NSTATES; s++)
		option(out, plan_state_name((enum plan_state)s), plan_state_label((enum plan_state)s),
		       f.state);
	select_close(out);
	input(out, &req->err, "due_from", _("Due from"), "date",
	      nonempty(req_query(req, "due_from")), NULL, NULL);
	input(out, &req->err, "due_to", _("Due by"), "date", nonempty(req_query(req, "due_to")),
	      NULL, NULL);
	input(out, &req->err, "as_of", _("Situation at the end of"), "date", str(tasks, "as_of"),
	      NULL, NULL);
	html(out, "<button type=\"submit\">");
	html_txt(out, _("Filter"));
	html(out, "</button> ");
	link(out, url.buf, _("Clear the filter"));
	html(out, "\n</form>\n");
	if (tasks) {
		json_t *c = json_object_get(tasks, "counts");

		html(out, "<p class=\"count\" id=\"so-nhiem-vu\"><strong>");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(c, "total")));
		html(out, "</strong> ");
		html_txt(out, _("tasks (groups of sub-items not counted)"));
		html(out, "</p>\n");
		counts_list(out, p.key, c, NULL);
		task_table(out, p.key, json_object_get(tasks, "items"), false);
	}
	page_end(req, res);
out:
	json_decref(plan);
	json_decref(tasks);
	json_decref(agencies);
	strbuf_release(&url);
	plan_info_release(&p);
	return ret;
}

/* ---- one task ---------------------------------------------------------------------------- */

/* What the report form was given, to show it again after an error. */
struct report_form {
	const char *status, *percent, *day, *note, *evidence;
};

static void report_form(struct request *req, struct response *res, const char *key,
			json_t *t, const struct report_form *f)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;

	plan_url(&url, key, "/nhiem-vu/");
	html_url_arg(&url, str(t, "ref"));
	html(out, "<h2 id=\"bao-cao\">");
	html_txt(out, _("Report progress"));
	html(out, "</h2>\n<p>");
	html_txt_sub(out, _("You report for %s."), req->user->agency_name, NULL);
	html(out, "</p>\n");
	form_error(out, &req->err);
	html(out, "<form class=\"stack\" method=\"post\" action=\"");
	html_attr(out, url.buf);
	html(out, "\">\n");
	org_csrf_field(req, res);
	select_open(out, &req->err, "status", _("Status"));
	option(out, "in_progress", _("In progress"), f->status);
	option(out, "done", _("Done"), f->status);
	option(out, "not_started", _("Not started yet"), f->status);
	select_close(out);
	input(out, &req->err, "percent", _("Share done (%)"), "number", f->percent,
	      _("0 to 99 while in progress; a task that is done counts as 100."),
	      " min=\"0\" max=\"100\" step=\"1\"");
	input(out, &req->err, "day", _("Date the report speaks for"), "date", f->day,
	      _("Leave empty for today. It cannot be in the future."), NULL);
	textarea(out, &req->err, "note", _("What was done"), f->note, NULL, true);
	textarea(out, &req->err, "evidence", _("Evidence"), f->evidence,
		 _("Links or document numbers, one a line (e.g. Quyết định số 123/QĐ-UBND)."), false);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Send the report"));
	html(out, "</button></p>\n</form>\n");
	strbuf_release(&url);
}

static void agencies_html(struct strbuf *out, json_t *list)
{
	json_t *a;
	size_t i;

	if (!json_array_size(list)) {
		html(out, "<p>—</p>\n");
		return;
	}
	html(out, "<ul class=\"agencies\">\n");
	json_array_foreach(list, i, a) {
		html(out, "<li>");
		html_txt(out, str(a, "name"));
		html(out, "</li>\n");
	}
	html(out, "</ul>\n");
}

static int task_page(struct request *req, struct response *res, const struct report_form *f)
{
	static const struct report_form empty;
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	json_t *t = NULL, *h;
	size_t i;
	int as_of = 0, ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &as_of);
	if (!ret)
		ret = plan_task_get(req->db, req->user, &p, req_arg(req, 1), as_of, &t, &req->err);
	if (ret)
		goto out;
	{
		struct strbuf title = STRBUF_INIT;

		strbuf_addsub(&title, _("Task %s"), str(t, "ref"), NULL);
		page_begin(req, res, title.buf);
		html(out, "<h1>");
		html_txt(out, title.buf);
		html(out, "</h1>\n");
		strbuf_release(&title);
	}
	plan_nav(req, out, p.key);
	if (!f && nonempty(req_query(req, "reported")))
		notice(out, _("Your report has been recorded."));
	html(out, "<p class=\"lead\">");
	html_txt(out, str(t, "content"));
	html(out, "</p>\n<dl class=\"facts\">\n<dt>");
	html_txt(out, _("Area"));
	html(out, "</dt><dd>");
	html_txt(out, str(t, "area"));
	html(out, ". ");
	html_txt(out, str(t, "area_name"));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Number as printed"));
	html(out, "</dt><dd>");
	html_txt(out, str(t, "number"));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Product"));
	html(out, "</dt><dd>");
	html_txt(out, *str(t, "product") ? str(t, "product") : "—");
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Time to complete"));
	html(out, "</dt><dd>");
	html_txt(out, str(json_object_get(t, "deadline"), "text"));
	if (json_is_string(json_object_get(t, "due"))) {
		html(out, " (");
		html_txt(out, _("due"));
		html(out, " ");
		day_html(out, str(t, "due"));
		html(out, ")");
	}
	html(out, "</dd>\n<dt>");
	html_txt(out, _("State"));
	html(out, "</dt><dd>");
	state_tag(out, str(t, "state"));
	html(out, " ");
	html_txt(out, _("at the end of"));
	html(out, " ");
	day_html(out, str(t, "as_of"));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Lead agency"));
	html(out, "</dt><dd>");
	html_txt(out, str(t, "lead_text"));
	html(out, "<details><summary>");
	html_txtf(out, "%lld ", (long long)json_array_size(json_object_get(t, "lead")));
	html_txt(out, _("agencies in the registry"));
	html(out, "</summary>\n");
	agencies_html(out, json_object_get(t, "lead"));
	html(out, "</details></dd>\n<dt>");
	html_txt(out, _("Coordinating agencies"));
	html(out, "</dt><dd>");
	html_txt(out, str(t, "coordinating_text"));
	html(out, "<details><summary>");
	html_txtf(out, "%lld ", (long long)json_array_size(json_object_get(t, "coordinating")));
	html_txt(out, _("agencies in the registry"));
	html(out, "</summary>\n");
	agencies_html(out, json_object_get(t, "coordinating"));
	html(out, "</details></dd>\n</dl>\n");

	if (json_array_size(json_object_get(t, "children"))) {
		html(out, "<h2>");
		html_txt(out, _("Sub-items"));
		html(out, "</h2>\n");
		task_table(out, p.key, json_object_get(t, "children"), false);
	}
	html(out, "<h2>");
	html_txt(out, _("Progress reports"));
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(t, "history"))) {
		html(out, "<p>");
		html_txt(out, _("No progress has been reported yet."));
		html(out, "</p>\n");
	} else {
		static const char *const cols[] = {
			N_("Date"), N_("Agency"), N_("Status"), N_("Done (%)"), N_("What was done"),
			N_("Evidence"), N_("Recorded by"),
		};

		html(out, "<table class=\"history\">\n<thead><tr>");
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			html(out, "<th scope=\"col\">");
			html_txt(out, _(cols[i]));
			html(out, "</th>");
		}
		html(out, "</tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(t, "history"), i, h) {
			const char *s = str(h, "status");

			html(out, "<tr>\n<td>");
			day_html(out, str(h, "day"));
			html(out, "</td>\n<td>");
			html_txt(out, str(json_object_get(h, "agency"), "name"));
			html(out, "</td>\n<td>");
			html_txt(out, !strcmp(s, "done") ? _("Done") : !strcmp(s, "in_progress") ?
				 _("In progress") : _("Not started yet"));
			html(out, "</td>\n<td class=\"num\">");
			html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(h, "percent")));
			html(out, "</td>\n<td class=\"pre\">");
			html_txt(out, str(h, "note"));
			html(out, "</td>\n<td class=\"pre\">");
			html_txt(out, str(h, "evidence"));
			html(out, "</td>\n<td>");
			html_txt(out, str(h, "by"));
			html(out, "</td>\n</tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}
	if (json_is_true(json_object_get(t, "can_report")))
		report_form(req, res, p.key, t, f ? f : &empty);
	page_end(req, res);
out:
	json_decref(t);
	strbuf_release(&url);
	plan_info_release(&p);
	return ret;
}

static int page_task(struct request *req, struct response *res)
{
	return task_page(req, res, NULL);
}

static int page_task_report(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct report_form f = {
		.status = req_form(req, "status"),
		.percent = req_form(req, "percent"),
		.day = nonempty(req_form(req, "day")),
		.note = req_form(req, "note"),
		.evidence = req_form(req, "evidence"),
	};
	struct plan_progress_new n = {
		.status = f.status, .note = f.note, .evidence = f.evidence, .day = f.day,
	};
	struct strbuf to = STRBUF_INIT;
	int64_t id;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	if (f.percent && *f.percent) {
		char *end;
		long v = strtol(f.percent, &end, 10);

		if (*end || v < 0 || v > 100) {
			ret = err_set(&req->err, E_INVALID, "percent",
				      "the share done must be a whole number from 0 to 100");
			goto invalid;
		}
		n.percent = (int)v;
	}
	ret = plan_progress_add(req->db, req->user, &who, &p, req_arg(req, 1), &n, &id,
				&req->err);
	if (!ret) {
		plan_url(&to, p.key, "/nhiem-vu/");
		html_url_arg(&to, req_arg(req, 1));
		strbuf_addstr(&to, "?reported=1");
		res_redirect(res, to.buf);
		goto out;
	}
invalid:
	if (ret == E_INVALID) {
		res->status = 400;
		ret = task_page(req, res, &f);
	}
out:
	strbuf_release(&to);
	plan_info_release(&p);
	return ret;
}

/* ---- my agency's tasks --------------------------------------------------------------------- */

/* The plan of ?plan=, else the newest. */
static int chosen_plan(struct request *req, struct plan_info *p, bool *none)
{
	const char *key = nonempty(req_query(req, "plan"));
	json_t *list = NULL;
	int ret;

	*none = false;
	if (key)
		return plan_find(req->db, key, p, &req->err);
	ret = plan_list(req->db, &list);
	if (!ret && !json_array_size(list))
		*none = true;
	else if (!ret)
		ret = plan_find(req->db, str(json_array_get(list, 0), "key"), p, &req->err);
	json_decref(list);
	return ret;
}

static void reminders_html(struct strbuf *out, const char *key, json_t *items)
{
	struct strbuf url = STRBUF_INIT;
	json_t *r;
	size_t i;

	if (!json_array_size(items)) {
		html(out, "<p>");
		html_txt(out, _("Nothing is due soon or overdue."));
		html(out, "</p>\n");
		return;
	}
	html(out, "<ul class=\"reminders\">\n");
	json_array_foreach(items, i, r) {
		const char *kind = str(r, "kind");
		bool bad = !strcmp(kind, "overdue") || !strcmp(kind, "report_overdue");

		html(out, "<li><span class=\"");
		html(out, bad ? "tag bad" : "tag warn");
		html(out, "\">");
		html_txt(out, bad ? _("Overdue") : _("Due soon"));
		html(out, "</span> ");
		if (*str(r, "ref")) {
			strbuf_reset(&url);
			plan_url(&url, key, "/nhiem-vu/");
			html_url_arg(&url, str(r, "ref"));
			link(out, url.buf, str(r, "message"));
		} else {
			html_txt(out, str(r, "message"));
		}
		html(out, "</li>\n");
	}
	html(out, "</ul>\n");
	strbuf_release(&url);
}

static int page_mine(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_filter f = { .mine = true };
	json_t *tasks = NULL, *reminders = NULL;
	bool none;
	int ret = chosen_plan(req, &p, &none);

	if (!ret && !none)
		ret = as_of_arg(req, &f.as_of);
	if (!ret && !none)
		ret = plan_tasks(req->db, req->user, &p, &f, &tasks, &req->err);
	if (!ret && !none)
		ret = plan_reminders(req->db, req->user, &p, req->user->agency_id, f.as_of,
				     &reminders, &req->err);
	if (ret)
		goto out;
	page_begin(req, res, _("My agency's tasks"));
	html(out, "<h1>");
	html_txt(out, _("My agency's tasks"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, req->user->agency_name);
	html(out, "</p>\n");
	if (none) {
		html(out, "<p>");
		html_txt(out, _("No plan has been imported yet."));
		html(out, "</p>\n");
		page_end(req, res);
		goto out;
	}
	plan_nav(req, out, p.key);
	as_of_form(req, out, BASE "/cua-toi", str(tasks, "as_of"));
	html(out, "<h2>");
	html_txt(out, _("Reminders"));
	html(out, "</h2>\n");
	reminders_html(out, p.key, reminders);
	html(out, "<h2>");
	html_txt_sub(out, _("Tasks of %s in the plan"), req->user->agency_name, NULL);
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(tasks, "items"))) {
		html(out, "<p>");
		html_txt(out, _("Your agency is charged with no task of this plan."));
		html(out, "</p>\n");
	} else {
		counts_list(out, p.key, json_object_get(tasks, "counts"), NULL);
		task_table(out, p.key, json_object_get(tasks, "items"),
			   (req->user->roles & ROLE_REPORTER) != 0);
	}
	plan_url(&url, p.key, "/bao-cao");
	html(out, "<p>");
	link(out, url.buf, _("Periodic reports of the plan"));
	html(out, "</p>\n");
	page_end(req, res);
out:
	json_decref(tasks);
	json_decref(reminders);
	strbuf_release(&url);
	plan_info_release(&p);
	return ret;
}

/* ---- targets -------------------------------------------------------------------------------- */

static void value_form(struct request *req, struct response *res, const char *key, json_t *t)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	static const char *const periods[] = { "Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y" };
	int year = atoi(key);
	json_t *l;
	size_t i;

	strbuf_addf(&url, BASE "/");
	html_url_arg(&url, key);
	strbuf_addf(&url, "/chi-tieu/%lld", (long long)json_integer_value(json_object_get(t, "seq")));
	html(out, "<details><summary>");
	html_txt(out, _("Enter a value"));
	html(out, "</summary>\n<form class=\"stack\" method=\"post\" action=\"");
	html_attr(out, url.buf);
	html(out, "\">\n");
	org_csrf_field(req, res);
	/* Many of these forms on a page: labels wrap their fields, no ids. */
	html(out, "<label>");
	html_txt(out, _("Period"));
	html(out, " <select name=\"period\">\n");
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		struct strbuf label = STRBUF_INIT;

		plan_period_label(periods[i], year, &label);
		option(out, periods[i], label.buf, "Y");
		strbuf_release(&label);
	}
	html(out, "</select></label>\n");
	if (json_array_size(json_object_get(t, "levels"))) {
		html(out, "<label>");
		html_txt(out, _("Level"));
		html(out, " <select name=\"level\">\n");
		option(out, "", _("Whole province"), "");
		json_array_foreach(json_object_get(t, "levels"), i, l)
			option(out, str(l, "level"), plan_level_label(str(l, "level")), "");
		html(out, "</select></label>\n");
	}
	html(out, "<label>");
	html_txt(out, _("Value"));
	html(out, " <input type=\"text\" inputmode=\"decimal\" name=\"value\" required></label>\n<label>");
	html_txt(out, _("Evidence"));
	html(out, " <textarea name=\"evidence\" rows=\"2\" required></textarea></label>\n");
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Save the value"));
	html(out, "</button></p>\n</form></details>\n");
	strbuf_release(&url);
}

static int page_targets(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	struct plan_info p = PLAN_INFO_INIT;
	json_t *targets = NULL, *t, *v;
	size_t i, k;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = plan_targets(req->db, &p, &targets);
	if (ret)
		goto out;
	page_begin(req, res, _("Targets"));
	html(out, "<h1>");
	html_txt(out, _("Targets"));
	html(out, " — ");
	html_txt(out, p.title);
	html(out, "</h1>\n");
	plan_nav(req, out, p.key);
	if (nonempty(req_query(req, "saved")))
		notice(out, _("The value has been saved."));
	html(out, "<p>");
	html_txt(out, _("The targets of section I.2 of the plan. Those the one-stop shop can measure are computed from its indicators; the others are entered each period with their evidence."));
	html(out, "</p>\n");
	targets_table(out, targets, p.year);
	html(out, "<h2>");
	html_txt(out, _("Values entered"));
	html(out, "</h2>\n");
	json_array_foreach(targets, i, t) {
		html(out, "<section class=\"target\">\n<h3>");
		html_txtf(out, "%lld. ", (long long)json_integer_value(json_object_get(t, "seq")));
		html_txt(out, str(t, "measure"));
		html(out, "</h3>\n");
		if (json_array_size(json_object_get(t, "values"))) {
			html(out, "<ul>\n");
			json_array_foreach(json_object_get(t, "values"), k, v) {
				struct strbuf n = STRBUF_INIT, per = STRBUF_INIT;

				plan_number(&n, json_number_value(json_object_get(v, "value")));
				plan_period_label(str(v, "period"), p.year, &per);
				html(out, "<li>");
				html_txt(out, per.buf);
				strbuf_release(&per);
				if (*str(v, "level")) {
					html(out, ", ");
					html_txt(out, plan_level_label(str(v, "level")));
				}
				html(out, ": <strong>");
				html_txt(out, n.buf);
				html(out, "</strong> ");
				html_txt(out, str(t, "unit"));
				html(out, " — ");
				html_txt(out, str(v, "evidence"));
				html(out, "</li>\n");
				strbuf_release(&n);
			}
			html(out, "</ul>\n");
		}
		if (req->user->roles & ROLE_MONITOR)
			value_form(req, res, p.key, t);
		html(out, "</section>\n");
	}
	page_end(req, res);
out:
	json_decref(targets);
	plan_info_release(&p);
	return ret;
}

static int page_target_value(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct strbuf to = STRBUF_INIT;
	const char *value = req_form(req, "value");
	char *end = NULL;
	long long seq = strtoll(req_arg(req, 1), &end, 10);
	double v = 0;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	if (*end || seq <= 0) {
		ret = err_set(&req->err, E_NOTFOUND, "target", "plan %s has no target '%s'", p.key,
			      req_arg(req, 1));
		goto out;
	}
	if (value) {
		struct strbuf dot = STRBUF_INIT;

		/* A decimal comma, as Vietnamese write numbers, is a point. */
		strbuf_addstr(&dot, value);
		for (char *c = dot.buf; *c; c++)
			if (*c == ',')
				*c = '.';
		v = strtod(dot.buf, &end);
		if (!*dot.buf || *end)
			value = NULL;
		strbuf_release(&dot);
	}
	if (!value) {
		ret = err_set(&req->err, E_INVALID, "value", "the value must be a number");
		goto out;
	}
	ret = plan_target_value_add(req->db, req->user, &who, &p, seq, req_form(req, "period"),
				    req_form(req, "level"), v, req_form(req, "evidence"),
				    &req->err);
	if (!ret) {
		plan_url(&to, p.key, "/chi-tieu?saved=1");
		res_redirect(res, to.buf);
	}
out:
	strbuf_release(&to);
	plan_info_release(&p);
	return ret;
}

/* ---- import warnings --------------------------------------------------------------------------- */

static int page_warnings(struct request *req, struct response *res)
{
	static const char *const cols[] = {
		N_("Line"), N_("Where"), N_("What"), N_("Text as written"), N_("Review"),
	};
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	json_t *items = NULL, *w;
	size_t i;
	int open = 0, ret = find_plan(req, &p);

	if (!ret)
		ret = plan_warnings(req->db, &p, &items);
	if (ret)
		goto out;
	page_begin(req, res, _("Import warnings"));
	html(out, "<h1>");
	html_txt(out, _("Import warnings"));
	html(out, " — ");
	html_txt(out, p.title);
	html(out, "</h1>\n");
	plan_nav(req, out, p.key);
	if (nonempty(req_query(req, "resolved")))
		notice(out, _("The warning is marked reviewed."));
	html(out, "<p>");
	html_txt(out, _("What the importer could not take from the document as it stood. Nothing was dropped: each text is kept as written. Those marked \"to review\" need a person's decision; a task's deadline or agencies can be corrected through the API (PATCH of the task)."));
	html(out, "</p>\n");
	json_array_foreach(items, i, w)
		open += !strcmp(str(w, "severity"), "review") && json_is_null(json_object_get(w, "resolved"));
	html(out, "<p><strong>");
	html_txtf(out, "%d", open);
	html(out, "</strong> ");
	html_txt(out, _("to review"));
	html(out, "</p>\n<table class=\"warnings\">\n<thead><tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(items, i, w) {
		json_t *r = json_object_get(w, "resolved");
		bool review = !strcmp(str(w, "severity"), "review");

		html(out, "<tr>\n<td class=\"num\">");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(w, "line")));
		html(out, "</td>\n<td><code>");
		html_txt(out, str(w, "where"));
		html(out, "</code></td>\n<td>");
		html(out, review ? "<span class=\"tag warn\">" : "<span class=\"tag\">");
		html_txt(out, review ? _("To review") : _("For information"));
		html(out, "</span> ");
		html_txt(out, str(w, "message"));
		html(out, "</td>\n<td class=\"pre\">");
		html_txt(out, str(w, "text"));
		html(out, "</td>\n<td>");
		if (json_is_object(r)) {
			html(out, "<span class=\"tag ok\">");
			html_txt(out, _("Reviewed"));
			html(out, "</span> ");
			html_txt(out, str(r, "resolution"));
			html(out, " — ");
			html_txt(out, str(r, "by"));
		} else if (req->user->roles & ROLE_MONITOR) {
			strbuf_reset(&url);
			plan_url(&url, p.key, NULL);
			strbuf_addf(&url, "/canh-bao/%lld",
				    (long long)json_integer_value(json_object_get(w, "id")));
			html(out, "<form method=\"post\" action=\"");
			html_attr(out, url.buf);
			html(out, "\">\n");
			org_csrf_field(req, res);
			html(out, "<label>");
			html_txt(out, _("What was done"));
			html(out, " <input type=\"text\" name=\"resolution\" required></label>\n"
			     "<button type=\"submit\" class=\"secondary\">");
			html_txt(out, _("Mark reviewed"));
			html(out, "</button>\n</form>\n");
		} else {
			html(out, "—");
		}
		html(out, "</td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
	page_end(req, res);
out:
	json_decref(items);
	strbuf_release(&url);
	plan_info_release(&p);
	return ret;
}

static int page_warning_resolve(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct strbuf to = STRBUF_INIT;
	char *end;
	long long id = strtoll(req_arg(req, 1), &end, 10);
	int ret = org_csrf_check(req);

	if (!ret)
		ret = find_plan(req, &p);
	if (!ret && (*end || id <= 0))
		ret = err_set(&req->err, E_NOTFOUND, "warning", "plan %s has no warning '%s'", p.key,
			      req_arg(req, 1));
	if (!ret)
		ret = plan_warning_resolve(req->db, req->user, &who, &p, id,
					   req_form(req, "resolution"), &req->err);
	if (!ret) {
		plan_url(&to, p.key, "/canh-bao?resolved=1");
		res_redirect(res, to.buf);
	}
	strbuf_release(&to);
	plan_info_release(&p);
	return ret;
}

/* ---- reports ------------------------------------------------------------------------------------ */

static const char *const report_periods[] = { "Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y" };

static void submissions_table(struct strbuf *out, json_t *items, int year)
{
	static const char *const cols[] = {
		N_("Report"), N_("Agency"), N_("Due"), N_("Sent"), N_("Report document"), N_("State"),
	};
	json_t *s;
	size_t i;

	html(out, "<table class=\"submissions\">\n<thead><tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(items, i, s) {
		json_t *sent = json_object_get(s, "sent");
		const char *st = str(s, "status");
		struct strbuf label = STRBUF_INIT;

		plan_period_label(str(s, "period"), year, &label);
		html(out, "<tr>\n<td>");
		html_txt(out, label.buf);
		strbuf_release(&label);
		html(out, "</td>\n<td>");
		html_txt(out, str(json_object_get(s, "agency"), "name"));
		html(out, "</td>\n<td>");
		day_html(out, str(s, "due"));
		html(out, "</td>\n<td>");
		day_html(out, json_is_object(sent) ? str(sent, "day") : NULL);
		html(out, "</td>\n<td>");
		html_txt(out, json_is_object(sent) ? str(sent, "reference") : "");
		html(out, "</td>\n<td>");
		html(out, !strcmp(st, "on_time") ? "<span class=\"tag ok\">" :
		     !strcmp(st, "late") ? "<span class=\"tag warn\">" :
		     !strcmp(st, "missing") ? "<span class=\"tag bad\">" : "<span class=\"tag\">");
		html_txt(out, plan_submission_label(st));
		html(out, "</span></td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
}

/* The form with which a reporter records their agency's periodic report as sent. */
static void submission_form(struct request *req, struct response *res, const char *key)
{
	static const char *const periods[] = { "plan", "Q1", "H1", "Q3", "Y" };
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	int year = atoi(key);

	plan_url(&url, key, "/bao-cao-dinh-ky");
	html(out, "<h2 id=\"gui-bao-cao\">");
	html_txt(out, _("Record a report as sent"));
	html(out, "</h2>\n<p>");
	html_txt_sub(out, _("For %s."), req->user->agency_name, NULL);
	html(out, "</p>\n");
	form_error(out, &req->err);
	html(out, "<form class=\"stack\" method=\"post\" action=\"");
	html_attr(out, url.buf);
	html(out, "\">\n");
	org_csrf_field(req, res);
	select_open(out, &req->err, "period", _("Report"));
	for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
		struct strbuf label = STRBUF_INIT;

		plan_period_label(periods[i], year, &label);
		option(out, periods[i], label.buf, req_form(req, "period"));
		strbuf_release(&label);
	}
	select_close(out);
	input(out, &req->err, "reference", _("Document number and date"), "text",
	      req_form(req, "reference"), _("For example: Báo cáo số 45/BC-SNV ngày 10/6/2021."),
	      " required");
	input(out, &req->err, "link", _("Link to the document"), "url", req_form(req, "link"),
	      NULL, NULL);
	input(out, &req->err, "day", _("Date sent"), "date", nonempty(req_form(req, "day")),
	      _("Leave empty for today."), NULL);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Record as sent"));
	html(out, "</button></p>\n</form>\n");
	strbuf_release(&url);
}

static int reports_page(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT, label = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	json_t *subs = NULL, *agencies = NULL, *a;
	bool all;
	size_t i;
	int ret = find_plan(req, &p);

	if (ret)
		goto out;
	all = req->user->roles & ROLE_MONITOR;
	ret = plan_submissions(req->db, req->user, &p, NULL, NULL, 0, &subs, &req->err);
	if (!ret)
		ret = lead_agencies(req->db, &p, &agencies);
	if (ret)
		goto out;
	page_begin(req, res, _("Reports"));
	html(out, "<h1>");
	html_txt(out, _("Reports"));
	html(out, " — ");
	html_txt(out, p.title);
	html(out, "</h1>\n");
	plan_nav(req, out, p.key);
	if (nonempty(req_query(req, "sent")))
		notice(out, _("The report is recorded as sent."));
	html(out, "<h2>");
	html_txt(out, _("Progress reports"));
	html(out, "</h2>\n<ul class=\"periods\">\n");
	for (i = 0; i < sizeof(report_periods) / sizeof(report_periods[0]); i++) {
		strbuf_reset(&url);
		strbuf_reset(&label);
		plan_url(&url, p.key, "/bao-cao/");
		strbuf_addstr(&url, report_periods[i]);
		plan_period_label(report_periods[i], p.year, &label);
		html(out, "<li>");
		link(out, url.buf, label.buf);
		html(out, "</li>\n");
	}
	html(out, "</ul>\n");
	/* The report of one agency: a GET form to the period's page. */
	strbuf_reset(&url);
	plan_url(&url, p.key, "/bao-cao");
	html(out, "<form class=\"filters\" method=\"get\" action=\"");
	html_attr(out, url.buf);
	html(out, "\">\n");
	/* Named apart from the submission form's fields: ids are unique on a page. */
	select_open(out, &req->err, "show_period", _("Period"));
	for (i = 0; i < sizeof(report_periods) / sizeof(report_periods[0]); i++) {
		strbuf_reset(&label);
		plan_period_label(report_periods[i], p.year, &label);
		option(out, report_periods[i], label.buf, NULL);
	}
	select_close(out);
	select_open(out, &req->err, "show_agency", _("Agency"));
	if (all) {
		/* Monitors: the province, or any agency that leads a task. */
		option(out, "", _("The whole province"), NULL);
		json_array_foreach(agencies, i, a)
			option(out, str(a, "key"), str(a, "name"), NULL);
	} else {
		option(out, req->user->agency_key, req->user->agency_name, NULL);
	}
	select_close(out);
	html(out, "<button type=\"submit\">");
	html_txt(out, _("Show the report"));
	html(out, "</button>\n</form>\n");
	html(out, "<h2>");
	html_txt(out, _("Reports sent by the agencies"));
	html(out, "</h2>\n<p>");
	html_txt(out, _("Agencies send their own yearly plan by the date the plan sets, and a report for the first quarter, the first six months, the third quarter and the year."));
	html(out, "</p>\n");
	submissions_table(out, subs, p.year);
	if (req->user->roles & ROLE_REPORTER)
		submission_form(req, res, p.key);
	page_end(req, res);
out:
	json_decref(subs);
	json_decref(agencies);
	strbuf_release(&url);
	strbuf_release(&label);
	plan_info_release(&p);
	return ret;
}

static int page_reports(struct request *req, struct response *res)
{
	const char *period = nonempty(req_query(req, "show_period"));

	/* The chooser's GET form: on to the period's page. */
	if (period) {
		struct strbuf to = STRBUF_INIT;
		const char *agency = nonempty(req_query(req, "show_agency"));

		plan_url(&to, req_arg(req, 0), "/bao-cao/");
		html_url_arg(&to, period);
		if (agency) {
			strbuf_addstr(&to, "?agency=");
			html_url_arg(&to, agency);
		}
		res_redirect(res, to.buf);
		strbuf_release(&to);
		return 0;
	}
	return reports_page(req, res);
}

static int page_submission(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_submission_new n = {
		.agency = nonempty(req_form(req, "agency")),
		.period = req_form(req, "period"),
		.reference = req_form(req, "reference"),
		.link = req_form(req, "link"),
		.summary = req_form(req, "summary"),
		.day = nonempty(req_form(req, "day")),
	};
	struct strbuf to = STRBUF_INIT;
	int64_t id;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = find_plan(req, &p);
	if (!ret)
		ret = plan_submission_add(req->db, req->user, &who, &p, &n, &id, &req->err);
	if (!ret) {
		plan_url(&to, p.key, "/bao-cao?sent=1");
		res_redirect(res, to.buf);
	} else if (ret == E_INVALID || ret == E_CONFLICT) {
		res->status = http_status_for(ret);
		ret = reports_page(req, res);
	}
	strbuf_release(&to);
	plan_info_release(&p);
	return ret;
}

static int load_report(struct request *req, struct plan_info *p, json_t **report)
{
	int ret = find_plan(req, p);

	if (!ret)
		ret = plan_report(req->db, req->user, p, req_arg(req, 1),
				  nonempty(req_query(req, "agency")), report, &req->err);
	return ret;
}

static int page_report(struct request *req, struct response *res)
{
	static const char *const tcols[] = {
		"#", N_("Target"), N_("Threshold"), N_("Value"), N_("Verdict"),
	};
	struct strbuf *out = &res->body, title = STRBUF_INIT, sub = STRBUF_INIT;
	struct strbuf url = STRBUF_INIT, q = STRBUF_INIT;
	struct plan_info p = PLAN_INFO_INIT;
	json_t *r = NULL, *a, *t;
	const char *agency = nonempty(req_query(req, "agency"));
	size_t i;
	int ret = load_report(req, &p, &r);

	if (ret)
		goto out;
	plan_report_heading(r, &title, &sub);
	/* The task list behind the numbers: the same day and agency. */
	strbuf_addstr(&q, "&as_of=");
	strbuf_addstr(&q, str(r, "as_of"));
	if (agency) {
		strbuf_addstr(&q, "&agency=");
		html_url_arg(&q, agency);
	}
	page_begin(req, res, title.buf);
	html(out, "<h1>");
	html_txt(out, title.buf);
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, sub.buf);
	html(out, "</p>\n");
	plan_nav(req, out, p.key);
	html(out, "<p class=\"downloads\">");
	for (int k = 0; k < 2; k++) {
		strbuf_reset(&url);
		plan_url(&url, p.key, "/bao-cao/");
		html_url_arg(&url, req_arg(req, 1));
		strbuf_addstr(&url, k ? "/xlsx" : "/pdf");
		if (agency) {
			strbuf_addstr(&url, "?agency=");
			html_url_arg(&url, agency);
		}
		html(out, "<a class=\"button\" href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, k ? _("Download as XLSX") : _("Download as PDF"));
		html(out, "</a> ");
	}
	html(out, "</p>\n");

	html(out, "<h2>");
	html_txt(out, _("1. Tasks by state, per area"));
	html(out, "</h2>\n<table class=\"report\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Area"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Tasks"));
	html(out, "</th>");
	for (int s = 0; s < PLAN_NSTATES; s++) {
		html(out, "<th scope=\"col\" class=\"num\">");
		html_txt(out, plan_state_label((enum plan_state)s));
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	for (size_t k = 0; k <= json_array_size(json_object_get(r, "areas")); k++) {
		json_t *c;

		a = json_array_get(json_object_get(r, "areas"), k);
		c = a ? json_object_get(a, "counts") : json_object_get(r, "counts");
		html(out, a ? "<tr>\n<th scope=\"row\">" : "<tr class=\"total\">\n<th scope=\"row\">");
		if (a) {
			html_txt(out, str(a, "code"));
			html(out, ". ");
			html_txt(out, str(a, "name"));
		} else {
			html_txt(out, _("Total"));
		}
		html(out, "</th>\n<td class=\"num\" data-state=\"total\">");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(c, "total")));
		html(out, "</td>\n");
		for (int s = 0; s < PLAN_NSTATES; s++) {
			strbuf_reset(&url);
			plan_url(&url, p.key, "/nhiem-vu?state=");
			strbuf_addstr(&url, plan_report_states[s]);
			if (a) {
				strbuf_addstr(&url, "&area=");
				html_url_arg(&url, str(a, "code"));
			}
			strbuf_addstr(&url, q.buf);
			html(out, "<td class=\"num\" data-state=\"");
			html_attr(out, plan_report_states[s]);
			html(out, "\"><a href=\"");
			html_attr(out, url.buf);
			html(out, "\">");
			html_txtf(out, "%lld", (long long)json_integer_value(
					  json_object_get(c, plan_report_states[s])));
			html(out, "</a></td>\n");
		}
		html(out, "</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");

	html(out, "<h2>");
	html_txt(out, _("2. Progress reported in the period"));
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(r, "reported"))) {
		html(out, "<p>");
		html_txt(out, _("No progress was reported in the period."));
		html(out, "</p>\n");
	} else {
		html(out, "<table class=\"reported\">\n<thead><tr>");
		{
			static const char *const cols[] = {
				N_("Task"), N_("Content"), N_("Reported by"), N_("Date"), N_("Done (%)"),
				N_("What was done"), N_("State"),
			};

			for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
				html(out, "<th scope=\"col\">");
				html_txt(out, _(cols[i]));
				html(out, "</th>");
			}
		}
		html(out, "</tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(r, "reported"), i, t) {
			html(out, "<tr>\n<th scope=\"row\">");
			html_txt(out, str(t, "ref"));
			html(out, "</th>\n<td>");
			html_txt(out, str(t, "content"));
			html(out, "</td>\n<td>");
			html_txt(out, str(t, "agency"));
			html(out, "</td>\n<td>");
			day_html(out, str(t, "day"));
			html(out, "</td>\n<td class=\"num\">");
			html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(t, "percent")));
			html(out, "</td>\n<td class=\"pre\">");
			html_txt(out, str(t, "note"));
			html(out, "</td>\n<td>");
			state_tag(out, str(t, "state"));
			html(out, "</td>\n</tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}

	html(out, "<h2>");
	html_txt(out, _("3. Overdue tasks"));
	html(out, "</h2>\n");
	if (!json_array_size(json_object_get(r, "overdue"))) {
		html(out, "<p>");
		html_txt(out, _("No task is overdue."));
		html(out, "</p>\n");
	} else {
		html(out, "<table class=\"overdue\">\n<thead><tr><th scope=\"col\">");
		html_txt(out, _("Task"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("Content"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("Time to complete"));
		html(out, "</th><th scope=\"col\">");
		html_txt(out, _("Lead agency"));
		html(out, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(json_object_get(r, "overdue"), i, t) {
			strbuf_reset(&url);
			plan_url(&url, p.key, "/nhiem-vu/");
			html_url_arg(&url, str(t, "ref"));
			html(out, "<tr>\n<th scope=\"row\">");
			link(out, url.buf, str(t, "ref"));
			html(out, "</th>\n<td>");
			html_txt(out, str(t, "content"));
			html(out, "</td>\n<td>");
			html_txt(out, str(t, "deadline"));
			html(out, "</td>\n<td>");
			html_txt(out, str(t, "lead"));
			html(out, "</td>\n</tr>\n");
		}
		html(out, "</tbody>\n</table>\n");
	}

	html(out, "<h2>");
	html_txt(out, _("4. Targets"));
	html(out, "</h2>\n<table class=\"targets\">\n<thead><tr>");
	for (i = 0; i < sizeof(tcols) / sizeof(tcols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, i ? _(tcols[i]) : tcols[i]);
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		struct strbuf thr = STRBUF_INIT, val = STRBUF_INIT;
		const char *verdict = plan_target_verdict(t);

		plan_threshold_text(&thr, t);
		plan_value_text(&val, t);
		html(out, "<tr>\n<td class=\"num\">");
		html_txtf(out, "%lld", (long long)json_integer_value(json_object_get(t, "seq")));
		html(out, "</td>\n<td>");
		html_txt(out, str(t, "text"));
		html(out, "</td>\n<td>");
		html_txt(out, thr.buf);
		html(out, "</td>\n<td>");
		html_txt(out, val.buf);
		html(out, "</td>\n<td>");
		html(out, !strcmp(verdict, "met") ? "<span class=\"tag ok\">" :
		     !strcmp(verdict, "not_met") ? "<span class=\"tag bad\">" : "<span class=\"tag\">");
		html_txt(out, plan_verdict_label(verdict));
		html(out, "</span></td>\n</tr>\n");
		strbuf_release(&thr);
		strbuf_release(&val);
	}
	html(out, "</tbody>\n</table>\n<h2>");
	html_txt(out, _("5. Reports sent by the agencies"));
	html(out, "</h2>\n");
	submissions_table(out, json_object_get(r, "submissions"), p.year);
	page_end(req, res);
out:
	json_decref(r);
	strbuf_release(&title);
	strbuf_release(&sub);
	strbuf_release(&url);
	strbuf_release(&q);
	plan_info_release(&p);
	return ret;
}

static int page_report_file(struct request *req, struct response *res, const char *format)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *r = NULL;
	int ret = load_report(req, &p, &r);

	if (!ret)
		ret = plan_send_report(req, res, r, format);
	json_decref(r);
	plan_info_release(&p);
	return ret;
}

static int page_report_pdf(struct request *req, struct response *res)
{
	return page_report_file(req, res, "pdf");
}

static int page_report_xlsx(struct request *req, struct response *res)
{
	return page_report_file(req, res, "xlsx");
}

#define STAFF ROLES_STAFF

const struct route plan_page_routes[] = {
	{ "GET", BASE, page_plans, ROUTE_HTML, STAFF, "reform plans" },
	{ "GET", BASE "/cua-toi", page_mine, ROUTE_HTML, STAFF,
	  "my agency's tasks, with its reminders" },
	{ "GET", BASE "/{plan}", page_plan, ROUTE_HTML, STAFF, "a plan at a glance" },
	{ "GET", BASE "/{plan}/nhiem-vu", page_tasks, ROUTE_HTML, STAFF,
	  "a plan's tasks, filtered" },
	{ "GET", BASE "/{plan}/nhiem-vu/{task}", page_task, ROUTE_HTML, STAFF,
	  "a task with its history and the report form" },
	{ "POST", BASE "/{plan}/nhiem-vu/{task}", page_task_report, ROUTE_HTML, ROLE_REPORTER,
	  "report progress on a task" },
	{ "GET", BASE "/{plan}/chi-tieu", page_targets, ROUTE_HTML, STAFF,
	  "a plan's targets with their values" },
	{ "POST", BASE "/{plan}/chi-tieu/{seq}", page_target_value, ROUTE_HTML, ROLE_MONITOR,
	  "enter a target's value" },
	{ "GET", BASE "/{plan}/canh-bao", page_warnings, ROUTE_HTML, ROLE_ADMIN | ROLE_MONITOR,
	  "the import's warnings, for review" },
	{ "POST", BASE "/{plan}/canh-bao/{id}", page_warning_resolve, ROUTE_HTML, ROLE_MONITOR,
	  "mark an import warning reviewed" },
	{ "GET", BASE "/{plan}/bao-cao", page_reports, ROUTE_HTML, STAFF,
	  "the periodic reports: choose one; who sent theirs" },
	{ "POST", BASE "/{plan}/bao-cao-dinh-ky", page_submission, ROUTE_HTML,
	  ROLE_REPORTER | ROLE_MONITOR, "record an agency's periodic report as sent" },
	{ "GET", BASE "/{plan}/bao-cao/{period}", page_report, ROUTE_HTML, STAFF,
	  "the progress report of a period" },
	{ "GET", BASE "/{plan}/bao-cao/{period}/pdf", page_report_pdf, ROUTE_HTML | ROUTE_SLOW, STAFF,
	  "the progress report of a period as PDF" },
	{ "GET", BASE "/{plan}/bao-cao/{period}/xlsx", page_report_xlsx, ROUTE_HTML | ROUTE_SLOW, STAFF,
	  "the progress report of a period as XLSX" },
};
const unsigned plan_page_nroutes = sizeof(plan_page_routes) / sizeof(plan_page_routes[0]);
