/*
 * RFC 6724 section 6: destination address ordering, Rules 1 to 10 (Rule 5.5 is not implemented:
 * nothing tells us which next hop advertised which prefix).
 *
 * The comparison of two destinations A and B, each with what the kernel said about reaching it
 * (struct gx_dest_info: usable, the source address it picked, that address's prefix length,
 * flags and interface, and whether the route is native):
 *   Rule 1  prefer usable destinations;
 *   Rule 2  prefer matching scope: Scope(D) == Scope(Source(D));
 *   Rule 3  avoid deprecated sources (GX_SRC_DEPRECATED);
 *   Rule 4  prefer home-address sources (GX_SRC_HOME);
 *   Rule 5  prefer matching label: Label(D) == Label(Source(D));
 *   Rule 6  prefer higher precedence;
 *   Rule 7  prefer native transport, when the two sources are on different interfaces (native
 *           unknown, -1, counts as native: glibc asks the interface, we have no better answer);
 *   Rule 8  prefer smaller scope;
 *   Rule 9  prefer the longer matching prefix, between destinations of one family;
 *   Rule 10 keep the input order.
 * Rules 2-5, 7 and 9 look at sources and apply only when both destinations are usable (when one
 * is usable and the other not, Rule 1 has already decided). Rules 6 and 8 need no source and
 * order unusable destinations too.
 *
 * Scopes (RFC 6724 section 3.1): an IPv6 multicast address has the scope in its low 4 bits of
 * byte 1; fe80::/10 and ::1 are link-local (2); fec0::/10 is site-local (5); any other IPv6
 * address is global (14); an IPv4 address takes its scope from the policy's scopev4 table.
 * Labels and precedences come from the policy table, an IPv4 address looked up as ::ffff:a.b.c.d.
 *
 * Two readings, chosen by policy->base:
 * - GAIX_POLICY_RFC6724, as RFC 6724 writes it:
 *   * an IPv4-mapped destination or source has the scope of its IPv4 address (sections 3.2, 3.3);
 *   * Rule 9 scores CommonPrefixLen(Source(D), D), at most the source's prefix length (section
 *     2.2: the prefix, not the interface ID); an unknown (0) prefix length reads as 64 for IPv6 and
 *     32 for IPv4, and an IPv4-mapped pair is scored on its IPv4 parts (see rule9_rfc6724). The
 *     larger score wins.
 * - GAIX_POLICY_GLIBC, as glibc's rfc3484_sort reads it, for the same order as the system libc:
 *   * an IPv6 address is scoped by the IPv6 rules only, IPv4-mapped ones included
 *     (::ffff:127.0.0.1 is global, 14);
 *   * Rule 9 for IPv6 compares the whole common prefix of source and destination, not capped;
 *   * Rule 9 for IPv4 scores a destination only when it lies in its source's subnet (the
 *     source's prefix length): then the common prefix length (32 when equal), else 0.
 *     glibc computes the netmask as 0xffffffff << (32 - prefixlen), a shift by 32 for a prefix
 *     length of 0. C leaves that undefined; the x86 shift instruction masks its count, so glibc's
 *     compiled code gets all ones: "in the subnet only when equal". A prefix length of 0 is not
 *     rare: glibc keeps no address table at all on a host without IPv6 (check_pf), so every
 *     IPv4 source has prefix length 0 there. We read 0 as glibc's machine code does; the
 *     differential test's IPv4-only scenario pins it.
 *
 * Rule 10 breaks every remaining tie by input position, so the result never depends on how two
 * equal keys happen to meet. The comparison is nevertheless not always transitive: Rule 7 applies
 * only between sources on different interfaces and Rule 9 only within one family, so three
 * addresses can prefer each other in a circle: with C, B, A in that input order, A native on
 * interface 1, B tunnelled on interface 1 and C tunnelled on interface 2, Rule 7 puts A before C,
 * and input order puts C before B and B before A. For such lists the shape of the sort decides, and
 * we use glibc's (a top-down merge sort, see keys_merge_sort) so that the GLIBC reading matches the
 * system libc there too. Whatever the order, sorting only permutes the list: its set never changes
 * (F29).
 *
 * Each address's inputs to the rules are computed once, into a key (scope and label matches,
 * precedence, scope, Rule 9 score, flags); the keys are sorted and the addresses then moved once,
 * following the permutation. Up to SORT_STACK_MAX addresses the keys and the merge buffer live on
 * the stack (768 bytes); above, they take one heap allocation. No VLA; recursion depth log2(n) + 1.
 *
 * An address of a family other than AF_INET is read as IPv6 bytes.
 */
