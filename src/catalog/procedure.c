/*
 * Procedures: reading and checking them, storing them with their versions,
 * and the changes of status.  No HTTP here: api.c, pages.c, import.c and
 * the command line all come through these functions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "catalog/catalog_impl.h"
#include "db/db.h"
#include "org/org.h"

#define NAME_MAX_CHARS 1000
#define TEXT_MAX_CHARS 20000
#define LIST_MAX 200		/* steps, fees, documents, levels, legal basis */
#define SHARE_EPSILON 0.005

const char *const procedure_time_units[] = {
	"working_days", "working_hours", "calendar_days", NULL
};
const char *const procedure_online_modes[] = { "none", "partial", "full", NULL };
const char *const procedure_statuses[] = { "draft", "published", "retired", NULL };
/* Kinds of agency that may carry a procedure everywhere at once. */
const char *const procedure_agency_kinds[] = { "commune", "district", NULL };
static const char *const step_kinds[] = {
	"reception", "appraisal", "approval", "return", "transfer", NULL
};
static const char *const document_kinds[] = {
	"original", "copy", "original_or_copy", NULL
};

bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static void free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void procedure_release(struct procedure *p)
{
	free(p->code);
	free(p->name);
	free(p->field);
	free_list(p->levels, p->nlevels);
	free(p->agency_kind);
	free(p->agency_key);
	free(p->agency_name);
	free(p->time_unit);
	for (int i = 0; i < p->nsteps; i++) {
		free(p->steps[i].name);
		free(p->steps[i].kind);
		free(p->steps[i].agency);
	}
	free(p->steps);
	for (int i = 0; i < p->nfees; i++) {
		free(p->fees[i].name);
		free(p->fees[i].exempt);
	}
	free(p->fees);
	for (int i = 0; i < p->ndocuments; i++) {
		free(p->documents[i].name);
		free(p->documents[i].kind);
		free(p->documents[i].form);
	}
	free(p->documents);
	free(p->result);
	free_list(p->legal_basis, p->nlegal_basis);
	free(p->online);
	free(p->status);
	free(p->note);
	memset(p, 0, sizeof(*p));
}

/* ---- reading JSON ------------------------------------------------------ */

/* A list of values for a message: "a, b, c". */
static void list_text(char *buf, size_t n, const char *const *list)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; *list && used < n; list++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", *list);
}

static void path_of(char *buf, size_t n, const char *prefix, const char *key)
{
	snprintf(buf, n, "%s%s%s", prefix, *prefix ? "." : "", key);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Checks that obj has only the members of allowed (or ignored). */
static int known_members(json_t *obj, const char *prefix, const char *const *allowed,
			 const char *const *ignored, struct err *e)
{
	const char *key;
	json_t *v;
	char path[64];

	json_object_foreach(obj, key, v) {
		if (one_of(key, allowed) || (ignored && one_of(key, ignored)))
			continue;
		path_of(path, sizeof(path), prefix, key);
		return err_set(e, E_INVALID, path, "unknown member \"%s\"", path);
	}
	return 0;
}

/* A string member, trimmed; "" when absent and not required. */
static int get_text(json_t *obj, const char *prefix, const char *key, bool required,
		    size_t max, char **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s, *end;
	char path[64];

	path_of(path, sizeof(path), prefix, key);
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, E_INVALID, path, "\"%s\" is required", path);
		*out = xstrdup("");
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, E_INVALID, path, "\"%s\" must be text", path);
	s = json_string_value(v);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		end--;
	if (required && end == s)
		return err_set(e, E_INVALID, path, "\"%s\" is empty", path);
	*out = xstrndup(s, (size_t)(end - s));
	if (utf8_chars(*out) > max) {
		free(*out);
		*out = NULL;
		return err_set(e, E_INVALID, path, "\"%s\" is longer than %zu characters",
			       path, max);
	}
	return 0;
}

/* A member that must be one of list. */
static int get_enum(json_t *obj, const char *prefix, const char *key,
		    const char *const *list, const char *def, char **out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[64], names[200];

	path_of(path, sizeof(path), prefix, key);
	if ((!v || json_is_null(v)) && def) {
		*out = xstrdup(def);
		return 0;
	}
	if (!v || !json_is_string(v) || !one_of(json_string_value(v), list)) {
		list_text(names, sizeof(names), list);
		return err_set(e, E_INVALID, path, "\"%s\" must be one of: %s", path, names);
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_number(json_t *obj, const char *prefix, const char *key, double *out,
		      struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[64];

	path_of(path, sizeof(path), prefix, key);
	if (!v || json_is_null(v))
		return err_set(e, E_INVALID, path, "\"%s\" is required", path);
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return err_set(e, E_INVALID, path, "\"%s\" must be a number", path);
	*out = json_number_value(v);
	return 0;
}

/* A whole number (a real with no fraction is accepted); def when absent. */
static int get_whole(json_t *obj, const char *prefix, const char *key, int64_t def,
		     int64_t min, int64_t max, int64_t *out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[64];
	double d;

	path_of(path, sizeof(path), prefix, key);
	if (!v || json_is_null(v)) {
		if (def < min)
			return err_set(e, E_INVALID, path, "\"%s\" is required", path);
		*out = def;
		return 0;
	}
	d = json_is_real(v) ? json_real_value(v) : 0.5;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
	} else if (json_is_real(v) && d == floor(d) && fabs(d) < 1e15) {
		*out = (int64_t)d;
	} else {
		return err_set(e, E_INVALID, path, "\"%s\" must be a whole number", path);
	}
	if (*out < min)
		return err_set(e, E_INVALID, path, "\"%s\" must be at least %lld", path,
			       (long long)min);
	if (*out > max)
		return err_set(e, E_INVALID, path, "\"%s\" must be at most %lld", path,
			       (long long)max);
	return 0;
}

static int get_bool(json_t *obj, const char *prefix, const char *key, bool *out,
		    struct err *e)
{
	json_t *v = json_object_get(obj, key);
	char path[64];

	path_of(path, sizeof(path), prefix, key);
	if (!v || json_is_null(v)) {
		*out = false;
		return 0;
	}
	if (!json_is_boolean(v))
		return err_set(e, E_INVALID, path, "\"%s\" must be true or false", path);
	*out = json_is_true(v);
	return 0;
}

/* An array member (an absent one is empty unless required). */
static int get_array(json_t *obj, const char *key, bool required, json_t **out,
		     size_t *n, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	*n = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, E_INVALID, key, "\"%s\" is required", key);
		return 0;
	}
	if (!json_is_array(v))
		return err_set(e, E_INVALID, key, "\"%s\" must be a list", key);
	if (json_array_size(v) > LIST_MAX)
		return err_set(e, E_INVALID, key, "\"%s\" has more than %d items", key, LIST_MAX);
	*out = v;
	*n = json_array_size(v);
	return 0;
}

