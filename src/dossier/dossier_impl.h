/* Private to src/dossier/. */
#ifndef CCHC_DOSSIER_IMPL_H
#define CCHC_DOSSIER_IMPL_H

#include <stdbool.h>
#include <stdint.h>

struct user;

#include <jansson.h>

struct calendar;
struct db;
struct strbuf;

/* One row of the dossier table, as the rules need it. */
struct dossier_row {
	int64_t id;
	char *code;			/* NULL before acceptance */
	int64_t procedure_version_id;
	char *procedure_code;
	char *procedure_name;
	int64_t agency_id;		/* receiving */
	char *agency_path;
	char *agency_eid;
	int64_t handling_agency_id;
	char *handling_path;
	char *channel;
	char *state;
	char *applicant_name;
	char *applicant_phone;
	double time_value;
	char *time_unit;
	int64_t submitted_at, received_at, due_at, promised_at, paused_at;
	int64_t supplements;
	int64_t assignee_id;
	int64_t current_step;
	int64_t finished_at;
	char *outcome;
	int64_t version;
	int64_t created_by;		/* the officer who recorded it, 0 for online */
};

#define DOSSIER_ROW_INIT { 0 }

void dossier_row_release(struct dossier_row *d);
/*
 * Whether u may see d: the receiving or the handling agency is within u's
 * (monitors see all), or u recorded it (postal staff follow theirs).
 */
bool dossier_visible(const struct user *u, const struct dossier_row *d);
/* By code, or "#id"; E_NOTFOUND. */
int dossier_row_load(struct db *db, const char *code, struct dossier_row *d);

/*
 * The counters an event bumps: the same mapping serves the live updates
 * and the rebuild from the history.  Calls bump(metric) for each.
 */
void dossier_event_metrics(const char *action, json_t *data,
			   void (*bump)(void *ctx, const char *metric), void *ctx);

/* The local date "YYYY-MM-DD" of an instant. */
void dossier_day(int64_t t, char out[11]);

/* The due instant of `share` units of the procedure's time from receipt. */
int dossier_due(const struct calendar *cal, int64_t receipt, double share,
		const char *unit, int64_t *due);

struct procedure;
/* The sum of a procedure's fees, VND. */
int64_t dossier_fee_total(const struct procedure *p);
/*
 * Records the dossier's fee items at intake, and the fee taken at the
 * counter then (fee_paid > 0) as a cash payment by `by`; in the intake's
 * transaction.
 */
int dossier_fees_record(struct db *db, const struct dossier_row *d,
			const struct procedure *p, int64_t fee_paid,
			const struct user *by, int64_t now);
/*
 * Queues the applicant's SMS (and e-mail, if they gave an address) for an
 * event of the dossier ("receive" at the counter, or an action's name,
 * with the action's args), in the caller's transaction.  Events the
 * applicant is not told of do nothing.  A missing template is a bug:
 * E_INTERNAL, and the change must roll back.
 */
int dossier_notify(struct db *db, int64_t dossier_id, const char *event, json_t *args,
		   struct err *e);

struct request;
/* The section of the officer's dossier page listing its messages. */
void dossier_messages_section(struct request *req, struct strbuf *out, int64_t dossier_id);

#endif
