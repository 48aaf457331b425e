#!/usr/bin/env bash
# cluster-sandbox.sh -- the cluster of docker/docker-compose.cluster.yml on this machine, for
# tests and demos (issue 18): Kamailio (Debian 12 package) on 127.0.0.1:5060 dispatching to two
# sandbox Asterisks (chroots, copies of the sandbox root filesystem) on 127.0.0.2 and 127.0.0.3,
# and PostgreSQL (scripts/postgres-sandbox.sh). The same kamailio.cfg as the compose file. Each
# node's `vcctl serve` is started by whoever uses the cluster (a test, or by hand):
#   vcctl serve --ari-url http://127.0.0.2:8088 --http 127.0.0.2:8000 --rtp-bind 127.0.0.2 \
#       --instance node1 --db "$(scripts/postgres-sandbox.sh url)"
# Run it inside a namespace of your own (scripts/isolated.sh NAME scripts/cluster-sandbox.sh up):
# it takes 127.0.0.1:5060 and 127.0.0.2-3. Needs root.
#
#   scripts/cluster-sandbox.sh up                 PostgreSQL, both Asterisks, Kamailio
#   scripts/cluster-sandbox.sh down               stop all of them (stop: all but PostgreSQL)
#   scripts/cluster-sandbox.sh node N stop|kill|start  stop (graceful), kill -9 or start node N's
#                                                 Asterisk (1 or 2)
#   scripts/cluster-sandbox.sh dispatcher         kamcmd dispatcher.list (Kamailio's view)
#   scripts/cluster-sandbox.sh ctl                print Kamailio's ctl socket (for vcctl doctor
#                                                 --kamailio-ctl)
#   scripts/cluster-sandbox.sh status             exit 0 only if every part answers
#
# Settings (environment): VCCTL_CLUSTER_DIR (/var/lib/vcctl-cluster-NAME, NAME the namespace
# name of scripts/isolated.sh, else "default"), VCCTL_SANDBOX_DIR (the root filesystem the
# nodes copy; scripts/isolated.sh sets it), VCCTL_CLUSTER_SIP_PORT (Kamailio's port, 5060; the
# tests use 5070 beside the single sandbox Asterisk), ASTERISK_ARI_PASSWORD as for
# asterisk-sandbox.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${VCCTL_NETNS_NAME:-default}
dir=${VCCTL_CLUSTER_DIR:-/var/lib/vcctl-cluster-$name}
base=${VCCTL_SANDBOX_DIR:-/var/lib/vcctl-sandbox/rootfs}
nodes=(127.0.0.2 127.0.0.3)
ctl=unix:$dir/kamailio/kamailio_ctl
sip_port=${VCCTL_CLUSTER_SIP_PORT:-5060}

say() { echo "cluster-sandbox: $*" >&2; }
die() { say "error: $*"; exit 1; }

node_root() { echo "$dir/node$1/rootfs"; }

node_env() { # N CMD...: asterisk-sandbox.sh with node N's root, address and entity id
    local n=$1
    shift
    VCCTL_SANDBOX_DIR=$(node_root "$n") ASTERISK_BIND_ADDR=${nodes[$((n - 1))]} \
        ASTERISK_ENTITY_ID=02:00:00:00:00:0$n ASTERISK_SYSTEM_NAME=node$n "$@"
}

copy_root() {
    local root
    root=$(node_root "$1")
    [ -f "$root/.vcctl-sandbox-ready" ] && return 0
    [ -f "$base/.vcctl-sandbox-ready" ] || "$repo/scripts/asterisk-sandbox.sh" up
    say "copying the sandbox root filesystem for node $1"
    rm -rf --one-file-system "$root.copy"
    mkdir -p "$root.copy"
    tar -C "$base" --one-file-system -cf - . 2>/dev/null | tar -C "$root.copy" -xf -
    rm -f "$root.copy/run/vcctl-sandbox.fingerprint"
    mv "$root.copy" "$root"
}

kamailio_up() {
    command -v kamailio >/dev/null || {
        say "installing kamailio"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio >/dev/null
    }
    mkdir -p "$dir/kamailio"
    {
        echo "# Written by scripts/cluster-sandbox.sh"
        local i
        for i in "${!nodes[@]}"; do
            echo "1 sip:${nodes[$i]}:5060 0 0 name=node$((i + 1))"
        done
    } >"$dir/kamailio/dispatcher.list"
    if [ -f "$dir/kamailio/kamailio.pid" ] && kill -0 "$(cat "$dir/kamailio/kamailio.pid")" 2>/dev/null; then
        kamcmd -s "$ctl" dispatcher.reload >/dev/null
        return 0
    fi
    kamailio -f "$repo/docker/kamailio/kamailio.cfg" -P "$dir/kamailio/kamailio.pid" \
        -Y "$dir/kamailio" -w "$dir/kamailio" \
        -A "LISTEN=udp:127.0.0.1:$sip_port" -A "DSLIST=\"$dir/kamailio/dispatcher.list\"" \
        -A "CTLSOCK=\"$ctl\"" -E >>"$dir/kamailio/kamailio.log" 2>&1
    local i
    for i in $(seq 50); do
        kamcmd -s "$ctl" core.version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    tail -n 20 "$dir/kamailio/kamailio.log" >&2
    die "Kamailio did not start (log: $dir/kamailio/kamailio.log)"
}

kamailio_down() {
    local pid
    [ -f "$dir/kamailio/kamailio.pid" ] || return 0
    pid=$(cat "$dir/kamailio/kamailio.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/kamailio/kamailio.pid"
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
case ${1:-} in
up)
    "$repo/scripts/postgres-sandbox.sh" up >/dev/null
    for n in 1 2; do
        copy_root "$n"
        node_env "$n" "$repo/scripts/asterisk-sandbox.sh" up
    done
    kamailio_up
    say "up: Kamailio udp:127.0.0.1:$sip_port -> Asterisk ${nodes[*]} (ARI :8088 each), PostgreSQL $("$repo/scripts/postgres-sandbox.sh" url | sed 's/:[^:@]*@/:***@/')"
    ;;
down | stop)
    # `stop` leaves PostgreSQL running (other tests share it); `down` stops it too.
    kamailio_down
    for n in 1 2; do
        [ -d "$(node_root "$n")" ] && node_env "$n" "$repo/scripts/asterisk-sandbox.sh" down || true
    done
    if [ "$1" = down ]; then "$repo/scripts/postgres-sandbox.sh" stop; fi
    ;;
node)
    n=${2:-}
    case $n in 1 | 2) ;; *) die "node 1 or node 2" ;; esac
    case ${3:-} in
    stop) node_env "$n" "$repo/scripts/asterisk-sandbox.sh" down ;;
    kill)
        # A dead node: Asterisk killed (SIGKILL), no BYE to anyone. `start` brings it back.
        real=$(readlink -f "$(node_root "$n")")
        for p in /proc/[0-9]*; do
            if [ "$(readlink "$p/root" 2>/dev/null)" = "$real" ]; then
                kill -9 "${p#/proc/}" 2>/dev/null || true
            fi
        done
        ;;
    start) node_env "$n" "$repo/scripts/asterisk-sandbox.sh" up ;;
    *) die "node N stop|kill|start" ;;
    esac
    ;;
dispatcher) kamcmd -s "$ctl" dispatcher.list ;;
ctl) echo "$ctl" ;;
status)
    "$repo/scripts/postgres-sandbox.sh" status
    for n in 1 2; do node_env "$n" "$repo/scripts/asterisk-sandbox.sh" status; done
    kamcmd -s "$ctl" core.version >/dev/null
    ;;
*)
    sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
