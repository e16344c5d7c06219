/*
 * Fuzz target for DNS messages (TEST-VECTORS Z1): the input is a reply.
 *
 * It is checked and collected twice: as a reply to a fixed query (ID 0x1234, a.test, A and
 * AAAA), and as a reply to the question it carries itself (its ID, its first question), so
 * that the fuzzer reaches the walks behind the P5 checks without having to guess them. Then:
 * - whatever gx_dns_reply_check accepted (without TC), gx_dns_answer_collect must accept too,
 *   and both must do work linear in the input;
 * - what was collected is well formed: no duplicate, canon a valid name, canon_text a host name;
 * - re-encode round trip: the answer is written out as a plain uncompressed reply (one CNAME to
 *   canon, the addresses) which must check and collect to the same addresses, name and TTL;
 * - the query builder, for the question found, builds a query that answers itself;
 * - every name in the message (questions, owners, CNAME and PTR targets) that wire->text accepts
 *   comes back identical through text->wire.
 * Any difference aborts, so the fuzzer reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "dns/reader.h"
#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FIXED_ID 0x1234
#define FIXED_QNAME ((const uint8_t *)"\1a\4test")
#define MAX_ADDRS 64
/* A message of at most 64 KiB re-encoded: header, question, one CNAME, MAX_ADDRS AAAA RRs. */
#define REENCODE_CAP (12 + 255 + 4 + (255 + 10 + 255) + MAX_ADDRS * (255 + 10 + 16))

/* The work bound of one walk of a message: each RR costs at most one name (255 label octets,
 * 129 pointers of 3 units each) and its fixed part; there are at most size / 11 RRs. */
static size_t walk_bound(size_t size)
{
    return 64 + (size / 11 + 2) * (GX_DNS_NAME_WIRE_MAX + 3 * (GX_DNS_POINTER_HOPS_MAX + 1) + 16);
}

/* ---- names ---------------------------------------------------------------------------------- */

/* Text from to_text must be a host name that text->wire gives back byte for byte. */
static void name_round_trip(const uint8_t *wire, int wlen)
{
    FUZZ_ASSERT(wlen >= 1 && gx_dns_name_length(wire) == wlen);
    char text[GX_DNS_NAME_WIRE_MAX];
    int tlen = gx_dns_name_to_text(wire, text);
    if (tlen < 0)
        return;
    FUZZ_ASSERT((size_t)tlen == strlen(text) && tlen <= 253);
    if (wlen == 1) {
        FUZZ_ASSERT(tlen == 1 && text[0] == '.');
        return;
    }
    FUZZ_ASSERT(tlen == wlen - 2);
    for (int i = 0; i < tlen; i++) {
        unsigned char c = (unsigned char)text[i];
        FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.');
    }
    FUZZ_ASSERT(text[0] != '-');
    uint8_t again[GX_DNS_NAME_WIRE_MAX];
    FUZZ_ASSERT(gx_dns_name_from_text(text, (size_t)tlen, again) == wlen);
    FUZZ_ASSERT(memcmp(again, wire, (size_t)wlen) == 0);
    FUZZ_ASSERT(gx_dns_name_equal(again, wire));
}

/* Reads every name of the message it can, through the same reader the parser uses. */
static void names_walk(const uint8_t *data, size_t size)
{
    struct gx_dns_reader r;
    gx_dns_reader_init(&r, data, size);
    uint16_t counts[6];
    for (int i = 0; i < 6; i++)
        if (!gx_dns_reader_u16(&r, &counts[i]))
            return;
    uint8_t name[GX_DNS_NAME_WIRE_MAX];
    for (unsigned i = 0; i < counts[2]; i++) {
        int n = gx_dns_reader_name(&r, name);
        if (n < 0 || !gx_dns_reader_skip(&r, 4))
            return;
        name_round_trip(name, n);
    }
    size_t rrs = (size_t)counts[3] + counts[4] + counts[5];
    for (size_t i = 0; i < rrs; i++) {
        int n = gx_dns_reader_name(&r, name);
        uint16_t type, rclass, rdlength;
        uint32_t ttl;
        if (n < 0 || !gx_dns_reader_u16(&r, &type) || !gx_dns_reader_u16(&r, &rclass) ||
            !gx_dns_reader_u32(&r, &ttl) || !gx_dns_reader_u16(&r, &rdlength))
            return;
        name_round_trip(name, n);
        size_t rdata = r.pos;
        if (type == GX_DNS_TYPE_CNAME || type == GX_DNS_TYPE_PTR) {
            struct gx_dns_reader sub;
            if (!gx_dns_reader_at(&r, rdata, rdlength, &sub))
                return;
            int m = gx_dns_reader_name(&sub, name);
            if (m >= 0)
                name_round_trip(name, m);
        }
        if (!gx_dns_reader_skip(&r, rdlength))
            return;
    }
}

