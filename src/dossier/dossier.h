/*
 * dossier: the one-stop shop's engine — intake by three channels, the
 * lifecycle of DESIGN.md, legal deadlines from the working-day calendar,
 * per-step deadlines and handovers, supplements that stop the clock,
 * apologies for late dossiers, optimistic locking, the event history and
 * the counters the indicators read.
 *
 * Every rule lives here; the JSON API (api.c) and the pages (pages.c) only
 * call these functions.
 *
 * States:
 *   submitted ─accept→ received ─assign/claim→ processing ─approve→ approved
 *     │  └─request_completion→ incomplete (the applicant completes: submitted)
 *     └─reject→ rejected
 *   processing ─request_supplement→ awaiting_supplement ─resume→ processing
 *   processing ─transfer→ processing (the next step, at another agency)
 *   approved ─mark_ready→ result_ready ─return→ returned
 *   received|processing|awaiting_supplement ─refuse→ refused
 *   any unfinished state ─withdraw→ withdrawn
 * "approved" between processing and result_ready records the leader's
 * decision apart from the result reaching the desk: lateness is judged
 * when the result is ready.
 */
#ifndef CCHC_DOSSIER_DOSSIER_H
#define CCHC_DOSSIER_DOSSIER_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct db;
struct err;
struct user;
struct audit_actor;
struct strbuf;

enum dossier_channel { CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL };

/* What an officer (or the portal) records at intake. */
struct dossier_intake {
	const char *procedure;		/* national code, e.g. "1.001193" */
	enum dossier_channel channel;
	const char *agency;		/* receiving agency (key/eid/id); NULL: the clerk's */
	const char *applicant_name;
	const char *applicant_id;	/* CCCD/CMND number; may be empty */
	const char *applicant_phone;	/* 10 digits starting with 0 */
	const char *applicant_email;
	const char *applicant_address;
	const char *request;		/* nội dung yêu cầu; default: the procedure's name */
	json_t *documents;		/* indexes of the procedure's documents received; NULL: all */
	int64_t fee_paid;		/* VND taken at the counter */
	const char *postal_tracking;	/* the post's tracking number (postal) */
	/*
	 * Optional: runs inside the intake's transaction once the dossier is
	 * written (the portal moves a draft's files to it), so both happen
	 * or neither.  Returns 0 or an E_* code (which rolls back).
	 */
	int (*also)(struct db *db, int64_t id, void *ctx, struct err *e);
	void *also_ctx;
};

/*
 * Takes in a dossier.  At the counter the dossier is received at once: it
 * gets its code and its deadline.  Online and by post it is "submitted"
 * and waits for a clerk to accept it (by post, the clock starts when the
 * agency receives it, that is, at acceptance).  by is the clerk (counter),
 * the postal officer (postal) or NULL (online, from the portal).  Fills
 * *id.  One transaction, audited in the dossier's history.
 */
int dossier_intake(struct db *db, const struct user *by, const struct audit_actor *who,
		   const struct dossier_intake *in, int64_t *id, struct err *e);

/*
 * An action on a dossier, by code (or "#id" before it has a code).  args
 * is the action's JSON body: "version" (optimistic lock: the version the
 * officer saw; missing: the current one), "note", and per action:
 *   accept, request_completion {"documents":[…]}, reject {"reason"},
 *   assign {"to": username | null for the agency's queue}, claim,
 *   transfer {"to": agency}, request_supplement {"documents":[…], "reason"},
 *   resume, refuse {"reason"}, withdraw {"reason"}, approve, mark_ready,
 *   return {"channel":"counter"|"postal"|"online","tracking"},
 *   apologize {"reason","new_date":"YYYY-MM-DD"}.
 * A forbidden action is E_CONFLICT naming the state and what is allowed;
 * a stale version is E_CONFLICT saying someone else changed it first.
 * One transaction: state, event, steps and counters together.
 */
int dossier_act(struct db *db, const struct user *by, const struct audit_actor *who,
		const char *code, const char *action, json_t *args, struct err *e);

/*
 * Whether `by` may see the dossier (by code or "#id"): 0 with *id filled,
 * or E_NOTFOUND with e filled (the same answer whether it exists or not).
 */
int dossier_check_visible(struct db *db, const struct user *by, const char *code,
			  int64_t *id, struct err *e);

/*
 * The applicant completes a dossier that was returned to them
 * (incomplete → submitted), from the portal: phone must be the dossier's
 * applicant_phone (E_NOTFOUND otherwise).  One transaction with its event.
 */
int dossier_applicant_complete(struct db *db, const struct audit_actor *who,
			       int64_t id, const char *phone, const char *note,
			       struct err *e);

/*
 * The active agencies that receive dossiers of the procedure with this
 * code, as a JSON array of {key, name}, for the applicant to choose.
 */
struct procedure;
int dossier_receiving_agencies(struct db *db, const struct procedure *p, json_t **out);

/* The actions `by` may take on the dossier now, as a JSON array of names. */
int dossier_allowed(struct db *db, const struct user *by, const char *code,
		    json_t **out, struct err *e);

