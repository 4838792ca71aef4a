/*
 * Tests of src/catalog: reading and checking procedures (field-level
 * errors, step shares), versions, import all-or-nothing and idempotent,
 * export round trips, search (folding, ranking, facets, paging) and the
 * figures.  Each DB_TEST runs on SQLite (a fresh file) and on PostgreSQL
 * when CCHC_TEST_PG holds a libpq URL (a schema of its own), like
 * test_db.c.  The database gets the migrations and the embedded demo
 * agencies; the clock is set.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "org/org.h"

#define T0 1612137600	/* 2021-02-01 00:00 UTC */

static struct {
	enum db_kind kind;
	char url[1024];
	char dir[64];
	char schema[64];
	struct db *db;
} fx;

static void prepare(void)
{
	struct err e = ERR_INIT;
	const struct embed_file *f = embed_find("data/agencies.tsv");

	cr_assert_eq(db_open(fx.url, &fx.db, &e), 0, "db_open: %s", e.message);
	cr_assert_eq(db_migrate(fx.db, NULL, &e), 0, "migrate: %s", e.message);
	cr_assert_not_null(f);
	cr_assert_eq(agency_load_tsv(fx.db, (const char *)f->data, NULL, &e), 0,
		     "agencies: %s", e.message);
	clock_set(T0);
	i18n_set_lang(LANG_EN);
	catalog_index_reset();
}

static void setup_sqlite(void)
{
	log_set_level(LOG_WARN);
	fx.kind = DB_SQLITE;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/cchc-test-catalog-XXXXXX");
	cr_assert_not_null(mkdtemp(fx.dir));
	snprintf(fx.url, sizeof(fx.url), "sqlite:%s/test.db", fx.dir);
	prepare();
}

static void setup_pg(void)
{
	const char *base = getenv("CCHC_TEST_PG");
	struct err e = ERR_INIT;
	struct timespec ts;
	struct db *admin;
	char sql[256];

	log_set_level(LOG_WARN);
	fx.kind = DB_POSTGRESQL;
	if (!base || !*base)
		cr_skip_test("CCHC_TEST_PG is not set: PostgreSQL variant skipped");
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(fx.schema, sizeof(fx.schema), "cchc_cat_%d_%lx", (int)getpid(),
		 (unsigned long)ts.tv_nsec);
	cr_assert_eq(db_open(base, &admin, &e), 0, "%s", e.message);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", fx.schema);
	cr_assert_eq(db_exec(admin, sql), 0);
	db_close(admin);
	snprintf(fx.url, sizeof(fx.url), "%s%coptions=-csearch_path%%3D%s", base,
		 strchr(base, '?') ? '&' : '?', fx.schema);
	prepare();
}

static void teardown(void)
{
	char path[512], sql[256];
	struct dirent *de;
	struct db *admin;
	DIR *d;

	catalog_index_reset();
	db_close(fx.db);
	fx.db = NULL;
	if (fx.kind == DB_SQLITE && fx.dir[0]) {
		d = opendir(fx.dir);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", fx.dir, de->d_name);
			unlink(path);
		}
		if (d)
			closedir(d);
		rmdir(fx.dir);
	}
	if (fx.kind == DB_POSTGRESQL && fx.schema[0]) {
		struct err e = ERR_INIT;

		if (!db_open(getenv("CCHC_TEST_PG"), &admin, &e)) {
			snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", fx.schema);
			db_exec(admin, sql);
			db_close(admin);
		}
	}
}

#define DB_TEST(name)							\
	static void name(void);						\
	Test(catalog, name##_sqlite, .init = setup_sqlite, .fini = teardown) \
	{								\
		name();							\
	}								\
	Test(catalog, name##_pg, .init = setup_pg, .fini = teardown)	\
	{								\
		name();							\
	}								\
	static void name(void)

/* A valid procedure: 15 working days in four steps. */
static const char *const birth_json =
	"{\"code\":\"1.001193\",\"name\":\"Đăng ký khai sinh\",\"field\":\"Hộ tịch\","
	"\"levels\":[\"commune\"],\"agency_kind\":\"commune\","
	"\"time\":{\"value\":15,\"unit\":\"working_days\"},"
	"\"steps\":[{\"name\":\"Tiếp nhận\",\"kind\":\"reception\",\"share\":0.5},"
	"{\"name\":\"Thẩm định\",\"kind\":\"appraisal\",\"share\":10},"
	"{\"name\":\"Phê duyệt\",\"kind\":\"approval\",\"share\":4},"
	"{\"name\":\"Trả kết quả\",\"kind\":\"return\",\"share\":0.5}],"
	"\"fees\":[{\"name\":\"Lệ phí\",\"amount\":50000,\"exempt\":\"Hộ nghèo\"}],"
	"\"documents\":[{\"name\":\"Tờ khai\",\"kind\":\"original\",\"copies\":1,\"form\":\"Mẫu 01\"},"
	"{\"name\":\"Giấy chứng sinh\",\"kind\":\"copy\",\"copies\":2,\"form\":\"\"}],"
	"\"result\":\"Giấy khai sinh\",\"legal_basis\":[\"Luật Hộ tịch 2014\"],"
	"\"online\":\"full\",\"postal\":{\"submit\":true,\"return\":false},"
	"\"status\":\"published\",\"note\":\"\"}";

static json_t *birth(void)
{
	json_error_t jerr;
	json_t *j = json_loads(birth_json, 0, &jerr);

	cr_assert_not_null(j, "fixture: %s", jerr.text);
	return j;
}

/* Another procedure, by code, name and agency. */
static json_t *procedure_like(const char *code, const char *name, const char *agency)
{
	json_t *j = birth();

	json_object_set_new(j, "code", json_string(code));
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "agency_kind", json_string(agency));
	/* Nothing of the birth registration left in the body. */
	json_object_set_new(j, "documents", json_pack("[{s:s}]", "name", "Đơn đề nghị"));
	json_object_set_new(j, "result", json_string("Quyết định"));
	if (strcmp(agency, "commune") && strcmp(agency, "district"))
		json_object_set_new(j, "levels", json_pack("[s]", "province"));
	return j;
}

/* Reads and validates j; returns the code and fills e. */
static int check(json_t *j, struct err *e)
{
	struct procedure p = PROCEDURE_INIT;
	int ret = procedure_from_json(j, true, &p, e);

	if (!ret)
		ret = procedure_validate(fx.db, &p, e);
	procedure_release(&p);
	json_decref(j);
	return ret;
}

static int64_t count_procedures(void)
{
	int64_t n = -1;

	cr_assert_eq(db_one_int(db_prepare(fx.db, "SELECT COUNT(*) FROM procedure"), &n), 0);
	return n;
}

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	return s;
}

