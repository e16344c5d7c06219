#include "lookup/search.h"

#include <string.h>

#include "core/status.h"

static int search_add(struct gx_search *s, const uint8_t *wire, int wlen)
{
    if (wlen < 0)
        return 0; /* a candidate that cannot be written is left out (S07) */
    for (size_t i = 0; i < s->n; i++)
        if (gx_dns_name_equal(s->names[i], wire))
            return 0; /* asked once, whatever spells it twice */
    memcpy(s->names[s->n], wire, (size_t)wlen);
    return 1;
}

int gx_search_build(const char *name, size_t len, const struct gx_resolv_conf *conf,
                    struct gx_search *s)
{
    s->n = 0;
    s->as_is = SIZE_MAX;
    s->as_is_first = false;
    uint8_t wire[GX_DNS_NAME_WIRE_MAX];
    int wlen = gx_dns_name_from_text(name, len, wire);
    if (wlen < 0)
        return GX_E_NONAME;

    size_t dots = 0;
    for (size_t i = 0; i < len; i++)
        dots += name[i] == '.';
    bool trailing_dot = len > 0 && name[len - 1] == '.';
    if (trailing_dot)
        dots--;
    bool no_tld = (conf->options & GX_RES_NO_TLD_QUERY) && dots == 0;

    if (trailing_dot || dots >= conf->ndots) {
        s->as_is = s->n;
        s->as_is_first = true;
        s->n += (size_t)search_add(s, wire, wlen);
        if (trailing_dot)
            return GX_OK;
    }
    for (size_t i = 0; i < conf->nsearch; i++) {
        const char *dom = conf->search[i];
        size_t dlen = strlen(dom);
        if (dlen == 0 || (dlen == 1 && dom[0] == '.')) {
            /* The root stands for the name itself, in its place in the list. */
            if (s->as_is == SIZE_MAX && !no_tld) {
                s->as_is = s->n;
                s->n += (size_t)search_add(s, wire, wlen);
            }
            continue;
        }
        uint8_t joined[GX_DNS_NAME_WIRE_MAX];
        int jlen = gx_dns_name_join(name, len, dom, dlen, joined);
        s->n += (size_t)search_add(s, joined, jlen);
    }
    if (s->as_is == SIZE_MAX && !no_tld) {
        s->as_is = s->n;
        s->n += (size_t)search_add(s, wire, wlen);
    }
    return s->n > 0 ? GX_OK : GX_E_NONAME;
}
