/*
 * The outbox: templates and queueing.  Delivery is in deliver.c.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"

static bool silent;

void notify_set_silent(bool on)
{
	silent = on;
}

const char *notify_channel_name(enum notify_channel ch)
{
	switch (ch) {
	case NOTIFY_SMS:
		return "sms";
	case NOTIFY_EMAIL:
		return "email";
	case NOTIFY_WEBHOOK:
		return "webhook";
	}
	return "";
}

void notify_render(struct strbuf *out, const char *t, const struct notify_var *vars,
		   size_t nvars)
{
	while (*t) {
		const char *open = strchr(t, '{'), *close;
		size_t i;

		if (!open || !(close = strchr(open + 1, '}'))) {
			strbuf_addstr(out, t);
			return;
		}
		strbuf_add(out, t, (size_t)(open - t));
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == (size_t)(close - open - 1) &&
			    !memcmp(vars[i].name, open + 1, (size_t)(close - open - 1)))
				break;
		if (i < nvars)
			strbuf_addstr(out, vars[i].value ? vars[i].value : "");
		else
			strbuf_add(out, open, (size_t)(close - open + 1));
		t = close + 1;
	}
}

bool notify_recipient_ok(enum notify_channel ch, const char *r)
{
	size_t n = strlen(r);

	if (!n || n > 320)
		return false;
	switch (ch) {
	case NOTIFY_SMS:
		if (n < 9 || n > 15)
			return false;
		for (size_t i = 0; i < n; i++)
			if ((r[i] < '0' || r[i] > '9') && !(i == 0 && r[i] == '+'))
				return false;
		return true;
	case NOTIFY_EMAIL:
		return strchr(r, '@') && !strpbrk(r, " \r\n<>");
	case NOTIFY_WEBHOOK:
		return (!strncmp(r, "http://", 7) || !strncmp(r, "https://", 8)) &&
		       !strpbrk(r, " \r\n");
	}
	return false;
}

int notify_enqueue(struct db *db, enum notify_channel ch, const char *recipient,
		   const char *key, const struct notify_var *vars, size_t nvars,
		   int64_t dossier_id, int64_t *id, struct err *e)
{
	const char *chn = notify_channel_name(ch);
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	struct db_stmt *st;
	int64_t version = 0, now = clock_now();
	int rc;

	if (!notify_recipient_ok(ch, recipient ? recipient : ""))
		return err_set(e, E_INVALID, "recipient", "the recipient of a message is malformed");
	st = db_prepare(db, "SELECT version, subject, body FROM notify_template"
			" WHERE key = ? AND channel = ? ORDER BY version DESC LIMIT 1");
	if (!st)
		return error("notify: cannot queue a message");
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, chn);
	rc = db_step(st);
	if (rc == DB_ROW) {
		version = db_col_int(st, 0);
		notify_render(&subject, db_col_text(st, 1), vars, nvars);
		notify_render(&body, db_col_text(st, 2), vars, nvars);
	}
	db_reset(st);
	if (rc < 0) {
		rc = error("notify: cannot queue a message");
		goto out;
	}
	if (rc == DB_DONE) {
		rc = err_set(e, E_NOTFOUND, "template", "no message template %s for %s", key, chn);
		goto out;
	}
	if (silent) {
		rc = 0;
		if (id)
			*id = 0;
		goto out;
	}
	st = db_prepare(db, "INSERT INTO notify_message (channel, recipient, template_key,"
			" template_version, subject, body, dossier_id, next_at, created_at,"
			" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st) {
		rc = error("notify: cannot queue a message");
		goto out;
	}
	db_bind_text(st, 1, chn);
	db_bind_text(st, 2, recipient);
	db_bind_text(st, 3, key);
	db_bind_int(st, 4, version);
	db_bind_text(st, 5, subject.buf);
	db_bind_text(st, 6, body.buf);
	if (dossier_id > 0)
		db_bind_int(st, 7, dossier_id);
	else
		db_bind_null(st, 7);
	db_bind_int(st, 8, now);
	db_bind_int(st, 9, now);
	db_bind_int(st, 10, now);
	{
		int64_t newid = 0;

		if (db_one_int(st, &newid) != 0) {
			rc = error("notify: cannot queue a message");
			goto out;
		}
		if (id)
			*id = newid;
	}
	rc = 0;
out:
	strbuf_release(&subject);
	strbuf_release(&body);
	return rc;
}
