/* Private to src/org/. */
#ifndef CCHC_ORG_ORG_IMPL_H
#define CCHC_ORG_ORG_IMPL_H

#include <stdbool.h>

#include <sodium.h>

struct db_stmt;
struct user;

int password_hash(const char *password, char out[crypto_pwhash_STRBYTES]);
bool password_verify(const char *hash, const char *password);
/* Steps st (a SELECT of USER_COLS) once into out; E_NOTFOUND if no row. */
int user_load(struct db_stmt *st, struct user *out);
/* Hex SHA-256 of a token: what is stored instead of it. */
void token_hash(const char *token, char out[65]);
/* A random URL-safe token of 43 characters. */
void token_new(char out[48]);

/*
 * The exclusive upper bound of the paths under path ("/1/4/" → "/1/40"):
 * agencies below it have path >= path and path < this.  Caller frees.
 */
char *path_upper(const char *path);

/* What authenticate leaves in req->session. */
struct org_session {
	int64_t id;		/* 0 for an API token */
	char csrf[48];
	bool via_token;
};

#endif
