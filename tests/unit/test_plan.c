/*
 * Tests of src/plan's parsers: deadlines as plans write them, lists of
 * agencies against the registry (the demo assets/data/agencies.tsv),
 * targets, the whole seed document with its oddities, the state of a
 * task, and periods.  Pure: no database.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "calendar/calendar.h"
#include "plan/plan.h"

static int day(const char *iso)
{
	int d = 0;

	cr_assert_eq(calendar_day_parse(iso, &d, NULL), 0, "bad date %s in the test", iso);
	return d;
}

/* ---- deadlines -------------------------------------------------------------- */

static void expect_deadline(const char *text, enum plan_deadline_kind kind,
			    const char *d1, const char *d2)
{
	struct plan_deadline dl;
	int ret = plan_deadline_parse(text, 2021, &dl);

	cr_expect_eq(ret, kind == PLAN_DL_UNKNOWN ? E_INVALID : 0, "parse(\"%s\") = %d", text, ret);
	cr_expect_eq(dl.kind, kind, "kind of \"%s\" is %s, want %s", text,
		     plan_deadline_kind_name(dl.kind), plan_deadline_kind_name(kind));
	cr_expect_eq(dl.ndates, d1 ? (d2 ? 2 : 1) : 0, "dates of \"%s\": %d", text, dl.ndates);
	if (d1 && dl.ndates >= 1)
		cr_expect_eq(dl.dates[0], day(d1), "first date of \"%s\"", text);
	if (d2 && dl.ndates >= 2)
		cr_expect_eq(dl.dates[1], day(d2), "second date of \"%s\"", text);
}

Test(deadline, quarters_with_and_without_spaces)
{
	expect_deadline("Quý II/2021", PLAN_DL_DATE, "2021-06-30", NULL);
	expect_deadline("Quý I/ 2021", PLAN_DL_DATE, "2021-03-31", NULL);
	expect_deadline("Quý I /2021", PLAN_DL_DATE, "2021-03-31", NULL);
	expect_deadline("Quý III/2021", PLAN_DL_DATE, "2021-09-30", NULL);
	expect_deadline("quý IV năm 2021", PLAN_DL_DATE, "2021-12-31", NULL);
	expect_deadline("Quý 2/2021", PLAN_DL_DATE, "2021-06-30", NULL);
	expect_deadline("QUÝ II/2021.", PLAN_DL_DATE, "2021-06-30", NULL);
}

Test(deadline, quarter_ranges_and_lists)
{
	struct plan_deadline dl;

	expect_deadline("Quý II-III/2021", PLAN_DL_DATE, "2021-09-30", NULL);
	plan_deadline_parse("Quý II-III/2021", 2021, &dl);
	cr_expect_eq(dl.starts, day("2021-04-01"), "a range starts with its first quarter");
	expect_deadline("Quý II – III/2021", PLAN_DL_DATE, "2021-09-30", NULL);
	expect_deadline("Quý II và Quý IV/2021", PLAN_DL_DATES, "2021-06-30", "2021-12-31");
	expect_deadline("Quý II và IV/2021", PLAN_DL_DATES, "2021-06-30", "2021-12-31");
	expect_deadline("Quý I, Quý III/2021", PLAN_DL_DATES, "2021-03-31", "2021-09-30");
	/* A range that goes backwards is not understood. */
	expect_deadline("Quý III-II/2021", PLAN_DL_UNKNOWN, NULL, NULL);
}

