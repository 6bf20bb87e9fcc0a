# SPDX-License-Identifier: MIT
"""forklore_cli.py - the command line of chapter 01's Python mirrors: one
line on stderr and exit 2 for bad input, as cli.h does in C."""
import argparse
import re
import sys


class Parser(argparse.ArgumentParser):
    def error(self, message):
        # "argument -j/--workers: -j: 'abc' is ..." -> "-j: 'abc' is ..."
        message = re.sub(r"^argument [^:]+: (?=-)", "", message)
        sys.stderr.write(f"{self.prog}: {message} (try '{self.prog} --help')\n")
        sys.exit(2)


def number(option, low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option}: '{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{option}: {value} is out of range ({low} to {high})")
        return value
    return parse
