/*
 * Step 2 of the pipeline: the node becomes addresses. The sources are asked in this order and the
 * first that applies answers (pipeline.c):
 *
 *   no node (NULL or "*")        null_node.c   loopback, or the wildcard with AI_PASSIVE
 *   numeric host                 literal.c     inet_aton forms, IPv6 with %scope
 *   the hosts file               hosts_source.c
 *   localhost, *.localhost       localhost.c   loopback for any family the hosts file left empty
 *   (DNS arrives later, after these)
 *
 * Each source reads the request's family and flags the way glibc does, so that a source gives
 * exactly the addresses, order and canonical name the C library gives (see each file).
 */
#ifndef GX_NODE_SOURCES_H
#define GX_NODE_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/hosts.h"
#include "lookup/addrlist.h"

/* NULL node: IPv6 first, then IPv4, each loopback or (AI_PASSIVE) unspecified. */
void gx_source_null(int family, int flags, struct gx_addrlist *out);

enum gx_literal_kind { GX_LITERAL_NONE, GX_LITERAL_V4, GX_LITERAL_V6 };

struct gx_literal {
    enum gx_literal_kind kind;
    uint8_t bytes[16];
    const char *scope; /* text after the first '%' of an IPv6 literal, or NULL */
    size_t scope_len;
};

/* Is the node a numeric host? Pure; fills *lit (kind GX_LITERAL_NONE when not). node is a C
 * string and len its strlen. */
void gx_literal_parse(const char *node, size_t len, struct gx_literal *lit);

/*
 * The address of a numeric host for the asked family: an IPv4 literal is mapped for AF_INET6
 * with AI_V4MAPPED, an IPv4-mapped IPv6 literal becomes IPv4 for AF_INET, anything else of the
 * wrong family is GX_E_ADDRFAMILY; a scope that names no interface and is no 32-bit number is
 * GX_E_NONAME.
 */
int gx_source_literal(const struct gx_literal *lit, int family, int flags,
                      struct gx_addrlist *out);

/*
 * The hosts file's addresses for `name`. AF_UNSPEC: every line as written (IPv4 lines as IPv4,
 * IPv6 lines, IPv4-mapped ones included, as IPv6), canonical name from the first line. AF_INET:
 * IPv4 lines, plus IPv6 lines that are IPv4-mapped (as their IPv4 address) or ::1 (as 127.0.0.1),
 * as glibc's nss_files reads them; canonical name from the first of those lines. AF_INET6: IPv6
 * lines; then, with AI_V4MAPPED when none was found or with AI_ALL, the AF_INET reading mapped to
 * ::ffff:a.b.c.d; with AI_V4MAPPED but not AI_ALL, mapped addresses are dropped when native IPv6
 * ones were found. An empty list means "not in the file". GX_OK or GX_E_MEMORY.
 */
int gx_source_hosts(const struct gx_hosts *h, const char *name, size_t len, int family, int flags,
                    struct gx_addrlist *out);

/* The same reading over lines given as an array (in file order), not an index. */
int gx_source_hosts_lines(const struct gx_hosts_entry *lines, size_t n, int family, int flags,
                          struct gx_addrlist *out);

/*
 * RFC 6761 section 6.3: a localhost name always resolves to loopback. When the hosts file gave
 * nothing for the request, answers as a standard hosts file would ("127.0.0.1 localhost" and
 * "::1 localhost"), read for the asked family and flags like any hosts lines. The canonical name
 * is then the node as written.
 */
int gx_source_localhost(int family, int flags, struct gx_addrlist *out);

#endif
