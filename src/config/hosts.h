/*
 * The hosts file (hosts(5)): a line parser over (ptr, len) and an immutable, reference-counted
 * index built from a whole file, so that a lookup costs the same for a ten-line file and for a
 * million-line ad-block list.
 *
 * Line rules, the system C library's except where TEST-VECTORS asks for more care:
 * - '#' anywhere ends the line (F19); fields are separated by C-locale white space; CRLF and the
 *   lack of a final newline are handled by config/lines.h (F18);
 * - the address is in inet_pton() form only, as glibc's nss_files reads it: "010.0.0.1" and
 *   "1.2.3" are refused (F21); an IPv6 address may carry "%scope" (an interface name or number,
 *   F20: glibc skips such lines, we honour them); "::ffff:a.b.c.d" stays an IPv6 line (F25);
 * - the first name is the canonical name, the others are aliases; every name must pass
 *   gx_hostname_valid() (F26);
 * - a line that breaks any rule is skipped whole, never half-read (STYLE 4).
 */
#ifndef GX_HOSTS_H
#define GX_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* One parsed line. Pointers point into the line given to the parser. */
struct gx_hosts_line {
    struct gx_addr addr;   /* scope_id 0: the index resolves `scope` */
    const char *scope;     /* the text after '%', or NULL */
    size_t scope_len;
    const char *names;     /* from the first name to the end of the last one */
    size_t names_len;
    size_t name_count;     /* >= 1 */
};

/*
 * Parses one line (without its end of line). Returns the number of names (>= 1) and fills *out;
 * 0 for a line with nothing on it (blank, only a comment); GX_E_MALFORMED for a line to skip
 * (*out is then unspecified). Reads nothing past len and needs no NUL.
 */
int gx_hosts_parse_line(const char *line, size_t len, struct gx_hosts_line *out);

/*
 * Interface name -> index, for scopes. Injected so that tests and fuzzers do not depend on the
 * machine's interfaces. Returns 0 when there is no such interface.
 */
typedef uint32_t gx_ifindex_fn(const char *name, size_t len, void *arg);

/* if_nametoindex() over (ptr, len): the resolver contexts use. */
uint32_t gx_ifindex_system(const char *name, size_t len, void *arg);

/*
 * The scope text of an IPv6 literal or hosts line -> scope id, as glibc's __inet6_scopeid_pton:
 * for link-local unicast (fe80::/10) and node- or link-local multicast (ffX1::, ffX2::, any
 * flags) an interface name is tried first, through `ifindex` when it is not NULL; then a number
 * of decimal digits only (no sign, no space; leading zeros allowed) that fits 32 bits. "0" gives
 * scope 0, as in the C library. GX_E_MALFORMED when neither works, or for an empty scope
 * (A14, F20); *scope_id is written only on success.
 */
int gx_scope_parse(const uint8_t addr6[16], const char *scope, size_t len, gx_ifindex_fn *ifindex,
                   void *arg, uint32_t *scope_id);

/* One line of the index. */
struct gx_hosts_entry {
    struct gx_addr addr;
    const char *canon;  /* the line's first name, as written (not NUL-terminated) */
    uint32_t canon_len;
};

struct gx_hosts;

/*
 * Builds the index of a whole file. Takes ownership of `data` (malloc'd, as gx_file_read gives
 * it) in every case, freeing it on failure: names stay where they are in it. data may be NULL
 * when len is 0 (an absent file). GX_E_MEMORY; GX_E_LIMIT when len exceeds GX_CONFIG_FILE_MAX
 * (offsets in the index are 32 bits); or GX_OK with *out holding one reference. `ifindex` (may
 * be NULL: numeric scopes only) is called only while building.
 */
int gx_hosts_build(char *data, size_t len, gx_ifindex_fn *ifindex, void *arg,
                   struct gx_hosts **out);

void gx_hosts_ref(struct gx_hosts *h);
void gx_hosts_unref(struct gx_hosts *h);

/*
 * The lines that list `name` (as canonical name or alias) in file order: ASCII case-insensitive,
 * one final dot ignored on either side (F23). A line that lists the name twice ("a A") counts
 * once; identical lines each count (removing duplicate addresses is the caller's job, D5).
 * Returns how many and points *ids at their entry numbers (valid while the index lives); *ids is
 * untouched when it returns 0. O(1) expected, whatever the file size (F24).
 */
size_t gx_hosts_find(const struct gx_hosts *h, const char *name, size_t len, const uint32_t **ids);

/* Entry number -> entry; NULL for a number past the last entry. */
const struct gx_hosts_entry *gx_hosts_entry(const struct gx_hosts *h, uint32_t id);

/*
 * Reverse lookup for getnameinfo(): the first line, in file order, whose address (family, bytes
 * and scope) equals *addr. Returns its entry number, or GX_E_NOTFOUND. An IPv4-mapped line is an
 * IPv6 address here: 192.0.2.1 does not find "::ffff:192.0.2.1" (F25). One hash probe.
 */
int gx_hosts_find_addr(const struct gx_hosts *h, const struct gx_addr *addr);

/* What building saw, for traces and tests. */
struct gx_hosts_stats {
    size_t lines;          /* lines in the file */
    size_t entries;        /* lines indexed */
    size_t skipped;        /* lines refused by the parser (bad address, scope or name) */
    size_t skipped_long;   /* lines longer than GX_CONFIG_LINE_MAX */
    size_t skipped_nul;    /* lines holding a NUL byte */
};
void gx_hosts_stats(const struct gx_hosts *h, struct gx_hosts_stats *out);

#endif
