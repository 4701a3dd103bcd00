// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the file and memory sinks: bytes land whole at the final name
 * only on commit; an abort or a size over the limit leaves nothing. */
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
#include <unistd.h>

#include "atomicfile.h"
#include "sink_file.h"
#include "sink_mem.h"

static char dir[] = "/tmp/rb-sinks-XXXXXX";
static char path[256];

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/out.bin", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Writes in odd-sized pieces crossing chunk boundaries arrive whole. */
static void test_file_commit(void **state)
{
	struct rb_sink_file fs;
	size_t total = 3 * RB_SINK_FILE_CHUNK * RB_SINK_FILE_CHUNKS + 12345, off = 0;
	unsigned char *want = malloc(total);
	char *got;
	size_t len;

	for (size_t i = 0; i < total; i++)
		want[i] = (unsigned char)(i * 7 + i / 4096);
	unlink(path);
	rb_sink_file_init(&fs, path, 0644, UINT64_MAX);
	assert_int_equal(rb_sink_open(&fs.sink, total), 0);
	while (off < total) {
		size_t n = total - off < 1468 ? total - off : 1468;

		assert_int_equal(rb_sink_write(&fs.sink, want + off, n), 0);
		off += n;
		/* Nothing under the final name before commit. */
		if (off == 1468)
			assert_int_equal(access(path, F_OK), -1);
	}
	assert_int_equal(rb_sink_commit(&fs.sink), 0);
	assert_int_equal(rb_read_file(path, total + 1, &got, &len), 0);
	assert_int_equal(len, total);
	assert_memory_equal(got, want, total);
	assert_int_equal(entries(), 1);
	free(got);
	free(want);
}

static void test_file_abort_keeps_old(void **state)
{
	struct rb_sink_file fs;
	char buf[1000], *got;
	size_t len;

	memset(buf, 'n', sizeof(buf));
	assert_int_equal(rb_atomic_write(path, "old", 3, 0644), 0);
	rb_sink_file_init(&fs, path, 0644, UINT64_MAX);
	assert_int_equal(rb_sink_open(&fs.sink, RB_SINK_SIZE_UNKNOWN), 0);
	for (int i = 0; i < 600; i++)
		assert_int_equal(rb_sink_write(&fs.sink, buf, sizeof(buf)), 0);
	rb_sink_abort(&fs.sink);
	assert_int_equal(rb_read_file(path, 100, &got, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "old", 3);
	assert_int_equal(entries(), 1);
	free(got);
}

static void test_file_limit_and_empty(void **state)
{
	struct rb_sink_file fs;
	char buf[100] = { 0 }, *got;
	size_t len;

	unlink(path);
	rb_sink_file_init(&fs, path, 0644, 150);
	assert_int_equal(rb_sink_open(&fs.sink, 151), -EFBIG);
	rb_sink_file_init(&fs, path, 0644, 150);
	assert_int_equal(rb_sink_open(&fs.sink, RB_SINK_SIZE_UNKNOWN), 0);
	assert_int_equal(rb_sink_write(&fs.sink, buf, 100), 0);
	assert_int_equal(rb_sink_write(&fs.sink, buf, 51), -EFBIG);
	rb_sink_abort(&fs.sink);
	assert_int_equal(entries(), 0);
	/* A 0-byte download still creates the (empty) file. */
	rb_sink_file_init(&fs, path, 0644, 150);
	assert_int_equal(rb_sink_open(&fs.sink, 0), 0);
	assert_int_equal(rb_sink_commit(&fs.sink), 0);
	assert_int_equal(rb_read_file(path, 10, &got, &len), 0);
	assert_int_equal(len, 0);
	free(got);
}

static void test_file_rewind(void **state)
{
	struct rb_sink_file fs;
	char *got;
	size_t len;

	rb_sink_file_init(&fs, path, 0644, UINT64_MAX);
	assert_int_equal(rb_sink_open(&fs.sink, RB_SINK_SIZE_UNKNOWN), 0);
	assert_int_equal(rb_sink_write(&fs.sink, "garbage-garbage", 15), 0);
	assert_int_equal(rb_sink_rewind(&fs.sink), 0);
	assert_int_equal(rb_sink_write(&fs.sink, "good", 4), 0);
	assert_int_equal(rb_sink_commit(&fs.sink), 0);
	assert_int_equal(rb_read_file(path, 100, &got, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(got, "good", 4);
	free(got);
}

static void test_mem(void **state)
{
	struct rb_sink_mem m;
	char piece[300];
	char *b;
	size_t len;

	memset(piece, 'x', sizeof(piece));
	rb_sink_mem_init(&m, 1000);
	assert_int_equal(rb_sink_open(&m.sink, RB_SINK_SIZE_UNKNOWN), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rb_sink_write(&m.sink, piece, sizeof(piece)), 0);
	assert_int_equal(rb_sink_write(&m.sink, piece, sizeof(piece)), -EFBIG);
	assert_int_equal(rb_sink_write(&m.sink, "END", 3), 0);
	assert_int_equal(rb_sink_commit(&m.sink), 0);
	b = rb_sink_mem_take(&m, &len);
	assert_non_null(b);
	assert_int_equal(len, 903);
	assert_int_equal(b[903], 0);
	assert_memory_equal(b + 900, "END", 3);
	free(b);
	rb_sink_mem_free(&m);
	/* Announced size over the limit; abort frees; take without commit. */
	rb_sink_mem_init(&m, 10);
	assert_int_equal(rb_sink_open(&m.sink, 11), -EFBIG);
	assert_int_equal(rb_sink_open(&m.sink, 5), 0);
	assert_int_equal(rb_sink_write(&m.sink, "abc", 3), 0);
	assert_null(rb_sink_mem_take(&m, &len));
	rb_sink_abort(&m.sink);
	assert_null(m.buf);
	/* Unlimited: grows past the first allocation. */
	rb_sink_mem_init(&m, UINT64_MAX);
	assert_int_equal(rb_sink_open(&m.sink, RB_SINK_SIZE_UNKNOWN), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rb_sink_write(&m.sink, piece, sizeof(piece)), 0);
	assert_int_equal(rb_sink_commit(&m.sink), 0);
	b = rb_sink_mem_take(&m, &len);
	assert_int_equal(len, 30000);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_commit),
		cmocka_unit_test(test_file_abort_keeps_old),
		cmocka_unit_test(test_file_limit_and_empty),
		cmocka_unit_test(test_file_rewind),
		cmocka_unit_test(test_mem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
