/*
 * Delivery of the outbox: claim due messages under a lease in one short
 * transaction, send them outside it (Kannel's HTTP sendsms, SMTP, webhook
 * POST, all through libcurl), then record each outcome.
 *
 * A message is claimed by one worker only: on PostgreSQL the claim skips
 * rows another worker has locked (FOR UPDATE SKIP LOCKED), on SQLite the
 * single writer serialises claims.  A worker that dies holding a lease
 * loses it when the lease expires, and the message is claimed again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "notify/notify.h"
#include "notify/notify_impl.h"

/* The receipt secret from the settings; "" : the one stored in the database. */
static char configured_secret[256];

/* ---- settings and secret ---------------------------------------------- */

static int setting_int(const struct config *c, const char *key, int64_t min, int64_t *out,
		       struct err *e)
{
	int ret = config_get_int(c, key, out, e);

	if (!ret && *out < min)
		ret = err_set(e, E_INVALID, key, "setting '%s' must be at least %lld", key,
			      (long long)min);
	return ret;
}

int notify_configure(const struct config *c, struct notify_config *nc, struct err *e)
{
	int64_t ascii = 0;
	int ret;

	memset(nc, 0, sizeof(*nc));
	nc->sms_url = config_get(c, "sms_url");
	nc->sms_user = config_get(c, "sms_user");
	nc->sms_password = config_get(c, "sms_password");
	nc->sms_from = config_get(c, "sms_from");
	nc->smtp_url = config_get(c, "smtp_url");
	nc->smtp_from = config_get(c, "smtp_from");
	nc->public_url = config_get(c, "public_url");
	nc->plan_webhook = config_get(c, "plan_reminder_webhook");
	ret = setting_int(c, "sms_ascii", 0, &ascii, e);
	if (!ret)
		ret = setting_int(c, "notify_backoff", 0, &nc->backoff, e);
	if (!ret)
		ret = setting_int(c, "notify_max_attempts", 1, &nc->max_attempts, e);
	if (!ret)
		ret = setting_int(c, "notify_lease", 5, &nc->lease, e);
	if (!ret)
		ret = setting_int(c, "notify_interval", 1, &nc->interval, e);
	if (!ret)
		ret = setting_int(c, "notify_timeout", 1, &nc->timeout, e);
	if (ret)
		return ret;
	nc->sms_ascii = ascii != 0;
	if (*nc->plan_webhook && !notify_recipient_ok(NOTIFY_WEBHOOK, nc->plan_webhook))
		return err_set(e, E_INVALID, "plan_reminder_webhook",
			       "setting 'plan_reminder_webhook' must be an http:// or https:// URL");
	if (notify_configure_curl())
		return err_set(e, E_INTERNAL, NULL, "cannot initialise the crypto or HTTP library");
	if (strlen(config_get(c, "notify_secret")) >= sizeof(configured_secret))
		return err_set(e, E_INVALID, "notify_secret", "setting 'notify_secret' is too long");
	snprintf(configured_secret, sizeof(configured_secret), "%s",
		 config_get(c, "notify_secret"));
	return 0;
}

int notify_configure_curl(void)
{
	static bool done;

	if (done)
		return 0;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT))
		return E_INTERNAL;
	done = true;
	return 0;
}

/* The key receipts are signed with: the setting, or the database's own. */
static int secret_key(struct db *db, unsigned char key[crypto_auth_hmacsha256_KEYBYTES])
{
	char *stored = NULL;
	struct db_stmt *st;
	int ret;

	if (configured_secret[0]) {
		crypto_generichash(key, crypto_auth_hmacsha256_KEYBYTES,
				   (const unsigned char *)configured_secret,
				   strlen(configured_secret), NULL, 0);
		return 0;
	}
	st = db_prepare(db, "SELECT value FROM notify_key WHERE name = 'dlr'");
	ret = db_one_text(st, &stored);
	if (ret == E_NOTFOUND) {
		unsigned char raw[32];
		char hex[65];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
		st = db_prepare(db, "INSERT INTO notify_key (name, value) VALUES ('dlr', ?)"
				" ON CONFLICT (name) DO NOTHING");
		db_bind_text(st, 1, hex);
		ret = db_run(st);
		if (!ret) {
			st = db_prepare(db, "SELECT value FROM notify_key WHERE name = 'dlr'");
			ret = db_one_text(st, &stored);
		}
	}
	if (ret)
		return error("notify: cannot read the receipt secret");
	crypto_generichash(key, crypto_auth_hmacsha256_KEYBYTES, (const unsigned char *)stored,
			   strlen(stored), NULL, 0);
	free(stored);
	return 0;
}

static void sign(const unsigned char *key, int64_t id, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	char msg[40];

	snprintf(msg, sizeof(msg), "dlr:%lld", (long long)id);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
}

