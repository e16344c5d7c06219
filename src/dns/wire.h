/*
 * DNS wire format (RFC 1035), as pure functions over (ptr, len): no I/O, no malloc, every read
 * bounded by len (TEST-VECTORS P1-P7). Names travel in their uncompressed wire form
 * (length-prefixed labels ending with the root label) inside fixed 255-byte buffers.
 *
 * Building: a query for one name and type, optionally with an EDNS0 OPT record.
 * Parsing: a reply is first checked against the query it claims to answer (P5), then its answer
 * section is walked to collect the addresses of the asked type for the asked name or the CNAME
 * chain from it (P6), with every name decompressed under the limits of P3 and every RR checked
 * under P4. Nothing in the authority or additional sections is believed, except the OPT record.
 */
#ifndef GX_DNS_WIRE_H
#define GX_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* RFC 1035 2.3.4 and 3.1. */
#define GX_DNS_NAME_WIRE_MAX 255
#define GX_DNS_HEADER_LEN 12
/* A name's compression pointers (c-ares ARES_MAX_INDIRS): far more than any real name needs, and
 * few enough that a pointer loop costs microseconds (W08, W09, W13). */
#define GX_DNS_POINTER_HOPS_MAX 128
/* CNAME links followed within one reply (TEST-VECTORS section 6). */
#define GX_DNS_CNAME_CHAIN_MAX 16
/* RRs walked in one message, whatever the header claims (P2): a 65535-byte message holds at most
 * 65535 / 11 (the smallest RR: root owner, type, class, TTL, RDLENGTH 0) = 5957 RRs. */
#define GX_DNS_RR_MAX 5958
/* The EDNS0 UDP payload size advertised: DNS Flag Day 2020 (T21). */
#define GX_DNS_EDNS_PAYLOAD 1232

#define GX_DNS_TYPE_A 1
#define GX_DNS_TYPE_CNAME 5
#define GX_DNS_TYPE_PTR 12
#define GX_DNS_TYPE_AAAA 28
#define GX_DNS_TYPE_OPT 41
#define GX_DNS_CLASS_IN 1

#define GX_DNS_RCODE_NOERROR 0
#define GX_DNS_RCODE_FORMERR 1
#define GX_DNS_RCODE_SERVFAIL 2
#define GX_DNS_RCODE_NXDOMAIN 3
#define GX_DNS_RCODE_NOTIMP 4
#define GX_DNS_RCODE_REFUSED 5

/*
 * Text -> wire. The text is a host name as the pipeline validated it (core/hostname.h), with or
 * without a final dot; labels 1..63, total wire length <= 255. A backslash or a byte outside
 * 0x21..0x7e is refused (no escapes: a name we would send must be the name we were given).
 * Returns the wire length (>= 2) or GX_E_MALFORMED (empty, ".", "..", a leading dot, a bad byte)
 * / GX_E_LIMIT (a label over 63 octets, a name over 255). The root alone is refused: nothing
 * gaix sends asks about the root. out holds nothing useful after an error.
 */
int gx_dns_name_from_text(const char *text, size_t len, uint8_t out[GX_DNS_NAME_WIRE_MAX]);

/* Concatenates a relative name and a suffix (both text) into wire form: "host" + "example.com"
 * (search lists); a suffix of "" or "." means the root, and the suffix may end with one dot.
 * The name must be relative: a final dot on it is GX_E_MALFORMED, never "host..example.com"
 * (S05, S06). Too long together is GX_E_LIMIT (S07). Same returns as above. */
int gx_dns_name_join(const char *name, size_t name_len, const char *suffix, size_t suffix_len,
                     uint8_t out[GX_DNS_NAME_WIRE_MAX]);

/*
 * Reads the (possibly compressed) name at msg[*pos] into out in uncompressed wire form, and moves
 * *pos past the name's bytes at that place. P3: labels <= 63; label types 01 and 10 refused; every
 * pointer points strictly backwards (before the start of the label sequence it interrupts) and at
 * or after the header; at most GX_DNS_POINTER_HOPS_MAX pointers; the decompressed length <= 255.
 * Returns the wire length or GX_E_MALFORMED, and then *pos is unchanged.
 */
int gx_dns_name_read(const uint8_t *msg, size_t len, size_t *pos,
                     uint8_t out[GX_DNS_NAME_WIRE_MAX]);

/* The length of an uncompressed wire name held in at most 255 bytes (labels <= 63, ending with
 * the root label inside those bytes), or GX_E_MALFORMED. Reads only up to its end. */
int gx_dns_name_length(const uint8_t *wire);

/* Case-insensitive (ASCII) equality of two uncompressed wire names; false when either is not a
 * well-formed name (gx_dns_name_length). */
bool gx_dns_name_equal(const uint8_t *a, const uint8_t *b);

/*
 * Wire -> text for a caller (ai_canonname, getnameinfo): "a.example.com" without the final dot
 * ("." for the root), NUL-terminated, at most 253 characters. Only names that pass the host-name
 * rule reach a caller (P9, N06, N07). The rule is glibc's res_hnok: every label made of ASCII
 * letters, digits, '-' and '_', and the first label not starting with '-' (later labels may start
 * or end with it, as in glibc). So no control byte, 8-bit byte, space, dot inside a label, '*',
 * or shell/HTML metacharacter ever reaches a caller. Returns the text length or GX_E_MALFORMED
 * (the caller falls back), also for a wire name that is not well formed.
 */
int gx_dns_name_to_text(const uint8_t *wire, char out[GX_DNS_NAME_WIRE_MAX]);

