/*
 * Tests of DNS messages (src/dns/message.c): the query builder, the reply check (P5, W01-W19,
 * W23-W28) and the answer collection (P6, W20-W22, W25, W30-W37, N01-N09, S02). Each W, V and N
 * case that applies to a single message has a test named after it.
 *
 * Messages are built here byte by byte by a small writer, independently of the code under test,
 * and every message is handed to the code placed against a guard page, so any read past its
 * length faults. Work bounds use the parsers' work counters (bytes examined, jumps, skips), not
 * clocks: a test never measures time.
 */
#include <stdint.h>

#include "check.h"
#include "core/addr.h"
#include "core/status.h"
#include "dns/wire.h"

/* ---- a message writer ----------------------------------------------------------------------- */

#define MSG_CAP 70000
#define QID 0x1234
#define QNAME ((const uint8_t *)"\1a\4test")
#define QNAME_AT 12
#define F_QR 0x8000
#define F_AA 0x0400
#define F_TC 0x0200
#define F_RD 0x0100
#define F_RA 0x0080
#define F_AD 0x0020
#define F_REPLY (F_QR | F_RD | F_RA)
#define T_SRV 33
#define T_TXT 16
#define T_RRSIG 46
#define C_CH 3
#define C_ANY 255

struct msg {
    uint8_t b[MSG_CAP];
    size_t n;
};

static void u8(struct msg *m, unsigned v)
{
    if (m->n < MSG_CAP)
        m->b[m->n++] = (uint8_t)v;
}

static void u16(struct msg *m, unsigned v)
{
    u8(m, v >> 8);
    u8(m, v & 0xff);
}

static void u32(struct msg *m, uint32_t v)
{
    u16(m, v >> 16);
    u16(m, v & 0xffff);
}

static void raw(struct msg *m, const void *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        u8(m, ((const uint8_t *)p)[i]);
}

static void set16(struct msg *m, size_t at, unsigned v)
{
    m->b[at] = (uint8_t)(v >> 8);
    m->b[at + 1] = (uint8_t)v;
}

/* A text name, uncompressed ("" is the root). Labels are written as they are between dots. */
static void name(struct msg *m, const char *text)
{
    while (*text) {
        const char *dot = strchr(text, '.');
        size_t len = dot ? (size_t)(dot - text) : strlen(text);
        u8(m, (unsigned)len);
        raw(m, text, len);
        text += len + (dot ? 1 : 0);
    }
    u8(m, 0);
}

static void ptr(struct msg *m, size_t target)
{
    u16(m, 0xC000 | (unsigned)target);
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
                   unsigned ns, unsigned ar)
{
    m->n = 0;
    u16(m, id);
    u16(m, flags);
    u16(m, qd);
    u16(m, an);
    u16(m, ns);
    u16(m, ar);
}

/* The fixed part of an RR after its owner. */
static void rr_fixed(struct msg *m, unsigned type, unsigned rclass, uint32_t ttl, unsigned rdlen)
{
    u16(m, type);
    u16(m, rclass);
    u32(m, ttl);
    u16(m, rdlen);
}

/* The usual reply to "a.test A": header, question at 12, then what the test adds. */
static void reply(struct msg *m, unsigned flags, unsigned an, unsigned ns, unsigned ar,
                  unsigned qtype)
{
    header(m, QID, flags, 1, an, ns, ar);
    name(m, "a.test");
    u16(m, qtype);
    u16(m, GX_DNS_CLASS_IN);
}

/* An A RR owned by the qname (a pointer to the question) or by a text name. */
static void rr_a(struct msg *m, const char *owner, uint32_t ttl, unsigned a, unsigned b, unsigned c,
                 unsigned d)
{
    if (owner)
        name(m, owner);
    else
        ptr(m, QNAME_AT);
    rr_fixed(m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, ttl, 4);
    u8(m, a);
    u8(m, b);
    u8(m, c);
    u8(m, d);
}

static void rr_aaaa(struct msg *m, const char *owner, unsigned last)
{
    if (owner)
        name(m, owner);
    else
        ptr(m, QNAME_AT);
    rr_fixed(m, GX_DNS_TYPE_AAAA, GX_DNS_CLASS_IN, 300, 16);
    static const uint8_t prefix[14] = {0x20, 0x01, 0x0d, 0xb8};
    raw(m, prefix, 14);
    u16(m, last);
}

static void rr_cname(struct msg *m, const char *owner, const char *target)
{
    if (owner)
        name(m, owner);
    else
        ptr(m, QNAME_AT);
    size_t at = m->n;
    rr_fixed(m, GX_DNS_TYPE_CNAME, GX_DNS_CLASS_IN, 300, 0);
    size_t start = m->n;
    name(m, target);
    set16(m, at + 8, (unsigned)(m->n - start));
}

static void rr_opt(struct msg *m, unsigned ext_rcode)
{
    u8(m, 0);
    rr_fixed(m, GX_DNS_TYPE_OPT, 1232, (uint32_t)ext_rcode << 24, 0);
}

/* ---- the code under test, against guard pages ----------------------------------------------- */

static int check_q(const struct msg *m, const uint8_t *qname, uint16_t qtype,
                   struct gx_dns_reply *r)
{
    uint8_t *g = check_guarded_copy(m->b, m->n);
    int rc = gx_dns_reply_check(g, m->n, QID, qname, qtype, r);
    check_guarded_free(g, m->n);
    return rc;
}

static int check_a(const struct msg *m, struct gx_dns_reply *r)
{
    return check_q(m, QNAME, GX_DNS_TYPE_A, r);
}

static int collect_q(const struct msg *m, const uint8_t *qname, uint16_t qtype,
                     struct gx_addr *addrs, size_t max, struct gx_dns_answer *ans)
{
    uint8_t *g = check_guarded_copy(m->b, m->n);
    int rc = gx_dns_answer_collect(g, m->n, qname, qtype, addrs, max, ans);
    check_guarded_free(g, m->n);
    return rc;
}

/* Check, then collect "a.test A" into addrs. The check must pass. */
static int accept_a(const struct msg *m, struct gx_addr *addrs, size_t max,
                    struct gx_dns_answer *ans)
{
    struct gx_dns_reply r;
    int rc = check_a(m, &r);
    if (rc != GX_OK) {
        fprintf(stderr, "reply refused: %d\n", rc);
        return rc;
    }
    return collect_q(m, QNAME, GX_DNS_TYPE_A, addrs, max, ans);
}

static bool is_a(const struct gx_addr *a, unsigned w, unsigned x, unsigned y, unsigned z)
{
    return a->family == AF_INET && a->bytes[0] == w && a->bytes[1] == x && a->bytes[2] == y &&
           a->bytes[3] == z;
}

/* A wire name from text, written independently of gx_dns_name_from_text. */
static const uint8_t *wire(const char *text)
{
    static struct msg w;
    w.n = 0;
    name(&w, text);
    return w.b;
}

/* ---- building a query ----------------------------------------------------------------------- */

/* T21: RD=1, one question, OPT with a 1232-byte payload and nothing else. */
TEST(query_build_with_edns)
{
    uint8_t q[GX_DNS_QUERY_MAX];
    int n = gx_dns_query_build(q, sizeof q, 0xBEEF, QNAME, GX_DNS_TYPE_AAAA, true);
    static const uint8_t want[] = {0xBE, 0xEF, 0x01, 0x00, 0,    1,   0,   0, 0, 0,  0, 1,
                                   1,    'a',  4,    't',  'e',  's', 't', 0, 0, 28, 0, 1,
                                   0,    0,    41,   0x04, 0xD0, 0,   0,   0, 0, 0,  0};
    CHECK_EQ_INT(n, (int)sizeof want);
    CHECK_EQ_MEM(q, want, sizeof want);
    n = gx_dns_query_build(q, sizeof q, 7, QNAME, GX_DNS_TYPE_A, false);
    CHECK_EQ_INT(n, 24);
    CHECK_EQ_MEM(q, "\0\7\1\0\0\1\0\0\0\0\0\0\1a\4test\0\0\1\0\1", 24);
}

