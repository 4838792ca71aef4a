/*
 * The portal's rules and storage: sign-in codes, citizen sessions, "my
 * dossiers", drafts, and the uploaded files.  No HTTP here.
 *
 * Codes: six digits from randombytes, stored as the SHA-256 of
 * "phone:code" (a code lives minutes, so a salt adds nothing), used once.
 * Sessions: 32 random bytes in the cookie, their SHA-256 in the table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "notify/notify.h"
#include "org/org.h"
#include "portal/portal.h"

#define CODE_GAP 60		/* seconds between two codes to one number */
#define CODES_PER_HOUR 5	/* per number */
#define MAX_WRONG 5		/* wrong codes in a row before the lock */
#define SESSION_IDLE (2 * 3600)
#define SESSION_ABSOLUTE (24 * 3600)

static struct portal_settings settings = {
	"var/uploads", 300, 900, 5 * 1024 * 1024, 30
};

void portal_configure(const struct portal_settings *s)
{
	settings = *s;
}

const struct portal_settings *portal_settings(void)
{
	return &settings;
}

void citizen_release(struct citizen *c)
{
	free(c->phone);
	free(c->name);
	free(c->email);
	memset(c, 0, sizeof(*c));
}

json_t *citizen_json(const struct citizen *c)
{
	return json_pack("{s:s,s:s,s:s}", "phone", c->phone, "name", c->name,
			 "email", c->email);
}

bool portal_phone_ok(const char *phone)
{
	if (!phone || strlen(phone) != 10 || phone[0] != '0')
		return false;
	for (int i = 0; i < 10; i++)
		if (phone[i] < '0' || phone[i] > '9')
			return false;
	return true;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void code_hash(const char *phone, const char *code, char out[65])
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s:%s", phone, code);
	sha256_hex(sb.buf, sb.len, out);
	strbuf_release(&sb);
}

static void random_token(char out[48])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 48, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The local time "HH:MM" of an instant, for messages. */
static void local_hm(int64_t t, char out[8])
{
	int64_t s = (t + CCHC_TZ_OFFSET) % 86400;

	snprintf(out, 8, "%02d:%02d", (int)(s / 3600 % 24), (int)(s / 60 % 60));
}

/* E_RATELIMIT if the number is locked now. */
static int check_lock(struct db *db, const char *phone, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT until FROM citizen_lock WHERE phone = ?");
	int64_t until = 0;
	int ret;

	db_bind_text(st, 1, phone);
	ret = db_one_int(st, &until);
	if (ret == E_NOTFOUND || (!ret && until <= now))
		return 0;
	if (ret)
		return ret;
	{
		char hm[8];

		local_hm(until, hm);
		ret = err_set(e, E_RATELIMIT, "phone",
			      "five wrong codes were entered for this number; it is locked until %s, try again then",
			      hm);
		e->retry_after = (int)(until - now);
	}
	return ret;
}

static int count_codes(struct db *db, const char *col, const char *value, int64_t since,
		       int64_t *n, int64_t *latest)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;
	int ret;

	strbuf_addf(&sql, "SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM citizen_code"
		    " WHERE %s = ? AND created_at > ?", col);
	st = db_prepare(db, sql.buf);
	db_bind_text(st, 1, value);
	db_bind_int(st, 2, since);
	ret = db_step(st);
	if (ret == DB_ROW) {
		*n = db_col_int(st, 0);
		*latest = db_col_int(st, 1);
		ret = 0;
	}
	db_reset(st);
	strbuf_release(&sql);
	return ret;
}

int citizen_request_code(struct db *db, const char *phone, const char *ip,
			 struct err *e)
{
	struct db_stmt *st;
	int64_t now = clock_now(), n = 0, latest = 0;
	char code[7], hash[65], minutes[24];
	int ret;

	if (!portal_phone_ok(phone))
		return err_set(e, E_INVALID, "phone",
			       "enter a mobile number of 10 digits starting with 0");
	ret = check_lock(db, phone, now, e);
	if (ret)
		return ret;
	ret = count_codes(db, "phone", phone, now - 3600, &n, &latest);
	if (ret)
		return ret;
	if (latest > now - CODE_GAP) {
		ret = err_set(e, E_RATELIMIT, "phone",
			      "a code was sent to this number less than a minute ago; wait a moment before asking again");
		e->retry_after = (int)(latest + CODE_GAP - now);
		return ret;
	}
	if (n >= CODES_PER_HOUR) {
		ret = err_set(e, E_RATELIMIT, "phone",
			      "too many codes were sent to this number in the last hour; try again later");
		e->retry_after = 600;
		return ret;
	}
	ret = count_codes(db, "ip", ip ? ip : "", now - 3600, &n, &latest);
	if (ret)
		return ret;
	if (settings.codes_per_address > 0 && n >= settings.codes_per_address) {
		ret = err_set(e, E_RATELIMIT, NULL,
			      "too many codes were requested from this address; try again later");
		e->retry_after = 600;
		return ret;
	}
	snprintf(code, sizeof(code), "%06u", randombytes_uniform(1000000));
	code_hash(phone, code, hash);
	snprintf(minutes, sizeof(minutes), "%lld",
		 (long long)((settings.code_ttl + 59) / 60));
	ret = db_begin(db);
	if (ret)
		return ret;
	/* What no longer counts for anything goes: a day is enough. */
	st = db_prepare(db, "DELETE FROM citizen_code WHERE phone = ? AND created_at < ?");
	db_bind_text(st, 1, phone);
	db_bind_int(st, 2, now - 86400);
	ret = db_run(st);
	if (!ret) {
		st = db_prepare(db, "DELETE FROM citizen_failure WHERE phone = ? AND at < ?");
		db_bind_text(st, 1, phone);
		db_bind_int(st, 2, now - 86400);
		ret = db_run(st);
	}
	if (ret) {
		db_rollback(db);
		return ret;
	}
	st = db_prepare(db, "INSERT INTO citizen_code (phone, code_hash, ip, created_at, expires_at)"
			" VALUES (?, ?, ?, ?, ?)");
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, ip ? ip : "");
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now + settings.code_ttl);
	ret = db_run(st);
	if (!ret) {
		struct notify_var vars[] = { { "code", code }, { "minutes", minutes } };

		ret = notify_enqueue(db, NOTIFY_SMS, phone, "citizen.otp", vars, 2, 0, NULL, e);
		if (ret && ret != E_INTERNAL)
			ret = error("cannot queue the sign-in code: %s", e->message);
	}
	if (!ret)
		ret = db_commit(db);
	if (ret)
		db_rollback(db);
	sodium_memzero(code, sizeof(code));
	return ret;
}

