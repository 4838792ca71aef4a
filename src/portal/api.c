/*
 * The portal's HTTP hooks (who is this: an officer, a citizen or nobody)
 * and its JSON routes under /api/v1/citizen/, plus the officers' routes to
 * the files of a dossier.  Rules live in portal.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "portal/portal.h"
#include "portal/portal_impl.h"

/* ---- hooks ------------------------------------------------------------- */

static bool state_changing(const struct request *req)
{
	return strcmp(req->method, "GET") && strcmp(req->method, "HEAD");
}

int portal_authenticate(struct request *req, struct response *res)
{
	struct citizen *c;
	const char *cookie, *given;
	int ret = org_authenticate(req, res);

	if (ret || req->user)
		return ret;
	cookie = req_cookie(req, CITIZEN_COOKIE);
	if (!cookie || !*cookie)
		return 0;
	c = xcalloc(1, sizeof(*c));
	ret = citizen_session(req->db, cookie, c);
	if (ret) {
		citizen_release(c);
		free(c);
		if (ret != E_NOTFOUND)
			return ret;
		/* Signed out or expired: carry on as nobody, forget the cookie. */
		res_cookie(req, res, CITIZEN_COOKIE, "", 0);
		return 0;
	}
	req->citizen = c;
	if (state_changing(req)) {
		given = req_header(req, "X-CSRF-Token");
		if (!given && !ROUTE_IS_JSON(req->route))
			given = req_form(req, "csrf");
		/*
		 * The session's token; or, on a form rendered before the
		 * citizen signed in (or by org), the pre-session pair.
		 */
		if ((!given || strlen(given) != strlen(c->csrf) ||
		     sodium_memcmp(given, c->csrf, strlen(c->csrf))) &&
		    (ROUTE_IS_JSON(req->route) || org_csrf_check(req)))
			return err_set(&req->err, E_DENIED, "csrf",
				       "the form has expired or did not come from this site; "
				       "reload the page and try again");
		req->csrf_verified = true;
	}
	return 0;
}

int portal_authorize(struct request *req)
{
	unsigned need = req->route->roles;

	if (need & ROLE_PUBLIC)
		return 0;
	if (need & ROLE_CITIZEN) {
		if (req->citizen)
			return 0;
		if (req->user)
			return err_set(&req->err, E_DENIED, NULL,
				       "this is for citizens signed in with their mobile number");
		return err_set(&req->err, E_UNAUTH, NULL,
			       "sign in with your mobile number first, at /cong-dan");
	}
	if (req->citizen && !req->user)
		return err_set(&req->err, E_DENIED, NULL, "this is for officers");
	return org_authorize(req);
}

void portal_release(struct request *req)
{
	org_release(req);
	if (req->citizen) {
		citizen_release(req->citizen);
		free(req->citizen);
		req->citizen = NULL;
	}
}

unsigned portal_roles_of(const struct request *req)
{
	return req->user ? req->user->roles : req->citizen ? ROLE_CITIZEN : 0;
}

void portal_csrf_field(struct request *req, struct response *res)
{
	if (!req->citizen) {
		org_csrf_field(req, res);
		return;
	}
	html_hidden(&res->body, "csrf", req->citizen->csrf);
}

/* ---- shared helpers ----------------------------------------------------- */

int portal_path_id(struct request *req, int i, int64_t *id)
{
	const char *s = req_arg(req, i);
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!*s || *end || v <= 0)
		return err_set(&req->err, E_NOTFOUND, NULL, "there is nothing at '%s'", req->url);
	*id = v;
	return 0;
}

/* Sends a stored file; the type is one of the three accepted. */
void portal_send_file(struct response *res, struct stored_file *f, bool inline_ok)
{
	struct strbuf cd = STRBUF_INIT;

	res->content_type = !strcmp(f->content_type, "application/pdf") ? "application/pdf" :
		!strcmp(f->content_type, "image/png") ? "image/png" : "image/jpeg";
	strbuf_reset(&res->body);
	strbuf_add(&res->body, f->data, f->len);
	/* An ASCII name for old clients, the real one (RFC 6266) for the rest. */
	strbuf_addstr(&cd, inline_ok ? "inline; filename=\"" : "attachment; filename=\"");
	for (const char *p = f->name; *p; p++)
		strbuf_addch(&cd, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ? *p : '_');
	strbuf_addstr(&cd, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)f->name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_')
			strbuf_addch(&cd, *p);
		else
			strbuf_addf(&cd, "%%%02X", *p);
	}
	res_header(res, "Content-Disposition", cd.buf);
	res_header(res, "Cache-Control", "private, no-store");
	res_header(res, "Content-Security-Policy", "default-src 'none'; sandbox");
	strbuf_release(&cd);
}

