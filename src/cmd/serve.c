/* cchc serve: the web server. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "base/config.h"
#include "base/i18n.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/slips.h"
#include "http/http.h"
#include "payment/payment.h"
#include "notify/notify.h"
#include "portal/portal.h"
#include "kpi/kpi.h"

static const char usage[] =
	"usage: cchc serve [--config FILE] [--listen HOST:PORT] [--db URL] [--SETTING VALUE]...\n"
	"\n"
	"Serves the web pages and the JSON API until SIGINT or SIGTERM.  Applies\n"
	"pending migrations first.  Every setting of `cchc help config` can be\n"
	"given as a flag.  Unless notify_worker is 0, a thread also delivers the\n"
	"queued notifications (as `cchc notify run` does).\n";

static int setting_uint(const struct config *c, const char *key, unsigned *out)
{
	struct err e = ERR_INIT;
	int64_t v;

	if (config_get_int(c, key, &v, &e) || v < 0 || v > 1 << 30) {
		fprintf(stderr, "error: setting '%s' must be a whole number ≥ 0, not '%s'\n",
			key, config_get(c, key));
		return 2;
	}
	*out = (unsigned)v;
	return 0;
}

#define POOL_MAX 1024	/* pool threads */

/* The notification worker thread's arguments. */
struct worker {
	const char *db_url;
	struct notify_config nc;
	volatile bool stop;
};

static void *notify_thread(void *arg)
{
	struct worker *w = arg;

	notify_worker(w->db_url, &w->nc, &w->stop);
	return NULL;
}

int cmd_serve(int argc, char **argv)
{
	struct config c = CONFIG_INIT;
	struct http_config hc;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	unsigned threads, pool_threads, body_limit, timeout, grace, access_log, tls, track_limit, notify;
	unsigned testpay, window;
	struct worker w = { 0 };
	pthread_t worker;
	bool worker_started = false;
	unsigned file_limit, upload_limit, code_ttl, lock_time, per_address;
	struct portal_settings ps;
	unsigned kpi_cache;
	long cores;
	bool sqlite;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, NULL, &c);
	if (!ret && argc > 1) {
		fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[1], usage);
		ret = 2;
	}
	if (!ret)
		ret = setting_uint(&c, "threads", &threads) ||
		      setting_uint(&c, "pool_threads", &pool_threads) ||
		      setting_uint(&c, "body_limit", &body_limit) ||
		      setting_uint(&c, "connection_timeout", &timeout) ||
		      setting_uint(&c, "shutdown_grace", &grace) ||
		      setting_uint(&c, "access_log", &access_log) ||
		      setting_uint(&c, "tls", &tls) ||
		      setting_uint(&c, "track_rate_limit", &track_limit) ||
		      setting_uint(&c, "payment_testpay", &testpay) ||
		      setting_uint(&c, "payment_callback_window", &window) ||
		      setting_uint(&c, "notify_worker", &notify) ||
		      setting_uint(&c, "upload_file_limit", &file_limit) ||
		      setting_uint(&c, "upload_body_limit", &upload_limit) ||
		      setting_uint(&c, "citizen_code_ttl", &code_ttl) ||
		      setting_uint(&c, "citizen_lock_time", &lock_time) ||
		      setting_uint(&c, "citizen_codes_per_address", &per_address) ||
		      setting_uint(&c, "kpi_cache_seconds", &kpi_cache) ? 2 : 0;
	if (!ret && notify_configure(&c, &w.nc, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 2;
	}
	if (!ret && slips_set_forms(config_get(&c, "slip_forms"), &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 2;
	}
	if (ret)
		goto out;
	slips_set_public_url(config_get(&c, "public_url"));
	payment_configure(&(struct payment_settings){ config_get(&c, "public_url"), testpay != 0,
		config_get(&c, "payment_testpay_secret"), (int)window });
	ret = cmd_open_db(&c, &db);
	if (ret)
		goto out;
	sqlite = db_kind(db) == DB_SQLITE;
	db_close(db);

	memset(&hc, 0, sizeof(hc));
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	/*
	 * The network threads only run what is quick (the pool takes the
	 * rest: see http/server.c), so one per core: more only take turns on
	 * the cores and lengthen the slowest answers.
	 */
	if (!threads)
		threads = (unsigned)cores;
	/*
	 * On SQLite the changes waiting together share one commit, so the pool
	 * is larger than the cores; PostgreSQL commits each on its own, and
	 * every thread holds one of its connections.
	 */
	if (!pool_threads)
		pool_threads = cores * (sqlite ? 16 : 4) > POOL_MAX ? POOL_MAX :
			(unsigned)cores * (sqlite ? 16 : 4);
	if (pool_threads > POOL_MAX) {
		fprintf(stderr, "error: setting 'pool_threads' must be at most %d, not %u\n",
			POOL_MAX, pool_threads);
		ret = 2;
		goto out;
	}
	hc.listen = config_get(&c, "listen");
	hc.db_url = config_get(&c, "db");
	hc.threads = threads;
	hc.pool_threads = pool_threads;
	hc.body_limit = body_limit;
	hc.upload_limit = upload_limit;
	ps.upload_dir = config_get(&c, "upload_dir");
	ps.code_ttl = code_ttl ? code_ttl : 300;
	ps.lock_time = lock_time;
	ps.file_limit = file_limit;
	ps.codes_per_address = (int)per_address;
	portal_configure(&ps);
	hc.connection_timeout = timeout;
	hc.shutdown_grace = grace;
	hc.access_log = access_log != 0;
	hc.tls = tls != 0;
	hc.default_lang = config_get(&c, "default_lang");
	dossier_set_track_limit((int)track_limit);
	kpi_set_cache_seconds((int)kpi_cache);
	hc.routes = app_routes(&hc.nroutes);
	app_init(&hc.hooks);
	if (notify) {
		sigset_t set;

		/* Signals are the server's main thread's (http_serve waits for them). */
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		w.db_url = hc.db_url;
		worker_started = !pthread_create(&worker, NULL, notify_thread, &w);
		if (!worker_started)
			fprintf(stderr, "warning: cannot start the notification worker\n");
	}
	if (http_serve(&hc, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 1;
	}
	if (worker_started) {
		w.stop = true;
		pthread_join(worker, NULL);
	}
out:
	config_release(&c);
	return ret;
}
