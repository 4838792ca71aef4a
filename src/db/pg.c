/*
 * pg.c: the PostgreSQL backend of the db layer (see db_impl.h), on libpq.
 *
 * Statements are prepared on the server once per connection, named s1,
 * s2, …, after their `?` placeholders have been rewritten as $1, $2, ….
 * Parameters go as text (blobs as binary) and the server infers their
 * types from the SQL.  PQexecPrepared fetches the whole result, and
 * db_step walks it row by row; values come back as text and are converted
 * on reading.  An error whose SQLSTATE is of class 23 (integrity
 * constraint violation) is E_CONFLICT.
 *
 * A connection that the server dropped is re-established on the next use,
 * outside a transaction only (a statement must never run outside the
 * transaction its caller began), and its statements are prepared again.
 * A statement that failed because of the drop is not retried: whether it
 * took effect is unknown, so the caller gets the error.
 */
#include <libpq-fe.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db_impl.h"

/* Type oids from PostgreSQL's catalog (server/catalog/pg_type_d.h). */
#define BOOLOID 16
#define BYTEAOID 17

struct pg_db {
	struct db base;
	PGconn *conn;
	unsigned next_id;	/* for statement names */
	unsigned gen;		/* bumped by every reconnection */
	int64_t changes;
};

struct pg_stmt {
	struct db_stmt base;
	char name[16];		/* s1, s2, … */
	char *pgsql;		/* with $n placeholders */
	unsigned gen;		/* connection generation it was prepared in */
	int nfields;		/* result columns, known from the prepare */

	char **values;		/* nparams each; NULL value = SQL NULL */
	int *lengths;
	int *formats;

	PGresult *res;		/* the result being walked, or NULL */
	bool done;		/* executed and walked to the end */
	int row;
	unsigned char **blobs;	/* unescaped bytea of the current row */
	size_t *bloblens;
};

static struct pg_db *pg_of(struct db *db)
{
	return (struct pg_db *)db;
}

static struct pg_stmt *stmt_of(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag ($$ or $name$) at p, or 0 if none. */
static size_t dollar_tag(const char *sql, const char *p)
{
	const char *q = p + 1;

	if (p > sql && ident_char(p[-1]))
		return 0;
	if (*q >= '0' && *q <= '9')
		return 0;	/* $1 is a parameter */
	while (*q && *q != '$' && ident_char(*q))
		q++;
	return *q == '$' ? (size_t)(q + 1 - p) : 0;
}

char *db_pg_placeholders(const char *sql, int *nparams)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = sql, *start;
	int n = 0;
	size_t tag;

	strbuf_grow(&sb, strlen(sql) + 16);
	while (*p) {
		start = p;
		if (*p == '\'') {
			/* E'…' strings take backslash escapes. */
			bool esc = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				   (p - 1 == sql || !ident_char(p[-2]));

			for (p++; *p; p++) {
				if (esc && *p == '\\' && p[1]) {
					p++;
				} else if (*p == '\'') {
					if (p[1] != '\'')
						break;
					p++;	/* '' is a quote */
				}
			}
			if (*p)
				p++;
		} else if (*p == '"') {
			p = strchr(p + 1, '"');
			p = p ? p + 1 : start + strlen(start);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 1;	/* PostgreSQL comments nest */

			for (p += 2; *p && depth; p++) {
				if (p[0] == '/' && p[1] == '*') {
					depth++;
					p++;
				} else if (p[0] == '*' && p[1] == '/') {
					depth--;
					p++;
				}
			}
		} else if (*p == '$' && (tag = dollar_tag(sql, p))) {
			const char *end = p + tag;

			for (;;) {
				end = strchr(end, '$');
				if (!end || !strncmp(end, start, tag))
					break;
				end++;
			}
			p = end ? end + tag : start + strlen(start);
		} else if (*p == '?') {
			strbuf_addf(&sb, "$%d", ++n);
			p++;
			continue;
		} else {
			p++;
		}
		strbuf_add(&sb, start, (size_t)(p - start));
	}
	*nparams = n;
	return strbuf_detach(&sb, NULL);
}