/* Records a wrong code; the fifth in a row locks the number. */
static int wrong_code(struct db *db, const char *phone, const char *ip, int64_t now,
		      bool *locked)
{
	struct db_stmt *st;
	int64_t n = 0;
	int ret;

	*locked = false;
	st = db_prepare(db, "INSERT INTO citizen_failure (phone, ip, at) VALUES (?, ?, ?)");
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, ip ? ip : "");
	db_bind_int(st, 3, now);
	ret = db_run(st);
	if (ret)
		return ret;
	st = db_prepare(db, "SELECT COUNT(*) FROM citizen_failure WHERE phone = ? AND at > ?");
	db_bind_text(st, 1, phone);
	db_bind_int(st, 2, now - settings.lock_time);
	ret = db_one_int(st, &n);
	if (ret || n < MAX_WRONG)
		return ret;
	*locked = true;
	st = db_prepare(db, "DELETE FROM citizen_lock WHERE phone = ?");
	db_bind_text(st, 1, phone);
	ret = db_run(st);
	if (!ret) {
		st = db_prepare(db, "INSERT INTO citizen_lock (phone, until) VALUES (?, ?)");
		db_bind_text(st, 1, phone);
		db_bind_int(st, 2, now + settings.lock_time);
		ret = db_run(st);
	}
	/* The lock starts a fresh count, and the codes sent so far are void. */
	if (!ret) {
		st = db_prepare(db, "DELETE FROM citizen_failure WHERE phone = ?");
		db_bind_text(st, 1, phone);
		ret = db_run(st);
	}
	if (!ret) {
		st = db_prepare(db, "UPDATE citizen_code SET used_at = ? WHERE phone = ?"
				" AND used_at IS NULL");
		db_bind_int(st, 1, now);
		db_bind_text(st, 2, phone);
		ret = db_run(st);
	}
	return ret;
}

int citizen_sign_in(struct db *db, const char *phone, const char *code,
		    const char *ip, char token[48], char csrf[48], struct err *e)
{
	struct db_stmt *st;
	int64_t now = clock_now(), code_id = 0, expires = 0, used = 0, cid = 0;
	char hash[65], th[65];
	bool locked;
	int ret;

	if (!portal_phone_ok(phone))
		return err_set(e, E_INVALID, "phone",
			       "enter a mobile number of 10 digits starting with 0");
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return err_set(e, E_INVALID, "code", "the code has 6 digits; enter it as it came in the SMS");
	ret = db_begin(db);
	if (ret)
		return ret;
	ret = check_lock(db, phone, now, e);
	if (ret)
		goto rollback;
	code_hash(phone, code, hash);
	st = db_prepare(db, "SELECT id, expires_at, COALESCE(used_at, 0) FROM citizen_code"
			" WHERE phone = ? AND code_hash = ? ORDER BY id DESC");
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, hash);
	ret = db_step(st);
	if (ret == DB_ROW) {
		code_id = db_col_int(st, 0);
		expires = db_col_int(st, 1);
		used = db_col_int(st, 2);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = 0;
	}
	db_reset(st);
	if (ret)
		goto rollback;
	if (!code_id || used || expires <= now) {
		ret = wrong_code(db, phone, ip, now, &locked);
		if (!ret)
			ret = db_commit(db);
		if (ret)
			goto rollback;
		if (locked)
			return check_lock(db, phone, now, e);
		if (code_id && used)
			return err_set(e, E_INVALID, "code",
				       "this code was already used; ask for a new one");
		if (code_id)
			return err_set(e, E_INVALID, "code",
				       "this code has expired; ask for a new one");
		return err_set(e, E_INVALID, "code",
			       "the code is not right; check the SMS and try again");
	}
	st = db_prepare(db, "UPDATE citizen_code SET used_at = ? WHERE id = ? AND used_at IS NULL");
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, code_id);
	ret = db_run(st);
	if (!ret && db_changes(db) != 1)
		ret = err_set(e, E_INVALID, "code", "this code was already used; ask for a new one");
	if (!ret) {
		st = db_prepare(db, "DELETE FROM citizen_failure WHERE phone = ?");
		db_bind_text(st, 1, phone);
		ret = db_run(st);
	}
	if (ret)
		goto rollback;
	st = db_prepare(db, "SELECT id FROM citizen WHERE phone = ?");
	db_bind_text(st, 1, phone);
	ret = db_one_int(st, &cid);
	if (ret == E_NOTFOUND) {
		st = db_prepare(db, "INSERT INTO citizen (phone, created_at) VALUES (?, ?)"
				" RETURNING id");
		db_bind_text(st, 1, phone);
		db_bind_int(st, 2, now);
		ret = db_one_int(st, &cid);
	}
	if (!ret) {
		st = db_prepare(db, "UPDATE citizen SET last_sign_in_at = ? WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, cid);
		ret = db_run(st);
	}
	if (ret)
		goto rollback;
	random_token(token);
	random_token(csrf);
	sha256_hex(token, strlen(token), th);
	st = db_prepare(db, "INSERT INTO citizen_session (token_hash, citizen_id, csrf, ip,"
			" created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)");
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, cid);
	db_bind_text(st, 3, csrf);
	db_bind_text(st, 4, ip ? ip : "");
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	ret = db_run(st);
	if (!ret) {
		struct audit_actor who = { 0, "citizen", ip ? ip : "", "/" };

		ret = audit_log(db, &who, "citizen.sign_in", "citizen", phone, NULL, NULL);
	}
	if (!ret)
		ret = db_commit(db);
