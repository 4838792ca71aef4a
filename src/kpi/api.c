/*
 * The JSON routes of kpi, under /api/v1/kpi and /api/v1/stats
 * (docs/openapi.yaml).  Each reads its request, calls kpi.h and writes
 * what comes back.  Common query parameters: agency (key, eid or id;
 * default the viewer's own, the province for monitors), period (YYYY,
 * YYYY-Qn, YYYY-Hn, YYYY-MM) or from/to (YYYY-MM-DD).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "http/http.h"
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"
#include "org/org.h"

/*
 * Figures read often are also kept as the JSON text sent (cache.c), so a
 * repeated request is answered without computing or serialising.  The
 * key is the request's: what, the viewer's reach, scope, period, query.
 */
static void text_key(struct request *req, struct strbuf *key, const char *what,
		     const struct kpi_agency *a, const struct kpi_period *p, const char *extra)
{
	kpi_cache_key(key, what, req->user, a, p, extra);
}

static bool send_cached(struct response *res, const char *key)
{
	json_t *t = kpi_cache_get(key);

	if (!t)
		return false;
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	strbuf_reset(&res->body);
	strbuf_addstr(&res->body, json_string_value(t));
	json_decref(t);
	return true;
}

/* Sends json (taking it) and keeps its text under key. */
static void send_and_keep(struct response *res, const char *key, json_t *json)
{
	json_t *t;

	res_json(res, 200, json);
	t = json_string(res->body.buf);
	if (t)
		kpi_cache_put(key, t);
	json_decref(t);
}

/* The scope and period of a request (?agency, ?period or ?from/?to). */
int kpi_request_scope(struct request *req, struct kpi_agency *a, struct kpi_period *p)
{
	int ret = kpi_period_parse(req_query(req, "period"), req_query(req, "from"),
				   req_query(req, "to"), calendar_day_of(clock_now()), p, &req->err);

	if (!ret)
		ret = kpi_scope(req->db, req->user, req_query(req, "agency"), a, &req->err);
	return ret;
}

static int api_indicators(struct request *req, struct response *res)
{
	json_t *items = json_array();

	(void)req;
	for (int i = 0; i < kpi_ndefs; i++)
		json_array_append_new(items, kpi_def_json(&kpi_defs[i]));
	res_json(res, 200, json_pack("{s:o}", "items", items));
	return 0;
}

static int api_values(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	json_t *out = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret)
		ret = kpi_values(req->db, req->user, &a, &p, &out, &req->err);
	if (!ret)
		res_json(res, 200, out);
	kpi_agency_release(&a);
	return ret;
}

static int api_breakdown(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	struct strbuf key = STRBUF_INIT;
	json_t *out = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret) {
		const char *ind = req_query(req, "indicator"), *by = req_query(req, "by");

		text_key(req, &key, "api-breakdown", &a, &p, NULL);
		strbuf_addf(&key, "|%s|%s", ind ? ind : "", by ? by : "");
		if (send_cached(res, key.buf))
			goto out;
		ret = kpi_breakdown(req->db, &a, ind, by, &p, &out, &req->err);
	}
	if (!ret)
		send_and_keep(res, key.buf, out);
out:
	strbuf_release(&key);
	kpi_agency_release(&a);
	return ret;
}

static int api_targets(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	json_t *out = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret)
		ret = kpi_targets(req->db, req->user, &a, req_query(req, "plan"), &p, &out,
				  &req->err);
	if (!ret)
		res_json(res, 200, out);
	kpi_agency_release(&a);
	return ret;
}

static int api_index766(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	json_t *values = NULL, *out = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret)
		ret = kpi_values(req->db, req->user, &a, &p, &values, &req->err);
	if (!ret)
		ret = kpi_index766(req->db, values, &out);
	if (!ret) {
		json_object_set(out, "agency", json_object_get(values, "agency"));
		json_object_set(out, "period", json_object_get(values, "period"));
		res_json(res, 200, out);
	}
	json_decref(values);
	kpi_agency_release(&a);
	return ret;
}

static int api_dashboard(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	struct kpi_period p;
	struct strbuf key = STRBUF_INIT;
	json_t *out = NULL;
	int ret = kpi_request_scope(req, &a, &p);

	if (!ret) {
		text_key(req, &key, "api-dashboard", &a, &p, NULL);
		if (send_cached(res, key.buf))
			goto out;
		ret = kpi_dashboard_json(req->db, req->user, &a, &p, &out, &req->err);
	}
	if (!ret)
		send_and_keep(res, key.buf, out);
out:
	strbuf_release(&key);
	kpi_agency_release(&a);
	return ret;
}

