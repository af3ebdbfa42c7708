/*
 * dname.h - host names as mxdane uses them: validated as DNS host names
 * (RFC 1123 §2.1, RFC 1035 §2.3.4) and internationalised names converted
 * to their A-label form (IDNA2008 with UTS #46 non-transitional mapping).
 */
#ifndef MXD_DNAME_H
#define MXD_DNAME_H

#include <stddef.h>

struct mxd_err;

/** Longest host name in text, without trailing dot (RFC 1035 §2.3.4). */
#define MXD_DNAME_MAX		253

/**
 * Validate a host name and give its canonical form: lower-case, A-labels
 * for internationalised labels, no trailing dot. Labels are 1-63 octets of
 * letters, digits and hyphens, not starting or ending with a hyphen; the
 * whole name is at most 253 octets; one trailing dot is accepted. Names
 * with underscore labels (such as "_25._tcp.mx.example") and all-numeric
 * last labels (IPv4 addresses) are not host names and are refused.
 * @param[in] in the name as given (UTF-8 or ASCII).
 * @param[out] out the canonical form.
 * @param[in] outsz the size of @p out; MXD_DNAME_MAX + 1 is always enough.
 * @param[out] err the reason why the name was refused.
 * @return 0, MXD_EBADDATA (not a host name; reason in @p err),
 *     MXD_ENOSPC (@p out too small), MXD_ENOMEM or MXD_EINVAL.
 */
int	mxd_dname_normalize(const char *in, char *out, size_t outsz,
	    struct mxd_err *err);

#endif /* MXD_DNAME_H */
