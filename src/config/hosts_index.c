/*
 * The hosts index: a whole hosts file turned, once, into tables that answer a lookup with one
 * hash probe whatever the file size (DESIGN 4, TEST-VECTORS F24). The index is immutable once
 * built and shared by reference count, so lookups need no lock.
 *
 * Model. Every line that parses is an entry, numbered in file order. Every distinct name (case
 * folded, one final dot removed) is a key; a key knows how many lines list it and where their
 * entry numbers are. Most names of a real file appear on one line, so a key holds that one
 * entry number itself; only names on several lines get a run in the shared `ids` array, filled
 * in file order after the last line is read. A second table maps an address to the first entry
 * that has it, for reverse lookups.
 *
 * Bounds and memory. Names are not copied: a key is the offset and length of the name's first
 * occurrence in the file buffer, which the index owns. Both tables use open addressing with
 * linear probing at a load of at most 1/2, and keep the 32-bit hash beside the key number in
 * each slot so that a probe touches a key only when the hashes agree. The arrays and tables are
 * sized once from the number of lines and grow by doubling only when that estimate was short,
 * so building costs O(lines) time and a few allocations in all, never one per line: about 92
 * bytes per line beside the file itself (a 40-byte entry, a 20-byte key, two 8-byte slots per
 * table at a load between 1/4 and 1/2). Offsets and counts are 32 bits: the loader caps a file
 * at GX_CONFIG_FILE_MAX, well under 4 GiB.
 */
#include "config/hosts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/lines.h"
#include "core/ascii.h"
#include "core/hash.h"
#include "core/hostname.h"
#include "core/limits.h"
#include "core/refcount.h"
#include "core/status.h"

_Static_assert(GX_CONFIG_FILE_MAX <= UINT32_MAX - 1, "file offsets must fit 32 bits");

/* A distinct name. `id` is the only entry listing it when count == 1, else the start of its
 * run in ids[]. `last` is the newest entry seen while building (to list a line once however
 * often it repeats a name), then the fill cursor while the runs are filled. */
struct hosts_key {
    uint32_t off;
    uint32_t count;
    uint32_t id;
    uint32_t last;
    uint16_t len;
};

/* An open-addressing table: each slot is (hash32 << 32) | (number + 1); 0 is an empty slot. */
struct hosts_table {
    uint64_t *slots;
    uint32_t mask;
    uint32_t used;
};

/* A later listing of a name that already had a line, kept until the runs are filled. */
struct hosts_dup {
    uint32_t key;
    uint32_t id;
};

struct gx_hosts {
    gx_refcount ref;
    char *data;
    struct gx_hosts_entry *entries;
    uint32_t nentries;
    struct hosts_key *keys;
    uint32_t nkeys;
    uint32_t *ids;
    struct hosts_table names;
    struct hosts_table addrs;
    struct gx_hosts_stats stats;
};

/* What building needs beside the index itself. */
struct hosts_builder {
    struct gx_hosts *h;
    gx_ifindex_fn *ifindex;
    void *arg;
    uint32_t cap_entries;
    uint32_t cap_keys;
    struct hosts_dup *dups;
    size_t ndups;
    size_t cap_dups;
};

/* ---- growable arrays and the probe table ------------------------------------------------- */

/* Doubles an array of `*cap` elements of `size` bytes (or creates it with 64). */
static int array_grow(void **arr, uint32_t *cap, size_t size)
{
    uint32_t n = *cap ? *cap : 32;
    if (n > UINT32_MAX / 2 || (size_t)n * 2 > SIZE_MAX / size)
        return GX_E_MEMORY;
    void *p = realloc(*arr, (size_t)n * 2 * size);
    if (p == NULL)
        return GX_E_MEMORY;
    *arr = p;
    *cap = n * 2;
    return GX_OK;
}

static uint64_t slot_make(uint32_t hash, uint32_t number)
{
    return (uint64_t)hash << 32 | (uint64_t)(number + 1);
}

/* Gives a table `cap` slots (a power of two, more than it has), moving every slot by its
 * stored hash. */
static int table_resize(struct hosts_table *t, uint64_t cap)
{
    uint64_t old_cap = t->slots ? (uint64_t)t->mask + 1 : 0;
    /* The mask is 32 bits: a table of 2^32 slots holds 2^31 keys, far more than fit a file of
     * GX_CONFIG_FILE_MAX bytes. */
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
        uint32_t j = (uint32_t)(s >> 32) & mask;
        while (slots[j] != 0)
            j = (j + 1) & mask;
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return GX_OK;
}

