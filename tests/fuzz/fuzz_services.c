/*
 * Fuzz target for the services database (TEST-VECTORS Z2, F27): the input is a whole services
 * file.
 *
 * Every line goes through the line parser, whose result must point inside the line and hold only
 * valid names. Then the index is built from the whole input and checked against a plain model
 * computed here from the parser alone: for names taken from the input, the port of the first line
 * listing the name for each protocol (getservbyname_r), and for their (port, protocol) pairs the
 * name of the first line with that pair (getservbyport_r). Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/lines.h"
#include "config/services.h"
#include "core/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The model: the lines the index takes, in file order. */
struct model {
    struct gx_services_line *lines;
    size_t n;
};

static int name_ok(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
            return 0;
    return len > 0;
}

static void check_parsed(const char *line, size_t len, const struct gx_services_line *sl)
{
    FUZZ_ASSERT(sl->name >= line && sl->name + sl->name_len <= line + len);
    FUZZ_ASSERT(name_ok(sl->name, sl->name_len) && memchr(sl->name, '#', sl->name_len) == NULL);
    FUZZ_ASSERT((unsigned)sl->proto < GX_PROTO_COUNT);
    if (sl->aliases == NULL) {
        FUZZ_ASSERT(sl->aliases_len == 0);
        return;
    }
    FUZZ_ASSERT(sl->aliases >= line && sl->aliases + sl->aliases_len <= line + len);
    const char *cursor = sl->aliases, *end = sl->aliases + sl->aliases_len, *f;
    size_t flen;
    while (gx_field_next(&cursor, end, &f, &flen))
        FUZZ_ASSERT(name_ok(f, flen) && memchr(f, '#', flen) == NULL);
}

static void model_build(const char *data, size_t size, struct model *m)
{
    struct gx_lines it;
    const char *line;
    size_t len;
    m->n = 0;
    m->lines = malloc((size / 2 + 1) * sizeof *m->lines);
    FUZZ_ASSERT(m->lines != NULL);
    gx_lines_init(&it, data, size);
    while (gx_lines_next(&it, &line, &len)) {
        struct gx_services_line sl;
        int rc = gx_services_parse_line(line, len, &sl);
        FUZZ_ASSERT(rc == 0 || rc == 1 || rc == GX_E_MALFORMED || rc == GX_E_NOTFOUND);
        if (rc != 1)
            continue;
        check_parsed(line, len, &sl);
        FUZZ_ASSERT(m->n < size / 2 + 1);
        m->lines[m->n++] = sl;
    }
}

static int line_lists(const struct gx_services_line *sl, const char *q, size_t qlen)
{
    if (sl->name_len == qlen && memcmp(sl->name, q, qlen) == 0)
        return 1;
    if (sl->aliases == NULL)
        return 0;
    const char *cursor = sl->aliases, *end = sl->aliases + sl->aliases_len, *f;
    size_t flen;
    while (gx_field_next(&cursor, end, &f, &flen))
        if (flen == qlen && memcmp(f, q, qlen) == 0)
            return 1;
    return 0;
}

/* gx_services_ports against a linear scan of the model. */
static void check_ports(const struct gx_services *s, const struct model *m, const char *q,
                        size_t qlen)
{
    uint16_t want[GX_PROTO_COUNT] = {0}, got[GX_PROTO_COUNT];
    unsigned want_mask = 0;
    for (size_t i = 0; i < m->n; i++) {
        unsigned bit = 1u << m->lines[i].proto;
        if (!(want_mask & bit) && line_lists(&m->lines[i], q, qlen)) {
            want_mask |= bit;
            want[m->lines[i].proto] = m->lines[i].port;
        }
    }
    FUZZ_ASSERT(gx_services_ports(s, q, qlen, got) == want_mask);
    FUZZ_ASSERT(memcmp(got, want, sizeof got) == 0);
}

/* gx_services_name against a linear scan of the model. */
static void check_name(const struct gx_services *s, const struct model *m, uint16_t port,
                       enum gx_proto proto)
{
    const char *name = NULL;
    int got = gx_services_name(s, port, proto, &name);
    for (size_t i = 0; i < m->n; i++) {
        const struct gx_services_line *sl = &m->lines[i];
        if (sl->port == port && sl->proto == proto) {
            FUZZ_ASSERT(got == (int)sl->name_len && memcmp(name, sl->name, sl->name_len) == 0);
            return;
        }
    }
    FUZZ_ASSERT(got == GX_E_NOTFOUND);
}

/* Names of a few lines (first, middle, last) and their aliases, and their port pairs. */
static void check_samples(const struct gx_services *s, const struct model *m)
{
    size_t picks[3] = {0, m->n / 2, m->n ? m->n - 1 : 0};
    for (size_t p = 0; p < 3 && m->n > 0; p++) {
        const struct gx_services_line *sl = &m->lines[picks[p]];
        check_ports(s, m, sl->name, sl->name_len);
        if (sl->aliases != NULL) {
            const char *cursor = sl->aliases, *end = sl->aliases + sl->aliases_len, *f;
            size_t flen, k = 0;
            while (k++ < 4 && gx_field_next(&cursor, end, &f, &flen))
                check_ports(s, m, f, flen);
        }
        for (int proto = 0; proto < GX_PROTO_COUNT; proto++)
            check_name(s, m, sl->port, (enum gx_proto)proto);
        check_name(s, m, (uint16_t)(sl->port + 1), sl->proto);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct model m;
    model_build((const char *)data, size, &m);

    char *copy = malloc(size ? size : 1);
    FUZZ_ASSERT(copy != NULL);
    if (size)
        memcpy(copy, data, size);
    struct gx_services *s = NULL;
    FUZZ_ASSERT(gx_services_build(copy, size, &s) == GX_OK);

    check_samples(s, &m);
    /* Raw bytes of the input as a query: whatever they are, the answer matches the scan. */
    check_ports(s, &m, (const char *)data, size < 12 ? size : 12);
    if (size >= 3)
        check_name(s, &m, (uint16_t)(data[0] << 8 | data[1]), (enum gx_proto)(data[2] % 5));

    gx_services_ref(s);
    gx_services_unref(s);
    gx_services_unref(s);
    free(m.lines);
    return 0;
}
