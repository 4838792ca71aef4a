/*
 * Searching the catalogue, from an in-memory index.
 *
 * Why in memory: the public search must answer in well under a
 * millisecond with thousands of procedures and many clients at once, with
 * counts per facet value over every match — a GROUP BY per facet per
 * request would not.  The index holds the current version of every
 * procedure (a few hundred bytes each, its JSON for the API written once)
 * and an inverted list per folded word.  A search turns the lists of its
 * words into bitsets and ANDs them, then walks the matches once: filters,
 * counts the facets (per distinct combination of facet values, expanded at
 * the end) and keeps the best page in a small heap.
 *
 * How it stays current: every transaction that changes the catalogue adds
 * one to catalog_state.generation, and the index is rebuilt when the
 * generation moves.  A process reads the generation after each of its own
 * changes and otherwise at most every RECHECK_US (reading it for every
 * search would cost a read transaction, half the throughput of a cached
 * answer), so it sees its own changes at once and those of other processes
 * — the command line, other servers on one PostgreSQL — within a tenth of a
 * second.  The index is shared by the threads of a process and
 * reference-counted, so a rebuild never disturbs searches in flight.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "catalog/catalog_impl.h"
#include "db/db.h"

#define MAX_QUERY_WORDS 12
#define MAX_LEVELS 16
#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX 100
#define CACHE_SLOTS 512		/* answers kept per index */
#define CACHE_MAX_BYTES 65536	/* larger answers are not kept */
#define RECHECK_US 100000	/* how often the generation is read anyway */

struct entry {
	char *code, *name, *field, *levels, *agency, *time_unit, *online, *status;
	double time_value;
	bool postal_submit, postal_return;
	char *json;		/* the item of GET /api/v1/procedures */
	size_t json_len;
};

/*
 * What filtering, counting and ranking read, apart from the rest: 16 bytes
 * an entry, so a search over thousands of matches stays in the cache.
 */
struct hot {
	uint32_t len_rank;	/* place by (name length, name, code) */
	uint32_t combo;		/* index of its combination of facet values */
	uint16_t level_mask;	/* bits of index->levels */
	uint16_t field_idx, agency_idx;
	uint8_t online_idx, status_idx;
};

/* A distinct combination of facet values: matches are counted per combo. */
struct combo {
	uint16_t level_mask, field_idx, agency_idx;
	uint8_t online_idx;
};

/*
 * A word's postings, by entry: entry index << 1 | 1 if the word is in the
 * name.  A frequent word also has them as bitsets (every entry holding it,
 * and those holding it in the name), so that intersecting it costs one
 * AND per 64 entries and testing an entry one bit.
 */
struct word {
	char *text;
	uint32_t *post;
	uint32_t n, cap;
	uint64_t *bits, *name_bits;	/* NULL for a rare word */
};

/* The values of one facet, with their JSON strings. */
struct values {
	char **value, **json;
	int n;
};

struct index {
	int refs;
	int64_t generation;
	struct entry *entries;	/* by folded name, then code */
	struct hot *hot;	/* the same order */
	uint32_t n, nwords64;	/* entries; 64-bit words of a bitset of them */
	uint32_t *by_len;	/* entry index by len_rank */
	struct word *words;	/* open addressing, nwords_cap slots */
	uint32_t nwords, nwords_cap;
	struct values levels, fields, agencies;
	struct combo *combos;
	uint32_t ncombos;
	/*
	 * Recent JSON answers, by their search: people look for the same few
	 * procedures again and again.  The cache belongs to this index, so a
	 * change of the catalogue empties it with the rest.  Direct-mapped:
	 * a search takes the slot of its hash, evicting what was there.
	 */
	pthread_mutex_t cache_lock;
	struct cached {
		char *key;	/* NULL: empty slot */
		char *json;
		size_t len;
	} cache[CACHE_SLOTS];
};

static const char *const online_values[] = { "none", "partial", "full", NULL };
static const char *const status_values[] = { "draft", "published", "retired", NULL };

/*
 * The generation last read from the database, when, and the count of this
 * process's own changes then: see index_get.
 */
static _Atomic int64_t db_generation, checked_at_us = -RECHECK_US, local_changes;
static _Atomic int64_t checked_changes = -1;

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static struct index *current;

static void entry_release(struct entry *e)
{
	free(e->code);
	free(e->name);
	free(e->field);
	free(e->levels);
	free(e->agency);
	free(e->time_unit);
	free(e->online);
	free(e->status);
	free(e->json);
}

static void values_release(struct values *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->value[i]);
		free(v->json[i]);
	}
	free(v->value);
	free(v->json);
}

static void index_free(struct index *ix)
{
	if (!ix)
		return;
	for (uint32_t i = 0; i < ix->n; i++)
		entry_release(&ix->entries[i]);
	free(ix->entries);
	free(ix->hot);
	free(ix->by_len);
	for (uint32_t i = 0; i < ix->nwords_cap; i++) {
		free(ix->words[i].text);
		free(ix->words[i].post);
		free(ix->words[i].bits);
	}
	free(ix->words);
	values_release(&ix->levels);
	values_release(&ix->fields);
	values_release(&ix->agencies);
	free(ix->combos);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(ix->cache[i].key);
		free(ix->cache[i].json);
	}
	pthread_mutex_destroy(&ix->cache_lock);
	free(ix);
}

