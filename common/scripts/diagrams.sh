#!/bin/sh
# SPDX-License-Identifier: MIT
# diagrams.sh - make diagrams: render common/diagrams/*.dot to PNG with
# graphviz's dot (make deps installs it). The PNGs are committed, so the
# READMEs show them without graphviz; without dot this says so and stops.
set -u
cd "$(dirname "$0")/../diagrams" || exit 1
if ! command -v dot >/dev/null 2>&1; then
    echo "diagrams: graphviz's dot is missing, so the diagrams were not redrawn (the committed PNGs stay)." >&2
    echo "diagrams: install graphviz (make deps, as root) to redraw them." >&2
    exit 0
fi
status=0
for source in *.dot; do
    dot -Tpng -Gdpi=80 "$source" -o "${source%.dot}.png" && echo "diagrams: wrote common/diagrams/${source%.dot}.png" || status=1
done
exit $status
