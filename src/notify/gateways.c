/*
 * The gateways, through libcurl: Kannel's HTTP sendsms interface (with a
 * signed delivery-receipt URL), SMTP, and webhook POSTs.  Each turns the
 * gateway's answer into an outcome: delivered, accepted (awaiting the
 * receipt), temporary (retry later) or permanent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/xmalloc.h"
#include "notify/notify.h"
#include "notify/notify_impl.h"

void notify_message_release(struct message *m)
{
	free(m->channel);
	free(m->recipient);
	free(m->template_key);
	free(m->subject);
	free(m->body);
	free(m->ref);
	strbuf_release(&m->error);
}

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct strbuf *sb = ctx;

	if (sb->len < 4096)
		strbuf_add(sb, p, size * n);
	return size * n;
}

/* Classifies an HTTP call: 2xx sent, 4xx permanent (but 408, 429), else temporary. */
static void http_outcome(struct message *m, CURLcode rc, long status, const struct strbuf *body)
{
	if (rc != CURLE_OK) {
		m->outcome = TEMPORARY;
		strbuf_addf(&m->error, "%s", curl_easy_strerror(rc));
	} else if (status >= 200 && status < 300) {
		m->outcome = SENT;
	} else {
		m->outcome = status >= 400 && status < 500 && status != 408 && status != 429
			? PERMANENT : TEMPORARY;
		strbuf_addf(&m->error, "HTTP %ld: %.200s", status, body->buf);
		while (m->error.len && strchr("\r\n ", m->error.buf[m->error.len - 1]))
			strbuf_setlen(&m->error, m->error.len - 1);
	}
}

static void add_param(struct strbuf *q, CURL *c, const char *name, const char *value)
{
	char *v = curl_easy_escape(c, value, 0);

	strbuf_addf(q, "%s%s=%s", q->len ? "&" : "", name, v ? v : "");
	curl_free(v);
}

void notify_send_sms(struct db *db, const struct notify_config *nc, struct message *m)
{
	struct strbuf text = STRBUF_INIT, url = STRBUF_INIT, q = STRBUF_INIT;
	struct strbuf dlr = STRBUF_INIT, resp = STRBUF_INIT;
	CURL *c = curl_easy_init();
	char token[65], n[32];
	long status = 0;
	CURLcode rc;

	if (nc->sms_ascii)
		text_unaccent(&text, m->body);
	else
		strbuf_addstr(&text, m->body);
	m->parts = notify_sms_parts(text.buf, &m->enc);
	if (!c || notify_token(db, m->id, token)) {
		m->outcome = TEMPORARY;
		strbuf_addstr(&m->error, "cannot prepare the request");
		goto out;
	}
	strbuf_addf(&dlr, "%s/api/v1/notify/dlr?id=%lld&token=%s&status=%%d", nc->public_url,
		    (long long)m->id, token);
	add_param(&q, c, "username", nc->sms_user);
	add_param(&q, c, "password", nc->sms_password);
	if (*nc->sms_from)
		add_param(&q, c, "from", nc->sms_from);
	add_param(&q, c, "to", m->recipient);
	add_param(&q, c, "text", text.buf);
	add_param(&q, c, "charset", "UTF-8");
	add_param(&q, c, "coding", m->enc == NOTIFY_GSM7 ? "0" : "2");
	add_param(&q, c, "dlr-mask", "31");
	add_param(&q, c, "dlr-url", dlr.buf);
	snprintf(n, sizeof(n), "%d", m->parts > 1 ? m->parts : 1);
	add_param(&q, c, "max-messages", n);
	strbuf_addf(&url, "%s%c%s", nc->sms_url, strchr(nc->sms_url, '?') ? '&' : '?', q.buf);
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)nc->timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	http_outcome(m, rc, status, &resp);
	if (m->outcome == SENT) {
		/* Kannel took it; the receipt says whether it reached the phone. */
		m->outcome = ACCEPTED;
		while (resp.len && strchr("\r\n ", resp.buf[resp.len - 1]))
			strbuf_setlen(&resp, resp.len - 1);
		m->ref = xstrndup(resp.buf, resp.len < 200 ? resp.len : 200);
	}
out:
	if (c)
		curl_easy_cleanup(c);
	strbuf_release(&text);
	strbuf_release(&url);
	strbuf_release(&q);
	strbuf_release(&dlr);
	strbuf_release(&resp);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t upload_read(char *buf, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* The message as RFC 5322 text: UTF-8 subject in encoded words, base64 body. */
static void email_text(const struct notify_config *nc, const struct message *m,
		       struct strbuf *out)
{
	time_t now = (time_t)clock_now();
	struct tm tm;
	char date[64], host[128] = "localhost";
	size_t blen = strlen(m->body);
	size_t b64len = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(b64len);

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	gethostname(host, sizeof(host) - 1);
	strbuf_addf(out, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date, nc->smtp_from,
		    m->recipient);
	notify_mime_header(out, m->subject);
	strbuf_addf(out, "\r\nMessage-ID: <cchc.%lld.%lld@%s>\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", (long long)m->id,
		    (long long)now, host);
	sodium_bin2base64(b64, b64len, (const unsigned char *)m->body, blen,
			  sodium_base64_VARIANT_ORIGINAL);
	for (size_t i = 0, n = strlen(b64); i < n; i += 76) {
		strbuf_add(out, b64 + i, n - i < 76 ? n - i : 76);
		strbuf_addstr(out, "\r\n");
	}
	free(b64);
}

void notify_send_email(const struct notify_config *nc, struct message *m)
{
	struct strbuf text = STRBUF_INIT, from = STRBUF_INIT, to = STRBUF_INIT;
	struct curl_slist *rcpt = NULL;
	struct upload u;
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;

	if (!c) {
		m->outcome = TEMPORARY;
		strbuf_addstr(&m->error, "cannot prepare the request");
		return;
	}
	email_text(nc, m, &text);
	strbuf_addf(&from, "<%s>", nc->smtp_from);
	strbuf_addf(&to, "<%s>", m->recipient);
	rcpt = curl_slist_append(rcpt, to.buf);
	u.p = text.buf;
	u.left = text.len;
	curl_easy_setopt(c, CURLOPT_URL, nc->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.buf);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)nc->timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK) {
		m->outcome = SENT;
	} else {
		/* SMTP 5xx is permanent, 4xx and no answer are temporary. */
		m->outcome = status >= 500 && status < 600 ? PERMANENT : TEMPORARY;
		strbuf_addf(&m->error, "%s", curl_easy_strerror(rc));
		if (status)
			strbuf_addf(&m->error, " (SMTP %ld)", status);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	strbuf_release(&text);
	strbuf_release(&from);
	strbuf_release(&to);
}

void notify_send_webhook(const struct notify_config *nc, struct message *m)
{
	json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)m->id, "template",
			      m->template_key, "subject", m->subject, "text", m->body);
	char *payload;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct strbuf resp = STRBUF_INIT;
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc = CURLE_FAILED_INIT;

	if (m->dossier_id)
		json_object_set_new(j, "dossier_id", json_integer(m->dossier_id));
	payload = json_dumps(j, JSON_COMPACT);
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, m->recipient);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)nc->timeout);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
	}
	http_outcome(m, rc, status, &resp);
	curl_slist_free_all(h);
	strbuf_release(&resp);
	free(payload);
	json_decref(j);
}
