// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the HTTP response head parser, header interpretation,
 * redirect resolution and chunked decoder, fed the way the client feeds them (the head arriving in
 * pieces, then the body in pieces). The first byte picks the piece size.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_chunked.h"
#include "http_parse.h"

static void body(const char *p, size_t len, size_t step)
{
	struct rb_chunked c;
	uint64_t total = 0;

	rb_chunked_init(&c);
	while (len && !rb_chunked_done(&c)) {
		size_t n = len < step ? len : step;
		const char *d;
		size_t dl;
		ssize_t used = rb_chunked_feed(&c, p, n, &d, &dl);

		if (used < 0)
			return;
		if (dl && (d < p || d + dl > p + n))
			abort();	/* a span outside the input */
		if (!used)
			return;
		total += dl;
		p += used;
		len -= (size_t)used;
	}
	(void)total;
}

/* Location resolution against an https base: never a downgrade accepted. */
static void redirect(const struct rb_http_info *info)
{
	const struct rb_http_header *loc = info->location;
	struct rb_url base, out;

	if (rb_url_parse("https://192.0.2.1:8443/dir/file.bin", &base))
		abort();
	if (!rb_http_redirect_target(&base, loc->value, loc->value_len, &out) &&
	    strcmp(out.scheme, "https"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_http_response r;
	struct rb_http_info info;
	size_t step, have;
	char *buf;
	int ret = -EAGAIN;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++;
	size--;
	/* exact-size copy so ASan catches any read past the end */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	rb_http_response_reset(&r);
	for (have = step < size ? step : size;; have = have + step < size ? have + step : size) {
		ret = rb_http_parse_response(buf, have, &r);
		if (ret != -EAGAIN || have == size)
			break;
	}
	if (ret > 0) {
		if ((size_t)ret > have)
			abort();
		if (!rb_http_interpret(&r, false, &info)) {
			if (info.location)
				redirect(&info);
			if (info.framing == RB_HTTP_BODY_CHUNKED)
				body(buf + ret, size - (size_t)ret, step);
		}
	} else {
		/* the body decoder alone, on the raw input */
		body(buf, size, step);
	}
	free(buf);
	return 0;
}