static void index_put(struct index *ix)
{
	bool last;

	if (!ix)
		return;
	pthread_mutex_lock(&index_lock);
	last = --ix->refs == 0;
	pthread_mutex_unlock(&index_lock);
	if (last)
		index_free(ix);
}

void catalog_index_reset(void)
{
	struct index *old;

	checked_changes = -1;
	pthread_mutex_lock(&index_lock);
	old = current;
	current = NULL;
	pthread_mutex_unlock(&index_lock);
	index_put(old);
}

/* ---- JSON text ------------------------------------------------------------ */

/* Bytes that a JSON string must escape: controls, '"' and '\\'. */
static bool must_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* A JSON string; the text is valid UTF-8 (checked on the way in). */
static void json_str(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *w;

	strbuf_grow(out, 6 * n + 2);
	w = out->buf + out->len;
	*w++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!must_escape(c)) {
			*w++ = (char)c;
			continue;
		}
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\n': *w++ = 'n'; break;
		case '\r': *w++ = 'r'; break;
		case '\t': *w++ = 't'; break;
		default:
			*w++ = 'u';
			*w++ = '0';
			*w++ = '0';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	*w++ = '"';
	*w = '\0';
	out->len = (size_t)(w - out->buf);
}

static void json_int(struct strbuf *out, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	strbuf_add(out, p, (size_t)(buf + sizeof(buf) - p));
}

static void json_num(struct strbuf *out, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		json_int(out, (long long)v);
	else
		strbuf_addf(out, "%.10g", v);
}

/* The item of an entry in GET /api/v1/procedures. */
static void item_json(struct strbuf *out, const struct entry *e)
{
	const char *lv = e->levels;

	strbuf_addstr(out, "{\"code\":");
	json_str(out, e->code);
	strbuf_addstr(out, ",\"name\":");
	json_str(out, e->name);
	strbuf_addstr(out, ",\"field\":");
	json_str(out, e->field);
	strbuf_addstr(out, ",\"level\":[");
	while (*lv) {
		size_t len = strcspn(lv, ",");
		char level[64];

		snprintf(level, sizeof(level), "%.*s", (int)len, lv);
		json_str(out, level);
		lv += len;
		if (*lv) {
			strbuf_addch(out, ',');
			lv++;
		}
	}
	strbuf_addstr(out, "],\"agency\":");
	json_str(out, e->agency);
	strbuf_addstr(out, ",\"time\":{\"value\":");
	json_num(out, e->time_value);
	strbuf_addstr(out, ",\"unit\":");
	json_str(out, e->time_unit);
	strbuf_addstr(out, "},\"online\":");
	json_str(out, e->online);
	strbuf_addstr(out, e->postal_submit ? ",\"postal\":{\"submit\":true" :
		      ",\"postal\":{\"submit\":false");
	strbuf_addstr(out, e->postal_return ? ",\"return\":true},\"status\":" :
		      ",\"return\":false},\"status\":");
	json_str(out, e->status);
	strbuf_addch(out, '}');
}

/* ---- building ------------------------------------------------------------ */

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The slot of a word: its own, or the empty one where it would go. */
static struct word *word_slot(const struct index *ix, const char *s, size_t n)
{
	uint32_t mask = ix->nwords_cap - 1, i = hash_bytes(s, n) & mask;

	for (;;) {
		struct word *w = &ix->words[i];

		if (!w->text || (!strncmp(w->text, s, n) && !w->text[n]))
			return w;
		i = (i + 1) & mask;
	}
}

static void words_grow(struct index *ix)
{
	struct word *old = ix->words;
	uint32_t old_cap = ix->nwords_cap;

	ix->nwords_cap = old_cap ? old_cap * 2 : 4096;
	ix->words = xcalloc(ix->nwords_cap, sizeof(*ix->words));
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].text)
			*word_slot(ix, old[i].text, strlen(old[i].text)) = old[i];
	free(old);
}

/* Records that entry idx has every word of folded text. */
static void add_words(struct index *ix, uint32_t idx, const char *text, bool in_name)
{
	const char *p = text, *w;
	size_t len;

	while ((w = text_next_word(&p, &len))) {
		struct word *slot;

		if ((ix->nwords + 1) * 2 > ix->nwords_cap)
			words_grow(ix);
		slot = word_slot(ix, w, len);
		if (!slot->text) {
			slot->text = xstrndup(w, len);
			ix->nwords++;
		}
		if (slot->n && slot->post[slot->n - 1] >> 1 == idx) {
			slot->post[slot->n - 1] |= in_name;
			continue;
		}
		if (slot->n == slot->cap) {
			slot->cap = slot->cap ? slot->cap * 2 : 4;
			slot->post = xrealloc(slot->post, slot->cap * sizeof(uint32_t));
		}
		slot->post[slot->n++] = idx << 1 | in_name;
	}
}

/* The index of value among the facet's values, adding it if new. */
static int value_index(struct values *v, const char *value)
{
	struct strbuf json = STRBUF_INIT;

	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->value[i], value))
			return i;
	v->value = xrealloc(v->value, (size_t)(v->n + 1) * sizeof(char *));
	v->json = xrealloc(v->json, (size_t)(v->n + 1) * sizeof(char *));
	json_str(&json, value);
	v->value[v->n] = xstrdup(value);
	v->json[v->n] = strbuf_detach(&json, NULL);
	return v->n++;
}

