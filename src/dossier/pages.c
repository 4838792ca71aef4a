/*
 * The HTML pages of dossiers: the counter (/mot-cua: find the procedure,
 * take the dossier in), the officers' lists and queues (/ho-so), one
 * dossier with its timeline and the actions allowed now (/ho-so/{code}),
 * and public tracking (/tra-cuu).
 *
 * Pages hold no rules: they read the form, call dossier.h (the same
 * functions the JSON routes of api.c call) and render what comes back —
 * which actions are allowed, what the deadline is, what a state is
 * called.  They work without JavaScript; a form that fails is shown again
 * with its error announced (role="alert") and linked to its field.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "http/html.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "org/org.h"
#include "payment/payment.h"
#include "rating/rating.h"
#include "portal/portal.h"

#define COUNTER_URL "/mot-cua"
#define DOSSIERS_URL "/ho-so"
#define TRACK_URL "/tra-cuu"
#define SLIPS_URL "/api/v1/dossiers/"
#define LIST_PAGE 50		/* dossiers per page of a list */
#define SEARCH_PAGE 20		/* procedures per page at the counter */
#define OTHER_DOCS_MAX 20	/* lines of "other documents" taken from a form */

/* ---- small pieces shared by the pages ---------------------------------- */

/* The value, or NULL when it is absent or empty. */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *param(struct request *req, const char *name)
{
	return nonempty(req_query(req, name));
}

