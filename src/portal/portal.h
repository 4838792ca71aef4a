/*
 * portal: the citizens' side of the one-stop shop — accounts signed in
 * with a one-time code sent by SMS, "my dossiers", online filing with
 * uploaded documents, drafts, and completing a dossier the desk returned.
 *
 * Citizens are not officers: they have their own table, sessions and
 * cookie, and the route role ROLE_CITIZEN (org.h).  A citizen sees the
 * dossiers filed under their phone number and nothing else.
 *
 * Uploaded files are PDF, JPEG or PNG, recognised by their content; they
 * are stored in the upload directory under their SHA-256 and recorded in
 * dossier_file.  Officers see the files of dossiers their agency sees (the
 * dossier engine's rule) and may attach the result document.
 */
#ifndef CCHC_PORTAL_PORTAL_H
#define CCHC_PORTAL_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct db;
struct err;
struct user;
struct audit_actor;

struct citizen {
	int64_t id;
	char *phone;
	char *name;
	char *email;
	int64_t session_id;
	char csrf[48];		/* of the session */
};

#define CITIZEN_INIT { 0 }

void citizen_release(struct citizen *c);
json_t *citizen_json(const struct citizen *c);

/* Settings (from the configuration); see docs/operations.md. */
struct portal_settings {
	const char *upload_dir;		/* default "var/uploads" */
	int64_t code_ttl;		/* seconds a code is valid (300) */
	int64_t lock_time;		/* seconds a number is locked after 5 wrong codes (900) */
	size_t file_limit;		/* largest file, bytes (5 MB) */
	int codes_per_address;		/* sign-in codes per hour from one address (30) */
};
void portal_configure(const struct portal_settings *s);
const struct portal_settings *portal_settings(void);

/* A Vietnamese mobile number: 10 digits starting with 0. */
bool portal_phone_ok(const char *phone);

/*
 * Sends a sign-in code to phone: stores its hash and queues the SMS
 * (template "citizen.otp") in one transaction.  One code per number per
 * minute, five per hour; codes_per_address per address per hour (E_RATELIMIT with
 * e->retry_after).  A locked number gets E_RATELIMIT saying until when.
 */
int citizen_request_code(struct db *db, const char *phone, const char *ip,
			 struct err *e);

/*
 * Checks the code and opens a session: fills token (for the cookie; only
 * its hash is stored) and csrf.  Creates the account on first sign-in.
 * A wrong, used or expired code is E_INVALID on field "code"; the fifth
 * wrong code in a row locks the number for lock_time.
 */
int citizen_sign_in(struct db *db, const char *phone, const char *code,
		    const char *ip, char token[48], char csrf[48], struct err *e);
int citizen_sign_out(struct db *db, const char *token);
/* The citizen of a live session token; E_NOTFOUND if none. */
int citizen_session(struct db *db, const char *token, struct citizen *out);
/* Name (up to 200 characters) and e-mail (may be empty). */
int citizen_update(struct db *db, struct citizen *c, const char *name,
		   const char *email, struct err *e);

/* The dossiers filed under the citizen's phone, newest first (JSON array). */
int citizen_dossiers(struct db *db, const struct citizen *c, json_t **out);
/* One of them, by id, with its files; E_NOTFOUND for anyone else's. */
int citizen_dossier(struct db *db, const struct citizen *c, int64_t id,
		    json_t **out, struct err *e);

/* What a draft holds; NULL fields are left as they are. */
struct draft_input {
	const char *procedure;
	const char *agency;
	const char *applicant_name;
	const char *applicant_id;
	const char *applicant_email;
	const char *applicant_address;
	const char *request;
};

/* Starts a draft for a procedure that may be filed online. */
int draft_create(struct db *db, const struct citizen *c, const struct draft_input *in,
		 int64_t *id, struct err *e);
int draft_update(struct db *db, const struct citizen *c, int64_t id,
		 const struct draft_input *in, struct err *e);