/*
 * Adds every file part of the request named "<prefix>N" (or, with
 * single, the part "file" for document `single`) to the target.  Empty
 * file inputs (nothing chosen) are skipped.  Stops at the first refusal.
 */
int portal_add_uploads(struct request *req, const struct citizen *c, const struct user *by,
		       struct file_target *t, int single, int *added)
{
	const struct http_part *parts;
	const char *ct = req_header(req, "Content-Type");
	struct audit_actor who = audit_actor_of(req);
	size_t n;
	int ret;

	*added = 0;
	/* A form without a file input comes urlencoded: nothing to add. */
	if (!ct || strncasecmp(ct, "multipart/", 10))
		return 0;
	ret = req_multipart(req, &parts, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		const struct http_part *p = &parts[i];
		char *end;
		int64_t id;

		if (!p->filename || (!*p->filename && !p->len))
			continue;
		if (single >= 0 || single == -2) {
			if (strcmp(p->name, "file"))
				continue;
			t->doc_index = single >= 0 ? single : -1;
		} else {
			long v;

			if (strncmp(p->name, "doc_", 4))
				continue;
			v = strtol(p->name + 4, &end, 10);
			if (*end || end == p->name + 4 || v < 0 || v > 1000)
				continue;
			t->doc_index = (int)v;
		}
		ret = file_add(req->db, c, by, &who, t, p->name, p->filename, p->content_type,
			       p->data, p->len, &id, &req->err);
		if (ret)
			return ret;
		(*added)++;
	}
	return 0;
}

/* ---- sign-in ------------------------------------------------------------ */

static const char *member(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static int api_code(struct request *req, struct response *res)
{
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = citizen_request_code(req->db, member(body, "phone"), req->remote, &req->err);
	if (!ret)
		res_json(res, 202, json_pack("{s:b,s:I}", "sent", 1, "expires_in",
					     (json_int_t)portal_settings()->code_ttl));
	return ret;
}

static int api_sign_in(struct request *req, struct response *res)
{
	struct citizen c = CITIZEN_INIT;
	char token[48], csrf[48];
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = citizen_sign_in(req->db, member(body, "phone"), member(body, "code"),
				      req->remote, token, csrf, &req->err);
	if (ret)
		return ret;
	res_cookie(req, res, CITIZEN_COOKIE, token, -1);
	ret = citizen_session(req->db, token, &c);
	if (!ret)
		res_json(res, 200, json_pack("{s:o,s:s}", "citizen", citizen_json(&c),
					     "csrf", csrf));
	citizen_release(&c);
	return ret;
}

static int api_sign_out(struct request *req, struct response *res)
{
	const char *cookie = req_cookie(req, CITIZEN_COOKIE);
	int ret = cookie ? citizen_sign_out(req->db, cookie) : 0;

	res_cookie(req, res, CITIZEN_COOKIE, "", 0);
	res->status = 204;
	return ret;
}

static int api_me(struct request *req, struct response *res)
{
	res_json(res, 200, json_pack("{s:o,s:s}", "citizen", citizen_json(req->citizen),
				     "csrf", req->citizen->csrf));
	return 0;
}

static int api_me_update(struct request *req, struct response *res)
{
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = citizen_update(req->db, req->citizen, member(body, "name"),
				     member(body, "email"), &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "citizen", citizen_json(req->citizen)));
	return ret;
}

/* ---- dossiers ------------------------------------------------------------ */

