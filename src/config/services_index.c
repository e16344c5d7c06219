/*
 * The services index: a whole services file turned, once, into two tables that each answer
 * with one hash probe (DESIGN 4). Immutable once built and shared by reference count, so
 * lookups need no lock.
 *
 * Model. Every distinct name (a line's name or one of its aliases, byte for byte) is a key that
 * holds, for each protocol, the port of the first line in file order that lists it with that
 * protocol: what getservbyname_r() would answer for that (name, protocol). A second table maps
 * (protocol, port) to the key of the first such line's name: what getservbyport_r() would
 * answer. Later lines never overwrite an earlier answer.
 *
 * Bounds and memory. Names are not copied: a key is the offset and length of the name's first
 * occurrence in the file buffer, which the index owns. Both tables use open addressing with
 * linear probing at a load of at most 1/2 and keep a 32-bit hash (or the (protocol, port) pair
 * itself) beside the key number in each slot. Arrays grow by doubling: a few allocations in all.
 */
#include "config/services.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/lines.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/refcount.h"
#include "core/status.h"

_Static_assert(GX_CONFIG_FILE_MAX <= UINT32_MAX - 1, "file offsets must fit 32 bits");
_Static_assert(GX_PROTO_COUNT <= 8, "the protocol mask is 8 bits");

/* A distinct name and its first port for each protocol (valid where `mask` has the bit). */
struct services_key {
    uint32_t off;
    uint16_t len; /* at most GX_CONFIG_LINE_MAX */
    uint8_t mask;
    uint16_t ports[GX_PROTO_COUNT];
};

/* An open-addressing table: each slot is (tag << 32) | (key number + 1); 0 is an empty slot.
 * The tag is the name's hash in the name table and (protocol << 16 | port) in the port table. */
struct services_table {
    uint64_t *slots;
    uint32_t mask;
    uint32_t used;
};

struct gx_services {
    gx_refcount ref;
    char *data;
    struct services_key *keys;
    uint32_t nkeys;
    uint32_t cap_keys;
    struct services_table names;
    struct services_table ports;
};

/* ---- the probe tables ----------------------------------------------------------------------- */

/* Doubles a table (or creates it with 64 slots), moving every slot by `rehash` of its tag. */
static int table_grow(struct services_table *t, uint32_t (*rehash)(uint32_t tag))
{
    uint64_t old_cap = t->slots ? (uint64_t)t->mask + 1 : 0;
    uint64_t cap = old_cap ? old_cap * 2 : 64;
    if (cap - 1 > UINT32_MAX || cap > SIZE_MAX / sizeof(uint64_t))
        return GX_E_MEMORY;
    uint64_t *slots = calloc((size_t)cap, sizeof *slots);
    if (slots == NULL)
        return GX_E_MEMORY;
    uint32_t mask = (uint32_t)(cap - 1);
    for (uint64_t i = 0; i < old_cap; i++) {
        uint64_t s = t->slots[i];
        if (s == 0)
            continue;
        uint32_t j = rehash((uint32_t)(s >> 32)) & mask;
        while (slots[j] != 0)
            j = (j + 1) & mask;
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return GX_OK;
}

/* Makes room for one more slot while keeping the load at or below 1/2. */
static int table_reserve(struct services_table *t, uint32_t (*rehash)(uint32_t tag))
{
    if (t->slots != NULL && ((uint64_t)t->used + 1) * 2 <= (uint64_t)t->mask + 1)
        return GX_OK;
    return table_grow(t, rehash);
}

/* A name's tag is already its hash. */
static uint32_t name_rehash(uint32_t tag)
{
    return tag;
}

/* A (protocol, port) tag is a 19-bit number: spread it over the table. */
static uint32_t port_rehash(uint32_t tag)
{
    return (uint32_t)gx_hash_finish(tag);
}

static uint32_t port_tag(uint16_t port, enum gx_proto proto)
{
    return (uint32_t)proto << 16 | port;
}

/* ---- names ---------------------------------------------------------------------------------- */

/* The key of a name, or UINT32_MAX; `slot_out`, when given, receives the empty slot where the
 * name would go. */
static uint32_t names_probe(const struct gx_services *s, const char *name, size_t len,
                            uint32_t hash, uint32_t *slot_out)
{
    const struct services_table *t = &s->names;
    if (t->slots == NULL)
        return UINT32_MAX;
    for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        uint64_t v = t->slots[i];
        if (v == 0) {
            if (slot_out)
                *slot_out = i;
            return UINT32_MAX;
        }
        const struct services_key *k = &s->keys[(uint32_t)v - 1];
        if ((uint32_t)(v >> 32) == hash && k->len == len &&
            memcmp(s->data + k->off, name, len) == 0)
            return (uint32_t)v - 1;
    }
}

/* The key of a name, created empty when the file has not named it before. */
static int key_get(struct gx_services *s, const char *name, size_t len, uint32_t *key)
{
    uint32_t hash = (uint32_t)gx_hash_bytes(name, len), slot = 0;
    /* Room first, so that the empty slot the probe finds is still the right one to fill. */
    if (table_reserve(&s->names, name_rehash) != GX_OK)
        return GX_E_MEMORY;
    *key = names_probe(s, name, len, hash, &slot);
    if (*key != UINT32_MAX)
        return GX_OK;
    if (s->nkeys == s->cap_keys) {
        uint32_t cap = s->cap_keys ? s->cap_keys * 2 : 64;
        struct services_key *k;
        if (cap > UINT32_MAX / 2 || (k = realloc(s->keys, cap * sizeof *k)) == NULL)
            return GX_E_MEMORY;
        s->keys = k;
        s->cap_keys = cap;
    }
    s->keys[s->nkeys] =
        (struct services_key){.off = (uint32_t)(name - s->data), .len = (uint16_t)len};
    s->names.slots[slot] = (uint64_t)hash << 32 | (uint64_t)(s->nkeys + 1);
    s->names.used++;
    *key = s->nkeys++;
    return GX_OK;
}

