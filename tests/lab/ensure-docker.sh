#!/usr/bin/env bash
# Make sure a Docker daemon answers on this machine. The lab and the molecule
# scenarios run their workstation containers on it. Installs Debian's docker.io
# when no daemon binary is present, and starts dockerd in the background when
# no daemon runs (the lab machine has no systemd as PID 1).
set -euo pipefail
if docker info >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v dockerd >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap >/dev/null
fi
command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq debootstrap >/dev/null; }
if [ -d /run/systemd/system ]; then
  systemctl start docker
else
  mkdir -p /var/log
  # Start it in the root cgroups, not in the cgroup of whatever job called this
  # script: a job runner that kills its job's cgroup when the job ends would
  # take the daemon, and every lab node with it, down too (seen on the lab machine).
  (
    for procs in /sys/fs/cgroup/*/cgroup.procs; do
      echo "$BASHPID" >"$procs" 2>/dev/null || true
    done
    exec nohup setsid dockerd >/var/log/jupyterfleet-dockerd.log 2>&1
  ) &
fi
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/jupyterfleet-dockerd.log" >&2
exit 1
