/* Private to src/plan/. */
#ifndef CCHC_PLAN_PLAN_IMPL_H
#define CCHC_PLAN_PLAN_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct db;
struct err;
struct plan_agency_list;
struct plan_deadline;
struct plan_doc;
struct plan_info;
struct plan_registry;
struct strbuf;
struct user;


/* The msgid of a warning kind ("unknown_agency" …), or NULL. */
const char *plan_warning_template(const char *kind);
/* A warning's message in the thread's language, from its kind and args (JSON array). */
void plan_warning_message(struct strbuf *out, const char *kind, json_t *args,
			  const char *fallback);

/* Today's local date (from clock_now()). */
int plan_today(void);
/* "YYYY-MM-DD" of a day into a fresh JSON string; JSON null for 0. */
json_t *plan_day_json(int day);
/*
 * The day of a "YYYY-MM-DD" query or field: *day gets it, or `def` when
 * s is NULL or empty.  E_INVALID naming field otherwise.
 */
int plan_day_arg(const char *s, int def, int *day, const char *field, struct err *e);

/* Whether the user may see everything (monitors). */
bool plan_viewer_all(const struct user *u);

/* Writes the plan_doc's warnings as JSON (the shape of the API). */
json_t *plan_doc_warning_json(const struct plan_doc *d, int i);

/* Agencies the registry groups: departments, districts, communes. */
enum plan_group {
	PLAN_GROUP_DEPARTMENTS = 1,
	PLAN_GROUP_DISTRICTS = 2,
	PLAN_GROUP_COMMUNES = 4,
};

/* Replaces the agencies of one role ("lead", "coordinating") of a task. */
int plan_task_agencies_set(struct db *db, int64_t task, const char *role,
			   const struct plan_agency_list *l, const struct plan_registry *r);
/* Sets a task's deadline: as written and as understood. */
int plan_task_deadline_set(struct db *db, int64_t task, const char *text,
			   const struct plan_deadline *dl);
/* The dates of a deadline as stored: "2021-06-30,2021-12-31". */
void plan_deadline_dates_text(const struct plan_deadline *dl, struct strbuf *out);

struct request;
struct response;
/* Sends a report as format: "json" (or NULL), "pdf", "xlsx" or "csv". */
int plan_send_report(struct request *req, struct response *res, json_t *report,
		     const char *format);

/* The root agency's index in the registry, or -1. */
int plan_registry_root(const struct plan_registry *r);
/* The folded name and the kind of agency i. */
const char *plan_registry_kind(const struct plan_registry *r, int i);

#endif