Test(deadline, years)
{
	struct plan_deadline dl;

	expect_deadline("Năm 2021", PLAN_DL_DATE, "2021-12-31", NULL);
	expect_deadline("Trong năm 2021", PLAN_DL_DATE, "2021-12-31", NULL);
	expect_deadline("Năm 2021 và các năm tiếp theo", PLAN_DL_DATE, "2021-12-31", NULL);
	plan_deadline_parse("Năm 2021 và các năm tiếp theo", 2021, &dl);
	cr_expect(dl.ongoing, "\"và các năm tiếp theo\" goes on after the year");
	plan_deadline_parse("Năm 2021", 2021, &dl);
	cr_expect(!dl.ongoing);
	expect_deadline("6 tháng đầu năm 2021", PLAN_DL_DATE, "2021-06-30", NULL);
	expect_deadline("Tháng 3/2021", PLAN_DL_DATE, "2021-03-31", NULL);
	expect_deadline("Tháng 2/2024", PLAN_DL_DATE, "2024-02-29", NULL);
	expect_deadline("Trước ngày 31/01/2021", PLAN_DL_DATE, "2021-01-31", NULL);
	expect_deadline("trước ngày 31/02/2021", PLAN_DL_UNKNOWN, NULL, NULL);
}

Test(deadline, year_taken_from_the_plan)
{
	struct plan_deadline dl;

	cr_assert_eq(plan_deadline_parse("Quý II", 2021, &dl), 0);
	cr_expect_eq(dl.dates[0], day("2021-06-30"));
	cr_expect(dl.year_assumed, "no year written is noted");
	plan_deadline_parse("Quý II/2021", 2021, &dl);
	cr_expect(!dl.year_assumed);
}

Test(deadline, recurring_conditional_empty_unknown)
{
	expect_deadline("Nhiệm vụ thường xuyên", PLAN_DL_RECURRING, NULL, NULL);
	expect_deadline("Thường xuyên", PLAN_DL_RECURRING, NULL, NULL);
	expect_deadline("NHIỆM VỤ THƯỜNG XUYÊN", PLAN_DL_RECURRING, NULL, NULL);
	expect_deadline("Sau khi có văn bản hướng dẫn của Bộ, ngành Trung ương",
			PLAN_DL_CONDITIONAL, NULL, NULL);
	expect_deadline("Theo tiến độ Đề án", PLAN_DL_CONDITIONAL, NULL, NULL);
	expect_deadline("", PLAN_DL_NONE, NULL, NULL);
	expect_deadline("   ", PLAN_DL_NONE, NULL, NULL);
	expect_deadline("Khi nào xong", PLAN_DL_UNKNOWN, NULL, NULL);
	expect_deadline("Quý V/2021", PLAN_DL_UNKNOWN, NULL, NULL);
	expect_deadline("Năm 2021 rồi tính", PLAN_DL_UNKNOWN, NULL, NULL);
}

Test(deadline, json_round_trip)
{
	struct plan_deadline dl, back;
	struct err e = ERR_INIT;
	json_t *j;

	plan_deadline_parse("Quý II-III/2021", 2021, &dl);
	j = plan_deadline_json(&dl);
	cr_expect_str_eq(json_string_value(json_object_get(j, "kind")), "date");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(j, "dates"), 0)),
			 "2021-09-30");
	cr_expect_str_eq(json_string_value(json_object_get(j, "starts")), "2021-04-01");
	cr_assert_eq(plan_deadline_from_json(j, &back, &e), 0, "%s", e.message);
	cr_expect_eq(back.dates[0], dl.dates[0]);
	cr_expect_eq(back.starts, dl.starts);
	json_decref(j);
	j = json_pack("{s:s,s:[s]}", "kind", "recurring", "dates", "2021-01-01");
	cr_expect_eq(plan_deadline_from_json(j, &back, &e), E_INVALID,
		     "a recurring deadline has no dates");
	json_decref(j);
	j = json_pack("{s:s}", "kind", "sometime");
	cr_expect_eq(plan_deadline_from_json(j, &back, &e), E_INVALID);
	json_decref(j);
}

/* ---- agencies ---------------------------------------------------------------- */

static struct plan_registry *registry(void)
{
	const struct embed_file *f = embed_find("data/agencies.tsv");

	cr_assert(f, "the demo registry is embedded");
	return plan_registry_from_tsv((const char *)f->data);
}

