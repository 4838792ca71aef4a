/*
 * catalog: the administrative procedures (TTHC) that citizens file dossiers
 * for — what to bring, how long it takes, what it costs, where to go.
 *
 * A procedure is known by its national code ("1.001193").  What it says
 * lives in versions: the current version is the one in force (or the
 * draft being written).  A version that has ever been published is frozen,
 * so changing a published procedure makes a new version; a dossier records
 * the version_id it was filed under and can always load that version.
 *
 * Statuses: draft (being written, not shown to the public) → published
 * (in force, searchable) → retired (no longer in force).  A retired
 * procedure may be published again; nothing goes back to draft.
 *
 * The shape of a procedure in JSON — the import format, documented in
 * docs/catalog.md — is:
 *   {"code","name","field","levels":[…],"agency_kind","time":{"value","unit"},
 *    "steps":[{"name","kind","share","agency"?}],"fees":[{"name","amount","exempt"}],
 *    "documents":[{"name","kind","copies","form"}],"result","legal_basis":[…],
 *    "online","postal":{"submit","return"},"status","note"}
 */
#ifndef CCHC_CATALOG_CATALOG_H
#define CCHC_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct audit_actor;
struct db;
struct err;
struct strbuf;
struct user;

struct procedure_step {
	char *name;
	char *kind;		/* reception, appraisal, approval, return, transfer */
	double share;		/* of the procedure's time, in its unit */
	char *agency;		/* agency key or kind doing the step; NULL: the procedure's */
};

struct procedure_fee {
	char *name;
	int64_t amount;		/* VND; 0 for free */
	char *exempt;		/* who does not pay; "" for nobody */
};

struct procedure_document {
	char *name;
	char *kind;		/* original, copy, original_or_copy */
	int copies;
	char *form;		/* the form to fill in; "" for none */
};

struct procedure {
	int64_t id;		/* the procedure; 0 before it is stored */
	int64_t version_id;	/* the version: what a dossier records */
	int version;		/* 1, 2, … */
	char *code;
	char *name;
	char *field;		/* lĩnh vực, e.g. "Hộ tịch" */
	char **levels;		/* agency_level codes: "province", "district", "commune" */
	int nlevels;
	/*
	 * Who carries it out: every agency of a kind ("commune", "district"),
	 * or one agency, by key ("so-tu-phap").  In JSON both are the one
	 * field "agency_kind", as in the import format.
	 */
	char *agency_kind;
	char *agency_key;
	char *agency_name;	/* name of agency_key when loaded from the database */
	double time_value;
	char *time_unit;	/* working_days, working_hours, calendar_days */
	struct procedure_step *steps;
	int nsteps;
	struct procedure_fee *fees;
	int nfees;
	struct procedure_document *documents;
	int ndocuments;
	char *result;		/* what the applicant receives */
	char **legal_basis;
	int nlegal_basis;
	char *online;		/* none, partial, full (Decree 42/2022) */
	bool postal_submit;	/* may be filed through the public postal service */
	bool postal_return;	/* the result may be returned by post */
	char *status;		/* draft, published, retired; "superseded" for an old version */
	char *note;
	int64_t created_at, updated_at, published_at;
};

#define PROCEDURE_INIT { 0 }

void procedure_release(struct procedure *p);

/*
 * Reads a procedure from its JSON form (see above), checking every value
 * on its own: on a mistake returns E_INVALID with e->field naming it the
 * way the JSON does ("steps[2].share", "time.unit").  Members the output
 * of procedure_json adds ("version", "version_id", "agency_name",
 * "updated_at", "published_at") are ignored; any other unknown member is
 * an error.  A missing "status" reads as "draft"; code_required false
 * allows a missing "code" (an update names it in the URL).
 */
int procedure_from_json(json_t *j, bool code_required, struct procedure *out,
			struct err *e);

/*
 * Checks what needs the database or the whole procedure: the levels and
 * agencies exist, and the step shares add up to the processing time (the
 * message names the difference: "the step shares add up to 14.5 working
 * days, 0.5 less than the 15 of the procedure").  E_INVALID with the field.
 */
