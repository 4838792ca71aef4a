/*
 * org: agencies, users, roles, sessions and the audit log — the answer to
 * "who is this, and which agency's records may they see?".
 *
 * Agencies form a tree (province → departments, centre, bodies; districts
 * → communes).  Each agency stores its materialised path "/00000001/00000004/", ids zero-padded, so
 * "this agency and everything below it" is a prefix test, and a range scan
 * in SQL.  Levels are rows of agency_level, not code: a deployment may model
 * three levels (2021) or two (since July 2025).
 *
 * A user has one agency and a set of roles.  They see the records of their
 * agency and the agencies below it; monitors see everything.
 */
#ifndef CCHC_ORG_ORG_H
#define CCHC_ORG_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

struct db;
struct err;
struct request;
struct response;
struct strbuf;
struct user;

/* Roles, as bits.  Route access masks combine them (see http/http.h). */
enum {
	ROLE_ADMIN = 1u << 0,		/* manages users and settings */
	ROLE_CLERK = 1u << 1,		/* receives and returns dossiers */
	ROLE_SPECIALIST = 1u << 2,	/* processes (appraises) dossiers */
	ROLE_LEADER = 1u << 3,		/* approves */
	ROLE_MONITOR = 1u << 4,		/* Sở Nội vụ, VP UBND: sees all */
	ROLE_REPORTER = 1u << 5,	/* reports plan progress for an agency */
	ROLE_POSTAL = 1u << 6,		/* post-office staff receiving dossiers */
	/*
	 * A citizen signed in on the portal (src/portal), never an officer's
	 * role: routes with it are for req->citizen, checked by the portal.
	 */
	ROLE_CITIZEN = 1u << 7,
};
#define ROLES_STAFF (ROLE_ADMIN | ROLE_CLERK | ROLE_SPECIALIST | ROLE_LEADER | \
		     ROLE_MONITOR | ROLE_REPORTER | ROLE_POSTAL)
/* Route access for pages and APIs anyone may use, signed in or not. */
#define ROLE_PUBLIC (1u << 31)

/* "admin" → ROLE_ADMIN; 0 if unknown. */
unsigned role_parse(const char *name);
/* Parses "clerk,specialist"; E_INVALID naming the bad one. */
int roles_parse(const char *list, unsigned *out, struct err *e);
/* Appends "clerk,specialist" (sorted by bit) to out. */
void roles_format(unsigned roles, struct strbuf *out);
/* The name of one role bit, or NULL. */
const char *role_name(unsigned role);
/* The Vietnamese-or-English label of one role, in the thread's language. */
const char *role_label(unsigned role);

struct agency {
	int64_t id;
	int64_t parent_id;	/* 0 for the root */
	char *key;		/* stable slug, e.g. "so-noi-vu" */
	char *name;
	char *short_name;
	char *level;		/* agency_level.code: "province", "district", "commune" */
	char *kind;		/* "department", "district", "commune", … */
	char *eid;		/* electronic identifier, e.g. "000.00.00.H47" */
	char *status;		/* "active", "retired", "merged" */
	int64_t merged_into;	/* for "merged" */
	char *path;		/* "/00000001/00000004/" */
	int depth;
};

#define AGENCY_INIT { 0 }

void agency_release(struct agency *a);
/* By key, eid or numeric id (as text); E_NOTFOUND with a message. */
int agency_find(struct db *db, const char *ref, struct agency *out, struct err *e);
int agency_get(struct db *db, int64_t id, struct agency *out);
/*
 * Every agency in tree order (depth first, by name), each as a JSON object
 * {id,key,name,short_name,level,kind,eid,status,parent,depth}; retired and
 * merged ones only if all.
 */
int agency_tree(struct db *db, bool all, json_t **out);
/* The levels of government as {code: name} in lang (LANG_VI or LANG_EN). */
int agency_levels(struct db *db, const char *lang, json_t **out);
/*
 * The exclusive upper bound of the paths below path: an agency is within
 * path's subtree when its path >= path and < this.  Caller frees.
 */
char *agency_path_upper(const char *path);
/* JSON of one agency (the same fields). */
json_t *agency_json(const struct agency *a);

struct audit_actor;

/*
 * Changes that keep history: renaming records the old name with its dates;
 * merging marks the agency "merged" into another (its records stay where
 * they are); retiring marks it "retired".  Each writes the audit log in the
 * same transaction.  by (NULL for the command line) must see the agency.
 */
int agency_rename(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		  const char *name, const char *short_name, struct err *e);
int agency_merge(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		 int64_t into, struct err *e);
int agency_retire(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		  struct err *e);
/* Sets an agency's electronic identifier (a setting, since the source is uncertain). */
int agency_set_eid(struct db *db, const struct user *by,
		  const struct audit_actor *who, int64_t id,
		   const char *eid, struct err *e);

/*
 * Loads agencies from TSV text (the format of assets/data/agencies.tsv:
 * key, parent, level, kind, name, short_name, eid).  Existing keys are left
 * as they are, so loading twice changes nothing.  One transaction; an error
 * names the line.  *added (may be NULL) gets the count of new agencies.
 */
int agency_load_tsv(struct db *db, const char *tsv, int *added, struct err *e);
/* Creates the root agency if there is none (for `cchc init` without demo data). */
int agency_ensure_root(struct db *db, struct err *e);

struct user {
	int64_t id;
	char *username;
	char *full_name;
	unsigned roles;
	int64_t agency_id;
	char *agency_key;
	char *agency_name;
	char *agency_path;
	bool disabled;
	bool must_change_password;
};

#define USER_INIT { 0 }

