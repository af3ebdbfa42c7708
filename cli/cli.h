/*
 * cli.h - what the subcommands share: exit statuses, messages on stderr,
 * and the entry point of each subcommand.
 */
#ifndef MXD_CLI_H
#define MXD_CLI_H

#include <stdio.h>
#include <sysexits.h>

/* Verdict exit statuses of check and rollover gate (monitoring plugins). */
#define CLI_OK		0
#define CLI_WARNING	1
#define CLI_CRITICAL	2
#define CLI_UNKNOWN	3

/** Print "mxdane: MESSAGE" on stderr. */
void	cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Print "mxdane CMD: MESSAGE (try 'mxdane CMD --help')" on stderr.
 * @return EX_USAGE.
 */
int	cli_usage(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/** The sysexits status for an MXD_E* code from the library. */
int	cli_exit_status(int code);

/** True when colour may be used on @p fp (a terminal, NO_COLOR unset). */
int	cli_color(FILE *fp);

/**
 * Parse a decimal number in [lo, hi] from an option argument.
 * @return 0, or -1 (nothing printed) when it is not one.
 */
int	cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi,
	    unsigned long *out);

/* Subcommands: argv[0] is the subcommand's name. */
int	cmd_tlsa(int argc, char **argv);
int	cmd_publish(int argc, char **argv);
int	cmd_check(int argc, char **argv);
int	cmd_rollover(int argc, char **argv);

#endif /* MXD_CLI_H */
