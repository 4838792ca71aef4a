/*
 * The JSON routes of the catalogue: public search, one procedure and the
 * figures; administrators create, change, publish and retire procedures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "http/http.h"
#include "org/org.h"

/* A whole-number query parameter from 1 up; 0 when absent. */
static int query_count(struct request *req, const char *name, int *out)
{
	const char *v = req_query(req, name);
	char *end;
	long n;

	*out = 0;
	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > 100000)
		return err_set(&req->err, E_INVALID, name,
			       "'%s' must be a whole number from 1", name);
	*out = (int)n;
	return 0;
}

static bool is_admin(const struct request *req)
{
	return req->user && user_has(req->user, ROLE_ADMIN);
}

/* Fills a search from the query string (shared with the pages). */
static int search_query(struct request *req, struct catalog_query *q)
{
	int ret;

	memset(q, 0, sizeof(*q));
	q->q = req_query(req, "q");
	q->level = req_query(req, "level");
	q->agency = req_query(req, "agency");
	q->field = req_query(req, "field");
	q->online = req_query(req, "online");
	q->status = req_query(req, "status");
	if (q->status && *q->status && strcmp(q->status, "published") && !is_admin(req))
		return err_set(&req->err, E_DENIED, "status",
			       "only administrators may list procedures that are not published");
	ret = query_count(req, "page", &q->page);
	if (!ret)
		ret = query_count(req, "per_page", &q->per_page);
	return ret;
}

static int api_search(struct request *req, struct response *res)
{
	struct catalog_query q;
	int ret = search_query(req, &q);

	if (!ret)
		ret = catalog_search_json(req->db, &q, &res->body, &req->err);
	return ret;
}

static int api_stats(struct request *req, struct response *res)
{
	json_t *stats;
	int ret = catalog_stats(req->db, &stats);

	if (!ret) {
		/* Shares are rounded to four decimals: print them so. */
		char *s = json_dumps(stats, JSON_COMPACT | JSON_REAL_PRECISION(6));

		strbuf_addstr(&res->body, s);
		free(s);
		json_decref(stats);
	}
	return ret;
}

/* Whether the request may see p: drafts only for administrators. */
static bool may_see(const struct request *req, const struct procedure *p)
{
	return is_admin(req) || (strcmp(p->status, "draft") &&
				 (strcmp(p->status, "superseded") || p->published_at));
}

static int api_get(struct request *req, struct response *res)
{
	struct procedure p = PROCEDURE_INIT;
	const char *code = req_arg(req, 0);
	int version, ret = query_count(req, "version", &version);

	if (ret)
		return ret;
	if (version)
		ret = procedure_find_version(req->db, code, version, &p, &req->err);
	else
		ret = procedure_find(req->db, code, &p, &req->err);
	if (!ret && !may_see(req, &p))
		ret = version ? err_set(&req->err, E_NOTFOUND, "version",
					"procedure '%s' has no version %d", code, version) :
			err_set(&req->err, E_NOTFOUND, "code", "there is no procedure '%s'", code);
	if (!ret)
		res_json(res, 200, procedure_json(&p));
	procedure_release(&p);
	return ret;
}

static int api_create(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct procedure p = PROCEDURE_INIT, out = PROCEDURE_INIT;
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = procedure_from_json(body, true, &p, &req->err);
	if (!ret)
		ret = procedure_create(req->db, req->user, &who, &p, &out, &req->err);
	if (!ret) {
		struct strbuf loc = STRBUF_INIT;

		strbuf_addf(&loc, "/api/v1/procedures/%s", out.code);
		res_header(res, "Location", loc.buf);
		strbuf_release(&loc);
		res_json(res, 201, procedure_json(&out));
	}
	procedure_release(&p);
	procedure_release(&out);
	return ret;
}

static int api_update(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct procedure p = PROCEDURE_INIT, out = PROCEDURE_INIT;
	bool new_version = false;
	json_t *body;
	int ret = req_json(req, &body);

	if (!ret)
		ret = procedure_from_json(body, false, &p, &req->err);
	if (!ret)
		ret = procedure_update(req->db, req->user, &who, req_arg(req, 0), &p,
				       &new_version, &out, &req->err);
	if (!ret) {
		json_t *j = procedure_json(&out);

		json_object_set_new(j, "new_version", json_boolean(new_version));
		res_json(res, 200, j);
	}
	procedure_release(&p);
	procedure_release(&out);
	return ret;
}

static int api_status(struct request *req, struct response *res, bool publish)
{
	struct audit_actor who = audit_actor_of(req);
	struct procedure out = PROCEDURE_INIT;
	int ret = publish ?
		procedure_publish(req->db, req->user, &who, req_arg(req, 0), &out, &req->err) :
		procedure_retire(req->db, req->user, &who, req_arg(req, 0), &out, &req->err);

	if (!ret)
		res_json(res, 200, procedure_json(&out));
	procedure_release(&out);
	return ret;
}

static int api_publish(struct request *req, struct response *res)
{
	return api_status(req, res, true);
}

static int api_retire(struct request *req, struct response *res)
{
	return api_status(req, res, false);
}

const struct route catalog_api_routes[] = {
	{ "GET", "/api/v1/procedures", api_search, ROUTE_JSON, ROLE_PUBLIC,
	  "search the procedure catalogue, with facet counts" },
	{ "GET", "/api/v1/procedures/stats", api_stats, ROUTE_JSON, ROLE_PUBLIC,
	  "catalogue figures per agency and level" },
	{ "POST", "/api/v1/procedures", api_create, ROUTE_JSON, ROLE_ADMIN,
	  "create a draft procedure" },
	{ "GET", "/api/v1/procedures/{code}", api_get, ROUTE_JSON, ROLE_PUBLIC,
	  "one procedure (?version=N for an earlier version)" },
	{ "PUT", "/api/v1/procedures/{code}", api_update, ROUTE_JSON, ROLE_ADMIN,
	  "change a procedure (a new version if it was published)" },
	{ "POST", "/api/v1/procedures/{code}/publish", api_publish, ROUTE_JSON, ROLE_ADMIN,
	  "put a procedure in force" },
	{ "POST", "/api/v1/procedures/{code}/retire", api_retire, ROUTE_JSON, ROLE_ADMIN,
	  "take a procedure out of force" },
};
const unsigned catalog_api_nroutes = sizeof(catalog_api_routes) /
	sizeof(catalog_api_routes[0]);