#include "lookup/sort.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/status.h"

/* Lists up to this long are sorted with keys on the stack: 2 x 16 keys of 24 bytes = 768 bytes,
 * which covers the common answers (a few addresses per family) without touching the heap. */
#define SORT_STACK_MAX 16

/* Scope values (RFC 6724 section 3.1, RFC 4291 section 2.7). */
#define SCOPE_LINK 2
#define SCOPE_SITE 5
#define SCOPE_GLOBAL 14

enum {
    KEY_USABLE = 0x01,
    KEY_SCOPE_MATCH = 0x02, /* Rule 2 */
    KEY_DEPRECATED = 0x04,  /* Rule 3 */
    KEY_HOME = 0x08,        /* Rule 4 */
    KEY_LABEL_MATCH = 0x10, /* Rule 5 */
    KEY_NATIVE = 0x20,      /* Rule 7 */
};

struct sort_key {
    size_t pos;           /* input position (Rule 10); after sorting, where output i comes from */
    int32_t precedence;   /* of the destination (Rule 6) */
    int32_t scope;        /* of the destination (Rule 8) */
    uint32_t ifindex;     /* of the source (Rule 7) */
    uint8_t family;       /* of the destination (Rule 9) */
    uint8_t prefix_score; /* Rule 9 */
    uint8_t flags;        /* KEY_* */
};

/* The IPv6 form of an address: IPv4 as ::ffff:a.b.c.d. */
static struct gx_addr addr_as6(const struct gx_addr *a)
{
    if (a->family == AF_INET)
        return gx_addr_map4to6(a);
    return *a;
}

