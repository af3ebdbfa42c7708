/*
 * dname.c - host name validation and normalisation, shared by the
 * subcommands that take host names (tlsa, check, rollover).
 *
 * A host name is a sequence of LDH labels (RFC 1123 §2.1, RFC 3696 §2): at
 * most 63 octets each and 253 in all (RFC 1035 §2.3.4, without the
 * trailing dot). A name with non-ASCII characters is converted with libidn2
 * (IDNA2008, UTS #46 non-transitional processing, the mapping browsers and
 * MTAs use) into A-labels; an ASCII label that claims to be an A-label
 * ("xn--") must decode. RFC 7672 §8.1 and RFC 7671 §7 want the A-label form
 * for SNI and TLSA owner names, which is what this gives.
 *
 * It does not resolve anything.
 */
#include <string.h>

#include <idn2.h>

#include "common/dname.h"
#include "common/mxd.h"

/* Input longer than this is refused before any conversion. */
#define DNAME_INPUT_MAX		1024

static int	check_ldh(const char *name, const char *shown,
		    struct mxd_err *err);
static int	has_alabel(const char *name);
static int	is_digit_label(const char *label, size_t len);

/* is_digit_label - is the label all decimal digits? */
static int
is_digit_label(const char *label, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (label[i] < '0' || label[i] > '9') {
			return 0;
		}
	}
	return len > 0;
}

/* has_alabel - does any label start with "xn--" (any case)? */
static int
has_alabel(const char *name)
{
	const char *p = name;

	for (;;) {
		if (strncasecmp(p, "xn--", 4) == 0) {
			return 1;
		}
		p = strchr(p, '.');
		if (p == NULL) {
			return 0;
		}
		p++;
	}
}

/* check_ldh - the LDH rules on an ASCII name without trailing dot */
static int
check_ldh(const char *name, const char *shown, struct mxd_err *err)
{
	const char	*label = name, *p;
	size_t		 len, n = 1;

	if (strlen(name) > MXD_DNAME_MAX) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "host name '%s' is longer than %d octets", shown,
		    MXD_DNAME_MAX);
	}
	for (;;) {
		len = strcspn(label, ".");
		if (len == 0) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s' has an empty label", shown);
		}
		if (len > 63) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s': label %zu is longer than 63 "
			    "octets", shown, n);
		}
		for (p = label; p < label + len; p++) {
			if (*p == '_') {
				return mxd_err_set(err, MXD_EBADDATA,
				    "host name '%s': underscore labels are "
				    "not host names", shown);
			}
			if (!((*p >= 'a' && *p <= 'z') ||
			    (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-')) {
				return mxd_err_set(err, MXD_EBADDATA,
				    "host name '%s': only letters, digits "
				    "and '-' are allowed in a label", shown);
			}
		}
		if (label[0] == '-' || label[len - 1] == '-') {
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s': label %zu starts or ends with "
			    "'-'", shown, n);
		}
		if (label[len] == '\0') {
			break;
		}
		label += len + 1;
		n++;
	}
	/* RFC 3696 §2: a top-level label is never all-numeric. */
	if (is_digit_label(label, len)) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "'%s' is an address, not a host name", shown);
	}
	return 0;
}

/* mxd_dname_normalize - validated, lower-case A-label form of a name */
int
mxd_dname_normalize(const char *in, char *out, size_t outsz,
    struct mxd_err *err)
{
	char		 shown[72], buf[DNAME_INPUT_MAX + 1];
	char		*ascii = NULL, *uni = NULL;
	const char	*name;
	size_t		 len, i;
	int		 rc, non_ascii = 0;

	if (in == NULL || out == NULL || outsz == 0) {
		return mxd_err_set(err, MXD_EINVAL, "no host name");
	}
	len = strnlen(in, DNAME_INPUT_MAX + 1);
	(void)mxd_sanitize(in, len, shown, 64);
	if (len > DNAME_INPUT_MAX) {
		return mxd_err_set(err, MXD_EBADDATA,
		    "host name '%s' is far too long", shown);
	}
	if (len == 0 || (len == 1 && in[0] == '.')) {
		return mxd_err_set(err, MXD_EBADDATA, "empty host name");
	}
	memcpy(buf, in, len + 1);
	if (buf[len - 1] == '.') {
		buf[--len] = '\0';
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x80) {
			non_ascii = 1;
		} else if (c < 0x20 || c == 0x7f) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s' contains a control character",
			    shown);
		}
	}
	name = buf;
	if (non_ascii) {
		rc = idn2_to_ascii_8z(buf, &ascii, IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK) {
			if (rc == IDN2_MALLOC) {
				return mxd_err_set(err, MXD_ENOMEM,
				    "out of memory");
			}
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s' is not a valid internationalised "
			    "name (%s)", shown, idn2_strerror(rc));
		}
		name = ascii;
	} else if (has_alabel(buf)) {
		/* An "xn--" label must be a real A-label. */
		rc = idn2_to_unicode_8z8z(buf, &uni, 0);
		idn2_free(uni);
		if (rc != IDN2_OK) {
			return mxd_err_set(err, MXD_EBADDATA,
			    "host name '%s' has an 'xn--' label that is not "
			    "a valid A-label (%s)", shown, idn2_strerror(rc));
		}
	}
	rc = check_ldh(name, shown, err);
	if (rc != 0) {
		goto done;
	}
	len = strlen(name);
	if (len + 1 > outsz) {
		rc = mxd_err_set(err, MXD_ENOSPC,
		    "host name '%s' does not fit in %zu octets", shown, outsz);
		goto done;
	}
	for (i = 0; i <= len; i++) {
		char c = name[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
done:
	idn2_free(ascii);
	return rc;
}