int notify_token(struct db *db, int64_t id, char out[65])
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	int ret = secret_key(db, key);

	if (ret)
		return ret;
	sign(key, id, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
	return 0;
}

int notify_receipt(struct db *db, int64_t id, const char *token, int status,
		   struct err *e)
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES], mac[crypto_auth_hmacsha256_BYTES];
	unsigned char given[crypto_auth_hmacsha256_BYTES];
	size_t glen = 0;
	struct db_stmt *st;
	int64_t now = clock_now();
	int ret;

	if (!token || sodium_hex2bin(given, sizeof(given), token, strlen(token), NULL, &glen,
				     NULL) || glen != sizeof(given))
		return err_set(e, E_DENIED, "token", "the receipt's signature is not valid");
	ret = secret_key(db, key);
	if (ret)
		return ret;
	sign(key, id, mac);
	if (sodium_memcmp(mac, given, sizeof(mac)))
		return err_set(e, E_DENIED, "token", "the receipt's signature is not valid");
	if (status == 1) {
		st = db_prepare(db, "UPDATE notify_message SET state = 'delivered',"
				" delivered_at = ?, updated_at = ? WHERE id = ? AND state = 'sending'");
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, now);
		db_bind_int(st, 3, id);
		return db_run(st);
	}
	if (status == 2 || status == 16) {
		st = db_prepare(db, "UPDATE notify_message SET state = 'failed', last_error = ?,"
				" updated_at = ? WHERE id = ? AND state = 'sending'");
		db_bind_text(st, 1, status == 2 ? "not delivered to the phone"
			     : "rejected by the SMS centre");
		db_bind_int(st, 2, now);
		db_bind_int(st, 3, id);
		return db_run(st);
	}
	return 0;
}

/* ---- the claim and the record ---------------------------------------- */

#define CLAIM_BATCH 20	/* the LIMIT of the claim's SQL */

/* Claims up to CLAIM_BATCH due messages for owner; fills ms, sets *n. */
static int claim(struct db *db, const struct notify_config *nc, const char *owner,
		 struct message *ms, int *n)
{
	/*
	 * The channels this worker can send are bound (one without a gateway
	 * as ""), so each branch is a search of the index on (channel, state,
	 * next_at): messages waiting for a gateway that is not configured are
	 * never walked.  SQLite plans the two branches as such only when they
	 * are written apart; PostgreSQL cannot lock rows under a UNION and
	 * combines the two index searches of the OR itself.
	 */
	static const char sql_sqlite[] =
		"UPDATE notify_message SET state = 'sending', lease_owner = ?1,"
		" lease_until = ?2, attempts = attempts + 1, updated_at = ?3 WHERE id IN"
		" (SELECT id FROM (SELECT id, next_at FROM notify_message"
		" WHERE channel IN (?4, ?5, 'webhook') AND state IN ('created', 'temp_failed')"
		" AND next_at <= ?6 UNION ALL SELECT id, next_at FROM notify_message"
		" WHERE channel IN (?4, ?5, 'webhook') AND state = 'sending' AND lease_until < ?7)"
		" ORDER BY next_at, id LIMIT 20)"
		" RETURNING id, channel, recipient, template_key, subject, body, attempts,"
		" dossier_id";
	static const char sql_pg[] =
		"UPDATE notify_message SET state = 'sending', lease_owner = ?,"
		" lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id IN"
		" (SELECT id FROM notify_message WHERE channel IN (?, ?, 'webhook') AND"
		" ((state IN ('created', 'temp_failed') AND next_at <= ?)"
		" OR (state = 'sending' AND lease_until < ?))"
		" ORDER BY next_at, id LIMIT 20 FOR UPDATE SKIP LOCKED)"
		" RETURNING id, channel, recipient, template_key, subject, body, attempts,"
		" dossier_id";
	int64_t now = clock_now();
	struct db_stmt *st;
	int ret, rc = DB_DONE;

	*n = 0;
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, db_kind(db) == DB_POSTGRESQL ? sql_pg : sql_sqlite);
	db_bind_text(st, 1, owner);
	db_bind_int(st, 2, now + nc->lease);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, *nc->sms_url ? "sms" : "");
	db_bind_text(st, 5, *nc->smtp_url ? "email" : "");
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, now);
	while (*n < CLAIM_BATCH && (rc = db_step(st)) == DB_ROW) {
		struct message *m = &ms[(*n)++];

		memset(m, 0, sizeof(*m));
		strbuf_init(&m->error, 0);
		m->id = db_col_int(st, 0);
		m->channel = xstrdup(db_col_text(st, 1));
		m->recipient = xstrdup(db_col_text(st, 2));
		m->template_key = xstrdup(db_col_text(st, 3));
		m->subject = xstrdup(db_col_text(st, 4));
		m->body = xstrdup(db_col_text(st, 5));
		m->attempts = db_col_int(st, 6);
		m->dossier_id = db_col_null(st, 7) ? 0 : db_col_int(st, 7);
	}
	db_reset(st);
	if (rc < 0) {
		db_rollback(db);
		for (int i = 0; i < *n; i++)
			notify_message_release(&ms[i]);
		*n = 0;
		return rc;
	}
	ret = db_commit(db);
	if (ret) {
		for (int i = 0; i < *n; i++)
			notify_message_release(&ms[i]);
		*n = 0;
	}
	return ret;
}

