// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TLS client over memory buffers with wolfSSL (see tls.h). The pattern is
 * curl's wolfSSL backend: custom I/O callbacks, want-read/want-write mapped
 * to "queue a receive / a send", and a remembered fatal error so a failed
 * handshake is never resumed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/openssl/x509v3.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/error-ssl.h>

#include "tls.h"

/*
 * The identity is checked after the handshake from the peer chain the session
 * keeps (rb_tls_verify_peer): a wolfSSL without SESSION_CERTS cannot show it,
 * so such a build fails here instead of trusting every certificate of the CA.
 */
#ifndef SESSION_CERTS
#error "wolfSSL must be built with SESSION_CERTS: the server identity is checked on the peer chain"
#endif

/*
 * TLS 1.3 suites first, then TLS 1.2 ECDHE AEAD suites; which AEAD leads is
 * the cipher preference (tls_prefer.c). nginx honours the client's order by
 * default.
 */
static const char ciphers_chacha[] =
	"TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
static const char ciphers_aes[] =
	"TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:"
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct rb_tls *t = arg;
	size_t avail = t->in_len - t->in_off;

	if (!avail)
		return t->in_eof ? WOLFSSL_CBIO_ERR_CONN_CLOSE : WOLFSSL_CBIO_ERR_WANT_READ;
	if (avail > (size_t)sz)
		avail = (size_t)sz;
	memcpy(buf, t->in + t->in_off, avail);
	t->in_off += avail;
	return (int)avail;
}

static int io_send(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct rb_tls *t = arg;

	if (t->out_cap - t->out_len < (size_t)sz) {
		size_t cap = t->out_cap * 2 + (size_t)sz;
		unsigned char *n = realloc(t->out, cap);

		if (!n)
			return WOLFSSL_CBIO_ERR_GENERAL;
		t->out = n;
		t->out_cap = cap;
	}
	memcpy(t->out + t->out_len, buf, (size_t)sz);
	t->out_len += (size_t)sz;
	return sz;
}

/*
 * An IP literal matches an iPAddress subjectAltName of the same bytes only
 * (RFC 9110 §4.3.5, RFC 5280 §4.2.1.6): wolfSSL_X509_check_ip_asc() also
 * accepts a DNS name spelled like the address.
 */
static bool leaf_has_ip(const struct rb_tls *t, WOLFSSL_X509 *leaf)
{
	WOLFSSL_STACK *names = wolfSSL_X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	bool found = false;

	for (int i = 0; names && !found && i < wolfSSL_sk_GENERAL_NAME_num(names); i++) {
		WOLFSSL_GENERAL_NAME *gn = wolfSSL_sk_GENERAL_NAME_value(names, i);

		if (!gn || gn->type != GEN_IPADD || !gn->d.iPAddress)
			continue;
		found = wolfSSL_ASN1_STRING_length(gn->d.iPAddress) == (int)t->ip_len &&
			!memcmp(wolfSSL_ASN1_STRING_get0_data(gn->d.iPAddress), t->ip, t->ip_len);
	}
	if (names)
		wolfSSL_sk_GENERAL_NAME_pop_free(names, wolfSSL_GENERAL_NAME_free);
	return found;
}

/* Does the leaf name the expected identity (RFC 6125: DNS-ID, or an iPAddress SAN)? */
static bool leaf_names(const struct rb_tls *t, WOLFSSL_X509 *leaf)
{
	if (t->any_name)
		return true;
	if (t->is_ip)
		return leaf_has_ip(t, leaf);
	return wolfSSL_X509_check_host(leaf, t->expect, strlen(t->expect), 0, NULL) ==
	       WOLFSSL_SUCCESS;
}

/*
 * Keep wolfSSL's verdict on the chain, and at the leaf refuse early (with an
 * alert) what does not name the identity. Only a wolfSSL built with
 * WOLFSSL_ALWAYS_VERIFY_CB calls this for a chain that verified, so the
 * identity check that counts is rb_tls_verify_peer(), after the handshake.
 */
static int verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct rb_tls *t = store->userCtx;
	WOLFSSL_X509 *leaf = store->current_cert;

	if (!preverify) {
		if (!t->verify_err)
			t->verify_err = store->error ? store->error : -1;
		return 0;
	}
	if (store->error_depth != 0 || !leaf)
		return 1;
	if (!leaf_names(t, leaf)) {
		t->verify_err = DOMAIN_NAME_MISMATCH;
		return 0;
	}
	return 1;
}

