/*
 * The JSON routes of plan, under /api/v1/plans (docs/openapi.yaml).  They
 * hold no rules: each reads its request, calls plan.h and writes what
 * comes back.  Days are "YYYY-MM-DD"; "as_of" asks for the state of
 * things at the end of a past day.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/http.h"
#include "org/org.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"

#define IMPORT_MAX (2 * 1024 * 1024)	/* bytes of a plan document */

static const char *member(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static int find_plan(struct request *req, struct plan_info *p)
{
	return plan_find(req->db, req_arg(req, 0), p, &req->err);
}

/* ?as_of=YYYY-MM-DD, or today. */
static int as_of_arg(struct request *req, int *day)
{
	return plan_day_arg(req_query(req, "as_of"), 0, day, "as_of", &req->err);
}

static int api_plans(struct request *req, struct response *res)
{
	json_t *items;
	int ret = plan_list(req->db, &items);

	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	return ret;
}

static json_t *stats_json(const struct plan_import_stats *st)
{
	return json_pack("{s:s,s:b,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "key", st->key,
			 "plan_created", st->plan_created, "same_source", st->same_source,
			 "areas", st->areas, "tasks", st->tasks, "targets", st->targets,
			 "warnings", st->warnings, "created", st->created, "updated", st->updated,
			 "unchanged", st->unchanged, "warnings_new", st->warnings_new);
}

static int api_import(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_import_stats st;
	json_t *body, *doc = NULL;
	const char *text;
	bool dry_run;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	text = member(body, "text");
	dry_run = json_is_true(json_object_get(body, "dry_run"));
	if (!text || !*text)
		return err_set(&req->err, E_INVALID, "text",
			       "give the plan document's text in \"text\"");
	if (strlen(text) > IMPORT_MAX)
		return err_set(&req->err, E_TOOLARGE, "text", "the document is larger than %d bytes",
			       IMPORT_MAX);
	ret = plan_import(req->db, &who, text, dry_run, &doc, &st, &req->err);
	if (!ret) {
		json_t *out = dry_run ? doc : json_pack("{s:o,s:O}", "import", stats_json(&st),
							 "warnings", json_object_get(doc, "warnings"));

		if (dry_run)
			json_object_set_new(out, "import", stats_json(&st));
		else
			json_decref(doc);
		doc = NULL;
		res_json(res, dry_run ? 200 : st.plan_created ? 201 : 200, out);
	}
	json_decref(doc);
	return ret;
}

static int api_plan(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *j;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = plan_get_json(req->db, &p, &j);
	if (!ret)
		res_json(res, 200, j);
	plan_info_release(&p);
	return ret;
}

static int api_plan_update(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	json_t *body, *days, *j;
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	days = json_object_get(body, "remind_days");
	if (!json_is_integer(days)) {
		ret = err_set(&req->err, E_INVALID, "remind_days",
			      "give \"remind_days\", the days before a deadline that reminders start");
		goto out;
	}
	ret = plan_set_remind_days(req->db, req->user, &who, &p, (int)json_integer_value(days),
				   &req->err);
	if (!ret)
		ret = find_plan(req, &p);
	if (!ret)
		ret = plan_get_json(req->db, &p, &j);
	if (!ret)
		res_json(res, 200, j);
out:
	plan_info_release(&p);
	return ret;
}

static int api_tasks(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_filter f = {
		.area = req_query(req, "area"),
		.agency = req_query(req, "agency"),
		.role = req_query(req, "role"),
		.state = req_query(req, "state"),
	};
	const char *mine = req_query(req, "mine");
	json_t *out;
	int ret = find_plan(req, &p);

	f.mine = mine && !strcmp(mine, "1");
	if (!ret)
		ret = as_of_arg(req, &f.as_of);
	if (!ret)
		ret = plan_day_arg(req_query(req, "due_from"), 0, &f.due_from, "due_from", &req->err);
	if (!ret)
		ret = plan_day_arg(req_query(req, "due_to"), 0, &f.due_to, "due_to", &req->err);
	if (!ret)
		ret = plan_tasks(req->db, req->user, &p, &f, &out, &req->err);
	if (!ret)
		res_json(res, 200, out);
	plan_info_release(&p);
	return ret;
}

static int api_task(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *out;
	int as_of = 0, ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &as_of);
	if (!ret)
		ret = plan_task_get(req->db, req->user, &p, req_arg(req, 1), as_of, &out, &req->err);
	if (!ret)
		res_json(res, 200, out);
	plan_info_release(&p);
	return ret;
}