/* Creates an empty table with room for `n` slots at a load of 1/2, so that a file of the
 * estimated size never rehashes. */
static int table_presize(struct hosts_table *t, size_t n)
{
    uint64_t cap = 64;
    while (cap < (uint64_t)n * 2)
        cap *= 2;
    return table_resize(t, cap);
}

/* Makes room for one more slot while keeping the load at or below 1/2. */
static int table_reserve(struct hosts_table *t)
{
    uint64_t cap = t->slots ? (uint64_t)t->mask + 1 : 0;
    if (((uint64_t)t->used + 1) * 2 <= cap)
        return GX_OK;
    return table_resize(t, cap ? cap * 2 : 64);
}

/* Asks the memory for the slot a probe for `hash` will read first. */
static void table_prefetch(const struct hosts_table *t, uint32_t hash)
{
    if (t->slots != NULL)
        __builtin_prefetch(&t->slots[hash & t->mask]);
}

/* ---- names ---------------------------------------------------------------------------------- */

/* Names match ASCII case-insensitively (F23): the hash folds case too. */
static uint32_t name_hash(const char *name, size_t len)
{
    return (uint32_t)gx_hash_lower(name, len);
}

static bool key_matches(const struct gx_hosts *h, const struct hosts_key *k, const char *name,
                        size_t len)
{
    return gx_ascii_caseeq(h->data + k->off, k->len, name, len);
}

/* The key for a name (already stripped of its final dot), or UINT32_MAX. When `slot_out` is
 * given it receives the empty slot where the name would go. */
static uint32_t names_probe(const struct gx_hosts *h, const char *name, size_t len, uint32_t hash,
                            uint32_t *slot_out)
{
    const struct hosts_table *t = &h->names;
    if (t->slots == NULL)
        return UINT32_MAX;
    for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        uint64_t s = t->slots[i];
        if (s == 0) {
            if (slot_out)
                *slot_out = i;
            return UINT32_MAX;
        }
        uint32_t k = (uint32_t)s - 1;
        if ((uint32_t)(s >> 32) == hash && key_matches(h, &h->keys[k], name, len))
            return k;
    }
}

/* Creates the key of a name first seen in entry `id`, in the empty slot the probe found. */
static int key_add(struct hosts_builder *b, const char *name, size_t len, uint32_t hash,
                   uint32_t slot, uint32_t id)
{
    struct gx_hosts *h = b->h;
    if (h->nkeys == b->cap_keys &&
        array_grow((void **)&h->keys, &b->cap_keys, sizeof *h->keys) != GX_OK)
        return GX_E_MEMORY;
    struct hosts_key *k = &h->keys[h->nkeys];
    k->off = (uint32_t)(name - h->data);
    k->len = (uint16_t)len;
    k->count = 1;
    k->id = id;
    k->last = id;
    h->names.slots[slot] = slot_make(hash, h->nkeys);
    h->names.used++;
    h->nkeys++;
    return GX_OK;
}

/* A line lists a name that an earlier line listed: remember it for filling the runs. */
static int dup_add(struct hosts_builder *b, uint32_t key, uint32_t id)
{
    if (b->ndups == b->cap_dups) {
        size_t cap = b->cap_dups ? b->cap_dups * 2 : 64;
        if (cap > SIZE_MAX / sizeof *b->dups)
            return GX_E_MEMORY;
        struct hosts_dup *d = realloc(b->dups, cap * sizeof *d);
        if (d == NULL)
            return GX_E_MEMORY;
        b->dups = d;
        b->cap_dups = cap;
    }
    b->dups[b->ndups++] = (struct hosts_dup){key, id};
    return GX_OK;
}

/* Records that entry `id` lists `name` (len without its final dot, hash from name_hash). */
static int name_add(struct hosts_builder *b, const char *name, size_t len, uint32_t hash,
                    uint32_t id)
{
    uint32_t slot = 0;
    /* Room first, so that the empty slot the probe finds is still the right one to fill. */
    if (table_reserve(&b->h->names) != GX_OK)
        return GX_E_MEMORY;
    uint32_t k = names_probe(b->h, name, len, hash, &slot);
    if (k == UINT32_MAX)
        return key_add(b, name, len, hash, slot, id);
    struct hosts_key *key = &b->h->keys[k];
    if (key->last == id)
        return GX_OK; /* the same line names it twice ("a A", "a a."): list the line once */
    key->last = id;
    key->count++;
    return dup_add(b, k, id);
}

