/*
 * db: the one interface to the database, over SQLite or PostgreSQL.
 *
 * This folder is the only code that includes <sqlite3.h> or <libpq-fe.h>.
 * Feature code writes portable SQL with `?` placeholders; for PostgreSQL
 * they become $1, $2, … here.  Write SQL that both accept:
 *   - integers are 64-bit (BIGINT); booleans are 0/1 integers;
 *   - times are UTC epoch seconds, dates ISO text "YYYY-MM-DD";
 *   - new ids come back with INSERT … RETURNING id;
 *   - upserts with INSERT … ON CONFLICT (…) DO UPDATE/NOTHING.
 *
 * A struct db is one connection.  It is not shared between threads: the
 * server opens one per thread.  Statements are prepared once per
 * connection and cached by their SQL text, so a caller just asks for the
 * statement every time:
 *
 *	struct db_stmt *st = db_prepare(db, "SELECT name FROM agency WHERE id = ?");
 *	db_bind_int(st, 1, id);
 *	while ((ret = db_step(st)) == DB_ROW)
 *		use(db_col_text(st, 0));
 *	db_reset(st);   // always, also after an error; clears bindings
 *
 * Column values are borrowed and valid until the next db_step/db_reset of
 * that statement: copy what you keep.
 *
 * Asking for a statement that is still being stepped (a loop over the same
 * query nested in itself, as in a walk down a tree) gives a second copy,
 * so the outer loop keeps its place.
 *
 * PostgreSQL infers each parameter's type from where it stands; where
 * nothing says (SELECT ?, ? + 1) write CAST(? AS BIGINT) or the like,
 * which both engines accept.
 */
#ifndef CCHC_DB_DB_H
#define CCHC_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct db;
struct db_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRESQL };

/* db_step results; errors are the negative E_* codes of base/err.h. */
enum { DB_DONE = 0, DB_ROW = 1 };

/*
 * Opens a connection.  url is "sqlite:PATH" (also "sqlite://PATH", so
 * "sqlite:///abs/path.db"; or a bare path ending in .db), "postgresql://…"
 * or "postgres://…" (any libpq connection URI; its query may carry libpq
 * parameters, e.g. options=-csearch_path%3Dschema).  SQLite connections get
 * WAL, foreign keys, a 5 s busy timeout and synchronous=FULL; the folder of
 * the file must exist.  A PostgreSQL connection that the server drops is
 * re-established on its next use outside a transaction.  On failure returns
 * E_INVALID (bad URL) or E_INTERNAL (cannot open) with a one-line message in
 * e naming the URL (without its password), and *out is NULL.
 */
int db_open(const char *url, struct db **out, struct err *e);
/* Finalizes the cached statements and closes; NULL is allowed. */
void db_close(struct db *db);

enum db_kind db_kind(const struct db *db);
/* "sqlite" or "postgresql". */
const char *db_kind_name(const struct db *db);

/*
 * Runs one or more statements without parameters or results (DDL).
 * Returns 0 or E_INTERNAL (logged).
 */
int db_exec(struct db *db, const char *sql);

/*
 * Returns the cached prepared statement for sql, preparing it on first use.
 * A statement that fails to prepare is a bug: it is logged and NULL is
 * returned; the bind/step functions accept NULL and fail with E_INTERNAL.
 */
struct db_stmt *db_prepare(struct db *db, const char *sql);

/* Parameters are numbered from 1 like the `?` they fill. */
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
/*
 * Text and blobs are copied; a NULL pointer binds SQL NULL (a non-NULL p
 * with len 0 is an empty blob).  A wrong index is logged and makes the
 * next db_step fail with E_INTERNAL.
 */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
void db_bind_null(struct db_stmt *st, int idx);

/*
 * Runs the statement (on the first call) and moves to the next row.
 * Returns DB_ROW, DB_DONE, E_CONFLICT for a unique/foreign-key/check/
 * not-null violation (SQLSTATE class 23), or E_INTERNAL (logged, with the
 * SQL).  Stepping again after DB_DONE, or binding, starts a new run.
 */
int db_step(struct db_stmt *st);
/* Forgets results and bindings so the statement can run again. */
void db_reset(struct db_stmt *st);

