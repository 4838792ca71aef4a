/*
 * Reading the agencies a plan names, against the agency registry.
 *
 * Cells of a plan's table name agencies in many ways: in full ("Sở Tư
 * pháp"), in another case ("Sở kế hoạch và Đầu tư"), by a short list
 * ("Các Sở: Nội vụ, Thông tin và Truyền thông" is two departments), with
 * commas inside a name ("Sở Lao động, Thương binh và Xã hội"), or by a
 * group ("UBND các huyện, thị xã, thành phố").  So a cell is read as a
 * sequence of folded words (base/text.h: no case, no diacritics, no
 * punctuation) and matched, at each word, against the longest phrase
 * the registry knows: every agency's name and short name and a few
 * regular variants of them, the group phrases, and the phrases that
 * name no agency in particular.  Words that match nothing are kept, as
 * written, for a person to review.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "plan/plan.h"
#include "plan/plan_impl.h"

enum phrase_type {
	PH_AGENCY,		/* one agency */
	PH_GROUP,		/* every agency of some groups */
	PH_VAGUE,		/* a group of no agency in particular */
	PH_DEPARTMENTS_OF,	/* "Các Sở:" — short names of departments follow */
	PH_AMBIGUOUS,		/* a short name that several agencies share */
};

struct phrase {
	char **w;
	int nw;
	enum phrase_type type;
	int agency;
	unsigned groups;
};

struct reg_agency {
	int64_t id;
	char *key, *name, *short_name, *kind, *parent_key;
};

struct plan_registry {
	struct reg_agency *a;
	int n, alloc;
	struct phrase *ph;
	int nph, alloc_ph;
	int root;
};

/* Group phrases and vague phrases, folded. */
static const struct {
	const char *phrase;
	enum phrase_type type;
	unsigned groups;
} fixed_phrases[] = {
	{ "cac so ban nganh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "so ban nganh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "cac so ban nganh tinh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "cac so ban nganh thuoc tinh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "cac so nganh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "cac co quan chuyen mon thuoc ubnd tinh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "cac co quan chuyen mon thuoc uy ban nhan dan tinh", PH_GROUP, PLAN_GROUP_DEPARTMENTS },
	{ "ubnd cac huyen thi xa thanh pho", PH_GROUP, PLAN_GROUP_DISTRICTS },
	{ "uy ban nhan dan cac huyen thi xa thanh pho", PH_GROUP, PLAN_GROUP_DISTRICTS },
	{ "cac huyen thi xa thanh pho", PH_GROUP, PLAN_GROUP_DISTRICTS },
	{ "ubnd cap huyen", PH_GROUP, PLAN_GROUP_DISTRICTS },
	{ "uy ban nhan dan cap huyen", PH_GROUP, PLAN_GROUP_DISTRICTS },
	{ "ubnd cap xa", PH_GROUP, PLAN_GROUP_COMMUNES },
	{ "uy ban nhan dan cap xa", PH_GROUP, PLAN_GROUP_COMMUNES },
	{ "ubnd cac xa phuong thi tran", PH_GROUP, PLAN_GROUP_COMMUNES },
	{ "uy ban nhan dan cac xa phuong thi tran", PH_GROUP, PLAN_GROUP_COMMUNES },
	{ "ubnd cap huyen cap xa", PH_GROUP, PLAN_GROUP_DISTRICTS | PLAN_GROUP_COMMUNES },
	{ "uy ban nhan dan cap huyen cap xa", PH_GROUP, PLAN_GROUP_DISTRICTS | PLAN_GROUP_COMMUNES },
	{ "ubnd cap huyen va cap xa", PH_GROUP, PLAN_GROUP_DISTRICTS | PLAN_GROUP_COMMUNES },
	{ "cac so nganh co lien quan", PH_VAGUE, 0 },
	{ "cac so ban nganh co lien quan", PH_VAGUE, 0 },
	{ "cac co quan don vi co lien quan", PH_VAGUE, 0 },
	{ "cac co quan don vi lien quan", PH_VAGUE, 0 },
	{ "cac co quan co lien quan", PH_VAGUE, 0 },
	{ "cac don vi co lien quan", PH_VAGUE, 0 },
	{ "cac dia phuong co lien quan", PH_VAGUE, 0 },
	{ "cac so", PH_DEPARTMENTS_OF, 0 },
};

