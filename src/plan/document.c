/*
 * Reading a decision that issues a reform plan (the seed is one): its
 * title, year and issuer, the targets of section I.2, the fields of
 * section II, the reporting duties of part IV, and the appendix table of
 * tasks.  Pure: the registry is handed in.
 *
 * Real documents are untidy, and the importer's rule is that nothing is
 * dropped and nothing is guessed silently: what is read as it stands is
 * taken; what needed a decision (a cell joined across a page break, a
 * number printed twice) is taken and noted; what cannot be read is kept
 * verbatim and noted for review.  Every note is a warning with a kind
 * (the list is in docs/plan.md), a place, the text concerned and a line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"

#define NCELLS 6	/* TT, content, product, deadline, lead, coordinating */

/* ---- warnings ------------------------------------------------------------------ */

static const struct {
	const char *kind;
	const char *severity;
	const char *msgid;
} warning_kinds[] = {
	{ "repeated_header", "info",
	  N_("the table's header row is repeated %s times (page breaks); the repeats were skipped") },
	{ "continued_cell", "info",
	  N_("a cell continues on the next line of the table (a page break); it was joined to the %s of task %s") },
	{ "continued_paragraph", "info",
	  N_("a paragraph continues after a page break; the two parts were joined") },
	{ "duplicate_number", "review",
	  N_("the number %s is printed twice in this part of the table; this row is kept as printed and referred to as %s") },
	{ "out_of_sequence", "info",
	  N_("the number %s does not follow %s") },
	{ "no_product", "info", N_("task %s names no product") },
	{ "no_deadline", "review", N_("task %s has no deadline") },
	{ "no_lead", "review", N_("task %s names no lead agency") },
	{ "unknown_agency", "review",
	  N_("'%s' is not an agency of the registry; it is kept as written, with no agency for it") },
	{ "vague_agencies", "info",
	  N_("'%s' names no agency in particular; it is kept as written") },
	{ "shifted_columns", "review",
	  N_("the lead-agency cell of task %s names no agency while the next cell does: the columns of this row may be shifted") },
	{ "conditional_deadline", "info",
	  N_("the deadline '%s' depends on something outside the plan: it has no date until one is set") },
	{ "unknown_deadline", "review",
	  N_("the deadline '%s' was not understood; it is kept as written, with no date") },
	{ "year_assumed", "info",
	  N_("the deadline '%s' gives no year; the plan's year was taken") },
	{ "outside_year", "info",
	  N_("the deadline '%s' falls outside the plan's year") },
	{ "blank_decision_number", "review",
	  N_("the number of the decision is left blank in the document: '%s'") },
	{ "blank_decision_date", "review",
	  N_("the date of the decision is incomplete in the document: '%s'") },
	{ "unknown_issuer", "review",
	  N_("the issuing body '%s' is not an agency of the registry") },
	{ "no_signer", "info", N_("the name of the signer was not found") },
	{ "unknown_row", "review",
	  N_("a line of the table was not understood; it is kept here as written") },
	{ "text_in_table", "review",
	  N_("a line among the table's rows is not a row of the table; it is kept here as written") },
	{ "area_title", "info",
	  N_("the heading of part %s of the table does not match the heading of section II: '%s'") },
	{ "target_without_number", "review",
	  N_("a target of section I.2 gives no number that could be measured; it is kept as text") },
	{ "no_agency_plan_due", "info",
	  N_("the document does not say by when agencies send their own plans") },
	{ "no_area", "review",
	  N_("a task comes before any part of the table; it was put in a part of its own") },
};

const char *plan_warning_template(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_SIZE(warning_kinds); i++)
		if (!strcmp(warning_kinds[i].kind, kind))
			return warning_kinds[i].msgid;
	return NULL;
}

static const char *warning_severity(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(warning_kinds); i++)
		if (!strcmp(warning_kinds[i].kind, kind))
			return warning_kinds[i].severity;
	return "review";
}

void plan_warning_message(struct strbuf *out, const char *kind, json_t *args,
			  const char *fallback)
{
	const char *t = plan_warning_template(kind);

	if (!t) {
		strbuf_addstr(out, fallback ? fallback : kind);
		return;
	}
	strbuf_addsub(out, _(t), json_string_value(json_array_get(args, 0)),
		 json_string_value(json_array_get(args, 1)));
}

/* Adds a warning: where and the text concerned are copied; args fill the message. */
static void warn(struct plan_doc *d, const char *kind, int line, const char *where,
		 const char *text, const char *a1, const char *a2)
{
	struct plan_doc_warning *w;
	struct strbuf msg = STRBUF_INIT;

	d->warnings = xrealloc(d->warnings, (size_t)(d->nwarnings + 1) * sizeof(*d->warnings));
	w = &d->warnings[d->nwarnings++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->severity = warning_severity(kind);
	w->where = xstrdup(where ? where : "");
	w->text = xstrdup(text ? text : "");
	w->line = line;
	w->args[0] = xstrdup_or_null(a1);
	w->args[1] = xstrdup_or_null(a2);
	/* Stored in English; shown in the reader's language from kind and args. */
	strbuf_addsub(&msg, plan_warning_template(kind), a1, a2);
	w->message = strbuf_detach(&msg, NULL);
}

/* ---- lines and text ------------------------------------------------------------------- */

struct line {
	char *s;		/* without the line break and trailing spaces */
	int no;			/* from 1 */
};

static struct line *split_lines(const char *text, int *n)
{
	struct line *lines = NULL;
	int alloc = 0;
	const char *p = text;

	*n = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			lines = xrealloc(lines, (size_t)alloc * sizeof(*lines));
		}
		lines[*n].s = xstrndup(p, len);
		lines[*n].no = *n + 1;
		(*n)++;
		if (!eol)
			break;
		p = eol + 1;
	}
	return lines;
}

