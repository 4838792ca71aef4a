/*
 * plan: the province's administrative reform plan — its targets (chỉ
 * tiêu), its tasks (nhiệm vụ) with their deadlines and agencies, the
 * progress agencies report, the periodic reports they owe, and the
 * reports compiled from all of it for Sở Nội vụ and the People's
 * Committee.  A plan is imported from the decision that issues it (the
 * seed is one); docs/plan.md tells the whole story.
 *
 * Three layers, each usable without the next:
 *   - parsing (parse.c, pure): deadlines, agency lists, targets and the
 *     whole document, into a struct plan_doc with its warnings;
 *   - storage (import.c, plan.c): importing a document idempotently,
 *     tasks with their derived state, progress, targets, submissions;
 *   - output (report.c, reminder.c, api.c, pages.c).
 *
 * Dates are day numbers of calendar.h; in JSON and SQL, "YYYY-MM-DD".
 * "As of" a day means: what was known by the end of that day — reports
 * dated later are not counted.  Nothing reads the wall clock but through
 * clock_now(), so tests choose the day.
 */
#ifndef CCHC_PLAN_PLAN_H
#define CCHC_PLAN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct audit_actor;
struct db;
struct err;
struct strbuf;
struct user;

/* ---- deadlines ---------------------------------------------------------- */

enum plan_deadline_kind {
	PLAN_DL_NONE = 0,	/* the cell is empty */
	PLAN_DL_DATE,		/* one due date ("Quý II/2021", "Năm 2021") */
	PLAN_DL_DATES,		/* several ("Quý II và Quý IV/2021") */
	PLAN_DL_RECURRING,	/* "Nhiệm vụ thường xuyên": reported every quarter */
	PLAN_DL_CONDITIONAL,	/* "Sau khi có văn bản hướng dẫn…", "Theo tiến độ Đề án" */
	PLAN_DL_UNKNOWN,	/* not understood: kept as text, with a warning */
};

#define PLAN_DL_MAX 8

struct plan_deadline {
	enum plan_deadline_kind kind;
	int dates[PLAN_DL_MAX];	/* due days, ascending: the end of each quarter, year … */
	int ndates;
	int starts;		/* the first day of a range ("Quý II-III": 1 April); 0: none */
	bool ongoing;		/* "… và các năm tiếp theo": goes on after the year */
	bool year_assumed;	/* no year was written: the plan's was taken */
};

/* "date", "dates", "recurring", "conditional", "none", "unknown". */
const char *plan_deadline_kind_name(enum plan_deadline_kind kind);
/* The kind of that name; PLAN_DL_UNKNOWN for anything else. */
enum plan_deadline_kind plan_deadline_kind_parse(const char *name);

/*
 * Understands a deadline as written in a plan's table, for a plan of
 * `year`: quarters in Roman or Arabic numerals with or without spaces
 * ("Quý I/ 2021"), ranges ("Quý II-III/2021"), lists ("Quý II và Quý
 * IV/2021"), "Năm 2021", "Trong năm 2021", "… và các năm tiếp theo",
 * "6 tháng đầu năm 2021", "Tháng 3/2021", dates ("trước ngày 31/01/2021"),
 * "Nhiệm vụ thường xuyên" and conditional phrases.  Returns 0, or
 * E_INVALID when it does not understand the text (out->kind is then
 * PLAN_DL_UNKNOWN); an empty text is PLAN_DL_NONE and 0.
 */
int plan_deadline_parse(const char *text, int year, struct plan_deadline *out);
/* The deadline as JSON: {"kind","dates":[…],"starts"?,"ongoing"?}; the caller adds "text". */
json_t *plan_deadline_json(const struct plan_deadline *dl);
/* Reads what plan_deadline_json() wrote (kind, dates, starts, ongoing). */
int plan_deadline_from_json(json_t *j, struct plan_deadline *out, struct err *e);

/* ---- task state ---------------------------------------------------------- */

enum plan_state {
	PLAN_NOT_STARTED = 0,
	PLAN_ON_TRACK,
	PLAN_DUE_SOON,
	PLAN_OVERDUE,
	PLAN_DONE_ON_TIME,
	PLAN_DONE_LATE,
	PLAN_NSTATES
};