/* An object member, or an empty object if absent and not required. */
static int get_object(json_t *obj, const char *key, bool required, json_t **out,
		      struct err *e)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, E_INVALID, key, "\"%s\" is required", key);
		return 0;
	}
	if (!json_is_object(v))
		return err_set(e, E_INVALID, key, "\"%s\" must be an object", key);
	*out = v;
	return 0;
}

/* A list of strings, e.g. levels or legal_basis. */
static int get_strings(json_t *obj, const char *key, bool required, size_t max,
		       char ***out, int *n, struct err *e)
{
	json_t *arr;
	size_t count;
	int ret = get_array(obj, key, required, &arr, &count, e);

	*out = NULL;
	*n = 0;
	if (ret)
		return ret;
	*out = xcalloc(count + 1, sizeof(char *));
	for (size_t i = 0; i < count; i++) {
		json_t *v = json_array_get(arr, i);
		char path[64];
		const char *s;

		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_string(v))
			return err_set(e, E_INVALID, path, "\"%s\" must be text", path);
		s = json_string_value(v);
		while (*s == ' ')
			s++;
		if (!*s)
			return err_set(e, E_INVALID, path, "\"%s\" is empty", path);
		if (utf8_chars(s) > max)
			return err_set(e, E_INVALID, path, "\"%s\" is longer than %zu characters",
				       path, max);
		(*out)[(*n)++] = xstrdup(s);
	}
	return 0;
}

/*
 * A procedure code: letters, digits, '.', '-', '_'; it goes in URLs, where
 * "stats" is taken (/api/v1/procedures/stats).
 */
static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40 || !strcmp(s, "stats"))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

static int read_steps(json_t *j, struct procedure *p, struct err *e)
{
	static const char *const members[] = { "name", "kind", "share", "agency", NULL };
	json_t *arr;
	size_t n;
	int ret = get_array(j, "steps", true, &arr, &n, e);

	if (ret)
		return ret;
	if (!n)
		return err_set(e, E_INVALID, "steps", "a procedure needs at least one step");
	p->steps = xcalloc(n, sizeof(*p->steps));
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i), *agency;
		struct procedure_step *st = &p->steps[p->nsteps++];
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "steps[%zu]", i);
		if (!json_is_object(s))
			return err_set(e, E_INVALID, prefix, "\"%s\" must be an object", prefix);
		ret = known_members(s, prefix, members, NULL, e);
		if (!ret)
			ret = get_text(s, prefix, "name", true, NAME_MAX_CHARS, &st->name, e);
		if (!ret)
			ret = get_enum(s, prefix, "kind", step_kinds, NULL, &st->kind, e);
		if (!ret)
			ret = get_number(s, prefix, "share", &st->share, e);
		if (!ret && st->share < 0) {
			char path[64];

			path_of(path, sizeof(path), prefix, "share");
			ret = err_set(e, E_INVALID, path, "\"%s\" must not be negative", path);
		}
		agency = json_object_get(s, "agency");
		if (!ret && agency && !json_is_null(agency)) {
			ret = get_text(s, prefix, "agency", true, 100, &st->agency, e);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int read_fees(json_t *j, struct procedure *p, struct err *e)
{
	static const char *const members[] = { "name", "amount", "exempt", NULL };
	json_t *arr;
	size_t n;
	int ret = get_array(j, "fees", false, &arr, &n, e);

	if (ret || !n)
		return ret;
	p->fees = xcalloc(n, sizeof(*p->fees));
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(arr, i);
		struct procedure_fee *fee = &p->fees[p->nfees++];
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "fees[%zu]", i);
		if (!json_is_object(f))
			return err_set(e, E_INVALID, prefix, "\"%s\" must be an object", prefix);
		ret = known_members(f, prefix, members, NULL, e);
		if (!ret)
			ret = get_text(f, prefix, "name", true, NAME_MAX_CHARS, &fee->name, e);
		if (!ret)
			ret = get_whole(f, prefix, "amount", -1, 0, INT64_C(1000000000000),
					&fee->amount, e);
		if (!ret)
			ret = get_text(f, prefix, "exempt", false, TEXT_MAX_CHARS, &fee->exempt, e);
		if (ret)
			return ret;
	}
	return 0;
}

static int read_documents(json_t *j, struct procedure *p, struct err *e)
{
	static const char *const members[] = { "name", "kind", "copies", "form", NULL };
	json_t *arr;
	size_t n;
	int ret = get_array(j, "documents", false, &arr, &n, e);

	if (ret || !n)
		return ret;
	p->documents = xcalloc(n, sizeof(*p->documents));
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_array_get(arr, i);
		struct procedure_document *doc = &p->documents[p->ndocuments++];
		char prefix[32];
		int64_t copies = 1;

		snprintf(prefix, sizeof(prefix), "documents[%zu]", i);
		if (!json_is_object(d))
			return err_set(e, E_INVALID, prefix, "\"%s\" must be an object", prefix);
		ret = known_members(d, prefix, members, NULL, e);
		if (!ret)
			ret = get_text(d, prefix, "name", true, TEXT_MAX_CHARS, &doc->name, e);
		if (!ret)
			ret = get_enum(d, prefix, "kind", document_kinds, "original_or_copy",
				       &doc->kind, e);
		if (!ret)
			ret = get_whole(d, prefix, "copies", 1, 1, 100, &copies, e);
		doc->copies = (int)copies;
		if (!ret)
			ret = get_text(d, prefix, "form", false, NAME_MAX_CHARS, &doc->form, e);
		if (ret)
			return ret;
	}
	return 0;
}

int procedure_from_json(json_t *j, bool code_required, struct procedure *p,
			struct err *e)
{
	static const char *const members[] = {
		"code", "name", "field", "levels", "agency_kind", "time", "steps", "fees",
		"documents", "result", "legal_basis", "online", "postal", "status", "note",
		NULL
	};
	static const char *const output_only[] = {
		"version", "version_id", "agency_name", "updated_at", "published_at", NULL
	};
	static const char *const time_members[] = { "value", "unit", NULL };
	static const char *const postal_members[] = { "submit", "return", NULL };
	json_t *time, *postal;
	char *agency = NULL;
	int ret;

