/*
 * Fuzz target: the gai.conf reader (config/gaiconf.c) and the sort over what it builds.
 *
 * The input is a gai.conf text, read over both built-in bases. For each policy:
 * - every table is non-empty, ordered most specific first, ends with a catch-all, and holds only
 *   canonical entries (prefixes masked to their length, netmasks contiguous, addresses masked);
 * - lookups always succeed and give what an independent first-match scan of the table gives;
 * - sorting a fixed list of destinations (its kernel answers varied by a hash of the input)
 *   returns a permutation of the list, each address with its own answer (F29).
 * Any violation aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/policy.h"
#include "core/status.h"
#include "lookup/sort.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

/* Bit i (from the most significant of byte 0) of a 16-byte address. */
static unsigned bit_at(const uint8_t *b, unsigned i)
{
    return (unsigned)(b[i / 8] >> (7 - i % 8)) & 1u;
}

static void check_prefix_table(const struct gx_prefix_policy *t, size_t n)
{
    require(t != NULL && n > 0);
    require(t[n - 1].bits == 0);
    for (size_t i = 0; i < n; i++) {
        require(t[i].bits <= 128);
        require(t[i].value >= 0);
        if (i > 0)
            require(t[i - 1].bits >= t[i].bits);
        for (unsigned b = t[i].bits; b < 128; b++)
            require(bit_at(t[i].prefix, b) == 0);
    }
}

static void check_scope_table(const struct gx_scope_policy *t, size_t n)
{
    require(t != NULL && n > 0);
    require(t[n - 1].netmask == 0);
    for (size_t i = 0; i < n; i++) {
        uint32_t inverse = ~t[i].netmask;
        require((inverse & (inverse + 1)) == 0); /* ones, then zeros */
        require((t[i].addr & ~t[i].netmask) == 0);
        require(t[i].scope >= 0);
        if (i > 0)
            require((t[i - 1].netmask & t[i].netmask) == t[i].netmask);
    }
}

/* An independent reading of "the first entry whose first `bits` bits match". */
static int32_t scan_prefix(const struct gx_prefix_policy *t, size_t n, const uint8_t a[16])
{
    for (size_t i = 0; i < n; i++) {
        unsigned b = 0;
        while (b < t[i].bits && bit_at(t[i].prefix, b) == bit_at(a, b))
            b++;
        if (b == t[i].bits)
            return t[i].value;
    }
    abort(); /* a table without a catch-all */
}

static const uint8_t probe6[][16] = {
    {[15] = 1},
    {0},
    {[10] = 0xff, [11] = 0xff, 192, 0, 2, 1},
    {[10] = 0xff, [11] = 0xff, 127, 0, 0, 1},
    {[10] = 0xff, [11] = 0xff, 169, 254, 1, 1},
    {[12] = 192, 0, 2, 1},
    {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
    {0x20, 0x01, [15] = 1},
    {0x20, 0x02, 0xc6, 0x33, 0x64, 0x01, [15] = 1},
    {0xfd, [15] = 1},
    {0xfe, 0x80, [15] = 1},
    {0xfe, 0xc0, [15] = 1},
    {0xff, 0x02, [15] = 1},
    {0x3f, 0xfe, [15] = 1},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff},
};

static void check_lookups(const struct gx_policy *p)
{
    for (size_t i = 0; i < sizeof probe6 / sizeof probe6[0]; i++) {
        struct gx_addr a;
        gx_addr_set6(&a, probe6[i], 0);
        require(gx_policy_precedence(p, &a) == scan_prefix(p->precedence, p->nprecedence, a.bytes));
        require(gx_policy_label(p, &a) == scan_prefix(p->labels, p->nlabels, a.bytes));
        if (gx_bytes6_is_v4mapped(probe6[i])) {
            struct gx_addr v4;
            gx_addr_set4(&v4, probe6[i] + 12);
            require(gx_policy_precedence(p, &v4) == gx_policy_precedence(p, &a));
            require(gx_policy_label(p, &v4) == gx_policy_label(p, &a));
            uint32_t x = (uint32_t)probe6[i][12] << 24 | (uint32_t)probe6[i][13] << 16 |
                         (uint32_t)probe6[i][14] << 8 | probe6[i][15];
            int32_t want = -1;
            for (size_t k = 0; k < p->nscopes && want < 0; k++)
                if ((x & p->scopes[k].netmask) == p->scopes[k].addr)
                    want = p->scopes[k].scope;
            require(gx_policy_scope4(p, probe6[i] + 12) == want);
        }
    }
}

static uint32_t hash_input(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

/* Field by field: struct padding need not survive a copy. */
static bool info_equal(const struct gx_dest_info *x, const struct gx_dest_info *y)
{
    return x->usable == y->usable && gx_addr_equal(&x->source, &y->source) &&
           x->source_prefixlen == y->source_prefixlen && x->source_flags == y->source_flags &&
           x->source_ifindex == y->source_ifindex && x->native == y->native;
}

enum { NDEST = 12 };

static void check_sort(const struct gx_policy *p, uint32_t seed)
{
    struct gx_addr orig[NDEST], a[NDEST];
    struct gx_dest_info orig_in[NDEST], in[NDEST];
    for (size_t i = 0; i < NDEST; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        if (i % 3 == 2)
            gx_addr_set4(&orig[i], probe6[(i + r) % (sizeof probe6 / sizeof probe6[0])] + 12);
        else
            gx_addr_set6(&orig[i], probe6[(i + r) % (sizeof probe6 / sizeof probe6[0])], 0);
        orig[i].scope_id = (uint32_t)i + 1; /* tag: the sort never reads it */
        memset(&orig_in[i], 0, sizeof orig_in[i]);
        orig_in[i].usable = (r & 3) != 0;
        orig_in[i].source = orig[(i + (r >> 2)) % (i + 1)];
        orig_in[i].source_prefixlen = (uint8_t)((r >> 5) % 130);
        orig_in[i].source_flags = (uint8_t)((r >> 12) & 7);
        orig_in[i].source_ifindex = (r >> 15) % 3;
        orig_in[i].native = (int8_t)((int)((r >> 17) % 3) - 1);
    }
    memcpy(a, orig, sizeof a);
    memcpy(in, orig_in, sizeof in);
    require(gx_sort(a, in, NDEST, p) == GX_OK);
    bool seen[NDEST] = {false};
    for (size_t i = 0; i < NDEST; i++) {
        uint32_t t = a[i].scope_id;
        require(t >= 1 && t <= NDEST && !seen[t - 1]);
        seen[t - 1] = true;
        require(gx_addr_equal(&a[i], &orig[t - 1]));
        require(info_equal(&in[i], &orig_in[t - 1]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum gaix_policy bases[] = {GAIX_POLICY_RFC6724, GAIX_POLICY_GLIBC};
    uint32_t seed = hash_input(data, size);
    for (size_t b = 0; b < 2; b++) {
        const struct gx_policy *p = NULL;
        int rc = gx_policy_from_gaiconf((const char *)data, size, bases[b], &p);
        if (rc == GX_E_MEMORY)
            continue;
        require(rc == GX_OK && p != NULL);
        require(p->base == bases[b]);
        check_prefix_table(p->precedence, p->nprecedence);
        check_prefix_table(p->labels, p->nlabels);
        check_scope_table(p->scopes, p->nscopes);
        check_lookups(p);
        check_sort(p, seed);
        gx_policy_unref(p);
    }
    return 0;
}