rollback:
	if (ret)
		db_rollback(db);
	return ret;
}

int citizen_sign_out(struct db *db, const char *token)
{
	struct db_stmt *st = db_prepare(db, "UPDATE citizen_session SET ended_at = ?"
					" WHERE token_hash = ? AND ended_at IS NULL");
	char th[65];

	sha256_hex(token, strlen(token), th);
	db_bind_int(st, 1, clock_now());
	db_bind_text(st, 2, th);
	return db_run(st);
}

int citizen_session(struct db *db, const char *token, struct citizen *out)
{
	struct db_stmt *st;
	int64_t now = clock_now(), last = 0;
	char th[65];
	int ret;

	sha256_hex(token, strlen(token), th);
	st = db_prepare(db, "SELECT s.id, s.csrf, s.last_seen_at, c.id, c.phone, c.name, c.email"
			" FROM citizen_session s JOIN citizen c ON c.id = s.citizen_id"
			" WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.last_seen_at > ?"
			" AND s.created_at > ?");
	db_bind_text(st, 1, th);
	db_bind_int(st, 2, now - SESSION_IDLE);
	db_bind_int(st, 3, now - SESSION_ABSOLUTE);
	ret = db_step(st);
	if (ret == DB_ROW) {
		out->session_id = db_col_int(st, 0);
		snprintf(out->csrf, sizeof(out->csrf), "%s", db_col_text(st, 1));
		last = db_col_int(st, 2);
		out->id = db_col_int(st, 3);
		out->phone = xstrdup(db_col_text(st, 4));
		out->name = xstrdup(db_col_text(st, 5));
		out->email = xstrdup(db_col_text(st, 6));
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (!ret && now - last >= 60) {
		st = db_prepare(db, "UPDATE citizen_session SET last_seen_at = ? WHERE id = ?");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, out->session_id);
		ret = db_run(st);
	}
	return ret;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return !*s || (at && at > s && strchr(at, '.') && !strchr(s, ' ') &&
		       strlen(s) <= 200);
}

int citizen_update(struct db *db, struct citizen *c, const char *name,
		   const char *email, struct err *e)
{
	struct db_stmt *st;
	int ret;

	name = name ? name : c->name;
	email = email ? email : c->email;
	if (strlen(name) > 200)
		return err_set(e, E_INVALID, "name", "the name is longer than 200 characters");
	if (!text_utf8_valid(name, strlen(name)))
		return err_set(e, E_INVALID, "name", "'%s' is not valid text (UTF-8)", "name");
	if (!email_ok(email))
		return err_set(e, E_INVALID, "email", "the e-mail address is not valid");
	st = db_prepare(db, "UPDATE citizen SET name = ?, email = ? WHERE id = ?");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, email);
	db_bind_int(st, 3, c->id);
	ret = db_run(st);
	if (!ret) {
		char *n = xstrdup(name), *m = xstrdup(email);

		free(c->name);
		free(c->email);
		c->name = n;
		c->email = m;
	}
	return ret;
}

/* ---- my dossiers ---------------------------------------------------------- */

/*
 * Runs st, which selects at most one row: *out = row(st) for it, or
 * E_NOTFOUND when there is none (the caller says what is missing).
 */
static int one_row_json(struct db_stmt *st, json_t *(*row)(struct db_stmt *), json_t **out)
{
	int ret = db_step(st);

	if (ret == DB_ROW) {
		*out = row(st);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

static json_t *dossier_summary(struct db_stmt *st)
{
	const char *state = db_col_text(st, 2);

	return json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:I,s:o,s:s}",
			 "id", (json_int_t)db_col_int(st, 0),
			 "code", db_col_null(st, 1) ? json_null() : json_string(db_col_text(st, 1)),
			 "state", state, "state_label", dossier_state_label(state),
			 "procedure", db_col_text(st, 3), "procedure_name", db_col_text(st, 4),
			 "submitted_at", (json_int_t)db_col_int(st, 5),
			 "due_at", db_col_int(st, 6) ? json_integer(db_col_int(st, 6)) : json_null(),
			 "agency", db_col_text(st, 7));
}

#define SUMMARY_COLS "d.id, d.code, d.state, d.procedure_code, d.procedure_name," \
	" d.submitted_at, COALESCE(d.promised_at, d.due_at, 0), a.name"

int citizen_dossiers(struct db *db, const struct citizen *c, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " SUMMARY_COLS
					" FROM dossier d JOIN agency a ON a.id = d.agency_id"
					" WHERE d.applicant_phone = ? ORDER BY d.id DESC LIMIT 200");
	int ret;

	db_bind_text(st, 1, c->phone);
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, dossier_summary(st));
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

