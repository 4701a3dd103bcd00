/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer for --json output. Commas and nesting are
 * tracked here so callers only say what they emit; strings are escaped
 * (control bytes as \u00XX, invalid UTF-8 passed through byte by byte as
 * \u00XX of the byte so the output stays valid JSON).
 */
#ifndef RINGBOOT_JSON_H
#define RINGBOOT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RB_JSON_MAX_DEPTH 32

struct rb_json {
	FILE *out;
	int depth;
	bool need_comma[RB_JSON_MAX_DEPTH];
	bool pretty;
	bool after_key;
};

void rb_json_init(struct rb_json *j, FILE *out, bool pretty);
void rb_json_obj_begin(struct rb_json *j);
void rb_json_obj_end(struct rb_json *j);
void rb_json_arr_begin(struct rb_json *j);
void rb_json_arr_end(struct rb_json *j);
/* Key of the next member; the value follows with any value call. */
void rb_json_key(struct rb_json *j, const char *key);
void rb_json_str(struct rb_json *j, const char *s);
void rb_json_strn(struct rb_json *j, const char *s, size_t len);
void rb_json_int(struct rb_json *j, int64_t v);
void rb_json_uint(struct rb_json *j, uint64_t v);
void rb_json_double(struct rb_json *j, double v);
void rb_json_bool(struct rb_json *j, bool v);
void rb_json_null(struct rb_json *j);
/* Ends the document with a newline. */
void rb_json_end(struct rb_json *j);

#endif