	procedure_release(p);
	if (!json_is_object(j))
		return err_set(e, E_INVALID, NULL, "a procedure must be a JSON object");
	ret = known_members(j, "", members, output_only, e);
	if (ret)
		goto out;
	if (code_required || json_object_get(j, "code")) {
		ret = get_text(j, "", "code", true, 40, &p->code, e);
		if (!ret && !code_ok(p->code))
			ret = err_set(e, E_INVALID, "code",
				      "a procedure code has only letters, digits, '.', '-' and '_' "
				      "(e.g. 1.001193), at most 40 of them");
		if (ret)
			goto out;
	}
	ret = get_text(j, "", "name", true, NAME_MAX_CHARS, &p->name, e);
	if (!ret)
		ret = get_text(j, "", "field", true, NAME_MAX_CHARS, &p->field, e);
	if (!ret)
		ret = get_strings(j, "levels", true, 40, &p->levels, &p->nlevels, e);
	if (!ret && !p->nlevels)
		ret = err_set(e, E_INVALID, "levels", "give at least one level");
	if (!ret)
		ret = get_text(j, "", "agency_kind", true, 100, &agency, e);
	if (ret)
		goto out;
	if (one_of(agency, procedure_agency_kinds))
		p->agency_kind = agency;
	else
		p->agency_key = agency;
	agency = NULL;

	ret = get_object(j, "time", true, &time, e);
	if (!ret)
		ret = known_members(time, "time", time_members, NULL, e);
	if (!ret)
		ret = get_number(time, "time", "value", &p->time_value, e);
	if (!ret && !(p->time_value > 0))
		ret = err_set(e, E_INVALID, "time.value", "\"%s\" must be greater than 0",
			      "time.value");
	if (!ret && p->time_value > 10000)
		ret = err_set(e, E_INVALID, "time.value", "\"%s\" must be at most %lld",
			      "time.value", 10000LL);
	if (!ret)
		ret = get_enum(time, "time", "unit", procedure_time_units, NULL,
			       &p->time_unit, e);
	if (!ret)
		ret = read_steps(j, p, e);
	if (!ret)
		ret = read_fees(j, p, e);
	if (!ret)
		ret = read_documents(j, p, e);
	if (!ret)
		ret = get_text(j, "", "result", false, TEXT_MAX_CHARS, &p->result, e);
	if (!ret)
		ret = get_strings(j, "legal_basis", false, NAME_MAX_CHARS, &p->legal_basis,
				  &p->nlegal_basis, e);
	if (!ret)
		ret = get_enum(j, "", "online", procedure_online_modes, NULL, &p->online, e);
	if (!ret)
		ret = get_object(j, "postal", false, &postal, e);
	if (!ret && postal) {
		ret = known_members(postal, "postal", postal_members, NULL, e);
		if (!ret)
			ret = get_bool(postal, "postal", "submit", &p->postal_submit, e);
		if (!ret)
			ret = get_bool(postal, "postal", "return", &p->postal_return, e);
	}
	if (!ret)
		ret = get_enum(j, "", "status", procedure_statuses, "draft", &p->status, e);
	if (!ret)
		ret = get_text(j, "", "note", false, TEXT_MAX_CHARS, &p->note, e);
out:
	free(agency);
	if (ret)
		procedure_release(p);
	return ret;
}

/* ---- checks that need the database ------------------------------------- */

static bool level_exists(struct db *db, const char *level)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agency_level WHERE code = ?");
	int64_t one = 0;

	db_bind_text(st, 1, level);
	return !db_one_int(st, &one) && one == 1;
}

static bool agency_key_exists(struct db *db, const char *key)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agency WHERE key = ?");
	int64_t one = 0;

	db_bind_text(st, 1, key);
	return !db_one_int(st, &one) && one == 1;
}

void catalog_format_number(struct strbuf *out, double v)
{
	char buf[64];
	size_t n;

	snprintf(buf, sizeof(buf), "%.3f", v);
	n = strlen(buf);
	while (n && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(i18n_lang(), LANG_EN))
		for (char *c = buf; *c; c++)
			if (*c == '.')
				*c = ',';
	strbuf_addstr(out, buf);
}

const char *catalog_unit_label(const char *unit, double value)
{
	bool one = value == 1;

	if (unit && !strcmp(unit, "working_hours"))
		return one ? _("working hour") : _("working hours");
	if (unit && !strcmp(unit, "calendar_days"))
		return one ? _("day") : _("days");
	return one ? _("working day") : _("working days");
}

const char *catalog_online_label(const char *online)
{
	if (online && !strcmp(online, "full"))
		return _("Fully online");
	if (online && !strcmp(online, "partial"))
		return _("Partly online");
	return _("Information online only");
}

void catalog_format_vnd(struct strbuf *out, int64_t amount)
{
	bool en = !strcmp(i18n_lang(), LANG_EN);
	char digits[32];
	size_t n;

	snprintf(digits, sizeof(digits), "%lld", (long long)(amount < 0 ? -amount : amount));
	n = strlen(digits);
	if (en)
		strbuf_addstr(out, "VND ");
	if (amount < 0)
		strbuf_addch(out, '-');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(out, en ? ',' : '.');
		strbuf_addch(out, digits[i]);
	}
	if (!en)
		strbuf_addstr(out, " đồng");
}

int procedure_validate(struct db *db, const struct procedure *p, struct err *e)
{
	double sum = 0;

	for (int i = 0; i < p->nlevels; i++) {
		char path[32];

		snprintf(path, sizeof(path), "levels[%d]", i);
		if (!level_exists(db, p->levels[i]))
			return err_set(e, E_INVALID, path,
				       "unknown level '%s' (the levels are those of the agency "
				       "tree, e.g. province, district, commune)", p->levels[i]);
		for (int k = 0; k < i; k++)
			if (!strcmp(p->levels[k], p->levels[i]))
				return err_set(e, E_INVALID, path, "level '%s' is given twice",
					       p->levels[i]);
	}
	if (p->agency_key && !agency_key_exists(db, p->agency_key))
		return err_set(e, E_INVALID, "agency_kind",
			       "'%s' is neither a kind of agency (commune, district) nor "
			       "the key of an agency", p->agency_key);
	for (int i = 0; i < p->nsteps; i++) {
		const char *a = p->steps[i].agency;
		char path[32];

		snprintf(path, sizeof(path), "steps[%d].agency", i);
		if (a && !one_of(a, procedure_agency_kinds) && !agency_key_exists(db, a))
			return err_set(e, E_INVALID, path,
				       "'%s' is neither a kind of agency (commune, district) nor "
				       "the key of an agency", a);
		sum += p->steps[i].share;
	}
	if (fabs(sum - p->time_value) > SHARE_EPSILON) {
		struct strbuf s = STRBUF_INIT, d = STRBUF_INIT, t = STRBUF_INIT;
		int ret;

		catalog_format_number(&s, sum);
		catalog_format_number(&d, fabs(sum - p->time_value));
		catalog_format_number(&t, p->time_value);
		if (sum < p->time_value)
			ret = err_set(e, E_INVALID, "steps",
				      "the step shares add up to %s %s, %s less than the %s "
				      "of the procedure", s.buf,
				      catalog_unit_label(p->time_unit, sum), d.buf, t.buf);
		else
			ret = err_set(e, E_INVALID, "steps",
				      "the step shares add up to %s %s, %s more than the %s "
				      "of the procedure", s.buf,
				      catalog_unit_label(p->time_unit, sum), d.buf, t.buf);
		strbuf_release(&s);
		strbuf_release(&d);
		strbuf_release(&t);
		return ret;
	}
	return 0;
}