static void import_ok(const char *text, enum catalog_format format,
		      struct catalog_import_stats *st)
{
	struct err e = ERR_INIT;
	int ret = catalog_import(fx.db, &audit_cli, text, format, false, st, &e);

	cr_assert_eq(ret, 0, "import: %s", e.message);
}

/* ---- reading and checking ------------------------------------------------ */

DB_TEST(valid_procedure_passes_and_round_trips)
{
	struct procedure p = PROCEDURE_INIT;
	struct err e = ERR_INIT;
	json_t *in = birth(), *out;
	char *a, *b;

	cr_assert_eq(procedure_from_json(in, true, &p, &e), 0, "%s", e.message);
	cr_assert_eq(procedure_validate(fx.db, &p, &e), 0, "%s", e.message);
	cr_expect_str_eq(p.agency_kind, "commune");
	cr_expect_null(p.agency_key);
	cr_expect_eq(p.nsteps, 4);
	cr_expect_eq(p.fees[0].amount, 50000);
	cr_expect_eq(p.documents[1].copies, 2);
	cr_expect(p.postal_submit && !p.postal_return);
	/* The JSON out (less what the API adds) is the JSON in. */
	out = procedure_json(&p);
	json_object_del(out, "version");
	json_object_del(out, "version_id");
	json_object_del(out, "updated_at");
	json_object_del(out, "published_at");
	a = dump(json_incref(in));
	b = dump(out);
	cr_expect_str_eq(a, b);
	free(a);
	free(b);
	json_decref(in);
	procedure_release(&p);
}

DB_TEST(shares_must_add_up_naming_the_difference)
{
	struct err e = ERR_INIT;
	json_t *j = birth();

	/* 0.5 + 10 + 3.5 + 0.5 = 14.5 of 15. */
	json_object_set_new(json_array_get(json_object_get(j, "steps"), 2), "share", json_real(3.5));
	cr_assert_eq(check(j, &e), E_INVALID);
	cr_expect_str_eq(e.field, "steps");
	cr_expect_str_eq(e.message, "the step shares add up to 14.5 working days, "
			 "0.5 less than the 15 of the procedure");

	j = birth();
	json_object_set_new(json_array_get(json_object_get(j, "steps"), 1), "share",
			    json_integer(12));
	cr_assert_eq(check(j, &e), E_INVALID);
	cr_expect_str_eq(e.message, "the step shares add up to 17 working days, "
			 "2 more than the 15 of the procedure");

	/* In Vietnamese the decimals take a comma. */
	i18n_set_lang(LANG_VI);
	j = birth();
	json_object_set_new(json_array_get(json_object_get(j, "steps"), 2), "share", json_real(3.5));
	cr_assert_eq(check(j, &e), E_INVALID);
	cr_expect(strstr(e.message, "14,5") && strstr(e.message, "0,5"), "%s", e.message);
}

