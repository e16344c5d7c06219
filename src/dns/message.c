/*
 * DNS messages (RFC 1035 4.1): building a query, deciding whether a datagram is a reply to it,
 * and collecting the answer from an accepted reply.
 *
 * Model: the message is bytes received from anyone. It is read only through the bounded reader
 * of reader.h (P1), never copied, never trusted for a size: the header's counts are checked
 * against the bytes present before anything is walked (P2, W06), and every RR's RDLENGTH against
 * the bytes left (P4, W19). The check walks the whole message once; the collection walks the
 * answer section once per CNAME link it discovers out of order (at most 1 + 16 times, N05) and
 * once more for the addresses, decompressing only the owner names of RRs of the types it wants.
 * Every walk is linear in the message: a name costs at most 255 label octets and 128 pointers
 * (name.c), and an RR is at least RR_MIN_LEN bytes. The worst reply for the collection is a
 * chain of 16 written in reverse order among 64 KiB of other CNAMEs owned by 255-octet names:
 * 17 walks, each decompressing every CNAME owner, about 15 ms on a 2020s core (a real reply
 * takes microseconds). Duplicate addresses are found by binary search (struct dedup).
 *
 * Only the answer section gives data, only class IN, only for the asked name or the end of its
 * CNAME chain (P6); of the authority and additional sections only the OPT record is read.
 */
#include <string.h>

#include "core/limits.h"
#include "core/status.h"
#include "dns/reader.h"
#include "dns/wire.h"

/* RFC 1035 4.1.1: the second 16-bit word of the header. */
#define HDR_QR 0x8000
#define HDR_OPCODE_SHIFT 11
#define HDR_OPCODE_MASK 0xF
#define HDR_AA 0x0400
#define HDR_TC 0x0200
#define HDR_RD 0x0100
#define HDR_RA 0x0080
#define HDR_AD 0x0020
#define HDR_RCODE_MASK 0x000F
#define OPCODE_QUERY 0

/* An RR's type, class, TTL and RDLENGTH. */
#define RR_FIXED_LEN 10
/* The smallest RR: a root owner (1 octet), the fixed part and no RDATA. No more RRs than the
 * bytes left / 11 can be present (P2). */
#define RR_MIN_LEN (1 + RR_FIXED_LEN)
/* The question's type and class after its name. */
#define QUESTION_FIXED_LEN 4
/* An OPT RR with no options: root owner, type, class, TTL, RDLENGTH (RFC 6891 6.1.2). */
#define OPT_RR_LEN (1 + RR_FIXED_LEN)
/* RFC 6891 6.1.3: the OPT TTL is EXTENDED-RCODE (8 bits), VERSION, DO and Z. The extended
 * RCODE gives the top 8 bits of a 12-bit RCODE whose low 4 bits are the header's. */
#define OPT_EXT_RCODE_SHIFT 24
#define RCODE_HEADER_BITS 4
/* RFC 2181 8: a TTL with the top bit set is read as zero. */
#define TTL_MAX_SANE 0x7FFFFFFFu

enum section { SECTION_ANSWER, SECTION_AUTHORITY, SECTION_ADDITIONAL };

struct header {
    uint16_t id, flags, qdcount, ancount, nscount, arcount;
};

static bool header_read(struct gx_dns_reader *r, struct header *h)
{
    return gx_dns_reader_u16(r, &h->id) && gx_dns_reader_u16(r, &h->flags) &&
           gx_dns_reader_u16(r, &h->qdcount) && gx_dns_reader_u16(r, &h->ancount) &&
           gx_dns_reader_u16(r, &h->nscount) && gx_dns_reader_u16(r, &h->arcount);
}

/* Counts that the bytes left cannot hold are refused before any walk (W06). */
static bool counts_fit(const struct gx_dns_reader *r, size_t rrs)
{
    return rrs <= GX_DNS_RR_MAX && rrs <= gx_dns_reader_left(r) / RR_MIN_LEN;
}

