/*
 * The HTML pages of org: signing in and out, changing one's own password,
 * managing users, the agency tree and the audit log.
 *
 * Pages hold no rules of their own: they read the form, call the functions
 * of org.h (the same ones the JSON routes in api.c call) and render what
 * comes back.  They work without JavaScript; a form that fails is shown
 * again with its error announced (role="alert") and linked to its field.
 */
#include <stdbool.h>
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

#define SESSION_COOKIE "cchc_session"
#define USERS_URL "/quan-tri/nguoi-dung"
#define AUDIT_URL "/quan-tri/nhat-ky"
#define AUDIT_PAGE 50		/* entries per page of the audit log */
#define SUMMARY_MAX 120		/* bytes of one value in an audit summary */

/* ---- small pieces shared by the pages ---------------------------------- */

/* The value of a query or form field, or NULL when it is absent or empty. */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* Whether s looks like a user name, so that it may be echoed in a notice. */
static bool username_like(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-", *s)))
			return false;
	return true;
}

/*
 * next when it is a path on this site ("/…", not "//…" nor "/\…", which
 * browsers take for another host, and no control characters); else NULL.
 */
static const char *local_path(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strlen(next) > 1024)
		return NULL;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return NULL;
	return next;
}

/*
 * The error of a form, announced to screen readers at once, with a link to
 * the field it names (fields have the id "f-NAME"; the field repeats the
 * message next to itself, see field_error).
 */