/*
 * The dossier as JSON for an officer who may see it (E_NOTFOUND otherwise):
 * its fields, steps with deadlines and outcomes, events, apologies, and
 * the actions allowed to `by`.
 */
int dossier_get(struct db *db, const struct user *by, const char *code,
		json_t **out, struct err *e);

struct dossier_filter {
	const char *state;	/* a state, "open" (unfinished) or NULL */
	const char *procedure;
	const char *q;		/* code, applicant name, phone or ID number */
	const char *due;	/* "soon" (at risk), "late", or NULL */
	/*
	 * The dossiers behind an indicator (kpi/): received by this agency
	 * (key) or one below it, received/finished/returned ("by") between
	 * two local days, with this outcome (early, on_time, late) or
	 * channel (counter, online, postal; for "returned", the return's).
	 */
	const char *agency;
	const char *from, *to;	/* YYYY-MM-DD, inclusive */
	const char *by;		/* "received" (default), "finished", "returned" */
	const char *outcome;
	const char *channel;
	bool mine;		/* open and assigned to `by` */
	bool queue;		/* open, unassigned, handled at by's agency */
	int page;
	int per_page;
};

/* Dossiers `by` may see, newest first, with counts per state: {"items","total","counts"}. */
int dossier_list(struct db *db, const struct user *by, const struct dossier_filter *f,
		 json_t **out, struct err *e);

/*
 * Public tracking: the dossier with this code whose applicant's phone ends
 * in check (4 digits).  A wrong code and a wrong check both give
 * E_NOTFOUND with the same message.  No personal data in full: the name
 * is masked, no phone, no ID, no officer names.
 */
int dossier_track(struct db *db, const char *code, const char *check, json_t **out,
		  struct err *e);

/* The same, written as JSON text straight into out (the fast path of the API). */
int dossier_track_write(struct db *db, const char *code, const char *check,
			struct strbuf *out, struct err *e);

/* Vietnamese (or English) words for a state, for citizens. */
const char *dossier_state_label(const char *state);

/*
 * The counters of the indicators are kept with every change.  This
 * recomputes them from the history into a scratch table and reports each
 * difference in *diffs (a JSON array); with fix, replaces the counters.
 */
int dossier_counters_rebuild(struct db *db, bool fix, json_t **diffs, struct err *e);

/*
 * Generates n demonstration dossiers received between two days (calendar
 * day numbers) through the functions above, with the clock set to each
 * moment; what would happen after to_day stays open.  Creates one demo
 * officer per agency involved ("demo-<agency key>", password
 * "demo-cchc-2021").  Needs the demo agencies and catalogue.
 */
int dossier_demo(struct db *db, int n, int from_day, int to_day, unsigned seed,
		 struct err *e);

/*
 * Appends an event that leaves the state as it is (a payment "pay", a
 * rating "rate") to the dossier's history and bumps its counters, inside
 * the caller's transaction.  who is the actor; at the instant.
 */
int dossier_note(struct db *db, int64_t dossier_id, const struct audit_actor *who,
		 int64_t at, const char *action, const char *note, json_t *data);

/*
 * The dossier's fee items as recorded at intake, a JSON array of
 * {"name","amount","exempt"}.  0 or E_INTERNAL.
 */
int dossier_fees(struct db *db, int64_t dossier_id, json_t **out);

/*
 * The SIPAS satisfaction factors an applicant rates 1 to 5, in order:
 * access (tiếp cận dịch vụ), procedure (thủ tục hành chính), officers
 * (công chức giải quyết), result (kết quả), feedback (tiếp nhận, xử lý
 * phản ánh kiến nghị).  Counter names use them: score_<f>, satisfied_<f>.
 * The event "rate" carries {"scores":{f: n}}; "pay" carries
 * {"paid_online": true} when an online payment settles the fee.
 */
#define DOSSIER_RATING_FACTORS 5
extern const char *const dossier_rating_factors[DOSSIER_RATING_FACTORS];

/* How many dossiers there are (0 on error). */
int64_t dossier_count(struct db *db);

/* Masks a name for the public: "Nguyễn Văn An" → "N*** V** A*". */
void dossier_mask_name(const char *name, struct strbuf *out);

/* Lookups per minute per address on public tracking; 0 for no limit. */
void dossier_set_track_limit(int per_minute);
int dossier_track_limit(void);
/*
 * Takes one public lookup (tracking, paying or rating with the phone's
 * digits) for the request's address: 0, or E_RATELIMIT with req->err
 * (retry_after set) when the address is over dossier_track_limit().
 */
int dossier_track_take(struct request *req);
/*
 * The same for a page that shows the refusal itself: false, or true with
 * the response at 429 (Retry-After set) and e filled.
 */
bool dossier_track_refused(struct request *req, struct response *res, struct err *e);

extern const struct route dossier_api_routes[];
extern const unsigned dossier_api_nroutes;
extern const struct route dossier_message_routes[];
extern const unsigned dossier_message_nroutes;
extern const struct route dossier_page_routes[];
extern const unsigned dossier_page_nroutes;

#endif