static int list_index(const char *const *list, const char *value)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], value))
			return i;
	return 0;
}

struct row {
	struct entry e;
	char *name_folded, *body_folded;
};

static int cmp_alpha(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->name_folded, y->name_folded);

	if (!c)
		c = strcmp(x->e.name, y->e.name);
	return c ? c : strcmp(x->e.code, y->e.code);
}

/* For ranking: an entry's name length, and its place by name. */
struct by_len {
	uint32_t len, idx;
};

static int cmp_len(const void *a, const void *b)
{
	const struct by_len *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* For finding the distinct combinations of facet values. */
struct combo_key {
	uint64_t key;
	uint32_t idx;
};

static int cmp_combo(const void *a, const void *b)
{
	const struct combo_key *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void index_combos(struct index *ix)
{
	struct combo_key *keys = xcalloc((size_t)ix->n + 1, sizeof(*keys));

	for (uint32_t i = 0; i < ix->n; i++) {
		const struct hot *h = &ix->hot[i];

		keys[i].key = (uint64_t)h->level_mask | (uint64_t)h->field_idx << 16 |
			(uint64_t)h->agency_idx << 32 | (uint64_t)h->online_idx << 48;
		keys[i].idx = i;
	}
	if (ix->n)
		qsort(keys, ix->n, sizeof(*keys), cmp_combo);
	ix->combos = xcalloc((size_t)ix->n + 1, sizeof(*ix->combos));
	for (uint32_t i = 0; i < ix->n; i++) {
		struct hot *h = &ix->hot[keys[i].idx];

		if (!i || keys[i].key != keys[i - 1].key) {
			struct combo *c = &ix->combos[ix->ncombos++];

			c->level_mask = h->level_mask;
			c->field_idx = h->field_idx;
			c->agency_idx = h->agency_idx;
			c->online_idx = h->online_idx;
		}
		h->combo = ix->ncombos - 1;
	}
	free(keys);
}

/* Sets the bits of postings (only those in the name, if names). */
static void posting_bits(uint64_t *bits, uint32_t nwords64, const struct word *w, bool names)
{
	uint64_t acc = 0;
	uint32_t at = 0;

	memset(bits, 0, nwords64 * sizeof(uint64_t));
	/* Postings are sorted: gather each 64-bit word in a register. */
	for (uint32_t i = 0; i < w->n; i++) {
		uint32_t p = w->post[i], word = p >> 7;

		if (names && !(p & 1))
			continue;
		if (word != at) {
			bits[at] |= acc;
			acc = 0;
			at = word;
		}
		acc |= UINT64_C(1) << ((p >> 1) & 63);
	}
	if (nwords64)
		bits[at] |= acc;
}

/* Bitsets for the frequent words: those of at least 1 entry in 32 (and 64). */
static void index_bitsets(struct index *ix)
{
	uint32_t min = ix->n / 32 > 64 ? ix->n / 32 : 64;

	for (uint32_t i = 0; i < ix->nwords_cap; i++) {
		struct word *w = &ix->words[i];

		if (!w->text || w->n < min)
			continue;
		w->bits = xcalloc(2 * (size_t)ix->nwords64 + 1, sizeof(uint64_t));
		w->name_bits = w->bits + ix->nwords64;
		posting_bits(w->bits, ix->nwords64, w, false);
		posting_bits(w->name_bits, ix->nwords64, w, true);
	}
}

static void rows_free(struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		entry_release(&rows[i].e);
		free(rows[i].name_folded);
		free(rows[i].body_folded);
	}
	free(rows);
}

static int index_build(struct db *db, int64_t generation, struct index **out)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT p.code, p.status, v.name, v.field, v.levels,"
		" COALESCE(v.agency_kind, v.agency_key), v.time_value, v.time_unit, v.online,"
		" v.postal_submit, v.postal_return, v.name_folded, v.body_folded"
		" FROM procedure p JOIN procedure_version v ON v.id = p.current_version_id");
	struct index *ix;
	struct row *rows = NULL;
	struct by_len *lens;
	size_t nrows = 0, cap = 0;
	int64_t t0 = clock_mono_us();
	int ret;

	while ((ret = db_step(st)) == DB_ROW) {
		struct row *r;

		if (nrows == cap) {
			cap = cap ? cap * 2 : 256;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[nrows++];
		memset(r, 0, sizeof(*r));
		r->e.code = xstrdup(db_col_text(st, 0));
		r->e.status = xstrdup(db_col_text(st, 1));
		r->e.name = xstrdup(db_col_text(st, 2));
		r->e.field = xstrdup(db_col_text(st, 3));
		r->e.levels = xstrdup(db_col_text(st, 4));
		r->e.agency = xstrdup(db_col_text(st, 5));
		r->e.time_value = db_col_double(st, 6);
		r->e.time_unit = xstrdup(db_col_text(st, 7));
		r->e.online = xstrdup(db_col_text(st, 8));
		r->e.postal_submit = db_col_int(st, 9) != 0;
		r->e.postal_return = db_col_int(st, 10) != 0;
		r->name_folded = xstrdup(db_col_text(st, 11));
		r->body_folded = xstrdup(db_col_text(st, 12));
	}
	db_reset(st);
	if (ret < 0) {
		rows_free(rows, nrows);
		return ret;
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_alpha);

	ix = xcalloc(1, sizeof(*ix));
	pthread_mutex_init(&ix->cache_lock, NULL);
	ix->generation = generation;
	ix->n = (uint32_t)nrows;
	ix->nwords64 = (ix->n + 63) / 64;
	ix->entries = xcalloc(nrows + 1, sizeof(*ix->entries));
	ix->hot = xcalloc(nrows + 1, sizeof(*ix->hot));
	ix->by_len = xcalloc(nrows + 1, sizeof(uint32_t));
	lens = xcalloc(nrows + 1, sizeof(*lens));
	words_grow(ix);
	for (uint32_t i = 0; i < ix->n; i++) {
		struct row *r = &rows[i];
		struct entry *e = &ix->entries[i];
		struct hot *h = &ix->hot[i];
		struct strbuf sb = STRBUF_INIT;
		const char *lv = r->e.levels;

		*e = r->e;
		h->field_idx = (uint16_t)value_index(&ix->fields, e->field);
		h->agency_idx = (uint16_t)value_index(&ix->agencies, e->agency);
		h->online_idx = (uint8_t)list_index(online_values, e->online);
		h->status_idx = (uint8_t)list_index(status_values, e->status);
		while (*lv) {
			size_t len = strcspn(lv, ",");
			char level[64];
			int k;

			snprintf(level, sizeof(level), "%.*s", (int)len, lv);
			for (k = 0; k < ix->levels.n && strcmp(ix->levels.value[k], level); k++)
				;
			if (k == ix->levels.n && k < MAX_LEVELS)
				value_index(&ix->levels, level);
			if (k < MAX_LEVELS)
				h->level_mask |= (uint16_t)(1u << k);
			lv += len;
			if (*lv)
				lv++;
		}
		/* The code counts as part of the name: "1.001193" finds it first. */
		text_fold(&sb, e->code);
		add_words(ix, i, r->name_folded, true);
		add_words(ix, i, sb.buf, true);
		add_words(ix, i, r->body_folded, false);
		strbuf_reset(&sb);
		item_json(&sb, e);
		e->json = strbuf_detach(&sb, &e->json_len);
		free(r->name_folded);
		free(r->body_folded);
		lens[i].len = (uint32_t)strlen(e->name);
		lens[i].idx = i;
	}
	free(rows);
	if (ix->n)
		qsort(lens, ix->n, sizeof(*lens), cmp_len);
	for (uint32_t r = 0; r < ix->n; r++) {
		ix->by_len[r] = lens[r].idx;
		ix->hot[lens[r].idx].len_rank = r;
	}
	free(lens);
	index_combos(ix);
	index_bitsets(ix);
	log_info("catalogue index: %u procedures, %u words, %u combinations, built in %lld ms",
		 ix->n, ix->nwords, ix->ncombos, (long long)(clock_mono_us() - t0) / 1000);
	*out = ix;
	return 0;
}

