/*
 * The portal's pages under /cong-dan: sign in with a code sent by SMS, my
 * dossiers, filing online with uploads, drafts, completing a returned
 * dossier, the profile; and the officer's routes to a dossier's files.
 *
 * Mobile first (most citizens come by phone), no JavaScript needed, every
 * error written next to its field and linked to it (aria-describedby), and
 * listed at the top of the form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "payment/payment.h"
#include "portal/portal.h"
#include "rating/rating.h"
#include "portal/portal_impl.h"

#define HOME_URL "/cong-dan"
#define MINE_URL "/cong-dan/ho-so"
#define FILE_URL "/cong-dan/nop/"
#define DRAFT_URL "/cong-dan/nhap/"
#define ACCEPT_TYPES ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* A local date "dd/mm/yyyy" of an epoch. */
static void local_date(struct strbuf *out, int64_t t)
{
	int64_t days = (t + CCHC_TZ_OFFSET) / 86400;
	/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	html_txtf(out, "%02d/%02d/%04d", (int)d, (int)m, (int)(y + (m <= 2)));
}

static bool bad(const struct err *e, const char *field)
{
	return e && e->code && !strcmp(e->field, field);
}

/* The error summary at the top of a form: the message, linked to its field. */
static void error_summary(struct strbuf *out, const struct err *e)
{
	if (!e || !e->code)
		return;
	html(out, "<div class=\"form-error\" role=\"alert\" tabindex=\"-1\" id=\"loi\">\n<p>");
	if (e->field[0]) {
		html(out, "<a href=\"#f-");
		html_attr(out, e->field);
		html(out, "\">");
		html_txt(out, e->message);
		html(out, "</a>");
	} else {
		html_txt(out, e->message);
	}
	html(out, "</p>\n</div>\n");
}

/*
 * A labelled input; the error (if it is this field's) is written between
 * label and input and linked to it.
 */
static void field(struct strbuf *out, const struct err *e, const char *name,
		  const char *label, const char *type, const char *value,
		  const char *extra, const char *hint, bool optional)
{
	html(out, "<label for=\"f-");
	html_attr(out, name);
	html(out, "\">");
	html_txt(out, label);
	if (optional) {
		html(out, " <span class=\"optional\">");
		html_txt(out, _("(optional)"));
		html(out, "</span>");
	}
	html(out, "</label>\n");
	if (hint) {
		html(out, "<p class=\"hint\" id=\"f-");
		html_attr(out, name);
		html(out, "-hint\">");
		html_txt(out, hint);
		html(out, "</p>\n");
	}
	if (bad(e, name)) {
		html(out, "<p class=\"error\" id=\"f-");
		html_attr(out, name);
		html(out, "-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n");
	}
	if (!strcmp(type, "textarea"))
		html(out, "<textarea");
	else {
		html(out, "<input type=\"");
		html_attr(out, type);
		html(out, "\"");
	}
	html(out, " id=\"f-");
	html_attr(out, name);
	html(out, "\" name=\"");
	html_attr(out, name);
	html(out, "\"");
	if (bad(e, name) || hint) {
		html(out, " aria-describedby=\"");
		if (bad(e, name)) {
			html(out, "f-");
			html_attr(out, name);
			html(out, "-error");
		}
		if (hint) {
			html(out, bad(e, name) ? " f-" : "f-");
			html_attr(out, name);
			html(out, "-hint");
		}
		html(out, "\"");
	}
	if (bad(e, name))
		html(out, " aria-invalid=\"true\"");
	if (extra)
		html(out, extra);
	if (!strcmp(type, "textarea")) {
		html(out, " rows=\"3\">");
		html_txt(out, value);
		html(out, "</textarea>\n");
	} else if (strcmp(type, "file")) {
		html(out, " value=\"");
		html_attr(out, value ? value : "");
		html(out, "\">\n");
	} else {
		html(out, ">\n");
	}
}

static int csrf_check(struct request *req)
{
	/* A citizen's session was checked by the authenticate hook. */
	return req->citizen ? 0 : org_csrf_check(req);
}

/* The person's mistakes come back as the form again, with their status. */
static bool person_error(int ret)
{
	return ret == E_INVALID || ret == E_RATELIMIT || ret == E_CONFLICT ||
		ret == E_DENIED || ret == E_UNAUTH;
}

static void set_status(struct request *req, struct response *res, int ret)
{
	res->status = http_status_for(ret);
	if (ret == E_RATELIMIT && req->err.retry_after > 0) {
		char secs[16];

		snprintf(secs, sizeof(secs), "%d", req->err.retry_after);
		res_header(res, "Retry-After", secs);
	}
}

/* ---- signing in ---------------------------------------------------------- */

