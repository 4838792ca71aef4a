/* Ratings: the rules and the storage (no HTTP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "org/org.h"
#include "rating/rating.h"

#define COMMENT_MAX 2000

const char *rating_factor_label(int i)
{
	static const char *const labels[DOSSIER_RATING_FACTORS] = {
		N_("Access to the service"),
		N_("The administrative procedure"),
		N_("The officers who handled it"),
		N_("The result"),
		N_("Handling of feedback and complaints"),
	};

	return i >= 0 && i < DOSSIER_RATING_FACTORS ? labels[i] : "";
}

int rating_submit(struct db *db, const char *code, const char *check,
		  const int scores[DOSSIER_RATING_FACTORS], const char *comment,
		  struct err *e)
{
	static const struct audit_actor applicant = { 0, "applicant", "", "/" };
	struct db_stmt *st;
	int64_t now = clock_now(), id = 0, agency = 0, rated = 0, rid;
	char *state = NULL, *proc = NULL, *phone = NULL, day[CALENDAR_DAY_SIZE];
	json_t *data = NULL, *sc;
	int ret;

	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++)
		if (scores[i] < 1 || scores[i] > 5)
			return err_set(e, E_INVALID, dossier_rating_factors[i],
				       "rate \"%s\" from 1 to 5", _(rating_factor_label(i)));
	if (comment && strlen(comment) > COMMENT_MAX)
		return err_set(e, E_INVALID, "comment", "the comment is longer than %d characters",
			       COMMENT_MAX);
	if (!code || !*code || *code == '#')
		return err_set(e, E_NOTFOUND, NULL, "no dossier matches this code and these phone digits");
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "SELECT d.id, d.state, d.agency_id, d.procedure_code, d.applicant_phone,"
			" (SELECT COUNT(*) FROM dossier_rating r WHERE r.dossier_id = d.id)"
			" FROM dossier d WHERE d.code = ?");
	db_bind_text(st, 1, code);
	ret = db_step(st);
	if (ret == DB_ROW) {
		id = db_col_int(st, 0);
		state = xstrdup(db_col_text(st, 1));
		agency = db_col_int(st, 2);
		proc = xstrdup(db_col_text(st, 3));
		phone = xstrdup(db_col_text(st, 4));
		rated = db_col_int(st, 5);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (!ret && check) {
		size_t n = strlen(phone);

		if (strlen(check) != 4 || n < 4 || strcmp(phone + n - 4, check))
			ret = E_NOTFOUND;
	}
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "no dossier matches this code and these phone digits");
	if (ret)
		goto rollback;
	if (rated) {
		ret = err_set(e, E_CONFLICT, NULL,
			      "dossier %s has already been rated: a dossier is rated once", code);
		goto rollback;
	}
	if (strcmp(state, "returned")) {
		ret = err_set(e, E_CONFLICT, NULL,
			      "dossier %s is %s: it can be rated once its result is returned",
			      code, dossier_state_label(state));
		goto rollback;
	}
	calendar_day_format(calendar_day_of(now), day);
	/* The unique dossier_id settles a race between two tabs. */
	st = db_prepare(db, "INSERT INTO dossier_rating (dossier_id, agency_id, procedure_code, day,"
			" score_access, score_procedure, score_officers, score_result,"
			" score_feedback, comment, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (dossier_id) DO NOTHING RETURNING id");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, agency);
	db_bind_text(st, 3, proc);
	db_bind_text(st, 4, day);
	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++)
		db_bind_int(st, 5 + i, scores[i]);
	db_bind_text(st, 10, comment ? comment : "");
	db_bind_int(st, 11, now);
	ret = db_one_int(st, &rid);
	if (ret == E_NOTFOUND) {
		ret = err_set(e, E_CONFLICT, NULL,
			      "dossier %s has already been rated: a dossier is rated once", code);
		goto rollback;
	}
	if (ret)
		goto rollback;
	sc = json_object();
	for (int i = 0; i < DOSSIER_RATING_FACTORS; i++)
		json_object_set_new(sc, dossier_rating_factors[i], json_integer(scores[i]));
	data = json_pack("{s:o}", "scores", sc);
	ret = dossier_note(db, id, &applicant, now, "rate", NULL, data);
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret)
		db_rollback(db);
	json_decref(data);
	free(state);
	free(proc);
	free(phone);
	return ret;
}