DB_TEST(errors_name_the_field)
{
	static const struct {
		const char *path;	/* what to break, as a JSON fragment merged in */
		const char *patch;
		const char *field;
	} cases[] = {
		{ "steps[2].share", "{\"steps\":[{\"name\":\"a\",\"kind\":\"reception\",\"share\":1},"
		  "{\"name\":\"b\",\"kind\":\"appraisal\",\"share\":15},"
		  "{\"name\":\"c\",\"kind\":\"approval\",\"share\":-1}]}", "steps[2].share" },
		{ "steps[0].kind", "{\"steps\":[{\"name\":\"a\",\"kind\":\"stamp\",\"share\":15}]}",
		  "steps[0].kind" },
		{ "steps[0].agency", "{\"steps\":[{\"name\":\"a\",\"kind\":\"transfer\",\"share\":15,"
		  "\"agency\":\"so-khong-co\"}]}", "steps[0].agency" },
		{ "steps", "{\"steps\":[]}", "steps" },
		{ "time.unit", "{\"time\":{\"value\":15,\"unit\":\"weeks\"}}", "time.unit" },
		{ "time.value", "{\"time\":{\"value\":0,\"unit\":\"working_days\"}}", "time.value" },
		{ "fees[0].amount", "{\"fees\":[{\"name\":\"x\",\"amount\":\"năm mươi\"}]}",
		  "fees[0].amount" },
		{ "fees[0].amount", "{\"fees\":[{\"name\":\"x\",\"amount\":-5}]}", "fees[0].amount" },
		{ "documents[1].kind", "{\"documents\":[{\"name\":\"x\",\"kind\":\"copy\"},"
		  "{\"name\":\"y\",\"kind\":\"photo\"}]}", "documents[1].kind" },
		{ "documents[0].copies", "{\"documents\":[{\"name\":\"x\",\"copies\":0}]}",
		  "documents[0].copies" },
		{ "levels[0]", "{\"levels\":[\"hamlet\"]}", "levels[0]" },
		{ "levels", "{\"levels\":[]}", "levels" },
		{ "agency_kind", "{\"agency_kind\":\"so-khong-co\"}", "agency_kind" },
		{ "online", "{\"online\":\"level4\"}", "online" },
		{ "postal.submit", "{\"postal\":{\"submit\":\"yes\"}}", "postal.submit" },
		{ "status", "{\"status\":\"active\"}", "status" },
		{ "code", "{\"code\":\"1 001193\"}", "code" },
		{ "name", "{\"name\":\"  \"}", "name" },
		{ "fee typo", "{\"fess\":[]}", "fess" },
		{ "step typo", "{\"steps\":[{\"name\":\"a\",\"kind\":\"reception\",\"shares\":15}]}",
		  "steps[0].shares" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;
		json_t *j = birth(), *patch = json_loads(cases[i].patch, 0, NULL);

		cr_assert_not_null(patch, "%s", cases[i].patch);
		json_object_update(j, patch);
		json_decref(patch);
		cr_expect_eq(check(j, &e), E_INVALID, "%s: accepted", cases[i].path);
		cr_expect_str_eq(e.field, cases[i].field, "%s: field '%s' (%s)", cases[i].path,
				 e.field, e.message);
		cr_expect(e.message[0], "%s: no message", cases[i].path);
	}
}

DB_TEST(an_agency_key_carries_a_procedure)
{
	struct procedure p = PROCEDURE_INIT;
	struct err e = ERR_INIT;
	json_t *j = procedure_like("2.000908", "Cấp Phiếu lý lịch tư pháp", "so-tu-phap");

	cr_assert_eq(procedure_from_json(j, true, &p, &e), 0, "%s", e.message);
	cr_expect_null(p.agency_kind);
	cr_expect_str_eq(p.agency_key, "so-tu-phap");
	cr_expect_eq(procedure_validate(fx.db, &p, &e), 0, "%s", e.message);
	procedure_release(&p);
	json_decref(j);
}

/* ---- versions ------------------------------------------------------------ */

static void parse(json_t *j, struct procedure *p)
{
	struct err e = ERR_INIT;

	cr_assert_eq(procedure_from_json(j, true, p, &e), 0, "%s", e.message);
	json_decref(j);
}

DB_TEST(a_draft_changes_in_place_a_published_one_gets_a_new_version)
{
	struct procedure p = PROCEDURE_INIT, out = PROCEDURE_INIT, old = PROCEDURE_INIT;
	struct err e = ERR_INIT;
	bool new_version = true;
	int64_t v1;

	parse(birth(), &p);
	cr_assert_eq(procedure_create(fx.db, NULL, &audit_cli, &p, &out, &e), 0, "%s", e.message);
	cr_expect_str_eq(out.status, "draft");
	cr_expect_eq(out.version, 1);
	v1 = out.version_id;
	cr_expect_eq(procedure_create(fx.db, NULL, &audit_cli, &p, NULL, &e), E_CONFLICT);
	cr_expect_str_eq(e.field, "code");

	/* A draft is changed in place. */
	free(p.name);
	p.name = strdup("Đăng ký khai sinh (sửa)");
	cr_assert_eq(procedure_update(fx.db, NULL, &audit_cli, "1.001193", &p, &new_version,
				      &out, &e), 0, "%s", e.message);
	cr_expect(!new_version);
	cr_expect_eq(out.version, 1);
	cr_expect_eq(out.version_id, v1);
	cr_expect_str_eq(out.name, "Đăng ký khai sinh (sửa)");

	clock_set(T0 + 86400);
	cr_assert_eq(procedure_publish(fx.db, NULL, &audit_cli, "1.001193", &out, &e), 0,
		     "%s", e.message);
	cr_expect_str_eq(out.status, "published");
	cr_expect_eq(out.published_at, T0 + 86400);
	cr_expect_eq(procedure_publish(fx.db, NULL, &audit_cli, "1.001193", NULL, &e), E_CONFLICT);

	/* A published version is frozen: the change makes version 2, in force. */
	clock_set(T0 + 2 * 86400);
	p.fees[0].amount = 60000;
	cr_assert_eq(procedure_update(fx.db, NULL, &audit_cli, "1.001193", &p, &new_version,
				      &out, &e), 0, "%s", e.message);
	cr_expect(new_version);
	cr_expect_eq(out.version, 2);
	cr_expect_neq(out.version_id, v1);
	cr_expect_str_eq(out.status, "published");
	cr_expect_eq(out.fees[0].amount, 60000);
	cr_expect_eq(out.published_at, T0 + 2 * 86400);

	/* A dossier filed under version 1 still reads version 1. */
	cr_assert_eq(procedure_load_version(fx.db, v1, &old), 0);
	cr_expect_eq(old.version, 1);
	cr_expect_eq(old.fees[0].amount, 50000);
	cr_expect_str_eq(old.status, "superseded");
	cr_expect_str_eq(old.code, "1.001193");
	procedure_release(&old);
	cr_assert_eq(procedure_find_version(fx.db, "1.001193", 1, &old, &e), 0);
	cr_expect_eq(old.version_id, v1);
	cr_expect_eq(procedure_find_version(fx.db, "1.001193", 3, &old, &e), E_NOTFOUND);

	/* The same content again changes nothing. */
	cr_assert_eq(procedure_update(fx.db, NULL, &audit_cli, "1.001193", &p, &new_version,
				      &out, &e), 0, "%s", e.message);
	cr_expect(!new_version);
	cr_expect_eq(out.version, 2);

	/* Retire, publish again; no way back to draft. */
	cr_assert_eq(procedure_retire(fx.db, NULL, &audit_cli, "1.001193", &out, &e), 0);
	cr_expect_str_eq(out.status, "retired");
	cr_assert_eq(procedure_publish(fx.db, NULL, &audit_cli, "1.001193", &out, &e), 0);
	cr_expect_str_eq(out.status, "published");
	cr_expect_eq(out.version, 2);
	{
		json_t *versions;

		cr_assert_eq(procedure_versions(fx.db, "1.001193", &versions, &e), 0);
		cr_expect_eq(json_array_size(versions), 2);
		cr_expect(json_is_integer(json_object_get(json_array_get(versions, 0),
							  "superseded_at")));
		json_decref(versions);
	}
	/* Every change is in the audit log. */
	{
		int64_t n = 0;
		struct db_stmt *st = db_prepare(fx.db, "SELECT COUNT(*) FROM audit"
						" WHERE object_type = 'procedure'");

		cr_assert_eq(db_one_int(st, &n), 0);
		cr_expect_eq(n, 6, "audit entries: %lld", (long long)n);
	}
	procedure_release(&p);
	procedure_release(&out);
	procedure_release(&old);
}

DB_TEST(admins_change_only_procedures_of_agencies_they_see)
{
	struct user province = { .id = 1, .username = (char *)"boss", .roles = ROLE_ADMIN };
	struct user district = { .id = 2, .username = (char *)"dl", .roles = ROLE_ADMIN };
	struct procedure p = PROCEDURE_INIT, q = PROCEDURE_INIT;
	struct agency root = AGENCY_INIT, dl = AGENCY_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(agency_find(fx.db, "ubnd-tinh", &root, &e), 0);
	cr_assert_eq(agency_find(fx.db, "huyen-dai-loc", &dl, &e), 0);
	province.agency_path = root.path;
	district.agency_path = dl.path;

	/* Kind-wide procedures belong to the province. */
	parse(birth(), &p);
	cr_expect_eq(procedure_create(fx.db, &district, &audit_cli, &p, NULL, &e), E_DENIED);
	cr_expect_str_eq(e.field, "agency_kind");
	cr_expect_eq(procedure_create(fx.db, &province, &audit_cli, &p, NULL, &e), 0, "%s",
		     e.message);
	cr_expect_eq(procedure_publish(fx.db, &district, &audit_cli, p.code, NULL, &e), E_DENIED);

	/* A procedure of the district itself is the district's. */
	parse(procedure_like("9.000001", "Thủ tục riêng của huyện", "huyen-dai-loc"), &q);
	cr_expect_eq(procedure_create(fx.db, &district, &audit_cli, &q, NULL, &e), 0, "%s",
		     e.message);
	cr_expect_eq(procedure_publish(fx.db, &district, &audit_cli, q.code, NULL, &e), 0);
	/* … and it cannot hand it to another agency. */
	free(q.agency_key);
	q.agency_key = strdup("tp-tam-ky");
	cr_expect_eq(procedure_update(fx.db, &district, &audit_cli, q.code, &q, NULL, NULL, &e),
		     E_DENIED);
	procedure_release(&p);
	procedure_release(&q);
	agency_release(&root);
	agency_release(&dl);
}

/* ---- import and export --------------------------------------------------- */

/* A JSON array of n procedures 1.00000k, k = 1..n. */
static char *catalogue_json(int n, int bad_row, const char *bad_patch)
{
	json_t *a = json_array();
	char *s;

	for (int i = 1; i <= n; i++) {
		char code[32], name[64];
		json_t *j;

		snprintf(code, sizeof(code), "1.00000%d", i);
		snprintf(name, sizeof(name), "Thủ tục số %d", i);
		j = procedure_like(code, name, i % 2 ? "commune" : "so-tu-phap");
		if (i == bad_row) {
			json_t *patch = json_loads(bad_patch, 0, NULL);

			json_object_update(j, patch);
			json_decref(patch);
		}
		json_array_append_new(a, j);
	}
	s = json_dumps(a, JSON_INDENT(1));
	json_decref(a);
	return s;
}

DB_TEST(import_is_all_or_nothing_and_names_the_row)
{
	struct catalog_import_stats st;
	struct err e = ERR_INIT;
	char *text = catalogue_json(3, 2, "{\"steps\":[{\"name\":\"a\",\"kind\":\"reception\","
				    "\"share\":1},{\"name\":\"b\",\"kind\":\"appraisal\",\"share\":-2}]}");

	cr_expect_eq(catalog_import(fx.db, &audit_cli, text, CATALOG_JSON, false, &st, &e),
		     E_INVALID);
	cr_expect_str_eq(e.field, "steps[1].share");
	cr_expect(strstr(e.message, "row 2 (1.000002)"), "%s", e.message);
	cr_expect_eq(count_procedures(), 0);
	free(text);

	/* A mistake found only while storing (the status) also rolls back. */
	text = catalogue_json(3, 0, "{}");
	import_ok(text, CATALOG_JSON, &st);
	cr_expect_eq(st.created, 3);
	free(text);
	text = catalogue_json(4, 3, "{\"status\":\"draft\",\"name\":\"Đổi tên\"}");
	cr_expect_eq(catalog_import(fx.db, &audit_cli, text, CATALOG_JSON, false, &st, &e),
		     E_CONFLICT);
	cr_expect(strstr(e.message, "row 3 (1.000003)"), "%s", e.message);
	cr_expect_str_eq(e.field, "status");
	cr_expect_eq(count_procedures(), 3, "row 4 was not kept");
	free(text);

	/* The same code twice. */
	text = catalogue_json(2, 2, "{\"code\":\"1.000001\"}");
	cr_expect_eq(catalog_import(fx.db, &audit_cli, text, CATALOG_JSON, false, &st, &e),
		     E_INVALID);
	cr_expect(strstr(e.message, "row 2") && strstr(e.message, "row 1"), "%s", e.message);
	free(text);

	/* Not JSON at all. */
	cr_expect_eq(catalog_import(fx.db, &audit_cli, "[{\"code\": }]", CATALOG_JSON, false,
				    &st, &e), E_INVALID);
	cr_expect(strstr(e.message, "line 1"), "%s", e.message);
}

DB_TEST(importing_twice_changes_nothing)
{
	struct catalog_import_stats st;
	struct err e = ERR_INIT;
	char *text = catalogue_json(5, 0, "{}");
	int64_t versions = 0;

	import_ok(text, CATALOG_JSON, &st);
	cr_expect_eq(st.rows, 5);
	cr_expect_eq(st.created, 5);
	import_ok(text, CATALOG_JSON, &st);
	cr_expect_eq(st.unchanged, 5);
	cr_expect_eq(st.created + st.new_versions + st.changed, 0);
	free(text);

	/* One change: one new version, the rest untouched. */
	text = catalogue_json(5, 4, "{\"time\":{\"value\":15,\"unit\":\"working_days\"},"
			      "\"fees\":[{\"name\":\"Lệ phí\",\"amount\":70000,\"exempt\":\"\"}]}");
	cr_assert_eq(catalog_import(fx.db, &audit_cli, text, CATALOG_JSON, true, &st, &e), 0);
	cr_expect_eq(st.new_versions, 1, "dry run counts");
	cr_assert_eq(db_one_int(db_prepare(fx.db, "SELECT COUNT(*) FROM procedure_version"),
				&versions), 0);
	cr_expect_eq(versions, 5, "a dry run saves nothing");
	import_ok(text, CATALOG_JSON, &st);
	cr_expect_eq(st.new_versions, 1);
	cr_expect_eq(st.unchanged, 4);
	cr_assert_eq(db_one_int(db_prepare(fx.db, "SELECT COUNT(*) FROM procedure_version"),
				&versions), 0);
	cr_expect_eq(versions, 6);
	free(text);
}

DB_TEST(export_imports_back_unchanged_in_both_formats)
{
	struct catalog_import_stats st;
	struct strbuf json = STRBUF_INIT, csv = STRBUF_INIT;
	char *text = catalogue_json(4, 2, "{\"name\":\"Tên có dấu phẩy, \\\"ngoặc kép\\\"\\nvà xuống dòng\","
				    "\"legal_basis\":[\"Luật A\",\"Nghị định B\"],\"status\":\"draft\"}");

	import_ok(text, CATALOG_JSON, &st);
	free(text);
	cr_assert_eq(catalog_export(fx.db, CATALOG_JSON, false, &json), 0);
	cr_assert_eq(catalog_export(fx.db, CATALOG_CSV, false, &csv), 0);
	cr_expect(!strncmp(csv.buf, "code,name,field,levels,agency_kind,time_value", 45));
	import_ok(json.buf, CATALOG_JSON, &st);
	cr_expect_eq(st.unchanged, 4, "json: %d unchanged", st.unchanged);
	import_ok(csv.buf, CATALOG_CSV, &st);
	cr_expect_eq(st.unchanged, 4, "csv: %d unchanged, %d changed, %d new versions",
		     st.unchanged, st.changed, st.new_versions);
	strbuf_reset(&json);
	cr_assert_eq(catalog_export(fx.db, CATALOG_JSON, true, &json), 0);
	cr_expect(!strstr(json.buf, "1.000002"), "--published leaves the draft out");
	strbuf_release(&json);
	strbuf_release(&csv);
}

DB_TEST(csv_rows_are_named_like_spreadsheet_rows)
{
	static const char csv[] =
		"\xef\xbb\xbf" "code,name,field,levels,agency_kind,time_value,time_unit,steps,online,"
		"postal_submit,status\r\n"
		"1.000001,\"Đăng ký, có dấu phẩy\",Hộ tịch,commune,commune,\"1,5\",working_days,"
		"\"[{\"\"name\"\":\"\"Tiếp nhận\"\",\"\"kind\"\":\"\"reception\"\",\"\"share\"\":1.5}]\","
		"full,1,published\r\n"
		"\r\n"
		"1.000002,Thủ tục hai,Hộ tịch,commune|district,commune,2,working_days,"
		"\"[{\"\"name\"\":\"\"A\"\",\"\"kind\"\":\"\"reception\"\",\"\"share\"\":1}]\","
		"none,0,published\r\n";
	struct catalog_import_stats st;
	struct procedure p = PROCEDURE_INIT;
	struct err e = ERR_INIT;

	cr_expect_eq(catalog_import(fx.db, &audit_cli, csv, CATALOG_CSV, false, &st, &e),
		     E_INVALID);
	/* Row 4 of the sheet (row 1 the header, row 3 empty): 1 of 2 days. */
	cr_expect_str_eq(e.field, "steps");
	cr_expect(strstr(e.message, "row 4 (1.000002)"), "%s", e.message);
	cr_expect_eq(count_procedures(), 0);

	cr_expect_eq(catalog_import(fx.db, &audit_cli, "code,name,colour\n", CATALOG_CSV, false,
				    &st, &e), E_INVALID);
	cr_expect(strstr(e.message, "colour"), "%s", e.message);
	cr_expect_eq(catalog_import(fx.db, &audit_cli, "code,name\n", CATALOG_CSV, false,
				    &st, &e), E_INVALID);
	cr_expect(strstr(e.message, "field"), "%s", e.message);

	{
		/* Row 4 with a step of its own time imports. */
		struct strbuf good = STRBUF_INIT;
		char *at;

		strbuf_add(&good, csv, sizeof(csv) - 1);
		at = strstr(good.buf, "\"\"share\"\":1}]");
		cr_assert_not_null(at);
		at[10] = '2';
		import_ok(good.buf, CATALOG_CSV, &st);
		cr_expect_eq(st.created, 2);
		strbuf_release(&good);
	}
	cr_assert_eq(procedure_find(fx.db, "1.000001", &p, &e), 0);
	cr_expect_str_eq(p.name, "Đăng ký, có dấu phẩy");
	cr_expect_eq(p.time_value, 1.5, "a decimal comma is read");
	cr_expect(p.postal_submit);
	cr_expect(!p.postal_return);
	procedure_release(&p);
	cr_assert_eq(procedure_find(fx.db, "1.000002", &p, &e), 0);
	cr_expect_eq(p.nlevels, 2);
	procedure_release(&p);
}

/* ---- search -------------------------------------------------------------- */

static void load_search_fixture(void)
{
	static const char *const procs[][3] = {
		{ "1.001193", "Đăng ký khai sinh", "commune" },
		{ "1.004884", "Đăng ký lại khai sinh", "commune" },
		{ "2.000528", "Đăng ký khai sinh có yếu tố nước ngoài", "district" },
		{ "1.000656", "Đăng ký khai tử", "commune" },
		{ "2.000908", "Cấp Phiếu lý lịch tư pháp", "so-tu-phap" },
		{ "1.002000", "Cấp bản sao trích lục hộ tịch", "commune" },
	};
	struct catalog_import_stats st;
	json_t *a = json_array();
	char *s;

	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		json_t *j = procedure_like(procs[i][0], procs[i][1], procs[i][2]);

		if (!strcmp(procs[i][2], "district"))
			json_object_set_new(j, "levels", json_pack("[s]", "district"));
		if (i == 5) {
			/* "khai sinh" only in its documents: a body match. */
			json_object_set_new(j, "documents", json_pack("[{s:s}]", "name",
					    "Bản sao Giấy khai sinh"));
			json_object_set_new(j, "online", json_string("none"));
		}
		json_array_append_new(a, j);
	}
	s = json_dumps(a, 0);
	import_ok(s, CATALOG_JSON, &st);
	free(s);
	json_decref(a);
}

