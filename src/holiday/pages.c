/*
 * The calendar page: a year's twelve months with the days off and the
 * weekend days worked marked, the list of those days with their names and
 * the notices that set them, and for admins the form that adds the
 * year's notice (with the history of its versions for admins and
 * monitors).
 *
 * Days are marked with words as well as colours (WCAG 1.4.1), and the
 * weekend is told by its column.  Like every page it works without
 * JavaScript; the form's errors are announced and name the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "holiday/holiday.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"

#define CAL_URL "/lich"

static const char *const month_names[] = {
	N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
	N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
	N_("December"),
};

/* By ISO weekday, 1 = Monday. */
static const char *const weekday_names[] = {
	"", N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
	N_("Saturday"), N_("Sunday"),
};

static const char *const weekday_short[] = {
	"", N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
};

/* What the admin typed into the notice form, shown again after an error. */
struct notice_form {
	const char *notice;
	const char *rows;
};

/* ---- small pieces ------------------------------------------------------------ */

/* A form's error, announced at once, with a link to the field it is about. */
static void form_error(struct strbuf *out, const struct err *e)
{
	if (!e->message[0])
		return;
	html(out, "<div role=\"alert\" id=\"form-error\">\n<p class=\"error\">");
	html_txt(out, e->message);
	html(out, "</p>\n");
	if (!strcmp(e->field, "notice") || !strcmp(e->field, "rows")) {
		html(out, "<p><a href=\"#f-");
		html_attr(out, e->field);
		html(out, "\">");
		html_txt(out, _("Go to the field"));
		html(out, "</a></p>\n");
	}
	html(out, "</div>\n");
}

static bool field_bad(const struct err *e, const char *name)
{
	return e->message[0] && !strcmp(e->field, name);
}

/* Local date of a day number as dd/mm/yyyy in a <time> element. */
static void date_text(struct strbuf *out, int day)
{
	char iso[CALENDAR_DAY_SIZE], shown[16];
	int y, m, d;

	calendar_day_format(day, iso);
	calendar_day_to_ymd(day, &y, &m, &d);
	snprintf(shown, sizeof(shown), "%02d/%02d/%04d", d, m, y);
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txt(out, shown);
	html(out, "</time>");
}

/* Local time of t as dd/mm/yyyy HH:MM in a <time> element. */
static void time_text(struct strbuf *out, int64_t t)
{
	int day = calendar_day_of(t), sec = calendar_second_of_day(t), y, m, d;
	char iso[40], shown[24];

	calendar_day_to_ymd(day, &y, &m, &d);
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d+07:00", y, m, d,
		 sec / 3600, sec / 60 % 60);
	snprintf(shown, sizeof(shown), "%02d/%02d/%04d %02d:%02d", d, m, y,
		 sec / 3600, sec / 60 % 60);
	html(out, "<time datetime=\"");
	html_attr(out, iso);
	html(out, "\">");
	html_txt(out, shown);
	html(out, "</time>");
}

/* The day of y listed for date, or NULL. */
static const struct calendar_day *year_day(const struct calendar_year *y, int date)
{
	for (size_t i = 0; i < y->nr; i++)
		if (y->days[i].date == date)
			return &y->days[i];
	return NULL;
}

/* ---- the page ------------------------------------------------------------------- */

/* Links to the year before and after. */
static void year_nav(struct strbuf *out, int year)
{
	char prev[16], next[16];

	snprintf(prev, sizeof(prev), "%d", year - 1);
	snprintf(next, sizeof(next), "%d", year + 1);
	html(out, "<nav aria-label=\"");
	html_attr(out, _("Other years"));
	html(out, "\"><p>");
	if (year > CALENDAR_FIRST_YEAR) {
		html(out, "<a rel=\"prev\" href=\"" CAL_URL "/");
		html_url_arg(out, prev);
		html(out, "\">← ");
		html_txt_sub(out, _("Year %s"), prev, NULL);
		html(out, "</a>");
	}
	if (year > CALENDAR_FIRST_YEAR && year < CALENDAR_LAST_YEAR)
		html(out, " · ");
	if (year < CALENDAR_LAST_YEAR) {
		html(out, "<a rel=\"next\" href=\"" CAL_URL "/");
		html_url_arg(out, next);
		html(out, "\">");
		html_txt_sub(out, _("Year %s"), next, NULL);
		html(out, " →</a>");
	}
	html(out, "</p></nav>\n");
}