static char *trim_dup(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Whether the folded s starts with the folded words of prefix. */
static bool fold_starts(const char *s, const char *prefix)
{
	char *f = text_fold_dup(s);
	size_t n = strlen(prefix);
	bool ok = !strncmp(f, prefix, n) && (f[n] == '\0' || f[n] == ' ');

	free(f);
	return ok;
}

static bool fold_is(const char *s, const char *want)
{
	char *f = text_fold_dup(s);
	bool ok = !strcmp(f, want);

	free(f);
	return ok;
}

/* The value of a Roman numeral of I…XX, or 0. */
static int roman_value(const char *s, size_t len)
{
	static const char *const r[] = {
		"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
		"XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
	};

	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (strlen(r[i]) == len && !strncmp(r[i], s, len))
			return (int)i + 1;
	return 0;
}

/* "II. Text": the numeral's value and *rest the text; 0 if not a heading. */
static int roman_heading(const char *s, const char **rest)
{
	size_t n = strspn(s, "IVX");
	int v = n ? roman_value(s, n) : 0;

	if (!v || s[n] != '.' || s[n + 1] != ' ')
		return 0;
	*rest = s + n + 2;
	return v;
}

/* "2. Text": the number and *rest; 0 if not. */
static int number_heading(const char *s, const char **rest)
{
	size_t n = strspn(s, "0123456789");

	if (!n || n > 3 || s[n] != '.' || s[n + 1] != ' ')
		return 0;
	*rest = s + n + 2;
	return atoi(s);
}

/* "a) Text", "đ) Text": whether it is a lettered item. */
static bool letter_heading(const char *s)
{
	if (isalpha((unsigned char)s[0]) && islower((unsigned char)s[0]) && s[1] == ')')
		return true;
	/* đ and ê, as Vietnamese lists go on after d and e. */
	return (!strncmp(s, "\xC4\x91)", 3) || !strncmp(s, "\xC3\xAA)", 3));
}

/* Whether s has a lower-case Latin letter (signers' names do; headings do not). */
static bool has_lower(const char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			return true;
	return false;
}

/* The day of "d/m/yyyy" at s (digits only); 0 if not a complete date. */
static int parse_dmy(const char *s)
{
	int d, m, y, n = 0;

	if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || n < 8 ||
	    !calendar_ymd_valid(y, m, d) || y < CALENDAR_FIRST_YEAR || y > CALENDAR_LAST_YEAR)
		return 0;
	return calendar_day_from_ymd(y, m, d);
}

/* ---- the header: title, year, issuer, decision, signer ------------------------------- */

static int year_in(const char *s)
{
	int year = 0;

	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p) && (p == s || !isdigit((unsigned char)p[-1])) &&
		    strspn(p, "0123456789") == 4) {
			int y = atoi(p);

			if (y >= CALENDAR_FIRST_YEAR && y <= CALENDAR_LAST_YEAR)
				year = y;
		}
	}
	return year;
}

/* Skips n whitespace-separated words of s. */
static const char *skip_words(const char *s, int n)
{
	while (n-- > 0) {
		while (*s && !isspace((unsigned char)*s))
			s++;
		while (isspace((unsigned char)*s))
			s++;
	}
	return s;
}

/*
 * "… Quyết định số 1234/QĐ-UBND ngày 30/12/2020 …": the number and the
 * date, each NULL when left blank (with a warning).
 */
/* Whether the word s[0, len) folds to want. */
static bool word_is(const char *s, size_t len, const char *want)
{
	char *w = xstrndup(s, len);
	bool ok = fold_is(w, want);

	free(w);
	return ok;
}

static void read_decision(struct plan_doc *d, const char *text, int line)
{
	const char *p = text;
	char *num = NULL, *date = NULL;

	while (*p) {
		const char *word = p;
		size_t len = strcspn(p, " \t");

		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (word_is(word, len, "so") && !num) {
			size_t n = strcspn(p, " \t");

			num = xstrndup(p, n);
			p += n;
		} else if (word_is(word, len, "ngay") && !date) {
			size_t n = strcspn(p, " \t");

			date = xstrndup(p, n);
			p += n;
		}
	}
	if (num && num[0] && num[0] != '/')
		d->decision_number = xstrdup(num);
	else
		warn(d, "blank_decision_number", line, "decision", text, text, NULL);
	if (date && parse_dmy(date)) {
		char day[CALENDAR_DAY_SIZE];

		calendar_day_format(parse_dmy(date), day);
		d->decision_date = xstrdup(day);
	} else {
		warn(d, "blank_decision_date", line, "decision", text, text, NULL);
	}
	free(num);
	free(date);
}

/* ---- targets (section I.2) --------------------------------------------------------------- */

/* A number in a clause that a target can be measured against. */
struct figure {
	size_t start, end;	/* the number and its unit */
	size_t num_end;		/* the number alone */
	double value;
	bool percent;		/* else "đơn vị" */
	int level;		/* 0, or 1–3: followed by "tại cấp tỉnh/huyện/xã" */
	size_t level_start, level_end;
};

#define MAX_FIGURES 8

static const char *const level_codes[] = { NULL, "province", "district", "commune" };

/* The figures of s[0, len): "98%", "100 %", "02 đơn vị". */
static int figures_of(const char *s, size_t len, struct figure *f)
{
	int n = 0;

	for (size_t i = 0; i < len && n < MAX_FIGURES; i++) {
		size_t j = i, k;

		if (!isdigit((unsigned char)s[i]) || (i && (isdigit((unsigned char)s[i - 1]) ||
							    s[i - 1] == '/' || s[i - 1] == '.' ||
							    s[i - 1] == ',')))
			continue;
		while (j < len && isdigit((unsigned char)s[j]))
			j++;
		if (j + 1 < len && (s[j] == ',' || s[j] == '.') && isdigit((unsigned char)s[j + 1]))
			for (j++; j < len && isdigit((unsigned char)s[j]); j++)
				;
		f[n].num_end = j;
		k = j;
		while (k < len && s[k] == ' ')
			k++;
		if (k < len && s[k] == '%') {
			f[n].percent = true;
			f[n].end = k + 1;
		} else if (len - k >= strlen("đơn vị") && !strncmp(s + k, "đơn vị", strlen("đơn vị"))) {
			f[n].percent = false;
			f[n].end = k + strlen("đơn vị");
		} else {
			i = j;
			continue;
		}
		{
			char *num = xstrndup(s + i, j - i);

			for (char *c = num; *c; c++)
				if (*c == ',')
					*c = '.';
			f[n].value = strtod(num, NULL);
			free(num);
		}
		f[n].start = i;
		f[n].level = 0;
		n++;
		i = j;
	}
	return n;
}

