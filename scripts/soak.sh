#!/usr/bin/env bash
# soak.sh -- a long run through Asterisk, vcctl serve and agent-sim that must leak nothing:
# first calls one after another, then many at once for a while; at the end no channel, no
# bridge, no call in serve, serve's sockets and file descriptors back where they started,
# and serve's memory (RSS) reported at the start and the end. Not a CI test: a command.
#
#   scripts/soak.sh            1000 calls in sequence, then 100 at once for 10 minutes
#   scripts/soak.sh --short    50 calls in sequence, then 20 at once for 30 s (CI-sized)
#   scripts/soak.sh --setup 1,20,40
#                              instead: for each N, N calls started at the same moment
#                              (CALL_SECS long), then serve's "Event Handler" component
#                              (StasisStart received -> media bridged) and the ARI REST
#                              round trips from latency-report over those N calls
#
# Needs a running Asterisk with the deployment's configs (scripts/asterisk-sandbox.sh up; in
# a namespace of its own: scripts/isolated.sh NAME scripts/soak.sh --short). The script
# starts its own agent-sim (echo) and serve (a fresh database in a temporary directory) and
# stops them at the end. Settings (environment):
#   VCCTL          vcctl binary            (default: target/release/vcctl, else target/debug/vcctl)
#   URI            sip:test@127.0.0.1:5060 the extension that reaches serve
#   SEQ_CALLS      1000 (short: 50)        calls in the sequential phase
#   SEQ_SECS       1                       duration of each sequential call
#   CONC           100 (short: 20)         calls at once in the concurrent phase
#   CONC_SECS      600 (short: 30)         length of the concurrent phase
#   CALL_SECS      20 (short: 10)          duration of each call in the concurrent phase
#   CONC_ROUNDS    1                       concurrent phases one after another (serve's RSS
#                                          after each: a plateau is allocator retention,
#                                          a rise per round is growth)
#   SERVE_ARGS     (empty)                 extra flags for vcctl serve
#   SERVE_ENV      (empty)                 environment for serve only, e.g. MALLOC_ARENA_MAX=2
#                                          (glibc's per-thread arenas capped, to compare RSS)
#   RSS_PROBE      (empty)                 1: at the start, every 100 calls in sequence and
#                                          after each phase, serve idle, glibc's own accounting
#                                          of serve's heap (malloc_stats(), called in serve by
#                                          gdb; bytes in use that rise from round to round are
#                                          growth) and SQLite's share of it
#                                          (sqlite3_memory_used()); after the last phase,
#                                          serve's RSS (peak, anonymous memory, threads), then
#                                          malloc_trim(0) and the RSS again: RSS that falls
#                                          back is memory the allocator kept, not growth.
#                                          Needs gdb and ptrace rights over serve (root). Also
#                                          samples serve's RSS every 10 s (rss.log in the log
#                                          folder, kept; the highest of each phase is printed)
#   PHASE_FILE     (empty)                 a file the current phase is written to
#                                          (sequential, concurrent N, done), for others who
#                                          share the machine
#   LOAD_CMD       (empty)                 a command that runs the concurrent phase instead
#                                          of vcctl call processes, e.g. once `vcctl load`
#                                          exists: LOAD_CMD='vcctl load sip:test@127.0.0.1:5060
#                                          --concurrency 100 --hold 20 --calls 3000 --json'
#                                          (it must exit 0 when every call had audio)
#   ASTERISK_ARI_PASSWORD etc.             ARI settings, as for every vcctl command
# Exit status: 0 when every call had audio (or was refused with a final SIP error) and
# nothing leaked; 1 otherwise, with what failed on stderr.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

short=
setup=
case ${1:-} in
    --short) short=1 ;;
    --setup) setup=${2:?usage: soak.sh --setup N,N,...}; short=1 ;;
esac
vcctl=${VCCTL:-}
if [ -z "$vcctl" ]; then
    vcctl=$repo/target/release/vcctl
    [ -x "$vcctl" ] || vcctl=$repo/target/debug/vcctl