/* ---- words with their place in the text -------------------------------------- */

struct word {
	char *w;
	size_t start, end;	/* bytes of the original text */
};

static bool is_dash(const char *p)
{
	return !strncmp(p, "\xE2\x80\x93", 3) || !strncmp(p, "\xE2\x80\x94", 3);
}

/* The folded words of text; *n gets their number.  Caller frees with words_free. */
static struct word *words_of(const char *text, int *n)
{
	struct word *w = NULL;
	int alloc = 0;
	const char *p = text;

	*n = 0;
	while (*p) {
		const char *start = p;

		if (isspace((unsigned char)*p) || ispunct((unsigned char)*p)) {
			p++;
			continue;
		}
		if (is_dash(p)) {
			p += 3;
			continue;
		}
		while (*p && !isspace((unsigned char)*p) && !ispunct((unsigned char)*p) &&
		       !is_dash(p))
			p++;
		{
			char *chunk = xstrndup(start, (size_t)(p - start));
			char *folded = text_fold_dup(chunk);
			const char *f = folded, *word;
			size_t len;

			while ((word = text_next_word(&f, &len))) {
				if (*n == alloc) {
					alloc = alloc ? 2 * alloc : 16;
					w = xrealloc(w, (size_t)alloc * sizeof(*w));
				}
				w[*n].w = xstrndup(word, len);
				w[*n].start = (size_t)(start - text);
				w[*n].end = (size_t)(p - text);
				(*n)++;
			}
			free(folded);
			free(chunk);
		}
	}
	return w;
}

static void words_free(struct word *w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i].w);
	free(w);
}

/* ---- the registry ------------------------------------------------------------- */

static bool phrase_equal(const struct phrase *p, char **w, int nw)
{
	if (p->nw != nw)
		return false;
	for (int i = 0; i < nw; i++)
		if (strcmp(p->w[i], w[i]))
			return false;
	return true;
}

/* Adds the folded phrase s; a second agency with the same phrase makes it ambiguous. */
static void phrase_add(struct plan_registry *r, const char *s, enum phrase_type type,
		       int agency, unsigned groups)
{
	struct phrase p = { NULL, 0, type, agency, groups };
	const char *f = s, *word;
	size_t len;
	int alloc = 0;

	while ((word = text_next_word(&f, &len))) {
		if (p.nw == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			p.w = xrealloc(p.w, (size_t)alloc * sizeof(*p.w));
		}
		p.w[p.nw++] = xstrndup(word, len);
	}
	if (!p.nw) {
		free(p.w);
		return;
	}
	for (int i = 0; i < r->nph; i++) {
		if (!phrase_equal(&r->ph[i], p.w, p.nw))
			continue;
		if (r->ph[i].type == PH_AGENCY && type == PH_AGENCY &&
		    r->ph[i].agency != agency)
			r->ph[i].type = PH_AMBIGUOUS;
		for (int k = 0; k < p.nw; k++)
			free(p.w[k]);
		free(p.w);
		return;
	}
	if (r->nph == r->alloc_ph) {
		r->alloc_ph = r->alloc_ph ? 2 * r->alloc_ph : 64;
		r->ph = xrealloc(r->ph, (size_t)r->alloc_ph * sizeof(*r->ph));
	}
	r->ph[r->nph++] = p;
}

/* Whether s ends with the word sequence suffix (both folded); *base gets the rest. */
static bool ends_with_words(const char *s, const char *suffix, size_t *base)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n <= m + 1 || strcmp(s + n - m, suffix) || s[n - m - 1] != ' ')
		return false;
	*base = n - m - 1;
	return true;
}

