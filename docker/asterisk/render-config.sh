#!/bin/sh
# render-config.sh SRC_DIR DEST_DIR
#
# Copies the Asterisk configs in SRC_DIR (*.conf) to DEST_DIR and writes the
# small site-specific files they #include, from environment variables
# (Asterisk .conf files cannot read the environment themselves).
# Used by both docker/Dockerfile.asterisk (at container start) and
# scripts/asterisk-sandbox.sh, so the two run the same configuration.
#
#   ASTERISK_BIND_ADDR     0.0.0.0          address SIP (UDP) and HTTP/ARI bind to
#   ASTERISK_SIP_PORT      5060             PJSIP transport-udp port
#   ASTERISK_HTTP_PORT     8088             HTTP server (ARI) port
#   ASTERISK_EXTERNAL_IP   (empty)          public IP for NAT: external_media_address and
#                                           external_signaling_address; empty = none
#   ASTERISK_LOCAL_NET     (empty)          extra local_net CIDRs (comma-separated) that
#                                           get no external address; 127.0.0.0/8 always does
#   ASTERISK_ARI_USERNAME  voiceclone       ARI user
#   ASTERISK_ARI_PASSWORD  (required)       ARI password
#   ASTERISK_STUN_SERVER   stun.l.google.com:19302   host:port; empty = no STUN
#   ASTERISK_RTP_START     16384            RTP port range
#   ASTERISK_RTP_END       32768
#   ASTERISK_HTTP_TLS_CERT (empty)          PEM certificate (chain) for HTTPS/WSS on
#                                           ASTERISK_HTTP_TLS_PORT, in addition to plain HTTP;
#   ASTERISK_HTTP_TLS_KEY  (empty)          and its private key (PEM); both or neither;
#                                           empty = no TLS
#   ASTERISK_HTTP_TLS_PORT 8089             HTTPS port (same bind address as HTTP)
#
# Generated files: pjsip_transport_local.conf, http_bind.conf, http_tls.conf, ari_user.conf,
# rtp_ports.conf, rtp_stun.conf.
set -eu

die() { echo "render-config: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: render-config.sh SRC_DIR DEST_DIR"
src=$1
dest=$2
[ -f "$src/pjsip.conf" ] || die "$src does not contain the Asterisk configs (no pjsip.conf)."

bind_addr=${ASTERISK_BIND_ADDR:-0.0.0.0}
sip_port=${ASTERISK_SIP_PORT:-5060}
http_port=${ASTERISK_HTTP_PORT:-8088}
external_ip=${ASTERISK_EXTERNAL_IP:-}
local_net=$(printf '%s' "${ASTERISK_LOCAL_NET:-}" | tr -d ' \t')
ari_user=${ASTERISK_ARI_USERNAME:-voiceclone}
ari_password=${ASTERISK_ARI_PASSWORD:-}
# Unset -> default server; set but empty -> STUN disabled.
stun_server=${ASTERISK_STUN_SERVER-stun.l.google.com:19302}
rtp_start=${ASTERISK_RTP_START:-16384}
rtp_end=${ASTERISK_RTP_END:-32768}
tls_cert=${ASTERISK_HTTP_TLS_CERT:-}
tls_key=${ASTERISK_HTTP_TLS_KEY:-}
tls_port=${ASTERISK_HTTP_TLS_PORT:-8089}

[ -n "$ari_password" ] || die "ASTERISK_ARI_PASSWORD is not set; refusing to render an ARI user without a password."
# change-me: the .env.example placeholder; voiceclone_secret_*: the old deployment's password,
# published in its setup document.
case $ari_password in
    change-me | voiceclone_secret_*)
        die "ASTERISK_ARI_PASSWORD is the .env.example placeholder or the old published password; set a real secret." ;;
    ' '* | *' ')
        die "ASTERISK_ARI_PASSWORD must not start or end with a space (Asterisk would strip it)." ;;
esac

is_port() {
    case $1 in '' | *[!0-9]*) return 1 ;; esac
    [ "$1" -ge 1 ] && [ "$1" -le 65535 ]
}
for v in ASTERISK_SIP_PORT:$sip_port ASTERISK_HTTP_PORT:$http_port \
         ASTERISK_RTP_START:$rtp_start ASTERISK_RTP_END:$rtp_end ASTERISK_HTTP_TLS_PORT:$tls_port; do
    is_port "${v#*:}" || die "${v%%:*}='${v#*:}' is not a port number (1-65535)."
done
[ "$rtp_start" -lt "$rtp_end" ] || die "ASTERISK_RTP_START ($rtp_start) must be below ASTERISK_RTP_END ($rtp_end)."

