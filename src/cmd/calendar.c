/*
 * `cchc calendar`: the working-day calendar from the command line, on the
 * configured office hours and receipt cutoff and the schedules embedded
 * from assets/data/holidays.tsv, plus the notices saved in the database
 * when --db is given.  Plain, stable output, one item per line, for people
 * and scripts alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "calendar/calendar.h"
#include "cmd/cmd.h"
#include "db/db.h"
#include "holiday/holiday.h"

static const char usage_text[] =
	"usage: cchc calendar holidays YEAR [--db URL]\n"
	"       cchc calendar lunar YYYY-MM-DD\n"
	"       cchc calendar due \"YYYY-MM-DD HH:MM\" N days|hours|calendar-days [--db URL]\n"
	"       cchc calendar workdays YYYY-MM-DD YYYY-MM-DD [--db URL]\n";

static const char help_text[] =
	"\n"
	"Vietnam's working-day calendar (local time UTC+7), with the official\n"
	"schedules of days off built in.  Years 1900-2199.\n"
	"\n"
	"  holidays YEAR   every weekday off, then every Saturday worked, as\n"
	"                  YYYY-MM-DD<TAB>name, sorted by date\n"
	"  lunar DATE      the Vietnamese lunar date, D/M/YYYY, with \" leap\" in a\n"
	"                  leap month\n"
	"  due TIME N UNIT when a dossier received at TIME is due after N working\n"
	"                  days, working hours or calendar days, as YYYY-MM-DD HH:MM;\n"
	"                  received after 15:00 or on a day off, it counts from the\n"
	"                  next working day, and day 1 is the working day after that\n"
	"  workdays A B    the working days after A up to and including B\n"
	"\n"
	"Without --db, the schedules built in; with --db URL, also the notices\n"
	"admins saved in that database, the newest of each year winning, as the\n"
	"server uses them.  The settings office_hours and receipt_cutoff (see\n"
	"`cchc help config`) apply, from the config file, the environment or\n"
	"--office-hours and --receipt-cutoff.\n"
	"\n"
	"The rules and their sources: docs/calendar.md.\n";

/* Prints "error: WHAT 'ARG': DETAIL" (ARG and DETAIL if given) and the usage. */
static int bad_usage(const char *what, const char *arg, const char *detail)
{
	fprintf(stderr, "error: %s", what);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	if (detail && *detail)
		fprintf(stderr, ": %s", detail);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return 2;
}

/* A setting's value, or NULL while the build has no such setting. */
static const char *setting(const struct config *c, const char *key)
{
	return config_known(key) ? config_get(c, key) : NULL;
}

/*
 * The calendar: the configured settings, the built-in schedules and, with
 * a database, its notices.  Returns 0 or the exit code, after a message.
 */
static int load_calendar(struct calendar *cal, const struct config *c, bool with_db)
{
	struct calendar_settings s;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	int ret;

	if (holiday_settings_parse(setting(c, "office_hours"), setting(c, "receipt_cutoff"),
				   &s, &e)) {
		fprintf(stderr, "error: %s\n", e.message);
		return 2;
	}
	if (with_db && cmd_open_db(c, &db))
		return 1;
	ret = holiday_calendar_build(db, &s, cal, &e);
	if (ret) {
		if (ret == E_INTERNAL)
			fputs("error: cannot load the calendar (see the log above)\n", stderr);
		else
			fprintf(stderr, "error: %s\n", e.message);
		ret = 1;
	}
	db_close(db);
	return ret;
}

/* Parses a whole decimal number from 0 to max, with nothing around it. */
static bool parse_number(const char *s, int max, int *out)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	*out = (int)v;
	return true;
}

static int calendar_holidays(const struct calendar *cal, int argc, char **argv)
{
	struct calendar_year y;
	char date[CALENDAR_DAY_SIZE];
	int year;

	if (argc != 3)
		return bad_usage("holidays takes one YEAR", NULL, NULL);
	if (!parse_number(argv[2], CALENDAR_LAST_YEAR, &year) || year < CALENDAR_FIRST_YEAR)
		return bad_usage("bad YEAR", argv[2], "must be a year from 1900 to 2199");
	calendar_year_load(&y, cal, year);
	for (size_t i = 0; i < y.nr; i++) {
		if (y.days[i].kind != CALENDAR_OFF || calendar_weekday(y.days[i].date) > 5)
			continue;
		calendar_day_format(y.days[i].date, date);
		printf("%s\t%s\n", date, y.days[i].name);
	}
	for (size_t i = 0; i < y.nr; i++) {
		int wd = calendar_weekday(y.days[i].date);

		if (y.days[i].kind != CALENDAR_WORK || wd <= 5)
			continue;
		calendar_day_format(y.days[i].date, date);
		printf("%s\tLàm bù (%s làm việc): %s\n", date,
		       wd == 6 ? "thứ Bảy" : "Chủ nhật", y.days[i].name);
	}
	return 0;
}

