/*
 * The slips of a dossier and the tracking ledger (slips.h), and their two
 * routes.
 *
 * A slip is written once, through a small writer (struct doc) that draws
 * either on a PDF (export/pdf.h) or into HTML (http/html.h, which does
 * the escaping), so the paper and the printable page say the same thing.
 * The words of the forms are Vietnamese literals on purpose: they are
 * the law's text, printed the same whatever language the officer reads.
 */
#include "dossier/slips.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/xmalloc.h"
#include "calendar/calendar.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "dossier/dossier.h"
#include "dossier/dossier_impl.h"
#include "export/pdf.h"
#include "export/xlsx.h"
#include "http/html.h"
#include "http/http.h"
#include "org/org.h"

#define FORMS_FILE "data/slip-forms.tsv"
#define DEFAULT_FORMS "tt01-2018"
#define DEFAULT_PUBLIC_URL "http://127.0.0.1:8080"
#define BLANK_TIME "…… giờ …… phút,\nngày ……/……/…………"

static const char *const kind_names[SLIP_NKINDS] = {
	"receipt", "supplement", "refusal", "apology", "control", "ledger",
};

/* Settings: written once at start-up, then only read. */
static char forms_set[32] = DEFAULT_FORMS;
static char public_url[512] = DEFAULT_PUBLIC_URL;

const char *slip_kind_name(enum slip_kind kind)
{
	return kind >= 0 && kind < SLIP_NKINDS ? kind_names[kind] : "";
}

int slip_kind_parse(const char *name)
{
	for (int i = 0; i < SLIP_NKINDS; i++)
		if (name && !strcmp(name, kind_names[i]))
			return i;
	return -1;
}

/* ---- the form sets (data/slip-forms.tsv) --------------------------------- */

enum { F_SET, F_SLIP, F_NUMBER, F_TITLE, F_BASIS, F_COUNT };

struct form_row {
	const char *f[F_COUNT];
	size_t n[F_COUNT];
};

static bool field_is(const struct form_row *r, int i, const char *s)
{
	return r->n[i] == strlen(s) && !memcmp(r->f[i], s, r->n[i]);
}

/*
 * Calls fn for each row of the form file (the header, comments and blank
 * lines skipped) until it returns true; returns whether one did.
 */
static bool forms_each(bool (*fn)(const struct form_row *r, void *ctx), void *ctx)
{
	const struct embed_file *file = embed_find(FORMS_FILE);
	const char *p, *end;

	if (!file) {
		log_warn("slips: %s is not embedded", FORMS_FILE);
		return false;
	}
	p = (const char *)file->data;
	end = p + file->len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q = p;
		struct form_row r;
		int i;

		if (!eol)
			eol = end;
		for (i = 0; *p != '#' && p < eol && i < F_COUNT; i++) {
			const char *tab = memchr(q, '\t', (size_t)(eol - q));
			const char *stop = i < F_COUNT - 1 ? tab : eol;

			if (!stop)
				break;
			if (i == F_COUNT - 1 && stop > q && stop[-1] == '\r')
				stop--;
			r.f[i] = q;
			r.n[i] = (size_t)(stop - q);
			q = stop + 1;
		}
		if (i == F_COUNT && !field_is(&r, F_SET, "set") && fn(&r, ctx))
			return true;
		p = eol + 1;
	}
	return false;
}

struct form_find {
	const char *set, *slip;
	struct slip_form *out;
};

static bool form_match(const struct form_row *r, void *ctx)
{
	struct form_find *ff = ctx;

	if (!field_is(r, F_SET, ff->set) || !field_is(r, F_SLIP, ff->slip))
		return false;
	snprintf(ff->out->number, sizeof(ff->out->number), "%.*s", (int)r->n[F_NUMBER],
		 r->f[F_NUMBER]);
	snprintf(ff->out->title, sizeof(ff->out->title), "%.*s", (int)r->n[F_TITLE],
		 r->f[F_TITLE]);
	snprintf(ff->out->basis, sizeof(ff->out->basis), "%.*s", (int)r->n[F_BASIS],
		 r->f[F_BASIS]);
	return true;
}

static int form_lookup(const char *set, const char *slip, struct slip_form *f)
{
	struct form_find ff = { set, slip, f };

	memset(f, 0, sizeof(*f));
	return forms_each(form_match, &ff) ? 0 : E_NOTFOUND;
}

static bool form_list_set(const struct form_row *r, void *ctx)
{
	struct strbuf *sets = ctx;
	char name[64];

	snprintf(name, sizeof(name), " %.*s,", (int)r->n[F_SET], r->f[F_SET]);
	if (!strstr(sets->buf, name))
		strbuf_addstr(sets, name);
	return false;
}

int slip_form(enum slip_kind kind, struct slip_form *f)
{
	return form_lookup(forms_set, slip_kind_name(kind), f);
}

int slips_set_forms(const char *set, struct err *e)
{
	struct slip_form f;

	for (int k = 0; k < SLIP_NKINDS; k++) {
		if (set && strlen(set) < sizeof(forms_set) && !form_lookup(set, kind_names[k], &f))
			continue;
		{
			struct strbuf sets = STRBUF_INIT;
			int ret;

			forms_each(form_list_set, &sets);
			/* " a, b," → "a, b" */
			if (sets.len)
				strbuf_setlen(&sets, sets.len - 1);
			ret = err_set(e, E_INVALID, "slip_forms",
				      "the form set '%s' has no %s form in %s; the sets are:%s",
				      set ? set : "", kind_names[k], FORMS_FILE, sets.buf);
			strbuf_release(&sets);
			return ret;
		}
	}
	snprintf(forms_set, sizeof(forms_set), "%s", set);
	return 0;
}

const char *slips_forms(void)
{
	return forms_set;
}

void slips_set_public_url(const char *url)
{
	size_t n;

	snprintf(public_url, sizeof(public_url), "%s", url && *url ? url : DEFAULT_PUBLIC_URL);
	n = strlen(public_url);
	while (n > 1 && public_url[n - 1] == '/')
		public_url[--n] = '\0';
}

const char *slips_public_url(void)
{
	return public_url;
}

/* ---- Vietnamese dates, times and amounts --------------------------------- */

struct local_time {
	int y, mo, d, h, mi;
};

static struct local_time local_of(int64_t t)
{
	struct local_time l;
	int sec = calendar_second_of_day(t);

	calendar_day_to_ymd(calendar_day_of(t), &l.y, &l.mo, &l.d);
	l.h = sec / 3600;
	l.mi = sec / 60 % 60;
	return l;
}

/*
 * "ngày 05 tháng 3 năm 2021": days below 10 and the months 1 and 2 take a
 * leading zero, as official documents write them (NĐ 30/2020/NĐ-CP).
 */
static void add_long_date(struct strbuf *sb, int64_t t)
{
	struct local_time l = local_of(t);

	strbuf_addf(sb, l.mo <= 2 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d",
		    l.d, l.mo, l.y);
}

/* "09 giờ 30 phút, ngày 15 tháng 01 năm 2021" */
static void add_long_time(struct strbuf *sb, int64_t t)
{
	struct local_time l = local_of(t);

	strbuf_addf(sb, "%02d giờ %02d phút, ", l.h, l.mi);
	add_long_date(sb, t);
}

/* "15/01/2021" */
static void add_date(struct strbuf *sb, int64_t t)
{
	struct local_time l = local_of(t);

	strbuf_addf(sb, "%02d/%02d/%04d", l.d, l.mo, l.y);
}

/* "09 giờ 30 phút, ngày 15/01/2021"; with sep "\n", on two lines (table cells). */
static void add_time_sep(struct strbuf *sb, int64_t t, const char *sep)
{
	struct local_time l = local_of(t);

	strbuf_addf(sb, "%02d giờ %02d phút,%sngày %02d/%02d/%04d", l.h, l.mi, sep, l.d, l.mo, l.y);
}

static void add_time(struct strbuf *sb, int64_t t)
{
	add_time_sep(sb, t, " ");
}

/* "15/01/2021 09:30", or nothing for 0. */
static void add_stamp(struct strbuf *sb, int64_t t)
{
	struct local_time l;

	if (!t)
		return;
	l = local_of(t);
	strbuf_addf(sb, "%02d/%02d/%04d %02d:%02d", l.d, l.mo, l.y, l.h, l.mi);
}

