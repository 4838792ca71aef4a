/*
 * sqlite.c: the SQLite backend of the db layer (see db_impl.h).
 *
 * Each connection is used by one thread only, so it is opened with
 * SQLITE_OPEN_NOMUTEX.  It runs in WAL mode (readers never block the
 * writer), with foreign keys enforced, a 5 s busy timeout so that writers
 * queue instead of failing, and synchronous=FULL so that a commit that has
 * been acknowledged survives a power cut (NORMAL would be faster but may
 * lose the last transactions).
 */
#include <sqlite3.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/xmalloc.h"
#include "db/db_impl.h"

#define BUSY_TIMEOUT_MS 5000

struct sqlite_db {
	struct db base;
	sqlite3 *h;
};

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
	int bind_rc;	/* first error of sqlite3_bind_* since the reset */
};

static sqlite3 *handle(struct db *db)
{
	return ((struct sqlite_db *)db)->h;
}

static struct sqlite_stmt *stmt_of(struct db_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

/* Runs the settings every connection needs; a SQLite result code. */
static int configure(sqlite3 *h)
{
	static const char *const pragmas =
		"PRAGMA foreign_keys = ON;"
		"PRAGMA synchronous = FULL;"
		/* Statement journals and sorts in memory: no temporary files. */
		"PRAGMA temp_store = MEMORY;"
		/*
		 * 16 MiB of page cache per connection (one per server thread).
		 * The file is not memory-mapped: in WAL mode a connection that
		 * sees another one's commit drops its cache and, if mapped,
		 * unmaps the whole file, which stops every thread of the process
		 * for the TLB flush; under steady intake that cost more than the
		 * mapping saved on reads.
		 */
		"PRAGMA cache_size = -16384;";
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_extended_result_codes(h, 1);
	rc = sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	if (rc != SQLITE_OK)
		goto out;
	/*
	 * journal_mode answers with the mode in force: "wal", or "memory" for
	 * an in-memory database, which cannot use WAL and does not need it.
	 * It is also the first read of the file, so a file that is not a
	 * database fails here.
	 */
	rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto out;
	rc = SQLITE_OK;
	if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "memory")) {
		rc = SQLITE_ERROR;
		goto out;
	}
	rc = sqlite3_exec(h, pragmas, NULL, NULL, NULL);
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * Before SQLite's first use: no memory statistics, which nothing here
 * reads and which cost a process-wide mutex on every allocation, shared
 * by every thread's connection.
 */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sqlite_open(const char *path, struct db **out, char *why,
		       size_t whylen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sqlite_db *db;
	sqlite3 *h = NULL;
	int rc;

	pthread_once(&once, sqlite_setup);
	rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = configure(h);
	if (rc != SQLITE_OK) {
		snprintf(why, whylen, "%s", h ? sqlite3_errmsg(h) :
			 sqlite3_errstr(rc));
		if (!strcmp(why, "not an error"))
			snprintf(why, whylen, "cannot switch to WAL mode");
		sqlite3_close_v2(h);
		return E_INTERNAL;
	}
	db = xcalloc(1, sizeof(*db));
	db->h = h;
	*out = &db->base;
	return 0;
}

static void sqlite_close(struct db *db)
{
	sqlite3_close_v2(handle(db));
	free(db);
}

static int sqlite_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(handle(db), sql, NULL, NULL, &msg);

	if (rc == SQLITE_OK)
		return 0;
	db_set_errmsg(db, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return E_INTERNAL;
}

/* Whether s holds nothing but blanks, semicolons and comments. */
static bool only_trailer(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == ';') {
			s++;
		} else if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr(s + 2, "*/");

			if (!end)
				return true;
			s = end + 2;
		} else {
			return false;
		}
	}
	return true;
}

static struct db_stmt *sqlite_prepare(struct db *db, const char *sql)
{
	struct sqlite_stmt *st;
	sqlite3_stmt *h = NULL;
	const char *tail = NULL;
	int rc;