/* "not_started", "on_track", "due_soon", "overdue", "done_on_time", "done_late". */
const char *plan_state_name(enum plan_state s);
/* The state of that name, or -1. */
int plan_state_parse(const char *name);
/* The label of a state in the thread's language. */
const char *plan_state_label(enum plan_state s);

/* One progress report, as the state needs it. */
struct plan_point {
	int day;		/* the day it speaks for */
	int percent;
	bool done;
};

/*
 * The state of a task on day as_of, from its deadline and its reports
 * (any order; those after as_of are ignored), for a plan of `year`:
 *   - done (the latest report says so): on time if done by the last due
 *     date (the year's end when there is none), else late;
 *   - dated deadlines: overdue once a due date has passed with the work
 *     short of that date's share (with n dates, date i wants i/n of it);
 *     due soon within remind_days of the next due date; else on track
 *     once reported on, not started before;
 *   - recurring: overdue when the last quarter that ended had no report;
 *     due soon when the quarter ends within remind_days with no report
 *     in it yet; else on track once reported on;
 *   - conditional, none and unknown: never overdue by themselves.
 * *due (may be NULL) gets the next due date that matters, 0 if none.
 */
enum plan_state plan_state_of(const struct plan_deadline *dl,
			      const struct plan_point *pts, int n, int as_of,
			      int remind_days, int year, int *due);

/* ---- periods ------------------------------------------------------------- */

/*
 * Periods of a plan's year: "Q1" … "Q4", "H1", "H2", "Y" (the year), and
 * "plan" (the agencies' own plans, due by agency_plan_due).  Reports are
 * compiled for any of them but "plan"; agencies submit reports for Q1, H1
 * (six months), Q3 and Y (the year), as seed IV.3.b asks.
 */
struct plan_period {
	char code[8];
	int from, to;		/* first and last day */
};

/* Fills p for code in year; E_INVALID (field "period") if code is not one. */
int plan_period_parse(const char *code, int year, struct plan_period *p, struct err *e);
/* The label of a period ("Quý I năm 2021"), in the thread's language. */
void plan_period_label(const char *code, int year, struct strbuf *out);

/* ---- the agency registry, for reading agency names ------------------------ */

struct plan_registry;

/* Reads the active agencies from the database.  Returns 0 or E_INTERNAL. */
int plan_registry_load(struct db *db, struct plan_registry **out);
/*
 * Reads agencies from the TSV of assets/data/agencies.tsv (for tests and
 * dry runs without a database); ids are the row numbers.
 */
struct plan_registry *plan_registry_from_tsv(const char *tsv);
void plan_registry_free(struct plan_registry *r);
int plan_registry_size(const struct plan_registry *r);
/* Agency i of the registry: its key, name, database id. */
const char *plan_registry_key(const struct plan_registry *r, int i);
const char *plan_registry_name(const struct plan_registry *r, int i);
int64_t plan_registry_id(const struct plan_registry *r, int i);
/* The index of the agency with that key, or -1. */
int plan_registry_find(const struct plan_registry *r, const char *key);

/* An agency found in a list, and the phrase it came from. */
struct plan_agency_match {
	int agency;		/* index in the registry */
	char *via;		/* the group phrase, verbatim; NULL when named */
};

/*
 * What a list of agencies ("Các Sở: Nội vụ, Thông tin và Truyền thông;
 * UBND các huyện, thị xã, thành phố") names: agencies, each once, in the
 * order written, with groups expanded; the pieces that name no agency
 * (verbatim); and the vague groups ("các Sở, ngành có liên quan") that
 * name none in particular.
 */
struct plan_agency_list {
	struct plan_agency_match *items;
	int n;
	char **unknown;		/* pieces that are not agencies */
	int nunknown;
	char **vague;		/* group phrases of no agency in particular */
	int nvague;
};

#define PLAN_AGENCY_LIST_INIT { 0 }

/*
 * Reads a list of agencies against the registry.  Differences of case
 * and diacritics do not matter; "Sở X" and "Các Sở: X, Y" name
 * departments by their short names; group phrases stand for every agency
 * of a kind (docs/plan.md lists them).  Returns the number of agencies.
 */
