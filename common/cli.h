/* SPDX-License-Identifier: MIT */
/*
 * cli.h - checked parsing of numbers given on the command line.
 *
 * atoi("abc") is 0 and atoi("99999999999999999999") is anything: neither
 * says the input was bad. These parsers accept a number only if the whole
 * text is a decimal number inside [min, max]; anything else ends the program
 * with one line on stderr naming the option and the problem, and exit
 * status 2 (the wording every program shares, opts.h):
 *
 *     workers = cli_parse_int("-j", optarg, 1, 64);
 *     // -j abc   ->  "pool_map: invalid value 'abc' for -j: not a number (try ...)"
 *     // -j 0     ->  "pool_map: invalid value '0' for -j: out of range (1 to 64) (try ...)"
 *     // -j 0x10  ->  "pool_map: invalid value '0x10' for -j: not a decimal number (try ...)"
 */
#ifndef FORKLORE_CLI_H
#define FORKLORE_CLI_H

/* A whole number in [min, max] (decimal; leading/trailing spaces refused). */
long long cli_parse_int(const char *option, const char *text, long long min, long long max);

/* A count that may be written short: "250000", "250K", "250M", "2G", "1e9",
 * "2.5e6" (the value must be a whole number; K, M, G are 10^3, 10^6, 10^9). */
long long cli_parse_count(const char *option, const char *text, long long min, long long max);

/* A real number in [min, max], or in [min, max) when max_excluded is true. */
double cli_parse_real(const char *option, const char *text, double min, double max,
                      int max_excluded);

/* `text` as an error message may show it: itself if short, else its start,
 * "..." and its length (a 100 KB argument is not echoed whole). The result
 * lives until the fourth call after this one. */
const char *cli_excerpt(const char *text);

#endif
