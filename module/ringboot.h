/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of ringboot.ko. */
#ifndef RINGBOOT_MODULE_H
#define RINGBOOT_MODULE_H

#include <linux/atomic.h>
#include <uapi/linux/ringboot.h>

/* Bounds on what user space may ask for. */
enum ringboot_limits {
	RINGBOOT_MAX_SESSIONS = 64,
};

extern atomic_t ringboot_nr_sessions;

int ringboot_netlink_init(void);
void ringboot_netlink_uninit(void);
int ringboot_ring_init(void);
void ringboot_ring_uninit(void);

#endif
