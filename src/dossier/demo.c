/*
 * The demonstration history: a year of dossiers generated through the same
 * domain functions the officers use, with the clock set to each moment, so
 * pages, queues and indicators have life.  Deterministic for a seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "holiday/holiday.h"
#include "notify/notify.h"
#include "org/org.h"

#define DEMO_PASSWORD "demo-cchc-2021"

/* A small deterministic generator (xorshift), so a seed gives one history. */
static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (unsigned)(rng_state % n) : 0;
}

static const char *const family[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng",
	"Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý" };
static const char *const middle[] = { "Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quang",
	"Hữu", "Đức", "Thu", "Kim" };
static const char *const given[] = { "An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh",
	"Hiếu", "Hoa", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quyên",
	"Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vy", "Xuân", "Yến" };

/* An officer of an agency who may do everything there, created once. */
static int demo_officer(struct db *db, const struct agency *a, struct user *out,
			struct err *e)
{
	struct user_new nu;
	char name[96], full[200];
	int64_t id;
	int ret;

	snprintf(name, sizeof(name), "demo-%s", a->key);
	ret = user_find(db, name, out);
	if (ret != E_NOTFOUND)
		return ret;
	snprintf(full, sizeof(full), "Cán bộ %s", a->short_name);
	nu.username = name;
	nu.full_name = full;
	nu.roles = "clerk,specialist,leader";
	nu.agency = a->key;
	nu.password = DEMO_PASSWORD;
	ret = user_create(db, NULL, &audit_cli, &nu, &id, e);
	return ret ? ret : user_get(db, id, out);
}

struct place {
	struct agency agency;
	struct user officer;
	char **procedures;	/* codes it receives */
	int nprocedures;
};

static void place_release(struct place *p)
{
	agency_release(&p->agency);
	user_release(&p->officer);
	for (int i = 0; i < p->nprocedures; i++)
		free(p->procedures[i]);
	free(p->procedures);
}

/*
 * The places that receive demo dossiers: the communes and wards of Tam Kỳ,
 * Hội An and Đại Lộc, those three districts, and the public administration
 * centre (for the departments' procedures), each with the procedures it
 * receives.
 */
static int places_load(struct db *db, struct place **out, int *n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT a.id FROM agency a"
		" JOIN agency p ON p.id = a.parent_id WHERE a.status = 'active' AND"
		" (a.key IN ('tp-tam-ky', 'tp-hoi-an', 'huyen-dai-loc') OR a.kind = 'centre'"
		" OR p.key IN ('tp-tam-ky', 'tp-hoi-an', 'huyen-dai-loc')) ORDER BY a.id");
	struct catalog_query q = { .status = "published", .per_page = 100 };
	struct catalog_result r;
	int64_t ids[128];
	int count = 0, ret;

	while ((ret = db_step(st)) == DB_ROW && count < 128)
		ids[count++] = db_col_int(st, 0);
	db_reset(st);
	if (ret < 0)
		return ret;
	*out = xcalloc((size_t)count + 1, sizeof(**out));
	*n = 0;
	memset(&r, 0, sizeof(r));
	ret = catalog_search(db, &q, &r, e);
	if (ret)
		return ret;
	for (int i = 0; i < count && !ret; i++) {
		struct place *p = &(*out)[*n];

		ret = agency_get(db, ids[i], &p->agency);
		if (ret)
			break;
		for (int k = 0; k < r.nhits; k++) {
			const char *ak = r.hits[k].agency;
			bool ok = !strcmp(p->agency.kind, "centre") ?
				strcmp(ak, "commune") && strcmp(ak, "district") :
				!strcmp(ak, p->agency.kind);

			if (!ok)
				continue;
			p->procedures = xrealloc(p->procedures,
						 (size_t)(p->nprocedures + 1) * sizeof(char *));
			p->procedures[p->nprocedures++] = xstrdup(r.hits[k].code);
		}
		if (!p->nprocedures) {
			agency_release(&p->agency);
			continue;
		}
		ret = demo_officer(db, &p->agency, &p->officer, e);
		(*n)++;
	}
	catalog_result_release(&r);
	return ret;
}