/* Where to go after signing in: a page of the portal, nothing else. */
static const char *portal_next(const char *next)
{
	if (!next || strncmp(next, HOME_URL "/", strlen(HOME_URL) + 1) || strlen(next) > 200)
		return NULL;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f || *p == '\\' || *p == '"')
			return NULL;
	return next;
}

static void next_field(struct strbuf *out, const char *next)
{
	if (!portal_next(next))
		return;
	html_hidden(out, "next", next);
}

static void phone_form(struct request *req, struct response *res, const char *phone,
		       const char *next, const struct err *e)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Sign in with your mobile number"));
	html(out, "<h1>");
	html_txt(out, _("Sign in with your mobile number"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("We send a 6-digit code by SMS. With it you file dossiers online and follow everything filed under your number."));
	html(out, "</p>\n");
	error_summary(out, e);
	html(out, "<form class=\"stack\" method=\"post\" action=\"/cong-dan/ma\" novalidate>\n");
	portal_csrf_field(req, res);
	next_field(out, next);
	field(out, e, "phone", _("Mobile number"), "tel", phone,
	      " inputmode=\"numeric\" autocomplete=\"tel\" maxlength=\"10\" required",
	      _("10 digits, starting with 0, e.g. 0905123456"), false);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Send me a code"));
	html(out, "</button></p>\n</form>\n<p class=\"meta\">");
	html_txt(out, _("Officers sign in with their user name instead:"));
	html(out, " <a href=\"/dang-nhap\">");
	html_txt(out, _("officers' sign-in"));
	html(out, "</a></p>\n");
	page_end(req, res);
}

static void code_form(struct request *req, struct response *res, const char *phone,
		      const char *next, const struct err *e)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Enter the code"));
	html(out, "<h1>");
	html_txt(out, _("Enter the code"));
	html(out, "</h1>\n<p class=\"notice\" role=\"status\">");
	html_txt_sub(out, _("A code was sent by SMS to %s. It is valid for a few minutes and can be used once."),
		     phone, NULL);
	html(out, "</p>\n");
	error_summary(out, e);
	html(out, "<form class=\"stack\" method=\"post\" action=\"/cong-dan/dang-nhap\" novalidate>\n");
	portal_csrf_field(req, res);
	next_field(out, next);
	html_hidden(out, "phone", phone);
	field(out, e, "code", _("Code from the SMS"), "text", "",
	      " inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"6\" required",
	      _("6 digits"), false);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Sign in"));
	html(out, "</button></p>\n</form>\n<p><a href=\"/cong-dan");
	if (portal_next(next)) {
		html(out, "?next=");
		html_url_arg(out, next);
	}
	html(out, "\">");
	html_txt(out, _("Did not get it? Ask for a new code"));
	html(out, "</a></p>\n");
	page_end(req, res);
}

static int page_home(struct request *req, struct response *res)
{
	const char *next = portal_next(req_query(req, "next"));

	if (req->citizen) {
		res_redirect(res, next ? next : MINE_URL);
		return 0;
	}
	phone_form(req, res, "", next, NULL);
	return 0;
}

static int page_code(struct request *req, struct response *res)
{
	const char *phone = req_form(req, "phone");
	const char *next = portal_next(req_form(req, "next"));
	int ret = csrf_check(req);

	if (!ret)
		ret = citizen_request_code(req->db, phone, req->remote, &req->err);
	if (person_error(ret)) {
		set_status(req, res, ret);
		phone_form(req, res, phone, next, &req->err);
		return 0;
	}
	if (ret)
		return ret;
	code_form(req, res, phone, next, NULL);
	return 0;
}

static int page_sign_in(struct request *req, struct response *res)
{
	const char *phone = req_form(req, "phone");
	const char *next = portal_next(req_form(req, "next"));
	const char *old = req_cookie(req, CITIZEN_COOKIE);
	char token[48], csrf[48];
	int ret = csrf_check(req);

	if (!ret)
		ret = citizen_sign_in(req->db, phone, req_form(req, "code"), req->remote,
				      token, csrf, &req->err);
	if (person_error(ret)) {
		set_status(req, res, ret);
		if (!portal_phone_ok(phone) || (ret == E_RATELIMIT && !strcmp(req->err.field, "phone")))
			phone_form(req, res, phone, next, &req->err);
		else
			code_form(req, res, phone, next, &req->err);
		return 0;
	}
	if (ret)
		return ret;
	if (req->citizen && old)
		(void)citizen_sign_out(req->db, old);
	res_cookie(req, res, CITIZEN_COOKIE, token, -1);
	res_redirect(res, next ? next : MINE_URL);
	return 0;
}

static int page_sign_out(struct request *req, struct response *res)
{
	const char *cookie = req_cookie(req, CITIZEN_COOKIE);
	int ret = cookie ? citizen_sign_out(req->db, cookie) : 0;

	if (ret)
		return ret;
	res_cookie(req, res, CITIZEN_COOKIE, "", 0);
	res_redirect(res, HOME_URL);
	return 0;
}

