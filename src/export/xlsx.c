/* The spreadsheet writer of xlsx.h, over libxlsxwriter. */
#include "export/xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"

#define MAX_SHEETS 64
#define SHEET_NAME_MAX 31	/* characters, as Excel counts them */

struct xlsx_sheet {
	struct xlsx *book;
	lxw_worksheet *ws;
	char *name;
	lxw_row_t row;
	lxw_col_t col;
	bool bold;
};

struct xlsx {
	lxw_workbook *wb;
	lxw_format *bold, *title, *wrap, *bold_wrap;
	char path[256];
	struct xlsx_sheet sheets[MAX_SHEETS];
	int nsheets;
	lxw_error error;	/* the first error */
	bool closed;
};

static void note_error(struct xlsx *x, lxw_error e)
{
	if (e && !x->error)
		x->error = e;
}

int xlsx_new(struct xlsx **out, const struct xlsx_options *opt, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	struct xlsx *x = xcalloc(1, sizeof(*x));
	lxw_workbook_options wo = { .constant_memory = LXW_FALSE };
	int fd;

	*out = NULL;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(x->path, sizeof(x->path), "%s/cchc-xlsx-XXXXXX", tmp);
	fd = mkstemp(x->path);
	if (fd < 0) {
		free(x);
		return err_set(e, E_INTERNAL, NULL, "cannot create a temporary file in '%s': %s",
			       tmp, strerror(errno));
	}
	close(fd);
	wo.tmpdir = (char *)tmp;
	x->wb = workbook_new_opt(x->path, &wo);
	if (!x->wb) {
		unlink(x->path);
		free(x);
		return err_set(e, E_INTERNAL, NULL, "cannot start a spreadsheet");
	}
	if (opt && (opt->title || opt->author || opt->subject)) {
		lxw_doc_properties props = {
			.title = (char *)opt->title,
			.author = (char *)opt->author,
			.subject = (char *)opt->subject,
		};

		note_error(x, workbook_set_properties(x->wb, &props));
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	format_set_text_wrap(x->bold);
	format_set_align(x->bold, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(x->bold, 0xEEF0F4);
	format_set_border(x->bold, LXW_BORDER_THIN);
	x->bold_wrap = workbook_add_format(x->wb);
	format_set_bold(x->bold_wrap);
	format_set_text_wrap(x->bold_wrap);
	format_set_align(x->bold_wrap, LXW_ALIGN_VERTICAL_TOP);
	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	*out = x;
	return 0;
}

void xlsx_free(struct xlsx *x)
{
	if (!x)
		return;
	if (!x->closed && x->wb)
		workbook_close(x->wb);
	unlink(x->path);
	for (int i = 0; i < x->nsheets; i++)
		free(x->sheets[i].name);
	free(x);
}

/* Whether another sheet of x is called name. */
static bool name_taken(struct xlsx *x, const char *name)
{
	for (int i = 0; i < x->nsheets; i++)
		if (!strcmp(x->sheets[i].name, name))
			return true;
	return false;
}

/* name cut to max characters (not bytes), without the characters Excel refuses. */
static void clean_name(struct strbuf *sb, const char *name, int max)
{
	int chars = 0;

	for (const char *s = name ? name : ""; *s && chars < max; ) {
		size_t n = 1;

		while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		if (n == 1 && strchr("[]:*?/\\'", *s)) {
			s++;
			continue;
		}
		strbuf_add(sb, s, n);
		s += n;
		chars++;
	}
	if (!sb->len)
		strbuf_addstr(sb, "Sheet");
}

struct xlsx_sheet *xlsx_sheet(struct xlsx *x, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	struct xlsx_sheet *s;

	if (x->nsheets == MAX_SHEETS) {
		note_error(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
		return &x->sheets[MAX_SHEETS - 1];
	}
	clean_name(&sb, name, SHEET_NAME_MAX);
	for (int n = 2; name_taken(x, sb.buf); n++) {
		char suffix[16];

		snprintf(suffix, sizeof(suffix), " (%d)", n);
		strbuf_reset(&sb);
		clean_name(&sb, name, SHEET_NAME_MAX - (int)strlen(suffix));
		strbuf_addstr(&sb, suffix);
	}
	s = &x->sheets[x->nsheets++];
	s->book = x;
	s->name = strbuf_detach(&sb, NULL);
	s->ws = workbook_add_worksheet(x->wb, s->name);
	if (!s->ws)
		note_error(x, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
	return s;
}

void xlsx_title(struct xlsx_sheet *s, const char *text)
{
	if (!s->ws)
		return;
	note_error(s->book, worksheet_write_string(s->ws, s->row, 0, text ? text : "",
						   s->book->title));
	s->row += 2;
	s->col = 0;
}

void xlsx_note(struct xlsx_sheet *s, const char *text)
{
	if (!s->ws)
		return;
	note_error(s->book, worksheet_write_string(s->ws, s->row, 0, text ? text : "",
						   NULL));
	s->row++;
	s->col = 0;
}

void xlsx_columns(struct xlsx_sheet *s, const struct xlsx_column *cols, int n)
{
	if (!s->ws)
		return;
	if (s->col)
		xlsx_next_row(s);
	for (int i = 0; i < n; i++) {
		note_error(s->book, worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i,
							 cols[i].width > 0 ? cols[i].width : 12,
							 s->book->wrap));
		note_error(s->book, worksheet_write_string(s->ws, s->row, (lxw_col_t)i,
							   cols[i].title ? cols[i].title : "",
							   s->book->bold));
	}
	worksheet_freeze_panes(s->ws, s->row + 1, 0);
	s->row++;
	s->col = 0;
}

void xlsx_text(struct xlsx_sheet *s, const char *text)
{
	if (!s->ws)
		return;
	/* write_string never takes text for a formula, whatever it starts with. */
	if (text && *text)
		note_error(s->book, worksheet_write_string(s->ws, s->row, s->col, text,
							   s->bold ? s->book->bold_wrap :
							   s->book->wrap));
	s->col++;
}

void xlsx_number(struct xlsx_sheet *s, double value)
{
	if (!s->ws)
		return;
	note_error(s->book, worksheet_write_number(s->ws, s->row, s->col, value,
						   s->bold ? s->book->bold_wrap : NULL));
	s->col++;
}

void xlsx_skip(struct xlsx_sheet *s)
{
	s->col++;
}

void xlsx_bold(struct xlsx_sheet *s, bool on)
{
	s->bold = on;
}

void xlsx_next_row(struct xlsx_sheet *s)
{
	s->row++;
	s->col = 0;
	s->bold = false;
}

int xlsx_finish(struct xlsx *x, struct strbuf *out, struct err *e)
{
	lxw_error ret;
	FILE *f;
	char buf[65536];
	size_t n;

	if (x->closed)
		return err_set(e, E_INTERNAL, NULL, "the spreadsheet was already finished");
	if (!x->nsheets)
		xlsx_sheet(x, NULL);
	ret = workbook_close(x->wb);
	x->closed = true;
	x->wb = NULL;
	note_error(x, ret);
	if (x->error) {
		log_msg(LOG_ERROR, "libxlsxwriter: %s", lxw_strerror(x->error));
		return err_set(e, E_INTERNAL, NULL, "cannot make the spreadsheet");
	}
	f = fopen(x->path, "rb");
	if (!f)
		return err_set(e, E_INTERNAL, NULL, "cannot read the spreadsheet back: %s",
			       strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	if (ferror(f)) {
		fclose(f);
		return err_set(e, E_INTERNAL, NULL, "cannot read the spreadsheet back");
	}
	fclose(f);
	return 0;
}