/* Gives every name listed by several lines its run in ids[], in file order: first the line that
 * created the key, then the later ones in the order the file listed them. */
static int names_fill_runs(struct hosts_builder *b)
{
    struct gx_hosts *h = b->h;
    size_t total = 0;
    for (uint32_t k = 0; k < h->nkeys; k++)
        if (h->keys[k].count > 1)
            total += h->keys[k].count;
    if (total == 0)
        return GX_OK;
    if (total > UINT32_MAX || total > SIZE_MAX / sizeof *h->ids)
        return GX_E_MEMORY;
    h->ids = malloc(total * sizeof *h->ids);
    if (h->ids == NULL)
        return GX_E_MEMORY;
    uint32_t pos = 0;
    for (uint32_t k = 0; k < h->nkeys; k++) {
        struct hosts_key *key = &h->keys[k];
        if (key->count == 1)
            continue;
        h->ids[pos] = key->id;
        key->id = pos;
        key->last = pos + 1;
        pos += key->count;
    }
    for (size_t i = 0; i < b->ndups; i++)
        h->ids[h->keys[b->dups[i].key].last++] = b->dups[i].id;
    return GX_OK;
}

/* ---- addresses ------------------------------------------------------------------------------ */

static uint32_t addr_hash(const struct gx_addr *a)
{
    uint64_t h = gx_hash_bytes(a->bytes, a->family == AF_INET ? 4 : 16);
    h ^= (uint64_t)a->scope_id << 8 | a->family;
    return (uint32_t)gx_hash_finish(h);
}

/* The first entry with this address, or UINT32_MAX; *slot_out as in names_probe. */
static uint32_t addrs_probe(const struct gx_hosts *h, const struct gx_addr *a, uint32_t hash,
                            uint32_t *slot_out)
{
    const struct hosts_table *t = &h->addrs;
    if (t->slots == NULL)
        return UINT32_MAX;
    for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
        uint64_t s = t->slots[i];
        if (s == 0) {
            if (slot_out)
                *slot_out = i;
            return UINT32_MAX;
        }
        uint32_t id = (uint32_t)s - 1;
        if ((uint32_t)(s >> 32) == hash && gx_addr_equal(&h->entries[id].addr, a))
            return id;
    }
}

/* Records entry `id`'s address unless an earlier entry has it: reverse lookups want the first. */
static int addr_add(struct gx_hosts *h, uint32_t id, uint32_t hash)
{
    if (table_reserve(&h->addrs) != GX_OK)
        return GX_E_MEMORY;
    const struct gx_addr *a = &h->entries[id].addr;
    uint32_t slot = 0;
    if (addrs_probe(h, a, hash, &slot) != UINT32_MAX)
        return GX_OK;
    h->addrs.slots[slot] = slot_make(hash, id);
    h->addrs.used++;
    return GX_OK;
}

/* ---- building ------------------------------------------------------------------------------- */

/*
 * Lines are parsed a few ahead of indexing. Parsing a line tells which table slots indexing it
 * will touch; asking for them then (a prefetch) lets memory fetch them while the next lines are
 * parsed. A large file's tables fit no cache, and waiting for one miss per probe was most of the
 * time of building an index of a million lines. The order of indexing stays the file's.
 */
#define HOSTS_AHEAD 16

/* A line parsed, its scope resolved, waiting to be indexed. */
struct hosts_pending {
    struct gx_hosts_line pl; /* pl.addr.scope_id holds the resolved scope */
    uint32_t addr_hash;
    const char *canon; /* the first name, as written */
    uint32_t canon_len;
    uint32_t canon_key_len; /* without its final dot */
    uint32_t canon_hash;
};

