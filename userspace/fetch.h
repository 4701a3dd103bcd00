/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The download framework: a URL is fetched into a sink (sink.h) on the
 * event loop (uring.h) by the transport its scheme selects.
 *
 * How a transport plugs in (HTTP, HTTPS, ...):
 *
 *  1. Define `const struct rb_transport rb_transport_NAME` with its scheme,
 *     default port and start()/cancel() functions, and add one line
 *     `RB_TRANSPORT(rb_transport_NAME)` to transports.h. Nothing else in
 *     fetch.c changes.
 *  2. start(f) begins the transfer of f->url into f->sink on f->loop and
 *     returns 0, or returns -errno after rb_fetch_fail() if it cannot start.
 *     It keeps its state in f->priv (its own allocation).
 *  3. The transport calls rb_sink_open(f->sink, total) once it knows the size
 *     (or RB_SINK_SIZE_UNKNOWN), rb_sink_write() in order, updates f->res
 *     (options negotiated, counters) as it goes, and finishes EXACTLY once
 *     with rb_fetch_finish(f, 0) or rb_fetch_fail(f, -errno, "reason").
 *     It must not touch f after that call (f->done may free it), and it
 *     must have released (cancelled and reaped) all its loop operations
 *     before finishing.
 *  4. cancel(f, err) is called when the deadline passes or the caller aborts:
 *     the transport tells its peer if it should (TFTP ERROR, TLS close),
 *     cleans up and finishes with rb_fetch_fail(f, err, ...).
 *  The framework commits the sink on success (its commit may still fail,
 *  e.g. fdatasync) or aborts it on failure, so a failed download never
 *  leaves a partial file under the final name.
 *
 * A caller either runs one transfer to completion (rb_fetch_run) or starts
 * several with rb_fetch_start() and a done() callback and runs the loop.
 *
 * The result record is what `ringboot fetch --json` prints; the field names
 * are documented in docs/cli.md and kept stable.
 */
#ifndef RINGBOOT_FETCH_H
#define RINGBOOT_FETCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "sink.h"
#include "uring.h"
#include "url.h"

struct rb_http_pool;

enum rb_fastpath {
	RB_FASTPATH_AUTO = 0,	/* kernel TFTP fast path when available */
	RB_FASTPATH_ON,		/* kernel fast path or fail */
	RB_FASTPATH_OFF,	/* user space only */
};

/* Request options. Zero means "the default" everywhere. */
struct rb_resolver;

struct rb_fetch_opts {
	int family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	double deadline;	/* seconds bounding the whole transfer; 0: none */
	/* TFTP (RFC 2347, 2348, 2349, 7440) */
	unsigned int blksize;	/* 8..65464; 0: fits the path MTU (1468 v4, 1448 v6) */
	unsigned int windowsize;/* 1..65535; 0: 16 */
	unsigned int timeout;	/* seconds, 1..255, asked of the server and the
				 * initial retransmission timeout; 0: 1 */
	unsigned int retries;	/* retransmissions before giving up; 0: 5 */
	bool no_options;	/* plain RFC 1350 RRQ */
	enum rb_fastpath fastpath;
	/* HTTP/HTTPS options go below, in the HTTP issue's own section. */
	const char *ca_file;	/* trust anchors for https:// */
	/* HTTP/HTTPS (http.h); zero means the default */
	struct rb_http_pool *http_pool;	/* keep-alive connections and TLS session shared
					 * by a run's fetches; NULL: one connection each */
	double connect_timeout;	/* seconds; 0: 10 */
	double first_byte_timeout;	/* request sent .. whole response head; 0: 30 */
	double idle_timeout;	/* window with too little progress (stall); 0: 10 */
	double retry_after_max;	/* longest Retry-After honoured, seconds; 0: 30 */
	unsigned int http_retries;	/* resumes of a broken/stalled body; 0: 5 */
	const char *tls_name;	/* the name the certificate must carry; NULL: the URL host */
	/*
	 * TLSSRVRID 0, which only the handset's owner can set (boot.c): the
	 * certificate's name is not checked unless tls_name is given; the chain
	 * always is.
	 */
	bool tls_no_name_check;
	int tls_prefer;		/* enum rb_tls_prefer: 0 by the hardware, 1 ChaCha20, 2 AES-GCM first */
	const char *model;	/* User-Agent: phone model; NULL: "unknown" */
	const char *mac;	/* User-Agent: MAC; NULL: the interface's own */
	/* Names through the lease's DNS servers (resolve.h); NULL: the system resolver */
	struct rb_resolver *resolver;
};

