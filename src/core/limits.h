/*
 * Every limit in gaix, each with where its value comes from. Hitting one gives a status or a
 * trace line, never a silent truncation (see the users of each constant).
 */
#ifndef GX_LIMITS_H
#define GX_LIMITS_H

/* RFC 1035 2.3.4: a label is at most 63 octets. */
#define GX_LABEL_MAX 63
/* RFC 1035 2.3.4: 255 octets on the wire = 253 characters of text without the final dot
 * (one length octet per label and the root label take the other two). */
#define GX_NAME_TEXT_MAX 253

/* One line of a configuration file (hosts, services, gai.conf, resolv.conf). musl reads lines of
 * up to 512 bytes; 4 KiB leaves room for a hosts line with dozens of aliases. Longer lines are
 * skipped whole: their tail is never read as a line of its own (TEST-VECTORS F13, F17). */
#define GX_CONFIG_LINE_MAX 4096

/* The largest configuration file read. Ad-block hosts files of a million lines are about 40 MiB;
 * 512 MiB is far above any real file and still bounds the memory a bad file can take. */
#define GX_CONFIG_FILE_MAX ((size_t)512 * 1024 * 1024)

/* Addresses one lookup returns per family (TEST-VECTORS D5). No DNS answer fits more than about
 * 4,000 AAAA records in 65535 bytes and no sane hosts file lists a name 1,024 times; the cap
 * bounds the result allocation (1,024 x 3 socket types x 84 bytes = 258 KiB per family). */
#define GX_ADDRS_PER_FAMILY_MAX 1024

/* (socket type, protocol) pairs one service expands to: one per row of the protocol table in
 * lookup/service.c (tcp, udp, dccp, udplite, sctp stream, sctp seqpacket, raw). */
#define GX_SERVTUPLES_MAX 7

/* How often a context looks for changed files and interfaces (see include/gaix.h). inotify makes
 * a look one read() that usually fails with EAGAIN, so it can be frequent; without inotify a look
 * is a stat() per file, done at most once a second. */
#define GX_RELOAD_INOTIFY_MS 100
#define GX_RELOAD_STAT_MS 1000

#endif
