/* The JSON routes of dossiers: intake, lists, one dossier, actions, tracking. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "org/org.h"

static int track_per_minute = 30;

void dossier_set_track_limit(int per_minute)
{
	track_per_minute = per_minute;
}

int dossier_track_limit(void)
{
	return track_per_minute;
}

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

struct intake_answer {
	const struct user *by;
	json_t *out;
};

/*
 * The answer is read inside the intake's own transaction, on the
 * connection that wrote it: its pages are still in that connection's
 * cache, where a worker's connection would first have to forget its
 * cache (another connection committed) and read them again.
 */
static int intake_answer(struct db *db, int64_t id, void *ctx, struct err *e)
{
	struct intake_answer *a = ctx;
	char ref[24];

	snprintf(ref, sizeof(ref), "#%lld", (long long)id);
	return dossier_get(db, a->by, ref, &a->out, e);
}

static int api_intake(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct dossier_intake in = { 0 };
	struct intake_answer answer = { req->user, NULL };
	json_t *body, *applicant;
	const char *channel;
	int64_t id;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	applicant = json_object_get(body, "applicant");
	channel = member(body, "channel");
	if (!channel || !strcmp(channel, "counter"))
		in.channel = CHANNEL_COUNTER;
	else if (!strcmp(channel, "postal"))
		in.channel = CHANNEL_POSTAL;
	else
		return err_set(&req->err, E_INVALID, "channel",
			       "officers take dossiers at the counter or by post");
	in.procedure = member(body, "procedure");
	in.agency = member(body, "agency");
	in.applicant_name = member(applicant, "name");
	in.applicant_id = member(applicant, "id_number");
	in.applicant_phone = member(applicant, "phone");
	in.applicant_email = member(applicant, "email");
	in.applicant_address = member(applicant, "address");
	in.request = member(body, "request");
	in.documents = json_object_get(body, "documents");
	if (in.documents && !json_is_array(in.documents))
		return err_set(&req->err, E_INVALID, "documents",
			       "documents must be a list of the procedure's document numbers");
	in.fee_paid = json_integer_value(json_object_get(body, "fee_paid"));
	in.postal_tracking = member(body, "postal_tracking");
	in.also = intake_answer;
	in.also_ctx = &answer;
	ret = dossier_intake(req->db, req->user, &who, &in, &id, &req->err);
	if (!ret)
		res_json(res, 201, answer.out);
	else if (answer.out)
		json_decref(answer.out);	/* read, then the commit failed */
	return ret;
}

static int query_int(struct request *req, const char *name)
{
	const char *v = req_query(req, name);

	return v ? atoi(v) : 0;
}

static int api_list(struct request *req, struct response *res)
{
	struct dossier_filter f = {
		.state = req_query(req, "state"),
		.procedure = req_query(req, "procedure"),
		.q = req_query(req, "q"),
		.due = req_query(req, "due"),
		.agency = req_query(req, "agency"),
		.from = req_query(req, "from"),
		.to = req_query(req, "to"),
		.by = req_query(req, "by"),
		.outcome = req_query(req, "outcome"),
		.channel = req_query(req, "channel"),
		.mine = query_int(req, "mine") != 0,
		.queue = query_int(req, "queue") != 0,
		.page = query_int(req, "page"),
		.per_page = query_int(req, "per_page"),
	};
	json_t *out;
	int ret = dossier_list(req->db, req->user, &f, &out, &req->err);

	if (!ret)
		res_json(res, 200, out);
	return ret;
}

static int api_get(struct request *req, struct response *res)
{
	json_t *out;
	int ret = dossier_get(req->db, req->user, req_arg(req, 0), &out, &req->err);

	if (!ret)
		res_json(res, 200, out);
	return ret;
}

static int api_act(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	json_t *body = NULL, *out;
	int ret = 0;

	if (req->body.len)
		ret = req_json(req, &body);
	if (ret)
		return ret;
	ret = dossier_act(req->db, req->user, &who, req_arg(req, 0), req_arg(req, 1),
			  body, &req->err);
	if (!ret)
		ret = dossier_get(req->db, req->user, req_arg(req, 0), &out, &req->err);
	if (!ret)
		res_json(res, 200, out);
	return ret;
}

int dossier_track_take(struct request *req)
{
	int retry = 60, ret;

	if (ratelimit_take("track", req->remote, track_per_minute, &retry))
		return 0;
	ret = err_set(&req->err, E_RATELIMIT, NULL,
		      "too many lookups from your address; try again in a minute");
	req->err.retry_after = retry;
	return ret;
}

static int api_track(struct request *req, struct response *res)
{
	int ret = dossier_track_take(req);

	if (ret)
		return ret;
	ret = dossier_track_write(req->db, req_arg(req, 0), req_query(req, "check"),
				  &res->body, &req->err);
	if (!ret)
		res->content_type = "application/json; charset=utf-8";
	return ret;
}

const struct route dossier_api_routes[] = {
	{ "POST", "/api/v1/dossiers", api_intake, ROUTE_JSON, ROLE_CLERK | ROLE_POSTAL,
	  "take in a dossier at the counter or by post" },
	{ "GET", "/api/v1/dossiers", api_list, ROUTE_JSON, ROLES_STAFF,
	  "dossiers the user may see, with filters and counts" },
	{ "GET", "/api/v1/dossiers/{code}", api_get, ROUTE_JSON, ROLES_STAFF,
	  "one dossier with its steps, history and allowed actions" },
	{ "POST", "/api/v1/dossiers/{code}/actions/{action}", api_act, ROUTE_JSON,
	  ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER | ROLE_POSTAL,
	  "an action of the dossier's lifecycle" },
	{ "GET", "/api/v1/track/{code}", api_track, ROUTE_JSON, ROLE_PUBLIC,
	  "public tracking with the last four digits of the phone" },
};
const unsigned dossier_api_nroutes = sizeof(dossier_api_routes) / sizeof(dossier_api_routes[0]);