void portal_page_account(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	if (!req->citizen) {
		org_page_account(req, res);
		return;
	}
	html(out, "<form class=\"account\" method=\"post\" action=\"/cong-dan/dang-xuat\">\n"
	     "<a href=\"/cong-dan/tai-khoan\">");
	html_txt(out, *req->citizen->name ? req->citizen->name : req->citizen->phone);
	html(out, "</a>\n");
	portal_csrf_field(req, res);
	html(out, "<button type=\"submit\" class=\"secondary\">");
	html_txt(out, _("Sign out"));
	html(out, "</button>\n</form>\n");
}

/* ---- my dossiers ----------------------------------------------------------- */

static void state_tag(struct strbuf *out, const char *state, const char *label)
{
	const char *cls = !strcmp(state, "incomplete") ? "bad" :
		!strcmp(state, "result_ready") || !strcmp(state, "returned") ? "ok" :
		!strcmp(state, "rejected") || !strcmp(state, "refused") ? "bad" : "warn";

	html(out, "<span class=\"tag ");
	html(out, cls);
	html(out, "\">");
	html_txt(out, label);
	html(out, "</span>");
}

static int page_mine(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	json_t *items = NULL, *drafts = NULL, *d;
	size_t i;
	int ret = citizen_dossiers(req->db, req->citizen, &items);

	if (!ret)
		ret = draft_list(req->db, req->citizen, &drafts);
	if (ret)
		goto out;
	page_begin(req, res, _("My dossiers"));
	html(out, "<h1>");
	html_txt(out, _("My dossiers"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt_sub(out, _("Everything filed under the number %s, at the counter, by post or online."),
		     req->citizen->phone, NULL);
	html(out, "</p>\n<p><a class=\"button\" href=\"/thu-tuc?online=full\">");
	html_txt(out, _("File a new dossier online"));
	html(out, "</a></p>\n<p class=\"meta\"><a href=\"/thu-tuc?online=partial\">");
	html_txt(out, _("Procedures partly online (the rest at the counter)"));
	html(out, "</a></p>\n");
	if (json_array_size(drafts)) {
		html(out, "<h2>");
		html_txt(out, _("Drafts not yet sent"));
		html(out, "</h2>\n<ul class=\"procedures\">\n");
		json_array_foreach(drafts, i, d) {
			html(out, "<li><a href=\"" DRAFT_URL);
			html_txtf(out, "%lld", (long long)jint(d, "id"));
			html(out, "\">");
			html_txt(out, *jstr(d, "procedure_name") ? jstr(d, "procedure_name") :
				 jstr(d, "procedure"));
			html(out, "</a><p class=\"meta\">");
			html_txt(out, _("Last saved"));
			html(out, " ");
			local_date(out, jint(d, "updated_at"));
			html(out, "</p></li>\n");
		}
		html(out, "</ul>\n");
	}
	html(out, "<h2>");
	html_txt(out, _("Filed dossiers"));
	html(out, "</h2>\n");
	if (!json_array_size(items)) {
		html(out, "<p>");
		html_txt(out, _("Nothing has been filed under your number yet."));
		html(out, "</p>\n");
	} else {
		html(out, "<ul class=\"procedures dossiers\">\n");
		json_array_foreach(items, i, d) {
			html(out, "<li><a href=\"" MINE_URL "/");
			html_txtf(out, "%lld", (long long)jint(d, "id"));
			html(out, "\">");
			html_txt(out, jstr(d, "procedure_name"));
			html(out, "</a><p class=\"meta\">");
			if (json_is_string(json_object_get(d, "code"))) {
				html_txt(out, jstr(d, "code"));
				html(out, " · ");
			}
			html_txt(out, _("filed on"));
			html(out, " ");
			local_date(out, jint(d, "submitted_at"));
			html(out, "</p><p>");
			state_tag(out, jstr(d, "state"), jstr(d, "state_label"));
			html(out, "</p></li>\n");
		}
		html(out, "</ul>\n");
	}
	page_end(req, res);
out:
	json_decref(items);
	json_decref(drafts);
	return ret;
}

/* The files of a list, each a link; with removable, a checkbox to remove it. */
static void file_list(struct strbuf *out, json_t *files, json_int_t doc, const char *kind,
		      bool removable)
{
	size_t i;
	json_t *f;
	bool any = false;

	json_array_foreach(files, i, f) {
		char id[24];

		if (strcmp(jstr(f, "kind"), kind) || (doc >= 0 && jint(f, "document") != doc))
			continue;
		if (!any)
			html(out, "<ul class=\"files\">\n");
		any = true;
		snprintf(id, sizeof(id), "%lld", (long long)jint(f, "id"));
		html(out, "<li><a href=\"/cong-dan/tep/");
		html_attr(out, id);
		html(out, "\">");
		html_txt(out, jstr(f, "name"));
		html(out, "</a> <span class=\"meta\">");
		html_txtf(out, "(%lld kB)", (long long)((jint(f, "size") + 1023) / 1024));
		html(out, "</span>");
		if (removable) {
			html(out, " <span class=\"radio\"><input type=\"checkbox\" id=\"rm-");
			html_attr(out, id);
			html(out, "\" name=\"remove_");
			html_attr(out, id);
			html(out, "\"><label for=\"rm-");
			html_attr(out, id);
			html(out, "\">");
			/* Each box says which file it removes, to screen readers too. */
			html_txt_sub(out, _("remove %s"), jstr(f, "name"), NULL);
			html(out, "</label></span>");
		}
		html(out, "</li>\n");
	}
	if (any)
		html(out, "</ul>\n");
}

/* One file input per document of the procedure, with the files already sent. */
static void document_inputs(struct strbuf *out, json_t *docs, json_t *files,
			    const struct err *e)
{
	size_t i;
	json_t *d;

	html(out, "<fieldset>\n<legend>");
	html_txt(out, _("Documents"));
	html(out, "</legend>\n<p class=\"hint\">");
	html_txt(out, _("A PDF, JPEG or PNG file for each document (a photo taken with your phone is fine)."));
	html_txtf(out, " %s %zu MB.", _("Largest file:"), portal_settings()->file_limit / (1024 * 1024));
	html(out, "</p>\n");
	json_array_foreach(docs, i, d) {
		char name[32];

		snprintf(name, sizeof(name), "doc_%zu", i);
		html(out, "<div class=\"document\">\n");
		field(out, e, name, jstr(d, "name"), "file", NULL, " accept=\"" ACCEPT_TYPES "\"",
		      NULL, false);
		file_list(out, files, (json_int_t)i, "document", true);
		html(out, "</div>\n");
	}
	html(out, "</fieldset>\n");
}

static int page_dossier(struct request *req, struct response *res, const struct err *e)
{
	struct strbuf *out = &res->body;
	json_t *d = NULL;
	int64_t id;
	bool incomplete;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = citizen_dossier(req->db, req->citizen, id, &d, &req->err);
	if (ret)
		return ret;
	incomplete = !strcmp(jstr(d, "state"), "incomplete");
	page_begin(req, res, jstr(d, "procedure_name"));
	html(out, "<p class=\"breadcrumb\"><a href=\"" MINE_URL "\">");
	html_txt(out, _("My dossiers"));
	html(out, "</a></p>\n<h1>");
	html_txt(out, jstr(d, "procedure_name"));
	html(out, "</h1>\n");
	if (req_query(req, "moi")) {
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("Your dossier has been sent. The desk checks it and receives it, or tells you what is missing."));
		html(out, "</p>\n");
	}
	html(out, "<dl class=\"facts\">\n<dt>");
	html_txt(out, _("State"));
	html(out, "</dt><dd>");
	state_tag(out, jstr(d, "state"), jstr(d, "state_label"));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Dossier code"));
	html(out, "</dt><dd>");
	if (json_is_string(json_object_get(d, "code"))) {
		html_txt(out, jstr(d, "code"));
		html(out, " — <a href=\"/tra-cuu?ma=");
		html_url_arg(out, jstr(d, "code"));
		html(out, "&amp;so=");
		html_url_arg(out, req->citizen->phone + 6);
		html(out, "\">");
		html_txt(out, _("follow its progress"));
		html(out, "</a>");
	} else {
		html_txt(out, _("given when the desk receives it"));
	}
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Agency"));
	html(out, "</dt><dd>");
	html_txt(out, jstr(d, "agency"));
	html(out, "</dd>\n<dt>");
	html_txt(out, _("Filed on"));
	html(out, "</dt><dd>");
	local_date(out, jint(d, "submitted_at"));
	html(out, "</dd>\n");
	if (json_is_integer(json_object_get(d, "due_at"))) {
		html(out, "<dt>");
		html_txt(out, _("Result promised by"));
		html(out, "</dt><dd>");
		local_date(out, jint(d, "due_at"));
		html(out, "</dd>\n");
	}
	html(out, "</dl>\n");
	/* The fee to pay online and, once returned, the rating: as on tracking. */
	if (json_is_string(json_object_get(d, "code"))) {
		const char *check = req->citizen->phone + 6;
		struct err te = ERR_INIT;
		json_t *t = NULL;

		if (!dossier_track(req->db, jstr(d, "code"), check, &t, &te)) {
			payment_track_section(req, res, t, check);
			rating_track_section(req, res, t, check);
		}
		json_decref(t);
	}
	{
		json_t *files = json_object_get(d, "files"), *f;
		size_t i;
		bool results = false;

		json_array_foreach(files, i, f)
			results |= !strcmp(jstr(f, "kind"), "result");
		if (results) {
			html(out, "<h2>");
			html_txt(out, _("Result"));
			html(out, "</h2>\n");
			file_list(out, files, -1, "result", false);
		}
		if (!incomplete) {
			html(out, "<h2>");
			html_txt(out, _("Documents sent"));
			html(out, "</h2>\n");
			if (json_array_size(files))
				file_list(out, files, -1, "document", false);
			else {
				html(out, "<p>");
				html_txt(out, _("No files: the documents were handed in on paper."));
				html(out, "</p>\n");
			}
		}
	}
	if (incomplete) {
		html(out, "<h2>");
		html_txt(out, _("Complete your dossier"));
		html(out, "</h2>\n<p>");
		html_txt(out, _("The desk returned your dossier: add or replace the documents it asked for, then send it again."));
		html(out, "</p>\n");
		error_summary(out, e);
		html(out, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" action=\"" MINE_URL "/");
		html_txtf(out, "%lld", (long long)id);
		html(out, "\">\n");
		portal_csrf_field(req, res);
		document_inputs(out, json_object_get(d, "documents"), json_object_get(d, "files"), e);
		html(out, "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"resubmit\">");
		html_txt(out, _("Send again"));
		html(out, "</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"secondary\">");
		html_txt(out, _("Upload only"));
		html(out, "</button></p>\n</form>\n");
	}
	page_end(req, res);
	json_decref(d);
	return 0;
}

static int page_dossier_get(struct request *req, struct response *res)
{
	return page_dossier(req, res, NULL);
}

/* Removes the files whose "remove_ID" box is ticked. */
static int remove_ticked(struct request *req)
{
	const struct http_part *parts;
	const char *ct = req_header(req, "Content-Type");
	size_t n;
	int ret;

	if (!ct || strncasecmp(ct, "multipart/", 10))
		return 0;
	ret = req_multipart(req, &parts, &n);
	for (size_t i = 0; !ret && i < n; i++) {
		char *end;
		long long id;

		if (parts[i].filename || strncmp(parts[i].name, "remove_", 7))
			continue;
		id = strtoll(parts[i].name + 7, &end, 10);
		if (*end || id <= 0)
			continue;
		ret = file_remove(req->db, req->citizen, id, &req->err);
	}
	return ret;
}

static int page_dossier_post(struct request *req, struct response *res)
{
	struct file_target t = { 0, 0, "document", 0 };
	struct audit_actor who = { 0, "citizen", req->remote, "/" };
	const char *action = req_form(req, "action");
	int64_t id;
	int added, ret = portal_path_id(req, 0, &id);
	struct strbuf url = STRBUF_INIT;

	t.dossier_id = id;
	if (!ret) {
		json_t *d = NULL;

		/* Only the applicant's own dossier, before anything else. */
		ret = citizen_dossier(req->db, req->citizen, id, &d, &req->err);
		json_decref(d);
		if (ret)
			return ret;
	}
	if (!ret)
		ret = remove_ticked(req);
	if (!ret)
		ret = portal_add_uploads(req, req->citizen, NULL, &t, -1, &added);
	if (!ret && action && !strcmp(action, "resubmit"))
		ret = dossier_applicant_complete(req->db, &who, id, req->citizen->phone, NULL,
						 &req->err);
	if (person_error(ret) && ret != E_DENIED) {
		struct err e = req->err;

		set_status(req, res, ret);
		return page_dossier(req, res, &e) ? ret : 0;
	}
	if (ret)
		return ret;
	strbuf_addf(&url, MINE_URL "/%lld", (long long)id);
	res_redirect(res, url.buf);
	strbuf_release(&url);
	return 0;
}

/* ---- filing online --------------------------------------------------------- */

static void draft_form(struct request *req, struct response *res, json_t *d,
		       const char *action, const struct err *e)
{
	struct strbuf *out = &res->body;
	json_t *agencies = json_object_get(d, "agencies"), *a;
	size_t i;

	page_begin(req, res, jstr(d, "procedure_name"));
	html(out, "<p class=\"breadcrumb\"><a href=\"" MINE_URL "\">");
	html_txt(out, _("My dossiers"));
	html(out, "</a></p>\n<h1>");
	html_txt(out, jstr(d, "procedure_name"));
	html(out, "</h1>\n<p class=\"meta\">");
	html_txt_sub(out, _("Procedure %s, filed online"), jstr(d, "procedure"), NULL);
	html(out, " · <a href=\"/thu-tuc/");
	html_url_arg(out, jstr(d, "procedure"));
	html(out, "\">");
	html_txt(out, _("about this procedure"));
	html(out, "</a></p>\n");
	if (req_query(req, "luu")) {
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("Your draft has been saved. You can come back and finish it later."));
		html(out, "</p>\n");
	}
	error_summary(out, e);
	html(out, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" action=\"");
	html_attr(out, action);
	html(out, "\" novalidate>\n");
	portal_csrf_field(req, res);
	html(out, "<fieldset>\n<legend>");
	html_txt(out, _("Where to file"));
	html(out, "</legend>\n<label for=\"f-agency\">");
	html_txt(out, _("Receiving agency"));
	html(out, "</label>\n");
	if (bad(e, "agency")) {
		html(out, "<p class=\"error\" id=\"f-agency-error\">");
		html_txt(out, e->message);
		html(out, "</p>\n<select id=\"f-agency\" name=\"agency\" aria-invalid=\"true\""
		     " aria-describedby=\"f-agency-error\">\n");
	} else {
		html(out, "<select id=\"f-agency\" name=\"agency\">\n");
	}
	if (json_array_size(agencies) != 1) {
		html(out, "<option value=\"\">");
		html_txt(out, _("Choose the agency"));
		html(out, "</option>\n");
	}
	json_array_foreach(agencies, i, a) {
		html(out, "<option value=\"");
		html_attr(out, jstr(a, "key"));
		html(out, !strcmp(jstr(a, "key"), jstr(d, "agency")) ? "\" selected>" : "\">");
		html_txt(out, jstr(a, "name"));
		html(out, "</option>\n");
	}
	html(out, "</select>\n</fieldset>\n<fieldset>\n<legend>");
	html_txt(out, _("Applicant"));
	html(out, "</legend>\n<p class=\"hint\">");
	html_txt_sub(out, _("Mobile number: %s (from your account)"), req->citizen->phone, NULL);
	html(out, "</p>\n");
	field(out, e, "applicant_name", _("Full name"), "text", jstr(d, "applicant_name"),
	      " autocomplete=\"name\" required", NULL, false);
	field(out, e, "applicant_id", _("ID card number (CCCD)"), "text", jstr(d, "applicant_id"),
	      " inputmode=\"numeric\" maxlength=\"12\"", NULL, true);
	field(out, e, "applicant_email", _("E-mail"), "email", jstr(d, "applicant_email"),
	      " autocomplete=\"email\"", NULL, true);
	field(out, e, "applicant_address", _("Address"), "text", jstr(d, "applicant_address"),
	      " autocomplete=\"street-address\"", NULL, true);
	field(out, e, "request", _("What you ask for"), "textarea", jstr(d, "request"), NULL,
	      _("Leave empty to ask for what the procedure gives."), true);
	html(out, "</fieldset>\n");
	document_inputs(out, json_object_get(d, "documents"), json_object_get(d, "files"), e);
	html(out, "<p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"submit\">");
	html_txt(out, _("Send the dossier"));
	html(out, "</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"secondary\">");
	html_txt(out, _("Save the draft"));
	html(out, "</button>");
	if (jint(d, "id")) {
		html(out, " <button type=\"submit\" name=\"action\" value=\"delete\" class=\"secondary\">");
		html_txt(out, _("Delete the draft"));
		html(out, "</button>");
	}
	html(out, "</p>\n</form>\n");
	page_end(req, res);
}