/* Files of a dossier or a draft (col is "dossier_id" or "draft_id"). */
static int files_of(struct db *db, const char *col, int64_t id, json_t **out)
{
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;
	int ret;

	strbuf_addf(&sql, "SELECT id, kind, doc_index, name, content_type, size, created_at"
		    " FROM dossier_file WHERE %s = ? ORDER BY id", col);
	st = db_prepare(db, sql.buf);
	db_bind_int(st, 1, id);
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW)
		json_array_append_new(*out, json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:I}",
			"id", (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1),
			"document", (json_int_t)db_col_int(st, 2), "name", db_col_text(st, 3),
			"type", db_col_text(st, 4), "size", (json_int_t)db_col_int(st, 5),
			"uploaded_at", (json_int_t)db_col_int(st, 6)));
	db_reset(st);
	strbuf_release(&sql);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int dossier_files(struct db *db, int64_t dossier_id, json_t **out)
{
	return files_of(db, "dossier_id", dossier_id, out);
}

/* The procedure's documents as a JSON array of names. */
static json_t *documents_json(const struct procedure *p)
{
	json_t *a = json_array();

	for (int i = 0; i < p->ndocuments; i++)
		json_array_append_new(a, json_pack("{s:i,s:s,s:s}", "index", i,
						   "name", p->documents[i].name,
						   "form", p->documents[i].form ? p->documents[i].form : ""));
	return a;
}

int citizen_dossier(struct db *db, const struct citizen *c, int64_t id,
		    json_t **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " SUMMARY_COLS ", d.procedure_version_id"
					" FROM dossier d JOIN agency a ON a.id = d.agency_id"
					" WHERE d.id = ? AND d.applicant_phone = ?");
	struct procedure p = PROCEDURE_INIT;
	json_t *files = NULL;
	int ret;

	*out = NULL;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, c->phone);
	ret = one_row_json(st, dossier_summary, out);
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "you have no dossier %lld", (long long)id);
	if (!ret)
		ret = files_of(db, "dossier_id", id, &files);
	if (!ret) {
		json_object_set_new(*out, "files", files);
		if (!procedure_find(db, json_string_value(json_object_get(*out, "procedure")),
				    &p, NULL))
			json_object_set_new(*out, "documents", documents_json(&p));
		else
			json_object_set_new(*out, "documents", json_array());
	}
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
	procedure_release(&p);
	return ret;
}

/* ---- drafts --------------------------------------------------------------- */

/* The published procedure of that code, if it may be filed online. */
static int online_procedure(struct db *db, const char *code, struct procedure *p,
			    struct err *e)
{
	int ret = procedure_find(db, code ? code : "", p, e);

	if (ret) {
		if (e)
			snprintf(e->field, sizeof(e->field), "procedure");
		return ret;
	}
	if (strcmp(p->status, "published") || !strcmp(p->online, "none"))
		return err_set(e, E_INVALID, "procedure",
			       "procedure %s cannot be filed online", p->code);
	return 0;
}

static int check_text(const char *field, const char *v, size_t max, struct err *e)
{
	if (v && strlen(v) > max)
		return err_set(e, E_INVALID, field, "'%s' is longer than %zu characters",
			       field, max);
	if (v && !text_utf8_valid(v, strlen(v)))
		return err_set(e, E_INVALID, field, "'%s' is not valid text (UTF-8)", field);
	return 0;
}

/*
 * A file's name as shown: its last path component, valid UTF-8 (a bad
 * byte or a control character becomes '_'), at most 200 bytes, whole
 * characters only.
 */
static void clean_name(const char *name, struct strbuf *out)
{
	const char *base = strrchr(name, '/'), *p;
	size_t n;

	base = base ? base + 1 : name;
	p = strrchr(base, '\\');
	base = p ? p + 1 : base;
	n = strlen(base);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = text_utf8_decode(base + i, n - i, &cp);

		if (!k || cp < 0x20 || cp == 0x7f) {
			if (out->len + 1 > 200)
				break;
			strbuf_addch(out, '_');
			i += k ? k : 1;
			continue;
		}
		if (out->len + k > 200)
			break;
		strbuf_add(out, base + i, k);
		i += k;
	}
	if (!out->len)
		strbuf_addstr(out, "file");
}

static int check_draft_input(const struct draft_input *in, struct err *e)
{
	int ret = check_text("applicant_name", in->applicant_name, 200, e);

	if (!ret)
		ret = check_text("applicant_id", in->applicant_id, 20, e);
	if (!ret && in->applicant_id && *in->applicant_id &&
	    strspn(in->applicant_id, "0123456789") != strlen(in->applicant_id))
		ret = err_set(e, E_INVALID, "applicant_id",
			      "the ID card number has only digits");
	if (!ret && in->applicant_email && !email_ok(in->applicant_email))
		ret = err_set(e, E_INVALID, "applicant_email", "the e-mail address is not valid");
	if (!ret)
		ret = check_text("applicant_address", in->applicant_address, 300, e);
	if (!ret)
		ret = check_text("request", in->request, 2000, e);
	if (!ret)
		ret = check_text("agency", in->agency, 100, e);
	return ret;
}

int draft_create(struct db *db, const struct citizen *c, const struct draft_input *in,
		 int64_t *id, struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	struct db_stmt *st;
	int64_t now = clock_now();
	int ret = online_procedure(db, in->procedure, &p, e);

	if (!ret)
		ret = check_draft_input(in, e);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO citizen_draft (citizen_id, procedure_code, agency,"
			" applicant_name, applicant_id, applicant_email, applicant_address, request,"
			" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_bind_int(st, 1, c->id);
	db_bind_text(st, 2, p.code);
	db_bind_text(st, 3, in->agency ? in->agency : "");
	db_bind_text(st, 4, in->applicant_name ? in->applicant_name : c->name);
	db_bind_text(st, 5, in->applicant_id ? in->applicant_id : "");
	db_bind_text(st, 6, in->applicant_email ? in->applicant_email : c->email);
	db_bind_text(st, 7, in->applicant_address ? in->applicant_address : "");
	db_bind_text(st, 8, in->request ? in->request : "");
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, now);
	ret = db_one_int(st, id);
out:
	procedure_release(&p);
	return ret;
}

