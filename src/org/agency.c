/*
 * Agencies: the tree, its history (renames, merges, retirements) and the
 * loading of a registry from TSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "org/org.h"

#define AGENCY_COLS "id, COALESCE(parent_id, 0), key, name, short_name, level, " \
	"kind, eid, status, COALESCE(merged_into, 0), path, depth"

void agency_release(struct agency *a)
{
	free(a->key);
	free(a->name);
	free(a->short_name);
	free(a->level);
	free(a->kind);
	free(a->eid);
	free(a->status);
	free(a->path);
	memset(a, 0, sizeof(*a));
}

static void agency_from_row(struct db_stmt *st, struct agency *a)
{
	agency_release(a);
	a->id = db_col_int(st, 0);
	a->parent_id = db_col_int(st, 1);
	a->key = xstrdup(db_col_text(st, 2));
	a->name = xstrdup(db_col_text(st, 3));
	a->short_name = xstrdup(db_col_text(st, 4));
	a->level = xstrdup(db_col_text(st, 5));
	a->kind = xstrdup(db_col_text(st, 6));
	a->eid = xstrdup(db_col_text(st, 7));
	a->status = xstrdup(db_col_text(st, 8));
	a->merged_into = db_col_int(st, 9);
	a->path = xstrdup(db_col_text(st, 10));
	a->depth = (int)db_col_int(st, 11);
}

static int agency_one(struct db_stmt *st, struct agency *out)
{
	int ret = db_step(st);

	if (ret == DB_ROW) {
		agency_from_row(st, out);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

int agency_get(struct db *db, int64_t id, struct agency *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " AGENCY_COLS
					" FROM agency WHERE id = ?");

	db_bind_int(st, 1, id);
	return agency_one(st, out);
}

int agency_find(struct db *db, const char *ref, struct agency *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " AGENCY_COLS
					" FROM agency WHERE key = ? OR eid = ?");
	char *end;
	long long id;
	int ret;

	if (!ref || !*ref)
		return err_set(e, E_INVALID, "agency", "no agency given");
	db_bind_text(st, 1, ref);
	db_bind_text(st, 2, ref);
	ret = agency_one(st, out);
	if (ret == E_NOTFOUND) {
		id = strtoll(ref, &end, 10);
		if (!*end && id > 0)
			ret = agency_get(db, id, out);
	}
	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "agency", "there is no agency '%s'", ref);
	return ret;
}

json_t *agency_json(const struct agency *a)
{
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}",
			      "id", (json_int_t)a->id, "key", a->key,
			      "name", a->name, "short_name", a->short_name,
			      "level", a->level, "kind", a->kind, "eid", a->eid,
			      "status", a->status, "depth", a->depth);

	json_object_set_new(j, "parent", a->parent_id ?
			    json_integer(a->parent_id) : json_null());
	json_object_set_new(j, "merged_into", a->merged_into ?
			    json_integer(a->merged_into) : json_null());
	return j;
}

int agency_levels(struct db *db, const char *lang, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT code, name_vi, name_en FROM agency_level"
					" ORDER BY rank");
	int ret;

	*out = json_object();
	while ((ret = db_step(st)) == DB_ROW)
		json_object_set_new(*out, db_col_text(st, 0),
				    json_string(db_col_text(st, strcmp(lang, LANG_EN) ? 1 : 2)));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int agency_tree(struct db *db, bool all, json_t **out)
{
	/*
	 * Paths sort parents before children, and siblings by id (the order
	 * of the registry) because each id in a path is zero-padded.
	 */
	struct db_stmt *st = db_prepare(db, "SELECT " AGENCY_COLS
					" FROM agency WHERE ? = 1 OR status = 'active'"
					" ORDER BY path");
	struct agency a = AGENCY_INIT;
	int ret;

	*out = json_array();
	db_bind_int(st, 1, all);
	while ((ret = db_step(st)) == DB_ROW) {
		agency_from_row(st, &a);
		json_array_append_new(*out, agency_json(&a));
	}
	db_reset(st);
	agency_release(&a);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