/* "8.000 đồng" */
static void add_vnd(struct strbuf *sb, int64_t amount)
{
	char digits[32];
	size_t n;

	snprintf(digits, sizeof(digits), "%lld", (long long)(amount < 0 ? -amount : amount));
	n = strlen(digits);
	if (amount < 0)
		strbuf_addch(sb, '-');
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			strbuf_addch(sb, '.');
		strbuf_addch(sb, digits[i]);
	}
	strbuf_addstr(sb, " đồng");
}

/* "15 ngày làm việc", "0,5 ngày làm việc", "8 giờ làm việc". */
static void add_duration(struct strbuf *sb, double value, const char *unit)
{
	char num[32], *dot;

	snprintf(num, sizeof(num), "%g", value);
	if ((dot = strchr(num, '.')))
		*dot = ',';
	strbuf_addf(sb, "%s %s", num, !strcmp(unit, "working_hours") ? "giờ làm việc" :
		    !strcmp(unit, "calendar_days") ? "ngày" : "ngày làm việc");
}

/* The instant of a "YYYY-MM-DD HH:MM" member of o (as dossier_get writes them); 0 if none. */
static int64_t jtime(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	int64_t t;

	return s && !calendar_time_parse(s, &t, NULL) ? t : 0;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Trước hạn, đúng hạn, quá hạn: the outcome of a step or a dossier. */
static const char *outcome_label(const char *outcome, int64_t finished, int64_t due)
{
	if (!outcome || !*outcome || !finished)
		return "";
	if (!strcmp(outcome, "late"))
		return "Quá hạn";
	if (!strcmp(outcome, "early") ||
	    (due && calendar_day_of(finished) < calendar_day_of(due)))
		return "Trước hạn";
	return "Đúng hạn";
}

/* ---- the writer: one slip, on a PDF or in HTML ---------------------------- */

struct doc {
	struct pdf *pdf;	/* drawing on a PDF, or */
	struct strbuf *html;	/* writing an HTML fragment */
	bool table_open;
};

/* Escaped text, with '\n' as <br>. */
static void html_lines(struct strbuf *out, const char *text)
{
	struct strbuf line = STRBUF_INIT;

	for (const char *p = text ? text : ""; ; p++) {
		if (*p == '\n' || !*p) {
			html_txt(out, line.buf);
			strbuf_reset(&line);
			if (!*p)
				break;
			html(out, "<br>");
		} else {
			strbuf_addch(&line, *p);
		}
	}
	strbuf_release(&line);
}

/* The form number and its act, small, in the top right corner. */
static void doc_corner(struct doc *d, const struct slip_form *f)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "Mẫu số %s\n(Kèm theo %s)", f->number, f->basis);
	if (d->pdf) {
		pdf_text(d->pdf, sb.buf, false, 7.5, PDF_RIGHT);
		pdf_space(d->pdf, 4);
	} else {
		html(d->html, "<p class=\"slip-corner\">");
		html_lines(d->html, sb.buf);
		html(d->html, "</p>\n");
	}
	strbuf_release(&sb);
}

/* Two texts side by side (header, signatures); either may be "". */
static void doc_cols(struct doc *d, bool bold, const char *left, const char *right)
{
	if (d->pdf) {
		const char *cells[2] = { left, right };

		pdf_columns(d->pdf, cells, 2, bold, 0, PDF_CENTER);
		return;
	}
	html(d->html, bold ? "<div class=\"slip-cols\"><p><strong>" :
	     "<div class=\"slip-cols\"><p>");
	html_lines(d->html, left);
	html(d->html, bold ? "</strong></p><p><strong>" : "</p><p>");
	html_lines(d->html, right);
	html(d->html, bold ? "</strong></p></div>\n" : "</p></div>\n");
}

static void doc_title(struct doc *d, const char *title)
{
	if (d->pdf) {
		pdf_space(d->pdf, 14);
		pdf_text(d->pdf, title, true, 13, PDF_CENTER);
		pdf_space(d->pdf, 8);
	} else {
		html(d->html, "<h1 class=\"slip-title\">");
		html_txt(d->html, title);
		html(d->html, "</h1>\n");
	}
}

static void doc_center(struct doc *d, const char *text, bool bold)
{
	if (d->pdf) {
		pdf_text(d->pdf, text, bold, 0, PDF_CENTER);
		pdf_space(d->pdf, 4);
	} else {
		html(d->html, bold ? "<p class=\"slip-center\"><strong>" :
		     "<p class=\"slip-center\">");
		html_lines(d->html, text);
		html(d->html, bold ? "</strong></p>\n" : "</p>\n");
	}
}

static void doc_para(struct doc *d, const char *text)
{
	if (d->pdf) {
		pdf_text(d->pdf, text, false, 0, PDF_LEFT);
		pdf_space(d->pdf, 3);
	} else {
		html(d->html, "<p>");
		html_lines(d->html, text);
		html(d->html, "</p>\n");
	}
}

/* "label: value" as one paragraph. */
static void doc_field(struct doc *d, const char *label, const char *value)
{
	struct strbuf sb = STRBUF_INIT;

	if (d->pdf) {
		strbuf_addf(&sb, "%s: %s", label, value);
		doc_para(d, sb.buf);
	} else {
		html(d->html, "<p>");
		html_txt(d->html, label);
		html(d->html, ": <strong>");
		html_lines(d->html, value);
		html(d->html, "</strong></p>\n");
	}
	strbuf_release(&sb);
}

static void doc_space(struct doc *d, double points)
{
	if (d->pdf)
		pdf_space(d->pdf, points);
}

static void doc_table_begin(struct doc *d, const struct pdf_column *cols, int n)
{
	if (d->pdf) {
		pdf_table_begin(d->pdf, cols, n);
		return;
	}
	html(d->html, "<table class=\"slip-table\">\n<thead><tr>");
	for (int i = 0; i < n; i++) {
		html(d->html, "<th scope=\"col\">");
		html_lines(d->html, cols[i].title);
		html(d->html, "</th>");
	}
	html(d->html, "</tr></thead>\n<tbody>\n");
	d->table_open = true;
}

static void doc_table_row(struct doc *d, const char *const *cells, int n)
{
	if (d->pdf) {
		pdf_table_row(d->pdf, cells);
		return;
	}
	html(d->html, "<tr>");
	for (int i = 0; i < n; i++) {
		html(d->html, "<td>");
		html_lines(d->html, cells[i]);
		html(d->html, "</td>");
	}
	html(d->html, "</tr>\n");
}

static void doc_table_end(struct doc *d)
{
	if (d->pdf) {
		pdf_table_end(d->pdf);
	} else if (d->table_open) {
		html(d->html, "</tbody>\n</table>\n");
		d->table_open = false;
	}
}

/* A QR code as inline SVG: one path of the dark runs, in module units. */
static void html_qr(struct strbuf *out, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w;

	if (!q) {
		log_warn("slips: cannot encode a QR code of %zu bytes", strlen(text));
		return;
	}
	w = q->width + 8;
	strbuf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		    " width=\"132\" height=\"132\" shape-rendering=\"crispEdges\" role=\"img\""
		    " aria-label=\"", w, w);
	html_attr(out, "Mã QR tra cứu hồ sơ");
	html(out, "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
	for (int r = 0; r < q->width; r++) {
		const unsigned char *row = q->data + (size_t)r * q->width;

		for (int c = 0; c < q->width; ) {
			int run = 0;

			while (c + run < q->width && (row[c + run] & 1))
				run++;
			if (run) {
				strbuf_addf(out, "M%d %dh%dv1h-%dz", 4 + c, 4 + r, run, run);
				c += run;
			} else {
				c++;
			}
		}
	}
	html(out, "\"/></svg>");
	QRcode_free(q);
}

static void doc_qr(struct doc *d, const char *url, const char *caption)
{
	if (d->pdf) {
		pdf_space(d->pdf, 4);
		pdf_qr(d->pdf, url, 90, PDF_LEFT);
		pdf_text(d->pdf, caption, false, 8, PDF_LEFT);
		pdf_space(d->pdf, 6);
		return;
	}
	html(d->html, "<figure class=\"slip-qr\">");
	html_qr(d->html, url);
	html(d->html, "<figcaption>");
	html_lines(d->html, caption);
	html(d->html, "</figcaption></figure>\n");
}

/* A signature block: who signs, the hint, room to sign, the name. */
struct sign {
	const char *who;	/* "NGƯỜI NỘP HỒ SƠ" */
	const char *hint;	/* "(Ký và ghi rõ họ tên)" */
	const char *name;	/* printed under the signature; may be "" */
};

