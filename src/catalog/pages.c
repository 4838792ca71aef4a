/*
 * The public pages of the catalogue: /thu-tuc (browse and search, with
 * facets and their counts) and /thu-tuc/{code} (one procedure: documents,
 * fees, time, where to file, online and postal options).  They work
 * without JavaScript: the search is a GET form, facets and pages are links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"

#define CATALOG_URL "/thu-tuc"
#define FILE_ONLINE_URL "/cong-dan/nop/"

/* The search parameters a link keeps, in the order they are written. */
static const char *const params[] = { "q", "level", "agency", "field", "online", NULL };

/* A query parameter, or NULL when absent or empty. */
static const char *param(struct request *req, const char *name)
{
	const char *v = req_query(req, name);

	return v && *v ? v : NULL;
}

/*
 * The URL of the catalogue with the request's search, but with name set
 * to value (NULL: left out) and at page (1: left out).
 */
static void search_url(struct strbuf *url, struct request *req, const char *name,
		       const char *value, int page)
{
	html_query_url(url, req, CATALOG_URL, params, name, value, page);
}

static void link_to(struct strbuf *out, const char *url)
{
	html(out, "<a href=\"");
	html_attr(out, url);
	html(out, "\">");
}

/* ---- labels -------------------------------------------------------------- */

/*
 * Labels of levels and agencies, read from the database once per page:
 * levels are rows of agency_level (data, not code), agencies by key.
 */
struct labels {
	struct request *req;
	bool levels_read;
	char *level_code[16], *level_name[16];
	int nlevels;
	char **agency_key, **agency_name;
	int nagencies;
};

static void labels_release(struct labels *l)
{
	for (int i = 0; i < l->nlevels; i++) {
		free(l->level_code[i]);
		free(l->level_name[i]);
	}
	for (int i = 0; i < l->nagencies; i++) {
		free(l->agency_key[i]);
		free(l->agency_name[i]);
	}
	free(l->agency_key);
	free(l->agency_name);
}

static void level_label(struct labels *l, struct strbuf *out, const char *code)
{
	if (!l->levels_read) {
		struct db_stmt *st = db_prepare(l->req->db, "SELECT code, name_vi, name_en"
						" FROM agency_level ORDER BY rank");
		int col = strcmp(l->req->lang, LANG_EN) ? 1 : 2;

		while (db_step(st) == DB_ROW && l->nlevels < 16) {
			l->level_code[l->nlevels] = xstrdup(db_col_text(st, 0));
			l->level_name[l->nlevels++] = xstrdup(db_col_text(st, col));
		}
		db_reset(st);
		l->levels_read = true;
	}
	for (int i = 0; i < l->nlevels; i++)
		if (!strcmp(l->level_code[i], code)) {
			strbuf_addstr(out, l->level_name[i]);
			return;
		}
	strbuf_addstr(out, code);
}

/* "Cấp xã, Cấp huyện" from "commune,district". */
static void levels_label(struct labels *l, struct strbuf *out, const char *levels)
{
	while (*levels) {
		size_t n = strcspn(levels, ",");
		char code[64];

		snprintf(code, sizeof(code), "%.*s", (int)n, levels);
		level_label(l, out, code);
		levels += n;
		if (*levels) {
			strbuf_addstr(out, ", ");
			levels++;
		}
	}
}

/*
 * Who carries a procedure out: a kind of agency, or an agency by name.  The
 * names are read in one query the first time one is needed (a search page
 * names up to a few dozen agencies).
 */
static void agency_label(struct labels *l, struct strbuf *out, const char *agency)
{
	if (!strcmp(agency, "commune")) {
		strbuf_addstr(out, _("Commune People's Committees"));
		return;
	}
	if (!strcmp(agency, "district")) {
		strbuf_addstr(out, _("District People's Committees"));
		return;
	}
	if (!l->agency_key) {
		struct db_stmt *st = db_prepare(l->req->db, "SELECT key, name FROM agency");
		int cap = 0;

		l->agency_key = xcalloc(1, sizeof(char *));
		l->agency_name = xcalloc(1, sizeof(char *));
		while (db_step(st) == DB_ROW) {
			if (l->nagencies == cap) {
				cap = cap ? cap * 2 : 256;
				l->agency_key = xrealloc(l->agency_key, (size_t)cap * sizeof(char *));
				l->agency_name = xrealloc(l->agency_name, (size_t)cap * sizeof(char *));
			}
			l->agency_key[l->nagencies] = xstrdup(db_col_text(st, 0));
			l->agency_name[l->nagencies++] = xstrdup(db_col_text(st, 1));
		}
		db_reset(st);
	}
	for (int i = 0; i < l->nagencies; i++)
		if (!strcmp(l->agency_key[i], agency)) {
			strbuf_addstr(out, l->agency_name[i]);
			return;
		}
	strbuf_addstr(out, agency);
}

