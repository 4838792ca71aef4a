/*
 * kpi: the evaluation — indicators computed from the dossier counters,
 * the catalogue and the plan, values entered by people for what only
 * they know, the plan's targets held against them, the Decision 766
 * index, dashboards, exports and the public statistics (docs/kpi.md).
 *
 * Nothing here scans the dossier table for an indicator: sums come from
 * kpi_counter (kept by the dossier engine in each change's transaction)
 * and its monthly rollup per agency subtree, kpi_month (kept by triggers
 * of migration 0010).  Only the backlog and the late steps count open
 * dossiers, through the partial indexes of the open ones.
 *
 * A scope is an agency with everything below it.  A period is a range of
 * local days, given as a code ("2026", "2026-Q2", "2026-H1", "2026-03")
 * or as from/to days.
 */
#ifndef CCHC_KPI_KPI_H
#define CCHC_KPI_KPI_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct db;
struct err;
struct strbuf;
struct user;
struct audit_actor;

/* ---- periods ------------------------------------------------------------ */

struct kpi_period {
	int from, to;		/* calendar day numbers, inclusive */
	char code[24];		/* "2026-Q2", or "2026-01-05..2026-02-10" */
};

/*
 * The period of a code ("YYYY", "YYYY-Qn", "YYYY-Hn", "YYYY-MM") or of
 * from/to ("YYYY-MM-DD", both or neither); with none, the year of today.
 * E_INVALID (field "period", "from" or "to") for anything else, for
 * to < from, and for a range longer than ten years.
 */
int kpi_period_parse(const char *code, const char *from, const char *to, int today,
		     struct kpi_period *out, struct err *e);
/* The period's label ("Quý II năm 2026", "05/01/2026 – 10/02/2026"). */
void kpi_period_label(const struct kpi_period *p, struct strbuf *out);

/* ---- the counters' sums ------------------------------------------------- */

enum kpi_metric {
	M_RECEIVED, M_RECEIVED_ONLINE, M_RECEIVED_POSTAL, M_FINISHED, M_FINISHED_EARLY,
	M_FINISHED_ON_TIME, M_FINISHED_LATE, M_LATE_APOLOGY_BEFORE, M_RETURNED,
	M_RETURNED_POSTAL, M_APOLOGY_BEFORE, M_APOLOGY_AFTER, M_REFUSE, M_WITHDRAW,
	M_REJECT, M_FEE_REQUIRED, M_PAID_ONLINE, M_RATED,
	M_SCORE_ACCESS, M_SCORE_PROCEDURE, M_SCORE_OFFICERS, M_SCORE_RESULT, M_SCORE_FEEDBACK,
	M_SATISFIED_ACCESS, M_SATISFIED_PROCEDURE, M_SATISFIED_OFFICERS, M_SATISFIED_RESULT,
	M_SATISFIED_FEEDBACK,
	KPI_NMETRICS
};

/* The counter's name of a metric ("received", "satisfied_access" …). */
const char *kpi_metric_name(enum kpi_metric m);
/* The metric of that name, or -1. */
int kpi_metric_parse(const char *name);

/* The SIPAS factors: "access", "procedure", "officers", "result", "feedback". */
#define KPI_NFACTORS 5
extern const char *const kpi_factors[KPI_NFACTORS];

struct kpi_sums {
	int64_t v[KPI_NMETRICS];
};

/* An agency as the indicators need it. */
struct kpi_agency {
	int64_t id;
	char *key, *name, *level, *kind, *path;
	int depth;
};

void kpi_agency_release(struct kpi_agency *a);

/*
 * The scope of a request: the agency named by ref (key, eid or id), or
 * the viewer's own (the root for monitors and for nobody signed in).
 * E_NOTFOUND, or E_DENIED when the viewer may not see it (monitors see
 * all; others their agency's subtree).
 */
int kpi_scope(struct db *db, const struct user *viewer, const char *ref,
	      struct kpi_agency *out, struct err *e);
/*
 * The agencies of a breakdown of scope: "children" (default), or
 * "level:<code>" (every active agency of that level in the subtree), or
 * "all" (every active agency of the subtree, tree order).  *out is a
 * malloc'd array the caller frees with kpi_agencies_free().
 */
int kpi_agencies(struct db *db, const struct kpi_agency *scope, const char *by,
		 struct kpi_agency **out, int *n, struct err *e);
void kpi_agencies_free(struct kpi_agency *a, int n);

