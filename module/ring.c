// SPDX-License-Identifier: GPL-2.0
/*
 * The misc device /dev/ringboot: one session per open file, its mmap'd ring
 * (one header page plus a power-of-two byte stream), poll and the KICK ioctl.
 *
 * Index discipline (the AF_XDP / io_uring pattern): the kernel owns the
 * producer index privately (s->prod) and only publishes a copy in the shared
 * header; the consumer index lives in the shared header, is written by user
 * space and is read here with acquire semantics and validated every time.
 */
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "ringboot.h"

atomic_t ringboot_nr_sessions = ATOMIC_INIT(0);
static DEFINE_XARRAY_ALLOC1(ringboot_sessions);

static const struct file_operations ringboot_fops;

void ringboot_session_put(struct ringboot_session *s)
{
	if (refcount_dec_and_test(&s->refs))
		kfree_rcu(s, rcu);
}

/* A reference for a genl command naming the session by id, or NULL. */
struct ringboot_session *ringboot_session_get_by_id(u32 id)
{
	struct ringboot_session *s;

	rcu_read_lock();
	s = xa_load(&ringboot_sessions, id);
	if (s && !refcount_inc_not_zero(&s->refs))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/*
 * The session behind a ring fd passed in a genl attribute. The caller keeps
 * the file reference (and so the session) until it fput()s *filep.
 */
struct ringboot_session *ringboot_session_from_fd(int fd, struct file **filep)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &ringboot_fops) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	*filep = file;
	return file->private_data;
}

/*
 * The consumer index, validated. Called under rx_lock. A value below the last
 * valid one or beyond what was produced is ignored (and counted): a hostile
 * index can only stall the transfer, never make the kernel overwrite unread
 * bytes or write outside the data area, which is addressed by s->prod only.
 */
u64 ringboot_ring_cons(struct ringboot_session *s)
{
	/* Pairs with the consumer's store-release of cons after reading data. */
	u64 cons = smp_load_acquire(&s->hdr->cons);

	if (cons < s->cons || cons > s->prod) {
		if (cons != s->cons)
			s->stats.bad_cons++;
		return s->cons;
	}
	s->cons = cons;
	return cons;
}

/* Copy @len payload bytes at @offset of @skb to the ring at s->prod. */
void ringboot_ring_put_skb(struct ringboot_session *s, const struct sk_buff *skb,
			   int offset, u32 len)
{
	u64 mask = s->size - 1;
	u64 at = s->prod & mask;
	u32 first = min_t(u64, len, s->size - at);

	/* skb_copy_bits() walks frags and frag lists: non-linear skbs are fine. */
	if (skb_copy_bits(skb, offset, s->data + at, first) ||
	    (len > first && skb_copy_bits(skb, offset + first, s->data, len - first)))
		return;	/* cannot happen: the caller checked skb->len */
	s->prod += len;
}

/* Make the private producer state visible. Called under rx_lock. */
void ringboot_ring_publish(struct ringboot_session *s)
{
	/* Pairs with the consumer's load-acquire of prod: payload before index. */
	smp_store_release(&s->hdr->prod, s->prod);
	WRITE_ONCE(s->hdr->status, s->status);
	/* Pairs with the consumer's load-acquire of flags: prod/status first. */
	smp_store_release(&s->hdr->flags, s->flags);
}

/* Whether a reader should wake: a watermark, a held ACK, EOF or an error. */
bool ringboot_ring_readable(struct ringboot_session *s)
{
	if (!s->hdr)
		return false;
	if (s->flags & (RINGBOOT_RING_F_EOF | RINGBOOT_RING_F_ERROR |
			RINGBOOT_RING_F_NEED_KICK))
		return true;
	return s->prod - ringboot_ring_cons(s) >= s->watermark;
}

void ringboot_ring_wake(struct ringboot_session *s)
{
	/* wq_has_sleeper() has the barrier that pairs with poll_wait(). */
	if (wq_has_sleeper(&s->wq))
		wake_up_interruptible_poll(&s->wq, EPOLLIN | EPOLLRDNORM);
}