/* E_NOTFOUND unless the draft is the citizen's and not yet submitted. */
static int own_draft(struct db *db, const struct citizen *c, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT id FROM citizen_draft WHERE id = ?"
					" AND citizen_id = ? AND dossier_id IS NULL");
	int64_t found;
	int ret;

	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c->id);
	ret = db_one_int(st, &found);
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "you have no draft %lld", (long long)id);
	return ret;
}

int draft_update(struct db *db, const struct citizen *c, int64_t id,
		 const struct draft_input *in, struct err *e)
{
	static const char *const cols[] = { "agency", "applicant_name", "applicant_id",
		"applicant_email", "applicant_address", "request" };
	const char *vals[] = { in->agency, in->applicant_name, in->applicant_id,
		in->applicant_email, in->applicant_address, in->request };
	int ret = own_draft(db, c, id, e);

	if (!ret)
		ret = check_draft_input(in, e);
	if (ret)
		return ret;
	ret = db_begin(db);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(cols); i++) {
		struct strbuf sql = STRBUF_INIT;
		struct db_stmt *st;

		if (!vals[i])
			continue;
		strbuf_addf(&sql, "UPDATE citizen_draft SET %s = ?, updated_at = ? WHERE id = ?",
			    cols[i]);
		st = db_prepare(db, sql.buf);
		db_bind_text(st, 1, vals[i]);
		db_bind_int(st, 2, clock_now());
		db_bind_int(st, 3, id);
		ret = db_run(st);
		strbuf_release(&sql);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

#define DRAFT_COLS "d.id, d.procedure_code, d.agency, d.applicant_name, d.applicant_id," \
	" d.applicant_email, d.applicant_address, d.request, d.created_at, d.updated_at"

static json_t *draft_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I}",
			 "id", (json_int_t)db_col_int(st, 0), "procedure", db_col_text(st, 1),
			 "agency", db_col_text(st, 2), "applicant_name", db_col_text(st, 3),
			 "applicant_id", db_col_text(st, 4), "applicant_email", db_col_text(st, 5),
			 "applicant_address", db_col_text(st, 6), "request", db_col_text(st, 7),
			 "created_at", (json_int_t)db_col_int(st, 8),
			 "updated_at", (json_int_t)db_col_int(st, 9));
}

int draft_get(struct db *db, const struct citizen *c, int64_t id, json_t **out,
	      struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " DRAFT_COLS " FROM citizen_draft d"
					" WHERE d.id = ? AND d.citizen_id = ? AND d.dossier_id IS NULL");
	struct procedure p = PROCEDURE_INIT;
	json_t *files = NULL, *agencies = NULL;
	int ret;

	*out = NULL;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c->id);
	ret = one_row_json(st, draft_row, out);
	if (ret == E_NOTFOUND)
		ret = err_set(e, E_NOTFOUND, NULL, "you have no draft %lld", (long long)id);
	if (!ret)
		ret = procedure_find(db, json_string_value(json_object_get(*out, "procedure")),
				     &p, e);
	if (!ret)
		ret = files_of(db, "draft_id", id, &files);
	if (!ret)
		ret = dossier_receiving_agencies(db, &p, &agencies);
	if (!ret) {
		json_object_set_new(*out, "procedure_name", json_string(p.name));
		json_object_set_new(*out, "online", json_string(p.online));
		json_object_set_new(*out, "documents", documents_json(&p));
		json_object_set_new(*out, "files", files);
		json_object_set_new(*out, "agencies", agencies);
		files = agencies = NULL;
	}
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(files);
	json_decref(agencies);
	procedure_release(&p);
	return ret;
}

int draft_blank(struct db *db, const struct citizen *c, const char *code, json_t **out,
		struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	json_t *agencies = NULL;
	int ret = online_procedure(db, code, &p, e);

	*out = NULL;
	if (!ret)
		ret = dossier_receiving_agencies(db, &p, &agencies);
	if (!ret) {
		*out = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}",
				 "id", 0, "procedure", p.code, "agency", "",
				 "applicant_name", c->name, "applicant_id", "",
				 "applicant_email", c->email, "applicant_address", "",
				 "request", "", "procedure_name", p.name, "online", p.online,
				 "documents", documents_json(&p), "files", json_array(),
				 "agencies", agencies);
	}
	procedure_release(&p);
	return ret;
}