/* Whether the list names the agency of that key. */
static bool names(const struct plan_registry *r, const struct plan_agency_list *l,
		  const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(plan_registry_key(r, l->items[i].agency), key))
			return true;
	return false;
}

static int count_kind(const struct plan_registry *r, const struct plan_agency_list *l,
		      const char *kind)
{
	int n = 0;

	for (int i = 0; i < l->n; i++)
		n += !strncmp(plan_registry_key(r, l->items[i].agency), kind, strlen(kind));
	return n;
}

Test(agencies, single_names_and_case)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	cr_expect_eq(plan_agencies_parse(r, "Sở Tư pháp", &l), 1);
	cr_expect(names(r, &l, "so-tu-phap"));
	cr_expect_eq(l.nunknown, 0);
	plan_agency_list_release(&l);
	/* A different case: "truyền thông" for "Truyền thông". */
	cr_expect_eq(plan_agencies_parse(r, "Sở Thông tin và truyền thông", &l), 1);
	cr_expect(names(r, &l, "so-thong-tin-truyen-thong"));
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Sở Nội vụ, Sở kế hoạch và Đầu tư", &l), 2);
	cr_expect(names(r, &l, "so-noi-vu"));
	cr_expect(names(r, &l, "so-ke-hoach-dau-tu"));
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Văn phòng UBND tỉnh", &l), 1);
	cr_expect(names(r, &l, "van-phong-ubnd-tinh"));
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

Test(agencies, commas_inside_a_name)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	cr_expect_eq(plan_agencies_parse(r, "Sở Nội vụ, Sở Tư pháp, Sở Giao thông vận tải, Sở Y tế, "
					 "Sở Lao động, Thương binh và Xã hội, Công an tỉnh", &l), 6);
	cr_expect(names(r, &l, "so-lao-dong-tbxh"), "\"Lao động, Thương binh và Xã hội\" is one");
	cr_expect(names(r, &l, "cong-an-tinh"));
	cr_expect_eq(l.nunknown, 0);
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

Test(agencies, short_list_of_departments)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	cr_expect_eq(plan_agencies_parse(r, "Các Sở: Nội vụ, Thông tin và Truyền thông", &l), 2,
		     "two departments");
	cr_expect(names(r, &l, "so-noi-vu"));
	cr_expect(names(r, &l, "so-thong-tin-truyen-thong"));
	plan_agency_list_release(&l);
	/* Appendix I.1: eight names, one of which ("Đất đai") is no department. */
	cr_expect_eq(plan_agencies_parse(r, "Các Sở: Kế hoạch và Đầu tư, Tài chính, Xây dựng, Tài "
					 "nguyên và Môi trường, Đất đai, Nội vụ, Y tế, Giáo dục và "
					 "Đào tạo", &l), 7);
	cr_assert_eq(l.nunknown, 1);
	cr_expect_str_eq(l.unknown[0], "Đất đai", "kept as written");
	cr_expect(names(r, &l, "so-giao-duc-dao-tao"));
	cr_expect(names(r, &l, "so-tai-nguyen-moi-truong"));
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

Test(agencies, groups)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	cr_expect_eq(plan_agencies_parse(r, "UBND các huyện, thị xã, thành phố", &l), 18);
	cr_expect(names(r, &l, "huyen-dai-loc"));
	cr_expect_str_eq(l.items[0].via, "UBND các huyện, thị xã, thành phố");
	plan_agency_list_release(&l);
	/* Departments: the 19 directly under the People's Committee. */
	cr_expect_eq(plan_agencies_parse(r, "Các Sở, Ban, ngành", &l), 19);
	cr_expect(names(r, &l, "van-phong-ubnd-tinh"));
	cr_expect(!names(r, &l, "ban-ton-giao"), "a Ban inside Sở Nội vụ is not a department");
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Các Sở, ban, ngành và UBND các huyện, thị xã, thành phố",
					 &l), 37);
	cr_expect_eq(l.nunknown, 0, "\"và\" between names is no agency");
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "UBND cấp huyện, cấp xã", &l), 18 + 44);
	cr_expect_eq(count_kind(r, &l, "xa-") + count_kind(r, &l, "phuong-") +
		     count_kind(r, &l, "tt-"), 44);
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Các cơ quan chuyên môn thuộc UBND tỉnh", &l), 19);
	plan_agency_list_release(&l);
	/* A name already in a group is not counted twice. */
	cr_expect_eq(plan_agencies_parse(r, "Văn phòng UBND tỉnh, Bưu điện tỉnh, các Sở, Ban, ngành, "
					 "UBND các huyện, thị xã, thành phố", &l), 38);
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