/* Where the year's schedule comes from, and the settings it is used with. */
static void year_status(struct strbuf *out, const struct calendar *cal, int year,
			const struct calendar_year *y)
{
	struct calendar_settings s = holiday_settings();
	struct holiday_origin o;
	char ys[16], a[HOLIDAY_MINUTE_SIZE], b[HOLIDAY_MINUTE_SIZE];
	char c[HOLIDAY_MINUTE_SIZE], d[HOLIDAY_MINUTE_SIZE], cutoff[HOLIDAY_MINUTE_SIZE];
	struct strbuf tmp = STRBUF_INIT;

	holiday_origin(cal, year, &o);
	snprintf(ys, sizeof(ys), "%d", year);
	if (!y->official) {
		html(out, "<p class=\"notice\" id=\"schedule-source\">");
		html_txt_sub(out, _("No official notice has been loaded for %s yet: the days off below are computed from the Labour Code 2019 (Art. 111, 112) and may change when the government announces the year's schedule."),
			ys, NULL);
	} else {
		html(out, "<p id=\"schedule-source\">");
		if (o.source == HOLIDAY_NOTICE)
			html_txt_sub(out, _("The official schedule of the year, as last set by notice %s."),
				o.notice, NULL);
		else
			html_txt(out, _("The official schedule of the year, from the government's notices built into the program."));
	}
	html(out, "</p>\n<p>");
	holiday_minute_format(s.morning_start, a);
	holiday_minute_format(s.morning_end, b);
	holiday_minute_format(s.afternoon_start, c);
	holiday_minute_format(s.afternoon_end, d);
	holiday_minute_format(s.receipt_cutoff, cutoff);
	strbuf_reset(&tmp);
	strbuf_addf(&tmp, "%s–%s, %s–%s", a, b, c, d);
	html_txt_sub(out, _("Office hours: %s."), tmp.buf, NULL);
	html(out, " ");
	html_txt_sub(out, _("Dossiers received after %s, or on a day off, count from the next working day."),
		cutoff, NULL);
	html(out, " ");
	html_txt_sub(out, _("Calendar version: %s."), calendar_version(cal), NULL);
	html(out, "</p>\n");
	strbuf_release(&tmp);
}

/* What the marks and colours of the months mean. */
static void legend(struct strbuf *out)
{
	html(out, "<ul class=\"legend\">\n<li><span class=\"tag bad\">");
	html_txt(out, _("off"));
	html(out, "</span> ");
	html_txt(out, _("a day off: a public holiday, a day of Tết, a compensatory or swapped day"));
	html(out, "</li>\n<li><span class=\"tag ok\">");
	html_txt(out, _("worked"));
	html(out, "</span> ");
	html_txt(out, _("a Saturday or Sunday worked in exchange for a weekday off"));
	html(out, "</li>\n<li>");
	html_txt_sub(out, _("The columns %s are the weekend, not working days unless marked."),
		_("Sat, Sun"), NULL);
	html(out, "</li>\n</ul>\n");
}

