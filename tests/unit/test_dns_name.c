/*
 * Tests of DNS names (src/dns/name.c): text to wire (and search-list joins), reading compressed
 * names out of a message, comparison, wire to text under the host-name rule (P9, N06-N08), and
 * reverse names (N11). Every parser input is placed against a guard page, so a read past the
 * given length faults. Wire names are written out by hand here, never produced by the code under
 * test.
 */
#include <stdint.h>

#include "check.h"
#include "core/addr.h"
#include "core/status.h"
#include "dns/wire.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* Wire literals: "\3www\4test" is www.test with its root label, the literal's final NUL. */
#define WIRE(lit) ((const uint8_t *)(lit))
/* Wire to text of a literal, with exactly its bytes readable (sizeof counts the root label). */
#define TO_TEXT(lit, t) to_text_g(WIRE(lit), sizeof(lit), t)
/* The same for comparison and length. */
#define EQUAL(a, b) equal_g(WIRE(a), sizeof(a), WIRE(b), sizeof(b))
#define LENGTH(lit) length_g(WIRE(lit), sizeof(lit))

static int from_text_g(const char *text, size_t len, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    char *g = check_guarded_copy(text, len);
    int rc = gx_dns_name_from_text(g, len, out);
    check_guarded_free(g, len);
    return rc;
}

static int from_text_s(const char *text, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    return from_text_g(text, strlen(text), out);
}

static int join_g(const char *name, const char *suffix, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    size_t nl = strlen(name), sl = strlen(suffix);
    char *gn = check_guarded_copy(name, nl);
    char *gs = check_guarded_copy(suffix, sl);
    int rc = gx_dns_name_join(gn, nl, gs, sl, out);
    check_guarded_free(gn, nl);
    check_guarded_free(gs, sl);
    return rc;
}

/* Reads the name at *pos of msg (len bytes) placed against a guard page. */
static int read_g(const uint8_t *msg, size_t len, size_t *pos, uint8_t out[GX_DNS_NAME_WIRE_MAX])
{
    uint8_t *g = check_guarded_copy(msg, len);
    int rc = gx_dns_name_read(g, len, pos, out);
    check_guarded_free(g, len);
    return rc;
}

static bool equal_g(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    uint8_t *ga = check_guarded_copy(a, alen);
    uint8_t *gb = check_guarded_copy(b, blen);
    bool eq = gx_dns_name_equal(ga, gb);
    check_guarded_free(ga, alen);
    check_guarded_free(gb, blen);
    return eq;
}

static int length_g(const uint8_t *wire, size_t len)
{
    uint8_t *g = check_guarded_copy(wire, len);
    int n = gx_dns_name_length(g);
    check_guarded_free(g, len);
    return n;
}

/* Wire to text with exactly `len` bytes of wire readable. */
static int to_text_g(const uint8_t *wire, size_t len, char out[GX_DNS_NAME_WIRE_MAX])
{
    uint8_t *g = check_guarded_copy(wire, len);
    int rc = gx_dns_name_to_text(g, out);
    check_guarded_free(g, len);
    return rc;
}

/* The wire form of `count` labels of `label_len` x 'a', written independently of the code. */
static size_t wire_labels(uint8_t *out, size_t count, size_t label_len)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        out[n++] = (uint8_t)label_len;
        memset(out + n, 'a', label_len);
        n += label_len;
    }
    out[n++] = 0;
    return n;
}

/* A text name of total length `len` made of labels of at most 63 characters. */
static void text_of_len(char *out, size_t len)
{
    size_t i = 0, label = 0;
    while (i < len) {
        if (label == 63 && i + 1 < len) {
            out[i++] = '.';
            label = 0;
        } else {
            out[i++] = 'b';
            label++;
        }
    }
    out[len] = '\0';
}

/* A message whose bytes before offset `at` are a 12-byte header and filler. */
struct msg {
    uint8_t b[1024];
    size_t n;
};