/* The largest query fits GX_DNS_QUERY_MAX; one byte less is GX_E_LIMIT with nothing written. */
TEST(query_build_capacity)
{
    uint8_t q[GX_DNS_QUERY_MAX + 1];
    uint8_t longest[GX_DNS_NAME_WIRE_MAX];
    for (size_t i = 0; i < 3; i++) {
        longest[i * 64] = 63;
        memset(longest + i * 64 + 1, 'x', 63);
    }
    longest[192] = 61;
    memset(longest + 193, 'y', 61);
    longest[254] = 0;
    REQUIRE(gx_dns_name_length(longest) == GX_DNS_NAME_WIRE_MAX);
    CHECK_EQ_INT(gx_dns_query_build(q, GX_DNS_QUERY_MAX, 1, longest, 1, true), GX_DNS_QUERY_MAX);
    memset(q, 0xAA, sizeof q);
    CHECK_EQ_INT(gx_dns_query_build(q, GX_DNS_QUERY_MAX - 1, 1, longest, 1, true), GX_E_LIMIT);
    CHECK_EQ_INT(q[0], 0xAA);
    CHECK_EQ_INT(gx_dns_query_build(q, 23, 1, QNAME, 1, false), GX_E_LIMIT);
    CHECK_EQ_INT(gx_dns_query_build(q, 24, 1, QNAME, 1, false), 24);
    CHECK_EQ_INT(gx_dns_query_build(q, 0, 1, QNAME, 1, false), GX_E_LIMIT);
    uint8_t bad[GX_DNS_NAME_WIRE_MAX];
    memset(bad, 1, sizeof bad);
    CHECK_EQ_INT(gx_dns_query_build(q, sizeof q, 1, bad, 1, false), GX_E_MALFORMED);
}

/* Z1 / glibc CVE-2015-5180: no qtype is special; each goes on the wire as given, and a reply
 * made from the query is accepted for that qtype only. */
TEST(query_build_any_qtype)
{
    static const uint16_t types[] = {0, 1, 28, 41, 255, 62321, 65535};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        struct msg m;
        int n = gx_dns_query_build(m.b, sizeof m.b, QID, QNAME, types[i], false);
        REQUIRE(n == 24);
        m.n = (size_t)n;
        CHECK_EQ_INT(m.b[20] << 8 | m.b[21], types[i]);
        m.b[2] |= 0x80; /* QR */
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_q(&m, QNAME, types[i], &r), GX_OK);
        CHECK_EQ_INT(check_q(&m, QNAME, (uint16_t)(types[i] + 1), &r), GX_E_MALFORMED);
    }
}

/* ---- P5: is it a reply to our query? -------------------------------------------------------- */

TEST(reply_accepted_with_flags)
{
    struct msg m;
    reply(&m, F_REPLY | F_AA | F_AD, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK_EQ_INT(r.id, QID);
    CHECK(r.aa && r.ra && r.ad && !r.tc && !r.has_opt);
    CHECK_EQ_INT(r.rcode, 0);
    CHECK_EQ_INT(r.ancount, 1);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 4, &ans), 1);
    CHECK(is_a(&a[0], 192, 0, 2, 1));
    CHECK_EQ_INT(ans.ttl_s, 300);
    CHECK(gx_dns_name_equal(ans.canon, QNAME));
    CHECK_EQ_STR(ans.canon_text, "a.test");
    CHECK_EQ_INT(ans.canon_text_len, 6);
}

