/*
 * Reading an entry's socket address for printing; see address.h.
 */
#include "address.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void cli_addr_read(const struct addrinfo *ai, struct cli_addr *out)
{
    memset(out, 0, sizeof *out);
    if (ai->ai_addr == NULL || ai->ai_addrlen == 0) {
        out->kind = CLI_ADDR_NONE;
        out->sa_family = -1;
        return;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    size_t len = ai->ai_addrlen < sizeof ss ? ai->ai_addrlen : sizeof ss;
    memcpy(&ss, ai->ai_addr, len);
    out->sa_family = ss.ss_family;

    if (ss.ss_family == AF_INET) {
        struct sockaddr_in sin;
        memcpy(&sin, &ss, sizeof sin);
        out->kind = CLI_ADDR_INET;
        inet_ntop(AF_INET, &sin.sin_addr, out->text, sizeof out->text);
        out->port = ntohs(sin.sin_port);
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 sin6;
        memcpy(&sin6, &ss, sizeof sin6);
        out->kind = CLI_ADDR_INET6;
        inet_ntop(AF_INET6, &sin6.sin6_addr, out->text, sizeof out->text);
        out->port = ntohs(sin6.sin6_port);
        out->flowinfo = ntohl(sin6.sin6_flowinfo);
        out->scope_id = sin6.sin6_scope_id;
        out->link_local =
            IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&sin6.sin6_addr);
    } else {
        struct sockaddr sa;
        memcpy(&sa, &ss, sizeof sa);
        out->kind = CLI_ADDR_OTHER;
        memcpy(out->sa_data, sa.sa_data, sizeof out->sa_data);
    }
}

void cli_addr_text_scoped(const struct cli_addr *a, enum cli_scope_style style,
                          char text[CLI_ADDR_TEXT_SIZE])
{
    text[0] = '\0';
    if (a->kind != CLI_ADDR_INET && a->kind != CLI_ADDR_INET6)
        return;
    if (a->kind == CLI_ADDR_INET || a->scope_id == 0) {
        snprintf(text, CLI_ADDR_TEXT_SIZE, "%s", a->text);
        return;
    }
    char ifname[IF_NAMESIZE];
    if (style == CLI_SCOPE_NAME && a->link_local && if_indextoname(a->scope_id, ifname) != NULL)
        snprintf(text, CLI_ADDR_TEXT_SIZE, "%s%%%s", a->text, ifname);
    else
        snprintf(text, CLI_ADDR_TEXT_SIZE, "%s%%%u", a->text, (unsigned)a->scope_id);
}