/*
 * Reads one RR's owner, fixed part and RDATA bounds, leaving the cursor after the RDATA. The
 * owner is decompressed into owner when given (its length returned), else only stepped over
 * (1 returned). GX_E_MALFORMED when anything runs past the end (W18, W19).
 */
static int rr_read(struct gx_dns_reader *r, struct gx_dns_rr *rr,
                   uint8_t owner[GX_DNS_NAME_WIRE_MAX])
{
    int owner_len = 1;
    rr->owner_pos = r->pos;
    if (owner != NULL)
        owner_len = gx_dns_reader_name(r, owner);
    else if (!gx_dns_reader_skip_name(r))
        owner_len = GX_E_MALFORMED;
    if (owner_len < 0)
        return owner_len;
    if (!gx_dns_reader_u16(r, &rr->type) || !gx_dns_reader_u16(r, &rr->rclass) ||
        !gx_dns_reader_u32(r, &rr->ttl_s) || !gx_dns_reader_u16(r, &rr->rdlength))
        return GX_E_MALFORMED;
    rr->rdata_pos = r->pos;
    if (!gx_dns_reader_skip(r, rr->rdlength))
        return GX_E_MALFORMED;
    return owner_len;
}

/* Decompresses the owner of an RR read by rr_read without it. */
static int rr_owner(struct gx_dns_reader *r, const struct gx_dns_rr *rr,
                    uint8_t owner[GX_DNS_NAME_WIRE_MAX])
{
    struct gx_dns_reader o = *r;
    o.pos = rr->owner_pos;
    o.work = 0;
    int n = gx_dns_reader_name(&o, owner);
    r->work += o.work;
    return n;
}

/* The name that is the whole RDATA of a CNAME or PTR: it must end exactly at the end of the RDATA
 * (W23), and its pointers obey the rules of every name (W24). */
static int rdata_name(struct gx_dns_reader *r, const struct gx_dns_rr *rr,
                      uint8_t name[GX_DNS_NAME_WIRE_MAX])
{
    struct gx_dns_reader sub;
    if (!gx_dns_reader_at(r, rr->rdata_pos, rr->rdlength, &sub))
        return GX_E_MALFORMED;
    int n = gx_dns_reader_name(&sub, name);
    r->work += sub.work;
    if (n < 0 || gx_dns_reader_left(&sub) != 0)
        return GX_E_MALFORMED;
    return n;
}

/* ---- building a query --------------------------------------------------------------------- */

static size_t put16(uint8_t *p, size_t n, unsigned v)
{
    p[n] = (uint8_t)(v >> 8);
    p[n + 1] = (uint8_t)v;
    return n + 2;
}

int gx_dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *qname, uint16_t qtype,
                       bool edns)
{
    int qlen = gx_dns_name_length(qname);
    if (qlen < 0)
        return qlen;
    size_t need = GX_DNS_HEADER_LEN + (size_t)qlen + QUESTION_FIXED_LEN + (edns ? OPT_RR_LEN : 0);
    if (cap < need)
        return GX_E_LIMIT;
    size_t n = 0;
    n = put16(buf, n, id);
    n = put16(buf, n, HDR_RD);
    n = put16(buf, n, 1);            /* QDCOUNT */
    n = put16(buf, n, 0);            /* ANCOUNT */
    n = put16(buf, n, 0);            /* NSCOUNT */
    n = put16(buf, n, edns ? 1 : 0); /* ARCOUNT */
    memcpy(buf + n, qname, (size_t)qlen);
    n += (size_t)qlen;
    n = put16(buf, n, qtype);
    n = put16(buf, n, GX_DNS_CLASS_IN);
    if (edns) {
        buf[n++] = 0; /* the root owner */
        n = put16(buf, n, GX_DNS_TYPE_OPT);
        n = put16(buf, n, GX_DNS_EDNS_PAYLOAD); /* CLASS: our UDP payload size */
        n = put16(buf, n, 0);                   /* extended RCODE 0, version 0 */
        n = put16(buf, n, 0);                   /* DO=0, Z=0 */
        n = put16(buf, n, 0);                   /* no options */
    }
    return (int)n;
}

