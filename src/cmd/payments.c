/* cchc payments: reconciliation with the payment providers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "payment/payment.h"

static const char usage[] =
	"usage: cchc payments reconcile [--provider NAME] [--fix] [--SETTING VALUE]...\n"
	"\n"
	"Asks each payment provider about every online payment order and reports\n"
	"the transactions cchc has not recorded (a lost callback: \"missing\") and\n"
	"those that disagree (\"mismatched\": amount, transaction id, or paid here\n"
	"but not at the provider).  With --fix, records the missing ones as their\n"
	"callback would have (fee paid, history, counters, SMS).  Exits 1 when\n"
	"something is missing or mismatched and was not fixed.  The providers on\n"
	"are those of the settings (payment_testpay).\n";

static void print_rows(const char *what, json_t *rows)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		char *s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);

		printf("%s\t%s\n", what, s);
		free(s);
	}
}

int cmd_payments(int argc, char **argv)
{
	static const char *const flags[] = { "--fix", "--provider", NULL };
	struct config c = CONFIG_INIT;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	const char *provider = NULL;
	json_t *report = NULL;
	bool fix = false;
	int64_t testpay = 0, window = 0;
	int ret;

	if (cmd_wants_help(argc, argv)) {
		fputs(usage, stdout);
		return 0;
	}
	ret = cmd_settings(&argc, argv, flags, &c);
	if (!ret && (argc < 2 || strcmp(argv[1], "reconcile"))) {
		fputs(usage, stderr);
		ret = 2;
	}
	for (int k = 2; !ret && k < argc; k++) {
		if (!strcmp(argv[k], "--fix")) {
			fix = true;
		} else if (!strcmp(argv[k], "--provider") && k + 1 < argc) {
			provider = argv[++k];
		} else {
			fprintf(stderr, "error: unexpected argument '%s'\n%s", argv[k], usage);
			ret = 2;
		}
	}
	if (!ret && (config_get_int(&c, "payment_testpay", &testpay, &e) ||
		     config_get_int(&c, "payment_callback_window", &window, &e))) {
		fprintf(stderr, "error: %s\n", e.message);
		ret = 2;
	}
	if (ret)
		goto out;
	payment_configure(&(struct payment_settings){ config_get(&c, "public_url"), testpay != 0,
		config_get(&c, "payment_testpay_secret"), (int)window });
	ret = cmd_open_db(&c, &db);
	if (!ret && payment_reconcile(db, provider, fix, &report, &e)) {
		fprintf(stderr, "error: %s\n", e.message[0] ? e.message : "see the log");
		ret = 1;
	}
	if (!ret) {
		json_t *missing = json_object_get(report, "missing");
		json_t *mismatched = json_object_get(report, "mismatched");
		json_int_t fixed = json_integer_value(json_object_get(report, "fixed"));

		print_rows("missing", missing);
		print_rows("mismatched", mismatched);
		printf("%lld order(s) checked: %zu missing, %zu mismatched, %lld fixed\n",
		       (long long)json_integer_value(json_object_get(report, "checked")),
		       json_array_size(missing), json_array_size(mismatched), (long long)fixed);
		if (json_array_size(mismatched) ||
		    (json_int_t)json_array_size(missing) > fixed)
			ret = 1;
	}
out:
	json_decref(report);
	db_close(db);
	config_release(&c);
	return ret;
}