int rb_tls_verify_peer(struct rb_tls *t)
{
	WOLFSSL_X509_CHAIN *chain = t->ssl ? wolfSSL_get_peer_chain(t->ssl) : NULL;
	const unsigned char *der = NULL;
	WOLFSSL_X509 *leaf = NULL;
	int len = 0;
	bool ok;

	if (chain && wolfSSL_get_chain_count(chain) > 0) {
		der = wolfSSL_get_chain_cert(chain, 0);
		len = wolfSSL_get_chain_length(chain, 0);
	}
	/* decoded into a certificate of our own: freed here, whatever the version */
	if (der && len > 0)
		leaf = wolfSSL_X509_d2i(NULL, der, len);
	if (!leaf) {
		t->verify_err = RB_TLS_NO_LEAF;
		return -EKEYREJECTED;
	}
	ok = leaf_names(t, leaf);
	wolfSSL_X509_free(leaf);
	if (!ok) {
		t->verify_err = DOMAIN_NAME_MISMATCH;
		return -EKEYREJECTED;
	}
	return 0;
}

/* The suites in the order the preference asks for; remembers the choice. */
static const char *cipher_list(struct rb_tls_ctx *c, enum rb_tls_prefer asked)
{
	rb_tls_prefer_choose(asked, &c->choice);
	return c->choice.prefer == RB_TLS_PREFER_AES ? ciphers_aes : ciphers_chacha;
}

int rb_tls_ctx_init(struct rb_tls_ctx *c, const char *ca_file, enum rb_tls_prefer prefer,
		    char *err, size_t errlen)
{
	WOLFSSL_CTX *ctx;
	const char *list;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!ca_file) {
		snprintf(err, errlen, "https needs trust anchors: --ca FILE");
		return -EINVAL;
	}
	if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "wolfSSL_Init failed");
		return -EIO;
	}
	/* TLS 1.2 or 1.3, 1.3 offered first (SSLv23 means "highest available") */
	ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	list = cipher_list(c, prefer);
	if (wolfSSL_CTX_SetMinVersion(ctx, WOLFSSL_TLSV1_2) != WOLFSSL_SUCCESS ||
	    wolfSSL_CTX_set_cipher_list(ctx, list) != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "wolfSSL refused the protocol or cipher settings");
		wolfSSL_CTX_free(ctx);
		return -EINVAL;
	}
	ret = wolfSSL_CTX_load_verify_locations(ctx, ca_file, NULL);
	if (ret != WOLFSSL_SUCCESS) {
		snprintf(err, errlen, "cannot load CA file '%s': %s", ca_file,
			 wolfSSL_ERR_reason_error_string((unsigned long)ret));
		wolfSSL_CTX_free(ctx);
		return -EINVAL;
	}
	/* ALWAYS verify: Debian's build defaults to WOLFSSL_VERIFY_NONE */
	wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, verify_cb);
	c->ctx = ctx;
	return 0;
}

void rb_tls_ctx_free(struct rb_tls_ctx *c)
{
	if (c->session)
		wolfSSL_SESSION_free(c->session);
	if (c->ctx)
		wolfSSL_CTX_free(c->ctx);
	memset(c, 0, sizeof(*c));
}

int rb_tls_init(struct rb_tls *t, struct rb_tls_ctx *c, const char *sni, const char *identity,
		const char *peer)
{
	WOLFSSL *ssl;

	memset(t, 0, sizeof(*t));
	t->any_name = !identity;
	if (!identity)
		identity = "";
	if (strlen(identity) >= sizeof(t->expect))
		return -ENAMETOOLONG;
	memcpy(t->expect, identity, strlen(identity) + 1);
	if (inet_pton(AF_INET, identity, t->ip) == 1)
		t->ip_len = 4;
	else if (inet_pton(AF_INET6, identity, t->ip) == 1)
		t->ip_len = 16;
	t->is_ip = t->ip_len > 0;
	t->in = malloc(RB_TLS_IN_SIZE);
	t->out = malloc(RB_TLS_OUT_SIZE);
	t->out_cap = RB_TLS_OUT_SIZE;
	ssl = wolfSSL_new(c->ctx);
	if (!t->in || !t->out || !ssl) {
		if (ssl)
			wolfSSL_free(ssl);
		free(t->in);
		free(t->out);
		return -ENOMEM;
	}
	t->ssl = ssl;
	wolfSSL_SSLSetIORecv(ssl, io_recv);
	wolfSSL_SSLSetIOSend(ssl, io_send);
	wolfSSL_SetIOReadCtx(ssl, t);
	wolfSSL_SetIOWriteCtx(ssl, t);
	wolfSSL_SetCertCbCtx(ssl, t);
	/* RFC 6066 §3: SNI carries DNS names only, never IP literals */
	if (sni && wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, sni, (unsigned short)strlen(sni)) !=
		   WOLFSSL_SUCCESS) {
		rb_tls_free(t);
		return -EINVAL;
	}
	if (c->session && peer && !strcmp(peer, c->session_peer))
		wolfSSL_set_session(ssl, c->session);	/* a failure means a full handshake */
	return 0;
}