/* Writes the outcome of a send, if owner still holds the message. */
static int record(struct db *db, const struct notify_config *nc, const char *owner,
		  const struct message *m)
{
	int64_t now = clock_now();
	const char *state;
	struct db_stmt *st;

	if (m->outcome == ACCEPTED) {
		/* Still "sending" until the receipt; the lease ends, the reference stays. */
		st = db_prepare(db, "UPDATE notify_message SET lease_owner = NULL,"
				" lease_until = NULL, gateway_ref = ?, segments = ?, encoding = ?,"
				" last_error = '', updated_at = ? WHERE id = ? AND lease_owner = ?");
		db_bind_text(st, 1, m->ref ? m->ref : "");
		db_bind_int(st, 2, m->parts);
		db_bind_text(st, 3, notify_encoding_name(m->enc));
		db_bind_int(st, 4, now);
		db_bind_int(st, 5, m->id);
		db_bind_text(st, 6, owner);
		return db_run(st);
	}
	if (m->outcome == SENT)
		state = "delivered";
	else if (m->outcome == PERMANENT)
		state = "failed";
	else
		state = m->attempts >= nc->max_attempts ? "tech_failed" : "temp_failed";
	st = db_prepare(db, "UPDATE notify_message SET state = ?, next_at = ?, segments = ?,"
			" encoding = ?, last_error = ?, lease_owner = NULL, lease_until = NULL,"
			" updated_at = ?, delivered_at = COALESCE(?, delivered_at)"
			" WHERE id = ? AND lease_owner = ? AND state = 'sending'");
	db_bind_text(st, 1, state);
	db_bind_int(st, 2, now + notify_backoff(nc->backoff, m->attempts));
	db_bind_int(st, 3, m->parts);
	db_bind_text(st, 4, m->parts ? notify_encoding_name(m->enc) : "");
	db_bind_text(st, 5, m->error.buf);
	db_bind_int(st, 6, now);
	if (m->outcome == SENT)
		db_bind_int(st, 7, now);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, m->id);
	db_bind_text(st, 9, owner);
	return db_run(st);
}

/* ---- plan reminders --------------------------------------------------- */

/* "YYYY-MM-DD" → "DD/MM/YYYY"; other text unchanged. */
static void vn_date(const char *iso, char out[16])
{
	if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
		snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 16, "%s", iso);
}

/*
 * Turns queued plan reminders into webhook messages to nc->plan_webhook
 * (agencies have no e-mail address on record); none configured: they wait.
 */
static int plan_reminders(struct db *db, const struct notify_config *nc, size_t *done,
			  struct err *e)
{
	static const char sql_sqlite[] =
		"SELECT r.id, a.name, r.message, r.due_on FROM plan_reminder r"
		" JOIN agency a ON a.id = r.agency_id WHERE r.status = 'queued'"
		" ORDER BY r.id LIMIT 100";
	static const char sql_pg[] =
		"SELECT r.id, a.name, r.message, r.due_on FROM plan_reminder r"
		" JOIN agency a ON a.id = r.agency_id WHERE r.status = 'queued'"
		" ORDER BY r.id LIMIT 100 FOR UPDATE OF r SKIP LOCKED";
	struct rem {
		int64_t id;
		char *agency, *message, *due;
	} *rs = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st;
	int ret, rc;

