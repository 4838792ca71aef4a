/*
 * The server: libmicrohttpd with its internal thread pool on epoll.
 *
 * Each thread owns one database connection, opened on its first request.
 * A request's body is gathered up to the limit, then the router (router.c)
 * runs the matching route and the response is queued: a quick reading
 * request on the network thread that read it, a change or a slow read on
 * the pool (below).  On SIGINT/SIGTERM the listening socket is closed,
 * answers in flight get "Connection: close", and the daemon stops when
 * they are done or the grace period ends.
 */
#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/embed.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/xmalloc.h"
#include "db/db.h"
#include "http/http.h"
#include "http/internal.h"

static const struct http_config *config;
static atomic_bool stopping;

/* Every connection the threads opened, to close them at the end. */
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db **dbs;
static size_t ndbs;
static _Thread_local struct db *thread_db;

static struct db *worker_db(void)
{
	struct err e = ERR_INIT;

	if (thread_db)
		return thread_db;
	if (db_open(config->db_url, &thread_db, &e)) {
		log_msg(LOG_ERROR, "%s", e.message);
		return NULL;
	}
	pthread_mutex_lock(&dbs_lock);
	dbs = xrealloc(dbs, (ndbs + 1) * sizeof(*dbs));
	dbs[ndbs++] = thread_db;
	pthread_mutex_unlock(&dbs_lock);
	return thread_db;
}

static void close_worker_dbs(void)
{
	pthread_mutex_lock(&dbs_lock);
	for (size_t i = 0; i < ndbs; i++)
		db_close(dbs[i]);
	free(dbs);
	dbs = NULL;
	ndbs = 0;
	pthread_mutex_unlock(&dbs_lock);
}

/*
 * A request and its answer.  The request comes first: MHD's con_cls points
 * at it, and the router and the handlers only see the request.
 */
struct call {
	struct request req;
	struct response res;
	bool pooled;		/* to run on the pool */
	bool answered;		/* res is ready, made on the pool */
	struct call *next;	/* in the pool's queue */
};

static void response_release(struct response *res);

static void request_free(struct request *req)
{
	struct call *c = (struct call *)req;

	if (config->hooks.release)
		config->hooks.release(req);
	response_release(&c->res);
	strbuf_release(&req->body);
	strbuf_release(&req->form);
	multipart_release(req);
	if (req->json)
		json_decref(req->json);
	free(req);
}

static void response_release(struct response *res)
{
	strbuf_release(&res->body);
	for (int i = 0; i < res->nheaders; i++) {
		free(res->headers[i][0]);
		free(res->headers[i][1]);
	}
	res->nheaders = 0;
}

static enum MHD_Result send_response(struct request *req, struct response *res)
{
	struct MHD_Connection *conn = req->conn;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (res->file) {
		r = MHD_create_response_from_buffer(res->file->len,
						    (void *)res->file->data,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len;
		char *buf = strbuf_detach(&res->body, &len);

		r = MHD_create_response_from_buffer_with_free_callback(len, buf, free);
	}
	if (!r) {
		response_release(res);
		return MHD_NO;
	}
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					res->content_type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	for (int i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i][0], res->headers[i][1]);
	if (atomic_load(&stopping))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	req->status = res->status;
	response_release(res);
	return ret;
}

/*
 * The pool: threads of their own that run the requests that change data
 * (every method but GET and HEAD) and the slow reading routes (ROUTE_SLOW:
 * PDFs, spreadsheets), while the network thread that read the request goes
 * on serving its other connections; the connection is suspended until its
 * answer is ready.  A change waits for its commit to reach the disk, and on
 * SQLite the changes that wait together share one commit (db_write): were
 * they run on the network threads, a waiting change would hold up every
 * other connection of its thread, and no more changes could share a commit
 * than there are network threads.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct call *head, **tail;
	bool stop;
	pthread_t *threads;
	unsigned n;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, &pool.head,
	   false, NULL, 0 };

static void *pool_main(void *unused)
{
	(void)unused;
	for (;;) {
		struct call *c;

		pthread_mutex_lock(&pool.lock);
		while (!pool.head && !pool.stop)
			pthread_cond_wait(&pool.more, &pool.lock);
		c = pool.head;
		if (c) {
			pool.head = c->next;
			if (!pool.head)
				pool.tail = &pool.head;
		}
		pthread_mutex_unlock(&pool.lock);
		if (!c)
			return NULL;
		c->req.db = worker_db();
		router_dispatch(config, &c->req, &c->res);
		c->answered = true;
		/* The network thread sends it (on_request) and may free c at once. */
		MHD_resume_connection(c->req.conn);
	}
}

/*
 * Suspends c's connection and queues c; false if the pool has stopped (at
 * the end of a shutdown) or has no thread, and c must run here.
 */
static bool pool_push(struct call *c)
{
	pthread_mutex_lock(&pool.lock);
	if (pool.stop || !pool.n) {
		pthread_mutex_unlock(&pool.lock);
		return false;
	}
	MHD_suspend_connection(c->req.conn);
	c->next = NULL;
	*pool.tail = c;
	pool.tail = &c->next;
	pthread_cond_signal(&pool.more);
	pthread_mutex_unlock(&pool.lock);
	return true;
}

static void pool_start(unsigned n)
{
	pthread_mutex_lock(&pool.lock);
	pool.stop = false;
	pool.threads = xcalloc(n ? n : 1, sizeof(*pool.threads));
	for (pool.n = 0; pool.n < n; pool.n++)
		if (pthread_create(&pool.threads[pool.n], NULL, pool_main, NULL)) {
			log_warn("pool: %u threads of %u started", pool.n, n);
			break;
		}
	pthread_mutex_unlock(&pool.lock);
}