	rc = sqlite3_prepare_v3(handle(db), sql, -1, SQLITE_PREPARE_PERSISTENT,
				&h, &tail);
	if (rc != SQLITE_OK) {
		db_set_errmsg(db, "%s", sqlite3_errmsg(handle(db)));
		return NULL;
	}
	if (!h) {
		db_set_errmsg(db, "no statement in the SQL");
		return NULL;
	}
	if (tail && !only_trailer(tail)) {
		db_set_errmsg(db, "more than one statement (use db_exec)");
		sqlite3_finalize(h);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->h = h;
	st->base.nparams = sqlite3_bind_parameter_count(h);
	return &st->base;
}

static void sqlite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(stmt_of(st)->h);
	free(st);
}

static void bound(struct db_stmt *st, int rc)
{
	if (rc != SQLITE_OK && stmt_of(st)->bind_rc == SQLITE_OK)
		stmt_of(st)->bind_rc = rc;
}

static void sqlite_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	bound(st, sqlite3_bind_int64(stmt_of(st)->h, idx, v));
}

static void sqlite_bind_double(struct db_stmt *st, int idx, double v)
{
	bound(st, sqlite3_bind_double(stmt_of(st)->h, idx, v));
}

static void sqlite_bind_text(struct db_stmt *st, int idx, const char *s)
{
	bound(st, sqlite3_bind_text64(stmt_of(st)->h, idx, s, strlen(s),
				      SQLITE_TRANSIENT, SQLITE_UTF8));
}

static void sqlite_bind_blob(struct db_stmt *st, int idx, const void *p,
			     size_t len)
{
	/* A zero-length blob with a pointer would still read back as NULL. */
	if (!len)
		bound(st, sqlite3_bind_zeroblob(stmt_of(st)->h, idx, 0));
	else
		bound(st, sqlite3_bind_blob64(stmt_of(st)->h, idx, p, len,
					      SQLITE_TRANSIENT));
}

static void sqlite_bind_null(struct db_stmt *st, int idx)
{
	bound(st, sqlite3_bind_null(stmt_of(st)->h, idx));
}

static int sqlite_step(struct db_stmt *st)
{
	sqlite3 *h = handle(st->db);
	int rc;

	if (stmt_of(st)->bind_rc != SQLITE_OK) {
		db_set_errmsg(st->db, "bind failed: %s",
			      sqlite3_errstr(stmt_of(st)->bind_rc));
		return E_INTERNAL;
	}
	rc = sqlite3_step(stmt_of(st)->h);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	db_set_errmsg(st->db, "%s", sqlite3_errmsg(h));
	return (rc & 0xff) == SQLITE_CONSTRAINT ? E_CONFLICT : E_INTERNAL;
}

static void sqlite_rewind(struct db_stmt *st)
{
	/* The result repeats the last step's error, already reported. */
	sqlite3_reset(stmt_of(st)->h);
}

static void sqlite_clear_bindings(struct db_stmt *st)
{
	sqlite3_clear_bindings(stmt_of(st)->h);
	stmt_of(st)->bind_rc = SQLITE_OK;
}

static int sqlite_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(stmt_of(st)->h);
}

static bool sqlite_col_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(stmt_of(st)->h, col) == SQLITE_NULL;
}

static int64_t sqlite_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(stmt_of(st)->h, col);
}

static double sqlite_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(stmt_of(st)->h, col);
}

static const char *sqlite_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(stmt_of(st)->h, col);
}

static const void *sqlite_col_blob(struct db_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(stmt_of(st)->h, col);

	*len = (size_t)sqlite3_column_bytes(stmt_of(st)->h, col);
	return p;
}

static int64_t sqlite_changes(struct db *db)
{
	return sqlite3_changes64(handle(db));
}

static int sqlite_table_exists(struct db *db, const char *name, bool *exists)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(handle(db),
				"SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
				-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_set_errmsg(db, "%s", sqlite3_errmsg(handle(db)));
		ret = E_INTERNAL;
		goto out;
	}
	*exists = rc == SQLITE_ROW;
out:
	sqlite3_finalize(st);
	return ret;
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.bind_int = sqlite_bind_int,
	.bind_double = sqlite_bind_double,
	.bind_text = sqlite_bind_text,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.rewind = sqlite_rewind,
	.clear_bindings = sqlite_clear_bindings,
	.col_count = sqlite_col_count,
	.col_null = sqlite_col_null,
	.col_int = sqlite_col_int,
	.col_double = sqlite_col_double,
	.col_text = sqlite_col_text,
	.col_blob = sqlite_col_blob,
	.changes = sqlite_changes,
	.table_exists = sqlite_table_exists,
};