/* ---- JSON out ------------------------------------------------------------ */

static json_t *strings_json(char **list, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

/* A whole value as an integer, else a real: 15 stays 15 in the JSON. */
static json_t *number_json(double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

json_t *procedure_to_json(const struct procedure *p, unsigned flags)
{
	json_t *j = json_object(), *steps = json_array(), *fees = json_array(),
	       *docs = json_array();

	json_object_set_new(j, "code", json_string(p->code ? p->code : ""));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "field", json_string(p->field));
	json_object_set_new(j, "levels", strings_json(p->levels, p->nlevels));
	json_object_set_new(j, "agency_kind", json_string(p->agency_kind ? p->agency_kind :
							   p->agency_key));
	json_object_set_new(j, "time", json_pack("{s:o,s:s}", "value",
						 number_json(p->time_value),
						 "unit", p->time_unit));
	for (int i = 0; i < p->nsteps; i++) {
		const struct procedure_step *s = &p->steps[i];
		json_t *o = json_pack("{s:s,s:s,s:o}", "name", s->name, "kind", s->kind,
				      "share", number_json(s->share));

		if (s->agency)
			json_object_set_new(o, "agency", json_string(s->agency));
		json_array_append_new(steps, o);
	}
	json_object_set_new(j, "steps", steps);
	for (int i = 0; i < p->nfees; i++)
		json_array_append_new(fees, json_pack("{s:s,s:I,s:s}", "name", p->fees[i].name,
						      "amount", (json_int_t)p->fees[i].amount,
						      "exempt", p->fees[i].exempt));
	json_object_set_new(j, "fees", fees);
	for (int i = 0; i < p->ndocuments; i++)
		json_array_append_new(docs, json_pack("{s:s,s:s,s:i,s:s}",
			"name", p->documents[i].name, "kind", p->documents[i].kind,
			"copies", p->documents[i].copies, "form", p->documents[i].form));
	json_object_set_new(j, "documents", docs);
	json_object_set_new(j, "result", json_string(p->result));
	json_object_set_new(j, "legal_basis", strings_json(p->legal_basis, p->nlegal_basis));
	json_object_set_new(j, "online", json_string(p->online));
	json_object_set_new(j, "postal", json_pack("{s:b,s:b}", "submit", p->postal_submit,
						   "return", p->postal_return));
	if (flags & PROC_JSON_STATUS)
		json_object_set_new(j, "status", json_string(p->status ? p->status : "draft"));
	json_object_set_new(j, "note", json_string(p->note));
	if (flags & PROC_JSON_META) {
		json_object_set_new(j, "version", json_integer(p->version));
		json_object_set_new(j, "version_id", json_integer(p->version_id));
		if (p->agency_key)
			json_object_set_new(j, "agency_name", json_string(p->agency_name ?
							p->agency_name : ""));
		json_object_set_new(j, "updated_at", json_integer(p->updated_at));
		json_object_set_new(j, "published_at", p->published_at ?
				    json_integer(p->published_at) : json_null());
	}
	return j;
}

json_t *procedure_json(const struct procedure *p)
{
	return procedure_to_json(p, PROC_JSON_API);
}

/* The hash of the content (all but the status): 32 hex digits. */
static void content_hash(const struct procedure *p, char out[33])
{
	json_t *j = procedure_to_json(p, 0);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
	unsigned char h[16];

	if (sodium_init() < 0)
		die("libsodium cannot start");
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 33, h, sizeof(h));
	free(s);
	json_decref(j);
}

/* ---- loading ------------------------------------------------------------- */

static char **split_levels(const char *s, int *n)
{
	char **list = xcalloc(strlen(s) / 2 + 2, sizeof(char *));

	*n = 0;
	while (*s) {
		size_t len = strcspn(s, ",");

		if (len)
			list[(*n)++] = xstrndup(s, len);
		s += len;
		if (*s == ',')
			s++;
	}
	return list;
}

static char **parse_strings(const char *json, int *n)
{
	json_t *a = json_loads(json, 0, NULL), *v;
	char **list;
	size_t i;

	*n = 0;
	list = xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			list[(*n)++] = xstrdup(json_string_value(v));
	json_decref(a);
	return list;
}

static int load_children(struct db *db, struct procedure *p)
{
	struct db_stmt *st;
	int ret, cap;

	st = db_prepare(db, "SELECT name, kind, share, agency FROM procedure_step"
			" WHERE version_id = ? ORDER BY seq");
	db_bind_int(st, 1, p->version_id);
	cap = 0;
	while ((ret = db_step(st)) == DB_ROW) {
		struct procedure_step *s;

		if (p->nsteps == cap) {
			cap = cap ? cap * 2 : 4;
			p->steps = xrealloc(p->steps, (size_t)cap * sizeof(*p->steps));
		}
		s = &p->steps[p->nsteps++];
		s->name = xstrdup(db_col_text(st, 0));
		s->kind = xstrdup(db_col_text(st, 1));
		s->share = db_col_double(st, 2);
		s->agency = db_col_null(st, 3) ? NULL : xstrdup(db_col_text(st, 3));
	}
	db_reset(st);
	if (ret < 0)
		return ret;

	st = db_prepare(db, "SELECT name, amount, exempt FROM procedure_fee"
			" WHERE version_id = ? ORDER BY seq");
	db_bind_int(st, 1, p->version_id);
	cap = 0;
	while ((ret = db_step(st)) == DB_ROW) {
		struct procedure_fee *f;

		if (p->nfees == cap) {
			cap = cap ? cap * 2 : 4;
			p->fees = xrealloc(p->fees, (size_t)cap * sizeof(*p->fees));
		}
		f = &p->fees[p->nfees++];
		f->name = xstrdup(db_col_text(st, 0));
		f->amount = db_col_int(st, 1);
		f->exempt = xstrdup(db_col_text(st, 2));
	}
	db_reset(st);
	if (ret < 0)
		return ret;

	st = db_prepare(db, "SELECT name, kind, copies, form FROM procedure_document"
			" WHERE version_id = ? ORDER BY seq");
	db_bind_int(st, 1, p->version_id);
	cap = 0;
	while ((ret = db_step(st)) == DB_ROW) {
		struct procedure_document *d;

		if (p->ndocuments == cap) {
			cap = cap ? cap * 2 : 4;
			p->documents = xrealloc(p->documents, (size_t)cap * sizeof(*p->documents));
		}
		d = &p->documents[p->ndocuments++];
		d->name = xstrdup(db_col_text(st, 0));
		d->kind = xstrdup(db_col_text(st, 1));
		d->copies = (int)db_col_int(st, 2);
		d->form = xstrdup(db_col_text(st, 3));
	}
	db_reset(st);
	return ret < 0 ? ret : 0;
}

