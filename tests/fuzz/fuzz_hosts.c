/*
 * Fuzz target for the hosts file (TEST-VECTORS Z2, F17-F26): the input is a whole hosts file.
 *
 * Every line goes through the line parser, whose result must point inside the line and name only
 * valid host names. Then the index is built from the whole input and checked against a plain
 * model computed here from the parser alone: the same entries in the same order, and for names
 * and addresses taken from the input (with case and trailing-dot variants), exactly the lines a
 * linear scan finds, in file order. Any difference aborts, so the fuzzer reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/hosts.h"
#include "config/lines.h"
#include "core/hostname.h"
#include "core/limits.h"
#include "core/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A fixed fake machine, so that runs are reproducible: lo is 1, eth0 is 2. */
static uint32_t fuzz_ifindex(const char *name, size_t len, void *arg)
{
    (void)arg;
    if (len == 2 && memcmp(name, "lo", 2) == 0)
        return 1;
    if (len == 4 && memcmp(name, "eth0", 4) == 0)
        return 2;
    return 0;
}

/* The model: the lines that become entries, in file order, with their resolved addresses. */
struct model {
    struct gx_hosts_line *lines;
    size_t n;
    size_t empty;   /* lines with nothing on them */
    size_t skipped; /* lines refused */
};

static void check_parsed(const char *line, size_t len, const struct gx_hosts_line *pl, int rc)
{
    FUZZ_ASSERT(rc == (int)pl->name_count && pl->name_count >= 1);
    FUZZ_ASSERT(pl->names >= line && pl->names + pl->names_len <= line + len);
    FUZZ_ASSERT(pl->scope == NULL ||
                (pl->scope >= line && pl->scope + pl->scope_len <= line + len));
    FUZZ_ASSERT(pl->addr.family == AF_INET || pl->addr.family == AF_INET6);
    const char *cursor = pl->names, *end = pl->names + pl->names_len, *f;
    size_t flen, count = 0;
    while (gx_field_next(&cursor, end, &f, &flen)) {
        FUZZ_ASSERT(gx_hostname_valid(f, flen));
        FUZZ_ASSERT(memchr(f, '#', flen) == NULL);
        count++;
    }
    FUZZ_ASSERT(count == pl->name_count);
}

static void model_build(const char *data, size_t size, struct model *m)
{
    struct gx_lines it;
    const char *line;
    size_t len;
    memset(m, 0, sizeof *m);
    /* An entry line takes at least 5 bytes ("::1 a"), and one more for its newline. */
    m->lines = malloc((size / 4 + 1) * sizeof *m->lines);
    FUZZ_ASSERT(m->lines != NULL);
    gx_lines_init(&it, data, size);
    while (gx_lines_next(&it, &line, &len)) {
        struct gx_hosts_line pl;
        int rc = gx_hosts_parse_line(line, len, &pl);
        if (rc == 0) {
            m->empty++;
            continue;
        }
        uint32_t scope_id = 0;
        if (rc < 0 || (pl.scope && gx_scope_parse(pl.addr.bytes, pl.scope, pl.scope_len,
                                                  fuzz_ifindex, NULL, &scope_id) != GX_OK)) {
            m->skipped++;
            continue;
        }
        check_parsed(line, len, &pl, rc);
        pl.addr.scope_id = scope_id;
        FUZZ_ASSERT(m->n < size / 4 + 1);
        m->lines[m->n++] = pl;
    }
}

/* Host-name equality as the index should see it, written independently of it. */
static int names_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    alen = (alen > 1 && a[alen - 1] == '.') ? alen - 1 : alen;
    blen = (blen > 1 && b[blen - 1] == '.') ? blen - 1 : blen;
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static int line_lists(const struct gx_hosts_line *pl, const char *q, size_t qlen)
{
    const char *cursor = pl->names, *end = pl->names + pl->names_len, *f;
    size_t flen;
    while (gx_field_next(&cursor, end, &f, &flen))
        if (names_equal(f, flen, q, qlen))
            return 1;
    return 0;
}