Test(agencies, variants_of_provincial_bodies)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	cr_expect_eq(plan_agencies_parse(r, "Báo Quảng Nam, Đài Phát thanh-Truyền hình tỉnh", &l), 2);
	cr_expect(names(r, &l, "dai-pt-th"));
	cr_expect(names(r, &l, "bao-quang-nam"));
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Bưu điện Quảng Nam", &l), 1);
	cr_expect(names(r, &l, "buu-dien-tinh"));
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Bưu điện tỉnh.", &l), 1);
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM", &l), 1);
	cr_expect(names(r, &l, "ubnd-tinh"));
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

Test(agencies, what_is_no_agency_is_kept)
{
	struct plan_registry *r = registry();
	struct plan_agency_list l;

	/* Appendix VI.9: the lead column holds words of the content. */
	cr_expect_eq(plan_agencies_parse(r, "Sửa đổi, bổ sung", &l), 0);
	cr_assert_eq(l.nunknown, 1);
	cr_expect_str_eq(l.unknown[0], "Sửa đổi, bổ sung");
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "Sở Nội vụ, Sở Tài chính, các Sở, ngành có liên quan, "
					 "các cơ sở giáo dục nghề nghiệp công lập trên địa bàn tỉnh",
					 &l), 2);
	cr_assert_eq(l.nvague, 1);
	cr_expect_str_eq(l.vague[0], "các Sở, ngành có liên quan");
	cr_assert_eq(l.nunknown, 1);
	cr_expect_str_eq(l.unknown[0], "các cơ sở giáo dục nghề nghiệp công lập trên địa bàn tỉnh");
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, "", &l), 0);
	cr_expect_eq(l.nunknown, 0);
	plan_agency_list_release(&l);
	cr_expect_eq(plan_agencies_parse(r, NULL, &l), 0);
	plan_agency_list_release(&l);
	plan_registry_free(r);
}

/* ---- documents ---------------------------------------------------------------- */

static bool has_warning(const struct plan_doc *d, const char *kind, const char *where)
{
	for (int i = 0; i < d->nwarnings; i++)
		if (!strcmp(d->warnings[i].kind, kind) &&
		    (!where || !strcmp(d->warnings[i].where, where)))
			return true;
	return false;
}

static const struct plan_doc_task *task(const struct plan_doc *d, const char *ref)
{
	for (int i = 0; i < d->ntasks; i++)
		if (!strcmp(d->tasks[i].ref, ref))
			return &d->tasks[i];
	cr_assert_fail("no task %s", ref);
	return NULL;
}

