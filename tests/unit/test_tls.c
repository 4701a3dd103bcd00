// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the TLS client over memory buffers (tls.c) against an
 * in-process wolfSSL server: the bytes only ever move through the buffers the
 * event loop would fill and drain. Certificates are made at run time with the
 * openssl CLI. Proves: a handshake and data both ways, refusal of a
 * certificate from another CA and of a certificate for another name (nothing
 * decrypted), and session resumption on a second connection. The identity
 * check does not depend on the verify callback: with the callback taken away
 * (as a wolfSSL built without WOLFSSL_ALWAYS_VERIFY_CB never calls it for a
 * valid chain) a certificate for another name is still refused, and a
 * session without a peer certificate is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "tls.h"

static char dir[] = "/tmp/rb-tls-XXXXXX";

/* The server's side of the wire: what the client sent, not yet read. */
struct pipe {
	unsigned char buf[1 << 20];
	size_t len, off;
};

struct server {
	WOLFSSL_CTX *ctx;
	WOLFSSL *ssl;
	struct pipe in;		/* client -> server */
	struct pipe out;	/* server -> client */
};

static int srv_recv(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct pipe *p = &((struct server *)arg)->in;
	size_t n = p->len - p->off;

	if (!n)
		return WOLFSSL_CBIO_ERR_WANT_READ;
	if (n > (size_t)sz)
		n = (size_t)sz;
	memcpy(buf, p->buf + p->off, n);
	p->off += n;
	return (int)n;
}

static int srv_send(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct pipe *p = &((struct server *)arg)->out;

	if (p->len + (size_t)sz > sizeof(p->buf))
		return WOLFSSL_CBIO_ERR_WANT_WRITE;
	memcpy(p->buf + p->len, buf, (size_t)sz);
	p->len += (size_t)sz;
	return sz;
}

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int setup(void **state)
{
	memcpy(dir + sizeof(dir) - 7, "XXXXXX", 6);
	if (!mkdtemp(dir))
		return -1;
	/* a CA, a server certificate for tls.test and 127.0.0.1, and a rogue CA */
	return sh("cd %s && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
		  "-subj /CN=ca -keyout ca.key -out ca.pem 2>/dev/null && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
		  "-subj /CN=rogue -keyout rogue.key -out rogue.pem 2>/dev/null && "
		  "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		  "-subj /CN=tls.test "
		  "-keyout srv.key -out srv.csr 2>/dev/null && "
		  "printf 'subjectAltName=DNS:tls.test,IP:127.0.0.1\\n' > srv.ext && "
		  "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
		  "-extfile srv.ext -out srv.pem 2>/dev/null", dir) ? -1 : 0;
}

static int teardown(void **state)
{
	return sh("rm -rf '%s'", dir) ? -1 : 0;
}

/* A fresh server connection; the context (and its ticket key) is kept when given. */
static struct server *server_new(WOLFSSL_CTX *keep)
{
	struct server *s = calloc(1, sizeof(*s));
	char path[512];

	assert_non_null(s);
	s->ctx = keep;
	if (!s->ctx) {
		s->ctx = wolfSSL_CTX_new(wolfSSLv23_server_method());
		assert_non_null(s->ctx);
		snprintf(path, sizeof(path), "%s/srv.pem", dir);
		assert_int_equal(wolfSSL_CTX_use_certificate_file(s->ctx, path,
								  WOLFSSL_FILETYPE_PEM),
				 WOLFSSL_SUCCESS);
		snprintf(path, sizeof(path), "%s/srv.key", dir);
		assert_int_equal(wolfSSL_CTX_use_PrivateKey_file(s->ctx, path,
								 WOLFSSL_FILETYPE_PEM),
				 WOLFSSL_SUCCESS);
	}
	s->ssl = wolfSSL_new(s->ctx);
	assert_non_null(s->ssl);
	wolfSSL_SSLSetIORecv(s->ssl, srv_recv);
	wolfSSL_SSLSetIOSend(s->ssl, srv_send);
	wolfSSL_SetIOReadCtx(s->ssl, s);
	wolfSSL_SetIOWriteCtx(s->ssl, s);
	return s;
}

/* Free the connection; returns the context when keep, else frees it too. */
static WOLFSSL_CTX *server_free(struct server *s, bool keep)
{
	WOLFSSL_CTX *ctx = s->ctx;

	wolfSSL_free(s->ssl);
	free(s);
	if (keep)
		return ctx;
	wolfSSL_CTX_free(ctx);
	return NULL;
}

/* Move the client's pending ciphertext to the server, and the server's to the client. */
static void shuttle(struct rb_tls *t, struct server *s)
{
	size_t n = rb_tls_out_pending(t);
	unsigned char *p;
	size_t room;

	memcpy(s->in.buf + s->in.len, t->out, n);
	s->in.len += n;
	rb_tls_out_consume(t, n);
	n = s->out.len - s->out.off;
	rb_tls_in_space(t, &p, &room);
	if (n > room)
		n = room;
	memcpy(p, s->out.buf + s->out.off, n);
	s->out.off += n;
	if (n)	/* a 0 would mean "the peer closed" */
		rb_tls_in_commit(t, n);
}