static void doc_sign(struct doc *d, const struct sign *left, const struct sign *right)
{
	static const struct sign none = { "", "", "" };

	if (!left)
		left = &none;
	if (!right)
		right = &none;
	if (d->pdf) {
		pdf_space(d->pdf, 12);
		doc_cols(d, true, left->who, right->who);
		doc_cols(d, false, left->hint, right->hint);
		pdf_space(d->pdf, 48);
		doc_cols(d, true, left->name, right->name);
		return;
	}
	html(d->html, "<div class=\"slip-cols slip-sign\">");
	for (int i = 0; i < 2; i++) {
		const struct sign *s = i ? right : left;

		html(d->html, "<p><strong>");
		html_txt(d->html, s->who);
		html(d->html, "</strong><br><em>");
		html_txt(d->html, s->hint);
		html(d->html, "</em><span class=\"slip-signature\"></span><strong>");
		html_txt(d->html, s->name);
		html(d->html, "</strong></p>");
	}
	html(d->html, "</div>\n");
}

/* ---- a dossier's record ---------------------------------------------------- */

struct slip_data {
	json_t *j;			/* dossier_get() */
	struct dossier_row row;
	struct procedure proc;		/* the version it was filed under */
	struct agency recv;		/* the receiving agency */
	const char *code;		/* "" before acceptance */
	json_t *applicant, *steps, *events, *apologies;
};

static void slip_data_release(struct slip_data *s)
{
	json_decref(s->j);
	dossier_row_release(&s->row);
	procedure_release(&s->proc);
	agency_release(&s->recv);
	memset(s, 0, sizeof(*s));
}

static int slip_data_load(struct db *db, const struct user *by, const char *code,
			  struct slip_data *s, struct err *e)
{
	int ret = dossier_get(db, by, code, &s->j, e);

	if (ret)
		return ret;
	ret = dossier_row_load(db, code, &s->row);
	if (!ret)
		ret = procedure_load_version(db, s->row.procedure_version_id, &s->proc);
	if (!ret)
		ret = agency_get(db, s->row.agency_id, &s->recv);
	if (ret)
		return ret == E_NOTFOUND ? E_INTERNAL : ret;
	s->code = jstr(s->j, "code");
	s->applicant = json_object_get(s->j, "applicant");
	s->steps = json_object_get(s->j, "steps");
	s->events = json_object_get(s->j, "events");
	s->apologies = json_object_get(s->j, "apologies");
	return 0;
}

/* The latest event of one of two actions, or NULL. */
static json_t *last_event(const struct slip_data *s, const char *a1, const char *a2)
{
	json_t *found = NULL, *ev;
	size_t i;

	json_array_foreach(s->events, i, ev) {
		const char *a = jstr(ev, "action");

		if (!strcmp(a, a1) || (a2 && !strcmp(a, a2)))
			found = ev;
	}
	return found;
}

/* The agency whose step was open at instant t: who was handling the dossier then. */
static const char *agency_at(const struct slip_data *s, int64_t t, const char *fallback)
{
	const char *best = NULL;
	json_t *st;
	size_t i;

	json_array_foreach(s->steps, i, st) {
		int64_t started = jtime(st, "started_at"), finished = jtime(st, "finished_at");

		if (started && started <= t && (!finished || finished >= t))
			best = jstr(st, "agency");
	}
	return best && *best ? best : fallback;
}

/* The full name of an officer by user name, into out; nothing if unknown. */
static void officer_name(struct db *db, const char *username, struct strbuf *out)
{
	struct user u = USER_INIT;

	if (username && *username && !user_find(db, username, &u) && u.full_name)
		strbuf_addstr(out, u.full_name);
	user_release(&u);
}

/*
 * The top of every form: its number, the issuing agency beside the
 * national motto, the place and date of issue, the title.  desk adds the
 * one-stop desk under the agency; date 0 leaves the date line out.
 */
static void slip_header(struct doc *d, const struct slip_data *s, const struct slip_form *f,
			const char *agency, bool desk, int64_t date)
{
	struct strbuf sb = STRBUF_INIT;

	doc_corner(d, f);
	doc_cols(d, true, agency, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	doc_cols(d, true, desk ? "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" : "",
		 "Độc lập - Tự do - Hạnh phúc");
	if (date) {
		strbuf_addf(&sb, "%s, ", s->recv.short_name && *s->recv.short_name ?
			    s->recv.short_name : s->recv.name);
		add_long_date(&sb, date);
		doc_space(d, 4);
		doc_cols(d, false, "", sb.buf);
	}
	doc_title(d, f->title);
	strbuf_release(&sb);
}

/* Mã hồ sơ, centred under the title. */
static void slip_code(struct doc *d, const struct slip_data *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (*s->code) {
		strbuf_addf(&sb, "Mã hồ sơ: %s", s->code);
		doc_center(d, sb.buf, true);
	}
	strbuf_release(&sb);
}

/* The applicant as the forms 01–03 write them. */
static void slip_applicant(struct doc *d, const struct slip_data *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *email = jstr(s->applicant, "email");

	strbuf_addf(&sb, "Bộ phận tiếp nhận và trả kết quả %s tiếp nhận hồ sơ của", s->recv.name);
	doc_field(d, sb.buf, jstr(s->applicant, "name"));
	doc_field(d, "Địa chỉ", jstr(s->applicant, "address"));
	doc_field(d, "Số điện thoại", jstr(s->applicant, "phone"));
	if (*email)
		doc_field(d, "Email", email);
	doc_field(d, "Nội dung yêu cầu giải quyết", jstr(s->j, "request"));
	strbuf_release(&sb);
}

static const char *document_kind(const char *kind)
{
	if (!kind)
		return "";
	if (!strcmp(kind, "original"))
		return "Bản chính";
	if (!strcmp(kind, "copy"))
		return "Bản sao";
	if (!strcmp(kind, "original_or_copy"))
		return "Bản chính hoặc bản sao";
	return kind;
}

/* A document named in the record: an index of the procedure's, or text. */
static void document_name(const struct slip_data *s, json_t *v, struct strbuf *out)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i >= 0 && i < s->proc.ndocuments)
			strbuf_addstr(out, s->proc.documents[i].name);
	} else if (json_is_string(v)) {
		strbuf_addstr(out, json_string_value(v));
	} else if (json_is_object(v)) {
		strbuf_addstr(out, jstr(v, "name"));
	}
}

/* ---- the slips ------------------------------------------------------------- */

static void slip_receipt(struct db *db, struct doc *d, const struct slip_data *s,
			 const struct slip_form *f)
{
	static const struct pdf_column cols[] = {
		{ "TT", 0.5, PDF_CENTER },
		{ "Tên giấy tờ", 6, PDF_LEFT },
		{ "Hình thức\n(bản chính, bản sao)", 2, PDF_CENTER },
		{ "Số lượng", 1, PDF_CENTER },
	};
	json_t *recv = last_event(s, "receive", NULL), *v;
	int64_t received = jtime(s->j, "received_at");
	int64_t promised = json_integer_value(json_object_get(json_object_get(recv, "data"),
							      "due_at"));
	struct strbuf sb = STRBUF_INIT, clerk = STRBUF_INIT;
	struct sign applicant = { "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)",
				  jstr(s->applicant, "name") };
	struct sign officer = { "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "" };
	size_t i;
	int n = 0;

	if (!promised)
		promised = jtime(s->j, "due_at");
	slip_header(d, s, f, s->recv.name, true, received);
	slip_code(d, s);
	slip_applicant(d, s);
	doc_para(d, "1. Thành phần hồ sơ nộp gồm:");
	doc_table_begin(d, cols, 4);
	json_array_foreach(json_object_get(s->j, "documents"), i, v) {
		json_int_t k = json_integer_value(v);
		char tt[16], count[16];
		const char *cells[4];

		if (!json_is_integer(v) || k < 0 || k >= s->proc.ndocuments)
			continue;
		snprintf(tt, sizeof(tt), "%d", ++n);
		snprintf(count, sizeof(count), "%02d", s->proc.documents[k].copies > 0 ?
			 s->proc.documents[k].copies : 1);
		cells[0] = tt;
		cells[1] = s->proc.documents[k].name;
		cells[2] = document_kind(s->proc.documents[k].kind);
		cells[3] = count;
		doc_table_row(d, cells, 4);
	}
	doc_table_end(d);
	doc_para(d, "2. Số lượng hồ sơ: 01 (bộ)");
	strbuf_addstr(&sb, "3. Phí, lệ phí: ");
	add_vnd(&sb, json_integer_value(json_object_get(s->j, "fee_due")));
	strbuf_addstr(&sb, "; đã nộp: ");
	add_vnd(&sb, json_integer_value(json_object_get(s->j, "fee_paid")));
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "4. Thời gian giải quyết hồ sơ theo quy định là: ");
	add_duration(&sb, s->row.time_value, s->row.time_unit);
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "5. Thời gian nhận hồ sơ: ");
	add_long_time(&sb, received);
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "6. Thời gian trả kết quả giải quyết hồ sơ: ");
	add_long_time(&sb, promised);
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "7. Đăng ký nhận kết quả tại: ");
	if (!strcmp(jstr(s->j, "channel"), "postal"))
		strbuf_addstr(&sb, "qua dịch vụ bưu chính công ích");
	else
		strbuf_addf(&sb, "Bộ phận tiếp nhận và trả kết quả, %s", s->recv.name);
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/tra-cuu?ma=", public_url);
	for (const char *c = s->code; *c; c++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_~", *c))
			strbuf_addch(&sb, *c);
		else
			strbuf_addf(&sb, "%%%02X", (unsigned char)*c);
	}
	{
		struct strbuf cap = STRBUF_INIT;

		strbuf_addf(&cap, "Tra cứu tình trạng giải quyết hồ sơ: %s\n"
			    "(nhập mã hồ sơ và 4 số cuối của số điện thoại)", sb.buf);
		doc_qr(d, sb.buf, cap.buf);
		strbuf_release(&cap);
	}
	officer_name(db, jstr(recv, "actor"), &clerk);
	officer.name = clerk.buf;
	doc_sign(d, &applicant, &officer);
	strbuf_release(&sb);
	strbuf_release(&clerk);
}

