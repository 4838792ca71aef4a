/* The JSON route of ratings. */
#include <string.h>

#include "base/err.h"
#include "dossier/dossier.h"
#include "http/http.h"
#include "org/org.h"
#include "rating/rating.h"

/*
 * POST /api/v1/track/{code}/rating
 * {"check":"1234","scores":{"access":5,…},"comment":"…"}
 */
static int api_rate(struct request *req, struct response *res)
{
	int scores[DOSSIER_RATING_FACTORS];
	json_t *body, *sc, *c;
	int ret = req_json(req, &body);

	if (!ret)
		ret = dossier_track_take(req);
	if (ret)
		return ret;
	sc = json_object_get(body, "scores");
	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++) {
		json_t *v = json_object_get(sc, dossier_rating_factors[i]);

		scores[i] = json_is_integer(v) && json_integer_value(v) >= 1 &&
			    json_integer_value(v) <= 5 ? (int)json_integer_value(v) : 0;
	}
	c = json_object_get(body, "comment");
	if (c && !json_is_string(c) && !json_is_null(c))
		return err_set(&req->err, E_INVALID, "comment", "the comment must be text");
	ret = rating_submit(req->db, req_arg(req, 0),
			    json_string_value(json_object_get(body, "check")) ?
			    json_string_value(json_object_get(body, "check")) : "",
			    scores, json_string_value(c), &req->err);
	if (!ret) {
		json_incref(sc);
		res_json(res, 201, json_pack("{s:s,s:o}", "code", req_arg(req, 0), "scores", sc));
	}
	return ret;
}

const struct route rating_api_routes[] = {
	{ "POST", "/api/v1/track/{code}/rating", api_rate, ROUTE_JSON, ROLE_PUBLIC,
	  "the applicant rates a returned dossier once (code and last four digits of the phone)" },
};
const unsigned rating_api_nroutes = sizeof(rating_api_routes) / sizeof(rating_api_routes[0]);
