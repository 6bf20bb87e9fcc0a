# SPDX-License-Identifier: MIT
# slurm_tests.bash - shared by chapter 10's .bats files: skip (saying why)
# where Slurm is missing, start and stop a private cluster, find what is
# left of one. Load it after common/tests/helper.

CHAPTER=$ROOT/10_slurm
# shellcheck source=programs.sh
. "$CHAPTER/programs.sh"

# Why Slurm cannot run here, or nothing when it can.
slurm_missing() {
    local daemon
    for daemon in munged slurmctld slurmd sbatch; do
        PATH=$PATH:/usr/sbin command -v "$daemon" >/dev/null 2>&1 || {
            echo "Slurm is not installed (no $daemon): run 'make deps' as root" \
                 "(apt-get install slurm-wlm munge)"
            return
        }
    done
}

# cluster_up DIR: a private cluster in DIR (a path that does not exist yet),
# SLURM_CONF exported for the tests that follow.
cluster_up() {
    export PATH=$PATH:/usr/sbin
    export FORKLORE_SLURM_DIR=$1 SLURM_CONF=$1/slurm.conf
    bounded 40 sh "$CHAPTER/cluster.sh" up 3>&-
}

cluster_down() {
    bounded 40 sh "$CHAPTER/cluster.sh" down 3>&-
}

# The processes of the cluster in DIR still alive, one "pid command" a line:
# those whose command line or environment names DIR (the daemons, and every
# job: slurmd hands SLURM_CONF on), outside this test's own session (the
# test runner has SLURM_CONF too; the daemons and jobs each start a session).
cluster_processes() {
    local dir=$1 mine pid sid
    mine=$(awk '{ sub(/^.*\) /, ""); print $4 }' /proc/$$/stat)
    for pid in /proc/[0-9]*; do
        pid=${pid#/proc/}
        sid=$(awk '{ sub(/^.*\) /, ""); print $4 }' "/proc/$pid/stat" 2>/dev/null) || continue
        [ -n "$sid" ] && [ "$sid" != "$mine" ] || continue
        if { tr '\0' '\n' <"/proc/$pid/environ"; tr '\0' ' ' <"/proc/$pid/cmdline"; } \
            2>/dev/null | grep -qF "$dir"; then
            echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
        fi
    done
}
