/*
 * smtp_reply.c - incremental parser of SMTP replies (RFC 5321 §4.2).
 *
 * A reply is one or more lines "NNN-text" ending with "NNN text" (or a
 * bare "NNN"), all with the same code, whose first digit is 2 to 5
 * (RFC 5321 §4.2.1). Lines end with CRLF; a bare LF is accepted, as most
 * clients do. Every line is bounded by SMTP_LINE_MAX octets (RFC 5321
 * §4.5.3.1.5) and every reply by a line and a byte cap, so that a server
 * that sends garbage or never ends its reply costs a fixed amount of
 * memory and ends in an error. This module does no I/O.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smtp/smtp_reply.h"

static int	parse_line(struct smtp_reply *, const char *, size_t,
		    struct mxd_err *);

/* smtp_reply_init - an empty reply with caps */
void
smtp_reply_init(struct smtp_reply *r, size_t max_lines, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	r->max_lines = max_lines != 0 ? max_lines : SMTP_REPLY_LINES_MAX;
	r->max_bytes = max_bytes != 0 ? max_bytes : SMTP_REPLY_BYTES_MAX;
	mxd_buf_init(&r->text, r->max_bytes);
}

/* smtp_reply_reset - ready for the next reply */
void
smtp_reply_reset(struct smtp_reply *r)
{
	r->code = 0;
	r->nlines = 0;
	r->bytes = 0;
	r->done = 0;
	mxd_buf_reset(&r->text);
}

/* smtp_reply_free - release the text storage */
void
smtp_reply_free(struct smtp_reply *r)
{
	mxd_buf_free(&r->text);
	smtp_reply_reset(r);
}

/* parse_line - one line without its line end */
static int
parse_line(struct smtp_reply *r, const char *p, size_t n, struct mxd_err *err)
{
	char	shown[48];
	int	code, last, rc;

	if (n < 3 || p[0] < '2' || p[0] > '5' || !isdigit((unsigned char)p[1])
	    || !isdigit((unsigned char)p[2]) ||
	    (n > 3 && p[3] != ' ' && p[3] != '-')) {
		return mxd_err_set(err, MXD_EPROTO, "not an SMTP reply: "
		    "\"%s\"", mxd_sanitize(p, n, shown, sizeof(shown)));
	}
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	if (r->nlines > 0 && code != r->code) {
		return mxd_err_set(err, MXD_EPROTO, "reply code changed from "
		    "%d to %d within one reply", r->code, code);
	}
	if (r->nlines >= r->max_lines) {
		return mxd_err_set(err, MXD_ENOSPC, "reply has more than %zu "
		    "lines", r->max_lines);
	}
	last = n == 3 || p[3] == ' ';
	r->code = code;
	r->nlines++;
	rc = mxd_buf_append(&r->text, n > 4 ? p + 4 : "", n > 4 ? n - 4 : 0);
	if (rc == 0) {
		rc = mxd_buf_append(&r->text, "\n", 1);
	}
	if (rc == MXD_ENOSPC) {
		return mxd_err_set(err, rc, "reply longer than %zu bytes",
		    r->max_bytes);
	}
	if (rc != 0) {
		return mxd_err_set(err, rc, "%s", mxd_strerror(rc));
	}
	r->done = last;
	return 0;
}

/* smtp_reply_feed - take whole lines until the reply is complete */
int
smtp_reply_feed(struct smtp_reply *r, const char *data, size_t len,
    size_t *used, struct mxd_err *err)
{
	const char	*nl;
	size_t		 off = 0, n, linelen;
	int		 rc;

	*used = 0;
	if (r->done) {
		return 1;
	}
	while (off < len) {
		n = len - off;
		nl = memchr(data + off, '\n', n);
		if (nl == NULL) {
			/* A partial line may not already be too long. */
			if (n >= SMTP_LINE_MAX) {
				return mxd_err_set(err, MXD_ENOSPC, "reply "
				    "line longer than %d octets",
				    SMTP_LINE_MAX);
			}
			break;
		}
		linelen = (size_t)(nl - (data + off)) + 1;	/* with LF */
		if (linelen > SMTP_LINE_MAX) {
			return mxd_err_set(err, MXD_ENOSPC, "reply line longer "
			    "than %d octets", SMTP_LINE_MAX);
		}
		if (r->bytes + linelen > r->max_bytes) {
			return mxd_err_set(err, MXD_ENOSPC, "reply longer than "
			    "%zu bytes", r->max_bytes);
		}
		n = linelen - 1;
		if (n > 0 && data[off + n - 1] == '\r') {
			n--;
		}
		rc = parse_line(r, data + off, n, err);
		if (rc != 0) {
			return rc;
		}
		r->bytes += linelen;
		off += linelen;
		if (r->done) {
			break;
		}
	}
	*used = off;
	return r->done ? 1 : 0;
}

/* smtp_reply_has_keyword - is this EHLO extension offered? */
int
smtp_reply_has_keyword(const struct smtp_reply *r, const char *kw)
{
	const char	*p, *end, *nl;
	size_t		 kwlen = strlen(kw);

	if (r->text.data == NULL) {
		return 0;
	}
	p = r->text.data;
	end = p + r->text.len;
	/* The first line is the greeting, not an extension. */
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL) {
		return 0;
	}
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			break;
		}
		if ((size_t)(nl - p) >= kwlen &&
		    strncasecmp(p, kw, kwlen) == 0 &&
		    ((size_t)(nl - p) == kwlen || p[kwlen] == ' ')) {
			return 1;
		}
	}
	return 0;
}

/* smtp_reply_summary - "CODE first line", printable */
char *
smtp_reply_summary(const struct smtp_reply *r, char *out, size_t outsz)
{
	char		 text[128];
	const char	*p = r->text.data != NULL ? r->text.data : "";
	const char	*nl = strchr(p, '\n');
	size_t		 n = nl != NULL ? (size_t)(nl - p) : strlen(p);

	(void)mxd_sanitize(p, n, text, sizeof(text));
	if (text[0] != '\0') {
		(void)snprintf(out, outsz, "%d %s", r->code, text);
	} else {
		(void)snprintf(out, outsz, "%d", r->code);
	}
	return out;
}
