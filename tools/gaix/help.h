/*
 * What the gaix command says about itself: --help, --version, and the hint after a usage error.
 * docs/gaix.1 says the same at greater length; change both together.
 */
#ifndef GAIX_CLI_HELP_H
#define GAIX_CLI_HELP_H

#include <stdio.h>

/* The full help text (--help). */
void cli_help_print(FILE *out);

/* "gaix 0.1.0" (--version). */
void cli_version_print(FILE *out);

/* "gaix: MESSAGE" and a pointer to --help, for a usage error. */
void cli_usage_error_print(FILE *err, const char *message);

#endif