/* Records that a line lists `name` with (port, proto), unless an earlier line did. */
static int name_add(struct gx_services *s, const char *name, size_t len,
                    const struct gx_services_line *sl, uint32_t *key_out)
{
    uint32_t k;
    if (key_get(s, name, len, &k) != GX_OK)
        return GX_E_MEMORY;
    struct services_key *key = &s->keys[k];
    if (!(key->mask & (1u << sl->proto))) {
        key->mask = (uint8_t)(key->mask | 1u << sl->proto);
        key->ports[sl->proto] = sl->port;
    }
    *key_out = k;
    return GX_OK;
}

/* ---- ports ---------------------------------------------------------------------------------- */

/* The key of the first line's name for (port, proto), or UINT32_MAX; `slot_out` as above. */
static uint32_t ports_probe(const struct gx_services *s, uint32_t tag, uint32_t *slot_out)
{
    const struct services_table *t = &s->ports;
    if (t->slots == NULL)
        return UINT32_MAX;
    for (uint32_t i = port_rehash(tag) & t->mask;; i = (i + 1) & t->mask) {
        uint64_t v = t->slots[i];
        if (v == 0) {
            if (slot_out)
                *slot_out = i;
            return UINT32_MAX;
        }
        if ((uint32_t)(v >> 32) == tag)
            return (uint32_t)v - 1;
    }
}

/* Records the line's name for its (port, proto), unless an earlier line had that pair. */
static int port_add(struct gx_services *s, const struct gx_services_line *sl, uint32_t key)
{
    uint32_t tag = port_tag(sl->port, sl->proto), slot = 0;
    if (table_reserve(&s->ports, port_rehash) != GX_OK)
        return GX_E_MEMORY;
    if (ports_probe(s, tag, &slot) != UINT32_MAX)
        return GX_OK;
    s->ports.slots[slot] = (uint64_t)tag << 32 | (uint64_t)(key + 1);
    s->ports.used++;
    return GX_OK;
}

/* ---- building ------------------------------------------------------------------------------- */

/* One line of the file: skipped, or indexed under its name and each alias. */
static int line_index(struct gx_services *s, const char *line, size_t len)
{
    struct gx_services_line sl;
    uint32_t key;
    if (gx_services_parse_line(line, len, &sl) != 1)
        return GX_OK;
    if (name_add(s, sl.name, sl.name_len, &sl, &key) != GX_OK || port_add(s, &sl, key) != GX_OK)
        return GX_E_MEMORY;
    if (sl.aliases == NULL)
        return GX_OK;
    const char *cursor = sl.aliases, *end = sl.aliases + sl.aliases_len, *f;
    size_t flen;
    while (gx_field_next(&cursor, end, &f, &flen))
        if (name_add(s, f, flen, &sl, &key) != GX_OK)
            return GX_E_MEMORY;
    return GX_OK;
}

static void services_free(struct gx_services *s)
{
    free(s->names.slots);
    free(s->ports.slots);
    free(s->keys);
    free(s->data);
    free(s);
}

int gx_services_build(char *data, size_t len, struct gx_services **out)
{
    if (data == NULL)
        len = 0;
    if (len > GX_CONFIG_FILE_MAX) {
        free(data);
        return GX_E_LIMIT;
    }
    struct gx_services *s = calloc(1, sizeof *s);
    if (s == NULL) {
        free(data);
        return GX_E_MEMORY;
    }
    gx_ref_init(&s->ref);
    s->data = data;
    struct gx_lines it;
    const char *line;
    size_t line_len;
    gx_lines_init(&it, data, len);
    while (gx_lines_next(&it, &line, &line_len)) {
        if (line_index(s, line, line_len) != GX_OK) {
            services_free(s);
            return GX_E_MEMORY;
        }
    }
    *out = s;
    return GX_OK;
}

void gx_services_ref(struct gx_services *s)
{
    gx_ref_get(&s->ref);
}

void gx_services_unref(struct gx_services *s)
{
    if (s != NULL && gx_ref_put(&s->ref))
        services_free(s);
}

/* ---- lookups -------------------------------------------------------------------------------- */

unsigned gx_services_ports(const struct gx_services *s, const char *name, size_t len,
                           uint16_t ports[GX_PROTO_COUNT])
{
    memset(ports, 0, GX_PROTO_COUNT * sizeof ports[0]);
    if (s == NULL || len == 0 || len > GX_CONFIG_LINE_MAX)
        return 0; /* no key is empty or longer than a line */
    uint32_t k = names_probe(s, name, len, (uint32_t)gx_hash_bytes(name, len), NULL);
    if (k == UINT32_MAX)
        return 0;
    const struct services_key *key = &s->keys[k];
    for (int p = 0; p < GX_PROTO_COUNT; p++)
        if (key->mask & (1u << p))
            ports[p] = key->ports[p];
    return key->mask;
}

int gx_services_name(const struct gx_services *s, uint16_t port, enum gx_proto proto,
                     const char **name)
{
    if (s == NULL || (unsigned)proto >= GX_PROTO_COUNT)
        return GX_E_NOTFOUND;
    uint32_t k = ports_probe(s, port_tag(port, proto), NULL);
    if (k == UINT32_MAX)
        return GX_E_NOTFOUND;
    *name = s->data + s->keys[k].off;
    return s->keys[k].len;
}
