"""Notebook containers reach no NFS or rpcbind port (issue 8, item 5), on one workstation.

A notebook-like container (the notebook image, the notebook user, on the hub's network where
DockerSpawner puts notebooks) probes ports 111 and 2049 of the workstation itself (its traffic
comes in by the network's bridge: INPUT) and of another host, this machine (forwarded:
DOCKER-USER). Listeners on those ports stand in for an NFS server (the lab's kernel has none),
and a listener on another port shows the same paths are open for everything else. The
workstation itself, as Docker's volume driver mounting NFS for a notebook would, still reaches
the NFS ports.
"""

import json
import subprocess
import sys

import docker
import pytest
from conftest import HUB_SETTINGS, NODE, default_notebook_image
from netprobe import LISTEN, PROBE, listening, probe_lines

NETWORK = "jupyterhub_network"  # fleet_network_name: the hub's and the notebooks' network
NFS = ("tcp:111", "udp:111", "tcp:2049", "udp:2049")
OTHER = ("tcp:2050", "udp:2050")  # not NFS: stays reachable


@pytest.fixture(scope="module")
def node():
    return docker.from_env().containers.get(NODE)


def _run(node, argv) -> str:
    rc, out = node.exec_run(argv)
    assert rc == 0, (argv[:3], out.decode())
    return out.decode().strip()


def _addresses(node):
    """The workstation's address on the lab network and this machine's (the gateway)."""
    net = next(n for n in node.attrs["NetworkSettings"]["Networks"].values() if n["IPAddress"])
    return net["IPAddress"], net["Gateway"]


@pytest.fixture(scope="module")
def node_listening(node):
    """Listeners on the workstation's address; the ports they bound.

    On that address only: a udp server on every address would answer a container from the
    bridge's address, which the container does not take for the answer.
    """
    ip, _ = _addresses(node)
    with listening(node, ip, *NFS, *OTHER) as bound:
        yield bound


@pytest.fixture(scope="module")
def here_listening(node):
    """Listeners on this machine's address on the lab network; the ports they bound."""
    _, gateway = _addresses(node)
    proc = subprocess.Popen(
        [sys.executable, "-c", LISTEN, gateway, *NFS, *OTHER], stdout=subprocess.PIPE, text=True
    )
    bound = proc.stdout.readline().split()
    yield bound
    proc.kill()
    proc.wait()


def _notebook_image(node) -> str:
    return default_notebook_image(json.loads(_run(node, ["cat", HUB_SETTINGS])))


def _from_a_notebook(node, host, specs) -> dict:
    out = _run(
        node,
        ["docker", "run", "--rm", "--network", NETWORK, "--user", "1000", "--entrypoint", "python3"]
        + [_notebook_image(node), "-c", PROBE]
        + [f"{s.split(':')[0]}:{host}:{s.split(':')[1]}" for s in specs],
    )
    return {k.replace(f":{host}:", ":"): v for k, v in probe_lines(out).items()}


def _nfs(bound):
    ours = [s for s in NFS if s in bound]
    assert {"tcp:2049", "udp:2049"} <= set(ours), bound  # nothing else serves NFS here
    return ours


def test_containers_nfs_chain_is_jumped_to_from_docker_user_and_input(node):
    assert _run(node, ["iptables", "-S", "DOCKER-USER"]).splitlines()[1] == (
        "-A DOCKER-USER -j JUPYTERFLEET-NFS"
    )
    assert "-A INPUT -j JUPYTERFLEET-NFS" in _run(node, ["iptables", "-S", "INPUT"]).splitlines()
    assert _run(node, ["iptables", "-S", "JUPYTERFLEET-NFS"]).splitlines() == [
        "-N JUPYTERFLEET-NFS",
        *[
            f"-A JUPYTERFLEET-NFS -i {i} -p {p} -m multiport --dports 111,2049 -j DROP"
            for i in ("docker0", "br-+", "docker_gwbridge")
            for p in ("tcp", "udp")
        ],
    ]


def test_a_notebook_cannot_reach_the_nfs_ports_of_its_own_host(node, node_listening):
    ip, _ = _addresses(node)
    seen = _from_a_notebook(node, ip, _nfs(node_listening) + list(OTHER))
    assert {s: seen[s] for s in OTHER} == {s: "open" for s in OTHER}  # the host answers...
    assert {s: seen[s] for s in _nfs(node_listening)} == {
        s: "timeout" for s in _nfs(node_listening)
    }  # ...but not on NFS's ports


def test_a_notebook_cannot_reach_the_nfs_ports_of_another_host(node, here_listening):
    _, gateway = _addresses(node)
    seen = _from_a_notebook(node, gateway, _nfs(here_listening) + list(OTHER))
    assert {s: seen[s] for s in OTHER} == {s: "open" for s in OTHER}
    assert {s: seen[s] for s in _nfs(here_listening)} == {
        s: "timeout" for s in _nfs(here_listening)
    }


def test_the_host_itself_still_reaches_nfs_ports(node, node_listening, here_listening):
    # what Docker's local volume driver does when it mounts a user's NFS volume
    ip, gateway = _addresses(node)
    targets = [f"{s.split(':')[0]}:{gateway}:{s.split(':')[1]}" for s in _nfs(here_listening)]
    targets += [f"{s.split(':')[0]}:{ip}:{s.split(':')[1]}" for s in _nfs(node_listening)]
    seen = probe_lines(_run(node, ["python3", "-c", PROBE, *targets]))
    assert seen == {t: "open" for t in targets}
