#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# student-copy.sh - make student-copy DEST=dir: a copy of the tutorial to
# hand out, with no solution code anywhere in it. Every exercise source is
# replaced by its handout (common/scripts/strip-solution.awk), the answer
# keys (NN_chapter/ANSWERS.md) are left out, the README's instructor section
# becomes the students' lab section (common/kit/student-labs.md), and the
# copy is a plain folder, without git history. A file .student-copy marks
# it: there, make builds no solutions and make test runs no solution checks.
#
# Usage: student-copy.sh DEST      a folder (must not exist, or be empty)
#        student-copy.sh DEST.tar.gz   a tarball of a folder named DEST
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dest=${1:-}
if [ -z "$dest" ]; then
    echo "usage: make student-copy DEST=dir   (or DEST=name.tar.gz for a tarball)" >&2
    exit 2
fi
if [ -f "$root/.student-copy" ]; then
    echo "student-copy: this is already a student copy" >&2
    exit 2
fi
tarball=""
case $dest in
    *.tar.gz) tarball=$(realpath -m "$dest"); dest=$(mktemp -d)/$(basename "$dest" .tar.gz) ;;
esac
if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    echo "student-copy: $dest exists and is not empty: give a new folder" >&2
    exit 2
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
case $dest/ in
    "$root"/*) echo "student-copy: $dest is inside the repository: give a folder outside it" >&2; exit 2 ;;
esac

# The files of the tutorial: what git tracks, or (without git) what is here
# less the build output and the students' own folders.
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files --cached --others --exclude-standard)
else
    mapfile -t files < <(find . -type f -not -path './.git/*' -not -path './build*' \
        -not -path './handouts/*' -not -path './results/*' -not -path './grades/*' | sed 's|^\./||' | sort)
fi
copied=0 stripped=0
for file in "${files[@]}"; do
    [ -f "$file" ] || continue # deleted but not yet committed
    case $file in
        */ANSWERS.md) continue ;; # the answer keys stay with the instructor
    esac
    mkdir -p "$dest/$(dirname "$file")"
    case $file in
        [0-9][0-9]_*/exercises/*.c)
            awk -f common/scripts/strip-solution.awk "$file" >"$dest/$file"
            stripped=$((stripped + 1)) ;;
        *) cp -p "$file" "$dest/$file" ;;
    esac
    copied=$((copied + 1))
done

# The README: its instructor section (up to the next "## ") becomes the
# students' lab section. Chapter READMEs name the solutions' binaries only
# to say whose output a block is: there, the program's name is enough.
awk -v lab=common/kit/student-labs.md '
    /^## For instructors/ { while ((getline line < lab) > 0) print line; skip = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }' README.md >"$dest/README.md"
for readme in "$dest"/[0-9][0-9]_*/README.md; do
    # shellcheck disable=SC2016 # the backquote is literal
    sed -i 's|`build/solutions/|`|g' "$readme"
done
cat >"$dest/.student-copy" <<'NOTE'
This is a student copy of forklore: the exercises are handouts, without
their solutions. make builds no solutions here, and make test skips the
checks that need them; make lab EX=NN.K checks your own work.
NOTE
echo "student-copy: $copied files to $dest ($stripped exercises as handouts, no solutions, no answer keys, no git history)"
if [ -n "$tarball" ]; then
    tar -C "$(dirname "$dest")" -czf "$tarball" "$(basename "$dest")"
    rm -rf "$(dirname "$dest")"
    echo "student-copy: wrote $tarball"
fi
