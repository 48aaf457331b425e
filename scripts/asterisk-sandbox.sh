#!/usr/bin/env bash
# asterisk-sandbox.sh -- a real Asterisk 22 (Debian unstable packages) in a chroot on
# loopback, for the test suite and for demos. Needs root; no Docker.
#
#   scripts/asterisk-sandbox.sh up        build the root filesystem if needed (debootstrap,
#                                         1-3 minutes, once), render the configs, start
#                                         Asterisk, wait until ARI answers
#   scripts/asterisk-sandbox.sh down      stop Asterisk, unmount /proc and /dev of the chroot
#   scripts/asterisk-sandbox.sh restart   stop + start Asterisk (no rebuild), wait for ARI
#   scripts/asterisk-sandbox.sh status    exit 0 only if ARI answers
#   scripts/asterisk-sandbox.sh logs [-f] print (or follow) Asterisk's console log
#   scripts/asterisk-sandbox.sh cli CMD   run "asterisk -rx CMD" inside the chroot
#   scripts/asterisk-sandbox.sh purge     down, then delete the root filesystem
#
# Settings (environment):
#   VCCTL_SANDBOX_DIR      /var/lib/vcctl-sandbox/rootfs   the chroot
#   VCCTL_SANDBOX_MIRROR   http://deb.debian.org/debian     Debian mirror for debootstrap
#   VCCTL_SANDBOX_TIMEOUT  60                               seconds to wait for ARI
#   ASTERISK_ARI_USERNAME  voiceclone
#   ASTERISK_ARI_PASSWORD  vcctl-sandbox-secret             test-only default; never use it
#                                                           for a real deployment
#   ASTERISK_BIND_ADDR     127.0.0.1   (SIP and HTTP; the sandbox stays on loopback)
#   ASTERISK_SIP_PORT 5060, ASTERISK_HTTP_PORT 8088, ASTERISK_RTP_START 16384,
#   ASTERISK_RTP_END 32768
#   VCCTL_SANDBOX_TLS_CERT, VCCTL_SANDBOX_TLS_KEY   (unset: no TLS, the default) PEM files on
#                          this host: a server certificate (chain) and its key; with both set,
#                          ARI also answers HTTPS/WSS on ASTERISK_HTTP_TLS_PORT (8089) with
#                          them (copied into the chroot; `up` restarts Asterisk when they change)
# The sandbox never uses STUN or an external IP (ASTERISK_STUN_SERVER and
# ASTERISK_EXTERNAL_IP are ignored), and its /etc/hosts names the machine (see write_hosts).
# Configs come from docker/asterisk/ and are rendered by
# the same entrypoint and render-config.sh as the Docker image, at every start.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
asterisk_dir=$repo/docker/asterisk

root=${VCCTL_SANDBOX_DIR:-/var/lib/vcctl-sandbox/rootfs}
root=${root%/}
mirror=${VCCTL_SANDBOX_MIRROR:-http://deb.debian.org/debian}
timeout=${VCCTL_SANDBOX_TIMEOUT:-60}
suite=sid
packages=asterisk,asterisk-modules,asterisk-config
marker=$root/.vcctl-sandbox-ready
log=$root/var/log/asterisk/sandbox-console.log
# Same paths as in docker/Dockerfile.asterisk.
share=/usr/local/share/vcctl/asterisk-configs

ari_user=${ASTERISK_ARI_USERNAME:-voiceclone}
ari_password=${ASTERISK_ARI_PASSWORD:-vcctl-sandbox-secret}
bind_addr=${ASTERISK_BIND_ADDR:-127.0.0.1}
sip_port=${ASTERISK_SIP_PORT:-5060}
http_port=${ASTERISK_HTTP_PORT:-8088}
rtp_start=${ASTERISK_RTP_START:-16384}
rtp_end=${ASTERISK_RTP_END:-32768}
tls_cert_src=${VCCTL_SANDBOX_TLS_CERT:-}
tls_key_src=${VCCTL_SANDBOX_TLS_KEY:-}
tls_port=${ASTERISK_HTTP_TLS_PORT:-8089}
# Where the chroot's Asterisk reads them.
tls_dir=/etc/asterisk/keys
tls_cert=$tls_dir/vcctl-sandbox-tls-cert.pem
tls_key=$tls_dir/vcctl-sandbox-tls-key.pem

case $bind_addr in
    0.0.0.0) ari_host=127.0.0.1 ;;
    ::) ari_host='[::1]' ;;
    *:*) ari_host="[$bind_addr]" ;;
    *) ari_host=$bind_addr ;;
