/*
 * mxd.c - errors, allocation, bounded buffers and display helpers shared by
 * every mxdane module. Nothing here prints, except mxd_panic_at(), which is
 * reserved for broken internal invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "mxd.h"

static unsigned long	alloc_fail_at;	/* 0: never fail */
static unsigned long	alloc_seen;

static int	alloc_should_fail(void);

/* alloc_should_fail - count one allocation; true if it is to fail */
static int
alloc_should_fail(void)
{
	alloc_seen++;
	return alloc_fail_at != 0 && alloc_seen >= alloc_fail_at;
}

/* mxd_alloc_fail_after - make the nth allocation from now on fail */
void
mxd_alloc_fail_after(unsigned long n)
{
	alloc_seen = 0;
	alloc_fail_at = n;
}

/* mxd_alloc_count - how many allocations were made */
unsigned long
mxd_alloc_count(int reset)
{
	unsigned long n = alloc_seen;

	if (reset) {
		alloc_seen = 0;
	}
	return n;
}

/* mxd_malloc - malloc() with failure injection */
void *
mxd_malloc(size_t n)
{
	if (alloc_should_fail()) {
		return NULL;
	}
	return malloc(n == 0 ? 1 : n);
}

/* mxd_calloc - calloc() with failure injection */
void *
mxd_calloc(size_t nmemb, size_t size)
{
	if (alloc_should_fail()) {
		return NULL;
	}
	if (nmemb == 0 || size == 0) {
		nmemb = 1;
		size = 1;
	}
	return calloc(nmemb, size);
}

/* mxd_realloc - realloc() with failure injection */
void *
mxd_realloc(void *p, size_t n)
{
	if (alloc_should_fail()) {
		return NULL;
	}
	return realloc(p, n == 0 ? 1 : n);
}

/* mxd_strdup - strdup() with failure injection */
char *
mxd_strdup(const char *s)
{
	return mxd_strndup(s, strlen(s));
}

