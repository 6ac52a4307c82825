"""The firewall role on the three-node swarm: swarm ports open to the fleet's nodes only, the hub
port to the client networks only (the RFC 1918 default), rules that come back at boot.

From this machine (not a member: it reaches the nodes from the lab bridge's gateway address) a
dropped port times out, while a closed port of the same node is refused: the node is reachable,
only the firewall stops the SYN.
"""

import pytest
from conftest import CPU, GPU, MANAGER
from netprobe import connect, outside_source

SWARM_TCP = (2377, 7946)
REGISTRY = 5000  # fleet_registry_port: the collection's registry on the first manager
HUB = 8000
CLOSED = 9  # nothing listens there: a reachable node refuses it
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def _probe_from(node, ip, port) -> str:
    """Connect from inside a lab node; "open", "refused" or "timeout"."""
    return node.sh(
        'python3 -c "import socket\n'
        f"s = socket.socket(); s.settimeout(3)\n"
        f"try:\n s.connect(('{ip}', {port})); print('open')\n"
        "except TimeoutError: print('timeout')\n"
        "except ConnectionRefusedError: print('refused')\"",
        check=False,
    )


def _members(nodes):
    """The nodes' addresses, sorted as the role sorts them (as strings)."""
    return sorted(f"{nodes[n].ip}/32" for n in (MANAGER, GPU, CPU))


@pytest.mark.parametrize("name", [MANAGER, GPU, CPU])
def test_swarm_chain_lets_exactly_the_members_through(nodes, name):
    node = nodes[name]
    # first, with the chain that keeps containers off NFS (test_firewall_containers.py), in
    # either order: neither accepts anything (RETURN or DROP), so each sees every packet. A
    # chain rebuilt later (a changed member list) is jumped to first again.
    assert sorted(node.sh("iptables -S INPUT").splitlines()[1:3]) == [
        "-A INPUT -j JUPYTERFLEET-NFS",
        "-A INPUT -j JUPYTERFLEET-SWARM",
    ]
    tcp = "2377,7946,5000" if name == MANAGER else "2377,7946"
    assert node.sh("iptables -S JUPYTERFLEET-SWARM").splitlines() == [
        "-N JUPYTERFLEET-SWARM",
        "-A JUPYTERFLEET-SWARM -i lo -j RETURN",
        *[f"-A JUPYTERFLEET-SWARM -s {m} -j RETURN" for m in _members(nodes)],
        f"-A JUPYTERFLEET-SWARM -p tcp -m multiport --dports {tcp} -j DROP",
        "-A JUPYTERFLEET-SWARM -p udp -m multiport --dports 7946,4789 -j DROP",
    ]


def test_hub_chain_is_on_the_hub_host_only(nodes):
    mgr = nodes[MANAGER]
    assert mgr.sh("iptables -t mangle -S PREROUTING").splitlines()[1] == (
        "-A PREROUTING -j JUPYTERFLEET-HUB"
    )
    assert mgr.sh("iptables -t mangle -S JUPYTERFLEET-HUB").splitlines() == [
        "-N JUPYTERFLEET-HUB",
        "-A JUPYTERFLEET-HUB -i lo -j RETURN",
        *[f"-A JUPYTERFLEET-HUB -s {n} -j RETURN" for n in RFC1918],
        f"-A JUPYTERFLEET-HUB -p tcp -m tcp --dport {HUB} -j DROP",
    ]
    for name in (GPU, CPU):
        assert "JUPYTERFLEET" not in nodes[name].sh("iptables -t mangle -S")


@pytest.mark.parametrize("name", [MANAGER, GPU, CPU])
def test_boot_unit_restores_a_valid_rules_file(nodes, name):
    node = nodes[name]
    node.sh("iptables-restore --test --noflush /etc/jupyterfleet/firewall.rules")
    assert node.sh("systemctl is-enabled jupyterfleet-firewall.service") == "enabled"
    rules = node.sh("grep -v '^#' /etc/jupyterfleet/firewall.rules").splitlines()
    live = node.sh("iptables -S JUPYTERFLEET-SWARM").splitlines()[1:]
    assert rules[:2] == ["*filter", ":JUPYTERFLEET-SWARM - [0:0]"]
    assert rules[2 : 2 + len(live)] == live
    assert ("*mangle" in rules) == (name == MANAGER)


def test_this_machine_is_no_member_and_cannot_reach_the_swarm_ports(nodes):
    mgr = nodes[MANAGER].ip
    assert connect(mgr, CLOSED) == "refused"  # the node answers this machine...
    for port in (*SWARM_TCP, REGISTRY):
        assert connect(mgr, port) == "timeout", port  # ...but not on these ports
    assert connect(nodes[CPU].ip, 7946) == "timeout"


def test_members_reach_the_managers_swarm_ports_and_registry(nodes):
    mgr = nodes[MANAGER].ip
    for name in (GPU, CPU):
        for port in (*SWARM_TCP, REGISTRY):
            assert _probe_from(nodes[name], mgr, port) == "open", (name, port)


def test_the_swarm_still_works_between_members(nodes):
    lines = nodes[MANAGER].sh("docker node ls --format '{{.Hostname}} {{.Status}}'").splitlines()
    assert sorted(lines) == sorted(f"{n} Ready" for n in (MANAGER, GPU, CPU))


def test_hub_port_is_open_to_this_machine(nodes):
    assert connect(nodes[MANAGER].ip, HUB) == "open"  # the lab bridge is in 172.16.0.0/12


def test_hub_port_is_closed_to_a_client_outside_the_networks(nodes):
    mgr = nodes[MANAGER].ip
    with outside_source() as source:  # 100.64.x.y: in none of the RFC 1918 ranges
        assert connect(mgr, CLOSED, source) == "refused"  # routed both ways...
        assert connect(mgr, HUB, source) == "timeout"  # ...and dropped on the hub port only


def test_hub_answers_on_loopback_of_the_hub_host(nodes):
    out = nodes[MANAGER].sh(
        'python3 -c "import urllib.request;'
        f" print(urllib.request.urlopen('http://127.0.0.1:{HUB}/hub/health', timeout=10).status)\""
    )
    assert out == "200"