int plan_agencies_parse(const struct plan_registry *r, const char *text,
			struct plan_agency_list *out);
void plan_agency_list_release(struct plan_agency_list *l);

/* ---- the document ---------------------------------------------------------- */

struct plan_doc_area {
	char *code;		/* "I" */
	char *name;		/* the appendix heading, as printed */
	char *title;		/* the matching heading of section II, or "" */
	char *focus;		/* the text of section II under it, or "" */
	int line;
};

struct plan_doc_task {
	char *ref;		/* unique in the plan: "I.1", "VII.10.a", "III.3-2" */
	char *number;		/* as printed: "1", "a" */
	char *content, *product, *deadline_text, *lead_text, *coordinating_text;
	struct plan_deadline deadline;
	struct plan_agency_list lead, coordinating;
	int area;		/* index into areas */
	int parent;		/* index into tasks, or -1 */
	bool group;		/* has sub-items */
	int line;
};

struct plan_doc_level {
	char level[16];		/* agency_level code: "province", "district", "commune" */
	double threshold;
};

struct plan_doc_target {
	char *text;		/* the clause, verbatim */
	char *measure;		/* what is counted */
	const char *comparison;	/* ">=", ">", "<=", "<", "=" */
	double threshold;
	char *unit;		/* "%" or "đơn vị" */
	struct plan_doc_level levels[4];
	int nlevels;
	const char *indicator;	/* the indicator code that measures it, or NULL */
	bool no_threshold;	/* the text gives no number: threshold means nothing */
	int line;
};

struct plan_doc_warning {
	const char *kind;	/* "duplicate_number", "unknown_agency" … (docs/plan.md) */
	const char *severity;	/* "review" or "info" */
	char *where;		/* "Phụ lục, III.3-2" */
	char *message;		/* in English; shown translated from kind and args */
	char *args[2];		/* the values in the message, or NULL */
	char *text;		/* the text concerned, verbatim */
	int line;
};

struct plan_doc {
	char *key;		/* "2021" */
	int year;
	char *title;
	char *issuer_text;
	int issuer;		/* registry index, or -1 */
	char *decision_text;
	char *decision_number;	/* NULL when left blank */
	char *decision_date;	/* YYYY-MM-DD, NULL when left blank */
	char *signed_by;
	int agency_plan_due;	/* day, or 0 */
	struct plan_doc_area *areas;
	int nareas;
	struct plan_doc_task *tasks;
	int ntasks;
	struct plan_doc_target *targets;
	int ntargets;
	struct plan_doc_warning *warnings;
	int nwarnings;
};

#define PLAN_DOC_INIT { 0 }

/*
 * Reads a decision issuing a plan (text as in the seed: the body, then
 * the appendix table with TAB-separated cells).  Everything it cannot
 * take as it stands is kept verbatim and listed in out->warnings.
 * Returns 0, or E_INVALID when the text has no year or no task table.
 */
int plan_doc_parse(const char *text, const struct plan_registry *r,
		   struct plan_doc *out, struct err *e);
void plan_doc_release(struct plan_doc *d);
/*
 * The document as `cchc plan import --dry-run --json` prints it:
 * {"plan":{…},"targets":[…],"areas":[{…,"tasks":[{…,"children":[…]}]}],
 *  "warnings":[{"where","message",…}],"summary":{…}}.
 */
json_t *plan_doc_json(const struct plan_doc *d, const struct plan_registry *r);

/* ---- storage ---------------------------------------------------------------- */

struct plan_import_stats {
	int areas, tasks, targets, warnings;	/* in the document */
	int created, updated, unchanged;	/* areas, tasks and targets */
	int warnings_new;
	bool plan_created;
	bool same_source;	/* the plan already held exactly this text */
	char key[32];
};

/*
 * Imports a plan document: creates the plan, or brings an existing plan
 * of the same key to what the document says.  The same text twice
 * changes nothing.  Corrections made since (a task's deadline or
 * agencies) stay unless the document changes that cell.  One transaction,
 * audited.  With dry_run nothing is written.  *doc (may be NULL) gets the
 * plan_doc_json() of the document.
 */
