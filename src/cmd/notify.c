/* cchc notify: deliver the outbox of SMS, e-mail and webhooks. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "notify/notify.h"

static const char usage[] =
	"usage: cchc notify run [--once] [--db URL] [--SETTING VALUE]...\n"
	"\n"
	"Delivers queued notifications: SMS through Kannel (sms_url), e-mail\n"
	"through SMTP (smtp_url), webhooks; turns queued plan reminders into\n"
	"webhook calls (plan_reminder_webhook).  Runs a pass every notify_interval\n"
	"seconds until SIGINT or SIGTERM; with --once, one pass: every message due\n"
	"now is tried once, and the exit status is 0 unless the database failed.\n"
	"Several processes may run on one PostgreSQL database: each message is\n"
	"claimed by one.  `cchc serve` does the same in a thread unless\n"
	"notify_worker is 0.\n";

static volatile bool stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = true;
}

int cmd_notify(int argc, char **argv)
{
	static const char *const flags[] = { "--once", NULL };
	struct config c = CONFIG_INIT;
	struct notify_config nc;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	bool once = false;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	if (!ret && (argc < 2 || strcmp(argv[1], "run"))) {
		fprintf(stderr, "error: expected 'run'\n%s", usage);
		ret = 2;
	}
	for (int i = 2; !ret && i < argc; i++) {
		if (!strcmp(argv[i], "--once")) {
			once = true;
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[i], usage);
			ret = 2;
		}
	}
	if (!ret && notify_configure(&c, &nc, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 2;
	}
	if (ret)
		goto out;
	if (once) {
		char owner[128];
		int sent = 0;

		ret = cmd_open_db(&c, &db);
		if (ret)
			goto out;
		signal(SIGPIPE, SIG_IGN);
		notify_owner(owner, sizeof(owner));
		if (notify_deliver(db, &nc, owner, &sent, &e)) {
			fprintf(stderr, "error: %s\n", *e.message ? e.message : "delivery failed");
			ret = 1;
		} else {
			printf("%d sent\n", sent);
		}
		db_close(db);
		goto out;
	}
	ret = cmd_open_db(&c, &db);	/* migrations, and a clear error early */
	if (ret)
		goto out;
	db_close(db);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	notify_worker(config_get(&c, "db"), &nc, &stopping);
out:
	config_release(&c);
	return ret;
}
