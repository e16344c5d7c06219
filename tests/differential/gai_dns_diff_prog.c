/*
 * gai_dns_diff_prog: the differential test of gaix's DNS resolver against the system libc.
 *
 * Model. tests/differential/test_gai_dns_diff.sh runs this program inside a private mount,
 * network and UTS namespace where NSD serves the test zones (tests/dns/zones.py --extra) on
 * 127.0.0.1 port 53 and test copies are bind-mounted over /etc: nsswitch.conf says "hosts: files
 * dns", resolv.conf names 127.0.0.1 with a search list, hosts is a small file of its own (names
 * that only it knows, names it shares with the zone, the localhost lines). glibc's getaddrinfo()
 * then asks the files and the same server that gaix asks, and gaix reads the same resolv.conf,
 * hosts and services (a context over the system paths with DNS on), so glibc is an exact oracle.
 *
 * The corpus is a fixed product: nodes (DNS names, search-list names, hosts names, names in both,
 * literals, localhost, none) x families x flag sets (AI_CANONNAME, AI_V4MAPPED, AI_V4MAPPED|AI_ALL,
 * AI_ADDRCONFIG, ...) x services x socket types. Each case runs through both; the answers are
 * compared field by field and in order (return code; per entry ai_flags, ai_family, ai_socktype,
 * ai_protocol, ai_addrlen, the socket address, ai_canonname).
 *
 * Verdicts, as in gai_diff_prog: the prediction is glibc's answer, changed only by the documented
 * differences of docs/DIFFERENCES.md that concern this corpus, each rebuilt from glibc itself:
 *   DIFF-ADDRCONFIG-EXEMPT  a literal, no node or a localhost name with AI_ADDRCONFIG: glibc's
 *                           answer without the flag (the entries keep the caller's flags);
 *   DIFF-DUPLICATES         later exact duplicates removed.
 * identical (glibc's own answer), documented (a rule changed it and gaix gave the changed
 * answer), or failed (anything else: one line with a reproduction).
 *
 * Reported differences: classes of difference told apart from the rules above because they
 * depend on what the server answered, not on the case alone. Each is predicted exactly from glibc
 * and from the libc's own resolver (res_search over the same resolv.conf):
 *   CNAME-NODATA     glibc EAI_NONAME, and the name's A question gets a non-empty answer (a CNAME
 *                    to a name without the asked records): glibc reads a reply with answers but
 *                    no address as "no such host"; gaix answers EAI_NODATA (TEST-VECTORS N04), a
 *                    deliberate difference (docs/DIFFERENCES.md);
 *   NOAAAA-NXDOMAIN  resolv.conf has no-aaaa, AF_INET6, glibc EAI_NONAME: glibc 2.36 asks A to
 *                    tell NXDOMAIN from NODATA; gaix once answered EAI_NODATA (it asked
 *                    nothing); fixed, kept as a class so that a return is named.
 * --reported LIST names the classes this run expects (the pass's configuration produces them):
 * a case of a listed class counts as "reported", not failed; a listed class that never occurs
 * fails (gaix changed: the list must change with it, so that it stays true); a case of a class
 * not listed fails.
 *
 * Usage: gai_dns_diff_prog [--policy glibc|rfc6724] [--max-print N] [--reported LIST] [--list]
 *        gai_dns_diff_prog [--policy P] --one NODE SERVICE FAMILY SOCKTYPE FLAGS
 * NODE and SERVICE '(null)' for NULL; FAMILY AF_UNSPEC, AF_INET or AF_INET6; FLAGS a number.
 * Exits 2 when the world is not the test's (no marker in /etc/hosts, or glibc does not find the
 * zone's a.test through DNS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <gaix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* The answers both sides give, captured, compared and printed (struct diff_list), and the small
 * helpers of every differential program: shared with gai_diff_prog.c. */
#include "diff_list.h"

/* The name in the hosts file that tells the program it runs in the test's namespace. */
#define DD_MARKER "gaix-dns-diff-fixture"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

