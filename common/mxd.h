/*
 * mxd.h - what every mxdane module shares: error codes and the error record,
 * bounded buffers, allocation wrappers with a failure hook for tests, and
 * helpers for printing strings that came from strangers.
 */
#ifndef MXD_H
#define MXD_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Error codes. Library functions return 0 or one of these (negative).
 * Where an errno value fits, the code is its negation.
 */
enum {
	MXD_OK		= 0,
	MXD_ENOMEM	= -ENOMEM,	/* allocation failed */
	MXD_EINVAL	= -EINVAL,	/* bad argument at a public boundary */
	MXD_ENOSPC	= -ENOSPC,	/* a bounded buffer reached its maximum */
	MXD_ENOENT	= -ENOENT,	/* file or name does not exist */
	MXD_EACCES	= -EACCES,	/* permission denied */
	MXD_EEXIST	= -EEXIST,	/* would overwrite an existing file */
	MXD_EIO		= -EIO,		/* read or write failed */
	MXD_ETIMEDOUT	= -ETIMEDOUT,	/* a step took longer than allowed */
	MXD_EPROTO	= -EPROTO,	/* the peer broke the protocol */
	MXD_EBADDATA	= -1000,	/* input is not what it should be */
	MXD_ECRYPTO	= -1001,	/* OpenSSL failed */
	MXD_EDNS	= -1002,	/* a DNS lookup failed */
	MXD_EMISMATCH	= -1003,	/* two inputs that must agree do not */
	MXD_EUNSUPP	= -1004,	/* valid, but not something we handle */
};

/** One error: a code and a one-line message without trailing newline. */
struct mxd_err {
	int	 code;			/* MXD_E* */
	char	 msg[256];
};

/**
 * Record an error. @p e may be NULL (the message is then dropped).
 * @return @p code, so that callers can write `return mxd_err_set(...)`.
 */
int	mxd_err_set(struct mxd_err *e, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/**
 * Like mxd_err_set(), and append the first reason from OpenSSL's error
 * queue (which is then cleared).
 */
int	mxd_err_ssl(struct mxd_err *e, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/** Clear an error record. */
void	mxd_err_clear(struct mxd_err *e);

/** @return a static English text for an MXD_E* code. */
const char	*mxd_strerror(int code);

/** Report a broken internal invariant and abort. Never for bad input. */
void	mxd_panic_at(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4), noreturn));
#define MXD_PANIC(...)	mxd_panic_at(__FILE__, __LINE__, __VA_ARGS__)

/*
 * Allocation. Every allocation in the library goes through these, so that
 * tests can make the Nth one fail (curl's "torture" idea).
 */
void	*mxd_malloc(size_t n);
void	*mxd_calloc(size_t nmemb, size_t size);
void	*mxd_realloc(void *p, size_t n);
char	*mxd_strdup(const char *s);
char	*mxd_strndup(const char *s, size_t n);
void	 mxd_free(void *p);
/**
 * Make allocation number @p n (counting from 1, from now on) and all later
 * ones fail; 0 turns failure injection off.
 */
void	 mxd_alloc_fail_after(unsigned long n);
/** @return how many allocations were made since the last call with reset. */
unsigned long	mxd_alloc_count(int reset);

/**
 * A growable byte buffer with a hard maximum fixed at creation. Growing
 * past the maximum fails with MXD_ENOSPC. data is always NUL-terminated
 * (the terminator is not counted in len).
 */
struct mxd_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard limit, set by mxd_buf_init() */
};

void	mxd_buf_init(struct mxd_buf *b, size_t max);
int	mxd_buf_append(struct mxd_buf *b, const void *p, size_t n);
int	mxd_buf_puts(struct mxd_buf *b, const char *s);
int	mxd_buf_printf(struct mxd_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	mxd_buf_vprintf(struct mxd_buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/** Drop the first @p n bytes (for consumed input). */
void	mxd_buf_consume(struct mxd_buf *b, size_t n);
void	mxd_buf_reset(struct mxd_buf *b);
/** Free the storage; the buffer may be used again (empty). */
void	mxd_buf_free(struct mxd_buf *b);
/**
 * Hand the storage to the caller, who frees it with mxd_free(); the buffer
 * is left empty. Never NULL for an empty buffer unless out of memory.
 */
char	*mxd_buf_steal(struct mxd_buf *b);

/**
 * Lower-case hex of @p n bytes into @p out, which holds at least 2n+1.
 */
void	mxd_hex_encode(const uint8_t *p, size_t n, char *out);

/**
 * Copy @p in into @p out (size @p outsz) for display: control characters
 * and bytes >= 0x7f become '?', and the result is cut at @p max bytes
 * (with "..." appended when cut). Always NUL-terminates when outsz > 0.
 * @return @p out.
 */
char	*mxd_sanitize(const char *in, size_t inlen, char *out, size_t outsz);

/**
 * Short display form of a long hex string: "29c8601c…b461d084" when it is
 * longer than 2 * @p keep + 1 characters, else a copy.
 */
char	*mxd_hex_abbrev(const char *hex, size_t keep, char *out, size_t outsz);

#endif /* MXD_H */
