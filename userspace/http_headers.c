// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a parsed response head means to the client: body framing (RFC 9112
 * §6.3), persistence (RFC 9112 §9.3), Content-Range (RFC 9110 §14.4) and
 * Retry-After (RFC 9110 §10.2.3).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "http_parse.h"

/* Iterate the comma-separated list elements of a field value (RFC 9110 §5.6.1). */
static bool next_element(const char **p, const char *end, const char **e, size_t *elen)
{
	const char *s = *p, *c;

	while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
		s++;
	if (s == end)
		return false;
	c = memchr(s, ',', (size_t)(end - s));
	if (!c)
		c = end;
	*p = c;
	while (c > s && (c[-1] == ' ' || c[-1] == '\t'))
		c--;
	*e = s;
	*elen = (size_t)(c - s);
	return true;
}

static bool list_has(const struct rb_http_response *r, const char *field, const char *token)
{
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct rb_http_header *h = &r->headers[i];
		const char *p = h->value, *e;
		size_t elen;

		if (!rb_http_token_eq(h->name, h->name_len, field))
			continue;
		while (next_element(&p, h->value + h->value_len, &e, &elen))
			if (rb_http_token_eq(e, elen, token))
				return true;
	}
	return false;
}

/*
 * RFC 9110 §8.6: several Content-Length values (fields or list elements) are
 * acceptable only when identical. Returns 1 found, 0 absent, -EBADMSG.
 */
static int content_length(const struct rb_http_response *r, uint64_t *out)
{
	bool found = false;

	for (size_t i = 0; i < r->num_headers; i++) {
		const struct rb_http_header *h = &r->headers[i];
		const char *p = h->value, *e;
		size_t elen;
		uint64_t v;

		if (!rb_http_token_eq(h->name, h->name_len, "Content-Length"))
			continue;
		if (!h->value_len)
			return -EBADMSG;
		while (next_element(&p, h->value + h->value_len, &e, &elen)) {
			if (rb_http_parse_u64(e, elen, &v))
				return -EBADMSG;
			if (found && v != *out)
				return -EBADMSG;
			*out = v;
			found = true;
		}
	}
	return found;
}

/* Transfer-Encoding: only "chunked" is ever acceptable (we send no TE). */
static int transfer_encoding(const struct rb_http_response *r, bool *present)
{
	int n = 0;

	*present = false;
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct rb_http_header *h = &r->headers[i];
		const char *p = h->value, *e;
		size_t elen;

		if (!rb_http_token_eq(h->name, h->name_len, "Transfer-Encoding"))
			continue;
		*present = true;
		while (next_element(&p, h->value + h->value_len, &e, &elen)) {
			/* RFC 9112 §6.1: chunked must not be applied twice */
			if (!rb_http_token_eq(e, elen, "chunked") || n++)
				return -EBADMSG;
		}
	}
	return *present && !n ? -EBADMSG : 0;
}

/* "bytes FIRST-LAST/TOTAL", or "/" "*" for an unknown total */
static int content_range(const struct rb_http_header *h, struct rb_http_info *info)
{
	const char *p = h->value, *end = h->value + h->value_len, *dash, *slash;

	if (h->value_len < 6 || strncasecmp(p, "bytes ", 6))
		return -EBADMSG;
	p += 6;
	dash = memchr(p, '-', (size_t)(end - p));
	if (!dash)
		return -EBADMSG;
	slash = memchr(dash, '/', (size_t)(end - dash));
	if (!slash)
		return -EBADMSG;
	if (rb_http_parse_u64(p, (size_t)(dash - p), &info->range_first) ||
	    rb_http_parse_u64(dash + 1, (size_t)(slash - dash - 1), &info->range_last))
		return -EBADMSG;
	if (end - slash == 2 && slash[1] == '*')
		info->range_total = UINT64_MAX;
	else if (rb_http_parse_u64(slash + 1, (size_t)(end - slash - 1), &info->range_total))
		return -EBADMSG;
	if (info->range_last < info->range_first ||
	    (info->range_total != UINT64_MAX && info->range_last >= info->range_total))
		return -EBADMSG;
	info->has_range = true;
	return 0;
}

/* RFC 9110 §10.2.3: delta-seconds or an HTTP-date (IMF-fixdate). */
static int64_t retry_after(const struct rb_http_header *h)
{
	char date[64];
	struct tm tm = { 0 };
	uint64_t v;
	time_t t, now;
	char *rest;

	if (!rb_http_parse_u64(h->value, h->value_len, &v))
		return v > INT32_MAX ? INT32_MAX : (int64_t)v;
	if (h->value_len >= sizeof(date))
		return -1;
	memcpy(date, h->value, h->value_len);
	date[h->value_len] = '\0';
	rest = strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!rest || *rest)
		return -1;
	t = timegm(&tm);
	now = time(NULL);
	return t > now ? (int64_t)(t - now) : 0;
}

static void persistence(const struct rb_http_response *r, struct rb_http_info *info)
{
	/* RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive" */
	if (list_has(r, "Connection", "close"))
		info->keep_alive = false;
	else if (r->minor_version == 0)
		info->keep_alive = list_has(r, "Connection", "keep-alive");
	else
		info->keep_alive = true;
}

int rb_http_interpret(const struct rb_http_response *r, bool head_request,
		      struct rb_http_info *info)
{
	const struct rb_http_header *cr, *ra;
	bool te;
	int cl, err;

	memset(info, 0, sizeof(*info));
	info->retry_after = -1;
	info->location = rb_http_find(r, "Location");
	info->etag = rb_http_find(r, "ETag");
	info->last_modified = rb_http_find(r, "Last-Modified");
	ra = rb_http_find(r, "Retry-After");
	if (ra)
		info->retry_after = retry_after(ra);
	persistence(r, info);

	cl = content_length(r, &info->content_length);
	if (cl < 0)
		return cl;
	err = transfer_encoding(r, &te);
	if (err)
		return err;
	if (r->status == 206) {
		cr = rb_http_find(r, "Content-Range");
		if (!cr || content_range(cr, info))
			return -EBADMSG;
	}

	/* RFC 9112 §6.3, in its order */
	if (head_request || r->status < 200 || r->status == 204 || r->status == 304) {
		info->framing = RB_HTTP_BODY_NONE;
	} else if (te) {
		info->framing = RB_HTTP_BODY_CHUNKED;
		/* item 3: both present is a smuggling attempt; never reuse */
		if (cl)
			info->keep_alive = false;
	} else if (cl) {
		info->framing = RB_HTTP_BODY_LENGTH;
	} else {
		info->framing = RB_HTTP_BODY_CLOSE;
		info->keep_alive = false;
	}
	if (info->has_range && info->framing == RB_HTTP_BODY_LENGTH &&
	    info->content_length != info->range_last - info->range_first + 1)
		return -EBADMSG;
	return 0;
}
