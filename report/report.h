/*
 * report.h - renderers of the result model (report/model.h): the
 * operator's text report and the `check --json` line (DESIGN.md). They
 * only read the model; they never resolve or connect.
 */
#ifndef MXD_REPORT_H
#define MXD_REPORT_H

struct mxd_buf;
struct report_domain;

/**
 * Append the text report of one domain to @p out: the verdict first, then
 * one block per MX host with its TLSA records and one line per address.
 * @param[in] d the domain report.
 * @param[in] color use ANSI colours (the caller decides: cli_color()).
 * @param[out] out the buffer appended to.
 * @return 0, MXD_ENOSPC (the buffer's maximum) or MXD_ENOMEM.
 */
int	report_text(const struct report_domain *d, int color,
	    struct mxd_buf *out);

/**
 * Append one JSON object (one line, ending in a newline) with every field
 * of the `check --json` contract and more.
 * @return 0, MXD_ENOSPC or MXD_ENOMEM.
 */
int	report_json(const struct report_domain *d, struct mxd_buf *out);

#endif /* MXD_REPORT_H */