static void msg_init(struct msg *m, size_t filler)
{
    memset(m, 0, sizeof *m);
    m->n = GX_DNS_HEADER_LEN + filler;
    memset(m->b + GX_DNS_HEADER_LEN, 'z', filler);
}

static void msg_put(struct msg *m, const void *bytes, size_t len)
{
    memcpy(m->b + m->n, bytes, len);
    m->n += len;
}

static void msg_ptr(struct msg *m, size_t target)
{
    m->b[m->n++] = (uint8_t)(0xC0 | target >> 8);
    m->b[m->n++] = (uint8_t)target;
}

/* ---- text to wire --------------------------------------------------------------------------- */

TEST(from_text_encodes_labels)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(from_text_s("www.Example.com", w), 17);
    CHECK_EQ_MEM(w, "\3www\7Example\3com", 17);
    CHECK_EQ_INT(from_text_s("www.Example.com.", w), 17);
    CHECK_EQ_MEM(w, "\3www\7Example\3com", 17);
    CHECK_EQ_INT(from_text_s("a", w), 3);
    CHECK_EQ_MEM(w, "\1a", 3);
    /* Any printable byte but the backslash goes as given (the pipeline decides what it asks). */
    CHECK_EQ_INT(from_text_s("_srv.*.x-y", w), 12);
    CHECK_EQ_MEM(w, "\4_srv\1*\3x-y", 12);
}

/* A15-A18: names that must never become a query. */
TEST(from_text_refuses_bad_names)
{
    static const struct {
        const char *text;
        size_t len;
    } bad[] = {
        {"", 0},
        {".", 1},
        {"..", 2},
        {".a", 2},
        {"a..b", 4},
        {"a.test..", 8},
        {"foo\\.", 5},
        {"a\\065", 5},
        {"a b", 3},
        {"a\tb", 3},
        {"a\x7f", 2},
        {"a\x80", 2},
        {"a\0b", 3},
        {"espa\xc3\xb1"
         "a.test",
         12},
        {"a.\n", 3},
        {"..a", 3},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t w[GX_DNS_NAME_WIRE_MAX];
        int rc = from_text_g(bad[i].text, bad[i].len, w);
        if (rc != GX_E_MALFORMED)
            CHECK_FAIL_AT(__FILE__, __LINE__, "case %zu: %d", i, rc);
    }
}

/* A15, A16, W14 for text: labels 63/64, names of 253 and 254 characters, with a final dot. */
TEST(from_text_limits)
{
    char text[1100];
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    memset(text, 'l', 64);
    CHECK_EQ_INT(from_text_g(text, 62, w), 64);
    CHECK_EQ_INT(from_text_g(text, 63, w), 65);
    CHECK_EQ_INT(from_text_g(text, 64, w), GX_E_LIMIT);

    text_of_len(text, 252);
    CHECK_EQ_INT(from_text_s(text, w), 254);
    text_of_len(text, 253);
    CHECK_EQ_INT(from_text_s(text, w), GX_DNS_NAME_WIRE_MAX);
    CHECK_EQ_INT(gx_dns_name_length(w), GX_DNS_NAME_WIRE_MAX);
    text[253] = '.';
    CHECK_EQ_INT(from_text_g(text, 254, w), GX_DNS_NAME_WIRE_MAX);
    text_of_len(text, 254);
    CHECK_EQ_INT(from_text_s(text, w), GX_E_LIMIT);
    text_of_len(text, 1000);
    CHECK_EQ_INT(from_text_s(text, w), GX_E_LIMIT);
}

TEST(from_text_long_input_is_refused)
{
    size_t len = (size_t)1 << 20;
    char *text = malloc(len);
    REQUIRE(text != NULL);
    for (size_t i = 0; i < len; i++)
        text[i] = (i % 4 == 3) ? '.' : '1';
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(from_text_g(text, len, w), GX_E_LIMIT);
    free(text);
}