void catalog_changed(void)
{
	local_changes++;
}

/*
 * The catalogue's generation, read from the database when this process
 * changed the catalogue since the last read, or when the last read is
 * older than RECHECK_US; else the one last read.  Reading it costs a read
 * transaction (on SQLite, file locks: half the throughput of a cached
 * search), so it is not read for every search: changes made through this
 * process are seen at once, changes by other processes (the command line,
 * other servers) within RECHECK_US.
 */
static int generation(struct db *db, int64_t *gen)
{
	int64_t now = clock_mono_us(), changes = local_changes;
	int ret;

	if (changes == checked_changes && now - checked_at_us < RECHECK_US) {
		*gen = db_generation;
		return 0;
	}
	ret = catalog_generation(db, gen);
	if (ret)
		return ret;
	db_generation = *gen;
	checked_changes = changes;
	checked_at_us = now;
	return 0;
}

/* The index for the generation of the catalogue, with a reference. */
static int index_get(struct db *db, struct index **out)
{
	struct index *ix = NULL;
	int64_t gen = 0;
	int ret = generation(db, &gen);

	*out = NULL;
	if (ret)
		return ret;
	pthread_mutex_lock(&index_lock);
	if (current && current->generation >= gen) {
		ix = current;
		ix->refs++;
	}
	pthread_mutex_unlock(&index_lock);
	if (ix) {
		*out = ix;
		return 0;
	}
	/* One builder at a time; the others wait and take its index. */
	pthread_mutex_lock(&build_lock);
	pthread_mutex_lock(&index_lock);
	if (current && current->generation >= gen) {
		ix = current;
		ix->refs++;
	}
	pthread_mutex_unlock(&index_lock);
	if (!ix) {
		ret = index_build(db, gen, &ix);
		if (!ret) {
			struct index *old;

			ix->refs = 2;	/* current's and the caller's */
			pthread_mutex_lock(&index_lock);
			old = current;
			current = ix;
			pthread_mutex_unlock(&index_lock);
			index_put(old);
		}
	}
	pthread_mutex_unlock(&build_lock);
	*out = ix;
	return ret;
}

/* ---- searching ----------------------------------------------------------- */

struct words {
	const struct word *word[MAX_QUERY_WORDS];
	int count;
	bool none;		/* a word that no procedure has */
};

