/*
 * Driven by test_resolvconf_ns.sh inside a mount namespace of its own, where /etc/resolv.conf
 * is the text under test: prints what the system libc's res_ninit() makes of the file and what
 * gx_resolvconf_parse() makes of the same bytes (with the same LOCALDOMAIN, RES_OPTIONS and
 * host name), one line each, in one comparable form:
 *
 *   libc ns=A,B search=X,Y ndots=N timeout=N attempts=N opts=rotate,edns0
 *   gaix ns=A,B search=X,Y ndots=N timeout=N attempts=N opts=rotate,edns0
 *
 * ns: the servers, IPv6 ones with "%scope" when the scope is not 0, and ":port" when the port
 * is not 53. search: the list as glibc's res_nsearch uses it: for the libc, one leading dot
 * dropped, "" shown as "." (the root), the final dot dropped; bytes outside 0x21-0x7e as \xNN;
 * the first MAXDNSRCH entries only, since that is all struct __res_state shows. timeout and
 * attempts: the raw numbers (retrans, retry). opts: the options both know, in a fixed order.
 * No packet is sent: res_ninit() only reads the file.
 *
 *   resolvconf_ns_prog [libc|gaix] [FILE]   (default: both; /etc/resolv.conf, which both read)
 *
 * One side alone is for texts that make glibc 2.36's res_ninit() loop for ever: a sortlist word
 * that starts with '/', '&' or a byte above 0x7f never advances its cursor.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/file.h"
#include "config/resolvconf.h"
#include "core/limits.h"
#include "core/status.h"

#define OUT_MAX 8192

struct out {
    char buf[OUT_MAX];
    size_t len;
};

static void out_add(struct out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->len + n >= sizeof o->buf)
        n = sizeof o->buf - o->len - 1;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void out_server(struct out *o, int family, const void *addr, uint32_t scope, int port,
                       bool first)
{
    char text[INET6_ADDRSTRLEN + 32];
    if (!first)
        out_add(o, ",");
    if (inet_ntop(family, addr, text, INET6_ADDRSTRLEN) == NULL)
        snprintf(text, sizeof text, "?");
    out_add(o, text);
    if (scope != 0) {
        snprintf(text, sizeof text, "%%%u", (unsigned)scope);
        out_add(o, text);
    }
    if (port != 53) {
        snprintf(text, sizeof text, ":%d", port);
        out_add(o, text);
    }
}

/* One search entry as res_nsearch uses it, printable. */
static void out_search(struct out *o, const char *e, bool first)
{
    size_t len = strlen(e);
    if (!first)
        out_add(o, ",");
    if (len > 0 && e[0] == '.') {
        e++;
        len--;
    }
    if (len == 0) {
        out_add(o, ".");
        return;
    }
    if (len > 1 && e[len - 1] == '.')
        len--;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)e[i];
        char b[8];
        if (c < 0x21 || c > 0x7e || c == '\\' || c == ',')
            snprintf(b, sizeof b, "\\x%02x", c);
        else
            snprintf(b, sizeof b, "%c", c);
        out_add(o, b);
    }
}

struct option_name {
    const char *name;
    unsigned long libc;
    unsigned gaix;
};

static const struct option_name option_names[] = {
    {"rotate", RES_ROTATE, GX_RES_ROTATE},
    {"edns0", RES_USE_EDNS0, GX_RES_EDNS0},
    {"use-vc", RES_USEVC, GX_RES_USE_VC},
#ifdef RES_NOAAAA
    {"no-aaaa", RES_NOAAAA, GX_RES_NO_AAAA},
#endif
    {"single-request", RES_SNGLKUP, GX_RES_SINGLE_REQUEST},
    {"single-request-reopen", RES_SNGLKUPREOP, GX_RES_SINGLE_REQUEST_REOPEN},
    {"trust-ad", RES_TRUSTAD, GX_RES_TRUST_AD},
    {"no-tld-query", RES_NOTLDQUERY, GX_RES_NO_TLD_QUERY},
};
#define OPTION_NAMES (sizeof option_names / sizeof option_names[0])

static void out_numbers(struct out *o, unsigned ndots, int timeout, int attempts)
{
    char b[96];
    snprintf(b, sizeof b, " ndots=%u timeout=%d attempts=%d opts=", ndots, timeout, attempts);
    out_add(o, b);
}