/* S04-S07: search-list candidates. */
TEST(join_builds_search_candidates)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(join_g("host", "example.com", w), 18);
    CHECK_EQ_MEM(w, "\4host\7example\3com", 18);
    CHECK_EQ_INT(join_g("host", "example.com.", w), 18);
    CHECK_EQ_MEM(w, "\4host\7example\3com", 18);
    CHECK_EQ_INT(join_g("a.b", "s1.test", w), 13);
    CHECK_EQ_MEM(w, "\1a\1b\2s1\4test", 13);
    /* The root as a suffix: the name alone (S06: never a ".."). */
    CHECK_EQ_INT(join_g("host", "", w), 6);
    CHECK_EQ_MEM(w, "\4host", 6);
    CHECK_EQ_INT(join_g("host", ".", w), 6);
    CHECK_EQ_MEM(w, "\4host", 6);
}

TEST(join_refuses_bad_parts)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(join_g("", "example.com", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("host.", "example.com", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("host", ".example.com", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("host", "a..b", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("host", "..", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("ho st", "example.com", w), GX_E_MALFORMED);
    CHECK_EQ_INT(join_g("host", "exa\\mple", w), GX_E_MALFORMED);
}

/* S07: a candidate that would exceed 255 octets is refused, not cut: N-1, N, N+1. */
TEST(join_limit)
{
    char suffix[300];
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    /* "h." + suffix of 251 characters = 253 characters = 255 octets. */
    text_of_len(suffix, 250);
    CHECK_EQ_INT(join_g("h", suffix, w), 254);
    text_of_len(suffix, 251);
    CHECK_EQ_INT(join_g("h", suffix, w), 255);
    CHECK_EQ_INT(gx_dns_name_length(w), 255);
    text_of_len(suffix, 252);
    CHECK_EQ_INT(join_g("h", suffix, w), GX_E_LIMIT);
    memset(suffix, 'q', 64);
    suffix[64] = '\0';
    CHECK_EQ_INT(join_g("h", suffix, w), GX_E_LIMIT);
    suffix[63] = '\0';
    CHECK_EQ_INT(join_g("h", suffix, w), 67);
}

/* ---- reading names from a message ----------------------------------------------------------- */

TEST(read_plain_and_compressed_names)
{
    struct msg m;
    msg_init(&m, 0);
    msg_put(&m, "\1a\4test", 8); /* offset 12 */
    msg_put(&m, "\3www", 4);     /* offset 20: www + pointer to 12 */
    msg_ptr(&m, 12);
    msg_ptr(&m, 20); /* offset 26: pointer to www.a.test */
    uint8_t out[GX_DNS_NAME_WIRE_MAX];

    size_t pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), 8);
    CHECK_EQ_MEM(out, "\1a\4test", 8);
    CHECK_EQ_INT(pos, 20);

    pos = 20;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), 12);
    CHECK_EQ_MEM(out, "\3www\1a\4test", 12);
    CHECK_EQ_INT(pos, 26); /* past the pointer, not where the pointer led */

    pos = 26;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), 12);
    CHECK_EQ_MEM(out, "\3www\1a\4test", 12);
    CHECK_EQ_INT(pos, 28);
}