/* mxd_strndup - strndup() with failure injection */
char *
mxd_strndup(const char *s, size_t n)
{
	size_t	 len = strnlen(s, n);
	char	*p;

	p = mxd_malloc(len + 1);
	if (p == NULL) {
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* mxd_free - free(); NULL is a no-op */
void
mxd_free(void *p)
{
	free(p);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* mxd_err_clear - empty an error record */
void
mxd_err_clear(struct mxd_err *e)
{
	if (e != NULL) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

/* mxd_err_set - record an error code and message */
int
mxd_err_set(struct mxd_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL) {
		return code;
	}
	e->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* mxd_err_ssl - record an error with the reason OpenSSL gives */
int
mxd_err_ssl(struct mxd_err *e, int code, const char *fmt, ...)
{
	unsigned long	 ossl;
	const char	*reason;
	size_t		 len;
	va_list		 ap;

	ossl = ERR_get_error();
	ERR_clear_error();
	if (e == NULL) {
		return code;
	}
	e->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	reason = ossl != 0 ? ERR_reason_error_string(ossl) : NULL;
	if (reason != NULL) {
		len = strlen(e->msg);
		(void)snprintf(e->msg + len, sizeof(e->msg) - len, " (%s)",
		    reason);
	}
	return code;
}

/* mxd_strerror - English text of an MXD_E* code */
const char *
mxd_strerror(int code)
{
	switch (code) {
	case MXD_OK:
		return "success";
	case MXD_ENOMEM:
		return "out of memory";
	case MXD_EINVAL:
		return "invalid argument";
	case MXD_ENOSPC:
		return "size limit reached";
	case MXD_ENOENT:
		return "no such file or name";
	case MXD_EACCES:
		return "permission denied";
	case MXD_EEXIST:
		return "already exists";
	case MXD_EIO:
		return "input/output error";
	case MXD_ETIMEDOUT:
		return "timed out";
	case MXD_EPROTO:
		return "protocol error";
	case MXD_EBADDATA:
		return "bad data";
	case MXD_ECRYPTO:
		return "cryptographic library error";
	case MXD_EDNS:
		return "DNS lookup failed";
	case MXD_EMISMATCH:
		return "inputs do not agree";
	case MXD_EUNSUPP:
		return "not supported";
	default:
		return "unknown error";
	}
}

/* mxd_panic_at - a bug: report where and abort */
void
mxd_panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "mxdane: panic at %s:%d: ", file, line);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	abort();
}

/* ------------------------------------------------------------------ */
/* Bounded buffers                                                     */
/* ------------------------------------------------------------------ */

/* mxd_buf_init - an empty buffer that never grows past max bytes */
void
mxd_buf_init(struct mxd_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/* buf_reserve - make room for n more bytes plus a terminator */
static int
buf_reserve(struct mxd_buf *b, size_t n)
{
	size_t	 need, ncap;
	char	*p;

	if (n > b->max || b->len > b->max - n) {
		return MXD_ENOSPC;
	}
	need = b->len + n + 1;
	if (need <= b->cap) {
		return 0;
	}
	ncap = b->cap == 0 ? 64 : b->cap;
	while (ncap < need) {
		ncap *= 2;
	}
	if (ncap > b->max + 1) {
		ncap = b->max + 1;
	}
	p = mxd_realloc(b->data, ncap);
	if (p == NULL) {
		return MXD_ENOMEM;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

/* mxd_buf_append - add n bytes */
int
mxd_buf_append(struct mxd_buf *b, const void *p, size_t n)
{
	int rc;

	rc = buf_reserve(b, n);
	if (rc != 0) {
		return rc;
	}
	if (n > 0) {
		memcpy(b->data + b->len, p, n);
	}
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* mxd_buf_puts - add a string */
int
mxd_buf_puts(struct mxd_buf *b, const char *s)
{
	return mxd_buf_append(b, s, strlen(s));
}

/* mxd_buf_vprintf - add formatted text */
int
mxd_buf_vprintf(struct mxd_buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n, rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		return MXD_EINVAL;
	}
	rc = buf_reserve(b, (size_t)n);
	if (rc != 0) {
		return rc;
	}
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

/* mxd_buf_printf - add formatted text */
int
mxd_buf_printf(struct mxd_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = mxd_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/* mxd_buf_consume - drop the first n bytes */
void
mxd_buf_consume(struct mxd_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data != NULL) {
		b->data[b->len] = '\0';
	}
}

/* mxd_buf_reset - empty the buffer, keep its storage */
void
mxd_buf_reset(struct mxd_buf *b)
{
	b->len = 0;
	if (b->data != NULL) {
		b->data[0] = '\0';
	}
}

/* mxd_buf_free - release the storage */
void
mxd_buf_free(struct mxd_buf *b)
{
	mxd_free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* mxd_buf_steal - hand the storage to the caller */
char *
mxd_buf_steal(struct mxd_buf *b)
{
	char *p;

	if (b->data == NULL && buf_reserve(b, 0) != 0) {
		return NULL;
	}
	b->data[b->len] = '\0';
	p = b->data;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

/* ------------------------------------------------------------------ */
/* Display helpers                                                     */
/* ------------------------------------------------------------------ */

/* mxd_hex_encode - lower-case hex */
void
mxd_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* mxd_sanitize - printable, length-capped copy of untrusted text */
char *
mxd_sanitize(const char *in, size_t inlen, char *out, size_t outsz)
{
	size_t i, o = 0;

	if (outsz == 0) {
		return out;
	}
	for (i = 0; i < inlen && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		out[o++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	if (i < inlen && outsz > 4) {
		o = o > outsz - 4 ? outsz - 4 : o;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* mxd_hex_abbrev - head...tail form of a long hex string */
char *
mxd_hex_abbrev(const char *hex, size_t keep, char *out, size_t outsz)
{
	size_t len = strlen(hex);

	if (len <= 2 * keep + 1) {
		(void)snprintf(out, outsz, "%s", hex);
	} else {
		(void)snprintf(out, outsz, "%.*s...%s", (int)keep, hex,
		    hex + len - keep);
	}
	return out;
}
