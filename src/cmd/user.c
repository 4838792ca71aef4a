/* cchc user: add, list, disable, enable and reset-password. */
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "org/org.h"

static const char usage[] =
	"usage: cchc user add --username NAME --role ROLE[,ROLE…] --agency CODE\n"
	"                     [--full-name NAME] [--db URL]   (password on standard input)\n"
	"       cchc user list [--db URL]\n"
	"       cchc user disable|enable NAME [--db URL]\n"
	"       cchc user reset-password NAME [--db URL]\n"
	"\n"
	"Roles: admin, clerk, specialist, leader, monitor, reporter, postal.\n"
	"CODE is an agency's key (e.g. so-noi-vu) or electronic identifier.\n"
	"reset-password prints a one-time password that must be changed at sign-in.\n";

/* Reads one line (the password) from standard input, without its newline. */
static int read_password(char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, stdin))
		return -1;
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return len ? 0 : -1;
}

static int user_add(struct db *db, int argc, char **argv)
{
	struct user_new nu = { 0 };
	struct err e = ERR_INIT;
	char password[300];
	int64_t id;

	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (!strcmp(argv[i], "--username"))
			slot = &nu.username;
		else if (!strcmp(argv[i], "--role") || !strcmp(argv[i], "--roles"))
			slot = &nu.roles;
		else if (!strcmp(argv[i], "--agency"))
			slot = &nu.agency;
		else if (!strcmp(argv[i], "--full-name"))
			slot = &nu.full_name;
		if (!slot || i + 1 >= argc) {
			fprintf(stderr, "error: %s '%s'\n%s", slot ? "missing value for" :
				"unexpected argument", argv[i], usage);
			return 2;
		}
		*slot = argv[++i];
	}
	if (!nu.username || !nu.roles || !nu.agency) {
		fprintf(stderr, "error: --username, --role and --agency are required\n%s", usage);
		return 2;
	}
	if (!nu.full_name)
		nu.full_name = nu.username;
	if (read_password(password, sizeof(password))) {
		fprintf(stderr, "error: give the password on standard input\n");
		return 2;
	}
	nu.password = password;
	if (user_create(db, NULL, &audit_cli, &nu, &id, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		return 1;
	}
	printf("user %s created\n", nu.username);
	return 0;
}

static int user_print_list(struct db *db)
{
	struct user root = { .roles = ROLE_MONITOR, .agency_path = (char *)"/" };
	json_t *items, *u;
	size_t i;

	if (user_list(db, &root, &items)) {
		fprintf(stderr, "error: cannot list users\n");
		return 1;
	}
	json_array_foreach(items, i, u)
		printf("%s\t%s\t%s\t%s\t%s\n",
		       json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "roles")),
		       json_string_value(json_object_get(json_object_get(u, "agency"), "key")),
		       json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active",
		       json_string_value(json_object_get(u, "full_name")));
	json_decref(items);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	const char *sub;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, (const char *const[]){ "--username", "--role",
			   "--roles", "--agency", "--full-name", NULL }, &c);
	if (ret)
		goto out;
	if (argc < 2) {
		fputs(usage, stderr);
		ret = 2;
		goto out;
	}
	sub = argv[1];
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "disable") &&
	    strcmp(sub, "enable") && strcmp(sub, "reset-password")) {
		fprintf(stderr, "error: unknown subcommand '%s'\n%s", sub, usage);
		ret = 2;
		goto out;
	}
	if ((!strcmp(sub, "list") && argc != 2) ||
	    (strcmp(sub, "list") && strcmp(sub, "add") && argc != 3)) {
		fprintf(stderr, "error: wrong arguments for '%s'\n%s", sub, usage);
		ret = 2;
		goto out;
	}
	ret = cmd_open_db(&c, &db);
	if (ret)
		goto out;
	if (!strcmp(sub, "add")) {
		ret = user_add(db, argc - 1, argv + 1);
	} else if (!strcmp(sub, "list")) {
		ret = user_print_list(db);
	} else if (!strcmp(sub, "reset-password")) {
		char pw[17];

		password_generate(pw);
		ret = user_set_password(db, NULL, &audit_cli, argv[2], pw, true, &e);
		if (!ret)
			printf("one-time password for %s: %s\n", argv[2], pw);
	} else {
		ret = user_set_disabled(db, NULL, &audit_cli, argv[2],
					!strcmp(sub, "disable"), &e);
		if (!ret)
			printf("user %s %sd\n", argv[2], sub);
	}
	if (ret < 0) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message : "see the log");
		ret = 1;
	}
out:
	db_close(db);
	config_release(&c);
	return ret;
}