/* Inserts one agency under parent (NULL for the root); fills *id. */
static int agency_insert(struct db *db, const struct agency *parent,
			 const char *key, const char *level, const char *kind,
			 const char *name, const char *short_name,
			 const char *eid, int64_t *id)
{
	struct db_stmt *st;
	char path[512];
	int64_t now = clock_now();
	int ret;

	st = db_prepare(db, "INSERT INTO agency (key, parent_id, level, kind, name,"
			" short_name, eid, path, depth, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	/* The path is finished once the id is known. */
	snprintf(path, sizeof(path), "%spending:%s/", parent ? parent->path : "/", key);
	db_bind_text(st, 1, key);
	if (parent)
		db_bind_int(st, 2, parent->id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, level);
	db_bind_text(st, 4, kind);
	db_bind_text(st, 5, name);
	db_bind_text(st, 6, short_name);
	db_bind_text(st, 7, eid);
	db_bind_text(st, 8, path);
	db_bind_int(st, 9, parent ? parent->depth + 1 : 0);
	db_bind_int(st, 10, now);
	db_bind_int(st, 11, now);
	ret = db_one_int(st, id);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s%08lld/", parent ? parent->path : "/",
		 (long long)*id);
	st = db_prepare(db, "UPDATE agency SET path = ? WHERE id = ?");
	db_bind_text(st, 1, path);
	db_bind_int(st, 2, *id);
	return db_run(st);
}

static bool level_exists(struct db *db, const char *level)
{
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM agency_level WHERE code = ?");
	int64_t one = 0;

	db_bind_text(st, 1, level);
	return !db_one_int(st, &one) && one == 1;
}

/* Splits line at tabs into at most n fields (in place). */
static int split_tabs(char *line, char **fields, int n)
{
	int i = 0;

	while (i < n) {
		fields[i++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return line ? -1 : i;
}

int agency_load_tsv(struct db *db, const char *tsv, int *added, struct err *e)
{
	char *copy = xstrdup(tsv), *line, *next;
	struct agency parent = AGENCY_INIT, existing = AGENCY_INIT;
	int lineno = 0, ret, count = 0;
	bool header = true;

	ret = db_begin(db);
	if (ret)
		goto out;
	for (line = copy; line && *line; line = next) {
		char *f[7];
		int64_t id;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (*line == '#' || !*line || (*line == '\r' && !line[1]))
			continue;
		line[strcspn(line, "\r")] = '\0';
		if (split_tabs(line, f, 7) != 7) {
			ret = err_set(e, E_INVALID, NULL,
				      "agencies line %d: expected 7 tab-separated fields "
				      "(key, parent, level, kind, name, short_name, eid)", lineno);
			goto out;
		}
		if (header) {
			header = false;
			if (!strcmp(f[0], "key"))
				continue;
		}
		if (!agency_find(db, f[0], &existing, NULL))
			continue;
		if (!*f[0] || !*f[4] || !*f[6]) {
			ret = err_set(e, E_INVALID, NULL,
				      "agencies line %d: key, name and eid are required", lineno);
			goto out;
		}
		if (!level_exists(db, f[2])) {
			ret = err_set(e, E_INVALID, "level",
				      "agencies line %d: unknown level '%s'", lineno, f[2]);
			goto out;
		}
		if (*f[1] && agency_find(db, f[1], &parent, NULL)) {
			ret = err_set(e, E_INVALID, "parent",
				      "agencies line %d: parent '%s' is not defined above",
				      lineno, f[1]);
			goto out;
		}
		ret = agency_insert(db, *f[1] ? &parent : NULL, f[0], f[2], f[3],
				    f[4], *f[5] ? f[5] : f[4], f[6], &id);
		if (ret == E_CONFLICT) {
			ret = err_set(e, E_INVALID, "eid",
				      "agencies line %d: identifier '%s' is already used",
				      lineno, f[6]);
			goto out;
		}
		if (ret)
			goto out;
		ret = audit_log(db, &audit_cli, "agency.create", "agency", f[0], NULL, NULL);
		if (ret)
			goto out;
		count++;
	}
	ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	else if (added)
		*added = count;
	agency_release(&parent);
	agency_release(&existing);
	free(copy);
	return ret;
}

int agency_ensure_root(struct db *db, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM agency");
	int64_t n = 0, id;
	int ret = db_one_int(st, &n);

	if (ret || n)
		return ret;
	ret = db_begin(db);
	if (!ret)
		ret = agency_insert(db, NULL, "ubnd-tinh", "province", "people_committee",
				    "Ủy ban nhân dân tỉnh", "UBND tỉnh",
				    "000.00.00.H47", &id);
	if (!ret)
		ret = audit_log(db, &audit_cli, "agency.create", "agency", "ubnd-tinh",
				NULL, NULL);
	if (!ret)
		ret = db_commit(db);
	if (ret) {
		db_rollback(db);
		return err_set(e, ret, NULL, "cannot create the root agency");
	}
	return 0;
}

/* Runs fn's UPDATE on agency id with audit, in one transaction. */
static int agency_change(struct db *db, const struct audit_actor *who, int64_t id,
			 const char *action, struct db_stmt *update,
			 struct agency *before, struct err *e)
{
	struct agency after = AGENCY_INIT;
	json_t *jb = NULL, *ja = NULL;
	int ret;

	ret = db_run(update);
	if (ret == E_CONFLICT) {
		ret = err_set(e, E_CONFLICT, NULL, "this change conflicts with another agency");
		goto out;
	}
	if (!ret)
		ret = agency_get(db, id, &after);
	if (ret)
		goto out;
	jb = agency_json(before);
	ja = agency_json(&after);
	ret = audit_log(db, who, action, "agency", before->key, jb, ja);
out:
	json_decref(jb);
	json_decref(ja);
	agency_release(&after);
	return ret;
}

/* Loads an active agency that by (NULL: the command line) may change. */
static int load_active(struct db *db, const struct user *by, int64_t id,
		       struct agency *a, struct err *e)
{
	int ret = agency_get(db, id, a);

	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "agency", "there is no agency %lld",
			       (long long)id);
	if (!ret && by && !user_sees_agency(by, a->path))
		return err_set(e, E_DENIED, "agency", "you may not change agency '%s'",
			       a->name);
	if (!ret && strcmp(a->status, "active"))
		return err_set(e, E_CONFLICT, "agency", "agency '%s' is %s, not active",
			       a->name, a->status);
	return ret;
}

int agency_rename(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		  const char *name, const char *short_name, struct err *e)
{
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	int ret;

	if (!name || !*name)
		return err_set(e, E_INVALID, "name", "the new name is empty");
	ret = db_begin(db);
	if (!ret)
		ret = load_active(db, by, id, &a, e);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO agency_name_history (agency_id, name,"
			" short_name, valid_until) VALUES (?, ?, ?, ?)");
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, a.name);
	db_bind_text(st, 3, a.short_name);
	db_bind_int(st, 4, clock_now());
	ret = db_run(st);
	if (ret)
		goto out;
	st = db_prepare(db, "UPDATE agency SET name = ?, short_name = ?, updated_at = ?"
			" WHERE id = ?");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, short_name && *short_name ? short_name : name);
	db_bind_int(st, 3, clock_now());
	db_bind_int(st, 4, id);
	ret = agency_change(db, who, id, "agency.rename", st, &a, e);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	agency_release(&a);
	return ret;
}