int procedure_validate(struct db *db, const struct procedure *p, struct err *e);

/*
 * The JSON of a procedure: the import format (with "status") plus
 * "version", "version_id", "agency_name" (when agency_key is set),
 * "updated_at" and "published_at" (null if never published).
 */
json_t *procedure_json(const struct procedure *p);

/*
 * The current version of the procedure with this code (any status), with
 * its steps, fees and documents.  E_NOTFOUND with a message.
 */
int procedure_find(struct db *db, const char *code, struct procedure *out,
		   struct err *e);
/*
 * A given version, by procedure_version.id — what a dossier filed under
 * it must follow even after the procedure changed.  Its status reads
 * "superseded" when it is no longer the current version.  E_NOTFOUND.
 */
int procedure_load_version(struct db *db, int64_t version_id, struct procedure *out);
/* Version n (1, 2, …) of the procedure with this code.  E_NOTFOUND. */
int procedure_find_version(struct db *db, const char *code, int n,
			   struct procedure *out, struct err *e);
/*
 * Every version of a procedure, oldest first, as a JSON array of
 * {"version","version_id","name","created_at","published_at","superseded_at"}.
 */
int procedure_versions(struct db *db, const char *code, json_t **out, struct err *e);

/*
 * Changes, each one transaction with its audit entry.  by (NULL for the
 * command line) must see the agency that owns the procedure: for a
 * procedure of one agency, that agency; for one of a whole kind of
 * agency, the province (the root of the tree).  Otherwise E_DENIED.
 *
 * procedure_create stores a new draft (p->status is ignored); E_CONFLICT
 * (field "code") if the code exists.  procedure_update replaces the
 * content of the procedure with that code: a draft is changed in place,
 * a version that was ever published is kept and a new version made;
 * *new_version (may be NULL) tells which.  Its status does not change.
 * publish puts the current version in force (from draft or retired);
 * retire takes it out (from draft or published).  Each fills out (may be
 * NULL) with the procedure as it now is.
 */
int procedure_create(struct db *db, const struct user *by, const struct audit_actor *who,
		     const struct procedure *p, struct procedure *out, struct err *e);
int procedure_update(struct db *db, const struct user *by, const struct audit_actor *who,
		     const char *code, const struct procedure *p, bool *new_version,
		     struct procedure *out, struct err *e);
int procedure_publish(struct db *db, const struct user *by, const struct audit_actor *who,
		      const char *code, struct procedure *out, struct err *e);
int procedure_retire(struct db *db, const struct user *by, const struct audit_actor *who,
		     const char *code, struct procedure *out, struct err *e);

/* ---- import and export (import.c) ------------------------------------- */

enum catalog_format { CATALOG_JSON, CATALOG_CSV };

struct catalog_import_stats {
	int rows;		/* procedures in the file */
	int created;		/* new procedures */
	int new_versions;	/* published ones whose content changed */
	int changed;		/* drafts changed in place, or status changes only */
	int unchanged;
};

/*
 * Imports procedures from text in the JSON or CSV format of
 * docs/catalog.md, all or nothing, in one transaction: each row creates
 * the procedure, or brings the existing one to what the row says (content
 * as procedure_update, then its status), or leaves it alone when nothing
 * differs — so importing the same file twice creates nothing the second
 * time.  A mistake names the row ("row 3 (1.001193), steps[2].share: …",
 * e->field "steps[2].share") and imports nothing.  dry_run checks and
 * counts everything, then rolls back.  Audited as who (the command line).
 */
int catalog_import(struct db *db, const struct audit_actor *who, const char *text,
		   enum catalog_format format, bool dry_run,
		   struct catalog_import_stats *stats, struct err *e);
/*
 * Appends every procedure (its current version), by code, to out in the
 * import format; only the published ones if published_only.  Importing
 * the output changes nothing.
 */
int catalog_export(struct db *db, enum catalog_format format, bool published_only,
		   struct strbuf *out);
