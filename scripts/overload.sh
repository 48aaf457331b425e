#!/usr/bin/env bash
# overload.sh -- past capacity: CALLS simultaneous INVITEs (placed at once, no pacing) at a
# `vcctl serve --max-calls MAX` with the sandbox Asterisk (the deployment's configs) and
# `vcctl agent-sim --mode echo`. Passes when every call got a final answer within 5 s (answered
# with audio both ways, or refused with 503 before any answer) and, 10 s after the last caller
# hung up, no channel, no bridge and no call in serve is left. Run it in a namespace of its own:
#
#   scripts/isolated.sh NAME scripts/overload.sh [CALLS] [MAX] [HOLD_S] [OUT_DIR]
#
# CALLS defaults to 200, MAX to 100 (twice the capacity, docs/benchmarks.md), HOLD_S to 10,
# OUT_DIR to /tmp/vcctl-overload (load.json: `vcctl load --json`; serve.log, agent-sim.log).
# VCCTL_BIN picks the binary (default target/release/vcctl). Exit 0 on a pass, 1 otherwise.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${VCCTL_BIN:-$repo/target/release/vcctl}
calls=${1:-200}
max=${2:-100}
hold=${3:-10}
out=${4:-/tmp/vcctl-overload}
mkdir -p "$out"
[ -x "$bin" ] || { echo "overload: no $bin; run cargo build --release" >&2; exit 2; }
command -v jq >/dev/null || { echo "overload: needs jq" >&2; exit 2; }

"$repo/scripts/asterisk-sandbox.sh" up >/dev/null
export VCCTL_ARI_URL=http://127.0.0.1:8088 ASTERISK_ARI_USERNAME=voiceclone
export ASTERISK_ARI_PASSWORD=${ASTERISK_ARI_PASSWORD:-vcctl-sandbox-secret}
"$bin" agent-sim --listen 127.0.0.1:9000 --mode echo >"$out/agent-sim.log" 2>&1 &
sim=$!
ELEVENLABS_AGENT_ID=sim-agent "$bin" serve --agent-url ws://127.0.0.1:9000 \
    --http 127.0.0.1:8000 --db "$out/vcctl.db" --rtp-ports 10000-14999 --max-calls "$max" \
    >"$out/serve.log" 2>&1 &
serve=$!
cleanup() {
    kill -TERM "$serve" "$sim" 2>/dev/null || true
    wait "$serve" "$sim" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 150); do
    curl -fsS http://127.0.0.1:8000/readyz >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS http://127.0.0.1:8000/readyz >/dev/null || { echo "overload: serve is not ready" >&2; exit 1; }

# --timeout 5: a call with no final answer 5 s after its INVITE counts as timed out (and is
# cancelled). --slo-answer 0: refusals are expected here; the verdict is the one below.
"$bin" load sip:test@127.0.0.1:5060 --concurrency "$calls" --calls "$calls" --rate 0 \
    --hold "$hold" --timeout 5 --slo-answer 0 --slo-roundtrip-ms 100000 --slo-loss 100 \
    --audit-ari --settle 10 --serve http://127.0.0.1:8000 --json >"$out/load.json" || true

j() { jq -r "$1" "$out/load.json"; }
answered=$(j '[.calls[] | select(.outcome == "answered")] | length')
with_audio=$(j '[.calls[] | select(.outcome == "answered" and .audio == "two_way")] | length')
refused503=$(j '[.calls[] | select(.outcome == "refused" and .code == 503)] | length')
other=$(j '[.calls[] | select(.outcome != "answered" and (.outcome != "refused" or .code != 503))] | length')
setup_max=$(j '[.calls[] | .setup_ms // empty] | max // 0 | floor')
clean=$(j '.audit.clean')
left=$(j '.audit | "\(.channels | length) channels, \(.bridges | length) bridges, \(.serve_calls | length) calls in serve"')
echo "overload: $calls INVITEs at once, serve --max-calls $max: $answered answered ($with_audio with audio both ways, slowest answer ${setup_max} ms), $refused503 refused with 503, $other otherwise (timed out, failed, other codes); 10 s after the last hang-up: $left"
echo "overload: $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD), report in $out" >&2
[ "$other" = 0 ] && [ "$answered" = "$with_audio" ] && [ "$clean" = true ] \
    && [ $((answered + refused503)) = "$calls" ] || { echo "overload: FAILED" >&2; exit 1; }
echo "overload: OK"
