#!/usr/bin/env bash
# isolated.sh -- run a command in a network namespace of its own, with a sandbox Asterisk of
# its own, so that several test runs (developers, helpers, a CI run) on one machine never
# share Asterisk, its ports or serve's ports.
#
#   scripts/isolated.sh NAME CMD [ARGS...]     e.g. scripts/isolated.sh a scripts/test.sh --test e2e_serve
#   scripts/isolated.sh NAME --down            stop NAME's Asterisk and delete its namespace
#
# NAME's namespace is `vcctl-NAME` (only its own loopback, brought up here); its sandbox root
# filesystem is a copy of the main one (built by `scripts/asterisk-sandbox.sh up` first, since
# the namespace has no route to the Debian mirror) at /var/lib/vcctl-sandbox-NAME/rootfs, and
# VCCTL_SANDBOX_DIR points there for CMD. Inside, 127.0.0.1 is the namespace's own, so the
# usual addresses and ports (5060, 8088, 8000, 9000) are free. Needs root. Start the
# namespace's Asterisk with `scripts/asterisk-sandbox.sh up` inside it (scripts/test.sh does).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

[ $# -ge 2 ] || { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
name=$1
shift
case $name in *[!a-zA-Z0-9_-]*) echo "isolated: NAME must be letters, digits, - or _" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "isolated: must run as root" >&2; exit 1; }

ns=vcctl-$name
main_root=${VCCTL_SANDBOX_MAIN_DIR:-/var/lib/vcctl-sandbox/rootfs}
root=/var/lib/vcctl-sandbox-$name/rootfs

if [ "$1" = --down ]; then
    if ip netns list | grep -qw "$ns"; then
        ip netns exec "$ns" env VCCTL_SANDBOX_DIR="$root" "$repo/scripts/asterisk-sandbox.sh" down || true
        # NAME's PostgreSQL, if scripts/postgres-sandbox.sh started one in the namespace.
        ip netns exec "$ns" env VCCTL_NETNS_NAME="$name" "$repo/scripts/postgres-sandbox.sh" stop || true
        ip netns delete "$ns"
    fi
    exit 0
fi

if [ ! -f "$root/.vcctl-sandbox-ready" ]; then
    [ -f "$main_root/.vcctl-sandbox-ready" ] || "$repo/scripts/asterisk-sandbox.sh" up
    echo "isolated: copying the sandbox root filesystem to $root"
    rm -rf --one-file-system "$root.copy"
    mkdir -p "$root.copy"
    # --one-file-system: the main sandbox's /proc and /dev mounts are not copied.
    tar -C "$main_root" --one-file-system -cf - . 2>/dev/null | tar -C "$root.copy" -xf -
    rm -f "$root.copy/run/vcctl-sandbox.fingerprint"
    mv "$root.copy" "$root"
fi

if ! ip netns list | grep -qw "$ns"; then
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    # A host has an interface besides loopback, and some clients (baresip) pick their
    # address from one: a veth pair that lives and ends inside the namespace, with an
    # address from the benchmarking range (RFC 2544) that no traffic leaves by.
    ip netns exec "$ns" ip link add vc0 type veth peer name vc1
    ip netns exec "$ns" ip addr add 198.18.0.1/32 dev vc0
    ip netns exec "$ns" ip link set vc0 up
    ip netns exec "$ns" ip link set vc1 up
fi
export VCCTL_SANDBOX_DIR=$root
# scripts/postgres-sandbox.sh names its data directory after the namespace.
export VCCTL_NETNS_NAME=$name
exec ip netns exec "$ns" "$@"
