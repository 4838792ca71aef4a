/*
 * Sign-in, sessions, API tokens, CSRF, and the HTTP hooks that answer
 * "who is this?" (authenticate) and "may they use this route?" (authorize).
 *
 * Session and API tokens are 32 random bytes, base64url; the database holds
 * only their SHA-256, so a stolen database opens no session.  CSRF tokens
 * are bound to the session; before sign-in a random cookie is checked
 * against the form field instead (double submit).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"
#include "org/org_impl.h"

#define SESSION_COOKIE "cchc_session"
#define PRESESSION_COOKIE "cchc_csrf"
#define LOGIN_WINDOW 60		/* seconds */
#define LOGIN_MAX_FAILURES 5

static int64_t session_idle = 2 * 3600;
static int64_t session_absolute = 12 * 3600;

void org_set_session_limits(int64_t idle, int64_t absolute)
{
	session_idle = idle;
	session_absolute = absolute;
}

void token_new(char out[48])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 48, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Failures within the window for this account or this address. */
static int recent_failures(struct db *db, const char *username, const char *ip,
			   int64_t now, int64_t *n, int64_t *oldest)
{
	struct db_stmt *st = db_prepare(db, "SELECT COUNT(*), COALESCE(MIN(at), 0)"
					" FROM login_failure WHERE at > ? AND (username = ? OR ip = ?)");
	int ret;

	db_bind_int(st, 1, now - LOGIN_WINDOW);
	db_bind_text(st, 2, username);
	db_bind_text(st, 3, ip);
	ret = db_step(st);
	if (ret == DB_ROW) {
		*n = db_col_int(st, 0);
		*oldest = db_col_int(st, 1);
		ret = 0;
	}
	db_reset(st);
	return ret;
}

static int record_failure(struct db *db, const char *username, const char *ip,
			  int64_t now)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO login_failure (username, ip, at)"
					" VALUES (?, ?, ?)");
	int ret;

	db_bind_text(st, 1, username);
	db_bind_text(st, 2, ip);
	db_bind_int(st, 3, now);
	ret = db_run(st);
	if (ret)
		return ret;
	/* Old failures no longer count for anything. */
	st = db_prepare(db, "DELETE FROM login_failure WHERE at < ?");
	db_bind_int(st, 1, now - 86400);
	return db_run(st);
}

/* A hash of a password nobody has, so that unknown users take as long. */
static char decoy[crypto_pwhash_STRBYTES];
static pthread_once_t decoy_once = PTHREAD_ONCE_INIT;

static void decoy_init(void)
{
	char pw[48];

	token_new(pw);
	if (password_hash(pw, decoy))
		die("cannot hash the decoy password");
}

