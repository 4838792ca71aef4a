/* Users, roles and passwords (Argon2id through libsodium). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "org/org.h"
#include "org/org_impl.h"

static const struct {
	unsigned bit;
	const char *name;
	const char *label;
} roles[] = {
	{ ROLE_ADMIN, "admin", N_("Administrator") },
	{ ROLE_CLERK, "clerk", N_("Reception clerk") },
	{ ROLE_SPECIALIST, "specialist", N_("Specialist") },
	{ ROLE_LEADER, "leader", N_("Leader") },
	{ ROLE_MONITOR, "monitor", N_("Monitor") },
	{ ROLE_REPORTER, "reporter", N_("Reporter") },
	{ ROLE_POSTAL, "postal", N_("Postal staff") },
};

unsigned role_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].bit;
	return 0;
}

const char *role_name(unsigned role)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].bit == role)
			return roles[i].name;
	return NULL;
}

const char *role_label(unsigned role)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].bit == role)
			return _(roles[i].label);
	return "";
}

int roles_parse(const char *list, unsigned *out, struct err *e)
{
	char *copy = xstrdup(list ? list : ""), *tok, *save = NULL;
	int ret = 0;

	*out = 0;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		unsigned bit = role_parse(tok);

		if (!bit) {
			ret = err_set(e, E_INVALID, "roles",
				      "unknown role '%s'; roles are admin, clerk, specialist, "
				      "leader, monitor, reporter, postal", tok);
			break;
		}
		*out |= bit;
	}
	if (!ret && !*out)
		ret = err_set(e, E_INVALID, "roles", "a user needs at least one role");
	free(copy);
	return ret;
}

void roles_format(unsigned r, struct strbuf *out)
{
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		if (!(r & roles[i].bit))
			continue;
		if (!first)
			strbuf_addch(out, ',');
		strbuf_addstr(out, roles[i].name);
		first = false;
	}
	/* Citizens are not officers: no user may be given this role. */
	if (r & ROLE_CITIZEN) {
		if (!first)
			strbuf_addch(out, ',');
		strbuf_addstr(out, "citizen");
	}
}

void user_release(struct user *u)
{
	free(u->username);
	free(u->full_name);
	free(u->agency_key);
	free(u->agency_name);
	free(u->agency_path);
	memset(u, 0, sizeof(*u));
}

bool user_has(const struct user *u, unsigned r)
{
	return u && (u->roles & r);
}

bool user_sees_agency(const struct user *u, const char *agency_path)
{
	if (!u || !agency_path)
		return false;
	if (u->roles & ROLE_MONITOR)
		return true;
	return !strncmp(agency_path, u->agency_path, strlen(u->agency_path));
}

bool user_sees_agency_id(struct db *db, const struct user *u, int64_t agency_id)
{
	struct agency a = AGENCY_INIT;
	bool ok = false;

	if (u && (u->roles & ROLE_MONITOR))
		return true;
	if (!agency_get(db, agency_id, &a))
		ok = user_sees_agency(u, a.path);
	agency_release(&a);
	return ok;
}

#define USER_COLS "u.id, u.username, u.full_name, u.roles, u.agency_id, a.key, " \
	"a.name, a.path, u.disabled, u.must_change_password"
#define USER_FROM " FROM app_user u JOIN agency a ON a.id = u.agency_id"

static void user_from_row(struct db_stmt *st, struct user *u)
{
	user_release(u);
	u->id = db_col_int(st, 0);
	u->username = xstrdup(db_col_text(st, 1));
	u->full_name = xstrdup(db_col_text(st, 2));
	roles_parse(db_col_text(st, 3), &u->roles, NULL);
	u->agency_id = db_col_int(st, 4);
	u->agency_key = xstrdup(db_col_text(st, 5));
	u->agency_name = xstrdup(db_col_text(st, 6));
	u->agency_path = xstrdup(db_col_text(st, 7));
	u->disabled = db_col_int(st, 8) != 0;
	u->must_change_password = db_col_int(st, 9) != 0;
}