static void form_error(struct strbuf *out, const struct err *e)
{
	if (!e->message[0])
		return;
	html(out, "<div role=\"alert\" id=\"form-error\">\n<p class=\"error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
	if (e->field[0] && strcmp(e->field, "csrf")) {
		html(out, "<p><a href=\"#f-");
		html_attr(out, strcmp(e->field, "roles") ? e->field : "role-admin");
		html(out, "\">");
		html_txt(out, _("Go to the field"));
		html(out, "</a></p>\n");
	}
	html(out, "</div>\n");
}

/* Whether e is about the field name. */
static bool field_bad(const struct err *e, const char *name)
{
	return e->message[0] && !strcmp(e->field, name);
}

/* The message of e next to its field (id "f-NAME-error"), when it is about it. */
static void field_error(struct strbuf *out, const struct err *e, const char *name)
{
	if (!field_bad(e, name))
		return;
	html(out, "<p class=\"error\" id=\"f-");
	html_attr(out, name);
	html(out, "-error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
}

/* A notice that a change succeeded, read out politely. */
static void notice(struct strbuf *out, const char *fmt, const char *arg)
{
	html(out, "<p class=\"notice\" role=\"status\">");
	html_txt_sub(out, fmt, arg, NULL);
	html(out, "</p>\n");
}

struct field {
	const char *name;	/* form name; the element's id is "f-" name */
	const char *label;	/* translated */
	const char *type;	/* "text", "password", "date" … */
	const char *value;	/* NULL for empty */
	const char *autocomplete;	/* NULL for none */
	const char *hint;	/* translated help under the label, or NULL */
	bool required;
};

/* A labelled input; marked invalid when e names its field. */
static void input_field(struct strbuf *out, const struct field *f, const struct err *e)
{
	bool bad = field_bad(e, f->name);

	html(out, "<label for=\"f-");
	html_attr(out, f->name);
	html(out, "\">");
	html_txt(out, f->label);
	html(out, "</label>\n");
	if (f->hint) {
		html(out, "<p id=\"f-");
		html_attr(out, f->name);
		html(out, "-hint\">");
		html_txt(out, f->hint);
		html(out, "</p>\n");
	}
	field_error(out, e, f->name);
	html(out, "<input id=\"f-");
	html_attr(out, f->name);
	html(out, "\" name=\"");
	html_attr(out, f->name);
	html(out, "\" type=\"");
	html_attr(out, f->type);
	html(out, "\"");
	if (f->value) {
		html(out, " value=\"");
		html_attr(out, f->value);
		html(out, "\"");
	}
	if (f->autocomplete) {
		html(out, " autocomplete=\"");
		html_attr(out, f->autocomplete);
		html(out, "\"");
	}
	if (f->required)
		html(out, " required");
	if (f->hint || bad) {
		html(out, " aria-describedby=\"");
		if (f->hint) {
			html(out, "f-");
			html_attr(out, f->name);
			html(out, "-hint");
		}
		if (bad) {
			html(out, f->hint ? " f-" : "f-");
			html_attr(out, f->name);
			html(out, "-error");
		}
		html(out, "\"");
	}
	if (bad)
		html(out, " aria-invalid=\"true\"");
	html(out, ">\n");
}

/* The sign-out button: a POST form, so a link cannot sign anyone out. */
static void sign_out_form(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	html(out, "<form method=\"post\" action=\"/dang-xuat\">\n");
	org_csrf_field(req, res);
	html(out, "<button type=\"submit\" class=\"secondary\">");
	html_txt(out, _("Sign out"));
	html(out, "</button>\n</form>\n");
}

/* Local time (UTC+7) of t as dd/mm/yyyy HH:MM, in a <time> element. */
static void local_time(struct strbuf *out, int64_t t)
{
	int day = calendar_day_of(t), sec = calendar_second_of_day(t), y, m, d;
	char iso[64], shown[64];

	calendar_day_to_ymd(day, &y, &m, &d);
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d,
		 sec / 3600, sec / 60 % 60, sec % 60);
	snprintf(shown, sizeof(shown), "%02d/%02d/%04d %02d:%02d", d, m, y,
		 sec / 3600, sec / 60 % 60);
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txt(out, shown);
	html(out, "</time>");
}

/* ---- signing in and out ------------------------------------------------- */

static void sign_in_page(struct request *req, struct response *res,
			 const char *username, const char *next)
{
	struct strbuf *out = &res->body;
	struct field fields[] = {
		{ "username", _("User name"), "text", username, "username", NULL, true },
		{ "password", _("Password"), "password", NULL, "current-password", NULL, true },
	};

	page_begin(req, res, _("Sign in"));
	html(out, "<h1>");
	html_txt(out, _("Sign in"));
	html(out, "</h1>\n");
	if (req->user) {
		html(out, "<p class=\"notice\">");
		html_txt_sub(out, _("You are signed in as %s."), req->user->username, NULL);
		html(out, " <a href=\"/doi-mat-khau\">");
		html_txt(out, _("Change password"));
		html(out, "</a></p>\n");
		sign_out_form(req, res);
		html(out, "<h2>");
		html_txt(out, _("Sign in as another user"));
		html(out, "</h2>\n");
	}
	form_error(out, &req->err);
	html(out, "<form class=\"stack\" method=\"post\" action=\"/dang-nhap\">\n");
	org_csrf_field(req, res);
	html_hidden(out, "next", local_path(next));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		input_field(out, &fields[i], &req->err);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Sign in"));
	html(out, "</button></p>\n</form>\n");
	page_end(req, res);
}

static int page_sign_in(struct request *req, struct response *res)
{
	sign_in_page(req, res, NULL, req_query(req, "next"));
	return 0;
}

static int page_sign_in_post(struct request *req, struct response *res)
{
	const char *username = req_form(req, "username");
	const char *next = local_path(req_form(req, "next"));
	const char *old = req_cookie(req, SESSION_COOKIE);
	struct session_token tok;
	struct user u = USER_INIT;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = session_sign_in(req->db, username, req_form(req, "password"),
				      req->remote, &tok, &req->err);
	switch (ret) {
	case 0:
		break;
	case E_INVALID:
	case E_UNAUTH:
	case E_DENIED:
	case E_RATELIMIT:
		/* The person's mistake: the form again, with what went wrong. */
		res->status = http_status_for(ret);
		if (ret == E_RATELIMIT) {
			char secs[16];

			snprintf(secs, sizeof(secs), "%d",
				 req->err.retry_after > 0 ? req->err.retry_after : 60);
			res_header(res, "Retry-After", secs);
		}
		sign_in_page(req, res, username, next);
		return 0;
	default:
		return ret;
	}
	/* This browser's previous session, if any, ends with the new one. */
	if (req->user && old)
		(void)session_sign_out(req->db, old);
	res_cookie(req, res, SESSION_COOKIE, tok.token, -1);
	ret = user_find(req->db, username, &u);
	if (!ret)
		res_redirect(res, u.must_change_password ? "/doi-mat-khau" :
			     next ? next : "/");
	user_release(&u);
	return ret;
}

static int page_sign_out(struct request *req, struct response *res)
{
	const char *cookie = req_cookie(req, SESSION_COOKIE);
	int ret = org_csrf_check(req);

	if (!ret && cookie)
		ret = session_sign_out(req->db, cookie);
	if (ret)
		return ret;
	res_cookie(req, res, SESSION_COOKIE, "", 0);
	res_redirect(res, "/");
	return 0;
}

/* ---- one's own password -------------------------------------------------- */

static void password_page(struct request *req, struct response *res, bool changed)
{
	struct strbuf *out = &res->body;
	struct field fields[] = {
		{ "current", _("Current password"), "password", NULL, "current-password",
		  NULL, true },
		{ "password", _("New password"), "password", NULL, "new-password",
		  _("At least 10 characters, and not containing your user name."), true },
		{ "confirm", _("New password again"), "password", NULL, "new-password",
		  NULL, true },
	};

	page_begin(req, res, _("Change password"));
	html(out, "<h1>");
	html_txt(out, _("Change password"));
	html(out, "</h1>\n");
	if (changed) {
		notice(out, _("Your password has been changed."), NULL);
		html(out, "<p><a href=\"/\">");
		html_txt(out, _("Back to the home page"));
		html(out, "</a></p>\n");
		page_end(req, res);
		return;
	}
	if (req->user->must_change_password) {
		html(out, "<p class=\"notice\">");
		html_txt(out, _("You signed in with a one-time password. Choose a password of your own to continue."));
		html(out, "</p>\n");
	}
	form_error(out, &req->err);
	html(out, "<form class=\"stack\" method=\"post\" action=\"/doi-mat-khau\">\n");
	org_csrf_field(req, res);
	/* For password managers: whose password this is. */
	html(out, "<input type=\"text\" name=\"username\" autocomplete=\"username\" hidden readonly value=\"");
	html_attr(out, req->user->username);
	html(out, "\">\n");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		input_field(out, &fields[i], &req->err);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Change password"));
	html(out, "</button></p>\n</form>\n");
	sign_out_form(req, res);
	page_end(req, res);
}

static int page_password(struct request *req, struct response *res)
{
	const char *changed = req_query(req, "changed");

	password_page(req, res, changed && !strcmp(changed, "1"));
	return 0;
}

static int page_password_post(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	const char *password = req_form(req, "password");
	const char *confirm = req_form(req, "confirm");
	struct session_token tok;
	struct err again = ERR_INIT;
	int ret = org_csrf_check(req);

	if (ret)
		return ret;
	if (!password || !confirm || strcmp(password, confirm))
		ret = err_set(&req->err, E_INVALID, "confirm",
			      "the two new passwords are not the same");
	else
		ret = user_change_password(req->db, req->user, &who,
					   req_form(req, "current"), password, &req->err);
	if (ret == E_INVALID) {
		res->status = 400;
		password_page(req, res, false);
		return 0;
	}
	if (ret)
		return ret;
	/* The change ended every session of the user, this one too: start a new one. */
	ret = session_sign_in(req->db, req->user->username, password, req->remote,
			      &tok, &again);
	if (ret == E_UNAUTH || ret == E_RATELIMIT) {
		res_cookie(req, res, SESSION_COOKIE, "", 0);
		res_redirect(res, "/dang-nhap");
		return 0;
	}
	if (ret)
		return ret;
	res_cookie(req, res, SESSION_COOKIE, tok.token, -1);
	res_redirect(res, "/doi-mat-khau?changed=1");
	return 0;
}

/* ---- users --------------------------------------------------------------- */

/* What the create-user form was given, to show it again after an error. */
struct user_form {
	const char *username;
	const char *full_name;
	const char *agency;	/* agency id, as text */
	unsigned roles;
};

/* The translated labels of a "clerk,specialist" list, comma separated. */
static void role_labels(struct strbuf *out, const char *list)
{
	unsigned mask = 0;
	bool first = true;

	roles_parse(list, &mask, NULL);
	for (unsigned bit = 1; bit <= ROLE_POSTAL; bit <<= 1) {
		if (!(mask & bit))
			continue;
		if (!first)
			html(out, ", ");
		html_txt(out, role_label(bit));
		first = false;
	}
}

/* One row of the user table, with its action buttons. */
static void user_row(struct request *req, struct response *res, json_t *u)
{
	struct strbuf *out = &res->body;
	const char *name = json_string_value(json_object_get(u, "username"));
	bool disabled = json_is_true(json_object_get(u, "disabled"));
	bool self = !strcmp(name ? name : "", req->user->username);

	html(out, "<tr>\n<th scope=\"row\">");
	html_txt(out, name);
	html(out, "</th>\n<td>");
	html_txt(out, json_string_value(json_object_get(u, "full_name")));
	html(out, "</td>\n<td>");
	html_txt(out, json_string_value(json_object_get(json_object_get(u, "agency"), "name")));
	html(out, "</td>\n<td>");
	role_labels(out, json_string_value(json_object_get(u, "roles")));
	html(out, "</td>\n<td>");
	if (disabled) {
		html(out, "<span class=\"tag bad\">");
		html_txt(out, _("Disabled"));
	} else {
		html(out, "<span class=\"tag ok\">");
		html_txt(out, _("Active"));
	}
	html(out, "</span>");
	if (json_is_true(json_object_get(u, "must_change_password"))) {
		html(out, " <span class=\"tag warn\">");
		html_txt(out, _("Must change password"));
		html(out, "</span>");
	}
	html(out, "</td>\n<td>");
	if (self) {
		/* Admins change their own password like everyone else. */
		html(out, "<a href=\"/doi-mat-khau\">");
		html_txt(out, _("Change password"));
		html(out, "</a>");
		html(out, "</td>\n</tr>\n");
		return;
	}
	html(out, "<form method=\"post\" action=\"" USERS_URL "/");
	html_url_arg(out, name);
	html(out, disabled ? "/mo-khoa\">\n" : "/khoa\" data-confirm=\"");
	if (!disabled) {
		html_txt_sub(out, _("Disable user %s? They are signed out at once."), name, NULL);
		html(out, "\">\n");
	}
	org_csrf_field(req, res);
	html(out, "<button type=\"submit\" class=\"secondary\" aria-label=\"");
	html_txt_sub(out, disabled ? _("Enable user %s") : _("Disable user %s"), name, NULL);
	html(out, "\">");
	html_txt(out, disabled ? _("Enable") : _("Disable"));
	html(out, "</button>\n</form>\n");
	html(out, "<form method=\"post\" action=\"" USERS_URL "/");
	html_url_arg(out, name);
	html(out, "/dat-lai-mat-khau\" data-confirm=\"");
	html_txt_sub(out, _("Give user %s a new one-time password? Their current password stops working."),
		name, NULL);
	html(out, "\">\n");
	org_csrf_field(req, res);
	html(out, "<button type=\"submit\" class=\"secondary\" aria-label=\"");
	html_txt_sub(out, _("Reset password of %s"), name, NULL);
	html(out, "\">");
	html_txt(out, _("Reset password"));
	html(out, "</button>\n</form>\n</td>\n</tr>\n");
}

/* The <select> of the agencies the admin may put users in. */
static void agency_select(struct request *req, struct strbuf *out, json_t *tree,
			  const char *chosen)
{
	bool bad = field_bad(&req->err, "agency");
	int base = -1;
	size_t i;
	json_t *a;

	html(out, "<label for=\"f-agency\">");
	html_txt(out, _("Agency"));
	html(out, "</label>\n");
	field_error(out, &req->err, "agency");
	html(out, "<select id=\"f-agency\" name=\"agency\" required");
	if (bad)
		html(out, " aria-invalid=\"true\" aria-describedby=\"f-agency-error\"");
	html(out, ">\n<option value=\"\">");
	html_txt(out, _("Choose an agency"));
	html(out, "</option>\n");
	json_array_foreach(tree, i, a) {
		json_int_t id = json_integer_value(json_object_get(a, "id"));
		int depth = (int)json_integer_value(json_object_get(a, "depth"));
		char ids[24];

		if (!user_sees_agency_id(req->db, req->user, id))
			continue;
		if (base < 0)
			base = depth;
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		html(out, "<option value=\"");
		html_attr(out, ids);
		html(out, "\"");
		if (chosen && !strcmp(chosen, ids))
			html(out, " selected");
		html(out, ">");
		/* Indent by depth below the first agency shown (the admin's own). */
		for (int d = base; d < depth; d++)
			html(out, "&nbsp;&nbsp;&nbsp;");
		html_txt(out, json_string_value(json_object_get(a, "name")));
		html(out, "</option>\n");
	}
	html(out, "</select>\n");
}

/* The create-user form; f holds what was given before, when it failed. */
static void user_create_form(struct request *req, struct response *res, json_t *tree,
			     const struct user_form *f)
{
	struct strbuf *out = &res->body;
	bool roles_bad = field_bad(&req->err, "roles");
	struct field head[] = {
		{ "username", _("User name"), "text", f->username, "off",
		  _("2 to 64 characters: letters a–z, digits, '.', '_' and '-'."), true },
		{ "full_name", _("Full name"), "text", f->full_name, "off", NULL, true },
	};
	struct field password = {
		"password", _("Password"), "password", NULL, "new-password",
		_("At least 10 characters, and not containing the user name. Give it to the user in person."),
		true
	};

	html(out, "<h2 id=\"tao-nguoi-dung\">");
	html_txt(out, _("Create a user"));
	html(out, "</h2>\n<form class=\"stack\" method=\"post\" action=\"" USERS_URL "\">\n");
	org_csrf_field(req, res);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		input_field(out, &head[i], &req->err);
	agency_select(req, out, tree, f->agency);
	html(out, "<fieldset id=\"f-roles\"");
	if (roles_bad)
		html(out, " aria-describedby=\"f-roles-error\"");
	html(out, ">\n<legend>");
	html_txt(out, _("Roles"));
	html(out, "</legend>\n");
	field_error(out, &req->err, "roles");
	for (unsigned bit = 1; bit <= ROLE_POSTAL; bit <<= 1) {
		const char *name = role_name(bit);

		html(out, "<label for=\"f-role-");
		html_attr(out, name);
		html(out, "\"><input type=\"checkbox\" id=\"f-role-");
		html_attr(out, name);
		html(out, "\" name=\"role_");
		html_attr(out, name);
		html(out, "\" value=\"1\"");
		if (f->roles & bit)
			html(out, " checked");
		if (roles_bad)
			html(out, " aria-invalid=\"true\"");
		html(out, "> ");
		html_txt(out, role_label(bit));
		html(out, "</label>\n");
	}
	html(out, "</fieldset>\n");
	input_field(out, &password, &req->err);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Create the user"));
	html(out, "</button></p>\n</form>\n");
}

/* The user list and the create form; f is NULL unless a create failed. */
static int users_page(struct request *req, struct response *res,
		      const struct user_form *f)
{
	static const struct user_form empty;
	static const char *const cols[] = {
		N_("User name"), N_("Full name"), N_("Agency"), N_("Roles"),
		N_("Status"), N_("Actions"),
	};
	static const struct {
		const char *query;
		const char *msgid;
	} done[] = {
		{ "created", N_("User %s has been created.") },
		{ "disabled", N_("User %s has been disabled and signed out.") },
		{ "enabled", N_("User %s has been enabled.") },
	};
	struct strbuf *out = &res->body;
	json_t *users = NULL, *tree = NULL, *u;
	size_t i;
	int ret = user_list(req->db, req->user, &users);

	if (!ret)
		ret = agency_tree(req->db, false, &tree);
	if (ret)
		goto out;
	page_begin(req, res, _("Users"));
	html(out, "<h1>");
	html_txt(out, _("Users"));
	html(out, "</h1>\n");
	for (i = 0; !f && i < sizeof(done) / sizeof(done[0]); i++) {
		const char *v = req_query(req, done[i].query);

		if (username_like(v))
			notice(out, _(done[i].msgid), v);
	}
	/* A failed create: the error on top, linking down to its field. */
	form_error(out, &req->err);
	html(out, "<p><a href=\"#tao-nguoi-dung\">");
	html_txt(out, _("Create a user"));
	html(out, "</a></p>\n<h2>");
	html_txt(out, _("User accounts"));
	html(out, "</h2>\n");
	if (!json_array_size(users)) {
		html(out, "<p>");
		html_txt(out, _("There are no users yet."));
		html(out, "</p>\n");
	} else {
		html(out, "<table>\n<thead>\n<tr>");
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			html(out, "<th scope=\"col\">");
			html_txt(out, _(cols[i]));
			html(out, "</th>");
		}
		html(out, "</tr>\n</thead>\n<tbody>\n");
		json_array_foreach(users, i, u)
			user_row(req, res, u);
		html(out, "</tbody>\n</table>\n");
	}
	user_create_form(req, res, tree, f ? f : &empty);
	page_end(req, res);
out:
	json_decref(users);
	json_decref(tree);
	return ret;
}