int session_sign_in(struct db *db, const char *username, const char *password,
		    const char *ip, struct session_token *out, struct err *e)
{
	struct db_stmt *st;
	struct user u = USER_INIT;
	char *hash = NULL, th[65];
	int64_t now = clock_now(), n = 0, oldest = 0, sid;
	int ret;
	bool ok;

	if (!username || !*username || !password || !*password)
		return err_set(e, E_INVALID, !username || !*username ? "username" : "password",
			       "enter your user name and password");
	ret = recent_failures(db, username, ip, now, &n, &oldest);
	if (ret)
		return ret;
	if (n >= LOGIN_MAX_FAILURES) {
		ret = err_set(e, E_RATELIMIT, NULL,
			      "too many failed sign-ins; try again in a minute");
		e->retry_after = (int)(oldest + LOGIN_WINDOW - now);
		if (e->retry_after < 1)
			e->retry_after = 1;
		return ret;
	}
	pthread_once(&decoy_once, decoy_init);
	ret = user_find(db, username, &u);
	if (ret && ret != E_NOTFOUND)
		return ret;
	if (!ret) {
		st = db_prepare(db, "SELECT password_hash FROM app_user WHERE id = ?");
		db_bind_int(st, 1, u.id);
		ret = db_one_text(st, &hash);
		if (ret)
			goto out;
	}
	ok = password_verify(hash ? hash : decoy, password) && hash && !u.disabled;
	if (!ok) {
		ret = record_failure(db, username, ip, now);
		if (!ret)
			ret = err_set(e, E_UNAUTH, NULL, "wrong user name or password");
		goto out;
	}
	token_new(out->token);
	token_new(out->csrf);
	token_hash(out->token, th);
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO session (token_hash, user_id, csrf, ip, created_at,"
			" last_seen_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, u.id);
	db_bind_text(st, 3, out->csrf);
	db_bind_text(st, 4, ip);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	ret = db_one_int(st, &sid);
	if (!ret) {
		struct audit_actor who = { u.id, u.username, ip, u.agency_path };

		ret = audit_log(db, &who, "session.sign_in", "user", u.username, NULL, NULL);
	}
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
out:
	free(hash);
	user_release(&u);
	return ret;
}

int session_sign_out(struct db *db, const char *token)
{
	struct db_stmt *st = db_prepare(db, "UPDATE session SET ended_at = ?"
					" WHERE token_hash = ? AND ended_at IS NULL");
	char th[65];

	token_hash(token, th);
	db_bind_int(st, 1, clock_now());
	db_bind_text(st, 2, th);
	return db_run(st);
}

/* The user of a live session token; fills sess. */
static int session_user(struct db *db, const char *token, struct user *u,
			struct org_session *sess)
{
	struct db_stmt *st;
	char th[65];
	int64_t now = clock_now(), last = 0;
	int ret;

	token_hash(token, th);
	/*
	 * The session and its user in one read transaction: SQLite takes the
	 * WAL's read lock once, not for each statement (each take is a system
	 * call under a mutex that every thread's connection shares).
	 */
	if (db_begin_read(db))
		return E_INTERNAL;
	st = db_prepare(db, "SELECT s.id, s.csrf, s.user_id, s.last_seen_at FROM session s"
			" WHERE s.token_hash = ? AND s.ended_at IS NULL"
			" AND s.last_seen_at > ? AND s.created_at > ?");
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, now - session_idle);
	db_bind_int(st, 3, now - session_absolute);
	ret = db_step(st);
	if (ret == DB_ROW) {
		sess->id = db_col_int(st, 0);
		snprintf(sess->csrf, sizeof(sess->csrf), "%s", db_col_text(st, 1));
		u->id = db_col_int(st, 2);
		last = db_col_int(st, 3);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (!ret)
		ret = user_get(db, u->id, u);
	db_commit(db);
	if (!ret && u->disabled)
		ret = E_NOTFOUND;
	if (!ret && now - last >= 60) {
		/* Idle time is kept to the minute: no write on every request. */
		st = db_prepare(db, "UPDATE session SET last_seen_at = ? WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, sess->id);
		ret = db_run(st);
	}
	return ret;
}

static int token_user(struct db *db, const char *token, struct user *u)
{
	struct db_stmt *st;
	char th[65];
	int64_t id = 0;
	int ret;

	token_hash(token, th);
	st = db_prepare(db, "SELECT user_id FROM api_token WHERE token_hash = ?"
			" AND revoked_at IS NULL");
	db_bind_text(st, 1, th);
	ret = db_one_int(st, &id);
	if (ret)
		return ret;
	ret = user_get(db, id, u);
	if (!ret && u->disabled)
		return E_NOTFOUND;
	if (!ret) {
		st = db_prepare(db, "UPDATE api_token SET last_used_at = ? WHERE token_hash = ?");
		db_bind_int(st, 1, clock_now());
		db_bind_text(st, 2, th);
		ret = db_run(st);
	}
	return ret;
}

static bool state_changing(const struct request *req)
{
	return strcmp(req->method, "GET") && strcmp(req->method, "HEAD");
}

static bool tokens_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n && n == strlen(b) && !sodium_memcmp(a, b, n);
}

int org_authenticate(struct request *req, struct response *res)
{
	struct org_session *sess;
	struct user *u;
	const char *auth = req_header(req, "Authorization");
	const char *cookie = req_cookie(req, SESSION_COOKIE);
	int ret;

	if (!auth && !cookie)
		return 0;
	sess = xcalloc(1, sizeof(*sess));
	u = xcalloc(1, sizeof(*u));
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		ret = token_user(req->db, auth + 7, u);
		if (ret == E_NOTFOUND)
			ret = err_set(&req->err, E_UNAUTH, NULL,
				      "this API token is not valid or was revoked");
		sess->via_token = true;
	} else if (cookie) {
		ret = session_user(req->db, cookie, u, sess);
		if (ret == E_NOTFOUND) {
			/* Signed out or expired: carry on as nobody, forget the cookie. */
			res_cookie(req, res, SESSION_COOKIE, "", 0);
			free(sess);
			free(u);
			return 0;
		}
	} else {
		ret = err_set(&req->err, E_UNAUTH, NULL,
			      "the Authorization header must be 'Bearer TOKEN'");
	}
	if (ret) {
		user_release(u);
		free(u);
		free(sess);
		return ret;
	}
	req->user = u;
	req->session = sess;
	if (!sess->via_token && state_changing(req)) {
		const char *given = req_header(req, "X-CSRF-Token");

		if (!given && !ROUTE_IS_JSON(req->route))
			given = req_form(req, "csrf");
		if (!given || !tokens_equal(given, sess->csrf))
			return err_set(&req->err, E_DENIED, "csrf",
				       "the form has expired or did not come from this site; "
				       "reload the page and try again");
	}
	return 0;
}

