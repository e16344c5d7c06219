/*
 * Writing strings as other languages would write them: Python's repr() of a str and of a bytes
 * object, a JSON string, and a form that is safe to show on a terminal. Each writer takes the raw
 * bytes a struct addrinfo holds (a canonical name may be anything a hosts file or a DNS answer
 * put there) and never lets a byte through that would change the meaning of the output.
 */
#ifndef GAIX_CLI_QUOTE_H
#define GAIX_CLI_QUOTE_H

#include <stddef.h>
#include <stdio.h>

/*
 * repr() of the str that CPython builds from s: quotes, backslashes, \t \n \r, control characters
 * and every other non-printable character exactly as repr() writes them for ASCII, Latin-1 and
 * the non-printable ranges listed in quote.c. Python decodes the C string as UTF-8; where the
 * bytes are not UTF-8 (CPython would raise UnicodeDecodeError instead of returning a list) each
 * bad byte is written as its surrogateescape form, '\udcXX'.
 */
void cli_quote_python_str(FILE *out, const char *s);

/* repr() of a bytes object: b'...' */
void cli_quote_python_bytes(FILE *out, const unsigned char *p, size_t len);

/* A JSON string (RFC 8259), or null for NULL. A byte that is not part of valid UTF-8 becomes
 * U+FFFD, so the document is always valid UTF-8. */
void cli_quote_json(FILE *out, const char *s);

/* s for a human on a terminal: printable ASCII and valid UTF-8 as they are, a backslash doubled,
 * control characters (C0, DEL, C1) and bytes that are not UTF-8 as \xNN. */
void cli_quote_terminal(FILE *out, const char *s);

/* The columns cli_quote_terminal() output takes: one per code point (an escape's characters
 * count one each), for aligning tables. */
size_t cli_quote_terminal_width(const char *s);

#endif
