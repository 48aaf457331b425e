#!/usr/bin/env bash
# meter-cost.sh -- what share of serve's media-path CPU the level meters take (issue 17's
# open question), measured with `vcctl bench` on a build made for it:
#
#   scripts/meter-cost.sh build DIR        # commit 1b4fd03 + scripts/meter-cost.patch, release
#   scripts/high-priority.sh NAME scripts/meter-cost.sh run DIR/target/release/vcctl [CALLS]
#   scripts/meter-cost.sh analyse RESULTS  # again, on a results folder `run` left
#
# The patch (measurement only, never merged) moves the agent-side meter (decode + RMS of
# each agent audio message, crates/vcctl-core/src/media/call_media.rs) into a function that
# is never inlined, with the decode and RMS it calls forced inline into it, so that perf
# charges all of the meter's work to one symbol; VCCTL_PROF_NO_METER=1 skips it. `run`
# benches CALLS calls (default 300) three times with the meter and three times without,
# alternating (10 s each), then records one 30 s bench with perf (needs perf and root) and
# prints: CPU per call of each run, and the meter's samples over the samples of the bench's
# media path (its process less the synthetic Asterisk thread; agent-sim is another process).
# The caller-side meter reuses the VAD's level, which ran before the meters existed: nothing
# to measure there.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

analyse() {
    local out=$1
    for f in "$out"/bench-*-?.json; do
        python3 - "$f" <<'EOF'
import json, os, sys
r = json.load(open(sys.argv[1]))["rows"][0]
name = os.path.basename(sys.argv[1])[len("bench-"):-len(".json")]
print(f"{name:7} calls {r['calls']}  CPU %/call {r['cpu_percent_per_call']:.4f}  "
      f"sustained {r['sustained']}")
EOF
    done
    perf script -i "$out/perf-on.data" -F pid,tid,comm,ip,sym 2>/dev/null | python3 -c '
import collections, re, sys
samples = []
for line in sys.stdin:
    m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s+[0-9a-f]+\s*(.*)$", line.rstrip())
    if m:
        samples.append((m.group(1), int(m.group(2)), m.group(4)))
# The bench child: the process with the synthetic Asterisk thread.
bench = collections.Counter(p for c, p, _ in samples if c == "bench-asterisk").most_common(1)[0][0]
media = [s for c, p, s in samples if p == bench and c != "bench-asterisk"]
meter = sum(1 for s in media if "prof_agent_meter" in s or "prof_rms_dbfs" in s)
log10 = sum(1 for s in media if "log10" in s)
print(f"perf: media path {len(media)} samples, meter {meter} ({100 * meter / len(media):.2f} %), "
      f"log10 anywhere on the media path {log10} ({100 * log10 / len(media):.2f} %)")
'
}

case "${1:-}" in
build)
    dir=${2:?usage}
    mkdir -p "$dir"
    git -C "$repo" archive 1b4fd03 | tar -x -C "$dir"
    (cd "$dir" && patch -p1 < "$repo/scripts/meter-cost.patch" && cargo build --release --bin vcctl)
    ;;
run)
    bin=$(realpath "${2:?usage}")
    calls=${3:-300}
    out=$(mktemp -d /tmp/meter-cost.XXXXXX)
    { date -u; uptime; } > "$out/start.txt"
    for r in 1 2 3; do
        for v in on off; do
            [ "$v" = off ] && export VCCTL_PROF_NO_METER=1 || export VCCTL_PROF_NO_METER=0
            "$bin" bench --calls "$calls" --seconds 10 --json > "$out/bench-$v-$r.json" 2> "$out/bench-$v-$r.err"
        done
    done
    export VCCTL_PROF_NO_METER=0
    perf record -F 999 -o "$out/perf-on.data" -- "$bin" bench --calls "$calls" --seconds 30 --json \
        > "$out/bench-perf.json" 2> "$out/perf.err"
    { date -u; uptime; } > "$out/end.txt"
    echo "results in $out"
    cat "$out/start.txt" "$out/end.txt"
    analyse "$out"
    ;;
analyse)
    analyse "${2:?usage}"
    ;;
*)
    usage
    ;;
esac
