/* Internals shared by the files of kpi/. */
#ifndef CCHC_KPI_KPI_IMPL_H
#define CCHC_KPI_KPI_IMPL_H

#include <jansson.h>

#include "kpi/kpi.h"

/* {id,key,name,level,kind} of an agency. */
json_t *kpi_agency_json(const struct kpi_agency *a);
/* {code,from,to,label} of a period. */
json_t *kpi_period_json(const struct kpi_period *p);
/* A counters indicator's value from sums, the SIPAS factors included. */
struct kpi_value kpi_counters_value(const struct kpi_def *d, const struct kpi_sums *s);
/* The item of that code in kpi_values()'s "items", or NULL (borrowed). */
json_t *kpi_item(json_t *values, const char *code);
/* A verdict of kpi_verdict() for people ("Met"…); "" for any other. */
const char *kpi_verdict_label(const char *v);
/* A number for people: "98,5" in Vietnamese, "98.5" in English; "—" for null. */
void kpi_number(struct strbuf *out, json_t *v);

struct user;
/* The cache key of figures: what, for whom (their reach), scope, period, extra, language. */
void kpi_cache_key(struct strbuf *key, const char *what, const struct user *viewer,
		   const struct kpi_agency *scope, const struct kpi_period *p, const char *extra);

struct request;
/*
 * The agency (?agency, default the viewer's own) and period (?period or
 * ?from/?to) of a request, checked against what the viewer may see; fills
 * req->err.  Shared by the pages and the JSON routes.
 */
int kpi_request_scope(struct request *req, struct kpi_agency *a, struct kpi_period *p);

#endif