static int api_task_correct(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	json_t *body, *out;
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (!ret)
		ret = plan_task_correct(req->db, req->user, &who, &p, req_arg(req, 1), body,
					&req->err);
	if (!ret)
		ret = plan_task_get(req->db, req->user, &p, req_arg(req, 1), 0, &out, &req->err);
	if (!ret)
		res_json(res, 200, out);
	plan_info_release(&p);
	return ret;
}

static int api_report_progress(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_progress_new n;
	json_t *body, *out, *percent;
	int64_t id;
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	percent = json_object_get(body, "percent");
	if (percent && !json_is_integer(percent)) {
		ret = err_set(&req->err, E_INVALID, "percent",
			      "\"percent\" must be a whole number from 0 to 100");
		goto out;
	}
	n.status = member(body, "status");
	n.percent = (int)json_integer_value(percent);
	n.note = member(body, "note");
	n.evidence = member(body, "evidence");
	n.day = member(body, "day");
	ret = plan_progress_add(req->db, req->user, &who, &p, req_arg(req, 1), &n, &id,
				&req->err);
	if (!ret)
		ret = plan_task_get(req->db, req->user, &p, req_arg(req, 1), 0, &out, &req->err);
	if (!ret) {
		json_object_set_new(out, "report_id", json_integer(id));
		res_json(res, 201, out);
	}
out:
	plan_info_release(&p);
	return ret;
}

static int api_targets(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *items;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = plan_targets(req->db, &p, &items);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	plan_info_release(&p);
	return ret;
}

static int api_target_value(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	json_t *body, *value, *items;
	char *end;
	long long seq = strtoll(req_arg(req, 1), &end, 10);
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	if (*end || seq <= 0) {
		ret = err_set(&req->err, E_NOTFOUND, "target", "plan %s has no target '%s'", p.key,
			      req_arg(req, 1));
		goto out;
	}
	value = json_object_get(body, "value");
	if (!json_is_number(value)) {
		ret = err_set(&req->err, E_INVALID, "value", "\"value\" must be a number");
		goto out;
	}
	ret = plan_target_value_add(req->db, req->user, &who, &p, seq, member(body, "period"),
				    member(body, "level"), json_number_value(value),
				    member(body, "evidence"), &req->err);
	if (!ret)
		ret = plan_targets(req->db, &p, &items);
	if (!ret) {
		json_t *t = json_incref(json_array_get(items, (size_t)seq - 1));

		json_decref(items);
		res_json(res, 201, t ? t : json_object());
	}
out:
	plan_info_release(&p);
	return ret;
}

static int api_warnings(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *items;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = plan_warnings(req->db, &p, &items);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	plan_info_release(&p);
	return ret;
}

static int api_warning_resolve(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	json_t *body;
	char *end;
	long long id = strtoll(req_arg(req, 1), &end, 10);
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (!ret && (*end || id <= 0))
		ret = err_set(&req->err, E_NOTFOUND, "warning", "plan %s has no warning '%s'", p.key,
			      req_arg(req, 1));
	if (!ret)
		ret = plan_warning_resolve(req->db, req->user, &who, &p, id,
					   member(body, "resolution"), &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "resolved", 1));
	plan_info_release(&p);
	return ret;
}