static void search(const char *q, const char *level, struct catalog_result *r)
{
	struct catalog_query query = { .q = q, .level = level };
	struct err e = ERR_INIT;

	catalog_result_release(r);
	cr_assert_eq(catalog_search(fx.db, &query, r, &e), 0, "%s", e.message);
}

static int facet_count(const struct catalog_result *r, int facet, const char *value)
{
	for (int i = 0; i < r->facets[facet].nvalues; i++)
		if (!strcmp(r->facets[facet].values[i].value, value))
			return r->facets[facet].values[i].count;
	return 0;
}

DB_TEST(search_ignores_diacritics_and_ranks_names_first)
{
	struct catalog_result r = CATALOG_RESULT_INIT, r2 = CATALOG_RESULT_INIT;

	load_search_fixture();
	search("dang ky khai sinh", NULL, &r);
	search("Đăng ký khai sinh", NULL, &r2);
	cr_assert_geq(r.total, 3);
	cr_expect_str_eq(r.hits[0].name, "Đăng ký khai sinh");
	cr_expect_str_eq(r2.hits[0].code, r.hits[0].code);
	cr_expect_eq(r.total, r2.total);
	/* Decomposed input too. */
	search("\xc4\x90" "a\xcc\x86ng ky\xcc\x81 khai sinh", NULL, &r2);
	cr_expect_str_eq(r2.hits[0].code, "1.001193");

	/* "khai sinh": four in the name, one in the body only, which comes last. */
	search("KHAI SINH", NULL, &r);
	cr_expect_eq(r.total, 4);
	cr_expect_str_eq(r.hits[3].code, "1.002000");
	cr_expect_str_eq(r.hits[0].code, "1.001193", "the shortest name first");

	/* Every word must be there. */
	search("khai sinh tu phap", NULL, &r);
	cr_expect_eq(r.total, 0);
	search("ly lich", NULL, &r);
	cr_expect_eq(r.total, 1);
	search("2.000908", NULL, &r);
	cr_expect_eq(r.total, 1, "by code");
	search("  ,, ", NULL, &r);
	cr_expect_eq(r.total, 6, "no words: everything, by name");
	cr_expect_str_eq(r.hits[0].name, "Cấp bản sao trích lục hộ tịch");
	catalog_result_release(&r);
	catalog_result_release(&r2);
}