/* Parses one line into *p; false for a line that is not indexed (counted when refused). */
static bool line_parse(struct hosts_builder *b, const char *line, size_t len,
                       struct hosts_pending *p)
{
    int n = gx_hosts_parse_line(line, len, &p->pl);
    if (n == 0)
        return false;
    uint32_t scope_id = 0;
    if (n < 0 ||
        (p->pl.scope != NULL && gx_scope_parse(p->pl.addr.bytes, p->pl.scope, p->pl.scope_len,
                                               b->ifindex, b->arg, &scope_id) != GX_OK)) {
        b->h->stats.skipped++; /* a bad line, or a scope naming no interface (F20) */
        return false;
    }
    p->pl.addr.scope_id = scope_id;
    const char *cursor = p->pl.names, *end = p->pl.names + p->pl.names_len;
    size_t flen = 0;
    (void)gx_field_next(&cursor, end, &p->canon, &flen); /* the parser found at least one */
    p->canon_len = (uint32_t)flen;
    p->canon_key_len = (uint32_t)gx_hostname_strip_dot(p->canon, flen);
    p->canon_hash = name_hash(p->canon, p->canon_key_len);
    p->addr_hash = addr_hash(&p->pl.addr);
    table_prefetch(&b->h->addrs, p->addr_hash);
    table_prefetch(&b->h->names, p->canon_hash);
    return true;
}

/* Parses up to HOSTS_AHEAD lines that will be indexed; returns how many. */
static size_t lines_parse_ahead(struct hosts_builder *b, struct gx_lines *it,
                                struct hosts_pending pending[HOSTS_AHEAD])
{
    const char *line;
    size_t n = 0, len;
    while (n < HOSTS_AHEAD && gx_lines_next(it, &line, &len))
        if (line_parse(b, line, len, &pending[n]))
            n++;
    return n;
}

/* Appends the entry of a parsed line. */
static int entry_add(struct hosts_builder *b, const struct hosts_pending *p, uint32_t *id_out)
{
    struct gx_hosts *h = b->h;
    if (h->nentries == b->cap_entries &&
        array_grow((void **)&h->entries, &b->cap_entries, sizeof *h->entries) != GX_OK)
        return GX_E_MEMORY;
    struct gx_hosts_entry *e = &h->entries[h->nentries];
    e->addr = p->pl.addr;
    e->canon = p->canon;
    e->canon_len = p->canon_len;
    *id_out = h->nentries++;
    return GX_OK;
}

/* Indexes a parsed line under its address and each of its names. */
static int line_index(struct hosts_builder *b, const struct hosts_pending *p)
{
    uint32_t id;
    if (entry_add(b, p, &id) != GX_OK || addr_add(b->h, id, p->addr_hash) != GX_OK ||
        name_add(b, p->canon, p->canon_key_len, p->canon_hash, id) != GX_OK)
        return GX_E_MEMORY;
    const char *cursor = p->canon + p->canon_len, *end = p->pl.names + p->pl.names_len, *f;
    size_t flen = 0;
    while (gx_field_next(&cursor, end, &f, &flen)) {
        flen = gx_hostname_strip_dot(f, flen); /* "thor." and "thor" are one key (F23) */
        if (name_add(b, f, flen, name_hash(f, flen), id) != GX_OK)
            return GX_E_MEMORY;
    }
    return GX_OK;
}

/* Gives back the unused tail of the arrays that were sized by an estimate or grew by doubling.
 * A failed shrink keeps the larger block, which is still correct. */
static void hosts_shrink(struct gx_hosts *h)
{
    if (h->nentries > 0) {
        void *p = realloc(h->entries, (size_t)h->nentries * sizeof *h->entries);
        if (p != NULL)
            h->entries = p;
    }
    if (h->nkeys > 0) {
        void *p = realloc(h->keys, (size_t)h->nkeys * sizeof *h->keys);
        if (p != NULL)
            h->keys = p;
    }
}

/*
 * How many entries a file probably holds: its lines, but no more than one per 16 bytes, so that
 * a file of blank lines or comments does not reserve memory for entries it will never have.
 * Real hosts lines are longer ("0.0.0.0 ads.example.com" is 23 bytes); a file of shorter lines
 * is still indexed, its tables then grow by doubling.
 */