static void slip_supplement(struct db *db, struct doc *d, const struct slip_data *s,
			    const struct slip_form *f, json_t *ev)
{
	json_t *data = json_object_get(ev, "data"), *v;
	bool at_desk = !strcmp(jstr(ev, "action"), "request_completion");
	int64_t at = jtime(ev, "at");
	const char *agency = at_desk ? s->recv.name : agency_at(s, at, s->recv.name);
	const char *reason = jstr(data, "reason");
	struct strbuf sb = STRBUF_INIT, who = STRBUF_INIT;
	struct sign guide = { "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", "" };
	size_t i;
	int n = 0;

	slip_header(d, s, f, agency, at_desk, at);
	slip_code(d, s);
	slip_applicant(d, s);
	doc_para(d, "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:");
	json_array_foreach(json_object_get(data, "documents"), i, v) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%d. ", ++n);
		document_name(s, v, &sb);
		doc_para(d, sb.buf);
	}
	doc_field(d, "Lý do", *reason ? reason : "…………………………………………");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
		    "%s để được hướng dẫn.", agency);
	doc_para(d, sb.buf);
	officer_name(db, jstr(ev, "actor"), &who);
	guide.name = who.buf;
	doc_sign(d, NULL, &guide);
	strbuf_release(&sb);
	strbuf_release(&who);
}

static void slip_refusal(struct db *db, struct doc *d, const struct slip_data *s,
			 const struct slip_form *f, json_t *ev)
{
	bool at_desk = !strcmp(jstr(ev, "action"), "reject");
	int64_t at = jtime(ev, "at");
	const char *agency = at_desk ? s->recv.name : agency_at(s, at, s->recv.name);
	const char *reason = jstr(json_object_get(ev, "data"), "reason");
	struct strbuf sb = STRBUF_INIT, who = STRBUF_INIT;
	struct sign officer = { at_desk ? "NGƯỜI TIẾP NHẬN" : "NGƯỜI GIẢI QUYẾT HỒ SƠ",
				"(Ký và ghi rõ họ tên)", "" };

	slip_header(d, s, f, agency, at_desk, at);
	slip_code(d, s);
	slip_applicant(d, s);
	strbuf_addf(&sb, "Qua xem xét, %s từ chối tiếp nhận, giải quyết hồ sơ này với lý do: %s",
		    agency, reason);
	doc_para(d, sb.buf);
	doc_para(d, "Xin thông báo cho Ông/Bà được biết và thực hiện./.");
	officer_name(db, jstr(ev, "actor"), &who);
	officer.name = who.buf;
	doc_sign(d, NULL, &officer);
	strbuf_release(&sb);
	strbuf_release(&who);
}

static void slip_apology(struct doc *d, const struct slip_data *s, const struct slip_form *f)
{
	size_t n = json_array_size(s->apologies);
	json_t *ap = json_array_get(s->apologies, n - 1);
	const char *agency = jstr(ap, "agency");
	int64_t issued = jtime(ap, "issued_at"), before = jtime(s->j, "due_at");
	struct strbuf sb = STRBUF_INIT;
	struct sign head = { "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", "" };
	int day;

	/* The date promised before this letter: the last letter's, or the deadline. */
	if (n > 1 && !calendar_day_parse(jstr(json_array_get(s->apologies, n - 2), "new_date"),
					 &day, NULL))
		before = calendar_instant(day, 0);
	if (!*agency)
		agency = s->recv.name;
	slip_header(d, s, f, agency, false, issued);
	strbuf_addf(&sb, "Kính gửi: Ông/Bà %s", jstr(s->applicant, "name"));
	doc_center(d, sb.buf, true);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "Ngày ");
	add_date(&sb, jtime(s->j, "received_at"));
	strbuf_addf(&sb, ", %s tiếp nhận giải quyết hồ sơ của Ông/Bà đề nghị giải quyết thủ tục "
		    "hành chính: %s (mã hồ sơ: %s).", s->recv.name, s->row.procedure_name, s->code);
	doc_para(d, sb.buf);
	doc_field(d, "Nội dung yêu cầu giải quyết", jstr(s->j, "request"));
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "Thời hạn trả kết quả giải quyết hồ sơ: ngày ");
	add_date(&sb, before);
	strbuf_addch(&sb, '.');
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Tuy nhiên, đến nay %s chưa trả kết quả giải quyết hồ sơ cho Ông/Bà. "
		    "Lý do: %s", agency, jstr(ap, "reason"));
	doc_para(d, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. "
		    "%s xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày ",
		    agency);
	if (!calendar_day_parse(jstr(ap, "new_date"), &day, NULL))
		add_date(&sb, calendar_instant(day, 12 * 60));
	strbuf_addch(&sb, '.');
	doc_para(d, sb.buf);
	doc_para(d, "Mong nhận được sự thông cảm của Ông/Bà./.");
	doc_sign(d, NULL, &head);
	strbuf_release(&sb);
}

/* A line of the process under the control slip's table. */
static void control_note(struct doc *d, const char *what, int64_t at, const char *more)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "- %s: ", what);
	add_time(&sb, at);
	if (more && *more)
		strbuf_addf(&sb, "; %s", more);
	doc_para(d, sb.buf);
	strbuf_release(&sb);
}

