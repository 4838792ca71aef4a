/*
 * The PDF writer of pdf.h, over libharu.
 *
 * libharu (2.3) writes the ToUnicode map of a UTF-8 font as a list of CID
 * ranges, which PDF readers reject, so extracted text comes out garbled or
 * not at all.  With the UTF-8 encoder each character is drawn with its own
 * Unicode code point as its two-byte code, so the right map is the
 * identity; fix_to_unicode() rewrites the font's map to say exactly that.
 *
 * libharu also embeds only the glyphs the text used, but forgets the parts
 * of composite glyphs: in DejaVu, "ế" is drawn from "e" and a combined
 * circumflex-and-acute that no character maps to, so the mark went
 * missing on the page.  add_components() flags those parts before saving.
 */
#include "export/pdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <qrencode.h>

#include "base/err.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"

#define MARGIN_X 50.0
#define MARGIN_TOP 50.0
#define MARGIN_BOTTOM 50.0
#define LEADING 1.3		/* line height as a multiple of the font size */
#define CELL_PAD 3.0
#define TABLE_FONT_RATIO 0.9	/* table text is a little smaller than body text */
#define MAX_COLS 16

struct pdf_line {
	size_t start, len;	/* a piece of the text it was cut from */
};

struct pdf {
	HPDF_Doc doc;
	HPDF_Font regular, bold;
	char *font_path[2];	/* the files of regular and bold */
	HPDF_Page page;
	HPDF_Page *pages;
	size_t npages, alloc_pages;
	double width, height;	/* of the page */
	double y;		/* the top of the next line */
	double size;		/* body font size */
	HPDF_STATUS error, detail;
	char *page_label;
	/* The open table. */
	struct pdf_column cols[MAX_COLS];
	char *col_titles[MAX_COLS];
	double col_w[MAX_COLS];
	int ncols;
	bool finished;
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct pdf *p = data;

	/* The first error is the one that explains the rest. */
	if (!p->error) {
		p->error = error;
		p->detail = detail;
	}
}

/*
 * Replaces the ToUnicode CMap of a font by the identity on the Basic
 * Multilingual Plane (less the surrogates): code <XXYY> is U+XXYY.
 * bfrange entries may only vary in their last byte, hence one per high
 * byte, and at most 100 entries per block.
 */
