/*
 * smtp_reply.h - parse SMTP server replies (RFC 5321 §4.2) from a byte
 * stream, with hard limits: a line is at most 512 octets with its CRLF
 * (RFC 5321 §4.5.3.1.5), a reply has at most a given number of lines and
 * bytes. Anything else is an error with a one-line reason, never a hang or
 * a bigger buffer.
 */
#ifndef MXD_SMTP_REPLY_H
#define MXD_SMTP_REPLY_H

#include <stddef.h>

#include "common/mxd.h"

/** Longest reply line, CRLF included (RFC 5321 §4.5.3.1.5). */
#define SMTP_LINE_MAX		512
/** Default cap on the lines of one reply (an EHLO reply has ~20). */
#define SMTP_REPLY_LINES_MAX	64
/** Default cap on the bytes of one reply. */
#define SMTP_REPLY_BYTES_MAX	8192

/**
 * One reply, built up line by line by smtp_reply_feed(). The text of each
 * line (what follows "NNN-" or "NNN ") is kept in @c text, one line per
 * '\n'-terminated row, raw (not sanitised: print it through mxd_sanitize()).
 */
struct smtp_reply {
	int		 code;		/**< 200..599, 0 while none */
	size_t		 nlines;	/**< lines seen so far */
	size_t		 bytes;		/**< octets seen so far */
	int		 done;		/**< the last line has been seen */
	size_t		 max_lines;	/**< cap on nlines */
	size_t		 max_bytes;	/**< cap on bytes */
	struct mxd_buf	 text;		/**< line texts, '\n' after each */
};

/**
 * Prepare an empty reply with the given caps (0: the defaults).
 * Release with smtp_reply_free().
 */
void	smtp_reply_init(struct smtp_reply *r, size_t max_lines,
	    size_t max_bytes);

/** Forget the reply, keep the caps and the storage (for the next one). */
void	smtp_reply_reset(struct smtp_reply *r);

/** Free the storage. The reply may be reset and used again. */
void	smtp_reply_free(struct smtp_reply *r);

/**
 * Feed received bytes. Whole lines are taken from @p data until the reply
 * is complete; an incomplete last line is left for the next call (with
 * more data appended), unless it already exceeds the line limit.
 * @p data holds @p len received bytes (not NUL-terminated); on return
 * *@p used says how many of them were taken.
 * @return 1 when the reply is complete (call smtp_reply_reset() before
 *	feeding the next one), 0 when more input is needed (all whole lines
 *	were taken), MXD_EPROTO (not a reply, wrong code, continuation code
 *	mismatch) or MXD_ENOSPC (a limit was hit), with the reason in @p err.
 */
int	smtp_reply_feed(struct smtp_reply *r, const char *data, size_t len,
	    size_t *used, struct mxd_err *err);

/**
 * Does any line after the first begin with the keyword @p kw (an EHLO
 * extension, RFC 5321 §4.1.1.1), compared without regard to case?
 */
int	smtp_reply_has_keyword(const struct smtp_reply *r, const char *kw);

/**
 * The reply in one printable line for messages: "454 4.7.0 TLS not
 * available", the first line only, sanitised, cut to fit @p outsz.
 * @return @p out.
 */
char	*smtp_reply_summary(const struct smtp_reply *r, char *out,
	    size_t outsz);

#endif /* MXD_SMTP_REPLY_H */