static int32_t addr_scope(const struct gx_policy *p, const struct gx_addr *a)
{
    const uint8_t *b = a->bytes;
    if (a->family == AF_INET)
        return gx_policy_scope4(p, b);
    if (p->base != GAIX_POLICY_GLIBC && gx_bytes6_is_v4mapped(b))
        return gx_policy_scope4(p, b + 12);
    if (b[0] == 0xff)
        return b[1] & 0x0f;
    if ((b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || gx_bytes6_is_loopback(b))
        return SCOPE_LINK;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        return SCOPE_SITE;
    return SCOPE_GLOBAL;
}

/* Leading zero bits of a non-zero byte. */
static unsigned byte_clz(uint8_t x)
{
    unsigned n = 0;
    while ((x & 0x80) == 0) {
        x = (uint8_t)(x << 1);
        n++;
    }
    return n;
}

/* The number of leading bits a and b share, over nbytes bytes. */
static unsigned common_prefix_len(const uint8_t *a, const uint8_t *b, size_t nbytes)
{
    for (size_t i = 0; i < nbytes; i++) {
        uint8_t x = (uint8_t)(a[i] ^ b[i]);
        if (x != 0)
            return (unsigned)(8 * i) + byte_clz(x);
    }
    return (unsigned)(8 * nbytes);
}

/* The IPv4 address in an IPv4 or IPv4-mapped IPv6 address, else NULL. */
static const uint8_t *addr_v4_part(const struct gx_addr *a)
{
    if (a->family == AF_INET)
        return a->bytes;
    if (gx_bytes6_is_v4mapped(a->bytes))
        return a->bytes + 12;
    return NULL;
}

/*
 * RFC 6724 Rule 9: CommonPrefixLen(Source(D), D), at most the source's prefix length. An IPv4
 * (or IPv4-mapped) pair compares its IPv4 parts, capped by the IPv4 prefix length (netstate.h
 * gives a mapped source the prefix length of its IPv4 interface address); for a mapped pair the
 * score is 96 more, so that it stays comparable with the other IPv6 destinations' scores.
 */
static uint8_t rule9_rfc6724(const struct gx_addr *dst, const struct gx_dest_info *in)
{
    const uint8_t *d4 = addr_v4_part(dst), *s4 = addr_v4_part(&in->source);
    unsigned cap = in->source_prefixlen;
    if (d4 != NULL && s4 != NULL) {
        if (cap == 0 || cap > 32)
            cap = 32;
        unsigned len = common_prefix_len(d4, s4, 4);
        len = len < cap ? len : cap;
        return (uint8_t)(dst->family == AF_INET ? len : 96 + len);
    }
    if (dst->family == AF_INET)
        return 0; /* an IPv4 destination with an IPv6 source shares no prefix with it */
    if (cap == 0)
        cap = 64;
    if (cap > 128)
        cap = 128;
    struct gx_addr s6 = addr_as6(&in->source);
    unsigned len = common_prefix_len(dst->bytes, s6.bytes, 16);
    return (uint8_t)(len < cap ? len : cap);
}

/* glibc's Rule 9: see the file comment. */
static uint8_t rule9_glibc(const struct gx_addr *dst, const struct gx_dest_info *in)
{
    if (dst->family == AF_INET) {
        const uint8_t *s = addr_v4_part(&in->source);
        if (s == NULL)
            return 0;
        unsigned plen = in->source_prefixlen > 32 ? 32 : in->source_prefixlen;
        uint32_t netmask = plen == 0 ? 0xffffffffu : 0xffffffffu << (32 - plen);
        uint32_t d32 = (uint32_t)dst->bytes[0] << 24 | (uint32_t)dst->bytes[1] << 16 |
                       (uint32_t)dst->bytes[2] << 8 | dst->bytes[3];
        uint32_t s32 = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
        if (((d32 ^ s32) & netmask) != 0)
            return 0;
        return (uint8_t)common_prefix_len(dst->bytes, s, 4);
    }
    struct gx_addr s6 = addr_as6(&in->source);
    return (uint8_t)common_prefix_len(dst->bytes, s6.bytes, 16);
}

static void key_make(struct sort_key *k, size_t pos, const struct gx_addr *dst,
                     const struct gx_dest_info *in, const struct gx_policy *p)
{
    memset(k, 0, sizeof *k);
    k->pos = pos;
    k->family = dst->family;
    k->precedence = gx_policy_precedence(p, dst);
    k->scope = addr_scope(p, dst);
    if (!in->usable)
        return;
    unsigned flags = KEY_USABLE;
    if (addr_scope(p, &in->source) == k->scope)
        flags |= KEY_SCOPE_MATCH;
    if ((in->source_flags & GX_SRC_DEPRECATED) != 0)
        flags |= KEY_DEPRECATED;
    if ((in->source_flags & GX_SRC_HOME) != 0)
        flags |= KEY_HOME;
    if (gx_policy_label(p, &in->source) == gx_policy_label(p, dst))
        flags |= KEY_LABEL_MATCH;
    if (in->native != 0)
        flags |= KEY_NATIVE;
    k->flags = (uint8_t)flags;
    k->ifindex = in->source_ifindex;
    k->prefix_score = p->base == GAIX_POLICY_GLIBC ? rule9_glibc(dst, in) : rule9_rfc6724(dst, in);
}

/* -1 when only a has the flag, 1 when only b has it, else 0. */
static int prefer_flag(const struct sort_key *a, const struct sort_key *b, unsigned flag)
{
    bool fa = (a->flags & flag) != 0, fb = (b->flags & flag) != 0;
    return fa == fb ? 0 : fa ? -1 : 1;
}

/* Negative when a goes first, positive when b does; never 0 for two distinct keys. */
static int key_compare(const struct sort_key *a, const struct sort_key *b)
{
    int r;
    if ((r = prefer_flag(a, b, KEY_USABLE)) != 0) /* Rule 1 */
        return r;
    bool usable = (a->flags & KEY_USABLE) != 0; /* and so is b */
    if (usable) {
        if ((r = prefer_flag(a, b, KEY_SCOPE_MATCH)) != 0) /* Rule 2 */
            return r;
        if ((r = prefer_flag(a, b, KEY_DEPRECATED)) != 0) /* Rule 3 */
            return -r;
        if ((r = prefer_flag(a, b, KEY_HOME)) != 0) /* Rule 4 */
            return r;
        if ((r = prefer_flag(a, b, KEY_LABEL_MATCH)) != 0) /* Rule 5 */
            return r;
    }
    if (a->precedence != b->precedence) /* Rule 6 */
        return a->precedence > b->precedence ? -1 : 1;
    /* Rule 7, only between different interfaces: on one interface the transport is the same
     * (glibc's condition, kept for both readings). */
    if (usable && a->ifindex != b->ifindex && (r = prefer_flag(a, b, KEY_NATIVE)) != 0)
        return r;
    if (a->scope != b->scope) /* Rule 8 */
        return a->scope < b->scope ? -1 : 1;
    if (usable && a->family == b->family && a->prefix_score != b->prefix_score) /* Rule 9 */
        return a->prefix_score > b->prefix_score ? -1 : 1;
    if (a->pos != b->pos) /* Rule 10 */
        return a->pos < b->pos ? -1 : 1;
    return 0;
}

/*
 * Merge sort with glibc's shape (its qsort is a merge sort: halves of n/2 and n - n/2, sorted in
 * turn, then merged with the left element taken when it compares first). Because the comparison
 * is not always transitive (see the file comment), the shape decides some orders; this one gives
 * the order glibc gives. The recursion depth is log2(n) + 1, at most 64 frames of a few words.
 */
static void keys_merge_sort(struct sort_key *k, struct sort_key *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t n1 = n / 2, n2 = n - n1;
    struct sort_key *left = k, *right = k + n1;
    keys_merge_sort(left, tmp, n1);
    keys_merge_sort(right, tmp, n2);

    size_t i = 0, j = 0, o = 0;
    while (i < n1 && j < n2)
        tmp[o++] = key_compare(&left[i], &right[j]) < 0 ? left[i++] : right[j++];
    while (i < n1)
        tmp[o++] = left[i++];
    /* What is left of the right half is already in place. */
    memcpy(k, tmp, o * sizeof *k);
}

/* Moves addrs[k[i].pos] (with its info) to position i for every i, in place, cycle by cycle. */
static void permutation_apply(struct gx_addr *addrs, struct gx_dest_info *info, struct sort_key *k,
                              size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (k[i].pos == i)
            continue;
        struct gx_addr held_addr = addrs[i];
        struct gx_dest_info held_info = info[i];
        size_t j = i;
        for (;;) {
            size_t from = k[j].pos;
            k[j].pos = j; /* done */
            if (from == i) {
                addrs[j] = held_addr;
                info[j] = held_info;
                break;
            }
            addrs[j] = addrs[from];
            info[j] = info[from];
            j = from;
        }
    }
}

int gx_sort(struct gx_addr *addrs, struct gx_dest_info *info, size_t n,
            const struct gx_policy *policy)
{
    struct sort_key stack_keys[2 * SORT_STACK_MAX];
    struct sort_key *keys = stack_keys, *heap = NULL;

    if (n < 2)
        return GX_OK;
    if (policy == NULL)
        policy = gx_policy_builtin(GAIX_POLICY_RFC6724);
    if (n > SORT_STACK_MAX) {
        if (n > SIZE_MAX / 2 / sizeof *heap)
            return GX_E_MEMORY;
        heap = malloc(2 * n * sizeof *heap);
        if (heap == NULL)
            return GX_E_MEMORY;
        keys = heap;
    }
    for (size_t i = 0; i < n; i++)
        key_make(&keys[i], i, &addrs[i], &info[i], policy);
    keys_merge_sort(keys, keys + n, n);
    permutation_apply(addrs, info, keys, n);
    free(heap);
    return GX_OK;
}