/* One month as a table, Monday to Sunday. */
static void month_table(struct strbuf *out, const struct calendar_year *y, int year,
			int month, int today)
{
	int first = calendar_day_from_ymd(year, month, 1);
	int last = month == 12 ? calendar_day_from_ymd(year + 1, 1, 1) :
		calendar_day_from_ymd(year, month + 1, 1);
	int wd = calendar_weekday(first);

	html(out, "<table>\n<caption>");
	html_txt(out, _(month_names[month - 1]));
	html(out, "</caption>\n<thead>\n<tr>");
	for (int i = 1; i <= 7; i++) {
		html(out, "<th scope=\"col\"><abbr title=\"");
		html_attr(out, _(weekday_names[i]));
		html(out, "\">");
		html_txt(out, _(weekday_short[i]));
		html(out, "</abbr></th>");
	}
	html(out, "</tr>\n</thead>\n<tbody>\n<tr>");
	for (int i = 1; i < wd; i++)
		html(out, "<td></td>");
	for (int day = first; day < last; day++) {
		const struct calendar_day *d = year_day(y, day);
		char iso[CALENDAR_DAY_SIZE], num[4];
		int mday;

		wd = calendar_weekday(day);
		if (wd == 1 && day != first)
			html(out, "</tr>\n<tr>");
		calendar_day_format(day, iso);
		calendar_day_to_ymd(day, NULL, NULL, &mday);
		snprintf(num, sizeof(num), "%d", mday);
		if (d && d->kind == CALENDAR_OFF)
			html(out, "<td class=\"off\"");
		else if (d)
			html(out, "<td class=\"work\"");
		else if (wd >= 6)
			html(out, "<td class=\"weekend\"");
		else
			html(out, "<td");
		if (d) {
			html(out, " title=\"");
			html_attr(out, d->name);
			html(out, "\"");
		}
		if (day == today)
			html(out, " aria-current=\"date\"");
		html(out, "><time datetime=\"");
		html_attr(out, iso);
		html(out, "\">");
		html_txt(out, num);
		html(out, "</time>");
		if (d) {
			html(out, "<br><small>");
			html_txt(out, d->kind == CALENDAR_OFF ? _("off") : _("worked"));
			html(out, "</small>");
		}
		html(out, "</td>");
	}
	for (; wd < 7; wd++)
		html(out, "<td></td>");
	html(out, "</tr>\n</tbody>\n</table>\n");
}

/* The days off and worked days of the year, with their names and sources. */
static void day_list(struct strbuf *out, const struct calendar_year *y)
{
	static const char *const cols[] = {
		N_("Date"), N_("Day of the week"), N_("Kind"), N_("Name"), N_("Source"),
	};

	html(out, "<table id=\"days\">\n<thead>\n<tr>");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr>\n</thead>\n<tbody>\n");
	for (size_t i = 0; i < y->nr; i++) {
		const struct calendar_day *d = &y->days[i];

		html(out, "<tr>\n<td>");
		date_text(out, d->date);
		html(out, "</td>\n<td>");
		html_txt(out, _(weekday_names[calendar_weekday(d->date)]));
		html(out, "</td>\n<td>");
		if (d->kind == CALENDAR_OFF) {
			html(out, "<span class=\"tag bad\">");
			html_txt(out, _("Day off"));
		} else {
			html(out, "<span class=\"tag ok\">");
			html_txt(out, _("Working day"));
		}
		html(out, "</span></td>\n<td>");
		html_txt(out, d->name);
		html(out, "</td>\n<td>");
		html_txt(out, d->notice);
		html(out, "</td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
}

/* The versions of the year's schedule (admins and monitors). */
static int history(struct request *req, struct strbuf *out, int year)
{
	static const char *const cols[] = {
		N_("Revision"), N_("Notice"), N_("Saved by"), N_("Saved at"),
		N_("Days listed"), N_("Calendar version"),
	};
	json_t *items = NULL, *v;
	size_t i;
	int ret = holiday_notice_list(req->db, year, &items);

	if (ret)
		return ret;
	html(out, "<h2 id=\"history\">");
	html_txt(out, _("Versions of the schedule"));
	html(out, "</h2>\n");
	if (!json_array_size(items)) {
		html(out, "<p>");
		html_txt(out, _("No notice has been saved for this year."));
		html(out, "</p>\n");
		goto out;
	}
	html(out, "<table>\n<thead>\n<tr>");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, _(cols[i]));
		html(out, "</th>");
	}
	html(out, "</tr>\n</thead>\n<tbody>\n");
	json_array_foreach(items, i, v) {
		char rev[24], ndays[24];
		bool builtin = json_is_true(json_object_get(v, "builtin"));

		snprintf(rev, sizeof(rev), "%lld",
			 (long long)json_integer_value(json_object_get(v, "revision")));
		snprintf(ndays, sizeof(ndays), "%zu",
			 json_array_size(json_object_get(v, "days")));
		html(out, "<tr>\n<td>");
		html_txt(out, rev);
		if (json_is_true(json_object_get(v, "active"))) {
			html(out, " <span class=\"tag ok\">");
			html_txt(out, _("in force"));
			html(out, "</span>");
		}
		html(out, "</td>\n<td>");
		html_txt(out, json_string_value(json_object_get(v, "notice")));
		html(out, "</td>\n<td>");
		if (builtin)
			html_txt(out, _("built into the program"));
		else
			html_txt(out, json_string_value(json_object_get(v, "username")));
		html(out, "</td>\n<td>");
		if (!builtin)
			time_text(out, json_integer_value(json_object_get(v, "created_at")));
		html(out, "</td>\n<td class=\"num\">");
		html_txt(out, ndays);
		html(out, "</td>\n<td><code>");
		html_txt(out, json_string_value(json_object_get(v, "calendar_version")));
		html(out, "</code></td>\n</tr>\n");
	}
	html(out, "</tbody>\n</table>\n");
out:
	json_decref(items);
	return 0;
}