static void fix_to_unicode(struct pdf *p, HPDF_Font font)
{
	HPDF_Dict map = HPDF_Dict_GetItem((HPDF_Dict)font, "ToUnicode", HPDF_OCLASS_DICT);
	int highs[256], nhigh = 0;
	struct strbuf sb = STRBUF_INIT;

	if (!map || !map->stream) {
		log_warn("pdf: the font has no ToUnicode map to correct");
		return;
	}
	for (int hi = 0; hi < 256; hi++)
		if (hi < 0xD8 || hi > 0xDF)
			highs[nhigh++] = hi;
	strbuf_addstr(&sb, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (int i = 0; i < nhigh; i += 100) {
		int n = nhigh - i < 100 ? nhigh - i : 100;

		strbuf_addf(&sb, "%d beginbfrange\n", n);
		for (int j = 0; j < n; j++)
			strbuf_addf(&sb, "<%02X00> <%02XFF> <%02X00>\n", highs[i + j],
				    highs[i + j], highs[i + j]);
		strbuf_addstr(&sb, "endbfrange\n");
	}
	strbuf_addstr(&sb, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_MemStream_FreeData(map->stream);
	if (HPDF_Stream_Write(map->stream, (const HPDF_BYTE *)sb.buf, (HPDF_UINT)sb.len))
		on_error(HPDF_FILE_IO_ERROR, 0, p);
	strbuf_release(&sb);
}

static HPDF_Font load_font(struct pdf *p, const char *path, struct err *e)
{
	const char *name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);
	HPDF_Font font = name ? HPDF_GetFont(p->doc, name, "UTF-8") : NULL;

	if (!font) {
		err_set(e, E_INTERNAL, NULL, "cannot load the font '%s' for PDF documents",
			path);
		return NULL;
	}
	fix_to_unicode(p, font);
	return font;
}

static void new_page(struct pdf *p)
{
	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return;
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, p->width > p->height ?
			  HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
	if (p->npages == p->alloc_pages) {
		p->alloc_pages = p->alloc_pages ? 2 * p->alloc_pages : 8;
		p->pages = xrealloc(p->pages, p->alloc_pages * sizeof(*p->pages));
	}
	p->pages[p->npages++] = p->page;
	p->y = p->height - MARGIN_TOP;
}

int pdf_new(struct pdf **out, const struct pdf_options *opt, struct err *e)
{
	static const struct pdf_options none;
	struct pdf *p = xcalloc(1, sizeof(*p));

	*out = NULL;
	if (!opt)
		opt = &none;
	p->doc = HPDF_New(on_error, p);
	if (!p->doc) {
		free(p);
		return err_set(e, E_INTERNAL, NULL, "cannot start a PDF document");
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	p->font_path[0] = xstrdup(opt->font ? opt->font : PDF_FONT_REGULAR);
	p->font_path[1] = xstrdup(opt->bold_font ? opt->bold_font : PDF_FONT_BOLD);
	p->regular = load_font(p, p->font_path[0], e);
	p->bold = p->regular ? load_font(p, p->font_path[1], e) : NULL;
	if (!p->bold) {
		pdf_free(p);
		return E_INTERNAL;
	}
	if (opt->title)
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, opt->title);
	if (opt->author)
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR, opt->author);
	if (opt->subject)
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, opt->subject);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "cchc");
	p->width = opt->landscape ? 842 : 595;
	p->height = opt->landscape ? 595 : 842;
	p->size = opt->font_size > 0 ? opt->font_size : 10;
	p->page_label = xstrdup_or_null(opt->page_label);
	new_page(p);
	*out = p;
	return 0;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	if (p->doc)
		HPDF_Free(p->doc);
	for (int i = 0; i < p->ncols; i++)
		free(p->col_titles[i]);
	free(p->pages);
	free(p->page_label);
	free(p->font_path[0]);
	free(p->font_path[1]);
	free(p);
}

double pdf_content_width(const struct pdf *p)
{
	return p->width - 2 * MARGIN_X;
}

double pdf_space_left(const struct pdf *p)
{
	return p->y - MARGIN_BOTTOM;
}

/* Makes room for h points, on a new page if this one is full. */
static void need(struct pdf *p, double h)
{
	if (p->y - h < MARGIN_BOTTOM && p->y < p->height - MARGIN_TOP)
		new_page(p);
}

/* The width of s[0..len) in font at size. */
static double text_width(struct pdf *p, HPDF_Font font, double size,
			 const char *s, size_t len)
{
	char stack[256];
	char *tmp = len < sizeof(stack) ? stack : xmalloc(len + 1);
	double w;

	memcpy(tmp, s, len);
	tmp[len] = '\0';
	HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size);
	w = HPDF_Page_TextWidth(p->page, tmp);
	if (tmp != stack)
		free(tmp);
	return w;
}

/* The length of the UTF-8 sequence that starts with byte c. */
static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/*
 * Cuts text into lines no wider than max: at spaces when it can, inside a
 * word (between characters) when one word alone is too wide, and at every
 * '\n'.  Returns the number of lines (at least 1) in a malloc'd array.
 */