/* The officer who may act at an agency: that agency's demo officer. */
static int officer_at(struct db *db, int64_t agency_id, struct user *out, struct err *e)
{
	struct agency a = AGENCY_INIT;
	int ret = agency_get(db, agency_id, &a);

	if (!ret)
		ret = demo_officer(db, &a, out, e);
	agency_release(&a);
	return ret;
}

/* t if it is within office hours, else the next opening of an office session. */
static int64_t office(const struct calendar *cal, int64_t t)
{
	struct calendar_settings s = holiday_settings();
	int day = calendar_day_of(t), minute = calendar_second_of_day(t) / 60;

	if (calendar_in_office_hours(cal, t))
		return t;
	if (calendar_is_working_day(cal, day) && minute < s.morning_start)
		return calendar_instant(day, s.morning_start);
	if (calendar_is_working_day(cal, day) && minute >= s.morning_end &&
	    minute < s.afternoon_start)
		return calendar_instant(day, s.afternoon_start);
	return calendar_instant(calendar_workday_add(cal, day, 1), s.morning_start);
}

static int act(struct db *db, const struct user *u, const char *code, int64_t at,
	       const char *action, json_t *args, struct err *e)
{
	struct audit_actor who = { u->id, u->username, "", u->agency_path };
	int ret;

	clock_set(at);
	ret = dossier_act(db, u, &who, code, action, args, e);
	json_decref(args);
	return ret;
}

/* The handling agency of a dossier now. */
static int handling(struct db *db, const char *code, int64_t *agency_id, int64_t *due,
		    char **state)
{
	struct db_stmt *st = db_prepare(db, "SELECT handling_agency_id, COALESCE(due_at, 0),"
					" state FROM dossier WHERE code = ?");
	int ret;

	db_bind_text(st, 1, code);
	ret = db_step(st);
	if (ret == DB_ROW) {
		*agency_id = db_col_int(st, 0);
		*due = db_col_int(st, 1);
		*state = xstrdup(db_col_text(st, 2));
		ret = 0;
	} else if (ret == DB_DONE) {
		ret = E_NOTFOUND;
	}
	db_reset(st);
	return ret;
}

