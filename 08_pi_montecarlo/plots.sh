#!/bin/sh
# SPDX-License-Identifier: MIT
# plots.sh - `make plots`: the speedup sweep and its plot (FULL=1: thorough).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/speedup.sh"