/*
 * Sums of the counters over period for each of the n agencies (each with
 * its subtree), into sums[n]; with months (may be NULL), also per month
 * of the period: months[i * nmonths + k] for month k (kpi_months()).
 * Full months come from kpi_month, partial ones from kpi_counter.
 */
int kpi_sums_load(struct db *db, const struct kpi_agency *agencies, int n,
		  const struct kpi_period *p, struct kpi_sums *sums,
		  struct kpi_sums *months, struct err *e);
/* The number of months the period touches; ym gets "YYYY-MM" of month k. */
int kpi_months(const struct kpi_period *p);
void kpi_month_of(const struct kpi_period *p, int k, char ym[8]);

/* ---- indicators ----------------------------------------------------------- */

enum kpi_source { SRC_COUNTERS, SRC_CATALOGUE, SRC_PLAN, SRC_ENTERED };

struct kpi_def {
	const char *code;
	const char *name;	/* English msgid; Vietnamese from po/vi.po */
	const char *definition;	/* English msgid */
	const char *formula;	/* in the counters' names */
	const char *unit;	/* "%" or "dossiers" */
	bool higher_better;
	enum kpi_source source;
	int num, den;		/* metrics of a ratio from counters (den -1: a count) */
	double target;		/* the seed's target, or -1 */
	const char *cmp;	/* how the value meets the target: ">=", ">" … */
	const char *link;	/* dossier filters behind the number ("outcome=late") */
};

extern const struct kpi_def kpi_defs[];
extern const int kpi_ndefs;
/* The indicator of that code, or NULL. */
const struct kpi_def *kpi_def_find(const char *code);
/* Its definition as JSON, with names in both languages. */
json_t *kpi_def_json(const struct kpi_def *d);

/* What the counters say for one indicator: value (percent or count), or no data. */
struct kpi_value {
	bool has;
	double value;
	int64_t num, den;
};

/* An indicator from sums (counters only; others: has = false). */
struct kpi_value kpi_value_of(const struct kpi_def *d, const struct kpi_sums *s);
/* Satisfaction %: Σ satisfied_f / (5 × rated); factor f (0–4), or -1 for all. */
struct kpi_value kpi_satisfaction(const struct kpi_sums *s, int factor);

/*
 * Every indicator for a scope and period as JSON
 * {"agency","period","items":[{code,name,value,num,den,unit,target,verdict…}]}:
 * counters, the catalogue, the plan's reports and the entered values.
 */
int kpi_values(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
	       const struct kpi_period *p, json_t **out, struct err *e);
/*
 * One indicator broken down by agency (by: see kpi_agencies) or by
 * month ("month"): {"indicator","rows":[{agency|month,value,num,den}]},
 * agencies ranked best first.
 */
int kpi_breakdown(struct db *db, const struct kpi_agency *scope, const char *code,
		  const char *by, const struct kpi_period *p, json_t **out, struct err *e);

/* ---- catalogue, plan and entered values --------------------------------- */

/* Procedures of the scope: published, offered online (partly or fully), all but retired. */
int kpi_procedures(struct db *db, const struct kpi_agency *scope, int64_t *published,
		   int64_t *online, int64_t *all);
/* Agencies of the scope that receive dossiers, and those with dossiers public in p. */
int kpi_agencies_publishing(struct db *db, const struct kpi_agency *scope,
			    const struct kpi_period *p, int64_t *publishing, int64_t *all);
/* Periodic reports owed by the scope's agencies and due in p: sent on time, owed. */
int kpi_reports_on_time(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
			const struct kpi_period *p, int64_t *on_time, int64_t *owed);

/*
 * Enters the value of an indicator people know (source SRC_ENTERED) for
 * an agency and a period code; monitors for any agency, reporters for
 * their own subtree.  Percentages are 0–100.  Audited; *id the row.
 */
int kpi_entry_add(struct db *db, const struct user *by, const struct audit_actor *who,
		  const char *code, const char *agency, const char *period, double value,
		  const char *evidence, int64_t *id, struct err *e);
/*
 * The newest entered value of code for the agency over a period: the
 * value entered for exactly that period code, else for the year.
 */
int kpi_entry_value(struct db *db, const char *code, int64_t agency_id,
		    const struct kpi_period *p, struct kpi_value *out);
/* Entered values of the scope (newest first, at most 200): JSON array. */
int kpi_entries(struct db *db, const struct kpi_agency *scope, json_t **out);