static int api_dossiers(struct request *req, struct response *res)
{
	json_t *items;
	int ret = citizen_dossiers(req->db, req->citizen, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static int api_dossier(struct request *req, struct response *res)
{
	json_t *d;
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = citizen_dossier(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 200, d);
	return ret;
}

/*
 * POST …/{id}/files for a dossier being completed or a draft: adds the
 * uploaded "file" as document `document` and answers with what `get`
 * returns for it.  Either kind of target is looked up first, so that a
 * citizen cannot upload into someone else's.
 */
static int citizen_upload(struct request *req, struct response *res, bool draft,
			  int (*get)(struct db *, const struct citizen *, int64_t, json_t **,
				     struct err *))
{
	struct file_target t = { 0, 0, "document", 0 };
	int64_t id = 0;
	int added = 0, ret = portal_path_id(req, 0, &id);
	json_t *d = NULL;

	if (draft)
		t.draft_id = id;
	else
		t.dossier_id = id;
	if (!ret)
		ret = get(req->db, req->citizen, id, &d, &req->err);
	json_decref(d);
	d = NULL;
	if (!ret) {
		const char *doc = req_form(req, "document");

		ret = portal_add_uploads(req, req->citizen, NULL, &t, doc ? atoi(doc) : 0, &added);
	}
	if (!ret && !added)
		ret = err_set(&req->err, E_INVALID, "file", "choose a file to upload");
	if (!ret)
		ret = get(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 201, d);
	return ret;
}

static int api_dossier_files(struct request *req, struct response *res)
{
	return citizen_upload(req, res, false, citizen_dossier);
}

static int api_dossier_resubmit(struct request *req, struct response *res)
{
	struct audit_actor who = { 0, "citizen", req->remote, "/" };
	int64_t id;
	json_t *d;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = dossier_applicant_complete(req->db, &who, id, req->citizen->phone,
						 NULL, &req->err);
	if (!ret)
		ret = citizen_dossier(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 200, d);
	return ret;
}

/* ---- drafts -------------------------------------------------------------- */

static void draft_input_of(json_t *body, struct draft_input *in)
{
	in->procedure = member(body, "procedure");
	in->agency = member(body, "agency");
	in->applicant_name = member(body, "applicant_name");
	in->applicant_id = member(body, "applicant_id");
	in->applicant_email = member(body, "applicant_email");
	in->applicant_address = member(body, "applicant_address");
	in->request = member(body, "request");
}

static int api_drafts(struct request *req, struct response *res)
{
	json_t *items;
	int ret = draft_list(req->db, req->citizen, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static int api_draft_create(struct request *req, struct response *res)
{
	struct draft_input in = { 0 };
	json_t *body, *d;
	int64_t id;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	draft_input_of(body, &in);
	ret = draft_create(req->db, req->citizen, &in, &id, &req->err);
	if (!ret)
		ret = draft_get(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 201, d);
	return ret;
}

static int api_draft(struct request *req, struct response *res)
{
	json_t *d;
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = draft_get(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 200, d);
	return ret;
}

static int api_draft_update(struct request *req, struct response *res)
{
	struct draft_input in = { 0 };
	json_t *body, *d;
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = req_json(req, &body);
	if (ret)
		return ret;
	draft_input_of(body, &in);
	in.procedure = NULL;
	ret = draft_update(req->db, req->citizen, id, &in, &req->err);
	if (!ret)
		ret = draft_get(req->db, req->citizen, id, &d, &req->err);
	if (!ret)
		res_json(res, 200, d);
	return ret;
}

static int api_draft_delete(struct request *req, struct response *res)
{
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = draft_delete(req->db, req->citizen, id, &req->err);
	if (!ret)
		res->status = 204;
	return ret;
}

static int api_draft_files(struct request *req, struct response *res)
{
	return citizen_upload(req, res, true, draft_get);
}

static int api_draft_submit(struct request *req, struct response *res)
{
	int64_t id, did;
	json_t *d;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = draft_submit(req->db, req->citizen, id, &did, &req->err);
	if (!ret)
		ret = citizen_dossier(req->db, req->citizen, did, &d, &req->err);
	if (!ret)
		res_json(res, 201, d);
	return ret;
}

/* ---- files --------------------------------------------------------------- */

int portal_citizen_file(struct request *req, struct response *res)
{
	struct stored_file f = { 0 };
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = file_read(req->db, req->citizen, NULL, id, &f, &req->err);
	if (!ret)
		portal_send_file(res, &f, false);
	stored_file_release(&f);
	return ret;
}

static int api_file_delete(struct request *req, struct response *res)
{
	int64_t id;
	int ret = portal_path_id(req, 0, &id);

	if (!ret)
		ret = file_remove(req->db, req->citizen, id, &req->err);
	if (!ret)
		res->status = 204;
	return ret;
}

/* The officer's side: the files of a dossier they see. */
static int api_officer_files(struct request *req, struct response *res)
{
	int64_t did;
	json_t *files;
	int ret = dossier_check_visible(req->db, req->user, req_arg(req, 0), &did, &req->err);

	if (!ret)
		ret = dossier_files(req->db, did, &files);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", files));
	return ret;
}

int portal_officer_file(struct request *req, struct response *res)
{
	struct stored_file f = { 0 };
	int64_t did, id, fdid = -1;
	int ret = dossier_check_visible(req->db, req->user, req_arg(req, 0), &did, &req->err);

	if (!ret)
		ret = portal_path_id(req, 1, &id);
	if (!ret)
		ret = file_read(req->db, NULL, req->user, id, &f, &req->err);
	if (!ret) {
		/* The file must belong to the dossier of the URL. */
		struct db_stmt *st = db_prepare(req->db, "SELECT COALESCE(dossier_id, 0)"
						" FROM dossier_file WHERE id = ?");

		db_bind_int(st, 1, id);
		ret = db_one_int(st, &fdid);
		if (!ret && fdid != did)
			ret = err_set(&req->err, E_NOTFOUND, NULL, "there is no file %lld",
				      (long long)id);
	}
	if (!ret)
		portal_send_file(res, &f, false);
	stored_file_release(&f);
	return ret;
}

int portal_attach_result(struct request *req, int64_t *did)
{
	struct file_target t = { 0, 0, "result", -1 };
	int added = 0;
	int ret = dossier_check_visible(req->db, req->user, req_arg(req, 0), did, &req->err);

	t.dossier_id = *did;
	if (!ret)
		ret = portal_add_uploads(req, NULL, req->user, &t, -2, &added);
	if (!ret && !added)
		ret = err_set(&req->err, E_INVALID, "file", "choose a file to upload");
	return ret;
}

static int api_attach_result(struct request *req, struct response *res)
{
	int64_t did;
	json_t *files;
	int ret = portal_attach_result(req, &did);

	if (!ret)
		ret = dossier_files(req->db, did, &files);
	if (!ret)
		res_json(res, 201, json_pack("{s:o}", "items", files));
	return ret;
}

#define CITIZEN_API "/api/v1/citizen"
#define RESULT_ROLES (ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER)

const struct route portal_api_routes[] = {
	{ "POST", CITIZEN_API "/code", api_code, ROUTE_JSON, ROLE_PUBLIC,
	  "send a sign-in code by SMS to a mobile number" },
	{ "POST", CITIZEN_API "/session", api_sign_in, ROUTE_JSON, ROLE_PUBLIC,
	  "sign in with the code: opens a citizen session" },
	{ "DELETE", CITIZEN_API "/session", api_sign_out, ROUTE_JSON, ROLE_CITIZEN,
	  "sign the citizen out" },
	{ "GET", CITIZEN_API "/me", api_me, ROUTE_JSON, ROLE_CITIZEN,
	  "the signed-in citizen's profile and CSRF token" },
	{ "PATCH", CITIZEN_API "/me", api_me_update, ROUTE_JSON, ROLE_CITIZEN,
	  "change the citizen's name and e-mail" },
	{ "GET", CITIZEN_API "/dossiers", api_dossiers, ROUTE_JSON, ROLE_CITIZEN,
	  "dossiers filed under the citizen's phone" },
	{ "GET", CITIZEN_API "/dossiers/{id}", api_dossier, ROUTE_JSON, ROLE_CITIZEN,
	  "one of the citizen's dossiers, with its files" },
	{ "POST", CITIZEN_API "/dossiers/{id}/files", api_dossier_files,
	  ROUTE_JSON | ROUTE_UPLOAD, ROLE_CITIZEN,
	  "upload a document to a dossier returned to complete" },
	{ "POST", CITIZEN_API "/dossiers/{id}/resubmit", api_dossier_resubmit, ROUTE_JSON,
	  ROLE_CITIZEN, "send a completed dossier again" },
	{ "GET", CITIZEN_API "/drafts", api_drafts, ROUTE_JSON, ROLE_CITIZEN,
	  "the citizen's unsubmitted drafts" },
	{ "POST", CITIZEN_API "/drafts", api_draft_create, ROUTE_JSON, ROLE_CITIZEN,
	  "start a draft for a procedure filed online" },
	{ "GET", CITIZEN_API "/drafts/{id}", api_draft, ROUTE_JSON, ROLE_CITIZEN,
	  "a draft with its documents, files and agencies" },
	{ "PATCH", CITIZEN_API "/drafts/{id}", api_draft_update, ROUTE_JSON, ROLE_CITIZEN,
	  "change a draft" },
	{ "DELETE", CITIZEN_API "/drafts/{id}", api_draft_delete, ROUTE_JSON, ROLE_CITIZEN,
	  "delete a draft and its files" },
	{ "POST", CITIZEN_API "/drafts/{id}/files", api_draft_files,
	  ROUTE_JSON | ROUTE_UPLOAD, ROLE_CITIZEN, "upload a document to a draft" },
	{ "POST", CITIZEN_API "/drafts/{id}/submit", api_draft_submit, ROUTE_JSON,
	  ROLE_CITIZEN, "file the draft online: the dossier goes to the desk" },
	{ "GET", CITIZEN_API "/files/{id}", portal_citizen_file, ROUTE_JSON, ROLE_CITIZEN,
	  "download one of the citizen's files" },
	{ "DELETE", CITIZEN_API "/files/{id}", api_file_delete, ROUTE_JSON, ROLE_CITIZEN,
	  "remove a document from a draft or a dossier being completed" },
	{ "GET", "/api/v1/dossiers/{code}/files", api_officer_files, ROUTE_JSON, ROLES_STAFF,
	  "the files of a dossier the officer sees" },
	{ "GET", "/api/v1/dossiers/{code}/files/{id}", portal_officer_file, ROUTE_JSON,
	  ROLES_STAFF, "download a file of a dossier the officer sees" },
	{ "POST", "/api/v1/dossiers/{code}/result-files", api_attach_result,
	  ROUTE_JSON | ROUTE_UPLOAD, RESULT_ROLES, "attach the result document of a dossier" },
};
const unsigned portal_api_nroutes = ARRAY_SIZE(portal_api_routes);