int rb_tls_close_notify(struct rb_tls *t)
{
	int ret;

	if (!t->ssl || !t->handshake_done || t->fatal)
		return -ENOTCONN;
	/* WOLFSSL_SHUTDOWN_NOT_DONE: ours is sent, the peer's not yet read
	 * (we do not wait for it: RFC 8446 §6.1 lets the closer go). */
	ret = wolfSSL_shutdown(t->ssl);
	return ret == WOLFSSL_SUCCESS || ret == WOLFSSL_SHUTDOWN_NOT_DONE ? 0 : -EIO;
}

void rb_tls_free(struct rb_tls *t)
{
	if (t->ssl)
		wolfSSL_free(t->ssl);
	free(t->in);
	free(t->out);
	memset(t, 0, sizeof(*t));
}

/* Map a wolfSSL return to 0 / -EAGAIN / fatal. */
static int check(struct rb_tls *t, int ret)
{
	int e = wolfSSL_get_error(t->ssl, ret);

	if (e == WOLFSSL_ERROR_WANT_READ || e == WOLFSSL_ERROR_WANT_WRITE)
		return -EAGAIN;
	if (!t->fatal)
		t->fatal = e ? e : -1;
	return -EPROTO;
}

/*
 * A handshake error that is wolfSSL's own verdict on the certificate: without
 * the verify callback (or before it runs) it arrives only as the fatal error.
 */
static bool cert_error(int e)
{
	switch (e) {
	case ASN_NO_SIGNER_E:
	case ASN_SELF_SIGNED_E:
	case ASN_AFTER_DATE_E:
	case ASN_BEFORE_DATE_E:
	case ASN_SIG_CONFIRM_E:
	case ASN_SIG_OID_E:
	case ASN_SIG_HASH_E:
	case ASN_SIG_KEY_E:
	case ASN_NAME_INVALID_E:
	case ASN_PATHLEN_INV_E:
	case ASN_PATHLEN_SIZE_E:
	case ASN_CRIT_EXT_E:
	case ASN_NO_KEYUSAGE:
	case DOMAIN_NAME_MISMATCH:
	case IPADDR_MISMATCH:
	case VERIFY_CERT_ERROR:
	case NO_PEER_VERIFY:
		return true;
	}
	return false;
}

int rb_tls_handshake(struct rb_tls *t)
{
	int ret;

	if (t->fatal)
		return -EPROTO;
	if (t->handshake_done)
		return 0;
	ret = wolfSSL_connect(t->ssl);
	if (ret == WOLFSSL_SUCCESS) {
		/* not a byte is sent or read on a connection whose identity is wrong */
		ret = rb_tls_verify_peer(t);
		if (ret) {
			t->fatal = t->verify_err;
			return ret;
		}
		t->handshake_done = true;
		return 0;
	}
	ret = check(t, ret);
	if (ret == -EPROTO && !t->verify_err && t->fatal == NO_PEER_CERT)
		t->verify_err = RB_TLS_NO_LEAF;
	else if (ret == -EPROTO && !t->verify_err && cert_error(t->fatal))
		t->verify_err = t->fatal;
	if (ret == -EPROTO && t->verify_err)
		return -EKEYREJECTED;
	return ret;
}

int rb_tls_write(struct rb_tls *t, const void *buf, size_t len)
{
	int ret;

	if (t->fatal || !t->handshake_done)
		return -EPROTO;
	while (len) {
		int n = len > 16384 ? 16384 : (int)len;

		ret = wolfSSL_write(t->ssl, buf, n);
		if (ret <= 0)
			return check(t, ret) == -EAGAIN ? -ENOBUFS : -EPROTO;
		buf = (const char *)buf + ret;
		len -= (size_t)ret;
	}
	return 0;
}

