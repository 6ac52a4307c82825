"""Issue 8, items 5 and 6, on the three-node swarm, from the attacker's side.

Item 5: a notebook-like container (the notebook image, or on the manager, which holds none, the
hub's; the notebook user) on the swarm's overlay network reaches no NFS or rpcbind port: from a
worker to the manager (the NFS server; forwarded through docker_gwbridge: DOCKER-USER) and on
the manager to itself (INPUT). Listeners stand in for the NFS server where none listens (the
lab's kernel has none); rpcbind, installed with the NFS server, may answer 111 itself. A port
that is not NFS stays open on the same paths, and the worker itself (Docker's volume driver
mounting a user's NFS volume) still reaches the NFS port.

Item 6: the manager is put on an IPv6 network of this machine for the test (the lab network has
none); this machine, no member and outside firewall_hub_client_networks_ipv6, finds the hub,
registry and swarm ports dropped over IPv6 while a closed port is refused. Docker and the
registry in the lab nodes started without IPv6: IPv6-only listeners stand in for them where
nothing listens on those ports over IPv6.
"""

import time

import pytest
from conftest import CPU, GPU, MANAGER
from netprobe import PROBE, connect, ipv6_network, listening, probe_lines

NETWORK = "jupyterhub_network"  # fleet_network_name: the notebooks' attachable overlay
NFS = ("tcp:111", "udp:111", "tcp:2049", "udp:2049")
OTHER = ("tcp:2050", "udp:2050")
HUB, REGISTRY, CLOSED = 8000, 5000, 9
SWARM_TCP = (2377, 7946)


def _notebook_image(node) -> str:
    """The notebook image where the node has one; the manager has none (pre-pull puts notebook
    images on the workers only), so there the hub's image, run the same way, stands in."""
    images = node.sh("docker image ls --format '{{.ID}} {{.Repository}}'").splitlines()
    for kind in ("notebook", "jupyterfleet/hub"):
        found = [line.split()[0] for line in images if kind in line.split()[-1]]
        if found:
            return found[0]
    raise AssertionError(f"{node.name}: no image with Python to probe from: {images}")


def _from_a_notebook(node, host, specs) -> dict:
    targets = " ".join(f"{s.split(':')[0]}:{host}:{s.split(':')[1]}" for s in specs)
    out = node.sh(
        f"docker run --rm --network {NETWORK} --user 1000 --entrypoint python3"
        f" {_notebook_image(node)} -c '{PROBE}' {targets}"
    )
    return {k.replace(f":{host}:", ":"): v for k, v in probe_lines(out).items()}


@pytest.fixture(scope="module")
def manager_listening(nodes):
    # on its address only: a udp server on every address would answer a container on the
    # manager from docker_gwbridge's address, which the container does not take for the answer
    with listening(nodes[MANAGER].c, nodes[MANAGER].ip, *NFS, *OTHER) as bound:
        nfs = [s for s in NFS if s in bound]
        assert {"tcp:2049", "udp:2049"} <= set(nfs), bound  # nothing serves NFS in the lab
        # rpcbind (installed with the NFS server) holds 111: probe its tcp port as it is
        if "tcp:111" not in bound and nodes[MANAGER].sh("ss -Hltn 'sport = :111'"):
            nfs.append("tcp:111")
        yield nfs


@pytest.mark.parametrize("name", [MANAGER, GPU, CPU])
def test_nfs_chain_on_every_node(nodes, name):
    node = nodes[name]
    assert (
        node.sh("iptables -S DOCKER-USER").splitlines()[1] == "-A DOCKER-USER -j JUPYTERFLEET-NFS"
    )
    assert node.sh("iptables -S JUPYTERFLEET-NFS").splitlines() == [
        "-N JUPYTERFLEET-NFS",
        *[
            f"-A JUPYTERFLEET-NFS -i {i} -p {p} -m multiport --dports 111,2049 -j DROP"
            for i in ("docker0", "br-+", "docker_gwbridge")
            for p in ("tcp", "udp")
        ],
    ]