/* One negotiated option or transport detail, printed under "options". */
#define RB_FETCH_MAX_OPTS 16
struct rb_fetch_kv {
	const char *key;	/* static string */
	bool is_str;
	uint64_t num;
	char str[64];
};

/* Everything a transfer reports (docs/cli.md, "fetch --json"). */
struct rb_fetch_result {
	char url[RB_URL_HOST_MAX + RB_URL_PATH_MAX + 32];
	int err;		/* 0 or -errno */
	char reason[256];	/* one line, empty on success */
	const char *transport;	/* "tftp", "http", "https" */
	const char *path;	/* "user" or "kernel" */
	char server[80];	/* address:port actually used ("[v6]:port") */
	uint64_t bytes;		/* bytes delivered to the sink */
	uint64_t total;		/* announced size (tsize, Content-Length) or UINT64_MAX */
	double seconds;		/* request sent .. last byte committed */
	unsigned int nopts;
	struct rb_fetch_kv opts[RB_FETCH_MAX_OPTS];
	uint64_t retransmits;	/* packets we sent again (RRQ, ACK) */
	uint64_t timeouts;	/* retransmission timer expiries */
	uint64_t duplicates;	/* received data we already had */
	int tftp_error_code;	/* server's TFTP ERROR code, or -1 */
	char tftp_error_msg[128];
};

struct rb_fetch;

struct rb_transport {
	const char *scheme;
	uint16_t default_port;
	int (*start)(struct rb_fetch *f);
	void (*cancel)(struct rb_fetch *f, int err);
};

struct rb_fetch {
	/* Set by the caller before rb_fetch_start(). */
	struct rb_loop *loop;
	const char *url_str;
	const struct rb_fetch_opts *opts;
	struct rb_sink *sink;
	void (*done)(struct rb_fetch *f);	/* after commit/abort; may free f */
	void *user;
	/* Framework and transport state. */
	struct rb_url url;
	const struct rb_transport *tp;
	void *priv;			/* the transport's */
	struct rb_fetch_result res;
	struct rb_timer deadline;
	uint64_t start_ns;
	bool started, finished;
};

/* Look up the transport for a scheme ("tftp"); NULL when none. */
const struct rb_transport *rb_fetch_transport(const char *scheme);

/* Parse f->url_str, pick the transport, arm the deadline, start. 0 or -errno
 * (then f->res says why and done() is NOT called). */
int rb_fetch_start(struct rb_fetch *f);
/* Abort a running transfer (the transport finishes with err). */
void rb_fetch_cancel(struct rb_fetch *f, int err);

/* Transports: end the transfer (see the contract above). */
void rb_fetch_finish(struct rb_fetch *f, int err);
__attribute__((format(printf, 3, 4)))
void rb_fetch_fail(struct rb_fetch *f, int err, const char *fmt, ...);

/* Record a negotiated option / detail in f->res (replacing one of the same key). */
void rb_fetch_set_num(struct rb_fetch_result *r, const char *key, uint64_t v);
void rb_fetch_set_str(struct rb_fetch_result *r, const char *key, const char *v);
const struct rb_fetch_kv *rb_fetch_get(const struct rb_fetch_result *r, const char *key);

/* Synchronous: fetch url into sink on loop; fills *res. 0 or -errno. */
int rb_fetch_run(struct rb_loop *loop, const char *url, struct rb_sink *sink,
		 const struct rb_fetch_opts *opts, struct rb_fetch_result *res);

/* One JSON object per result (the `fetch --json` schema). */
void rb_fetch_result_json(struct rb_json *j, const struct rb_fetch_result *r);

#endif
