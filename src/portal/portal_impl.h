/* Private to src/portal/: what api.c and pages.c share. */
#ifndef CCHC_PORTAL_IMPL_H
#define CCHC_PORTAL_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

struct citizen;
struct user;
struct file_target;
struct stored_file;

#define CITIZEN_COOKIE "cchc_citizen"

/* The path parameter i as a positive id; E_NOTFOUND otherwise. */
int portal_path_id(struct request *req, int i, int64_t *id);
/* Sends a stored file as the response (as an attachment). */
void portal_send_file(struct response *res, struct stored_file *f, bool inline_ok);
/*
 * Adds the request's uploaded files to t: with single >= 0 the part
 * "file" as document `single`; with -2 the part "file" as a result; with
 * -1 every part "doc_N" as document N.  *added counts them.
 */
int portal_add_uploads(struct request *req, const struct citizen *c, const struct user *by,
		       struct file_target *t, int single, int *added);
/* GET …/{id}: the signed-in citizen downloads one of their files. */
int portal_citizen_file(struct request *req, struct response *res);
/* GET …/{code}/…/{id}: an officer downloads a file of a dossier they see. */
int portal_officer_file(struct request *req, struct response *res);
/* Attaches the uploaded "file" as the result of dossier {code}; fills *did. */
int portal_attach_result(struct request *req, int64_t *did);

#endif