static size_t wrap(struct pdf *p, HPDF_Font font, double size, const char *text,
		   double max, struct pdf_line **out)
{
	size_t n = 0, alloc = 8, len = strlen(text), pos = 0;
	struct pdf_line *lines = xmalloc(alloc * sizeof(*lines));

	while (pos <= len) {
		size_t end = pos, best = pos, eol = pos;
		bool fits_any = false;

		while (eol < len && text[eol] != '\n')
			eol++;
		/* Grow word by word while it fits. */
		while (end < eol) {
			size_t next = end;

			while (next < eol && text[next] == ' ')
				next++;
			while (next < eol && text[next] != ' ')
				next++;
			if (text_width(p, font, size, text + pos, next - pos) > max)
				break;
			end = best = next;
			fits_any = true;
		}
		if (!fits_any && pos < eol) {
			/* One word wider than the line: cut it between characters. */
			size_t cut = pos + utf8_len((unsigned char)text[pos]);

			while (cut < eol) {
				size_t next = cut + utf8_len((unsigned char)text[cut]);

				if (next > eol || text_width(p, font, size, text + pos,
							     next - pos) > max)
					break;
				cut = next;
			}
			best = cut;
		}
		if (n == alloc) {
			alloc *= 2;
			lines = xrealloc(lines, alloc * sizeof(*lines));
		}
		lines[n].start = pos;
		lines[n].len = best - pos;
		n++;
		pos = best;
		while (pos < eol && text[pos] == ' ')
			pos++;
		if (pos >= eol) {
			if (eol >= len)
				break;
			pos = eol + 1;
		}
	}
	*out = lines;
	return n;
}

/* Draws one line of text with its top at y, within [x, x + w). */
static void draw_line(struct pdf *p, HPDF_Font font, double size, const char *s,
		      size_t len, double x, double w, double y, enum pdf_align align)
{
	char stack[256];
	char *tmp = len < sizeof(stack) ? stack : xmalloc(len + 1);
	double tw, at = x;

	memcpy(tmp, s, len);
	tmp[len] = '\0';
	HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size);
	if (align != PDF_LEFT) {
		tw = HPDF_Page_TextWidth(p->page, tmp);
		at = align == PDF_RIGHT ? x + w - tw : x + (w - tw) / 2;
	}
	HPDF_Page_BeginText(p->page);
	/* The baseline sits about 0.8 of the size below the line's top. */
	HPDF_Page_TextOut(p->page, (HPDF_REAL)at, (HPDF_REAL)(y - size * 0.95), tmp);
	HPDF_Page_EndText(p->page);
	if (tmp != stack)
		free(tmp);
}

void pdf_text(struct pdf *p, const char *text, bool bold, double size,
	      enum pdf_align align)
{
	HPDF_Font font = bold ? p->bold : p->regular;
	struct pdf_line *lines;
	double lh;
	size_t n;

	if (p->finished || !p->page)
		return;
	if (size <= 0)
		size = p->size;
	lh = size * LEADING;
	n = wrap(p, font, size, text ? text : "", pdf_content_width(p), &lines);
	for (size_t i = 0; i < n; i++) {
		need(p, lh);
		draw_line(p, font, size, text + lines[i].start, lines[i].len, MARGIN_X,
			  pdf_content_width(p), p->y, align);
		p->y -= lh;
	}
	free(lines);
}

void pdf_paragraph(struct pdf *p, const char *text)
{
	pdf_text(p, text, false, 0, PDF_LEFT);
	pdf_space(p, p->size * 0.5);
}

void pdf_heading(struct pdf *p, int level, const char *text)
{
	double size = level <= 1 ? p->size * 1.6 : level == 2 ? p->size * 1.3 : p->size * 1.1;

	if (p->finished)
		return;
	/* A heading at the foot of a page goes to the next, with its text. */
	if (p->y < p->height - MARGIN_TOP) {
		pdf_space(p, size * 0.6);
		need(p, size * LEADING + 3 * p->size * LEADING);
	}
	pdf_text(p, text, true, size, level <= 1 ? PDF_CENTER : PDF_LEFT);
	pdf_space(p, size * 0.3);
}

void pdf_space(struct pdf *p, double points)
{
	if (p->finished)
		return;
	p->y -= points;
	if (p->y < MARGIN_BOTTOM)
		new_page(p);
}

void pdf_page_break(struct pdf *p)
{
	if (!p->finished && p->y < p->height - MARGIN_TOP)
		new_page(p);
}

/* ---- tables ---------------------------------------------------------------- */

/* Cells of one row, cut into lines for their columns. */
struct row_lines {
	struct pdf_line *lines[MAX_COLS];
	size_t n[MAX_COLS];
	size_t most;
};

