"""TCP probes from this machine to the lab nodes, for the firewall tests.

`connect()` tells an open port from a refused one (the host answered with a reset) and from a
timeout (the SYN was dropped on the way: a firewall). `outside_source()` gives this machine an
extra address that is in no private range (100.64.0.0/10, shared address space) on the lab's
bridge, so a probe can come from a client the hub's default networks do not list; the nodes
answer it through their default gateway, which is this machine, so only a firewall stops it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess

import docker

LAB_NETWORK = "jupyterfleet-lab"


def connect(host: str, port: int, source: str | None = None, timeout: float = 3.0) -> str:
    """Return "open", "refused", "timeout" or the error's text."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        if source:
            s.bind((source, 0))
        try:
            s.connect((host, port))
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "refused"
        except OSError as exc:
            return str(exc)
        return "open"


def lab_bridge() -> str:
    """The Linux bridge of the lab network on this machine (br-<network id>)."""
    net = docker.from_env().networks.get(LAB_NETWORK)
    return net.attrs["Options"].get("com.docker.network.bridge.name") or f"br-{net.id[:12]}"


@contextlib.contextmanager
def outside_source():
    """An address of this machine outside RFC 1918, on the lab bridge, for the duration."""
    address = f"100.64.{os.getpid() % 250 + 1}.{os.getpid() // 250 % 250 + 1}"
    device = lab_bridge()
    subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", device], check=True)
    try:
        yield address
    finally:
        subprocess.run(["ip", "addr", "del", f"{address}/32", "dev", device], check=False)