enum dd_rule { RULE_ADDRCONFIG_EXEMPT, RULE_DUPLICATES, RULE_COUNT };
static const char *const rule_names[RULE_COUNT] = {"DIFF-ADDRCONFIG-EXEMPT", "DIFF-DUPLICATES"};

struct dd_case {
    const char *node, *service;
    int family, socktype, flags;
};

/* ---- printing -------------------------------------------------------------------------------- */

static const char *family_name(int f)
{
    return f == AF_UNSPEC  ? "AF_UNSPEC"
           : f == AF_INET  ? "AF_INET"
           : f == AF_INET6 ? "AF_INET6"
                           : "AF_?";
}

static void case_print(FILE *f, const struct dd_case *c)
{
    fprintf(f, "--one '%s' '%s' %s %d 0x%x", c->node ? c->node : "(null)",
            c->service ? c->service : "(null)", family_name(c->family), c->socktype,
            (unsigned)c->flags);
}

/* ---- the two sides --------------------------------------------------------------------------- */

static const struct addrinfo *case_hints(const struct dd_case *c, struct addrinfo *h)
{
    memset(h, 0, sizeof *h);
    h->ai_family = c->family;
    h->ai_socktype = c->socktype;
    h->ai_flags = c->flags;
    return h;
}

static void libc_run(const struct dd_case *c, struct diff_list *out)
{
    struct addrinfo h;
    list_from_libc(out, c->node, c->service, case_hints(c, &h));
}

static void gaix_run(gaix_ctx *ctx, const struct dd_case *c, struct diff_list *out)
{
    struct addrinfo h;
    list_from_gaix(out, ctx, c->node, c->service, case_hints(c, &h));
}

static bool node_is_literal(const char *node)
{
    unsigned char buf[sizeof(struct in6_addr)];
    if (!node)
        return false;
    struct addrinfo h, *res = NULL;
    memset(&h, 0, sizeof h);
    h.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(node, NULL, &h, &res) == 0) {
        freeaddrinfo(res);
        return true;
    }
    return inet_pton(AF_INET6, node, buf) == 1;
}

static bool node_is_localhost(const char *node)
{
    static const char *const names[] = {"localhost", "localhost.", "LOCALHOST"};
    for (size_t i = 0; node && i < COUNT_OF(names); i++)
        if (strcmp(node, names[i]) == 0)
            return true;
    return false;
}

/* What gaix must answer for c, given glibc's answer g; *rules says which rules changed it. */
static void expect_compute(const struct dd_case *c, const struct diff_list *g, struct diff_list *e,
                           unsigned *rules)
{
    *rules = 0;
    if ((c->flags & AI_ADDRCONFIG) &&
        (!c->node || node_is_literal(c->node) || node_is_localhost(c->node))) {
        struct dd_case t = *c;
        t.flags &= ~AI_ADDRCONFIG;
        libc_run(&t, e);
        for (size_t i = 0; i < e->n; i++)
            e->e[i].flags = c->flags;
        if (!list_equal(e, g))
            *rules |= 1u << RULE_ADDRCONFIG_EXEMPT;
    } else {
        libc_run(c, e); /* a second run: also checks that glibc answers the same each time */
        if (!list_equal(e, g)) {
            list_free(e);
            e->rc = 0;
            e->defect = "glibc answered twice differently";
            return;
        }
    }
    if (e->rc == 0 && list_dedupe(e))
        *rules |= 1u << RULE_DUPLICATES;
}

/* ---- the corpus ------------------------------------------------------------------------------ */

static const char *const corpus_nodes[] = {
    /* DNS names of the zone (tests/dns/zones.py --extra) */
    "a.test",
    "A.Test",
    "a.test.",
    "two.test",
    "v4only.test",
    "v6only.test",
    "chain1.test",
    "chain8.test",
    "big.test",
    "nodata.test",
    "nx.test",
    "ttlcname.test",
    "n7.load.test",
    "badptr.test",
    "deep.nx.test",
    "dangling.test",
    "cnodata.test",
    "outside.test",
    "uppercase.test",
    "badcname.test",
    "under_score.test",
    /* the search list (resolv.conf: search s1.test s2.test, or test s2.test) */
    "host",
    "only",
    "nx",
    "chain2",
    "host.s2",
    "host.s1.test.",
    "a",
    /* the hosts file alone, and localhost (v4only.test and v6only.test are in both) */
    "hostsonly",
    "hostsonly.test",
    "a.hosts.test",
    "localhost",
    /* literals and no node */
    "192.0.2.1",
    "2001:db8::1",
    "::ffff:192.0.2.9",
    NULL,
};