static void row_wrap(struct pdf *p, const char *const *cells, HPDF_Font font,
		     double size, struct row_lines *rl)
{
	rl->most = 1;
	for (int c = 0; c < p->ncols; c++) {
		rl->n[c] = wrap(p, font, size, cells[c] ? cells[c] : "",
				p->col_w[c] - 2 * CELL_PAD, &rl->lines[c]);
		if (rl->n[c] > rl->most)
			rl->most = rl->n[c];
	}
}

static void row_lines_release(struct pdf *p, struct row_lines *rl)
{
	for (int c = 0; c < p->ncols; c++)
		free(rl->lines[c]);
}

/* Draws lines [from, to) of a row as one band of cells, with borders. */
static void draw_band(struct pdf *p, const char *const *cells, struct row_lines *rl,
		      HPDF_Font font, double size, size_t from, size_t to, bool shade)
{
	double lh = size * LEADING, h = (double)(to - from) * lh + 2 * CELL_PAD;
	double x = MARGIN_X;

	if (shade) {
		HPDF_Page_SetRGBFill(p->page, 0.93f, 0.94f, 0.96f);
		HPDF_Page_Rectangle(p->page, (HPDF_REAL)MARGIN_X, (HPDF_REAL)(p->y - h),
				    (HPDF_REAL)pdf_content_width(p), (HPDF_REAL)h);
		HPDF_Page_Fill(p->page);
		HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	}
	HPDF_Page_SetLineWidth(p->page, 0.5);
	for (int c = 0; c < p->ncols; c++) {
		const char *text = cells[c] ? cells[c] : "";

		HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->y - h),
				    (HPDF_REAL)p->col_w[c], (HPDF_REAL)h);
		HPDF_Page_Stroke(p->page);
		for (size_t i = from; i < to && i < rl->n[c]; i++)
			draw_line(p, font, size, text + rl->lines[c][i].start,
				  rl->lines[c][i].len, x + CELL_PAD,
				  p->col_w[c] - 2 * CELL_PAD,
				  p->y - CELL_PAD - (double)(i - from) * lh, p->cols[c].align);
		x += p->col_w[c];
	}
	p->y -= h;
}

static void draw_row(struct pdf *p, const char *const *cells, bool bold, bool header);

static void draw_header(struct pdf *p)
{
	const char *titles[MAX_COLS];

	for (int c = 0; c < p->ncols; c++)
		titles[c] = p->col_titles[c];
	draw_row(p, titles, true, true);
}

/*
 * Draws a row, moving to a new page (with the header again) when it does
 * not fit; a row taller than what is left is split between pages.
 */
static void draw_row(struct pdf *p, const char *const *cells, bool bold, bool header)
{
	HPDF_Font font = bold ? p->bold : p->regular;
	double size = p->size * TABLE_FONT_RATIO, lh = size * LEADING;
	struct row_lines rl;
	size_t done = 0;

	row_wrap(p, cells, font, size, &rl);
	while (done < rl.most) {
		double room = p->y - MARGIN_BOTTOM - 2 * CELL_PAD;
		size_t fit = room > 0 ? (size_t)(room / lh) : 0;
		bool fresh = p->y >= p->height - MARGIN_TOP;

		/* Keep short rows whole; split only what cannot fit on any page. */
		if (fit < rl.most - done && (rl.most - done <= 4 || fit < 2) && !fresh) {
			new_page(p);
			if (!header)
				draw_header(p);
			continue;
		}
		if (!fit)
			fit = 1;
		if (fit > rl.most - done)
			fit = rl.most - done;
		draw_band(p, cells, &rl, font, size, done, done + fit, header);
		done += fit;
		if (done < rl.most) {
			new_page(p);
			if (!header)
				draw_header(p);
		}
	}
	row_lines_release(p, &rl);
}