int user_load(struct db_stmt *st, struct user *out)
{
	int ret = db_step(st);

	if (ret == DB_ROW) {
		user_from_row(st, out);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

int user_find(struct db *db, const char *username, struct user *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " USER_COLS USER_FROM
					" WHERE u.username = ?");

	db_bind_text(st, 1, username);
	return user_load(st, out);
}

int user_find_visible(struct db *db, const struct user *viewer, const char *username,
		      struct user *out, struct err *e)
{
	int ret = user_find(db, username ? username : "", out);

	if (!ret && !user_sees_agency(viewer, out->agency_path))
		ret = E_NOTFOUND;
	if (ret == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "username", "there is no user '%s'",
			       username ? username : "");
	return ret;
}

int user_get(struct db *db, int64_t id, struct user *out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " USER_COLS USER_FROM
					" WHERE u.id = ?");

	db_bind_int(st, 1, id);
	return user_load(st, out);
}

json_t *user_json(const struct user *u)
{
	struct strbuf r = STRBUF_INIT;
	json_t *j;

	roles_format(u->roles, &r);
	j = json_pack("{s:I,s:s,s:s,s:s,s:{s:I,s:s,s:s},s:b,s:b}",
		      "id", (json_int_t)u->id, "username", u->username,
		      "full_name", u->full_name, "roles", r.buf,
		      "agency", "id", (json_int_t)u->agency_id, "key", u->agency_key,
		      "name", u->agency_name,
		      "disabled", u->disabled,
		      "must_change_password", u->must_change_password);
	strbuf_release(&r);
	return j;
}

char *agency_path_upper(const char *path)
{
	return path_upper(path);
}

char *path_upper(const char *path)
{
	char *hi = xstrdup(path);
	size_t n = strlen(hi);

	if (n)
		hi[n - 1] = '/' + 1;
	return hi;
}

int password_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str_alg(out, password, strlen(password),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13))
		return error("argon2id: out of memory while hashing a password");
	return 0;
}

bool password_verify(const char *hash, const char *password)
{
	return !crypto_pwhash_str_verify(hash, password, strlen(password));
}

static int password_check_policy(const char *username, const char *password,
				 struct err *e)
{
	size_t len = password ? strlen(password) : 0;

	if (len < 10)
		return err_set(e, E_INVALID, "password",
			       "the password must have at least 10 characters");
	if (len > 256)
		return err_set(e, E_INVALID, "password",
			       "the password must have at most 256 characters");
	if (username && strstr(password, username))
		return err_set(e, E_INVALID, "password",
			       "the password must not contain the user name");
	return 0;
}

void password_generate(char out[17])
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3479";

	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

static int username_check(const char *name, struct err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len < 2 || len > 64)
		return err_set(e, E_INVALID, "username",
			       "the user name must have 2 to 64 characters");
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return err_set(e, E_INVALID, "username",
				       "the user name may use only letters a–z, digits, '.', '_' and '-'");
	return 0;
}

/* Whether admin may manage users of the agency at path (NULL admin: the command line). */
static bool manages(const struct user *admin, const char *path)
{
	return !admin || (user_has(admin, ROLE_ADMIN) &&
			  !strncmp(path, admin->agency_path, strlen(admin->agency_path)));
}

int user_create(struct db *db, const struct user *admin,
		const struct audit_actor *who, const struct user_new *nu,
		int64_t *id, struct err *e)
{
	struct agency a = AGENCY_INIT;
	struct user created = USER_INIT;
	struct strbuf r = STRBUF_INIT;
	char hash[crypto_pwhash_STRBYTES];
	struct db_stmt *st;
	unsigned roles_mask;
	json_t *after = NULL;
	int64_t now = clock_now();
	int ret;

	ret = username_check(nu->username, e);
	if (!ret && (!nu->full_name || !*nu->full_name))
		ret = err_set(e, E_INVALID, "full_name", "the full name is required");
	if (!ret)
		ret = roles_parse(nu->roles, &roles_mask, e);
	if (!ret)
		ret = password_check_policy(nu->username, nu->password, e);
	if (!ret)
		ret = agency_find(db, nu->agency, &a, e);
	if (ret)
		goto out;
	if (strcmp(a.status, "active")) {
		ret = err_set(e, E_INVALID, "agency", "agency '%s' is %s", a.name, a.status);
		goto out;
	}
	if (!manages(admin, a.path)) {
		ret = err_set(e, E_DENIED, "agency",
			      "you may not manage users of '%s'", a.name);
		goto out;
	}
	if (admin && (roles_mask & ROLE_MONITOR) && admin->agency_path[1] &&
	    strchr(admin->agency_path + 1, '/')[1]) {
		/* A monitor sees everything: only an admin at the root may make one. */
		ret = err_set(e, E_DENIED, "roles",
			      "only an administrator of the province may create monitors");
		goto out;
	}
	ret = password_hash(nu->password, hash);
	if (ret)
		goto out;
	roles_format(roles_mask, &r);
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO app_user (username, full_name, roles, agency_id,"
			" password_hash, must_change_password, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING id");
	db_bind_text(st, 1, nu->username);
	db_bind_text(st, 2, nu->full_name);
	db_bind_text(st, 3, r.buf);
	db_bind_int(st, 4, a.id);
	db_bind_text(st, 5, hash);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, now);
	ret = db_one_int(st, id);
	if (ret == E_CONFLICT) {
		ret = err_set(e, E_CONFLICT, "username", "the user name '%s' is taken",
			      nu->username);
		goto out;
	}
	if (!ret)
		ret = user_get(db, *id, &created);
	if (ret)
		goto out;
	after = user_json(&created);
	ret = audit_log(db, who, "user.create", "user", nu->username, NULL, after);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	sodium_memzero(hash, sizeof(hash));
	json_decref(after);
	strbuf_release(&r);
	agency_release(&a);
	user_release(&created);
	return ret;
}

