// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftest: the ringboot Generic Netlink family and its events group resolve
 * from user space, GET_INFO answers with the UAPI version, a request with an
 * attribute the policy rejects is refused, and /dev/ringboot opens.
 * Needs ringboot.ko loaded (the VM suite loads it).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/ringboot.h>

#include "ktap.h"

struct info {
	int got;
	unsigned int version;
	unsigned int max_sessions;
};

static int info_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[RINGBOOT_A_MAX + 1];
	struct info *info = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, RINGBOOT_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[RINGBOOT_A_VERSION])
		info->version = nla_get_u32(tb[RINGBOOT_A_VERSION]);
	if (tb[RINGBOOT_A_MAX_SESSIONS])
		info->max_sessions = nla_get_u32(tb[RINGBOOT_A_MAX_SESSIONS]);
	info->got = 1;
	return NL_OK;
}

/* Send GET_INFO, optionally with one u32 attribute that the policy rejects. */
static int get_info(struct nl_sock *sk, int family, int bad_attr, struct info *info)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg)
		return -NLE_NOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, RINGBOOT_CMD_GET_INFO,
		    RINGBOOT_GENL_VERSION);
	if (bad_attr)
		nla_put_u32(msg, bad_attr, 1);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, info_cb, info);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return err;
	err = nl_recvmsgs_default(sk);
	if (err < 0)
		return err;
	return nl_wait_for_ack(sk);
}

int main(void)
{
	struct info info = { 0 };
	struct nl_sock *sk;
	int family, grp, fd;

	if (geteuid() != 0)
		ktap_exit_skip("not-root: the family needs CAP_NET_ADMIN");
	ktap_print_header(6);

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0) {
		ktap_print_msg("cannot connect a generic netlink socket");
		return KSFT_FAIL;
	}
	family = genl_ctrl_resolve(sk, RINGBOOT_GENL_NAME);
	ktap_test_result(family > 0, "genl_family_resolves");
	grp = genl_ctrl_resolve_grp(sk, RINGBOOT_GENL_NAME, RINGBOOT_MCGRP_EVENTS);
	ktap_test_result(grp > 0, "genl_events_group_resolves");

	ktap_test_result(family > 0 && get_info(sk, family, 0, &info) == 0 && info.got,
			 "get_info_answers");
	ktap_test_result(info.version == RINGBOOT_GENL_VERSION && info.max_sessions > 0,
			 "get_info_reports_uapi_version (got %u)", info.version);
	/* RINGBOOT_A_VERSION is reply-only: the strict policy must refuse it in a request. */
	ktap_test_result(family > 0 && get_info(sk, family, RINGBOOT_A_VERSION, &info) < 0,
			 "reply_only_attribute_refused");

	fd = open(RINGBOOT_DEVICE, O_RDWR | O_CLOEXEC);
	ktap_test_result(fd >= 0, "device_opens");
	if (fd >= 0)
		close(fd);
	nl_socket_free(sk);
	ktap_finished();
}