static int page_users(struct request *req, struct response *res)
{
	return users_page(req, res, NULL);
}

static int page_user_create(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct user_form f = {
		.username = req_form(req, "username"),
		.full_name = req_form(req, "full_name"),
		.agency = req_form(req, "agency"),
	};
	struct strbuf roles = STRBUF_INIT, to = STRBUF_INIT;
	struct user_new nu;
	int64_t id;
	int ret = org_csrf_check(req);

	if (ret)
		goto out;
	/* One checkbox per role, "role_clerk" …, gathered into "clerk,…". */
	for (unsigned bit = 1; bit <= ROLE_POSTAL; bit <<= 1) {
		char key[32];

		snprintf(key, sizeof(key), "role_%s", role_name(bit));
		if (!req_form(req, key))
			continue;
		f.roles |= bit;
		if (roles.len)
			strbuf_addch(&roles, ',');
		strbuf_addstr(&roles, role_name(bit));
	}
	nu.username = f.username;
	nu.full_name = f.full_name;
	nu.roles = roles.buf;
	nu.agency = f.agency;
	nu.password = req_form(req, "password");
	ret = user_create(req->db, req->user, &who, &nu, &id, &req->err);
	if (!ret) {
		strbuf_addstr(&to, USERS_URL "?created=");
		html_url_arg(&to, f.username);
		res_redirect(res, to.buf);
	} else if (ret != E_INTERNAL && req->err.field[0]) {
		/* A field was wrong: the page again, with the form as it was. */
		res->status = http_status_for(ret);
		ret = users_page(req, res, &f);
	}
out:
	strbuf_release(&roles);
	strbuf_release(&to);
	return ret;
}