/*
 * The phrases of agency i: its name and short name, "ubnd" for "ủy ban
 * nhân dân", and for the province's bodies the forms with "tỉnh" for the
 * province's name and without either ("Bưu điện tỉnh Quảng Nam" is also
 * "Bưu điện tỉnh", "Bưu điện Quảng Nam" and "Bưu điện").
 */
static void agency_phrases(struct plan_registry *r, int i, const char *place)
{
	const struct reg_agency *a = &r->a[i];
	char *name = text_fold_dup(a->name), *short_name = text_fold_dup(a->short_name);
	struct strbuf sb = STRBUF_INIT;
	char *at;
	size_t base;

	phrase_add(r, name, PH_AGENCY, i, 0);
	phrase_add(r, short_name, PH_AGENCY, i, 0);
	at = strstr(name, "uy ban nhan dan");
	if (at) {
		strbuf_add(&sb, name, (size_t)(at - name));
		strbuf_addstr(&sb, "ubnd");
		strbuf_addstr(&sb, at + strlen("uy ban nhan dan"));
		phrase_add(r, sb.buf, PH_AGENCY, i, 0);
		strbuf_reset(&sb);
	}
	if (place && *place && i != r->root) {
		char tinh_place[256];

		snprintf(tinh_place, sizeof(tinh_place), "tinh %s", place);
		if (ends_with_words(name, tinh_place, &base)) {
			strbuf_add(&sb, name, base);
			phrase_add(r, sb.buf, PH_AGENCY, i, 0);
			strbuf_addf(&sb, " %s", place);
			phrase_add(r, sb.buf, PH_AGENCY, i, 0);
			strbuf_setlen(&sb, base);
			strbuf_addstr(&sb, " tinh");
			phrase_add(r, sb.buf, PH_AGENCY, i, 0);
		} else if (ends_with_words(name, place, &base)) {
			strbuf_add(&sb, name, base);
			strbuf_addstr(&sb, " tinh");
			phrase_add(r, sb.buf, PH_AGENCY, i, 0);
		}
	}
	strbuf_release(&sb);
	free(name);
	free(short_name);
}

static void registry_add(struct plan_registry *r, int64_t id, const char *key,
			 const char *name, const char *short_name, const char *kind,
			 const char *parent_key)
{
	struct reg_agency *a;

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 128;
		r->a = xrealloc(r->a, (size_t)r->alloc * sizeof(*r->a));
	}
	a = &r->a[r->n++];
	a->id = id;
	a->key = xstrdup(key);
	a->name = xstrdup(name);
	a->short_name = xstrdup(short_name);
	a->kind = xstrdup(kind);
	a->parent_key = xstrdup(parent_key ? parent_key : "");
	if (!*a->parent_key && r->root < 0)
		r->root = r->n - 1;
}

/* Builds the phrases once every agency is in. */
static void registry_finish(struct plan_registry *r)
{
	char *place = NULL;

	if (r->root >= 0) {
		/* "uy ban nhan dan tinh quang nam": the province is what follows "tinh". */
		char *root = text_fold_dup(r->a[r->root].name);
		char *at = strstr(root, " tinh ");

		if (at)
			place = xstrdup(at + strlen(" tinh "));
		free(root);
	}
	for (int i = 0; i < r->n; i++)
		agency_phrases(r, i, place);
	for (size_t i = 0; i < ARRAY_SIZE(fixed_phrases); i++)
		phrase_add(r, fixed_phrases[i].phrase, fixed_phrases[i].type, -1,
			   fixed_phrases[i].groups);
	free(place);
}

static struct plan_registry *registry_new(void)
{
	struct plan_registry *r = xcalloc(1, sizeof(*r));

	r->root = -1;
	return r;
}