static int api_backlog(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	json_t *b = NULL, *l = NULL;
	int ret = kpi_scope(req->db, req->user, req_query(req, "agency"), &a, &req->err);

	if (!ret)
		ret = kpi_backlog(req->db, &a, &b);
	if (!ret)
		ret = kpi_late_steps(req->db, &a, &l);
	if (!ret) {
		json_object_set_new(b, "late_steps", l);
		json_object_set_new(b, "agency", kpi_agency_json(&a));
		l = NULL;
		res_json(res, 200, b);
		b = NULL;
	}
	json_decref(b);
	json_decref(l);
	kpi_agency_release(&a);
	return ret;
}

static int api_entries(struct request *req, struct response *res)
{
	struct kpi_agency a = { 0 };
	json_t *items = NULL;
	int ret = kpi_scope(req->db, req->user, req_query(req, "agency"), &a, &req->err);

	if (!ret)
		ret = kpi_entries(req->db, &a, &items);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	kpi_agency_release(&a);
	return ret;
}

static int api_entry_add(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	json_t *body, *v;
	int64_t id = 0;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	v = json_object_get(body, "value");
	if (!json_is_number(v))
		return err_set(&req->err, E_INVALID, "value", "give \"value\", a percentage");
	ret = kpi_entry_add(req->db, req->user, &who,
			    json_string_value(json_object_get(body, "indicator")),
			    json_string_value(json_object_get(body, "agency")),
			    json_string_value(json_object_get(body, "period")),
			    json_number_value(v), json_string_value(json_object_get(body, "evidence")),
			    &id, &req->err);
	if (!ret)
		res_json(res, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return ret;
}

static int api_settings(struct request *req, struct response *res)
{
	json_t *items = NULL;
	int ret = kpi_settings(req->db, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static int api_setting_set(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	json_t *body, *v;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	v = json_object_get(body, "value");
	if (!json_is_number(v))
		return err_set(&req->err, E_INVALID, "value", "give \"value\", a number of points");
	ret = kpi_setting_set(req->db, req->user, &who, req_arg(req, 0), json_number_value(v),
			      &req->err);
	if (!ret)
		ret = api_settings(req, res);
	return ret;
}

static int api_stats(struct request *req, struct response *res)
{
	struct strbuf key = STRBUF_INIT;
	json_t *out = NULL;
	int ret = 0;

	text_key(req, &key, "api-stats", NULL, NULL, NULL);
	strbuf_addf(&key, "|%d", calendar_day_of(clock_now()));
	if (!send_cached(res, key.buf)) {
		ret = kpi_public_stats(req->db, &out, &req->err);
		if (!ret)
			send_and_keep(res, key.buf, out);
	}
	strbuf_release(&key);
	return ret;
}

#define STAFF ROLES_STAFF

const struct route kpi_api_routes[] = {
	{ "GET", "/api/v1/kpi/indicators", api_indicators, ROUTE_JSON, ROLE_PUBLIC,
	  "the indicators: code, names, definition, formula, unit, target" },
	{ "GET", "/api/v1/kpi/values", api_values, ROUTE_JSON, STAFF,
	  "every indicator of an agency (with its subtree) over a period" },
	{ "GET", "/api/v1/kpi/breakdown", api_breakdown, ROUTE_JSON, STAFF,
	  "one indicator by agency, level or month, ranked" },
	{ "GET", "/api/v1/kpi/targets", api_targets, ROUTE_JSON, STAFF,
	  "the plan's targets against the indicators, with verdicts and trend" },
	{ "GET", "/api/v1/kpi/index766", api_index766, ROUTE_JSON, STAFF,
	  "the Decision 766 index of an agency over a period" },
	{ "GET", "/api/v1/kpi/dashboard", api_dashboard, ROUTE_JSON, STAFF,
	  "the dashboard's data: indicators, months, ranking, index, backlog" },
	{ "GET", "/api/v1/kpi/backlog", api_backlog, ROUTE_JSON, STAFF,
	  "open dossiers by age and open steps past their deadline" },
	{ "GET", "/api/v1/kpi/entries", api_entries, ROUTE_JSON, STAFF,
	  "entered values of the indicators people know" },
	{ "POST", "/api/v1/kpi/entries", api_entry_add, ROUTE_JSON, ROLE_MONITOR | ROLE_REPORTER,
	  "enter an indicator's value for an agency and period" },
	{ "GET", "/api/v1/kpi/settings", api_settings, ROUTE_JSON, STAFF,
	  "the Decision 766 sub-weights with their defaults" },
	{ "PUT", "/api/v1/kpi/settings/{key}", api_setting_set, ROUTE_JSON, ROLE_MONITOR,
	  "set a Decision 766 sub-weight" },
	{ "GET", "/api/v1/stats", api_stats, ROUTE_JSON, ROLE_PUBLIC,
	  "public statistics of every agency, this month and this year" },
};
const unsigned kpi_api_nroutes = sizeof(kpi_api_routes) / sizeof(kpi_api_routes[0]);
