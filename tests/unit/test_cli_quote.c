/*
 * The string writers of the gaix command (tools/gaix/quote.c). Every expected Python text below
 * was printed by Debian's /usr/bin/python3 (3.11): repr() of the same str, or of the str that
 * bytes.decode('utf-8', 'surrogateescape') gives for bytes that are not UTF-8; every expected JSON
 * text is what json.dumps(s, ensure_ascii=False) gives. (\x41 and \x62 are 'A' and 'b', written
 * as escapes so that they do not extend the hex escape before them.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "quote.h"

typedef void quote_fn(FILE *out, const char *s);

/* The writer's output as a string (free it). */
static char *quoted(quote_fn *fn, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        abort();
    fn(f, s);
    fclose(f);
    return buf;
}

#define CHECK_QUOTED(fn, in, expected)                                                             \
    do {                                                                                           \
        char *got_ = quoted(fn, in);                                                               \
        CHECK_EQ_STR(got_, expected);                                                              \
        free(got_);                                                                                \
    } while (0)

TEST(python_str_picks_quotes_as_repr_does)
{
    CHECK_QUOTED(cli_quote_python_str, "", "''");
    CHECK_QUOTED(cli_quote_python_str, "localhost", "'localhost'");
    CHECK_QUOTED(cli_quote_python_str, "it's", "\"it's\"");
    CHECK_QUOTED(cli_quote_python_str, "a\"b", "'a\"b'");
    CHECK_QUOTED(cli_quote_python_str, "both'\"", "'both\\'\"'");
}

TEST(python_str_escapes_backslash_and_controls)
{
    CHECK_QUOTED(cli_quote_python_str, "a\\b", "'a\\\\b'");
    CHECK_QUOTED(cli_quote_python_str, "tab\there\nnl\r\x01\x7f", "'tab\\there\\nnl\\r\\x01\\x7f'");
    CHECK_QUOTED(cli_quote_python_str, "\x1b[31m", "'\\x1b[31m'");
}

TEST(python_str_writes_non_ascii_as_python_does)
{
    CHECK_QUOTED(cli_quote_python_str, "h\xc3\xa9llo", "'h\xc3\xa9llo'");    /* é printable */
    CHECK_QUOTED(cli_quote_python_str, "nb\xc2\xa0sp", "'nb\\xa0sp'");       /* U+00A0 */
    CHECK_QUOTED(cli_quote_python_str, "soft\xc2\xadhy", "'soft\\xadhy'");   /* U+00AD */
    CHECK_QUOTED(cli_quote_python_str, "\xc2\x85", "'\\x85'");               /* C1 NEL */
    CHECK_QUOTED(cli_quote_python_str, "zw\xe2\x80\x8bsp", "'zw\\u200bsp'"); /* U+200B */
    CHECK_QUOTED(cli_quote_python_str, "caf\xc3\xa9\xe2\x80\xa8", "'caf\xc3\xa9\\u2028'");
    CHECK_QUOTED(cli_quote_python_str, "tag\xf3\xa0\x80\x81", "'tag\\U000e0001'"); /* U+E0001 */
    CHECK_QUOTED(cli_quote_python_str, "a\xf0\x9f\x98\x80\x62", "'a\xf0\x9f\x98\x80\x62'");
}

TEST(python_str_writes_bad_utf8_as_surrogateescape)
{
    CHECK_QUOTED(cli_quote_python_str, "\xffx", "'\\udcffx'");
    CHECK_QUOTED(cli_quote_python_str, "\xe2\x82\x41", "'\\udce2\\udc82A'");       /* truncated */
    CHECK_QUOTED(cli_quote_python_str, "\xe2\x82", "'\\udce2\\udc82'");            /* at the end */
    CHECK_QUOTED(cli_quote_python_str, "\xc0\xafz", "'\\udcc0\\udcafz'");          /* overlong */
    CHECK_QUOTED(cli_quote_python_str, "\xed\xa0\x80", "'\\udced\\udca0\\udc80'"); /* surrogate */
    CHECK_QUOTED(cli_quote_python_str, "\xf4\x90\x80\x80", "'\\udcf4\\udc90\\udc80\\udc80'");
}

TEST(python_bytes_matches_repr)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    REQUIRE(f != NULL);
    static const unsigned char a[] = "it's\x00\x01\\\"q";
    cli_quote_python_bytes(f, a, sizeof a - 1);
    fputc(' ', f);
    static const unsigned char b[] = "it's\x00";
    cli_quote_python_bytes(f, b, sizeof b - 1);
    fputc(' ', f);
    static const unsigned char c[] = {0, 1,  2,  3,  4,  5,    6,    7,   8,
                                      9, 10, 11, 12, 13, 0x7f, 0x80, 0xff};
    cli_quote_python_bytes(f, c, sizeof c);
    fclose(f);
    CHECK_EQ_STR(buf, "b'it\\'s\\x00\\x01\\\\\"q' b\"it's\\x00\" "
                      "b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r"
                      "\\x7f\\x80\\xff'");
    free(buf);
}

TEST(json_escapes_what_rfc8259_requires)
{
    CHECK_QUOTED(cli_quote_json, NULL, "null");
    CHECK_QUOTED(cli_quote_json, "", "\"\"");
    CHECK_QUOTED(cli_quote_json, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9",
                 "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9\"");
}

TEST(json_replaces_bad_utf8)
{
    CHECK_QUOTED(cli_quote_json, "a\xff\x62", "\"a\\ufffdb\"");
    CHECK_QUOTED(cli_quote_json, "\xe2\x82", "\"\\ufffd\\ufffd\"");
    CHECK_QUOTED(cli_quote_json, "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
}

TEST(terminal_shows_controls_as_hex)
{
    CHECK_QUOTED(cli_quote_terminal, "plain.example", "plain.example");
    CHECK_QUOTED(cli_quote_terminal, "\x1b[2Jx\\y", "\\x1b[2Jx\\\\y");
    CHECK_QUOTED(cli_quote_terminal, "bell\x07\x7f", "bell\\x07\\x7f");
    CHECK_QUOTED(cli_quote_terminal, "c1\xc2\x9b", "c1\\xc2\\x9b");
    CHECK_QUOTED(cli_quote_terminal, "\xc3\xa9t\xc3\xa9\xff", "\xc3\xa9t\xc3\xa9\\xff");
}

int main(void)
{
    return check_run(CHECK_TESTS(
        CHECK_ENTRY(python_str_picks_quotes_as_repr_does),
        CHECK_ENTRY(python_str_escapes_backslash_and_controls),
        CHECK_ENTRY(python_str_writes_non_ascii_as_python_does),
        CHECK_ENTRY(python_str_writes_bad_utf8_as_surrogateescape),
        CHECK_ENTRY(python_bytes_matches_repr), CHECK_ENTRY(json_escapes_what_rfc8259_requires),
        CHECK_ENTRY(json_replaces_bad_utf8), CHECK_ENTRY(terminal_shows_controls_as_hex)));
}
