/*
 * Deadlines as plans write them, the periods reports are made for, and
 * the state of a task derived from its deadline and its reports.  Pure:
 * no database, no clock.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"

static const char *const kind_names[] = {
	[PLAN_DL_NONE] = "none",
	[PLAN_DL_DATE] = "date",
	[PLAN_DL_DATES] = "dates",
	[PLAN_DL_RECURRING] = "recurring",
	[PLAN_DL_CONDITIONAL] = "conditional",
	[PLAN_DL_UNKNOWN] = "unknown",
};

const char *plan_deadline_kind_name(enum plan_deadline_kind kind)
{
	return (unsigned)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

enum plan_deadline_kind plan_deadline_kind_parse(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(kind_names[i], name))
			return (enum plan_deadline_kind)i;
	return PLAN_DL_UNKNOWN;
}

/* ---- tokens ---------------------------------------------------------------- */

/*
 * A deadline's tokens: folded words ("quy", "ii", "2021") and the
 * punctuation that separates them ("-", "/", ",", …), which folding
 * alone would lose — "Quý II-III" is a range, "Quý II, III" a list.
 */
struct tokens {
	char **t;
	int n, alloc;
};

static void tok_add(struct tokens *tk, char *s)
{
	if (tk->n == tk->alloc) {
		tk->alloc = tk->alloc ? 2 * tk->alloc : 16;
		tk->t = xrealloc(tk->t, (size_t)tk->alloc * sizeof(*tk->t));
	}
	tk->t[tk->n++] = s;
}

static void tokens_release(struct tokens *tk)
{
	for (int i = 0; i < tk->n; i++)
		free(tk->t[i]);
	free(tk->t);
	memset(tk, 0, sizeof(*tk));
}

static void tokenize(const char *text, struct tokens *tk)
{
	const char *p = text;

	while (*p) {
		const char *start;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (ispunct((unsigned char)*p)) {
			tok_add(tk, xstrndup(p, 1));
			p++;
			continue;
		}
		/* An en or em dash is a hyphen here. */
		if (!strncmp(p, "\xE2\x80\x93", 3) || !strncmp(p, "\xE2\x80\x94", 3)) {
			tok_add(tk, xstrdup("-"));
			p += 3;
			continue;
		}
		start = p;
		while (*p && !isspace((unsigned char)*p) && !ispunct((unsigned char)*p) &&
		       strncmp(p, "\xE2\x80\x93", 3) && strncmp(p, "\xE2\x80\x94", 3))
			p++;
		{
			char *chunk = xstrndup(start, (size_t)(p - start));
			char *folded = text_fold_dup(chunk);
			const char *w = folded;
			const char *word;
			size_t len;

			while ((word = text_next_word(&w, &len)))
				tok_add(tk, xstrndup(word, len));
			free(folded);
			free(chunk);
		}
	}
}