/* The year's days as lines of the form, to start a new notice from. */
static void rows_text(struct strbuf *out, const struct calendar_year *y)
{
	for (size_t i = 0; i < y->nr; i++) {
		char date[CALENDAR_DAY_SIZE];

		calendar_day_format(y->days[i].date, date);
		strbuf_addf(out, "%s | %s | %s | %s\n", date,
			    y->days[i].kind == CALENDAR_WORK ? "work" : "off",
			    y->days[i].name, y->days[i].notice);
	}
}

/* The admin's form to add the year's notice. */
static void notice_form(struct request *req, struct response *res, int year,
			const struct calendar_year *y, const struct notice_form *f)
{
	struct strbuf *out = &res->body;
	struct strbuf text = STRBUF_INIT;
	char ys[16];
	bool bad_notice = field_bad(&req->err, "notice");
	bool bad_rows = field_bad(&req->err, "rows");

	snprintf(ys, sizeof(ys), "%d", year);
	html(out, "<h2 id=\"add\">");
	html_txt_sub(out, _("Add a notice for %s"), ys, NULL);
	html(out, "</h2>\n<p>");
	html_txt(out, _("A notice replaces the whole schedule of the year, and is kept as a new version: the earlier ones stay in the history. The lines below start from the schedule in force; change them as the notice says."));
	html(out, "</p>\n");
	form_error(out, &req->err);
	html(out, "<form class=\"stack\" method=\"post\" action=\"" CAL_URL "/");
	html_url_arg(out, ys);
	html(out, "\">\n");
	org_csrf_field(req, res);

	html(out, "<label for=\"f-notice\">");
	html_txt(out, _("Notice number"));
	html(out, "</label>\n<p id=\"f-notice-hint\">");
	html_txt(out, _("The number of the government's notice, for example 1234/TB-BNV. It is the source of every line that names none."));
	html(out, "</p>\n<input id=\"f-notice\" name=\"notice\" type=\"text\" required"
	     " autocomplete=\"off\" aria-describedby=\"f-notice-hint");
	html(out, bad_notice ? " form-error\" aria-invalid=\"true\"" : "\"");
	html(out, " value=\"");
	html_attr(out, f && f->notice ? f->notice : "");
	html(out, "\">\n");

	html(out, "<label for=\"f-rows\">");
	html_txt(out, _("Days of the year"));
	html(out, "</label>\n<p id=\"f-rows-hint\">");
	html_txt(out, _("One day per line: date | off or work | name | notice (optional). List every weekday off and every Saturday or Sunday worked; a day not listed is a working day from Monday to Friday and a day off at the weekend."));
	html(out, "</p>\n<textarea id=\"f-rows\" name=\"rows\" rows=\"20\" cols=\"80\" required"
	     " spellcheck=\"false\" aria-describedby=\"f-rows-hint");
	html(out, bad_rows ? " form-error\" aria-invalid=\"true\">" : "\">");
	if (f && f->rows) {
		html_txt(out, f->rows);
	} else {
		rows_text(&text, y);
		html_txt(out, text.buf);
	}
	html(out, "</textarea>\n<p><button type=\"submit\">");
	html_txt(out, _("Save the notice"));
	html(out, "</button></p>\n</form>\n");
	strbuf_release(&text);
}

