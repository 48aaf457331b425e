#!/usr/bin/env bash
# load-capacity.sh -- the whole stack's capacity on this machine: the sandbox Asterisk (the
# deployment's configs), `vcctl serve`, `vcctl agent-sim --mode echo` and `vcctl load`, all on
# one host, with `vcctl load --ramp` reporting per step the answer ratio, setup and round-trip
# percentiles, loss and the CPU of each process. Run it in a namespace of its own:
#
#   scripts/isolated.sh NAME scripts/load-capacity.sh [RAMP] [STEP_SECS] [OUT_DIR]
#
# RAMP defaults to 25,50,100,150,200, STEP_SECS to 60, OUT_DIR to /tmp/vcctl-load-capacity
# (load.txt: the report; capacity.svg: the chart; serve.log, agent-sim.log). VCCTL_BIN picks
# the binary (default target/release/vcctl); extra `vcctl load` flags go in VCCTL_LOAD_ARGS.
# Exits with `vcctl load`'s code (8 when a step missed the SLO or something was left over).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${VCCTL_BIN:-$repo/target/release/vcctl}
ramp=${1:-25,50,100,150,200}
step=${2:-60}
out=${3:-/tmp/vcctl-load-capacity}
mkdir -p "$out"
[ -x "$bin" ] || { echo "load-capacity: no $bin; run cargo build --release" >&2; exit 2; }

"$repo/scripts/asterisk-sandbox.sh" up >/dev/null
root=$(readlink -f "${VCCTL_SANDBOX_DIR:-/var/lib/vcctl-sandbox/rootfs}")
ast=""
for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && [ "$(cat "$p/comm" 2>/dev/null)" = asterisk ]; then
        ast=${p#/proc/}
        break
    fi
done
[ -n "$ast" ] || { echo "load-capacity: the sandbox Asterisk is not running" >&2; exit 1; }

export VCCTL_ARI_URL=http://127.0.0.1:8088 ASTERISK_ARI_USERNAME=voiceclone
export ASTERISK_ARI_PASSWORD=${ASTERISK_ARI_PASSWORD:-vcctl-sandbox-secret}
"$bin" agent-sim --listen 127.0.0.1:9000 --mode echo >"$out/agent-sim.log" 2>&1 &
sim=$!
ELEVENLABS_AGENT_ID=sim-agent "$bin" serve --agent-url ws://127.0.0.1:9000 \
    --http 127.0.0.1:8000 --db "$out/vcctl.db" --rtp-ports 10000-14999 >"$out/serve.log" 2>&1 &
serve=$!
cleanup() {
    kill -TERM "$serve" 2>/dev/null || true
    wait "$serve" 2>/dev/null || true
    kill -TERM "$sim" 2>/dev/null || true
    wait "$sim" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 150); do
    curl -fsS http://127.0.0.1:8000/readyz >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS http://127.0.0.1:8000/readyz >/dev/null || { echo "load-capacity: serve is not ready" >&2; exit 1; }

rc=0
# shellcheck disable=SC2086
"$bin" load sip:test@127.0.0.1:5060 --ramp "$ramp" --step-secs "$step" --rate 20 \
    --audit-ari --settle 10 --serve http://127.0.0.1:8000 \
    --cpu-pid asterisk="$ast" --cpu-pid serve="$serve" --cpu-pid agent-sim="$sim" \
    --chart "$out/capacity.svg" ${VCCTL_LOAD_ARGS:-} | tee "$out/load.txt" || rc=$?
# serve's own setup time ("Event Handler": StasisStart received -> media bridged, the call
# record's latency.handler_ms) per step: the ramp places each step's new calls after the
# previous step's, so the calls in order of arrival split into the steps' increments.
if command -v sqlite3 >/dev/null; then
    sqlite3 "$out/vcctl.db" "SELECT json_extract(latency, '$.handler_ms') FROM calls ORDER BY stasis_start" \
        >"$out/handler_ms.txt" 2>/dev/null || true
    {
        echo "serve setup (Event Handler, StasisStart -> bridged) per step, from the call records:"
        prev=0
        for n in ${ramp//,/ }; do
            # Nearest-rank percentiles (core::stats::percentile) over this step's new calls.
            sed -n "$((prev + 1)),${n}p" "$out/handler_ms.txt" | grep -v '^$' | sort -g | awk -v n="$n" '
                { v[NR] = $1 }
                function pct(p,  k) { k = int((p * NR + 99) / 100); if (k < 1) k = 1; return v[k] }
                END { if (NR) printf "  step %s: %d calls, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n", n, NR, pct(50), pct(95), pct(99), v[NR];
                      else printf "  step %s: no records\n", n }'
            prev=$n
        done
    } | tee -a "$out/load.txt"
fi
echo "load-capacity: $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD), report in $out" >&2
exit "$rc"
