# SPDX-License-Identifier: MIT
# labs.bash - loaded by common/labs.bats and common/student-copy.bats: what
# both do to the lab exercises, in the repository or in a student copy.

# each_exercise DIR NN CHECK: CHECK NAME SOURCE for every exercise of
# chapter NN (01, 02, ...) under DIR; the test is skipped if it has none.
each_exercise() {
    local dir=$1 chapter=$2 check=$3 src
    local srcs=("$dir"/"$chapter"_*/exercises/*.c)
    [ -f "${srcs[0]}" ] || skip "chapter $chapter has no exercises"
    for src in "${srcs[@]}"; do
        "$check" "$(basename "$src" .c)" "$src"
    done
}

# solution_only_lines FILE...: the lines that only solutions have: in a
# SOLUTION block of an exercise source, substantial (not a comment, a brace
# or a return), and in none of the FILEs outside such a block (a line such
# as die("malloc"); may be in both, legitimately).
solution_only_lines() {
    awk '
        FNR == 1 { s = 0; ex = FILENAME ~ /exercises\/[^\/]*\.c$/ }
        ex && /^#ifdef SOLUTION/ { s = 1; next }
        s && /^#(else|endif)/ { s = 0; next }
        s { if (length($0) > 20 && $0 !~ /^[ \t]*(\/\*|\*|\/\/|[{}]|return)/) sol[$0] = 1; next }
        { other[$0] = 1 }
        END { for (l in sol) if (!(l in other)) print l }' "$@"
}