/* The folded words just before s[at]: up to n of them, joined by spaces. */
static char *words_before(const char *s, size_t at, int n)
{
	size_t from = at;

	while (n > 0 && from > 0) {
		while (from > 0 && isspace((unsigned char)s[from - 1]))
			from--;
		while (from > 0 && !isspace((unsigned char)s[from - 1]))
			from--;
		n--;
	}
	{
		char *raw = xstrndup(s + from, at - from);
		char *f = text_fold_dup(raw);

		free(raw);
		return f;
	}
}

/* Whether the folded text ends with the words w. */
static bool ends_with(const char *folded, const char *w)
{
	size_t n = strlen(folded), m = strlen(w);

	return n >= m && !strcmp(folded + n - m, w) && (n == m || folded[n - m - 1] == ' ');
}

/*
 * Where a figure's clause starts: before the words that go with it
 * ("phấn đấu", "trên", "đạt", "có thêm", "từ").
 */
static size_t clause_start(const char *s, size_t at)
{
	static const char *const lead[] = { "phan dau", "tren", "dat", "co them", "tu", "duoi" };
	bool moved = true;

	while (moved) {
		moved = false;
		for (size_t i = 0; i < ARRAY_SIZE(lead); i++) {
			int nw = strchr(lead[i], ' ') ? 2 : 1;
			char *before = words_before(s, at, nw);

			if (!strcmp(before, lead[i])) {
				/* Move back over those words. */
				for (int k = 0; k < nw; k++) {
					while (at > 0 && isspace((unsigned char)s[at - 1]))
						at--;
					while (at > 0 && !isspace((unsigned char)s[at - 1]))
						at--;
				}
				moved = true;
			}
			free(before);
		}
	}
	return at;
}

/* s[from, to) without spaces, commas, semicolons and a "và" at the end, or a full stop. */
static char *clause_text(const char *s, size_t from, size_t to)
{
	for (;;) {
		while (to > from && (isspace((unsigned char)s[to - 1]) || s[to - 1] == ',' ||
				     s[to - 1] == ';' || s[to - 1] == '.'))
			to--;
		if (to - from >= 4 && !strncmp(s + to - 3, "và", 3) &&
		    isspace((unsigned char)s[to - 4])) {
			to -= 3;
			continue;
		}
		break;
	}
	while (from < to && isspace((unsigned char)s[from]))
		from++;
	return xstrndup(s + from, to - from);
}

/* What a target counts: the words after its figure, else those before it. */
static char *measure_of(const char *clause, const struct figure *f, int nf)
{
	const struct figure *last = &f[nf - 1];
	/* "02 đơn vị sự nghiệp …": the unit is the thing counted. */
	size_t after = last->level ? last->level_end : last->percent ? last->end : last->num_end;
	char *tail = clause_text(clause, after, strlen(clause));
	char *ftail = text_fold_dup(tail);
	struct strbuf sb = STRBUF_INIT;

	/* "… đạt từ 90% trở lên": the words before tell what. */
	if (!strcmp(ftail, "tro len") || !*ftail) {
		size_t end = clause_start(clause, f[0].start);
		char *head;

		free(tail);
		head = clause_text(clause, 0, end);
		tail = head;
		if (fold_starts(tail, "phan dau")) {
			char *rest = xstrdup(skip_words(tail, 2));

			free(tail);
			tail = rest;
		}
		/* Trailing "đạt", "đạt từ" went with the figure. */
		for (;;) {
			char *ft = text_fold_dup(tail);
			size_t n = strlen(tail);
			bool cut = ends_with(ft, "dat") || ends_with(ft, "tu") || ends_with(ft, "tren");

			free(ft);
			if (!cut)
				break;
			while (n && !isspace((unsigned char)tail[n - 1]))
				n--;
			while (n && isspace((unsigned char)tail[n - 1]))
				n--;
			tail[n] = '\0';
		}
	} else if (f[0].level && nf > 1) {
		/* "100% hồ sơ … tại cấp tỉnh, 80% … tại cấp xã được xử lý …". */
		char *object = clause_text(clause, f[0].end, f[0].level_start);

		strbuf_addstr(&sb, object);
		strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, tail);
		free(object);
		free(tail);
		tail = strbuf_detach(&sb, NULL);
	}
	free(ftail);
	strbuf_release(&sb);
	return tail;
}

/* The comparison a figure is held to, from the words around it. */
static const char *comparison_of(const char *clause, const struct figure *f)
{
	char *before = words_before(clause, f->start, 2);
	char *after_raw = xstrndup(clause + f->end, strnlen(clause + f->end, 24));
	char *after = text_fold_dup(after_raw);
	const char *cmp = ">=";

	if (ends_with(before, "tren"))
		cmp = ">";
	else if (ends_with(before, "duoi"))
		cmp = "<";
	else if (ends_with(before, "khong qua") || ends_with(before, "toi da"))
		cmp = "<=";
	else if (!strncmp(after, "tro len", 7) || ends_with(before, "tu"))
		cmp = ">=";
	free(before);
	free(after_raw);
	free(after);
	return cmp;
}

/* The indicator (kpi/) that measures a target, from what it says. */
static const char *indicator_of(const char *text)
{
	static const struct {
		const char *words;
		const char *code;
	} map[] = {
		{ "giai quyet dung han va truoc han", "dossiers_on_time" },
		{ "muc do hai long", "satisfaction" },
		{ "giai quyet qua dich vu cong truc tuyen", "dossiers_online" },
		{ "dap ung yeu cau duoc trien khai dich vu cong truc tuyen", "procedures_online" },
		{ "cong khai tien do ket qua giai quyet ho so", "agencies_publishing" },
		{ "duoc ra soat cap nhat cong bo cong khai kip thoi", "procedures_published" },
	};
	char *f = text_fold_dup(text);
	const char *code = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(map) && !code; i++)
		if (strstr(f, map[i].words))
			code = map[i].code;
	free(f);
	return code;
}

