/*
 * db_impl: what db.c (the common part) and the two backends, sqlite.c and
 * pg.c, share.  Nothing outside src/db/ includes this.
 *
 * db.c owns everything a backend does not need to know about: URL checks,
 * the statement cache, the statement state machine, transactions and the
 * argument checks.  A backend allocates its own connection and statement
 * structs with the common struct as their first member, and fills in
 * struct db_ops.  Backend functions are only called with valid arguments
 * (db.c checks column and parameter indexes and NULL statements).
 */
#ifndef CCHC_DB_DB_IMPL_H
#define CCHC_DB_DB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct err;
struct strbuf;

/* Where a statement is in its life; see db_step() in db.c. */
enum db_stmt_state {
	ST_READY,	/* prepared or reset: may be bound, not yet run */
	ST_ROW,		/* the last step returned DB_ROW: in use */
	ST_DONE,	/* the last step returned DB_DONE or an error */
};

struct db_ops {
	const char *name;	/* "sqlite" or "postgresql" */

	/*
	 * Opens target (a file path for SQLite, the libpq URI for PostgreSQL).
	 * On failure returns E_INVALID (target cannot be parsed) or
	 * E_INTERNAL (cannot connect or open) and puts the backend's one-line
	 * reason in why (without the URL: db.c adds it).
	 */
	int (*open)(const char *target, struct db **out, char *why, size_t whylen);
	void (*close)(struct db *db);
	/* Runs SQL without parameters or results; E_INTERNAL on error. */
	int (*exec)(struct db *db, const char *sql);
	/* Prepares one statement; NULL (with db->errmsg set) on error. */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*finalize)(struct db_stmt *st);

	/* Bindings; idx is checked to be within 1..st->nparams. */
	void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_double)(struct db_stmt *st, int idx, double v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t len);
	void (*bind_null)(struct db_stmt *st, int idx);

	/*
	 * Runs or advances: DB_ROW, DB_DONE, E_CONFLICT or E_INTERNAL, with
	 * db->errmsg set on error (db.c logs it).
	 */
	int (*step)(struct db_stmt *st);
	/* Forgets results, keeps bindings, so that step runs it again. */
	void (*rewind)(struct db_stmt *st);
	void (*clear_bindings)(struct db_stmt *st);

	/* Columns of the current row; col is checked to be in range. */
	int (*col_count)(struct db_stmt *st);
	bool (*col_null)(struct db_stmt *st, int col);
	int64_t (*col_int)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);

	int64_t (*changes)(struct db *db);
	/* Whether a table of that name is visible; 0 or E_INTERNAL. */
	int (*table_exists)(struct db *db, const char *name, bool *exists);
};

struct db {
	enum db_kind kind;
	const struct db_ops *ops;
	char *shown_url;	/* the URL with its password masked */
	bool in_tx;
	bool holds_writer;	/* holds the process's SQLite writer lock (db.c) */
	bool tx_failed;		/* a statement failed inside this transaction */

	/* Statement cache: chained hash table keyed by SQL text. */
	struct db_stmt **buckets;
	size_t nbuckets;	/* a power of two */
	size_t nstmts;

	char errmsg[512];	/* the backend's last error message */
};

struct db_stmt {
	struct db *db;
	struct db_stmt *next;	/* hash chain */
	uint64_t hash;
	char *sql;		/* as the caller wrote it, with `?` */
	int nparams;
	enum db_stmt_state state;
	bool bind_failed;	/* a bind was wrong: the next step fails */
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Sets db->errmsg (for backends). */
void db_set_errmsg(struct db *db, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Copies src to dst (of size n) as one line: each line break, with the
 * blanks around it, becomes "; ", and trailing blanks are dropped.
 */
void db_one_line(char *dst, size_t n, const char *src);

/*
 * Rewrites `?` placeholders as $1, $2, … for PostgreSQL, leaving alone
 * those inside quoted strings ('…', E'…', $tag$…$tag$), quoted identifiers
 * and comments.  Returns the malloc'd SQL; *nparams gets the count.
 */
char *db_pg_placeholders(const char *sql, int *nparams);

/*
 * Turns the text of a migration file into the SQL for one engine: keeps
 * the common lines and those in the engine's sections, and expands @ID@
 * and @BLOB@ (see db_migrate in db.h).  Appends to out; returns 0, or
 * E_INVALID with the line in e for a malformed section marker.
 */
int db_migration_sql(enum db_kind kind, const char *text, struct strbuf *out,
		     struct err *e);

/* Asks the backend whether a table is visible; 0 or E_INTERNAL (logged). */
int db_table_exists(struct db *db, const char *name, bool *exists);

#endif