/* ---- checking a reply --------------------------------------------------------------------- */

/* RFC 6891 6.1.2: the OPT RDATA is a sequence of {code, length, data}, exactly filling it. */
static bool opt_options_ok(struct gx_dns_reader *r, const struct gx_dns_rr *rr)
{
    struct gx_dns_reader sub;
    if (!gx_dns_reader_at(r, rr->rdata_pos, rr->rdlength, &sub))
        return false;
    bool ok = true;
    while (ok && gx_dns_reader_left(&sub) > 0) {
        uint16_t code, len;
        ok = gx_dns_reader_u16(&sub, &code) && gx_dns_reader_u16(&sub, &len) &&
             gx_dns_reader_skip(&sub, len);
    }
    r->work += sub.work;
    return ok;
}

static int rr_check(struct gx_dns_reader *r, enum section section, struct gx_dns_reply *reply)
{
    uint8_t owner[GX_DNS_NAME_WIRE_MAX], name[GX_DNS_NAME_WIRE_MAX];
    struct gx_dns_rr rr;
    int owner_len = rr_read(r, &rr, owner);
    if (owner_len < 0)
        return owner_len;
    switch (rr.type) {
    case GX_DNS_TYPE_OPT:
        /* RFC 6891 6.1.1: one OPT, in the additional section, owned by the root (W26, W27). */
        if (section != SECTION_ADDITIONAL || reply->has_opt || owner_len != 1 ||
            !opt_options_ok(r, &rr))
            return GX_E_MALFORMED;
        reply->has_opt = true;
        reply->rcode |= (rr.ttl_s >> OPT_EXT_RCODE_SHIFT) << RCODE_HEADER_BITS;
        return GX_OK;
    case GX_DNS_TYPE_CNAME:
    case GX_DNS_TYPE_PTR:
        return rdata_name(r, &rr, name) < 0 ? GX_E_MALFORMED : GX_OK;
    default:
        /* Nothing else is interpreted (W25): an unknown type's RDATA, or an SRV or MX target,
         * is never decompressed, so its contents cannot make a reply fail or cost work. */
        return GX_OK;
    }
}

static int sections_check(struct gx_dns_reader *r, const struct header *h,
                          struct gx_dns_reply *reply)
{
    const uint16_t counts[3] = {h->ancount, h->nscount, h->arcount};
    if (!counts_fit(r, (size_t)h->ancount + h->nscount + h->arcount))
        return GX_E_MALFORMED;
    for (int s = SECTION_ANSWER; s <= SECTION_ADDITIONAL; s++)
        for (unsigned i = 0; i < counts[s]; i++) {
            int rc = rr_check(r, (enum section)s, reply);
            if (rc < 0)
                return rc;
        }
    return GX_OK;
}

/* The rcodes a server may send with no question (W03, T20). */
static bool rcode_bare_ok(unsigned rcode)
{
    return rcode == GX_DNS_RCODE_SERVFAIL || rcode == GX_DNS_RCODE_REFUSED ||
           rcode == GX_DNS_RCODE_NOTIMP || rcode == GX_DNS_RCODE_FORMERR;
}

static int question_check(struct gx_dns_reader *r, const uint8_t *qname, uint16_t qtype)
{
    uint8_t name[GX_DNS_NAME_WIRE_MAX];
    uint16_t type, rclass;
    if (gx_dns_reader_name(r, name) < 0 || !gx_dns_reader_u16(r, &type) ||
        !gx_dns_reader_u16(r, &rclass))
        return GX_E_MALFORMED;
    /* P5: the same question, the name in any case (D4: 0x20 is off). */
    if (type != qtype || rclass != GX_DNS_CLASS_IN || !gx_dns_name_equal(name, qname))
        return GX_E_MALFORMED;
    return GX_OK;
}