static void target_add(struct plan_doc *d, const char *clause, const struct figure *f, int nf,
		       int line)
{
	struct plan_doc_target *t;

	d->targets = xrealloc(d->targets, (size_t)(d->ntargets + 1) * sizeof(*d->targets));
	t = &d->targets[d->ntargets++];
	memset(t, 0, sizeof(*t));
	t->text = xstrdup(clause);
	t->line = line;
	t->indicator = indicator_of(clause);
	if (!nf) {
		t->measure = xstrdup(clause);
		t->comparison = "=";
		t->unit = xstrdup("");
		t->no_threshold = true;
		return;
	}
	t->measure = measure_of(clause, f, nf);
	t->comparison = comparison_of(clause, &f[0]);
	t->threshold = f[0].value;
	t->unit = xstrdup(f[0].percent ? "%" : "đơn vị");
	for (int i = 0; i < nf && f[i].level && t->nlevels < 4; i++) {
		snprintf(t->levels[t->nlevels].level, sizeof(t->levels[0].level), "%s",
			 level_codes[f[i].level]);
		t->levels[t->nlevels].threshold = f[i].value;
		t->nlevels++;
	}
}

/* Marks figures followed by "tại cấp tỉnh/huyện/xã" (before the next figure). */
static void find_levels(const char *s, size_t len, struct figure *f, int nf)
{
	static const char *const words[] = { NULL, "tại cấp tỉnh", "tại cấp huyện", "tại cấp xã" };

	for (int i = 0; i < nf; i++) {
		size_t end = i + 1 < nf ? f[i + 1].start : len;

		for (int l = 1; l <= 3; l++) {
			const char *at = strstr(s + f[i].end, words[l]);

			if (at && (size_t)(at - s) < end) {
				f[i].level = l;
				f[i].level_start = (size_t)(at - s);
				f[i].level_end = f[i].level_start + strlen(words[l]);
				break;
			}
		}
	}
}

/*
 * One clause (between semicolons and sentences) of a bullet of I.2: one
 * target per figure, or one target per level when its figures are the
 * levels of the same thing ("100% … cấp tỉnh, 80% … cấp huyện và 60% …
 * cấp xã").
 */
static void clause_targets(struct plan_doc *d, const char *clause, int line)
{
	struct figure f[MAX_FIGURES];
	size_t len = strlen(clause);
	int nf = figures_of(clause, len, f);
	bool levels = nf > 1;

	find_levels(clause, len, f, nf);
	for (int i = 0; i < nf; i++)
		levels = levels && f[i].level;
	if (nf <= 1 || levels) {
		target_add(d, clause, f, nf, line);
		return;
	}
	/* Several things in one clause: cut it before each figure's own words. */
	for (int i = 0; i < nf; i++) {
		size_t from = i ? clause_start(clause, f[i].start) : 0;
		size_t to = i + 1 < nf ? clause_start(clause, f[i + 1].start) : len;
		char *piece = clause_text(clause, from, to);
		struct figure g[MAX_FIGURES];
		int ng = figures_of(piece, strlen(piece), g);

		find_levels(piece, strlen(piece), g, ng);
		target_add(d, piece, g, ng, line);
		free(piece);
	}
}

/* Whether s[0, len) has a figure. */
static bool has_figure(const char *s, size_t len)
{
	struct figure f[MAX_FIGURES];

	return figures_of(s, len, f) > 0;
}

/*
 * A bullet of I.2: cut at semicolons and at full stops that end a
 * sentence; a piece with no figure stays with its neighbour.
 */
static void bullet_targets(struct plan_doc *d, const char *text, int line)
{
	size_t len = strlen(text), from = 0;
	struct strbuf pending = STRBUF_INIT;
	int before = d->ntargets;
	char sep = 0;

	for (size_t i = 0; i <= len; i++) {
		bool cut = i == len || text[i] == ';' ||
			(text[i] == '.' && text[i + 1] == ' ' && text[i + 2] &&
			 !islower((unsigned char)text[i + 2]));
		char *piece;

		if (!cut)
			continue;
		piece = clause_text(text, from, i);
		from = i + 1;
		if (*piece) {
			if (pending.len && (!has_figure(pending.buf, pending.len) ||
					    !has_figure(piece, strlen(piece)))) {
				strbuf_addstr(&pending, sep == ';' ? "; " : ". ");
				strbuf_addstr(&pending, piece);
			} else {
				if (pending.len)
					clause_targets(d, pending.buf, line);
				strbuf_reset(&pending);
				strbuf_addstr(&pending, piece);
			}
		}
		sep = i < len ? text[i] : 0;
		free(piece);
	}
	if (pending.len)
		clause_targets(d, pending.buf, line);
	for (int i = before; i < d->ntargets; i++)
		if (d->targets[i].no_threshold)
			warn(d, "target_without_number", line, "I.2", d->targets[i].text, NULL, NULL);
	strbuf_release(&pending);
}

/* ---- the body ------------------------------------------------------------------------- */

struct body {
	struct strbuf bullets[64];	/* I.2 */
	int bullet_line[64];
	int nbullets;
	char *area_title[21];		/* II.1 … */
	struct strbuf area_focus[21];
	struct strbuf part4;		/* IV */
	int part4_line;
};

static void body_release(struct body *b)
{
	for (int i = 0; i < b->nbullets; i++)
		strbuf_release(&b->bullets[i]);
	for (int i = 0; i < 21; i++) {
		free(b->area_title[i]);
		strbuf_release(&b->area_focus[i]);
	}
	strbuf_release(&b->part4);
}

