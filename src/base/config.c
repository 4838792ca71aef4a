#include "base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"

const struct config_key config_keys[] = {
	{ "listen", "CCHC_LISTEN", "127.0.0.1:8080",
	  "address and port the server listens on (port 0 picks a free one)" },
	{ "db", "CCHC_DB", "sqlite:var/cchc.db",
	  "database: sqlite:PATH or postgresql://user@host/db" },
	{ "threads", "CCHC_THREADS", "0",
	  "network threads, which also run the reading requests, each with its own database connection (0: one per core)" },
	{ "pool_threads", "CCHC_POOL_THREADS", "0",
	  "threads that run the requests that change data and the slow ones (PDF, spreadsheets), each with its own database connection (0: 16 per core on SQLite, four per core on PostgreSQL)" },
	{ "log_level", "CCHC_LOG_LEVEL", "info",
	  "debug, info, warn or error" },
	{ "access_log", "CCHC_ACCESS_LOG", "1",
	  "1 to log one line per request (method, path, status, microseconds)" },
	{ "body_limit", "CCHC_BODY_LIMIT", "1048576",
	  "largest request body accepted, in bytes; larger gets 413" },
	{ "connection_timeout", "CCHC_CONNECTION_TIMEOUT", "30",
	  "seconds an idle connection is kept open" },
	{ "shutdown_grace", "CCHC_SHUTDOWN_GRACE", "10",
	  "seconds to finish requests in flight after SIGINT/SIGTERM" },
	{ "default_lang", "CCHC_DEFAULT_LANG", "vi",
	  "language of pages when the browser does not ask: vi or en" },
	{ "office_hours", "CCHC_OFFICE_HOURS", "07:00-11:30,13:30-17:00",
	  "office hours, local time: the morning and the afternoon session; working hours run inside them and dossiers fall due at the close" },
	{ "receipt_cutoff", "CCHC_RECEIPT_CUTOFF", "15:00",
	  "dossiers received after this local time, or on a day off, count from the next working day" },
	{ "track_rate_limit", "CCHC_TRACK_RATE_LIMIT", "30",
	  "public dossier lookups per minute from one address (0: no limit)" },
	{ "kpi_cache_seconds", "CCHC_KPI_CACHE_SECONDS", "10",
	  "how long computed indicators are kept before they are computed again (0: always computed)" },
	{ "slip_forms", "CCHC_SLIP_FORMS", "tt01-2018",
	  "form set of the slips and the tracking ledger (data/slip-forms.tsv): tt01-2018 (Circular 01/2018/TT-VPCP) or tt03-2025 (Circular 03/2025/TT-VPCP)" },
	{ "public_url", "CCHC_PUBLIC_URL", "http://127.0.0.1:8080",
	  "public base URL of the portal: receipts carry a QR code of <public_url>/tra-cuu?ma=CODE" },
	{ "payment_testpay", "CCHC_PAYMENT_TESTPAY", "0",
	  "1 to offer the built-in test payment provider (testpay), which takes no real money: for tests and demonstrations, never in production" },
	{ "payment_testpay_secret", "CCHC_PAYMENT_TESTPAY_SECRET", "",
	  "testpay's HMAC-SHA256 secret; empty: one is generated and kept in the database" },
	{ "payment_callback_window", "CCHC_PAYMENT_CALLBACK_WINDOW", "300",
	  "seconds a payment provider's callback timestamp may be off; older ones are refused as replays" },
	{ "upload_dir", "CCHC_UPLOAD_DIR", "var/uploads",
	  "directory of the files citizens and officers upload (kept under their SHA-256)" },
	{ "upload_file_limit", "CCHC_UPLOAD_FILE_LIMIT", "5242880",
	  "largest uploaded file, in bytes" },
	{ "upload_body_limit", "CCHC_UPLOAD_BODY_LIMIT", "26214400",
	  "largest request body of the upload routes only, in bytes (several files in one form)" },
	{ "citizen_code_ttl", "CCHC_CITIZEN_CODE_TTL", "300",
	  "seconds a sign-in code sent by SMS to a citizen stays valid" },
	{ "citizen_codes_per_address", "CCHC_CITIZEN_CODES_PER_ADDRESS", "30",
	  "sign-in codes one address may ask for per hour (mobile carriers put many phones behind one address; 0: no limit)" },
	{ "citizen_lock_time", "CCHC_CITIZEN_LOCK_TIME", "900",
	  "seconds a mobile number is locked after five wrong sign-in codes" },
	{ "tls", "CCHC_TLS", "0",
	  "1 when cchc is served over TLS (behind a proxy): cookies get Secure" },
	{ "notify_worker", "CCHC_NOTIFY_WORKER", "1",
	  "1 to deliver queued notifications (SMS, e-mail, webhooks) from a thread of `cchc serve`; 0 when `cchc notify run` does it" },
	{ "notify_interval", "CCHC_NOTIFY_INTERVAL", "5",
	  "seconds between two passes of notification delivery" },
	{ "notify_backoff", "CCHC_NOTIFY_BACKOFF", "60",
	  "seconds before retrying a notification after a temporary failure, doubled at each attempt (at most a day)" },
	{ "notify_max_attempts", "CCHC_NOTIFY_MAX_ATTEMPTS", "8",
	  "attempts before a notification that keeps failing temporarily is given up (tech_failed)" },
	{ "notify_lease", "CCHC_NOTIFY_LEASE", "300",
	  "seconds a delivery worker holds a claimed notification; after that another worker may send it" },
	{ "notify_timeout", "CCHC_NOTIFY_TIMEOUT", "20",
	  "seconds allowed for one call to an SMS, e-mail or webhook gateway" },
	{ "notify_secret", "CCHC_NOTIFY_SECRET", "",
	  "secret that signs SMS delivery-receipt URLs; empty: one generated and kept in the database" },
	{ "sms_url", "CCHC_SMS_URL", "",
	  "Kannel's sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms; empty: SMS stay queued" },
	{ "sms_user", "CCHC_SMS_USER", "",
	  "user name of Kannel's sendsms interface" },
	{ "sms_password", "CCHC_SMS_PASSWORD", "",
	  "password of Kannel's sendsms interface" },
	{ "sms_from", "CCHC_SMS_FROM", "",
	  "sender of the SMS (a short code or name the operator allows); empty: Kannel's default" },
	{ "sms_ascii", "CCHC_SMS_ASCII", "0",
	  "1 to send SMS without Vietnamese diacritics (GSM-7, 160 characters a part instead of 70)" },
	{ "smtp_url", "CCHC_SMTP_URL", "",
	  "SMTP server for e-mail, e.g. smtp://127.0.0.1:25 or smtps://user:pass@mail.example.vn; empty: e-mail stays queued" },
	{ "smtp_from", "CCHC_SMTP_FROM", "cchc@localhost",
	  "sender address of the e-mail" },
	{ "plan_reminder_webhook", "CCHC_PLAN_REMINDER_WEBHOOK", "",
	  "URL that queued plan reminders are POSTed to as JSON; empty: they stay queued" },
	{ 0, 0, 0, 0 }
};

