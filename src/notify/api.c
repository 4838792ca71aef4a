/* The JSON route of notifications: Kannel's delivery receipts. */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "db/db.h"
#include "notify/notify.h"
#include "org/org.h"

/* A whole number in text, or -1. */
static long long number(const char *s)
{
	char *end;
	long long v;

	if (!s || !*s || strlen(s) > 18)
		return -1;
	v = strtoll(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

/*
 * GET /api/v1/notify/dlr?id=&token=&status=: called by Kannel's smsbox
 * with the URL it was given at sending; the token proves cchc made it.
 */
static int api_dlr(struct request *req, struct response *res)
{
	long long id = number(req_query(req, "id"));
	long long status = number(req_query(req, "status"));
	int ret;

	if (id <= 0)
		return err_set(&req->err, E_INVALID, "id", "id must be a message number");
	if (status < 0 || status > 1024)
		return err_set(&req->err, E_INVALID, "status", "status must be Kannel's DLR type");
	ret = notify_receipt(req->db, id, req_query(req, "token"), (int)status, &req->err);
	if (!ret)
		res_json(res, 200, json_pack("{s:b}", "ok", 1));
	return ret;
}

const struct route notify_api_routes[] = {
	{ "GET", "/api/v1/notify/dlr", api_dlr, ROUTE_JSON, ROLE_PUBLIC,
	  "SMS delivery receipt from Kannel, signed" },
};
const unsigned notify_api_nroutes = sizeof(notify_api_routes) / sizeof(notify_api_routes[0]);