Test(document, the_seed)
{
	const struct embed_file *f = embed_find("data/plan-2021.txt");
	struct plan_registry *r = registry();
	struct plan_doc d = PLAN_DOC_INIT;
	struct err e = ERR_INIT;
	int leaves = 0;

	cr_assert(f, "the seed plan is embedded");
	cr_assert_eq(plan_doc_parse((const char *)f->data, r, &d, &e), 0, "%s", e.message);
	cr_expect_eq(d.year, 2021);
	cr_expect_str_eq(d.key, "2021");
	cr_expect_str_eq(d.title, "Kế hoạch công tác cải cách hành chính năm 2021");
	cr_expect_str_eq(plan_registry_key(r, d.issuer), "ubnd-tinh");
	cr_expect_str_eq(d.signed_by, "Hồ Quang Bửu");
	cr_expect_eq(d.agency_plan_due, day("2021-01-31"), "seed IV.1.a");
	cr_expect_null(d.decision_number, "the number is blank in the seed");
	cr_expect_null(d.decision_date);
	cr_expect(has_warning(&d, "blank_decision_number", NULL));
	cr_expect(has_warning(&d, "blank_decision_date", NULL));

	cr_expect_eq(d.nareas, 7);
	cr_expect_str_eq(d.areas[0].code, "I");
	cr_expect_str_eq(d.areas[0].title, "Cải cách thể chế");
	cr_expect_str_eq(d.areas[2].title, "Cải cách tổ chức bộ máy hành chính nhà nước");
	cr_expect(strlen(d.areas[5].focus) > 100, "section II.6 is the focus of area VI");
	cr_expect_eq(d.ntasks, 51);
	for (int i = 0; i < d.ntasks; i++)
		leaves += !d.tasks[i].group;
	cr_expect_eq(leaves, 50, "VII.10 is a group of three");

	/* Lettered sub-items hang under their task. */
	cr_expect(task(&d, "VII.10")->group);
	cr_expect_str_eq(d.tasks[task(&d, "VII.10.b")->parent].ref, "VII.10");
	/* A number printed twice: kept as printed, a reference of its own. */
	cr_expect_str_eq(task(&d, "III.3-2")->number, "3");
	cr_expect(has_warning(&d, "duplicate_number", "III.3-2"));
	/* Cells continued on the next line, after a repeated header. */
	cr_expect(strstr(task(&d, "I.4")->product, "Trang thông tin điện tử của Sở Kế hoạch"),
		  "I.4's product is joined: %s", task(&d, "I.4")->product);
	cr_expect(has_warning(&d, "continued_cell", "I.4/product"));
	cr_expect(strstr(task(&d, "VI.6")->content, "mức độ 3, mức độ 4 thực hiện đến năm 2020"));
	cr_expect(strstr(task(&d, "VII.10.a")->content, "trên Báo Quảng Nam"));
	cr_expect(has_warning(&d, "repeated_header", "table"));
	/* Deadlines. */
	cr_expect_eq(task(&d, "VII.11")->deadline.kind, PLAN_DL_DATE);
	cr_expect_eq(task(&d, "VII.11")->deadline.dates[0], day("2021-09-30"));
	cr_expect_eq(task(&d, "VII.12")->deadline.kind, PLAN_DL_DATES);
	cr_expect_eq(task(&d, "VI.1")->deadline.dates[0], day("2021-03-31"), "Quý I/ 2021");
	cr_expect(task(&d, "VI.2")->deadline.ongoing);
	cr_expect_eq(task(&d, "I.3")->deadline.kind, PLAN_DL_RECURRING);
	cr_expect_eq(task(&d, "III.3")->deadline.kind, PLAN_DL_CONDITIONAL);
	cr_expect_eq(task(&d, "II.6")->deadline.kind, PLAN_DL_CONDITIONAL);
	cr_expect(has_warning(&d, "conditional_deadline", "III.3/deadline"));
	/* Agencies, and the oddities of the real document. */
	cr_expect_eq(task(&d, "IV.5")->lead.n, 2);
	cr_expect_eq(task(&d, "I.1")->lead.n, 7);
	cr_expect(has_warning(&d, "unknown_agency", "I.1/lead"), "Đất đai");
	cr_expect_eq(task(&d, "VI.9")->lead.n, 0);
	cr_expect_str_eq(task(&d, "VI.9")->lead_text, "Sửa đổi, bổ sung", "kept verbatim");
	cr_expect(has_warning(&d, "shifted_columns", "VI.9/lead"));
	cr_expect(has_warning(&d, "vague_agencies", "I.1/coordinating"));
	cr_expect(has_warning(&d, "no_product", "VII.10.b/product"));
	cr_expect(!has_warning(&d, "no_deadline", NULL), "the group VII.10 needs none");

	/* Targets of I.2. */
	cr_expect_eq(d.ntargets, 23);
	for (int i = 0; i < d.ntargets; i++) {
		const struct plan_doc_target *t = &d.targets[i];

		if (t->nlevels) {
			cr_expect_eq(t->nlevels, 3);
			cr_expect_str_eq(t->levels[0].level, "province");
			cr_expect_float_eq(t->levels[0].threshold, 100, 1e-9);
			cr_expect_str_eq(t->levels[1].level, "district");
			cr_expect_float_eq(t->levels[1].threshold, 80, 1e-9);
			cr_expect_str_eq(t->levels[2].level, "commune");
			cr_expect_float_eq(t->levels[2].threshold, 60, 1e-9);
			cr_expect(strstr(t->measure, "hồ sơ công việc được xử lý trên môi trường mạng"),
				  "%s", t->measure);
		}
		if (t->indicator && !strcmp(t->indicator, "satisfaction")) {
			cr_expect_str_eq(t->comparison, ">", "trên 85%%");
			cr_expect_float_eq(t->threshold, 85, 1e-9);
		}
		if (t->indicator && !strcmp(t->indicator, "dossiers_on_time"))
			cr_expect_float_eq(t->threshold, 98, 1e-9);
	}
	cr_expect(has_warning(&d, "continued_paragraph", "I.2"),
		  "a bullet of I.2 goes on after a page break");
	{
		json_t *j = plan_doc_json(&d, r);

		cr_expect_eq(json_array_size(json_object_get(j, "areas")), 7);
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(
			json_object_get(j, "plan"), "issuer"), "key")), "ubnd-tinh");
		cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "summary"), "tasks")),
			     51);
		cr_expect(json_array_size(json_object_get(j, "warnings")) >= 15);
		json_decref(j);
	}
	plan_doc_release(&d);
	plan_registry_free(r);
}

