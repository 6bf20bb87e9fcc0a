# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# jobs.sh - sourced by chapter 10's step scripts: find the cluster, submit a
# job, wait for it (bounded), say what became of it.
#
#   . "$(dirname "$0")/jobs.sh"
#   parse_options "$@"        # -n DARTS, --tasks T, --seed S, -h
#   need_cluster              # a Slurm that answers, or exit 1 saying how
#   id=$(submit 1_pi_array.sbatch)
#   wait_job "$id"            # every task ended? report each; 1 unless COMPLETED
#
# FORKLORE_JOB_TIMEOUT (default 120 s) bounds every wait: a job still queued
# or running then is cancelled and reported. The jobs run in a fresh folder
# (WORK) under $FORKLORE_SLURM_WORK or the current directory: on a real
# cluster it must be a folder every node sees, as your home is.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=programs.sh disable=SC1091
. "$HERE/programs.sh"
BIN=$(cd "${BIN:-$HERE/../build/bin}" && pwd)
CHAPTER=$HERE
JOB_TIMEOUT=${FORKLORE_JOB_TIMEOUT:-120}
ME=${0##*/}
DARTS=40M TASKS=4 SEED=1
export BIN CHAPTER PI_PROGRAM MPI_PROGRAM CPU_PROGRAM DARTS TASKS SEED

usage_error() {
    echo "$ME: ${1%% (try *} (try '$ME --help')" >&2
    exit 2
}

# parse_options "$@": the flags every step takes. -n and --seed are checked
# by the C parsers of cli.h (slurm_pi_blocks --help parses them first):
# 40000000, 40M, 2.5e6 are counts, as for chapter 08's programs.
parse_options() {
    while [ $# -gt 0 ]; do
        case $1 in
            -h | --help) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
            -n | --tasks | --seed)
                [ $# -ge 2 ] || usage_error "option '$1' needs a value"
                case $1 in
                    -n) DARTS=$2 ;;
                    --tasks) TASKS=$2 ;;
                    --seed) SEED=$2 ;;
                esac
                shift 2 ;;
            *) usage_error "unknown option '$1'" ;;
        esac
    done
    case $TASKS in
        [1-9] | [1-9][0-9]) ;;
        *) usage_error "invalid value '$TASKS' for --tasks: not a whole number from 1 to 99" ;;
    esac
    problem=$("$BIN/slurm_pi_blocks" -n "$DARTS" --seed "$SEED" --help 2>&1 >/dev/null) ||
        usage_error "${problem#*: }"
}

# need_cluster: a Slurm that answers sinfo (a real cluster, or the one your
# SLURM_CONF names), else the private one of cluster.sh if it is up.
need_cluster() {
    timeout 10 sinfo -h >/dev/null 2>&1 && return 0
    private=${FORKLORE_SLURM_DIR:-${TMPDIR:-/tmp}/forklore-slurm-$(id -u)}/slurm.conf
    if [ -z "${SLURM_CONF:-}" ] && [ -f "$private" ]; then
        export SLURM_CONF="$private"
        timeout 10 sinfo -h >/dev/null 2>&1 && return 0
    fi
    echo "$ME: no Slurm cluster answers (sinfo): start the private one with" \
         "'sh $HERE/cluster.sh up'" >&2
    exit 1
}

# make_work: the folder the jobs run in, with logs/ and counts/ (Slurm does
# not create the folder of --output: a job writing to a missing one fails).
# Removed at exit, after cancelling any job of ours still queued or running.
JOBS=""
make_work() {
    WORK=$(mktemp -d "${FORKLORE_SLURM_WORK:-$PWD}/slurm-work.XXXXXX")
    mkdir "$WORK/logs" "$WORK/counts"
    trap 'cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
cleanup() {
    # shellcheck disable=SC2086 # JOBS is a list of job ids
    [ -z "$JOBS" ] || scancel $JOBS 2>/dev/null || true
    rm -rf "$WORK"
}

# submit SCRIPT [SBATCH OPTIONS...]: sbatch it in WORK; prints the job id.
submit() {
    script=$HERE/$1
    shift
    id=$(sbatch --parsable --chdir="$WORK" "$@" "$script") || {
        echo "$ME: sbatch $script failed" >&2
        exit 1
    }
    id=${id%%;*} # "id;cluster" on a federation
    JOBS="$JOBS $id"
    echo "$id"
}

# The job's records, one line per job (per task for an array), or nothing
# once slurmctld has forgotten the job (MinJobAge; sacct still knows it).
job_records() { scontrol show job -o "$1" 2>/dev/null || true; }

job_active() {
    job_records "$1" | grep -qE 'JobState=(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED)'
}

# report_job ID: one line per job or task: state, exit code (status:signal),
# elapsed time, and the reason when there is one.
report_job() {
    job_records "$1" | awk -v id="$1" '
        { delete f
          for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v }
          name = ("ArrayTaskId" in f) ? f["ArrayJobId"] "_" f["ArrayTaskId"] : f["JobId"]
          reason = f["Reason"] == "None" ? "" : ", reason " f["Reason"]
          printf "[job %s] %s, exit code %s, elapsed %s%s\n", name, f["JobState"], f["ExitCode"], f["RunTime"], reason
          n++ }
        END { if (n == 0) printf "[job %s] no longer known to slurmctld: ask sacct -j %s\n", id, id }' |
        sort -t_ -k2n
}

# wait_job ID: wait until the job (every task of an array) has ended, at most
# JOB_TIMEOUT seconds, then report each record. Returns 0 if every record
# says COMPLETED; 1 otherwise, and on the timeout (the job is then cancelled).
wait_job() {
    polls=$((JOB_TIMEOUT * 5))
    while job_active "$1"; do
        polls=$((polls - 1))
        if [ "$polls" -le 0 ]; then
            echo "$ME: job $1 has not ended after $JOB_TIMEOUT s: cancelling it" >&2
            scancel "$1" 2>/dev/null || true
            report_job "$1"
            return 1
        fi
        sleep 0.2
    done
    report_job "$1"
    if job_records "$1" | grep -v 'JobState=COMPLETED' | grep -q .; then
        echo "$ME: job $1 did not complete" >&2
        return 1
    fi
}