ssize_t rb_tls_read(struct rb_tls *t, void *buf, size_t len)
{
	int ret, e;

	if (t->fatal)
		return -EPROTO;
	ret = wolfSSL_read(t->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (ret > 0)
		return ret;
	e = wolfSSL_get_error(t->ssl, ret);
	if (e == WOLFSSL_ERROR_ZERO_RETURN)
		return 0;	/* close_notify */
	if (e == WOLFSSL_ERROR_WANT_READ || e == WOLFSSL_ERROR_WANT_WRITE)
		return -EAGAIN;
	if (t->in_eof && t->in_off == t->in_len)
		return -ECONNRESET;	/* TCP closed without close_notify */
	t->fatal = e ? e : -1;
	return -EPROTO;
}

void rb_tls_in_space(struct rb_tls *t, unsigned char **p, size_t *len)
{
	if (t->in_off == t->in_len) {
		t->in_off = 0;
		t->in_len = 0;
	} else if (t->in_off > RB_TLS_IN_SIZE / 2) {
		memmove(t->in, t->in + t->in_off, t->in_len - t->in_off);
		t->in_len -= t->in_off;
		t->in_off = 0;
	}
	*p = t->in + t->in_len;
	*len = RB_TLS_IN_SIZE - t->in_len;
}

void rb_tls_in_commit(struct rb_tls *t, size_t n)
{
	if (!n)
		t->in_eof = true;
	t->in_len += n;
}

void rb_tls_out_consume(struct rb_tls *t, size_t n)
{
	if (n >= t->out_len) {
		t->out_len = 0;
		return;
	}
	memmove(t->out, t->out + n, t->out_len - n);
	t->out_len -= n;
}

void rb_tls_save_session(struct rb_tls *t, struct rb_tls_ctx *c, const char *peer)
{
	WOLFSSL_SESSION *s;

	if (!t->ssl || t->fatal || !t->handshake_done)
		return;
	s = wolfSSL_get1_session(t->ssl);
	if (!s)
		return;
	if (c->session)
		wolfSSL_SESSION_free(c->session);
	c->session = s;
	snprintf(c->session_peer, sizeof(c->session_peer), "%s", peer);
}

const char *rb_tls_version(const struct rb_tls *t)
{
	return wolfSSL_get_version(t->ssl);
}

const char *rb_tls_cipher(const struct rb_tls *t)
{
	return wolfSSL_get_cipher_name(t->ssl);
}

bool rb_tls_resumed(const struct rb_tls *t)
{
	return wolfSSL_session_reused(t->ssl) == 1;
}

/*
 * Certificate verdicts arrive as wolfSSL codes or, in Debian's
 * OpenSSL-compatible build, as X509_V_ERR_* values.
 */
static const char *verify_reason(int e)
{
	switch (e) {
	case ASN_NO_SIGNER_E:
	case ASN_SELF_SIGNED_E:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return "certificate not signed by a trusted CA (--ca)";
	case ASN_AFTER_DATE_E:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:	/* wolfSSL's mapping of ASN_AFTER_DATE_E */
		return "certificate expired";
	case ASN_BEFORE_DATE_E:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
		return "certificate not yet valid";
	}
	return NULL;
}

/*
 * The fatal alert the server sent (RFC 8446 6.2, RFC 5246 7.2.2), or 0. For
 * the alerts of "nothing in common" say what ringboot offers: TLS 1.3, and in
 * TLS 1.2 only ECDHE with AEAD suites (RFC 9325 4.1-4.2), which an old server
 * (TLS 1.0/1.1 only, CBC or RSA key transport only) does not have.
 */
static int server_alert(const struct rb_tls *t, char *buf, size_t len)
{
	WOLFSSL_ALERT_HISTORY h;
	const char *hint = "";

	if (!t->ssl || t->fatal != FATAL_ERROR ||
	    wolfSSL_get_alert_history(t->ssl, &h) != WOLFSSL_SUCCESS || h.last_rx.level != alert_fatal)
		return 0;
	switch (h.last_rx.code) {
	case handshake_failure:
	case protocol_version:
	case insufficient_security:
		hint = ": no protocol version or cipher suite in common (ringboot offers TLS 1.3, and "
		       "TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305)";
		break;
	}
	snprintf(buf, len, "the server sent the fatal alert %s (%d)%s",
		 wolfSSL_alert_desc_string_long(h.last_rx.code), h.last_rx.code, hint);
	return 1;
}

void rb_tls_strerror(const struct rb_tls *t, int err, char *buf, size_t len)
{
	const char *why = verify_reason(t->verify_err);

	if (t->verify_err == DOMAIN_NAME_MISMATCH)
		snprintf(buf, len, "certificate does not name '%s'", t->expect);
	else if (t->verify_err == RB_TLS_NO_LEAF)
		snprintf(buf, len, "the server presented no certificate");
	else if (why)
		snprintf(buf, len, "%s", why);
	else if (t->verify_err > 0)
		snprintf(buf, len, "certificate refused: %s (%d)",
			 wolfSSL_X509_verify_cert_error_string(t->verify_err), t->verify_err);
	else if (t->verify_err)
		snprintf(buf, len, "certificate refused: %s (%d)",
			 wolfSSL_ERR_reason_error_string((unsigned long)t->verify_err),
			 t->verify_err);
	else if (server_alert(t, buf, len))
		return;
	else if (t->fatal)
		snprintf(buf, len, "TLS error: %s (%d)",
			 wolfSSL_ERR_reason_error_string((unsigned long)t->fatal), t->fatal);
	else
		snprintf(buf, len, "TLS error: %s", strerror(-err));
}