int draft_list(struct db *db, const struct citizen *c, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT " DRAFT_COLS ", COALESCE(v.name, '')"
					" FROM citizen_draft d LEFT JOIN procedure_version v"
					" ON v.id = (SELECT MAX(v2.id) FROM procedure_version v2"
					" JOIN procedure p2 ON p2.id = v2.procedure_id"
					" WHERE p2.code = d.procedure_code)"
					" WHERE d.citizen_id = ? AND d.dossier_id IS NULL"
					" ORDER BY d.id DESC");
	int ret;

	db_bind_int(st, 1, c->id);
	*out = json_array();
	while ((ret = db_step(st)) == DB_ROW) {
		json_t *d = draft_row(st);

		json_object_set_new(d, "procedure_name", json_string(db_col_text(st, 10)));
		json_array_append_new(*out, d);
	}
	db_reset(st);
	if (ret < 0) {
		json_decref(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

int draft_delete(struct db *db, const struct citizen *c, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int ret = own_draft(db, c, id, e);

	if (!ret)
		ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, "DELETE FROM dossier_file WHERE draft_id = ?");
	db_bind_int(st, 1, id);
	ret = db_run(st);
	if (!ret) {
		st = db_prepare(db, "DELETE FROM citizen_draft WHERE id = ?");
		db_bind_int(st, 1, id);
		ret = db_run(st);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	return ret;
}

/* Which documents have at least one file; the first missing index or -1. */
static int first_missing(struct db *db, const char *col, int64_t id, int ndocs, int *missing)
{
	for (int i = 0; i < ndocs; i++) {
		struct strbuf sql = STRBUF_INIT;
		struct db_stmt *st;
		int64_t n = 0;
		int ret;

		strbuf_addf(&sql, "SELECT COUNT(*) FROM dossier_file WHERE %s = ?"
			    " AND kind = 'document' AND doc_index = ?", col);
		st = db_prepare(db, sql.buf);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, i);
		ret = db_one_int(st, &n);
		strbuf_release(&sql);
		if (ret)
			return ret;
		if (!n) {
			*missing = i;
			return 0;
		}
	}
	*missing = -1;
	return 0;
}

/* Inside the intake: the draft points at its dossier, its files move to it. */
static int move_draft(struct db *db, int64_t dossier_id, void *ctx, struct err *e)
{
	int64_t draft = *(int64_t *)ctx;
	struct db_stmt *st = db_prepare(db, "UPDATE citizen_draft SET dossier_id = ?,"
					" updated_at = ? WHERE id = ? AND dossier_id IS NULL");
	int ret;

	db_bind_int(st, 1, dossier_id);
	db_bind_int(st, 2, clock_now());
	db_bind_int(st, 3, draft);
	ret = db_run(st);
	if (!ret && db_changes(db) != 1)
		return err_set(e, E_CONFLICT, NULL, "this draft was already sent");
	if (!ret) {
		st = db_prepare(db, "UPDATE dossier_file SET dossier_id = ?, draft_id = NULL"
				" WHERE draft_id = ?");
		db_bind_int(st, 1, dossier_id);
		db_bind_int(st, 2, draft);
		ret = db_run(st);
	}
	return ret;
}

int draft_submit(struct db *db, const struct citizen *c, int64_t id,
		 int64_t *dossier_id, struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	struct dossier_intake in = { 0 };
	struct db_stmt *st;
	struct audit_actor who = { 0, "citizen", "", "/" };
	char *fields[7] = { 0 };
	int missing = -1, ret;

	st = db_prepare(db, "SELECT procedure_code, agency, applicant_name, applicant_id,"
			" applicant_email, applicant_address, request FROM citizen_draft"
			" WHERE id = ? AND citizen_id = ? AND dossier_id IS NULL");
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c->id);
	ret = db_step(st);
	if (ret == DB_ROW) {
		for (int i = 0; i < 7; i++)
			fields[i] = xstrdup(db_col_text(st, i));
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = err_set(e, E_NOTFOUND, NULL, "you have no draft %lld", (long long)id);
	}
	db_reset(st);
	if (!ret)
		ret = online_procedure(db, fields[0], &p, e);
	if (ret)
		goto out;
	if (!*fields[2]) {
		ret = err_set(e, E_INVALID, "applicant_name", "enter the applicant's full name");
		goto out;
	}
	ret = first_missing(db, "draft_id", id, p.ndocuments, &missing);
	if (!ret && missing >= 0) {
		ret = err_set(e, E_INVALID, "documents", "attach a file for \"%s\"",
			      p.documents[missing].name);
		snprintf(e->field, sizeof(e->field), "doc_%d", missing);
	}
	if (ret)
		goto out;
	in.procedure = p.code;
	in.channel = CHANNEL_ONLINE;
	in.agency = fields[1];
	in.applicant_name = fields[2];
	in.applicant_id = fields[3];
	in.applicant_phone = c->phone;
	in.applicant_email = fields[4];
	in.applicant_address = fields[5];
	in.request = *fields[6] ? fields[6] : NULL;
	/* The draft and its files go with the dossier, in its transaction. */
	in.also = move_draft;
	in.also_ctx = &id;
	ret = dossier_intake(db, NULL, &who, &in, dossier_id, e);
out:
	for (int i = 0; i < 7; i++)
		free(fields[i]);
	procedure_release(&p);
	return ret;
}

/* ---- files ---------------------------------------------------------------- */

const char *upload_sniff(const void *data, size_t len)
{
	const unsigned char *d = data;

	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (len >= 4 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && !memcmp(d, "%PDF-", 5)) {
		/* %%EOF within the last kilobyte (writers add a newline or so). */
		size_t from = len > 1024 ? len - 1024 : 0;

		if (memmem(d + from, len - from, "%%EOF", 5))
			return "application/pdf";
	}
	return NULL;
}

/*
 * The type a file's name or declared type claims, if it is one of the
 * three (with the aliases clients send); NULL when it claims none of them.
 */
static const char *claimed_type(const char *name, const char *declared)
{
	static const struct { const char *ext, *type; } exts[] = {
		{ ".pdf", "application/pdf" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".jpe", "image/jpeg" }, { ".jfif", "image/jpeg" },
		{ ".png", "image/png" },
	};
	static const struct { const char *declared, *type; } types[] = {
		{ "application/pdf", "application/pdf" }, { "application/x-pdf", "application/pdf" },
		{ "image/jpeg", "image/jpeg" }, { "image/jpg", "image/jpeg" },
		{ "image/pjpeg", "image/jpeg" }, { "image/png", "image/png" },
		{ "image/x-png", "image/png" },
	};
	const char *dot;

	if (name && (dot = strrchr(name, '.')))
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
			if (!strcasecmp(dot, exts[i].ext))
				return exts[i].type;
	if (declared)
		for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
			size_t n = strlen(types[i].declared);

			if (!strncasecmp(declared, types[i].declared, n) &&
			    (!declared[n] || declared[n] == ';' || declared[n] == ' '))
				return types[i].type;
		}
	return NULL;
}

