/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The TFTP client's UDP socket: address resolution, path MTU, receive buffer. */
#ifndef RINGBOOT_TFTP_SOCK_H
#define RINGBOOT_TFTP_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Resolve host:port (numeric literal or name) for family (AF_UNSPEC: any). */
int rb_tftp_resolve(const char *host, uint16_t port, int family,
		    struct sockaddr_storage *ss, socklen_t *len);

/* A UDP socket for ss's family (non-blocking, close-on-exec). fd or -errno. */
int rb_tftp_socket(const struct sockaddr_storage *ss);

/*
 * The largest blksize that fits the path MTU towards ss (RFC 2348: avoid IP
 * fragmentation): MTU - IP header - UDP header - 4. Falls back to the
 * Ethernet value of the family when the route's MTU cannot be read.
 */
unsigned int rb_tftp_path_blksize(const struct sockaddr_storage *ss);

/*
 * Size the receive buffer for a window of `window` blocks of blksize bytes
 * with headroom (SO_RCVBUFFORCE when privileged, else SO_RCVBUF within
 * rmem_max). Returns how many such blocks the buffer actually holds.
 */
unsigned int rb_tftp_size_rcvbuf(int fd, unsigned int blksize, unsigned int window);

/* Same address and port? */
bool rb_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* Same address, any port? */
bool rb_sockaddr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
/* "192.0.2.1:69" or "[2001:db8::1]:69". */
void rb_sockaddr_str(const struct sockaddr_storage *ss, char *buf, size_t len);

#endif
