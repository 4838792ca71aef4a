/*
 * rating: the applicant's rating of a returned dossier — the five SIPAS
 * factors (dossier_rating_factors in dossier.h), each 1 to 5, and an
 * optional comment.  Once per dossier, only after its result is returned.
 * Reached from the SMS link /danh-gia/{code} and from the tracking page,
 * authorised by the code and the last 4 digits of the applicant's phone
 * (as tracking, with the same rate limit).
 *
 * A rating is stored in dossier_rating and appended to the dossier's
 * history as the event "rate", whose counters (rated, score_<f>,
 * satisfied_<f>) are kept in the same transaction and rebuilt from the
 * history by `cchc kpi rebuild`.
 */
#ifndef CCHC_RATING_RATING_H
#define CCHC_RATING_RATING_H

#include <jansson.h>

#include "dossier/dossier.h"
#include "http/http.h"

struct db;
struct err;

/* The question of factor i (a msgid), e.g. "Access to the service". */
const char *rating_factor_label(int i);

/*
 * Rates the dossier with this code.  check is the last 4 digits of the
 * applicant's phone, or NULL when the caller has authenticated the
 * applicant otherwise (the citizen portal's session).  scores[i] is factor
 * i's score, 1 to 5; comment may be NULL.  Errors: E_NOTFOUND (code or
 * digits, one message), E_INVALID naming the factor, E_CONFLICT when the
 * dossier is not returned (naming its state) or was already rated.  One
 * transaction.
 */
int rating_submit(struct db *db, const char *code, const char *check,
		  const int scores[DOSSIER_RATING_FACTORS], const char *comment,
		  struct err *e);

/*
 * On the tracking page, given the dossier_track() JSON of a successful
 * lookup: the link to rate a returned dossier, or thanks if it was rated.
 */
void rating_track_section(struct request *req, struct response *res,
			  json_t *tracked, const char *check);

extern const struct route rating_api_routes[];
extern const unsigned rating_api_nroutes;
extern const struct route rating_page_routes[];
extern const unsigned rating_page_nroutes;

#endif