/* Loads the target user for an admin action, checking the admin's scope. */
static int load_target(struct db *db, const struct user *admin,
		       const char *username, struct user *u, struct err *e)
{
	int ret = user_find(db, username ? username : "", u);

	if (ret == E_NOTFOUND || (!ret && !manages(admin, u->agency_path) &&
				  !user_sees_agency(admin, u->agency_path)))
		return err_set(e, E_NOTFOUND, "username", "there is no user '%s'",
			       username ? username : "");
	if (!ret && !manages(admin, u->agency_path))
		return err_set(e, E_DENIED, "username",
			       "you may not manage user '%s'", username);
	return ret;
}

int user_set_disabled(struct db *db, const struct user *admin,
		      const struct audit_actor *who, const char *username,
		      bool disabled, struct err *e)
{
	struct user u = USER_INIT, after = USER_INIT;
	struct db_stmt *st;
	json_t *jb = NULL, *ja = NULL;
	int ret;

	ret = db_begin(db);
	if (!ret)
		ret = load_target(db, admin, username, &u, e);
	if (ret)
		goto out;
	if (admin && admin->id == u.id && disabled) {
		ret = err_set(e, E_INVALID, "username", "you cannot disable yourself");
		goto out;
	}
	st = db_prepare(db, "UPDATE app_user SET disabled = ?, updated_at = ? WHERE id = ?");
	db_bind_int(st, 1, disabled);
	db_bind_int(st, 2, clock_now());
	db_bind_int(st, 3, u.id);
	ret = db_run(st);
	if (!ret && disabled) {
		/* A disabled user is signed out everywhere at once. */
		st = db_prepare(db, "UPDATE session SET ended_at = ? WHERE user_id = ?"
				" AND ended_at IS NULL");
		db_bind_int(st, 1, clock_now());
		db_bind_int(st, 2, u.id);
		ret = db_run(st);
	}
	if (!ret)
		ret = user_get(db, u.id, &after);
	if (ret)
		goto out;
	jb = user_json(&u);
	ja = user_json(&after);
	ret = audit_log(db, who, disabled ? "user.disable" : "user.enable", "user",
			u.username, jb, ja);
	if (!ret)
		ret = db_commit(db);
out:
	if (ret)
		db_rollback(db);
	json_decref(jb);
	json_decref(ja);
	user_release(&u);
	user_release(&after);
	return ret;
}