TEST(V01_wrong_id_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    set16(&m, 0, QID ^ 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

TEST(V02_query_bit_clear_dropped)
{
    struct msg m;
    reply(&m, F_RD | F_RA, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

TEST(V03_other_opcode_dropped)
{
    static const unsigned opcodes[] = {1, 2, 4, 5, 15};
    for (size_t i = 0; i < sizeof opcodes / sizeof opcodes[0]; i++) {
        struct msg m;
        reply(&m, F_REPLY | opcodes[i] << 11, 1, 0, 0, GX_DNS_TYPE_A);
        rr_a(&m, NULL, 300, 192, 0, 2, 1);
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

TEST(V04_other_question_name_dropped)
{
    struct msg m;
    header(&m, QID, F_REPLY, 1, 1, 0, 0);
    name(&m, "b.test");
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK_EQ_INT(check_q(&m, wire("a.test.b"), GX_DNS_TYPE_A, &r), GX_E_MALFORMED);
    CHECK_EQ_INT(check_q(&m, wire("b.test"), GX_DNS_TYPE_A, &r), GX_OK);
}

/* V05: with 0x20 off (D4) the question matches in any case. */
TEST(V05_question_case_accepted)
{
    struct msg m;
    header(&m, QID, F_REPLY, 1, 1, 0, 0);
    name(&m, "A.TeST");
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 2, &ans), 1);
}

TEST(V06_other_type_or_class_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 0, 0, 0, GX_DNS_TYPE_AAAA);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK_EQ_INT(check_q(&m, QNAME, GX_DNS_TYPE_AAAA, &r), GX_OK);
    reply(&m, F_REPLY, 0, 0, 0, GX_DNS_TYPE_A);
    set16(&m, m.n - 2, C_CH);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* ---- W: malformed messages ------------------------------------------------------------------ */

/* W01, W02: 0 to 11 bytes, even with the right ID and QR. */
TEST(W02_short_datagrams_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 0, 0, 0, GX_DNS_TYPE_A);
    for (size_t len = 0; len < GX_DNS_HEADER_LEN; len++) {
        struct msg cut = m;
        cut.n = len;
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&cut, &r), GX_E_MALFORMED);
        struct gx_addr a[1];
        struct gx_dns_answer ans;
        CHECK_EQ_INT(collect_q(&cut, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    }
}

/* W03: a bare header with the right ID is that server's failure, at once. */
TEST(W03_bare_error_header_accepted)
{
    static const unsigned rcodes[] = {GX_DNS_RCODE_SERVFAIL, GX_DNS_RCODE_REFUSED,
                                      GX_DNS_RCODE_NOTIMP, GX_DNS_RCODE_FORMERR};
    for (size_t i = 0; i < sizeof rcodes / sizeof rcodes[0]; i++) {
        struct msg m;
        header(&m, QID, F_QR | rcodes[i], 0, 0, 0, 0);
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_OK);
        CHECK_EQ_INT(r.rcode, rcodes[i]);
        struct gx_addr a[1];
        struct gx_dns_answer ans;
        CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), 0);
        /* With an OPT after it (a bare FORMERR from an EDNS-aware server). */
        header(&m, QID, F_QR | rcodes[i], 0, 0, 0, 1);
        rr_opt(&m, 0);
        CHECK_EQ_INT(check_a(&m, &r), GX_OK);
        CHECK(r.has_opt);
        /* Not with the wrong ID, nor with an answer or authority record. */
        header(&m, QID + 1, F_QR | rcodes[i], 0, 0, 0, 0);
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
        header(&m, QID, F_QR | rcodes[i], 0, 1, 0, 0);
        rr_a(&m, "a.test", 300, 1, 2, 3, 4);
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
        header(&m, QID, F_QR | rcodes[i], 0, 0, 1, 0);
        rr_a(&m, "a.test", 300, 1, 2, 3, 4);
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

/* W04: header-only NOERROR (and NXDOMAIN, and the other rcodes) is no answer. */
TEST(W04_header_only_noerror_dropped)
{
    static const unsigned rcodes[] = {0, 3, 6, 9, 15};
    for (size_t i = 0; i < sizeof rcodes / sizeof rcodes[0]; i++) {
        struct msg m;
        header(&m, QID, F_REPLY | rcodes[i], 0, 0, 0, 0);
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

/* W05: QDCOUNT=2 (the question repeated), QDCOUNT=0 with answers. */
TEST(W05_question_count_not_one_dropped)
{
    struct msg m;
    header(&m, QID, F_REPLY, 2, 1, 0, 0);
    name(&m, "a.test");
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    ptr(&m, QNAME_AT);
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    struct gx_addr a[1];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);

    header(&m, QID, F_REPLY, 0, 1, 0, 0);
    rr_a(&m, "a.test", 300, 192, 0, 2, 1);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* W06: ANCOUNT 65535 with one real RR in 60 bytes: refused before any walk. */
TEST(W06_huge_count_small_packet_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 65535, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    while (m.n < 60)
        u8(&m, 0);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK(r.work < 100);
    struct gx_addr a[1];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    CHECK(ans.work < 100);
    /* The same with the counts in the other sections. */
    set16(&m, 6, 1);
    set16(&m, 8, 65535);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    set16(&m, 8, 0);
    set16(&m, 10, 65535);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);

    /* P2: the counts are weighed against the bytes before any walk. 60,000 zero bytes read as
     * 5,454 empty RRs of 11 bytes; a parser that walked them before noticing that 65,535 cannot
     * fit would do a thousand times the work. */
    static struct msg big;
    reply(&big, F_REPLY, 65535, 0, 0, GX_DNS_TYPE_A);
    rr_a(&big, NULL, 300, 192, 0, 2, 1);
    while (big.n < 60000)
        u8(&big, 0);
    CHECK_EQ_INT(check_a(&big, &r), GX_E_MALFORMED);
    CHECK(r.work < 100);
    CHECK_EQ_INT(collect_q(&big, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    CHECK(ans.work < 100);
    /* Under GX_DNS_RR_MAX but more than 60,000 bytes can hold (5,454 RRs at most). */
    set16(&big, 6, 5500);
    CHECK_EQ_INT(check_a(&big, &r), GX_E_MALFORMED);
    CHECK(r.work < 100);
    CHECK_EQ_INT(collect_q(&big, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    CHECK(ans.work < 100);
    set16(&big, 6, 5000); /* the control: these fit, and are walked */
    CHECK_EQ_INT(check_a(&big, &r), GX_OK);
    CHECK(r.work > 5000);
}

TEST(W07_trailing_bytes_ignored)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    raw(&m, "\xC0\xFF\x40garbage", 10);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 2, &ans), 1);
    CHECK(is_a(&a[0], 192, 0, 2, 1));
}

/* W08: a name that is a pointer to itself, as the question and as an answer's owner. The test
 * has no timing assertion: that it returns, with little work, is the point. */
TEST(W08_pointer_to_itself_dropped)
{
    struct msg m;
    header(&m, QID, F_REPLY, 1, 0, 0, 0);
    ptr(&m, 12);
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK(r.work < 64);

    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    size_t at = m.n;
    ptr(&m, at);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\1\2\3\4", 4);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK(r.work < 64);
    struct gx_addr a[1];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
}

/* W09: A -> B -> A in the owner of an answer RR. */
TEST(W09_two_pointer_loop_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    size_t first = m.n, second = first + 18; /* each RR: 4 octets of owner, 10 fixed, 4 data */
    u8(&m, 1);
    u8(&m, 'x');
    ptr(&m, second);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\1\2\3\4", 4);
    REQUIRE(m.n == second);
    u8(&m, 1);
    u8(&m, 'y');
    ptr(&m, first);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\1\2\3\4", 4);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    CHECK(r.work < 200);
}

/* W10: a pointer to the name it is part of, or after it. */
TEST(W10_forward_pointer_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    size_t first = m.n;
    ptr(&m, first + 16); /* the next RR's owner, which is a.test */
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\1\2\3\4", 4);
    rr_a(&m, "a.test", 300, 5, 6, 7, 8);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    /* Backwards to the same place is fine: the control. */
    set16(&m, first, 0xC000 | QNAME_AT);
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
}

/* W11: a pointer at or past the end of the message; a pointer into the header. */
TEST(W11_pointer_out_of_message_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    size_t at = m.n;
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    struct gx_dns_reply r;
    const unsigned targets[] = {(unsigned)m.n, (unsigned)m.n + 1, 0x3FFF, 0, 5, 11};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        set16(&m, at, 0xC000 | targets[i]);
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

TEST(W12_reserved_label_types_dropped)
{
    static const unsigned kinds[] = {0x40, 0x7F, 0x80, 0xBF};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct msg m;
        reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
        u8(&m, kinds[i]);
        u8(&m, 'x');
        u8(&m, 0);
        rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
        raw(&m, "\1\2\3\4", 4);
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

/*
 * W13 (GHSA-pjmc): 65535 bytes; an unknown RR's RDATA holds 30,000 pointers each to the one
 * before, and 50 A RRs have owners at the end of that chain. The owner of the first of them
 * needs more than GX_DNS_POINTER_HOPS_MAX hops: dropped, after a bounded amount of work.
 */
TEST(W13_pointer_chain_dropped_in_linear_work)
{
    static struct msg m;
    reply(&m, F_REPLY, 51, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    size_t rdlen_at = m.n + 8;
    rr_fixed(&m, 65280, GX_DNS_CLASS_IN, 300, 0);
    size_t rdata = m.n;
    size_t prev = QNAME_AT;
    for (int i = 0; i < 30000; i++) {
        size_t here = m.n;
        ptr(&m, prev);
        prev = here;
    }
    size_t tail = 50 * (2 + 10 + 4);
    while (m.n < 65535 - tail)
        u8(&m, 0);
    set16(&m, rdlen_at, (unsigned)(m.n - rdata));
    for (int i = 0; i < 50; i++) {
        ptr(&m, prev);
        rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
        raw(&m, "\1\2\3\4", 4);
    }
    REQUIRE(m.n == 65535);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    /* One name costs at most 2 x 129 pointer octets plus its labels; far below a pass over
     * the message, let alone 30,000 x 50. */
    CHECK(r.work < 2 * 1024);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 4, &ans);
    CHECK(ans.work < 4 * 1024);
}

/*
 * W13's accepted twin: chains of 100 pointers (under the hop cap) owning 4,000 A RRs that fill a
 * 65535-byte message. Every name is decompressed, and the work stays within the per-name bound
 * times the RRs: linear in the message, never quadratic.
 */
TEST(W13_long_chains_accepted_with_bounded_work)
{
    static struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    size_t rdlen_at = m.n + 8;
    rr_fixed(&m, 65280, GX_DNS_CLASS_IN, 300, 0);
    size_t rdata = m.n;
    size_t prev = QNAME_AT;
    for (int i = 0; i < 100; i++) {
        size_t here = m.n;
        ptr(&m, prev);
        prev = here;
    }
    set16(&m, rdlen_at, (unsigned)(m.n - rdata));
    unsigned count = 1;
    while (m.n + 16 <= 65535) {
        ptr(&m, prev);
        rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
        u32(&m, 0x0A000000u + count);
        count++;
    }
    set16(&m, 6, count);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    size_t per_name = 2 * (GX_DNS_POINTER_HOPS_MAX + 1) + GX_DNS_NAME_WIRE_MAX;
    CHECK(r.work <= count * (per_name + 16));
    static struct gx_addr a[8192];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 8192, &ans), (int)count - 1);
    /* Collection: one CNAME pass, one address pass, and the duplicate check. */
    CHECK(ans.work <= 2 * count * (per_name + 16) + (size_t)count * count / 2 + count);
}

/* W14: a label of 63 octets in an owner is accepted; one claiming 64 is not. */
TEST(W14_label_63_accepted_64_dropped)
{
    char label[70];
    memset(label, 'l', 63);
    strcpy(label + 63, ".test");
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    size_t at = m.n;
    rr_a(&m, label, 300, 1, 2, 3, 4);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    m.b[at] = 64;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* Writes an owner of exactly `octets` wire octets (>= 2) directly or through pointers. */
static void owner_of_size(struct msg *m, size_t octets, bool via_pointers)
{
    size_t labels_total = octets - 1;
    size_t pieces[8], count = 0;
    while (labels_total > 0) {
        size_t piece = labels_total > 64 ? 64 : labels_total;
        pieces[count++] = piece;
        labels_total -= piece;
    }
    if (!via_pointers) {
        for (size_t i = 0; i < count; i++) {
            u8(m, (unsigned)pieces[i] - 1);
            for (size_t k = 1; k < pieces[i]; k++)
                u8(m, 'o');
        }
        u8(m, 0);
        return;
    }
    /* An unknown RR whose RDATA holds the pieces, last first, each pointing to the one before;
     * the owner is then a pointer to the first piece. That RR's own owner is the qname. */
    ptr(m, QNAME_AT);
    size_t rdlen_at = m->n + 8;
    rr_fixed(m, 65280, GX_DNS_CLASS_IN, 300, 0);
    size_t rdata = m->n;
    size_t prev = 0;
    for (size_t i = count; i-- > 0;) {
        size_t here = m->n;
        u8(m, (unsigned)pieces[i] - 1);
        for (size_t k = 1; k < pieces[i]; k++)
            u8(m, 'p');
        if (i == count - 1)
            u8(m, 0);
        else
            ptr(m, prev);
        prev = here;
    }
    set16(m, rdlen_at, (unsigned)(m->n - rdata));
    ptr(m, prev);
}

/* W15: owners of 254, 255 and 256 octets, written directly and reached through pointers. */
TEST(W15_name_255_accepted_256_dropped)
{
    for (int via = 0; via <= 1; via++)
        for (size_t octets = 254; octets <= 256; octets++) {
            struct msg m;
            reply(&m, F_REPLY, via ? 2 : 1, 0, 0, GX_DNS_TYPE_A);
            owner_of_size(&m, octets, via);
            rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
            raw(&m, "\1\2\3\4", 4);
            struct gx_dns_reply r;
            int want = octets <= GX_DNS_NAME_WIRE_MAX ? GX_OK : GX_E_MALFORMED;
            if (check_a(&m, &r) != want)
                CHECK_FAIL_AT(__FILE__, __LINE__, "%zu octets, via pointers %d", octets, via);
        }
}

/* W16: a label of 63 with 10 bytes left in the message. */
TEST(W16_label_past_end_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    u8(&m, 63);
    raw(&m, "abcdefghij", 10);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    /* In the question too. */
    header(&m, QID, F_REPLY, 1, 0, 0, 0);
    u8(&m, 63);
    raw(&m, "abcdefghij", 10);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* W17: no root label before the end. */
TEST(W17_name_without_terminator_dropped)
{
    struct msg m;
    header(&m, QID, F_REPLY, 1, 0, 0, 0);
    raw(&m, "\1a\4test", 7);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    raw(&m, "\1a\4test", 7);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* W18: the RR's type, class, TTL or RDLENGTH cut short, at every length. */
TEST(W18_rr_header_cut_short_dropped)
{
    struct msg full;
    reply(&full, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    size_t at = full.n;
    rr_a(&full, NULL, 300, 192, 0, 2, 1);
    for (size_t cut = at; cut < full.n; cut++) {
        struct msg m = full;
        m.n = cut;
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
        struct gx_addr a[1];
        struct gx_dns_answer ans;
        CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    }
    /* The question cut short, too. */
    for (size_t cut = 12; cut < at; cut++) {
        struct msg m = full;
        m.n = cut;
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    }
}

/* W19: RDLENGTH past the end, in each section. */
TEST(W19_rdlength_past_end_dropped)
{
    for (int section = 0; section < 3; section++) {
        struct msg m;
        reply(&m, F_REPLY, section == 0, section == 1, section == 2, GX_DNS_TYPE_A);
        ptr(&m, QNAME_AT);
        rr_fixed(&m, 99, GX_DNS_CLASS_IN, 300, 8);
        raw(&m, "1234567", 7);
        struct gx_dns_reply r;
        CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
        u8(&m, '8'); /* the control: exactly 8 bytes */
        CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    }
}

/* W20: an A RR of RDLENGTH 3 is skipped whole; the valid ones around it are kept. */
TEST(W20_a_rdlength_3_skipped)
{
    struct msg m;
    reply(&m, F_REPLY, 3, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 10, 0, 0, 1);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 3);
    raw(&m, "\11\11\11", 3);
    rr_a(&m, NULL, 300, 10, 0, 0, 2);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 2);
    CHECK(is_a(&a[0], 10, 0, 0, 1) && is_a(&a[1], 10, 0, 0, 2));
    CHECK_EQ_INT(ans.skipped, 1);
}

/* W21: an A RR of RDLENGTH 5 alone: no address at all, never 4 of its 5 bytes. */
TEST(W21_a_rdlength_5_only_rr_gives_nothing)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 5);
    raw(&m, "\1\2\3\4\5", 5);
    struct gx_addr a[4];
    memset(a, 0x5A, sizeof a);
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 0);
    CHECK_EQ_INT(ans.naddrs, 0);
    CHECK_EQ_INT(ans.skipped, 1);
    CHECK_EQ_INT(a[0].bytes[0], 0x5A);
}

TEST(W22_aaaa_rdlength_15_17_skipped)
{
    struct msg m;
    reply(&m, F_REPLY, 3, 0, 0, GX_DNS_TYPE_AAAA);
    for (unsigned len = 15; len <= 17; len++) {
        ptr(&m, QNAME_AT);
        rr_fixed(&m, GX_DNS_TYPE_AAAA, GX_DNS_CLASS_IN, 300, len);
        for (unsigned i = 0; i < len; i++)
            u8(&m, len);
    }
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, QNAME, GX_DNS_TYPE_AAAA, &r), GX_OK);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_AAAA, a, 4, &ans), 1);
    CHECK_EQ_INT(a[0].family, AF_INET6);
    CHECK_EQ_INT(a[0].bytes[0], 16);
    CHECK_EQ_INT(a[0].bytes[15], 16);
    CHECK_EQ_INT(ans.skipped, 2);
}