static void read_body(struct plan_doc *d, struct line *lines, int n, struct body *b)
{
	int sec = 0, sub = 0;
	bool in_article = false;

	for (int i = 0; i < n; i++) {
		const char *s = lines[i].s, *rest;
		int v;

		if (blank(s))
			continue;
		if (fold_starts(s, "dieu")) {
			in_article = fold_starts(s, "dieu 1");
			sec = sub = 0;
			continue;
		}
		if (!in_article)
			continue;
		if ((v = roman_heading(s, &rest))) {
			sec = v;
			sub = 0;
			if (sec == 4)
				b->part4_line = lines[i].no;
			continue;
		}
		if ((v = number_heading(s, &rest)) && !letter_heading(s)) {
			sub = v;
			if (sec == 2 && sub > 0 && sub < 21 && !b->area_title[sub])
				b->area_title[sub] = xstrdup(rest);
			if (sec == 4) {
				strbuf_addstr(&b->part4, s);
				strbuf_addch(&b->part4, '\n');
			}
			continue;
		}
		if (sec == 1 && sub == 2) {
			if (!strncmp(s, "- ", 2) && b->nbullets < 64) {
				strbuf_addstr(&b->bullets[b->nbullets], s + 2);
				b->bullet_line[b->nbullets] = lines[i].no;
				b->nbullets++;
			} else if (b->nbullets) {
				/* A line that goes on from the bullet before: a page break. */
				struct strbuf *last = &b->bullets[b->nbullets - 1];

				warn(d, "continued_paragraph", lines[i].no, "I.2", s, NULL, NULL);
				strbuf_addch(last, ' ');
				strbuf_addstr(last, s);
			}
		} else if (sec == 2 && sub > 0 && sub < 21) {
			if (b->area_focus[sub].len)
				strbuf_addch(&b->area_focus[sub], '\n');
			strbuf_addstr(&b->area_focus[sub], s);
		} else if (sec == 4) {
			strbuf_addstr(&b->part4, s);
			strbuf_addch(&b->part4, '\n');
		}
	}
}

/* IV.1.a: agencies send their own plans "trước ngày 31/01/2021". */
static void read_duties(struct plan_doc *d, const struct body *b)
{
	const char *p = b->part4.buf;

	while ((p = strstr(p, "trước ngày "))) {
		int day = parse_dmy(p + strlen("trước ngày "));

		if (day) {
			d->agency_plan_due = day;
			return;
		}
		p += strlen("trước ngày ");
	}
	warn(d, "no_agency_plan_due", b->part4_line, "IV", "", NULL, NULL);
}

/* ---- the appendix table ------------------------------------------------------------------- */

struct table {
	int area;		/* current area, -1 before the first */
	int last_top;		/* last numbered task of the area, -1 */
	int last;		/* last task, -1 */
	int headers;		/* header rows seen */
	int header_line;
	char *header_text;
	int prev_number;	/* the last number of the area */
};

static const char *const cell_names[NCELLS] = {
	"number", "content", "product", "deadline", "lead", "coordinating",
};

/* The field of a task a cell goes to. */
static char **task_field(struct plan_doc_task *t, int cell)
{
	switch (cell) {
	case 1: return &t->content;
	case 2: return &t->product;
	case 3: return &t->deadline_text;
	case 4: return &t->lead_text;
	default: return &t->coordinating_text;
	}
}

static bool ref_taken(const struct plan_doc *d, const char *ref)
{
	for (int i = 0; i < d->ntasks; i++)
		if (!strcmp(d->tasks[i].ref, ref))
			return true;
	return false;
}

static int task_add(struct plan_doc *d, struct table *tb, char **cells, const char *number,
		    int parent, int line)
{
	struct plan_doc_task *t;
	struct strbuf ref = STRBUF_INIT;

	if (parent >= 0)
		strbuf_addf(&ref, "%s.%s", d->tasks[parent].ref, number);
	else
		strbuf_addf(&ref, "%s.%s", d->areas[tb->area].code, number);
	if (ref_taken(d, ref.buf)) {
		size_t base = ref.len;
		int k = 2;

		do {
			strbuf_setlen(&ref, base);
			strbuf_addf(&ref, "-%d", k++);
		} while (ref_taken(d, ref.buf));
		warn(d, "duplicate_number", line, ref.buf, cells[1], number, ref.buf);
	}
	d->tasks = xrealloc(d->tasks, (size_t)(d->ntasks + 1) * sizeof(*d->tasks));
	t = &d->tasks[d->ntasks];
	memset(t, 0, sizeof(*t));
	t->ref = strbuf_detach(&ref, NULL);
	t->number = xstrdup(number);
	for (int c = 1; c < NCELLS; c++)
		*task_field(t, c) = xstrdup(cells[c]);
	t->area = tb->area;
	t->parent = parent;
	t->line = line;
	if (parent >= 0)
		d->tasks[parent].group = true;
	return d->ntasks++;
}

static void area_add(struct plan_doc *d, const char *code, const char *name, int line)
{
	struct plan_doc_area *a;

	d->areas = xrealloc(d->areas, (size_t)(d->nareas + 1) * sizeof(*d->areas));
	a = &d->areas[d->nareas++];
	a->code = xstrdup(code);
	a->name = xstrdup(name);
	a->title = xstrdup("");
	a->focus = xstrdup("");
	a->line = line;
}