void pdf_table_begin(struct pdf *p, const struct pdf_column *cols, int ncols)
{
	double total = 0;

	if (p->finished)
		return;
	for (int c = 0; c < p->ncols; c++)
		free(p->col_titles[c]);
	if (ncols > MAX_COLS)
		ncols = MAX_COLS;
	p->ncols = ncols;
	for (int c = 0; c < ncols; c++)
		total += cols[c].weight > 0 ? cols[c].weight : 1;
	for (int c = 0; c < ncols; c++) {
		p->cols[c] = cols[c];
		p->col_titles[c] = xstrdup(cols[c].title ? cols[c].title : "");
		p->col_w[c] = pdf_content_width(p) * (cols[c].weight > 0 ? cols[c].weight : 1) /
			total;
	}
	/* The header with at least one row after it. */
	need(p, 4 * p->size * LEADING);
	draw_header(p);
}

void pdf_table_row(struct pdf *p, const char *const *cells)
{
	if (!p->finished && p->ncols)
		draw_row(p, cells, false, false);
}

void pdf_table_row_bold(struct pdf *p, const char *const *cells)
{
	if (!p->finished && p->ncols)
		draw_row(p, cells, true, false);
}

void pdf_table_end(struct pdf *p)
{
	for (int c = 0; c < p->ncols; c++) {
		free(p->col_titles[c]);
		p->col_titles[c] = NULL;
	}
	p->ncols = 0;
	pdf_space(p, p->size * 0.8);
}

/* Big-endian 16-bit value at b. */
static unsigned be16(const unsigned char *b)
{
	return (unsigned)b[0] << 8 | b[1];
}

/*
 * Flags the components of every flagged composite glyph of font (read
 * from its file), until no new glyph is flagged: components may be
 * composite themselves.  Returns 0 or -1 if the file cannot be read.
 */
static int add_components(HPDF_Font font, const char *path)
{
	HPDF_FontAttr fa = ((HPDF_Dict)font)->attr;
	HPDF_TTFontDefAttr ta = fa && fa->fontdef ? fa->fontdef->attr : NULL;
	FILE *f;
	bool more = true;
	int ret = 0;

	if (!ta || !ta->glyph_tbl.flgs || !ta->glyph_tbl.offsets)
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return -1;
	while (more && !ret) {
		more = false;
		for (unsigned gid = 0; gid < ta->num_glyphs; gid++) {
			unsigned char buf[1024];
			uint32_t from = ta->glyph_tbl.offsets[gid];
			uint32_t len = ta->glyph_tbl.offsets[gid + 1] - from;
			size_t at = 10, got;

			if (ta->glyph_tbl.flgs[gid] != 1 || len < 12)
				continue;
			if (len > sizeof(buf))
				len = sizeof(buf);
			if (fseek(f, (long)(ta->glyph_tbl.base_offset + from), SEEK_SET)) {
				ret = -1;
				break;
			}
			got = fread(buf, 1, len, f);
			/* numberOfContours < 0: a composite glyph. */
			if (got < 12 || !(buf[0] & 0x80))
				continue;
			while (at + 4 <= got) {
				unsigned flags = be16(buf + at), part = be16(buf + at + 2);

				if (part < ta->num_glyphs && ta->glyph_tbl.flgs[part] != 1) {
					ta->glyph_tbl.flgs[part] = 1;
					more = true;
				}
				at += 4 + (flags & 0x0001 ? 4 : 2);
				if (flags & 0x0008)
					at += 2;
				else if (flags & 0x0040)
					at += 4;
				else if (flags & 0x0080)
					at += 8;
				if (!(flags & 0x0020))
					break;
			}
		}
	}
	fclose(f);
	return ret;
}