DB_TEST(facets_count_what_matches_and_filters_narrow)
{
	struct catalog_result r = CATALOG_RESULT_INIT;
	struct catalog_query q = { .q = "dang ky", .per_page = 2 };
	struct err e = ERR_INIT;

	load_search_fixture();
	search("dang ky", NULL, &r);
	cr_expect_eq(r.total, 4);
	cr_expect_eq(facet_count(&r, 0, "commune"), 3);
	cr_expect_eq(facet_count(&r, 0, "district"), 1);
	cr_expect_eq(facet_count(&r, 1, "commune"), 3);
	cr_expect_eq(facet_count(&r, 2, "Hộ tịch"), 4);
	cr_expect_eq(facet_count(&r, 3, "full"), 4);
	/* Facet values come by count. */
	cr_expect_str_eq(r.facets[0].values[0].value, "commune");

	search("dang ky", "district", &r);
	cr_expect_eq(r.total, 1);
	cr_expect_str_eq(r.hits[0].code, "2.000528");
	search("", "province", &r);
	cr_expect_eq(r.total, 1);
	search("", "nowhere", &r);
	cr_expect_eq(r.total, 0);

	/* Pages. */
	catalog_result_release(&r);
	cr_assert_eq(catalog_search(fx.db, &q, &r, &e), 0);
	cr_expect_eq(r.nhits, 2);
	cr_expect_eq(r.total, 4);
	{
		char first[2][16];

		snprintf(first[0], 16, "%s", r.hits[0].code);
		snprintf(first[1], 16, "%s", r.hits[1].code);
		catalog_result_release(&r);
		q.page = 2;
		cr_assert_eq(catalog_search(fx.db, &q, &r, &e), 0);
		cr_expect_eq(r.nhits, 2);
		cr_expect_str_neq(r.hits[0].code, first[0]);
		cr_expect_str_neq(r.hits[0].code, first[1]);
		catalog_result_release(&r);
		q.page = 3;
		cr_assert_eq(catalog_search(fx.db, &q, &r, &e), 0);
		cr_expect_eq(r.nhits, 0);
		cr_expect_eq(r.total, 4);
	}
	catalog_result_release(&r);
	q.page = 0;
	q.per_page = 1000;
	cr_expect_eq(catalog_search(fx.db, &q, &r, &e), E_INVALID);
	cr_expect_str_eq(e.field, "per_page");
	q.per_page = 0;
	q.status = "gone";
	cr_expect_eq(catalog_search(fx.db, &q, &r, &e), E_INVALID);
	catalog_result_release(&r);
}