static const char *type_word(const char *type)
{
	return !strcmp(type, "application/pdf") ? "PDF" : !strcmp(type, "image/png") ? "PNG" :
		"JPEG";
}

int upload_check(const char *field, const char *name, const char *declared,
		 const void *data, size_t len, const char **type, struct err *e)
{
	const char *by_name = claimed_type(name, NULL), *by_type = claimed_type(NULL, declared);
	const char *sniffed;

	*type = NULL;
	if (!name || !*name)
		name = "?";
	if (!len)
		return err_set(e, E_INVALID, field, "file \"%s\" is empty", name);
	if (len > settings.file_limit)
		return err_set(e, E_INVALID, field,
			       "file \"%s\" is too large: %zu kB, the limit is %zu kB",
			       name, (len + 1023) / 1024, settings.file_limit / 1024);
	sniffed = upload_sniff(data, len);
	if (!sniffed && by_name)
		return err_set(e, E_INVALID, field,
			       "file \"%s\" is not what its name says: its content is not a %s",
			       name, type_word(by_name));
	if (!sniffed)
		return err_set(e, E_INVALID, field,
			       "file \"%s\" is not a document: send a PDF, JPEG or PNG file",
			       name);
	/* The content decides; a name or a declared type saying otherwise lies. */
	if ((by_name && strcmp(by_name, sniffed)) || (by_type && strcmp(by_type, sniffed)))
		return err_set(e, E_INVALID, field,
			       "file \"%s\" lies about its type: its name or declared type says another type than its content (%s)",
			       name, sniffed);
	*type = sniffed;
	return 0;
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	int ret = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) && errno != EEXIST)
			ret = -1;
		*s = '/';
	}
	if (!ret && mkdir(p, 0750) && errno != EEXIST)
		ret = -1;
	free(p);
	return ret;
}

