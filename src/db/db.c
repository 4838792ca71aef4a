/*
 * db.c: the part of the database layer that does not depend on the engine:
 * choosing the backend from the URL, the per-connection statement cache,
 * the statement state machine, transactions and argument checks.  The
 * engines are behind struct db_ops (db_impl.h), in sqlite.c and pg.c.
 */
#include "db/db.h"

#include <stdarg.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db_impl.h"

/*
 * How many copies of one SQL text may be in use at once.  A copy is made
 * when a statement is asked for while it is still being stepped (a nested
 * loop over the same query, say a walk down the agency tree); more than
 * this many means a caller forgets db_reset.
 */
#define MAX_COPIES 32

void db_set_errmsg(struct db *db, const char *fmt, ...)
{
	char raw[sizeof(db->errmsg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	db_one_line(db->errmsg, sizeof(db->errmsg), raw);
}

void db_one_line(char *dst, size_t n, const char *src)
{
	size_t len = 0;

	if (!n)
		return;
	while (*src && len + 1 < n) {
		if (*src == '\n' || *src == '\r') {
			/* Drop the blanks before and after the break. */
			while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\t'))
				len--;
			while (*src == '\n' || *src == '\r' || *src == ' ' ||
			       *src == '\t')
				src++;
			if (*src && len + 3 < n) {
				dst[len++] = ';';
				dst[len++] = ' ';
			}
			continue;
		}
		dst[len++] = *src++;
	}
	while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\t' ||
		       dst[len - 1] == ';'))
		len--;
	dst[len] = '\0';
}

/*
 * Returns a malloc'd copy of url fit to show: the password of a
 * "scheme://user:password@host" URL and any "password=" query parameter
 * become "***".
 */
static char *mask_url(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = strstr(url, "://");
	const char *auth_end, *at, *colon, *q;

	if (!p) {
		strbuf_addstr(&sb, url);
		goto out;
	}
	p += 3;
	auth_end = p + strcspn(p, "/?#");
	at = NULL;
	for (const char *s = p; s < auth_end; s++)
		if (*s == '@')
			at = s;
	colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (colon) {
		strbuf_add(&sb, url, (size_t)(colon + 1 - url));
		strbuf_addstr(&sb, "***");
		q = at;
	} else {
		q = url;
	}
	/* Copy the rest, masking password=… in the query. */
	while (*q) {
		size_t n = strcspn(q, "?&");

		strbuf_add(&sb, q, n);
		q += n;
		if (!*q)
			break;
		strbuf_addch(&sb, *q++);
		if (!strncmp(q, "password=", 9)) {
			strbuf_addstr(&sb, "password=***");
			q += 9;
			q += strcspn(q, "&#");
		}
	}
out:
	return strbuf_detach(&sb, NULL);
}

/*
 * Copies sql to dst (of size n) for a log line: each run of blanks and
 * line breaks becomes one space, and a long text is cut with "…".
 */