DB_TEST(search_sees_every_change_at_once)
{
	struct catalog_result r = CATALOG_RESULT_INIT;
	struct catalog_query all = { .q = "khai tu", .status = "all" };
	struct strbuf json = STRBUF_INIT;
	struct err e = ERR_INIT;

	load_search_fixture();
	search("khai tu", NULL, &r);
	cr_expect_eq(r.total, 1);
	cr_assert_eq(catalog_search_json(fx.db, &all, &json, &e), 0);
	cr_expect(strstr(json.buf, "\"total\":1"), "%s", json.buf);
	cr_assert_eq(procedure_retire(fx.db, NULL, &audit_cli, "1.000656", NULL, &e), 0);
	search("khai tu", NULL, &r);
	cr_expect_eq(r.total, 0, "a retired procedure is not found");
	/* The cached JSON answer is gone with the old index. */
	strbuf_reset(&json);
	cr_assert_eq(catalog_search_json(fx.db, &all, &json, &e), 0);
	cr_expect(strstr(json.buf, "\"status\":\"retired\""), "%s", json.buf);
	cr_assert_eq(procedure_publish(fx.db, NULL, &audit_cli, "1.000656", NULL, &e), 0);
	search("khai tu", NULL, &r);
	cr_expect_eq(r.total, 1);
	catalog_result_release(&r);
	strbuf_release(&json);
}

