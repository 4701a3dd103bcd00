/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which servers the boot asks for its upgrade script, in order
 * (PROVISIONING.md "Download order"): every TLSSRVR over HTTPS (TLSDIR,
 * TLSPORT), then every HTTPSRVR over HTTP (HTTPDIR, HTTPPORT), then every
 * TFTPSRVR (TFTPDIR); with AUTH=1 only HTTPS. The server, protocol and
 * directory that delivered the script serve everything after it.
 *
 * The directories may hold the handset's identity: $MACADDR, $MODEL4 and
 * $SERIALNO (Avaya's 46xxsettings.txt template, HTTPDIR and TLSDIR: "J100 SIP
 * R4.0.4.0 and later supports $MACADDR, $MODEL4, $SERIALNO as part of HTTPDIR
 * configuration which are being replaced with relevant MAC address (capital
 * letters without colons), MODEL4 (capital letters) and Serial number
 * (capital letters)"), replaced by the owner's values (rb_params_get_trusted),
 * never the network's. A directory must then be a path of file names as
 * rb_boot_file_name_ok() says (or empty); otherwise that protocol's servers
 * are left out and `why` says why (docs/boot.md "Directories").
 */
#ifndef RINGBOOT_BOOT_SERVERS_H
#define RINGBOOT_BOOT_SERVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "params.h"

#define RB_BOOT_MAX_SERVERS 48

enum rb_boot_proto {
	RB_PROTO_HTTPS,
	RB_PROTO_HTTP,
	RB_PROTO_TFTP,
};

struct rb_boot_server {
	enum rb_boot_proto proto;
	char host[256];		/* name or address; IPv6 literal without brackets */
	unsigned int port;	/* 0: the protocol's default */
	char dir[512];		/* without leading or trailing '/'; may be empty */
};

struct rb_boot_servers {
	size_t n;
	struct rb_boot_server s[RB_BOOT_MAX_SERVERS];
	size_t ignored;		/* list entries left out: not a host name, or a bad directory */
	char why[320];		/* the first directory left out, and why; "" if none */
};

/* Build the list from the effective parameters. Returns 0 or -errno. */
int rb_boot_servers_build(struct rb_boot_servers *out, const struct rb_params *p);

const char *rb_boot_proto_name(enum rb_boot_proto proto);

/*
 * The URL of file on server s. file is a name from a script (GET, APPNAME):
 * only [A-Za-z0-9._+~-] and '/' between non-empty components, no "." or ".."
 * components; anything else is refused with -EINVAL, so a downloaded file
 * cannot point the agent elsewhere. Returns 0, -EINVAL or -ENAMETOOLONG.
 */
int rb_boot_server_url(const struct rb_boot_server *s, const char *file, char *out, size_t len);

/*
 * Directory value dir of parameter name (HTTPDIR, TLSDIR, TFTPDIR; NULL:
 * none) with $MACADDR, $MACADDR_UPPER, $MODEL4, $SERIALNO and $SERIALNO_UPPER
 * replaced from p's trusted identity (upper case, as the guide says), leading
 * and trailing '/' removed, into out. 0, or -EINVAL (why says: an identity
 * value unknown, or the result is not a path of file names), -ENAMETOOLONG.
 */
int rb_boot_dir_expand(const struct rb_params *p, const char *name, const char *dir, char *out,
		       size_t len, char *why, size_t whylen);

/* "https://host:port/dir" for messages. */
void rb_boot_server_describe(const struct rb_boot_server *s, char *out, size_t len);

/* True when name is acceptable as a file name from a script (see above). */
bool rb_boot_file_name_ok(const char *name);

#endif