/* A string member of a JSON object, "" when absent or not a string. */
static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* A positive whole number of at most 9 digits, or 0. */
static int small_number(const char *s)
{
	int n = 0;

	if (!s || !*s || strlen(s) > 9)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/*
 * A local time "YYYY-MM-DD HH:MM" (as the engine gives it) in a <time>
 * element, shown as people write it: dd/mm/yyyy HH:MM, or only the date.
 * "—" when there is none.
 */
static void when(struct strbuf *out, const char *t, bool date_only)
{
	int y, m, d, hh = 0, mm = 0;
	char iso[40], shown[40];

	if (!t || sscanf(t, "%4d-%2d-%2d %2d:%2d", &y, &m, &d, &hh, &mm) < 3) {
		html(out, "—");
		return;
	}
	if (date_only) {
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
		snprintf(shown, sizeof(shown), "%02d/%02d/%04d", d, m, y);
	} else {
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d+07:00", y, m, d, hh, mm);
		snprintf(shown, sizeof(shown), "%02d/%02d/%04d %02d:%02d", d, m, y, hh, mm);
	}
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txt(out, shown);
	html(out, "</time>");
}

/* The URL path segment of a dossier: its code, or "#id" encoded as %23id. */
static void dossier_href(struct strbuf *out, const char *code)
{
	strbuf_addstr(out, DOSSIERS_URL "/");
	html_url_arg(out, code);
}

/* The code of a dossier in JSON, or "#id" before it has one. */
static void dossier_ref(json_t *d, char *buf, size_t size)
{
	const char *code = json_string_value(json_object_get(d, "code"));

	if (code)
		snprintf(buf, size, "%s", code);
	else
		snprintf(buf, size, "#%lld", (long long)jint(d, "id"));
}

/* ---- forms ---------------------------------------------------------------- */

/* Whether e is about the field name. */
static bool field_bad(const struct err *e, const char *name)
{
	return e && e->message[0] && !strcmp(e->field, name);
}

/*
 * The error of a form, announced to screen readers at once, with a link
 * to the field it names when the form has it (fields have the id
 * "f-PREFIXNAME").
 */
static void form_error(struct strbuf *out, const struct err *e, const char *prefix,
		       const char *const *fields)
{
	if (!e || !e->message[0])
		return;
	html(out, "<div role=\"alert\" id=\"form-error\" class=\"form-error\">\n<p class=\"error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
	for (int i = 0; fields && fields[i]; i++) {
		if (strcmp(e->field, fields[i]))
			continue;
		html(out, "<p><a href=\"#f-");
		html_attr(out, prefix);
		html_attr(out, e->field);
		html(out, "\">");
		html_txt(out, _("Go to the field"));
		html(out, "</a></p>\n");
		break;
	}
	html(out, "</div>\n");
}

struct field {
	const char *name;	/* form name; the element's id is "f-" prefix name */
	const char *label;	/* translated */
	const char *type;	/* "text", "tel", "email", "date", "number" …; "textarea" */
	const char *value;	/* NULL for empty */
	const char *autocomplete;	/* NULL for none */
	const char *hint;	/* translated help under the label, or NULL */
	bool required;
	const char *inputmode;	/* NULL for the default */
};

static void field_id(struct strbuf *out, const char *prefix, const char *name,
		     const char *suffix)
{
	html(out, "f-");
	html_attr(out, prefix);
	html_attr(out, name);
	html(out, suffix);
}

/* A labelled input or textarea; marked invalid when e names its field. */
static void input_field(struct strbuf *out, const char *prefix, const struct field *f,
			const struct err *e)
{
	bool bad = field_bad(e, f->name);
	bool area = !strcmp(f->type, "textarea");

	html(out, "<label for=\"");
	field_id(out, prefix, f->name, "\">");
	html_txt(out, f->label);
	if (!f->required) {
		html(out, " <span class=\"optional\">");
		html_txt(out, _("(optional)"));
		html(out, "</span>");
	}
	html(out, "</label>\n");
	if (f->hint) {
		html(out, "<p class=\"hint\" id=\"");
		field_id(out, prefix, f->name, "-hint\">");
		html_txt(out, f->hint);
		html(out, "</p>\n");
	}
	if (bad) {
		html(out, "<p class=\"error\" id=\"");
		field_id(out, prefix, f->name, "-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
	html(out, area ? "<textarea rows=\"3\" id=\"" : "<input id=\"");
	field_id(out, prefix, f->name, "\" name=\"");
	html_attr(out, f->name);
	html(out, "\"");
	if (!area) {
		html(out, " type=\"");
		html_attr(out, f->type);
		html(out, "\"");
		if (f->value) {
			html(out, " value=\"");
			html_attr(out, f->value);
			html(out, "\"");
		}
	}
	if (f->autocomplete) {
		html(out, " autocomplete=\"");
		html_attr(out, f->autocomplete);
		html(out, "\"");
	}
	if (f->inputmode) {
		html(out, " inputmode=\"");
		html_attr(out, f->inputmode);
		html(out, "\"");
	}
	if (f->required)
		html(out, " required");
	if (f->hint || bad) {
		html(out, " aria-describedby=\"");
		if (f->hint)
			field_id(out, prefix, f->name, bad ? "-hint " : "-hint");
		if (bad)
			field_id(out, prefix, f->name, "-error");
		html(out, "\"");
	}
	if (bad)
		html(out, " aria-invalid=\"true\"");
	html(out, ">");
	if (area) {
		html_txt(out, f->value);
		html(out, "</textarea>");
	}
	html(out, "\n");
}

/* A notice that something succeeded, read out politely. */
static void notice(struct strbuf *out, const char *fmt, const char *arg)
{
	html(out, "<p class=\"notice\" role=\"status\">");
	html_txt_sub(out, fmt, arg, NULL);
	html(out, "</p>\n");
}

/* ---- labels ---------------------------------------------------------------- */

static const char *channel_label(const char *channel)
{
	if (!strcmp(channel, "counter"))
		return _("At the counter");
	if (!strcmp(channel, "online"))
		return _("Online");
	if (!strcmp(channel, "postal"))
		return _("By post");
	return channel;
}

static const char *outcome_label(const char *outcome)
{
	if (!strcmp(outcome, "early"))
		return _("Early");
	if (!strcmp(outcome, "on_time"))
		return _("On time");
	if (!strcmp(outcome, "late"))
		return _("Late");
	return outcome;
}

static const char *outcome_class(const char *outcome)
{
	return !strcmp(outcome, "late") ? "tag bad" : "tag ok";
}

/* The urgency of an unfinished dossier as a tag, or nothing. */
static void urgency_tag(struct strbuf *out, const char *urgency)
{
	if (!strcmp(urgency, "late")) {
		html(out, " <span class=\"tag bad\">");
		html_txt(out, _("Late"));
		html(out, "</span>");
	} else if (!strcmp(urgency, "at_risk")) {
		html(out, " <span class=\"tag warn\">");
		html_txt(out, _("Due soon"));
		html(out, "</span>");
	}
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
	if (!strcmp(kind, "transfer"))
		return _("Transfer to another agency");
	return kind;
}

static const char *document_kind_label(const char *kind)
{
	if (!strcmp(kind, "original"))
		return _("Original");
	if (!strcmp(kind, "copy"))
		return _("Copy");
	return _("Original or copy");
}

/* What happened, for the timeline: an event's action in the past tense. */
static const char *event_label(const char *action)
{
	static const struct { const char *action, *label; } labels[] = {
		{ "submit", N_("Submitted") },
		{ "receive", N_("Received") },
		{ "request_completion", N_("Asked the applicant to complete it") },
		{ "reject", N_("Not accepted") },
		{ "assign", N_("Assigned") },
		{ "claim", N_("Taken by an officer") },
		{ "transfer", N_("Transferred to another agency") },
		{ "request_supplement", N_("Additional documents requested") },
		{ "resume", N_("Processing resumed") },
		{ "refuse", N_("Refused") },
		{ "withdraw", N_("Withdrawn") },
		{ "approve", N_("Approved") },
		{ "mark_ready", N_("Result ready") },
		{ "return", N_("Result returned") },
		{ "apologize", N_("Apology letter recorded") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (!strcmp(labels[i].action, action))
			return _(labels[i].label);
	return action;
}

/* The states an officer may filter by (see the lifecycle in dossier.h). */
static const char *const states[] = {
	"submitted", "incomplete", "received", "processing", "awaiting_supplement",
	"approved", "result_ready", "returned", "refused", "rejected", "withdrawn", NULL
};

/* ---- the counter: finding the procedure --------------------------------- */

static void time_label(struct strbuf *out, double value, const char *unit)
{
	catalog_format_number(out, value);
	strbuf_addch(out, ' ');
	strbuf_addstr(out, catalog_unit_label(unit, value));
}

static void counter_pager(struct strbuf *out, const char *q, int page, int total)
{
	int pages = (total + SEARCH_PAGE - 1) / SEARCH_PAGE;
	char n[32];

	if (pages <= 1)
		return;
	html(out, "<nav class=\"pager\" aria-label=\"");
	html_attr(out, _("Pages of results"));
	html(out, "\">\n");
	for (int k = -1; k <= 1; k += 2) {
		int to = page + k;

		if (to < 1 || to > pages)
			continue;
		html(out, k < 0 ? "<a rel=\"prev\" href=\"" COUNTER_URL "?q=" :
		     "<a rel=\"next\" href=\"" COUNTER_URL "?q=");
		html_url_arg(out, q ? q : "");
		html_txtf(out, "&page=%d", to);
		html(out, "\">");
		html_txt(out, k < 0 ? _("Previous page") : _("Next page"));
		html(out, "</a>\n");
	}
	snprintf(n, sizeof(n), "%d/%d", page, pages);
	html(out, "<span>");
	html_txt_sub(out, _("Page %s"), n, NULL);
	html(out, "</span>\n</nav>\n");
}

static int page_counter(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT;
	struct catalog_query q = { 0 };
	struct catalog_result r = CATALOG_RESULT_INIT;
	const char *sent = param(req, "gui");
	int ret;

	q.q = param(req, "q");
	q.page = small_number(param(req, "page"));
	q.per_page = SEARCH_PAGE;
	ret = catalog_search(req->db, &q, &r, &req->err);
	if (ret)
		return ret;
	page_begin(req, res, _("Receive a dossier"));
	html(out, "<h1>");
	html_txt(out, _("Receive a dossier"));
	html(out, "</h1>\n");
	if (sent && small_number(sent))
		notice(out, _("Dossier no. %s has been recorded and sent to the receiving agency."),
		       sent);
	html(out, "<form class=\"search\" method=\"get\" action=\"" COUNTER_URL
	     "\" role=\"search\">\n<label for=\"f-q\">");
	html_txt(out, _("Find the procedure by its name or code"));
	html(out, "</label>\n<p class=\"hint\" id=\"f-q-hint\">");
	html_txt(out, _("With or without accents: \"khai sinh\" finds \"Đăng ký khai sinh\"."));
	html(out, "</p>\n<div class=\"row\"><input id=\"f-q\" name=\"q\" type=\"search\""
	     " aria-describedby=\"f-q-hint\" value=\"");
	html_attr(out, q.q ? q.q : "");
	html(out, "\">\n<button type=\"submit\">");
	html_txt(out, _("Search"));
	html(out, "</button></div>\n</form>\n<h2 id=\"results-h\" role=\"status\">");
	strbuf_addf(&s, "%d", r.total);
	if (r.total)
		html_txt_sub(out, r.total == 1 ? _("%s procedure") : _("%s procedures"), s.buf, NULL);
	else
		html_txt(out, _("No procedure matches your search"));
	html(out, "</h2>\n");
	if (r.nhits) {
		html(out, "<ol class=\"procedures\" aria-labelledby=\"results-h\">\n");
		for (int i = 0; i < r.nhits; i++) {
			const struct catalog_hit *h = &r.hits[i];

			strbuf_reset(&s);
			time_label(&s, h->time_value, h->time_unit);
			html(out, "<li><a href=\"" COUNTER_URL "/");
			html_url_arg(out, h->code);
			html(out, "\">");
			html_txt(out, h->name);
			html(out, "</a>\n<p class=\"meta\">");
			html_txt(out, h->code);
			html(out, " · ");
			html_txt(out, h->field);
			html(out, " · ");
			html_txt(out, s.buf);
			html(out, "</p></li>\n");
		}
		html(out, "</ol>\n");
	}
	counter_pager(out, q.q, r.page, r.total);
	page_end(req, res);
	catalog_result_release(&r);
	strbuf_release(&s);
	return 0;
}

/* ---- the counter: the intake form ---------------------------------------- */

/*
 * The agencies the officer may record the dossier for: postal staff send
 * to any agency; a clerk receives at their agency or one below it.  The
 * engine decides whether that agency receives the procedure.
 */
static void agency_choice(struct request *req, struct response *res, const char *chosen,
			  const struct err *e)
{
	struct strbuf *out = &res->body, label = STRBUF_INIT;
	bool everyone = user_has(req->user, ROLE_POSTAL);
	json_t *tree = NULL, *a;
	size_t i, first = 0, n = 0;
	int base = 0;

	if (agency_tree(req->db, false, &tree))
		goto out;
	if (!everyone) {
		bool found = false;

		json_array_foreach(tree, i, a) {
			if (!found && jint(a, "id") == req->user->agency_id) {
				found = true;
				first = i;
				base = (int)jint(a, "depth");
				n = 1;
			} else if (found && jint(a, "depth") > base) {
				n++;
			} else if (found) {
				break;
			}
		}
	} else {
		n = json_array_size(tree);
	}
	if (n == 0)
		goto out;
	if (n == 1) {
		/* Only the officer's own agency: nothing to choose. */
		html(out, "<p class=\"receiving\">");
		html_txt_sub(out, _("Received at: %s"), jstr(json_array_get(tree, first), "name"), NULL);
		html(out, "</p>\n");
		goto out;
	}
	html(out, "<label for=\"f-agency\">");
	html_txt(out, _("Receiving agency"));
	html(out, "</label>\n");
	if (field_bad(e, "agency")) {
		html(out, "<p class=\"error\" id=\"f-agency-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n<select id=\"f-agency\" name=\"agency\" aria-invalid=\"true\""
		     " aria-describedby=\"f-agency-error\">\n");
	} else {
		html(out, "<select id=\"f-agency\" name=\"agency\">\n");
	}
	if (everyone) {
		/* Postal staff send to another agency: no default. */
		html(out, "<option value=\"\">");
		html_txt(out, _("Choose the agency"));
		html(out, "</option>\n");
	}
	for (i = first; i < first + n; i++) {
		const char *key;
		bool on;

		a = json_array_get(tree, i);
		key = jstr(a, "key");
		on = chosen ? !strcmp(chosen, key) :
			!everyone && jint(a, "id") == req->user->agency_id;
		strbuf_reset(&label);
		for (json_int_t d = jint(a, "depth") - base; d > 0; d--)
			strbuf_addstr(&label, "\u00a0\u00a0");
		strbuf_addstr(&label, jstr(a, "name"));
		html(out, "<option value=\"");
		html_attr(out, key);
		html(out, on ? "\" selected>" : "\">");
		html_txt(out, label.buf);
		html(out, "</option>\n");
	}
	html(out, "</select>\n");
out:
	json_decref(tree);
	strbuf_release(&label);
}

static void intake_documents(struct request *req, struct strbuf *out,
			     const struct procedure *p, bool posted, const struct err *e)
{
	bool bad = field_bad(e, "documents");

	html(out, "<fieldset id=\"f-documents\"");
	if (bad)
		html(out, " aria-describedby=\"f-documents-error\"");
	html(out, ">\n<legend>");
	html_txt(out, _("Documents received"));
	html(out, "</legend>\n");
	if (bad) {
		html(out, "<p class=\"error\" id=\"f-documents-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
	if (!p->ndocuments) {
		html(out, "<p>");
		html_txt(out, _("No documents are listed for this procedure."));
		html(out, "</p>\n");
	}
	html(out, "<ul class=\"checks\">\n");
	for (int i = 0; i < p->ndocuments; i++) {
		const struct procedure_document *d = &p->documents[i];
		char name[32];

		snprintf(name, sizeof(name), "doc-%d", i);
		html(out, "<li><input type=\"checkbox\" value=\"1\" id=\"f-");
		html_attr(out, name);
		html(out, "\" name=\"");
		html_attr(out, name);
		html(out, posted && req_form(req, name) ? "\" checked>" : "\">");
		html(out, "<label for=\"f-");
		html_attr(out, name);
		html(out, "\">");
		html_txt(out, d->name);
		html(out, " <span class=\"meta\">(");
		html_txt(out, document_kind_label(d->kind));
		html(out, ", ");
		html_txtf(out, "%d", d->copies);
		html(out, " ");
		html_txt(out, d->copies == 1 ? _("copy") : _("copies"));
		html(out, ")</span></label></li>\n");
	}
	html(out, "</ul>\n</fieldset>\n");
}

static void intake_fees(struct strbuf *out, const struct procedure *p)
{
	struct strbuf s = STRBUF_INIT;

	html(out, "<h3>");
	html_txt(out, _("Fees due"));
	html(out, "</h3>\n");
	if (!p->nfees) {
		html(out, "<p>");
		html_txt(out, _("No fee or charge."));
		html(out, "</p>\n");
		return;
	}
	html(out, "<ul class=\"fees\">\n");
	for (int i = 0; i < p->nfees; i++) {
		const struct procedure_fee *f = &p->fees[i];

		strbuf_reset(&s);
		if (f->amount)
			catalog_format_vnd(&s, f->amount);
		else
			strbuf_addstr(&s, _("Free"));
		html(out, "<li>");
		html_txt(out, f->name);
		html(out, ": <strong>");
		html_txt(out, s.buf);
		html(out, "</strong>");
		if (*f->exempt) {
			html(out, " <span class=\"meta\">(");
			html_txt_sub(out, _("exempt: %s"), f->exempt, NULL);
			html(out, ")</span>");
		}
		html(out, "</li>\n");
	}
	html(out, "</ul>\n");
	strbuf_release(&s);
}

static const char *const intake_fields[] = {
	"agency", "channel", "applicant_name", "applicant_id", "applicant_phone",
	"applicant_email", "applicant_address", "request", "documents", "fee_paid",
	"postal_tracking", NULL
};

static void intake_page(struct request *req, struct response *res,
			const struct procedure *p, bool posted)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT, action = STRBUF_INIT;
	const struct err *e = posted ? &req->err : NULL;
	bool clerk = user_has(req->user, ROLE_CLERK);
	bool postal = !clerk || (posted && nonempty(req_form(req, "channel")) &&
				 !strcmp(req_form(req, "channel"), "postal"));
#define V(name) (posted ? req_form(req, name) : NULL)
	struct field applicant[] = {
		{ "applicant_name", _("Full name"), "text", V("applicant_name"), "off", NULL,
		  true, NULL },
		{ "applicant_id", _("Citizen ID number"), "text", V("applicant_id"), "off",
		  _("The 12 digits of the citizen identity card (or the 9 of an old ID card)."),
		  false, "numeric" },
		{ "applicant_phone", _("Phone number"), "tel", V("applicant_phone"), "off",
		  _("10 digits, starting with 0. Its last 4 digits let the applicant track the dossier."),
		  true, "tel" },
		{ "applicant_email", _("E-mail"), "email", V("applicant_email"), "off", NULL,
		  false, NULL },
		{ "applicant_address", _("Address"), "text", V("applicant_address"), "off", NULL,
		  false, NULL },
	};
	struct field ask = { "request", _("What the applicant asks for"), "textarea",
		V("request"), NULL, _("Leave empty to use the name of the procedure."), false, NULL };
	struct field fee = { "fee_paid", _("Fee paid (đồng)"), "text", V("fee_paid"), "off",
		NULL, false, "numeric" };
	struct field tracking = { "postal_tracking", _("The post's tracking number"), "text",
		V("postal_tracking"), "off", _("Needed for a dossier sent by post."), false, NULL };
#undef V

	strbuf_addstr(&action, COUNTER_URL "/");
	html_url_arg(&action, p->code);
	strbuf_addf(&s, "%s", p->name);
	page_begin(req, res, s.buf);
	html(out, "<p class=\"breadcrumb\"><a href=\"" COUNTER_URL "\">");
	html_txt(out, _("Receive a dossier"));
	html(out, "</a></p>\n<h1>");
	html_txt(out, p->name);
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt_sub(out, _("Code %s"), p->code, NULL);
	html(out, " · ");
	strbuf_reset(&s);
	time_label(&s, p->time_value, p->time_unit);
	html_txt(out, s.buf);
	html(out, " · <a href=\"/thu-tuc/");
	html_url_arg(out, p->code);
	html(out, "\">");
	html_txt(out, _("The procedure in the catalogue"));
	html(out, "</a></p>\n");
	if (strcmp(p->status, "published")) {
		html(out, "<p class=\"notice\" role=\"note\">");
		html_txt(out, _("This procedure is not in force: dossiers cannot be taken for it."));
		html(out, "</p>\n");
	}
	form_error(out, e, "", intake_fields);
	html(out, "<form class=\"stack intake\" method=\"post\" action=\"");
	html_attr(out, action.buf);
	html(out, "\">\n");
	org_csrf_field(req, res);
	agency_choice(req, res, posted ? nonempty(req_form(req, "agency")) : NULL, e);
	if (clerk) {
		html(out, "<fieldset id=\"f-channel\">\n<legend>");
		html_txt(out, _("How the dossier came in"));
		html(out, "</legend>\n<p class=\"radio\"><input type=\"radio\" name=\"channel\""
		     " value=\"counter\" id=\"f-channel-counter\"");
		html(out, postal ? ">" : " checked>");
		html(out, "<label for=\"f-channel-counter\">");
		html_txt(out, _("At the counter"));
		html(out, "</label></p>\n<p class=\"radio\"><input type=\"radio\" name=\"channel\""
		     " value=\"postal\" id=\"f-channel-postal\"");
		html(out, postal ? " checked>" : ">");
		html(out, "<label for=\"f-channel-postal\">");
		html_txt(out, _("By post"));
		html(out, "</label></p>\n</fieldset>\n");
	}
	html(out, "<fieldset>\n<legend>");
	html_txt(out, _("Applicant"));
	html(out, "</legend>\n");
	for (size_t i = 0; i < ARRAY_SIZE(applicant); i++)
		input_field(out, "", &applicant[i], e);
	html(out, "</fieldset>\n");
	input_field(out, "", &ask, e);
	intake_documents(req, out, p, posted, e);
	html(out, "<fieldset>\n<legend>");
	html_txt(out, _("Fees"));
	html(out, "</legend>\n");
	intake_fees(out, p);
	input_field(out, "", &fee, e);
	html(out, "</fieldset>\n");
	input_field(out, "", &tracking, e);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Receive the dossier"));
	html(out, "</button></p>\n</form>\n");
	page_end(req, res);
	strbuf_release(&s);
	strbuf_release(&action);
}

static int page_intake(struct request *req, struct response *res)
{
	struct procedure p = PROCEDURE_INIT;
	int ret = procedure_find(req->db, req_arg(req, 0), &p, &req->err);

	if (!ret && strcmp(p.status, "published") && strcmp(p.status, "retired"))
		ret = err_set(&req->err, E_NOTFOUND, "code", "there is no procedure '%s'",
			      req_arg(req, 0));
	if (!ret)
		intake_page(req, res, &p, false);
	procedure_release(&p);
	return ret;
}

/*
 * An amount of money as typed at the counter: digits, with "." "," or
 * spaces between thousands.  -1 when it is not one.
 */
static long long money(const char *s)
{
	long long v = 0;
	int digits = 0;

	if (!s)
		return 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 15)
				return -1;
			v = v * 10 + (*s - '0');
		} else if (*s != '.' && *s != ',' && *s != ' ') {
			return -1;
		}
	}
	return v;
}

static int page_intake_post(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct dossier_intake in = { 0 };
	struct procedure p = PROCEDURE_INIT;
	struct strbuf url = STRBUF_INIT;
	const char *channel = req_form(req, "channel");
	json_t *docs = json_array(), *d = NULL;
	long long fee;
	int64_t id = 0;
	int ret = procedure_find(req->db, req_arg(req, 0), &p, &req->err);

	if (ret)
		goto out;
	/* A clerk says how it came in; postal staff only record what came by post. */
	in.channel = user_has(req->user, ROLE_CLERK) && !(channel && !strcmp(channel, "postal")) ?
		CHANNEL_COUNTER : CHANNEL_POSTAL;
	in.procedure = p.code;
	in.agency = nonempty(req_form(req, "agency"));
	in.applicant_name = req_form(req, "applicant_name");
	in.applicant_id = req_form(req, "applicant_id");
	in.applicant_phone = req_form(req, "applicant_phone");
	in.applicant_email = req_form(req, "applicant_email");
	in.applicant_address = req_form(req, "applicant_address");
	in.request = nonempty(req_form(req, "request"));
	for (int i = 0; i < p.ndocuments; i++) {
		char name[32];

		snprintf(name, sizeof(name), "doc-%d", i);
		if (req_form(req, name))
			json_array_append_new(docs, json_integer(i));
	}
	in.documents = docs;
	if (in.channel == CHANNEL_POSTAL)
		in.postal_tracking = nonempty(req_form(req, "postal_tracking"));
	fee = money(req_form(req, "fee_paid"));
	if (fee < 0)
		ret = err_set(&req->err, E_INVALID, "fee_paid",
			      "the fee paid must be an amount in đồng, in digits");
	else
		in.fee_paid = fee;
	if (!ret)
		ret = dossier_intake(req->db, req->user, &who, &in, &id, &req->err);
	switch (ret) {
	case 0:
		break;
	case E_INVALID:
	case E_DENIED:
	case E_CONFLICT:
	case E_NOTFOUND:
		/* The officer's mistake: the form again, as it was sent. */
		res->status = ret == E_NOTFOUND ? 400 : http_status_for(ret);
		intake_page(req, res, &p, true);
		ret = 0;
		goto out;
	default:
		goto out;
	}
	{
		char ref[32];
		struct err ignored = ERR_INIT;

		snprintf(ref, sizeof(ref), "#%lld", (long long)id);
		if (!dossier_get(req->db, req->user, ref, &d, &ignored)) {
			dossier_ref(d, ref, sizeof(ref));
			dossier_href(&url, ref);
			strbuf_addstr(&url, "?moi=1");
		} else {
			/* Sent to an agency the officer does not see (postal staff). */
			strbuf_addf(&url, COUNTER_URL "?gui=%lld", (long long)id);
		}
	}
	res_redirect(res, url.buf);
out:
	json_decref(docs);
	json_decref(d);
	procedure_release(&p);
	strbuf_release(&url);
	return ret;
}

/* ---- lists and queues ------------------------------------------------------ */

/* The list parameters a link keeps, in the order they are written. */
static const char *const list_params[] = { "mine", "queue", "q", "state", "procedure", "due",
					    "agency", "from", "to", "by", "outcome", "channel",
					    NULL };

/* The URL of the list with the request's filters, name set to value (NULL: left out). */
static void list_url(struct strbuf *url, struct request *req, const char *name,
		     const char *value, int page)
{
	html_query_url(url, req, DOSSIERS_URL, list_params, name, value, page);
}

static void list_tabs(struct strbuf *out, bool mine, bool queue)
{
	static const struct { const char *href, *label; int which; } tabs[] = {
		{ DOSSIERS_URL, N_("All I may see"), 0 },
		{ DOSSIERS_URL "?mine=1", N_("My queue"), 1 },
		{ DOSSIERS_URL "?queue=1", N_("My agency's queue"), 2 },
	};
	int on = mine ? 1 : queue ? 2 : 0;

	html(out, "<nav class=\"tabs\" aria-label=\"");
	html_attr(out, _("Lists of dossiers"));
	html(out, "\"><ul>\n");
	for (size_t i = 0; i < ARRAY_SIZE(tabs); i++) {
		html(out, "<li><a href=\"");
		html_attr(out, tabs[i].href);
		html(out, tabs[i].which == on ? "\" aria-current=\"page\">" : "\">");
		html_txt(out, _(tabs[i].label));
		html(out, "</a></li>\n");
	}
	html(out, "</ul></nav>\n");
}

/* The filters of an indicator's link (kpi/) are kept, and said. */
static void indicator_notice(struct request *req, struct strbuf *out)
{
	static const char *const keys[] = { "agency", "from", "to", "by", "outcome", "channel" };
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = param(req, keys[i]);

		if (!v)
			continue;
		if (!any) {
			html(out, "<p class=\"notice\">");
			html_txt(out, _("Dossiers behind an indicator:"));
			any = true;
		}
		html(out, " <code>");
		html_txt(out, keys[i]);
		html(out, "=");
		html_txt(out, v);
		html(out, "</code>");
		html_hidden(out, keys[i], v);
	}
	if (any)
		html(out, "</p>\n");
}

static void list_filters(struct request *req, struct strbuf *out)
{
	const char *state = param(req, "state"), *due = param(req, "due");
	static const struct { const char *value, *label; } dues[] = {
		{ "", N_("Any") },
		{ "soon", N_("Due within a working day") },
		{ "late", N_("Late") },
	};

	html(out, "<form class=\"filters\" method=\"get\" action=\"" DOSSIERS_URL "\" role=\"search\">\n");
	if (param(req, "mine"))
		html_hidden(out, "mine", "1");
	if (param(req, "queue"))
		html_hidden(out, "queue", "1");
	indicator_notice(req, out);
	html(out, "<p><label for=\"f-q\">");
	html_txt(out, _("Code, name, phone or ID number"));
	html(out, "</label>\n<input id=\"f-q\" name=\"q\" type=\"search\" value=\"");
	html_attr(out, param(req, "q") ? param(req, "q") : "");
	html(out, "\"></p>\n<p><label for=\"f-state\">");
	html_txt(out, _("State"));
	html(out, "</label>\n<select id=\"f-state\" name=\"state\">\n<option value=\"\">");
	html_txt(out, _("Any"));
	html(out, "</option>\n<option value=\"open\"");
	html(out, state && !strcmp(state, "open") ? " selected>" : ">");
	html_txt(out, _("Not finished"));
	html(out, "</option>\n");
	for (int i = 0; states[i]; i++) {
		html(out, "<option value=\"");
		html_attr(out, states[i]);
		html(out, state && !strcmp(state, states[i]) ? "\" selected>" : "\">");
		html_txt(out, dossier_state_label(states[i]));
		html(out, "</option>\n");
	}
	html(out, "</select></p>\n<p><label for=\"f-procedure\">");
	html_txt(out, _("Procedure code"));
	html(out, "</label>\n<input id=\"f-procedure\" name=\"procedure\" type=\"text\" size=\"10\" value=\"");
	html_attr(out, param(req, "procedure") ? param(req, "procedure") : "");
	html(out, "\"></p>\n<p><label for=\"f-due\">");
	html_txt(out, _("Deadline"));
	html(out, "</label>\n<select id=\"f-due\" name=\"due\">\n");
	for (size_t i = 0; i < ARRAY_SIZE(dues); i++) {
		html(out, "<option value=\"");
		html_attr(out, dues[i].value);
		html(out, (due ? !strcmp(due, dues[i].value) : !*dues[i].value) ?
		     "\" selected>" : "\">");
		html_txt(out, _(dues[i].label));
		html(out, "</option>\n");
	}
	html(out, "</select></p>\n<p><button type=\"submit\">");
	html_txt(out, _("Filter"));
	html(out, "</button> <a href=\"" DOSSIERS_URL "\">");
	html_txt(out, _("Clear the filters"));
	html(out, "</a></p>\n</form>\n");
}

/* The open dossiers of the officer's agencies by state, each a link to its list. */
static void list_counts(struct request *req, struct strbuf *out, json_t *counts)
{
	struct strbuf url = STRBUF_INIT;
	const char *chosen = param(req, "state");

	if (!json_object_size(counts))
		return;
	html(out, "<section class=\"state-counts\" aria-labelledby=\"counts-h\">\n<h2 id=\"counts-h\">");
	html_txt(out, _("Unfinished, by state"));
	html(out, "</h2>\n<ul>\n");
	for (int i = 0; states[i]; i++) {
		json_t *n = json_object_get(counts, states[i]);

		if (!n)
			continue;
		strbuf_reset(&url);
		list_url(&url, req, "state", states[i], 1);
		html(out, "<li><a href=\"");
		html_attr(out, url.buf);
		html(out, chosen && !strcmp(chosen, states[i]) ? "\" aria-current=\"true\">" : "\">");
		html_txt(out, dossier_state_label(states[i]));
		html(out, "</a> <span class=\"count\">");
		html_txtf(out, "%lld", (long long)json_integer_value(n));
		html(out, "</span></li>\n");
	}
	html(out, "</ul>\n</section>\n");
	strbuf_release(&url);
}

static void list_table(struct strbuf *out, json_t *items)
{
	struct strbuf href = STRBUF_INIT;
	size_t i;
	json_t *it;

	html(out, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"list-h\">\n"
	     "<table class=\"dossiers\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Code"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Applicant"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Procedure"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("State"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Submitted on"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Deadline"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Handled by"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(items, i, it) {
		char ref[64];

		dossier_ref(it, ref, sizeof(ref));
		strbuf_reset(&href);
		dossier_href(&href, ref);
		html(out, "<tr><th scope=\"row\"><a href=\"");
		html_attr(out, href.buf);
		html(out, "\">");
		html_txt(out, ref);
		html(out, "</a></th><td>");
		html_txt(out, jstr(it, "applicant"));
		html(out, "</td><td>");
		html_txt(out, jstr(it, "procedure_name"));
		html(out, "</td><td>");
		html_txt(out, jstr(it, "state_label"));
		urgency_tag(out, jstr(it, "urgency"));
		if (*jstr(it, "outcome")) {
			html(out, " <span class=\"");
			html_attr(out, outcome_class(jstr(it, "outcome")));
			html(out, "\">");
			html_txt(out, outcome_label(jstr(it, "outcome")));
			html(out, "</span>");
		}
		html(out, "</td><td>");
		when(out, json_string_value(json_object_get(it, "submitted_at")), false);
		html(out, "</td><td>");
		when(out, json_string_value(json_object_get(it, "due_at")), false);
		html(out, "</td><td>");
		html_txt(out, jstr(it, "handling_agency"));
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n</div>\n");
	strbuf_release(&href);
}

static void list_pager(struct request *req, struct strbuf *out, int page, json_int_t total)
{
	int pages = (int)((total + LIST_PAGE - 1) / LIST_PAGE);
	struct strbuf url = STRBUF_INIT;
	char n[32];

	if (pages <= 1)
		return;
	html(out, "<nav class=\"pager\" aria-label=\"");
	html_attr(out, _("Pages of results"));
	html(out, "\">\n");
	if (page > 1) {
		list_url(&url, req, "", NULL, page - 1);
		html(out, "<a rel=\"prev\" href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, _("Previous page"));
		html(out, "</a>\n");
	}
	snprintf(n, sizeof(n), "%d/%d", page, pages);
	html(out, "<span>");
	html_txt_sub(out, _("Page %s"), n, NULL);
	html(out, "</span>\n");
	if (page < pages) {
		strbuf_reset(&url);
		list_url(&url, req, "", NULL, page + 1);
		html(out, "<a rel=\"next\" href=\"");
		html_attr(out, url.buf);
		html(out, "\">");
		html_txt(out, _("Next page"));
		html(out, "</a>\n");
	}
	html(out, "</nav>\n");
	strbuf_release(&url);
}

static int page_list(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	struct dossier_filter f = {
		.state = param(req, "state"),
		.procedure = param(req, "procedure"),
		.q = param(req, "q"),
		.due = param(req, "due"),
		.agency = param(req, "agency"),
		.from = param(req, "from"),
		.to = param(req, "to"),
		.by = param(req, "by"),
		.outcome = param(req, "outcome"),
		.channel = param(req, "channel"),
		.mine = small_number(param(req, "mine")) != 0,
		.queue = small_number(param(req, "queue")) != 0,
		.page = small_number(param(req, "page")),
		.per_page = LIST_PAGE,
	};
	json_t *list;
	json_int_t total;
	char n[32];
	int ret = dossier_list(req->db, req->user, &f, &list, &req->err);

	if (ret)
		return ret;
	total = jint(list, "total");
	page_begin(req, res, _("Dossiers"));
	html(out, "<h1>");
	html_txt(out, f.mine ? _("My queue") : f.queue ? _("My agency's queue") : _("Dossiers"));
	html(out, "</h1>\n");
	list_tabs(out, f.mine, f.queue);
	list_filters(req, out);
	list_counts(req, out, json_object_get(list, "counts"));
	html(out, "<h2 id=\"list-h\" role=\"status\">");
	snprintf(n, sizeof(n), "%lld", (long long)total);
	if (json_is_true(json_object_get(list, "total_capped")))
		html_txt_sub(out, _("More than %s dossiers"), n, NULL);
	else if (total)
		html_txt_sub(out, total == 1 ? _("%s dossier") : _("%s dossiers"), n, NULL);
	else
		html_txt(out, _("No dossier matches"));
	html(out, "</h2>\n");
	if (json_array_size(json_object_get(list, "items")))
		list_table(out, json_object_get(list, "items"));
	list_pager(req, out, (int)jint(list, "page"), total);
	page_end(req, res);
	json_decref(list);
	return 0;
}

/* ---- one dossier ------------------------------------------------------------ */

enum {
	IN_REASON = 1 << 0,	/* a reason, optional */
	IN_REASON_REQUIRED = 1 << 1,
	IN_DOCUMENTS = 1 << 2,	/* documents the applicant must bring */
	IN_OFFICER = 1 << 3,	/* "to": a user name, or the agency's queue */
	IN_AGENCY = 1 << 4,	/* "to": an agency */
	IN_RETURN = 1 << 5,	/* channel and tracking */
	IN_APOLOGY = 1 << 6,	/* reason and new date */
};

/* What each action asks of the officer; the engine says which are allowed. */
static const struct action_form {
	const char *name;
	const char *label;	/* msgid: the heading and the button */
	unsigned inputs;
	bool grave;		/* ends the dossier for the applicant */
} action_forms[] = {
	{ "accept", N_("Accept the dossier"), 0, false },
	{ "request_completion", N_("Ask the applicant to complete it"),
	  IN_DOCUMENTS | IN_REASON, false },
	{ "reject", N_("Do not accept"), IN_REASON_REQUIRED, true },
	{ "assign", N_("Assign"), IN_OFFICER, false },
	{ "claim", N_("Take it myself"), 0, false },
	{ "transfer", N_("Transfer to another agency"), IN_AGENCY, false },
	{ "request_supplement", N_("Request additional documents"),
	  IN_DOCUMENTS | IN_REASON, false },
	{ "resume", N_("Resume: the documents have arrived"), 0, false },
	{ "approve", N_("Approve"), 0, false },
	{ "mark_ready", N_("Mark the result ready"), 0, false },
	{ "return", N_("Return the result"), IN_RETURN, false },
	{ "apologize", N_("Record an apology letter"), IN_APOLOGY, false },
	{ "refuse", N_("Refuse"), IN_REASON_REQUIRED, true },
	{ "withdraw", N_("Withdraw at the applicant's request"), IN_REASON_REQUIRED, true },
};

static const struct action_form *action_form_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_forms); i++)
		if (!strcmp(action_forms[i].name, name))
			return &action_forms[i];
	return NULL;
}

static const char *const action_fields[] = {
	"note", "reason", "documents", "to", "channel", "tracking", "new_date", NULL
};

/* What a failed action left: its name and the form as it was sent. */
struct posted {
	const char *action;
	const struct err *e;
};

static void fact(struct strbuf *out, const char *term, const char *value)
{
	if (!value || !*value)
		return;
	html(out, "<dt>");
	html_txt(out, term);
	html(out, "</dt><dd>");
	html_txt(out, value);
	html(out, "</dd>\n");
}

static void fact_time(struct strbuf *out, const char *term, json_t *t, bool date_only)
{
	if (!json_is_string(t))
		return;
	html(out, "<dt>");
	html_txt(out, term);
	html(out, "</dt><dd>");
	when(out, json_string_value(t), date_only);
	html(out, "</dd>\n");
}

/* The documents of the procedure the applicant handed in, by index. */
static void documents_received(struct strbuf *out, json_t *docs, const struct procedure *p)
{
	size_t i;
	json_t *v;

	html(out, "<dt>");
	html_txt(out, _("Documents received"));
	html(out, "</dt><dd>");
	if (!json_array_size(docs)) {
		html_txt(out, _("none"));
		html(out, "</dd>\n");
		return;
	}
	html(out, "<ul>\n");
	json_array_foreach(docs, i, v) {
		json_int_t k = json_integer_value(v);

		html(out, "<li>");
		if (k >= 0 && k < p->ndocuments)
			html_txt(out, p->documents[k].name);
		else
			html_txtf(out, "%lld", (long long)k + 1);
		html(out, "</li>\n");
	}
	html(out, "</ul></dd>\n");
}

static void dossier_facts(struct strbuf *out, json_t *d, const struct procedure *p)
{
	json_t *applicant = json_object_get(d, "applicant");
	struct strbuf s = STRBUF_INIT;

	html(out, "<div class=\"dossier-facts\">\n<section aria-labelledby=\"applicant-h\">\n"
	     "<h2 id=\"applicant-h\">");
	html_txt(out, _("Applicant"));
	html(out, "</h2>\n<dl class=\"facts\">\n");
	fact(out, _("Full name"), jstr(applicant, "name"));
	fact(out, _("Citizen ID number"), jstr(applicant, "id_number"));
	fact(out, _("Phone number"), jstr(applicant, "phone"));
	fact(out, _("E-mail"), jstr(applicant, "email"));
	fact(out, _("Address"), jstr(applicant, "address"));
	fact(out, _("What the applicant asks for"), jstr(d, "request"));
	html(out, "</dl>\n</section>\n<section aria-labelledby=\"dossier-h\">\n<h2 id=\"dossier-h\">");
	html_txt(out, _("Dossier"));
	html(out, "</h2>\n<dl class=\"facts\">\n");
	strbuf_addf(&s, "%s (%s)", jstr(d, "procedure_name"), jstr(d, "procedure"));
	fact(out, _("Procedure"), s.buf);
	fact(out, _("Channel"), channel_label(jstr(d, "channel")));
	fact(out, _("The post's tracking number"), jstr(d, "postal_tracking"));
	fact(out, _("Received by"), jstr(json_object_get(d, "agency"), "name"));
	fact(out, _("Handled by"), jstr(json_object_get(d, "handling_agency"), "name"));
	fact(out, _("Assigned to"), jstr(d, "assignee"));
	fact_time(out, _("Submitted on"), json_object_get(d, "submitted_at"), false);
	fact_time(out, _("Received on"), json_object_get(d, "received_at"), false);
	fact_time(out, _("Legal deadline"), json_object_get(d, "due_at"), false);
	if (strcmp(jstr(d, "promised_at"), jstr(d, "due_at")))
		fact_time(out, _("Promised return"), json_object_get(d, "promised_at"), false);
	fact_time(out, _("Result ready on"), json_object_get(d, "finished_at"), false);
	fact_time(out, _("Returned on"), json_object_get(d, "returned_at"), false);
	if (*jstr(d, "return_channel"))
		fact(out, _("Returned how"), channel_label(jstr(d, "return_channel")));
	strbuf_reset(&s);
	catalog_format_vnd(&s, jint(d, "fee_due"));
	fact(out, _("Fee due"), s.buf);
	strbuf_reset(&s);
	catalog_format_vnd(&s, jint(d, "fee_paid"));
	fact(out, _("Fee paid"), s.buf);
	documents_received(out, json_object_get(d, "documents"), p);
	html(out, "</dl>\n</section>\n</div>\n");
	strbuf_release(&s);
}

static void dossier_steps(struct strbuf *out, json_t *steps)
{
	size_t i;
	json_t *st;

	if (!json_array_size(steps))
		return;
	html(out, "<h2 id=\"steps-h\">");
	html_txt(out, _("Steps and their deadlines"));
	html(out, "</h2>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"steps-h\">\n"
	     "<table class=\"steps\">\n<thead><tr><th scope=\"col\">");
	html_txt(out, _("Step"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Agency"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Deadline"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Started"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("Finished"));
	html(out, "</th><th scope=\"col\">");
	html_txt(out, _("On time?"));
	html(out, "</th></tr></thead>\n<tbody>\n");
	json_array_foreach(steps, i, st) {
		const char *outcome = jstr(st, "outcome");

		html(out, "<tr><th scope=\"row\">");
		html_txt(out, jstr(st, "name"));
		html(out, " <span class=\"meta\">");
		html_txt(out, step_kind_label(jstr(st, "kind")));
		html(out, "</span></th><td>");
		html_txt(out, jstr(st, "agency"));
		html(out, "</td><td>");
		when(out, json_string_value(json_object_get(st, "due_at")), false);
		html(out, "</td><td>");
		when(out, json_string_value(json_object_get(st, "started_at")), false);
		html(out, "</td><td>");
		when(out, json_string_value(json_object_get(st, "finished_at")), false);
		html(out, "</td><td>");
		if (*outcome) {
			html(out, "<span class=\"");
			html_attr(out, outcome_class(outcome));
			html(out, "\">");
			html_txt(out, outcome_label(outcome));
			html(out, "</span>");
		} else if (json_is_string(json_object_get(st, "started_at"))) {
			html_txt(out, _("in progress"));
		} else {
			html(out, "—");
		}
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n</div>\n");
}

static void dossier_apologies(struct strbuf *out, json_t *apologies)
{
	size_t i;
	json_t *a;

	if (!json_array_size(apologies))
		return;
	html(out, "<h2>");
	html_txt(out, _("Apology letters"));
	html(out, "</h2>\n<ul class=\"apologies\">\n");
	json_array_foreach(apologies, i, a) {
		html(out, "<li>");
		when(out, json_string_value(json_object_get(a, "issued_at")), false);
		html(out, " — ");
		html_txt(out, jstr(a, "agency"));
		html(out, ": ");
		html_txt(out, jstr(a, "reason"));
		html(out, ". ");
		html_txt(out, _("New date:"));
		html(out, " ");
		when(out, jstr(a, "new_date"), true);
		html(out, " <span class=\"");
		html(out, json_is_true(json_object_get(a, "before_deadline")) ?
		     "tag ok\">" : "tag bad\">");
		html_txt(out, json_is_true(json_object_get(a, "before_deadline")) ?
			 _("issued before the deadline") : _("issued after the deadline"));
		html(out, "</span></li>\n");
	}
	html(out, "</ul>\n");
}

/* The details an event carries that a person needs: reasons, documents, dates. */
static void event_details(struct strbuf *out, json_t *data)
{
	json_t *docs = json_object_get(data, "documents");
	static const struct { const char *key, *label; } keys[] = {
		{ "reason", N_("Reason") },
		{ "to", N_("To") },
		{ "channel", N_("Channel") },
		{ "tracking", N_("The post's tracking number") },
		{ "new_date", N_("New date") },
		{ "outcome", N_("Outcome") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = jstr(data, keys[i].key);

		if (!*v)
			continue;
		if (!strcmp(keys[i].key, "channel"))
			v = channel_label(v);
		else if (!strcmp(keys[i].key, "outcome"))
			v = outcome_label(v);
		html(out, "<br><span class=\"meta\">");
		html_txt(out, _(keys[i].label));
		html(out, ":</span> ");
		if (!strcmp(keys[i].key, "new_date"))
			when(out, v, true);
		else
			html_txt(out, v);
	}
	if (json_array_size(docs)) {
		size_t k;
		json_t *v;

		html(out, "<br><span class=\"meta\">");
		html_txt(out, _("Documents"));
		html(out, ":</span> ");
		json_array_foreach(docs, k, v) {
			if (k)
				html(out, "; ");
			html_txt(out, json_string_value(v));
		}
	}
	if (json_integer_value(json_object_get(data, "waited_days")) > 0) {
		char n[32];

		snprintf(n, sizeof(n), "%lld",
			 (long long)json_integer_value(json_object_get(data, "waited_days")));
		html(out, "<br><span class=\"meta\">");
		html_txt_sub(out, _("The deadline moved by %s working days."), n, NULL);
		html(out, "</span>");
	}
}

static void dossier_timeline(struct strbuf *out, json_t *events)
{
	size_t i;
	json_t *ev;

	html(out, "<h2 id=\"timeline-h\">");
	html_txt(out, _("History"));
	html(out, "</h2>\n<ol class=\"timeline\" aria-labelledby=\"timeline-h\">\n");
	json_array_foreach(events, i, ev) {
		const char *from = jstr(ev, "from"), *to = jstr(ev, "to");

		html(out, "<li>");
		when(out, json_string_value(json_object_get(ev, "at")), false);
		html(out, " <strong>");
		html_txt(out, event_label(jstr(ev, "action")));
		html(out, "</strong> <span class=\"meta\">");
		html_txt_sub(out, _("by %s"), jstr(ev, "actor"), NULL);
		html(out, "</span>");
		if (*to && strcmp(from, to)) {
			html(out, "<br><span class=\"meta\">");
			html_txt(out, _("State"));
			html(out, ":</span> ");
			if (*from) {
				html_txt(out, dossier_state_label(from));
				html(out, " → ");
			}
			html_txt(out, dossier_state_label(to));
		}
		event_details(out, json_object_get(ev, "data"));
		if (*jstr(ev, "note")) {
			html(out, "<br><span class=\"meta\">");
			html_txt(out, _("Note"));
			html(out, ":</span> ");
			html_txt(out, jstr(ev, "note"));
		}
		html(out, "</li>\n");
	}
	html(out, "</ol>\n");
}

/* The value to show again in a field of the failed action's form. */
static const char *again(struct request *req, const struct posted *pd, const char *action,
			 const char *name)
{
	return pd && pd->action && !strcmp(pd->action, action) ? req_form(req, name) : NULL;
}

static void action_documents(struct request *req, struct strbuf *out, const char *action,
			     const struct procedure *p, const struct posted *pd,
			     const struct err *e)
{
	char prefix[64];
	bool bad = field_bad(e, "documents");
	struct field other = { "documents", _("Other documents, one per line"), "textarea",
		again(req, pd, action, "documents"), NULL, NULL, false, NULL };

	snprintf(prefix, sizeof(prefix), "%s-", action);
	html(out, "<fieldset><legend>");
	html_txt(out, _("Documents the applicant must bring"));
	html(out, "</legend>\n");
	if (p->ndocuments) {
		html(out, "<ul class=\"checks\">\n");
		for (int i = 0; i < p->ndocuments; i++) {
			char name[32], id[128];

			snprintf(name, sizeof(name), "doc-%d", i);
			snprintf(id, sizeof(id), "f-%s-doc-%d", action, i);
			html(out, "<li><input type=\"checkbox\" value=\"1\" id=\"");
			html_attr(out, id);
			html(out, "\" name=\"");
			html_attr(out, name);
			html(out, again(req, pd, action, name) ? "\" checked>" : "\">");
			html(out, "<label for=\"");
			html_attr(out, id);
			html(out, "\">");
			html_txt(out, p->documents[i].name);
			html(out, "</label></li>\n");
		}
		html(out, "</ul>\n");
	}
	input_field(out, prefix, &other, bad ? e : NULL);
	html(out, "</fieldset>\n");
}

static void action_agencies(struct request *req, struct strbuf *out, const char *action,
			    const struct posted *pd, const struct err *e)
{
	const char *chosen = again(req, pd, action, "to");
	json_t *tree = NULL, *a;
	size_t i;

	html(out, "<label for=\"f-");
	html_attr(out, action);
	html(out, "-to\">");
	html_txt(out, _("To the agency"));
	html(out, "</label>\n");
	if (field_bad(e, "to")) {
		html(out, "<p class=\"error\" id=\"f-");
		html_attr(out, action);
		html(out, "-to-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
	html(out, "<select name=\"to\" id=\"f-");
	html_attr(out, action);
	html(out, field_bad(e, "to") ? "-to\" aria-invalid=\"true\">\n" : "-to\">\n");
	html(out, "<option value=\"\">");
	html_txt(out, _("The agency of the next step"));
	html(out, "</option>\n");
	if (!agency_tree(req->db, false, &tree)) {
		json_array_foreach(tree, i, a) {
			const char *key = jstr(a, "key");
			struct strbuf label = STRBUF_INIT;

			for (json_int_t d = jint(a, "depth"); d > 0; d--)
				strbuf_addstr(&label, "\u00a0\u00a0");
			strbuf_addstr(&label, jstr(a, "name"));
			html(out, "<option value=\"");
			html_attr(out, key);
			html(out, chosen && !strcmp(chosen, key) ? "\" selected>" : "\">");
			html_txt(out, label.buf);
			html(out, "</option>\n");
			strbuf_release(&label);
		}
	}
	html(out, "</select>\n");
	json_decref(tree);
}

static void action_return(struct request *req, struct strbuf *out, const struct posted *pd,
			  const struct err *e)
{
	static const char *const channels[] = { "counter", "postal", "online" };
	const char *chosen = again(req, pd, "return", "channel");
	struct field tracking = { "tracking", _("The post's tracking number"), "text",
		again(req, pd, "return", "tracking"), "off",
		_("Needed when the result goes by post."), false, NULL };

	html(out, "<fieldset id=\"f-return-channel\"><legend>");
	html_txt(out, _("How the result is returned"));
	html(out, "</legend>\n");
	if (field_bad(e, "channel")) {
		html(out, "<p class=\"error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
	for (size_t i = 0; i < ARRAY_SIZE(channels); i++) {
		bool on = chosen ? !strcmp(chosen, channels[i]) : i == 0;

		html(out, "<p class=\"radio\"><input type=\"radio\" name=\"channel\" value=\"");
		html_attr(out, channels[i]);
		html(out, "\" id=\"f-return-channel-");
		html_attr(out, channels[i]);
		html(out, on ? "\" checked>" : "\">");
		html(out, "<label for=\"f-return-channel-");
		html_attr(out, channels[i]);
		html(out, "\">");
		html_txt(out, channel_label(channels[i]));
		html(out, "</label></p>\n");
	}
	html(out, "</fieldset>\n");
	input_field(out, "return-", &tracking, e);
}

/* The form of one allowed action: the version seen, and what it needs. */
static void action_form(struct request *req, struct response *res, const char *ref,
			json_t *d, const char *name, const struct procedure *p,
			const struct posted *pd)
{
	struct strbuf *out = &res->body, url = STRBUF_INIT;
	const struct action_form *af = action_form_find(name);
	const struct err *e = pd && pd->action && !strcmp(pd->action, name) ? pd->e : NULL;
	unsigned inputs = af ? af->inputs : 0;
	char prefix[64], version[32];

	snprintf(prefix, sizeof(prefix), "%s-", name);
	snprintf(version, sizeof(version), "%lld", (long long)jint(d, "version"));
	dossier_href(&url, ref);
	strbuf_addch(&url, '/');
	html_url_arg(&url, name);
	html(out, "<form class=\"action stack");
	html(out, af && af->grave ? " grave" : "");
	html(out, "\" method=\"post\" action=\"");
	html_attr(out, url.buf);
	html(out, "\" aria-labelledby=\"a-");
	html_attr(out, name);
	html(out, "\">\n<h3 id=\"a-");
	html_attr(out, name);
	html(out, "\">");
	html_txt(out, af ? _(af->label) : name);
	html(out, "</h3>\n");
	org_csrf_field(req, res);
	html_hidden(out, "version", version);
	if (inputs & IN_DOCUMENTS)
		action_documents(req, out, name, p, pd, e);
	if (inputs & (IN_REASON | IN_REASON_REQUIRED | IN_APOLOGY)) {
		struct field reason = { "reason", inputs & IN_APOLOGY ?
			_("Reason for the delay") : _("Reason"), "textarea",
			again(req, pd, name, "reason"), NULL, NULL,
			(inputs & (IN_REASON_REQUIRED | IN_APOLOGY)) != 0, NULL };

		input_field(out, prefix, &reason, e);
	}
	if (inputs & IN_APOLOGY) {
		struct field date = { "new_date", _("New return date"), "date",
			again(req, pd, name, "new_date"), NULL, _("A working day, as YYYY-MM-DD."),
			true, NULL };

		input_field(out, prefix, &date, e);
	}
	if (inputs & IN_OFFICER) {
		struct field to = { "to", _("Officer's user name"), "text",
			again(req, pd, name, "to"), "off",
			_("Leave empty to put the dossier in the agency's queue."), false, NULL };

		input_field(out, prefix, &to, e);
	}
	if (inputs & IN_AGENCY)
		action_agencies(req, out, name, pd, e);
	if (inputs & IN_RETURN)
		action_return(req, out, pd, e);
	{
		struct field note = { "note", _("Note for the history"), "text",
			again(req, pd, name, "note"), "off", NULL, false, NULL };
		bool open = field_bad(e, "note") || nonempty(note.value);

		html(out, open ? "<details open><summary>" : "<details><summary>");
		html_txt(out, _("Add a note"));
		html(out, "</summary>\n");
		input_field(out, prefix, &note, e);
		html(out, "</details>\n");
	}
	html(out, "<p><button type=\"submit\">");
	html_txt(out, af ? _(af->label) : name);
	html(out, "</button></p>\n</form>\n");
	strbuf_release(&url);
}

static void receipt_links(struct strbuf *out, const char *code)
{
	html(out, "<p class=\"receipt-links\"><a class=\"button\" href=\"" SLIPS_URL);
	html_url_arg(out, code);
	html(out, "/slips/receipt.html\">");
	html_txt(out, _("Print the receipt"));
	html(out, "</a> <a href=\"" SLIPS_URL);
	html_url_arg(out, code);
	html(out, "/slips/receipt.pdf\" download>");
	html_txt(out, _("Download the receipt (PDF)"));
	html(out, "</a></p>\n");
}

/*
 * The dossier page.  pd (may be NULL) is the action that just failed,
 * whose message is announced and whose form keeps what was typed.
 */
static int dossier_view(struct request *req, struct response *res, const char *code,
			const struct posted *pd)
{
	struct strbuf *out = &res->body, s = STRBUF_INIT;
	struct procedure p = PROCEDURE_INIT;
	struct err get_err = ERR_INIT;
	json_t *d = NULL, *allowed;
	const char *done = param(req, "xong");
	char ref[64];
	size_t i;
	json_t *a;
	int ret = dossier_get(req->db, req->user, code, &d, &get_err);

	if (ret) {
		req->err = get_err;
		return ret;
	}
	/* Names of the documents: a missing procedure only loses them. */
	(void)procedure_find(req->db, jstr(d, "procedure"), &p, NULL);
	dossier_ref(d, ref, sizeof(ref));
	res_header(res, "Cache-Control", "no-store");
	if (json_is_string(json_object_get(d, "code")))
		strbuf_addf(&s, "%s", ref);
	else
		strbuf_addf(&s, "%lld", (long long)jint(d, "id"));
	page_begin(req, res, s.buf);
	html(out, "<p class=\"breadcrumb\"><a href=\"" DOSSIERS_URL "\">");
	html_txt(out, _("Dossiers"));
	html(out, "</a></p>\n<h1>");
	if (json_is_string(json_object_get(d, "code")))
		html_txt_sub(out, _("Dossier %s"), ref, NULL);
	else
		html_txt_sub(out, _("Dossier no. %s, not received yet"), s.buf, NULL);
	html(out, "</h1>\n<p class=\"lead\"><span class=\"state\">");
	html_txt(out, jstr(d, "state_label"));
	html(out, "</span>");
	urgency_tag(out, jstr(d, "urgency"));
	if (*jstr(d, "outcome")) {
		html(out, " <span class=\"");
		html_attr(out, outcome_class(jstr(d, "outcome")));
		html(out, "\">");
		html_txt(out, outcome_label(jstr(d, "outcome")));
		html(out, "</span>");
	}
	html(out, "</p>\n");
	if (pd && pd->e) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%s-", pd->action);
		form_error(out, pd->e, prefix, action_fields);
	}
	if (param(req, "moi"))
		notice(out, json_is_string(json_object_get(d, "code")) ?
		       _("The dossier has been received with the code %s.") :
		       _("The dossier has been recorded; it waits for the agency to accept it."),
		       ref);
	else if (done && action_form_find(done))
		notice(out, _("Done: %s."), _(action_form_find(done)->label));
	if (json_is_string(json_object_get(d, "code")))
		receipt_links(out, ref);
	dossier_facts(out, d, &p);
	dossier_steps(out, json_object_get(d, "steps"));
	/* The files sent online, and the result document (portal). */
	portal_dossier_files_html(req, res, jint(d, "id"), ref,
				  user_has(req->user, ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER) &&
				  (!strcmp(jstr(d, "state"), "approved") ||
				   !strcmp(jstr(d, "state"), "result_ready") ||
				   !strcmp(jstr(d, "state"), "returned")));
	dossier_apologies(out, json_object_get(d, "apologies"));
	if (json_is_string(json_object_get(d, "code")))
		payment_dossier_section(req, res, jstr(d, "code"));
	allowed = json_object_get(d, "allowed");
	html(out, "<section class=\"actions\" aria-labelledby=\"actions-h\">\n<h2 id=\"actions-h\">");
	html_txt(out, _("What you can do now"));
	html(out, "</h2>\n");
	if (!json_array_size(allowed)) {
		html(out, "<p>");
		html_txt(out, _("Nothing: no action on this dossier is open to you in its present state."));
		html(out, "</p>\n");
	}
	/* In the order of action_forms (the grave ones last), then any other. */
	for (size_t k = 0; k < ARRAY_SIZE(action_forms); k++)
		json_array_foreach(allowed, i, a)
			if (json_is_string(a) &&
			    !strcmp(json_string_value(a), action_forms[k].name))
				action_form(req, res, ref, d, action_forms[k].name, &p, pd);
	json_array_foreach(allowed, i, a)
		if (json_is_string(a) && !action_form_find(json_string_value(a)))
			action_form(req, res, ref, d, json_string_value(a), &p, pd);
	html(out, "</section>\n");
	dossier_timeline(out, json_object_get(d, "events"));
	dossier_messages_section(req, out, jint(d, "id"));
	page_end(req, res);
	json_decref(d);
	procedure_release(&p);
	strbuf_release(&s);
	return 0;
}

static int page_dossier(struct request *req, struct response *res)
{
	return dossier_view(req, res, req_arg(req, 0), NULL);
}

/*
 * The documents of a request (for a supplement or completion): the
 * procedure's ticked documents by name, then the other lines typed.
 */
static json_t *form_documents(struct request *req, const char *code)
{
	struct procedure p = PROCEDURE_INIT;
	const char *other = req_form(req, "documents");
	json_t *docs = json_array();
	json_t *d = NULL;
	struct err ignored = ERR_INIT;

	if (!dossier_get(req->db, req->user, code, &d, &ignored) &&
	    !procedure_find(req->db, jstr(d, "procedure"), &p, NULL)) {
		for (int i = 0; i < p.ndocuments; i++) {
			char name[32];

			snprintf(name, sizeof(name), "doc-%d", i);
			if (req_form(req, name))
				json_array_append_new(docs, json_string(p.documents[i].name));
		}
	}
	while (other && *other && json_array_size(docs) < OTHER_DOCS_MAX) {
		size_t n = strcspn(other, "\r\n");
		const char *b = other, *e = other + n;

		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b)
			json_array_append_new(docs, json_stringn(b, (size_t)(e - b)));
		other += n;
		other += strspn(other, "\r\n");
	}
	json_decref(d);
	procedure_release(&p);
	return docs;
}

/* The JSON arguments of an action from its form (see dossier_act). */
static json_t *action_args(struct request *req, const char *code, const char *action)
{
	static const char *const strings[] = { "note", "reason", "to", "channel", "tracking",
		"new_date", NULL };
	const char *version = req_form(req, "version");
	json_t *args = json_object();
	const struct action_form *af = action_form_find(action);

	if (version && small_number(version) > 0)
		json_object_set_new(args, "version", json_integer(small_number(version)));
	else if (version)
		json_object_set_new(args, "version", json_string(version));	/* refused */
	for (int i = 0; strings[i]; i++) {
		const char *v = nonempty(req_form(req, strings[i]));

		if (v)
			json_object_set_new(args, strings[i], json_string(v));
	}
	if (af && (af->inputs & IN_DOCUMENTS))
		json_object_set_new(args, "documents", form_documents(req, code));
	return args;
}

static int page_act(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct strbuf url = STRBUF_INIT;
	const char *code = req_arg(req, 0), *action = req_arg(req, 1);
	json_t *args = action_args(req, code, action), *d = NULL;
	struct err ignored = ERR_INIT;
	int ret = dossier_act(req->db, req->user, &who, code, action, args, &req->err);

	switch (ret) {
	case 0:
		break;
	case E_CONFLICT:
	case E_INVALID:
	case E_DENIED: {
		/* The page again as it is now, with what went wrong. */
		struct err e = req->err;
		struct posted pd = { action, &e };

		err_clear(&req->err);
		ret = dossier_view(req, res, code, &pd);
		if (!ret)
			res->status = http_status_for(e.code);
		goto out;
	}
	default:
		/* Not found (the dossier, or the action): the router's page. */
		goto out;
	}
	/* Accepting gives the dossier its code: go to the page under it. */
	if (!dossier_get(req->db, req->user, code, &d, &ignored)) {
		char ref[64];

		dossier_ref(d, ref, sizeof(ref));
		dossier_href(&url, ref);
		strbuf_addstr(&url, "?xong=");
		html_url_arg(&url, action);
	} else {
		strbuf_addstr(&url, DOSSIERS_URL);
	}
	res_redirect(res, url.buf);
out:
	json_decref(args);
	json_decref(d);
	strbuf_release(&url);
	return ret;
}

/* ---- public tracking ----------------------------------------------------------- */

static void track_form(struct strbuf *out, const char *code, const struct err *e)
{
	struct field fields[] = {
		{ "ma", _("Dossier code"), "text", code, "off",
		  _("As printed on your receipt, e.g. 000.06.32.H47-210115-0001."), true, NULL },
		{ "so", _("Last 4 digits of your phone number"), "text", NULL, "off",
		  _("The phone number you gave when you filed the dossier."), true, "numeric" },
	};

	html(out, "<form class=\"stack track\" method=\"get\" action=\"" TRACK_URL "\">\n");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		input_field(out, "", &fields[i], e);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Look up"));
	html(out, "</button></p>\n</form>\n");
}

static void track_result(struct strbuf *out, json_t *t)
{
	size_t i;
	json_t *st, *steps = json_object_get(t, "steps");

	html(out, "<section class=\"track-result\" aria-labelledby=\"result-h\">\n<h2 id=\"result-h\">");
	html_txt_sub(out, _("Dossier %s"), jstr(t, "code"), NULL);
	html(out, "</h2>\n<p class=\"status\"><strong>");
	html_txt(out, jstr(t, "status"));
	html(out, "</strong></p>\n<dl class=\"facts\">\n");
	fact(out, _("Procedure"), jstr(t, "procedure"));
	fact(out, _("Applicant"), jstr(t, "applicant"));
	fact_time(out, _("Received on"), json_object_get(t, "received_at"), false);
	fact_time(out, _("Promised return"), json_object_get(t, "promised_at"), false);
	fact_time(out, _("Result ready on"), json_object_get(t, "finished_at"), false);
	html(out, "</dl>\n");
	if (json_array_size(steps)) {
		html(out, "<h3>");
		html_txt(out, _("Steps done"));
		html(out, "</h3>\n<ol class=\"timeline\">\n");
		json_array_foreach(steps, i, st) {
			html(out, "<li>");
			when(out, json_string_value(json_object_get(st, "done_at")), false);
			html(out, " <strong>");
			html_txt(out, jstr(st, "step"));
			html(out, "</strong><br><span class=\"meta\">");
			html_txt(out, jstr(st, "agency"));
			html(out, "</span></li>\n");
		}
		html(out, "</ol>\n");
	}
	html(out, "</section>\n");
}

/* Shared with rating/pages.c (dossier.h): the public lookup budget, on a page. */
bool dossier_track_refused(struct request *req, struct response *res, struct err *e)
{
	int retry = 60;
	char secs[16];

	if (ratelimit_take("track", req->remote, dossier_track_limit(), &retry))
		return false;
	snprintf(secs, sizeof(secs), "%d", retry > 0 ? retry : 60);
	res->status = 429;
	res_header(res, "Retry-After", secs);
	err_set(e, E_RATELIMIT, NULL, "too many lookups from your address; try again in a minute");
	return true;
}

static int page_track(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	const char *code = req_query(req, "ma"), *check = req_query(req, "so");
	static const char *const fields[] = { "ma", "so", NULL };
	struct err e = ERR_INIT;
	json_t *t = NULL;
	int ret;

	if (code && check) {
		/* The form was sent: both are needed before anything is looked up. */
		if (!*code) {
			res->status = 400;
			err_set(&e, E_INVALID, "ma", "enter the dossier code from your receipt");
		} else if (!*check) {
			res->status = 400;
			err_set(&e, E_INVALID, "so", "enter the last 4 digits of your phone number");
		} else if (!dossier_track_refused(req, res, &e)) {
			ret = dossier_track(req->db, code, check, &t, &e);
			if (ret == E_NOTFOUND) {
				/* A wrong code and wrong digits: the same answer. */
				res->status = 404;
			} else if (ret) {
				req->err = e;
				return ret;
			}
		}
	}
	res_header(res, "Cache-Control", "no-store");
	res_header(res, "Referrer-Policy", "no-referrer");
	page_begin(req, res, _("Track a dossier"));
	html(out, "<h1>");
	html_txt(out, _("Track a dossier"));
	html(out, "</h1>\n");
	if (!t) {
		html(out, "<p class=\"lead\">");
		html_txt(out, _("Enter the code on your receipt and the last 4 digits of the phone number you gave."));
		html(out, "</p>\n");
	}
	form_error(out, &e, "", fields);
	if (t) {
		track_result(out, t);
		payment_track_section(req, res, t, check);
		rating_track_section(req, res, t, check);
	}
	track_form(out, t ? NULL : nonempty(code), &e);
	page_end(req, res);
	json_decref(t);
	return 0;
}

const struct route dossier_page_routes[] = {
	{ "GET", COUNTER_URL, page_counter, ROUTE_HTML, ROLE_CLERK | ROLE_POSTAL,
	  "the counter: find the procedure of a dossier to take in" },
	{ "GET", COUNTER_URL "/{code}", page_intake, ROUTE_HTML, ROLE_CLERK | ROLE_POSTAL,
	  "the intake form of a procedure: applicant, documents, fee" },
	{ "POST", COUNTER_URL "/{code}", page_intake_post, ROUTE_HTML, ROLE_CLERK | ROLE_POSTAL,
	  "take in a dossier at the counter or by post" },
	{ "GET", DOSSIERS_URL, page_list, ROUTE_HTML, ROLES_STAFF,
	  "dossiers, my queue and my agency's queue, with filters and counts" },
	{ "GET", DOSSIERS_URL "/{code}", page_dossier, ROUTE_HTML, ROLES_STAFF,
	  "one dossier: facts, steps, history and the actions allowed now" },
	{ "POST", DOSSIERS_URL "/{code}/{action}", page_act, ROUTE_HTML,
	  ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER | ROLE_POSTAL,
	  "an action of the dossier's lifecycle, from its form" },
	{ "GET", TRACK_URL, page_track, ROUTE_HTML, ROLE_PUBLIC,
	  "public tracking with the code and the last four digits of the phone" },
};
const unsigned dossier_page_nroutes = sizeof(dossier_page_routes) /
	sizeof(dossier_page_routes[0]);
