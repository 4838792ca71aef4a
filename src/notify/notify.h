/*
 * notify: the outbox and its delivery — SMS through Kannel, e-mail through
 * SMTP, webhooks.
 *
 * A message is written to the outbox (notify_message) by notify_enqueue()
 * in the transaction of the change that causes it, so it exists exactly
 * when the change is committed.  Delivery is separate: a worker claims due
 * messages under a lease (several cchc processes on one database never send
 * one twice), sends them and records the outcome:
 *
 *   created → sending → delivered
 *                     → temp_failed (retried with backoff, up to a cap)
 *                     → failed (permanent) | tech_failed (gave up retrying)
 *
 * Delivery receipts (Kannel's DLR callback) move a message from sending to
 * delivered or failed.
 *
 * Texts come from versioned templates (notify_template): a key such as
 * "dossier.received" per channel, the latest version used, placeholders
 * written {name}; the message records the version it was made from.
 */
#ifndef CCHC_NOTIFY_NOTIFY_H
#define CCHC_NOTIFY_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct strbuf;

enum notify_channel { NOTIFY_SMS, NOTIFY_EMAIL, NOTIFY_WEBHOOK };

/* A placeholder's value: {name} in a template becomes value. */
struct notify_var {
	const char *name;
	const char *value;
};

/* "sms", "email", "webhook". */
const char *notify_channel_name(enum notify_channel ch);

/*
 * Queues a message made from the latest version of template key for the
 * channel, with vars filled in, to recipient (a phone number, an e-mail
 * address or a URL).  dossier_id links it to a dossier (0: none).  Must be
 * called inside the caller's transaction: the message is committed or
 * rolled back with the change.  Fills *id if id is not NULL.  E_INVALID if
 * the recipient is malformed, E_NOTFOUND if there is no such template.
 */
int notify_enqueue(struct db *db, enum notify_channel ch, const char *recipient,
		   const char *key, const struct notify_var *vars, size_t nvars,
		   int64_t dossier_id, int64_t *id, struct err *e);

/* Writes template with each {name} of vars replaced (unknown ones kept). */
void notify_render(struct strbuf *out, const char *template,
		   const struct notify_var *vars, size_t nvars);

#endif