/* Writes data to upload_dir/hash through a temporary file and a rename. */
static int store_bytes(const char *hash, const void *data, size_t len)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
	struct stat sb;
	int fd = -1, ret = 0;
	char rnd[48];

	strbuf_addf(&path, "%s/%s", settings.upload_dir, hash);
	if (!stat(path.buf, &sb) && (size_t)sb.st_size == len)
		goto out;	/* the same content is already there */
	if (mkdirs(settings.upload_dir)) {
		ret = error("cannot create upload directory '%s': %s", settings.upload_dir,
			    strerror(errno));
		goto out;
	}
	random_token(rnd);
	strbuf_addf(&tmp, "%s/.tmp-%s", settings.upload_dir, rnd);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0) {
		ret = error("cannot write '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = error("cannot write '%s': %s", tmp.buf, strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd)) {
		ret = error("cannot sync '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp.buf, path.buf))
		ret = error("cannot rename '%s': %s", tmp.buf, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (ret && tmp.len)
		unlink(tmp.buf);
	strbuf_release(&path);
	strbuf_release(&tmp);
	return ret;
}

/* Whether the citizen may add documents to this dossier now (incomplete, theirs). */
static int own_incomplete(struct db *db, const struct citizen *c, int64_t id,
			  int64_t *version_id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT state, procedure_version_id FROM dossier"
					" WHERE id = ? AND applicant_phone = ?");
	int ret;

	db_bind_int(st, 1, id);
	db_bind_text(st, 2, c->phone);
	ret = db_step(st);
	if (ret == DB_ROW) {
		ret = strcmp(db_col_text(st, 0), "incomplete") ?
			err_set(e, E_CONFLICT, NULL,
				"documents can be added only while the dossier is returned to you to complete") : 0;
		*version_id = db_col_int(st, 1);
	} else if (ret == DB_DONE) {
		ret = err_set(e, E_NOTFOUND, NULL, "you have no dossier %lld", (long long)id);
	}
	db_reset(st);
	return ret;
}

int file_add(struct db *db, const struct citizen *c, const struct user *by,
	     const struct audit_actor *who, const struct file_target *t,
	     const char *field, const char *name, const char *declared,
	     const void *data, size_t len, int64_t *id, struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	struct db_stmt *st;
	const char *type;
	char hash[65], ref[24], *code = NULL;
	int64_t vid = 0, did = 0;
	int ret;

	if (c && t->draft_id) {
		ret = own_draft(db, c, t->draft_id, e);
		if (!ret) {
			st = db_prepare(db, "SELECT procedure_code FROM citizen_draft WHERE id = ?");
			db_bind_int(st, 1, t->draft_id);
			ret = db_one_text(st, &code);
		}
		if (!ret)
			ret = procedure_find(db, code, &p, e);
	} else if (c && t->dossier_id) {
		ret = own_incomplete(db, c, t->dossier_id, &vid, e);
		if (!ret) {
			st = db_prepare(db, "SELECT procedure_code FROM dossier WHERE id = ?");
			db_bind_int(st, 1, t->dossier_id);
			ret = db_one_text(st, &code);
		}
		if (!ret)
			ret = procedure_find(db, code, &p, e);
	} else if (by && t->dossier_id && !strcmp(t->kind, "result")) {
		snprintf(ref, sizeof(ref), "#%lld", (long long)t->dossier_id);
		ret = dossier_check_visible(db, by, ref, &did, e);
	} else {
		ret = err_set(e, E_DENIED, NULL, "you may not add files here");
	}
	if (ret)
		goto out;
	if (c && (t->doc_index < 0 || t->doc_index >= p.ndocuments)) {
		ret = err_set(e, E_INVALID, "document",
			      "document %d is not one of the procedure's %d", t->doc_index,
			      p.ndocuments);
		goto out;
	}
	ret = upload_check(field, name, declared, data, len, &type, e);
	if (ret)
		goto out;
	sha256_hex(data, len, hash);
	ret = store_bytes(hash, data, len);
	if (!ret)
		ret = db_begin(db);
	if (ret)
		goto out;
	st = db_prepare(db, "INSERT INTO dossier_file (dossier_id, draft_id, kind, doc_index,"
			" name, content_type, size, sha256, uploaded_by, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (t->dossier_id)
		db_bind_int(st, 1, t->dossier_id);
	else
		db_bind_null(st, 1);
	if (t->draft_id && c)
		db_bind_int(st, 2, t->draft_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, c ? "document" : "result");
	db_bind_int(st, 4, c ? t->doc_index : -1);
	{
		struct strbuf shown = STRBUF_INIT;

		clean_name(name, &shown);
		db_bind_text(st, 5, shown.buf);
		strbuf_release(&shown);
	}
	db_bind_text(st, 6, type);
	db_bind_int(st, 7, (int64_t)len);
	db_bind_text(st, 8, hash);
	if (by)
		db_bind_int(st, 9, by->id);
	else
		db_bind_null(st, 9);
	db_bind_int(st, 10, clock_now());
	ret = db_one_int(st, id);
	if (!ret && !c) {
		/* An officer's result is a change to the dossier: audited. */
		json_t *after = json_pack("{s:s,s:s,s:I}", "name", name, "sha256", hash,
					  "size", (json_int_t)len);
		char ids[24];

		snprintf(ids, sizeof(ids), "%lld", (long long)t->dossier_id);
		ret = audit_log(db, who, "dossier.result_file", "dossier", ids, NULL, after);
		json_decref(after);
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
out:
	free(code);
	procedure_release(&p);
	return ret;
}

int file_remove(struct db *db, const struct citizen *c, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT COALESCE(f.draft_id, 0), COALESCE(f.dossier_id, 0)"
					" FROM dossier_file f WHERE f.id = ? AND f.kind = 'document'");
	int64_t draft = 0, dossier = 0, vid;
	int ret;

	db_bind_int(st, 1, id);
	ret = db_step(st);
	if (ret == DB_ROW) {
		draft = db_col_int(st, 0);
		dossier = db_col_int(st, 1);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (!ret)
		ret = draft ? own_draft(db, c, draft, NULL) :
			own_incomplete(db, c, dossier, &vid, NULL);
	if (ret == E_NOTFOUND || ret == E_CONFLICT)
		return err_set(e, ret, NULL, "you have no file %lld that can be removed",
			       (long long)id);
	if (ret)
		return ret;
	st = db_prepare(db, "DELETE FROM dossier_file WHERE id = ?");
	db_bind_int(st, 1, id);
	return db_run(st);
}

void stored_file_release(struct stored_file *f)
{
	free(f->name);
	free(f->content_type);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

static int read_bytes(const char *hash, size_t len, char **out)
{
	struct strbuf path = STRBUF_INIT;
	FILE *fp;
	int ret = 0;

	strbuf_addf(&path, "%s/%s", settings.upload_dir, hash);
	*out = xmalloc(len ? len : 1);
	fp = fopen(path.buf, "rb");
	if (!fp || fread(*out, 1, len, fp) != len)
		ret = error("cannot read uploaded file '%s'", path.buf);
	if (fp)
		fclose(fp);
	strbuf_release(&path);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

int file_read(struct db *db, const struct citizen *c, const struct user *by,
	      int64_t id, struct stored_file *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT f.name, f.content_type, f.size, f.sha256,"
					" COALESCE(f.dossier_id, 0), COALESCE(d.applicant_phone, ''),"
					" COALESCE(r.citizen_id, 0)"
					" FROM dossier_file f LEFT JOIN dossier d ON d.id = f.dossier_id"
					" LEFT JOIN citizen_draft r ON r.id = f.draft_id WHERE f.id = ?");
	int64_t dossier = 0, owner = 0, size = 0, did;
	char *hash = NULL, *phone = NULL;
	bool may = false;
	int ret;

	db_bind_int(st, 1, id);
	ret = db_step(st);
	if (ret == DB_ROW) {
		out->name = xstrdup(db_col_text(st, 0));
		out->content_type = xstrdup(db_col_text(st, 1));
		size = db_col_int(st, 2);
		hash = xstrdup(db_col_text(st, 3));
		dossier = db_col_int(st, 4);
		phone = xstrdup(db_col_text(st, 5));
		owner = db_col_int(st, 6);
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	if (ret)
		goto out;
	if (c)
		may = (owner && owner == c->id) || (dossier && !strcmp(phone, c->phone));
	else if (by && dossier) {
		char ref[24];

		snprintf(ref, sizeof(ref), "#%lld", (long long)dossier);
		ret = dossier_check_visible(db, by, ref, &did, NULL);
		if (ret && ret != E_NOTFOUND)
			goto out;
		may = !ret;
		ret = 0;
	}
	if (!may) {
		ret = E_NOTFOUND;
		goto out;
	}
	out->len = (size_t)size;
	ret = read_bytes(hash, out->len, &out->data);
out:
	if (ret == E_NOTFOUND)
		err_set(e, E_NOTFOUND, NULL, "there is no file %lld", (long long)id);
	if (ret)
		stored_file_release(out);
	free(hash);
	free(phone);
	return ret;
}
