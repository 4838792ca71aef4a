/* Tests of src/base/text: Vietnamese folding and words. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/text.h"

static void expect_fold(const char *in, const char *want)
{
	char *got = text_fold_dup(in);

	cr_expect_str_eq(got, want, "fold(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

Test(text, ascii_lowercase_and_spaces)
{
	expect_fold("Dang Ky KHAI sinh", "dang ky khai sinh");
	expect_fold("  dang   ky\t\nkhai-sinh.  ", "dang ky khai sinh");
	expect_fold("1.001193", "1 001193");
	expect_fold("", "");
	expect_fold(NULL, "");
	expect_fold(" ,;: ", "");
}

Test(text, precomposed_vietnamese)
{
	expect_fold("Đăng ký khai sinh", "dang ky khai sinh");
	expect_fold("Cấp Giấy chứng nhận quyền sử dụng đất", "cap giay chung nhan quyen su dung dat");
	expect_fold("Chứng thực bản sao từ bản chính", "chung thuc ban sao tu ban chinh");
	expect_fold("Ủy ban nhân dân xã Đại Hiệp", "uy ban nhan dan xa dai hiep");
	expect_fold("ĐỔI GIẤY PHÉP LÁI XE", "doi giay phep lai xe");
	expect_fold("Lý lịch tư pháp", "ly lich tu phap");
	expect_fold("Hộ kinh doanh; hợp tác xã", "ho kinh doanh hop tac xa");
}

Test(text, every_vietnamese_vowel)
{
	/* The 12 vowels with each of the 6 tones (none, huyền, sắc, hỏi, ngã, nặng). */
	expect_fold("a à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", "a a a a a a a a a a a a a a a a a a");
	expect_fold("A À Á Ả Ã Ạ Ă Ằ Ắ Ẳ Ẵ Ặ Â Ầ Ấ Ẩ Ẫ Ậ", "a a a a a a a a a a a a a a a a a a");
	expect_fold("e è é ẻ ẽ ẹ ê ề ế ể ễ ệ", "e e e e e e e e e e e e");
	expect_fold("E È É Ẻ Ẽ Ẹ Ê Ề Ế Ể Ễ Ệ", "e e e e e e e e e e e e");
	expect_fold("i ì í ỉ ĩ ị I Ì Í Ỉ Ĩ Ị", "i i i i i i i i i i i i");
	expect_fold("o ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ", "o o o o o o o o o o o o o o o o o o");
	expect_fold("O Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ", "o o o o o o o o o o o o o o o o o o");
	expect_fold("u ù ú ủ ũ ụ ư ừ ứ ử ữ ự", "u u u u u u u u u u u u");
	expect_fold("U Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự", "u u u u u u u u u u u u");
	expect_fold("y ỳ ý ỷ ỹ ỵ Y Ỳ Ý Ỷ Ỹ Ỵ", "y y y y y y y y y y y y");
	expect_fold("đ Đ", "d d");
}

Test(text, decomposed_marks)
{
	/* "Đăng ký khai sinh" in NFD: a + breve, y + acute. */
	expect_fold("\xc4\x90" "a\xcc\x86ng ky\xcc\x81 khai sinh", "dang ky khai sinh");
	/* ệ as e + circumflex + dot below, and as ê + dot below. */
	expect_fold("Vie\xcc\x82\xcc\xa3t", "viet");
	expect_fold("Vi\xc3\xaa\xcc\xa3t", "viet");
	/* ư as u + horn, ở as o + horn + hook above. */
	expect_fold("tu\xcc\x9b pha\xcc\x81p", "tu phap");
	expect_fold("o\xcc\x9b\xcc\x89", "o");
	/* A combining mark at the very start has nothing to attach to: dropped. */
	expect_fold("\xcc\x81" "abc", "abc");
}

Test(text, nfc_and_nfd_agree)
{
	const char *nfc = "Đăng ký kết hôn có yếu tố nước ngoài";
	const char *nfd = "\xc4\x90" "a\xcc\x86ng ky\xcc\x81 ke\xcc\x82\xcc\x81t ho\xcc\x82n co\xcc\x81 "
		"y\xc3\xaa\xcc\x81u to\xcc\x82\xcc\x81 nu\xcc\x9bo\xcc\x9b\xcc\x81" "c ngoa\xcc\x80i";
	char *a = text_fold_dup(nfc), *b = text_fold_dup(nfd);

	cr_expect_str_eq(a, b);
	cr_expect_str_eq(a, "dang ky ket hon co yeu to nuoc ngoai");
	free(a);
	free(b);
}

Test(text, other_latin_and_scripts)
{
	expect_fold("Café Ñandú Øre Łódź", "cafe nandu ore lodz");
	expect_fold("“Giấy phép” – số 5", "giay phep so 5");
	expect_fold("a\xc2\xa0" "b", "a b");	/* no-break space */
	expect_fold("Москва 北京", "Москва 北京");
	expect_fold("\xef\xbb\xbf" "abc", "abc");	/* a byte-order mark */
}

Test(text, invalid_utf8_separates_words)
{
	expect_fold("ab\xff" "cd", "ab cd");
	expect_fold("ab\xc3", "ab");
	expect_fold("\xe0\x80\x80x", "x");	/* overlong */
	expect_fold("a\xed\xa0\x80" "b", "a b");	/* a surrogate */
	cr_expect(text_utf8_valid("Đăng ký", strlen("Đăng ký")));
	cr_expect(!text_utf8_valid("ab\xff", 3));
	cr_expect(!text_utf8_valid("\xc0\xaf", 2));
}

Test(text, appends_to_buffer)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "x:");
	text_fold(&sb, " Hộ tịch ");
	cr_expect_str_eq(sb.buf, "x:ho tich");
	strbuf_release(&sb);
}

Test(text, words)
{
	const char *p = "dang ky  khai", *w;
	size_t len;

	w = text_next_word(&p, &len);
	cr_assert_not_null(w);
	cr_expect_eq(len, 4);
	cr_expect_eq(strncmp(w, "dang", len), 0);
	w = text_next_word(&p, &len);
	cr_expect_eq(len, 2);
	cr_expect_eq(strncmp(w, "ky", len), 0);
	w = text_next_word(&p, &len);
	cr_expect_eq(len, 4);
	cr_expect_eq(strncmp(w, "khai", len), 0);
	cr_expect_null(text_next_word(&p, &len));
	cr_expect_null(text_next_word(&p, &len));
}
