#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh - check for (and install) what the tutorial needs beyond cc and make.
#
# Usage: deps.sh install | run | test | check
#   install  install everything missing (make deps), Open MPI and Slurm
#            (slurm-wlm, munge: chapter 10 starts a private cluster) included
#   check    before make check: also the analysis tools (valgrind, cppcheck,
#            clang, clang-tidy, clang-format, shellcheck)
#   run      before make run-all: install gnuplot if we can, else say how
#   test     before make test: install what the tests need if we can (Slurm
#            and GNU parallel too); if bats is still missing, print the
#            command and fail
#
# It installs only as root or with passwordless sudo (sudo -n never asks for a
# password, so this never hangs); otherwise it prints the exact command.
set -u
mode=${1:-install}
# A user-local bats (npm install --prefix ~/.local/forklore-bats ...) counts.
# shellcheck disable=SC1091 # found at run time, beside this script
. "$(dirname "$0")/bats-path.sh"

have() { command -v "$1" >/dev/null 2>&1; }

bats_lib_present() {
    for dir in /usr/lib/bats /usr/local/lib /usr/lib /opt/homebrew/lib \
               "${FORKLORE_BATS:-${HOME:-/nonexistent}/.local/forklore-bats}/node_modules" \
               "${BATS_LIB_PATH:-/nonexistent}"; do
        [ -f "$dir/$1/load.bash" ] && return 0
    done
    return 1
}

missing=""
need_gnuplot=0
need_bats=0
tools=""
if [ "$mode" = check ]; then
    for tool in valgrind cppcheck clang clang-tidy clang-format shellcheck; do
        have "$tool" || { missing="$missing $tool"; tools="$tools $tool"; }
    done
fi
if ! have gnuplot; then missing="$missing gnuplot"; need_gnuplot=1; fi
need_graphviz=0
# graphviz's dot redraws the diagrams (make diagrams); the PNGs are committed.
if [ "$mode" = install ] && ! have dot; then missing="$missing graphviz"; need_graphviz=1; fi
need_mpi=0
# Chapter 09 (MPI) is optional: make deps installs it, make test skips it.
if [ "$mode" = install ] && ! have mpicc; then missing="$missing mpi"; need_mpi=1; fi
# Its Python mirrors need mpi4py for the system's python3 (the tests skip
# them without it).
need_mpi4py=0
if [ "$mode" = install ] && ! /usr/bin/python3 -c 'import mpi4py' 2>/dev/null; then
    missing="$missing mpi4py"
    need_mpi4py=1
fi
need_slurm=0
# Chapter 10 (Slurm) likewise: its tests skip, saying why, without it.
have_daemon() { have "$1" || [ -x "/usr/sbin/$1" ]; }
if { [ "$mode" = install ] || [ "$mode" = test ]; } && { have apt-get || have dnf; }; then
    if ! have_daemon slurmctld || ! have_daemon slurmd || ! have_daemon munged || ! have sbatch; then
        missing="$missing slurm"
        need_slurm=1
    fi
fi
need_parallel=0
if [ "$mode" != run ]; then
    # GNU parallel: make test runs test files side by side (one at a time without it)
    if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
        missing="$missing parallel"
        need_parallel=1
    fi
    have bats || { missing="$missing bats"; need_bats=1; }
    bats_lib_present bats-support || { missing="$missing bats-support"; need_bats=1; }
    bats_lib_present bats-assert || { missing="$missing bats-assert"; need_bats=1; }
fi
[ -z "$missing" ] && exit 0

# The package names differ per system; gnuplot-nox is gnuplot without X.
if have apt-get; then
    packages=""
    [ $need_gnuplot = 1 ] && packages="gnuplot-nox"
    [ $need_graphviz = 1 ] && packages="$packages graphviz"
    [ $need_bats = 1 ] && packages="$packages bats bats-support bats-assert"
    [ $need_parallel = 1 ] && packages="$packages parallel"
    [ $need_mpi = 1 ] && packages="$packages openmpi-bin libopenmpi-dev"
    [ $need_mpi4py = 1 ] && packages="$packages python3-mpi4py"
    [ $need_slurm = 1 ] && packages="$packages slurm-wlm munge"
    packages="$packages$tools" # Debian names its packages after the tools
    install="apt-get install -y $packages"
    update="apt-get update"