/* Whether the tokens from *i on are the words of phrase; if so, moves past them. */
static bool take(const struct tokens *tk, int *i, const char *phrase)
{
	const char *p = phrase;
	const char *word;
	size_t len;
	int j = *i;

	while ((word = text_next_word(&p, &len))) {
		if (j >= tk->n || strlen(tk->t[j]) != len || strncmp(tk->t[j], word, len))
			return false;
		j++;
	}
	*i = j;
	return true;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* A quarter in Roman or Arabic numerals: 1–4, or 0. */
static int quarter_of(const char *s)
{
	static const char *const roman[] = { "i", "ii", "iii", "iv" };

	for (int q = 0; q < 4; q++)
		if (!strcmp(s, roman[q]))
			return q + 1;
	if (is_number(s) && strlen(s) == 1 && *s >= '1' && *s <= '4')
		return *s - '0';
	return 0;
}

static bool take_year(const struct tokens *tk, int *i, int *year)
{
	if (*i < tk->n && is_number(tk->t[*i]) && strlen(tk->t[*i]) == 4) {
		*year = atoi(tk->t[*i]);
		(*i)++;
		return *year >= CALENDAR_FIRST_YEAR && *year <= CALENDAR_LAST_YEAR;
	}
	return false;
}

/* "/2021", "năm 2021", "2021" or nothing (the plan's year, noted). */
static bool year_part(const struct tokens *tk, int *i, int *year, struct plan_deadline *dl,
		      int plan_year)
{
	int j = *i;

	if (j < tk->n && (!strcmp(tk->t[j], "/") || !strcmp(tk->t[j], "nam")))
		j++;
	if (take_year(tk, &j, year)) {
		*i = j;
		return true;
	}
	if (j != *i)
		return false;
	*year = plan_year;
	dl->year_assumed = true;
	return true;
}

static int quarter_end(int year, int q)
{
	static const int last[] = { 31, 30, 30, 31 };

	return calendar_day_from_ymd(year, 3 * q, last[q - 1]);
}

static int quarter_start(int year, int q)
{
	return calendar_day_from_ymd(year, 3 * q - 2, 1);
}

static int month_end(int year, int month)
{
	return month == 12 ? calendar_day_from_ymd(year, 12, 31) :
		calendar_day_from_ymd(year, month + 1, 1) - 1;
}

static void add_date(struct plan_deadline *dl, int day)
{
	for (int i = 0; i < dl->ndates; i++)
		if (dl->dates[i] == day)
			return;
	if (dl->ndates < PLAN_DL_MAX)
		dl->dates[dl->ndates++] = day;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* "Quý II", "Quý II-III", "Quý II và Quý IV", "Quý I, II" … then the year. */
static bool quarters(const struct tokens *tk, int *i, struct plan_deadline *dl, int plan_year)
{
	int qs[8], nq = 0, range_from = 0, year, j = *i;

	if (!take(tk, &j, "quy") || j >= tk->n || !(qs[nq] = quarter_of(tk->t[j])))
		return false;
	nq++;
	j++;
	while (j < tk->n && nq < (int)ARRAY_SIZE(qs)) {
		int k = j;
		bool range = !strcmp(tk->t[k], "-");

		if (range || !strcmp(tk->t[k], ",") || !strcmp(tk->t[k], ";") ||
		    !strcmp(tk->t[k], "va"))
			k++;
		else
			break;
		take(tk, &k, "quy");
		if (k >= tk->n || !quarter_of(tk->t[k]))
			break;
		if (range) {
			/* "II-III": everything from the first quarter to the second. */
			if (range_from || quarter_of(tk->t[k]) <= qs[nq - 1])
				return false;
			range_from = qs[nq - 1];
			qs[nq - 1] = quarter_of(tk->t[k]);
		} else {
			qs[nq++] = quarter_of(tk->t[k]);
		}
		j = k + 1;
	}
	if (!year_part(tk, &j, &year, dl, plan_year))
		return false;
	for (int q = 0; q < nq; q++)
		add_date(dl, quarter_end(year, qs[q]));
	if (range_from)
		dl->starts = quarter_start(year, range_from);
	dl->kind = dl->ndates > 1 ? PLAN_DL_DATES : PLAN_DL_DATE;
	*i = j;
	return true;
}

/* Phrases that make a deadline depend on something outside the plan. */
static const char *const conditional_starts[] = {
	"sau khi", "khi co", "theo tien do", "tuy theo", "tuy thuoc", "theo yeu cau",
	"theo chi dao", "theo huong dan", "theo lo trinh",
};

int plan_deadline_parse(const char *text, int year, struct plan_deadline *out)
{
	struct tokens tk = { 0 };
	int i = 0, y, ret = 0;

	memset(out, 0, sizeof(*out));
	tokenize(text ? text : "", &tk);
	if (!tk.n) {
		out->kind = PLAN_DL_NONE;
		goto out;
	}
	for (size_t c = 0; c < ARRAY_SIZE(conditional_starts); c++) {
		int j = 0;

		if (take(&tk, &j, conditional_starts[c])) {
			out->kind = PLAN_DL_CONDITIONAL;
			goto out;
		}
	}
	if (take(&tk, &i, "nhiem vu thuong xuyen") || take(&tk, &i, "thuong xuyen") ||
	    take(&tk, &i, "hang quy") || take(&tk, &i, "dinh ky hang quy")) {
		out->kind = PLAN_DL_RECURRING;
	} else {
		if (!take(&tk, &i, "truoc") && !take(&tk, &i, "den"))
			take(&tk, &i, "trong");
		take(&tk, &i, "ngay");
		if (quarters(&tk, &i, out, year)) {
			;
		} else if (take(&tk, &i, "6 thang dau nam") && take_year(&tk, &i, &y)) {
			add_date(out, calendar_day_from_ymd(y, 6, 30));
			out->kind = PLAN_DL_DATE;
		} else if (take(&tk, &i, "6 thang cuoi nam") && take_year(&tk, &i, &y)) {
			add_date(out, calendar_day_from_ymd(y, 12, 31));
			out->starts = calendar_day_from_ymd(y, 7, 1);
			out->kind = PLAN_DL_DATE;
		} else if ((take(&tk, &i, "ca nam") || take(&tk, &i, "nam")) &&
			   take_year(&tk, &i, &y)) {
			add_date(out, calendar_day_from_ymd(y, 12, 31));
			out->kind = PLAN_DL_DATE;
			if (take(&tk, &i, "va cac nam tiep theo") ||
			    take(&tk, &i, "va nhung nam tiep theo"))
				out->ongoing = true;
		} else if (take(&tk, &i, "thang") && i < tk.n && is_number(tk.t[i]) &&
			   atoi(tk.t[i]) >= 1 && atoi(tk.t[i]) <= 12) {
			int m = atoi(tk.t[i++]);

			if (!year_part(&tk, &i, &y, out, year))
				goto unknown;
			add_date(out, month_end(y, m));
			out->kind = PLAN_DL_DATE;
		} else if (i + 4 < tk.n && is_number(tk.t[i]) && !strcmp(tk.t[i + 1], "/") &&
			   is_number(tk.t[i + 2]) && !strcmp(tk.t[i + 3], "/")) {
			int d = atoi(tk.t[i]), m = atoi(tk.t[i + 2]);

			i += 4;
			if (!take_year(&tk, &i, &y) || !calendar_ymd_valid(y, m, d))
				goto unknown;
			add_date(out, calendar_day_from_ymd(y, m, d));
			out->kind = PLAN_DL_DATE;
		} else {
			goto unknown;
		}
	}
	/* A full stop may end it; anything else is not understood. */
	while (i < tk.n && (!strcmp(tk.t[i], ".") || !strcmp(tk.t[i], ";")))
		i++;
	if (i == tk.n) {
		qsort(out->dates, (size_t)out->ndates, sizeof(int), cmp_int);
		goto out;
	}
unknown:
	memset(out, 0, sizeof(*out));
	out->kind = PLAN_DL_UNKNOWN;
	ret = E_INVALID;
out:
	tokens_release(&tk);
	return ret;
}

json_t *plan_deadline_json(const struct plan_deadline *dl)
{
	json_t *j = json_object(), *dates = json_array();
	char day[CALENDAR_DAY_SIZE];

	json_object_set_new(j, "kind", json_string(plan_deadline_kind_name(dl->kind)));
	for (int i = 0; i < dl->ndates; i++) {
		calendar_day_format(dl->dates[i], day);
		json_array_append_new(dates, json_string(day));
	}
	json_object_set_new(j, "dates", dates);
	if (dl->starts) {
		calendar_day_format(dl->starts, day);
		json_object_set_new(j, "starts", json_string(day));
	}
	if (dl->ongoing)
		json_object_set_new(j, "ongoing", json_true());
	return j;
}

int plan_deadline_from_json(json_t *j, struct plan_deadline *out, struct err *e)
{
	const char *kind = json_string_value(json_object_get(j, "kind"));
	json_t *dates = json_object_get(j, "dates"), *d;
	const char *starts = json_string_value(json_object_get(j, "starts"));
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j) || !kind)
		return err_set(e, E_INVALID, "deadline",
			       "the deadline needs a \"kind\": date, dates, recurring or conditional");
	out->kind = plan_deadline_kind_parse(kind);
	if (out->kind == PLAN_DL_UNKNOWN || out->kind == PLAN_DL_NONE)
		return err_set(e, E_INVALID, "deadline",
			       "the deadline's kind must be date, dates, recurring or conditional, not '%s'",
			       kind);
	if (dates && !json_is_array(dates))
		return err_set(e, E_INVALID, "deadline", "\"dates\" must be a list of YYYY-MM-DD dates");
	json_array_foreach(dates, i, d) {
		int day;

		if (!json_is_string(d) || calendar_day_parse(json_string_value(d), &day, e))
			return err_set(e, E_INVALID, "deadline",
				       "\"dates\" must be a list of YYYY-MM-DD dates");
		add_date(out, day);
	}
	qsort(out->dates, (size_t)out->ndates, sizeof(int), cmp_int);
	if ((out->kind == PLAN_DL_DATE && out->ndates != 1) ||
	    (out->kind == PLAN_DL_DATES && out->ndates < 2))
		return err_set(e, E_INVALID, "deadline",
			       "a deadline of kind date has one date, of kind dates several");
	if ((out->kind == PLAN_DL_RECURRING || out->kind == PLAN_DL_CONDITIONAL) &&
	    out->ndates)
		return err_set(e, E_INVALID, "deadline",
			       "a recurring or conditional deadline has no dates");
	if (starts && calendar_day_parse(starts, &out->starts, e))
		return err_set(e, E_INVALID, "deadline", "\"starts\" must be a YYYY-MM-DD date");
	out->ongoing = json_is_true(json_object_get(j, "ongoing"));
	return 0;
}