static void table_row(struct plan_doc *d, struct table *tb, const struct line *ln)
{
	char *cells[NCELLS] = { 0 };
	const char *p = ln->s;
	int nc = 0;
	bool empty_rest = true;
	size_t n;

	/* Six cells; a seventh and more are joined to the last. */
	while (nc < NCELLS) {
		size_t len = nc == NCELLS - 1 ? strlen(p) : strcspn(p, "\t");

		cells[nc++] = trim_dup(p, len);
		if (nc == NCELLS) {
			for (char *c = cells[nc - 1]; *c; c++)
				if (*c == '\t')
					*c = ' ';
		}
		p += len;
		if (*p != '\t')
			break;
		p++;
	}
	while (nc < NCELLS)
		cells[nc++] = xstrdup("");
	for (int c = 2; c < NCELLS; c++)
		empty_rest = empty_rest && !*cells[c];
	n = strspn(cells[0], "0123456789");

	if (fold_is(cells[0], "tt") && fold_starts(cells[1], "noi dung")) {
		if (!tb->headers++) {
			tb->header_line = ln->no;
			tb->header_text = xstrdup(ln->s);
		}
	} else if (roman_value(cells[0], strlen(cells[0])) && *cells[1] && empty_rest) {
		area_add(d, cells[0], cells[1], ln->no);
		tb->area = d->nareas - 1;
		tb->last_top = -1;
		tb->prev_number = 0;
	} else if (n && (cells[0][n] == '\0' || (cells[0][n] == '.' && !cells[0][n + 1]))) {
		char num[16];
		int v = atoi(cells[0]);

		snprintf(num, sizeof(num), "%.*s", (int)(n < 15 ? n : 15), cells[0]);
		if (tb->area < 0) {
			warn(d, "no_area", ln->no, num, ln->s, NULL, NULL);
			area_add(d, "?", "", ln->no);
			tb->area = d->nareas - 1;
		}
		tb->last = tb->last_top = task_add(d, tb, cells, num, -1, ln->no);
		/* A number printed twice has its warning already. */
		if (v != tb->prev_number + 1 &&
		    !strchr(d->tasks[tb->last].ref + strlen(d->areas[tb->area].code) + 1, '-')) {
			char prev[16];

			snprintf(prev, sizeof(prev), "%d", tb->prev_number);
			warn(d, "out_of_sequence", ln->no, d->tasks[tb->last].ref, cells[1], num, prev);
		}
		tb->prev_number = v;
	} else if (letter_heading(cells[0]) &&
		   strlen(cells[0]) == (size_t)(cells[0][0] & 0x80 ? 3 : 2)) {
		char letter[8];

		snprintf(letter, sizeof(letter), "%.*s", (int)(strlen(cells[0]) - 1), cells[0]);
		if (tb->last_top < 0) {
			if (tb->area < 0) {
				warn(d, "no_area", ln->no, letter, ln->s, NULL, NULL);
				area_add(d, "?", "", ln->no);
				tb->area = d->nareas - 1;
			}
			tb->last = task_add(d, tb, cells, letter, -1, ln->no);
		} else {
			tb->last = task_add(d, tb, cells, letter, tb->last_top, ln->no);
		}
	} else if (!*cells[0] && tb->last >= 0) {
		/* The rest of the cells of the row above, after a page break. */
		struct plan_doc_task *t = &d->tasks[tb->last];

		for (int c = 1; c < NCELLS; c++) {
			char **field = task_field(t, c);
			struct strbuf sb = STRBUF_INIT;
			char where[96];

			if (!*cells[c])
				continue;
			strbuf_addstr(&sb, *field);
			if (sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, cells[c]);
			free(*field);
			*field = strbuf_detach(&sb, NULL);
			snprintf(where, sizeof(where), "%s/%s", t->ref, cell_names[c]);
			warn(d, "continued_cell", ln->no, where, cells[c], cell_names[c], t->ref);
		}
	} else {
		warn(d, "unknown_row", ln->no, "table", ln->s, NULL, NULL);
	}
	for (int c = 0; c < NCELLS; c++)
		free(cells[c]);
}

/* Deadlines and agencies of each task, with what they need to say. */
static void read_tasks(struct plan_doc *d, const struct plan_registry *r)
{
	for (int i = 0; i < d->ntasks; i++) {
		struct plan_doc_task *t = &d->tasks[i];
		char where[96];
		bool leaf = !t->group;

		if (plan_deadline_parse(t->deadline_text, d->year, &t->deadline)) {
			snprintf(where, sizeof(where), "%s/deadline", t->ref);
			warn(d, "unknown_deadline", t->line, where, t->deadline_text,
			     t->deadline_text, NULL);
		} else if (t->deadline.kind == PLAN_DL_CONDITIONAL) {
			snprintf(where, sizeof(where), "%s/deadline", t->ref);
			warn(d, "conditional_deadline", t->line, where, t->deadline_text,
			     t->deadline_text, NULL);
		} else {
			snprintf(where, sizeof(where), "%s/deadline", t->ref);
			if (t->deadline.year_assumed)
				warn(d, "year_assumed", t->line, where, t->deadline_text,
				     t->deadline_text, NULL);
			for (int k = 0; k < t->deadline.ndates; k++) {
				int y;

				calendar_day_to_ymd(t->deadline.dates[k], &y, NULL, NULL);
				if (y != d->year) {
					warn(d, "outside_year", t->line, where, t->deadline_text,
					     t->deadline_text, NULL);
					break;
				}
			}
		}
		if (leaf && t->deadline.kind == PLAN_DL_NONE)
			warn(d, "no_deadline", t->line, t->ref, t->content, t->ref, NULL);
		if (leaf && !*t->product) {
			snprintf(where, sizeof(where), "%s/product", t->ref);
			warn(d, "no_product", t->line, where, t->content, t->ref, NULL);
		}
		plan_agencies_parse(r, t->lead_text, &t->lead);
		plan_agencies_parse(r, t->coordinating_text, &t->coordinating);
		for (int role = 0; role < 2; role++) {
			struct plan_agency_list *l = role ? &t->coordinating : &t->lead;

			snprintf(where, sizeof(where), "%s/%s", t->ref, role ? "coordinating" : "lead");
			for (int k = 0; k < l->nunknown; k++)
				warn(d, "unknown_agency", t->line, where, l->unknown[k], l->unknown[k],
				     NULL);
			for (int k = 0; k < l->nvague; k++)
				warn(d, "vague_agencies", t->line, where, l->vague[k], l->vague[k],
				     NULL);
		}
		if (leaf && !*t->lead_text)
			warn(d, "no_lead", t->line, t->ref, t->content, t->ref, NULL);
		if (!t->lead.n && t->lead.nunknown && t->coordinating.n) {
			snprintf(where, sizeof(where), "%s/lead", t->ref);
			warn(d, "shifted_columns", t->line, where, t->lead_text, t->ref, NULL);
		}
	}
}

/* Section II's headings and text for the parts of the table that match them. */
static void match_areas(struct plan_doc *d, struct body *b)
{
	for (int i = 0; i < d->nareas; i++) {
		struct plan_doc_area *a = &d->areas[i];
		int k = roman_value(a->code, strlen(a->code));
		char *fa, *ft;
		size_t na, nt;

		if (k <= 0 || k >= 21 || !b->area_title[k])
			continue;
		fa = text_fold_dup(a->name);
		ft = text_fold_dup(b->area_title[k]);
		na = strlen(fa);
		nt = strlen(ft);
		/* One heading may be the other cut short ("… hành chính nhà nước"). */
		if (!strncmp(fa, ft, na < nt ? na : nt) && (na < nt ? ft[na] : fa[nt]) <= ' ') {
			free(a->title);
			free(a->focus);
			a->title = xstrdup(b->area_title[k]);
			a->focus = xstrdup(b->area_focus[k].buf);
		} else {
			warn(d, "area_title", a->line, a->code, b->area_title[k], a->code,
			     b->area_title[k]);
		}
		free(fa);
		free(ft);
	}
}

