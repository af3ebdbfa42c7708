/*
 * tlsa_standin.c - a test-only stand-in for the parts of tlsa/tlsa.h that
 * the SMTP probe tests need, for as long as the library has no tlsa.c.
 * Included by test programs, never part of the library. Every function is
 * weak, so that the library's own definitions win as soon as they exist;
 * delete this file then.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/mxd.h"
#include "tlsa/tlsa.h"

#define STANDIN	__attribute__((weak))

STANDIN void	tlsa_rr_clear(struct tlsa_rr *rr);
STANDIN int	tlsa_rr_parse(const char *text, struct tlsa_rr *rr,
		    struct mxd_err *err);
STANDIN enum tlsa_unusable	tlsa_rr_usable(const struct tlsa_rr *rr);
STANDIN const char	*tlsa_unusable_str(enum tlsa_unusable why);

/* tlsa_rr_clear - free the data */
STANDIN void
tlsa_rr_clear(struct tlsa_rr *rr)
{
	if (rr != NULL) {
		mxd_free(rr->data);
		rr->data = NULL;
		rr->len = 0;
	}
}

/* hexval - one hex digit, -1 if none */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* tlsa_rr_parse - "U S M HEX" (enough for tests) */
STANDIN int
tlsa_rr_parse(const char *text, struct tlsa_rr *rr, struct mxd_err *err)
{
	unsigned long	 v[3];
	const char	*p = text;
	char		*end;
	size_t		 i, n = 0;
	int		 hi = -1, d;

	memset(rr, 0, sizeof(*rr));
	for (i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0 || end == p || v[i] > 255) {
			return mxd_err_set(err, MXD_EBADDATA, "bad TLSA "
			    "field %zu", i + 1);
		}
		p = end;
	}
	rr->data = mxd_malloc(strlen(p) / 2 + 1);
	if (rr->data == NULL) {
		return mxd_err_set(err, MXD_ENOMEM, "out of memory");
	}
	for (; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			continue;
		}
		d = hexval((unsigned char)*p);
		if (d < 0) {
			tlsa_rr_clear(rr);
			return mxd_err_set(err, MXD_EBADDATA, "bad hex");
		}
		if (hi < 0) {
			hi = d;
		} else {
			rr->data[n++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	if (hi >= 0) {
		tlsa_rr_clear(rr);
		return mxd_err_set(err, MXD_EBADDATA, "odd hex");
	}
	rr->usage = (uint8_t)v[0];
	rr->selector = (uint8_t)v[1];
	rr->mtype = (uint8_t)v[2];
	rr->len = n;
	return 0;
}

/* tlsa_rr_usable - RFC 7672 §3.1.3, RFC 7671 §4.1 (no Full(0) parse) */
STANDIN enum tlsa_unusable
tlsa_rr_usable(const struct tlsa_rr *rr)
{
	if (rr->len == 0) {
		return TLSA_UNUSABLE_EMPTY;
	}
	if (rr->usage == 0 || rr->usage == 1) {
		return TLSA_UNUSABLE_PKIX;
	}
	if (rr->usage > 3) {
		return TLSA_UNUSABLE_USAGE;
	}
	if (rr->selector > 1) {
		return TLSA_UNUSABLE_SELECTOR;
	}
	if (rr->mtype > 2) {
		return TLSA_UNUSABLE_MTYPE;
	}
	if ((rr->mtype == 1 && rr->len != 32) ||
	    (rr->mtype == 2 && rr->len != 64)) {
		return TLSA_UNUSABLE_LENGTH;
	}
	return TLSA_USABLE;
}

/* tlsa_unusable_str - why, in words */
STANDIN const char *
tlsa_unusable_str(enum tlsa_unusable why)
{
	switch (why) {
	case TLSA_USABLE:
		return "usable";
	case TLSA_UNUSABLE_PKIX:
		return "usage 0/1 (PKIX) is not used for SMTP";
	case TLSA_UNUSABLE_LENGTH:
		return "digest of the wrong length";
	default:
		return "unusable";
	}
}