static int year_page(struct request *req, struct response *res, int year,
		     const struct notice_form *f)
{
	struct strbuf *out = &res->body;
	struct strbuf title = STRBUF_INIT;
	struct calendar_year y;
	const struct calendar *cal;
	const char *saved = req_query(req, "saved");
	char ys[16];
	unsigned roles = req->user ? req->user->roles : 0;
	int today = calendar_day_of(clock_now());
	int ret = holiday_calendar(req->db, &cal);

	if (ret)
		return ret;
	calendar_year_load(&y, cal, year);
	snprintf(ys, sizeof(ys), "%d", year);
	/* The title, translated, with the year in it. */
	{
		const char *fmt = _("Working calendar %s");
		const char *at = strstr(fmt, "%s");

		if (at) {
			strbuf_add(&title, fmt, (size_t)(at - fmt));
			strbuf_addstr(&title, ys);
			strbuf_addstr(&title, at + 2);
		} else {
			strbuf_addstr(&title, fmt);
		}
	}
	page_begin(req, res, title.buf);
	html(out, "<h1>");
	html_txt(out, title.buf);
	html(out, "</h1>\n");
	if (saved && !f) {
		html(out, "<p class=\"notice\" role=\"status\">");
		html_txt(out, _("The notice has been saved and is now in force."));
		html(out, "</p>\n");
	}
	year_nav(out, year);
	year_status(out, cal, year, &y);
	legend(out);

	html(out, "<div class=\"calendar\">\n");
	for (int m = 1; m <= 12; m++)
		month_table(out, &y, year, m, today);
	html(out, "</div>\n<h2>");
	html_txt(out, _("Days off and worked days"));
	html(out, "</h2>\n");
	day_list(out, &y);
	if (roles & (ROLE_ADMIN | ROLE_MONITOR)) {
		ret = history(req, out, year);
		if (ret)
			goto out;
	}
	if (roles & ROLE_ADMIN)
		notice_form(req, res, year, &y, f);
	page_end(req, res);
out:
	strbuf_release(&title);
	return ret;
}

/* GET /lich: this year's calendar. */
static int page_current(struct request *req, struct response *res)
{
	int year;

	calendar_day_to_ymd(calendar_day_of(clock_now()), &year, NULL, NULL);
	if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
		year = CALENDAR_LAST_YEAR;
	return year_page(req, res, year, NULL);
}

/* GET /lich/{year} */
static int page_year(struct request *req, struct response *res)
{
	int year;
	int ret = holiday_year_parse(req_arg(req, 0), &year, &req->err);

	return ret ? ret : year_page(req, res, year, NULL);
}

/* Removes spaces and tabs at both ends of s, in place. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* The kinds the form accepts: the API's words, and the Vietnamese ones. */
static const char *kind_word(const char *s)
{
	static const struct {
		const char *word, *kind;
	} words[] = {
		{ "off", "off" }, { "nghỉ", "off" }, { "nghi", "off" },
		{ "work", "work" }, { "làm", "work" }, { "lam", "work" },
		{ "làm bù", "work" }, { "lam bu", "work" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i].word))
			return words[i].kind;
	return s;
}

/*
 * Splits the form's text into rows (pointing into text, which it changes);
 * line[i] gets the line number of row i.  Blank lines and lines starting
 * with '#' are skipped.  Returns the number of rows, which may be more than
 * max (only max are kept: the count is for the message), or -1 with e
 * filled for a line that is not "date | kind | name [| notice]".
 */
