/*
 * pdf: printable documents (reports, slips) over libharu, in Unicode.
 *
 * Text is UTF-8 and comes out exact, Vietnamese included: the document
 * embeds a TrueType font (DejaVu Sans from Debian's fonts-dejavu-core by
 * default) through libharu's UTF-8 encoder, and carries a correct
 * ToUnicode map so that text can be searched, copied and extracted
 * (pdftotext gives back what was written).  Give text in NFC, as keyboards
 * and the database hold it.
 *
 * The layout is a flow, top to bottom, on A4 pages: headings, wrapped
 * paragraphs and tables whose cells wrap; a page is added when the next
 * line does not fit, and a table repeats its header row on each new page.
 * Page numbers ("2/5") are written at the foot of every page on finish.
 *
 *	struct pdf *p;
 *	if (pdf_new(&p, NULL, &e)) return ret;
 *	pdf_heading(p, 1, "Báo cáo quý I năm 2021");
 *	pdf_paragraph(p, "…");
 *	pdf_table_begin(p, cols, 3);
 *	pdf_table_row(p, cells);
 *	pdf_table_end(p);
 *	ret = pdf_finish(p, &res->body, &e);   // appends the PDF bytes
 *	pdf_free(p);
 *
 * A struct pdf belongs to one thread at a time.  Errors inside libharu
 * are remembered and reported by pdf_finish(); drawing calls never fail
 * on their own, so a renderer needs no error checks until the end.
 */
#ifndef CCHC_EXPORT_PDF_H
#define CCHC_EXPORT_PDF_H

#include <stdbool.h>

struct err;
struct strbuf;
struct pdf;

#define PDF_FONT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define PDF_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

struct pdf_options {
	const char *font;	/* regular TrueType font file; NULL: PDF_FONT_REGULAR */
	const char *bold_font;	/* NULL: PDF_FONT_BOLD */
	const char *title;	/* document information (UTF-8); any may be NULL */
	const char *author;
	const char *subject;
	bool landscape;		/* A4 landscape instead of portrait */
	double font_size;	/* body text in points; 0: 10 */
	const char *page_label;	/* printed before page numbers, e.g. "Trang"; NULL: none */
};

enum pdf_align { PDF_LEFT = 0, PDF_RIGHT, PDF_CENTER };

/*
 * Starts a document with its first page.  Returns 0, or E_INTERNAL with a
 * message in e when a font cannot be loaded (*out is then NULL).
 */
int pdf_new(struct pdf **out, const struct pdf_options *opt, struct err *e);
/* Frees the document; NULL is allowed. */
void pdf_free(struct pdf *p);

/* A heading of level 1 (title), 2 or 3, bold; kept with the next line. */
void pdf_heading(struct pdf *p, int level, const char *text);
/* A paragraph of body text, wrapped to the page; '\n' starts a new line. */
void pdf_paragraph(struct pdf *p, const char *text);
/* The same with a choice of weight, size (0: body size) and alignment. */
void pdf_text(struct pdf *p, const char *text, bool bold, double size,
	      enum pdf_align align);
/* Vertical space, in points. */
void pdf_space(struct pdf *p, double points);
/* Starts a new page. */
void pdf_page_break(struct pdf *p);
/* The width left for text on a line, and the height left on this page (points). */
double pdf_content_width(const struct pdf *p);
double pdf_space_left(const struct pdf *p);

/* A table column: its header, its share of the width (any positive weights), its alignment. */
struct pdf_column {
	const char *title;
	double weight;
	enum pdf_align align;
};

/*
 * Tables: begin with the columns (the header row is drawn at once and on
 * every page the table continues on), add rows of ncols cells (NULL is an
 * empty cell), end.  A bold row is for totals and group headings.
 */
void pdf_table_begin(struct pdf *p, const struct pdf_column *cols, int ncols);
void pdf_table_row(struct pdf *p, const char *const *cells);
void pdf_table_row_bold(struct pdf *p, const char *const *cells);
void pdf_table_end(struct pdf *p);

/*
 * Writes page numbers, then appends the whole PDF to out.  Returns 0, or
 * E_INTERNAL (with e filled) if libharu reported an error at any point.
 * The document cannot be drawn on afterwards; free it.
 */
int pdf_finish(struct pdf *p, struct strbuf *out, struct err *e);

/*
 * Form layouts.  pdf_columns writes n texts side by side in equal columns
 * without borders (a form's header: the agency on the left, the national
 * motto on the right; its signature blocks), each wrapped and aligned
 * within its column ('\n' starts a new line), in bold or not, at size
 * points (0: body size); the flow goes on below the tallest column.
 */
void pdf_columns(struct pdf *p, const char *const *texts, int n, bool bold,
		 double size, enum pdf_align align);
/*
 * A QR code of text (UTF-8, encoded as bytes, error correction level M)
 * as a square of size points, quiet zone included, placed left, right or
 * centred; the flow goes on below it.  Text too long for a QR code is an
 * error reported by pdf_finish().
 */
void pdf_qr(struct pdf *p, const char *text, double size, enum pdf_align align);

#endif