static int page_file_new(struct request *req, struct response *res)
{
	struct strbuf action = STRBUF_INIT;
	json_t *d = NULL;
	int ret = draft_blank(req->db, req->citizen, req_arg(req, 0), &d, &req->err);

	if (ret == E_INVALID)
		ret = E_NOTFOUND;
	if (ret)
		return ret;
	strbuf_addstr(&action, FILE_URL);
	strbuf_addstr(&action, req_arg(req, 0));
	draft_form(req, res, d, action.buf, NULL);
	strbuf_release(&action);
	json_decref(d);
	return 0;
}

static int page_draft(struct request *req, struct response *res)
{
	struct strbuf action = STRBUF_INIT;
	json_t *d = NULL;
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = draft_get(req->db, req->citizen, id, &d, &req->err);
	if (ret)
		return ret;
	strbuf_addf(&action, DRAFT_URL "%lld", (long long)id);
	draft_form(req, res, d, action.buf, NULL);
	strbuf_release(&action);
	json_decref(d);
	return 0;
}

/*
 * Saves the form into draft id (creating it when *id is 0), adds the
 * uploads, then does the action: save, submit or delete.
 */
static int draft_post(struct request *req, struct response *res, const char *code,
		      int64_t id)
{
	struct draft_input in = {
		code, req_form(req, "agency"), req_form(req, "applicant_name"),
		req_form(req, "applicant_id"), req_form(req, "applicant_email"),
		req_form(req, "applicant_address"), req_form(req, "request")
	};
	struct file_target t = { 0, 0, "document", 0 };
	struct strbuf url = STRBUF_INIT;
	const char *action = req_form(req, "action");
	int64_t did = 0;
	int added, ret;

	action = action ? action : "save";
	if (!id && !strcmp(action, "delete")) {
		res_redirect(res, MINE_URL);
		return 0;
	}
	if (id && !strcmp(action, "delete")) {
		ret = draft_delete(req->db, req->citizen, id, &req->err);
		if (!ret)
			res_redirect(res, MINE_URL);
		return ret;
	}
	ret = id ? draft_update(req->db, req->citizen, id, &in, &req->err) :
		draft_create(req->db, req->citizen, &in, &id, &req->err);
	if (!ret)
		ret = remove_ticked(req);
	t.draft_id = id;
	if (!ret)
		ret = portal_add_uploads(req, req->citizen, NULL, &t, -1, &added);
	if (!ret && !strcmp(action, "submit"))
		ret = draft_submit(req->db, req->citizen, id, &did, &req->err);
	if (person_error(ret)) {
		struct err e = req->err;
		json_t *d = NULL;

		set_status(req, res, ret);
		if (id) {
			if (draft_get(req->db, req->citizen, id, &d, &req->err))
				return ret;
			strbuf_addf(&url, DRAFT_URL "%lld", (long long)id);
		} else {
			/* Not saved at all: the blank form with what was typed. */
			static const char *const keep[] = { "agency", "applicant_name",
				"applicant_id", "applicant_email", "applicant_address", "request" };

			if (draft_blank(req->db, req->citizen, code, &d, &req->err))
				return ret;
			for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
				if (req_form(req, keep[i]))
					json_object_set_new(d, keep[i], json_string(req_form(req, keep[i])));
			strbuf_addf(&url, FILE_URL "%s", code);
		}
		draft_form(req, res, d, url.buf, &e);
		json_decref(d);
		strbuf_release(&url);
		return 0;
	}
	if (ret)
		return ret;
	if (did)
		strbuf_addf(&url, MINE_URL "/%lld?moi=1", (long long)did);
	else
		strbuf_addf(&url, DRAFT_URL "%lld?luu=1", (long long)id);
	res_redirect(res, url.buf);
	strbuf_release(&url);
	return 0;
}

