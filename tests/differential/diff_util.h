/*
 * diff_util.h: the small helpers of the three differential programs (gai_diff_prog,
 * gai_dns_diff_prog, gni_diff_prog): allocation that cannot fail, the EAI_* names, strings
 * written the way --one reads them back. The count of open descriptors is tests/unit/sockets.h's.
 *
 * Each program is built from its one .c file (CMakeLists.txt: tests/<suite>/<name>_prog.c), so
 * these are static functions, compiled into each program that includes the header. Every
 * program uses every one of them; -Wunused-function says so if that changes.
 */
#ifndef GAIX_TESTS_DIFF_UTIL_H
#define GAIX_TESTS_DIFF_UTIL_H

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockets.h"

/* Out of memory ends the program (exit 2: the run proved nothing), with its name in the message
 * (glibc's program_invocation_short_name: the tests compare against glibc, they only run on it). */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
        exit(2);
    }
    return p;
}

/* The test's own table, not gaix_eai_name(): the names printed for glibc do not depend on the
 * library under test. */
static const char *eai_name(int rc)
{
    switch (rc) {
    case 0:
        return "OK";
    case EAI_BADFLAGS:
        return "EAI_BADFLAGS";
    case EAI_NONAME:
        return "EAI_NONAME";
    case EAI_AGAIN:
        return "EAI_AGAIN";
    case EAI_FAIL:
        return "EAI_FAIL";
    case EAI_NODATA:
        return "EAI_NODATA";
    case EAI_FAMILY:
        return "EAI_FAMILY";
    case EAI_SOCKTYPE:
        return "EAI_SOCKTYPE";
    case EAI_SERVICE:
        return "EAI_SERVICE";
    case EAI_ADDRFAMILY:
        return "EAI_ADDRFAMILY";
    case EAI_MEMORY:
        return "EAI_MEMORY";
    case EAI_SYSTEM:
        return "EAI_SYSTEM";
    case EAI_OVERFLOW:
        return "EAI_OVERFLOW";
    case EAI_IDN_ENCODE:
        return "EAI_IDN_ENCODE";
    default:
        return "EAI_?";
    }
}

/* Writes s the way --one reads it back: printable ASCII as is, \\ and \' escaped, other bytes
 * as \xNN; NULL as (null). */
static void put_escaped(FILE *f, const char *s)
{
    if (!s) {
        fputs("(null)", f);
        return;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\')
            fputs("\\\\", f);
        else if (c == '\'')
            fputs("\\x27", f);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
}

#endif
