/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ringboot: the contract between ringboot.ko (the kernel TFTP fast path) and
 * the ringboot agent. Generic Netlink family, commands, attributes, and the
 * layout of the ring mapped from /dev/ringboot.
 *
 * Described also in docs/netlink/specs/ringboot.yaml (genetlink-c).
 */
#ifndef _UAPI_LINUX_RINGBOOT_H
#define _UAPI_LINUX_RINGBOOT_H

#include <linux/types.h>

#define RINGBOOT_GENL_NAME	"ringboot"
#define RINGBOOT_GENL_VERSION	1
#define RINGBOOT_MCGRP_EVENTS	"events"
#define RINGBOOT_DEVICE		"/dev/ringboot"

enum ringboot_cmd {
	RINGBOOT_CMD_UNSPEC,
	RINGBOOT_CMD_GET_INFO,	/* module version and limits */

	__RINGBOOT_CMD_MAX,
};
#define RINGBOOT_CMD_MAX (__RINGBOOT_CMD_MAX - 1)

enum ringboot_attr {
	RINGBOOT_A_UNSPEC,
	RINGBOOT_A_PAD,
	RINGBOOT_A_VERSION,		/* u32: RINGBOOT_GENL_VERSION */
	RINGBOOT_A_SESSIONS,		/* u32: open sessions (all namespaces) */
	RINGBOOT_A_MAX_SESSIONS,	/* u32: limit on open sessions */

	__RINGBOOT_A_MAX,
};
#define RINGBOOT_A_MAX (__RINGBOOT_A_MAX - 1)

#endif /* _UAPI_LINUX_RINGBOOT_H */