static int rows_parse(char *text, struct holiday_row *rows, int *line, int max,
		      struct err *e)
{
	int nr = 0, lineno = 0;
	char *next;

	for (char *s = text; s; s = next) {
		char *f[4] = { 0 };
		int nf = 0;

		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		s = trim(s);
		if (!*s || *s == '#')
			continue;
		if (nr >= max) {
			nr++;
			continue;
		}
		while (s && nf < 4) {
			char *sep = s + strcspn(s, "\t|");

			f[nf++] = s;
			if (*sep) {
				*sep = '\0';
				s = sep + 1;
			} else {
				s = NULL;
			}
		}
		if (nf < 3 || s) {
			err_set(e, E_INVALID, "rows",
				"line %d: write the date, off or work, the name and, if you wish, the notice, separated by |",
				lineno);
			return -1;
		}
		rows[nr].date = trim(f[0]);
		rows[nr].kind = kind_word(trim(f[1]));
		rows[nr].name = trim(f[2]);
		rows[nr].notice = f[3] ? trim(f[3]) : NULL;
		line[nr++] = lineno;
	}
	return nr;
}

/* POST /lich/{year}: an admin adds the year's notice through the form. */
static int page_notice_post(struct request *req, struct response *res)
{
	struct audit_actor who = audit_actor_of(req);
	struct holiday_row rows[CALENDAR_YEAR_MAX];
	int line[CALENDAR_YEAR_MAX];
	struct holiday_notice_new n = { 0 };
	struct notice_form f = { req_form(req, "notice"), req_form(req, "rows") };
	struct strbuf to = STRBUF_INIT;
	char *text = xstrdup(f.rows ? f.rows : "");
	char *notice = xstrdup(f.notice ? f.notice : "");
	int bad_row = -1, nr;
	int ret = holiday_year_parse(req_arg(req, 0), &n.year, &req->err);

	if (ret)
		goto out;
	nr = rows_parse(text, rows, line, CALENDAR_YEAR_MAX, &req->err);
	if (nr < 0) {
		ret = E_INVALID;
	} else {
		n.notice = trim(notice);
		n.rows = rows;
		n.nr = (size_t)nr;
		if (nr > CALENDAR_YEAR_MAX)
			nr = CALENDAR_YEAR_MAX;
		ret = holiday_notice_add(req->db, &who, &n, NULL, &bad_row, &req->err);
	}
	if (ret == E_INVALID || ret == E_CONFLICT) {
		if (bad_row >= 0 && bad_row < nr) {
			char inner[sizeof(req->err.message)];

			memcpy(inner, req->err.message, sizeof(inner));
			err_set(&req->err, ret, "rows", "line %d: %s", line[bad_row], inner);
		} else if (strcmp(req->err.field, "notice")) {
			snprintf(req->err.field, sizeof(req->err.field), "rows");
		}
		res->status = http_status_for(ret);
		ret = year_page(req, res, n.year, &f);
		goto out;
	}
	if (ret)
		goto out;
	strbuf_addf(&to, CAL_URL "/%d?saved=1", n.year);
	res_redirect(res, to.buf);
out:
	strbuf_release(&to);
	free(text);
	free(notice);
	return ret;
}

const struct route holiday_page_routes[] = {
	{ "GET", CAL_URL, page_current, ROUTE_HTML, ROLE_PUBLIC,
	  "this year's working calendar" },
	{ "GET", CAL_URL "/{year}", page_year, ROUTE_HTML, ROLE_PUBLIC,
	  "a year's working calendar: days off, worked days and their notices" },
	{ "POST", CAL_URL "/{year}", page_notice_post, ROUTE_HTML, ROLE_ADMIN,
	  "add a notice for the year (a new version of its schedule)" },
};
const unsigned holiday_page_nroutes = sizeof(holiday_page_routes) / sizeof(holiday_page_routes[0]);