static void slip_control(struct doc *d, const struct slip_data *s, const struct slip_form *f)
{
	static const struct pdf_column cols[] = {
		{ "TÊN CƠ QUAN", 4, PDF_LEFT },
		{ "THỜI GIAN GIAO, NHẬN HỒ SƠ", 2.6, PDF_LEFT },
		{ "KẾT QUẢ GIẢI QUYẾT HỒ SƠ\n(Trước hạn/Đúng hạn/Quá hạn)", 2.7, PDF_CENTER },
		{ "GHI CHÚ", 2.5, PDF_LEFT },
	};
	size_t nsteps = json_array_size(s->steps), i;
	struct strbuf sb = STRBUF_INIT, cell[4] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT,
						     STRBUF_INIT };
	const char *lead = NULL;
	json_t *ev;

	slip_header(d, s, f, s->recv.name, true, 0);
	slip_code(d, s);
	strbuf_addf(&sb, "(Kèm theo hồ sơ của: %s)", jstr(s->applicant, "name"));
	doc_center(d, sb.buf, false);
	doc_field(d, "Nội dung yêu cầu giải quyết", jstr(s->j, "request"));
	/* The lead agency: the first one the desk hands over to, else the desk's own. */
	for (i = 0; i < nsteps && !lead; i++) {
		const char *a = jstr(json_array_get(s->steps, i), "agency");

		if (strcmp(a, s->recv.name))
			lead = a;
	}
	doc_field(d, "Cơ quan (bộ phận) giải quyết hồ sơ", lead ? lead : s->recv.name);
	strbuf_reset(&sb);
	for (i = 0; i < nsteps; i++) {
		const char *a = jstr(json_array_get(s->steps, i), "agency");

		if (strcmp(a, s->recv.name) && (!lead || strcmp(a, lead)) && !strstr(sb.buf, a))
			strbuf_addf(&sb, "%s%s", sb.len ? "; " : "", a);
	}
	if (sb.len)
		doc_field(d, "Cơ quan phối hợp giải quyết hồ sơ", sb.buf);
	doc_table_begin(d, cols, 4);
	/* Row i: the step before hands the dossier over to step i; the last, to the applicant. */
	for (i = 1; i <= nsteps; i++) {
		json_t *giver = json_array_get(s->steps, i - 1);
		json_t *taker = i < nsteps ? json_array_get(s->steps, i) : NULL;
		int64_t finished = jtime(giver, "finished_at"), due = jtime(giver, "due_at");
		/* A step skipped (approved with the one before) hands over when that one ends. */
		int64_t at = !taker ? jtime(s->j, "returned_at") :
			jtime(taker, "started_at") ? jtime(taker, "started_at") : finished;
		const char *cells[4];

		for (int c = 0; c < 4; c++)
			strbuf_reset(&cell[c]);
		strbuf_addf(&cell[0], "%zu. Giao: %s (%s)\nNhận: ", i, jstr(giver, "agency"),
			    jstr(giver, "name"));
		if (taker)
			strbuf_addf(&cell[0], "%s (%s)", jstr(taker, "agency"), jstr(taker, "name"));
		else
			strbuf_addf(&cell[0], "Tổ chức, cá nhân (%s)", jstr(s->applicant, "name"));
		if (at)
			add_time_sep(&cell[1], at, "\n");
		else
			strbuf_addstr(&cell[1], BLANK_TIME);
		strbuf_addstr(&cell[2], outcome_label(jstr(giver, "outcome"), finished, due));
		if (due) {
			strbuf_addstr(&cell[3], "Hạn: ");
			add_time_sep(&cell[3], due, "\n");
		}
		for (int c = 0; c < 4; c++)
			cells[c] = cell[c].buf;
		doc_table_row(d, cells, 4);
	}
	doc_table_end(d);
	/* What moved the clock or ended the process, from the history. */
	doc_para(d, "Diễn biến giải quyết:");
	json_array_foreach(s->events, i, ev) {
		const char *a = jstr(ev, "action");
		json_t *data = json_object_get(ev, "data");
		int64_t at = jtime(ev, "at");

		strbuf_reset(&sb);
		if (!strcmp(a, "receive")) {
			control_note(d, "Tiếp nhận hồ sơ", at, NULL);
		} else if (!strcmp(a, "request_supplement") || !strcmp(a, "request_completion")) {
			if (*jstr(data, "reason"))
				strbuf_addf(&sb, "lý do: %s", jstr(data, "reason"));
			control_note(d, "Yêu cầu bổ sung, hoàn thiện hồ sơ", at, sb.buf);
		} else if (!strcmp(a, "resume")) {
			json_int_t w = json_integer_value(json_object_get(data, "waited_days"));

			if (w > 0)
				strbuf_addf(&sb, "thời gian chờ bổ sung: %lld ngày làm việc, không tính "
					    "vào thời hạn giải quyết", (long long)w);
			control_note(d, "Nhận hồ sơ bổ sung, tiếp tục giải quyết", at, sb.buf);
		} else if (!strcmp(a, "transfer")) {
			control_note(d, "Chuyển hồ sơ liên thông", at, agency_at(s, at + 60, ""));
		} else if (!strcmp(a, "apologize")) {
			int day;

			if (!calendar_day_parse(jstr(data, "new_date"), &day, NULL)) {
				strbuf_addstr(&sb, "hẹn lại ngày trả kết quả: ");
				add_date(&sb, calendar_instant(day, 12 * 60));
			}
			control_note(d, "Xin lỗi và hẹn lại ngày trả kết quả", at, sb.buf);
		} else if (!strcmp(a, "approve")) {
			control_note(d, "Phê duyệt kết quả", at, NULL);
		} else if (!strcmp(a, "mark_ready")) {
			const char *o = outcome_label(jstr(data, "outcome"), at,
						      jtime(s->j, "due_at"));

			if (*o)
				strbuf_addf(&sb, "%s", o);
			control_note(d, "Có kết quả giải quyết", at, sb.buf);
		} else if (!strcmp(a, "return")) {
			control_note(d, "Trả kết quả cho tổ chức, cá nhân", at,
				     !strcmp(jstr(data, "channel"), "postal") ?
				     "qua dịch vụ bưu chính công ích" : NULL);
		} else if (!strcmp(a, "refuse") || !strcmp(a, "reject")) {
			strbuf_addf(&sb, "lý do: %s", jstr(data, "reason"));
			control_note(d, "Từ chối giải quyết hồ sơ", at, sb.buf);
		} else if (!strcmp(a, "withdraw")) {
			strbuf_addf(&sb, "lý do: %s", jstr(data, "reason"));
			control_note(d, "Rút hồ sơ theo đề nghị của tổ chức, cá nhân", at, sb.buf);
		}
	}
	strbuf_release(&sb);
	for (int c = 0; c < 4; c++)
		strbuf_release(&cell[c]);
}

int slip_render(struct db *db, const struct user *by, const char *code,
		enum slip_kind kind, enum slip_format format, struct strbuf *out,
		struct slip_form *form, struct err *e)
{
	struct slip_data s = { 0 };
	struct slip_form f;
	struct doc d = { 0 };
	json_t *ev = NULL;
	int ret;

	if (kind < 0 || kind >= SLIP_LEDGER || (format != SLIP_PDF && format != SLIP_HTML))
		return err_set(e, E_NOTFOUND, "slip", "there is no such slip");
	if (slip_form(kind, &f))
		return error("slips: the form set '%s' has no %s form", forms_set,
			     kind_names[kind]);
	ret = slip_data_load(db, by, code, &s, e);
	if (ret)
		goto out;
	/* Does the slip apply to this dossier? */
	switch (kind) {
	case SLIP_RECEIPT:
	case SLIP_CONTROL:
		if (!jtime(s.j, "received_at"))
			ret = err_set(e, E_NOTFOUND, "slip",
				      "dossier %s has not been received yet, so it has no %s",
				      code, f.title);
		break;
	case SLIP_SUPPLEMENT:
		ev = last_event(&s, "request_supplement", "request_completion");
		if (!ev)
			ret = err_set(e, E_NOTFOUND, "slip",
				      "no documents were requested for dossier %s, so it has no %s",
				      code, f.title);
		break;
	case SLIP_REFUSAL:
		ev = last_event(&s, "refuse", "reject");
		if (!ev)
			ret = err_set(e, E_NOTFOUND, "slip",
				      "dossier %s was not refused, so it has no %s", code, f.title);
		break;
	case SLIP_APOLOGY:
		if (!json_array_size(s.apologies))
			ret = err_set(e, E_NOTFOUND, "slip",
				      "no apology was recorded for dossier %s, so it has no %s",
				      code, f.title);
		break;
	default:
		break;
	}
	if (ret)
		goto out;
	if (format == SLIP_PDF) {
		struct pdf_options opt = { 0 };
		struct strbuf subject = STRBUF_INIT;

		strbuf_addf(&subject, "Mã hồ sơ %s", *s.code ? s.code : code);
		opt.title = f.title;
		opt.author = s.recv.name;
		opt.subject = subject.buf;
		opt.font_size = 10.5;
		opt.page_label = "Trang";
		ret = pdf_new(&d.pdf, &opt, e);
		strbuf_release(&subject);
		if (ret)
			goto out;
	} else {
		d.html = out;
		html(out, "<article class=\"slip\" lang=\"vi\">\n");
	}
	switch (kind) {
	case SLIP_RECEIPT:
		slip_receipt(db, &d, &s, &f);
		break;
	case SLIP_SUPPLEMENT:
		slip_supplement(db, &d, &s, &f, ev);
		break;
	case SLIP_REFUSAL:
		slip_refusal(db, &d, &s, &f, ev);
		break;
	case SLIP_APOLOGY:
		slip_apology(&d, &s, &f);
		break;
	case SLIP_CONTROL:
		slip_control(&d, &s, &f);
		break;
	default:
		break;
	}
	if (d.pdf)
		ret = pdf_finish(d.pdf, out, e);
	else
		html(out, "</article>\n");
	if (!ret && form)
		*form = f;
out:
	pdf_free(d.pdf);
	slip_data_release(&s);
	return ret;
}

/* ---- the tracking ledger --------------------------------------------------- */

struct ledger_row {
	char *code, *procedure, *applicant, *address, *phone, *lead;
	char *state, *outcome, *channel;
	int64_t received, promised, due, transferred, result, returned;
};