/* W23: a CNAME whose name runs past its RDLENGTH, or stops before it. The records after it stay
 * aligned (an RDLENGTH of 7 is followed by the name's last byte as the next RR's start would be
 * misread, so the RDATA is made one byte shorter or longer for real). */
TEST(W23_cname_rdata_name_past_rdlength_dropped)
{
    for (int delta = -1; delta <= 1; delta++) {
        struct msg m;
        reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
        ptr(&m, QNAME_AT);
        rr_fixed(&m, GX_DNS_TYPE_CNAME, GX_DNS_CLASS_IN, 300, (unsigned)(8 + delta));
        if (delta < 0) {
            raw(&m, "\1b\4tes", 7); /* the name needs 8 bytes; its root is outside the RDATA */
            u8(&m, 0);              /* ... here, as the next owner: the root */
            rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
            raw(&m, "\1\2\3\4", 4);
        } else {
            name(&m, "b.test");
            if (delta > 0)
                u8(&m, 0x55); /* one byte of RDATA after the name */
            rr_a(&m, "b.test", 300, 1, 2, 3, 4);
        }
        struct gx_dns_reply r;
        int want = delta == 0 ? GX_OK : GX_E_MALFORMED;
        CHECK_EQ_INT(check_a(&m, &r), want);
    }
}