/* gx_hosts_find against a linear scan of the model. */
static void check_find(const struct gx_hosts *h, const struct model *m, const char *q, size_t qlen)
{
    const uint32_t *ids = NULL;
    size_t got = gx_hosts_find(h, q, qlen, &ids), k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (!line_lists(&m->lines[i], q, qlen))
            continue;
        FUZZ_ASSERT(k < got && ids[k] == i);
        k++;
    }
    FUZZ_ASSERT(k == got);
}

/* gx_hosts_find_addr against a linear scan of the model. */
static void check_find_addr(const struct gx_hosts *h, const struct model *m,
                            const struct gx_addr *a)
{
    int want = GX_E_NOTFOUND;
    for (size_t i = 0; i < m->n && want < 0; i++)
        if (gx_addr_equal(&m->lines[i].addr, a))
            want = (int)i;
    FUZZ_ASSERT(gx_hosts_find_addr(h, a) == want);
}

/* A name, then the same in upper case and with one final dot added or removed. */
static void check_name_variants(const struct gx_hosts *h, const struct model *m, const char *name,
                                size_t len)
{
    char buf[GX_NAME_TEXT_MAX + 8];
    check_find(h, m, name, len);
    if (len + 1 > sizeof buf)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        buf[i] = (char)((c >= 'a' && c <= 'z') ? c - 32 : c);
    }
    check_find(h, m, buf, len);
    if (name[len - 1] == '.') {
        check_find(h, m, buf, len - 1);
    } else {
        buf[len] = '.';
        check_find(h, m, buf, len + 1);
    }
}

/* Every entry as the model has it: address, scope and canonical name. */
static void check_entries(const struct gx_hosts *h, const struct model *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct gx_hosts_entry *e = gx_hosts_entry(h, (uint32_t)i);
        FUZZ_ASSERT(e != NULL && gx_addr_equal(&e->addr, &m->lines[i].addr));
        const char *cursor = m->lines[i].names, *end = cursor + m->lines[i].names_len, *f;
        size_t flen;
        FUZZ_ASSERT(gx_field_next(&cursor, end, &f, &flen));
        FUZZ_ASSERT(e->canon_len == flen && memcmp(e->canon, f, flen) == 0);
    }
    FUZZ_ASSERT(gx_hosts_entry(h, (uint32_t)m->n) == NULL);
}

/* Names and addresses from a few entries (first, middle, last), each name of theirs. */
static void check_samples(const struct gx_hosts *h, const struct model *m)
{
    size_t picks[3] = {0, m->n / 2, m->n ? m->n - 1 : 0};
    for (size_t p = 0; p < 3 && m->n > 0; p++) {
        const struct gx_hosts_line *pl = &m->lines[picks[p]];
        const char *cursor = pl->names, *end = pl->names + pl->names_len, *f;
        size_t flen, k = 0;
        while (k++ < 4 && gx_field_next(&cursor, end, &f, &flen))
            check_name_variants(h, m, f, flen);
        check_find_addr(h, m, &pl->addr);
        struct gx_addr other = pl->addr;
        other.scope_id ^= 1;
        check_find_addr(h, m, &other);
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
    struct gx_hosts *h = NULL;
    FUZZ_ASSERT(gx_hosts_build(copy, size, fuzz_ifindex, NULL, &h) == GX_OK);

    struct gx_hosts_stats st;
    gx_hosts_stats(h, &st);
    FUZZ_ASSERT(st.entries == m.n && st.skipped == m.skipped);
    FUZZ_ASSERT(st.lines == m.n + m.skipped + m.empty + st.skipped_long + st.skipped_nul);
    check_entries(h, &m);
    check_samples(h, &m);
    /* Raw bytes of the input as a query: whatever they are, the answer matches the scan. */
    check_find(h, &m, (const char *)data, size < 16 ? size : 16);

    gx_hosts_ref(h);
    gx_hosts_unref(h);
    gx_hosts_unref(h);
    free(m.lines);
    return 0;
}
