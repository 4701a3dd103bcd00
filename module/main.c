// SPDX-License-Identifier: GPL-2.0
/*
 * ringboot.ko: receives TFTP DATA into an mmap'd ring and ACKs from the
 * receive path. This file only chains the parts' init and exit.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/bug.h>
#include <net/genetlink.h>

#include "ringboot.h"

/*
 * Test-only: load with test_warn=1 to trigger one WARN_ON at load, so the VM
 * runner can prove it fails a run on any kernel warning (docs/testing.md).
 */
static bool test_warn;
module_param(test_warn, bool, 0444);
MODULE_PARM_DESC(test_warn, "test only: WARN once at load (proves the VM runner catches it)");

static int __init ringboot_mod_init(void)
{
	int ret;

	WARN_ON(test_warn);

	ret = ringboot_ring_init();
	if (ret)
		goto err_ring;
	ret = ringboot_netlink_init();
	if (ret)
		goto err_netlink;
	pr_info("ringboot: loaded\n");
	return 0;

err_netlink:
	ringboot_ring_uninit();
err_ring:
	return ret;
}

static void __exit ringboot_mod_exit(void)
{
	/* Netlink first: no new sessions can be attached once it is gone. */
	ringboot_netlink_uninit();
	ringboot_ring_uninit();
	pr_info("ringboot: unloaded\n");
}

module_init(ringboot_mod_init);
module_exit(ringboot_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ringboot: kernel TFTP fast path for boot-time provisioning");
MODULE_VERSION(RINGBOOT_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(RINGBOOT_GENL_NAME);