def test_a_notebook_on_a_worker_cannot_reach_the_nfs_server(nodes, manager_listening):
    seen = _from_a_notebook(nodes[CPU], nodes[MANAGER].ip, [*manager_listening, *OTHER])
    assert {s: seen[s] for s in OTHER} == {s: "open" for s in OTHER}  # the manager answers...
    assert {s: seen[s] for s in manager_listening} == {s: "timeout" for s in manager_listening}


def test_a_notebook_on_the_manager_cannot_reach_its_own_nfs_ports(nodes, manager_listening):
    seen = _from_a_notebook(nodes[MANAGER], nodes[MANAGER].ip, [*manager_listening, *OTHER])
    assert {s: seen[s] for s in OTHER} == {s: "open" for s in OTHER}
    assert {s: seen[s] for s in manager_listening} == {s: "timeout" for s in manager_listening}


def test_a_worker_itself_still_reaches_the_nfs_server(nodes, manager_listening):
    mgr = nodes[MANAGER].ip
    targets = [f"{s.split(':')[0]}:{mgr}:{s.split(':')[1]}" for s in manager_listening]
    seen = probe_lines(nodes[CPU].sh(f"python3 -c '{PROBE}' {' '.join(targets)}"))
    assert seen == {t: "open" for t in targets}


@pytest.mark.parametrize("name", [MANAGER, GPU, CPU])
def test_ipv6_chains_as_ip6tables_prints_them(nodes, name):
    node = nodes[name]
    assert node.sh("ip6tables -S INPUT").splitlines()[1] == "-A INPUT -j JUPYTERFLEET-SWARM"
    tcp = "2377,7946,5000" if name == MANAGER else "2377,7946"
    assert node.sh("ip6tables -S JUPYTERFLEET-SWARM").splitlines() == [
        "-N JUPYTERFLEET-SWARM",
        "-A JUPYTERFLEET-SWARM -i lo -j RETURN",  # the swarm is formed over IPv4: no member here
        f"-A JUPYTERFLEET-SWARM -p tcp -m multiport --dports {tcp} -j DROP",
        "-A JUPYTERFLEET-SWARM -p udp -m multiport --dports 7946,4789 -j DROP",
    ]
    node.sh("ip6tables-restore --test --noflush /etc/jupyterfleet/firewall6.rules")
    if name == MANAGER:
        assert node.sh("ip6tables -t mangle -S JUPYTERFLEET-HUB").splitlines() == [
            "-N JUPYTERFLEET-HUB",
            "-A JUPYTERFLEET-HUB -i lo -j RETURN",
            "-A JUPYTERFLEET-HUB -s fc00::/7 -j RETURN",
            f"-A JUPYTERFLEET-HUB -p tcp -m tcp --dport {HUB} -j DROP",
        ]
    else:
        assert "JUPYTERFLEET" not in node.sh("ip6tables -t mangle -S")


def test_a_non_member_reaches_no_fleet_port_over_ipv6(nodes):
    mgr = nodes[MANAGER]
    ports = (HUB, REGISTRY, *SWARM_TCP)
    with (
        ipv6_network(MANAGER) as address,
        listening(mgr.c, "::", *[f"tcp:{p}" for p in ports]) as stand_ins,
    ):
        for port in ports:  # Docker's proxy, the registry, swarm: or the stand-in
            assert mgr.sh(f"ss -Hltn6 'sport = :{port}'"), (port, stand_ins)
        deadline = time.monotonic() + 20
        while connect(address, CLOSED) != "refused" and time.monotonic() < deadline:
            time.sleep(1)
        assert connect(address, CLOSED) == "refused"  # the manager answers over IPv6...
        seen = {port: connect(address, port) for port in ports}
        assert seen == {port: "timeout" for port in ports}  # ...but not on the fleet's ports