/* Sends a report in the format asked: json (default), pdf, xlsx or csv. */
int plan_send_report(struct request *req, struct response *res, json_t *report,
		     const char *format)
{
	struct strbuf name = STRBUF_INIT, disp = STRBUF_INIT;
	const char *agency = json_string_value(json_object_get(json_object_get(report, "agency"),
								"key"));
	int ret = 0;

	if (!format || !*format || !strcmp(format, "json")) {
		res_json(res, 200, json_incref(report));
		return 0;
	}
	strbuf_addf(&name, "bao-cao-ke-hoach-%s-%s%s%s",
		    json_string_value(json_object_get(json_object_get(report, "plan"), "key")),
		    json_string_value(json_object_get(json_object_get(report, "period"), "code")),
		    agency ? "-" : "", agency ? agency : "");
	if (!strcmp(format, "pdf")) {
		ret = plan_report_pdf(report, &res->body, &req->err);
		res->content_type = "application/pdf";
		strbuf_addstr(&name, ".pdf");
	} else if (!strcmp(format, "xlsx")) {
		ret = plan_report_xlsx(report, &res->body, &req->err);
		res->content_type =
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		strbuf_addstr(&name, ".xlsx");
	} else if (!strcmp(format, "csv")) {
		ret = plan_report_csv(report, &res->body, &req->err);
		res->content_type = "text/csv; charset=utf-8";
		strbuf_addstr(&name, ".csv");
	} else {
		ret = err_set(&req->err, E_INVALID, "format",
			      "the format must be json, pdf, xlsx or csv");
	}
	if (!ret) {
		strbuf_addf(&disp, "attachment; filename=\"%s\"", name.buf);
		res_header(res, "Content-Disposition", disp.buf);
		res->status = 200;
	}
	strbuf_release(&name);
	strbuf_release(&disp);
	return ret;
}

static int api_report(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *report = NULL;
	int ret = find_plan(req, &p);

	if (!ret)
		ret = plan_report(req->db, req->user, &p, req_arg(req, 1), req_query(req, "agency"),
				  &report, &req->err);
	if (!ret)
		ret = plan_send_report(req, res, report, req_query(req, "format"));
	json_decref(report);
	plan_info_release(&p);
	return ret;
}

static int api_submissions(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	json_t *items;
	int as_of = 0, ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &as_of);
	if (!ret)
		ret = plan_submissions(req->db, req->user, &p, req_query(req, "period"),
				       req_query(req, "agency"), as_of, &items, &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	plan_info_release(&p);
	return ret;
}

static int api_submission_add(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	struct plan_submission_new n;
	json_t *body, *items;
	int64_t id;
	int ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (ret)
		goto out;
	n.agency = member(body, "agency");
	n.period = member(body, "period");
	n.reference = member(body, "reference");
	n.link = member(body, "link");
	n.summary = member(body, "summary");
	n.day = member(body, "day");
	ret = plan_submission_add(req->db, req->user, &who, &p, &n, &id, &req->err);
	if (!ret)
		ret = plan_submissions(req->db, req->user, &p, n.period,
				       n.agency ? n.agency : req->user->agency_key, 0, &items,
				       &req->err);
	if (!ret) {
		json_t *one = json_incref(json_array_get(items, 0));

		json_decref(items);
		if (!one)
			one = json_object();
		json_object_set_new(one, "id", json_integer(id));
		res_json(res, 201, one);
	}
out:
	plan_info_release(&p);
	return ret;
}

static int api_reminders(struct request *req, struct response *res)
{
	struct plan_info p = PLAN_INFO_INIT;
	struct agency a = AGENCY_INIT;
	json_t *items;
	const char *agency = req_query(req, "agency");
	int as_of = 0, ret = find_plan(req, &p);

	if (!ret)
		ret = as_of_arg(req, &as_of);
	if (!ret && agency && *agency) {
		ret = agency_find(req->db, agency, &a, &req->err);
	}
	if (!ret)
		ret = plan_reminders(req->db, req->user, &p, a.id, as_of, &items, &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:o}", "items", items));
	agency_release(&a);
	plan_info_release(&p);
	return ret;
}

