/*
 * What the output formats read from an entry's socket address: its family, the numeric address
 * text, port, flow label and scope. The address is copied into zeroed storage first, at most
 * ai_addrlen bytes of it, so a short or odd ai_addr can never make a format read past its end.
 * The family comes from the address itself (sa_family), as CPython reads it.
 */
#ifndef GAIX_CLI_ADDRESS_H
#define GAIX_CLI_ADDRESS_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <stdint.h>

enum cli_addr_kind {
    CLI_ADDR_NONE,  /* ai_addr is NULL or ai_addrlen is 0 */
    CLI_ADDR_INET,  /* sockaddr_in */
    CLI_ADDR_INET6, /* sockaddr_in6 */
    CLI_ADDR_OTHER, /* a family this tool cannot read: only sa_family and sa_data are known */
};

/* "%" and a scope: an interface name (at most IF_NAMESIZE - 1 bytes) or a uint32 in decimal
 * (10 digits), whichever is longer. */
#define CLI_SCOPE_TEXT_MAX (1 + (IF_NAMESIZE - 1 > 10 ? IF_NAMESIZE - 1 : 10))
/* An IPv6 address, its scope and the NUL. */
#define CLI_ADDR_TEXT_SIZE (INET6_ADDRSTRLEN + CLI_SCOPE_TEXT_MAX)

struct cli_addr {
    enum cli_addr_kind kind;
    int sa_family;               /* the address's own family field */
    char text[INET6_ADDRSTRLEN]; /* inet_ntop() text, no scope; "" unless INET or INET6 */
    unsigned port;               /* host byte order */
    uint32_t flowinfo;           /* host byte order (Python's ntohl(sin6_flowinfo)) */
    uint32_t scope_id;           /* sin6_scope_id, an interface index */
    int link_local;              /* fe80::/10 or ff02::/16: a scope names an interface */
    unsigned char sa_data[14];   /* the bytes after sa_family, for CLI_ADDR_OTHER */
};

/* Reads ai->ai_addr. Never fails: what cannot be read is reported by kind. */
void cli_addr_read(const struct addrinfo *ai, struct cli_addr *out);

/* How a scoped IPv6 address is written. */
enum cli_scope_style {
    CLI_SCOPE_NUMBER, /* "fe80::1%2", as getent prints it */
    CLI_SCOPE_NAME,   /* "fe80::1%eth0" for link-local addresses whose interface exists, else
                       * the number, as glibc's getnameinfo(NI_NUMERICHOST) writes it */
};

/* The address text with "%scope" appended when scope_id is not 0; "" when kind is neither INET
 * nor INET6. Always NUL-terminated within CLI_ADDR_TEXT_SIZE. */
void cli_addr_text_scoped(const struct cli_addr *a, enum cli_scope_style style,
                          char text[CLI_ADDR_TEXT_SIZE]);

#endif
