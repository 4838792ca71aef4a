/*
 * The route table and the pages that belong to no feature: the home page,
 * /healthz and the error pages.  Each feature adds its routes here.
 */
#include "app.h"

#include <string.h>

#include "base/xmalloc.h"
#include "base/i18n.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "holiday/holiday.h"
#include "kpi/kpi.h"
#include "http/html.h"
#include "http/http.h"
#include "http/static.h"
#include "dossier/dossier.h"
#include "dossier/slips.h"
#include "notify/notify.h"
#include "org/org.h"
#include "payment/payment.h"
#include "plan/plan.h"
#include "rating/rating.h"
#include "portal/portal.h"
#include "version.h"

static int healthz(struct request *req, struct response *res)
{
	struct db_stmt *st = db_prepare(req->db, "SELECT 1");
	int64_t one = 0;
	int ret = db_one_int(st, &one);

	if (ret || one != 1) {
		res->status = 503;
		res_json(res, 503, json_pack("{s:s,s:s,s:s}", "status", "unavailable",
					     "db", db_kind_name(req->db),
					     "version", CCHC_VERSION));
		return 0;
	}
	res_json(res, 200, json_pack("{s:s,s:s,s:s}", "status", "ok",
				     "db", db_kind_name(req->db),
				     "version", CCHC_VERSION));
	return 0;
}

/* The home page's entry points, one per part of the portal. */
static const struct home_card {
	const char *href, *title, *text;
} home_cards[] = {
	{ "/co-quan", N_("Agencies"),
	  N_("The province's departments, districts and communes, with their identifiers.") },
	{ "/thu-tuc", N_("Find a procedure"),
	  N_("Documents, fees, processing time and where to file.") },
	{ "/tra-cuu", N_("Track a dossier"),
	  N_("With the dossier code and the last four digits of your phone.") },
	{ "/thong-ke", N_("Statistics"),
	  N_("Dossiers received and finished, on time and late, and satisfaction, for every agency.") },
	{ "/lich", N_("Calendar"),
	  N_("Days off, worked Saturdays and office hours of each year, with the notices that set them.") },
	{ "/cong-dan", N_("File online"),
	  N_("Sign in with your mobile number to file dossiers online and see all your dossiers.") },
	{ "/dang-nhap", N_("Officers"),
	  N_("Sign in to receive and process dossiers, report on the plan, or administer.") },
	{ 0, 0, 0 }
};

static int home(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Home"));
	html(out, "<h1>");
	html_txt(out, _("Administrative procedures and reform"));
	html(out, "</h1>\n<p class=\"lead\">");
	html_txt(out, _("File and follow your dossiers, find the procedure you need, and see how every agency is doing."));
	html(out, "</p>\n<ul class=\"cards\">\n");
	for (const struct home_card *c = home_cards; c->href; c++) {
		html(out, "<li><a href=\"");
		html_attr(out, c->href);
		html(out, "\"><strong>");
		html_txt(out, _(c->title));
		html(out, "</strong><span>");
		html_txt(out, _(c->text));
		html(out, "</span></a></li>\n");
	}
	html(out, "</ul>\n");
	page_end(req, res);
	return 0;
}

static void error_page(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Error"));
	html(out, "<h1>");
	html_txt(out, _("Something is not right"));
	html(out, "</h1>\n<p class=\"error\" role=\"alert\">");
	html_txt(out, req->err.message);
	html(out, "</p>\n");
	if (res->status == 401) {
		/* Nobody signed in: the way in, back to this page after. */
		bool citizen = !strncmp(req->url, "/cong-dan/", 10);

		html(out, "<p><a class=\"button\" href=\"");
		html(out, citizen ? "/cong-dan?next=" : "/dang-nhap?next=");
		html_url_arg(out, req->url);
		html(out, "\">");
		html_txt(out, citizen ? _("Sign in with your mobile number") : _("Sign in"));
		html(out, "</a></p>\n");
	}
	html(out, "<p><a href=\"/\">");
	html_txt(out, _("Back to the home page"));
	html(out, "</a></p>\n");
	page_end(req, res);
}

static void not_found_page(struct request *req, struct response *res)
{
	struct strbuf *out = &res->body;

	page_begin(req, res, _("Page not found"));
	html(out, "<h1>");
	html_txt(out, _("Page not found"));
	html(out, "</h1>\n<p>");
	html_txt(out, req->err.message);
	html(out, "</p>\n<p><a href=\"/\">");
	html_txt(out, _("Back to the home page"));
	html(out, "</a></p>\n");
	page_end(req, res);
}