void org_release(struct request *req)
{
	if (req->user) {
		user_release(req->user);
		free(req->user);
		req->user = NULL;
	}
	free(req->session);
	req->session = NULL;
}

/* What a user who must change their password may still do. */
static bool password_change_route(const struct route *r)
{
	static const char *const allowed[] = { "/doi-mat-khau", "/dang-xuat",
		"/api/v1/me", "/api/v1/me/password", "/api/v1/session", NULL };

	for (const char *const *p = allowed; *p; p++)
		if (!strcmp(r->pattern, *p))
			return true;
	return false;
}

int org_authorize(struct request *req)
{
	unsigned need = req->route->roles;

	if (need & ROLE_PUBLIC)
		return 0;
	if (!need)
		return error("route %s %s has no access rule", req->route->method,
			     req->route->pattern);
	if (!req->user)
		return err_set(&req->err, E_UNAUTH, NULL, "please sign in first");
	if (!(req->user->roles & need))
		return err_set(&req->err, E_DENIED, NULL,
			       "your role does not allow this");
	if (req->user->must_change_password && !password_change_route(req->route))
		return err_set(&req->err, E_DENIED, "password",
			       "choose a new password first, at /doi-mat-khau");
	return 0;
}

unsigned org_roles_of(const struct request *req)
{
	return req->user ? req->user->roles : 0;
}

const char *org_csrf_token(struct request *req, struct response *res)
{
	struct org_session *sess = req->session;
	const char *c;
	char fresh[48];

	if (sess && !sess->via_token)
		return sess->csrf;
	c = req_cookie(req, PRESESSION_COOKIE);
	if (c && strlen(c) == 43)
		return c;
	/* Kept on the session struct so the page and the cookie agree. */
	if (!sess) {
		sess = xcalloc(1, sizeof(*sess));
		req->session = sess;
	}
	token_new(fresh);
	snprintf(sess->csrf, sizeof(sess->csrf), "%s", fresh);
	sess->via_token = true;	/* not a real session: only the pre-session token */
	res_cookie(req, res, PRESESSION_COOKIE, sess->csrf, -1);
	return sess->csrf;
}

void org_csrf_field(struct request *req, struct response *res)
{
	html_hidden(&res->body, "csrf", org_csrf_token(req, res));
}

int org_csrf_check(struct request *req)
{
	struct org_session *sess = req->session;
	const char *given = req_form(req, "csrf");
	const char *want = sess && !sess->via_token ? sess->csrf :
		req_cookie(req, PRESESSION_COOKIE);

	/* A citizen's session token, checked by the portal's hook, will do. */
	if (req->csrf_verified)
		return 0;
	if (!given || !want || !tokens_equal(given, want))
		return err_set(&req->err, E_DENIED, "csrf",
			       "the form has expired or did not come from this site; "
			       "reload the page and try again");
	return 0;
}