static int page_file_post(struct request *req, struct response *res)
{
	return draft_post(req, res, req_arg(req, 0), 0);
}

static int page_draft_post(struct request *req, struct response *res)
{
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	return ret ? ret : draft_post(req, res, NULL, id);
}

/* ---- profile --------------------------------------------------------------- */

static void profile_form(struct request *req, struct response *res, const char *name,
			 const char *email, const struct err *e, bool saved)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("My account"));
	html(out, "<h1>");
	html_txt(out, _("My account"));
	html(out, "</h1>\n");
	if (saved) {
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("Saved."));
		html(out, "</p>\n");
	}
	error_summary(out, e);
	html(out, "<form class=\"stack\" method=\"post\" action=\"/cong-dan/tai-khoan\" novalidate>\n");
	portal_csrf_field(req, res);
	html(out, "<p>");
	html_txt_sub(out, _("Mobile number: %s (from your account)"), req->citizen->phone, NULL);
	html(out, "</p>\n");
	field(out, e, "name", _("Full name"), "text", name, " autocomplete=\"name\"",
	      _("Filled in for you on new dossiers."), true);
	field(out, e, "email", _("E-mail"), "email", email, " autocomplete=\"email\"", NULL, true);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Save"));
	html(out, "</button></p>\n</form>\n");
	page_end(req, res);
}

