/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TLS client over memory buffers (wolfSSL). wolfSSL never touches a socket:
 * its I/O callbacks read ciphertext from `in` (which the event loop fills from
 * the socket) and append ciphertext to `out` (which the loop drains to the
 * socket). "Would block" in a callback becomes want-read/want-write here, and
 * the caller decides which io_uring operation to queue.
 *
 * Peer verification is always on (WOLFSSL_VERIFY_PEER: Debian's wolfSSL does
 * not verify unless asked), against the CA file only, and the leaf must match
 * the expected identity (DNS name or IP literal), checked after the handshake
 * whatever the verify callback did. There is no way to turn it off.
 */
#ifndef RINGBOOT_TLS_H
#define RINGBOOT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum rb_tls_limits {
	RB_TLS_IN_SIZE = 64 * 1024,	/* ciphertext receive buffer */
	RB_TLS_OUT_SIZE = 64 * 1024,	/* ciphertext send buffer (grows if needed) */
	RB_TLS_NAME_MAX = 256,
};

/* verify_err of a handshake that completed without a peer certificate */
#define RB_TLS_NO_LEAF (-100000)

/*
 * Which AEAD suites come first in the ClientHello (tls_prefer.c). AUTO, the
 * default: AES-GCM where this wolfSSL runs it in hardware on this CPU,
 * ChaCha20-Poly1305 elsewhere (docs/benchmarks.md).
 */
enum rb_tls_prefer {
	RB_TLS_PREFER_AUTO = 0,
	RB_TLS_PREFER_CHACHA,
	RB_TLS_PREFER_AES,
};

/* What AUTO (or the option) came to, and why, for the reports. */
struct rb_tls_choice {
	enum rb_tls_prefer prefer;	/* CHACHA or AES */
	const char *reason;		/* "AES-NI", "no AES-NI on this CPU", "--tls-prefer", ... */
};

void rb_tls_prefer_choose(enum rb_tls_prefer asked, struct rb_tls_choice *out);
/* The option's words: "auto", "chacha20", "aes". parse: 0 or -EINVAL. */
const char *rb_tls_prefer_name(enum rb_tls_prefer p);
int rb_tls_prefer_parse(const char *s, enum rb_tls_prefer *p);

/* Shared by the boot's connections: trust anchors and the resumable session. */
struct rb_tls_ctx {
	void *ctx;		/* WOLFSSL_CTX */
	struct rb_tls_choice choice;	/* the cipher preference it offers */
	void *session;		/* WOLFSSL_SESSION of the last connection, for resumption */
	char session_peer[RB_TLS_NAME_MAX + 8];	/* identity:port it belongs to */
};

struct rb_tls {
	void *ssl;		/* WOLFSSL */
	unsigned char *in;
	size_t in_len, in_off;	/* unread ciphertext is in[in_off..in_len) */
	bool in_eof;		/* the peer closed TCP */
	unsigned char *out;
	size_t out_len, out_cap;
	bool is_ip;		/* the identity is an IP literal: ip[0..ip_len) */
	unsigned char ip[16];
	size_t ip_len;
	char expect[RB_TLS_NAME_MAX];	/* identity the leaf certificate must carry */
	bool any_name;		/* identity NULL: the leaf's name is not checked */
	int verify_err;		/* wolfSSL error of a refused certificate, 0 if none */
	int fatal;		/* first fatal wolfSSL error (handshake is not resumable) */
	bool handshake_done;
};

/* ca_file is required (there are no default anchors). 0 or -errno, err says why. */
int rb_tls_ctx_init(struct rb_tls_ctx *c, const char *ca_file, enum rb_tls_prefer prefer,
		    char *err, size_t errlen);
void rb_tls_ctx_free(struct rb_tls_ctx *c);

/*
 * Start a client session: sni is sent as server name (NULL for an IP
 * literal), identity is what the certificate must name (--tls-name, else the
 * URL host); NULL only when the handset's owner turned the name check off
 * (TLSSRVRID 0): the chain is verified all the same and a leaf is still
 * required. peer ("host:port") selects a saved session to resume.
 */
int rb_tls_init(struct rb_tls *t, struct rb_tls_ctx *c, const char *sni, const char *identity,
		const char *peer);
void rb_tls_free(struct rb_tls *t);
/*
 * The closure alert before the connection is dropped (RFC 8446 §6.1, RFC
 * 5246 §7.2.1: "Each party MUST send a close_notify alert before closing its
 * write side"): appends it to `out`. 0, or -ENOTCONN when there is no
 * completed, healthy session (a fatal error has sent its own alert).
 */
int rb_tls_close_notify(struct rb_tls *t);

/*
 * Drive the handshake: 0 done, -EAGAIN (send `out`, then receive), -errno
 * fatal (-EKEYREJECTED: the certificate). A completed handshake is accepted
 * only after rb_tls_verify_peer().
 */
int rb_tls_handshake(struct rb_tls *t);
/*
 * The server's identity, checked on the leaf of the peer chain whatever the
 * verify callback did (wolfSSL calls it for a valid chain only when built
 * with WOLFSSL_ALWAYS_VERIFY_CB): 0 when the leaf names the expected
 * identity, -EKEYREJECTED when it does not or there is no leaf
 * (rb_tls_strerror() says which).
 */
int rb_tls_verify_peer(struct rb_tls *t);
/* Plaintext out: appends records to `out`. 0 or -errno. */
int rb_tls_write(struct rb_tls *t, const void *buf, size_t len);
/* Plaintext in: > 0 bytes, 0 on close_notify, -EAGAIN (receive more), -errno. */
ssize_t rb_tls_read(struct rb_tls *t, void *buf, size_t len);

/* Where the loop receives ciphertext to (compacts first) and how much came. */
void rb_tls_in_space(struct rb_tls *t, unsigned char **p, size_t *len);
void rb_tls_in_commit(struct rb_tls *t, size_t n);
/* Ciphertext waiting to be sent, and how much the socket took. */
static inline size_t rb_tls_out_pending(const struct rb_tls *t) { return t->out_len; }
void rb_tls_out_consume(struct rb_tls *t, size_t n);

/* Keep this connection's session for the next one to the same peer. */
void rb_tls_save_session(struct rb_tls *t, struct rb_tls_ctx *c, const char *peer);

/* What was negotiated, for the fetch result. */
const char *rb_tls_version(const struct rb_tls *t);
const char *rb_tls_cipher(const struct rb_tls *t);
bool rb_tls_resumed(const struct rb_tls *t);
/* One line explaining a failure (certificate problems spelled out). */
void rb_tls_strerror(const struct rb_tls *t, int err, char *buf, size_t len);

#endif