/* Looks up the distinct folded words of q. */
static void query_words(const struct index *ix, const char *q, struct words *w)
{
	struct strbuf folded = STRBUF_INIT;
	const char *p, *word;
	size_t len;

	memset(w, 0, sizeof(*w));
	text_fold(&folded, q);
	p = folded.buf;
	while (w->count < MAX_QUERY_WORDS && (word = text_next_word(&p, &len))) {
		const struct word *slot = word_slot(ix, word, len);
		int k;

		if (!slot->text) {
			w->none = true;
			break;
		}
		for (k = 0; k < w->count && w->word[k] != slot; k++)
			;
		if (k < w->count)
			continue;
		/* By the length of their lists: the shortest drives the search. */
		for (k = w->count; k > 0 && w->word[k - 1]->n > slot->n; k--)
			w->word[k] = w->word[k - 1];
		w->word[k] = slot;
		w->count++;
	}
	strbuf_release(&folded);
}

/* The value of a filter: its index, -1 for none, -2 if no entry can match. */
static int filter_value(const char *value, const struct values *v)
{
	if (!value || !*value)
		return -1;
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->value[i], value))
			return i;
	return -2;
}

static int filter_const(const char *value, const char *const *list)
{
	if (!value || !*value)
		return -1;
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], value))
			return i;
	return -2;
}

struct filters {
	int level, agency, field, online, status;	/* -1: any */
};

static inline bool passes(const struct hot *e, const struct filters *f)
{
	return (f->status < 0 || e->status_idx == f->status) &&
	       (f->level < 0 || (e->level_mask & (1u << f->level))) &&
	       (f->agency < 0 || e->agency_idx == f->agency) &&
	       (f->field < 0 || e->field_idx == f->field) &&
	       (f->online < 0 || e->online_idx == f->online);
}

/* A bounded min-heap of keys: the best k seen so far. */
struct heap {
	uint64_t *key;
	uint32_t n, cap;
};

static void heap_push(struct heap *h, uint64_t key)
{
	uint32_t i;

	if (h->n == h->cap) {
		if (!h->cap || key <= h->key[0])
			return;
		/* Replace the smallest and sift it down. */
		i = 0;
		for (;;) {
			uint32_t l = 2 * i + 1, r = l + 1, m = i;
			uint64_t mk = key;

			if (l < h->n && h->key[l] < mk)
				m = l, mk = h->key[l];
			if (r < h->n && h->key[r] < mk)
				m = r;
			if (m == i)
				break;
			h->key[i] = h->key[m];
			i = m;
		}
		h->key[i] = key;
		return;
	}
	for (i = h->n++; i > 0 && h->key[(i - 1) / 2] > key; i = (i - 1) / 2)
		h->key[i] = h->key[(i - 1) / 2];
	h->key[i] = key;
}

static int cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* What a search found: entry indices in rank order, and the facet counts. */
struct found {
	uint32_t *idx;
	int nidx;
	int total;
	int *level, *agency, *field, online[3];
	/* Matches per combination of facet values, and the ones touched. */
	uint32_t *combo_count, *touched;
	uint32_t ntouched;
};

static void found_init(struct found *f, const struct index *ix, int per_page)
{
	memset(f, 0, sizeof(*f));
	f->idx = xcalloc((size_t)per_page, sizeof(uint32_t));
	f->level = xcalloc(MAX_LEVELS, sizeof(int));
	f->agency = xcalloc((size_t)ix->agencies.n + 1, sizeof(int));
	f->field = xcalloc((size_t)ix->fields.n + 1, sizeof(int));
	f->combo_count = xcalloc((size_t)ix->ncombos + 1, sizeof(uint32_t));
	f->touched = xmalloc(((size_t)ix->ncombos + 1) * sizeof(uint32_t));
}

static void found_release(struct found *f)
{
	free(f->idx);
	free(f->level);
	free(f->agency);
	free(f->field);
	free(f->combo_count);
	free(f->touched);
	memset(f, 0, sizeof(*f));
}

static inline void tally(struct found *f, const struct hot *h)
{
	if (!f->combo_count[h->combo]++)
		f->touched[f->ntouched++] = h->combo;
	f->total++;
}

/* Turns the counts per combination into counts per facet value. */
static void tally_facets(struct found *f, const struct index *ix)
{
	for (uint32_t i = 0; i < f->ntouched; i++) {
		const struct combo *c = &ix->combos[f->touched[i]];
		int n = (int)f->combo_count[f->touched[i]];

		for (unsigned m = c->level_mask, k = 0; m; m >>= 1, k++)
			if (m & 1)
				f->level[k] += n;
		f->agency[c->agency_idx] += n;
		f->field[c->field_idx] += n;
		f->online[c->online_idx] += n;
	}
}

static int check_query(const struct catalog_query *q, struct filters *f, int *page,
		       int *per_page, struct err *e)
{
	const char *status = q->status && *q->status ? q->status : "published";

	*page = q->page ? q->page : 1;
	*per_page = q->per_page ? q->per_page : PER_PAGE_DEFAULT;
	if (*page < 1 || *page > 100000)
		return err_set(e, E_INVALID, "page", "the page must be a number from 1");
	if (*per_page < 1 || *per_page > PER_PAGE_MAX)
		return err_set(e, E_INVALID, "per_page",
			       "per_page must be a number from 1 to %d", PER_PAGE_MAX);
	if (strcmp(status, "all") && !one_of(status, procedure_statuses))
		return err_set(e, E_INVALID, "status",
			       "status must be draft, published, retired or all");
	f->status = strcmp(status, "all") ? filter_const(status, status_values) : -1;
	return 0;
}

