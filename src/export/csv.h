/*
 * csv: an RFC 4180 writer.  Fields are separated by commas and records end
 * with CRLF; a field holding a comma, a double quote, CR or LF is put in
 * double quotes, with each double quote inside doubled.  Text is written
 * as given (UTF-8); csv_bom() starts the output with a byte-order mark,
 * which spreadsheet programs need to read UTF-8 CSV as UTF-8.
 *
 * A field that a spreadsheet would run as a formula (one starting with
 * '=', '+', '-', '@', TAB or CR) is a way to attack whoever opens the
 * file; with neutralise set, such a field is written with a leading
 * apostrophe, as OWASP advises.  Numbers written with csv_num() are never
 * touched, so a negative number stays a number.
 *
 *	struct csv c = CSV_INIT(&out);
 *	csv_field(&c, "Mã");  csv_field(&c, "Tên");  csv_end(&c);
 */
#ifndef CCHC_EXPORT_CSV_H
#define CCHC_EXPORT_CSV_H

#include <stdbool.h>
#include <stdint.h>

struct strbuf;

struct csv {
	struct strbuf *out;	/* appended to; not owned */
	bool neutralise;	/* defuse fields that look like formulas */
	bool in_record;		/* a field was written since the last csv_end */
};

#define CSV_INIT(sb) { (sb), true, false }

/* Writes the UTF-8 byte-order mark; call before anything else. */
void csv_bom(struct csv *c);
/* Appends one text field to the current record (NULL writes an empty field). */
void csv_field(struct csv *c, const char *value);
/* Appends an integer or a number (printed with up to 15 significant digits). */
void csv_int(struct csv *c, int64_t value);
void csv_num(struct csv *c, double value);
/* Ends the current record with CRLF. */
void csv_end(struct csv *c);
/* Writes a whole record of n text fields. */
void csv_record(struct csv *c, const char *const *values, int n);

#endif