static const char small_doc[] =
	"QUYẾT ĐỊNH\n"
	"Ban hành Kế hoạch cải cách hành chính năm 2022\n"
	"ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM\n"
	"Điều 1. Ban hành Kế hoạch.\n"
	"I. Mục tiêu, chỉ tiêu\n"
	"2. Các chỉ tiêu chủ yếu\n"
	"- Trên 90% hồ sơ được giải quyết đúng hạn và trước hạn.\n"
	"- Nâng cao chất lượng phục vụ.\n"
	"IV. Tổ chức thực hiện\n"
	"1. Các Sở gửi kế hoạch trước ngày 15/02/2022.\n"
	"Điều 2. Hiệu lực.\n"
	"Nguyễn Văn A\n"
	"Phụ lục\n"
	"(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 30/12/2021)\n"
	"TT\tNội dung, nhiệm vụ\tSản phẩm\tThời gian hoàn thành\tCơ quan chủ trì thực hiện\tCơ quan phối hợp thực hiện\n"
	"I\tCẢI CÁCH THỂ CHẾ\t\t\t\t\n"
	"1\tViệc một\tBáo cáo\tQuý II\tSở Tư pháp\tSở Ngoại vụ\n"
	"3\tViệc hai\tBáo cáo\tKhi nào rảnh\tSở Tư pháp\t\n"
	"Một dòng lạ\tkhông có số\n";

