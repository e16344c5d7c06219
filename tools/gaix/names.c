/*
 * Names of address families, socket types, protocols, AI_* and NI_* flags; see names.h. Each kind
 * is one table of {short name, value}; parsing and printing read the same table, so a name that can
 * be printed can always be typed back.
 */
#include "names.h"

#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

struct name_value {
    const char *name;
    int value;
};

static const struct name_value family_names[] = {
    {"unspec", AF_UNSPEC},
    {"inet", AF_INET},
    {"inet6", AF_INET6},
};

static const struct name_value socktype_names[] = {
    {"stream", SOCK_STREAM}, {"dgram", SOCK_DGRAM},         {"raw", SOCK_RAW},
    {"rdm", SOCK_RDM},       {"seqpacket", SOCK_SEQPACKET}, {"dccp", SOCK_DCCP},
    {"packet", SOCK_PACKET},
};

static const struct name_value protocol_names[] = {
    {"tcp", IPPROTO_TCP},         {"udp", IPPROTO_UDP},   {"sctp", IPPROTO_SCTP},
    {"udplite", IPPROTO_UDPLITE}, {"dccp", IPPROTO_DCCP},
};

/* In the order in which the JSON format lists them: the order of their values. */
static const struct name_value flag_names[CLI_FLAG_NAMES_MAX] = {
    {"passive", AI_PASSIVE},
    {"canonname", AI_CANONNAME},
    {"numerichost", AI_NUMERICHOST},
    {"v4mapped", AI_V4MAPPED},
    {"all", AI_ALL},
    {"addrconfig", AI_ADDRCONFIG},
    {"idn", AI_IDN},
    {"canonidn", AI_CANONIDN},
    {"numericserv", AI_NUMERICSERV},
};

/* getnameinfo()'s flags, in the order of their values. glibc's two deprecated IDN flags (64,
 * 128) have no name here: they do nothing, and a number still passes them. */
static const struct name_value ni_flag_names[CLI_NI_FLAG_NAMES_MAX] = {
    {"numerichost", NI_NUMERICHOST},
    {"numericserv", NI_NUMERICSERV},
    {"nofqdn", NI_NOFQDN},
    {"namereqd", NI_NAMEREQD},
    {"dgram", NI_DGRAM},
    {"idn", NI_IDN},
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* Room for a number as text: the longest value cli_number_parse() accepts, "-9223372036854775808",
 * is 20 bytes; a longer text is no number and is rejected without being copied. */
#define NAME_NUMBER_SIZE 32

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive comparison of text[0..len) with the NUL-terminated name. */
static int name_equal_n(const char *text, size_t len, const char *name)
{
    size_t i = 0;
    for (; i < len; i++) {
        if (name[i] == '\0' || ascii_lower(text[i]) != ascii_lower(name[i]))
            return 0;
    }
    return name[i] == '\0';
}

int cli_name_equal(const char *a, const char *b)
{
    return name_equal_n(a, strlen(a), b);
}

/* Drops the C prefix ("AF_", "SOCK_", ...) from text[0..*len), in any case. */
static const char *name_strip_prefix(const char *text, size_t *len, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (*len <= plen)
        return text;
    for (size_t i = 0; i < plen; i++) {
        if (ascii_lower(text[i]) != ascii_lower(prefix[i]))
            return text;
    }
    *len -= plen;
    return text + plen;
}

static const char *table_name(const struct name_value *table, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (table[i].value == value)
            return table[i].name;
    return NULL;
}

/* A name from the table (after an optional prefix) or a number in [INT_MIN, INT_MAX]. */
static int table_parse(const struct name_value *table, size_t n, const char *prefix,
                       const char *text, size_t len, int *value)
{
    size_t rest_len = len;
    const char *rest = name_strip_prefix(text, &rest_len, prefix);
    for (size_t i = 0; i < n; i++) {
        if (name_equal_n(rest, rest_len, table[i].name)) {
            *value = table[i].value;
            return 0;
        }
    }
    /* Numbers go through a NUL-terminated copy (a flag list item is not NUL-terminated). */
    char number[NAME_NUMBER_SIZE];
    if (len == 0 || len >= sizeof number)
        return -1;
    memcpy(number, text, len);
    number[len] = '\0';
    long long v;
    if (cli_number_parse(number, INT_MIN, INT_MAX, &v) != 0)
        return -1;
    *value = (int)v;
    return 0;
}

const char *cli_family_name(int family)
{
    return table_name(family_names, COUNT(family_names), family);
}

const char *cli_socktype_name(int socktype)
{
    return table_name(socktype_names, COUNT(socktype_names), socktype);
}

const char *cli_protocol_name(int protocol)
{
    return table_name(protocol_names, COUNT(protocol_names), protocol);
}

int cli_family_parse(const char *text, int *family)
{
    return table_parse(family_names, COUNT(family_names), "af_", text, strlen(text), family);
}

int cli_socktype_parse(const char *text, int *socktype)
{
    return table_parse(socktype_names, COUNT(socktype_names), "sock_", text, strlen(text),
                       socktype);
}

int cli_protocol_parse(const char *text, int *protocol)
{
    return table_parse(protocol_names, COUNT(protocol_names), "ipproto_", text, strlen(text),
                       protocol);
}

/* One item of a flag list: a name of the table or a non-negative number. */
static int flag_item_parse(const struct name_value *table, size_t n, const char *prefix,
                           const char *item, size_t len, int *bits)
{
    int v;
    if (table_parse(table, n, prefix, item, len, &v) != 0 || v < 0)
        return -1;
    *bits = v;
    return 0;
}

/* A comma-separated list of flags OR-ed into *flags; see cli_flags_parse(). */
static int flag_list_parse(const struct name_value *table, size_t n, const char *prefix,
                           const char *list, int *flags, char *bad, size_t bad_size)
{
    int all = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int bits;
        if (flag_item_parse(table, n, prefix, p, len, &bits) != 0) {
            if (bad_size > 0) {
                size_t shown = len < bad_size - 1 ? len : bad_size - 1;
                memcpy(bad, p, shown);
                bad[shown] = '\0';
            }
            return -1;
        }
        all |= bits;
        if (!comma)
            break;
        p = comma + 1;
    }
    *flags |= all;
    return 0;
}