struct ledger {
	struct agency agency;
	int from, to;			/* day numbers, both included */
	struct slip_form form;
	struct ledger_row *rows;
	size_t n, alloc;
};

static void ledger_release(struct ledger *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ledger_row *r = &l->rows[i];

		free(r->code);
		free(r->procedure);
		free(r->applicant);
		free(r->address);
		free(r->phone);
		free(r->lead);
		free(r->state);
		free(r->outcome);
		free(r->channel);
	}
	free(l->rows);
	agency_release(&l->agency);
	memset(l, 0, sizeof(*l));
}

static int parse_day(const char *s, const char *field, int *day, struct err *e)
{
	if (calendar_day_parse(s, day, NULL))
		return err_set(e, E_INVALID, field, "'%s' is not a date: write it as YYYY-MM-DD", s);
	return 0;
}


static char *col_dup(struct db_stmt *st, int col)
{
	return xstrdup(db_col_text(st, col));
}

/*
 * Reads the rows: the agencies of the subtree by their path, and for each
 * a range of received_at (the index dossier (agency_id, received_at)), so
 * the work grows with the period's dossiers, never with the whole table.
 * More than max rows is E_INVALID.
 */
static int ledger_load(struct db *db, const struct user *by, const struct ledger_query *q,
		       size_t max, struct ledger *l, struct err *e)
{
	struct db_stmt *st;
	char *hi = NULL;
	int today = calendar_day_of(clock_now()), y, m, ret;

	if (slip_form(SLIP_LEDGER, &l->form))
		return error("slips: the form set '%s' has no ledger form", forms_set);
	if (q->agency && *q->agency) {
		ret = agency_find(db, q->agency, &l->agency, e);
		if (ret) {
			snprintf(e->field, sizeof(e->field), "agency");
			return ret;
		}
	} else if ((ret = agency_get(db, by->agency_id, &l->agency))) {
		return ret == E_NOTFOUND ? E_INTERNAL : ret;
	}
	if (!user_sees_agency(by, l->agency.path))
		return err_set(e, E_DENIED, "agency", "you may not see the ledger of '%s'",
			       l->agency.name);
	calendar_day_to_ymd(today, &y, &m, NULL);
	l->from = calendar_day_from_ymd(y, m, 1);
	l->to = today;
	if (q->from && *q->from && (ret = parse_day(q->from, "from", &l->from, e)))
		return ret;
	if (q->to && *q->to && (ret = parse_day(q->to, "to", &l->to, e)))
		return ret;
	if (l->to < l->from)
		return err_set(e, E_INVALID, "to", "the period ends before it starts");
	hi = agency_path_upper(l->agency.path);
	st = db_prepare(db, "SELECT d.code, d.procedure_name, d.applicant_name,"
			" d.applicant_address, d.applicant_phone,"
			" COALESCE((SELECT x.name FROM dossier_step s JOIN agency x ON x.id = s.agency_id"
			" WHERE s.dossier_id = d.id AND s.agency_id <> d.agency_id"
			" ORDER BY s.seq LIMIT 1), a.name),"
			" d.state, COALESCE(d.outcome, ''), d.channel, d.received_at,"
			" COALESCE(d.promised_at, 0), COALESCE(d.due_at, 0),"
			" COALESCE((SELECT MIN(s.started_at) FROM dossier_step s"
			" WHERE s.dossier_id = d.id AND s.kind <> 'reception'), 0),"
			" CASE WHEN d.outcome IS NULL THEN 0 ELSE d.finished_at END,"
			" COALESCE(d.returned_at, 0)"
			" FROM agency a JOIN dossier d ON d.agency_id = a.id"
			" WHERE a.path >= ? AND a.path < ? AND d.received_at >= ? AND d.received_at < ?"
			" ORDER BY d.received_at, d.id LIMIT ?");
	db_bind_text(st, 1, l->agency.path);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, calendar_instant(l->from, 0));
	db_bind_int(st, 4, calendar_instant(l->to + 1, 0));
	db_bind_int(st, 5, (int64_t)max + 1);
	while ((ret = db_step(st)) == DB_ROW) {
		struct ledger_row *r;

		if (l->n == max) {
			ret = E_INVALID;
			break;
		}
		if (l->n == l->alloc) {
			l->alloc = l->alloc ? 2 * l->alloc : 64;
			l->rows = xrealloc(l->rows, l->alloc * sizeof(*l->rows));
		}
		r = &l->rows[l->n++];
		r->code = col_dup(st, 0);
		r->procedure = col_dup(st, 1);
		r->applicant = col_dup(st, 2);
		r->address = col_dup(st, 3);
		r->phone = col_dup(st, 4);
		r->lead = col_dup(st, 5);
		r->state = col_dup(st, 6);
		r->outcome = col_dup(st, 7);
		r->channel = col_dup(st, 8);
		r->received = db_col_int(st, 9);
		r->promised = db_col_int(st, 10);
		r->due = db_col_int(st, 11);
		r->transferred = db_col_int(st, 12);
		r->result = db_col_int(st, 13);
		r->returned = db_col_int(st, 14);
	}
	db_reset(st);
	free(hi);
	if (ret == E_INVALID)
		return err_set(e, E_INVALID, "from",
			       "the period holds more than %zu dossiers; choose a shorter period "
			       "or an agency further down", max);
	return ret < 0 ? ret : 0;
}

/* The ledger's "Ghi chú": how the dossier ended, or where it stands. */
static void ledger_note(const struct ledger_row *r, struct strbuf *out)
{
	const char *s = r->state;

	if (*r->outcome)
		strbuf_addstr(out, outcome_label(r->outcome, r->result, r->due));
	else if (!strcmp(s, "refused"))
		strbuf_addstr(out, "Từ chối giải quyết");
	else if (!strcmp(s, "withdrawn"))
		strbuf_addstr(out, "Rút hồ sơ");
	else if (!strcmp(s, "awaiting_supplement"))
		strbuf_addstr(out, "Chờ bổ sung hồ sơ");
	else
		strbuf_addstr(out, "Đang giải quyết");
	if (r->promised && r->due && calendar_day_of(r->promised) > calendar_day_of(r->due)) {
		strbuf_addstr(out, "; hẹn lại ngày trả: ");
		add_date(out, r->promised);
	}
	if (!strcmp(r->channel, "postal"))
		strbuf_addstr(out, "; nộp qua bưu chính công ích");
	else if (!strcmp(r->channel, "online"))
		strbuf_addstr(out, "; nộp trực tuyến");
}

/* The columns of the form; titles as the ledger prints them. */
static const struct ledger_col {
	const char *title;
	double width;		/* XLSX, in characters */
	double weight;		/* PDF */
} ledger_cols[] = {
	{ "STT", 5, 0.5 },
	{ "Mã hồ sơ", 26, 2.7 },
	{ "Tên thủ tục hành chính", 32, 2.2 },
	{ "Số lượng hồ sơ (bộ)", 9, 0.7 },
	{ "Tên tổ chức, cá nhân", 22, 1.4 },
	{ "Địa chỉ, số điện thoại", 28, 1.7 },
	{ "Cơ quan chủ trì giải quyết", 24, 1.5 },
	{ "Nhận hồ sơ", 16, 1.15 },
	{ "Hẹn trả kết quả", 16, 1.15 },
	{ "Chuyển hồ sơ đến cơ quan giải quyết", 16, 1.15 },
	{ "Nhận kết quả từ cơ quan giải quyết", 16, 1.15 },
	{ "Trả kết quả cho tổ chức, cá nhân", 16, 1.15 },
	{ "Ghi chú", 24, 1.5 },
};
#define LEDGER_NCOLS ((int)(sizeof(ledger_cols) / sizeof(ledger_cols[0])))

/* The cells of row i (1-based number stt) as text, into LEDGER_NCOLS buffers. */
static void ledger_cells(const struct ledger_row *r, size_t stt, struct strbuf *cell)
{
	for (int c = 0; c < LEDGER_NCOLS; c++)
		strbuf_reset(&cell[c]);
	strbuf_addf(&cell[0], "%zu", stt);
	strbuf_addstr(&cell[1], r->code);
	strbuf_addstr(&cell[2], r->procedure);
	strbuf_addstr(&cell[3], "01");
	strbuf_addstr(&cell[4], r->applicant);
	strbuf_addf(&cell[5], "%s%s%s", r->address, *r->address && *r->phone ? "; " : "",
		    r->phone);
	strbuf_addstr(&cell[6], r->lead);
	add_stamp(&cell[7], r->received);
	add_stamp(&cell[8], r->promised);
	add_stamp(&cell[9], r->transferred);
	add_stamp(&cell[10], r->result);
	add_stamp(&cell[11], r->returned);
	ledger_note(r, &cell[12]);
}