static const char *sql_for_log(char *dst, size_t n, const char *sql)
{
	size_t len = 0;

	while (*sql && len + 4 < n) {
		if (strchr(" \t\r\n", *sql)) {
			sql += strspn(sql, " \t\r\n");
			if (len && *sql)
				dst[len++] = ' ';
			continue;
		}
		dst[len++] = *sql++;
	}
	if (*sql) {
		/* Do not cut a UTF-8 character in two. */
		if (((unsigned char)*sql & 0xc0) == 0x80) {
			while (len && ((unsigned char)dst[len - 1] & 0xc0) == 0x80)
				len--;
			if (len)
				len--;
		}
		memcpy(dst + len, "\xe2\x80\xa6", 3);	/* … */
		len += 3;
	}
	dst[len] = '\0';
	return dst;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int db_open(const char *url, struct db **out, struct err *e)
{
	const struct db_ops *ops = NULL;
	const char *target = NULL;
	char why[512] = "";
	char *shown = NULL;
	struct db *db = NULL;
	int ret;

	*out = NULL;
	if (!url || !*url) {
		ret = err_set(e, E_INVALID, "db", "the database URL is empty");
		goto out;
	}
	shown = mask_url(url);
	if (has_prefix(url, "sqlite:")) {
		ops = &db_sqlite_ops;
		target = url + strlen("sqlite:");
		if (has_prefix(target, "//"))	/* sqlite:///abs/path.db */
			target += 2;
	} else if (has_prefix(url, "postgresql://") ||
		   has_prefix(url, "postgres://")) {
		ops = &db_pg_ops;
		target = url;
	} else if (has_suffix(url, ".db") && !strstr(url, "://")) {
		ops = &db_sqlite_ops;
		target = url;
	}
	if (!ops) {
		ret = err_set(e, E_INVALID, "db",
			      "unsupported database URL '%s': use sqlite:PATH or postgresql://…",
			      shown);
		goto out;
	}
	if (!*target) {
		ret = err_set(e, E_INVALID, "db",
			      "database URL '%s' names no file", shown);
		goto out;
	}
	ret = ops->open(target, &db, why, sizeof(why));
	if (ret == E_INVALID) {
		ret = err_set(e, E_INVALID, "db", "invalid database URL '%s': %s",
			      shown, why);
		goto out;
	}
	if (ret) {
		ret = err_set(e, E_INTERNAL, "db", "cannot open database '%s': %s",
			      shown, why);
		goto out;
	}
	db->ops = ops;
	db->kind = ops == &db_pg_ops ? DB_POSTGRESQL : DB_SQLITE;
	db->shown_url = shown;
	shown = NULL;
	db->nbuckets = 64;
	db->buckets = xcalloc(db->nbuckets, sizeof(*db->buckets));
	*out = db;
out:
	free(shown);
	return ret;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->nbuckets; i++) {
		struct db_stmt *st = db->buckets[i];

		while (st) {
			struct db_stmt *next = st->next;
			char *sql = st->sql;

			db->ops->finalize(st);
			free(sql);
			st = next;
		}
	}
	free(db->buckets);
	free(db->shown_url);
	db->ops->close(db);	/* frees db */
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_kind_name(const struct db *db)
{
	return db->ops->name;
}

int db_bulk(struct db *db, bool on)
{
	if (db_kind(db) == DB_POSTGRESQL)
		return db_exec(db, on ? "SET synchronous_commit = off" :
			       "SET synchronous_commit = on");
	return db_exec(db, on ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL");
}

int db_exec(struct db *db, const char *sql)
{
	char shown[400];
	int ret;

	if (!db || !sql)
		return error("db_exec without a connection or SQL");
	ret = db->ops->exec(db, sql);
	if (ret) {
		if (db->in_tx)
			db->tx_failed = true;
		error("%s: %s; in: %s", db->shown_url, db->errmsg,
		      sql_for_log(shown, sizeof(shown), sql));
	}
	return ret;
}

/* FNV-1a, 64 bits. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void cache_grow(struct db *db)
{
	size_t n = db->nbuckets * 2;
	struct db_stmt **b = xcalloc(n, sizeof(*b));

	for (size_t i = 0; i < db->nbuckets; i++) {
		struct db_stmt *st = db->buckets[i];

		while (st) {
			struct db_stmt *next = st->next;
			size_t j = st->hash & (n - 1);

			st->next = b[j];
			b[j] = st;
			st = next;
		}
	}
	free(db->buckets);
	db->buckets = b;
	db->nbuckets = n;
}

static void stmt_reset(struct db_stmt *st)
{
	st->db->ops->rewind(st);
	st->db->ops->clear_bindings(st);
	st->state = ST_READY;
	st->bind_failed = false;
}

struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	char shown[1024];
	struct db_stmt *st;
	uint64_t h;
	int copies = 0;

	if (!db || !sql) {
		error("db_prepare without a connection or SQL");
		return NULL;
	}
	h = sql_hash(sql);
	for (st = db->buckets[h & (db->nbuckets - 1)]; st; st = st->next) {
		if (st->hash != h || strcmp(st->sql, sql))
			continue;
		if (st->state != ST_ROW) {
			if (st->state != ST_READY)
				stmt_reset(st);
			return st;
		}
		copies++;
	}
	if (copies >= MAX_COPIES) {
		error("statement in use %d times at once (a missing db_reset?): %s",
		      copies, sql);
		return NULL;
	}
	st = db->ops->prepare(db, sql);
	if (!st) {
		error("%s: cannot prepare: %s; in: %s", db->shown_url,
		      db->errmsg, sql_for_log(shown, sizeof(shown), sql));
		if (db->in_tx)
			db->tx_failed = true;
		return NULL;
	}
	st->db = db;
	st->hash = h;
	st->sql = xstrdup(sql);
	st->state = ST_READY;
	st->bind_failed = false;
	st->next = db->buckets[h & (db->nbuckets - 1)];
	db->buckets[h & (db->nbuckets - 1)] = st;
	if (++db->nstmts > db->nbuckets)
		cache_grow(db);
	return st;
}

/* Checks a bind; returns false (and spoils the statement) if it is wrong. */
static bool bind_ok(struct db_stmt *st, int idx)
{
	if (!st)
		return false;
	if (st->state == ST_ROW) {
		error("binding parameter %d of a statement still being stepped "
		      "(a missing db_reset?): %s", idx, st->sql);
		st->bind_failed = true;
		return false;
	}
	if (st->state == ST_DONE) {
		/* Run to the end but not reset: start again, keep bindings. */
		st->db->ops->rewind(st);
		st->state = ST_READY;
	}
	if (idx < 1 || idx > st->nparams) {
		error("binding parameter %d of a statement that has %d: %s",
		      idx, st->nparams, st->sql);
		st->bind_failed = true;
		return false;
	}
	return true;
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	if (bind_ok(st, idx))
		st->db->ops->bind_int(st, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
	if (bind_ok(st, idx))
		st->db->ops->bind_double(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (!bind_ok(st, idx))
		return;
	if (s)
		st->db->ops->bind_text(st, idx, s);
	else
		st->db->ops->bind_null(st, idx);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
	if (!bind_ok(st, idx))
		return;
	if (p)
		st->db->ops->bind_blob(st, idx, p, len);
	else
		st->db->ops->bind_null(st, idx);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	if (bind_ok(st, idx))
		st->db->ops->bind_null(st, idx);
}

int db_step(struct db_stmt *st)
{
	char shown[1024];
	struct db *db;
	int ret;

	if (!st)
		return error("db_step on a statement that failed to prepare");
	db = st->db;
	if (st->bind_failed) {
		ret = error("not running a statement with a bad binding: %s",
			    st->sql);
		goto fail;
	}
	if (st->state == ST_DONE) {
		db->ops->rewind(st);
		st->state = ST_READY;
	}
	ret = db->ops->step(st);
	if (ret == DB_ROW || ret == DB_DONE) {
		st->state = ret == DB_ROW ? ST_ROW : ST_DONE;
		return ret;
	}
	sql_for_log(shown, sizeof(shown), st->sql);
	if (ret == E_CONFLICT)
		log_debug("constraint violated: %s; in: %s", db->errmsg, shown);
	else
		ret = error("%s: %s; in: %s", db->shown_url, db->errmsg, shown);
fail:
	st->state = ST_DONE;
	if (db->in_tx)
		db->tx_failed = true;
	return ret;
}

void db_reset(struct db_stmt *st)
{
	if (st)
		stmt_reset(st);
}

int db_col_count(struct db_stmt *st)
{
	return st ? st->db->ops->col_count(st) : 0;
}

/* Checks a column read; logs and returns false if it is wrong. */
static bool col_ok(struct db_stmt *st, int col)
{
	if (!st)
		return false;
	if (st->state != ST_ROW) {
		error("reading column %d with no current row: %s", col, st->sql);
		return false;
	}
	if (col < 0 || col >= st->db->ops->col_count(st)) {
		error("reading column %d of a statement that has %d: %s", col,
		      st->db->ops->col_count(st), st->sql);
		return false;
	}
	return true;
}

bool db_col_null(struct db_stmt *st, int col)
{
	return col_ok(st, col) ? st->db->ops->col_null(st, col) : true;
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return col_ok(st, col) ? st->db->ops->col_int(st, col) : 0;
}

double db_col_double(struct db_stmt *st, int col)
{
	return col_ok(st, col) ? st->db->ops->col_double(st, col) : 0.0;
}

const char *db_col_text(struct db_stmt *st, int col)
{
	const char *s = col_ok(st, col) ? st->db->ops->col_text(st, col) : NULL;

	return s ? s : "";
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	size_t n = 0;
	const void *p = NULL;

	if (col_ok(st, col) && !st->db->ops->col_null(st, col)) {
		p = st->db->ops->col_blob(st, col, &n);
		if (!p)
			p = "";	/* an empty blob is not NULL */
	}
	if (len)
		*len = p ? n : 0;
	return p;
}

int db_one_int(struct db_stmt *st, int64_t *out)
{
	int ret = db_step(st);

	if (ret == DB_ROW) {
		*out = db_col_int(st, 0);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

int db_one_text(struct db_stmt *st, char **out)
{
	int ret = db_step(st);

	if (ret == DB_ROW) {
		*out = xstrdup(db_col_text(st, 0));
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

int db_run(struct db_stmt *st)
{
	int ret;

	while ((ret = db_step(st)) == DB_ROW)
		;
	db_reset(st);
	return ret;
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

/*
 * SQLite has one writer at a time.  Writers of this process wait for each
 * other on a mutex, woken as soon as the writer before them commits,
 * instead of in SQLite's busy handler, which sleeps and polls (1, 2, 5,
 * 10 … ms): under concurrent intake that polling, not the disk, was the
 * limit.  Other processes still meet the busy timeout.
 */
static pthread_mutex_t sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

static void writer_release(struct db *db)
{
	if (db->holds_writer) {
		db->holds_writer = false;
		pthread_mutex_unlock(&sqlite_writer);
	}
}

int db_begin(struct db *db)
{
	int ret;

	if (db->in_tx)
		return error("db_begin inside a transaction (nesting is not supported)");
	if (db->kind == DB_SQLITE) {
		pthread_mutex_lock(&sqlite_writer);
		db->holds_writer = true;
		ret = db_run(db_prepare(db, "BEGIN IMMEDIATE"));
	} else {
		ret = db_exec(db, "BEGIN");
	}
	if (!ret) {
		db->in_tx = true;
		db->tx_failed = false;
	} else {
		writer_release(db);
	}
	return ret;
}

int db_begin_read(struct db *db)
{
	int ret;

	if (db->in_tx)
		return error("db_begin_read inside a transaction (nesting is not supported)");
	/* On SQLite a cached statement: no parsing on the hot read path. */
	if (db->kind == DB_SQLITE)
		ret = db_run(db_prepare(db, "BEGIN"));
	else
		ret = db_exec(db, "BEGIN READ ONLY");
	if (!ret) {
		db->in_tx = true;
		db->tx_failed = false;
	}
	return ret;
}

int db_commit(struct db *db)
{
	int ret;

	if (!db->in_tx)
		return error("db_commit without a transaction");
	if (db->tx_failed) {
		db_rollback(db);
		return error("%s: commit of a transaction in which a statement "
			     "failed: rolled back", db->shown_url);
	}
	ret = db->kind == DB_SQLITE ? db_run(db_prepare(db, "COMMIT")) : db_exec(db, "COMMIT");
	if (ret)
		db_rollback(db);
	db->in_tx = false;
	writer_release(db);
	return ret;
}

void db_rollback(struct db *db)
{
	if (!db || !db->in_tx)
		return;
	db->in_tx = false;
	db->tx_failed = false;
	if (db->ops->exec(db, "ROLLBACK"))
		log_debug("%s: rollback: %s", db->shown_url, db->errmsg);
	writer_release(db);
}

bool db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

/* ---- grouped writes (db_write) ----------------------------------------------- */

struct group_item {
	db_tx_fn fn;
	void *arg;
	const char *lang;
	int ret;
	bool done;
	struct group_item *next;
};

#define GROUP_MAX 64		/* callers per transaction */

/*
 * One group per SQLite database file, with its own connection: the
 * leader of the moment writes on it, so its page cache stays warm (a
 * connection that another one has written behind must read its pages
 * again).  Closed at exit.
 */
struct group {
	char *url;
	struct db *db;
	struct group_item *head, **tail;
	bool leading;
	struct group *next;
};

static pthread_mutex_t group_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_cond = PTHREAD_COND_INITIALIZER;
static struct group *groups;

static void groups_close(void)
{
	while (groups) {
		struct group *g = groups;

		groups = g->next;
		db_close(g->db);
		free(g->url);
		free(g);
	}
}

/* The group of db's file, or NULL if its connection cannot be opened. */
static struct group *group_of(struct db *db)
{
	struct group *g;
	struct err e = ERR_INIT;

	for (g = groups; g; g = g->next)
		if (!strcmp(g->url, db->shown_url))
			return g;
	g = xcalloc(1, sizeof(*g));
	if (db_open(db->shown_url, &g->db, &e)) {
		log_warn("%s: no connection for grouped writes: %s", db->shown_url, e.message);
		free(g);
		return NULL;
	}
	if (!groups)
		atexit(groups_close);
	g->url = xstrdup(db->shown_url);
	g->tail = &g->head;
	g->next = groups;
	groups = g;
	return g;
}

static int write_one(struct db *db, db_tx_fn fn, void *arg)
{
	int ret = db_begin(db);

	if (ret)
		return ret;
	ret = fn(db, arg);
	if (ret)
		db_rollback(db);
	else
		ret = db_commit(db);
	return ret;
}

/* Runs a group in one transaction on the leader's connection. */
static void write_group(struct db *db, struct group_item *items)
{
	const char *lang = i18n_lang();
	struct group_item *it;
	int ret = db_begin(db);

	for (it = items; it; it = it->next) {
		if (ret) {
			it->ret = ret;
			continue;
		}
		i18n_set_lang(it->lang);
		if (db_run(db_prepare(db, "SAVEPOINT w"))) {
			it->ret = E_INTERNAL;
			continue;
		}
		it->ret = it->fn(db, it->arg);
		if (it->ret) {
			db->tx_failed = false;
			if (db_run(db_prepare(db, "ROLLBACK TO w")))
				ret = E_INTERNAL;
		}
		if (!ret && db_run(db_prepare(db, "RELEASE w")))
			ret = E_INTERNAL;
	}
	i18n_set_lang(lang);
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
	/* A failed commit loses every change of the group. */
	if (ret)
		for (it = items; it; it = it->next)
			if (!it->ret)
				it->ret = error("%s: grouped commit failed", db->shown_url);
}

int db_write(struct db *db, db_tx_fn fn, void *arg)
{
	struct group_item me = { fn, arg, i18n_lang(), 0, false, NULL };
	struct group *g;

	if (db->in_tx)
		return error("db_write inside a transaction");
	if (db->kind != DB_SQLITE)
		return write_one(db, fn, arg);
	pthread_mutex_lock(&group_mutex);
	g = group_of(db);
	if (!g) {
		pthread_mutex_unlock(&group_mutex);
		return write_one(db, fn, arg);
	}
	*g->tail = &me;
	g->tail = &me.next;
	while (!me.done) {
		struct group_item *batch, *it;
		int n = 0;

		if (g->leading) {
			pthread_cond_wait(&group_cond, &group_mutex);
			continue;
		}
		/* Lead: take the queue (this caller is in it) up to GROUP_MAX. */
		g->leading = true;
		batch = g->head;
		for (it = batch; it->next && ++n < GROUP_MAX; it = it->next)
			;
		g->head = it->next;
		it->next = NULL;
		if (!g->head)
			g->tail = &g->head;
		pthread_mutex_unlock(&group_mutex);

		write_group(g->db, batch);

		pthread_mutex_lock(&group_mutex);
		for (it = batch; it; it = it->next)
			it->done = true;
		g->leading = false;
		pthread_cond_broadcast(&group_cond);
	}
	pthread_mutex_unlock(&group_mutex);
	return me.ret;
}

int db_table_exists(struct db *db, const char *name, bool *exists)
{
	int ret = db->ops->table_exists(db, name, exists);

	if (ret)
		error("%s: %s", db->shown_url, db->errmsg);
	return ret;
}
