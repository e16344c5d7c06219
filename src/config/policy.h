/*
 * The RFC 6724 policy table (precedence and label by prefix) and the IPv4 scope table, as built
 * in (RFC 6724's, or glibc's) and as /etc/gai.conf changes them.
 *
 * gai.conf is read with glibc's syntax and meaning (gai.conf(5)): `label PREFIX/BITS VALUE`,
 * `precedence PREFIX/BITS VALUE`, `scopev4 PREFIX/BITS VALUE` (an IPv4 prefix, or an IPv4-mapped
 * IPv6 prefix of 96 to 128 bits), `reload yes|no` (gaix always reloads a changed file). '#' starts
 * a comment. Invalid lines are skipped one by one (F28). If the file has at least one valid line of
 * a kind, that kind's table is replaced by the file's lines (plus a ::/0 catch-all when the file has
 * none: label 1, precedence 40, scope 14), exactly as glibc does; other tables stay built in.
 * Numbers read as glibc's strtoul() reads them, so a missing VALUE is 0 (see gaiconf.c).
 * A valid gai.conf changes only the order of results, never their set (F29).
 */
#ifndef GX_POLICY_H
#define GX_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "gaix.h"
#include "core/addr.h"
#include "core/refcount.h"

struct gx_prefix_policy {
    uint8_t prefix[16];
    uint8_t bits; /* 0 to 128 */
    int32_t value;
};

struct gx_scope_policy {
    uint32_t addr;    /* IPv4, host byte order, already masked */
    uint32_t netmask; /* host byte order */
    int32_t scope;
};

struct gx_policy {
    gx_refcount ref;
    enum gaix_policy base; /* the built-in tables, and the reading of the rules (lookup/sort.h) */
    /* Each table is ordered most specific first and ends with a catch-all entry, so a lookup
     * always finds one: the first entry that matches. */
    const struct gx_prefix_policy *precedence;
    size_t nprecedence;
    const struct gx_prefix_policy *labels;
    size_t nlabels;
    const struct gx_scope_policy *scopes;
    size_t nscopes;
    void *owned; /* storage of tables read from gai.conf, freed with the policy */
};

/* The built-in policy (static; reference counting is a no-op on it). A base other than
 * GAIX_POLICY_GLIBC gives RFC 6724's. */
const struct gx_policy *gx_policy_builtin(enum gaix_policy base);

/*
 * The policy from a gai.conf text applied over the built-in tables of `base`. data may be NULL
 * when len is 0 (no file: *out is the built-in policy, as it is for a file without a valid table
 * line). The caller owns one reference to *out. GX_OK, or GX_E_MEMORY with *out untouched.
 */
int gx_policy_from_gaiconf(const char *data, size_t len, enum gaix_policy base,
                           const struct gx_policy **out);

void gx_policy_ref(const struct gx_policy *p);
void gx_policy_unref(const struct gx_policy *p);

/* Table lookups. An IPv4 address is looked up as its IPv4-mapped IPv6 form. */
int32_t gx_policy_precedence(const struct gx_policy *p, const struct gx_addr *a);
int32_t gx_policy_label(const struct gx_policy *p, const struct gx_addr *a);
/* The IPv4 scope of an IPv4 address (bytes in network order) from the scope table. */
int32_t gx_policy_scope4(const struct gx_policy *p, const uint8_t v4[4]);

#endif