int agency_merge(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		 int64_t into, struct err *e)
{
	struct agency a = AGENCY_INIT, target = AGENCY_INIT;
	struct db_stmt *st;
	int ret;

	if (id == into)
		return err_set(e, E_INVALID, "into", "an agency cannot be merged into itself");
	ret = db_begin(db);
	if (!ret)
		ret = load_active(db, by, id, &a, e);
	if (!ret)
		ret = load_active(db, by, into, &target, e);
	if (ret)
		goto out;
	if (!strncmp(target.path, a.path, strlen(a.path))) {
		ret = err_set(e, E_INVALID, "into",
			      "'%s' is below '%s': it cannot absorb it", target.name, a.name);
		goto out;
	}
	st = db_prepare(db, "UPDATE agency SET status = 'merged', merged_into = ?,"
			" updated_at = ? WHERE id = ?");
	db_bind_int(st, 1, into);
	db_bind_int(st, 2, clock_now());
	db_bind_int(st, 3, id);
	ret = agency_change(db, who, id, "agency.merge", st, &a, e);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	agency_release(&a);
	agency_release(&target);
	return ret;
}

int agency_retire(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		  struct err *e)
{
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	int ret = db_begin(db);

	if (!ret)
		ret = load_active(db, by, id, &a, e);
	if (ret)
		goto out;
	st = db_prepare(db, "UPDATE agency SET status = 'retired', updated_at = ?"
			" WHERE id = ?");
	db_bind_int(st, 1, clock_now());
	db_bind_int(st, 2, id);
	ret = agency_change(db, who, id, "agency.retire", st, &a, e);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	agency_release(&a);
	return ret;
}

int agency_set_eid(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		   const char *eid, struct err *e)
{
	struct agency a = AGENCY_INIT;
	struct db_stmt *st;
	int ret;

	if (!eid || strlen(eid) < 5 || strlen(eid) > 32 || strspn(eid,
	    "0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(eid))
		return err_set(e, E_INVALID, "eid",
			       "an electronic identifier looks like 000.00.00.H47");
	ret = db_begin(db);
	if (!ret)
		ret = load_active(db, by, id, &a, e);
	if (ret)
		goto out;
	st = db_prepare(db, "UPDATE agency SET eid = ?, updated_at = ? WHERE id = ?");
	db_bind_text(st, 1, eid);
	db_bind_int(st, 2, clock_now());
	db_bind_int(st, 3, id);
	ret = agency_change(db, who, id, "agency.set_eid", st, &a, e);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	agency_release(&a);
	return ret;
}
