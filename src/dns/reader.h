/*
 * The bounded cursor through which every byte of a DNS message is read (c-ares's ares_buf habit,
 * TEST-VECTORS P1). A reader knows the whole message, because compression pointers are offsets
 * from its first byte, and an end, which may come before the end of the message: RDATA is read
 * through a reader whose end is the end of the RDATA, so that nothing in it can run past its
 * RDLENGTH (P4, W23). Every read checks the end first and either takes all its bytes or none.
 *
 * A reader also counts its work: one unit per byte examined and one per jump or skip. The count
 * costs an addition and lets tests show that hostile messages (W13, W32, W33) cost time linear in
 * their size, without a timer in the test (STYLE 13).
 *
 * Private to src/dns/: the public functions are in wire.h.
 */
#ifndef GX_DNS_READER_H
#define GX_DNS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/wire.h"

struct gx_dns_reader {
    const uint8_t *msg; /* the whole message: pointers are offsets from here */
    size_t end;         /* reads stop here (the message length, or the end of an RDATA) */
    size_t pos;         /* the next byte */
    size_t work;        /* bytes examined plus jumps and skips */
};

static inline void gx_dns_reader_init(struct gx_dns_reader *r, const uint8_t *msg, size_t len)
{
    r->msg = msg;
    r->end = len;
    r->pos = 0;
    r->work = 0;
}

static inline size_t gx_dns_reader_left(const struct gx_dns_reader *r)
{
    return r->end - r->pos;
}

/* Moves to an offset at or before the end; false (and no move) past it. */
static inline bool gx_dns_reader_seek(struct gx_dns_reader *r, size_t pos)
{
    if (pos > r->end)
        return false;
    r->pos = pos;
    r->work++;
    return true;
}

static inline bool gx_dns_reader_skip(struct gx_dns_reader *r, size_t n)
{
    if (n > gx_dns_reader_left(r))
        return false;
    r->pos += n;
    r->work++;
    return true;
}

static inline bool gx_dns_reader_u8(struct gx_dns_reader *r, uint8_t *v)
{
    if (gx_dns_reader_left(r) < 1)
        return false;
    *v = r->msg[r->pos++];
    r->work++;
    return true;
}

static inline bool gx_dns_reader_u16(struct gx_dns_reader *r, uint16_t *v)
{
    if (gx_dns_reader_left(r) < 2)
        return false;
    const uint8_t *p = r->msg + r->pos;
    *v = (uint16_t)((unsigned)p[0] << 8 | p[1]);
    r->pos += 2;
    r->work += 2;
    return true;
}

static inline bool gx_dns_reader_u32(struct gx_dns_reader *r, uint32_t *v)
{
    if (gx_dns_reader_left(r) < 4)
        return false;
    const uint8_t *p = r->msg + r->pos;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    r->pos += 4;
    r->work += 4;
    return true;
}

static inline bool gx_dns_reader_bytes(struct gx_dns_reader *r, uint8_t *out, size_t n)
{
    if (n > gx_dns_reader_left(r))
        return false;
    memcpy(out, r->msg + r->pos, n);
    r->pos += n;
    r->work += n;
    return true;
}

/*
 * A reader over n bytes from offset pos (an owner name or an RDATA), sharing the message so that
 * compression pointers still reach back before it. False when the span is not inside r. The
 * caller adds sub->work to its own when done.
 */
static inline bool gx_dns_reader_at(const struct gx_dns_reader *r, size_t pos, size_t n,
                                    struct gx_dns_reader *sub)
{
    if (pos > r->end || n > r->end - pos)
        return false;
    sub->msg = r->msg;
    sub->end = pos + n;
    sub->pos = pos;
    sub->work = 0;
    return true;
}

/*
 * Reads the name at the cursor under the rules of gx_dns_name_read (P3) and moves past its bytes
 * at that place. Every label, including those reached through pointers, must lie before the
 * reader's end. Returns the uncompressed wire length or GX_E_MALFORMED (the cursor unmoved).
 * Defined in name.c.
 */
int gx_dns_reader_name(struct gx_dns_reader *r, uint8_t out[GX_DNS_NAME_WIRE_MAX]);

/*
 * Moves past the name at the cursor without following its pointer, if any: the cheap way over an
 * owner name that is not needed (a name's bytes in place end at its root label or its first
 * pointer). Returns false when the name runs past the end or holds a reserved label type.
 * Defined in name.c.
 */
bool gx_dns_reader_skip_name(struct gx_dns_reader *r);

/* The fixed part of a resource record (RFC 1035 4.1.3), read after its owner name. */
struct gx_dns_rr {
    size_t owner_pos; /* where the owner name starts */
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl_s;
    uint16_t rdlength;
    size_t rdata_pos; /* where the RDATA starts; rdlength bytes, all inside the message */
};

#endif