/* ---- the plan's targets ---------------------------------------------------- */

/*
 * The targets of a plan (key; NULL: the newest) with, for each, the
 * measured value over the period for the scope, per level where the
 * target is per level, the verdict ("met", "not_met", "no_data") and
 * the trend: the value month by month over the year the period ends in.
 */
int kpi_targets(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
		const char *plan, const struct kpi_period *p, json_t **out, struct err *e);
/* "met", "not_met" or "no_data" for value against comparison/threshold. */
const char *kpi_verdict(bool has, double value, const char *comparison, double threshold);

/* ---- the Decision 766 index --------------------------------------------------- */

/* A sub-indicator of the index: group (1–6), its key and default weight. */
struct kpi_766_sub {
	int group;
	const char *key;	/* setting "766.<key>" */
	const char *indicator;	/* the indicator it reads */
	double weight;		/* default points */
};

extern const struct kpi_766_sub kpi_766_subs[];
extern const int kpi_766_nsubs;
/* Names and maximum points of the six groups (1-based; [0] unused). */
extern const char *const kpi_766_groups[7];
extern const double kpi_766_group_max[7];

/* A setting's value (kpi_setting, else def). */
double kpi_setting(struct db *db, const char *key, double def);
/* Sets one (monitors); audited.  Weights are 0–100. */
int kpi_setting_set(struct db *db, const struct user *by, const struct audit_actor *who,
		    const char *key, double value, struct err *e);
/* All settings with defaults and values: JSON array. */
int kpi_settings(struct db *db, json_t **out);

/*
 * The index of a scope over a period, from kpi_values(): each group's
 * score and each sub-indicator as value × weight; a sub-indicator with no
 * data scores nothing and is left out of "max_with_data".
 */
int kpi_index766(struct db *db, json_t *values, json_t **out);
/* Points of a ratio (0–100 %) against a weight: the arithmetic, for tests. */
double kpi_766_points(double percent, double weight);

/* ---- open dossiers ------------------------------------------------------------ */

/* Open dossiers of the scope by age since receipt and overdue (counts). */
int kpi_backlog(struct db *db, const struct kpi_agency *scope, json_t **out);
/* Open steps past their deadline by step kind and agency (counts). */
int kpi_late_steps(struct db *db, const struct kpi_agency *scope, json_t **out);

/* ---- public statistics ------------------------------------------------------------ */

/*
 * For every active agency that receives dossiers, this month and this
 * year: received, finished, on-time %, late, apologies, satisfaction.
 */
int kpi_public_stats(struct db *db, json_t **out, struct err *e);

/* ---- SVG charts (svg.c) ------------------------------------------------------------- */

struct kpi_series {
	const char *label;	/* already translated */
	const char *color;	/* CSS colour, from the source */
	const double *values;
};

/*
 * A bar chart (stacked when nseries > 1) of n categories, drawn as SVG
 * with a <title> and <desc>, each bar labelled with its value; labels
 * and texts are escaped.  The page gives the table alternative.
 */
void kpi_svg_bars(struct strbuf *out, const char *title, const char *desc,
		  const char *const *labels, int n, const struct kpi_series *series,
		  int nseries, bool percent);

/* ---- exports -------------------------------------------------------------------------- */

/* The dashboard's data (kpi_dashboard_json) as xlsx, pdf or csv; content type set. */
int kpi_export(json_t *dash, const char *format, struct strbuf *out, const char **type,
	       struct err *e);
/* The whole dashboard of a scope and period as JSON (values, months, ranking, index). */
int kpi_dashboard_json(struct db *db, const struct user *viewer, const struct kpi_agency *scope,
		       const struct kpi_period *p, json_t **out, struct err *e);

/* ---- the cache (cache.c) ------------------------------------------------------------ */

/* How long computed figures are kept (the setting kpi_cache_seconds; 0: off). */
void kpi_set_cache_seconds(int seconds);
/* A new reference to the figures stored under key, or NULL. */
json_t *kpi_cache_get(const char *key);
/* Stores figures under key (takes its own reference). */
void kpi_cache_put(const char *key, json_t *value);

/* ---- routes ---------------------------------------------------------------------------- */

extern const struct route kpi_api_routes[];
extern const unsigned kpi_api_nroutes;
extern const struct route kpi_page_routes[];
extern const unsigned kpi_page_nroutes;

#endif