/* One dossier's life, from t0 until `end` (what lies after stays open). */
static int one_dossier(struct db *db, const struct calendar *cal, struct place *p,
		       int64_t t0, int64_t end, struct err *e)
{
	struct calendar_settings s = holiday_settings();
	struct dossier_intake in = { 0 };
	struct user officer = USER_INIT;
	char name[160], phone[16], code[96], *state = NULL;
	unsigned r = rnd(100);
	int64_t id, t = t0, hagency, due;
	const struct user *by = &p->officer;
	int ret;

	snprintf(name, sizeof(name), "%s %s %s", family[rnd(ARRAY_SIZE(family))],
		 middle[rnd(ARRAY_SIZE(middle))], given[rnd(ARRAY_SIZE(given))]);
	snprintf(phone, sizeof(phone), "09%08u", rnd(100000000));
	in.procedure = p->procedures[rnd((unsigned)p->nprocedures)];
	in.channel = r < 55 ? CHANNEL_COUNTER : r < 94 ? CHANNEL_ONLINE : CHANNEL_POSTAL;
	in.agency = p->agency.key;
	in.applicant_name = name;
	in.applicant_phone = phone;
	in.applicant_address = p->agency.name;
	in.postal_tracking = in.channel == CHANNEL_POSTAL ? "EL123456789VN" : NULL;
	clock_set(t);
	{
		struct audit_actor who = { in.channel == CHANNEL_ONLINE ? 0 : by->id,
			in.channel == CHANNEL_ONLINE ? "citizen" : by->username, "",
			by->agency_path };

		ret = dossier_intake(db, in.channel == CHANNEL_ONLINE ? NULL : by, &who, &in,
				     &id, e);
	}
	if (ret == E_INVALID) {
		/* e.g. a procedure not offered online: file it at the counter. */
		in.channel = CHANNEL_COUNTER;
		in.postal_tracking = NULL;
		{
			struct audit_actor who = { by->id, by->username, "", by->agency_path };

			ret = dossier_intake(db, by, &who, &in, &id, e);
		}
	}
	if (ret)
		return ret;
	snprintf(code, sizeof(code), "#%lld", (long long)id);
	if (in.channel != CHANNEL_COUNTER) {
		t += 1800 + rnd(4 * 3600);
		t = office(cal, t);
		if (t > end)
			return 0;
		if (rnd(100) < 3)
			return act(db, by, code, t, "reject",
				   json_pack("{s:s}", "reason", "Hồ sơ không thuộc thẩm quyền"), e);
		ret = act(db, by, code, t, "accept", NULL, e);
		if (ret)
			return ret;
	}
	/* From here the dossier has its code. */
	{
		struct db_stmt *st = db_prepare(db, "SELECT code FROM dossier WHERE id = ?");
		char *c = NULL;

		db_bind_int(st, 1, id);
		ret = db_one_text(st, &c);
		if (ret)
			return ret;
		snprintf(code, sizeof(code), "%s", c);
		free(c);
	}
	t += 600 + rnd(3 * 3600);
	t = office(cal, t);
	if (t > end)
		return 0;
	ret = act(db, by, code, t, "assign", NULL, e);
	if (!ret)
		ret = handling(db, code, &hagency, &due, &state);
	if (ret)
		goto out;
	ret = officer_at(db, hagency, &officer, e);
	if (ret)
		goto out;
	t += 1800 + rnd(3600);
	t = office(cal, t);
	if (t > end)
		goto out;
	ret = act(db, &officer, code, t, "claim", NULL, e);
	if (ret)
		goto out;
	r = rnd(100);
	if (r < 3) {
		t += 3600 * (1 + rnd(20));
		t = office(cal, t);
		if (t <= end)
			ret = act(db, &officer, code, t, "refuse",
				  json_pack("{s:s}", "reason", "Không đủ điều kiện theo quy định"), e);
		goto out;
	}
	if (r < 5) {
		t += 3600 * (1 + rnd(20));
		t = office(cal, t);
		if (t <= end)
			ret = act(db, by, code, t, "withdraw",
				  json_pack("{s:s}", "reason", "Người nộp xin rút hồ sơ"), e);
		goto out;
	}
	if (r < 15) {
		int wait = 1 + (int)rnd(5);

		t += 3600 * (1 + rnd(6));
		t = office(cal, t);
		if (t > end)
			goto out;
		ret = act(db, &officer, code, t, "request_supplement",
			  json_pack("{s:[s],s:s}", "documents", "Bản sao giấy tờ tùy thân",
				    "reason", "Thiếu giấy tờ"), e);
		t = calendar_instant(calendar_workday_add(cal, calendar_day_of(t), wait),
				     s.morning_start + 60);
		if (ret || t > end)
			goto out;
		ret = act(db, &officer, code, t, "resume", NULL, e);
		if (ret)
			goto out;
	}
	/* Inter-agency steps go on to the next agency. */
	for (int hops = 0; hops < 3; hops++) {
		struct db_stmt *st = db_prepare(db, "SELECT COUNT(*) FROM dossier_step s JOIN"
						" dossier d ON d.id = s.dossier_id WHERE d.code = ?"
						" AND s.kind = 'transfer' AND s.started_at IS NULL");
		int64_t pending = 0;

		db_bind_text(st, 1, code);
		ret = db_one_int(st, &pending);
		if (ret || !pending)
			break;
		t += 3600 * (2 + rnd(8));
		t = office(cal, t);
		if (t > end)
			goto out;
		ret = act(db, &officer, code, t, "transfer", NULL, e);
		free(state);
		state = NULL;
		if (!ret)
			ret = handling(db, code, &hagency, &due, &state);
		user_release(&officer);
		if (!ret)
			ret = officer_at(db, hagency, &officer, e);
		if (ret)
			goto out;
		t += 1800;
		t = office(cal, t);
		ret = act(db, &officer, code, t, "claim", NULL, e);
		if (ret)
			goto out;
	}
	free(state);
	state = NULL;
	ret = handling(db, code, &hagency, &due, &state);
	if (ret)
		goto out;
	/* Most finish before their deadline; about one in twelve is late. */
	r = rnd(100);
	if (r < 8) {
		int64_t before = due - 3600 * 6;

		if (rnd(100) < 70 && before > t && before <= end) {
			char date[CALENDAR_DAY_SIZE];

			calendar_day_format(calendar_workday_add(cal, calendar_day_of(due), 2), date);
			ret = act(db, &officer, code, before, "apologize",
				  json_pack("{s:s,s:s}", "reason", "Cần xác minh thêm thông tin",
					    "new_date", date), e);
			if (ret)
				goto out;
		}
		t = calendar_instant(calendar_workday_add(cal, calendar_day_of(due), 1 + rnd(3)),
				     s.morning_start + 120);
	} else {
		int64_t span = due - t;

		t += span > 7200 ? (int64_t)rnd((unsigned)(span / 60)) * 60 * 9 / 10 : 600;
		t = office(cal, t);
	}
	if (t > end)
		goto out;
	ret = act(db, &officer, code, t, "approve", NULL, e);
	t += 600;
	t = office(cal, t);
	if (!ret && t <= end)
		ret = act(db, by, code, t, "mark_ready", NULL, e);
	t += 3600 * (1 + rnd(48));
	t = office(cal, t);
	if (!ret && t <= end)
		ret = act(db, by, code, t, "return", rnd(10) ? json_pack("{s:s}", "channel", "counter") :
			  json_pack("{s:s,s:s}", "channel", "postal", "tracking", "RR987654321VN"), e);
out:
	free(state);
	user_release(&officer);
	return ret;
}