int cli_flags_parse(const char *list, int *flags, char *bad, size_t bad_size)
{
    return flag_list_parse(flag_names, COUNT(flag_names), "ai_", list, flags, bad, bad_size);
}

int cli_ni_flags_parse(const char *list, int *flags, char *bad, size_t bad_size)
{
    return flag_list_parse(ni_flag_names, COUNT(ni_flag_names), "ni_", list, flags, bad, bad_size);
}

/* Splits flags into the table's names and the bits without one; see cli_flags_names(). */
static size_t flag_names_split(const struct name_value *table, size_t count, int flags,
                               const char *names[], size_t max, unsigned *unnamed)
{
    unsigned rest = (unsigned)flags;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned bit = (unsigned)table[i].value;
        if ((rest & bit) == 0 || n == max)
            continue;
        names[n++] = table[i].name;
        rest &= ~bit;
    }
    *unnamed = rest;
    return n;
}

size_t cli_flags_names(int flags, const char *names[], size_t max, unsigned *unnamed)
{
    return flag_names_split(flag_names, COUNT(flag_names), flags, names, max, unnamed);
}

size_t cli_ni_flags_names(int flags, const char *names[], size_t max, unsigned *unnamed)
{
    return flag_names_split(ni_flag_names, COUNT(ni_flag_names), flags, names, max, unnamed);
}

static int digit_value(char c, unsigned base)
{
    int v;
    if (c >= '0' && c <= '9')
        v = c - '0';
    else if (c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
    else
        return -1;
    return (unsigned)v < base ? v : -1;
}

int cli_number_parse(const char *text, long long min, long long max, long long *value)
{
    const char *p = text;
    int negative = 0;
    unsigned base = 10;
    if (*p == '-') {
        negative = 1;
        p++;
    } else if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (*p == '\0')
        return -1;
    /* Accumulate the magnitude in unsigned long long and stop before it passes the limit, so
     * that no digit string, however long, can overflow. */
    unsigned long long limit = negative ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    unsigned long long magnitude = 0;
    for (; *p; p++) {
        int d = digit_value(*p, base);
        if (d < 0)
            return -1;
        if (magnitude > (limit - (unsigned)d) / base)
            return -1;
        magnitude = magnitude * base + (unsigned)d;
    }
    long long v;
    if (negative)
        v = magnitude == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)magnitude;
    else
        v = (long long)magnitude;
    if (v < min || v > max)
        return -1;
    *value = v;
    return 0;
}
