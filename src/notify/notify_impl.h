/* Private to src/notify/: a message being sent, and the gateways. */
#ifndef CCHC_NOTIFY_IMPL_H
#define CCHC_NOTIFY_IMPL_H

#include <stdint.h>

#include "base/strbuf.h"
#include "notify/notify.h"

struct db;

/* What a gateway said: SENT (delivered), ACCEPTED (awaiting a receipt). */
enum outcome { SENT, ACCEPTED, TEMPORARY, PERMANENT };

struct message {
	int64_t id;
	char *channel, *recipient, *template_key, *subject, *body;
	int64_t attempts, dossier_id;
	/* the outcome */
	enum outcome outcome;
	char *ref;
	struct strbuf error;
	int parts;
	enum notify_encoding enc;
};

/* Frees what a claimed message holds. */
void notify_message_release(struct message *m);

/*
 * Send m and set m->outcome, m->error (and for SMS m->ref, m->parts,
 * m->enc).  Outside any transaction: they talk to the network.
 */
void notify_send_sms(struct db *db, const struct notify_config *nc, struct message *m);
void notify_send_email(const struct notify_config *nc, struct message *m);
void notify_send_webhook(const struct notify_config *nc, struct message *m);

#endif