/* W24: a CNAME's RDATA pointing forward. */
TEST(W24_cname_rdata_forward_pointer_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_CNAME, GX_DNS_CLASS_IN, 300, 2);
    size_t at = m.n;
    ptr(&m, at + 2); /* the next RR's owner */
    rr_a(&m, "b.test", 300, 1, 2, 3, 4);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    struct gx_addr a[1];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 1, &ans), GX_E_MALFORMED);
    /* And a PTR's. */
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_PTR);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_PTR, GX_DNS_CLASS_IN, 300, 2);
    ptr(&m, m.n);
    CHECK_EQ_INT(check_q(&m, QNAME, GX_DNS_TYPE_PTR, &r), GX_E_MALFORMED);
}

/* W25: unknown types and SRV are never decompressed: garbage and bad pointers in them pass. */
TEST(W25_unknown_type_and_srv_not_interpreted)
{
    struct msg m;
    reply(&m, F_REPLY, 4, 0, 1, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, 65280, GX_DNS_CLASS_IN, 300, 6);
    raw(&m, "\xC0\xFF\x40\x80\xC0\x00", 6);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, T_SRV, GX_DNS_CLASS_IN, 300, 8);
    raw(&m, "\0\1\0\2\0\x50", 6);
    ptr(&m, m.n + 100); /* a forward pointer as the target */
    rr_a(&m, NULL, 300, 192, 0, 2, 7);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, 15 /* MX */, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\0\1\xC0\xC0", 4);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, 65535, GX_DNS_CLASS_IN, 300, 3);
    raw(&m, "\xFF\xFF\xFF", 3);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 2, &ans), 1);
    CHECK(is_a(&a[0], 192, 0, 2, 7));
}

/* W26: two OPT records. */
TEST(W26_two_opt_dropped)
{
    struct msg m;
    reply(&m, F_REPLY, 1, 0, 2, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    rr_opt(&m, 0);
    rr_opt(&m, 0);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    set16(&m, 10, 1);
    m.n -= 11;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK(r.has_opt);
}

/* W27: an OPT owned by another name than the root, or outside the additional section. */
TEST(W27_opt_misplaced_dropped)
{
    struct msg m;
    struct gx_dns_reply r;
    reply(&m, F_REPLY, 1, 0, 1, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_OPT, 1232, 0, 0);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);

    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    rr_opt(&m, 0);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);

    reply(&m, F_REPLY, 1, 1, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    rr_opt(&m, 0);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);

    /* Options must fill the OPT RDATA exactly (RFC 6891 6.1.2). */
    reply(&m, F_REPLY, 0, 0, 1, GX_DNS_TYPE_A);
    u8(&m, 0);
    rr_fixed(&m, GX_DNS_TYPE_OPT, 1232, 0, 7);
    raw(&m, "\0\12\0\4abc", 7); /* a cookie option claiming 4 bytes, holding 3 */
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    set16(&m, m.n - 7 - 2, 8);
    u8(&m, 'd');
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
}

/* W28: the OPT's extended RCODE is the top 8 bits of a 12-bit rcode (BADVERS = 16). */
TEST(W28_extended_rcode_combined)
{
    struct msg m;
    reply(&m, F_REPLY, 0, 0, 1, GX_DNS_TYPE_A);
    rr_opt(&m, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK_EQ_INT(r.rcode, 16);
    CHECK(r.has_opt);
    reply(&m, F_REPLY | GX_DNS_RCODE_NXDOMAIN, 0, 0, 1, GX_DNS_TYPE_A);
    rr_opt(&m, 0xFF);
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK_EQ_INT(r.rcode, 0xFF3);
}

/* T19: a truncated reply needs only a good header and question; its records are not used. */
TEST(T19_truncated_reply_accepted_for_tcp_retry)
{
    struct msg m;
    reply(&m, F_REPLY | F_TC, 5, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 192, 0, 2, 1);
    raw(&m, "\xC0\x0C\0\1", 4); /* cut in the middle of the second RR */
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK(r.tc);
    /* Without TC the same bytes are malformed; with TC a bad question still is. */
    set16(&m, 2, F_REPLY);
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
    set16(&m, 2, F_REPLY | F_TC);
    m.b[13] = 'b';
    CHECK_EQ_INT(check_a(&m, &r), GX_E_MALFORMED);
}

/* W30: big replies: 2,000 AAAA RRs (56 KiB), and replies of exactly 2047 ... 65535 bytes. */
TEST(W30_large_replies)
{
    static struct msg m;
    reply(&m, F_REPLY, 2000, 0, 0, GX_DNS_TYPE_AAAA);
    for (unsigned i = 0; i < 2000; i++)
        rr_aaaa(&m, NULL, i);
    CHECK(m.n > 56 * 1000);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, QNAME, GX_DNS_TYPE_AAAA, &r), GX_OK);
    static struct gx_addr a[2048];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_AAAA, a, 2048, &ans), 2000);
    CHECK(!ans.truncated);
    for (unsigned i = 0; i < 2000; i++)
        if (a[i].bytes[14] != i >> 8 || a[i].bytes[15] != (i & 0xff) || a[i].bytes[0] != 0x20)
            CHECK_FAIL_AT(__FILE__, __LINE__, "address %u", i);
    /* The caller's array at N-1, N, N+1 of the addresses present. */
    for (size_t max = 1999; max <= 2001; max++) {
        CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_AAAA, a, max, &ans),
                     (int)(max < 2000 ? max : 2000));
        CHECK_EQ_INT(ans.truncated, max < 2000);
    }

    static const size_t sizes[] = {2047, 2048, 2049, 4095, 4096, 65535};
    static struct gx_addr many[4200];
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        /* As many A RRs as fit with 24 octets of header and question and a filler RR of at
         * least 13 octets (owner pointer, fixed part, one byte), which pads to the exact size. */
        size_t want = (sizes[s] - 24 - 13) / 16;
        reply(&m, F_REPLY, (unsigned)want, 0, 1, GX_DNS_TYPE_A);
        for (size_t i = 0; i < want; i++)
            rr_a(&m, NULL, 60, 10, (unsigned)(i >> 16), (unsigned)(i >> 8) & 0xff,
                 (unsigned)i & 0xff);
        ptr(&m, QNAME_AT);
        size_t fill = sizes[s] - m.n - 10;
        rr_fixed(&m, 65280, GX_DNS_CLASS_IN, 0, (unsigned)fill);
        for (size_t i = 0; i < fill; i++)
            u8(&m, 0xC0);
        REQUIRE(m.n == sizes[s]);
        CHECK_EQ_INT(check_a(&m, &r), GX_OK);
        CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, many, 4200, &ans), (int)want);
        size_t last = want - 1;
        CHECK(is_a(&many[last], 10, (unsigned)(last >> 16), (unsigned)(last >> 8) & 0xff,
                   (unsigned)last & 0xff));
    }
}

/* W31: an AAAA reply full of A RRs yields only its AAAA. */
TEST(W31_a_rrs_in_aaaa_reply_ignored)
{
    static struct msg m;
    reply(&m, F_REPLY, 1001, 0, 0, GX_DNS_TYPE_AAAA);
    for (unsigned i = 0; i < 1000; i++)
        rr_a(&m, NULL, 300, 10, 0, i >> 8, i & 0xff);
    rr_aaaa(&m, NULL, 1);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, QNAME, GX_DNS_TYPE_AAAA, &r), GX_OK);
    struct gx_addr a[8];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_AAAA, a, 8, &ans), 1);
    CHECK_EQ_INT(a[0].family, AF_INET6);
    CHECK(!ans.truncated);
}