/* Runs what is queued, then ends the threads. */
static void pool_stop(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.stop = true;
	pthread_cond_broadcast(&pool.more);
	pthread_mutex_unlock(&pool.lock);
	for (unsigned i = 0; i < pool.n; i++)
		pthread_join(pool.threads[i], NULL);
	pthread_mutex_lock(&pool.lock);
	free(pool.threads);
	pool.threads = NULL;
	pool.n = 0;
	pthread_mutex_unlock(&pool.lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;
	struct call *c = (struct call *)req;

	if (!req) {
		const char *cl;
		const union MHD_ConnectionInfo *ci;
		int kind;

		c = xcalloc(1, sizeof(*c));
		req = &c->req;
		c->res.status = 200;
		strbuf_init(&c->res.body, 0);
		strbuf_init(&req->body, 0);
		strbuf_init(&req->form, 0);
		req->start_us = clock_mono_us();
		req->conn = conn;
		req->method = method;
		req->url = url;
		req->status = 0;
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
					  req->remote, sizeof(req->remote));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  req->remote, sizeof(req->remote));
		}
		*con_cls = req;
		kind = router_kind(config, method, url);
		req->body_limit = (kind & ROUTE_UPLOAD) && config->upload_limit > config->body_limit ?
			config->upload_limit : config->body_limit;
		c->pooled = (kind & ROUTE_SLOW) || (strcmp(method, MHD_HTTP_METHOD_GET) &&
						    strcmp(method, MHD_HTTP_METHOD_HEAD));
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > req->body_limit) {
			req->too_large = true;
			/*
			 * A body somewhat over the limit is read and dropped, so the
			 * client, still sending, sees the 413 rather than a reset; a
			 * huge one is answered at once and the connection closed.
			 */
			if (strtoull(cl, NULL, 10) / 32 > req->body_limit) {
				router_dispatch(config, req, &c->res);
				return send_response(req, &c->res);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (req->body.len + *upload_data_size > req->body_limit)
			req->too_large = true;
		else if (!req->too_large)
			strbuf_add(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->answered) {	/* back from the pool */
		c->answered = false;
		return send_response(req, &c->res);
	}
	if (req->status)	/* already answered (413 on Content-Length) */
		return MHD_YES;
	if (c->pooled && pool_push(c))
		return MHD_YES;
	req->db = worker_db();
	router_dispatch(config, req, &c->res);
	return send_response(req, &c->res);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	if (!req)
		return;
	if (config->access_log)
		log_access("%s %s %d %lldus", req->method, req->url,
			 req->status ? req->status : 0,
			 (long long)(clock_mono_us() - req->start_us));
	request_free(req);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	log_msg(LOG_WARN, "microhttpd: %s", line);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct err *e)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	char *end;
	long port;

	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return err_set(e, E_INVALID, "listen",
			       "listen address '%s' must be HOST:PORT, e.g. 127.0.0.1:8080", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return err_set(e, E_INVALID, "listen", "listen port in '%s' is not a port number",
			       listen);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(e, E_INVALID, "listen",
			       "listen host in '%s' must be an IPv4 address", listen);
	return 0;
}

static unsigned current_connections(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return info ? info->num_connections : 0;
}

int http_serve(const struct http_config *cfg, struct err *e)
{
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig, ret;
	MHD_socket lsock;
	int64_t deadline;

	ret = parse_listen(cfg->listen, &sa, e);
	if (ret)
		return ret;
	config = cfg;
	atomic_store(&stopping, false);

	/* The workers inherit this mask: only the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Started after the mask is set, so the pool's threads inherit it too. */
	pool_start(cfg->pool_threads);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			     MHD_USE_ERROR_LOG,
			     0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
			     MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024,
			     MHD_OPTION_END);
	if (!d) {
		pool_stop();
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		return err_set(e, E_INTERNAL, "listen", "cannot listen on '%s': %s",
			       cfg->listen, strerror(errno));
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "listening on http://%s:%u\n",
		inet_ntoa(sa.sin_addr), info ? info->port : ntohs(sa.sin_port));
	fflush(stderr);

	/* Waits for the signal; once a second writes the access log out. */
	do {
		struct timespec second = { 1, 0 };

		sig = sigtimedwait(&set, NULL, &second);
		if (sig < 0 && errno == EAGAIN)
			log_flush();
		else if (sig < 0 && errno != EINTR)
			sig = SIGTERM;
	} while (sig != SIGINT && sig != SIGTERM);

	log_info("%s received: finishing requests in flight",
		 sig == SIGINT ? "SIGINT" : "SIGTERM");
	atomic_store(&stopping, true);
	lsock = MHD_quiesce_daemon(d);
	if (lsock != MHD_INVALID_SOCKET) {
		/*
		 * Connections already in the listen queue may have sent their
		 * request: closing the socket would reset them.  Take them in and
		 * answer them like the others.  Non-blocking: the drain stops
		 * when the queue is empty.
		 */
		fcntl(lsock, F_SETFL, fcntl(lsock, F_GETFL) | O_NONBLOCK);
		for (;;) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			int fd = accept4(lsock, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (fd < 0)
				break;
			/* On failure MHD has closed the socket itself. */
			MHD_add_connection(d, fd, (struct sockaddr *)&ss, sl);
		}
		close(lsock);
	}
	deadline = clock_mono_us() + (int64_t)cfg->shutdown_grace * 1000000;
	while (current_connections(d) && clock_mono_us() < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	/*
	 * The pool finishes what it holds and resumes those connections: MHD
	 * must not be stopped with one suspended.
	 */
	pool_stop();
	MHD_stop_daemon(d);
	close_worker_dbs();
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	log_flush();
	log_info("stopped");
	return 0;
}

const char *req_query(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool req_tls(const struct request *req)
{
	return config && config->tls;
}