int api_token_create(struct db *db, const struct user *admin,
		     const struct audit_actor *who, const char *name,
		     const char *username, int64_t *id, char token[48],
		     struct err *e)
{
	struct user u = USER_INIT;
	struct db_stmt *st;
	char th[65];
	json_t *after = NULL;
	int ret;

	if (!name || !*name || strlen(name) > 100)
		return err_set(e, E_INVALID, "name", "give the token a name of up to 100 characters");
	ret = user_find(db, username ? username : "", &u);
	if (ret == E_NOTFOUND || (!ret && !user_sees_agency(admin, u.agency_path)))
		ret = err_set(e, E_NOTFOUND, "username", "there is no user '%s'",
			      username ? username : "");
	if (ret)
		goto out;
	token_new(token);
	token_hash(token, th);
	ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO api_token (name, token_hash, user_id, created_by,"
			" created_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, th);
	db_bind_int(st, 3, u.id);
	if (admin)
		db_bind_int(st, 4, admin->id);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, clock_now());
	ret = db_one_int(st, id);
	if (!ret) {
		char ids[24];

		snprintf(ids, sizeof(ids), "%lld", (long long)*id);
		after = json_pack("{s:s,s:s}", "name", name, "user", u.username);
		ret = audit_log(db, who, "token.create", "api_token", ids, NULL, after);
	}
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
out:
	json_decref(after);
	user_release(&u);
	return ret;
}

int api_token_revoke(struct db *db, const struct user *admin,
		     const struct audit_actor *who, int64_t id, struct err *e)
{
	struct db_stmt *st;
	char ids[24];
	int ret = db_begin(db);

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if (ret)
		return ret;
	/* Only tokens of users within the admin's agencies. */
	st = db_prepare(db, "UPDATE api_token SET revoked_at = ? WHERE id = ?"
			" AND revoked_at IS NULL AND user_id IN (SELECT u.id FROM app_user u"
			" JOIN agency a ON a.id = u.agency_id WHERE a.path >= ? AND a.path < ?)");
	{
		char *hi = path_upper(admin->agency_path);

		db_bind_int(st, 1, clock_now());
		db_bind_int(st, 2, id);
		db_bind_text(st, 3, admin->agency_path);
		db_bind_text(st, 4, hi);
		ret = db_run(st);
		free(hi);
	}
	if (!ret && db_changes(db) != 1)
		ret = err_set(e, E_NOTFOUND, "id", "there is no active token %lld",
			      (long long)id);
	if (!ret)
		ret = audit_log(db, who, "token.revoke", "api_token", ids, NULL, NULL);
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
	return ret;
}

int api_token_list(struct db *db, const struct user *admin, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT t.id, t.name, u.username, t.created_at,"
					" COALESCE(t.last_used_at, 0), COALESCE(t.revoked_at, 0)"
					" FROM api_token t JOIN app_user u ON u.id = t.user_id"
					" JOIN agency a ON a.id = u.agency_id"
					" WHERE a.path >= ? AND a.path < ? ORDER BY t.id");
	char *hi = path_upper(admin->agency_path);
	int ret;

	db_bind_text(st, 1, admin->agency_path);
	db_bind_text(st, 2, hi);
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW) {
		json_t *t = json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)db_col_int(st, 0),
				      "name", db_col_text(st, 1), "user", db_col_text(st, 2),
				      "created_at", (json_int_t)db_col_int(st, 3));

		json_object_set_new(t, "last_used_at", db_col_int(st, 4) ?
				    json_integer(db_col_int(st, 4)) : json_null());
		json_object_set_new(t, "revoked_at", db_col_int(st, 5) ?
				    json_integer(db_col_int(st, 5)) : json_null());
		json_array_append_new(*out, t);
	}
	db_reset(st);
	free(hi);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}