fi
[ -x "$vcctl" ] || { echo "soak: no vcctl binary (cargo build --release, or set VCCTL)" >&2; exit 1; }
uri=${URI:-sip:test@127.0.0.1:5060}
seq_calls=${SEQ_CALLS:-$([ -n "$short" ] && echo 50 || echo 1000)}
seq_secs=${SEQ_SECS:-1}
conc=${CONC:-$([ -n "$short" ] && echo 20 || echo 100)}
conc_secs=${CONC_SECS:-$([ -n "$short" ] && echo 30 || echo 600)}
call_secs=${CALL_SECS:-$([ -n "$short" ] && echo 10 || echo 20)}
export ASTERISK_ARI_PASSWORD=${ASTERISK_ARI_PASSWORD:-vcctl-sandbox-secret}

say() { echo "soak: $*" >&2; }
phase() { if [ -n "${PHASE_FILE:-}" ]; then echo "$*" >"$PHASE_FILE" || true; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 10000)); }

work=$(mktemp -d /tmp/vcctl-soak.XXXXXX)
sim_port=$(free_port)
api_port=$(free_port)
pids=()
cleanup() {
    phase done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

"$vcctl" agent-sim --listen "127.0.0.1:$sim_port" --mode echo >"$work/agent-sim.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
ELEVENLABS_AGENT_ID=soak env ${SERVE_ENV:-} "$vcctl" serve --agent-url "ws://127.0.0.1:$sim_port" \
    --http "127.0.0.1:$api_port" --db "$work/serve.db" ${SERVE_ARGS:-} >"$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 150); do
    curl -fs "http://127.0.0.1:$api_port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$api_port/readyz" >/dev/null || { cat "$work/serve.log" >&2; say "serve did not become ready"; exit 1; }

# Resident memory, and the anonymous part of it (the rest is the binary's and libraries' pages).
rss() { awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} END {print r " kB (anonymous " a " kB)"}' "/proc/$serve_pid/status"; }
fds() { ls "/proc/$serve_pid/fd" | wc -l; }
sockets() { find "/proc/$serve_pid/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
rss0=$(rss); fds0=$(fds); sock0=$(sockets)
say "serve pid $serve_pid: RSS $rss0, $fds0 fds ($sock0 sockets); logs in $work${SERVE_ENV:+ (environment for serve: $SERVE_ENV)}"
# Highest RSS sampled since the last call (10 s samples in rss.log, "SECONDS RSS_KB").
rss_mark=0
rss_peak() {
    local peak
    peak=$(awk -v from="$rss_mark" '$1 >= from && $2 > m { m = $2 } END { print m + 0 }' "$work/rss.log" 2>/dev/null || echo 0)
    rss_mark=$SECONDS
    echo "$peak kB"
}
if [ -n "${RSS_PROBE:-}" ]; then
    ( while kill -0 "$serve_pid" 2>/dev/null; do
        echo "$SECONDS $(awk '/^VmRSS/ {print $2}' "/proc/$serve_pid/status" 2>/dev/null)" >>"$work/rss.log"
        sleep 10
    done ) &
    pids+=($!)
fi

# glibc's accounting of serve's heap: malloc_stats() called in serve by gdb writes it to
# serve's stderr (its log); copied to $work/malloc_stats.N.txt and summed up on one line.
# With "trim", malloc_trim(0) is called after it. Serve is stopped for the moment gdb holds it.
stats_n=0
malloc_probe() {
    # SQLite's own count of the heap it holds (the page cache, statements): part of "in use".
    local mark out sqlite ex=(-ex 'call (void)malloc_stats()' -ex 'print (long long)sqlite3_memory_used()')
    [ "${1:-}" = trim ] && ex+=(-ex 'call (int)malloc_trim(0)')
    stats_n=$((stats_n + 1))
    out=$work/malloc_stats.$stats_n.txt
    mark=$(stat -c %s "$work/serve.log")
    timeout 120 gdb -p "$serve_pid" -batch "${ex[@]}" >"$work/gdb.$stats_n.log" 2>&1 \
        || { say "probe: gdb failed (see $work/gdb.$stats_n.log)"; return 0; }
    sleep 1
    sqlite=$(awk '/^\$[0-9]+ = / && !n++ {v = $3} END {printf "%.1f", v / 1e6}' "$work/gdb.$stats_n.log")
    tail -c +"$((mark + 1))" "$work/serve.log" | grep -E '^(Arena [0-9]+:|system bytes|in use bytes|Total \(incl|max mmap)' >"$out" || true
    awk '/^Arena/ {a++} /^system bytes/ && !t {sys += $4} /^in use bytes/ && !t {use += $5}
         /^Total/ {t = 1} t && /^system bytes/ {tsys = $4} t && /^in use bytes/ {tuse = $5}
         END { printf "soak: probe: glibc: %d arenas hold %.1f MB from the system, %.1f MB of it in use (SQLite %s MB); with mmap: %.1f MB, %.1f MB in use\n", a, sys / 1e6, use / 1e6, sqlite, tsys / 1e6, tuse / 1e6 }' \
        sqlite="$sqlite" "$out" >&2
}

# serve idle: its memory as the kernel and as glibc see it, then after malloc_trim(0).
rss_probe() {
    local st=/proc/$serve_pid/status peak threads db
    peak=$(awk '/^VmHWM/ {print $2 " kB"}' "$st")
    threads=$(awk '/^Threads/ {print $2}' "$st")
    db=$(du -ck "$work"/serve.db* | awk 'END {print $1 " kB"}')
    say "probe: serve RSS $(rss), peak $peak, $threads threads; database $db"
    command -v gdb >/dev/null || { say "probe: no gdb, no malloc_stats/malloc_trim"; return 0; }
    malloc_probe trim
    say "probe: after malloc_trim(0): serve RSS $(rss) (malloc_stats per arena: $work/malloc_stats.$stats_n.txt)"
}

if [ -n "${RSS_PROBE:-}" ] && command -v gdb >/dev/null; then say "at the start:"; malloc_probe; fi

# One call; prints "audio", "refused" or "failed: ...".
one_call() {
    # Named here, in the calling shell: inside $(...) $BASHPID is another subshell's.
    local out code err=$work/err.$BASHPID started
    started=$(date -u +%H:%M:%S)
    out=$("$vcctl" call "$uri" --tone 1000 --duration "$1" --timeout 20 --json 2>"$err") && code=0 || code=$?
    # A here-string, not `echo | grep -q`: grep -q leaves at the first match, and under
    # pipefail an echo still writing (the JSON of a 20 s call is over 4 KiB, two writes) dies
    # of SIGPIPE and the test fails: that counted calls with every marker found as failed.
    if [ "$code" = 0 ] && grep -Eq '"found": ?[1-9]' <<<"$out"; then
        echo audio
    elif [ "$code" = 6 ]; then
        echo refused
    else
        # What the call printed too: a call that exits 0 without a marker found says why. The
        # whole output is kept in failed/ (named by start time), to read beside serve's record.
        mkdir -p "$work/failed"
        { echo "$out"; cat "$err"; } >"$work/failed/$started.$BASHPID.txt"
        echo "failed: started $started, exit $code $(head -c 300 "$err" | tr '\n' ' ') $(echo "$out" | tr -d '\n ' | head -c 400)"
    fi
    rm -f "$err"
}

if [ -n "$setup" ]; then
    for n in ${setup//,/ }; do
        : >"$work/results"
        for _ in $(seq "$n"); do one_call "${CALL_SECS:-6}" >>"$work/results" & done
        wait $(jobs -p | grep -vxF "${pids[@]/#/-e}") 2>/dev/null || true
        sleep 2
        audio=$(grep -c '^audio' "$work/results" || true)
        report=$("$vcctl" latency-report --db "$work/serve.db" --last "$n" 2>&1 || true)
        handler=$(grep -m1 'Event Handler' <<<"$report" | awk -F'┆' '{gsub(/ /,"",$3); gsub(/ /,"",$4); print "p50 " $3 " ms, p95 " $4 " ms"}')
        rest=$(grep -o 'REST round trip p50 [^)]*' <<<"$report" || true)
        echo "setup: $n calls at once: $audio with audio; Event Handler $handler; ARI $rest)"
        sleep 3
    done
    exit 0
fi

say "phase 1: $seq_calls calls in sequence ($seq_secs s each)"
phase sequential
: >"$work/results"
for i in $(seq "$seq_calls"); do
    one_call "$seq_secs" >>"$work/results"
    if [ $((i % 100)) = 0 ]; then
        say "  $i calls, serve RSS $(rss)"
        # Between two calls serve is idle: the probe stops nothing that is measured.
        if [ -n "${RSS_PROBE:-}" ] && [ "$i" -lt "$seq_calls" ] && command -v gdb >/dev/null; then malloc_probe; fi
    fi
done

say "after phase 1: serve RSS $(rss)${RSS_PROBE:+ (highest sampled $(rss_peak))}, $(fds) fds ($(sockets) sockets)"
if [ -n "${RSS_PROBE:-}" ] && command -v gdb >/dev/null; then malloc_probe; fi
rounds=${CONC_ROUNDS:-1}
for round in $(seq "$rounds"); do
say "phase 2 (round $round of $rounds): $conc calls at once for $conc_secs s ($call_secs s each)"
phase "concurrent $conc (round $round of $rounds)"
if [ -n "${LOAD_CMD:-}" ]; then
    if bash -c "$LOAD_CMD" >"$work/load.out" 2>&1; then echo audio >>"$work/results"; else
        echo "failed: LOAD_CMD exited non-zero (see $work/load.out)" >>"$work/results"; fi
else
    end=$((SECONDS + conc_secs))
    worker() {
        while [ "$SECONDS" -lt "$end" ]; do one_call "$call_secs"; done
    }
    for _ in $(seq "$conc"); do worker >>"$work/results" & done
    wait_pids=$(jobs -p | grep -vxF "${pids[@]/#/-e}" || true)
    # shellcheck disable=SC2086
    wait $wait_pids 2>/dev/null || true
fi
sleep 8
say "after round $round: serve RSS $(rss)${RSS_PROBE:+ (highest sampled $(rss_peak))}, $(fds) fds ($(sockets) sockets)"
if [ -n "${RSS_PROBE:-}" ] && command -v gdb >/dev/null; then malloc_probe; fi
done
phase "done (settling, checking for leftovers)"

# Let teardown and the last events settle, then look for leftovers. serve's idle keep-alive
# connections to ARI close 5 s after their last request (ari_http.rs pool_idle_timeout).
sleep 8
calls=$(curl -fs "http://127.0.0.1:$api_port/calls" || echo '?')
channels=$("$vcctl" channels list --json)
bridges=$("$vcctl" bridge list --json)
rss1=$(rss); fds1=$(fds); sock1=$(sockets)
if [ -n "${RSS_PROBE:-}" ]; then rss_probe; fi
if [ "$sock1" -gt "$sock0" ] && command -v ss >/dev/null; then
    ss -tunap 2>/dev/null | grep "pid=$serve_pid," >"$work/sockets.end" || true
fi
audio=$(grep -c '^audio' "$work/results" || true)
refused=$(grep -c '^refused' "$work/results" || true)
failed=$(grep -c '^failed' "$work/results" || true)
say "calls: $audio with audio, $refused refused, $failed failed"
say "serve RSS $rss0 -> $rss1, fds $fds0 -> $fds1, sockets $sock0 -> $sock1"
bad=
[ "$failed" = 0 ] || { bad=1; grep '^failed' "$work/results" | head -n 20 >&2 || true; }
[ "$calls" = "[]" ] || { bad=1; say "serve still holds calls: $calls"; }
[ "$(echo "$channels" | tr -d ' \n')" = "[]" ] || { bad=1; say "channels left in Asterisk: $channels"; }
[ "$(echo "$bridges" | tr -d ' \n')" = "[]" ] || { bad=1; say "bridges left in Asterisk: $bridges"; }
[ "$sock1" -le "$sock0" ] || { bad=1; say "serve holds $((sock1 - sock0)) more sockets than at the start"; }
[ "$fds1" -le "$((fds0 + 2))" ] || { bad=1; say "serve holds $((fds1 - fds0)) more file descriptors than at the start"; }
if [ -n "$bad" ]; then say "FAILED (logs in $work)"; exit 1; fi
say "OK: nothing leaked"
# The probe's figures (rss.log, malloc_stats.N.txt) are worth keeping.
if [ -n "${RSS_PROBE:-}" ]; then say "logs and the probe's figures in $work"; else rm -rf "$work"; fi
