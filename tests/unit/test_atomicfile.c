// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the atomic file helpers: a replaced file is whole, an aborted
 * one leaves no trace, and the final name is untouched until commit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

static char dir[] = "/tmp/rb-atomic-XXXXXX";

/* Entries whose name starts with prefix: the file and any temporary beside it. */
static int count_entries(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	memcpy(dir + sizeof(dir) - 7, "XXXXXX", 6);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_replaces_whole_file(void **state)
{
	char path[512], *buf;
	size_t len;
	struct stat st;

	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(rb_atomic_write(path, "first", 5, 0644), 0);
	assert_int_equal(rb_atomic_write(path, "second!", 7, 0600), 0);
	assert_int_equal(rb_read_file(path, 100, &buf, &len), 0);
	assert_int_equal(len, 7);
	assert_string_equal(buf, "second!");
	free(buf);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_entries("f"), 1); /* no temporary left */
}

static void abort_leaves_old_contents(void **state)
{
	char path[512], *buf;
	size_t len;
	struct rb_atomic a;

	snprintf(path, sizeof(path), "%s/g", dir);
	assert_int_equal(rb_atomic_write(path, "old", 3, 0644), 0);
	assert_int_equal(rb_atomic_open(&a, path, 0644), 0);
	assert_int_equal(rb_write_all(a.fd, "new new new", 11), 0);
	/* Before commit, the final name still holds the old contents. */
	assert_int_equal(rb_read_file(path, 100, &buf, &len), 0);
	assert_string_equal(buf, "old");
	free(buf);
	rb_atomic_abort(&a);
	assert_int_equal(rb_read_file(path, 100, &buf, &len), 0);
	assert_string_equal(buf, "old");
	free(buf);
	assert_int_equal(count_entries("g"), 1);
}

static void read_file_refuses_oversize_and_dirs(void **state)
{
	char path[512], *buf = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/h", dir);
	assert_int_equal(rb_atomic_write(path, "0123456789", 10, 0644), 0);
	assert_int_equal(rb_read_file(path, 9, &buf, &len), -EFBIG);
	assert_int_equal(rb_read_file(dir, 100, &buf, &len), -EISDIR);
	assert_int_equal(rb_read_file("/nonexistent/x", 100, &buf, &len), -ENOENT);
	assert_null(buf);
}

static void mkdir_p_creates_chain(void **state)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_int_equal(rb_mkdir_p(path, 0755), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(rb_mkdir_p(path, 0755), 0); /* idempotent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_replaces_whole_file),
		cmocka_unit_test(abort_leaves_old_contents),
		cmocka_unit_test(read_file_refuses_oversize_and_dirs),
		cmocka_unit_test(mkdir_p_creates_chain),
	};

	return cmocka_run_group_tests_name("atomicfile", tests, setup, teardown);
}