/* "Từ ngày 01/01/2021 đến ngày 31/01/2021" */
static void ledger_period(const struct ledger *l, struct strbuf *out)
{
	strbuf_addstr(out, "Từ ngày ");
	add_date(out, calendar_instant(l->from, 12 * 60));
	strbuf_addstr(out, " đến ngày ");
	add_date(out, calendar_instant(l->to, 12 * 60));
}

static json_t *json_time(int64_t t)
{
	char buf[CALENDAR_TIME_SIZE];

	if (!t)
		return json_null();
	calendar_time_format(t, buf);
	return json_string(buf);
}

static int ledger_json(const struct ledger *l, struct strbuf *out)
{
	json_t *items = json_array(), *j;
	char from[CALENDAR_DAY_SIZE], to[CALENDAR_DAY_SIZE];
	char *text;

	for (size_t i = 0; i < l->n; i++) {
		const struct ledger_row *r = &l->rows[i];
		struct strbuf note = STRBUF_INIT;
		json_t *it;

		ledger_note(r, &note);
		it = json_pack("{s:I,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s}",
			       "stt", (json_int_t)(i + 1), "code", r->code,
			       "procedure", r->procedure, "count", 1, "applicant", r->applicant,
			       "address", r->address, "phone", r->phone, "lead_agency", r->lead,
			       "state", r->state, "received_at", json_time(r->received),
			       "promised_at", json_time(r->promised),
			       "transferred_at", json_time(r->transferred),
			       "result_at", json_time(r->result),
			       "returned_at", json_time(r->returned), "note", note.buf);
		json_array_append_new(items, it);
		strbuf_release(&note);
	}
	calendar_day_format(l->from, from);
	calendar_day_format(l->to, to);
	j = json_pack("{s:{s:s,s:s,s:s},s:s,s:s,s:{s:s,s:s,s:s},s:o}",
		      "agency", "key", l->agency.key, "name", l->agency.name, "eid", l->agency.eid,
		      "from", from, "to", to,
		      "form", "set", forms_set, "number", l->form.number, "title", l->form.title,
		      "items", items);
	text = json_dumps(j, JSON_COMPACT);
	strbuf_addstr(out, text);
	free(text);
	json_decref(j);
	return 0;
}

static int ledger_xlsx(const struct ledger *l, struct strbuf *out, struct err *e)
{
	struct xlsx_options opt = { l->form.title, l->agency.name, NULL };
	struct xlsx_column cols[LEDGER_NCOLS];
	struct strbuf cell[LEDGER_NCOLS], sb = STRBUF_INIT;
	struct xlsx_sheet *s;
	struct xlsx *x;
	int ret;

	ret = xlsx_new(&x, &opt, e);
	if (ret)
		return ret;
	for (int c = 0; c < LEDGER_NCOLS; c++) {
		strbuf_init(&cell[c], 0);
		cols[c].title = ledger_cols[c].title;
		cols[c].width = ledger_cols[c].width;
	}
	s = xlsx_sheet(x, l->form.title);
	xlsx_title(s, l->form.title);
	strbuf_addf(&sb, "Mẫu số %s (kèm theo %s)", l->form.number, l->form.basis);
	xlsx_note(s, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Cơ quan: %s", l->agency.name);
	xlsx_note(s, sb.buf);
	strbuf_reset(&sb);
	ledger_period(l, &sb);
	xlsx_note(s, sb.buf);
	xlsx_columns(s, cols, LEDGER_NCOLS);
	for (size_t i = 0; i < l->n; i++) {
		ledger_cells(&l->rows[i], i + 1, cell);
		xlsx_number(s, (double)(i + 1));
		for (int c = 1; c < LEDGER_NCOLS; c++) {
			if (c == 3)
				xlsx_number(s, 1);
			else
				xlsx_text(s, cell[c].buf);
		}
		xlsx_next_row(s);
	}
	ret = xlsx_finish(x, out, e);
	xlsx_free(x);
	for (int c = 0; c < LEDGER_NCOLS; c++)
		strbuf_release(&cell[c]);
	strbuf_release(&sb);
	return ret;
}

static int ledger_pdf(const struct ledger *l, struct strbuf *out, struct err *e)
{
	struct pdf_options opt = { 0 };
	struct pdf_column cols[LEDGER_NCOLS];
	struct strbuf cell[LEDGER_NCOLS], sb = STRBUF_INIT;
	const char *cells[LEDGER_NCOLS];
	struct pdf *p;
	int ret;

	opt.title = l->form.title;
	opt.author = l->agency.name;
	opt.landscape = true;
	opt.font_size = 7.5;
	opt.page_label = "Trang";
	ret = pdf_new(&p, &opt, e);
	if (ret)
		return ret;
	for (int c = 0; c < LEDGER_NCOLS; c++) {
		strbuf_init(&cell[c], 0);
		cols[c].title = ledger_cols[c].title;
		cols[c].weight = ledger_cols[c].weight;
		cols[c].align = c == 0 || c == 3 ? PDF_CENTER : PDF_LEFT;
		cells[c] = "";
	}
	strbuf_addf(&sb, "Mẫu số %s\n(Kèm theo %s)", l->form.number, l->form.basis);
	pdf_text(p, sb.buf, false, 7, PDF_RIGHT);
	cells[0] = l->agency.name;
	cells[1] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc";
	pdf_columns(p, cells, 2, true, 9, PDF_CENTER);
	pdf_space(p, 10);
	pdf_text(p, l->form.title, true, 14, PDF_CENTER);
	strbuf_reset(&sb);
	ledger_period(l, &sb);
	pdf_text(p, sb.buf, false, 9, PDF_CENTER);
	pdf_space(p, 8);
	pdf_table_begin(p, cols, LEDGER_NCOLS);
	for (size_t i = 0; i < l->n; i++) {
		ledger_cells(&l->rows[i], i + 1, cell);
		for (int c = 0; c < LEDGER_NCOLS; c++)
			cells[c] = cell[c].buf;
		pdf_table_row(p, cells);
	}
	pdf_table_end(p);
	if (!l->n)
		pdf_text(p, "Không có hồ sơ nào được tiếp nhận trong thời gian này.", false, 0,
			 PDF_LEFT);
	ret = pdf_finish(p, out, e);
	pdf_free(p);
	for (int c = 0; c < LEDGER_NCOLS; c++)
		strbuf_release(&cell[c]);
	strbuf_release(&sb);
	return ret;
}

static void ledger_html(const struct ledger *l, struct strbuf *out)
{
	struct strbuf cell[LEDGER_NCOLS], sb = STRBUF_INIT;

	for (int c = 0; c < LEDGER_NCOLS; c++)
		strbuf_init(&cell[c], 0);
	html(out, "<article class=\"slip ledger\" lang=\"vi\">\n");
	strbuf_addf(&sb, "Mẫu số %s\n(Kèm theo %s)", l->form.number, l->form.basis);
	html(out, "<p class=\"slip-corner\">");
	html_lines(out, sb.buf);
	html(out, "</p>\n<div class=\"slip-cols\"><p><strong>");
	html_txt(out, l->agency.name);
	html(out, "</strong></p><p><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>"
	     "Độc lập - Tự do - Hạnh phúc</strong></p></div>\n<h1 class=\"slip-title\">");
	html_txt(out, l->form.title);
	html(out, "</h1>\n<p class=\"slip-center\">");
	strbuf_reset(&sb);
	ledger_period(l, &sb);
	html_txt(out, sb.buf);
	html(out, "</p>\n<table class=\"slip-table\">\n<thead><tr>");
	for (int c = 0; c < LEDGER_NCOLS; c++) {
		html(out, "<th scope=\"col\">");
		html_txt(out, ledger_cols[c].title);
		html(out, "</th>");
	}
	html(out, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < l->n; i++) {
		ledger_cells(&l->rows[i], i + 1, cell);
		html(out, "<tr>");
		for (int c = 0; c < LEDGER_NCOLS; c++) {
			html(out, c == 0 || c == 3 ? "<td class=\"num\">" : "<td>");
			html_txt(out, cell[c].buf);
			html(out, "</td>");
		}
		html(out, "</tr>\n");
	}
	if (!l->n) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "<tr><td colspan=\"%d\">", LEDGER_NCOLS);
		html(out, sb.buf);
		html_txt(out, "Không có hồ sơ nào được tiếp nhận trong thời gian này.");
		html(out, "</td></tr>\n");
	}
	html(out, "</tbody>\n</table>\n</article>\n");
	for (int c = 0; c < LEDGER_NCOLS; c++)
		strbuf_release(&cell[c]);
	strbuf_release(&sb);
}