static int page_profile(struct request *req, struct response *res)
{
	profile_form(req, res, req->citizen->name, req->citizen->email, NULL,
		     req_query(req, "luu") != NULL);
	return 0;
}

static int page_profile_post(struct request *req, struct response *res)
{
	const char *name = req_form(req, "name"), *email = req_form(req, "email");
	int ret = citizen_update(req->db, req->citizen, name ? name : "", email ? email : "",
				 &req->err);

	if (ret == E_INVALID) {
		struct err e = req->err;

		res->status = 400;
		profile_form(req, res, name, email, &e, false);
		return 0;
	}
	if (!ret)
		res_redirect(res, "/cong-dan/tai-khoan?luu=1");
	return ret;
}

/* ---- files ------------------------------------------------------------------ */

static int page_attach_result(struct request *req, struct response *res)
{
	struct strbuf url = STRBUF_INIT;
	int64_t did;
	int ret = portal_attach_result(req, &did);

	if (ret)
		return ret;
	strbuf_addstr(&url, "/ho-so/");
	html_url_arg(&url, req_arg(req, 0));	/* "#id" before it has a code */
	res_redirect(res, url.buf);
	strbuf_release(&url);
	return 0;
}

void portal_dossier_files_html(struct request *req, struct response *res,
			       int64_t dossier_id, const char *code, bool may_attach)
{
	struct strbuf *out = &res->body;
	json_t *files = NULL, *f;
	size_t i;

	if (dossier_files(req->db, dossier_id, &files))
		return;
	if (!json_array_size(files) && !may_attach)
		goto out;
	html(out, "<section class=\"dossier-files\">\n<h2>");
	html_txt(out, _("Files"));
	html(out, "</h2>\n");
	if (json_array_size(files)) {
		html(out, "<ul class=\"files\">\n");
		json_array_foreach(files, i, f) {
			html(out, "<li><a href=\"/ho-so/");
			html_url_arg(out, code);
			html(out, "/tep/");
			html_txtf(out, "%lld", (long long)jint(f, "id"));
			html(out, "\">");
			html_txt(out, jstr(f, "name"));
			html(out, "</a> <span class=\"meta\">");
			if (!strcmp(jstr(f, "kind"), "result"))
				html_txt(out, _("result"));
			else
				html_txtf(out, "%s %lld", _("document"), (long long)jint(f, "document") + 1);
			html_txtf(out, " · %lld kB", (long long)((jint(f, "size") + 1023) / 1024));
			html(out, "</span></li>\n");
		}
		html(out, "</ul>\n");
	}
	if (may_attach) {
		html(out, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" action=\"/ho-so/");
		html_url_arg(out, code);
		html(out, "/ket-qua\">\n");
		portal_csrf_field(req, res);
		html(out, "<label for=\"f-result-file\">");
		html_txt(out, _("Attach the result document (PDF, JPEG or PNG)"));
		html(out, "</label>\n<input type=\"file\" id=\"f-result-file\" name=\"file\" accept=\""
		     ACCEPT_TYPES "\">\n<p><button type=\"submit\" class=\"secondary\">");
		html_txt(out, _("Attach"));
		html(out, "</button></p>\n</form>\n");
	}
	html(out, "</section>\n");
out:
	json_decref(files);
}