/* W32: the same RR 500 times is one address, in linear work. */
TEST(W32_same_rr_repeated_merged)
{
    static struct msg m;
    reply(&m, F_REPLY, 500, 0, 0, GX_DNS_TYPE_A);
    for (int i = 0; i < 500; i++)
        rr_a(&m, NULL, 300, 192, 0, 2, 9);
    struct gx_addr a[8];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 8, &ans), 1);
    CHECK(!ans.truncated);
    CHECK(ans.work < 64 * m.n);
}

/* W32: duplicates among many distinct addresses, in scrambled order, are merged; the first
 * occurrence of each keeps its place. */
TEST(W32_duplicates_among_many_merged)
{
    static struct msg m;
    enum { DISTINCT = 300, RRS = 900 };
    reply(&m, F_REPLY, RRS, 0, 0, GX_DNS_TYPE_A);
    unsigned order[RRS];
    for (unsigned i = 0; i < RRS; i++)
        order[i] = (i * 7919u) % DISTINCT; /* 7919 is prime to 300: every value, scrambled */
    for (unsigned i = 0; i < RRS; i++)
        rr_a(&m, NULL, 300, 10, 9, order[i] >> 8, order[i] & 0xff);
    static struct gx_addr a[1024];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 1024, &ans), DISTINCT);
    for (unsigned i = 0; i < DISTINCT; i++)
        if (!is_a(&a[i], 10, 9, order[i] >> 8, order[i] & 0xff))
            CHECK_FAIL_AT(__FILE__, __LINE__, "address %u out of place", i);
    /* With room for fewer: exactly that many, and truncated. */
    CHECK_EQ_INT(accept_a(&m, a, DISTINCT - 1, &ans), DISTINCT - 1);
    CHECK(ans.truncated);
    CHECK_EQ_INT(accept_a(&m, a, DISTINCT, &ans), DISTINCT);
    CHECK(!ans.truncated);
}

/* The collection's worst case (message.c): a chain of 16 in reverse order among a 64 KiB reply
 * of other CNAMEs owned by a 255-octet name. The chain is found, and the work stays within 18
 * walks of the per-RR bound. */
TEST(W33_cname_noise_bounded_work)
{
    static struct msg m;
    reply(&m, F_REPLY, 0, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, 65280, GX_DNS_CLASS_IN, 300, 255);
    size_t long_name = m.n;
    for (int i = 0; i < 3; i++) {
        u8(&m, 63);
        for (int k = 0; k < 63; k++)
            u8(&m, 'x');
    }
    u8(&m, 61);
    for (int k = 0; k < 61; k++)
        u8(&m, 'y');
    u8(&m, 0);
    unsigned count = 1;
    for (unsigned i = GX_DNS_CNAME_CHAIN_MAX; i-- > 0; count++) {
        char owner[32], target[32];
        snprintf(owner, sizeof owner, "c%u.test", i);
        snprintf(target, sizeof target, "c%u.test", i + 1);
        rr_cname(&m, i == 0 ? NULL : owner, target);
    }
    char end[32];
    snprintf(end, sizeof end, "c%u.test", GX_DNS_CNAME_CHAIN_MAX);
    rr_a(&m, end, 300, 10, 0, 0, 1);
    count++;
    while (m.n + 14 <= 65535) {
        ptr(&m, long_name);
        rr_fixed(&m, GX_DNS_TYPE_CNAME, GX_DNS_CLASS_IN, 300, 2);
        ptr(&m, QNAME_AT);
        count++;
    }
    set16(&m, 6, count);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 1);
    CHECK_EQ_INT(ans.cname_links, GX_DNS_CNAME_CHAIN_MAX);
    size_t per_rr = 2 * (GX_DNS_POINTER_HOPS_MAX + 1) + GX_DNS_NAME_WIRE_MAX + 16;
    CHECK(ans.work <= (GX_DNS_CNAME_CHAIN_MAX + 2) * count * per_rr);
}

/* W34-W37: other classes, other owners, other sections; TTLs with the top bit set. */
TEST(W34_W36_only_class_in_answers_for_the_name)
{
    struct msg m;
    reply(&m, F_REPLY, 4, 1, 1, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_A, C_CH, 300, 4);
    raw(&m, "\1\1\1\1", 4);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_A, C_ANY, 300, 4);
    raw(&m, "\2\2\2\2", 4);
    rr_a(&m, "b.test", 300, 3, 3, 3, 3); /* W35: not the name asked */
    rr_a(&m, "test", 300, 4, 4, 4, 4);   /* nor its parent */
    rr_a(&m, NULL, 300, 5, 5, 5, 5);     /* W36: authority */
    rr_a(&m, NULL, 300, 6, 6, 6, 6);     /* W36: additional */
    struct gx_addr a[8];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 8, &ans), 0);
}

TEST(W37_ttl_top_bit_read_as_zero)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 0x80000000u, 192, 0, 2, 1);
    rr_a(&m, NULL, 600, 192, 0, 2, 2);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 2);
    CHECK_EQ_INT(ans.ttl_s, 0);
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 0x7FFFFFFFu, 192, 0, 2, 1);
    rr_a(&m, NULL, 600, 192, 0, 2, 2);
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 2);
    CHECK_EQ_INT(ans.ttl_s, 600);
}

/* S02 / P6: an NXDOMAIN that carries A RRs: the check reports the rcode, and collection reads
 * the answer section as always; the caller decides by the rcode. */
TEST(S02_nxdomain_with_addresses_reports_rcode)
{
    struct msg m;
    reply(&m, F_REPLY | GX_DNS_RCODE_NXDOMAIN, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 6, 6, 6, 6);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_a(&m, &r), GX_OK);
    CHECK_EQ_INT(r.rcode, GX_DNS_RCODE_NXDOMAIN);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, a, 2, &ans), 1);
}

TEST(collect_refuses_other_qtypes)
{
    struct msg m;
    reply(&m, F_REPLY, 0, 0, 0, GX_DNS_TYPE_A);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_CNAME, a, 2, &ans), GX_E_FAIL);
    CHECK_EQ_INT(collect_q(&m, QNAME, 255, a, 2, &ans), GX_E_FAIL);
    uint8_t bad[GX_DNS_NAME_WIRE_MAX];
    memset(bad, 1, sizeof bad);
    CHECK_EQ_INT(collect_q(&m, bad, GX_DNS_TYPE_A, a, 2, &ans), GX_E_MALFORMED);
    /* No array: the count is still right, and truncated says so. */
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    rr_a(&m, NULL, 300, 1, 2, 3, 4);
    CHECK_EQ_INT(collect_q(&m, QNAME, GX_DNS_TYPE_A, NULL, 0, &ans), 0);
    CHECK(ans.truncated);
}

/* ---- N: CNAME chains and names handed to callers -------------------------------------------- */

/* A chain a.test -> c1.test -> ... -> c<links>.test, then A RRs for the last name. */
static void chain(struct msg *m, unsigned links, unsigned addrs, bool reversed)
{
    reply(m, F_REPLY, links + addrs, 0, 0, GX_DNS_TYPE_A);
    char owner[32], target[32];
    for (unsigned k = 0; k < links; k++) {
        unsigned i = reversed ? links - 1 - k : k;
        snprintf(owner, sizeof owner, "c%u.test", i);
        snprintf(target, sizeof target, "c%u.test", i + 1);
        rr_cname(m, i == 0 ? NULL : owner, target);
    }
    snprintf(target, sizeof target, "c%u.test", links);
    for (unsigned i = 0; i < addrs; i++)
        rr_a(m, links ? target : NULL, 300, 10, 1, 1, i + 1);
}

