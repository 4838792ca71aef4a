/* The JSON routes of org: session, me, agencies, users, tokens, audit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "db/db.h"
#include "http/http.h"
#include "org/org.h"
#include "org/org_impl.h"

#define SESSION_COOKIE "cchc_session"

/* A string member of the body, or NULL. */
static const char *member(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static json_t *me_json(struct request *req)
{
	struct org_session *sess = req->session;
	json_t *j = json_pack("{s:o}", "user", user_json(req->user));

	if (sess && !sess->via_token)
		json_object_set_new(j, "csrf", json_string(sess->csrf));
	return j;
}

static int api_sign_in(struct request *req, struct response *res)
{
	struct session_token tok;
	json_t *body;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	ret = session_sign_in(req->db, member(body, "username"), member(body, "password"),
			      req->remote, &tok, &req->err);
	if (ret)
		return ret;
	res_cookie(req, res, SESSION_COOKIE, tok.token, -1);
	{
		struct user u = USER_INIT;

		ret = user_find(req->db, member(body, "username"), &u);
		if (!ret)
			res_json(res, 200, json_pack("{s:o,s:s}", "user", user_json(&u),
						     "csrf", tok.csrf));
		user_release(&u);
	}
	return ret;
}

static int api_sign_out(struct request *req, struct response *res)
{
	const char *cookie = req_cookie(req, SESSION_COOKIE);
	int ret = 0;

	if (cookie)
		ret = session_sign_out(req->db, cookie);
	res_cookie(req, res, SESSION_COOKIE, "", 0);
	res->status = 204;
	return ret;
}

static int api_me(struct request *req, struct response *res)
{
	res_json(res, 200, me_json(req));
	return 0;
}

static int api_change_password(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = user_change_password(req->db, req->user, &who, member(body, "current"),
					   member(body, "password"), &req->err);
	if (!ret)
		res->status = 204;
	return ret;
}

static int api_agencies(struct request *req, struct response *res)
{
	const char *all = req_query(req, "all");
	json_t *tree;
	int ret = agency_tree(req->db, all && !strcmp(all, "1"), &tree);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", tree));
	return ret;
}

static int api_agency(struct request *req, struct response *res)
{
	struct agency a = AGENCY_INIT;
	int ret = agency_find(req->db, req_arg(req, 0), &a, &req->err);

	if (!ret)
		res_json(res, 200, agency_json(&a));
	agency_release(&a);
	return ret;
}

/* PATCH an agency: {"name","short_name"} renames, {"eid"} re-codes. */
static int api_agency_update(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct agency a = AGENCY_INIT;
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = agency_find(req->db, req_arg(req, 0), &a, &req->err);
	if (ret)
		goto out;
	if (!member(body, "name") && !member(body, "eid")) {
		ret = err_set(&req->err, E_INVALID, NULL,
			      "give a new \"name\" (and \"short_name\") or a new \"eid\"");
		goto out;
	}
	if (member(body, "name"))
		ret = agency_rename(req->db, req->user, &who, a.id, member(body, "name"),
				    member(body, "short_name"), &req->err);
	if (!ret && member(body, "eid"))
		ret = agency_set_eid(req->db, req->user, &who, a.id, member(body, "eid"), &req->err);
	if (!ret)
		ret = agency_get(req->db, a.id, &a);
	if (!ret)
		res_json(res, 200, agency_json(&a));
out:
	agency_release(&a);
	return ret;
}

static int api_agency_status(struct request *req, struct response *res, bool merge)
{
	struct audit_actor who = audit_actor_of(req);
	struct agency a = AGENCY_INIT, into = AGENCY_INIT;
	json_t *body = NULL;
	int ret = agency_find(req->db, req_arg(req, 0), &a, &req->err);

	if (ret)
		goto out;
	if (merge) {
		ret = req_json(req, &body);
		if (!ret)
			ret = agency_find(req->db, member(body, "into"), &into, &req->err);
		if (ret) {
			if (ret == E_NOTFOUND || !req->err.field[0])
				snprintf(req->err.field, sizeof(req->err.field), "into");
			goto out;
		}
		ret = agency_merge(req->db, req->user, &who, a.id, into.id, &req->err);
	} else {
		ret = agency_retire(req->db, req->user, &who, a.id, &req->err);
	}
	if (!ret)
		ret = agency_get(req->db, a.id, &a);
	if (!ret)
		res_json(res, 200, agency_json(&a));
out:
	agency_release(&a);
	agency_release(&into);
	return ret;
}

static int api_agency_merge(struct request *req, struct response *res)
{
	return api_agency_status(req, res, true);
}

static int api_agency_retire(struct request *req, struct response *res)
{
	return api_agency_status(req, res, false);
}

static int api_users(struct request *req, struct response *res)
{
	json_t *items;
	int ret = user_list(req->db, req->user, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static int api_user_create(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct user u = USER_INIT;
	struct user_new nu;
	json_t *body;
	int64_t id;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	nu.username = member(body, "username");
	nu.full_name = member(body, "full_name");
	nu.roles = member(body, "roles");
	nu.agency = member(body, "agency");
	nu.password = member(body, "password");
	ret = user_create(req->db, req->user, &who, &nu, &id, &req->err);
	if (!ret)
		ret = user_get(req->db, id, &u);
	if (!ret)
		res_json(res, 201, user_json(&u));
	user_release(&u);
	return ret;
}

static int api_user_get(struct request *req, struct response *res)
{
	struct user u = USER_INIT;
	int ret = user_find_visible(req->db, req->user, req_arg(req, 0), &u, &req->err);

	if (!ret)
		res_json(res, 200, user_json(&u));
	user_release(&u);
	return ret;
}

static int api_user_disable(struct request *req, struct response *res, bool disabled)
{
	struct audit_actor who = audit_actor_of(req);
	int ret = user_set_disabled(req->db, req->user, &who, req_arg(req, 0),
				    disabled, &req->err);

	if (!ret)
		ret = api_user_get(req, res);
	return ret;
}

static int api_user_disable_on(struct request *req, struct response *res)
{
	return api_user_disable(req, res, true);
}

static int api_user_enable(struct request *req, struct response *res)
{
	return api_user_disable(req, res, false);
}

/* Sets a one-time password and shows it once. */
static int api_user_reset(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	char pw[17];
	int ret;

	password_generate(pw);
	ret = user_set_password(req->db, req->user, &who, req_arg(req, 0), pw, true,
				&req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:s,s:s}", "username", req_arg(req, 0),
					     "one_time_password", pw));
	return ret;
}

static int api_tokens(struct request *req, struct response *res)
{
	json_t *items;
	int ret = api_token_list(req->db, req->user, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static int api_token_new(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	char token[48];
	int64_t id;
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = api_token_create(req->db, req->user, &who, member(body, "name"),
				       member(body, "username"), &id, token, &req->err);
	if (!ret)
		res_json(res, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id,
					     "name", member(body, "name"), "token", token));
	return ret;
}

static int api_token_delete(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	char *end;
	long long id = strtoll(req_arg(req, 0), &end, 10);
	int ret;

	if (*end || id <= 0)
		return err_set(&req->err, E_NOTFOUND, "id", "there is no token '%s'",
			       req_arg(req, 0));
	ret = api_token_revoke(req->db, req->user, &who, id, &req->err);
	if (!ret)
		res->status = 204;
	return ret;
}

static int64_t query_int(struct request *req, const char *name)
{
	const char *v = req_query(req, name);

	return v ? strtoll(v, NULL, 10) : 0;
}

static int api_audit(struct request *req, struct response *res)
{
	struct audit_filter f = {
		.viewer = req->user,
		.username = req_query(req, "username"),
		.action = req_query(req, "action"),
		.object_type = req_query(req, "object_type"),
		.object_id = req_query(req, "object_id"),
		.from = query_int(req, "from"),
		.to = query_int(req, "to"),
		.before_id = query_int(req, "before"),
		.limit = (int)query_int(req, "limit"),
	};
	json_t *items;
	int ret = audit_list(req->db, &f, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

const struct route org_api_routes[] = {
	{ "POST", "/api/v1/session", api_sign_in, ROUTE_JSON, ROLE_PUBLIC, "sign in" },
	{ "DELETE", "/api/v1/session", api_sign_out, ROUTE_JSON, ROLES_STAFF, "sign out" },
	{ "GET", "/api/v1/me", api_me, ROUTE_JSON, ROLES_STAFF, "the signed-in user" },
	{ "POST", "/api/v1/me/password", api_change_password, ROUTE_JSON, ROLES_STAFF,
	  "change one's own password" },
	{ "GET", "/api/v1/agencies", api_agencies, ROUTE_JSON, ROLE_PUBLIC, "the agency tree" },
	{ "GET", "/api/v1/agencies/{ref}", api_agency, ROUTE_JSON, ROLE_PUBLIC, "one agency" },
	{ "PATCH", "/api/v1/agencies/{ref}", api_agency_update, ROUTE_JSON, ROLE_ADMIN,
	  "rename an agency or set its identifier" },
	{ "POST", "/api/v1/agencies/{ref}/merge", api_agency_merge, ROUTE_JSON, ROLE_ADMIN,
	  "merge an agency into another" },
	{ "POST", "/api/v1/agencies/{ref}/retire", api_agency_retire, ROUTE_JSON, ROLE_ADMIN,
	  "retire an agency" },
	{ "GET", "/api/v1/users", api_users, ROUTE_JSON, ROLE_ADMIN, "users the admin manages" },
	{ "POST", "/api/v1/users", api_user_create, ROUTE_JSON, ROLE_ADMIN, "create a user" },
	{ "GET", "/api/v1/users/{username}", api_user_get, ROUTE_JSON, ROLE_ADMIN, "one user" },
	{ "POST", "/api/v1/users/{username}/disable", api_user_disable_on, ROUTE_JSON,
	  ROLE_ADMIN, "disable a user" },
	{ "POST", "/api/v1/users/{username}/enable", api_user_enable, ROUTE_JSON,
	  ROLE_ADMIN, "enable a user" },
	{ "POST", "/api/v1/users/{username}/reset-password", api_user_reset, ROUTE_JSON,
	  ROLE_ADMIN, "give a user a one-time password" },
	{ "GET", "/api/v1/tokens", api_tokens, ROUTE_JSON, ROLE_ADMIN, "API tokens" },
	{ "POST", "/api/v1/tokens", api_token_new, ROUTE_JSON, ROLE_ADMIN,
	  "create an API token (shown once)" },
	{ "DELETE", "/api/v1/tokens/{id}", api_token_delete, ROUTE_JSON, ROLE_ADMIN,
	  "revoke an API token" },
	{ "GET", "/api/v1/audit", api_audit, ROUTE_JSON, ROLE_ADMIN | ROLE_MONITOR,
	  "the audit log" },
};
const unsigned org_api_nroutes = sizeof(org_api_routes) / sizeof(org_api_routes[0]);
