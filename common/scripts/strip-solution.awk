# SPDX-License-Identifier: MIT
# strip-solution.awk - turn an exercise source into its student handout.
#
# An exercise keeps solution and handout in one file, so they never drift:
#     #ifdef SOLUTION
#         ...the solution...
#     #else
#         ...what the student starts from (a TODO that compiles)...
#     #endif
# The handout keeps only the #else part (or nothing, without #else), and the
# three directive lines go. Blocks must not nest. Usage: awk -f THIS FILE
/^#ifdef SOLUTION[ \t]*$/ { if (state != 0) { print FILENAME ": nested SOLUTION block" > "/dev/stderr"; exit 1 } state = 1; next }
state == 1 && /^#else[ \t]*(\/\*.*)?$/ { state = 2; next }
state != 0 && /^#endif[ \t]*(\/\*.*)?$/ { state = 0; next }
state == 1 { next }
{ print }
END { if (state != 0) { print FILENAME ": unterminated SOLUTION block" > "/dev/stderr"; exit 1 } }