static int user_set_state(struct request *req, struct response *res, bool disabled)
{
	struct audit_actor who = audit_actor_of(req);
	struct strbuf to = STRBUF_INIT;
	int ret = org_csrf_check(req);

	if (!ret)
		ret = user_set_disabled(req->db, req->user, &who, req_arg(req, 0),
					disabled, &req->err);
	if (!ret) {
		strbuf_addstr(&to, disabled ? USERS_URL "?disabled=" : USERS_URL "?enabled=");
		html_url_arg(&to, req_arg(req, 0));
		res_redirect(res, to.buf);
	}
	strbuf_release(&to);
	return ret;
}

static int page_user_disable(struct request *req, struct response *res)
{
	return user_set_state(req, res, true);
}

static int page_user_enable(struct request *req, struct response *res)
{
	return user_set_state(req, res, false);
}

/* Sets a one-time password and shows it, this once only. */
static int page_user_reset(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct strbuf *out = &res->body;
	const char *name = req_arg(req, 0);
	char pw[17];
	int ret = org_csrf_check(req);

	if (ret)
		return ret;
	password_generate(pw);
	ret = user_set_password(req->db, req->user, &who, name, pw, true, &req->err);
	if (ret)
		return ret;
	res_header(res, "Cache-Control", "no-store");
	page_begin(req, res, _("One-time password"));
	html(out, "<h1>");
	html_txt(out, _("One-time password"));
	html(out, "</h1>\n<p>");
	html_txt_sub(out, _("The new one-time password of %s is:"), name, NULL);
	html(out, "</p>\n<p><strong><code id=\"one-time-password\">");
	html_txt(out, pw);
	html(out, "</code></strong></p>\n<p class=\"notice\">");
	html_txt(out, _("It is shown only this once. Give it to the user in person: they must choose a password of their own when they sign in. Their open sessions have been ended."));
	html(out, "</p>\n<p><a href=\"" USERS_URL "\">");
	html_txt(out, _("Back to the users"));
	html(out, "</a></p>\n");
	page_end(req, res);
	return 0;
}

