/* The JSON routes of payments: counter and online payments, the list, the providers' callbacks. */
#include <string.h>

#include "base/err.h"
#include "dossier/dossier.h"
#include "http/http.h"
#include "org/org.h"
#include "payment/payment.h"

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A clerk takes a fee (cash, card) or starts an online payment for the applicant. */
static int api_pay(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	json_t *body, *out = NULL, *amount;
	const char *method;
	int ret = req_json(req, &body);

	if (ret)
		return ret;
	method = member(body, "method");
	if (method && !strcmp(method, "online")) {
		ret = payment_start(req->db, req->user, req_arg(req, 0), NULL,
				    member(body, "provider"), &out, &req->err);
	} else {
		amount = json_object_get(body, "amount");
		if (amount && !json_is_integer(amount))
			return err_set(&req->err, E_INVALID, "amount",
				       "the amount must be a whole number of đồng");
		ret = payment_counter(req->db, req->user, &who, req_arg(req, 0), method,
				      json_integer_value(amount), member(body, "reference"),
				      &out, &req->err);
	}
	if (!ret)
		res_json(res, 201, out);
	return ret;
}

static int api_payments(struct request *req, struct response *res)
{
	json_t *out;
	int ret = payment_list(req->db, req->user, req_arg(req, 0), &out, &req->err);

	if (!ret)
		res_json(res, 200, out);
	return ret;
}

/* The applicant starts paying online, with the code and the phone's last 4 digits. */
static int api_track_pay(struct request *req, struct response *res)
{
	json_t *body, *out;
	int ret = req_json(req, &body);

	if (!ret)
		ret = dossier_track_take(req);
	if (ret)
		return ret;
	ret = payment_start(req->db, NULL, req_arg(req, 0), member(body, "check"),
			    member(body, "provider"), &out, &req->err);
	if (!ret)
		res_json(res, 201, out);
	return ret;
}

/* Server to server: the signature, not a session, says who calls. */
static int api_callback(struct request *req, struct response *res)
{
	json_t *out;
	int ret = payment_callback(req->db, req_arg(req, 0), req->body.buf,
				   req_header(req, "X-Signature"), req->remote, &out, &req->err);

	if (!ret)
		res_json(res, 200, out);
	return ret;
}

const struct route payment_api_routes[] = {
	{ "POST", "/api/v1/dossiers/{code}/payments", api_pay, ROUTE_JSON, ROLE_CLERK,
	  "a fee paid at the counter (cash, card), or an online payment started by a clerk" },
	{ "GET", "/api/v1/dossiers/{code}/payments", api_payments, ROUTE_JSON, ROLES_STAFF,
	  "a dossier's fee items and payments" },
	{ "POST", "/api/v1/track/{code}/payments", api_track_pay, ROUTE_JSON, ROLE_PUBLIC,
	  "the applicant starts an online payment (code and last four digits of the phone)" },
	{ "POST", "/api/v1/payments/callback/{provider}", api_callback, ROUTE_JSON, ROLE_PUBLIC,
	  "a payment provider's signed callback" },
};
const unsigned payment_api_nroutes = sizeof(payment_api_routes) / sizeof(payment_api_routes[0]);