int db_col_count(struct db_stmt *st);
bool db_col_null(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* Never NULL: a NULL column reads as "". */
const char *db_col_text(struct db_stmt *st, int col);
/* NULL (and *len 0) for SQL NULL; an empty blob is a non-NULL pointer. */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);

/*
 * Convenience for statements that return at most one row: step once, copy
 * out, reset.  Return 0 with *out filled, E_NOTFOUND if there is no row, or
 * the step's error.  db_one_text's *out is malloc'd (caller frees).
 */
int db_one_int(struct db_stmt *st, int64_t *out);
int db_one_text(struct db_stmt *st, char **out);
/* Steps to completion and resets: for INSERT/UPDATE/DELETE. */
int db_run(struct db_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE run on this connection. */
int64_t db_changes(struct db *db);

/*
 * Bulk loading (demo data, imports of history): with on, commits no longer
 * wait for the disk (SQLite synchronous=OFF, PostgreSQL
 * synchronous_commit=off), so a crash may lose the last ones.  Never for
 * the server.  Returns 0 or E_INTERNAL.
 */
int db_bulk(struct db *db, bool on);

/*
 * Transactions.  db_begin starts one (BEGIN IMMEDIATE on SQLite, so a writer
 * waits for the lock up front instead of failing half-way).  Nesting is not
 * supported: db_begin inside a transaction is a bug and returns E_INTERNAL.
 * db_rollback is safe to call when no transaction is open.
 *
 * A statement that fails inside a transaction dooms it, on both engines
 * (PostgreSQL aborts the transaction; SQLite is made to agree): the caller
 * must roll back, and db_commit rolls back and returns E_INTERNAL.  Use
 * INSERT … ON CONFLICT instead of trying an insert and handling E_CONFLICT
 * inside a transaction.
 */
int db_begin(struct db *db);
/*
 * A read-only transaction: one consistent snapshot for several reads, and
 * on SQLite one read lock instead of one per statement.  End it with
 * db_commit (or db_rollback).
 */
int db_begin_read(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(const struct db *db);

/*
 * Runs fn(db, arg) as one write transaction and returns its result: 0 once
 * the change is committed (on disk, as the connection's settings say), or
 * fn's error (or the commit's) with nothing kept.  fn does not begin or
 * commit; it may leave db in a failed state, db_write rolls it back.
 *
 * On SQLite the writers of a process take turns and each commit waits for
 * the disk, so concurrent callers are grouped: while one group commits,
 * the callers that arrive queue up, and the next of them (the leader) runs
 * every queued fn on its own connection, each in a savepoint of one
 * transaction, then commits once for all.  A failing fn rolls back to its
 * savepoint and leaves the others alone.  fn must therefore use only the
 * db it is given and keep no state outside the database that a rollback
 * would leave behind; it runs in the caller's language.  On PostgreSQL
 * (which groups commits itself) it is begin, fn, commit on db.
 */
typedef int (*db_tx_fn)(struct db *db, void *arg);
int db_write(struct db *db, db_tx_fn fn, void *arg);

/*
 * Migrations: the numbered files "migrations/NNNN_name.sql" embedded in the
 * binary.  Each file is portable SQL with two markers the db layer expands:
 *   @ID@    an auto-numbered 64-bit primary key column type
 *   @BLOB@  a binary column type
 * What cannot be portable (triggers, say) goes in engine sections, each
 * opened by a line "-- @sqlite" or "-- @postgresql" and closed by the next
 * such line or by "-- @end"; other "-- @…" lines are an error.
 * Files are applied in order, each in its own transaction, and recorded in
 * table schema_migrations (version, name, applied_at).  A database that
 * records a version this program does not know is refused (E_CONFLICT with a
 * message naming both versions).  Concurrent migrators wait for each other
 * (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL).  Returns 0, E_CONFLICT or E_INTERNAL;
 * *applied (may be NULL) gets the number of files applied now.
 */
int db_migrate(struct db *db, int *applied, struct err *e);
/* Highest migration version embedded in this program. */
int db_schema_version(void);
/* Highest version recorded in the database, 0 for a new one. */
int db_current_version(struct db *db, int *version);

#endif