static int ringboot_ring_open(struct inode *inode, struct file *file)
{
	struct ringboot_session *s;
	int ret;

	if (atomic_inc_return(&ringboot_nr_sessions) > RINGBOOT_MAX_SESSIONS) {
		ret = -EMFILE;
		goto err_count;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		ret = -ENOMEM;
		goto err_count;
	}
	refcount_set(&s->refs, 1);
	mutex_init(&s->lock);
	spin_lock_init(&s->rx_lock);
	init_waitqueue_head(&s->wq);
	ringboot_xfer_init(s);
	ret = xa_alloc(&ringboot_sessions, &s->id, s, xa_limit_31b, GFP_KERNEL);
	if (ret)
		goto err_free;
	file->private_data = s;
	return nonseekable_open(inode, file);

err_free:
	kfree(s);
err_count:
	atomic_dec(&ringboot_nr_sessions);
	return ret;
}

/*
 * The last reference to the file is gone (a mapping holds one, so no user
 * mapping exists). Teardown order: no new lookups, stop the transfer (timer,
 * event work), unhook the socket (waits for receive paths in flight), then
 * free. The socket's file reference is dropped last, which unpins its netns.
 */
static int ringboot_ring_release(struct inode *inode, struct file *file)
{
	struct ringboot_session *s = file->private_data;

	xa_erase(&ringboot_sessions, s->id);
	mutex_lock(&s->lock);
	ringboot_xfer_stop(s);
	ringboot_socket_detach(s);
	vfree(s->hdr);
	s->hdr = NULL;
	s->data = NULL;
	mutex_unlock(&s->lock);
	atomic_dec(&ringboot_nr_sessions);
	ringboot_session_put(s);
	return 0;
}

/* One header page plus a power-of-two data area, offset 0, shared, once. */
static int ringboot_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ringboot_session *s = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long data = len - PAGE_SIZE;
	void *mem;
	int ret;

	if (vma->vm_pgoff || !(vma->vm_flags & VM_SHARED) || len <= PAGE_SIZE)
		return -EINVAL;
	if (!is_power_of_2(data) || data < RINGBOOT_RING_MIN_DATA ||
	    data < PAGE_SIZE || data > RINGBOOT_RING_MAX_DATA)
		return -EINVAL;

	mutex_lock(&s->lock);
	ret = -EBUSY;
	if (s->hdr)
		goto out;
	ret = -ENOMEM;
	mem = vmalloc_user(len);
	if (!mem)
		goto out;
	ret = remap_vmalloc_range(vma, mem, 0);
	if (ret) {
		vfree(mem);
		goto out;
	}
	/* A forked child must not share the ring's consumer side. */
	vma->vm_flags |= VM_DONTCOPY;

	s->hdr = mem;
	s->data = (u8 *)mem + PAGE_SIZE;
	s->size = data;
	s->watermark = ringboot_watermark_default(data);
	s->hdr->magic = RINGBOOT_RING_MAGIC;
	s->hdr->version = RINGBOOT_RING_VERSION;
	s->hdr->data_off = PAGE_SIZE;
	s->hdr->hdr_size = sizeof(struct ringboot_ring_hdr);
	s->hdr->data_size = data;
	s->hdr->session_id = s->id;
	s->hdr->blksize = s->blksize;
	s->hdr->windowsize = s->windowsize;
out:
	mutex_unlock(&s->lock);
	return ret;
}

static __poll_t ringboot_ring_poll(struct file *file, poll_table *wait)
{
	struct ringboot_session *s = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &s->wq, wait);
	spin_lock_bh(&s->rx_lock);
	if (ringboot_ring_readable(s))
		mask = EPOLLIN | EPOLLRDNORM;
	if (s->flags & RINGBOOT_RING_F_ERROR)
		mask |= EPOLLERR;
	spin_unlock_bh(&s->rx_lock);
	return mask;
}

static long ringboot_ring_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct ringboot_session *s = file->private_data;
	int ret;

	if (cmd != RINGBOOT_IOC_KICK)
		return -ENOTTY;
	mutex_lock(&s->lock);
	ret = ringboot_xfer_kick(s);
	mutex_unlock(&s->lock);
	return ret;
}

static const struct file_operations ringboot_fops = {
	.owner = THIS_MODULE,
	.open = ringboot_ring_open,
	.release = ringboot_ring_release,
	.mmap = ringboot_ring_mmap,
	.poll = ringboot_ring_poll,
	.unlocked_ioctl = ringboot_ring_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
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