int procedure_load_version(struct db *db, int64_t version_id, struct procedure *p)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT v.id, v.procedure_id, v.version, p.code, v.name, v.field, v.levels,"
		" v.agency_kind, v.agency_key, a.name, v.time_value, v.time_unit, v.result,"
		" v.legal_basis, v.online, v.postal_submit, v.postal_return, v.note,"
		" p.status, p.current_version_id, v.created_at, v.updated_at, v.published_at"
		" FROM procedure_version v JOIN procedure p ON p.id = v.procedure_id"
		" LEFT JOIN agency a ON a.key = v.agency_key WHERE v.id = ?");
	int ret;

	procedure_release(p);
	db_bind_int(st, 1, version_id);
	ret = db_step(st);
	if (ret == DB_ROW) {
		p->version_id = db_col_int(st, 0);
		p->id = db_col_int(st, 1);
		p->version = (int)db_col_int(st, 2);
		p->code = xstrdup(db_col_text(st, 3));
		p->name = xstrdup(db_col_text(st, 4));
		p->field = xstrdup(db_col_text(st, 5));
		p->levels = split_levels(db_col_text(st, 6), &p->nlevels);
		p->agency_kind = db_col_null(st, 7) ? NULL : xstrdup(db_col_text(st, 7));
		p->agency_key = db_col_null(st, 8) ? NULL : xstrdup(db_col_text(st, 8));
		p->agency_name = db_col_null(st, 9) ? NULL : xstrdup(db_col_text(st, 9));
		p->time_value = db_col_double(st, 10);
		p->time_unit = xstrdup(db_col_text(st, 11));
		p->result = xstrdup(db_col_text(st, 12));
		p->legal_basis = parse_strings(db_col_text(st, 13), &p->nlegal_basis);
		p->online = xstrdup(db_col_text(st, 14));
		p->postal_submit = db_col_int(st, 15) != 0;
		p->postal_return = db_col_int(st, 16) != 0;
		p->note = xstrdup(db_col_text(st, 17));
		p->status = xstrdup(db_col_int(st, 19) == version_id ? db_col_text(st, 18) :
				    "superseded");
		p->created_at = db_col_int(st, 20);
		p->updated_at = db_col_int(st, 21);
		p->published_at = db_col_null(st, 22) ? 0 : db_col_int(st, 22);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (!ret)
		ret = load_children(db, p);
	if (ret)
		procedure_release(p);
	return ret;
}

int procedure_find(struct db *db, const char *code, struct procedure *out,
		   struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT current_version_id FROM procedure"
					" WHERE code = ?");
	bool own = !db_in_transaction(db);
	int64_t vid = 0;
	int ret;

	/* One snapshot for the version and its parts (on SQLite one read lock). */
	if (own && db_begin_read(db))
		return E_INTERNAL;
	db_bind_text(st, 1, code ? code : "");
	ret = db_one_int(st, &vid);
	if (!ret)
		ret = procedure_load_version(db, vid, out);
	if (own)
		db_commit(db);
	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "code", "there is no procedure '%s'",
			       code ? code : "");
	return ret;
}

int procedure_find_version(struct db *db, const char *code, int n,
			   struct procedure *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT v.id FROM procedure_version v"
					" JOIN procedure p ON p.id = v.procedure_id"
					" WHERE p.code = ? AND v.version = ?");
	int64_t vid = 0;
	int ret;

	db_bind_text(st, 1, code ? code : "");
	db_bind_int(st, 2, n);
	ret = db_one_int(st, &vid);
	if (!ret)
		ret = procedure_load_version(db, vid, out);
	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "version",
			       "procedure '%s' has no version %d", code ? code : "", n);
	return ret;
}

int procedure_versions(struct db *db, const char *code, json_t **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT v.version, v.id, v.name, v.created_at, v.published_at, v.superseded_at"
		" FROM procedure_version v JOIN procedure p ON p.id = v.procedure_id"
		" WHERE p.code = ? ORDER BY v.version");
	int ret;

	*out = json_array();
	db_bind_text(st, 1, code ? code : "");
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I,s:I,s:s,s:I,s:o,s:o}",
			"version", (json_int_t)db_col_int(st, 0),
			"version_id", (json_int_t)db_col_int(st, 1),
			"name", db_col_text(st, 2),
			"created_at", (json_int_t)db_col_int(st, 3),
			"published_at", db_col_null(st, 4) ? json_null() :
				json_integer(db_col_int(st, 4)),
			"superseded_at", db_col_null(st, 5) ? json_null() :
				json_integer(db_col_int(st, 5))));
	db_reset(st);
	if (ret < 0 || !json_array_size(*out)) {
		json_decref(*out);
		*out = NULL;
		return ret < 0 ? ret : err_set(e, E_NOTFOUND, "code",
					       "there is no procedure '%s'", code ? code : "");
	}
	return 0;
}

/* ---- storing ------------------------------------------------------------- */

int catalog_bump(struct db *db)
{
	return db_run(db_prepare(db, "UPDATE catalog_state SET generation = generation + 1"
				 " WHERE id = 1"));
}

int catalog_generation(struct db *db, int64_t *out)
{
	return db_one_int(db_prepare(db, "SELECT generation FROM catalog_state WHERE id = 1"),
			  out);
}