int plan_doc_parse(const char *text, const struct plan_registry *r,
		   struct plan_doc *d, struct err *e)
{
	struct table tb = { -1, -1, -1, 0, 0, NULL, 0 };
	struct body b;
	struct line *lines;
	int n, appendix = -1, title_line = -1, ret = 0;

	memset(d, 0, sizeof(*d));
	memset(&b, 0, sizeof(b));
	d->issuer = -1;
	lines = split_lines(text ? text : "", &n);
	for (int i = 0; i < n; i++)
		if (fold_is(lines[i].s, "phu luc")) {
			appendix = i;
			break;
		}
	if (appendix < 0) {
		ret = err_set(e, E_INVALID, NULL,
			      "the document has no appendix (\"Phụ lục\") with the table of tasks");
		goto out;
	}

	/* Title: the line after "QUYẾT ĐỊNH", less its "Ban hành". */
	for (int i = 0; i < appendix && title_line < 0; i++)
		if (fold_is(lines[i].s, "quyet dinh"))
			for (int k = i + 1; k < appendix; k++)
				if (!blank(lines[k].s)) {
					title_line = k;
					break;
				}
	if (title_line >= 0) {
		const char *t = lines[title_line].s;

		d->title = xstrdup(fold_starts(t, "ban hanh") ? skip_words(t, 2) : t);
		d->year = year_in(t);
		/* The issuer: the first line naming a People's Committee after it. */
		for (int k = title_line + 1; k < appendix && k < title_line + 8; k++) {
			if (fold_starts(lines[k].s, "uy ban nhan dan") || fold_starts(lines[k].s, "ubnd")) {
				struct plan_agency_list l = PLAN_AGENCY_LIST_INIT;

				d->issuer_text = xstrdup(lines[k].s);
				if (plan_agencies_parse(r, lines[k].s, &l) == 1 && !l.nunknown)
					d->issuer = l.items[0].agency;
				else
					warn(d, "unknown_issuer", lines[k].no, "issuer", lines[k].s,
					     lines[k].s, NULL);
				plan_agency_list_release(&l);
				break;
			}
		}
	}
	if (!d->title)
		d->title = xstrdup("");
	if (!d->issuer_text)
		d->issuer_text = xstrdup("");

	/* The signer: the last line before the appendix in ordinary case. */
	for (int i = appendix - 1; i >= 0; i--) {
		const char *s = lines[i].s;

		if (blank(s) || strchr("-*(", *s))
			continue;
		if (has_lower(s) && !strchr(s, ':') && strlen(s) < 80)
			d->signed_by = xstrdup(s);
		break;
	}
	if (!d->signed_by) {
		d->signed_by = xstrdup("");
		warn(d, "no_signer", appendix + 1, "signature", "", NULL, NULL);
	}

	read_body(d, lines, appendix, &b);

	/* The appendix: its note on the decision, then the table. */
	for (int i = appendix + 1; i < n; i++) {
		const char *s = lines[i].s;

		if (strchr(s, '\t')) {
			table_row(d, &tb, &lines[i]);
			continue;
		}
		if (blank(s))
			continue;
		if (*s == '(' && !d->decision_text) {
			struct strbuf sb = STRBUF_INIT;
			int k = i;

			/* "(Ban hành kèm theo Quyết định số …", maybe over two lines. */
			for (; k < n && !blank(lines[k].s) && !strchr(lines[k].s, '\t'); k++) {
				if (sb.len)
					strbuf_addch(&sb, ' ');
				strbuf_addstr(&sb, lines[k].s);
				if (strchr(lines[k].s, ')'))
					break;
			}
			if (sb.buf[sb.len - 1] == ')')
				strbuf_setlen(&sb, sb.len - 1);
			d->decision_text = xstrdup(sb.buf + 1);
			read_decision(d, d->decision_text, lines[i].no);
			strbuf_release(&sb);
			i = k;
			continue;
		}
		if (tb.headers) {
			warn(d, "text_in_table", lines[i].no, "table", s, NULL, NULL);
		} else if (!d->year) {
			d->year = year_in(s);
		}
	}
	if (tb.headers > 1) {
		char count[16];

		snprintf(count, sizeof(count), "%d", tb.headers - 1);
		warn(d, "repeated_header", tb.header_line, "table", tb.header_text, count, NULL);
	}
	if (!d->decision_text)
		d->decision_text = xstrdup("");
	if (!d->year) {
		ret = err_set(e, E_INVALID, NULL,
			      "the document does not say which year the plan is for");
		goto out;
	}
	if (!d->ntasks) {
		ret = err_set(e, E_INVALID, NULL,
			      "the appendix has no table of tasks (rows of cells separated by tabs)");
		goto out;
	}
	{
		char key[16];

		snprintf(key, sizeof(key), "%d", d->year);
		d->key = xstrdup(key);
	}
	for (int i = 0; i < b.nbullets; i++)
		bullet_targets(d, b.bullets[i].buf, b.bullet_line[i]);
	read_duties(d, &b);
	match_areas(d, &b);
	read_tasks(d, r);
out:
	free(tb.header_text);
	body_release(&b);
	for (int i = 0; i < n; i++)
		free(lines[i].s);
	free(lines);
	if (ret)
		plan_doc_release(d);
	return ret;
}

void plan_doc_release(struct plan_doc *d)
{
	free(d->key);
	free(d->title);
	free(d->issuer_text);
	free(d->decision_text);
	free(d->decision_number);
	free(d->decision_date);
	free(d->signed_by);
	for (int i = 0; i < d->nareas; i++) {
		free(d->areas[i].code);
		free(d->areas[i].name);
		free(d->areas[i].title);
		free(d->areas[i].focus);
	}
	for (int i = 0; i < d->ntasks; i++) {
		struct plan_doc_task *t = &d->tasks[i];

		free(t->ref);
		free(t->number);
		free(t->content);
		free(t->product);
		free(t->deadline_text);
		free(t->lead_text);
		free(t->coordinating_text);
		plan_agency_list_release(&t->lead);
		plan_agency_list_release(&t->coordinating);
	}
	for (int i = 0; i < d->ntargets; i++) {
		free(d->targets[i].text);
		free(d->targets[i].measure);
		free(d->targets[i].unit);
	}
	for (int i = 0; i < d->nwarnings; i++) {
		free(d->warnings[i].where);
		free(d->warnings[i].message);
		free(d->warnings[i].text);
		free(d->warnings[i].args[0]);
		free(d->warnings[i].args[1]);
	}
	free(d->areas);
	free(d->tasks);
	free(d->targets);
	free(d->warnings);
	memset(d, 0, sizeof(*d));
	d->issuer = -1;
}