static int key_index(const char *key)
{
	for (int i = 0; config_keys[i].key; i++)
		if (!strcmp(config_keys[i].key, key))
			return i;
	return -1;
}

bool config_known(const char *key)
{
	return key_index(key) >= 0;
}

void config_init(struct config *c)
{
	size_t n = 0;

	while (config_keys[n].key)
		n++;
	c->values = xcalloc(n, sizeof(char *));
	c->file = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(config_keys[i].env);

		c->values[i] = xstrdup(v && *v ? v : config_keys[i].def);
	}
}

void config_release(struct config *c)
{
	if (c->values)
		for (int i = 0; config_keys[i].key; i++)
			free(c->values[i]);
	free(c->values);
	free(c->file);
	c->values = NULL;
	c->file = NULL;
}

int config_set(struct config *c, const char *key, const char *value,
	       struct err *e)
{
	int i = key_index(key);

	if (i < 0)
		return err_set(e, E_INVALID, key, "unknown setting '%s'", key);
	free(c->values[i]);
	c->values[i] = xstrdup(value);
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

int config_read_file(struct config *c, const char *path, bool required,
		     struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int lineno = 0, ret = 0;

	if (!f) {
		if (!required && errno == ENOENT)
			return 0;
		return err_set(e, E_INVALID, "config", "cannot read config file '%s': %s",
			       path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *value;

		lineno++;
		if ((s = strchr(line, '#')))
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			ret = err_set(e, E_INVALID, "config",
				      "%s:%d: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (!config_known(key)) {
			ret = err_set(e, E_INVALID, key, "%s:%d: unknown setting '%s'",
				      path, lineno, key);
			goto out;
		}
		config_set(c, key, value, NULL);
	}
	free(c->file);
	c->file = xstrdup(path);
out:
	fclose(f);
	return ret;
}

const char *config_get(const struct config *c, const char *key)
{
	int i = key_index(key);

	if (i < 0)
		die("config: no setting '%s'", key);
	return c->values[i];
}

int config_get_int(const struct config *c, const char *key, int64_t *out,
		   struct err *e)
{
	const char *v = config_get(c, key);
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		return err_set(e, E_INVALID, key, "setting '%s' must be a whole number, not '%s'",
			       key, v);
	*out = n;
	return 0;
}

void config_write_defaults(struct strbuf *out)
{
	strbuf_addstr(out,
		"# cchc.conf — settings of cchc, each shown with its default.\n"
		"#\n"
		"# Format: key = value; '#' starts a comment.  The same setting can be\n"
		"# given as a flag (--key value, which wins over this file) or in the\n"
		"# environment (CCHC_KEY, which this file wins over).  `cchc serve` reads\n"
		"# ./cchc.conf if it exists, or the file named by --config or CCHC_CONFIG.\n");
	for (int i = 0; config_keys[i].key; i++)
		strbuf_addf(out, "\n# %s (environment: %s)\n# %s = %s\n",
			    config_keys[i].help, config_keys[i].env,
			    config_keys[i].key, config_keys[i].def);
}