void user_release(struct user *u);
/* Whether u may see records of the agency whose path is agency_path. */
bool user_sees_agency(const struct user *u, const char *agency_path);
/* The same for an agency id (reads its path). */
bool user_sees_agency_id(struct db *db, const struct user *u, int64_t agency_id);
bool user_has(const struct user *u, unsigned roles);

int user_find(struct db *db, const char *username, struct user *out);
/*
 * The user of that name as viewer may see them (their agency within the
 * viewer's; monitors see all): E_NOTFOUND with a message otherwise, so
 * other agencies' users cannot be probed.
 */
int user_find_visible(struct db *db, const struct user *viewer, const char *username,
		      struct user *out, struct err *e);
int user_get(struct db *db, int64_t id, struct user *out);
json_t *user_json(const struct user *u);

/* Who does a change, for the audit log. */
struct audit_actor {
	int64_t user_id;	/* 0 for the command line or the system */
	const char *username;	/* "cli", "system", or the user's name */
	const char *ip;		/* "" when not over HTTP */
	const char *agency_path;	/* the actor's agency; "/" for cli and system */
};

/* The actor of a request (its user, or anonymous) and of the command line. */
struct audit_actor audit_actor_of(const struct request *req);
extern const struct audit_actor audit_cli;

/*
 * Appends to the audit log, inside the caller's transaction.  before and
 * after (may be NULL) summarise the object; they are not consumed.
 */
int audit_log(struct db *db, const struct audit_actor *who, const char *action,
	      const char *object_type, const char *object_id, json_t *before,
	      json_t *after);

/*
 * Filters of the audit log.  Entries are shown to a viewer when the
 * actor's agency is within the viewer's (monitors see all).
 */
struct audit_filter {
	const struct user *viewer;
	const char *username;
	const char *action;
	const char *object_type;
	const char *object_id;
	int64_t from, to;	/* epoch seconds; 0 for open */
	int64_t before_id;	/* paging: entries older than this id; 0 for newest */
	int limit;
};

/* Entries newest first as a JSON array. */
int audit_list(struct db *db, const struct audit_filter *f, json_t **out);

/*
 * Users: creating, disabling, resetting.  The caller (an admin) must see
 * the target's agency: checked here.  who may be &audit_cli (no user).
 * Passwords: at least 10 characters.
 */
struct user_new {
	const char *username;
	const char *full_name;
	const char *roles;	/* "clerk,specialist" */
	const char *agency;	/* key, eid or id */
	const char *password;
};

int user_create(struct db *db, const struct user *admin,
		const struct audit_actor *who, const struct user_new *nu,
		int64_t *id, struct err *e);
int user_set_disabled(struct db *db, const struct user *admin,
		      const struct audit_actor *who, const char *username,
		      bool disabled, struct err *e);
/* Sets a new password; must_change makes the user choose another at sign-in. */
int user_set_password(struct db *db, const struct user *admin,
		      const struct audit_actor *who, const char *username,
		      const char *password, bool must_change, struct err *e);
/* The user changes their own password, giving the current one. */
int user_change_password(struct db *db, const struct user *u,
			 const struct audit_actor *who, const char *current,
			 const char *password, struct err *e);
/* Users the admin may see, as a JSON array. */
int user_list(struct db *db, const struct user *admin, json_t **out);
/* A random password of 16 letters and digits, for one-time use. */
void password_generate(char out[17]);
/*
 * `cchc init`: creates the first admin "admin" at the root agency with a
 * one-time password written to pw (must be changed at first sign-in), if
 * no admin exists; returns 0 and sets *created.
 */
int user_ensure_admin(struct db *db, char pw[17], bool *created, struct err *e);

/*
 * Sign-in.  On success creates a session and returns its token (to put in
 * the cookie; only its hash is stored) and the CSRF token bound to it.
 * Five failed sign-ins for one account or one address within a minute give
 * E_RATELIMIT with e->retry_after.
 */
struct session_token {
	char token[48];
	char csrf[48];
};

int session_sign_in(struct db *db, const char *username, const char *password,
		    const char *ip, struct session_token *out, struct err *e);
/* Ends the session of that token. */
int session_sign_out(struct db *db, const char *token);

/* API tokens for integrations: shown once, stored hashed, revocable. */
int api_token_create(struct db *db, const struct user *admin,
		     const struct audit_actor *who, const char *name,
		     const char *username, int64_t *id, char token[48],
		     struct err *e);
int api_token_revoke(struct db *db, const struct user *admin,
		     const struct audit_actor *who, int64_t id, struct err *e);
int api_token_list(struct db *db, const struct user *admin, json_t **out);

/*
 * HTTP hooks (see http/http.h): authenticate reads the session cookie or
 * the bearer token and checks CSRF on state-changing cookie requests;
 * authorize checks the route's role mask.  org_roles_of is for the layout.
 */
int org_authenticate(struct request *req, struct response *res);
int org_authorize(struct request *req);
/* Frees req->user and req->session (the release hook). */
void org_release(struct request *req);
unsigned org_roles_of(const struct request *req);
/* The CSRF token of the request's session (or of the pre-session cookie). */
const char *org_csrf_token(struct request *req, struct response *res);
/* Writes the hidden CSRF field of a form. */
void org_csrf_field(struct request *req, struct response *res);
/* Checks the form's CSRF field against the session or pre-session cookie. */
int org_csrf_check(struct request *req);

/* The header's account corner: who is signed in and a sign-out button. */
void org_page_account(struct request *req, struct response *res);

/* Settings of sessions, from the configuration (seconds). */
void org_set_session_limits(int64_t idle, int64_t absolute);

extern const struct route org_api_routes[];
extern const unsigned org_api_nroutes;
extern const struct route org_page_routes[];
extern const unsigned org_page_nroutes;

#endif
