/*
 * Tests of src/export: the RFC 4180 CSV writer, PDF documents whose
 * Vietnamese text comes back exact (read with pdftotext, when poppler-utils
 * is installed), and XLSX workbooks.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "export/csv.h"
#include "export/pdf.h"
#include "export/xlsx.h"

/* ---- CSV ------------------------------------------------------------------- */

Test(csv, plain_and_quoted_fields)
{
	struct strbuf out = STRBUF_INIT;
	struct csv c = CSV_INIT(&out);
	const char *row[] = { "Mã", "Tên thủ tục, lĩnh vực", "có \"ngoặc\"", "dòng\nmới", NULL };

	c.neutralise = false;
	csv_record(&c, row, 5);
	csv_int(&c, -12);
	csv_num(&c, 98.5);
	csv_field(&c, "");
	csv_end(&c);
	cr_expect_str_eq(out.buf, "Mã,\"Tên thủ tục, lĩnh vực\",\"có \"\"ngoặc\"\"\",\"dòng\nmới\",\r\n"
			 "-12,98.5,\r\n");
	strbuf_release(&out);
}

Test(csv, formulas_are_defused)
{
	struct strbuf out = STRBUF_INIT;
	struct csv c = CSV_INIT(&out);

	csv_field(&c, "=HYPERLINK(\"http://x\")");
	csv_field(&c, "+1");
	csv_field(&c, "@SUM(A1)");
	csv_field(&c, "-2");
	csv_int(&c, -2);
	csv_end(&c);
	cr_expect_str_eq(out.buf, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'@SUM(A1)\",\"'-2\",-2\r\n");
	strbuf_release(&out);
}

Test(csv, bom)
{
	struct strbuf out = STRBUF_INIT;
	struct csv c = CSV_INIT(&out);

	csv_bom(&c);
	csv_field(&c, "a");
	csv_end(&c);
	cr_expect_eq(out.len, 6);
	cr_expect(!memcmp(out.buf, "\xEF\xBB\xBF" "a\r\n", 6));
	strbuf_release(&out);
}

/* ---- PDF ----------------------------------------------------------------------- */

static const char viet[] = "Kế hoạch cải cách hành chính năm 2021 — Ủy ban nhân dân tỉnh Quảng Nam";

/* The text of a PDF as pdftotext reads it, or NULL without pdftotext. */
static char *extract(const struct strbuf *pdf)
{
	char path[] = "/tmp/cchc-test-pdf-XXXXXX";
	int fd = mkstemp(path);
	struct strbuf cmd = STRBUF_INIT, text = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *p;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, pdf->buf, pdf->len), (ssize_t)pdf->len);
	close(fd);
	if (access("/usr/bin/pdftotext", X_OK)) {
		unlink(path);
		return NULL;
	}
	strbuf_addf(&cmd, "/usr/bin/pdftotext -q -enc UTF-8 %s -", path);
	p = popen(cmd.buf, "r");
	cr_assert(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(&text, buf, n);
	pclose(p);
	unlink(path);
	strbuf_release(&cmd);
	return strbuf_detach(&text, NULL);
}

/* s with every run of white space made one space. */
static char *squeeze(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\f' || *s == '\t' || *s == '\r') {
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_addch(&sb, ' ');
		space = false;
		strbuf_addch(&sb, *s);
	}
	return strbuf_detach(&sb, NULL);
}

Test(pdf, vietnamese_comes_back_exact)
{
	struct pdf_options opt = { .title = "Báo cáo quý I", .page_label = "Trang" };
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct pdf *p;
	char *text, *flat;

	cr_assert_eq(pdf_new(&p, &opt, &e), 0, "%s", e.message);
	pdf_heading(p, 1, "Báo cáo tiến độ");
	pdf_paragraph(p, viet);
	pdf_text(p, "Đậm: chỉ tiêu ≥ 98 % — “ngoặc kép” ữ ỹ ợ ự ẫ ặ", true, 0, PDF_LEFT);
	cr_assert_eq(pdf_finish(p, &out, &e), 0, "%s", e.message);
	pdf_free(p);
	cr_expect(out.len > 1000);
	cr_expect(!memcmp(out.buf, "%PDF-", 5));
	text = extract(&out);
	if (text) {
		flat = squeeze(text);
		cr_expect(strstr(flat, viet), "the paragraph, exact: %s", flat);
		cr_expect(strstr(flat, "Đậm: chỉ tiêu ≥ 98 % — “ngoặc kép” ữ ỹ ợ ự ẫ ặ"), "%s", flat);
		cr_expect(strstr(flat, "Trang 1/1"), "page numbers: %s", flat);
		free(flat);
		free(text);
	}
	strbuf_release(&out);
}

