#!/usr/bin/env bash
# Build the lab's Debian base image with debootstrap when it is missing, and keep
# it as a tarball the images role can load into nested daemons (no registry here).
#   usage: build-base.sh IMAGE ARCHIVE [MIRROR]
set -euo pipefail
image=$1 archive=$2 mirror=${3:-http://deb.debian.org/debian}
if ! docker image inspect "$image" >/dev/null 2>&1; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  # Debian 13: its docker.io (26.x) has the swarmkit fix GPU nodes need
  # (moby/moby#44378, fixed in 23.0); Debian 12's 20.10 evicts GPU tasks.
  debootstrap --variant=minbase \
    --include=python3,python3-venv,systemd,systemd-sysv,dbus,sudo,iproute2,procps,ca-certificates,gnupg,curl \
    trixie "$root" "$mirror" >/dev/null
  # systemd 257 boots on this cgroup v1 host only when told to (its own argv is
  # its kernel command line inside a container).
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/sbin/init", "systemd.unified_cgroup_hierarchy=0", "SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1"]' \
    - "$image" >/dev/null
fi
if [ ! -s "$archive" ]; then
  mkdir -p "$(dirname "$archive")"
  docker save -o "$archive.tmp" "$image"
  mv "$archive.tmp" "$archive"
fi
echo "$image"
