/* SPDX-License-Identifier: MIT */
/* cli.c - checked number parsing; see cli.h. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "report.h"

static void refuse_blank(const char *option, const char *text)
{
    if (text == NULL || *text == '\0')
        usage_error("%s: missing number", option);
    /* strtoll would skip leading spaces silently; "- 5" is not a number. */
    else if (isspace((unsigned char)text[0]))
        usage_error("%s: '%s' is not a whole number", option, text);
}

static void check_range(const char *option, long long value, long long min, long long max)
{
    if (value < min || value > max)
        usage_error("%s: %lld is out of range (%lld to %lld)", option, value, min, max);
}

long long cli_parse_int(const char *option, const char *text, long long min, long long max)
{
    refuse_blank(option, text);
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        usage_error("%s: '%s' is not a whole number", option, text);
    if (errno == ERANGE)
        usage_error("%s: '%s' is too large (%lld to %lld)", option, text, min, max);
    check_range(option, value, min, max);
    return value;
}

long long cli_parse_count(const char *option, const char *text, long long min, long long max)
{
    refuse_blank(option, text);
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text)
        usage_error("%s: '%s' is not a count", option, text);
    double scale = 1;
    switch (*end) {
    case 'k':
    case 'K':
        scale = 1e3;
        end++;
        break;
    case 'm':
    case 'M':
        scale = 1e6;
        end++;
        break;
    case 'g':
    case 'G':
        scale = 1e9;
        end++;
        break;
    default: break;
    }
    if (*end != '\0' || !isfinite(value))
        usage_error("%s: '%s' is not a count (examples: 1000, 250K, 1e9)", option, text);
    value *= scale;
    /* 2^63 is exactly representable: anything at or past it overflows. */
    if (errno == ERANGE || value >= 9223372036854775808.0 || value < -9223372036854775808.0)
        usage_error("%s: '%s' is too large (%lld to %lld)", option, text, min, max);
    /* 2.05 x 1e6 is 2049999.9999999998 in binary floating point: a count
     * that is whole to within a few units in the last place is whole. */
    double whole = nearbyint(value);
    if (fabs(value - whole) <= 1e-12 * fabs(whole))
        value = whole;
    if (value != floor(value))
        usage_error("%s: '%s' is not a whole number", option, text);
    check_range(option, (long long)value, min, max);
    return (long long)value;
}

double cli_parse_real(const char *option, const char *text, double min, double max,
                      int max_excluded)
{
    refuse_blank(option, text);
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(value))
        usage_error("%s: '%s' is not a number", option, text);
    if (value < min || value > max || (max_excluded && value >= max))
        usage_error("%s: %g is out of range (%g to %s%g)", option, value, min,
                    max_excluded ? "below " : "", max);
    return value;
}