/* The folded texts searched besides the name. */
static char *body_folded(const struct procedure *p, const char *agency_name)
{
	struct strbuf raw = STRBUF_INIT, out = STRBUF_INIT;

	strbuf_addf(&raw, "%s\n%s\n%s\n%s\n", p->code, p->field, p->result,
		    agency_name ? agency_name : "");
	for (int i = 0; i < p->ndocuments; i++)
		strbuf_addf(&raw, "%s\n%s\n", p->documents[i].name, p->documents[i].form);
	for (int i = 0; i < p->nfees; i++)
		strbuf_addf(&raw, "%s\n%s\n", p->fees[i].name, p->fees[i].exempt);
	for (int i = 0; i < p->nsteps; i++)
		strbuf_addf(&raw, "%s\n", p->steps[i].name);
	for (int i = 0; i < p->nlegal_basis; i++)
		strbuf_addf(&raw, "%s\n", p->legal_basis[i]);
	strbuf_addstr(&raw, p->note);
	text_fold(&out, raw.buf);
	strbuf_release(&raw);
	return strbuf_detach(&out, NULL);
}

static void levels_text(const struct procedure *p, struct strbuf *out)
{
	for (int i = 0; i < p->nlevels; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, p->levels[i]);
	}
}

static char *strings_text(char **list, int n)
{
	json_t *a = strings_json(list, n);
	char *s = json_dumps(a, JSON_COMPACT);

	json_decref(a);
	return s;
}

static int insert_children(struct db *db, int64_t vid, const struct procedure *p)
{
	struct db_stmt *st;
	int ret = 0;

	for (int i = 0; !ret && i < p->nsteps; i++) {
		st = db_prepare(db, "INSERT INTO procedure_step (version_id, seq, name, kind,"
				" share, agency) VALUES (?, ?, ?, ?, ?, ?)");
		db_bind_int(st, 1, vid);
		db_bind_int(st, 2, i);
		db_bind_text(st, 3, p->steps[i].name);
		db_bind_text(st, 4, p->steps[i].kind);
		db_bind_double(st, 5, p->steps[i].share);
		db_bind_text(st, 6, p->steps[i].agency);
		ret = db_run(st);
	}
	for (int i = 0; !ret && i < p->nfees; i++) {
		st = db_prepare(db, "INSERT INTO procedure_fee (version_id, seq, name, amount,"
				" exempt) VALUES (?, ?, ?, ?, ?)");
		db_bind_int(st, 1, vid);
		db_bind_int(st, 2, i);
		db_bind_text(st, 3, p->fees[i].name);
		db_bind_int(st, 4, p->fees[i].amount);
		db_bind_text(st, 5, p->fees[i].exempt);
		ret = db_run(st);
	}
	for (int i = 0; !ret && i < p->ndocuments; i++) {
		st = db_prepare(db, "INSERT INTO procedure_document (version_id, seq, name, kind,"
				" copies, form) VALUES (?, ?, ?, ?, ?, ?)");
		db_bind_int(st, 1, vid);
		db_bind_int(st, 2, i);
		db_bind_text(st, 3, p->documents[i].name);
		db_bind_text(st, 4, p->documents[i].kind);
		db_bind_int(st, 5, p->documents[i].copies);
		db_bind_text(st, 6, p->documents[i].form);
		ret = db_run(st);
	}
	return ret;
}

static int delete_children(struct db *db, int64_t vid)
{
	static const char *const sql[] = {
		"DELETE FROM procedure_step WHERE version_id = ?",
		"DELETE FROM procedure_fee WHERE version_id = ?",
		"DELETE FROM procedure_document WHERE version_id = ?",
	};
	int ret = 0;

	for (size_t i = 0; !ret && i < ARRAY_SIZE(sql); i++) {
		struct db_stmt *st = db_prepare(db, sql[i]);

		db_bind_int(st, 1, vid);
		ret = db_run(st);
	}
	return ret;
}

/* The name of agency key (NULL if none), malloc'd. */
static char *agency_name_of(struct db *db, const char *key)
{
	struct db_stmt *st;
	char *name = NULL;

	if (!key)
		return NULL;
	st = db_prepare(db, "SELECT name FROM agency WHERE key = ?");
	db_bind_text(st, 1, key);
	if (db_one_text(st, &name))
		name = NULL;
	return name;
}

/*
 * Binds the content columns of procedure_version, in the order of
 * CONTENT_COLS, from parameter first on.
 */
#define CONTENT_COLS "name, field, levels, agency_kind, agency_key, time_value," \
	" time_unit, result, legal_basis, online, postal_submit, postal_return, note," \
	" name_folded, body_folded, content_hash"
#define CONTENT_NCOLS 16

static void bind_content(struct db *db, struct db_stmt *st, int first,
			 const struct procedure *p, const char *hash)
{
	struct strbuf levels = STRBUF_INIT;
	char *legal = strings_text(p->legal_basis, p->nlegal_basis);
	char *agency_name = agency_name_of(db, p->agency_key);
	char *name_f = text_fold_dup(p->name), *body_f = body_folded(p, agency_name);

	levels_text(p, &levels);
	db_bind_text(st, first, p->name);
	db_bind_text(st, first + 1, p->field);
	db_bind_text(st, first + 2, levels.buf);
	db_bind_text(st, first + 3, p->agency_kind);
	db_bind_text(st, first + 4, p->agency_key);
	db_bind_double(st, first + 5, p->time_value);
	db_bind_text(st, first + 6, p->time_unit);
	db_bind_text(st, first + 7, p->result ? p->result : "");
	db_bind_text(st, first + 8, legal);
	db_bind_text(st, first + 9, p->online);
	db_bind_int(st, first + 10, p->postal_submit);
	db_bind_int(st, first + 11, p->postal_return);
	db_bind_text(st, first + 12, p->note ? p->note : "");
	db_bind_text(st, first + 13, name_f);
	db_bind_text(st, first + 14, body_f);
	db_bind_text(st, first + 15, hash);
	strbuf_release(&levels);
	free(legal);
	free(agency_name);
	free(name_f);
	free(body_f);
}

static int version_insert(struct db *db, int64_t proc_id, int version,
			  const struct procedure *p, const char *hash, bool in_force,
			  int64_t *vid)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO procedure_version (procedure_id,"
		" version, " CONTENT_COLS ", created_at, updated_at, published_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" CAST(? AS BIGINT)) RETURNING id");
	int64_t now = clock_now();
	int ret;

	db_bind_int(st, 1, proc_id);
	db_bind_int(st, 2, version);
	bind_content(db, st, 3, p, hash);
	db_bind_int(st, 3 + CONTENT_NCOLS, now);
	db_bind_int(st, 4 + CONTENT_NCOLS, now);
	if (in_force)
		db_bind_int(st, 5 + CONTENT_NCOLS, now);
	else
		db_bind_null(st, 5 + CONTENT_NCOLS);
	ret = db_one_int(st, vid);
	if (!ret)
		ret = insert_children(db, *vid, p);
	return ret;
}