static const char *const corpus_services[] = {NULL, "80", "http"};
static const int corpus_families[] = {AF_UNSPEC, AF_INET, AF_INET6};
static const int corpus_socktypes[] = {0, SOCK_STREAM};
static const int corpus_flags[] = {
    0,
    AI_CANONNAME,
    AI_V4MAPPED,
    AI_V4MAPPED | AI_ALL,
    AI_ADDRCONFIG,
    AI_CANONNAME | AI_V4MAPPED | AI_ALL,
    AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL | AI_CANONNAME,
    AI_NUMERICSERV | AI_PASSIVE,
};

#define CORPUS_SIZE                                                                                \
    (COUNT_OF(corpus_nodes) * COUNT_OF(corpus_services) * COUNT_OF(corpus_families) *              \
     COUNT_OF(corpus_socktypes) * COUNT_OF(corpus_flags))

static struct dd_case corpus_case(size_t i)
{
    struct dd_case c;
    c.flags = corpus_flags[i % COUNT_OF(corpus_flags)];
    i /= COUNT_OF(corpus_flags);
    c.socktype = corpus_socktypes[i % COUNT_OF(corpus_socktypes)];
    i /= COUNT_OF(corpus_socktypes);
    c.family = corpus_families[i % COUNT_OF(corpus_families)];
    i /= COUNT_OF(corpus_families);
    c.service = corpus_services[i % COUNT_OF(corpus_services)];
    i /= COUNT_OF(corpus_services);
    c.node = corpus_nodes[i];
    return c;
}

/* ---- verdicts -------------------------------------------------------------------------------- */

enum dd_class { CLASS_CNAME_NODATA, CLASS_NOAAAA_NXDOMAIN, CLASS_OTHER, CLASS_COUNT };
static const char *const class_names[CLASS_COUNT] = {"CNAME-NODATA", "NOAAAA-NXDOMAIN",
                                                     "unexplained"};
static bool class_reported[CLASS_COUNT]; /* --reported */

struct dd_stats {
    size_t cases, identical, documented, failed, printed, max_print;
    size_t by_rule[RULE_COUNT];
    size_t by_class[CLASS_COUNT]; /* differences by class, reported or failed */
    size_t reported;
    size_t glibc_ok, glibc_err;
};

/* True when the libc's resolver (res_search: the same resolv.conf, search list and server) gets a
 * reply for (node, A) whose answer section is not empty. */
static bool dns_has_answer_records(const char *node)
{
    unsigned char buf[4096];
    int n = res_search(node, C_IN, T_A, buf, sizeof buf);
    return n >= 12 && (buf[6] << 8 | buf[7]) > 0;
}

static bool resolv_has_no_aaaa(void)
{
#ifdef RES_NOAAAA
    if (!(_res.options & RES_INIT))
        res_init();
    return (_res.options & RES_NOAAAA) != 0;
#else
    return false;
#endif
}

/* Which known class a failure belongs to (see the opening comment). */
static enum dd_class failure_class(const struct dd_case *c, const struct diff_list *want,
                                   const struct diff_list *got)
{
    if (want->rc != EAI_NONAME || got->rc != EAI_NODATA || !c->node || got->defect)
        return CLASS_OTHER;
    /* A CNAME without data first: with no-aaaa glibc asks A, and reads its CNAME alone the same
     * way. */
    if (dns_has_answer_records(c->node))
        return CLASS_CNAME_NODATA;
    if (c->family == AF_INET6 && resolv_has_no_aaaa())
        return CLASS_NOAAAA_NXDOMAIN;
    return CLASS_OTHER;
}

