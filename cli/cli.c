/*
 * cli.c - messages, exit statuses and small parsers shared by the
 * subcommands. Only cli/ prints and decides exit statuses (STYLE.md 4).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/mxd.h"

/* cli_err - one line on stderr */
void
cli_err(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("mxdane: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

/* cli_usage - a usage error of a subcommand */
int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "mxdane %s: ", cmd);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, " (try 'mxdane %s --help')\n", cmd);
	return EX_USAGE;
}

/* cli_exit_status - map a library error onto sysexits */
int
cli_exit_status(int code)
{
	switch (code) {
	case MXD_OK:
		return 0;
	case MXD_EINVAL:
		return EX_USAGE;
	case MXD_ENOENT:
	case MXD_EACCES:
	case MXD_EIO:
		return EX_NOINPUT;
	case MXD_EBADDATA:
	case MXD_EMISMATCH:
	case MXD_EUNSUPP:
	case MXD_ENOSPC:
		return EX_DATAERR;
	case MXD_EEXIST:
		return EX_CANTCREAT;
	case MXD_ENOMEM:
		return EX_OSERR;
	default:
		return EX_SOFTWARE;
	}
}

/* cli_color - may we colour output on fp? */
int
cli_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0') {
		return 0;
	}
	return isatty(fileno(fp));
}

/* cli_parse_ulong - strict decimal in [lo, hi] */
int
cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	unsigned long	 v;
	char		*end;

	if (s == NULL || *s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		return -1;
	}
	*out = v;
	return 0;
}
