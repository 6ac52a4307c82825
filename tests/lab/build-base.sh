#!/usr/bin/env bash
# Build the lab's Debian base image with debootstrap when it is missing, and keep
# it as a tarball the images role can load into nested daemons (no registry here).
#   usage: build-base.sh IMAGE ARCHIVE [MIRROR]
set -euo pipefail
image=$1 archive=$2 mirror=${3:-http://deb.debian.org/debian}
if ! docker image inspect "$image" >/dev/null 2>&1; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase \
    --include=python3,python3-venv,systemd,systemd-sysv,dbus,sudo,iproute2,procps,ca-certificates,gnupg,curl \
    bookworm "$root" "$mirror" >/dev/null
  # The nodes must not try to reach hosts they cannot (resolv.conf comes from docker).
  tar -C "$root" -c . | docker import -c 'CMD ["/sbin/init"]' - "$image" >/dev/null
fi
if [ ! -s "$archive" ]; then
  mkdir -p "$(dirname "$archive")"
  docker save -o "$archive.tmp" "$image"
  mv "$archive.tmp" "$archive"
fi
echo "$image"