/* Run both handshakes to completion (or the client's failure). */
static int handshake(struct rb_tls *t, struct server *s)
{
	int ret = -EAGAIN;

	for (int i = 0; i < 50 && ret == -EAGAIN; i++) {
		ret = rb_tls_handshake(t);
		shuttle(t, s);
		wolfSSL_accept(s->ssl);
		shuttle(t, s);
		if (!ret && !wolfSSL_is_init_finished(s->ssl))
			ret = -EAGAIN;
	}
	return ret;
}

static struct rb_tls_ctx *client_ctx(const char *ca)
{
	static struct rb_tls_ctx c;
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, ca);
	assert_int_equal(rb_tls_ctx_init(&c, path, RB_TLS_PREFER_CHACHA, err, sizeof(err)), 0);
	return &c;
}

static void handshake_data_resume(void **state)
{
	struct rb_tls_ctx *c = client_ctx("ca.pem");
	struct server *s = server_new(NULL);
	static char big[100000], got[100000];
	WOLFSSL_CTX *sctx;
	struct rb_tls t;
	size_t have = 0;
	char buf[16];

	assert_int_equal(rb_tls_init(&t, c, "tls.test", "tls.test", "tls.test:443"), 0);
	assert_int_equal(handshake(&t, s), 0);
	assert_string_equal(rb_tls_version(&t), "TLSv1.3");
	assert_false(rb_tls_resumed(&t));
	/* client -> server */
	assert_int_equal(rb_tls_write(&t, "hello", 5), 0);
	shuttle(&t, s);
	assert_int_equal(wolfSSL_read(s->ssl, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	/* server -> client: more than the client's ciphertext buffer holds at once */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(wolfSSL_write(s->ssl, big, sizeof(big)), (int)sizeof(big));
	while (have < sizeof(big)) {
		ssize_t n = rb_tls_read(&t, got + have, sizeof(got) - have);

		if (n == -EAGAIN) {
			size_t before = s->out.off;

			shuttle(&t, s);
			assert_true(s->out.off > before);	/* progress, or a hang */
			continue;
		}
		assert_true(n > 0);
		have += (size_t)n;
	}
	assert_memory_equal(got, big, sizeof(big));
	/* the TLS 1.3 ticket arrived with the data: keep it for the next connection */
	rb_tls_save_session(&t, c, "tls.test:443");
	rb_tls_free(&t);
	sctx = server_free(s, true);

	/* another identity never gets that session offered */
	s = server_new(sctx);
	assert_int_equal(rb_tls_init(&t, c, "tls.test", "tls.test", "other:443"), 0);
	assert_int_equal(handshake(&t, s), 0);
	assert_false(rb_tls_resumed(&t));
	rb_tls_free(&t);
	sctx = server_free(s, true);

	/* the same identity resumes */
	s = server_new(sctx);
	assert_int_equal(rb_tls_init(&t, c, "tls.test", "tls.test", "tls.test:443"), 0);
	assert_int_equal(handshake(&t, s), 0);
	assert_true(rb_tls_resumed(&t));
	rb_tls_free(&t);
	server_free(s, false);
	rb_tls_ctx_free(c);
}

static void refused(const char *ca, const char *identity, const char *why)
{
	struct rb_tls_ctx *c = client_ctx(ca);
	struct server *s = server_new(NULL);
	struct rb_tls t;
	char msg[256], buf[16];

	assert_int_equal(rb_tls_init(&t, c, "tls.test", identity, "x:443"), 0);
	assert_int_equal(handshake(&t, s), -EKEYREJECTED);
	rb_tls_strerror(&t, -EKEYREJECTED, msg, sizeof(msg));
	if (!strstr(msg, why))
		fail_msg("'%s' does not say '%s'", msg, why);
	/* once refused, never resumed or read from */
	assert_int_equal(rb_tls_handshake(&t), -EPROTO);
	assert_int_equal(rb_tls_read(&t, buf, sizeof(buf)), -EPROTO);
	assert_int_equal(rb_tls_write(&t, "x", 1), -EPROTO);
	rb_tls_free(&t);
	server_free(s, false);
	rb_tls_ctx_free(c);
}

/*
 * The handshake as a wolfSSL without WOLFSSL_ALWAYS_VERIFY_CB runs it: the
 * chain is verified by wolfSSL itself, and no callback sees the valid leaf.
 */
static void refused_without_callback(const char *ca, const char *identity, const char *why)
{
	struct rb_tls_ctx *c = client_ctx(ca);
	struct server *s = server_new(NULL);
	struct rb_tls t;
	char msg[256];

	assert_int_equal(rb_tls_init(&t, c, "tls.test", identity, "x:443"), 0);
	wolfSSL_set_verify(t.ssl, WOLFSSL_VERIFY_PEER, NULL);
	assert_int_equal(handshake(&t, s), -EKEYREJECTED);
	rb_tls_strerror(&t, -EKEYREJECTED, msg, sizeof(msg));
	if (!strstr(msg, why))
		fail_msg("'%s' does not say '%s'", msg, why);
	assert_int_equal(rb_tls_write(&t, "x", 1), -EPROTO);
	rb_tls_free(&t);
	server_free(s, false);
	rb_tls_ctx_free(c);
}

static void identity_without_callback(void **state)
{
	struct rb_tls_ctx *c = client_ctx("ca.pem");
	struct server *s = server_new(NULL);
	struct rb_tls t;

	/* the right name still passes */
	assert_int_equal(rb_tls_init(&t, c, "tls.test", "tls.test", "x:443"), 0);
	wolfSSL_set_verify(t.ssl, WOLFSSL_VERIFY_PEER, NULL);
	assert_int_equal(handshake(&t, s), 0);
	rb_tls_free(&t);
	server_free(s, false);
	rb_tls_ctx_free(c);
	refused_without_callback("ca.pem", "other.test", "does not name 'other.test'");
	refused_without_callback("ca.pem", "127.0.0.2", "does not name '127.0.0.2'");
	/* wolfSSL's own chain check still refuses another CA */
	refused_without_callback("rogue.pem", "tls.test", "not signed by a trusted CA");
}

/* No peer certificate (no handshake at all here): refused, and said so. */
static void no_leaf_refused(void **state)
{
	struct rb_tls_ctx *c = client_ctx("ca.pem");
	struct rb_tls t;
	char msg[256];

	assert_int_equal(rb_tls_init(&t, c, "tls.test", "tls.test", "x:443"), 0);
	assert_int_equal(rb_tls_verify_peer(&t), -EKEYREJECTED);
	rb_tls_strerror(&t, -EKEYREJECTED, msg, sizeof(msg));
	assert_non_null(strstr(msg, "no certificate"));
	rb_tls_free(&t);
	rb_tls_ctx_free(c);
}

static void wrong_ca_refused(void **state)
{
	refused("rogue.pem", "tls.test", "not signed by a trusted CA");
}

static void wrong_name_refused(void **state)
{
	refused("ca.pem", "other.test", "does not name 'other.test'");
}

static void ip_identity(void **state)
{
	struct rb_tls_ctx *c = client_ctx("ca.pem");
	struct server *s = server_new(NULL);
	struct rb_tls t;

	assert_int_equal(rb_tls_init(&t, c, NULL, "127.0.0.1", "127.0.0.1:443"), 0);
	assert_int_equal(handshake(&t, s), 0);
	rb_tls_free(&t);
	server_free(s, false);
	rb_tls_ctx_free(c);
	refused("ca.pem", "127.0.0.2", "does not name '127.0.0.2'");
}

/*
 * No name to check (TLSSRVRID 0 of the handset's owner): any name of a
 * certificate whose chain verifies; never another CA's, never no leaf.
 */
static void name_check_off(void **state)
{
	struct rb_tls_ctx *c = client_ctx("ca.pem");
	struct server *s = server_new(NULL);
	struct rb_tls t;

	assert_int_equal(rb_tls_init(&t, c, "other.test", NULL, "*other.test:443"), 0);
	assert_int_equal(handshake(&t, s), 0);
	rb_tls_free(&t);
	server_free(s, false);
	s = server_new(NULL);
	assert_int_equal(rb_tls_init(&t, c, "other.test", NULL, "*other.test:443"), 0);
	wolfSSL_set_verify(t.ssl, WOLFSSL_VERIFY_PEER, NULL);
	assert_int_equal(handshake(&t, s), 0);
	rb_tls_free(&t);
	server_free(s, false);
	assert_int_equal(rb_tls_init(&t, c, NULL, NULL, "x:443"), 0);
	assert_int_equal(rb_tls_verify_peer(&t), -EKEYREJECTED);
	rb_tls_free(&t);
	rb_tls_ctx_free(c);
	refused("rogue.pem", NULL, "not signed by a trusted CA");
	refused_without_callback("rogue.pem", NULL, "not signed by a trusted CA");
}

static void no_ca_no_tls(void **state)
{
	struct rb_tls_ctx c;
	char err[256];

	assert_int_equal(rb_tls_ctx_init(&c, NULL, RB_TLS_PREFER_CHACHA, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--ca FILE"));
	assert_int_equal(rb_tls_ctx_init(&c, "/nonexistent/ca.pem", RB_TLS_PREFER_CHACHA, err,
					 sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_data_resume),
		cmocka_unit_test(wrong_ca_refused),
		cmocka_unit_test(wrong_name_refused),
		cmocka_unit_test(ip_identity),
		cmocka_unit_test(identity_without_callback),
		cmocka_unit_test(no_leaf_refused),
		cmocka_unit_test(name_check_off),
		cmocka_unit_test(no_ca_no_tls),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