/* W08-W12, W16, W17 at the level of one name: each refused with *pos unchanged. */
TEST(read_refuses_bad_pointers_and_labels)
{
    struct msg m;
    uint8_t out[GX_DNS_NAME_WIRE_MAX];
    size_t pos;

    /* W08: a pointer to itself. */
    msg_init(&m, 0);
    msg_ptr(&m, 12);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    CHECK_EQ_INT(pos, 12);

    /* W09: A -> B -> A; whichever way it is entered, one of the two points forward. */
    msg_init(&m, 0);
    msg_put(&m, "\1x", 2); /* 12 */
    msg_ptr(&m, 16);       /* 14: x + pointer to 16 */
    msg_put(&m, "\1y", 2); /* 16 */
    msg_ptr(&m, 12);       /* 18: y + pointer to 12 */
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    pos = 16;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    CHECK_EQ_INT(pos, 16);

    /* W10: a pointer forward, and one into its own run of labels. */
    msg_init(&m, 0);
    msg_put(&m, "\1a", 2);
    msg_ptr(&m, 16);
    msg_put(&m, "\0", 1);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    msg_init(&m, 0);
    msg_put(&m, "\1a\1b", 4);
    msg_ptr(&m, 14); /* back, but inside the run it ends */
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);

    /* W11: into the header, and past the end. */
    for (size_t target = 0; target < GX_DNS_HEADER_LEN; target++) {
        msg_init(&m, 4);
        memset(m.b, 0, GX_DNS_HEADER_LEN); /* zero bytes in the header would read as a root */
        msg_ptr(&m, target);
        pos = 16;
        CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    }
    msg_init(&m, 0);
    msg_ptr(&m, 0x3FFF);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);

    /* W12: label types 01 and 10. */
    static const uint8_t kinds[] = {0x40, 0x41, 0x7F, 0x80, 0xBF};
    for (size_t i = 0; i < sizeof kinds; i++) {
        msg_init(&m, 0);
        m.b[m.n++] = kinds[i];
        memset(m.b + m.n, 0, 200);
        m.n += 200;
        pos = 12;
        CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    }

    /* W16: a label of 63 with 10 bytes left; W17: no root label; a pointer cut in half. */
    msg_init(&m, 0);
    m.b[m.n++] = 63;
    memset(m.b + m.n, 'k', 10);
    m.n += 10;
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    msg_init(&m, 0);
    msg_put(&m, "\1a\4test", 7);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    msg_init(&m, 4);
    m.b[m.n++] = 0xC0;
    pos = 16;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);

    /* A start past the end, and an empty message. */
    pos = m.n + 1;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);
    CHECK_EQ_INT(pos, m.n + 1);
    pos = 0;
    CHECK_EQ_INT(read_g(m.b, 0, &pos, out), GX_E_MALFORMED);
}

/* W14, W15: labels of 63 and 64; names of 255 and 256 octets, directly and through pointers. */
TEST(read_limits)
{
    struct msg m;
    uint8_t out[GX_DNS_NAME_WIRE_MAX];
    uint8_t w[600];
    size_t pos, n;

    msg_init(&m, 0);
    n = wire_labels(w, 1, 63);
    msg_put(&m, w, n);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), 65);
    m.b[12] = 64;
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);

    /* 3 labels of 63 and one of 61: 3 x 64 + 62 + 1 = 255 octets; one more octet is 256. */
    msg_init(&m, 0);
    wire_labels(w, 4, 63);
    w[3 * 64] = 61;
    w[3 * 64 + 62] = 0;
    msg_put(&m, w, 3 * 64 + 63);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), 255);
    CHECK_EQ_INT(gx_dns_name_length(out), 255);
    msg_init(&m, 0);
    w[3 * 64] = 62;
    w[3 * 64 + 62] = 'a';
    w[3 * 64 + 63] = 0;
    msg_put(&m, w, 3 * 64 + 64);
    pos = 12;
    CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), GX_E_MALFORMED);

    /* Through pointers: a tail of 61 octets, then labels of 63 that each point back to the
     * previous piece. 3 pieces of 64 + the tail's 62 + root = 255; a tail of 62 makes 256. */
    for (size_t tail = 60; tail <= 62; tail++) {
        msg_init(&m, 0);
        size_t at = m.n;
        m.b[m.n++] = (uint8_t)tail;
        memset(m.b + m.n, 't', tail);
        m.n += tail;
        m.b[m.n++] = 0;
        for (int k = 0; k < 3; k++) {
            size_t here = m.n;
            m.b[m.n++] = 63;
            memset(m.b + m.n, 'p', 63);
            m.n += 63;
            msg_ptr(&m, at);
            at = here;
        }
        pos = at;
        int want = tail <= 61 ? (int)(3 * 64 + tail + 2) : GX_E_MALFORMED;
        CHECK_EQ_INT(read_g(m.b, m.n, &pos, out), want);
    }
}