Test(pdf, long_tables_break_pages_and_wrap)
{
	struct pdf_column cols[] = {
		{ "TT", 1, PDF_RIGHT }, { "Nội dung, nhiệm vụ", 8, PDF_LEFT },
		{ "Thời gian", 3, PDF_LEFT },
	};
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct pdf *p;
	char *text, *flat;

	cr_assert_eq(pdf_new(&p, NULL, &e), 0, "%s", e.message);
	pdf_table_begin(p, cols, 3);
	for (int i = 0; i < 80; i++) {
		char n[16];
		const char *row[3] = { n, "Hoàn thiện hệ thống văn bản quy phạm pháp luật phù hợp với "
				       "các quy định của Trung ương và điều kiện thực tế của tỉnh",
				       "Nhiệm vụ thường xuyên" };

		snprintf(n, sizeof(n), "%d", i + 1);
		pdf_table_row(p, row);
	}
	/* A word wider than its cell is cut between characters, not lost. */
	{
		const char *row[3] = { "81", "Xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				       NULL };

		pdf_table_row_bold(p, row);
	}
	pdf_table_end(p);
	cr_assert_eq(pdf_finish(p, &out, &e), 0, "%s", e.message);
	pdf_free(p);
	text = extract(&out);
	if (text) {
		flat = squeeze(text);
		cr_expect(strstr(flat, "4/4") || strstr(flat, "5/5") || strstr(flat, "6/6"),
			  "several pages");
		/* The header is repeated on every page. */
		{
			int headers = 0;

			for (const char *s = flat; (s = strstr(s, "Nội dung, nhiệm vụ")); s++)
				headers++;
			cr_expect_geq(headers, 3, "header on each page: %d", headers);
		}
		cr_expect(strstr(flat, "80"));
		free(flat);
		free(text);
	}
	strbuf_release(&out);
}

Test(pdf, missing_font_is_an_error)
{
	struct pdf_options opt = { .font = "/nonexistent/font.ttf" };
	struct err e = ERR_INIT;
	struct pdf *p = (struct pdf *)1;

	cr_expect_eq(pdf_new(&p, &opt, &e), E_INTERNAL);
	cr_expect_null(p);
	cr_expect(strstr(e.message, "/nonexistent/font.ttf"), "%s", e.message);
}

/* ---- XLSX -------------------------------------------------------------------------- */

Test(xlsx, a_workbook)
{
	struct xlsx_column cols[] = { { "Mã", 10 }, { "Số", 8 } };
	struct xlsx_options opt = { "Báo cáo", "cchc", NULL };
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct xlsx *x;
	struct xlsx_sheet *s;

	cr_assert_eq(xlsx_new(&x, &opt, &e), 0, "%s", e.message);
	s = xlsx_sheet(x, "Tổng hợp: quý I/2021 [bản nháp] với một cái tên rất dài");
	xlsx_title(s, "Báo cáo quý I năm 2021");
	xlsx_columns(s, cols, 2);
	xlsx_text(s, "=1+1");
	xlsx_number(s, 98.5);
	xlsx_next_row(s);
	xlsx_bold(s, true);
	xlsx_text(s, "Tổng");
	xlsx_number(s, 1);
	xlsx_next_row(s);
	/* The same name again is made unique. */
	xlsx_sheet(x, "Tổng hợp: quý I/2021 [bản nháp] với một cái tên rất dài");
	cr_assert_eq(xlsx_finish(x, &out, &e), 0, "%s", e.message);
	xlsx_free(x);
	cr_expect(out.len > 1000);
	cr_expect(!memcmp(out.buf, "PK\x03\x04", 4), "a zip file");
	strbuf_release(&out);
}

Test(xlsx, freed_unfinished)
{
	struct err e = ERR_INIT;
	struct xlsx *x;

	cr_assert_eq(xlsx_new(&x, NULL, &e), 0, "%s", e.message);
	xlsx_sheet(x, "A");
	xlsx_free(x);
	xlsx_free(NULL);
}