static int api_reminders_queue(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct plan_info p = PLAN_INFO_INIT;
	json_t *body;
	int as_of = 0, queued = 0, ret = req_json(req, &body);

	if (!ret)
		ret = find_plan(req, &p);
	if (!ret)
		ret = plan_day_arg(member(body, "as_of"), 0, &as_of, "as_of", &req->err);
	if (!ret)
		ret = plan_reminders_queue(req->db, &who, &p, as_of, &queued, &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:i}", "queued", queued));
	plan_info_release(&p);
	return ret;
}

#define STAFF ROLES_STAFF

const struct route plan_api_routes[] = {
	{ "GET", "/api/v1/plans", api_plans, ROUTE_JSON, STAFF, "reform plans" },
	{ "POST", "/api/v1/plans/import", api_import, ROUTE_JSON, ROLE_ADMIN | ROLE_MONITOR,
	  "import a plan document (or check it with dry_run)" },
	{ "GET", "/api/v1/plans/{plan}", api_plan, ROUTE_JSON, STAFF,
	  "a plan: its areas and the reports agencies owe" },
	{ "PATCH", "/api/v1/plans/{plan}", api_plan_update, ROUTE_JSON, ROLE_MONITOR,
	  "a plan's settings (reminder window)" },
	{ "GET", "/api/v1/plans/{plan}/tasks", api_tasks, ROUTE_JSON, STAFF,
	  "a plan's tasks with their state, filtered" },
	{ "GET", "/api/v1/plans/{plan}/tasks/{task}", api_task, ROUTE_JSON, STAFF,
	  "a task with its agencies and progress history" },
	{ "PATCH", "/api/v1/plans/{plan}/tasks/{task}", api_task_correct, ROUTE_JSON,
	  ROLE_MONITOR, "correct a task's deadline or agencies" },
	{ "POST", "/api/v1/plans/{plan}/tasks/{task}/reports", api_report_progress, ROUTE_JSON,
	  ROLE_REPORTER, "report progress on a task for one's agency" },
	{ "GET", "/api/v1/plans/{plan}/targets", api_targets, ROUTE_JSON, STAFF,
	  "a plan's targets with their values" },
	{ "POST", "/api/v1/plans/{plan}/targets/{seq}/values", api_target_value, ROUTE_JSON,
	  ROLE_MONITOR, "enter a target's value for a period" },
	{ "GET", "/api/v1/plans/{plan}/warnings", api_warnings, ROUTE_JSON,
	  ROLE_ADMIN | ROLE_MONITOR, "what the import could not take as it stood" },
	{ "POST", "/api/v1/plans/{plan}/warnings/{id}/resolve", api_warning_resolve, ROUTE_JSON,
	  ROLE_MONITOR, "mark an import warning reviewed" },
	{ "GET", "/api/v1/plans/{plan}/reports/{period}", api_report, ROUTE_JSON | ROUTE_SLOW, STAFF,
	  "the progress report of a period (JSON, PDF, XLSX or CSV)" },
	{ "GET", "/api/v1/plans/{plan}/submissions", api_submissions, ROUTE_JSON, STAFF,
	  "which agencies sent their periodic reports, and when" },
	{ "POST", "/api/v1/plans/{plan}/submissions", api_submission_add, ROUTE_JSON,
	  ROLE_REPORTER | ROLE_MONITOR, "record an agency's periodic report as sent" },
	{ "GET", "/api/v1/plans/{plan}/reminders", api_reminders, ROUTE_JSON, STAFF,
	  "tasks and reports due soon or overdue" },
	{ "POST", "/api/v1/plans/{plan}/reminders/queue", api_reminders_queue, ROUTE_JSON,
	  ROLE_MONITOR, "queue the reminders for the notification service" },
};
const unsigned plan_api_nroutes = sizeof(plan_api_routes) / sizeof(plan_api_routes[0]);