Test(document, a_small_one)
{
	struct plan_registry *r = registry();
	struct plan_doc d = PLAN_DOC_INIT;
	struct err e = ERR_INIT;

	cr_assert_eq(plan_doc_parse(small_doc, r, &d, &e), 0, "%s", e.message);
	cr_expect_eq(d.year, 2022);
	cr_expect_str_eq(d.decision_number, "12/QĐ-UBND");
	cr_expect_str_eq(d.decision_date, "2021-12-30");
	cr_expect_eq(d.agency_plan_due, day("2022-02-15"));
	cr_expect_str_eq(d.signed_by, "Nguyễn Văn A");
	cr_expect_eq(d.ntasks, 2);
	cr_expect_eq(task(&d, "I.1")->deadline.dates[0], day("2022-06-30"));
	cr_expect(has_warning(&d, "year_assumed", "I.1/deadline"));
	cr_expect_eq(task(&d, "I.3")->deadline.kind, PLAN_DL_UNKNOWN);
	cr_expect(has_warning(&d, "unknown_deadline", "I.3/deadline"));
	cr_expect(has_warning(&d, "out_of_sequence", "I.3"));
	cr_expect(has_warning(&d, "unknown_row", "table"), "the odd line is kept");
	cr_expect_eq(d.ntargets, 2, "the bullet without a number is kept too");
	cr_expect_str_eq(d.targets[0].comparison, ">");
	cr_expect(d.targets[1].no_threshold);
	cr_expect(has_warning(&d, "target_without_number", "I.2"));
	plan_doc_release(&d);
	plan_registry_free(r);
}

Test(document, refused)
{
	struct plan_registry *r = registry();
	struct plan_doc d = PLAN_DOC_INIT;
	struct err e = ERR_INIT;

	cr_expect_eq(plan_doc_parse("just some text", r, &d, &e), E_INVALID);
	cr_expect(strstr(e.message, "appendix"), "%s", e.message);
	cr_expect_eq(plan_doc_parse("QUYẾT ĐỊNH\nKế hoạch\nPhụ lục\nkhông có bảng\n", r, &d, &e),
		     E_INVALID);
	cr_expect_eq(plan_doc_parse("QUYẾT ĐỊNH\nKế hoạch năm 2021\nPhụ lục\nkhông có bảng\n", r, &d,
				    &e), E_INVALID);
	cr_expect(strstr(e.message, "table"), "%s", e.message);
	plan_registry_free(r);
}

/* ---- states ---------------------------------------------------------------------- */

static enum plan_state state(const char *deadline, const struct plan_point *pts, int n,
			     const char *as_of, int *due)
{
	struct plan_deadline dl;

	plan_deadline_parse(deadline, 2021, &dl);
	return plan_state_of(&dl, pts, n, day(as_of), 14, 2021, due);
}

Test(state, dated)
{
	struct plan_point in_progress = { day("2021-05-10"), 40, false };
	struct plan_point done_early = { day("2021-06-15"), 100, true };
	struct plan_point done_late = { day("2021-07-02"), 100, true };
	int due;

	cr_expect_eq(state("Quý II/2021", NULL, 0, "2021-04-01", &due), PLAN_NOT_STARTED);
	cr_expect_eq(due, day("2021-06-30"));
	cr_expect_eq(state("Quý II/2021", NULL, 0, "2021-06-20", NULL), PLAN_DUE_SOON);
	cr_expect_eq(state("Quý II/2021", &in_progress, 1, "2021-05-20", NULL), PLAN_ON_TRACK);
	cr_expect_eq(state("Quý II/2021", &in_progress, 1, "2021-05-01", NULL), PLAN_NOT_STARTED,
		     "a report dated later does not count yet");
	cr_expect_eq(state("Quý II/2021", NULL, 0, "2021-07-01", NULL), PLAN_OVERDUE,
		     "past the deadline with no report");
	cr_expect_eq(state("Quý II/2021", &in_progress, 1, "2021-07-01", NULL), PLAN_OVERDUE);
	cr_expect_eq(state("Quý II/2021", &done_early, 1, "2021-12-31", NULL), PLAN_DONE_ON_TIME);
	cr_expect_eq(state("Quý II/2021", &done_late, 1, "2021-12-31", NULL), PLAN_DONE_LATE);
	cr_expect_eq(state("Quý II/2021", &done_late, 1, "2021-07-01", NULL), PLAN_OVERDUE);
}