TEST(N01_cname_chain_of_8)
{
    struct msg m;
    chain(&m, 8, 2, false);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 2);
    CHECK(is_a(&a[0], 10, 1, 1, 1) && is_a(&a[1], 10, 1, 1, 2));
    CHECK_EQ_INT(ans.cname_links, 8);
    CHECK(!ans.cname_loop);
    CHECK(gx_dns_name_equal(ans.canon, wire("c8.test")));
    CHECK_EQ_STR(ans.canon_text, "c8.test");
}

TEST(N02_cname_loop_terminates)
{
    struct msg m;
    reply(&m, F_REPLY, 3, 0, 0, GX_DNS_TYPE_A);
    rr_cname(&m, NULL, "b.test");
    rr_cname(&m, "b.test", "a.test");
    rr_a(&m, NULL, 300, 1, 2, 3, 4);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 0);
    CHECK(ans.cname_loop);
    CHECK_EQ_INT(ans.naddrs, 0);
    CHECK(ans.work < 20000);
    /* A name that is its own CNAME. */
    reply(&m, F_REPLY, 1, 0, 0, GX_DNS_TYPE_A);
    rr_cname(&m, NULL, "a.test");
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 0);
    CHECK(ans.cname_loop);
}

/* N03: the cap at N-1, N, N+1 (15, 16, 17 links), and a chain of 100. */
TEST(N03_cname_chain_cap)
{
    static struct msg m;
    for (unsigned links = GX_DNS_CNAME_CHAIN_MAX - 1; links <= GX_DNS_CNAME_CHAIN_MAX + 1;
         links++) {
        chain(&m, links, 1, false);
        struct gx_addr a[4];
        struct gx_dns_answer ans;
        bool within = links <= GX_DNS_CNAME_CHAIN_MAX;
        CHECK_EQ_INT(accept_a(&m, a, 4, &ans), within ? 1 : 0);
        CHECK_EQ_INT(ans.cname_loop, !within);
        CHECK_EQ_INT(ans.cname_links, within ? links : GX_DNS_CNAME_CHAIN_MAX);
    }
    chain(&m, 100, 1, true);
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 0);
    CHECK(ans.cname_loop);
}

TEST(N04_cname_to_name_without_address)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    rr_cname(&m, NULL, "b.test");
    rr_a(&m, NULL, 300, 1, 2, 3, 4); /* owned by a.test, which is no longer the end */
    struct gx_addr a[4];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 4, &ans), 0);
    CHECK(!ans.cname_loop);
    CHECK_EQ_INT(ans.cname_links, 1);
    CHECK_EQ_STR(ans.canon_text, "b.test");
}

/* N05: the same chain and addresses in any order give the same answer. */
TEST(N05_chain_order_independent)
{
    struct msg m;
    chain(&m, 6, 3, false);
    struct gx_addr want[8], got[8];
    struct gx_dns_answer ans_want, ans;
    CHECK_EQ_INT(accept_a(&m, want, 8, &ans_want), 3);

    chain(&m, 6, 3, true); /* links last to first */
    CHECK_EQ_INT(accept_a(&m, got, 8, &ans), 3);
    CHECK_EQ_MEM(got, want, 3 * sizeof got[0]);
    CHECK(gx_dns_name_equal(ans.canon, ans_want.canon));
    CHECK_EQ_INT(ans.cname_links, 6);

    /* Addresses first, then the CNAMEs shuffled. */
    reply(&m, F_REPLY, 9, 0, 0, GX_DNS_TYPE_A);
    for (unsigned i = 0; i < 3; i++)
        rr_a(&m, "c6.test", 300, 10, 1, 1, i + 1);
    static const unsigned order[] = {3, 0, 5, 1, 4, 2};
    for (size_t k = 0; k < 6; k++) {
        char owner[32], target[32];
        snprintf(owner, sizeof owner, "c%u.test", order[k]);
        snprintf(target, sizeof target, "c%u.test", order[k] + 1);
        rr_cname(&m, order[k] == 0 ? NULL : owner, target);
    }
    CHECK_EQ_INT(accept_a(&m, got, 8, &ans), 3);
    CHECK_EQ_MEM(got, want, 3 * sizeof got[0]);
    CHECK_EQ_INT(ans.cname_links, 6);
    CHECK_EQ_INT(ans.ttl_s, ans_want.ttl_s);
}

/* N06, N07: a CNAME target with bad bytes is followed for its addresses, but never shown:
 * canon_text stays the last valid name. */
TEST(N06_bad_cname_target_never_shown)
{
    static const char *const bad[] = {"x$(reboot).test", "a b.test",  "x\x7f.test",
                                      "\xc3\xa9.test",   "x;ls.test", "x`id`.test",
                                      "x<p>.test",       "x\x01.test"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct msg m;
        reply(&m, F_REPLY, 3, 0, 0, GX_DNS_TYPE_A);
        rr_cname(&m, NULL, "good.test");
        rr_cname(&m, "good.test", bad[i]);
        rr_a(&m, bad[i], 300, 7, 7, 7, 7);
        struct gx_addr a[2];
        struct gx_dns_answer ans;
        CHECK_EQ_INT(accept_a(&m, a, 2, &ans), 1);
        CHECK_EQ_INT(ans.cname_links, 2);
        CHECK_EQ_STR(ans.canon_text, "good.test");
        char t[GX_DNS_NAME_WIRE_MAX];
        CHECK_EQ_INT(gx_dns_name_to_text(ans.canon, t), GX_E_MALFORMED);
    }
}

/* N07: a label holding a dot or a NUL, and a qname that itself fails: canon_text is "". */
TEST(N07_dot_or_nul_in_label_never_shown)
{
    struct msg m;
    reply(&m, F_REPLY, 2, 0, 0, GX_DNS_TYPE_A);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, GX_DNS_TYPE_CNAME, GX_DNS_CLASS_IN, 300, 10);
    raw(&m, "\3a.b\4test", 10);
    raw(&m, "\3a.b\4test", 10);
    rr_fixed(&m, GX_DNS_TYPE_A, GX_DNS_CLASS_IN, 300, 4);
    raw(&m, "\7\7\7\7", 4);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 2, &ans), 1);
    CHECK_EQ_STR(ans.canon_text, "a.test");

    const uint8_t *nul_q = (const uint8_t *)"\3a\0b\4test";
    header(&m, QID, F_REPLY, 1, 1, 0, 0);
    raw(&m, "\3a\0b\4test", 10);
    u16(&m, GX_DNS_TYPE_A);
    u16(&m, GX_DNS_CLASS_IN);
    rr_a(&m, NULL, 300, 8, 8, 8, 8);
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, nul_q, GX_DNS_TYPE_A, &r), GX_OK);
    CHECK_EQ_INT(collect_q(&m, nul_q, GX_DNS_TYPE_A, a, 2, &ans), 1);
    CHECK_EQ_STR(ans.canon_text, "");
    CHECK_EQ_INT(ans.canon_text_len, 0);
}

/* N08: wildcard and underscore labels in the chain are followed; '_' may be shown, '*' not. */
TEST(N08_wildcard_and_underscore_followed)
{
    struct msg m;
    reply(&m, F_REPLY, 3, 0, 0, GX_DNS_TYPE_A);
    rr_cname(&m, NULL, "_srv.x.test");
    rr_cname(&m, "_srv.x.test", "*.x.test");
    rr_a(&m, "*.x.test", 300, 9, 9, 9, 9);
    struct gx_addr a[2];
    struct gx_dns_answer ans;
    CHECK_EQ_INT(accept_a(&m, a, 2, &ans), 1);
    CHECK_EQ_INT(ans.cname_links, 2);
    CHECK_EQ_STR(ans.canon_text, "_srv.x.test");
}

