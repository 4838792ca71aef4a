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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct config;
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

/*
 * With on, notify_enqueue checks its arguments but queues nothing: for
 * generated demonstration data, whose applicants are invented.  Process-wide;
 * never for the server.
 */
void notify_set_silent(bool on);

/* Whether r is a well-formed recipient for the channel. */
bool notify_recipient_ok(enum notify_channel ch, const char *r);

/* Writes template with each {name} of vars replaced (unknown ones kept). */
void notify_render(struct strbuf *out, const char *template,
		   const struct notify_var *vars, size_t nvars);

/* ---- delivery (deliver.c) -------------------------------------------- */

/* The gateways and the retry policy, from the settings. */
struct notify_config {
	const char *sms_url;		/* Kannel's sendsms; "" : SMS wait */
	const char *sms_user, *sms_password, *sms_from;
	bool sms_ascii;			/* fold Vietnamese to ASCII before sending */
	const char *smtp_url;		/* smtp://host:port; "" : e-mail waits */
	const char *smtp_from;
	const char *public_url;		/* base of the receipt callback */
	const char *plan_webhook;	/* where plan reminders go; "" : they wait */
	int64_t backoff;		/* seconds before the first retry, doubling */
	int64_t max_attempts;		/* then tech_failed */
	int64_t lease;			/* seconds a worker holds a message */
	int64_t interval;		/* seconds between passes of the worker */
	int64_t timeout;		/* seconds for one gateway call */
};

/*
 * Reads the notify settings of c (borrowing its strings) and sets the
 * secret receipts are signed with.  E_INVALID naming a bad setting.
 */
int notify_configure(const struct config *c, struct notify_config *nc, struct err *e);

/* Initialises libsodium and libcurl (notify_configure does it too); 0 or E_INTERNAL. */
int notify_configure_curl(void);

/*
 * One pass of delivery: queues due plan reminders (when a destination is
 * configured), then claims due messages in batches under a lease held by
 * owner ("host:pid:thread") and sends them until none is due.  Several
 * processes may run this on one database: a message is claimed by one.
 * Sets *sent to the number of messages handed to a gateway.
 */
int notify_deliver(struct db *db, const struct notify_config *nc, const char *owner,
		   int *sent, struct err *e);

/*
 * Runs notify_deliver every nc->interval seconds on its own connection to
 * db_url until *stop becomes true (checked often).  For a thread.
 */
void notify_worker(const char *db_url, const struct notify_config *nc,
		   volatile bool *stop);

/* "host:pid:tid" of the calling thread, into out. */
void notify_owner(char *out, size_t size);

/*
 * A delivery receipt from Kannel for message id: token must be the
 * message's signature (notify_token) or E_DENIED; status is Kannel's DLR
 * type (1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16
 * rejected by the SMSC).  Moves a message in "sending" to delivered or
 * failed; other states and statuses change nothing.
 */
int notify_receipt(struct db *db, int64_t id, const char *token, int status,
		   struct err *e);

/* The signature (hex HMAC-SHA256) of message id, for its receipt URL. */
int notify_token(struct db *db, int64_t id, char out[65]);

/* ---- pure helpers (unit-tested) --------------------------------------- */

enum notify_encoding { NOTIFY_GSM7, NOTIFY_UCS2 };

/*
 * How text goes as SMS: GSM-7 when every character is in the GSM 03.38
 * alphabet (its extension table ^{}\[~]|€ counting two septets), 160 a
 * message or 153 a part; otherwise UCS-2, 70 or 67 a part (a character
 * outside the BMP counts two).  Returns the number of parts (1 for "").
 */
int notify_sms_parts(const char *text, enum notify_encoding *enc);
const char *notify_encoding_name(enum notify_encoding enc);

/* Seconds before retry number attempts (1, 2, …): base · 2^(attempts−1), at most a day. */
int64_t notify_backoff(int64_t base, int64_t attempts);

/* A recipient as officers see it: "0905***456", "h***@example.vn". */
void notify_mask(struct strbuf *out, const char *recipient);

/* An e-mail header value in RFC 2047 encoded words when it is not ASCII. */
void notify_mime_header(struct strbuf *out, const char *value);

/* ---- reading ---------------------------------------------------------- */

/*
 * The messages of a dossier, oldest first, as a JSON array of {id,
 * channel, recipient (masked), template, version, state, attempts,
 * segments, encoding, last_error, created_at, updated_at, delivered_at}.
 * The caller checks that the dossier may be seen.
 */
int notify_list_dossier(struct db *db, int64_t dossier_id, json_t **out);

extern const struct route notify_api_routes[];
extern const unsigned notify_api_nroutes;

#endif