/* ---- states ---------------------------------------------------------------------- */

static const char *const state_names[PLAN_NSTATES] = {
	"not_started", "on_track", "due_soon", "overdue", "done_on_time", "done_late",
};

static const char *const state_labels[PLAN_NSTATES] = {
	N_("Not started"), N_("On track"), N_("Due soon"), N_("Overdue"),
	N_("Done on time"), N_("Done late"),
};

const char *plan_state_name(enum plan_state s)
{
	return (unsigned)s < PLAN_NSTATES ? state_names[s] : "not_started";
}

int plan_state_parse(const char *name)
{
	for (int i = 0; name && i < PLAN_NSTATES; i++)
		if (!strcmp(state_names[i], name))
			return i;
	return -1;
}

const char *plan_state_label(enum plan_state s)
{
	return _((unsigned)s < PLAN_NSTATES ? state_labels[s] : state_labels[0]);
}

/* The quarter (1–4) of a day, and its year. */
static int quarter_of_day(int day, int *year)
{
	int m;

	calendar_day_to_ymd(day, year, &m, NULL);
	return (m + 2) / 3;
}

enum plan_state plan_state_of(const struct plan_deadline *dl,
			      const struct plan_point *pts, int n, int as_of,
			      int remind_days, int year, int *due)
{
	const struct plan_point *last = NULL;
	int final_due, share = 0, dummy;

	if (!due)
		due = &dummy;
	*due = 0;
	/* The latest report as of the day: by its day, then as recorded. */
	for (int i = 0; i < n; i++)
		if (pts[i].day <= as_of && (!last || pts[i].day >= last->day))
			last = &pts[i];
	final_due = dl->ndates ? dl->dates[dl->ndates - 1] :
		calendar_day_from_ymd(year, 12, 31);
	if (last && last->done)
		return last->day <= final_due ? PLAN_DONE_ON_TIME : PLAN_DONE_LATE;
	if (last)
		share = last->percent;

	switch (dl->kind) {
	case PLAN_DL_DATE:
	case PLAN_DL_DATES:
		if (dl->starts && as_of < dl->starts && !last) {
			*due = dl->dates[0];
			return PLAN_NOT_STARTED;
		}
		for (int i = 0; i < dl->ndates; i++) {
			/* Due date i (from 1) wants i/n of the work. */
			int want = 100 * (i + 1) / dl->ndates;

			if (dl->dates[i] < as_of) {
				if (share < want) {
					*due = dl->dates[i];
					return PLAN_OVERDUE;
				}
				continue;
			}
			*due = dl->dates[i];
			if (dl->dates[i] - as_of <= remind_days && share < want)
				return PLAN_DUE_SOON;
			return last ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
		}
		return last ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
	case PLAN_DL_RECURRING: {
		int y, q = quarter_of_day(as_of, &y), end, prev_end, prev_start;
		bool in_this = false, in_prev = false;

		if (y < year)
			return last ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
		if (y > year) {
			/* After the plan's year: judged on its last quarter. */
			y = year;
			q = 5;
		}
		end = q <= 4 ? quarter_end(y, q) : 0;
		prev_start = q > 1 ? quarter_start(y, q - 1) : 0;
		prev_end = q > 1 ? quarter_end(y, q - 1) : 0;
		for (int i = 0; i < n; i++) {
			if (pts[i].day > as_of)
				continue;
			if (q <= 4 && pts[i].day >= quarter_start(y, q))
				in_this = true;
			if (q > 1 && pts[i].day >= prev_start && pts[i].day <= prev_end)
				in_prev = true;
		}
		if (q > 1 && !in_prev) {
			*due = prev_end;
			return PLAN_OVERDUE;
		}
		if (q <= 4) {
			*due = end;
			if (!in_this && end - as_of <= remind_days)
				return PLAN_DUE_SOON;
		}
		return last ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
	}
	default:
		return last ? PLAN_ON_TRACK : PLAN_NOT_STARTED;
	}
}

