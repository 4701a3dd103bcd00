/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TFTP data paths tried, in order, after option negotiation (tftp.h):
 * one line RB_TFTP_PATH(symbol) each. The user-space path is the fallback
 * and is not listed.
 */
RB_TFTP_PATH(rb_tftp_path_kernel)
