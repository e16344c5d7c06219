#include "config/lines.h"

#include <string.h>

#include "core/ascii.h"
#include "core/limits.h"

void gx_lines_init(struct gx_lines *it, const char *data, size_t len)
{
    memset(it, 0, sizeof *it);
    it->data = data;
    it->len = len;
}

int gx_lines_next(struct gx_lines *it, const char **line, size_t *line_len)
{
    while (it->pos < it->len) {
        const char *start = it->data + it->pos;
        size_t left = it->len - it->pos;
        const char *nl = memchr(start, '\n', left);
        size_t n = nl ? (size_t)(nl - start) : left;
        it->pos += nl ? n + 1 : n;
        it->lineno++;

        size_t content = n;
        if (content > 0 && start[content - 1] == '\r')
            content--;
        if (content > GX_CONFIG_LINE_MAX) {
            it->skipped_long++;
            continue;
        }
        if (memchr(start, '\0', content) != NULL) {
            it->skipped_nul++;
            continue;
        }
        *line = start;
        *line_len = content;
        return 1;
    }
    return 0;
}

int gx_field_next(const char **cursor, const char *end, const char **field, size_t *field_len)
{
    const char *p = *cursor;
    while (p < end && gx_ascii_isspace((unsigned char)*p))
        p++;
    if (p == end) {
        *cursor = p;
        return 0;
    }
    const char *f = p;
    while (p < end && !gx_ascii_isspace((unsigned char)*p))
        p++;
    *field = f;
    *field_len = (size_t)(p - f);
    *cursor = p;
    return 1;
}

size_t gx_line_uncomment(const char *line, size_t len, char comment)
{
    const char *c = memchr(line, comment, len);
    return c ? (size_t)(c - line) : len;
}
