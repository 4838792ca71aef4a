/* Private to src/catalog/: what its files share. */
#ifndef CCHC_CATALOG_IMPL_H
#define CCHC_CATALOG_IMPL_H

#include <stdint.h>

#include "catalog/catalog.h"

/* procedure_json's flags. */
enum {
	PROC_JSON_STATUS = 1 << 0,	/* "status" */
	PROC_JSON_META = 1 << 1,	/* version, version_id, agency_name, times */
	PROC_JSON_EXPORT = PROC_JSON_STATUS,
	PROC_JSON_API = PROC_JSON_STATUS | PROC_JSON_META,
};
json_t *procedure_to_json(const struct procedure *p, unsigned flags);

/* What procedure_store did. */
enum store_outcome {
	STORE_CREATED,
	STORE_NEW_VERSION,	/* a frozen version was kept, a new one made */
	STORE_CHANGED,		/* a draft changed in place, or only the status */
	STORE_UNCHANGED,
};

/*
 * Inside the caller's transaction: brings the procedure p->code to the
 * content of p and, when status is not NULL, to that status — creating it
 * if it does not exist (as a draft when status is NULL).  Checks the
 * scope of by (NULL: none) and writes the audit log and the generation.
 * Does not run procedure_validate.
 */
int procedure_store(struct db *db, const struct user *by, const struct audit_actor *who,
		    const struct procedure *p, const char *status,
		    enum store_outcome *outcome, struct err *e);

/* Adds one to the catalogue's generation, in the caller's transaction. */
int catalog_bump(struct db *db);
/*
 * Tells the search index of this process that the catalogue changed: call
 * it after committing a transaction that called catalog_bump, so that the
 * next search in any thread reads the new generation at once.
 */
void catalog_changed(void);
/* The catalogue's generation as this connection sees it. */
int catalog_generation(struct db *db, int64_t *out);

/* Whether s is one of the NULL-terminated list. */
bool one_of(const char *s, const char *const *list);

extern const char *const procedure_time_units[];
extern const char *const procedure_online_modes[];
extern const char *const procedure_statuses[];
extern const char *const procedure_agency_kinds[];

#endif