/* ---- re-encoding ---------------------------------------------------------------------------- */

struct out {
    uint8_t b[REENCODE_CAP];
    size_t n;
};

static void out16(struct out *o, unsigned v)
{
    o->b[o->n++] = (uint8_t)(v >> 8);
    o->b[o->n++] = (uint8_t)v;
}

static void out_bytes(struct out *o, const void *p, size_t len)
{
    memcpy(o->b + o->n, p, len);
    o->n += len;
}

static void out_rr(struct out *o, const uint8_t *owner, unsigned type, uint32_t ttl,
                   const void *rdata, size_t rdlen)
{
    out_bytes(o, owner, (size_t)gx_dns_name_length(owner));
    out16(o, type);
    out16(o, GX_DNS_CLASS_IN);
    out16(o, ttl >> 16);
    out16(o, ttl & 0xffff);
    out16(o, (unsigned)rdlen);
    out_bytes(o, rdata, rdlen);
}

/* Writes the collected answer as a plain reply and reads it back: the same answer. */
static void answer_reencode(uint16_t id, const uint8_t *qname, uint16_t qtype,
                            const struct gx_addr *addrs, const struct gx_dns_answer *ans)
{
    static struct out o;
    o.n = 0;
    size_t addr_len = qtype == GX_DNS_TYPE_A ? 4 : 16;
    out16(&o, id);
    out16(&o, 0x8180);
    out16(&o, 1);
    out16(&o, (ans->cname_links > 0) + (unsigned)ans->naddrs);
    out16(&o, 0);
    out16(&o, 0);
    out_bytes(&o, qname, (size_t)gx_dns_name_length(qname));
    out16(&o, qtype);
    out16(&o, GX_DNS_CLASS_IN);
    if (ans->cname_links > 0)
        out_rr(&o, qname, GX_DNS_TYPE_CNAME, ans->ttl_s, ans->canon,
               (size_t)gx_dns_name_length(ans->canon));
    for (size_t i = 0; i < ans->naddrs; i++)
        out_rr(&o, ans->canon, qtype, ans->ttl_s, addrs[i].bytes, addr_len);

    struct gx_dns_reply r;
    FUZZ_ASSERT(gx_dns_reply_check(o.b, o.n, id, qname, qtype, &r) == GX_OK);
    struct gx_addr again[MAX_ADDRS];
    struct gx_dns_answer a2;
    int n = gx_dns_answer_collect(o.b, o.n, qname, qtype, again, MAX_ADDRS, &a2);
    FUZZ_ASSERT(n == (int)ans->naddrs);
    FUZZ_ASSERT(memcmp(again, addrs, ans->naddrs * sizeof addrs[0]) == 0);
    FUZZ_ASSERT(gx_dns_name_equal(a2.canon, ans->canon));
    FUZZ_ASSERT(a2.cname_links == (ans->cname_links > 0 ? 1u : 0u));
    FUZZ_ASSERT(a2.ttl_s == ans->ttl_s && !a2.cname_loop && a2.skipped == 0);
}

/* ---- checking and collecting ---------------------------------------------------------------- */

static void answer_invariants(int n, uint16_t type, const uint8_t *qname,
                              const struct gx_addr *addrs, const struct gx_dns_answer *ans)
{
    FUZZ_ASSERT(ans->naddrs <= MAX_ADDRS);
    FUZZ_ASSERT(ans->cname_links <= GX_DNS_CNAME_CHAIN_MAX);
    FUZZ_ASSERT(gx_dns_name_length(ans->canon) > 0);
    FUZZ_ASSERT(ans->ttl_s <= 0x7FFFFFFFu);
    FUZZ_ASSERT(ans->canon_text_len == strlen(ans->canon_text));
    if (ans->canon_text_len > 0) {
        uint8_t w[GX_DNS_NAME_WIRE_MAX];
        char t[GX_DNS_NAME_WIRE_MAX];
        int wl = gx_dns_name_from_text(ans->canon_text, ans->canon_text_len, w);
        if (wl > 0) {
            FUZZ_ASSERT(gx_dns_name_to_text(w, t) == (int)ans->canon_text_len);
            FUZZ_ASSERT(strcmp(t, ans->canon_text) == 0);
        } else {
            FUZZ_ASSERT(strcmp(ans->canon_text, ".") == 0);
        }
    }
    if (ans->cname_loop)
        FUZZ_ASSERT(ans->naddrs == 0 && n == 0);
    if (ans->cname_links == 0 && type != GX_DNS_TYPE_PTR)
        FUZZ_ASSERT(memcmp(ans->canon, qname, (size_t)gx_dns_name_length(qname)) == 0);
    if (type == GX_DNS_TYPE_PTR) {
        FUZZ_ASSERT(n == 0 || n == 1);
        FUZZ_ASSERT(ans->naddrs == 0);
        if (n == 1) {
            char t[GX_DNS_NAME_WIRE_MAX];
            FUZZ_ASSERT(gx_dns_name_to_text(ans->canon, t) == (int)ans->canon_text_len);
            FUZZ_ASSERT(strcmp(t, ans->canon_text) == 0);
        }
        return;
    }
    FUZZ_ASSERT(n == (int)ans->naddrs);
    int family = type == GX_DNS_TYPE_A ? AF_INET : AF_INET6;
    for (size_t i = 0; i < ans->naddrs; i++) {
        FUZZ_ASSERT(addrs[i].family == family && addrs[i].scope_id == 0);
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(!gx_addr_equal(&addrs[i], &addrs[j]));
    }
}