/* Whether entry idx has word w (its bitset, or its list from *pos on). */
static inline bool has_word(const struct word *w, uint32_t idx, uint32_t *pos,
			    uint64_t *in_name)
{
	const uint32_t *p = w->post;
	uint32_t lo = *pos, n = w->n;

	if (w->bits) {
		uint64_t bit = UINT64_C(1) << (idx & 63);

		if (!(w->bits[idx >> 6] & bit))
			return false;
		*in_name += (w->name_bits[idx >> 6] & bit) != 0;
		return true;
	}
	/* Galloping from where this list stopped: the entries come in order. */
	if (lo < n && p[lo] >> 1 < idx) {
		uint32_t step = 1, hi;

		while (lo + step < n && p[lo + step] >> 1 < idx) {
			lo += step;
			step *= 2;
		}
		hi = lo + step < n ? lo + step : n;
		lo++;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (p[mid] >> 1 < idx)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	*pos = lo;
	if (lo == n || p[lo] >> 1 != idx)
		return false;
	*in_name += p[lo] & 1;
	return true;
}

/* Counts, filters and ranks entry idx, found with in_name words in its name. */
static inline void consider(const struct index *ix, const struct filters *f,
			    struct found *out, struct heap *heap, uint32_t idx,
			    uint64_t in_name)
{
	const struct hot *h = &ix->hot[idx];

	if (!passes(h, f))
		return;
	tally(out, h);
	/* Name matches first, then shorter names, then by name. */
	heap_push(heap, in_name << 32 | (uint32_t)(UINT32_MAX - h->len_rank));
}

static void run_search(const struct index *ix, const struct catalog_query *q,
		       struct filters *f, int page, int per_page, struct found *out)
{
	struct words w;
	struct heap heap = { 0 };
	uint32_t want = (uint32_t)page * (uint32_t)per_page, from = want - (uint32_t)per_page;
	uint32_t nw = ix->nwords64;

	found_init(out, ix, per_page);
	f->level = filter_value(q->level, &ix->levels);
	f->agency = filter_value(q->agency, &ix->agencies);
	f->field = filter_value(q->field, &ix->fields);
	f->online = filter_const(q->online, online_values);
	if (f->level == -2 || f->agency == -2 || f->field == -2 || f->online == -2 ||
	    f->status == -2)
		return;
	query_words(ix, q->q ? q->q : "", &w);
	if (w.none)
		return;
	if (!w.count) {
		/* Browsing: by name, which is the order of the entries. */
		for (uint32_t i = 0; i < ix->n; i++) {
			const struct hot *h = &ix->hot[i];

			if (!passes(h, f))
				continue;
			if ((uint32_t)out->total >= from && (uint32_t)out->total < want)
				out->idx[out->nidx++] = i;
			tally(out, h);
		}
		tally_facets(out, ix);
		return;
	}

	heap.cap = want < ix->n ? want : ix->n;
	heap.key = xcalloc((size_t)heap.cap + 1, sizeof(uint64_t));
	if (w.word[0]->bits) {
		/* Only frequent words: AND their bitsets, walk the matches. */
		uint64_t *match = xmalloc(((size_t)nw + 1) * sizeof(uint64_t));

		memcpy(match, w.word[0]->bits, nw * sizeof(uint64_t));
		for (int k = 1; k < w.count; k++)
			for (uint32_t i = 0; i < nw; i++)
				match[i] &= w.word[k]->bits[i];
		for (uint32_t i = 0; i < nw; i++) {
			for (uint64_t bits = match[i]; bits; bits &= bits - 1) {
				int b = __builtin_ctzll(bits);
				uint64_t in_name = 0;

				for (int k = 0; k < w.count; k++)
					in_name += (w.word[k]->name_bits[i] >> b) & 1;
				consider(ix, f, out, &heap, i * 64 + (uint32_t)b, in_name);
			}
		}
		free(match);
	} else {
		/* Walk the rarest word's list; look each entry up in the others. */
		uint32_t pos[MAX_QUERY_WORDS] = { 0 };
		const struct word *first = w.word[0];

		for (uint32_t i = 0; i < first->n; i++) {
			uint32_t idx = first->post[i] >> 1;
			uint64_t in_name = first->post[i] & 1;
			int k;

			for (k = 1; k < w.count; k++)
				if (!has_word(w.word[k], idx, &pos[k], &in_name))
					break;
			if (k == w.count)
				consider(ix, f, out, &heap, idx, in_name);
		}
	}
	tally_facets(out, ix);
	qsort(heap.key, heap.n, sizeof(uint64_t), cmp_desc);
	for (uint32_t i = from; i < heap.n; i++)
		out->idx[out->nidx++] = ix->by_len[UINT32_MAX - (uint32_t)(heap.key[i] & UINT32_MAX)];
	free(heap.key);
}

/* ---- results as structs -------------------------------------------------- */

void catalog_result_release(struct catalog_result *r)
{
	for (int i = 0; i < r->nhits; i++) {
		struct catalog_hit *h = &r->hits[i];

		free(h->code);
		free(h->name);
		free(h->field);
		free(h->levels);
		free(h->agency);
		free(h->time_unit);
		free(h->online);
		free(h->status);
	}
	free(r->hits);
	for (int i = 0; i < CATALOG_FACETS; i++) {
		for (int k = 0; k < r->facets[i].nvalues; k++)
			free(r->facets[i].values[k].value);
		free(r->facets[i].values);
	}
	memset(r, 0, sizeof(*r));
}

/* A facet value and its count, borrowed from the index, for sorting. */
struct facet_ref {
	const char *value, *json;
	int count;
};

static int cmp_facet_ref(const void *a, const void *b)
{
	const struct facet_ref *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* The values with a count, most first; returns how many (refs has n). */
static int facet_sort(struct facet_ref *refs, char *const *values, char *const *json,
		      const int *counts, int n)
{
	int m = 0;

	for (int i = 0; i < n; i++)
		if (counts[i]) {
			refs[m].value = values[i];
			refs[m].json = json ? json[i] : NULL;
			refs[m++].count = counts[i];
		}
	qsort(refs, (size_t)m, sizeof(*refs), cmp_facet_ref);
	return m;
}

static void facet_fill(struct catalog_facet *f, const char *name, char *const *values,
		       const int *counts, int n)
{
	struct facet_ref *refs = xcalloc((size_t)n + 1, sizeof(*refs));
	int m = facet_sort(refs, values, NULL, counts, n);

	f->name = name;
	f->values = xcalloc((size_t)m + 1, sizeof(*f->values));
	for (int i = 0; i < m; i++) {
		f->values[i].value = xstrdup(refs[i].value);
		f->values[i].count = refs[i].count;
	}
	f->nvalues = m;
	free(refs);
}

int catalog_search(struct db *db, const struct catalog_query *q,
		   struct catalog_result *out, struct err *e)
{
	struct index *ix = NULL;
	struct filters f;
	struct found fd;
	int page, per_page, ret;

	memset(out, 0, sizeof(*out));
	ret = check_query(q, &f, &page, &per_page, e);
	if (!ret)
		ret = index_get(db, &ix);
	if (ret)
		return ret;
	run_search(ix, q, &f, page, per_page, &fd);
	out->total = fd.total;
	out->page = page;
	out->per_page = per_page;
	out->hits = xcalloc((size_t)fd.nidx + 1, sizeof(*out->hits));
	for (int i = 0; i < fd.nidx; i++) {
		const struct entry *en = &ix->entries[fd.idx[i]];
		struct catalog_hit *h = &out->hits[out->nhits++];

		h->code = xstrdup(en->code);
		h->name = xstrdup(en->name);
		h->field = xstrdup(en->field);
		h->levels = xstrdup(en->levels);
		h->agency = xstrdup(en->agency);
		h->time_value = en->time_value;
		h->time_unit = xstrdup(en->time_unit);
		h->online = xstrdup(en->online);
		h->status = xstrdup(en->status);
		h->postal_submit = en->postal_submit;
		h->postal_return = en->postal_return;
	}
	facet_fill(&out->facets[0], "level", ix->levels.value, fd.level, ix->levels.n);
	facet_fill(&out->facets[1], "agency", ix->agencies.value, fd.agency, ix->agencies.n);
	facet_fill(&out->facets[2], "field", ix->fields.value, fd.field, ix->fields.n);
	facet_fill(&out->facets[3], "online", (char *const *)online_values, fd.online, 3);
	found_release(&fd);
	index_put(ix);
	return 0;
}

/* ---- results as JSON text ------------------------------------------------ */

static void facet_json(struct strbuf *out, const char *name, const struct values *v,
		       const int *counts)
{
	static const char *const online_json[] = { "\"none\"", "\"partial\"", "\"full\"" };
	struct facet_ref stack[64], *refs;
	int n = v ? v->n : 3, m;

	refs = n <= 64 ? stack : xcalloc((size_t)n, sizeof(*refs));
	m = v ? facet_sort(refs, v->value, v->json, counts, n) :
		facet_sort(refs, (char *const *)online_values, (char *const *)online_json,
			   counts, n);
	strbuf_addch(out, '"');
	strbuf_addstr(out, name);
	strbuf_addstr(out, "\":[");
	for (int i = 0; i < m; i++) {
		strbuf_addstr(out, i ? ",{\"value\":" : "{\"value\":");
		strbuf_addstr(out, refs[i].json);
		strbuf_addstr(out, ",\"count\":");
		json_int(out, refs[i].count);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
	if (refs != stack)
		free(refs);
}

/* The cache key of a search: everything its answer depends on. */
static void cache_key(struct strbuf *key, const struct catalog_query *q, int page,
		      int per_page)
{
	const char *const parts[] = { q->level, q->agency, q->field, q->online,
				      q->status && *q->status ? q->status : "published" };

	text_fold(key, q->q);
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		strbuf_addch(key, '\x1f');
		strbuf_addstr(key, parts[i] ? parts[i] : "");
	}
	strbuf_addch(key, '\x1f');
	json_int(key, page);
	strbuf_addch(key, '\x1f');
	json_int(key, per_page);
}

int catalog_search_json(struct db *db, const struct catalog_query *q,
			struct strbuf *out, struct err *e)
{
	struct strbuf key = STRBUF_INIT;
	struct index *ix = NULL;
	struct cached *slot;
	struct filters f;
	struct found fd;
	size_t start = out->len;
	bool hit = false;
	int page, per_page, ret;

	ret = check_query(q, &f, &page, &per_page, e);
	if (!ret)
		ret = index_get(db, &ix);
	if (ret)
		return ret;
	cache_key(&key, q, page, per_page);
	slot = &ix->cache[hash_bytes(key.buf, key.len) & (CACHE_SLOTS - 1)];
	pthread_mutex_lock(&ix->cache_lock);
	if (slot->key && !strcmp(slot->key, key.buf)) {
		strbuf_add(out, slot->json, slot->len);
		hit = true;
	}
	pthread_mutex_unlock(&ix->cache_lock);
	if (hit)
		goto out;

	run_search(ix, q, &f, page, per_page, &fd);
	strbuf_addstr(out, "{\"items\":[");
	for (int i = 0; i < fd.nidx; i++) {
		const struct entry *en = &ix->entries[fd.idx[i]];

		if (i)
			strbuf_addch(out, ',');
		strbuf_add(out, en->json, en->json_len);
	}
	strbuf_addstr(out, "],\"total\":");
	json_int(out, fd.total);
	strbuf_addstr(out, ",\"page\":");
	json_int(out, page);
	strbuf_addstr(out, ",\"per_page\":");
	json_int(out, per_page);
	strbuf_addstr(out, ",\"facets\":{");
	facet_json(out, "level", &ix->levels, fd.level);
	strbuf_addch(out, ',');
	facet_json(out, "agency", &ix->agencies, fd.agency);
	strbuf_addch(out, ',');
	facet_json(out, "field", &ix->fields, fd.field);
	strbuf_addch(out, ',');
	facet_json(out, "online", NULL, fd.online);
	strbuf_addstr(out, "}}");
	found_release(&fd);
	if (out->len - start <= CACHE_MAX_BYTES) {
		char *json = xmalloc(out->len - start);

		memcpy(json, out->buf + start, out->len - start);
		pthread_mutex_lock(&ix->cache_lock);
		free(slot->key);
		free(slot->json);
		slot->key = strbuf_detach(&key, NULL);
		slot->json = json;
		slot->len = out->len - start;
		pthread_mutex_unlock(&ix->cache_lock);
	}
out:
	strbuf_release(&key);
	index_put(ix);
	return 0;
}

/* ---- figures ------------------------------------------------------------- */

struct figures {
	int catalogue, published, draft, retired;
	int online_partial, online_full, postal, postal_submit, postal_return;
};

static void figures_add(struct figures *f, const struct entry *e)
{
	if (!strcmp(e->status, "retired")) {
		f->retired++;
		return;
	}
	f->catalogue++;
	if (!strcmp(e->status, "draft")) {
		f->draft++;
		return;
	}
	f->published++;
	f->online_partial += !strcmp(e->online, "partial");
	f->online_full += !strcmp(e->online, "full");
	f->postal += e->postal_submit || e->postal_return;
	f->postal_submit += e->postal_submit;
	f->postal_return += e->postal_return;
}

static double share(int part, int whole)
{
	return whole ? round(10000.0 * part / whole) / 10000.0 : 0;
}

static json_t *figures_json(const struct figures *f)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:{s:f,s:f,s:f,s:f}}",
		"catalogue", f->catalogue, "published", f->published, "draft", f->draft,
		"retired", f->retired, "online_partial", f->online_partial,
		"online_full", f->online_full, "postal", f->postal,
		"postal_submit", f->postal_submit, "postal_return", f->postal_return,
		"shares",
		"published", share(f->published, f->catalogue),
		"online", share(f->online_partial + f->online_full, f->published),
		"online_full", share(f->online_full, f->published),
		"postal", share(f->postal, f->published));
}

