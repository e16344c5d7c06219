/*
 * The table format, for people:
 *
 *     ADDRESS    PORT  FAMILY  SOCKTYPE  PROTOCOL
 *     ::1        21    inet6   stream    tcp
 *     127.0.0.1  21    inet    stream    tcp
 *     canonical name: localhost
 *
 * One row per entry in the library's order; each column as wide as its widest cell, two spaces
 * between columns, no trailing spaces. Values without a name print as numbers; an address this
 * tool cannot read prints "-" for the address and the port. A scoped link-local address shows
 * its interface name when the interface exists (fe80::1%eth0), as getnameinfo() writes it. Every
 * canonical name in the list is shown once, below the rows, escaped for the terminal.
 *
 * For --reverse, getnameinfo()'s answer in two columns, both escaped for the terminal and the
 * first as wide as its widest cell (the escaped text's code points):
 *
 *     HOST       SERVICE
 *     localhost  http
 */
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "format.h"
#include "names.h"
#include "quote.h"

enum { COL_ADDRESS, COL_PORT, COL_FAMILY, COL_SOCKTYPE, COL_PROTOCOL, COL_COUNT };

static const char *const table_headers[COL_COUNT] = {"ADDRESS", "PORT", "FAMILY", "SOCKTYPE",
                                                     "PROTOCOL"};

/* Columns are separated by this many spaces. */
#define TABLE_GAP 2
/* The widest cell is an address with its scope; an int needs only 11 bytes ("-2147483648"). */
#define TABLE_CELL_SIZE CLI_ADDR_TEXT_SIZE

struct table_row {
    char cell[COL_COUNT][TABLE_CELL_SIZE];
};

/* A name from names.c, or the number when the value has none. */
static void table_name_cell(char cell[TABLE_CELL_SIZE], const char *name, int value)
{
    if (name)
        snprintf(cell, TABLE_CELL_SIZE, "%s", name);
    else
        snprintf(cell, TABLE_CELL_SIZE, "%d", value);
}

static void table_row_fill(struct table_row *row, const struct addrinfo *ai)
{
    struct cli_addr a;
    cli_addr_read(ai, &a);
    if (a.kind == CLI_ADDR_INET || a.kind == CLI_ADDR_INET6) {
        cli_addr_text_scoped(&a, CLI_SCOPE_NAME, row->cell[COL_ADDRESS]);
        snprintf(row->cell[COL_PORT], TABLE_CELL_SIZE, "%u", a.port);
    } else {
        snprintf(row->cell[COL_ADDRESS], TABLE_CELL_SIZE, "-");
        snprintf(row->cell[COL_PORT], TABLE_CELL_SIZE, "-");
    }
    table_name_cell(row->cell[COL_FAMILY], cli_family_name(ai->ai_family), ai->ai_family);
    table_name_cell(row->cell[COL_SOCKTYPE], cli_socktype_name(ai->ai_socktype), ai->ai_socktype);
    table_name_cell(row->cell[COL_PROTOCOL], cli_protocol_name(ai->ai_protocol), ai->ai_protocol);
}

static void table_print_row(FILE *out, const char *const cells[COL_COUNT],
                            const size_t width[COL_COUNT])
{
    for (int c = 0; c < COL_COUNT; c++) {
        if (c == COL_COUNT - 1) {
            fprintf(out, "%s\n", cells[c]);
        } else {
            fputs(cells[c], out);
            for (size_t pad = strlen(cells[c]); pad < width[c] + TABLE_GAP; pad++)
                fputc(' ', out);
        }
    }
}

/* Whether an entry before `ai` already carried the same canonical name. */
static int table_canonname_seen(const struct addrinfo *list, const struct addrinfo *ai)
{
    for (const struct addrinfo *p = list; p != ai; p = p->ai_next)
        if (p->ai_canonname && strcmp(p->ai_canonname, ai->ai_canonname) == 0)
            return 1;
    return 0;
}

void cli_format_table(FILE *out, const struct addrinfo *list)
{
    /* Two passes over the list, formatting each row twice, rather than a row array: the list
     * has no size limit and this way the table needs no allocation. */
    size_t width[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        width[c] = strlen(table_headers[c]);
    struct table_row row;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        table_row_fill(&row, ai);
        for (int c = 0; c < COL_COUNT; c++) {
            size_t len = strlen(row.cell[c]);
            if (len > width[c])
                width[c] = len;
        }
    }

    table_print_row(out, table_headers, width);
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        table_row_fill(&row, ai);
        const char *cells[COL_COUNT];
        for (int c = 0; c < COL_COUNT; c++)
            cells[c] = row.cell[c];
        table_print_row(out, cells, width);
    }

    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        if (ai->ai_canonname == NULL || table_canonname_seen(list, ai))
            continue;
        fputs("canonical name: ", out);
        cli_quote_terminal(out, ai->ai_canonname);
        fputc('\n', out);
    }
}

static void table_pad(FILE *out, size_t used, size_t width)
{
    for (size_t pad = used; pad < width + TABLE_GAP; pad++)
        fputc(' ', out);
}

void cli_format_table_reverse(FILE *out, const char *host, const char *service)
{
    static const char host_header[] = "HOST";
    size_t host_width = cli_quote_terminal_width(host);
    size_t width = host_width > sizeof host_header - 1 ? host_width : sizeof host_header - 1;
    fputs(host_header, out);
    table_pad(out, sizeof host_header - 1, width);
    fputs("SERVICE\n", out);
    cli_quote_terminal(out, host);
    table_pad(out, host_width, width);
    cli_quote_terminal(out, service);
    fputc('\n', out);
}