	*done = 0;
	if (!*nc->plan_webhook)
		return 0;
	ret = db_begin(db);
	if (ret)
		return ret;
	st = db_prepare(db, db_kind(db) == DB_POSTGRESQL ? sql_pg : sql_sqlite);
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			rs = xrealloc(rs, cap * sizeof(*rs));
		}
		rs[n].id = db_col_int(st, 0);
		rs[n].agency = xstrdup(db_col_text(st, 1));
		rs[n].message = xstrdup(db_col_text(st, 2));
		rs[n].due = xstrdup(db_col_text(st, 3));
		n++;
	}
	db_reset(st);
	ret = rc < 0 ? rc : 0;
	for (size_t i = 0; i < n && !ret; i++) {
		char due[16];
		struct notify_var vars[] = {
			{ "agency", rs[i].agency }, { "message", rs[i].message }, { "due", due },
		};

		vn_date(rs[i].due, due);
		ret = notify_enqueue(db, NOTIFY_WEBHOOK, nc->plan_webhook, "plan.reminder", vars,
				     3, 0, NULL, e);
		if (!ret) {
			st = db_prepare(db, "UPDATE plan_reminder SET status = 'sent', sent_at = ?"
					" WHERE id = ? AND status = 'queued'");
			db_bind_int(st, 1, clock_now());
			db_bind_int(st, 2, rs[i].id);
			ret = db_run(st);
		}
	}
	if (!ret)
		ret = db_commit(db);
	else
		db_rollback(db);
	if (!ret)
		*done = n;
	for (size_t i = 0; i < n; i++) {
		free(rs[i].agency);
		free(rs[i].message);
		free(rs[i].due);
	}
	free(rs);
	return ret;
}

/* ---- the loop --------------------------------------------------------- */

void notify_owner(char *out, size_t size)
{
	char host[64] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(out, size, "%s:%ld:%ld", host, (long)getpid(), (long)gettid());
}

int notify_deliver(struct db *db, const struct notify_config *nc, const char *owner,
		   int *sent, struct err *e)
{
	struct message ms[CLAIM_BATCH];
	size_t done;
	int n, ret;

	*sent = 0;
	do
		ret = plan_reminders(db, nc, &done, e);
	while (!ret && done == 100);
	if (ret) {
		/* The reminders wait for the next pass; the messages need not. */
		log_msg(LOG_ERROR, "notify: cannot queue plan reminders: %s", e->message);
		err_clear(e);
	}
	for (;;) {
		ret = claim(db, nc, owner, ms, &n);
		if (ret || !n)
			break;
		for (int i = 0; i < n; i++) {
			struct message *m = &ms[i];

			if (ret) {
				/* The database failed: the rest wait for their lease to end. */
				notify_message_release(m);
				continue;
			}
			if (!strcmp(m->channel, "sms"))
				notify_send_sms(db, nc, m);
			else if (!strcmp(m->channel, "email"))
				notify_send_email(nc, m);
			else
				notify_send_webhook(nc, m);
			if (m->outcome == SENT || m->outcome == ACCEPTED)
				(*sent)++;
			else
				log_warn("notify: message %lld by %s to %s: %s", (long long)m->id,
					 m->channel, m->recipient, m->error.buf);
			ret = record(db, nc, owner, m);
			notify_message_release(m);
		}
		if (ret)
			break;
	}
	return ret;
}

void notify_worker(const char *db_url, const struct notify_config *nc, volatile bool *stop)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	char owner[128];

	notify_owner(owner, sizeof(owner));
	if (db_open(db_url, &db, &e)) {
		log_msg(LOG_ERROR, "notify: worker cannot open the database: %s", e.message);
		return;
	}
	log_info("notify: worker %s started", owner);
	while (!*stop) {
		int sent = 0;

		err_clear(&e);
		if (notify_deliver(db, nc, owner, &sent, &e))
			log_msg(LOG_ERROR, "notify: delivery failed: %s", e.message);
		for (int64_t t = 0; t < nc->interval * 10 && !*stop; t++)
			usleep(100000);
	}
	db_close(db);
}

/* ---- reading ---------------------------------------------------------- */

int notify_list_dossier(struct db *db, int64_t dossier_id, json_t **out)
{
	struct db_stmt *st = db_prepare(db, "SELECT id, channel, recipient, template_key,"
					" template_version, state, attempts, segments, encoding,"
					" last_error, created_at, updated_at, delivered_at"
					" FROM notify_message WHERE dossier_id = ? ORDER BY id");
	json_t *a = json_array();
	int rc;

	db_bind_int(st, 1, dossier_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct strbuf masked = STRBUF_INIT;

		notify_mask(&masked, db_col_text(st, 2));
		json_array_append_new(a, json_pack(
			"{s:I,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:I,s:I,s:o}",
			"id", (json_int_t)db_col_int(st, 0), "channel", db_col_text(st, 1),
			"recipient", masked.buf, "template", db_col_text(st, 3),
			"version", (json_int_t)db_col_int(st, 4), "state", db_col_text(st, 5),
			"attempts", (json_int_t)db_col_int(st, 6),
			"segments", (json_int_t)db_col_int(st, 7), "encoding", db_col_text(st, 8),
			"last_error", db_col_text(st, 9), "created_at", (json_int_t)db_col_int(st, 10),
			"updated_at", (json_int_t)db_col_int(st, 11), "delivered_at",
			db_col_null(st, 12) ? json_null() : json_integer(db_col_int(st, 12))));
		strbuf_release(&masked);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}
