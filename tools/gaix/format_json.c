/*
 * The json format: one compact JSON document on one line, for scripts and jq.
 *
 *   {"query":{"host":"localhost","service":"80","family":"unspec","socktype":"stream",
 *             "protocol":0,"flags":["canonname"]},
 *    "results":[{"family":"inet6","socktype":"stream","protocol":"tcp","address":"::1",
 *                "port":80,"flowinfo":0,"scope_id":0,"canonname":"localhost"}, ...]}
 *
 * and on failure {"query":{...},"error":{"code":-2,"name":"EAI_NONAME","message":"..."}}, plus
 * "errno" and "errno_message" for EAI_SYSTEM.
 *
 * Host and service are null when absent. Family, socktype and protocol are the short names of
 * names.c, or numbers when a value has none (0 for "any" socktype or protocol). Flags are names;
 * bits without a name come last as one number. Each result carries what its address holds:
 * "address" and "port" for inet, also "flowinfo" and "scope_id" for inet6 (the address text has
 * no "%scope": the scope is its own member), and "address": null for a family this tool cannot
 * read. "canonname" is a string or null on every result.
 *
 * For --reverse:
 *
 *   {"query":{"address":"fe80::1%lo","port":80,"flags":["namereqd"]},
 *    "host":"fe80::1%lo","service":"http"}
 *
 * and on failure {"query":{...},"error":{...}} as above. The address is the text given on the
 * command line; flags are NI_* names, bits without a name last as one number.
 */
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "format.h"
#include "gaix.h"
#include "names.h"
#include "quote.h"

/* "name" when the value has one, else the bare number. */
static void json_name_or_number(FILE *out, const char *name, int value)
{
    if (name)
        cli_quote_json(out, name);
    else
        fprintf(out, "%d", value);
}

/* A "flags" member: the names, then the bits without a name as one number. */
static void json_flags(FILE *out, const char *const names[], size_t n, unsigned unnamed)
{
    fputs("\"flags\":[", out);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            fputc(',', out);
        cli_quote_json(out, names[i]);
    }
    if (unnamed != 0)
        fprintf(out, "%s%u", n > 0 ? "," : "", unnamed);
    fputc(']', out);
}

static void json_query(FILE *out, const struct cli_query *q)
{
    fputs("\"query\":{\"host\":", out);
    cli_quote_json(out, q->host);
    fputs(",\"service\":", out);
    cli_quote_json(out, q->service);
    fputs(",\"family\":", out);
    json_name_or_number(out, cli_family_name(q->family), q->family);
    fputs(",\"socktype\":", out);
    json_name_or_number(out, cli_socktype_name(q->socktype), q->socktype);
    fputs(",\"protocol\":", out);
    json_name_or_number(out, cli_protocol_name(q->protocol), q->protocol);
    fputc(',', out);
    const char *names[CLI_FLAG_NAMES_MAX];
    unsigned unnamed;
    size_t n = cli_flags_names(q->flags, names, CLI_FLAG_NAMES_MAX, &unnamed);
    json_flags(out, names, n, unnamed);
    fputc('}', out);
}

static void json_result(FILE *out, const struct addrinfo *ai)
{
    fputs("{\"family\":", out);
    json_name_or_number(out, cli_family_name(ai->ai_family), ai->ai_family);
    fputs(",\"socktype\":", out);
    json_name_or_number(out, cli_socktype_name(ai->ai_socktype), ai->ai_socktype);
    fputs(",\"protocol\":", out);
    json_name_or_number(out, cli_protocol_name(ai->ai_protocol), ai->ai_protocol);

    struct cli_addr a;
    cli_addr_read(ai, &a);
    fputs(",\"address\":", out);
    switch (a.kind) {
    case CLI_ADDR_INET:
        cli_quote_json(out, a.text);
        fprintf(out, ",\"port\":%u", a.port);
        break;
    case CLI_ADDR_INET6:
        cli_quote_json(out, a.text);
        fprintf(out, ",\"port\":%u,\"flowinfo\":%u,\"scope_id\":%u", a.port, (unsigned)a.flowinfo,
                (unsigned)a.scope_id);
        break;
    case CLI_ADDR_NONE:
    case CLI_ADDR_OTHER:
        fputs("null", out);
        break;
    }
    fputs(",\"canonname\":", out);
    cli_quote_json(out, ai->ai_canonname);
    fputc('}', out);
}

void cli_format_json(FILE *out, const struct cli_query *query, const struct addrinfo *list)
{
    fputc('{', out);
    json_query(out, query);
    fputs(",\"results\":[", out);
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        if (ai != list)
            fputc(',', out);
        json_result(out, ai);
    }
    fputs("]}\n", out);
}

/* The ",\"error\":{...}" member of a failure document. */
static void json_error(FILE *out, int eai, int errno_value)
{
    fprintf(out, ",\"error\":{\"code\":%d,\"name\":", eai);
    cli_quote_json(out, gaix_eai_name(eai));
    fputs(",\"message\":", out);
    cli_quote_json(out, gaix_strerror(eai));
    if (eai == EAI_SYSTEM) {
        fprintf(out, ",\"errno\":%d,\"errno_message\":", errno_value);
        cli_quote_json(out, strerror(errno_value));
    }
    fputc('}', out);
}

void cli_format_json_error(FILE *out, const struct cli_query *query, int eai, int errno_value)
{
    fputc('{', out);
    json_query(out, query);
    json_error(out, eai, errno_value);
    fputs("}\n", out);
}

static void json_reverse_query(FILE *out, const struct cli_reverse_query *q)
{
    fputs("\"query\":{\"address\":", out);
    cli_quote_json(out, q->address);
    fprintf(out, ",\"port\":%u,", q->port);
    const char *names[CLI_NI_FLAG_NAMES_MAX];
    unsigned unnamed;
    size_t n = cli_ni_flags_names(q->flags, names, CLI_NI_FLAG_NAMES_MAX, &unnamed);
    json_flags(out, names, n, unnamed);
    fputc('}', out);
}

void cli_format_json_reverse(FILE *out, const struct cli_reverse_query *query, const char *host,
                             const char *service)
{
    fputc('{', out);
    json_reverse_query(out, query);
    fputs(",\"host\":", out);
    cli_quote_json(out, host);
    fputs(",\"service\":", out);
    cli_quote_json(out, service);
    fputs("}\n", out);
}

void cli_format_json_reverse_error(FILE *out, const struct cli_reverse_query *query, int eai,
                                   int errno_value)
{
    fputc('{', out);
    json_reverse_query(out, query);
    json_error(out, eai, errno_value);
    fputs("}\n", out);
}