Test(state, several_dates_and_ranges)
{
	struct plan_point half = { day("2021-06-20"), 50, false };

	/* Quý II và Quý IV: half the work by the end of June. */
	cr_expect_eq(state("Quý II và Quý IV/2021", NULL, 0, "2021-07-05", NULL), PLAN_OVERDUE);
	cr_expect_eq(state("Quý II và Quý IV/2021", &half, 1, "2021-07-05", NULL), PLAN_ON_TRACK);
	cr_expect_eq(state("Quý II và Quý IV/2021", &half, 1, "2021-12-20", NULL), PLAN_DUE_SOON);
	cr_expect_eq(state("Quý II và Quý IV/2021", &half, 1, "2022-01-01", NULL), PLAN_OVERDUE);
	/* A range does not start before its first quarter. */
	cr_expect_eq(state("Quý II-III/2021", NULL, 0, "2021-03-01", NULL), PLAN_NOT_STARTED);
	cr_expect_eq(state("Quý II-III/2021", NULL, 0, "2021-10-01", NULL), PLAN_OVERDUE);
}

Test(state, recurring)
{
	struct plan_point q1 = { day("2021-02-01"), 10, false };
	struct plan_point pts[] = { { day("2021-02-01"), 10, false }, { day("2021-05-01"), 20, false } };

	cr_expect_eq(state("Nhiệm vụ thường xuyên", NULL, 0, "2021-02-01", NULL), PLAN_NOT_STARTED);
	cr_expect_eq(state("Nhiệm vụ thường xuyên", NULL, 0, "2021-03-25", NULL), PLAN_DUE_SOON);
	cr_expect_eq(state("Nhiệm vụ thường xuyên", &q1, 1, "2021-03-25", NULL), PLAN_ON_TRACK);
	cr_expect_eq(state("Nhiệm vụ thường xuyên", NULL, 0, "2021-04-10", NULL), PLAN_OVERDUE,
		     "the first quarter went by without a report");
	cr_expect_eq(state("Nhiệm vụ thường xuyên", &q1, 1, "2021-04-10", NULL), PLAN_ON_TRACK);
	cr_expect_eq(state("Nhiệm vụ thường xuyên", &q1, 1, "2021-07-10", NULL), PLAN_OVERDUE,
		     "nothing in the second quarter");
	cr_expect_eq(state("Nhiệm vụ thường xuyên", pts, 2, "2021-07-10", NULL), PLAN_ON_TRACK);
}

Test(state, conditional_never_overdue)
{
	struct plan_point done = { day("2021-11-01"), 100, true };

	cr_expect_eq(state("Theo tiến độ Đề án", NULL, 0, "2026-11-28", NULL), PLAN_NOT_STARTED);
	cr_expect_eq(state("Theo tiến độ Đề án", &done, 1, "2026-11-28", NULL), PLAN_DONE_ON_TIME);
}

Test(state, names)
{
	for (int s = 0; s < PLAN_NSTATES; s++)
		cr_expect_eq(plan_state_parse(plan_state_name((enum plan_state)s)), s);
	cr_expect_eq(plan_state_parse("late"), -1);
	cr_expect_eq(plan_state_parse(NULL), -1);
}

/* ---- periods ----------------------------------------------------------------------- */

Test(period, codes)
{
	struct plan_period p;
	struct err e = ERR_INIT;

	cr_assert_eq(plan_period_parse("Q3", 2021, &p, &e), 0);
	cr_expect_eq(p.from, day("2021-07-01"));
	cr_expect_eq(p.to, day("2021-09-30"));
	cr_assert_eq(plan_period_parse("H1", 2021, &p, &e), 0);
	cr_expect_eq(p.to, day("2021-06-30"));
	cr_assert_eq(plan_period_parse("Y", 2021, &p, &e), 0);
	cr_expect_eq(p.from, day("2021-01-01"));
	cr_expect_eq(p.to, day("2021-12-31"));
	cr_expect_eq(plan_period_parse("Q5", 2021, &p, &e), E_INVALID);
	cr_expect_str_eq(e.field, "period");
	cr_expect_eq(plan_period_parse(NULL, 2021, &p, &e), E_INVALID);
}
