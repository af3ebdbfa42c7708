/*
 * main.c - mxdane's entry point: picks the subcommand, prints the version
 * and the list of subcommands. Each subcommand lives in cli/cmd_NAME.c.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "cli/cli.h"

struct command {
	const char	*name;
	int		(*run)(int, char **);
	const char	*summary;
};

/* One line per subcommand; the list ends with an empty entry. */
static const struct command commands[] = {
	{ "check", cmd_check, "RFC 7672 verdict for a domain's mail servers" },
	{ "tlsa", cmd_tlsa, "TLSA records from certificates, keys, CSRs" },
	{ "publish", cmd_publish, "change TLSA records by signed dynamic update" },
	{ "rollover", cmd_rollover, "next key, plan, deploy gate, retire" },
	{ NULL, NULL, NULL },
};

static void	usage(FILE *fp);
static const struct command *lookup(const char *name);

/* usage - the list of subcommands */
static void
usage(FILE *fp)
{
	size_t i;

	(void)fprintf(fp, "usage: mxdane COMMAND [OPTIONS] [ARGS]\n"
	    "       mxdane help COMMAND | mxdane COMMAND --help\n"
	    "       mxdane --version\n\ncommands:\n");
	for (i = 0; commands[i].name != NULL; i++) {
		(void)fprintf(fp, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	}
	(void)fprintf(fp, "\nSee mxdane(1) and mxdane-COMMAND(1).\n");
}

/* lookup - the subcommand called name, or NULL */
static const struct command *
lookup(const char *name)
{
	size_t i;

	for (i = 0; commands[i].name != NULL; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			return &commands[i];
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command	*cmd;
	char			*hargv[3];

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		(void)printf("mxdane %s (%s)\n", MXD_VERSION,
		    OpenSSL_version(OPENSSL_VERSION));
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		cmd = lookup(argv[2]);
		if (cmd == NULL) {
			cli_err("unknown command '%.64s' (try 'mxdane help')",
			    argv[2]);
			return EX_USAGE;
		}
		hargv[0] = argv[2];
		hargv[1] = (char *)"--help";
		hargv[2] = NULL;
		return cmd->run(2, hargv);
	}
	cmd = lookup(argv[1]);
	if (cmd == NULL) {
		cli_err("unknown command '%.64s' (try 'mxdane help')", argv[1]);
		return EX_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