static const struct route core_routes[] = {
	{ "GET", "/", home, ROUTE_HTML, ROLE_PUBLIC, "home page" },
	{ "GET", "/healthz", healthz, ROUTE_JSON, ROLE_PUBLIC, "liveness and database check" },
	{ "GET", "/static/{name}", http_static, ROUTE_HTML, ROLE_PUBLIC, "embedded static file" },
};


/* Every feature's routes, gathered once into one table. */
static const struct {
	const struct route *routes;
	const unsigned *n;
} tables[] = {
	{ org_api_routes, &org_api_nroutes },
	{ org_page_routes, &org_page_nroutes },
	{ catalog_api_routes, &catalog_api_nroutes },
	{ catalog_page_routes, &catalog_page_nroutes },
	{ holiday_api_routes, &holiday_api_nroutes },
	{ holiday_page_routes, &holiday_page_nroutes },
	/* Before dossier's: /ho-so/{code}/ket-qua is not one of its {action}s. */
	{ portal_api_routes, &portal_api_nroutes },
	{ portal_page_routes, &portal_page_nroutes },
	{ dossier_api_routes, &dossier_api_nroutes },
	{ dossier_page_routes, &dossier_page_nroutes },
	{ dossier_message_routes, &dossier_message_nroutes },
	{ notify_api_routes, &notify_api_nroutes },
	{ slips_api_routes, &slips_api_nroutes },
	{ payment_api_routes, &payment_api_nroutes },
	{ payment_page_routes, &payment_page_nroutes },
	{ payment_testpay_routes, &payment_testpay_nroutes },
	{ rating_api_routes, &rating_api_nroutes },
	{ rating_page_routes, &rating_page_nroutes },
	{ plan_api_routes, &plan_api_nroutes },
	{ plan_page_routes, &plan_page_nroutes },
	{ kpi_api_routes, &kpi_api_nroutes },
	{ kpi_page_routes, &kpi_page_nroutes },
};

static struct route *routes;
static size_t nroutes;

static const struct nav_item nav[] = {
	{ "/thu-tuc", N_("Procedures"), 0 },
	{ "/tra-cuu", N_("Track a dossier"), 0 },
	{ "/cong-dan", N_("My dossiers"), ROLE_CITIZEN },
	{ "/mot-cua", N_("Receive a dossier"), ROLE_CLERK | ROLE_POSTAL },
	{ "/ho-so", N_("Dossiers"), ROLES_STAFF },
	{ "/ke-hoach", N_("Reform plans"), ROLES_STAFF },
	{ "/ke-hoach/cua-toi", N_("My agency's tasks"), ROLE_REPORTER | ROLE_LEADER },
	{ "/chi-so", N_("Indicators"), ROLES_STAFF },
	{ "/thong-ke", N_("Statistics"), 0 },
	{ "/co-quan", N_("Agencies"), 0 },
	{ "/lich", N_("Calendar"), 0 },
	{ "/quan-tri/nguoi-dung", N_("Users"), ROLE_ADMIN },
	{ "/quan-tri/nhat-ky", N_("Audit log"), ROLE_ADMIN | ROLE_MONITOR },
	{ 0, 0, 0 }
};

const struct route *app_routes(size_t *n)
{
	if (!routes) {
		size_t total = sizeof(core_routes) / sizeof(core_routes[0]);

		for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
			total += *tables[i].n;
		routes = xcalloc(total, sizeof(*routes));
		memcpy(routes, core_routes, sizeof(core_routes));
		nroutes = sizeof(core_routes) / sizeof(core_routes[0]);
		for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
			memcpy(routes + nroutes, tables[i].routes,
			       *tables[i].n * sizeof(*routes));
			nroutes += *tables[i].n;
		}
	}
	*n = nroutes;
	return routes;
}

void app_init(struct http_hooks *hooks)
{
	memset(hooks, 0, sizeof(*hooks));
	hooks->error_page = error_page;
	hooks->not_found_page = not_found_page;
	/* The portal's hooks know officers (through org) and citizens. */
	hooks->authenticate = portal_authenticate;
	hooks->authorize = portal_authorize;
	hooks->release = portal_release;
	html_set_site(N_("Administrative Reform — Quảng Nam"), nav, portal_roles_of,
		      portal_page_account);
}