DB_TEST(json_answer_has_items_total_and_facets)
{
	struct catalog_query q = { .q = "dang ky khai sinh" };
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	json_error_t jerr;
	json_t *j, *item;

	load_search_fixture();
	for (int pass = 0; pass < 2; pass++) {	/* computed, then from the cache */
		strbuf_reset(&out);
		cr_assert_eq(catalog_search_json(fx.db, &q, &out, &e), 0);
		j = json_loads(out.buf, 0, &jerr);
		cr_assert_not_null(j, "%s: %s", jerr.text, out.buf);
		cr_expect_eq(json_integer_value(json_object_get(j, "total")), 3);
		item = json_array_get(json_object_get(j, "items"), 0);
		cr_expect_str_eq(json_string_value(json_object_get(item, "code")), "1.001193");
		cr_expect_str_eq(json_string_value(json_array_get(json_object_get(item, "level"), 0)),
				 "commune");
		cr_expect_str_eq(json_string_value(json_object_get(item, "agency")), "commune");
		cr_expect_eq(json_integer_value(json_object_get(json_object_get(item, "time"),
								"value")), 15);
		cr_expect(json_is_true(json_object_get(json_object_get(item, "postal"), "submit")));
		cr_expect(json_is_array(json_object_get(json_object_get(j, "facets"), "field")));
		json_decref(j);
	}
	strbuf_release(&out);
}