/* Server messages below the error level go to our log, not to stderr. */
static void notice(void *arg, const char *message)
{
	char line[512];

	(void)arg;
	db_one_line(line, sizeof(line), message);
	log_warn("postgresql: %s", line);
}

/* Session settings every connection gets; 0 or E_INTERNAL with why. */
static int setup(PGconn *conn, char *why, size_t whylen)
{
	PGresult *res;
	int ret = 0;

	PQsetNoticeProcessor(conn, notice, NULL);
	res = PQexec(conn, "SET client_min_messages = warning");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		db_one_line(why, whylen, PQerrorMessage(conn));
		ret = E_INTERNAL;
	}
	PQclear(res);
	return ret;
}

static int pg_open(const char *url, struct db **out, char *why, size_t whylen)
{
	PQconninfoOption *opts;
	struct pg_db *db;
	PGconn *conn = NULL;
	char *bad = NULL;
	int ret = E_INVALID;

	/* A URL libpq cannot parse is the caller's mistake, not an outage. */
	opts = PQconninfoParse(url, &bad);
	if (!opts) {
		db_one_line(why, whylen, bad ? bad : "out of memory");
		PQfreemem(bad);
		goto out;
	}
	PQconninfoFree(opts);
	ret = E_INTERNAL;
	conn = PQconnectdb(url);
	if (!conn) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		db_one_line(why, whylen, PQerrorMessage(conn));
		goto out;
	}
	ret = setup(conn, why, whylen);
	if (ret)
		goto out;
	db = xcalloc(1, sizeof(*db));
	db->conn = conn;
	db->gen = 1;
	conn = NULL;
	*out = &db->base;
out:
	PQfinish(conn);
	return ret;
}

static void pg_close(struct db *db)
{
	PQfinish(pg_of(db)->conn);
	free(db);
}

/*
 * Makes sure the connection is up before a command, reconnecting if the
 * server dropped it and no transaction was open.  0 or E_INTERNAL.
 */
static int ensure(struct db *db)
{
	struct pg_db *pg = pg_of(db);
	char why[256];

	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	if (db->in_tx) {
		db_set_errmsg(db, "connection lost during a transaction");
		return E_INTERNAL;
	}
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		db_set_errmsg(db, "%s", PQerrorMessage(pg->conn));
		return E_INTERNAL;
	}
	if (setup(pg->conn, why, sizeof(why))) {
		db_set_errmsg(db, "%s", why);
		return E_INTERNAL;
	}
	pg->gen++;
	log_warn("%s: connection re-established", db->shown_url);
	return 0;
}

/* Puts a failed result's message in db->errmsg; E_CONFLICT or E_INTERNAL. */
static int result_error(struct db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;

	if (msg)
		db_set_errmsg(db, "%s%s%s%s", msg, detail ? " (" : "",
			      detail ? detail : "", detail ? ")" : "");
	else
		db_set_errmsg(db, "%s", PQerrorMessage(pg_of(db)->conn));
	return state && !strncmp(state, "23", 2) ? E_CONFLICT : E_INTERNAL;
}

/* Remembers the row count of a command that changes rows. */
static void note_changes(struct db *db, PGresult *res)
{
	const char *cmd = PQcmdStatus(res);

	if (!strncmp(cmd, "INSERT ", 7) || !strncmp(cmd, "UPDATE ", 7) ||
	    !strncmp(cmd, "DELETE ", 7) || !strncmp(cmd, "MERGE ", 6))
		pg_of(db)->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/*
 * The line of sql at which a failed result points, or 0.  The server
 * counts the position in characters from 1, so UTF-8 continuation bytes
 * are skipped.
 */
static int error_line(const PGresult *res, const char *sql)
{
	const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	long chars = pos ? strtol(pos, NULL, 10) : 0;
	int line = 1;

	if (chars <= 0)
		return 0;
	for (; *sql && chars > 1; sql++) {
		if (((unsigned char)*sql & 0xc0) == 0x80)
			continue;
		if (*sql == '\n')
			line++;
		chars--;
	}
	return line;
}

static int pg_exec(struct db *db, const char *sql)
{
	PGconn *conn = pg_of(db)->conn;
	PGresult *res = NULL;
	int ret = E_INTERNAL;

	/* A rollback after the server ended the transaction is a no-op. */
	if (!strcmp(sql, "ROLLBACK") &&
	    PQtransactionStatus(conn) != PQTRANS_INTRANS &&
	    PQtransactionStatus(conn) != PQTRANS_INERROR)
		return 0;
	if (ensure(db))
		goto out;
	res = PQexec(conn, sql);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		/* A COMMIT of a failed transaction answers ROLLBACK. */
		if (!strcmp(sql, "COMMIT") && strcmp(PQcmdStatus(res), "COMMIT")) {
			db_set_errmsg(db, "the transaction was rolled back");
			goto out;
		}
		note_changes(db, res);
		ret = 0;
		break;
	default:
		result_error(db, res);
		if (strchr(sql, '\n') && error_line(res, sql)) {
			char msg[sizeof(db->errmsg)];

			snprintf(msg, sizeof(msg), "%s", db->errmsg);
			db_set_errmsg(db, "%s at line %d", msg,
				      error_line(res, sql));
		}
		break;
	}
out:
	PQclear(res);
	return ret;
}

