// SPDX-License-Identifier: GPL-2.0-or-later
/* Streaming JSON writer (see json.h). */
#include <math.h>
#include <inttypes.h>

#include "json.h"

void rb_json_init(struct rb_json *j, FILE *out, bool pretty)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
	j->pretty = pretty;
	j->after_key = false;
}

static void indent(struct rb_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Before any value or key at the current level: a comma if one is owed. */
static void before_item(struct rb_json *j)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (j->depth > 0)
		indent(j);
}

/* After a key, the value follows without a comma or newline. */
static void before_value(struct rb_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	before_item(j);
}

static void open_level(struct rb_json *j, char c)
{
	before_value(j);
	fputc(c, j->out);
	if (j->depth < RB_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_level(struct rb_json *j, char c)
{
	bool had_items = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had_items)
		indent(j);
	fputc(c, j->out);
}

void rb_json_obj_begin(struct rb_json *j) { open_level(j, '{'); }
void rb_json_obj_end(struct rb_json *j) { close_level(j, '}'); }
void rb_json_arr_begin(struct rb_json *j) { open_level(j, '['); }
void rb_json_arr_end(struct rb_json *j) { close_level(j, ']'); }

void rb_json_strn(struct rb_json *j, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	before_value(j);
	fputc('"', j->out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", j->out); break;
		case '\\': fputs("\\\\", j->out); break;
		case '\n': fputs("\\n", j->out); break;
		case '\r': fputs("\\r", j->out); break;
		case '\t': fputs("\\t", j->out); break;
		default:
			/* Control bytes and non-ASCII bytes become \u00XX: comment
			 * bytes in real files need not be UTF-8, output must be JSON. */
			if (c < 0x20 || c >= 0x7f) {
				fputs("\\u00", j->out);
				fputc(hex[c >> 4], j->out);
				fputc(hex[c & 15], j->out);
			} else {
				fputc(c, j->out);
			}
		}
	}
	fputc('"', j->out);
}

void rb_json_str(struct rb_json *j, const char *s)
{
	if (!s) {
		rb_json_null(j);
		return;
	}
	rb_json_strn(j, s, __builtin_strlen(s));
}

void rb_json_key(struct rb_json *j, const char *key)
{
	before_item(j);
	j->after_key = true;	/* the key string itself takes no comma */
	rb_json_str(j, key);
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void rb_json_int(struct rb_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRId64, v);
}

void rb_json_uint(struct rb_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->out, "%" PRIu64, v);
}

void rb_json_double(struct rb_json *j, double v)
{
	before_value(j);
	if (isfinite(v))
		fprintf(j->out, "%.6g", v);
	else
		fputs("null", j->out);
}

void rb_json_bool(struct rb_json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->out);
}

void rb_json_null(struct rb_json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void rb_json_end(struct rb_json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}
