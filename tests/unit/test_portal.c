/* portal/: recognising uploaded documents by their content. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/err.h"
#include "portal/portal.h"

static const char pdf[] = "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F' };

Test(sniff, recognises_pdf_jpeg_png_by_content)
{
	cr_assert_str_eq(upload_sniff(pdf, sizeof(pdf) - 1), "application/pdf");
	cr_assert_str_eq(upload_sniff(png, sizeof(png)), "image/png");
	cr_assert_str_eq(upload_sniff(jpeg, sizeof(jpeg)), "image/jpeg");
	cr_assert_null(upload_sniff("GIF89a......", 12));
	cr_assert_null(upload_sniff("hello world", 11));
	cr_assert_null(upload_sniff("", 0));
	cr_assert_null(upload_sniff(png, 7));
}

Test(sniff, a_pdf_needs_its_end_near_the_end)
{
	static char big[4096];

	/* A cut PDF (no %%EOF) is not a document. */
	cr_assert_null(upload_sniff("%PDF-1.4\n1 0 obj\n", 17));
	/* %%EOF far from the end does not count. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "%PDF-1.4\n%%EOF\n", 15);
	cr_assert_null(upload_sniff(big, sizeof(big)));
	memcpy(big + sizeof(big) - 7, "%%EOF\n", 6);
	cr_assert_str_eq(upload_sniff(big, sizeof(big)), "application/pdf");
	/* Not at the start: not a PDF. */
	cr_assert_null(upload_sniff(" %PDF-1.4\n%%EOF", 15));
}

Test(upload, refuses_with_the_file_and_the_reason)
{
	struct err e = ERR_INIT;
	const char *type;

	cr_assert_eq(upload_check("doc_0", "a.pdf", "application/pdf", pdf, sizeof(pdf) - 1,
				  &type, &e), 0);
	cr_assert_str_eq(type, "application/pdf");
	cr_assert_eq(upload_check("doc_0", "IMG_1.JPG", "image/jpeg", jpeg, sizeof(jpeg),
				  &type, &e), 0);
	cr_assert_eq(upload_check("doc_0", "scan", "application/octet-stream", png, sizeof(png),
				  &type, &e), 0);
	cr_assert_str_eq(type, "image/png");
	/* The aliases clients send, and names that claim nothing. */
	cr_assert_eq(upload_check("doc_0", "anh.jfif", "image/pjpeg", jpeg, sizeof(jpeg),
				  &type, &e), 0);
	cr_assert_eq(upload_check("doc_0", "scan.heic", "image/jpg", jpeg, sizeof(jpeg),
				  &type, &e), 0);
	cr_assert_eq(upload_check("doc_0", "a.pdf", "application/pdf; name=a.pdf", pdf,
				  sizeof(pdf) - 1, &type, &e), 0);

	/* Lies: a PNG named .pdf, a PDF declared as an image. */
	cr_assert_eq(upload_check("doc_1", "anh.pdf", "application/pdf", png, sizeof(png),
				  &type, &e), E_INVALID);
	cr_assert_str_eq(e.field, "doc_1");
	cr_assert(strstr(e.message, "anh.pdf") && strstr(e.message, "lies"), "%s", e.message);
	cr_assert_null(type);
	cr_assert_eq(upload_check("doc_1", "a.pdf", "image/png", pdf, sizeof(pdf) - 1,
				  &type, &e), E_INVALID);
	cr_assert(strstr(e.message, "lies"), "%s", e.message);
	/* Named a PDF but not one at all. */
	cr_assert_eq(upload_check("f", "giay.pdf", "application/pdf", "xin chao", 8, &type, &e),
		     E_INVALID);
	cr_assert(strstr(e.message, "giay.pdf") && strstr(e.message, "not a PDF"), "%s", e.message);
	/* Not a document. */
	cr_assert_eq(upload_check("f", "virus.exe", "application/x-msdownload", "MZ\x90", 3,
				  &type, &e), E_INVALID);
	cr_assert(strstr(e.message, "virus.exe") && strstr(e.message, "not a document"),
		  "%s", e.message);
	/* Empty. */
	cr_assert_eq(upload_check("f", "a.pdf", "", "", 0, &type, &e), E_INVALID);
	cr_assert(strstr(e.message, "empty"), "%s", e.message);
}

Test(upload, too_large)
{
	struct portal_settings s = *portal_settings();
	struct portal_settings small = s;
	struct err e = ERR_INIT;
	const char *type;

	small.file_limit = 16;
	portal_configure(&small);
	cr_assert_eq(upload_check("f", "a.pdf", "application/pdf", pdf, sizeof(pdf) - 1,
				  &type, &e), E_INVALID);
	cr_assert(strstr(e.message, "a.pdf") && strstr(e.message, "too large"), "%s", e.message);
	portal_configure(&s);
}

Test(portal, phone_numbers)
{
	cr_assert(portal_phone_ok("0905123456"));
	cr_assert_not(portal_phone_ok("905123456"));
	cr_assert_not(portal_phone_ok("09051234567"));
	cr_assert_not(portal_phone_ok("1905123456"));
	cr_assert_not(portal_phone_ok("09051234a6"));
	cr_assert_not(portal_phone_ok(""));
	cr_assert_not(portal_phone_ok(NULL));
}