/*
 * Loads the demonstration catalogue (the embedded data/procedures.json)
 * as catalog_import does: loading it again changes nothing.  Returns 0
 * (also when this build has no such file) or an error with e filled.
 */
int catalog_demo_load(struct db *db, struct err *e);

/* ---- search (search.c) ------------------------------------------------ */

/*
 * A search of the catalogue.  q is free text, folded (base/text.h) and
 * split into words that must all occur in the name, code or body of the
 * procedure; filters are exact values and NULL or "" for none: level (an
 * agency_level code), agency (an agency kind or key, as agency_kind),
 * field, online.  status is "published" unless set ("all" for any; for
 * administrators).  page counts from 1.
 *
 * Results rank the procedures whose name holds more of the words first,
 * then shorter names, then by name; without words, by name.  Facets
 * count, for each value of level, agency, field and online, the
 * procedures matching the whole search.
 */
struct catalog_query {
	const char *q;
	const char *level;
	const char *agency;
	const char *field;
	const char *online;
	const char *status;
	int page;
	int per_page;		/* 1..100; 0 for 20 */
};

struct catalog_hit {
	char *code;
	char *name;
	char *field;
	char *levels;		/* "district,commune" */
	char *agency;		/* kind or key, as agency_kind */
	double time_value;
	char *time_unit;
	char *online;
	char *status;
	bool postal_submit, postal_return;
};

struct catalog_facet_value {
	char *value;
	int count;
};

struct catalog_facet {
	const char *name;	/* "level", "agency", "field", "online" */
	struct catalog_facet_value *values;	/* by count, then value */
	int nvalues;
};

enum { CATALOG_FACETS = 4 };

struct catalog_result {
	int total;
	int page, per_page;
	struct catalog_hit *hits;
	int nhits;
	struct catalog_facet facets[CATALOG_FACETS];
};

#define CATALOG_RESULT_INIT { 0 }

void catalog_result_release(struct catalog_result *r);
/*
 * Runs a search.  It reads an in-memory index of the catalogue, shared by
 * the server's threads and rebuilt from the database when the catalogue
 * changed (every change bumps a generation counter in the same
 * transaction): a change made through this process is seen by the next
 * search, one made by another process (the command line, another server)
 * within a tenth of a second.  E_INVALID naming a bad parameter (page,
 * per_page, status).
 */
int catalog_search(struct db *db, const struct catalog_query *q,
		   struct catalog_result *out, struct err *e);
/*
 * The same, written straight to out as the JSON of
 * GET /api/v1/procedures: {"items":[…],"total","page","per_page","facets":{…}}.
 */
int catalog_search_json(struct db *db, const struct catalog_query *q,
			struct strbuf *out, struct err *e);
/* Drops the in-memory index (tests; it is rebuilt on the next search). */
void catalog_index_reset(void);

/*
 * Catalogue figures for the evaluation: for the whole catalogue, per
 * agency (kind or key) and per level, the counts of procedures in the
 * catalogue (not retired), published, draft, retired, and among the
 * published: online partly, online fully, by post (either way), filed by
 * post, returned by post; with the shares published/catalogue and
 * online/postal over published.  JSON:
 *   {"total":{…},"by_agency":{"commune":{…},…},"by_level":{"commune":{…},…}}
 */
int catalog_stats(struct db *db, json_t **out);

/* ---- labels shared by pages and exports -------------------------------- */

/* "working days" … in the thread's language, singular for a value of 1. */
const char *catalog_unit_label(const char *unit, double value);
/* "Fully online" … in the thread's language. */
const char *catalog_online_label(const char *online);
/* Appends a number of days or hours as people write it: "15", "0,5" (vi) / "0.5" (en). */
void catalog_format_number(struct strbuf *out, double v);
/* Appends an amount of money: "50.000 đồng" (vi), "50,000 VND" (en). */
void catalog_format_vnd(struct strbuf *out, int64_t amount);

extern const struct route catalog_api_routes[];
extern const unsigned catalog_api_nroutes;
extern const struct route catalog_page_routes[];
extern const unsigned catalog_page_nroutes;

#endif
