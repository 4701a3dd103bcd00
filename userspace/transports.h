/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transports of the fetch framework, selected by URL scheme (fetch.h):
 * one line RB_TRANSPORT(symbol) each.
 */
RB_TRANSPORT(rb_transport_tftp)
RB_TRANSPORT(rb_transport_http)
RB_TRANSPORT(rb_transport_https)