/*
 * Builds a query: header (ID, RD=1, one question), the question (name, type, class IN) and, when
 * edns, an OPT record advertising GX_DNS_EDNS_PAYLOAD bytes (DO=0). Every qtype is sent as
 * given: no value has a meaning of its own here (glibc CVE-2015-5180 came from such a sentinel).
 * Returns the length, GX_E_LIMIT when cap is too small (nothing written), or GX_E_MALFORMED when
 * qname is not a well-formed wire name. A query is at most 12 + 255 + 4 + 11 = 282 bytes.
 */
#define GX_DNS_QUERY_MAX 282
int gx_dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const uint8_t *qname, uint16_t qtype,
                       bool edns);

/* The parts of a reply's header and OPT record a resolver decides by. */
struct gx_dns_reply {
    uint16_t id;
    bool tc, aa, ra, ad;
    unsigned rcode; /* 12-bit: header RCODE plus the OPT record's extended RCODE bits */
    bool has_opt;
    uint16_t ancount, nscount, arcount;
    size_t work; /* bytes examined, jumps and skips: a cost measure for tests (W13) */
};

/* The outcome of reading a reply's answer section for one question. */
struct gx_dns_answer {
    size_t naddrs;                       /* addresses written to the caller's array */
    size_t skipped;                      /* RRs of the asked type with a bad RDLENGTH (W20-W22) */
    bool truncated;                      /* more addresses than the caller's array held */
    uint32_t ttl_s;                      /* smallest TTL of the RRs used (CNAMEs too;
                                            top bit set = 0, RFC 2181 8; W37); 0 if none */
    uint8_t canon[GX_DNS_NAME_WIRE_MAX]; /* the end of the CNAME chain (or the qname);
                                            for PTR, the PTR target when one was found */
    size_t cname_links;                  /* CNAMEs followed */
    bool cname_loop;                     /* the chain looped or exceeded the cap (N02, N03) */
    /* The last name of the chain (qname first) that passes gx_dns_name_to_text, as that text:
     * what ai_canonname may show when canon itself does not pass (N06). "" when none does. */
    char canon_text[GX_DNS_NAME_WIRE_MAX];
    size_t canon_text_len;
    size_t work; /* as in struct gx_dns_reply */
};

/*
 * Checks that msg is a reply to the query (id, qname, qtype) (P5): QR=1, OPCODE=QUERY, the same
 * ID, QDCOUNT=1 with the same question (name case-insensitive, type, class IN) — except that a
 * bare header with the right ID, QDCOUNT=ANCOUNT=NSCOUNT=0 and RCODE SERVFAIL, REFUSED, NOTIMP or
 * FORMERR is accepted as that server's failure (W03; FORMERR so that an EDNS-less server's bare
 * refusal of our OPT is seen, T20); its additional section may hold an OPT. A header-only NOERROR
 * or NXDOMAIN is refused (W04). Also walks the whole message once (every RR must be well formed:
 * W18, W19, W23, W24; CNAME and PTR RDATA exactly one name; at most one OPT, with the root owner,
 * only in the additional section, its options framed within its RDATA: W26, W27); bytes after the
 * last declared RR are ignored (W07). rcode combines the header's 4 bits with the OPT's 8 (W28).
 * With TC=1 only the header and question must be well formed (a truncated datagram may be cut
 * anywhere): the caller must then ask again over TCP and never use its records (T19).
 * Returns GX_OK and fills *r, or GX_E_MALFORMED: "drop this datagram and keep waiting" (then *r
 * holds only work).
 */
int gx_dns_reply_check(const uint8_t *msg, size_t len, uint16_t id, const uint8_t *qname,
                       uint16_t qtype, struct gx_dns_reply *r);

/*
 * Collects the answer (call only after gx_dns_reply_check accepted msg): the addresses of type
 * qtype (A: 4 bytes, AAAA: 16 bytes; others refused) owned by qname or by the current end of its
 * CNAME chain, in message order, exact duplicates merged; CNAMEs are followed whatever their
 * order in the section (N05), at most GX_DNS_CNAME_CHAIN_MAX. Only the answer section is read,
 * only class IN, only the chain's end owns addresses (P6, W34-W36), whatever the rcode: an
 * NXDOMAIN that carries addresses yields them and the caller decides by rcode (S02). An address
 * RR of the wrong RDLENGTH is counted in skipped, never half-read (W20-W22). When the chain loops
 * or passes the cap, nothing is collected (cname_loop). For qtype PTR, the first PTR target that
 * passes gx_dns_name_to_text goes to canon (and its text to canon_text) and naddrs stays 0 (N09).
 * Returns the number of addresses (A, AAAA) or 1 when a PTR was found and 0 when not (PTR);
 * GX_E_MALFORMED when what it reads is malformed (never for a message gx_dns_reply_check accepted
 * with TC=0) or qname is not a well-formed wire name; GX_E_FAIL for another qtype.
 */
int gx_dns_answer_collect(const uint8_t *msg, size_t len, const uint8_t *qname, uint16_t qtype,
                          struct gx_addr *addrs, size_t max_addrs, struct gx_dns_answer *ans);

/* The name for a PTR query of an address: d.c.b.a.in-addr.arpa, or the 32 nibbles of ip6.arpa
 * in lower-case hex (34 labels, 72 characters of text); an IPv4-mapped IPv6 address uses
 * in-addr.arpa, as glibc's nss_dns does (N11). Returns the wire length, or GX_E_FAMILY for
 * another family. */
int gx_dns_reverse_name(const struct gx_addr *a, uint8_t out[GX_DNS_NAME_WIRE_MAX]);

#endif