/* Prepares st->pgsql on the server under a new name; 0 or E_INTERNAL. */
static int server_prepare(struct db *db, struct pg_stmt *st)
{
	struct pg_db *pg = pg_of(db);
	PGresult *res;
	int ret = 0;

	snprintf(st->name, sizeof(st->name), "s%u", ++pg->next_id);
	res = PQprepare(pg->conn, st->name, st->pgsql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		result_error(db, res);
		ret = E_INTERNAL;
	}
	PQclear(res);
	st->gen = pg->gen;
	return ret;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct pg_stmt *st = xcalloc(1, sizeof(*st));
	PGresult *desc = NULL;
	int n;

	if (ensure(db))
		goto fail;
	st->pgsql = db_pg_placeholders(sql, &n);
	if (server_prepare(db, st))
		goto fail;
	/* The shape of the statement, to check binds and column reads. */
	desc = PQdescribePrepared(pg_of(db)->conn, st->name);
	if (PQresultStatus(desc) != PGRES_COMMAND_OK) {
		result_error(db, desc);
		goto fail;
	}
	st->base.nparams = PQnparams(desc);
	st->nfields = PQnfields(desc);
	PQclear(desc);
	n = st->base.nparams;
	st->values = xcalloc((size_t)n, sizeof(*st->values));
	st->lengths = xcalloc((size_t)n, sizeof(*st->lengths));
	st->formats = xcalloc((size_t)n, sizeof(*st->formats));
	return &st->base;
fail:
	PQclear(desc);
	free(st->pgsql);
	free(st);
	return NULL;
}

static void free_blobs(struct pg_stmt *st)
{
	if (!st->blobs)
		return;
	for (int i = 0; i < PQnfields(st->res); i++)
		PQfreemem(st->blobs[i]);
	free(st->blobs);
	free(st->bloblens);
	st->blobs = NULL;
	st->bloblens = NULL;
}

static void pg_rewind(struct db_stmt *base)
{
	struct pg_stmt *st = stmt_of(base);

	free_blobs(st);
	PQclear(st->res);
	st->res = NULL;
	st->done = false;
}

static void pg_clear_bindings(struct db_stmt *base)
{
	struct pg_stmt *st = stmt_of(base);

	for (int i = 0; i < base->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
}

static void pg_finalize(struct db_stmt *base)
{
	struct pg_stmt *st = stmt_of(base);

	/* The server forgets the statement with the connection. */
	pg_rewind(base);
	pg_clear_bindings(base);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->pgsql);
	free(st);
}

/* Replaces parameter idx with a malloc'd value (NULL for SQL NULL). */
static void set_param(struct db_stmt *base, int idx, char *v, int len,
		      int format)
{
	struct pg_stmt *st = stmt_of(base);

	free(st->values[idx - 1]);
	st->values[idx - 1] = v;
	st->lengths[idx - 1] = len;
	st->formats[idx - 1] = format;
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	set_param(st, idx, xstrdup(buf), 0, 0);
}

