/*
 * Splitting a configuration file into lines, the same way for every parser (STYLE 4):
 * - a line ends at '\n'; one '\r' before it is dropped (CRLF files, F11, F18);
 * - the last line counts even without a final '\n' (F13, F18);
 * - a line longer than GX_CONFIG_LINE_MAX is skipped whole: none of its bytes is ever returned,
 *   so its tail cannot pose as a line of its own (F13, F17);
 * - a line that holds a NUL byte is skipped whole (F12): no parser ever sees a NUL.
 * Skipped lines are counted so that callers can report them.
 */
#ifndef GX_LINES_H
#define GX_LINES_H

#include <stddef.h>

struct gx_lines {
    const char *data;
    size_t len;
    size_t pos;
    size_t lineno;        /* 1-based number of the line last returned */
    size_t skipped_long;  /* lines skipped for their length */
    size_t skipped_nul;   /* lines skipped for a NUL byte */
};

void gx_lines_init(struct gx_lines *it, const char *data, size_t len);

/* The next line: returns 1 and sets (*line, *line_len), without the end of line; 0 at the end. */
int gx_lines_next(struct gx_lines *it, const char **line, size_t *line_len);

/*
 * Field splitting within a line. Fields are separated by runs of C-locale white space.
 * gx_field_next() returns 1 and the next field, or 0 when none is left.
 */
int gx_field_next(const char **cursor, const char *end, const char **field, size_t *field_len);

/* The line cut at the first '#': what a comment leaves of it. */
size_t gx_line_uncomment(const char *line, size_t len, char comment);

#endif