#define RESULT_ROLES (ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER)

const struct route portal_page_routes[] = {
	{ "GET", HOME_URL, page_home, ROUTE_HTML, ROLE_PUBLIC,
	  "citizens' portal: sign in with a mobile number" },
	{ "POST", HOME_URL "/ma", page_code, ROUTE_HTML, ROLE_PUBLIC,
	  "send a sign-in code by SMS" },
	{ "POST", HOME_URL "/dang-nhap", page_sign_in, ROUTE_HTML, ROLE_PUBLIC,
	  "sign in with the code" },
	{ "POST", HOME_URL "/dang-xuat", page_sign_out, ROUTE_HTML, ROLE_CITIZEN,
	  "sign the citizen out" },
	{ "GET", MINE_URL, page_mine, ROUTE_HTML, ROLE_CITIZEN,
	  "my dossiers and drafts" },
	{ "GET", MINE_URL "/{id}", page_dossier_get, ROUTE_HTML, ROLE_CITIZEN,
	  "one of my dossiers, its files and result" },
	{ "POST", MINE_URL "/{id}", page_dossier_post, ROUTE_HTML | ROUTE_UPLOAD, ROLE_CITIZEN,
	  "complete a returned dossier and send it again" },
	{ "GET", FILE_URL "{code}", page_file_new, ROUTE_HTML, ROLE_CITIZEN,
	  "the online filing form of a procedure" },
	{ "POST", FILE_URL "{code}", page_file_post, ROUTE_HTML | ROUTE_UPLOAD, ROLE_CITIZEN,
	  "save or send a new online dossier" },
	{ "GET", DRAFT_URL "{id}", page_draft, ROUTE_HTML, ROLE_CITIZEN, "a draft" },
	{ "POST", DRAFT_URL "{id}", page_draft_post, ROUTE_HTML | ROUTE_UPLOAD, ROLE_CITIZEN,
	  "save, send or delete a draft" },
	{ "GET", HOME_URL "/tai-khoan", page_profile, ROUTE_HTML, ROLE_CITIZEN,
	  "the citizen's profile" },
	{ "POST", HOME_URL "/tai-khoan", page_profile_post, ROUTE_HTML, ROLE_CITIZEN,
	  "change the citizen's profile" },
	{ "GET", HOME_URL "/tep/{id}", portal_citizen_file, ROUTE_HTML, ROLE_CITIZEN,
	  "download one of my files" },
	{ "GET", "/ho-so/{code}/tep/{id}", portal_officer_file, ROUTE_HTML, ROLES_STAFF,
	  "download a file of a dossier the officer sees" },
	{ "POST", "/ho-so/{code}/ket-qua", page_attach_result, ROUTE_HTML | ROUTE_UPLOAD,
	  RESULT_ROLES, "attach the result document of a dossier" },
};
const unsigned portal_page_nroutes = ARRAY_SIZE(portal_page_routes);
