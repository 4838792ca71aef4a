/*
 * cchc: the server and the command line in one program.
 *
 *   cchc serve | init | migrate | calendar | version | help [COMMAND|config]
 */
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "cmd/cmd.h"
#include "version.h"

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "serve", cmd_serve, "serve the web pages and the JSON API" },
	{ "init", cmd_init, "create the database, optionally with demo data" },
	{ "migrate", cmd_migrate, "apply pending database migrations" },
	{ "calendar", cmd_calendar, "working-day calendar: holidays, lunar dates, deadlines" },
	{ "user", cmd_user, "manage officers' accounts: add, list, disable, reset-password" },
	{ "catalog", cmd_catalog, "procedure catalogue: import and export" },
	{ "plan", cmd_plan, "reform plans: import a plan document, list plans, queue reminders" },
	{ "demo", cmd_demo, "generate a demonstration history of dossiers" },
	{ "kpi", cmd_kpi, "rebuild the indicators' counters from the history" },
	{ "payments", cmd_payments, "payments: reconcile with the payment providers" },
	{ "notify", cmd_notify, "deliver queued SMS, e-mail and webhook notifications" },
	{ "routes", cmd_routes, "list the HTTP routes with their access rules" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show this help, a command's help, or `help config`" },
};

static void usage(FILE *out)
{
	fputs("usage: cchc COMMAND [ARGS]\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n`cchc COMMAND --help` shows a command's options; "
	      "`cchc help config` lists every setting.\n", out);
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help")) {
		fprintf(stderr, "error: unexpected argument '%s'\nusage: cchc version\n",
			argv[1]);
		return 2;
	}
	if (argc > 1) {
		puts("usage: cchc version\n\nPrints the version of cchc.");
		return 0;
	}
	printf("cchc %s\n", CCHC_VERSION);
	return 0;
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "config")) {
		struct strbuf sb = STRBUF_INIT;

		config_write_defaults(&sb);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return 0;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "error: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	{
		char *sub[] = { argv[1], (char *)"--help", NULL };

		return c->run(2, sub);
	}
}

int main(int argc, char **argv)
{
	const struct command *c;

	i18n_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "error: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	return c->run(argc - 1, argv + 1);
}
