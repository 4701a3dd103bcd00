// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * HTTP/1.1 response head parser (see http_parse.h). Grammar references are
 * to RFC 9112 (message syntax) and RFC 9110 (semantics).
 */
#include <errno.h>
#include <string.h>

#include "http_parse.h"

bool rb_http_token_eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !strncasecmp(s, lit, len);
}

int rb_http_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* RFC 9110 §5.6.2 tchar */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

/* RFC 9110 §5.5 field-vchar, SP, HTAB and obs-text: no controls, no NUL. */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/*
 * Find the end of the head: the blank line after the status line and fields.
 * RFC 9112 §2.2 lets a recipient accept a bare LF as line terminator.
 */
static size_t find_head_end(const char *buf, size_t len, size_t from)
{
	for (size_t i = from; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Length of the line at p (without its terminator); *next is after it. */
static int split_line(const char *p, const char *end, size_t *line_len, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e;

	if (!nl)
		return -EBADMSG;
	e = nl;
	if (e > p && e[-1] == '\r')
		e--;
	/* a bare CR anywhere else is not a line terminator: refuse it */
	if (memchr(p, '\r', (size_t)(e - p)))
		return -EBADMSG;
	*line_len = (size_t)(e - p);
	*next = nl + 1;
	return 0;
}

/* RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ] */
static int parse_status_line(const char *p, size_t len, struct rb_http_response *r)
{
	if (len < 12 || memcmp(p, "HTTP/1.", 7) || p[7] < '0' || p[7] > '9' || p[8] != ' ')
		return -EBADMSG;
	r->minor_version = p[7] - '0';
	for (int i = 9; i < 12; i++)
		if (p[i] < '0' || p[i] > '9')
			return -EBADMSG;
	r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (r->status < 100)
		return -EBADMSG;
	if (len == 12) {
		r->reason = p + 12;
		r->reason_len = 0;
		return 0;
	}
	if (p[12] != ' ')
		return -EBADMSG;
	for (size_t i = 13; i < len; i++)
		if (!is_value_char((unsigned char)p[i]))
			return -EBADMSG;
	r->reason = p + 13;
	r->reason_len = len - 13;
	return 0;
}

/* RFC 9112 §5.1: field-line = field-name ":" OWS field-value OWS */
static int parse_field(const char *p, size_t len, struct rb_http_header *h)
{
	size_t i = 0, vs, ve;

	/* obs-fold (RFC 9112 §5.2) and whitespace before the colon are refused */
	while (i < len && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i == len || p[i] != ':')
		return -EBADMSG;
	h->name = p;
	h->name_len = i;
	vs = i + 1;
	while (vs < len && (p[vs] == ' ' || p[vs] == '\t'))
		vs++;
	ve = len;
	while (ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t'))
		ve--;
	for (size_t k = vs; k < ve; k++)
		if (!is_value_char((unsigned char)p[k]))
			return -EBADMSG;
	h->value = p + vs;
	h->value_len = ve - vs;
	return 0;
}

int rb_http_parse_response(const char *buf, size_t len, struct rb_http_response *r)
{
	size_t head_len, from, line_len;
	const char *p, *end, *next;
	int err;

	/* refuse a non-HTTP peer at once instead of waiting for a blank line */
	if (memcmp(buf, "HTTP/1.", len < 7 ? len : 7))
		return -EBADMSG;
	from = r->scanned > 2 ? r->scanned - 2 : 0;
	head_len = find_head_end(buf, len, from);
	if (!head_len) {
		r->scanned = len;
		return len > RB_HTTP_MAX_HEAD ? -E2BIG : -EAGAIN;
	}
	if (head_len > RB_HTTP_MAX_HEAD)
		return -E2BIG;

	end = buf + head_len;
	r->num_headers = 0;
	err = split_line(buf, end, &line_len, &next);
	if (err)
		return err;
	err = parse_status_line(buf, line_len, r);
	if (err)
		return err;
	for (p = next; p < end; p = next) {
		err = split_line(p, end, &line_len, &next);
		if (err)
			return err;
		if (!line_len)
			break;	/* the blank line that ends the head */
		if (r->num_headers == RB_HTTP_MAX_HEADERS)
			return -E2BIG;
		err = parse_field(p, line_len, &r->headers[r->num_headers]);
		if (err)
			return err;
		r->num_headers++;
	}
	return (int)head_len;
}

const struct rb_http_header *rb_http_find(const struct rb_http_response *r, const char *name)
{
	for (size_t i = 0; i < r->num_headers; i++)
		if (rb_http_token_eq(r->headers[i].name, r->headers[i].name_len, name))
			return &r->headers[i];
	return NULL;
}
