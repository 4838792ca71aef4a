/*
 * slips: the printed forms of the one-stop shop, from a dossier's record —
 * the receipt with its promised date and a QR code to the tracking page
 * (Mẫu 01), the supplement request (02), the refusal (03), the apology
 * with its new date (04), the process control slip with every handover
 * (05) — and the tracking ledger of an agency for a period (sổ theo dõi
 * hồ sơ, 06), as PDF, printable HTML and, for the ledger, XLSX.
 *
 * The slips are legal forms: their text is Vietnamese whatever the
 * reader's language.  Their numbers and titles are data, not code: each
 * form set (the 2021 one of Circular 01/2018/TT-VPCP, the 2025 one of
 * Circular 03/2025/TT-VPCP) is a block of the embedded
 * data/slip-forms.tsv, and the setting `slip_forms` chooses one.
 *
 * Everything a slip shows comes from the dossier's record (dossier_get()
 * and its history) and the procedure version it was filed under; nothing
 * is stored for a slip, so reprinting gives the same paper.
 */
#ifndef CCHC_DOSSIER_SLIPS_H
#define CCHC_DOSSIER_SLIPS_H

#include <stdbool.h>

#include "http/http.h"

struct db;
struct err;
struct strbuf;
struct user;

enum slip_kind {
	SLIP_RECEIPT,		/* Giấy tiếp nhận hồ sơ và hẹn trả kết quả */
	SLIP_SUPPLEMENT,	/* Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ */
	SLIP_REFUSAL,		/* Phiếu từ chối tiếp nhận giải quyết hồ sơ */
	SLIP_APOLOGY,		/* Phiếu xin lỗi và hẹn lại ngày trả kết quả */
	SLIP_CONTROL,		/* Phiếu kiểm soát quá trình giải quyết hồ sơ */
	SLIP_LEDGER,		/* Sổ theo dõi hồ sơ */
	SLIP_NKINDS
};

enum slip_format { SLIP_PDF, SLIP_HTML, SLIP_XLSX, SLIP_JSON };

/* "receipt", "supplement", "refusal", "apology", "control", "ledger". */
const char *slip_kind_name(enum slip_kind kind);
/* The kind of a name; -1 if there is none. */
int slip_kind_parse(const char *name);

/*
 * Chooses the form set ("tt01-2018", "tt03-2025": the first column of
 * data/slip-forms.tsv).  A set that lacks a form for one of the kinds
 * above is E_INVALID naming the sets there are.  Call at start-up, before
 * the server's threads; the default is "tt01-2018".
 */
int slips_set_forms(const char *set, struct err *e);
const char *slips_forms(void);

/*
 * The public base URL of the portal ("https://dichvucong.quangnam.gov.vn");
 * the receipt's QR code opens <url>/tra-cuu?ma=<code>.  A trailing '/' is
 * dropped; NULL or "" restores the default "http://127.0.0.1:8080".  Call
 * at start-up.
 */
void slips_set_public_url(const char *url);
const char *slips_public_url(void);

/* The form of a kind in the configured set. */
struct slip_form {
	char number[16];	/* "01" */
	char title[256];	/* "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" */
	char basis[256];	/* "Thông tư số 01/2018/TT-VPCP ngày …" */
};

/* Fills f; E_NOTFOUND if the set has no such form (see slips_set_forms). */
int slip_form(enum slip_kind kind, struct slip_form *f);

/*
 * Appends a slip of the dossier with this code (or "#id") to out, as a
 * PDF document or as an HTML fragment (an <article class="slip">, to put
 * in a page).  by must see the dossier (E_NOTFOUND otherwise, as for
 * dossier_get).  A slip that does not apply to the dossier — a receipt
 * before it was received, a refusal for a dossier never refused — is
 * E_NOTFOUND with a message saying why.  Supplement, refusal and apology
 * slips show the latest such event.  *form (may be NULL) gets the form's
 * number and title, for the page around the fragment.
 */
int slip_render(struct db *db, const struct user *by, const char *code,
		enum slip_kind kind, enum slip_format format, struct strbuf *out,
		struct slip_form *form, struct err *e);

/*
 * The tracking ledger: the dossiers received by an agency and the
 * agencies below it, from one local day to another (both included), in
 * order of receipt, with the columns of the form.  agency is a key, eid
 * or id (NULL or "": by's agency), which by must see (E_DENIED); from and
 * to are "YYYY-MM-DD" (NULL or "": the first day of this month, today).
 * A period with more than SLIP_LEDGER_MAX dossiers (SLIP_LEDGER_MAX_XLSX
 * for XLSX) is E_INVALID asking for a shorter one.  JSON is
 * {"agency","from","to","form","items":[…]}; HTML is a fragment.
 */
#define SLIP_LEDGER_MAX 10000
#define SLIP_LEDGER_MAX_XLSX 100000

struct ledger_query {
	const char *agency;
	const char *from;
	const char *to;
};

int ledger_render(struct db *db, const struct user *by, const struct ledger_query *q,
		  enum slip_format format, struct strbuf *out, struct err *e);

/*
 * GET /api/v1/dossiers/{code}/slips/{slip}: {slip} is a kind with ".pdf"
 * or ".html".  GET /api/v1/ledger?agency=&from=&to=&format=json|xlsx|pdf|html.
 */
extern const struct route slips_api_routes[];
extern const unsigned slips_api_nroutes;

#endif
