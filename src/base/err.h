/*
 * Errors.  Domain functions return one of the E_* codes and, for the
 * caller's mistakes, fill a struct err with a message a person can act on
 * and, where it applies, the name of the offending field.  Only the router
 * turns codes into HTTP statuses; only the command line into exit codes.
 *
 * err_set's format is an English msgid (extracted by xgettext): the stored
 * message is its translation into the thread's language (base/i18n.h).
 */
#ifndef CCHC_BASE_ERR_H
#define CCHC_BASE_ERR_H

enum {
	E_OK = 0,
	E_INTERNAL = -1,	/* a bug or an outage: details go to the log */
	E_NOTFOUND = -2,
	E_INVALID = -3,		/* the caller's input is wrong */
	E_CONFLICT = -4,	/* the state does not allow it */
	E_DENIED = -5,		/* not allowed for this user */
	E_UNAUTH = -6,		/* not signed in */
	E_TOOLARGE = -7,
	E_RATELIMIT = -8,
};

struct err {
	int code;
	char code_name[32];	/* machine code for clients, e.g. "invalid" */
	char field[64];		/* offending field, "" if none */
	char message[512];	/* for a person, already in the user's language */
	int retry_after;	/* seconds, for E_RATELIMIT */
};

#define ERR_INIT { 0, "", "", "", 0 }

/*
 * Fills e (if not NULL) and returns code, so that a caller can write
 * `return err_set(e, E_INVALID, "phone", "phone number must have 10 digits")`.
 */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sets the machine-readable code name, e.g. "invalid_state"; returns e->code. */
int err_name(struct err *e, const char *code_name);
void err_clear(struct err *e);
/* The default machine name of a code: "not_found", "invalid", … */
const char *err_code_name(int code);

/* Logs an internal error with its context and returns E_INTERNAL. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