static int reply_check(struct gx_dns_reader *r, uint16_t id, const uint8_t *qname, uint16_t qtype,
                       struct gx_dns_reply *reply)
{
    struct header h;
    if (!header_read(r, &h))
        return GX_E_MALFORMED; /* W01, W02 */
    unsigned opcode = (unsigned)(h.flags >> HDR_OPCODE_SHIFT) & HDR_OPCODE_MASK;
    if (h.id != id || !(h.flags & HDR_QR) || opcode != OPCODE_QUERY)
        return GX_E_MALFORMED; /* V01, V02, V03 */
    reply->id = h.id;
    reply->tc = (h.flags & HDR_TC) != 0;
    reply->aa = (h.flags & HDR_AA) != 0;
    reply->ra = (h.flags & HDR_RA) != 0;
    reply->ad = (h.flags & HDR_AD) != 0;
    reply->rcode = h.flags & HDR_RCODE_MASK;
    reply->ancount = h.ancount;
    reply->nscount = h.nscount;
    reply->arcount = h.arcount;

    if (h.qdcount == 0) {
        /* A server that could not read our question may not echo it (W03); anything else with
         * no question is no reply to it (W04, W05; RFC 9619 asks for exactly one). */
        if (!rcode_bare_ok(reply->rcode) || h.ancount != 0 || h.nscount != 0)
            return GX_E_MALFORMED;
    } else if (h.qdcount != 1) {
        return GX_E_MALFORMED;
    } else if (question_check(r, qname, qtype) < 0) {
        return GX_E_MALFORMED; /* V04, V06 */
    }
    int rc = sections_check(r, &h, reply);
    if (rc < 0 && reply->tc)
        return GX_OK; /* RFC 2181 9: a truncated reply is only a signal to ask over TCP */
    return rc;
}

int gx_dns_reply_check(const uint8_t *msg, size_t len, uint16_t id, const uint8_t *qname,
                       uint16_t qtype, struct gx_dns_reply *r)
{
    struct gx_dns_reader rd;
    gx_dns_reader_init(&rd, msg, len);
    memset(r, 0, sizeof *r);
    int rc = reply_check(&rd, id, qname, qtype, r);
    if (rc < 0)
        memset(r, 0, sizeof *r);
    r->work = rd.work;
    return rc;
}

/* ---- collecting the answer ---------------------------------------------------------------- */

/*
 * Exact duplicates are merged (D5, W32). The indexes of the addresses kept so far are held sorted
 * by address, so each RR costs a binary search and a memmove of at most 2 KiB of indexes, whatever
 * the reply; a plain scan of every address kept would cost 4,000 RRs x 1,024 addresses in a
 * hostile 64 KiB reply. Sorting is deterministic, so no reply can be crafted to defeat it, as
 * colliding addresses could defeat a hash. Addresses past GX_ADDRS_PER_FAMILY_MAX, which only a
 * caller with a larger array gets, are compared one by one.
 */
struct dedup {
    uint16_t sorted[GX_ADDRS_PER_FAMILY_MAX]; /* indexes into the caller's array */
    size_t n;
};
_Static_assert(GX_ADDRS_PER_FAMILY_MAX <= UINT16_MAX + 1, "indexes fit in 16 bits");

struct collect {
    struct gx_dns_reader *r;
    size_t answers; /* where the answer section starts */
    uint16_t ancount;
    struct gx_dns_answer *ans;
    bool ttl_set;
    struct gx_addr *addrs; /* the caller's array */
    size_t max_addrs;
    size_t addr_len; /* 4 (A), 16 (AAAA), 0 (PTR) */
    struct dedup *dedup;
};

static void ttl_use(struct collect *c, uint32_t ttl_s)
{
    if (ttl_s > TTL_MAX_SANE)
        ttl_s = 0; /* W37 */
    if (!c->ttl_set || ttl_s < c->ans->ttl_s)
        c->ans->ttl_s = ttl_s;
    c->ttl_set = true;
}

/* Keeps the name's text when it passes the host-name rule: the last such name of the chain is
 * what a caller may show (N06, N07). */
static void canon_text_offer(struct gx_dns_answer *ans, const uint8_t *name)
{
    char text[GX_DNS_NAME_WIRE_MAX];
    int n = gx_dns_name_to_text(name, text);
    if (n < 0)
        return;
    memcpy(ans->canon_text, text, (size_t)n + 1);
    ans->canon_text_len = (size_t)n;
}