elif have dnf; then
    packages=""
    [ $need_gnuplot = 1 ] && packages="gnuplot"
    [ $need_graphviz = 1 ] && packages="$packages graphviz"
    [ $need_bats = 1 ] && packages="$packages bats"
    [ $need_parallel = 1 ] && packages="$packages parallel"
    [ $need_mpi = 1 ] && packages="$packages openmpi openmpi-devel"
    [ $need_mpi4py = 1 ] && packages="$packages python3-mpi4py-openmpi"
    [ $need_slurm = 1 ] && packages="$packages slurm slurm-slurmctld slurm-slurmd munge"
    for tool in $tools; do
        case $tool in
            clang-tidy | clang-format) packages="$packages clang-tools-extra" ;;
            shellcheck) packages="$packages ShellCheck" ;;
            *) packages="$packages $tool" ;;
        esac
    done
    install="dnf install -y $packages"
    update=""
elif have brew; then
    packages=""
    [ $need_gnuplot = 1 ] && packages="gnuplot"
    [ $need_graphviz = 1 ] && packages="$packages graphviz"
    [ $need_bats = 1 ] && packages="$packages bats-core bats-core/bats-core/bats-support bats-core/bats-core/bats-assert"
    [ $need_parallel = 1 ] && packages="$packages parallel"
    [ $need_mpi = 1 ] && packages="$packages open-mpi"
    packages="$packages$tools"
    install="brew install $packages"
    update=""
else
    echo "deps: missing:$missing, and no apt-get, dnf or brew to install it with" >&2
    [ "$mode" = test ] && [ $need_bats = 1 ] && exit 1
    [ "$mode" = check ] && exit 1
    exit 0
fi

if [ "$(id -u)" = 0 ] || have brew; then
    sudo=""
elif have sudo && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "deps: missing:$missing" >&2
    if [ -n "$update" ]; then
        echo "deps: install it with:  sudo $update && sudo $install" >&2
    else
        echo "deps: install it with:  sudo $install" >&2
    fi
    echo "deps: (that needs root; you are $(id -un 2>/dev/null || id -u), without sudo)" >&2
    if [ $need_bats = 1 ]; then
        echo "deps: without root, install bats for yourself (make test and make lab find it there):" >&2
        echo "deps:   npm install --prefix ~/.local/forklore-bats bats bats-support bats-assert" >&2
    fi
    if [ "$mode" = test ] && [ $need_bats = 1 ]; then
        echo "deps: make test needs bats; stopping here." >&2
        exit 1
    fi
    if [ "$mode" = check ]; then
        echo "deps: make check needs these tools; stopping here." >&2
        exit 1
    fi
    [ $need_gnuplot = 1 ] && echo "deps: going on without gnuplot: the plot steps say so and are skipped, everything else runs." >&2
    [ $need_graphviz = 1 ] && echo "deps: going on without graphviz: make diagrams keeps the committed diagrams." >&2
    [ $need_slurm = 1 ] && echo "deps: going on without Slurm: chapter 10 is skipped." >&2
    exit 0
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once, then install.
# $install and $update are command lines: split into words on purpose.
# shellcheck disable=SC2086
if [ -n "$update" ]; then
    $sudo $install >/dev/null 2>&1 || { $sudo $update >/dev/null && $sudo $install >/dev/null; }
else
    $sudo $install
fi
status=$?
if [ $status != 0 ]; then
    echo "deps: '$install' failed (exit $status)" >&2
    [ "$mode" = run ] && exit 0
    exit 1
fi
exit 0