static size_t entries_estimate(const char *data, size_t len)
{
    size_t lines = 1;
    if (len == 0)
        return 1; /* data may be NULL */
    for (const char *p = data, *end = data + len;
         p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        lines++;
    return lines < len / 16 + 1 ? lines : len / 16 + 1;
}

static int hosts_presize(struct hosts_builder *b, size_t len)
{
    size_t n = entries_estimate(b->h->data, len); /* at most 2^25 + 1: see GX_CONFIG_FILE_MAX */
    b->h->entries = malloc(n * sizeof *b->h->entries);
    if (b->h->entries == NULL)
        return GX_E_MEMORY;
    b->cap_entries = (uint32_t)n;
    if (table_presize(&b->h->names, n) != GX_OK || table_presize(&b->h->addrs, n) != GX_OK)
        return GX_E_MEMORY;
    return GX_OK;
}

static int hosts_index_all(struct hosts_builder *b, size_t len)
{
    struct gx_lines it;
    struct hosts_pending pending[HOSTS_AHEAD];
    if (hosts_presize(b, len) != GX_OK)
        return GX_E_MEMORY;
    gx_lines_init(&it, b->h->data, len);
    size_t n;
    while ((n = lines_parse_ahead(b, &it, pending)) > 0)
        for (size_t i = 0; i < n; i++)
            if (line_index(b, &pending[i]) != GX_OK)
                return GX_E_MEMORY;
    b->h->stats.lines = it.lineno;
    b->h->stats.skipped_long = it.skipped_long;
    b->h->stats.skipped_nul = it.skipped_nul;
    b->h->stats.entries = b->h->nentries;
    hosts_shrink(b->h);
    return names_fill_runs(b);
}

static void hosts_free(struct gx_hosts *h)
{
    free(h->names.slots);
    free(h->addrs.slots);
    free(h->ids);
    free(h->keys);
    free(h->entries);
    free(h->data);
    free(h);
}

int gx_hosts_build(char *data, size_t len, gx_ifindex_fn *ifindex, void *arg, struct gx_hosts **out)
{
    if (data == NULL)
        len = 0;
    if (len > GX_CONFIG_FILE_MAX) {
        free(data);
        return GX_E_LIMIT;
    }
    struct gx_hosts *h = calloc(1, sizeof *h);
    if (h == NULL) {
        free(data);
        return GX_E_MEMORY;
    }
    gx_ref_init(&h->ref);
    h->data = data;
    struct hosts_builder b = {.h = h, .ifindex = ifindex, .arg = arg};
    int rc = hosts_index_all(&b, len);
    free(b.dups);
    if (rc != GX_OK) {
        hosts_free(h);
        return rc;
    }
    *out = h;
    return GX_OK;
}

void gx_hosts_ref(struct gx_hosts *h)
{
    gx_ref_get(&h->ref);
}

void gx_hosts_unref(struct gx_hosts *h)
{
    if (h != NULL && gx_ref_put(&h->ref))
        hosts_free(h);
}

/* ---- lookups -------------------------------------------------------------------------------- */

size_t gx_hosts_find(const struct gx_hosts *h, const char *name, size_t len, const uint32_t **ids)
{
    if (h == NULL || len == 0)
        return 0;
    len = gx_hostname_strip_dot(name, len);
    if (len > GX_NAME_TEXT_MAX)
        return 0; /* longer than any name the index can hold */
    uint32_t k = names_probe(h, name, len, name_hash(name, len), NULL);
    if (k == UINT32_MAX)
        return 0;
    const struct hosts_key *key = &h->keys[k];
    *ids = key->count == 1 ? &key->id : &h->ids[key->id];
    return key->count;
}

const struct gx_hosts_entry *gx_hosts_entry(const struct gx_hosts *h, uint32_t id)
{
    return id < h->nentries ? &h->entries[id] : NULL;
}

int gx_hosts_find_addr(const struct gx_hosts *h, const struct gx_addr *addr)
{
    if (h == NULL || (addr->family != AF_INET && addr->family != AF_INET6))
        return GX_E_NOTFOUND;
    uint32_t id = addrs_probe(h, addr, addr_hash(addr), NULL);
    /* An entry takes at least 6 bytes ("::1 a" and a newline), so a file of GX_CONFIG_FILE_MAX
     * bytes has far fewer than 2^31 entries and every number fits the int this returns. */
    if (id == UINT32_MAX || id > INT32_MAX)
        return GX_E_NOTFOUND;
    return (int)id;
}

void gx_hosts_stats(const struct gx_hosts *h, struct gx_hosts_stats *out)
{
    *out = h->stats;
}