int plan_import(struct db *db, const struct audit_actor *who, const char *text,
		bool dry_run, json_t **doc, struct plan_import_stats *st,
		struct err *e);

/*
 * `cchc init --demo`: imports the demonstration plan embedded in the
 * program (data/plan-2021.txt, the seed: Quảng Nam's 2021 plan), as
 * the command line.  Running it again changes nothing.
 */
int plan_import_demo(struct db *db, struct plan_import_stats *st, struct err *e);

/* A plan as stored. */
struct plan_info {
	int64_t id;
	char *key;
	int year;
	char *title;
	int remind_days;
	int agency_plan_due;	/* day, or 0 */
};

#define PLAN_INFO_INIT { 0 }

void plan_info_release(struct plan_info *p);
/* By key; E_NOTFOUND with a message. */
int plan_find(struct db *db, const char *key, struct plan_info *out, struct err *e);
/* Every plan, newest year first, with counts: JSON array. */
int plan_list(struct db *db, json_t **out);
/* One plan: its fields, areas, periods (JSON object). */
int plan_get_json(struct db *db, const struct plan_info *p, json_t **out);
/* Sets the reminder window (days); monitors only. */
int plan_set_remind_days(struct db *db, const struct user *by,
			 const struct audit_actor *who, const struct plan_info *p,
			 int days, struct err *e);

/* Which tasks to list. */
struct plan_filter {
	const char *area;	/* "VI" */
	const char *agency;	/* key: tasks it leads or coordinates */
	const char *role;	/* with agency: "lead" or "coordinating" only */
	const char *state;	/* plan_state_name() */
	int due_from, due_to;	/* days: the next due date within; 0: open */
	int as_of;		/* day; 0: today */
	bool mine;		/* only tasks of the viewer's own agency */
};

/*
 * The tasks the viewer may see (monitors: all; others: those with an
 * agency at or below theirs), filtered, in the document's order, each as
 * JSON with its derived state as of f->as_of.  A group (a task with
 * sub-items) takes the state of its sub-items and is not counted in
 * "counts" (object state → number, and "total").  *out gets
 * {"as_of","items":[…],"counts":{…}}.
 */
int plan_tasks(struct db *db, const struct user *viewer, const struct plan_info *p,
	       const struct plan_filter *f, json_t **out, struct err *e);
/*
 * One task with its agencies, its progress reports (newest first) and
 * whether the viewer may report on it ("can_report").  E_NOTFOUND when
 * there is none or the viewer may not see it.
 */
int plan_task_get(struct db *db, const struct user *viewer, const struct plan_info *p,
		  const char *ref, int as_of, json_t **out, struct err *e);

/* A progress report as given by a reporter. */
struct plan_progress_new {
	const char *status;	/* "not_started", "in_progress", "done" */
	int percent;		/* 0–100; "done" is 100 */
	const char *note;	/* what was done */
	const char *evidence;	/* links or document references, one a line */
	const char *day;	/* YYYY-MM-DD it speaks for; NULL: today; never in the future */
};

/*
 * Records progress on a task for the reporter's agency, which must be a
 * lead or coordinating agency of it (else E_DENIED).  Groups take no
 * reports (E_CONFLICT).  Audited; *id gets the report's id.
 */
int plan_progress_add(struct db *db, const struct user *by, const struct audit_actor *who,
		      const struct plan_info *p, const char *ref,
		      const struct plan_progress_new *n, int64_t *id, struct err *e);

/*
 * A monitor's correction of a task the import could not read right:
 * any of the deadline ({"kind","dates"}), lead and coordinating (arrays
 * of agency keys) in j.  Audited.
 */
int plan_task_correct(struct db *db, const struct user *by, const struct audit_actor *who,
		      const struct plan_info *p, const char *ref, json_t *j,
		      struct err *e);

/* Targets with their levels, values and latest value (JSON array). */
int plan_targets(struct db *db, const struct plan_info *p, json_t **out);
/*
 * "met", "not_met" or "no_data" (no value or no threshold) for value
 * against threshold by cmp (">=", ">", "<=", "<", "="; anything else is
 * ">=").  The KPI indicators judge their targets with it too.
 */