int plan_registry_load(struct db *db, struct plan_registry **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT a.id, a.key, a.name, a.short_name, a.kind, COALESCE(p.key, '')"
		" FROM agency a LEFT JOIN agency p ON p.id = a.parent_id"
		" WHERE a.status = 'active' ORDER BY a.path");
	struct plan_registry *r = registry_new();
	int ret;

	while ((ret = db_step(st)) == DB_ROW)
		registry_add(r, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			     db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5));
	db_reset(st);
	if (ret < 0) {
		plan_registry_free(r);
		*out = NULL;
		return ret;
	}
	registry_finish(r);
	*out = r;
	return 0;
}

struct plan_registry *plan_registry_from_tsv(const char *tsv)
{
	struct plan_registry *r = registry_new();
	const char *line = tsv;
	bool header = true;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *copy = xstrndup(line, len), *f[7], *p = copy;
		int nf = 0;

		line = eol ? eol + 1 : NULL;
		if (len && copy[len - 1] == '\r')
			copy[len - 1] = '\0';
		if (!*copy || *copy == '#') {
			free(copy);
			continue;
		}
		while (nf < 7) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (header)
			header = false;
		else if (nf == 7)
			registry_add(r, r->n + 1, f[0], f[4], f[5], f[3], f[1]);
		free(copy);
	}
	registry_finish(r);
	return r;
}

void plan_registry_free(struct plan_registry *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++) {
		free(r->a[i].key);
		free(r->a[i].name);
		free(r->a[i].short_name);
		free(r->a[i].kind);
		free(r->a[i].parent_key);
	}
	for (int i = 0; i < r->nph; i++) {
		for (int k = 0; k < r->ph[i].nw; k++)
			free(r->ph[i].w[k]);
		free(r->ph[i].w);
	}
	free(r->a);
	free(r->ph);
	free(r);
}

int plan_registry_size(const struct plan_registry *r)
{
	return r ? r->n : 0;
}

const char *plan_registry_key(const struct plan_registry *r, int i)
{
	return r->a[i].key;
}

const char *plan_registry_name(const struct plan_registry *r, int i)
{
	return r->a[i].name;
}

int64_t plan_registry_id(const struct plan_registry *r, int i)
{
	return r->a[i].id;
}

const char *plan_registry_kind(const struct plan_registry *r, int i)
{
	return r->a[i].kind;
}

int plan_registry_root(const struct plan_registry *r)
{
	return r ? r->root : -1;
}

int plan_registry_find(const struct plan_registry *r, const char *key)
{
	for (int i = 0; r && key && i < r->n; i++)
		if (!strcmp(r->a[i].key, key))
			return i;
	return -1;
}

/* Whether agency i belongs to one of the groups. */
static bool in_groups(const struct plan_registry *r, int i, unsigned groups)
{
	const struct reg_agency *a = &r->a[i];

	/* Departments: the cơ quan chuyên môn directly under the People's Committee. */
	if ((groups & PLAN_GROUP_DEPARTMENTS) && !strcmp(a->kind, "department") &&
	    r->root >= 0 && !strcmp(a->parent_key, r->a[r->root].key))
		return true;
	if ((groups & PLAN_GROUP_DISTRICTS) && !strcmp(a->kind, "district"))
		return true;
	if ((groups & PLAN_GROUP_COMMUNES) && !strcmp(a->kind, "commune"))
		return true;
	return false;
}

/* ---- reading a list ----------------------------------------------------------- */

/*
 * The longest phrase matching the words from i on; with departments_of,
 * also department phrases "so X" matched by their "X" alone.  Returns
 * the phrase, with *len the words it takes, or NULL.
 */