if [ -n "$tls_cert$tls_key" ]; then
    [ -n "$tls_cert" ] && [ -n "$tls_key" ] || die "ASTERISK_HTTP_TLS_CERT and ASTERISK_HTTP_TLS_KEY go together (both or neither)."
    for f in "$tls_cert" "$tls_key"; do
        case $f in /*) ;; *) die "'$f' must be an absolute path (ASTERISK_HTTP_TLS_CERT / _KEY)." ;; esac
        case $f in *[!A-Za-z0-9./_-]*) die "'$f': TLS file paths may only contain letters, digits and . / _ -." ;; esac
        [ -r "$f" ] || die "cannot read $f (ASTERISK_HTTP_TLS_CERT / _KEY)."
    done
fi

# Values end up in config lines: no newlines, no config syntax in names.
nl='
'
for v in "$bind_addr" "$external_ip" "$local_net" "$ari_user" "$ari_password" "$stun_server"; do
    case $v in *"$nl"*) die "settings must not contain newlines." ;; esac
done
case $ari_user in
    '' | *[!A-Za-z0-9._@-]*) die "ASTERISK_ARI_USERNAME='$ari_user' may only contain letters, digits and . _ @ -." ;;
esac
for v in "$bind_addr" "$external_ip" "$local_net" "$stun_server"; do
    case $v in *[!A-Za-z0-9.:,/_-]*) die "'$v' is not an address (ASTERISK_BIND_ADDR / _EXTERNAL_IP / _LOCAL_NET / _STUN_SERVER)." ;; esac
done
# ';' starts a comment in Asterisk configs; escape it in the password.
ari_password_escaped=$(printf '%s' "$ari_password" | sed 's/;/\\;/g')

mkdir -p "$dest"
for f in "$src"/*.conf; do
    cp "$f" "$dest/"
done

header="; Generated by render-config.sh -- do not edit; set the environment variables instead."

# The entity id names this Asterisk in ARI events and in vcctl's call records. Asterisk takes
# it from a network card's MAC; nodes of a cluster that share one host (or have no card to
# read) need one each (ASTERISK_ENTITY_ID, e.g. 02:00:00:00:00:01).
entity_id=${ASTERISK_ENTITY_ID:-}
if [ -n "$entity_id" ]; then
    printf '%s' "$entity_id" | grep -Eq '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' ||
        die "ASTERISK_ENTITY_ID='$entity_id' is not six hex bytes like 02:00:00:00:00:01."
    printf '\n%s\nentityid = %s\n' "$header" "$entity_id" >>"$dest/asterisk.conf"
fi
# The system name prefixes every channel's unique id (node1-1732890000.5). Call ids are channel
# ids: nodes that share one store (PostgreSQL) need a name each, or their ids collide.
system_name=${ASTERISK_SYSTEM_NAME:-}
if [ -n "$system_name" ]; then
    printf '%s' "$system_name" | grep -Eq '^[A-Za-z0-9_.-]{1,40}$' ||
        die "ASTERISK_SYSTEM_NAME='$system_name' may hold only letters, digits, '.', '_' and '-'."
    printf '%s\nsystemname = %s\n' "$header" "$system_name" >>"$dest/asterisk.conf"
fi

# pjsip: IPv6 addresses need brackets in bind=.
case $bind_addr in
    *:*) sip_bind="[$bind_addr]:$sip_port" ;;
    *) sip_bind="$bind_addr:$sip_port" ;;
esac
{
    echo "$header"
    echo "bind=$sip_bind"
    if [ -n "$external_ip" ]; then
        echo "external_media_address=$external_ip"
        echo "external_signaling_address=$external_ip"
        echo "local_net=127.0.0.0/8"
        if [ -n "$local_net" ]; then
            printf '%s\n' "$local_net" | tr ',' '\n' | sed -n 's/^\(..*\)$/local_net=\1/p'
        fi
    fi
} >"$dest/pjsip_transport_local.conf"

{
    echo "$header"
    echo "bindaddr=$bind_addr"
    echo "bindport=$http_port"
} >"$dest/http_bind.conf"

{
    echo "$header"
    if [ -n "$tls_cert" ]; then
        case $bind_addr in
            *:*) tls_bind="[$bind_addr]:$tls_port" ;;
            *) tls_bind="$bind_addr:$tls_port" ;;
        esac
        echo "tlsenable=yes"
        echo "tlsbindaddr=$tls_bind"
        echo "tlscertfile=$tls_cert"
        echo "tlsprivatekey=$tls_key"
    else
        echo "tlsenable=no"
    fi
} >"$dest/http_tls.conf"

{
    echo "$header"
    echo "rtpstart=$rtp_start"
    echo "rtpend=$rtp_end"
} >"$dest/rtp_ports.conf"

{
    echo "$header"
    if [ -n "$stun_server" ]; then
        echo "stunaddr=$stun_server"
    else
        echo "; STUN disabled (ASTERISK_STUN_SERVER is empty)."
    fi
} >"$dest/rtp_stun.conf"

# The password file is not world-readable.
(
    umask 077
    rm -f "$dest/ari_user.conf"
    {
        echo "$header"
        echo "[$ari_user](ari-user)"
        echo "password=$ari_password_escaped"
    } >"$dest/ari_user.conf"
)
chmod 0640 "$dest/ari_user.conf"

echo "render-config: wrote $dest (SIP $sip_bind/udp, HTTP $bind_addr:$http_port${tls_cert:+, HTTPS $tls_bind}, ARI user $ari_user, RTP $rtp_start-$rtp_end, STUN ${stun_server:-off}${external_ip:+, external IP $external_ip})"