/* The draft with its procedure's documents, files and receiving agencies. */
int draft_get(struct db *db, const struct citizen *c, int64_t id, json_t **out,
	      struct err *e);
/* The same shape for a draft not yet saved (id 0), prefilled from the profile. */
int draft_blank(struct db *db, const struct citizen *c, const char *code, json_t **out,
		struct err *e);
/* Unsubmitted drafts of the citizen (JSON array). */
int draft_list(struct db *db, const struct citizen *c, json_t **out);
int draft_delete(struct db *db, const struct citizen *c, int64_t id, struct err *e);
/*
 * Files the draft: every document of the procedure must have a file.
 * dossier_intake (online, by nobody) then the files move to the dossier.
 * Fills *dossier_id.
 */
int draft_submit(struct db *db, const struct citizen *c, int64_t id,
		 int64_t *dossier_id, struct err *e);

/*
 * The type of a document by its content: "application/pdf" (a %PDF-
 * header and %%EOF near the end), "image/jpeg", "image/png"; NULL for
 * anything else.
 */
const char *upload_sniff(const void *data, size_t len);
/*
 * Checks an upload named name: E_INVALID (field `field`) naming the file
 * and saying why — empty, too large, not a document, or its name or
 * declared type says another type than its content.  Fills *type.
 */
int upload_check(const char *field, const char *name, const char *declared,
		 const void *data, size_t len, const char **type, struct err *e);

/* Where a file goes: a citizen's draft or dossier, or an officer's result. */
struct file_target {
	int64_t draft_id;	/* or */
	int64_t dossier_id;
	const char *kind;	/* "document" or "result" */
	int doc_index;		/* which document of the procedure; -1 for a result */
};

/*
 * Stores an upload (checked with upload_check) and records it.  A citizen
 * adds documents to their own draft, or to their dossier while it is
 * incomplete (c set); an officer who may see the dossier adds its result
 * (by set, c NULL), recorded in the audit log as `who`.  Fills *id.
 */
int file_add(struct db *db, const struct citizen *c, const struct user *by,
	     const struct audit_actor *who, const struct file_target *t,
	     const char *field, const char *name, const char *declared,
	     const void *data, size_t len, int64_t *id, struct err *e);
/* Removes a document from the citizen's draft or incomplete dossier. */
int file_remove(struct db *db, const struct citizen *c, int64_t id, struct err *e);

struct stored_file {
	char *name;
	char *content_type;
	char *data;
	size_t len;
};
void stored_file_release(struct stored_file *f);
/*
 * Reads a file for the citizen c who owns it, or for the officer by who
 * sees its dossier; E_NOTFOUND for everyone else (the same answer as for
 * a file that does not exist).
 */
int file_read(struct db *db, const struct citizen *c, const struct user *by,
	      int64_t id, struct stored_file *out, struct err *e);
/* The files of a dossier as JSON (for the officer's page, who sees it). */
int dossier_files(struct db *db, int64_t dossier_id, json_t **out);

/*
 * HTTP: authenticate runs org's hook, then reads the citizen cookie (and
 * checks CSRF on its state-changing requests); authorize lets citizen
 * routes to citizens only and sends the rest to org.
 */
int portal_authenticate(struct request *req, struct response *res);
int portal_authorize(struct request *req);
void portal_release(struct request *req);
/* The CSRF field of a form: the citizen session's, or org's. */
void portal_csrf_field(struct request *req, struct response *res);
/* The header's account corner for citizens, else org's. */
void portal_page_account(struct request *req, struct response *res);
/* Role mask for the layout: officers' roles, or ROLE_CITIZEN. */
unsigned portal_roles_of(const struct request *req);

/* The officer's dossier page: the uploaded files and the result form. */
void portal_dossier_files_html(struct request *req, struct response *res,
			       int64_t dossier_id, const char *code, bool may_attach);

extern const struct route portal_api_routes[];
extern const unsigned portal_api_nroutes;
extern const struct route portal_page_routes[];
extern const unsigned portal_page_nroutes;

#endif