/* ---- agencies ------------------------------------------------------------ */

/* The label of an agency kind (the vocabulary of assets/data/agencies.tsv). */
static const char *kind_label(const char *kind)
{
	static const struct {
		const char *kind;
		const char *label;
	} kinds[] = {
		{ "people_committee", N_("People's Committee") },
		{ "department", N_("Department") },
		{ "centre", N_("Centre") },
		{ "body", N_("Other provincial body") },
		{ "district", N_("District, town or city") },
		{ "commune", N_("Commune, ward or township") },
		{ "office", N_("Office") },
	};

	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, kind))
			return _(kinds[i].label);
	return kind ? kind : "";
}

/* One agency of the tree: name, level and kind, electronic identifier. */
static void agency_item(struct strbuf *out, json_t *a, json_t *levels)
{
	const char *level = json_string_value(json_object_get(a, "level"));
	const char *level_name = json_string_value(json_object_get(levels, level ? level : ""));

	html(out, "<strong>");
	html_txt(out, json_string_value(json_object_get(a, "name")));
	html(out, "</strong> — ");
	html_txt(out, level_name ? level_name : level);
	html(out, ", ");
	html_txt(out, kind_label(json_string_value(json_object_get(a, "kind"))));
	html(out, " — <code>");
	html_txt(out, json_string_value(json_object_get(a, "eid")));
	html(out, "</code>");
}