static bool case_judge(gaix_ctx *ctx, const struct dd_case *c, struct dd_stats *st, bool verbose)
{
    struct diff_list g, want, got;
    unsigned rules;
    libc_run(c, &g);
    expect_compute(c, &g, &want, &rules);
    gaix_run(ctx, c, &got);
    bool same = !got.defect && !want.defect && list_equal(&want, &got);
    st->cases++;
    if (g.rc == 0)
        st->glibc_ok++;
    else
        st->glibc_err++;
    if (same && rules == 0) {
        st->identical++;
    } else if (same) {
        st->documented++;
        for (int r = 0; r < RULE_COUNT; r++)
            if (rules & (1u << r))
                st->by_rule[r]++;
    }
    enum dd_class cls = same ? CLASS_OTHER : failure_class(c, &want, &got);
    if (!same) {
        st->by_class[cls]++;
        if (class_reported[cls])
            st->reported++;
        else
            st->failed++;
    }
    if (verbose || (!same && st->printed < st->max_print)) {
        if (!same)
            st->printed++;
        if (same)
            printf("%s ", rules ? "documented" : "identical");
        else
            printf("%s %s: ", class_reported[cls] ? "REPORTED" : "FAIL", class_names[cls]);
        case_print(stdout, c);
        printf(" | glibc: ");
        list_print(stdout, &g, c->flags);
        if (rules || want.defect) {
            printf(" | expected (");
            for (int r = 0, first = 1; r < RULE_COUNT; r++)
                if (rules & (1u << r)) {
                    printf("%s%s", first ? "" : "+", rule_names[r]);
                    first = 0;
                }
            printf("): ");
            list_print(stdout, &want, c->flags);
        }
        printf(" | gaix: ");
        list_print(stdout, &got, c->flags);
        putchar('\n');
    }
    list_free(&g);
    list_free(&want);
    list_free(&got);
    return same;
}

static int parse_family(const char *s)
{
    if (strcmp(s, "AF_INET") == 0)
        return AF_INET;
    if (strcmp(s, "AF_INET6") == 0)
        return AF_INET6;
    return AF_UNSPEC;
}

static const char *null_or(const char *s)
{
    return strcmp(s, "(null)") == 0 ? NULL : s;
}

/* The world must be the test's: the hosts file's marker, and a.test through DNS. */
static bool world_check(void)
{
    struct dd_case marker = {DD_MARKER, NULL, AF_INET, SOCK_STREAM, 0};
    struct dd_case dns = {"n0.load.test", NULL, AF_INET, SOCK_STREAM, 0};
    struct diff_list l;
    libc_run(&marker, &l);
    bool ok = l.rc == 0;
    list_free(&l);
    if (!ok) {
        fprintf(stderr,
                "gai_dns_diff_prog: glibc does not find %s in /etc/hosts: run me through "
                "test_gai_dns_diff.sh, inside its namespace\n",
                DD_MARKER);
        return false;
    }
    libc_run(&dns, &l);
    ok = l.rc == 0;
    list_free(&l);
    if (!ok)
        fprintf(stderr, "gai_dns_diff_prog: glibc does not find n0.load.test through DNS: is "
                        "NSD on the resolv.conf's server, and nsswitch.conf \"files dns\"?\n");
    return ok;
}

