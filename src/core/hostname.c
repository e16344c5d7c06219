#include "core/hostname.h"

#include "core/ascii.h"
#include "core/limits.h"

bool gx_hostname_valid(const char *name, size_t len)
{
    len = gx_hostname_strip_dot(name, len);
    if (len == 0 || len > GX_NAME_TEXT_MAX)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x21 || c > 0x7e)
            return false;
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (++label > GX_LABEL_MAX) {
            return false;
        }
    }
    return label > 0;
}

bool gx_hostname_is_localhost(const char *name, size_t len)
{
    static const char suffix[] = "localhost";
    const size_t slen = sizeof suffix - 1;
    len = gx_hostname_strip_dot(name, len);
    if (len < slen)
        return false;
    if (!gx_ascii_caseeq(name + len - slen, slen, suffix, slen))
        return false;
    return len == slen || name[len - slen - 1] == '.';
}