/*
 * Steps through the answer section, calling visit for each RR of the given type and class IN
 * whose owner is ans->canon. visit returns > 0 to stop, 0 to go on, < 0 on error.
 */
typedef int (*rr_visit_fn)(struct collect *c, const struct gx_dns_rr *rr);

static int answers_walk(struct collect *c, uint16_t type, rr_visit_fn visit)
{
    if (!gx_dns_reader_seek(c->r, c->answers))
        return GX_E_MALFORMED;
    for (unsigned i = 0; i < c->ancount; i++) {
        struct gx_dns_rr rr;
        uint8_t owner[GX_DNS_NAME_WIRE_MAX];
        if (rr_read(c->r, &rr, NULL) < 0)
            return GX_E_MALFORMED;
        if (rr.type != type || rr.rclass != GX_DNS_CLASS_IN)
            continue; /* W25, W31, W34 */
        if (rr_owner(c->r, &rr, owner) < 0)
            return GX_E_MALFORMED;
        if (!gx_dns_name_equal(owner, c->ans->canon))
            continue; /* W35 */
        int rc = visit(c, &rr);
        if (rc != 0)
            return rc;
    }
    return GX_OK;
}

/* A CNAME owned by the current end of the chain: follow it, unless the chain is full. */
static int cname_visit(struct collect *c, const struct gx_dns_rr *rr)
{
    uint8_t target[GX_DNS_NAME_WIRE_MAX];
    if (c->ans->cname_links == GX_DNS_CNAME_CHAIN_MAX) {
        c->ans->cname_loop = true; /* N02 (a loop never ends), N03 */
        return 1;
    }
    int n = rdata_name(c->r, rr, target);
    if (n < 0)
        return n;
    memcpy(c->ans->canon, target, (size_t)n);
    c->ans->cname_links++;
    ttl_use(c, rr->ttl_s);
    canon_text_offer(c->ans, target);
    return 0;
}

/*
 * Follows the chain from qname (N01). A walk follows every link it meets in order; a chain
 * written out of order (N05) needs another walk per link met too early, so at most
 * GX_DNS_CNAME_CHAIN_MAX + 1 walks. A walk that follows nothing ends the chain.
 */
static int chain_follow(struct collect *c)
{
    for (;;) {
        size_t before = c->ans->cname_links;
        int rc = answers_walk(c, GX_DNS_TYPE_CNAME, cname_visit);
        if (rc < 0)
            return rc;
        if (c->ans->cname_loop || c->ans->cname_links == before)
            return GX_OK;
    }
}

/* Whether the address is among those kept; if not, *slot is where its index goes in sorted. */
static bool addr_known(struct collect *c, const uint8_t *bytes, size_t *slot)
{
    const struct dedup *d = c->dedup;
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = memcmp(c->addrs[d->sorted[mid]].bytes, bytes, c->addr_len);
        c->r->work++;
        if (cmp == 0)
            return true;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *slot = lo;
    for (size_t i = d->n; i < c->ans->naddrs; i++) {
        c->r->work++;
        if (memcmp(c->addrs[i].bytes, bytes, c->addr_len) == 0)
            return true;
    }
    return false;
}

/* Records the address just stored at c->addrs[naddrs], whose place addr_known found. */
static void addr_remember(struct collect *c, size_t slot)
{
    struct dedup *d = c->dedup;
    if (d->n != c->ans->naddrs || d->n == GX_ADDRS_PER_FAMILY_MAX)
        return;
    memmove(d->sorted + slot + 1, d->sorted + slot, (d->n - slot) * sizeof d->sorted[0]);
    d->sorted[slot] = (uint16_t)c->ans->naddrs;
    d->n++;
    c->r->work++;
}