/* ---- JSON --------------------------------------------------------------------------------- */

static json_t *names_json(const struct plan_agency_list *l, const struct plan_registry *r)
{
	json_t *a = json_array();

	for (int i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(plan_registry_name(r, l->items[i].agency)));
	return a;
}

static json_t *strings_json(char **s, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

/* Each group phrase once, with how many agencies it stands for. */
static json_t *groups_json(const struct plan_agency_list *l)
{
	json_t *o = json_object();

	for (int i = 0; i < l->n; i++) {
		const char *via = l->items[i].via;

		if (via)
			json_object_set_new(o, via, json_integer(
				json_integer_value(json_object_get(o, via)) + 1));
	}
	return o;
}

static json_t *task_json(const struct plan_doc *d, const struct plan_registry *r, int i)
{
	const struct plan_doc_task *t = &d->tasks[i];
	json_t *dl = plan_deadline_json(&t->deadline), *children = json_array();

	json_object_set_new(dl, "text", json_string(t->deadline_text));
	for (int k = i + 1; k < d->ntasks; k++)
		if (d->tasks[k].parent == i)
			json_array_append_new(children, task_json(d, r, k));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o}",
			 "ref", t->ref, "number", t->number, "content", t->content,
			 "product", t->product, "deadline", dl,
			 "lead", names_json(&t->lead, r),
			 "coordinating", names_json(&t->coordinating, r),
			 "lead_text", t->lead_text, "coordinating_text", t->coordinating_text,
			 "lead_groups", groups_json(&t->lead),
			 "coordinating_groups", groups_json(&t->coordinating),
			 "unresolved", strings_json(t->lead.unknown, t->lead.nunknown),
			 "coordinating_unresolved", strings_json(t->coordinating.unknown,
								 t->coordinating.nunknown),
			 "vague", strings_json(t->coordinating.vague, t->coordinating.nvague),
			 "lead_vague", strings_json(t->lead.vague, t->lead.nvague),
			 "group", json_boolean(t->group), "line", t->line,
			 "children", children);
}

json_t *plan_doc_warning_json(const struct plan_doc *d, int i)
{
	const struct plan_doc_warning *w = &d->warnings[i];
	json_t *args = json_array();

	for (int k = 0; k < 2; k++)
		if (w->args[k])
			json_array_append_new(args, json_string(w->args[k]));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o}", "where", w->where,
			 "message", w->message, "kind", w->kind, "severity", w->severity,
			 "text", w->text, "line", w->line, "args", args);
}

json_t *plan_doc_json(const struct plan_doc *d, const struct plan_registry *r)
{
	json_t *plan, *targets = json_array(), *areas = json_array(), *warnings = json_array();
	json_t *issuer;
	int leaves = 0, review = 0;

	issuer = json_pack("{s:s}", "text", d->issuer_text);
	json_object_set_new(issuer, "agency", d->issuer >= 0 ?
			    json_string(plan_registry_name(r, d->issuer)) : json_null());
	json_object_set_new(issuer, "key", d->issuer >= 0 ?
			    json_string(plan_registry_key(r, d->issuer)) : json_null());
	plan = json_pack("{s:s,s:i,s:s,s:o,s:{s:s,s:o,s:o},s:s,s:o,s:[sssss]}",
			 "key", d->key, "year", d->year, "title", d->title, "issuer", issuer,
			 "decision", "text", d->decision_text,
			 "number", d->decision_number ? json_string(d->decision_number) : json_null(),
			 "date", d->decision_date ? json_string(d->decision_date) : json_null(),
			 "signed_by", d->signed_by,
			 "agency_plan_due", plan_day_json(d->agency_plan_due),
			 "reports", "plan", "Q1", "H1", "Q3", "Y");
	for (int i = 0; i < d->ntargets; i++) {
		const struct plan_doc_target *t = &d->targets[i];
		json_t *levels = json_array();

		for (int k = 0; k < t->nlevels; k++)
			json_array_append_new(levels, json_pack("{s:s,s:f}", "level",
								t->levels[k].level,
								"threshold", t->levels[k].threshold));
		json_array_append_new(targets, json_pack(
			"{s:i,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:i}", "seq", i + 1, "text", t->text,
			"measure", t->measure, "comparison", t->comparison,
			"threshold", t->no_threshold ? json_null() : json_real(t->threshold),
			"unit", t->unit, "levels", levels,
			"indicator", t->indicator ? json_string(t->indicator) : json_null(),
			"line", t->line));
	}
	for (int a = 0; a < d->nareas; a++) {
		json_t *tasks = json_array();

		for (int i = 0; i < d->ntasks; i++)
			if (d->tasks[i].area == a && d->tasks[i].parent < 0)
				json_array_append_new(tasks, task_json(d, r, i));
		json_array_append_new(areas, json_pack("{s:s,s:s,s:s,s:s,s:o}",
						       "code", d->areas[a].code,
						       "name", d->areas[a].name,
						       "title", d->areas[a].title,
						       "focus", d->areas[a].focus, "tasks", tasks));
	}
	for (int i = 0; i < d->nwarnings; i++) {
		json_array_append_new(warnings, plan_doc_warning_json(d, i));
		review += !strcmp(d->warnings[i].severity, "review");
	}
	for (int i = 0; i < d->ntasks; i++)
		leaves += !d->tasks[i].group;
	return json_pack("{s:o,s:o,s:o,s:o,s:{s:i,s:i,s:i,s:i,s:i,s:i}}",
			 "plan", plan, "targets", targets, "areas", areas, "warnings", warnings,
			 "summary", "areas", d->nareas, "tasks", d->ntasks, "leaf_tasks", leaves,
			 "targets", d->ntargets, "warnings", d->nwarnings, "to_review", review);
}
