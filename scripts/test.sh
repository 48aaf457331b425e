#!/usr/bin/env bash
# The one command that runs every test, end-to-end suite included:
#   scripts/test.sh [extra cargo test args]
# It installs what the tests need (Debian packages), starts the sandbox Asterisk
# (scripts/asterisk-sandbox.sh up: a real Asterisk 22 in a chroot on loopback), and runs
# `cargo test` with VCCTL_E2E=1 so no end-to-end test may skip. Needs root.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

say() { echo "test.sh: $*"; }

# Debian packages the tests use: tshark (rtp-stats is checked against it), baresip (a second
# SIP client for interop), curl and iproute2/nftables/iptables (network checks), tmux (`vcctl
# top` is driven in it like a person would).
need=()
command -v tshark >/dev/null || need+=(tshark)
command -v baresip >/dev/null || need+=(baresip)
command -v curl >/dev/null || need+=(curl)
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v iptables >/dev/null || need+=(iptables)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v tmux >/dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

say "starting the sandbox Asterisk"
scripts/asterisk-sandbox.sh up

export VCCTL_E2E=1
# A debug build of its own, not the README's release build: it keeps overflow checks and debug
# assertions, and measured cheaper than optimizing vcctl's test harness (docs/architecture.md,
# "Build").
say "cargo test"
cargo test "$@"