static void pg_bind_double(struct db_stmt *st, int idx, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.17g", v);
	set_param(st, idx, xstrdup(buf), 0, 0);
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s)
{
	set_param(st, idx, xstrdup(s), 0, 0);
}

static void pg_bind_blob(struct db_stmt *st, int idx, const void *p,
			 size_t len)
{
	char *copy;

	if (len > INT32_MAX) {
		/* libpq lengths are ints: make the step fail. */
		st->bind_failed = true;
		return;
	}
	copy = xmalloc(len);
	memcpy(copy, p, len);
	set_param(st, idx, copy, (int)len, 1);
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
	set_param(st, idx, NULL, 0, 0);
}

static int pg_step(struct db_stmt *base)
{
	struct pg_stmt *st = stmt_of(base);
	struct db *db = base->db;
	PGresult *res;
	int ret;

	if (st->done)
		return DB_DONE;
	if (!st->res) {
		ret = ensure(db);
		if (!ret && st->gen != pg_of(db)->gen)
			ret = server_prepare(db, st);
		if (ret)
			return ret;
		res = PQexecPrepared(pg_of(db)->conn, st->name, base->nparams,
				     (const char *const *)st->values,
				     st->lengths, st->formats, 0);
		switch (PQresultStatus(res)) {
		case PGRES_TUPLES_OK:
			note_changes(db, res);
			st->res = res;
			st->row = -1;
			break;
		case PGRES_COMMAND_OK:
			note_changes(db, res);
			PQclear(res);
			st->done = true;
			return DB_DONE;
		default:
			ret = result_error(db, res);
			PQclear(res);
			return ret;
		}
	}
	free_blobs(st);
	if (++st->row < PQntuples(st->res))
		return DB_ROW;
	st->done = true;
	return DB_DONE;
}

static int pg_col_count(struct db_stmt *st)
{
	return stmt_of(st)->res ? PQnfields(stmt_of(st)->res) : stmt_of(st)->nfields;
}

static bool pg_col_null(struct db_stmt *st, int col)
{
	return PQgetisnull(stmt_of(st)->res, stmt_of(st)->row, col);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	return PQgetvalue(stmt_of(st)->res, stmt_of(st)->row, col);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);

	if (PQftype(stmt_of(st)->res, col) == BOOLOID)
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
	return strtod(pg_col_text(st, col), NULL);
}

static const void *pg_col_blob(struct db_stmt *base, int col, size_t *len)
{
	struct pg_stmt *st = stmt_of(base);
	int n = PQnfields(st->res);

	if (PQftype(st->res, col) != BYTEAOID) {
		*len = (size_t)PQgetlength(st->res, st->row, col);
		return PQgetvalue(st->res, st->row, col);
	}
	if (!st->blobs) {
		st->blobs = xcalloc((size_t)n, sizeof(*st->blobs));
		st->bloblens = xcalloc((size_t)n, sizeof(*st->bloblens));
	}
	if (!st->blobs[col]) {
		const char *v = PQgetvalue(st->res, st->row, col);

		st->blobs[col] = PQunescapeBytea((const unsigned char *)v,
						 &st->bloblens[col]);
		if (!st->blobs[col])
			die("out of memory decoding a bytea value");
	}
	*len = st->bloblens[col];
	return st->blobs[col];
}

static int64_t pg_changes(struct db *db)
{
	return pg_of(db)->changes;
}

static int pg_table_exists(struct db *db, const char *name, bool *exists)
{
	const char *values[1] = { name };
	PGresult *res = NULL;
	int ret = E_INTERNAL;

	if (ensure(db))
		goto out;
	/* to_regclass follows search_path, as unqualified names in SQL do. */
	res = PQexecParams(pg_of(db)->conn, "SELECT to_regclass($1) IS NOT NULL",
			   1, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		result_error(db, res);
		goto out;
	}
	*exists = *PQgetvalue(res, 0, 0) == 't';
	ret = 0;
out:
	PQclear(res);
	return ret;
}

const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.rewind = pg_rewind,
	.clear_bindings = pg_clear_bindings,
	.col_count = pg_col_count,
	.col_null = pg_col_null,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.table_exists = pg_table_exists,
};
