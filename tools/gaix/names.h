/*
 * Names of the numbers in a struct addrinfo: address families, socket types, protocols and AI_*
 * flags, both ways; and of getnameinfo()'s NI_* flags. The command line accepts a name in any case,
 * with or without its C prefix
 * ("inet6", "AF_INET6"; "stream", "SOCK_STREAM"; "tcp", "IPPROTO_TCP"; "passive", "AI_PASSIVE"),
 * or a number; the output formats print the lower-case short name, or the number when the value
 * has no name. Comparisons are ASCII-only so that no locale changes what a name means.
 */
#ifndef GAIX_CLI_NAMES_H
#define GAIX_CLI_NAMES_H

#include <stddef.h>

/* "unspec", "inet", "inet6"; NULL for any other family. */
const char *cli_family_name(int family);
/* "stream", "dgram", "raw", "rdm", "seqpacket", "dccp", "packet"; NULL otherwise (0 too). */
const char *cli_socktype_name(int socktype);
/* "tcp", "udp", "sctp", "udplite", "dccp"; NULL otherwise (0 too). */
const char *cli_protocol_name(int protocol);

/* Each parser takes a name or a number and returns 0, or -1 when the text is neither. */
int cli_family_parse(const char *text, int *family);
int cli_socktype_parse(const char *text, int *socktype);
int cli_protocol_parse(const char *text, int *protocol);

/*
 * Parses a comma-separated list of flag names and numbers ("addrconfig,V4MAPPED", "0x28") and ORs
 * them into *flags. Returns 0, or -1 with the first item that is not a flag copied (truncated if
 * need be) into bad[bad_size]; *flags is then unchanged. An empty item is an error.
 */
int cli_flags_parse(const char *list, int *flags, char *bad, size_t bad_size);

/*
 * The same for NI_* flags (--ni-flags): "numerichost", "numericserv", "nofqdn", "namereqd",
 * "dgram", "idn", in any case, with or without "NI_", or a non-negative number.
 */
int cli_ni_flags_parse(const char *list, int *flags, char *bad, size_t bad_size);

/* The number of named NI_* flags: the most names cli_ni_flags_names() can return. */
#define CLI_NI_FLAG_NAMES_MAX 6

/* cli_flags_names() for NI_* flags. */
size_t cli_ni_flags_names(int flags, const char *names[], size_t max, unsigned *unnamed);

/* The number of named AI_* flags: the most names cli_flags_names() can return. */
#define CLI_FLAG_NAMES_MAX 9

/*
 * Splits flags into names, in a fixed order, for printing: stores up to max names in names[] and
 * returns how many it stored; *unnamed receives the bits that have no name (0 when all do).
 */
size_t cli_flags_names(int flags, const char *names[], size_t max, unsigned *unnamed);

/*
 * Parses a whole string as an integer in [min, max]: decimal with an optional '-', or hexadecimal
 * after "0x"/"0X". No sign before hex digits, no spaces, no leading '+'. Returns 0 or -1.
 */
int cli_number_parse(const char *text, long long min, long long max, long long *value);

/* ASCII case-insensitive equality of two NUL-terminated strings. */
int cli_name_equal(const char *a, const char *b);

#endif
