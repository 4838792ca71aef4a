/*
 * Private to src/plan/: a plan's tasks loaded whole, with their agencies,
 * their reports and their state as of a day — what the task list, the
 * task page, the reports and the reminders are all made from, so that
 * they always agree.
 */
#ifndef CCHC_PLAN_TASKS_H
#define CCHC_PLAN_TASKS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "plan/plan.h"

struct db;
struct user;

struct task_agency {
	int64_t id;
	char *key, *name, *path;
	char *via;		/* the group phrase it came from, "" if named */
	bool lead;		/* else coordinating */
};

struct task_report {
	int64_t id;
	int day;
	int percent;
	bool done;
	char *status, *note, *evidence, *agency_key, *agency_name, *username;
	int64_t recorded_at;
};

struct task {
	int64_t id, parent;
	int parent_idx;		/* index of the group, or -1 */
	char *ref, *number, *content, *product, *deadline_text, *lead_text,
		*coordinating_text, *area_code, *area_name;
	struct plan_deadline dl;
	struct task_agency *ag;
	int nag;
	struct task_report *rep;	/* by day, then as recorded */
	int nrep;
	bool group;		/* has sub-items */
	bool visible;		/* the viewer may see it */
	bool mine;		/* the viewer's own agency is charged with it */
	enum plan_state state;
	int due;		/* the due date that matters next, 0 if none */
};

struct taskset {
	struct task *t;		/* in the document's order */
	int n;
	int64_t *index;		/* (id, index) pairs sorted by id */
	int as_of;
};

/*
 * Loads every task of the plan with states as of as_of (0: today), and
 * which the viewer may see (NULL: all).  Returns 0 or E_INTERNAL.
 */
int taskset_load(struct db *db, const struct user *viewer, const struct plan_info *p,
		 int as_of, struct taskset *ts);
void taskset_release(struct taskset *ts);
struct task *taskset_find(struct taskset *ts, const char *ref);
/* The latest report as of the day, or NULL. */
const struct task_report *task_last_report(const struct task *t, int as_of);
/* Whether the agency is charged with the task (in that role; NULL: either). */
bool task_has_agency(const struct task *t, int64_t agency, const char *role);
/* A task as JSON (the API's shape); detail adds coordinating agencies and history. */
json_t *task_json(const struct taskset *ts, const struct task *t, bool detail);

#endif
