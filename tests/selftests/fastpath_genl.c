// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Selftest: the control plane of ringboot.ko. Every command refuses missing,
 * wrong-type, out-of-range and unknown attributes with an extended ACK
 * message; an unprivileged caller is refused; a socket that is not ours to
 * take (attached already, TCP, unbound, another namespace) is refused; the
 * ring must be mapped before ATTACH. Needs ringboot.ko loaded.
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fp_common.h"

struct attr {
	int type;
	int len;	/* 0: none (end) */
	uint64_t val;
};

/* Send cmd with raw attributes (any length); -errno, message in fp->err. */
static int raw_cmd(struct rb_fp *fp, uint8_t cmd, const struct attr *attrs)
{
	struct nl_msg *msg = rb_fp_msg(fp, cmd);

	if (!msg)
		return -ENOMEM;
	for (; attrs && attrs->len; attrs++)
		nla_put(msg, attrs->type, attrs->len, &attrs->val);
	return rb_fp_request(fp, msg, NULL);
}

/* A refusal that names its reason: err < 0 and an extended ACK message. */
static void refused(struct rb_fp *fp, int err, int want, const char *name)
{
	int ok = err < 0 && (!want || err == want) && fp->err[0];

	if (!ok)
		ktap_print_msg("%s: err %d (%s), extack '%s'", name, err, strerror(-err),
			       fp->err);
	else
		ktap_print_msg("%s: %s ('%s')", name, strerror(-err), fp->err);
	ktap_test_result(ok, "%s", name);
}

static void test_policies(struct rb_fp *fp, int sock_fd)
{
	uint64_t lo = htonl(INADDR_LOOPBACK);
	struct attr a[8];
	int err;

	/* ATTACH: required attributes missing. */
	memset(a, 0, sizeof(a));
	a[0] = (struct attr){ RINGBOOT_A_RING_FD, 4, (uint32_t)fp->dev_fd };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -EINVAL, "attach_missing_sock_fd");
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, NULL), -EINVAL, "attach_missing_all");

	/* Wrong type: BLKSIZE is u16, send a u32 and a u8. */
	a[1] = (struct attr){ RINGBOOT_A_SOCK_FD, 4, (uint32_t)sock_fd };
	a[2] = (struct attr){ RINGBOOT_A_PEER_ADDR, 4, lo };
	a[3] = (struct attr){ RINGBOOT_A_BLKSIZE, 4, 1024 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), 0, "attach_blksize_wrong_type_u32");
	a[3] = (struct attr){ RINGBOOT_A_BLKSIZE, 1, 8 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), 0, "attach_blksize_wrong_type_u8");
	/* Out of range (RFC 2348: 8..65464; RFC 7440: 1..65535). */
	a[3] = (struct attr){ RINGBOOT_A_BLKSIZE, 2, 7 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -ERANGE, "attach_blksize_7_out_of_range");
	a[3] = (struct attr){ RINGBOOT_A_BLKSIZE, 2, 65465 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -ERANGE, "attach_blksize_65465_out_of_range");
	a[3] = (struct attr){ RINGBOOT_A_WINDOWSIZE, 2, 0 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -ERANGE, "attach_windowsize_0_out_of_range");
	a[3] = (struct attr){ RINGBOOT_A_TIMEOUT_MS, 4, 1 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -ERANGE, "attach_timeout_1ms_out_of_range");
	a[3] = (struct attr){ RINGBOOT_A_PEER_ADDR, 3, lo };
	a[2] = (struct attr){ RINGBOOT_A_BLKSIZE, 2, 512 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), 0, "attach_peer_addr_3_bytes");
	/* Unknown: beyond the attribute space, and a reply-only attribute. */
	a[2] = (struct attr){ RINGBOOT_A_PEER_ADDR, 4, lo };
	a[3] = (struct attr){ RINGBOOT_A_MAX + 1, 4, 1 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -EINVAL, "attach_unknown_attribute");
	a[3] = (struct attr){ RINGBOOT_A_BYTES, 8, 1 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -EINVAL, "attach_reply_only_attribute");
	/* Ring fd that is not /dev/ringboot. */
	a[0] = (struct attr){ RINGBOOT_A_RING_FD, 4, (uint32_t)sock_fd };
	a[3] = (struct attr){ 0, 0, 0 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ATTACH, a), -EINVAL, "attach_ring_fd_not_a_ring");

	/* SET, ABORT, GET: id missing, wrong type, unknown id, unknown attribute. */
	memset(a, 0, sizeof(a));
	a[0] = (struct attr){ RINGBOOT_A_PEER_PORT, 2, 69 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_SET, a), -EINVAL, "set_missing_session_id");
	a[1] = (struct attr){ RINGBOOT_A_SESSION_ID, 2, fp->id };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_SET, a), 0, "set_session_id_wrong_type");
	a[1] = (struct attr){ RINGBOOT_A_SESSION_ID, 4, 0x7fff0000 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_SET, a), -ENOENT, "set_unknown_session");
	a[0] = (struct attr){ RINGBOOT_A_PEER_PORT, 2, 0 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_SET, a), -ERANGE, "set_peer_port_0_out_of_range");
	a[0] = (struct attr){ RINGBOOT_A_SESSION_ID, 4, fp->id };
	a[1] = (struct attr){ 0, 0, 0 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_SET, a), -EINVAL, "set_missing_peer_port");
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ABORT, NULL), -EINVAL, "abort_missing_session_id");
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_GET, NULL), -EINVAL, "get_missing_session_id");
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_GET, a), -ENOENT, "get_unattached_session");
	a[1] = (struct attr){ RINGBOOT_A_SOCK_FD, 4, 1 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_ABORT, a), -EINVAL, "abort_attribute_not_in_policy");
	a[0] = (struct attr){ RINGBOOT_A_VERSION, 4, 1 };
	a[1] = (struct attr){ 0, 0, 0 };
	refused(fp, raw_cmd(fp, RINGBOOT_CMD_GET_INFO, a), -EINVAL, "get_info_attribute_refused");
	err = raw_cmd(fp, RINGBOOT_CMD_GET_INFO, NULL);
	ktap_test_result(err == 0, "get_info_plain_accepted (%d)", err);
}

