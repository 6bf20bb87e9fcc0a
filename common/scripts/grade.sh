#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# grade.sh - make grade SUBMISSIONS=dir: grade a folder of submissions.
#
# SUBMISSIONS holds one folder per student, each with that student's exercise
# files named as in the handouts (03.1_first_map.c, ...; anywhere inside).
# Every file is built and checked by lab.sh on its own, in a fresh copy of
# the student copy of the tutorial (no solutions in it), under limits: CPU
# time, memory, file size and number of processes. As root, each one also
# runs as the unprivileged user nobody, in its own pid namespace (every
# process it leaves behind dies with it) without network, so one student's
# code cannot touch another's, the repository or the machine.
#
# Writes GRADES/grades.csv (student,exercise,passed/total,verdict; verdict:
# ok, wrong, crashed (SIGNAL), timed out, does not compile) and
# GRADES/feedback/STUDENT.txt (what make lab prints, for each file).
#
# Usage: grade.sh SUBMISSIONS [GRADES]   (GRADES: default grades)
# Environment: LAB_TIMEOUT (seconds per run of a program, default 10),
# GRADE_CPU (CPU seconds per process, 30), GRADE_MEMORY (MiB of address
# space per process, 1024), GRADE_PROCESSES (processes, 128), GRADE_USER
# (the user to run as when root, nobody).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
submissions=${1:-}
grades=${2:-grades}
if [ -z "$submissions" ] || [ ! -d "$submissions" ]; then
    echo "usage: make grade SUBMISSIONS=dir [GRADES=dir]   (dir: one folder per student)" >&2
    exit 2
fi
submissions=$(cd "$submissions" && pwd)
cpu=${GRADE_CPU:-30} memory=${GRADE_MEMORY:-1024} processes=${GRADE_PROCESSES:-128}
user=${GRADE_USER:-nobody}
export LAB_TIMEOUT=${LAB_TIMEOUT:-10} NO_COLOR=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 711 "$work" # the unprivileged user may pass through to its own box
# The tree every submission is checked in: the student copy, library built.
echo "grade: preparing a student copy to check the submissions in"
bash "$here/student-copy.sh" "$work/kit" >/dev/null
make -s -C "$work/kit" BUILD=build build/lib/libcommon.a >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; exit 1; }
mapfile -t exercises < <(cd "$root" && ls [0-9][0-9]_*/exercises/*.c)

if [ "$(id -u)" = 0 ]; then
    id "$user" >/dev/null 2>&1 || { echo "grade: no user $user to run submissions as (GRADE_USER=...)" >&2; exit 1; }
    echo "grade: each submission runs as $user, in its own pid namespace, without network"
    sandboxed=1
else
    # RLIMIT_NPROC counts every process of the user: leave room for theirs.
    processes=$((processes + $(ps -U "$(id -u)" -o pid= | wc -l)))
    echo "grade: not root, so each submission runs as you ($(id -un)), with limits only:"
    echo "grade: grade as root for a separate user and pid namespace per submission"
    sandboxed=0
fi
echo "grade: limits per process: $cpu s CPU, $memory MiB memory, $processes processes; $LAB_TIMEOUT s per run"

# Check one file ($3) of student $1 for exercise source $2; prints lab.sh's
# output and leaves "PASSED TOTAL VERDICT" in $work/result.
check_one() {
    local student=$1 source=$2 file=$3 box chapter name
    box=$(mktemp -d "$work/box.XXXXXX")
    cp -a "$work/kit" "$box/kit"
    chapter=${source%%/*} name=$(basename "$source" .c)
    mkdir -p "$box/kit/handouts/$chapter"
    cat "$file" >"$box/kit/handouts/$chapter/$name.c" # a regular file, never a link
    # bash counts -v and -f in KiB: files up to 128 MiB
    local limits="ulimit -t $cpu -v $((memory * 1024)) -u $processes -f 131072 -c 0"
    # AddressSanitizer (make check's sanitizer build) reserves terabytes of
    # address space for its shadow memory: an address-space limit would stop
    # every program at start. The other limits stay.
    [[ " ${CFLAGS:-} " != *" -fsanitize=address"* ]] || limits=${limits/ -v $((memory * 1024))/}
    local lab="$limits && cd '$box/kit' && LAB_RESULT='$box/result' bash common/scripts/lab.sh '${name%%_*}' build"
    if [ $sandboxed = 1 ]; then
        chown -R "$user:$(id -gn "$user")" "$box"
        chmod 700 "$box"
        # --mount-proc: /proc shows the namespace's pids, the ones the
        # program knows (/proc/PID of its children; LeakSanitizer reads
        # /proc/PID/task of itself at exit)
        timeout -k 5 600 unshare --pid --fork --kill-child --net --mount-proc \
            setpriv --reuid "$user" --regid "$(id -g "$user")" --clear-groups --no-new-privs \
            env HOME="$box" PATH="$PATH" LAB_TIMEOUT="$LAB_TIMEOUT" NO_COLOR=1 CC="${CC:-cc}" \
            bash -c "$lab" </dev/null 2>&1 || true
    else
        timeout -k 5 600 env HOME="$box" CC="${CC:-cc}" bash -c "$lab" </dev/null 2>&1 || true
    fi
    if [ -s "$box/result" ]; then
        cp "$box/result" "$work/result"
    else # lab.sh itself was stopped (the 600 s bound, a limit)
        echo "0 $(bats --count "$root/${source%.c}.bats") timed out" >"$work/result"
    fi
    # named shared memory the submission left behind (as root: its user's)
    [ $sandboxed = 1 ] && find /dev/shm -maxdepth 1 -user "$user" -newer "$box/kit/.student-copy" -delete 2>/dev/null
    rm -rf "$box"
    return 0
}

csv_field() { # quote a field that holds a comma or a quote
    case $1 in
        *[,\"]*) printf '"%s"' "${1//\"/\"\"}" ;;
        *) printf '%s' "$1" ;;
    esac
}

mkdir -p "$grades/feedback"
csv=$grades/grades.csv
echo "student,exercise,passed/total,verdict" >"$csv"
students=0
for dir in "$submissions"/*/; do
    [ -d "$dir" ] || continue
    student=$(basename "$dir")
    students=$((students + 1))
    feedback=$grades/feedback/$student.txt
    echo "Feedback for $student (make lab prints the same; run it to check again)" >"$feedback"
    graded=0
    for source in "${exercises[@]}"; do
        name=$(basename "$source" .c)
        file=$(find "$dir" -type f -name "$name.c" | sort | head -n 1)
        [ -n "$file" ] || continue
        graded=$((graded + 1))
        printf '\n==================== %s %s\n' "$student" "${name%%_*}" >>"$feedback"
        check_one "$student" "$source" "$file" | sed "s|$work/box\.[A-Za-z0-9]*/kit/||g" >>"$feedback"
        read -r passed total verdict <"$work/result"
        echo "$(csv_field "$student"),${name%%_*},$passed/$total,$(csv_field "$verdict")" >>"$csv"
        printf 'grade: %-16s %-6s %s/%s %s\n' "$student" "${name%%_*}" "$passed" "$total" "$verdict"
    done
    if [ $graded = 0 ]; then
        echo "no file named like an exercise (03.1_first_map.c, ...) was found" >>"$feedback"
        echo "grade: $student: no exercise file found"
    fi
done
echo "grade: $students students; wrote $csv and $grades/feedback/"