static void exercise(const uint8_t *data, size_t size, uint16_t id, const uint8_t *qname,
                     uint16_t qtype)
{
    struct gx_dns_reply r;
    int rc = gx_dns_reply_check(data, size, id, qname, qtype, &r);
    FUZZ_ASSERT(rc == GX_OK || rc == GX_E_MALFORMED);
    FUZZ_ASSERT(r.work <= walk_bound(size));
    if (rc == GX_OK) {
        FUZZ_ASSERT(size >= GX_DNS_HEADER_LEN && r.id == id && r.rcode < 4096);
        FUZZ_ASSERT(r.has_opt || r.rcode < 16);
    }
    static const uint16_t types[] = {GX_DNS_TYPE_A, GX_DNS_TYPE_AAAA, GX_DNS_TYPE_PTR};
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        struct gx_addr addrs[MAX_ADDRS];
        struct gx_dns_answer ans;
        int n = gx_dns_answer_collect(data, size, qname, types[t], addrs, MAX_ADDRS, &ans);
        FUZZ_ASSERT(n >= 0 || n == GX_E_MALFORMED);
        FUZZ_ASSERT(ans.work <= (GX_DNS_CNAME_CHAIN_MAX + 3) * walk_bound(size));
        if (rc == GX_OK && !r.tc)
            FUZZ_ASSERT(n >= 0);
        if (n < 0)
            continue;
        answer_invariants(n, types[t], qname, addrs, &ans);
        /* A looping chain has no end to write out. */
        if (rc == GX_OK && !r.tc && types[t] == qtype && qtype != GX_DNS_TYPE_PTR &&
            !ans.cname_loop)
            answer_reencode(id, qname, qtype, addrs, &ans);
    }
}

/* The query for a question answers itself once QR is set. */
static void query_round_trip(uint16_t id, const uint8_t *qname, uint16_t qtype)
{
    uint8_t q[GX_DNS_QUERY_MAX];
    for (int edns = 0; edns <= 1; edns++) {
        int n = gx_dns_query_build(q, sizeof q, id, qname, qtype, edns);
        FUZZ_ASSERT(n == GX_DNS_HEADER_LEN + gx_dns_name_length(qname) + 4 + 11 * edns);
        q[2] |= 0x80;
        struct gx_dns_reply r;
        FUZZ_ASSERT(gx_dns_reply_check(q, (size_t)n, id, qname, qtype, &r) == GX_OK);
        FUZZ_ASSERT(r.has_opt == edns && r.rcode == 0 && r.ancount == 0);
        FUZZ_ASSERT(gx_dns_query_build(q, (size_t)n - 1, id, qname, qtype, edns) == GX_E_LIMIT);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exercise(data, size, FIXED_ID, FIXED_QNAME, GX_DNS_TYPE_A);
    exercise(data, size, FIXED_ID, FIXED_QNAME, GX_DNS_TYPE_AAAA);

    /* The input's own first question. */
    if (size >= GX_DNS_HEADER_LEN + 1) {
        uint8_t qname[GX_DNS_NAME_WIRE_MAX];
        size_t pos = GX_DNS_HEADER_LEN;
        int n = gx_dns_name_read(data, size, &pos, qname);
        if (n > 0 && pos + 2 <= size) {
            FUZZ_ASSERT(pos > GX_DNS_HEADER_LEN && pos <= size);
            uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
            uint16_t qtype = (uint16_t)(data[pos] << 8 | data[pos + 1]);
            exercise(data, size, id, qname, qtype);
            query_round_trip(id, qname, qtype);
        }
    }
    names_walk(data, size);
    return 0;
}
