# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# bats-path.sh - sourced by the scripts that run bats: find a user-local bats
# when the system has none (a student without root installs it with npm):
#
#   npm install --prefix ~/.local/forklore-bats bats bats-support bats-assert
#
# FORKLORE_BATS names another folder given to npm --prefix. When that folder
# holds bats, its bin goes on PATH and its node_modules (where bats-support
# and bats-assert are) becomes BATS_LIB_PATH, unless the system has them.
forklore_bats=${FORKLORE_BATS:-${HOME:-/nonexistent}/.local/forklore-bats}
# npm puts bats in node_modules/bats/bin (and links it from .bin, unless
# npm is told not to make links).
if [ -x "$forklore_bats/node_modules/bats/bin/bats" ]; then
    command -v bats >/dev/null 2>&1 || PATH=$forklore_bats/node_modules/bats/bin:$PATH
    if [ -f "$forklore_bats/node_modules/bats-assert/load.bash" ] &&
        [ -z "${BATS_LIB_PATH:-}" ] &&
        [ ! -f /usr/lib/bats/bats-assert/load.bash ] &&
        [ ! -f /usr/local/lib/bats-assert/load.bash ]; then
        BATS_LIB_PATH=$forklore_bats/node_modules
        export BATS_LIB_PATH
    fi
    export PATH
fi
unset forklore_bats