int main(int argc, char **argv)
{
    enum gaix_policy policy = GAIX_POLICY_GLIBC;
    size_t max_print = 40;
    bool list_only = false;
    char **one = NULL;

    for (int i = 1; i < argc; i++) {
        bool has_arg = i + 1 < argc;
        if (strcmp(argv[i], "--policy") == 0 && has_arg) {
            policy = strcmp(argv[++i], "rfc6724") == 0 ? GAIX_POLICY_RFC6724 : GAIX_POLICY_GLIBC;
        } else if (strcmp(argv[i], "--max-print") == 0 && has_arg) {
            max_print = (size_t)strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--reported") == 0 && has_arg) {
            const char *list = argv[++i];
            for (int k = 0; k < CLASS_OTHER; k++)
                if (strstr(list, class_names[k]))
                    class_reported[k] = true;
        } else if (strcmp(argv[i], "--list") == 0) {
            list_only = true;
        } else if (strcmp(argv[i], "--one") == 0 && i + 5 < argc) {
            one = &argv[i + 1];
            i += 5;
        } else {
            fprintf(stderr, "usage: gai_dns_diff_prog [--policy glibc|rfc6724] [--max-print N] "
                            "[--reported LIST] [--list] | --one NODE SERVICE FAMILY SOCKTYPE "
                            "FLAGS\n");
            return 2;
        }
    }
    if (list_only) {
        for (size_t i = 0; i < CORPUS_SIZE; i++) {
            struct dd_case c = corpus_case(i);
            case_print(stdout, &c);
            putchar('\n');
        }
        return 0;
    }
    if (!world_check())
        return 2;

    /* The system's files, as glibc reads them: hosts, services, gai.conf and resolv.conf (DNS
     * on, the servers and search list the file names). */
    struct gaix_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.policy = policy;
    cfg.reload_interval_ms = GAIX_RELOAD_NEVER;
    gaix_ctx *ctx = gaix_ctx_new(&cfg);
    if (!ctx) {
        fprintf(stderr, "gai_dns_diff_prog: gaix_ctx_new: %s\n", strerror(errno));
        return 2;
    }
    struct dd_stats st;
    memset(&st, 0, sizeof st);
    st.max_print = max_print;
    if (one) {
        struct dd_case c = {null_or(one[0]), null_or(one[1]), parse_family(one[2]),
                            (int)strtol(one[3], NULL, 0), (int)strtol(one[4], NULL, 0)};
        bool same = case_judge(ctx, &c, &st, true);
        gaix_ctx_free(ctx);
        return same ? 0 : 1;
    }

    /* Warm up (netstate, files, and the sort's routing socket: localhost has 127.0.0.1 and ::1
     * to order, whatever the pass's options) so that what gaix keeps open for good is counted
     * as before. */
    const struct dd_case warm[] = {corpus_case(0), {"localhost", "80", AF_UNSPEC, SOCK_STREAM, 0}};
    for (size_t i = 0; i < COUNT_OF(warm); i++) {
        struct diff_list w;
        gaix_run(ctx, &warm[i], &w);
        list_free(&w);
    }
    size_t fds_before = fds_open();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        struct dd_case c = corpus_case(i);
        case_judge(ctx, &c, &st, false);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t fds_after = fds_open();
    gaix_ctx_free(ctx);

    size_t failed = st.failed;
    if (st.printed < st.failed + st.reported)
        printf("(%zu more difference lines not printed; --max-print raises the limit)\n",
               st.failed + st.reported - st.printed);
    if (fds_after != fds_before) {
        printf("FAIL descriptors: %zu open before the corpus, %zu after\n", fds_before, fds_after);
        failed++;
    }
    for (int k = 0; k < CLASS_OTHER; k++) {
        if (class_reported[k] && st.by_class[k] == 0) {
            printf("FAIL reported difference %s never occurred: gaix changed, so must the list "
                   "(--reported)\n",
                   class_names[k]);
            failed++;
        }
    }
    printf("policy=%s time=%.1fs glibc: ok=%zu errors=%zu\n",
           policy == GAIX_POLICY_GLIBC ? "glibc" : "rfc6724",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, st.glibc_ok,
           st.glibc_err);
    printf("cases=%zu identical=%zu documented=%zu (%s=%zu %s=%zu) reported=%zu (%s=%zu %s=%zu) "
           "failed=%zu\n",
           st.cases, st.identical, st.documented, rule_names[0], st.by_rule[0], rule_names[1],
           st.by_rule[1], st.reported, class_names[0], st.by_class[0], class_names[1],
           st.by_class[1], st.failed);
    printf("%zu passed, %zu failed\n", st.identical + st.documented + st.reported, failed);
    return failed ? 1 : 0;
}
