/*
 * tlsa.h - the TLSA record (RFC 6698 §2; RFC 7218 names): parse the
 * presentation and wire forms, check whether an SMTP client may use it
 * (RFC 7672 §3.1.3, RFC 7671 §4.1, §9), format and compare it.
 */
#ifndef MXD_TLSA_H
#define MXD_TLSA_H

#include <stddef.h>
#include <stdint.h>

struct mxd_err;

enum tlsa_usage {
	TLSA_USAGE_PKIX_TA	= 0,
	TLSA_USAGE_PKIX_EE	= 1,
	TLSA_USAGE_DANE_TA	= 2,
	TLSA_USAGE_DANE_EE	= 3,
};

enum tlsa_selector {
	TLSA_SEL_CERT		= 0,
	TLSA_SEL_SPKI		= 1,
};

enum tlsa_mtype {
	TLSA_MTYPE_FULL		= 0,
	TLSA_MTYPE_SHA256	= 1,
	TLSA_MTYPE_SHA512	= 2,
};

/* Association data never exceeds what fits in one RDATA. */
#define TLSA_DATA_MAX		(65535 - 3)

/** One TLSA record. data is owned by the record (tlsa_rr_clear()). */
struct tlsa_rr {
	uint8_t		 usage;
	uint8_t		 selector;
	uint8_t		 mtype;
	uint8_t		*data;
	size_t		 len;
};

/** Why an SMTP client must not use a record (0: it may). */
enum tlsa_unusable {
	TLSA_USABLE = 0,
	TLSA_UNUSABLE_EMPTY,		/* no association data */
	TLSA_UNUSABLE_PKIX,		/* usage 0 or 1: not for SMTP */
	TLSA_UNUSABLE_USAGE,		/* usage unassigned or private */
	TLSA_UNUSABLE_SELECTOR,		/* selector unassigned or private */
	TLSA_UNUSABLE_MTYPE,		/* matching type unassigned/private */
	TLSA_UNUSABLE_LENGTH,		/* digest of the wrong length */
	TLSA_UNUSABLE_FULL_DATA,	/* Full(0) data is not a DER cert/SPKI */
};

/**
 * Parse the presentation form "U S M HEX": decimal fields 0-255, hex in
 * any case with white space allowed inside it (zone files split long
 * values), an even number of digits. Values that are well-formed but
 * unusable (usage 1, a short digest) parse fine; see tlsa_rr_usable().
 * @param[in] text the record, e.g. "3 1 1 29c8...".
 * @param[out] rr filled on success; free with tlsa_rr_clear().
 * @param[out] err the reason on failure; may be NULL.
 * @return 0, MXD_EBADDATA (message in @p err), or MXD_ENOMEM.
 */
int	tlsa_rr_parse(const char *text, struct tlsa_rr *rr, struct mxd_err *err);

/**
 * Decode wire RDATA (usage, selector, matching type, data), as libunbound
 * hands it over. @return 0, MXD_EBADDATA (shorter than 3 octets) or
 * MXD_ENOMEM.
 */
int	tlsa_rr_from_wire(const uint8_t *rdata, size_t len, struct tlsa_rr *rr,
	    struct mxd_err *err);

/** May an SMTP client use this record? TLSA_USABLE or the reason not. */
enum tlsa_unusable	tlsa_rr_usable(const struct tlsa_rr *rr);

/** One-line English reason for an enum tlsa_unusable value. */
const char	*tlsa_unusable_str(enum tlsa_unusable why);

/**
 * Presentation form "U S M hex" (lower-case, one token).
 * @return a string the caller frees with mxd_free(), or NULL (no memory).
 */
char	*tlsa_rr_format(const struct tlsa_rr *rr);

/** Total order: usage, selector, matching type, then data. */
int	tlsa_rr_cmp(const struct tlsa_rr *a, const struct tlsa_rr *b);

/** Deep copy. @return 0 or MXD_ENOMEM. */
int	tlsa_rr_copy(struct tlsa_rr *dst, const struct tlsa_rr *src);

/** Free the data; the record is left empty. NULL is a no-op. */
void	tlsa_rr_clear(struct tlsa_rr *rr);

/** RFC 7218 acronyms: "DANE-EE", "SPKI", "SHA2-256"; NULL if unknown. */
const char	*tlsa_usage_name(unsigned usage);
const char	*tlsa_selector_name(unsigned selector);
const char	*tlsa_mtype_name(unsigned mtype);

#endif /* MXD_TLSA_H */