int pdf_finish(struct pdf *p, struct strbuf *out, struct err *e)
{
	HPDF_UINT32 size;

	if (p->finished)
		return err_set(e, E_INTERNAL, NULL, "the PDF document was already finished");
	p->finished = true;
	for (size_t i = 0; i < p->npages; i++) {
		char num[96];

		p->page = p->pages[i];
		snprintf(num, sizeof(num), "%s%s%zu/%zu", p->page_label ? p->page_label : "",
			 p->page_label ? " " : "", i + 1, p->npages);
		draw_line(p, p->regular, p->size * 0.8, num, strlen(num), MARGIN_X,
			  pdf_content_width(p), MARGIN_BOTTOM * 0.7, PDF_CENTER);
	}
	if (add_components(p->regular, p->font_path[0]) ||
	    add_components(p->bold, p->font_path[1]))
		on_error(HPDF_FILE_IO_ERROR, 0, p);
	if (!p->error && HPDF_SaveToStream(p->doc) == HPDF_OK) {
		size = HPDF_GetStreamSize(p->doc);
		strbuf_grow(out, size);
		if (HPDF_ReadFromStream(p->doc, (HPDF_BYTE *)out->buf + out->len, &size) ==
		    HPDF_OK || size) {
			/* libharu answers HPDF_STREAM_EOF when it has read it all. */
			strbuf_setlen(out, out->len + size);
		}
	}
	if (p->error) {
		log_msg(LOG_ERROR, "libharu error 0x%04X (detail %u)", (unsigned)p->error,
			(unsigned)p->detail);
		return err_set(e, E_INTERNAL, NULL, "cannot make the PDF document");
	}
	return 0;
}

/* ---- forms: side-by-side text and QR codes ------------------------------ */

void pdf_columns(struct pdf *p, const char *const *texts, int n, bool bold,
		 double size, enum pdf_align align)
{
	HPDF_Font font = bold ? p->bold : p->regular;
	struct pdf_line *lines[MAX_COLS];
	size_t nl[MAX_COLS], most = 1;
	double w, lh;

	if (p->finished || !p->page || n <= 0)
		return;
	if (n > MAX_COLS)
		n = MAX_COLS;
	if (size <= 0)
		size = p->size;
	lh = size * LEADING;
	w = pdf_content_width(p) / n;
	for (int c = 0; c < n; c++) {
		nl[c] = wrap(p, font, size, texts[c] ? texts[c] : "", w - 2 * CELL_PAD,
			     &lines[c]);
		if (nl[c] > most)
			most = nl[c];
	}
	/* The columns stay together: a band of lines is never split. */
	need(p, (double)most * lh);
	for (int c = 0; c < n; c++) {
		const char *text = texts[c] ? texts[c] : "";

		for (size_t i = 0; i < nl[c]; i++)
			draw_line(p, font, size, text + lines[c][i].start, lines[c][i].len,
				  MARGIN_X + c * w + CELL_PAD, w - 2 * CELL_PAD,
				  p->y - (double)i * lh, align);
		free(lines[c]);
	}
	p->y -= (double)most * lh;
}

void pdf_qr(struct pdf *p, const char *text, double size, enum pdf_align align)
{
	QRcode *q;
	double x, top, m;

	if (p->finished || !p->page || !text)
		return;
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q) {
		log_warn("pdf: cannot encode a QR code of %zu bytes", strlen(text));
		on_error(HPDF_INVALID_PARAMETER, 0, p);
		return;
	}
	need(p, size);
	x = align == PDF_LEFT ? MARGIN_X : align == PDF_RIGHT ?
		MARGIN_X + pdf_content_width(p) - size :
		MARGIN_X + (pdf_content_width(p) - size) / 2;
	top = p->y;
	/* Four modules of quiet zone on every side, inside the square. */
	m = size / (q->width + 8);
	HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	for (int r = 0; r < q->width; r++) {
		const unsigned char *row = q->data + (size_t)r * q->width;

		for (int c = 0; c < q->width; ) {
			int run = 0;

			while (c + run < q->width && (row[c + run] & 1))
				run++;
			if (run) {
				HPDF_Page_Rectangle(p->page, (HPDF_REAL)(x + (4 + c) * m),
						    (HPDF_REAL)(top - (5 + r) * m),
						    (HPDF_REAL)(run * m), (HPDF_REAL)m);
				c += run;
			} else {
				c++;
			}
		}
	}
	HPDF_Page_Fill(p->page);
	QRcode_free(q);
	p->y -= size;
}