static void time_label(struct strbuf *out, double value, const char *unit)
{
	catalog_format_number(out, value);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, catalog_unit_label(unit, value));
}

static const char *document_kind_label(const char *kind)
{
	if (!strcmp(kind, "original"))
		return _("Original");
	if (!strcmp(kind, "copy"))
		return _("A copy");
	return _("Original or copy");
}

static const char *step_kind_label(const char *kind)
{
	if (!strcmp(kind, "reception"))
		return _("Reception");
	if (!strcmp(kind, "appraisal"))
		return _("Appraisal");
	if (!strcmp(kind, "approval"))
		return _("Approval");
	if (!strcmp(kind, "return"))
		return _("Return of the result");
	return _("Transfer to another agency");
}

static const char *online_class(const char *online)
{
	if (!strcmp(online, "full"))
		return "tag ok";
	if (!strcmp(online, "partial"))
		return "tag warn";
	return "tag";
}

/* ---- the catalogue page -------------------------------------------------- */

static void facet_label(struct labels *l, struct strbuf *out, const char *facet,
			const char *value)
{
	if (!strcmp(facet, "level"))
		level_label(l, out, value);
	else if (!strcmp(facet, "agency"))
		agency_label(l, out, value);
	else if (!strcmp(facet, "online"))
		strbuf_addstr(out, catalog_online_label(value));
	else
		strbuf_addstr(out, value);
}

static void facet_list(struct labels *l, struct response *res,
		       const struct catalog_facet *f, const char *title)
{
	struct request *req = l->req;
	struct strbuf *out = &res->body, url = STRBUF_INIT, label = STRBUF_INIT;
	const char *chosen = param(req, f->name);

	if (!f->nvalues && !chosen)
		return;
	html(out, "<section class=\"facet\">\n<h3>");
	html_txt(out, title);
	html(out, "</h3>\n<ul>\n");
	for (int i = 0; i < f->nvalues; i++) {
		bool on = chosen && !strcmp(chosen, f->values[i].value);

		strbuf_reset(&url);
		strbuf_reset(&label);
		search_url(&url, req, f->name, f->values[i].value, 1);
		facet_label(l, &label, f->name, f->values[i].value);
		html(out, "<li>");
		html(out, "<a href=\"");
		html_attr(out, url.buf);
		html(out, on ? "\" aria-current=\"true\"><strong>" : "\">");
		html_txt(out, label.buf);
		html(out, on ? "</strong></a>" : "</a>");
		html(out, " <span class=\"count\">(");
		html_txtf(out, "%d", f->values[i].count);
		html(out, ")</span></li>\n");
	}
	if (chosen) {
		strbuf_reset(&url);
		search_url(&url, req, f->name, NULL, 1);
		html(out, "<li class=\"all\">");
		link_to(out, url.buf);
		html_txt(out, _("Show all"));
		html(out, "</a></li>\n");
	}
	html(out, "</ul>\n</section>\n");
	strbuf_release(&url);
	strbuf_release(&label);
}

static void hit_item(struct labels *l, struct response *res,
		     const struct catalog_hit *h)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT;

	html(out, "<li><a href=\"" CATALOG_URL "/");
	html_url_arg(out, h->code);
	html(out, "\">");
	html_txt(out, h->name);
	html(out, "</a>\n<p class=\"meta\">");
	html_txt(out, h->code);
	html(out, " · ");
	html_txt(out, h->field);
	html(out, " · ");
	levels_label(l, &s, h->levels);
	html_txt(out, s.buf);
	html(out, " · ");
	strbuf_reset(&s);
	agency_label(l, &s, h->agency);
	html_txt(out, s.buf);
	html(out, " · ");
	strbuf_reset(&s);
	time_label(&s, h->time_value, h->time_unit);
	html_txt(out, s.buf);
	html(out, " <span class=\"");
	html_attr(out, online_class(h->online));
	html(out, "\">");
	html_txt(out, catalog_online_label(h->online));
	html(out, "</span></p></li>\n");
	strbuf_release(&s);
}

