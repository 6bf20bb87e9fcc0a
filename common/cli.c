/* SPDX-License-Identifier: MIT */
/* cli.c - checked number parsing; see cli.h. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { EXCERPT = 40 }; /* characters of an argument a message shows */

const char *cli_excerpt(const char *text)
{
    static char buf[4][EXCERPT + 48];
    static int next;
    size_t len = strlen(text);
    if (len <= EXCERPT)
        return text;
    char *out = buf[next++ % 4];
    snprintf(out, sizeof buf[0], "%.*s...(%zu characters)", EXCERPT - 8, text, len);
    return out;
}

static _Noreturn void invalid(const char *option, const char *text, const char *why)
{
    usage_error("invalid value '%s' for %s: %s", cli_excerpt(text), option, why);
}

/* strtoll and strtod skip leading spaces and read "0x10" as hex: a count
 * on the command line is decimal, so both are refused before they look. */
static void refuse_blank_or_hex(const char *option, const char *text)
{
    if (text == NULL)
        usage_error("option '%s' needs a value", option);
    if (*text == '\0' || isspace((unsigned char)text[0]))
        invalid(option, text, "not a number");
    const char *digits = text + (*text == '-' || *text == '+');
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        invalid(option, text, "not a decimal number");
}

static void check_range(const char *option, const char *text, long long value, bool overflow,
                        long long min, long long max)
{
    if (overflow || value < min || value > max) {
        char why[96];
        snprintf(why, sizeof why, "out of range (%lld to %lld)", min, max);
        invalid(option, text, why);
    }
}

long long cli_parse_int(const char *option, const char *text, long long min, long long max)
{
    refuse_blank_or_hex(option, text);
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        invalid(option, text,
                strspn(text, "+-0123456789.eE") == strlen(text) && end != text
                    ? "not a whole number"
                    : "not a number");
    check_range(option, text, value, errno == ERANGE, min, max);
    return value;
}

/* "250K": 250 times the suffix's scale; *end moves past the suffix. */
static double suffix_scale(char **end)
{
    double scale = 1;
    switch (**end) {
    case 'k':
    case 'K': scale = 1e3; break;
    case 'm':
    case 'M': scale = 1e6; break;
    case 'g':
    case 'G': scale = 1e9; break;
    default: return 1;
    }
    (*end)++;
    return scale;
}

long long cli_parse_count(const char *option, const char *text, long long min, long long max)
{
    refuse_blank_or_hex(option, text);
    char *end;
    double value = strtod(text, &end);
    if (end == text || strspn(text, "+-0123456789.eE") < (size_t)(end - text))
        invalid(option, text, "not a number (examples: 1000, 250K, 1e9)"); /* inf, nan */
    value *= suffix_scale(&end);
    if (*end != '\0')
        invalid(option, text, "not a number (examples: 1000, 250K, 1e9)");
    /* 2.05 x 1e6 is 2049999.9999999998 in binary floating point: a count
     * that is whole to within a few units in the last place is whole. */
    double whole = nearbyint(value);
    if (isfinite(value) && fabs(value - whole) <= 1e-12 * fabs(whole))
        value = whole;
    if (isfinite(value) && value != floor(value))
        invalid(option, text, "not a whole number");
    /* 2^63 is exactly representable: anything at or past it overflows. */
    bool overflow = !(value < 9223372036854775808.0 && value >= -9223372036854775808.0);
    check_range(option, text, overflow ? 0 : (long long)value, overflow, min, max);
    return (long long)value;
}

double cli_parse_real(const char *option, const char *text, double min, double max,
                      int max_excluded)
{
    refuse_blank_or_hex(option, text);
    char *end;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(value) ||
        strspn(text, "+-0123456789.eE") != strlen(text))
        invalid(option, text, "not a number");
    if (value < min || value > max || (max_excluded && value >= max)) {
        char why[96];
        snprintf(why, sizeof why, "out of range (%g to %s%g)", min, max_excluded ? "below " : "",
                 max);
        invalid(option, text, why);
    }
    return value;
}
