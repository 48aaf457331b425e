#!/usr/bin/env bash
# high-priority.sh -- run a measurement at high CPU priority on a machine others share:
#
#   scripts/high-priority.sh NAME CMD [ARGS...]
#   e.g. scripts/high-priority.sh a scripts/isolated.sh a scripts/load-capacity.sh
#
# `nice -n -20` alone is not enough where the kernel's autogroup scheduler is on
# (/proc/sys/kernel/sched_autogroup_enabled = 1, the default): CPU is shared between
# sessions first, and nice only orders the processes inside one session, so a compiler in
# another session gets as much as the whole measured stack. This runs CMD in a session of its
# own whose autogroup is at nice -20, with CMD itself at nice -20, and keeps the autogroup of
# NAME's sandbox Asterisk (scripts/isolated.sh NAME; it daemonizes into a session of its own)
# at -20 too while CMD runs. Runs are serialized with other benchmarks on the machine by
# flock on $VCCTL_MEASURE_LOCK (default /work/notes/measure.lock when that folder exists,
# else /tmp/vcctl-measure.lock; daemons CMD starts, such as a sandbox, do not keep the lock).
# Needs root.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
name=$1
shift
lock=${VCCTL_MEASURE_LOCK:-$([ -d /work/notes ] && echo /work/notes/measure.lock || echo /tmp/vcctl-measure.lock)}
export HP_ROOT=/var/lib/vcctl-sandbox-$name/rootfs HP_LOCK=$lock
exec setsid bash -c '
echo -20 > /proc/self/autogroup
( while sleep 2; do
    for p in $(pgrep -x asterisk); do
      [ "$(readlink "/proc/$p/root")" = "$HP_ROOT" ] && echo -20 > "/proc/$p/autogroup" 2>/dev/null
    done
  done ) &
keeper=$!
rc=0
flock -o "$HP_LOCK" nice -n -20 "$@" || rc=$?
kill "$keeper"
exit "$rc"' high-priority "$@"