static int calendar_lunar(int argc, char **argv)
{
	struct err e = ERR_INIT;
	struct lunar_date ld;
	int day;

	if (argc != 3)
		return bad_usage("lunar takes one date YYYY-MM-DD", NULL, NULL);
	if (calendar_day_parse(argv[2], &day, &e))
		return bad_usage("bad date", argv[2], e.message);
	if (lunar_date_from_day(&ld, day))
		return bad_usage("bad date", argv[2], "outside the lunar calendar");
	printf("%d/%d/%d%s\n", ld.day, ld.month, ld.year, ld.leap ? " leap" : "");
	return 0;
}

static int calendar_due_cmd(const struct calendar *cal, int argc, char **argv)
{
	static const struct {
		const char *name;
		enum calendar_unit unit;
	} units[] = {
		{ "days", CALENDAR_WORKDAYS },
		{ "hours", CALENDAR_WORKHOURS },
		{ "calendar-days", CALENDAR_DAYS },
	};
	struct err e = ERR_INIT;
	char out[CALENDAR_TIME_SIZE];
	int64_t receipt, due;
	size_t u;
	int n;

	if (argc != 5)
		return bad_usage("due takes a time \"YYYY-MM-DD HH:MM\", N and a unit", NULL, NULL);
	if (calendar_time_parse(argv[2], &receipt, &e))
		return bad_usage("bad time", argv[2], e.message);
	if (!parse_number(argv[3], CALENDAR_MAX_SPAN, &n))
		return bad_usage("bad N", argv[3], "must be a whole number from 0 to 20000");
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++)
		if (!strcmp(argv[4], units[u].name))
			break;
	if (u == sizeof(units) / sizeof(units[0]))
		return bad_usage("bad unit", argv[4], "must be days, hours or calendar-days");
	if (calendar_due(cal, receipt, n, units[u].unit, &due, &e))
		return bad_usage(!strcmp(e.field, "n") ? "bad N" : "bad time",
				 !strcmp(e.field, "n") ? argv[3] : argv[2], e.message);
	calendar_time_format(due, out);
	printf("%s\n", out);
	return 0;
}

static int calendar_workdays(const struct calendar *cal, int argc, char **argv)
{
	struct err e = ERR_INIT;
	int from, to;

	if (argc != 4)
		return bad_usage("workdays takes two dates YYYY-MM-DD", NULL, NULL);
	if (calendar_day_parse(argv[2], &from, &e))
		return bad_usage("bad first date", argv[2], e.message);
	if (calendar_day_parse(argv[3], &to, &e))
		return bad_usage("bad second date", argv[3], e.message);
	printf("%d\n", calendar_workdays_between(cal, from, to));
	return 0;
}

int cmd_calendar(int argc, char **argv)
{
	struct calendar cal = CALENDAR_INIT;
	struct config c = CONFIG_INIT;
	const char *sub;
	bool with_db = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--db") || !strncmp(argv[i], "--db=", 5))
			with_db = true;
	}
	/* The settings' flags (--db, --office-hours …) leave argv here. */
	ret = cmd_settings(&argc, argv, NULL, &c);
	if (ret)
		goto out;
	sub = argc > 1 ? argv[1] : NULL;
	if (!sub) {
		fputs(usage_text, stderr);
		ret = 2;
		goto out;
	}
	if (!strcmp(sub, "lunar")) {
		ret = calendar_lunar(argc, argv);
		goto out;
	}
	if (strcmp(sub, "holidays") && strcmp(sub, "due") && strcmp(sub, "workdays")) {
		ret = bad_usage("unknown calendar command", sub, NULL);
		goto out;
	}

	ret = load_calendar(&cal, &c, with_db);
	if (ret)
		goto out;
	if (!strcmp(sub, "holidays"))
		ret = calendar_holidays(&cal, argc, argv);
	else if (!strcmp(sub, "due"))
		ret = calendar_due_cmd(&cal, argc, argv);
	else
		ret = calendar_workdays(&cal, argc, argv);
	if (!ret && (fflush(stdout) || ferror(stdout))) {
		perror("error: cannot write the output");
		ret = 1;
	}
out:
	calendar_release(&cal);
	config_release(&c);
	return ret;
}