static void pager(struct request *req, struct response *res, const struct catalog_result *r)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT, s = STRBUF_INIT;
	int pages = (r->total + r->per_page - 1) / r->per_page;

	if (pages <= 1)
		return;
	html(out, "<nav class=\"pager\" aria-label=\"");
	html_attr(out, _("Pages of results"));
	html(out, "\">\n");
	if (r->page > 1) {
		search_url(&url, req, "", NULL, r->page - 1);
		html(out, "<a rel=\"prev\" href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, _("Previous page"));
		html(out, "</a>\n");
	}
	html(out, "<span>");
	strbuf_addf(&s, "%d/%d", r->page, pages);
	html_txt_sub(out, _("Page %s"), s.buf, NULL);
	html(out, "</span>\n");
	if (r->page < pages) {
		strbuf_reset(&url);
		search_url(&url, req, "", NULL, r->page + 1);
		html(out, "<a rel=\"next\" href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, _("Next page"));
		html(out, "</a>\n");
	}
	html(out, "</nav>\n");
	strbuf_release(&url);
	strbuf_release(&s);
}

static int page_catalog(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	struct catalog_query q = { 0 };
	struct catalog_result r = CATALOG_RESULT_INIT;
	struct labels l = { .req = req };
	const char *page = param(req, "page");
	char *end;
	int ret;

	q.q = param(req, "q");
	q.level = param(req, "level");
	q.agency = param(req, "agency");
	q.field = param(req, "field");
	q.online = param(req, "online");
	if (page) {
		long n = strtol(page, &end, 10);

		if (*end || n < 1 || n > 100000)
			return err_set(&req->err, E_INVALID, "page",
				       "the page must be a number from 1");
		q.page = (int)n;
	}
	ret = catalog_search(req->db, &q, &r, &req->err);
	if (ret)
		return ret;

	page_begin(req, res, _("Administrative procedures"));
	html(out, "<h1>");
	html_txt(out, _("Administrative procedures"));
	html(out, "</h1>\n<form class=\"search\" method=\"get\" action=\"" CATALOG_URL
	     "\" role=\"search\">\n<label for=\"f-q\">");
	html_txt(out, _("Find a procedure by its name, code or papers"));
	html(out, "</label>\n<p id=\"f-q-hint\" class=\"hint\">");
	html_txt(out, _("With or without accents: \"dang ky khai sinh\" finds \"Đăng ký khai sinh\"."));
	html(out, "</p>\n<div class=\"row\"><input id=\"f-q\" name=\"q\" type=\"search\""
	     " aria-describedby=\"f-q-hint\" value=\"");
	html_attr(out, q.q ? q.q : "");
	html(out, "\">\n");
	for (int i = 1; params[i]; i++) {
		const char *v = param(req, params[i]);

		if (!v)
			continue;
		html_hidden(out, params[i], v);
	}
	html(out, "<button type=\"submit\">");
	html_txt(out, _("Search"));
	html(out, "</button></div>\n</form>\n<div class=\"catalog\">\n<aside class=\"facets\""
	     " aria-label=\"");
	html_attr(out, _("Narrow the results"));
	html(out, "\">\n<h2>");
	html_txt(out, _("Narrow the results"));
	html(out, "</h2>\n");
	facet_list(&l, res, &r.facets[0], _("Level of government"));
	facet_list(&l, res, &r.facets[1], _("Carried out by"));
	facet_list(&l, res, &r.facets[3], _("Online service"));
	facet_list(&l, res, &r.facets[2], _("Field of activity"));
	html(out, "</aside>\n<section class=\"results\" aria-labelledby=\"results-h\">\n"
	     "<h2 id=\"results-h\" role=\"status\">");
	if (r.total) {
		char n[16];

		snprintf(n, sizeof(n), "%d", r.total);
		html_txt_sub(out, r.total == 1 ? _("%s procedure") : _("%s procedures"), n, NULL);
	} else {
		html_txt(out, _("No procedure matches your search"));
	}
	html(out, "</h2>\n");
	if (r.nhits) {
		html(out, "<ol class=\"procedures\">\n");
		for (int i = 0; i < r.nhits; i++)
			hit_item(&l, res, &r.hits[i]);
		html(out, "</ol>\n");
	} else if (q.q) {
		html(out, "<p>");
		html_txt(out, _("Try fewer or other words, or remove a filter."));
		html(out, "</p>\n");
	}
	pager(req, res, &r);
	html(out, "</section>\n</div>\n");
	page_end(req, res);
	catalog_result_release(&r);
	labels_release(&l);
	return 0;
}

/* ---- one procedure ------------------------------------------------------- */

static void fact(struct strbuf *out, const char *term, const char *value)
{
	html(out, "<dt>");
	html_txt(out, term);
	html(out, "</dt><dd>");
	html_txt(out, value);
	html(out, "</dd>\n");
}

static void date_label(struct strbuf *out, int64_t t)
{
	int y, m, d;

	calendar_day_to_ymd(calendar_day_of(t), &y, &m, &d);
	strbuf_addf(out, "%02d/%02d/%04d", d, m, y);
}

static void where_to_file(struct labels *l, const struct procedure *p, struct strbuf *s)
{
	if (p->agency_kind && !strcmp(p->agency_kind, "commune"))
		strbuf_addstr(s, _("The one-stop desk of the commune People's Committee"));
	else if (p->agency_kind)
		strbuf_addstr(s, _("The one-stop desk of the district People's Committee"));
	else if (p->agency_name)
		strbuf_addstr(s, p->agency_name);
	else
		agency_label(l, s, p->agency_key);
}

static void postal_label(const struct procedure *p, struct strbuf *s)
{
	if (p->postal_submit && p->postal_return)
		strbuf_addstr(s, _("You may send the dossier and receive the result by post."));
	else if (p->postal_submit)
		strbuf_addstr(s, _("You may send the dossier by post; the result is collected in person."));
	else if (p->postal_return)
		strbuf_addstr(s, _("The result may be sent to you by post."));
	else
		strbuf_addstr(s, _("Not available by post."));
}

static void documents_table(struct strbuf *out, const struct procedure *p)
{
	html(out, "<h2 id=\"ho-so\">");
	html_txt(out, _("Documents to submit"));
	html(out, "</h2>\n");
	if (!p->ndocuments) {
		html(out, "<p>");
		html_txt(out, _("No documents are listed for this procedure."));
		html(out, "</p>\n");
		return;
	}
	html(out, "<table class=\"documents\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Document"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Original or copy"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Copies"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Form to fill in"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < p->ndocuments; i++) {
		const struct procedure_document *d = &p->documents[i];

		html(out, "<tr><td>");
		html_txt(out, d->name);
		html(out, "</td><td>");
		html_txt(out, document_kind_label(d->kind));
		html(out, "</td><td class=\"num\">");
		html_txtf(out, "%d", d->copies);
		html(out, "</td><td>");
		html_txt(out, d->form);
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
}

static void fees_table(struct strbuf *out, const struct procedure *p)
{
	struct strbuf s = STRBUF_INIT;

	html(out, "<h2 id=\"phi\">");
	html_txt(out, _("Fees and charges"));
	html(out, "</h2>\n");
	if (!p->nfees) {
		html(out, "<p class=\"fees-none\">");
		html_txt(out, _("No fee or charge."));
		html(out, "</p>\n");
		return;
	}
	html(out, "<table class=\"fees\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Fee item"));
	html(out, "</th><th scope=\"col\" class=\"num\">");
	html_txt(out, _("Amount"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Who does not pay"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < p->nfees; i++) {
		const struct procedure_fee *f = &p->fees[i];

		strbuf_reset(&s);
		if (f->amount)
			catalog_format_vnd(&s, f->amount);
		else
			strbuf_addstr(&s, _("Free"));
		html(out, "<tr><td>");
		html_txt(out, f->name);
		html(out, "</td><td class=\"num amount\">");
		html_txt(out, s.buf);
		html(out, "</td><td>");
		html_txt(out, f->exempt);
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
	strbuf_release(&s);
}

static void steps_list(struct labels *l, struct strbuf *out, const struct procedure *p)
{
	struct strbuf s = STRBUF_INIT;

	html(out, "<h2 id=\"trinh-tu\">");
	html_txt(out, _("Steps and their time"));
	html(out, "</h2>\n<ol class=\"steps\">\n");
	for (int i = 0; i < p->nsteps; i++) {
		const struct procedure_step *st = &p->steps[i];

		strbuf_reset(&s);
		time_label(&s, st->share, p->time_unit);
		html(out, "<li><strong>");
		html_txt(out, st->name);
		html(out, "</strong> — ");
		html_txt(out, step_kind_label(st->kind));
		html(out, ", ");
		html_txt(out, s.buf);
		if (st->agency) {
			strbuf_reset(&s);
			agency_label(l, &s, st->agency);
			html(out, " (");
			html_txt(out, s.buf);
			html(out, ")");
		}
		html(out, "</li>\n");
	}
	html(out, "</ol>\n");
	strbuf_release(&s);
}

static int page_procedure(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT;
	struct procedure p = PROCEDURE_INIT;
	struct labels l = { .req = req };
	const char *code = req_arg(req, 0);
	bool admin = req->user && user_has(req->user, ROLE_ADMIN);
	int ret = procedure_find(req->db, code, &p, &req->err);

	if (!ret && !strcmp(p.status, "draft") && !admin)
		ret = err_set(&req->err, E_NOTFOUND, "code", "there is no procedure '%s'", code);
	if (ret)
		goto out;

	page_begin(req, res, p.name);
	html(out, "<p class=\"breadcrumb\"><a href=\"" CATALOG_URL "\">");
	html_txt(out, _("Administrative procedures"));
	html(out, "</a></p>\n<h1>");
	html_txt(out, p.name);
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt_sub(out, _("Code %s"), p.code, NULL);
	html(out, " · ");
	html_txt(out, p.field);
	html(out, "</p>\n");
	if (!strcmp(p.status, "retired")) {
		html(out, "<p class=\"notice\" role=\"note\">");
		html_txt(out, _("This procedure is no longer in force."));
		html(out, "</p>\n");
	} else if (!strcmp(p.status, "draft")) {
		html(out, "<p class=\"notice\" role=\"note\">");
		html_txt(out, _("A draft: the public does not see it until it is published."));
		html(out, "</p>\n");
	} else if (strcmp(p.online, "none")) {
		html(out, "<p><a class=\"button file-online\" href=\"" FILE_ONLINE_URL);
		html_url_arg(out, p.code);
		html(out, "\">");
		html_txt(out, _("File online"));
		html(out, "</a></p>\n");
	}
	html(out, "<dl class=\"facts\">\n");
	strbuf_reset(&s);
	time_label(&s, p.time_value, p.time_unit);
	fact(out, _("Processing time"), s.buf);
	strbuf_reset(&s);
	for (int i = 0; i < p.nlevels; i++) {
		if (i)
			strbuf_addstr(&s, ", ");
		level_label(&l, &s, p.levels[i]);
	}
	fact(out, _("Level of government"), s.buf);
	strbuf_reset(&s);
	where_to_file(&l, &p, &s);
	fact(out, _("Where to file"), s.buf);
	html(out, "<dt>");
	html_txt(out, _("Online service"));
	html(out, "</dt><dd><span class=\"");
	html_attr(out, online_class(p.online));
	html(out, "\">");
	html_txt(out, catalog_online_label(p.online));
	html(out, "</span></dd>\n");
	strbuf_reset(&s);
	postal_label(&p, &s);
	fact(out, _("By post"), s.buf);
	if (*p.result)
		fact(out, _("What you receive"), p.result);
	html(out, "</dl>\n");
	documents_table(out, &p);
	fees_table(out, &p);
	steps_list(&l, out, &p);
	if (p.nlegal_basis) {
		html(out, "<h2 id=\"can-cu\">");
		html_txt(out, _("Legal basis"));
		html(out, "</h2>\n<ul class=\"legal\">\n");
		for (int i = 0; i < p.nlegal_basis; i++) {
			html(out, "<li>");
			html_txt(out, p.legal_basis[i]);
			html(out, "</li>\n");
		}
		html(out, "</ul>\n");
	}
	if (*p.note) {
		html(out, "<h2>");
		html_txt(out, _("Note"));
		html(out, "</h2>\n<p>");
		html_txt(out, p.note);
		html(out, "</p>\n");
	}
	html(out, "<p class=\"meta\">");
	strbuf_reset(&s);
	strbuf_addf(&s, "%d", p.version);
	html_txt_sub(out, _("Version %s"), s.buf, NULL);
	if (p.published_at) {
		strbuf_reset(&s);
		date_label(&s, p.published_at);
		html(out, ", ");
		html_txt_sub(out, _("in force since %s"), s.buf, NULL);
	}
	html(out, "</p>\n");
	page_end(req, res);
out:
	strbuf_release(&s);
	procedure_release(&p);
	labels_release(&l);
	return ret;
}

const struct route catalog_page_routes[] = {
	{ "GET", CATALOG_URL, page_catalog, ROUTE_HTML, ROLE_PUBLIC,
	  "the procedure catalogue: search, facets, pages" },
	{ "GET", CATALOG_URL "/{code}", page_procedure, ROUTE_HTML, ROLE_PUBLIC,
	  "one procedure: documents, fees, time, where to file" },
};
const unsigned catalog_page_nroutes = sizeof(catalog_page_routes) /
	sizeof(catalog_page_routes[0]);