static const struct phrase *longest(const struct plan_registry *r, const struct word *w,
				    int n, int i, bool departments_of, int *len)
{
	const struct phrase *best = NULL;

	*len = 0;
	for (int k = 0; k < r->nph; k++) {
		const struct phrase *p = &r->ph[k];
		int skip = 0, m;

		for (int pass = 0; pass < 2; pass++) {
			if (pass == 1) {
				/* "Các Sở: Nội vụ" — "Nội vụ" stands for "Sở Nội vụ". */
				if (!departments_of || p->type != PH_AGENCY || p->nw < 2 ||
				    strcmp(p->w[0], "so") ||
				    strcmp(r->a[p->agency].kind, "department"))
					break;
				skip = 1;
			}
			m = p->nw - skip;
			if (m <= *len || i + m > n)
				continue;
			{
				bool ok = true;

				for (int j = 0; j < m && ok; j++)
					ok = !strcmp(p->w[skip + j], w[i + j].w);
				if (ok) {
					best = p;
					*len = m;
				}
			}
		}
	}
	return best;
}

static void list_add(struct plan_agency_list *l, int agency, const char *via)
{
	for (int i = 0; i < l->n; i++)
		if (l->items[i].agency == agency)
			return;
	l->items = xrealloc(l->items, (size_t)(l->n + 1) * sizeof(*l->items));
	l->items[l->n].agency = agency;
	l->items[l->n].via = xstrdup_or_null(via);
	l->n++;
}

static void strings_add(char ***list, int *n, char *s)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s)) {
			free(s);
			return;
		}
	*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(**list));
	(*list)[(*n)++] = s;
}

/* text[start, end) without the punctuation and spaces at its ends. */
static char *trimmed(const char *text, size_t start, size_t end)
{
	while (start < end && (isspace((unsigned char)text[start]) ||
			       ispunct((unsigned char)text[start])))
		start++;
	while (end > start && (isspace((unsigned char)text[end - 1]) ||
			       ispunct((unsigned char)text[end - 1])))
		end--;
	return xstrndup(text + start, end - start);
}

/* Words [from, to) that matched nothing, less a "và" at either end. */
static void flush_unknown(struct plan_agency_list *l, const char *text,
			  const struct word *w, int from, int to)
{
	while (from < to && !strcmp(w[from].w, "va"))
		from++;
	while (to > from && !strcmp(w[to - 1].w, "va"))
		to--;
	if (from < to)
		strings_add(&l->unknown, &l->nunknown, trimmed(text, w[from].start, w[to - 1].end));
}

int plan_agencies_parse(const struct plan_registry *r, const char *text,
			struct plan_agency_list *out)
{
	struct word *w;
	int n, i = 0, unknown_from = -1;
	bool departments_of = false;

	memset(out, 0, sizeof(*out));
	if (!text)
		return 0;
	w = words_of(text, &n);
	while (i < n) {
		int len;
		const struct phrase *p = longest(r, w, n, i, departments_of, &len);

		if (!p || p->type == PH_AMBIGUOUS) {
			if (unknown_from < 0)
				unknown_from = i;
			i += p ? len : 1;
			continue;
		}
		if (unknown_from >= 0) {
			flush_unknown(out, text, w, unknown_from, i);
			unknown_from = -1;
		}
		switch (p->type) {
		case PH_AGENCY:
			list_add(out, p->agency, NULL);
			break;
		case PH_GROUP: {
			char *via = trimmed(text, w[i].start, w[i + len - 1].end);

			for (int k = 0; k < r->n; k++)
				if (in_groups(r, k, p->groups))
					list_add(out, k, via);
			free(via);
			departments_of = false;
			break;
		}
		case PH_VAGUE:
			strings_add(&out->vague, &out->nvague,
				    trimmed(text, w[i].start, w[i + len - 1].end));
			departments_of = false;
			break;
		case PH_DEPARTMENTS_OF:
			departments_of = true;
			break;
		default:
			break;
		}
		i += len;
	}
	if (unknown_from >= 0)
		flush_unknown(out, text, w, unknown_from, n);
	words_free(w, n);
	return out->n;
}

void plan_agency_list_release(struct plan_agency_list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->items[i].via);
	for (int i = 0; i < l->nunknown; i++)
		free(l->unknown[i]);
	for (int i = 0; i < l->nvague; i++)
		free(l->vague[i]);
	free(l->items);
	free(l->unknown);
	free(l->vague);
	memset(l, 0, sizeof(*l));
}