static int page_agencies(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	json_t *tree = NULL, *levels = NULL, *a;
	int open[32];		/* depth of the items of each open <ul> */
	int nopen = 0;
	size_t i;
	int ret = agency_tree(req->db, false, &tree);

	if (!ret)
		ret = agency_levels(req->db, req->lang, &levels);
	if (ret)
		goto out;
	page_begin(req, res, _("Agencies"));
	html(out, "<h1>");
	html_txt(out, _("Agencies"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("The agencies of the province, from the provincial People's Committee down to the communes. Each is shown with its level, its kind and its electronic identifier, the code used in dossier codes."));
	html(out, "</p>\n");
	/* The tree comes parents first, each followed by its subtree: nest by depth. */
	json_array_foreach(tree, i, a) {
		int depth = (int)json_integer_value(json_object_get(a, "depth"));

		if (!nopen) {
			html(out, "<ul>\n");
			open[nopen++] = depth;
		} else if (depth > open[nopen - 1] && nopen < (int)(sizeof(open) / sizeof(open[0]))) {
			html(out, "\n<ul>\n");
			open[nopen++] = depth;
		} else {
			html(out, "</li>\n");
			while (nopen > 1 && depth < open[nopen - 1]) {
				html(out, "</ul>\n</li>\n");
				nopen--;
			}
		}
		html(out, "<li>");
		agency_item(out, a, levels);
	}
	if (nopen) {
		html(out, "</li>\n");
		for (; nopen > 1; nopen--)
			html(out, "</ul>\n</li>\n");
		html(out, "</ul>\n");
	}
	page_end(req, res);
out:
	json_decref(tree);
	json_decref(levels);
	return ret;
}

/* ---- the audit log --------------------------------------------------------- */

/* A summary value: strings as they are, the rest as compact JSON, cut short. */
static void summary_value(struct strbuf *out, json_t *v)
{
	char *dumped = NULL;
	const char *s;
	size_t n;

	if (json_is_string(v))
		s = json_string_value(v);
	else
		s = dumped = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!s)
		s = "";
	n = strlen(s);
	if (n > SUMMARY_MAX) {
		struct strbuf cut = STRBUF_INIT;

		/* Cut at a character boundary, never inside a UTF-8 sequence. */
		n = SUMMARY_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		strbuf_add(&cut, s, n);
		strbuf_addstr(&cut, "…");
		html_txt(out, cut.buf);
		strbuf_release(&cut);
	} else {
		html_txt(out, s);
	}
	free(dumped);
}

/* One line "key: before → after" of the summary. */
static void summary_line(struct strbuf *out, bool *first, const char *key,
			 json_t *before, json_t *after)
{
	if (!*first)
		html(out, "<br>\n");
	*first = false;
	html_txt(out, key);
	html(out, ": ");
	if (before) {
		summary_value(out, before);
		html(out, " → ");
	}
	if (after)
		summary_value(out, after);
	else
		html(out, "—");
}

