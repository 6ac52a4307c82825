"""The firewall after a reboot of the workstation: jupyterfleet-firewall.service restores the
chains before Docker starts, Docker adds its own, and the hub is back behind the same filter.

Runs last: it restarts the lab node (its container), which restarts every service on it.
"""

import os
import time

import docker
from netprobe import connect, outside_source

HUB = 8000
CLOSED = 9


def _reboot(name: str) -> str:
    """Restart the lab node, wait for systemd; its address on the lab network afterwards."""
    node = docker.from_env().containers.get(name)
    node.restart(timeout=60)
    deadline = time.monotonic() + 120
    while True:  # right after the restart systemd's bus may not answer yet
        _, out = node.exec_run(["systemctl", "is-system-running", "--wait"])
        state = out.decode().strip()
        if state in ("running", "degraded") or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert state in ("running", "degraded"), state
    node.reload()
    nets = node.attrs["NetworkSettings"]["Networks"]
    return next(n["IPAddress"] for n in nets.values() if n["IPAddress"])


def _monotonic(host, unit: str) -> int:
    out = host.check_output(f"systemctl show -p ActiveEnterTimestampMonotonic --value {unit}")
    return int(out)


def test_rules_come_back_before_docker_after_a_reboot(host):
    ip = _reboot(os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1"))

    assert host.check_output("iptables -t mangle -S PREROUTING").splitlines()[1] == (
        "-A PREROUTING -j JUPYTERFLEET-HUB"
    )
    assert "-p tcp -m tcp --dport 8000 -j DROP" in host.check_output(
        "iptables -t mangle -S JUPYTERFLEET-HUB"
    )
    assert "-A JUPYTERFLEET-HUB -p tcp -m tcp --dport 8000 -j DROP" in host.check_output(
        "ip6tables -t mangle -S JUPYTERFLEET-HUB"
    )
    # Docker found its DOCKER-USER chain made by the unit, kept our jump and jumps to it first
    assert host.check_output("iptables -S DOCKER-USER").splitlines()[1] == (
        "-A DOCKER-USER -j JUPYTERFLEET-NFS"
    )
    forward = host.check_output("iptables -S FORWARD").splitlines()[1:]
    first = forward.index("-A FORWARD -j DOCKER-USER")
    assert not [rule for rule in forward[:first] if "ACCEPT" in rule], forward
    assert "-j DROP" in host.check_output("iptables -S JUPYTERFLEET-NFS")
    fw = _monotonic(host, "jupyterfleet-firewall.service")
    assert 0 < fw < _monotonic(host, "docker.service")

    deadline = time.monotonic() + 120
    while connect(ip, HUB) != "open" and time.monotonic() < deadline:
        time.sleep(2)
    assert connect(ip, HUB) == "open"
    with outside_source() as source:
        assert connect(ip, CLOSED, source) == "refused"
        assert connect(ip, HUB, source) == "timeout"