/* Enough procedures for frequent words to get bitsets in the index. */
DB_TEST(search_with_frequent_words_agrees_with_the_lists)
{
	struct catalog_result r = CATALOG_RESULT_INIT;
	struct catalog_import_stats st;
	struct catalog_query q = { .q = "dang ky", .page = 4 };
	struct err e = ERR_INIT;
	json_t *a = json_array();
	char *s;

	for (int i = 0; i < 130; i++) {
		char code[32], name[64];
		json_t *j;

		snprintf(code, sizeof(code), "8.%06d", i);
		snprintf(name, sizeof(name), i % 2 ? "Cấp phép số %d" : "Đăng ký việc số %d", i);
		j = procedure_like(code, name, i % 3 ? "commune" : "district");
		if (i % 2)	/* "đăng ký" only in the body */
			json_object_set_new(j, "documents", json_pack("[{s:s}]", "name",
					    "Tờ khai đăng ký"));
		if (!(i % 3))
			json_object_set_new(j, "levels", json_pack("[s]", "district"));
		json_array_append_new(a, j);
	}
	s = json_dumps(a, 0);
	import_ok(s, CATALOG_JSON, &st);
	free(s);
	json_decref(a);

	search("dang ky", NULL, &r);
	cr_expect_eq(r.total, 130);
	for (int i = 0; i < r.nhits; i++)
		cr_expect(!strncmp(r.hits[i].name, "Đăng ký", strlen("Đăng ký")), "%s", r.hits[i].name);
	cr_expect_eq(facet_count(&r, 0, "district"), 44);
	cr_expect_eq(facet_count(&r, 0, "commune"), 86);
	/* Page 4 of 20: the last 5 of the 65 name matches, then body matches. */
	catalog_result_release(&r);
	cr_assert_eq(catalog_search(fx.db, &q, &r, &e), 0);
	cr_assert_eq(r.nhits, 20);
	for (int i = 0; i < 20; i++)
		cr_expect_eq(!strncmp(r.hits[i].name, "Đăng ký", strlen("Đăng ký")), i < 5,
			     "hit %d: %s", i, r.hits[i].name);
	/* A rare word with frequent ones: "7" is in one name only. */
	search("dang ky so 7", NULL, &r);
	cr_expect_eq(r.total, 1);
	search("so 7", NULL, &r);
	cr_expect_eq(r.total, 1);
	search("dang ky", "district", &r);
	cr_expect_eq(r.total, 44);
	search("cap phep so", NULL, &r);
	cr_expect_eq(r.total, 65);
	catalog_result_release(&r);
}

DB_TEST(figures_per_agency_and_level)
{
	struct err e = ERR_INIT;
	json_t *stats, *total, *commune;

	load_search_fixture();
	cr_assert_eq(procedure_retire(fx.db, NULL, &audit_cli, "1.000656", NULL, &e), 0);
	cr_assert_eq(catalog_stats(fx.db, &stats), 0);
	total = json_object_get(stats, "total");
	cr_expect_eq(json_integer_value(json_object_get(total, "catalogue")), 5);
	cr_expect_eq(json_integer_value(json_object_get(total, "published")), 5);
	cr_expect_eq(json_integer_value(json_object_get(total, "retired")), 1);
	cr_expect_eq(json_integer_value(json_object_get(total, "online_full")), 4);
	cr_expect_eq(json_integer_value(json_object_get(total, "postal_submit")), 5);
	cr_expect_eq(json_real_value(json_object_get(json_object_get(total, "shares"),
						     "online")), 0.8);
	commune = json_object_get(json_object_get(stats, "by_level"), "commune");
	cr_expect_eq(json_integer_value(json_object_get(commune, "catalogue")), 3);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(
		json_object_get(stats, "by_agency"), "so-tu-phap"), "published")), 1);
	json_decref(stats);
}

DB_TEST(demo_catalogue_loads_once)
{
	struct err e = ERR_INIT;
	int64_t n1, n2;

	if (!embed_find("data/procedures.json"))
		cr_skip_test("this build has no data/procedures.json");
	cr_assert_eq(catalog_demo_load(fx.db, &e), 0, "%s", e.message);
	n1 = count_procedures();
	cr_expect_geq(n1, 60);
	cr_assert_eq(catalog_demo_load(fx.db, &e), 0, "%s", e.message);
	cr_assert_eq(db_one_int(db_prepare(fx.db, "SELECT COUNT(*) FROM procedure_version"),
				&n2), 0);
	cr_expect_eq(n2, n1, "loading again makes no version");
}

/* ---- labels -------------------------------------------------------------- */

Test(catalog_labels, money_and_numbers)
{
	struct strbuf sb = STRBUF_INIT;

	i18n_set_lang(LANG_VI);
	catalog_format_vnd(&sb, 50000);
	cr_expect_str_eq(sb.buf, "50.000 đồng");
	strbuf_reset(&sb);
	catalog_format_vnd(&sb, 1234567);
	cr_expect_str_eq(sb.buf, "1.234.567 đồng");
	strbuf_reset(&sb);
	catalog_format_vnd(&sb, 500);
	cr_expect_str_eq(sb.buf, "500 đồng");
	strbuf_reset(&sb);
	catalog_format_number(&sb, 0.5);
	cr_expect_str_eq(sb.buf, "0,5");
	i18n_set_lang(LANG_EN);
	strbuf_reset(&sb);
	catalog_format_vnd(&sb, 50000);
	cr_expect_str_eq(sb.buf, "VND 50,000");
	strbuf_reset(&sb);
	catalog_format_number(&sb, 14.5);
	cr_expect_str_eq(sb.buf, "14.5");
	strbuf_reset(&sb);
	catalog_format_number(&sb, 15);
	cr_expect_str_eq(sb.buf, "15");
	cr_expect_str_eq(catalog_unit_label("working_hours", 1), "working hour");
	cr_expect_str_eq(catalog_unit_label("calendar_days", 30), "days");
	strbuf_release(&sb);
}