/* The hop limit at N-1, N, N+1: a chain of pointers to pointers ending in a name. */
TEST(read_pointer_hop_limit)
{
    static uint8_t buf[2048];
    for (size_t hops = GX_DNS_POINTER_HOPS_MAX - 1; hops <= GX_DNS_POINTER_HOPS_MAX + 1; hops++) {
        memset(buf, 0, sizeof buf);
        size_t n = GX_DNS_HEADER_LEN;
        memcpy(buf + n, "\1a\4test", 8);
        size_t prev = n;
        n += 8;
        for (size_t i = 0; i < hops; i++) {
            buf[n] = (uint8_t)(0xC0 | prev >> 8);
            buf[n + 1] = (uint8_t)prev;
            prev = n;
            n += 2;
        }
        uint8_t out[GX_DNS_NAME_WIRE_MAX];
        size_t pos = prev;
        int want = hops <= GX_DNS_POINTER_HOPS_MAX ? 8 : GX_E_MALFORMED;
        CHECK_EQ_INT(read_g(buf, n, &pos, out), want);
        if (want > 0)
            CHECK_EQ_INT(pos, prev + 2);
    }
}

/* ---- lengths and comparison ----------------------------------------------------------------- */

TEST(name_length_checks_the_wire)
{
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    /* Each against a guard page: a name is read up to its root label and no further. */
    CHECK_EQ_INT(LENGTH(""), 1);
    CHECK_EQ_INT(LENGTH("\1a\4test"), 8);
    CHECK_EQ_INT(LENGTH("\3abc"), 5);
    memset(w, 1, sizeof w); /* labels of one octet '\1' forever: no root inside 255 */
    CHECK_EQ_INT(length_g(w, sizeof w), GX_E_MALFORMED);
    w[0] = 64;
    CHECK_EQ_INT(length_g(w, sizeof w), GX_E_MALFORMED);
}

TEST(name_equal_ignores_case_only)
{
    CHECK(EQUAL("\1A\4TeSt", "\1a\4test"));
    CHECK(EQUAL("", ""));
    CHECK(!EQUAL("\2ab\1c", "\1a\2bc"));
    CHECK(!EQUAL("\1a\4test", "\1a\4tesu"));
    CHECK(!EQUAL("\1a\4test", "\1a\4test\1x"));
    CHECK(!EQUAL("\1a", ""));
    /* Only ASCII letters fold: 0xC0 and 0xE0 differ by the same bit as 'A' and 'a'. */
    CHECK(!EQUAL("\1\xC0", "\1\xE0"));
    CHECK(!EQUAL("\1@", "\1`"));
    uint8_t bad[GX_DNS_NAME_WIRE_MAX];
    memset(bad, 1, sizeof bad);
    CHECK(!equal_g(bad, sizeof bad, bad, sizeof bad));
}

/* ---- wire to text: the host-name rule ------------------------------------------------------- */

TEST(to_text_plain_names)
{
    char t[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(TO_TEXT("\3www\7Example\3com", t), 15);
    CHECK_EQ_STR(t, "www.Example.com");
    CHECK_EQ_INT(TO_TEXT("", t), 1);
    CHECK_EQ_STR(t, ".");
    CHECK_EQ_INT(TO_TEXT("\1a", t), 1);
    CHECK_EQ_STR(t, "a");
    /* The longest name: 255 octets, 253 characters, NUL-terminated within the buffer. */
    uint8_t w[300];
    wire_labels(w, 4, 63);
    w[3 * 64] = 61;
    w[3 * 64 + 62] = 0;
    CHECK_EQ_INT(to_text_g(w, 255, t), 253);
    CHECK_EQ_INT(strlen(t), 253);
}

/* N06, N07, P9: every byte value in a label, against res_hnok's class. */
TEST(N06_to_text_byte_classes)
{
    for (unsigned c = 0; c < 256; c++) {
        uint8_t w[16] = {3, 'a', (uint8_t)c, 'b', 4, 't', 'e', 's', 't', 0};
        char t[GX_DNS_NAME_WIRE_MAX];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        int rc = to_text_g(w, 10, t);
        if (ok) {
            CHECK_EQ_INT(rc, 8);
            CHECK(rc == 8 && t[1] == (char)c && strlen(t) == 8);
        } else if (rc != GX_E_MALFORMED) {
            CHECK_FAIL_AT(__FILE__, __LINE__, "byte 0x%02x accepted", c);
        }
    }
}

TEST(N06_to_text_refuses_metacharacters)
{
    static const char *const meta[] = {
        "$", "(", ")", ";", "|", "&", "<", ">",    "`",    "'",  "\"", "\\", ",",    " ",   "*",
        "!", "#", "%", "{", "}", "~", "=", "\x7f", "\x1b", "\n", "\r", "\t", "\xff", "\xc3"};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
        uint8_t w[16] = {5, 'h', 'o', (uint8_t)meta[i][0], 's', 't', 0};
        char t[GX_DNS_NAME_WIRE_MAX];
        if (to_text_g(w, 7, t) != GX_E_MALFORMED)
            CHECK_FAIL_AT(__FILE__, __LINE__, "metacharacter %zu accepted", i);
    }
}

