/*
 * Private to src/plan/: the words and numbers every form of a report
 * shares (HTML in pages.c; PDF, XLSX and CSV in report.c), in the
 * thread's language.
 */
#ifndef CCHC_PLAN_REPORT_IMPL_H
#define CCHC_PLAN_REPORT_IMPL_H

#include <jansson.h>

#include "plan/plan.h"

struct strbuf;

/* The state names in the order of enum plan_state. */
extern const char *const plan_report_states[PLAN_NSTATES];

/* "≥" for ">=", "≤" for "<=", else the comparison itself. */
const char *plan_comparison_sign(const char *cmp);
/* "province level" … for an agency_level code. */
const char *plan_level_label(const char *level);
/* "Met", "Not met", "No data". */
const char *plan_verdict_label(const char *verdict);
/* "Sent on time", "Sent late", "Not sent, overdue", "Not yet due". */
const char *plan_submission_label(const char *status);
/* A number without needless decimals, with a decimal comma in Vietnamese. */
void plan_number(struct strbuf *out, double v);
/* A target's threshold ("≥ 98 %", per level) and this period's value. */
void plan_threshold_text(struct strbuf *out, json_t *target);
void plan_value_text(struct strbuf *out, json_t *target);
/* A report target's verdict, its levels' together when it has levels. */
const char *plan_target_verdict(json_t *target);
/* The report's title and the line under it. */
void plan_report_heading(json_t *report, struct strbuf *title, struct strbuf *sub);

#endif