/* What changed: for objects, the members that differ; else both whole. */
static void audit_changes(struct strbuf *out, json_t *before, json_t *after)
{
	bool first = true;
	const char *key;
	json_t *v;

	if (json_is_null(before))
		before = NULL;
	if (json_is_null(after))
		after = NULL;
	if ((before && !json_is_object(before)) || (after && !json_is_object(after))) {
		if (before)
			summary_value(out, before);
		if (before && after)
			html(out, " → ");
		if (after)
			summary_value(out, after);
		return;
	}
	json_object_foreach(before, key, v) {
		json_t *a = json_object_get(after, key);

		if (after && json_equal(v, a))
			continue;
		summary_line(out, &first, key, v, a);
	}
	json_object_foreach(after, key, v)
		if (!json_object_get(before, key))
			summary_line(out, &first, key, NULL, v);
}

/* A query field for the filter; NULL when empty. */
static const char *filter_arg(struct request *req, const char *name)
{
	return nonempty(req_query(req, name));
}

/* Parses a date of the filter, YYYY-MM-DD local, into its first second. */
static int filter_day(struct request *req, const char *name, int64_t *t, bool end)
{
	const char *s = filter_arg(req, name);
	int day;
	int ret;

	*t = 0;
	if (!s)
		return 0;
	ret = calendar_day_parse(s, &day, &req->err);
	if (ret) {
		snprintf(req->err.field, sizeof(req->err.field), "%s", name);
		return ret;
	}
	/* "to" includes its whole day: up to the last second before the next. */
	*t = end ? calendar_instant(day + 1, 0) - 1 : calendar_instant(day, 0);
	return 0;
}

/* The URL of the audit log with the current filter, and before= when given. */
static void audit_url(struct request *req, struct strbuf *url, const char *before)
{
	static const char *const keys[] = {
		"username", "action", "object_type", "object_id", "from", "to",
	};
	char sep = '?';

	strbuf_addstr(url, AUDIT_URL);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = filter_arg(req, keys[i]);

		if (!v)
			continue;
		strbuf_addch(url, sep);
		strbuf_addstr(url, keys[i]);
		strbuf_addch(url, '=');
		html_url_arg(url, v);
		sep = '&';
	}
	if (before) {
		strbuf_addch(url, sep);
		strbuf_addstr(url, "before=");
		html_url_arg(url, before);
	}
}

static void audit_filter_form(struct request *req, struct strbuf *out)
{
	struct field fields[] = {
		{ "username", _("User name"), "text", filter_arg(req, "username"), "off", NULL, false },
		{ "action", _("Action"), "text", filter_arg(req, "action"), "off",
		  _("For example user.create or session.sign_in."), false },
		{ "object_type", _("Object type"), "text", filter_arg(req, "object_type"), "off",
		  _("For example user, agency or api_token."), false },
		{ "object_id", _("Object identifier"), "text", filter_arg(req, "object_id"), "off", NULL, false },
		{ "from", _("From date"), "date", filter_arg(req, "from"), "off", NULL, false },
		{ "to", _("To date"), "date", filter_arg(req, "to"), "off", NULL, false },
	};

	html(out, "<form class=\"stack\" method=\"get\" action=\"" AUDIT_URL "\" role=\"search\">\n");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		input_field(out, &fields[i], &req->err);
	html(out, "<p><button type=\"submit\">");
	html_txt(out, _("Filter"));
	html(out, "</button> <a href=\"" AUDIT_URL "\">");
	html_txt(out, _("Clear the filter"));
	html(out, "</a></p>\n</form>\n");
}