static void test_ownership(void)
{
	struct fp_peer client, server;
	struct rb_fp fp, fp2;
	int tcp, err, unbound;

	if (rb_fp_open(&fp, 65536) || rb_fp_open(&fp2, 65536) ||
	    fp_peer_open(&client, AF_INET) || fp_peer_open(&server, AF_INET)) {
		ktap_print_msg("setup failed: %s", strerror(errno));
		exit(KSFT_FAIL);
	}
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	err = rb_fp_attach(&fp, &(struct rb_fp_attach){ .sock_fd = tcp,
				.peer = (struct sockaddr *)&server.addr });
	refused(&fp, err, -EINVAL, "attach_tcp_socket_refused");
	close(tcp);
	unbound = socket(AF_INET, SOCK_DGRAM, 0);
	err = rb_fp_attach(&fp, &(struct rb_fp_attach){ .sock_fd = unbound,
				.peer = (struct sockaddr *)&server.addr });
	refused(&fp, err, -EINVAL, "attach_unbound_socket_refused");
	close(unbound);
	err = rb_fp_attach(&fp, &(struct rb_fp_attach){ .sock_fd = client.fd,
				.peer = (struct sockaddr *)&server.addr, .blksize = 65464,
				.windowsize = 2 });
	refused(&fp, err, -ENOSPC, "attach_ring_smaller_than_window_refused");

	err = fp_attach(&fp, &client, &server, NULL);
	ktap_test_result(err == 0, "attach_udp_socket (%d %s)", err, fp.err);
	err = fp_attach(&fp2, &client, &server, NULL);
	refused(&fp2, err, -EBUSY, "attach_socket_owned_by_other_session_refused");
	err = fp_attach(&fp, &client, &server, NULL);
	refused(&fp, err, -EBUSY, "attach_session_twice_refused");
	rb_fp_close(&fp);
	rb_fp_close(&fp2);
	fp_peer_close(&client);
	fp_peer_close(&server);

	/* An unmapped session cannot take a socket. */
	{
		struct rb_fp fp3 = { .dev_fd = -1 };

		fp_peer_open(&client, AF_INET);
		fp_peer_open(&server, AF_INET);
		fp3.dev_fd = open(RINGBOOT_DEVICE, O_RDWR);
		rb_fp_connect(&fp3);
		err = fp_attach(&fp3, &client, &server, NULL);
		refused(&fp3, err, -EINVAL, "attach_unmapped_ring_refused");
		rb_fp_close(&fp3);
		fp_peer_close(&client);
		fp_peer_close(&server);
	}
}

/* In a child: a socket of this namespace, the request from a new one. */
static void test_other_netns(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct fp_peer client, server;
		struct rb_fp fp;
		int err;

		if (rb_fp_open(&fp, 65536) || fp_peer_open(&client, AF_INET) ||
		    fp_peer_open(&server, AF_INET))
			_exit(2);
		if (unshare(CLONE_NEWNET))
			_exit(3);
		nl_socket_free(fp.nl);
		if (rb_fp_connect(&fp))
			_exit(4);
		err = fp_attach(&fp, &client, &server, NULL);
		printf("# attach from another netns: %d (%s)\n", err, fp.err);
		_exit(err == -EINVAL && fp.err[0] ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ktap_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "attach_socket_from_other_netns_refused (child status %d)",
			 WEXITSTATUS(status));
}

/* In a child without privileges: every command is refused. */
static void test_unprivileged(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct rb_fp fp = { .dev_fd = -1 };
		int err, dev;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		dev = open(RINGBOOT_DEVICE, O_RDWR);
		if (dev >= 0)
			_exit(3);
		if (rb_fp_connect(&fp))
			_exit(4);
		err = raw_cmd(&fp, RINGBOOT_CMD_GET_INFO, NULL);
		printf("# unprivileged GET_INFO: %d\n", err);
		if (err != -EPERM)
			_exit(5);
		err = raw_cmd(&fp, RINGBOOT_CMD_ABORT,
			      (struct attr[]){ { RINGBOOT_A_SESSION_ID, 4, 1 }, { 0, 0, 0 } });
		printf("# unprivileged ABORT: %d\n", err);
		_exit(err == -EPERM ? 0 : 6);
	}
	waitpid(pid, &status, 0);
	ktap_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "unprivileged_caller_refused (child status %d)", WEXITSTATUS(status));
}

int main(void)
{
	struct fp_peer client;
	struct rb_fp fp;

	if (geteuid() != 0)
		ktap_exit_skip("not-root: the family needs CAP_NET_ADMIN");
	if (access(RINGBOOT_DEVICE, F_OK))
		ktap_exit_skip("no-module: ringboot.ko is not loaded");
	ktap_print_header(32);
	if (rb_fp_open(&fp, 65536) || fp_peer_open(&client, AF_INET)) {
		ktap_print_msg("cannot open a session: %s", strerror(errno));
		return KSFT_FAIL;
	}
	test_policies(&fp, client.fd);
	rb_fp_close(&fp);
	fp_peer_close(&client);
	test_ownership();
	test_other_netns();
	test_unprivileged();
	ktap_finished();
}