static int addr_visit(struct collect *c, const struct gx_dns_rr *rr)
{
    struct gx_dns_answer *ans = c->ans;
    uint8_t bytes[16];
    /* A fixed-size type of another size is skipped whole (W20-W22). */
    if (rr->rdlength != c->addr_len) {
        ans->skipped++;
        return 0;
    }
    struct gx_dns_reader data;
    if (!gx_dns_reader_at(c->r, rr->rdata_pos, rr->rdlength, &data) ||
        !gx_dns_reader_bytes(&data, bytes, c->addr_len))
        return GX_E_MALFORMED;
    c->r->work += data.work;
    size_t slot;
    if (addr_known(c, bytes, &slot)) {
        ttl_use(c, rr->ttl_s); /* the same address again (W32) */
        return 0;
    }
    if (ans->naddrs == c->max_addrs) {
        ans->truncated = true;
        return 0;
    }
    if (c->addr_len == 4)
        gx_addr_set4(&c->addrs[ans->naddrs], bytes);
    else
        gx_addr_set6(&c->addrs[ans->naddrs], bytes, 0);
    addr_remember(c, slot);
    ans->naddrs++;
    ttl_use(c, rr->ttl_s);
    return 0;
}

/* The first PTR whose target passes the host-name rule (N06, N09). */
static int ptr_visit(struct collect *c, const struct gx_dns_rr *rr)
{
    uint8_t target[GX_DNS_NAME_WIRE_MAX];
    char text[GX_DNS_NAME_WIRE_MAX];
    int n = rdata_name(c->r, rr, target);
    if (n < 0)
        return n;
    int tlen = gx_dns_name_to_text(target, text);
    if (tlen < 0)
        return 0;
    memcpy(c->ans->canon, target, (size_t)n);
    memcpy(c->ans->canon_text, text, (size_t)tlen + 1);
    c->ans->canon_text_len = (size_t)tlen;
    ttl_use(c, rr->ttl_s);
    return 1;
}

static int answer_collect(struct gx_dns_reader *r, const uint8_t *qname, uint16_t qtype,
                          struct gx_addr *addrs, size_t max_addrs, struct gx_dns_answer *ans)
{
    size_t addr_len;
    switch (qtype) {
    case GX_DNS_TYPE_A:
        addr_len = 4;
        break;
    case GX_DNS_TYPE_AAAA:
        addr_len = 16;
        break;
    case GX_DNS_TYPE_PTR:
        addr_len = 0;
        break;
    default:
        return GX_E_FAIL;
    }
    int qlen = gx_dns_name_length(qname);
    struct header h;
    if (qlen < 0 || !header_read(r, &h) || h.qdcount > 1)
        return GX_E_MALFORMED;
    if (h.qdcount == 1 &&
        (!gx_dns_reader_skip_name(r) || !gx_dns_reader_skip(r, QUESTION_FIXED_LEN)))
        return GX_E_MALFORMED;
    if (!counts_fit(r, h.ancount))
        return GX_E_MALFORMED;

    struct dedup dedup; /* only its first dedup.n indexes are ever read */
    dedup.n = 0;
    struct collect c = {.r = r,
                        .answers = r->pos,
                        .ancount = h.ancount,
                        .ans = ans,
                        .addrs = addrs,
                        .max_addrs = addrs != NULL ? max_addrs : 0,
                        .addr_len = addr_len,
                        .dedup = &dedup};
    memcpy(ans->canon, qname, (size_t)qlen);
    canon_text_offer(ans, qname);
    int rc = chain_follow(&c);
    if (rc < 0 || ans->cname_loop)
        return rc;
    if (qtype == GX_DNS_TYPE_PTR)
        return answers_walk(&c, GX_DNS_TYPE_PTR, ptr_visit);
    rc = answers_walk(&c, qtype, addr_visit);
    return rc < 0 ? rc : (int)ans->naddrs;
}

int gx_dns_answer_collect(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                          struct gx_addr *addrs, size_t max_addrs, struct gx_dns_answer *ans)
{
    struct gx_dns_reader rd;
    gx_dns_reader_init(&rd, msg, len);
    memset(ans, 0, sizeof *ans);
    int rc = answer_collect(&rd, qname, qtype, addrs, max_addrs, ans);
    ans->work = rd.work;
    return rc;
}