static void audit_table(struct strbuf *out, json_t *items, size_t n)
{
	static const char *const cols[] = {
		N_("Time"), N_("Done by"), N_("IP address"), N_("Action"), N_("Object"),
		N_("Changes"),
	};
	size_t i;

	html(out, "<table>\n<thead>\n<tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr>\n</thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(items, i);

		html(out, "<tr>\n<td>");
		local_time(out, json_integer_value(json_object_get(e, "at")));
		html(out, "</td>\n<td>");
		html_txt(out, json_string_value(json_object_get(e, "username")));
		html(out, "</td>\n<td>");
		html_txt(out, json_string_value(json_object_get(e, "ip")));
		html(out, "</td>\n<td><code>");
		html_txt(out, json_string_value(json_object_get(e, "action")));
		html(out, "</code></td>\n<td>");
		html_txt(out, json_string_value(json_object_get(e, "object_type")));
		html(out, " ");
		html_txt(out, json_string_value(json_object_get(e, "object_id")));
		html(out, "</td>\n<td>");
		audit_changes(out, json_object_get(e, "before"), json_object_get(e, "after"));
		html(out, "</td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
}

static int page_audit(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;
	struct strbuf url = STRBUF_INIT;
	const char *before = filter_arg(req, "before");
	struct audit_filter f = {
		.viewer = req->user,
		.username = filter_arg(req, "username"),
		.action = filter_arg(req, "action"),
		.object_type = filter_arg(req, "object_type"),
		.object_id = filter_arg(req, "object_id"),
		.limit = AUDIT_PAGE + 1,	/* one more tells whether there are older ones */
	};
	json_t *items = NULL;
	size_t n;
	int ret;

	if (before) {
		char *end;

		f.before_id = strtoll(before, &end, 10);
		if (*end || f.before_id < 0)
			f.before_id = 0;
	}
	ret = filter_day(req, "from", &f.from, false);
	if (!ret)
		ret = filter_day(req, "to", &f.to, true);
	if (ret == E_INVALID) {
		res->status = 400;
		items = json_array();
		ret = 0;
	} else if (!ret) {
		ret = audit_list(req->db, &f, &items);
	}
	if (ret)
		goto out;
	page_begin(req, res, _("Audit log"));
	html(out, "<h1>");
	html_txt(out, _("Audit log"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("Every change, newest first: who made it, when, from which address, and what changed. Times are local (UTC+7)."));
	html(out, "</p>\n");
	form_error(out, &req->err);
	audit_filter_form(req, out);
	html(out, "<h2>");
	html_txt(out, _("Entries"));
	html(out, "</h2>\n");
	n = json_array_size(items);
	if (!n) {
		html(out, "<p>");
		html_txt(out, _("No entries match."));
		html(out, "</p>\n");
	} else {
		audit_table(out, items, n > AUDIT_PAGE ? AUDIT_PAGE : n);
	}
	if (n > AUDIT_PAGE || f.before_id) {
		html(out, "<nav aria-label=\"");
		html_attr(out, _("Pages of the audit log"));
		html(out, "\"><p>");
		if (f.before_id) {
			audit_url(req, &url, NULL);
			html(out, "<a href=\"");
			html_attr(out, url.buf);
			html(out, "\">");
			html_txt(out, _("Newest entries"));
			html(out, "</a> ");
		}
		if (n > AUDIT_PAGE) {
			char last[24];

			snprintf(last, sizeof(last), "%lld", (long long)json_integer_value(
					 json_object_get(json_array_get(items, AUDIT_PAGE - 1), "id")));
			strbuf_reset(&url);
			audit_url(req, &url, last);
			html(out, "<a href=\"");
			html_attr(out, url.buf);
			html(out, "\" rel=\"next\">");
			html_txt(out, _("Older entries"));
			html(out, "</a>");
		}
		html(out, "</p></nav>\n");
	}
	page_end(req, res);
out:
	json_decref(items);
	strbuf_release(&url);
	return ret;
}

void org_page_account(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	if (!req->user) {
		html(out, "<a class=\"account\" href=\"/dang-nhap\">");
		html_txt(out, _("Sign in"));
		html(out, "</a>\n");
		return;
	}
	html(out, "<form class=\"account\" method=\"post\" action=\"/dang-xuat\">\n"
	     "<a href=\"/doi-mat-khau\">");
	html_txt(out, req->user->full_name);
	html(out, "</a>\n");
	org_csrf_field(req, res);
	html(out, "<button type=\"submit\" class=\"secondary\">");
	html_txt(out, _("Sign out"));
	html(out, "</button>\n</form>\n");
}

const struct route org_page_routes[] = {
	{ "GET", "/dang-nhap", page_sign_in, ROUTE_HTML, ROLE_PUBLIC, "sign-in form" },
	{ "POST", "/dang-nhap", page_sign_in_post, ROUTE_HTML, ROLE_PUBLIC, "sign in" },
	{ "POST", "/dang-xuat", page_sign_out, ROUTE_HTML, ROLES_STAFF, "sign out" },
	{ "GET", "/doi-mat-khau", page_password, ROUTE_HTML, ROLES_STAFF,
	  "form to change one's own password" },
	{ "POST", "/doi-mat-khau", page_password_post, ROUTE_HTML, ROLES_STAFF,
	  "change one's own password" },
	{ "GET", USERS_URL, page_users, ROUTE_HTML, ROLE_ADMIN,
	  "users the admin manages, and the create form" },
	{ "POST", USERS_URL, page_user_create, ROUTE_HTML, ROLE_ADMIN, "create a user" },
	{ "POST", USERS_URL "/{username}/khoa", page_user_disable, ROUTE_HTML, ROLE_ADMIN,
	  "disable a user" },
	{ "POST", USERS_URL "/{username}/mo-khoa", page_user_enable, ROUTE_HTML, ROLE_ADMIN,
	  "enable a user" },
	{ "POST", USERS_URL "/{username}/dat-lai-mat-khau", page_user_reset, ROUTE_HTML,
	  ROLE_ADMIN, "give a user a one-time password (shown once)" },
	{ "GET", "/co-quan", page_agencies, ROUTE_HTML, ROLE_PUBLIC, "the agency tree" },
	{ "GET", AUDIT_URL, page_audit, ROUTE_HTML, ROLE_ADMIN | ROLE_MONITOR,
	  "the audit log, filtered" },
};
const unsigned org_page_nroutes = sizeof(org_page_routes) / sizeof(org_page_routes[0]);
