#!/bin/sh
# Starts Asterisk the same way in the Docker image (docker/Dockerfile.asterisk) and
# in the chroot sandbox (scripts/asterisk-sandbox.sh): render the configs from the
# environment (see render-config.sh for the variables), then run Asterisk in the
# foreground as the asterisk user. Extra arguments go to asterisk (e.g. -vvv).
set -eu

configs=${VCCTL_ASTERISK_CONFIGS:-/usr/local/share/vcctl/asterisk-configs}

render-config.sh "$configs" /etc/asterisk
# /var/run is a tmpfs (or an empty directory) in containers and chroots.
mkdir -p /var/run/asterisk
# ARI stored recordings live here; Debian's package does not create it, and without it
# POST /bridges/{id}/record fails with "No such file or directory".
mkdir -p /var/spool/asterisk/recording /var/spool/asterisk/monitor
# Generated files are written as root; Asterisk drops to the asterisk user before reading them.
chown -R asterisk:asterisk /etc/asterisk /var/lib/asterisk /var/log/asterisk \
    /var/spool/asterisk /var/run/asterisk
exec asterisk -f -U asterisk -G asterisk "$@"
