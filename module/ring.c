// SPDX-License-Identifier: GPL-2.0
/* The misc device /dev/ringboot: one session per open file. */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "ringboot.h"

atomic_t ringboot_nr_sessions = ATOMIC_INIT(0);

static int ringboot_ring_open(struct inode *inode, struct file *file)
{
	if (atomic_inc_return(&ringboot_nr_sessions) > RINGBOOT_MAX_SESSIONS) {
		atomic_dec(&ringboot_nr_sessions);
		return -EMFILE;
	}
	return nonseekable_open(inode, file);
}

static int ringboot_ring_release(struct inode *inode, struct file *file)
{
	atomic_dec(&ringboot_nr_sessions);
	return 0;
}

static const struct file_operations ringboot_fops = {
	.owner = THIS_MODULE,
	.open = ringboot_ring_open,
	.release = ringboot_ring_release,
	.llseek = no_llseek,
};

static struct miscdevice ringboot_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ringboot",
	.fops = &ringboot_fops,
	.mode = 0600,
};

int ringboot_ring_init(void)
{
	return misc_register(&ringboot_miscdev);
}

void ringboot_ring_uninit(void)
{
	misc_deregister(&ringboot_miscdev);
}