/* N07: a label holding a literal dot or a NUL is not a host name. */
TEST(N07_to_text_refuses_dot_and_nul_in_label)
{
    char t[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(TO_TEXT("\3a.b\4test", t), GX_E_MALFORMED);
    CHECK_EQ_INT(TO_TEXT("\3a\0b\4test", t), GX_E_MALFORMED);
    CHECK_EQ_INT(TO_TEXT("\1.", t), GX_E_MALFORMED);
}

/* N08 and res_hnok's hyphen rule: '_' anywhere; '-' anywhere but at the start of the name. */
TEST(N08_to_text_underscore_and_hyphen)
{
    char t[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(TO_TEXT("\4_srv\1x\4test", t), 11);
    CHECK_EQ_STR(t, "_srv.x.test");
    CHECK_EQ_INT(TO_TEXT("\2-a\4test", t), GX_E_MALFORMED);
    CHECK_EQ_INT(TO_TEXT("\1-", t), GX_E_MALFORMED);
    CHECK_EQ_INT(TO_TEXT("\2a-\2-b\4test", t), 10);
    CHECK_EQ_STR(t, "a-.-b.test");
    CHECK_EQ_INT(TO_TEXT("\1*\1x\4test", t), GX_E_MALFORMED);
}

TEST(to_text_refuses_malformed_wire)
{
    char t[GX_DNS_NAME_WIRE_MAX];
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    memset(w, 'a', sizeof w);
    w[0] = 64;
    CHECK_EQ_INT(to_text_g(w, sizeof w, t), GX_E_MALFORMED);
    w[0] = 63;
    for (size_t i = 64; i < sizeof w; i += 64)
        w[i] = 63; /* labels of 63 to the end of the 255 bytes: no root label */
    CHECK_EQ_INT(to_text_g(w, sizeof w, t), GX_E_MALFORMED);
}

/* Text -> wire -> text is the identity for host names. */
TEST(to_text_round_trip)
{
    static const char *const names[] = {"a", "a.test", "WWW.Example.COM", "_dmarc.x-y.z9",
                                        "0.1.2.3.in-addr.arpa"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint8_t w[GX_DNS_NAME_WIRE_MAX];
        char t[GX_DNS_NAME_WIRE_MAX];
        int n = from_text_s(names[i], w);
        REQUIRE(n > 0);
        CHECK_EQ_INT(to_text_g(w, (size_t)n, t), (int)strlen(names[i]));
        CHECK_EQ_STR(t, names[i]);
    }
}

/* ---- reverse names -------------------------------------------------------------------------- */

static const char *reverse_text(const struct gx_addr *a, int *wire_len)
{
    static char t[GX_DNS_NAME_WIRE_MAX];
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    *wire_len = gx_dns_reverse_name(a, w);
    if (*wire_len < 0 || gx_dns_name_to_text(w, t) < 0)
        return "(failed)";
    return t;
}

TEST(N11_reverse_name_ipv4)
{
    struct gx_addr a;
    int n;
    gx_addr_set4(&a, (const uint8_t[4]){192, 0, 2, 1});
    CHECK_EQ_STR(reverse_text(&a, &n), "1.2.0.192.in-addr.arpa");
    CHECK_EQ_INT(n, 24);
    gx_addr_set4(&a, (const uint8_t[4]){0, 10, 100, 255});
    CHECK_EQ_STR(reverse_text(&a, &n), "255.100.10.0.in-addr.arpa");
    gx_addr_set4(&a, (const uint8_t[4]){255, 255, 255, 255});
    CHECK_EQ_STR(reverse_text(&a, &n), "255.255.255.255.in-addr.arpa");
    CHECK_EQ_INT(n, 30);
}

/* N11: 32 nibble labels + ip6 + arpa = 34 labels, 72 characters of text, 74 octets. */
TEST(N11_reverse_name_ipv6)
{
    struct gx_addr a;
    int n;
    /* RFC 3596 2.5's example: 4321:0:1:2:3:4:567:89ab. */
    static const uint8_t b[16] = {0x43, 0x21, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0x05, 0x67, 0x89, 0xab};
    gx_addr_set6(&a, b, 7);
    const char *t = reverse_text(&a, &n);
    CHECK_EQ_STR(t, "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
    CHECK_EQ_INT(strlen(t), 72);
    CHECK_EQ_INT(n, 74);
    size_t labels = 1;
    for (const char *p = t; *p; p++)
        labels += *p == '.';
    CHECK_EQ_INT(labels, 34);
}

/* N11: ::ffff:a.b.c.d is asked in in-addr.arpa (documented in wire.h). */
TEST(N11_reverse_name_v4mapped)
{
    struct gx_addr a;
    int n;
    static const uint8_t b[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 7};
    gx_addr_set6(&a, b, 0);
    CHECK_EQ_STR(reverse_text(&a, &n), "7.100.51.198.in-addr.arpa");
    /* Not mapped (::fffe:...) stays in ip6.arpa. */
    uint8_t c[16];
    memcpy(c, b, 16);
    c[11] = 0xfe;
    gx_addr_set6(&a, c, 0);
    CHECK(strstr(reverse_text(&a, &n), ".ip6.arpa") != NULL);
    memset(&a, 0, sizeof a);
    a.family = AF_UNIX;
    uint8_t w[GX_DNS_NAME_WIRE_MAX];
    CHECK_EQ_INT(gx_dns_reverse_name(&a, w), GX_E_FAMILY);
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(from_text_encodes_labels), CHECK_ENTRY(from_text_refuses_bad_names),
        CHECK_ENTRY(from_text_limits), CHECK_ENTRY(from_text_long_input_is_refused),
        CHECK_ENTRY(join_builds_search_candidates), CHECK_ENTRY(join_refuses_bad_parts),
        CHECK_ENTRY(join_limit), CHECK_ENTRY(read_plain_and_compressed_names),
        CHECK_ENTRY(read_refuses_bad_pointers_and_labels), CHECK_ENTRY(read_limits),
        CHECK_ENTRY(read_pointer_hop_limit), CHECK_ENTRY(name_length_checks_the_wire),
        CHECK_ENTRY(name_equal_ignores_case_only), CHECK_ENTRY(to_text_plain_names),
        CHECK_ENTRY(N06_to_text_byte_classes), CHECK_ENTRY(N06_to_text_refuses_metacharacters),
        CHECK_ENTRY(N07_to_text_refuses_dot_and_nul_in_label),
        CHECK_ENTRY(N08_to_text_underscore_and_hyphen), CHECK_ENTRY(to_text_refuses_malformed_wire),
        CHECK_ENTRY(to_text_round_trip), CHECK_ENTRY(N11_reverse_name_ipv4),
        CHECK_ENTRY(N11_reverse_name_ipv6), CHECK_ENTRY(N11_reverse_name_v4mapped)));
}
