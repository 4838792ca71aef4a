/*
 * The service index of Decision 766/QĐ-TTg (23/6/2022): six groups worth
 * 100 points.  The groups' maxima are the decision's; how each group is
 * split among its sub-indicators is not confirmed (REGULATIONS.md §3),
 * so the split is a setting ("766.<key>", kpi_setting) with the defaults
 * below, documented in docs/kpi.md.  Each sub-indicator scores its ratio
 * × its weight; one with no data scores nothing and is left out of the
 * points that could have been earned ("max_with_data").
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "kpi/kpi.h"
#include "kpi/kpi_impl.h"

const char *const kpi_766_groups[7] = {
	"",
	N_("Publicity and transparency"),
	N_("Progress of processing"),
	N_("Online public services"),
	N_("Online payment"),
	N_("Satisfaction"),
	N_("Digitisation of dossiers"),
};

const double kpi_766_group_max[7] = { 0, 18, 20, 12, 10, 18, 22 };

const struct kpi_766_sub kpi_766_subs[] = {
	{ 1, "publicity.procedures_published", "procedures_published", 9 },
	{ 1, "publicity.agencies_publishing", "agencies_publishing", 9 },
	{ 2, "progress.dossiers_on_time", "dossiers_on_time", 20 },
	{ 3, "online.procedures_online", "procedures_online", 6 },
	{ 3, "online.dossiers_online", "dossiers_online", 6 },
	{ 4, "payment.online_payment", "online_payment", 10 },
	{ 5, "satisfaction.satisfaction", "satisfaction", 12 },
	{ 5, "satisfaction.feedback_on_time", "feedback_on_time", 6 },
	{ 6, "digitisation.digitised_components", "digitised_components", 11 },
	{ 6, "digitisation.digitised_results", "digitised_results", 11 },
};
const int kpi_766_nsubs = (int)ARRAY_SIZE(kpi_766_subs);

double kpi_766_points(double percent, double weight)
{
	if (!isfinite(percent) || percent < 0)
		percent = 0;
	if (percent > 100)
		percent = 100;
	return round(percent * weight) / 100;
}

int kpi_index766(struct db *db, json_t *values, json_t **out)
{
	json_t *groups = json_array();
	double total = 0, total_max = 0;

	for (int g = 1; g <= 6; g++) {
		json_t *subs = json_array();
		double score = 0, with_data = 0, weights = 0;

		for (int i = 0; i < kpi_766_nsubs; i++) {
			const struct kpi_766_sub *s = &kpi_766_subs[i];
			json_t *it, *v;
			char key[64];
			double w, pts = 0;

			if (s->group != g)
				continue;
			snprintf(key, sizeof(key), "766.%s", s->key);
			w = kpi_setting(db, key, s->weight);
			weights += w;
			it = kpi_item(values, s->indicator);
			v = it ? json_object_get(it, "value") : NULL;
			if (json_is_number(v)) {
				pts = kpi_766_points(json_number_value(v), w);
				score += pts;
				with_data += w;
			}
			json_array_append_new(subs, json_pack("{s:s,s:s,s:s,s:O,s:f,s:o}",
				"key", key, "indicator", s->indicator,
				"name", it ? json_string_value(json_object_get(it, "name")) : s->indicator,
				"value", v ? v : json_null(), "weight", w,
				"points", json_is_number(v) ? json_real(pts) : json_null()));
		}
		score = round(score * 100) / 100;
		total += score;
		total_max += with_data;
		json_array_append_new(groups, json_pack("{s:i,s:s,s:f,s:f,s:f,s:f,s:o}",
			"group", g, "name", _(kpi_766_groups[g]), "max", kpi_766_group_max[g],
			"weights", weights, "score", score, "max_with_data", with_data,
			"items", subs));
	}
	*out = json_pack("{s:f,s:f,s:f,s:o}", "score", round(total * 100) / 100, "max", 100.0,
			 "max_with_data", total_max, "groups", groups);
	return 0;
}