int dossier_demo(struct db *db, int n, int from_day, int to_day, unsigned seed,
		 struct err *e)
{
	struct calendar_settings s = holiday_settings();
	const struct calendar *cal;
	struct place *places = NULL;
	int nplaces = 0, ret, made = 0;
	int64_t end;

	if (n < 0 || to_day < from_day)
		return err_set(e, E_INVALID, NULL, "give a number of dossiers and a period");
	rng_state = 0x9E3779B97F4A7C15ULL ^ seed;
	if (holiday_calendar(db, &cal))
		return err_set(e, E_INTERNAL, NULL, "the working-day calendar is not available");
	ret = places_load(db, &places, &nplaces, e);
	if (!ret && !nplaces)
		ret = err_set(e, E_INVALID, NULL,
			      "no agency receives the demo procedures: load the demo agencies and catalogue first");
	end = calendar_instant(to_day, s.afternoon_end);
	db_bulk(db, true);
	notify_set_silent(true);	/* invented applicants are never messaged */
	for (int i = 0; !ret && i < n; i++) {
		int day = from_day + (int)rnd((unsigned)(to_day - from_day + 1));
		int64_t t0;

		if (!calendar_is_working_day(cal, day))
			day = calendar_workday_add(cal, day, 1);
		if (day > to_day)
			continue;
		t0 = calendar_instant(day, s.morning_start + (int)rnd(8 * 60));
		ret = one_dossier(db, cal, &places[rnd((unsigned)nplaces)], t0, end, e);
		if (!ret)
			made++;
		if (made && made % 5000 == 0)
			log_info("demo: %d dossiers", made);
	}
	notify_set_silent(false);
	db_bulk(db, false);
	clock_set(0);
	for (int i = 0; i < nplaces; i++)
		place_release(&places[i]);
	free(places);
	return ret;
}