int catalog_stats(struct db *db, json_t **out)
{
	struct index *ix = NULL;
	struct figures total = { 0 }, *by_agency, by_level[MAX_LEVELS];
	json_t *agencies, *levels;
	int ret = index_get(db, &ix);

	if (ret)
		return ret;
	memset(by_level, 0, sizeof(by_level));
	by_agency = xcalloc((size_t)ix->agencies.n + 1, sizeof(*by_agency));
	for (uint32_t i = 0; i < ix->n; i++) {
		const struct entry *e = &ix->entries[i];
		const struct hot *h = &ix->hot[i];

		figures_add(&total, e);
		figures_add(&by_agency[h->agency_idx], e);
		for (int k = 0; k < ix->levels.n; k++)
			if (h->level_mask & (1u << k))
				figures_add(&by_level[k], e);
	}
	agencies = json_object();
	for (int i = 0; i < ix->agencies.n; i++)
		json_object_set_new(agencies, ix->agencies.value[i], figures_json(&by_agency[i]));
	levels = json_object();
	for (int k = 0; k < ix->levels.n; k++)
		json_object_set_new(levels, ix->levels.value[k], figures_json(&by_level[k]));
	*out = json_pack("{s:o,s:o,s:o}", "total", figures_json(&total),
			 "by_agency", agencies, "by_level", levels);
	free(by_agency);
	index_put(ix);
	return 0;
}