int ledger_render(struct db *db, const struct user *by, const struct ledger_query *q,
		  enum slip_format format, struct strbuf *out, struct err *e)
{
	struct ledger l = { 0 };
	int ret = ledger_load(db, by, q, format == SLIP_XLSX ? SLIP_LEDGER_MAX_XLSX :
			      SLIP_LEDGER_MAX, &l, e);

	if (ret)
		goto out;
	switch (format) {
	case SLIP_XLSX:
		ret = ledger_xlsx(&l, out, e);
		break;
	case SLIP_PDF:
		ret = ledger_pdf(&l, out, e);
		break;
	case SLIP_HTML:
		ledger_html(&l, out);
		break;
	default:
		ret = ledger_json(&l, out);
		break;
	}
out:
	ledger_release(&l);
	return ret;
}

/* ---- routes ------------------------------------------------------------------ */

/* A file name for Content-Disposition: letters, digits, '.', '-', '_' only. */
static void disposition(struct response *res, const char *how, const char *name,
			const char *suffix)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s; filename=\"", how);
	for (const char *c = name; *c; c++)
		strbuf_addch(&sb, strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789.-_", *c) ? *c : '_');
	strbuf_addf(&sb, "%s\"", suffix);
	res_header(res, "Content-Disposition", sb.buf);
	strbuf_release(&sb);
}

static int api_slip(struct request *req, struct response *res)
{
	const char *code = req_arg(req, 0), *name = req_arg(req, 1);
	const char *dot = strrchr(name, '.');
	struct strbuf frag = STRBUF_INIT, sb = STRBUF_INIT;
	struct slip_form form;
	char kind_name[16];
	int kind = -1, ret;
	bool pdf;

	if (dot && (size_t)(dot - name) < sizeof(kind_name) &&
	    (!strcmp(dot, ".pdf") || !strcmp(dot, ".html"))) {
		memcpy(kind_name, name, (size_t)(dot - name));
		kind_name[dot - name] = '\0';
		kind = slip_kind_parse(kind_name);
	}
	if (kind < 0 || kind == SLIP_LEDGER)
		return err_set(&req->err, E_NOTFOUND, "slip",
			       "there is no slip '%s': ask for receipt, supplement, refusal, "
			       "apology or control, ending in .pdf or .html", name);
	pdf = !strcmp(dot, ".pdf");
	res_header(res, "Cache-Control", "private, no-store");
	if (pdf) {
		ret = slip_render(req->db, req->user, code, kind, SLIP_PDF, &res->body, &form,
				  &req->err);
		if (!ret) {
			res->content_type = "application/pdf";
			strbuf_addf(&sb, "-%s", kind_name);
			disposition(res, "inline", code, sb.buf);
			strbuf_addstr(&sb, ".pdf");
		}
		strbuf_release(&sb);
		return ret;
	}
	ret = slip_render(req->db, req->user, code, kind, SLIP_HTML, &frag, &form, &req->err);
	if (!ret) {
		res->content_type = "text/html; charset=utf-8";
		page_begin(req, res, form.title);
		strbuf_add(&res->body, frag.buf, frag.len);
		html(&res->body, "<p class=\"noprint\"><a href=\"/api/v1/dossiers/");
		html_url_arg(&res->body, code);
		html(&res->body, "/slips/");
		html_url_arg(&res->body, kind_name);
		html(&res->body, ".pdf\">");
		html_txt(&res->body, _("Download as PDF"));
		html(&res->body, "</a></p>\n");
		page_end(req, res);
	}
	strbuf_release(&frag);
	strbuf_release(&sb);
	return ret;
}

/* The HTML page of the ledger: a form to choose the period, links to the files. */
static void ledger_page(struct request *req, struct response *res, const struct ledger_query *q,
			const struct strbuf *frag)
{
	struct strbuf *out = &res->body;
	static const char *const formats[] = { "xlsx", "pdf" };
	static const char *const labels[] = { N_("Download as XLSX"), N_("Download as PDF") };

	page_begin(req, res, _("Dossier tracking ledger"));
	html(out, "<form class=\"noprint ledger-filters\" method=\"get\" action=\"/api/v1/ledger\">"
	     "<input type=\"hidden\" name=\"format\" value=\"html\">\n<label>");
	html_txt(out, _("Agency (key, identifier or number)"));
	html(out, " <input name=\"agency\" value=\"");
	html_attr(out, q->agency ? q->agency : "");
	html(out, "\"></label>\n<label>");
	html_txt(out, _("First day"));
	html(out, " <input type=\"date\" name=\"from\" value=\"");
	html_attr(out, q->from ? q->from : "");
	html(out, "\"></label>\n<label>");
	html_txt(out, _("Last day"));
	html(out, " <input type=\"date\" name=\"to\" value=\"");
	html_attr(out, q->to ? q->to : "");
	html(out, "\"></label>\n<button type=\"submit\">");
	html_txt(out, _("Show the ledger"));
	html(out, "</button></form>\n<p class=\"noprint\">");
	for (int i = 0; i < 2; i++) {
		html(out, i ? " · <a href=\"/api/v1/ledger?format=" : "<a href=\"/api/v1/ledger?format=");
		html_url_arg(out, formats[i]);
		html(out, "&amp;agency=");
		html_url_arg(out, q->agency ? q->agency : "");
		html(out, "&amp;from=");
		html_url_arg(out, q->from ? q->from : "");
		html(out, "&amp;to=");
		html_url_arg(out, q->to ? q->to : "");
		html(out, "\">");
		html_txt(out, _(labels[i]));
		html(out, "</a>");
	}
	html(out, "</p>\n");
	strbuf_add(out, frag->buf, frag->len);
	page_end(req, res);
}

static int api_ledger(struct request *req, struct response *res)
{
	struct ledger_query q = {
		.agency = req_query(req, "agency"),
		.from = req_query(req, "from"),
		.to = req_query(req, "to"),
	};
	const char *format = req_query(req, "format");
	struct strbuf frag = STRBUF_INIT, name = STRBUF_INIT;
	enum slip_format f;
	int ret;

	if (!format || !*format || !strcmp(format, "json"))
		f = SLIP_JSON;
	else if (!strcmp(format, "xlsx"))
		f = SLIP_XLSX;
	else if (!strcmp(format, "pdf"))
		f = SLIP_PDF;
	else if (!strcmp(format, "html"))
		f = SLIP_HTML;
	else
		return err_set(&req->err, E_INVALID, "format",
			       "format must be json, xlsx, pdf or html");
	res_header(res, "Cache-Control", "private, no-store");
	ret = ledger_render(req->db, req->user, &q, f, f == SLIP_HTML ? &frag : &res->body,
			    &req->err);
	if (ret)
		goto out;
	strbuf_addstr(&name, "so-theo-doi-ho-so");
	if (q.from && *q.from)
		strbuf_addf(&name, "-%s", q.from);
	if (q.to && *q.to)
		strbuf_addf(&name, "-%s", q.to);
	switch (f) {
	case SLIP_XLSX:
		res->content_type =
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		disposition(res, "attachment", name.buf, ".xlsx");
		break;
	case SLIP_PDF:
		res->content_type = "application/pdf";
		disposition(res, "inline", name.buf, ".pdf");
		break;
	case SLIP_HTML:
		res->content_type = "text/html; charset=utf-8";
		ledger_page(req, res, &q, &frag);
		break;
	default:
		res->content_type = "application/json; charset=utf-8";
		break;
	}
out:
	strbuf_release(&frag);
	strbuf_release(&name);
	return ret;
}

const struct route slips_api_routes[] = {
	{ "GET", "/api/v1/dossiers/{code}/slips/{slip}", api_slip, ROUTE_JSON | ROUTE_SLOW, ROLES_STAFF,
	  "a slip of the dossier ({slip}: receipt, supplement, refusal, apology or control,"
	  " with .pdf or .html)" },
	{ "GET", "/api/v1/ledger", api_ledger, ROUTE_JSON | ROUTE_SLOW, ROLES_STAFF,
	  "the tracking ledger of an agency for a period, as JSON, XLSX, PDF or HTML" },
};
const unsigned slips_api_nroutes = sizeof(slips_api_routes) / sizeof(slips_api_routes[0]);