esac
ari_url=http://$ari_host:$http_port/ari

say() { echo "asterisk-sandbox: $*"; }
die() { echo "asterisk-sandbox: error: $*" >&2; exit 1; }

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (chroot, mount, debootstrap); try: sudo $0 $*"
}

# One command at a time per sandbox (parallel test runners may call `up` together).
lock() {
    mkdir -p "$(dirname "$root")"
    exec 9>"$root.lock"
    flock 9
}

apt_updated=
apt_install() {
    say "installing $* on the host (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        apt-get update -qq >/dev/null
        apt_updated=1
    fi
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_host_tools() {
    local missing=()
    command -v curl >/dev/null || missing+=(curl)
    if [ "${1:-}" = build ]; then
        command -v debootstrap >/dev/null || missing+=(debootstrap)
        [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
    fi
    if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# Processes whose root directory is the chroot (Asterisk and any asterisk -rx client).
chroot_pids() {
    local real p
    real=$(readlink -f "$root" 2>/dev/null) || return 0
    for p in /proc/[0-9]*; do
        if [ "$(readlink "$p/root" 2>/dev/null)" = "$real" ]; then
            echo "${p#/proc/}"
        fi
    done
}

alive() { # PID -> running and not a zombie
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

ari_ok() {
    curl -fsS --max-time 2 -u "$ari_user:$ari_password" "$ari_url/asterisk/info" 2>/dev/null
}

mounts_under() { # mount points at or below $1, deepest first
    awk -v p="$1" '$2 == p || index($2, p "/") == 1 {print $2}' /proc/mounts | sort -r
}

unmount_all() {
    local m
    for m in $(mounts_under "$1"); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}

ensure_mounts() {
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
}

ensure_rootfs() {
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$suite $packages" ]; then
        return 0
    fi
    ensure_host_tools build
    local tmp=$root.building
    if [ -e "$root" ]; then
        say "$root is incomplete or outdated; rebuilding it"
        stop_asterisk
        unmount_all "$root"
        rm -rf --one-file-system "$root"
    fi
    if [ -e "$tmp" ]; then
        unmount_all "$tmp"
        rm -rf --one-file-system "$tmp"
    fi
    say "building the root filesystem with debootstrap ($suite: $packages; takes 1-3 minutes)"
    if ! debootstrap --variant=minbase --include="$packages" "$suite" "$tmp" "$mirror" \
        >"$root.debootstrap.log" 2>&1; then
        tail -n 20 "$root.debootstrap.log" >&2
        unmount_all "$tmp"
        die "debootstrap failed (full log: $root.debootstrap.log)"
    fi
    unmount_all "$tmp"
    echo "$suite $packages" >"$tmp/.vcctl-sandbox-ready"
    mv "$tmp" "$root"
    # shellcheck disable=SC2016
    say "root filesystem ready: $(chroot "$root" dpkg-query -W -f='asterisk ${Version}' asterisk)"
}

# Copy configs, render script and entrypoint to the places the Docker image uses.
install_configs() {
    mkdir -p "$root$share"
    rm -f "$root$share"/*.conf
    cp "$asterisk_dir"/configs/*.conf "$root$share/"
    install -m 0755 "$asterisk_dir/render-config.sh" "$root/usr/local/bin/render-config.sh"
    install -m 0755 "$asterisk_dir/entrypoint.sh" "$root/usr/local/bin/asterisk-entrypoint.sh"
    rm -f "$root$tls_cert" "$root$tls_key"
    if [ -n "$tls_cert_src$tls_key_src" ]; then
        [ -n "$tls_cert_src" ] && [ -n "$tls_key_src" ] ||
            die "VCCTL_SANDBOX_TLS_CERT and VCCTL_SANDBOX_TLS_KEY go together (both or neither)"
        mkdir -p "$root$tls_dir"
        install -m 0644 "$tls_cert_src" "$root$tls_cert"
        install -m 0600 "$tls_key_src" "$root$tls_key"
    fi
    write_hosts
}

# The chroot's /etc/hosts, as a real host has it: localhost and the machine's own host name
# (the chroot shares the host's UTS namespace, so Asterisk's gethostname() is the host's).
# debootstrap writes none, and without it every lookup of the host name goes to DNS: Asterisk
# resolves its host name while setting up calls (its log: "Unable to lookup 'NAME'", then
# "A.ROOT-SERVERS.NET"), which is slow or fails on a machine whose DNS does not know the name.
# 127.0.1.1 is what Debian's installer writes for the host name. Rewritten at every start.
write_hosts() {
    local name
    name=$(uname -n)
    {
        echo "# Written by scripts/asterisk-sandbox.sh at every start: the host name resolves locally."
        echo "127.0.0.1	localhost"
        if [ -n "$name" ] && [ "$name" != localhost ]; then
            echo "127.0.1.1	$name"
        fi
        echo "::1	localhost ip6-localhost ip6-loopback"
        echo "ff02::1	ip6-allnodes"
        echo "ff02::2	ip6-allrouters"
    } >"$root/etc/hosts.vcctl-new"
    mv -f "$root/etc/hosts.vcctl-new" "$root/etc/hosts"
}

tls_on() { [ -n "$tls_cert_src" ]; }

# What the running Asterisk was started with; `up` restarts it when this changes.
fingerprint() {
    {
        cat "$root$share"/*.conf "$root/usr/local/bin/render-config.sh" \
            "$root/usr/local/bin/asterisk-entrypoint.sh" "$root/etc/hosts"
        printf '%s\n' "$ari_user" "$ari_password" "$bind_addr" "$sip_port" "$http_port" \
            "$rtp_start" "$rtp_end" "${ASTERISK_ENTITY_ID:-}" "${ASTERISK_SYSTEM_NAME:-}"
        if tls_on; then cat "$root$tls_cert" "$root$tls_key"; echo "tls $tls_port"; fi
    } | md5sum | cut -d' ' -f1
}

start_asterisk() {
    local code pid deadline
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ari_url/asterisk/info" || true)
    if [ "$code" != 000 ]; then
        die "something else already answers on $ari_url (HTTP $code); stop it or set ASTERISK_HTTP_PORT"
    fi
    mkdir -p "$(dirname "$log")"
    if [ -f "$log" ] && [ "$(stat -c %s "$log")" -gt 20000000 ]; then mv -f "$log" "$log.old"; fi
    echo "=== asterisk-sandbox start $(date -u +%FT%TZ) ===" >>"$log"
    # setsid: own session, so a test runner's Ctrl-C or process-group kill doesn't take it down.
    # Close every inherited descriptor above stderr (our lock on fd 9, and any lock a caller
    # such as `flock FILE scripts/asterisk-sandbox.sh up` holds): a long-lived Asterisk must
    # not keep someone else's lock.
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
        done
        exec setsid chroot "$root" /usr/bin/env -i \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            ASTERISK_BIND_ADDR="$bind_addr" ASTERISK_SIP_PORT="$sip_port" \
            ASTERISK_HTTP_PORT="$http_port" ASTERISK_EXTERNAL_IP= ASTERISK_STUN_SERVER= \
            ASTERISK_ARI_USERNAME="$ari_user" ASTERISK_ARI_PASSWORD="$ari_password" \
            ASTERISK_RTP_START="$rtp_start" ASTERISK_RTP_END="$rtp_end" \
            ASTERISK_HTTP_TLS_CERT="$(tls_on && echo "$tls_cert")" \
            ASTERISK_HTTP_TLS_KEY="$(tls_on && echo "$tls_key")" \
            ASTERISK_HTTP_TLS_PORT="$tls_port" \
            ASTERISK_ENTITY_ID="${ASTERISK_ENTITY_ID:-}" \
            ASTERISK_SYSTEM_NAME="${ASTERISK_SYSTEM_NAME:-}" \
            /usr/local/bin/asterisk-entrypoint.sh
    ) </dev/null >>"$log" 2>&1 &
    pid=$!
    fingerprint >"$root/run/vcctl-sandbox.fingerprint"
    deadline=$((SECONDS + timeout))
    while ! ari_ok >/dev/null; do
        if ! alive "$pid" && [ -z "$(chroot_pids)" ]; then
            tail -n 30 "$log" >&2
            die "Asterisk exited during start-up (log above; full log: $0 logs)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 30 "$log" >&2
            die "ARI did not answer at $ari_url within ${timeout}s (log above; full log: $0 logs)"
        fi
        sleep 0.1
    done
    # ARI can answer a moment before the rest (PJSIP, dialplan) has finished loading.
    timeout $((deadline - SECONDS + 1)) chroot "$root" asterisk -rx 'core waitfullybooted' \
        >/dev/null 2>&1 || die "Asterisk did not finish booting within ${timeout}s (see: $0 logs)"
}

stop_asterisk() {
    local pids
    pids=$(chroot_pids)
    [ -n "$pids" ] || return 0
    say "stopping Asterisk"
    timeout 5 chroot "$root" asterisk -rx 'core stop now' >/dev/null 2>&1 || true
    for _ in $(seq 50); do # up to 5 s
        pids=$(chroot_pids)
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 30); do
        pids=$(chroot_pids)
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
}

report_ready() {
    local version
    version=$(ari_ok | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
    say "running Asterisk ${version:-?}: ARI $ari_url (user $ari_user)$(tls_on && echo ", and https://$ari_host:$tls_port/ari"), SIP udp $bind_addr:$sip_port"
    say "for vcctl: $(vcctl_env)"
}

# What a shell needs for vcctl to reach this sandbox (vcctl's defaults cover the rest). A
# password the caller chose is in their environment already and is not printed again.
vcctl_env() {
    local line=()
    if [ "$ari_host:$http_port" != 127.0.0.1:8088 ]; then
        line+=("VCCTL_ARI_URL=http://$ari_host:$http_port")
    fi
    if [ "$ari_user" != voiceclone ]; then line+=("ASTERISK_ARI_USERNAME=$ari_user"); fi
    if [ -z "${ASTERISK_ARI_PASSWORD:-}" ]; then line+=("ASTERISK_ARI_PASSWORD=$ari_password"); fi
    if [ ${#line[@]} -eq 0 ]; then
        echo "(nothing to set: ASTERISK_ARI_PASSWORD is set in this environment)"
    else
        echo "export ${line[*]}"
    fi
}

cmd_up() {
    need_root up
    lock
    ensure_host_tools
    ensure_rootfs
    install_configs
    ensure_mounts
    if [ -n "$(chroot_pids)" ]; then
        if [ "$(cat "$root/run/vcctl-sandbox.fingerprint" 2>/dev/null)" = "$(fingerprint)" ] &&
            ari_ok >/dev/null; then
            say "already running"
            report_ready
            return 0
        fi
        say "configuration changed or ARI not answering; restarting"
        stop_asterisk
    fi
    say "starting Asterisk"
    start_asterisk
    report_ready
}

cmd_restart() {
    need_root restart
    lock
    [ -f "$marker" ] || die "no sandbox at $root; run: $0 up"
    ensure_host_tools
    install_configs
    ensure_mounts
    stop_asterisk
    say "starting Asterisk"
    start_asterisk
    report_ready
}

cmd_down() {
    need_root down
    lock
    [ -d "$root" ] || { say "nothing to stop ($root does not exist)"; return 0; }
    stop_asterisk
    unmount_all "$root"
    say "stopped"
}

cmd_purge() {
    cmd_down
    unmount_all "$root.building"
    rm -rf --one-file-system "$root" "$root.building" "$root.debootstrap.log"
    say "removed $root"
}

cmd_status() {
    if ari_ok >/dev/null; then
        report_ready
        return 0
    fi
    if [ -n "$(chroot_pids)" ]; then
        say "Asterisk is running but ARI does not answer at $ari_url"
    else
        say "not running"
    fi
    return 1
}

cmd_logs() {
    [ -f "$log" ] || die "no log yet ($log)"
    if [ "${1:-}" = -f ]; then exec tail -n 50 -f "$log"; fi
    cat "$log"
}

cmd_cli() {
    need_root cli
    [ $# -gt 0 ] || die "usage: $0 cli 'CLI COMMAND'"
    [ -n "$(chroot_pids)" ] || die "Asterisk is not running; run: $0 up"
    chroot "$root" asterisk -rx "$*"
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    restart) cmd_restart ;;
    status) cmd_status ;;
    logs) shift; cmd_logs "$@" ;;
    cli) shift; cmd_cli "$@" ;;
    purge) cmd_purge ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