static int version_overwrite(struct db *db, int64_t vid, const struct procedure *p,
			     const char *hash)
{
	struct db_stmt *st = db_prepare(db, "UPDATE procedure_version SET name = ?, field = ?,"
		" levels = ?, agency_kind = ?, agency_key = ?, time_value = ?, time_unit = ?,"
		" result = ?, legal_basis = ?, online = ?, postal_submit = ?, postal_return = ?,"
		" note = ?, name_folded = ?, body_folded = ?, content_hash = ?, updated_at = ?"
		" WHERE id = ?");
	int ret;

	bind_content(db, st, 1, p, hash);
	db_bind_int(st, 1 + CONTENT_NCOLS, clock_now());
	db_bind_int(st, 2 + CONTENT_NCOLS, vid);
	ret = db_run(st);
	if (!ret)
		ret = delete_children(db, vid);
	if (!ret)
		ret = insert_children(db, vid, p);
	return ret;
}

/* The path of the agency that owns a procedure: its agency, or the root. */
static int owner_path(struct db *db, const char *agency_key, char **path)
{
	struct db_stmt *st;

	if (agency_key) {
		st = db_prepare(db, "SELECT path FROM agency WHERE key = ?");
		db_bind_text(st, 1, agency_key);
	} else {
		st = db_prepare(db, "SELECT path FROM agency WHERE parent_id IS NULL"
				" ORDER BY id LIMIT 1");
	}
	return db_one_text(st, path);
}

/* Whether by (NULL: the command line) may change procedures of that owner. */
static int check_scope(struct db *db, const struct user *by, const char *agency_key,
		       const char *agency_name, struct err *e)
{
	char *path = NULL;
	int ret;

	if (!by)
		return 0;
	ret = owner_path(db, agency_key, &path);
	if (ret == E_NOTFOUND)
		ret = 0;	/* no such agency: procedure_validate says so */
	else if (!ret && !user_sees_agency(by, path))
		ret = agency_key ?
			err_set(e, E_DENIED, "agency_kind",
				"you may not change the procedures of %s",
				agency_name ? agency_name : agency_key) :
			err_set(e, E_DENIED, "agency_kind",
				"procedures carried out by every commune or district are "
				"managed by the administrators of the province");
	free(path);
	return ret;
}

/* The audit summary of a procedure version. */
static json_t *summary(const struct procedure *p, const char *status, int64_t vid,
		       int version, const char *hash)
{
	return json_pack("{s:s,s:s,s:i,s:I,s:s,s:s}", "code", p->code, "name", p->name,
			 "version", version, "version_id", (json_int_t)vid,
			 "status", status, "content_hash", hash);
}

struct current {
	int64_t id, vid;
	int version;
	char *status;
	char *hash;
	char *agency_key;
	char *agency_name;
	bool frozen;		/* the version was ever published */
};

static void current_release(struct current *c)
{
	free(c->status);
	free(c->hash);
	free(c->agency_key);
	free(c->agency_name);
	memset(c, 0, sizeof(*c));
}

/*
 * Reads the procedure's current state, after taking its row lock (an
 * UPDATE, so that PostgreSQL makes concurrent changers wait).
 */