/* Stores a new hash for u and audits it; inside the caller's transaction. */
static int store_password(struct db *db, const struct audit_actor *who,
			  const struct user *u, const char *password,
			  bool must_change, const char *action)
{
	char hash[crypto_pwhash_STRBYTES];
	struct db_stmt *st;
	json_t *after;
	int ret = password_hash(password, hash);

	if (ret)
		return ret;
	st = db_prepare(db, "UPDATE app_user SET password_hash = ?, must_change_password = ?,"
			" updated_at = ? WHERE id = ?");
	db_bind_text(st, 1, hash);
	db_bind_int(st, 2, must_change);
	db_bind_int(st, 3, clock_now());
	db_bind_int(st, 4, u->id);
	ret = db_run(st);
	sodium_memzero(hash, sizeof(hash));
	if (ret)
		return ret;
	/* Other sessions end: whoever knew the old password is out. */
	st = db_prepare(db, "UPDATE session SET ended_at = ? WHERE user_id = ?"
			" AND ended_at IS NULL");
	db_bind_int(st, 1, clock_now());
	db_bind_int(st, 2, u->id);
	ret = db_run(st);
	if (ret)
		return ret;
	after = json_pack("{s:b}", "must_change_password", must_change);
	ret = audit_log(db, who, action, "user", u->username, NULL, after);
	json_decref(after);
	return ret;
}

int user_set_password(struct db *db, const struct user *admin,
		      const struct audit_actor *who, const char *username,
		      const char *password, bool must_change, struct err *e)
{
	struct user u = USER_INIT;
	int ret = db_begin(db);

	if (!ret)
		ret = load_target(db, admin, username, &u, e);
	if (!ret)
		ret = password_check_policy(u.username, password, e);
	if (!ret)
		ret = store_password(db, who, &u, password, must_change,
				     "user.reset_password");
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
	user_release(&u);
	return ret;
}

int user_change_password(struct db *db, const struct user *u,
			 const struct audit_actor *who, const char *current,
			 const char *password, struct err *e)
{
	struct db_stmt *st;
	char *hash = NULL;
	int ret;

	st = db_prepare(db, "SELECT password_hash FROM app_user WHERE id = ?");
	db_bind_int(st, 1, u->id);
	ret = db_one_text(st, &hash);
	if (ret)
		goto out;
	if (!current || !password_verify(hash, current)) {
		ret = err_set(e, E_INVALID, "current", "the current password is wrong");
		goto out;
	}
	if (!strcmp(current, password ? password : "")) {
		ret = err_set(e, E_INVALID, "password",
			      "the new password must differ from the current one");
		goto out;
	}
	ret = password_check_policy(u->username, password, e);
	if (ret)
		goto out;
	ret = db_begin(db);
	if (!ret)
		ret = store_password(db, who, u, password, false, "user.change_password");
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
out:
	free(hash);
	return ret;
}

int user_list(struct db *db, const struct user *admin, json_t **out)
{
	/* Agencies within the admin's subtree: a range scan on the path. */
	struct db_stmt *st = db_prepare(db, "SELECT " USER_COLS USER_FROM
					" WHERE ? = 1 OR (a.path >= ? AND a.path < ?)"
					" ORDER BY a.path, u.username");
	struct user u = USER_INIT;
	char *hi = path_upper(admin->agency_path);
	int ret;

	*out = json_array();
	db_bind_int(st, 1, (admin->roles & ROLE_MONITOR) != 0);
	db_bind_text(st, 2, admin->agency_path);
	db_bind_text(st, 3, hi);
	while ((ret = db_step(st)) == DB_ROW) {
		user_from_row(st, &u);
		json_array_append_new(*out, user_json(&u));
	}
	db_reset(st);
	user_release(&u);
	free(hi);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int user_ensure_admin(struct db *db, char pw[17], bool *created, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM agency WHERE parent_id IS NULL"
					" ORDER BY id LIMIT 1");
	struct user_new nu = { "admin", "Quản trị hệ thống", "admin", NULL, pw };
	char root[24];
	int64_t root_id = 0, id, n = 0;
	int ret;

	*created = false;
	ret = agency_ensure_root(db, e);
	if (ret)
		return ret;
	ret = db_one_int(st, &root_id);
	if (ret)
		return err_set(e, ret, NULL, "there is no root agency");
	st = db_prepare(db, "SELECT COUNT(*) FROM app_user WHERE roles LIKE '%admin%'");
	ret = db_one_int(st, &n);
	if (ret || n)
		return ret;
	password_generate(pw);
	snprintf(root, sizeof(root), "%lld", (long long)root_id);
	nu.agency = root;
	ret = user_create(db, NULL, &audit_cli, &nu, &id, e);
	if (!ret) {
		st = db_prepare(db, "UPDATE app_user SET must_change_password = 1 WHERE id = ?");
		db_bind_int(st, 1, id);
		ret = db_run(st);
	}
	if (!ret)
		*created = true;
	return ret;
}
