/*
 * xlsx: spreadsheets (Excel 2007+ .xlsx) over libxlsxwriter, for exports
 * that people open in a spreadsheet program: reports, lists, dashboards.
 *
 * A workbook holds sheets; a sheet is written row by row, left to right,
 * with a cursor: a header row of columns (bold, with widths, frozen so it
 * stays in view), then cells of text or numbers, each row ended by
 * xlsx_next_row().  Text is UTF-8.  Text that looks like a formula is
 * written as text, never run.
 *
 *	struct xlsx *x;
 *	struct xlsx_sheet *s;
 *	if (xlsx_new(&x, &opt, &e)) return ret;
 *	s = xlsx_sheet(x, "Tổng hợp");
 *	xlsx_title(s, "Báo cáo quý I năm 2021");
 *	xlsx_columns(s, cols, 3);
 *	xlsx_text(s, "I.1"); xlsx_text(s, "…"); xlsx_number(s, 3); xlsx_next_row(s);
 *	ret = xlsx_finish(x, &res->body, &e);
 *	xlsx_free(x);
 *
 * libxlsxwriter writes to a file: the workbook lives in a temporary file
 * (in $TMPDIR, else /tmp) that xlsx_finish reads back and removes.
 */
#ifndef CCHC_EXPORT_XLSX_H
#define CCHC_EXPORT_XLSX_H

#include <stdbool.h>

struct err;
struct strbuf;
struct xlsx;
struct xlsx_sheet;

struct xlsx_options {
	const char *title;	/* document properties; any may be NULL */
	const char *author;
	const char *subject;
};

struct xlsx_column {
	const char *title;
	double width;		/* in characters; 0: 12 */
};

/* Starts a workbook.  Returns 0, or E_INTERNAL with e filled. */
int xlsx_new(struct xlsx **out, const struct xlsx_options *opt, struct err *e);
/* Frees the workbook (and its temporary file); NULL is allowed. */
void xlsx_free(struct xlsx *x);

/*
 * Adds a sheet.  Its name is cut to what Excel allows (31 characters,
 * none of []:*?/\) and made unique with " (2)", " (3)" … when taken.
 * The sheet is owned by the workbook.
 */
struct xlsx_sheet *xlsx_sheet(struct xlsx *x, const char *name);
/* A bold title on a row of its own (then a blank row). */
void xlsx_title(struct xlsx_sheet *s, const char *text);
/* A row of plain text in the first column (notes under the title). */
void xlsx_note(struct xlsx_sheet *s, const char *text);
/* The header row: titles in bold, column widths, frozen below it. */
void xlsx_columns(struct xlsx_sheet *s, const struct xlsx_column *cols, int n);
/* The next cell of the current row. */
void xlsx_text(struct xlsx_sheet *s, const char *text);
void xlsx_number(struct xlsx_sheet *s, double value);
/* An empty cell. */
void xlsx_skip(struct xlsx_sheet *s);
/* Makes the rest of the current row bold (totals, group headings). */
void xlsx_bold(struct xlsx_sheet *s, bool on);
/* Ends the current row. */
void xlsx_next_row(struct xlsx_sheet *s);

/*
 * Closes the workbook and appends the .xlsx bytes to out.  Returns 0, or
 * E_INTERNAL with e filled if anything failed on the way.
 */
int xlsx_finish(struct xlsx *x, struct strbuf *out, struct err *e);

#endif