static int print_libc(void)
{
    struct __res_state st;
    struct out o = {.len = 0};

    memset(&st, 0, sizeof st);
    if (res_ninit(&st) != 0) {
        printf("libc res_ninit failed\n");
        return 1;
    }
    out_add(&o, "libc ns=");
    for (int i = 0; i < st.nscount && i < MAXNS; i++) {
        if (st.nsaddr_list[i].sin_family == AF_INET) {
            out_server(&o, AF_INET, &st.nsaddr_list[i].sin_addr, 0,
                       ntohs(st.nsaddr_list[i].sin_port), i == 0);
        } else if (st._u._ext.nsaddrs[i] != NULL) {
            const struct sockaddr_in6 *s6 = st._u._ext.nsaddrs[i];
            out_server(&o, AF_INET6, &s6->sin6_addr, s6->sin6_scope_id, ntohs(s6->sin6_port),
                       i == 0);
        } else {
            out_add(&o, i ? ",?" : "?");
        }
    }
    out_add(&o, " search=");
    for (int i = 0; i < MAXDNSRCH && st.dnsrch[i] != NULL; i++)
        out_search(&o, st.dnsrch[i], i == 0);
    out_numbers(&o, st.ndots, st.retrans, st.retry);
    bool first = true;
    for (size_t i = 0; i < OPTION_NAMES; i++) {
        if (st.options & option_names[i].libc) {
            out_add(&o, first ? "" : ",");
            out_add(&o, option_names[i].name);
            first = false;
        }
    }
    printf("%s\n", o.buf);
    res_nclose(&st);
    return 0;
}

static int print_gaix(const char *path)
{
    char *data = NULL, host[256];
    size_t len = 0;
    struct gx_file_id id;
    int rc = gx_file_read(path, GX_CONFIG_FILE_MAX, &data, &len, &id);
    if (rc == GX_E_NOTFOUND) {
        data = NULL;
        len = 0;
    } else if (rc != GX_OK) {
        printf("gaix cannot read %s: %s\n", path, gx_status_name(rc));
        return 1;
    }

    struct gx_resolv_env env;
    memset(&env, 0, sizeof env);
    env.localdomain = getenv("LOCALDOMAIN");
    env.res_options = getenv("RES_OPTIONS");
    memset(host, 0, sizeof host);
    if (gethostname(host, sizeof host - 1) == 0)
        env.hostname = host;
    env.ifindex = gx_ifindex_system;

    struct gx_resolv_conf *c = NULL;
    rc = gx_resolvconf_parse(data, len, &env, &c);
    free(data);
    if (rc != GX_OK) {
        printf("gaix parse failed: %s\n", gx_status_name(rc));
        return 1;
    }

    struct out o = {.len = 0};
    out_add(&o, "gaix ns=");
    for (size_t i = 0; i < c->nns; i++) {
        const struct gx_nameserver *ns = &c->ns[i];
        if (ns->family == AF_INET) {
            struct sockaddr_in sin;
            memcpy(&sin, &ns->addr, sizeof sin);
            out_server(&o, AF_INET, &sin.sin_addr, 0, ns->port, i == 0);
        } else {
            out_server(&o, AF_INET6, &ns->addr.sin6_addr, ns->addr.sin6_scope_id, ns->port, i == 0);
        }
    }
    out_add(&o, " search=");
    for (size_t i = 0; i < c->nsearch && i < MAXDNSRCH; i++)
        out_search(&o, c->search[i], i == 0);
    out_numbers(&o, c->ndots, (int)c->timeout_s, (int)c->attempts);
    bool first = true;
    for (size_t i = 0; i < OPTION_NAMES; i++) {
        if (c->options & option_names[i].gaix) {
            out_add(&o, first ? "" : ",");
            out_add(&o, option_names[i].name);
            first = false;
        }
    }
    printf("%s\n", o.buf);
    gx_resolvconf_unref(c);
    return 0;
}

int main(int argc, char **argv)
{
    bool libc = true, gaix = true;
    int arg = 1;
    if (arg < argc && strcmp(argv[arg], "libc") == 0) {
        gaix = false;
        arg++;
    } else if (arg < argc && strcmp(argv[arg], "gaix") == 0) {
        libc = false;
        arg++;
    }
    const char *path = arg < argc ? argv[arg] : "/etc/resolv.conf";
    int rc = 0;
    if (libc)
        rc |= print_libc();
    if (gaix) {
        fflush(stdout);
        rc |= print_gaix(path);
    }
    return rc;
}