/* ---- periods ----------------------------------------------------------------------- */

int plan_period_parse(const char *code, int year, struct plan_period *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	if (!code)
		code = "";
	snprintf(p->code, sizeof(p->code), "%s", code);
	if (strlen(code) == 2 && code[0] == 'Q' && code[1] >= '1' && code[1] <= '4') {
		p->from = quarter_start(year, code[1] - '0');
		p->to = quarter_end(year, code[1] - '0');
	} else if (!strcmp(code, "H1")) {
		p->from = calendar_day_from_ymd(year, 1, 1);
		p->to = calendar_day_from_ymd(year, 6, 30);
	} else if (!strcmp(code, "H2")) {
		p->from = calendar_day_from_ymd(year, 7, 1);
		p->to = calendar_day_from_ymd(year, 12, 31);
	} else if (!strcmp(code, "Y") || !strcmp(code, "plan")) {
		p->from = calendar_day_from_ymd(year, 1, 1);
		p->to = calendar_day_from_ymd(year, 12, 31);
	} else {
		return err_set(e, E_INVALID, "period",
			       "the period must be Q1, Q2, Q3, Q4, H1, H2 or Y, not '%s'", code);
	}
	return 0;
}

void plan_period_label(const char *code, int year, struct strbuf *out)
{
	static const struct {
		const char *code, *msgid;
	} labels[] = {
		{ "Q1", N_("first quarter of %s") }, { "Q2", N_("second quarter of %s") },
		{ "Q3", N_("third quarter of %s") }, { "Q4", N_("fourth quarter of %s") },
		{ "H1", N_("first six months of %s") }, { "H2", N_("last six months of %s") },
		{ "Y", N_("the year %s") }, { "plan", N_("the agencies' own plans for %s") },
	};
	char y[16];

	snprintf(y, sizeof(y), "%d", year);
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (!strcmp(labels[i].code, code)) {
			strbuf_addsub(out, _(labels[i].msgid), y, NULL);
			return;
		}
	strbuf_addstr(out, code);
}

/* ---- days in JSON and queries ----------------------------------------------------------- */

int plan_today(void)
{
	return calendar_day_of(clock_now());
}

json_t *plan_day_json(int day)
{
	char s[CALENDAR_DAY_SIZE];

	if (!day)
		return json_null();
	calendar_day_format(day, s);
	return json_string(s);
}

int plan_day_arg(const char *s, int def, int *day, const char *field, struct err *e)
{
	if (!s || !*s) {
		*day = def;
		return 0;
	}
	if (calendar_day_parse(s, day, NULL))
		return err_set(e, E_INVALID, field, "'%s' is not a date of the form YYYY-MM-DD", s);
	return 0;
}
