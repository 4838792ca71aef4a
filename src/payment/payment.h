/*
 * payment: a dossier's fees and their payment — cash or card at the
 * counter, or online through a payment provider.
 *
 * The online protocol, the same for every provider:
 *
 *  1. cchc creates a payment (pending, with a unique order id) for what is
 *     left to pay, and sends the payer to the provider's start URL, which
 *     carries the order id, the amount, the return URL and an
 *     HMAC-SHA256 signature made with the provider's secret.
 *  2. The provider calls cchc back, server to server:
 *       POST /api/v1/payments/callback/{provider}
 *       X-Signature: hex HMAC-SHA256(secret, body)
 *       {"order_id","transaction_id","amount","status":"paid"|"failed",
 *        "timestamp": epoch seconds}
 *     A callback is applied only when its signature is right, its
 *     timestamp fresh (payment_callback_window seconds), its order known
 *     and its amount the order's.  Applying it is idempotent: the
 *     provider's transaction is recorded once (unique provider +
 *     transaction id, one transaction), so a repeated callback changes
 *     nothing.  Every callback, refused or not, is logged in payment_event.
 *  3. The provider sends the payer back to the return URL with
 *     ?order=…&status=…&sig=HMAC(secret, "order|status"); the page shows the
 *     payment as cchc recorded it (the callback, not the return, decides).
 *
 * Reconciliation (`cchc payments reconcile`) asks the provider about each
 * online order and reports — and with fix records — the transactions
 * whose callback never arrived.
 *
 * A payment that completes updates dossier.fee_paid, appends a "pay" event
 * to the dossier's history (its counters: paid_online when an online
 * payment settles the fee) and queues the SMS "payment.received", all in
 * one transaction.
 */
#ifndef CCHC_PAYMENT_PAYMENT_H
#define CCHC_PAYMENT_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct db;
struct err;
struct strbuf;
struct user;
struct audit_actor;

/* What a provider says about an order. */
struct payment_notice {
	char order_id[64];
	char transaction_id[64];
	int64_t amount;
	char status[16];	/* "paid" or "failed" */
	int64_t timestamp;
};

struct payment_provider {
	const char *name;	/* in URLs and settings: "testpay" */
	const char *label;	/* msgid shown to payers */
	/*
	 * Appends to url the signed address that starts paying order_id for
	 * amount VND and comes back to return_url.  0 or E_INTERNAL.
	 */
	int (*start)(struct db *db, const char *order_id, int64_t amount,
		     const char *return_url, struct strbuf *url, struct err *e);
	/*
	 * Checks a callback's signature and parses it into *out: 0, E_DENIED
	 * (forged) or E_INVALID (malformed), with e filled.
	 */
	int (*verify)(struct db *db, const char *body, const char *signature,
		      struct payment_notice *out, struct err *e);
	/* Whether the return URL's signature over "order|status" is right. */
	bool (*verify_return)(struct db *db, const char *order_id, const char *status,
			      const char *signature);
	/*
	 * The provider's own record of order_id, for reconciliation: 0 with
	 * *out filled (status "paid", "failed", "cancelled"), or E_NOTFOUND.
	 */
	int (*query)(struct db *db, const char *order_id, struct payment_notice *out,
		     struct err *e);
};

/* Settings, from the configuration (see src/base/config.c). */
struct payment_settings {
	const char *public_url;		/* this server, as payers and providers reach it */
	bool testpay;			/* the built-in test provider is on */
	const char *testpay_secret;	/* "" : generated and kept in the database */
	int callback_window;		/* seconds a callback's timestamp may differ */
};
void payment_configure(const struct payment_settings *s);
const char *payment_public_url(void);
int payment_callback_window(void);

/* The enabled provider of that name, or NULL. */
const struct payment_provider *payment_provider_find(const char *name);
/* The enabled providers, NULL-terminated. */
const struct payment_provider *const *payment_providers(void);

/*
 * A provider's secret: the configured one, or else one generated once and
 * kept in the database (payment_secret), so every process shares it.
 * Returns a malloc'd string, or NULL on a database error.
 */
char *payment_secret(struct db *db, const char *provider, const char *configured);
/* hex HMAC-SHA256 of msg with secret (any length) into hex[65]. */
void payment_sign(const char *secret, const void *msg, size_t len, char hex[65]);
/* Whether hex is the signature of msg, compared in constant time. */
bool payment_signature_ok(const char *secret, const void *msg, size_t len,
			  const char *hex);

/*
 * A payment at the counter by a clerk of an agency that sees the dossier:
 * method "cash" or "card" (card needs the slip's reference), amount in VND
 * no more than what is left to pay.  *out is the payment as JSON.
 */
int payment_counter(struct db *db, const struct user *by, const struct audit_actor *who,
		    const char *code, const char *method, int64_t amount,
		    const char *reference, json_t **out, struct err *e);

/*
 * Starts an online payment of what is left to pay on the dossier, through
 * provider: by the applicant (by NULL: check is the last 4 digits of the
 * phone, as for tracking) or by a clerk who sees it.  *out is
 * {"order_id","amount","provider","redirect_url"}.
 */
int payment_start(struct db *db, const struct user *by, const char *code,
		  const char *check, const char *provider, json_t **out, struct err *e);

/*
 * A provider's callback (see the protocol above).  remote is the caller's
 * address, for the log.  *out is {"order_id","result"} with result "paid",
 * "failed" or "duplicate".  Refusals: E_DENIED (signature), E_INVALID
 * (malformed, stale), E_NOTFOUND (order), E_CONFLICT (amount).
 */
int payment_callback(struct db *db, const char *provider, const char *body,
		     const char *signature, const char *remote, json_t **out,
		     struct err *e);

/*
 * The dossier's fees and payments for an officer who sees it:
 * {"code","fee_due","fee_paid","fees":[…],"payments":[…]}.
 */
int payment_list(struct db *db, const struct user *by, const char *code,
		 json_t **out, struct err *e);

/*
 * An order as the return page shows it: {"order_id","state","amount",
 * "code"} (the dossier's code, no personal data).  E_NOTFOUND.
 */
int payment_order(struct db *db, const char *order_id, json_t **out, struct err *e);

/*
 * Reconciliation with provider (NULL: every enabled one): each online
 * payment is looked up at its provider.  *report is {"checked", "missing":
 * [...], "mismatched": [...], "fixed"}; with fix, the missing paid
 * transactions are recorded as their callback would have.
 */
int payment_reconcile(struct db *db, const char *provider, bool fix, json_t **report,
		      struct err *e);

/* The built-in test provider (testpay.c), and its own pages. */
extern const struct payment_provider payment_testpay;
extern const struct route payment_testpay_routes[];
extern const unsigned payment_testpay_nroutes;

/*
 * Officer dossier page: the fees, the payments and (for clerks) the
 * counter payment form.  Public tracking page, given the dossier_track()
 * JSON of a successful lookup: what is due and paid and the button to pay
 * online.  Both write into res->body.
 */
void payment_dossier_section(struct request *req, struct response *res,
			     const char *code);
void payment_track_section(struct request *req, struct response *res,
			   json_t *tracked, const char *check);

extern const struct route payment_api_routes[];
extern const unsigned payment_api_nroutes;
extern const struct route payment_page_routes[];
extern const unsigned payment_page_nroutes;

#endif