static int current_get(struct db *db, const char *code, struct current *c)
{
	struct db_stmt *st = db_prepare(db, "UPDATE procedure SET updated_at = updated_at"
					" WHERE code = ?");
	int ret;

	db_bind_text(st, 1, code);
	ret = db_run(st);
	if (ret)
		return ret;
	st = db_prepare(db, "SELECT p.id, p.current_version_id, v.version, p.status,"
			" v.content_hash, v.agency_key, a.name,"
			" CASE WHEN v.published_at IS NULL THEN 0 ELSE 1 END"
			" FROM procedure p JOIN procedure_version v ON v.id = p.current_version_id"
			" LEFT JOIN agency a ON a.key = v.agency_key WHERE p.code = ?");
	db_bind_text(st, 1, code);
	ret = db_step(st);
	if (ret == DB_ROW) {
		c->id = db_col_int(st, 0);
		c->vid = db_col_int(st, 1);
		c->version = (int)db_col_int(st, 2);
		c->status = xstrdup(db_col_text(st, 3));
		c->hash = xstrdup(db_col_text(st, 4));
		c->agency_key = db_col_null(st, 5) ? NULL : xstrdup(db_col_text(st, 5));
		c->agency_name = db_col_null(st, 6) ? NULL : xstrdup(db_col_text(st, 6));
		c->frozen = db_col_int(st, 7) != 0;
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

static int set_current(struct db *db, int64_t id, int64_t vid, const char *status)
{
	struct db_stmt *st = db_prepare(db, "UPDATE procedure SET current_version_id = ?,"
					" status = ?, updated_at = ? WHERE id = ?");

	db_bind_int(st, 1, vid);
	db_bind_text(st, 2, status);
	db_bind_int(st, 3, clock_now());
	db_bind_int(st, 4, id);
	return db_run(st);
}

/* Moves the current version c to status, in the open transaction. */
static int change_status(struct db *db, const struct audit_actor *who, const char *code,
			 struct current *c, const char *status, struct err *e)
{
	struct db_stmt *st;
	json_t *before, *after;
	int ret;

	if (!strcmp(status, "draft"))
		return !strcmp(c->status, "published") ?
			err_set(e, E_CONFLICT, "status", "procedure '%s' is published; "
				"it cannot become a draft again", code) :
			err_set(e, E_CONFLICT, "status", "procedure '%s' is retired; "
				"it cannot become a draft again", code);
	if (!strcmp(status, "published") && !c->frozen) {
		st = db_prepare(db, "UPDATE procedure_version SET published_at = ? WHERE id = ?");
		db_bind_int(st, 1, clock_now());
		db_bind_int(st, 2, c->vid);
		ret = db_run(st);
		if (ret)
			return ret;
		c->frozen = true;
	}
	ret = set_current(db, c->id, c->vid, status);
	if (ret)
		return ret;
	before = json_pack("{s:s,s:i}", "status", c->status, "version", c->version);
	after = json_pack("{s:s,s:i}", "status", status, "version", c->version);
	ret = audit_log(db, who, !strcmp(status, "published") ? "procedure.publish" :
			"procedure.retire", "procedure", code, before, after);
	json_decref(before);
	json_decref(after);
	free(c->status);
	c->status = xstrdup(status);
	return ret;
}

int procedure_store(struct db *db, const struct user *by, const struct audit_actor *who,
		    const struct procedure *p, const char *status,
		    enum store_outcome *outcome, struct err *e)
{
	struct current c = { 0 };
	char hash[33];
	json_t *before = NULL, *after = NULL;
	int64_t vid;
	int ret;

	content_hash(p, hash);
	ret = check_scope(db, by, p->agency_key, NULL, e);
	if (ret)
		goto out;
	ret = current_get(db, p->code, &c);
	if (ret == E_NOTFOUND) {
		/* A new procedure: version 1. */
		struct db_stmt *st = db_prepare(db, "INSERT INTO procedure (code, status,"
						" created_at, updated_at) VALUES (?, ?, ?, ?)"
						" RETURNING id");
		const char *s = status ? status : "draft";
		int64_t now = clock_now(), id;

		db_bind_text(st, 1, p->code);
		db_bind_text(st, 2, s);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, now);
		ret = db_one_int(st, &id);
		if (!ret)
			ret = version_insert(db, id, 1, p, hash, !strcmp(s, "published"), &vid);
		if (!ret)
			ret = set_current(db, id, vid, s);
		if (ret)
			goto out;
		after = summary(p, s, vid, 1, hash);
		ret = audit_log(db, who, "procedure.create", "procedure", p->code, NULL, after);
		*outcome = STORE_CREATED;
		goto done;
	}
	if (ret)
		goto out;
	ret = check_scope(db, by, c.agency_key, c.agency_name, e);
	if (ret)
		goto out;
	*outcome = STORE_UNCHANGED;
	if (strcmp(c.hash, hash)) {
		before = json_pack("{s:i,s:I,s:s}", "version", c.version,
				   "version_id", (json_int_t)c.vid, "content_hash", c.hash);
		if (c.frozen) {
			struct db_stmt *st;

			ret = version_insert(db, c.id, c.version + 1, p, hash,
					     !strcmp(c.status, "published"), &vid);
			if (ret)
				goto out;
			st = db_prepare(db, "UPDATE procedure_version SET superseded_at = ?"
					" WHERE id = ?");
			db_bind_int(st, 1, clock_now());
			db_bind_int(st, 2, c.vid);
			ret = db_run(st);
			if (!ret)
				ret = set_current(db, c.id, vid, c.status);
			if (ret)
				goto out;
			c.vid = vid;
			c.version++;
			c.frozen = !strcmp(c.status, "published");
			*outcome = STORE_NEW_VERSION;
		} else {
			ret = version_overwrite(db, c.vid, p, hash);
			if (ret)
				goto out;
			*outcome = STORE_CHANGED;
		}
		after = summary(p, c.status, c.vid, c.version, hash);
		ret = audit_log(db, who, *outcome == STORE_NEW_VERSION ?
				"procedure.new_version" : "procedure.update",
				"procedure", p->code, before, after);
		if (ret)
			goto out;
	}
	if (status && strcmp(status, c.status)) {
		ret = change_status(db, who, p->code, &c, status, e);
		if (ret)
			goto out;
		if (*outcome == STORE_UNCHANGED)
			*outcome = STORE_CHANGED;
	}
done:
	if (!ret && *outcome != STORE_UNCHANGED)
		ret = catalog_bump(db);
out:
	json_decref(before);
	json_decref(after);
	current_release(&c);
	return ret;
}

/* Commits the change begun by the caller (or rolls it back); loads out. */
static int finish(struct db *db, int ret, const char *code, struct procedure *out,
		  struct err *e)
{
	if (!ret)
		ret = db_commit(db);
	if (ret) {
		db_rollback(db);
		return ret;
	}
	catalog_changed();
	if (out)
		ret = procedure_find(db, code, out, e);
	return ret;
}

int procedure_create(struct db *db, const struct user *by, const struct audit_actor *who,
		     const struct procedure *p, struct procedure *out, struct err *e)
{
	struct current c = { 0 };
	enum store_outcome outcome;
	int ret;

	if (!p->code)
		return err_set(e, E_INVALID, "code", "\"%s\" is required", "code");
	ret = procedure_validate(db, p, e);
	if (ret)
		return ret;
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = current_get(db, p->code, &c);
	current_release(&c);
	if (!ret)
		ret = err_set(e, E_CONFLICT, "code", "procedure '%s' already exists", p->code);
	else if (ret == E_NOTFOUND)
		ret = procedure_store(db, by, who, p, "draft", &outcome, e);
	return finish(db, ret, p->code, out, e);
}

int procedure_update(struct db *db, const struct user *by, const struct audit_actor *who,
		     const char *code, const struct procedure *p, bool *new_version,
		     struct procedure *out, struct err *e)
{
	struct procedure copy = *p;
	struct current c = { 0 };
	enum store_outcome outcome = STORE_UNCHANGED;
	int ret;

	if (p->code && strcmp(p->code, code))
		return err_set(e, E_INVALID, "code",
			       "the code of a procedure cannot change (the address says '%s')",
			       code);
	copy.code = (char *)code;
	ret = procedure_validate(db, &copy, e);
	if (ret)
		return ret;
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = current_get(db, code, &c);
	current_release(&c);
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, "code", "there is no procedure '%s'", code);
	if (!ret)
		ret = procedure_store(db, by, who, &copy, NULL, &outcome, e);
	if (new_version)
		*new_version = outcome == STORE_NEW_VERSION;
	return finish(db, ret, code, out, e);
}

static int set_status(struct db *db, const struct user *by, const struct audit_actor *who,
		      const char *code, const char *status, struct procedure *out,
		      struct err *e)
{
	struct current c = { 0 };
	int ret = db_begin(db);

	if (ret)
		return ret;
	ret = current_get(db, code ? code : "", &c);
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, "code", "there is no procedure '%s'",
			      code ? code : "");
	if (!ret)
		ret = check_scope(db, by, c.agency_key, c.agency_name, e);
	if (!ret && !strcmp(c.status, status))
		ret = !strcmp(status, "published") ?
			err_set(e, E_CONFLICT, "status", "procedure '%s' is already published",
				code) :
			err_set(e, E_CONFLICT, "status", "procedure '%s' is already retired",
				code);
	if (!ret)
		ret = change_status(db, who, code, &c, status, e);
	if (!ret)
		ret = catalog_bump(db);
	current_release(&c);
	return finish(db, ret, code, out, e);
}

int procedure_publish(struct db *db, const struct user *by, const struct audit_actor *who,
		      const char *code, struct procedure *out, struct err *e)
{
	return set_status(db, by, who, code, "published", out, e);
}

int procedure_retire(struct db *db, const struct user *by, const struct audit_actor *who,
		     const char *code, struct procedure *out, struct err *e)
{
	return set_status(db, by, who, code, "retired", out, e);
}
