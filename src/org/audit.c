/* The audit log: append-only, written in the transaction of the change. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "db/db.h"
#include "http/http.h"
#include "org/org.h"
#include "org/org_impl.h"

const struct audit_actor audit_cli = { 0, "cli", "", "/" };

struct audit_actor audit_actor_of(const struct request *req)
{
	struct audit_actor a = { 0, "anonymous", req->remote, "/" };

	if (req->user) {
		a.user_id = req->user->id;
		a.username = req->user->username;
		a.agency_path = req->user->agency_path;
	}
	return a;
}

static char *dump(json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

int audit_log(struct db *db, const struct audit_actor *who, const char *action,
	      const char *object_type, const char *object_id, json_t *before,
	      json_t *after)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO audit (at, user_id, username, ip,"
					" action, object_type, object_id, before_json,"
					" after_json, actor_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	char *b = dump(before), *a = dump(after);
	int ret;

	db_bind_int(st, 1, clock_now());
	if (who->user_id)
		db_bind_int(st, 2, who->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, who->username);
	db_bind_text(st, 4, who->ip ? who->ip : "");
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, object_type);
	db_bind_text(st, 7, object_id);
	db_bind_text(st, 8, b);
	db_bind_text(st, 9, a);
	db_bind_text(st, 10, who->agency_path ? who->agency_path : "/");
	ret = db_run(st);
	free(b);
	free(a);
	return ret;
}

static json_t *parse_or_null(const char *s)
{
	json_t *j = *s ? json_loads(s, 0, NULL) : NULL;

	return j ? j : json_null();
}

int audit_list(struct db *db, const struct audit_filter *f, json_t **out)
{
	/* Each filter is "? = '' OR column = ?" so one statement serves all. */
	struct db_stmt *st = db_prepare(db,
		"SELECT id, at, username, ip, action, object_type, object_id,"
		" COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit"
		" WHERE (? = '' OR username = ?) AND (? = '' OR action = ?)"
		" AND (? = '' OR object_type = ?) AND (? = '' OR object_id = ?)"
		" AND at >= ? AND at <= ? AND (? = 0 OR id < ?)"
		" AND (? = 1 OR (actor_path >= ? AND actor_path < ?))"
		" ORDER BY id DESC LIMIT ?");
	char *hi = path_upper(f->viewer->agency_path);
	const char *text[4] = { f->username, f->action, f->object_type, f->object_id };
	int ret;

	for (int i = 0; i < 4; i++) {
		db_bind_text(st, 2 * i + 1, text[i] ? text[i] : "");
		db_bind_text(st, 2 * i + 2, text[i] ? text[i] : "");
	}
	db_bind_int(st, 9, f->from);
	db_bind_int(st, 10, f->to ? f->to : INT64_MAX);
	db_bind_int(st, 11, f->before_id);
	db_bind_int(st, 12, f->before_id);
	/* Monitors and the province's own users also see the command line's entries. */
	db_bind_int(st, 13, (f->viewer->roles & ROLE_MONITOR) ||
		    !strchr(f->viewer->agency_path + 1, '/')[1]);
	db_bind_text(st, 14, f->viewer->agency_path);
	db_bind_text(st, 15, hi);
	db_bind_int(st, 16, f->limit > 0 && f->limit <= 500 ? f->limit : 100);
	free(hi);
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
			"id", (json_int_t)db_col_int(st, 0), "at", (json_int_t)db_col_int(st, 1),
			"username", db_col_text(st, 2), "ip", db_col_text(st, 3),
			"action", db_col_text(st, 4), "object_type", db_col_text(st, 5),
			"object_id", db_col_text(st, 6),
			"before", parse_or_null(db_col_text(st, 7)),
			"after", parse_or_null(db_col_text(st, 8))));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}