/* A PTR reply for the qname given. */
static void ptr_reply(struct msg *m, unsigned an)
{
    header(m, QID, F_REPLY, 1, an, 0, 0);
    name(m, "1.2.0.192.in-addr.arpa");
    u16(m, GX_DNS_TYPE_PTR);
    u16(m, GX_DNS_CLASS_IN);
}

static void rr_ptr(struct msg *m, const char *target)
{
    ptr(m, QNAME_AT);
    size_t at = m->n;
    rr_fixed(m, GX_DNS_TYPE_PTR, GX_DNS_CLASS_IN, 120, 0);
    size_t start = m->n;
    name(m, target);
    set16(m, at + 8, (unsigned)(m->n - start));
}

/* N09: two PTRs among RRSIG and TXT noise: the first valid PTR. */
TEST(N09_ptr_with_noise)
{
    uint8_t q[GX_DNS_NAME_WIRE_MAX];
    memcpy(q, wire("1.2.0.192.in-addr.arpa"), 24);
    struct msg m;
    ptr_reply(&m, 4);
    ptr(&m, QNAME_AT);
    rr_fixed(&m, T_RRSIG, GX_DNS_CLASS_IN, 120, 5);
    raw(&m, "\xC0\xC0sig", 5);
    rr_ptr(&m, "host.example");
    ptr(&m, QNAME_AT);
    rr_fixed(&m, T_TXT, GX_DNS_CLASS_IN, 120, 4);
    raw(&m, "\3txt", 4);
    rr_ptr(&m, "other.example");
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, q, GX_DNS_TYPE_PTR, &r), GX_OK);
    struct gx_dns_answer ans;
    CHECK_EQ_INT(collect_q(&m, q, GX_DNS_TYPE_PTR, NULL, 0, &ans), 1);
    CHECK_EQ_STR(ans.canon_text, "host.example");
    CHECK(gx_dns_name_equal(ans.canon, wire("host.example")));
    CHECK_EQ_INT(ans.naddrs, 0);
    CHECK_EQ_INT(ans.ttl_s, 120);
}

/* N06 for PTR: a bad first PTR is passed over; bad PTRs only: no name at all. */
TEST(N06_bad_ptr_treated_as_absent)
{
    uint8_t q[GX_DNS_NAME_WIRE_MAX];
    memcpy(q, wire("1.2.0.192.in-addr.arpa"), 24);
    struct msg m;
    ptr_reply(&m, 2);
    rr_ptr(&m, "evil$(id).example");
    rr_ptr(&m, "good.example");
    struct gx_dns_answer ans;
    struct gx_dns_reply r;
    CHECK_EQ_INT(check_q(&m, q, GX_DNS_TYPE_PTR, &r), GX_OK);
    CHECK_EQ_INT(collect_q(&m, q, GX_DNS_TYPE_PTR, NULL, 0, &ans), 1);
    CHECK_EQ_STR(ans.canon_text, "good.example");

    ptr_reply(&m, 2);
    rr_ptr(&m, "evil$(id).example");
    rr_ptr(&m, "a b.example");
    CHECK_EQ_INT(check_q(&m, q, GX_DNS_TYPE_PTR, &r), GX_OK);
    CHECK_EQ_INT(collect_q(&m, q, GX_DNS_TYPE_PTR, NULL, 0, &ans), 0);
    CHECK(gx_dns_name_equal(ans.canon, q));
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(query_build_with_edns), CHECK_ENTRY(query_build_capacity),
        CHECK_ENTRY(query_build_any_qtype), CHECK_ENTRY(reply_accepted_with_flags),
        CHECK_ENTRY(V01_wrong_id_dropped), CHECK_ENTRY(V02_query_bit_clear_dropped),
        CHECK_ENTRY(V03_other_opcode_dropped), CHECK_ENTRY(V04_other_question_name_dropped),
        CHECK_ENTRY(V05_question_case_accepted), CHECK_ENTRY(V06_other_type_or_class_dropped),
        CHECK_ENTRY(W02_short_datagrams_dropped), CHECK_ENTRY(W03_bare_error_header_accepted),
        CHECK_ENTRY(W04_header_only_noerror_dropped),
        CHECK_ENTRY(W05_question_count_not_one_dropped),
        CHECK_ENTRY(W06_huge_count_small_packet_dropped), CHECK_ENTRY(W07_trailing_bytes_ignored),
        CHECK_ENTRY(W08_pointer_to_itself_dropped), CHECK_ENTRY(W09_two_pointer_loop_dropped),
        CHECK_ENTRY(W10_forward_pointer_dropped), CHECK_ENTRY(W11_pointer_out_of_message_dropped),
        CHECK_ENTRY(W12_reserved_label_types_dropped),
        CHECK_ENTRY(W13_pointer_chain_dropped_in_linear_work),
        CHECK_ENTRY(W13_long_chains_accepted_with_bounded_work),
        CHECK_ENTRY(W14_label_63_accepted_64_dropped),
        CHECK_ENTRY(W15_name_255_accepted_256_dropped), CHECK_ENTRY(W16_label_past_end_dropped),
        CHECK_ENTRY(W17_name_without_terminator_dropped),
        CHECK_ENTRY(W18_rr_header_cut_short_dropped), CHECK_ENTRY(W19_rdlength_past_end_dropped),
        CHECK_ENTRY(W20_a_rdlength_3_skipped), CHECK_ENTRY(W21_a_rdlength_5_only_rr_gives_nothing),
        CHECK_ENTRY(W22_aaaa_rdlength_15_17_skipped),
        CHECK_ENTRY(W23_cname_rdata_name_past_rdlength_dropped),
        CHECK_ENTRY(W24_cname_rdata_forward_pointer_dropped),
        CHECK_ENTRY(W25_unknown_type_and_srv_not_interpreted), CHECK_ENTRY(W26_two_opt_dropped),
        CHECK_ENTRY(W27_opt_misplaced_dropped), CHECK_ENTRY(W28_extended_rcode_combined),
        CHECK_ENTRY(T19_truncated_reply_accepted_for_tcp_retry), CHECK_ENTRY(W30_large_replies),
        CHECK_ENTRY(W31_a_rrs_in_aaaa_reply_ignored), CHECK_ENTRY(W32_same_rr_repeated_merged),
        CHECK_ENTRY(W32_duplicates_among_many_merged), CHECK_ENTRY(W33_cname_noise_bounded_work),
        CHECK_ENTRY(W34_W36_only_class_in_answers_for_the_name),
        CHECK_ENTRY(W37_ttl_top_bit_read_as_zero),
        CHECK_ENTRY(S02_nxdomain_with_addresses_reports_rcode),
        CHECK_ENTRY(collect_refuses_other_qtypes), CHECK_ENTRY(N01_cname_chain_of_8),
        CHECK_ENTRY(N02_cname_loop_terminates), CHECK_ENTRY(N03_cname_chain_cap),
        CHECK_ENTRY(N04_cname_to_name_without_address), CHECK_ENTRY(N05_chain_order_independent),
        CHECK_ENTRY(N06_bad_cname_target_never_shown),
        CHECK_ENTRY(N07_dot_or_nul_in_label_never_shown),
        CHECK_ENTRY(N08_wildcard_and_underscore_followed), CHECK_ENTRY(N09_ptr_with_noise),
        CHECK_ENTRY(N06_bad_ptr_treated_as_absent)));
}
