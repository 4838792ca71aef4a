/*
 * The JSON routes of the working-day calendar: a year's days off and
 * worked days, the notices that set them (admins add one a year), and a
 * due date computed on the calendar of the server.
 */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "holiday/holiday.h"
#include "http/http.h"
#include "org/org.h"

/* GET /api/v1/calendar/{year} */
static int api_year(struct request *req, struct response *res)
{
	const struct calendar *cal;
	int year;
	int ret = holiday_year_parse(req_arg(req, 0), &year, &req->err);

	if (!ret)
		ret = holiday_calendar(req->db, &cal);
	if (!ret)
		res_json(res, 200, holiday_year_json(cal, year));
	return ret;
}

/* GET /api/v1/calendar/{year}/notices */
static int api_notices(struct request *req, struct response *res)
{
	json_t *items;
	int year;
	int ret = holiday_year_parse(req_arg(req, 0), &year, &req->err);

	if (!ret)
		ret = holiday_notice_list(req->db, year, &items);
	if (!ret)
		res_json(res, 200, json_pack("{s:i,s:o}", "year", year, "items", items));
	return ret;
}

/* A string member, or NULL: a member of another type counts as absent. */
static const char *member(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* POST /api/v1/calendar/{year}/notices {"notice": "…", "rows": [{date, kind, name[, notice]}…]} */
static int api_notice_add(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct holiday_row rows[CALENDAR_YEAR_MAX];
	struct holiday_notice_new n = { 0 };
	const struct calendar *cal;
	json_t *body, *jrows, *row;
	char location[64];
	size_t i;
	int bad_row = -1;
	int ret = holiday_year_parse(req_arg(req, 0), &n.year, &req->err);

	if (!ret)
		ret = req_json(req, &body);
	if (ret)
		return ret;
	n.notice = member(body, "notice");
	jrows = json_object_get(body, "rows");
	if (!json_is_array(jrows))
		return err_set(&req->err, E_INVALID, "rows",
			       "\"rows\" must be an array of {\"date\", \"kind\", \"name\"}");
	if (json_array_size(jrows) > CALENDAR_YEAR_MAX)
		return err_set(&req->err, E_INVALID, "rows",
			       "a year's schedule has at most %d rows, not %zu",
			       CALENDAR_YEAR_MAX, json_array_size(jrows));
	json_array_foreach(jrows, i, row) {
		struct holiday_row *r = &rows[i];

		if (!json_is_object(row)) {
			err_set(&req->err, E_INVALID, NULL,
				"rows[%zu]: must be an object {\"date\", \"kind\", \"name\"}", i);
			snprintf(req->err.field, sizeof(req->err.field), "rows[%zu]", i);
			return E_INVALID;
		}
		r->date = member(row, "date");
		r->kind = member(row, "kind");
		r->name = member(row, "name");
		r->notice = member(row, "notice");
	}
	n.rows = rows;
	n.nr = json_array_size(jrows);
	ret = holiday_notice_add(req->db, &who, &n, NULL, &bad_row, &req->err);
	if (ret) {
		holiday_row_error(&req->err, bad_row);
		return ret;
	}
	ret = holiday_calendar(req->db, &cal);
	if (ret)
		return ret;
	snprintf(location, sizeof(location), "/api/v1/calendar/%d", n.year);
	res_header(res, "Location", location);
	res_json(res, 201, holiday_year_json(cal, n.year));
	return 0;
}

/* GET /api/v1/calendar/due?from=YYYY-MM-DDTHH:MM&n=N&unit=days|hours|calendar-days */
static int api_due(struct request *req, struct response *res)
{
	static const struct {
		const char *name;
		enum calendar_unit unit;
	} units[] = {
		{ "days", CALENDAR_WORKDAYS },
		{ "hours", CALENDAR_WORKHOURS },
		{ "calendar-days", CALENDAR_DAYS },
	};
	const char *from = req_query(req, "from");
	const char *ns = req_query(req, "n");
	const char *unit = req_query(req, "unit");
	const struct calendar *cal;
	char when[32], due_text[CALENDAR_TIME_SIZE], day[CALENDAR_DAY_SIZE];
	int64_t receipt, due;
	size_t u;
	int n = 0, ret;

	if (!from || !*from)
		return err_set(&req->err, E_INVALID, "from",
			       "give the time of receipt, as from=YYYY-MM-DDTHH:MM (local time)");
	snprintf(when, sizeof(when), "%s", from);
	if (strlen(when) == 16 && when[10] == 'T')
		when[10] = ' ';
	if (calendar_time_parse(when, &receipt, &req->err)) {
		snprintf(req->err.field, sizeof(req->err.field), "from");
		return E_INVALID;
	}
	if (!ns || !*ns || strlen(ns) > 5)
		goto bad_n;
	for (const char *p = ns; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad_n;
		n = n * 10 + (*p - '0');
	}
	if (n > CALENDAR_MAX_SPAN)
		goto bad_n;
	if (!unit || !*unit)
		unit = "days";
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (!strcmp(unit, units[u].name))
			break;
	if (u == sizeof(units) / sizeof(units[0]))
		return err_set(&req->err, E_INVALID, "unit",
			       "unit must be days, hours or calendar-days");
	ret = holiday_calendar(req->db, &cal);
	if (ret)
		return ret;
	ret = calendar_due(cal, receipt, n, units[u].unit, &due, &req->err);
	if (ret) {
		snprintf(req->err.field, sizeof(req->err.field), "%s",
			 !strcmp(req->err.field, "n") ? "n" : "from");
		return ret;
	}
	calendar_time_format(due, due_text);
	due_text[10] = 'T';
	when[10] = 'T';
	calendar_day_format(calendar_receipt_day(cal, receipt), day);
	res_json(res, 200, json_pack("{s:s,s:i,s:s,s:s,s:s,s:s}", "from", when, "n", n,
				     "unit", units[u].name, "receipt_day", day,
				     "due", due_text, "version", calendar_version(cal)));
	return 0;
bad_n:
	return err_set(&req->err, E_INVALID, "n",
		       "n must be a whole number from 0 to %d", CALENDAR_MAX_SPAN);
}

/* "due" comes before "{year}": the router takes the first pattern that matches. */
const struct route holiday_api_routes[] = {
	{ "GET", "/api/v1/calendar/due", api_due, ROUTE_JSON, ROLE_PUBLIC,
	  "the due time of a time limit received at a given time" },
	{ "GET", "/api/v1/calendar/{year}", api_year, ROUTE_JSON, ROLE_PUBLIC,
	  "a year's days off and worked weekend days, office hours and calendar version" },
	{ "GET", "/api/v1/calendar/{year}/notices", api_notices, ROUTE_JSON,
	  ROLE_ADMIN | ROLE_MONITOR, "every version of a year's schedule, with who saved it" },
	{ "POST", "/api/v1/calendar/{year}/notices", api_notice_add, ROUTE_JSON, ROLE_ADMIN,
	  "add a notice: a new version of a year's whole schedule" },
};
const unsigned holiday_api_nroutes = sizeof(holiday_api_routes) / sizeof(holiday_api_routes[0]);