const char *plan_verdict(const char *cmp, bool has_threshold, double threshold,
			 bool has_value, double value);
/*
 * Enters a target's value for a period (and level: NULL or "" for the
 * whole province) with its evidence.  Monitors only.  Audited.
 */
int plan_target_value_add(struct db *db, const struct user *by,
			  const struct audit_actor *who, const struct plan_info *p,
			  int64_t seq, const char *period, const char *level,
			  double value, const char *evidence, struct err *e);

/* The import's warnings, unresolved first (JSON array). */
int plan_warnings(struct db *db, const struct plan_info *p, json_t **out);
/* Marks a warning reviewed, with what was done about it.  Monitors only. */
int plan_warning_resolve(struct db *db, const struct user *by,
			 const struct audit_actor *who, const struct plan_info *p,
			 int64_t id, const char *resolution, struct err *e);

/* A periodic report (or an agency's own plan) sent by an agency. */
struct plan_submission_new {
	const char *agency;	/* key; NULL: the sender's own */
	const char *period;	/* "plan", "Q1", "H1", "Q3", "Y" */
	const char *reference;	/* the document's number and date */
	const char *link;
	const char *summary;
	const char *day;	/* the day it was sent; NULL: today */
};

/*
 * Records that the sender's agency sent its report for a period.  A
 * reporter sends for their own agency only (E_DENIED otherwise); once per
 * agency and period (E_CONFLICT).  Audited.
 */
int plan_submission_add(struct db *db, const struct user *by,
			const struct audit_actor *who, const struct plan_info *p,
			const struct plan_submission_new *n, int64_t *id,
			struct err *e);
/*
 * For each period an agency owes a report for, and each agency that owes
 * (those leading a task, or only the viewer's own agency for others than
 * monitors; only `agency` when given): sent on time, late, missing
 * (overdue) or not yet due, as of as_of.  JSON array.
 */
int plan_submissions(struct db *db, const struct user *viewer, const struct plan_info *p,
		     const char *period, const char *agency, int as_of, json_t **out,
		     struct err *e);

/* ---- reports -------------------------------------------------------------------- */

/*
 * The progress report of a period, for one agency (key) or the whole
 * province (NULL): tasks by state per area, overdue tasks with their lead
 * agencies, targets against thresholds, and who sent their report, as of
 * the period's last day (or today, if that is earlier).  Built from
 * plan_tasks(), so its counts are the task list's.  JSON object.
 */
int plan_report(struct db *db, const struct user *viewer, const struct plan_info *p,
		const char *period, const char *agency, json_t **out, struct err *e);
/* The report as a PDF or XLSX document (appended to out), or CSV of its tasks. */
int plan_report_pdf(json_t *report, struct strbuf *out, struct err *e);
int plan_report_xlsx(json_t *report, struct strbuf *out, struct err *e);
int plan_report_csv(json_t *report, struct strbuf *out, struct err *e);

/* ---- reminders ------------------------------------------------------------------- */

/*
 * Tasks due within the plan's remind_days and overdue tasks that the
 * agency leads (by id; 0: every agency the viewer sees), and periodic
 * reports due or missing, as of as_of: JSON array of
 * {"kind","subject","due","agency","message",…}.
 */
int plan_reminders(struct db *db, const struct user *viewer, const struct plan_info *p,
		   int64_t agency_id, int as_of, json_t **out, struct err *e);
/*
 * Puts the reminders of every agency as of as_of in the plan_reminder
 * outbox for the notification service to send; one per agency, subject
 * and due date, so running it daily queues each once.  *queued gets the
 * number added.
 */
int plan_reminders_queue(struct db *db, const struct audit_actor *who,
			 const struct plan_info *p, int as_of, int *queued,
			 struct err *e);

/* ---- routes --------------------------------------------------------------------- */

extern const struct route plan_api_routes[];
extern const unsigned plan_api_nroutes;
extern const struct route plan_page_routes[];
extern const unsigned plan_page_nroutes;

#endif
