"""The firewall over IPv6 (issue 8, item 6), on one workstation.

Docker's proxy publishes the hub's port on IPv6 too, where the host has IPv6 when Docker starts.
The lab network has no IPv6, so the test puts the workstation on an IPv6 network of this machine
for its duration, and this machine (no member of the fleet, from 2001:db8::, outside
firewall_hub_client_networks_ipv6) probes it: the hub port is dropped (times out) while a closed
port is refused (the node answers over IPv6). Docker in the lab node started without IPv6 and
publishes the hub on IPv4 only: an IPv6-only listener on the hub port stands in for its proxy.
"""

import time

import docker
from conftest import NODE
from netprobe import connect, ipv6_network, listening

HUB = 8000
CLOSED = 9


def test_ipv6_hub_chain_filters_prerouting_first(host):
    assert host.check_output("ip6tables -t mangle -S PREROUTING").splitlines()[1] == (
        "-A PREROUTING -j JUPYTERFLEET-HUB"
    )
    assert host.check_output("ip6tables -t mangle -S JUPYTERFLEET-HUB").splitlines() == [
        "-N JUPYTERFLEET-HUB",
        "-A JUPYTERFLEET-HUB -i lo -j RETURN",
        "-A JUPYTERFLEET-HUB -s fc00::/7 -j RETURN",
        f"-A JUPYTERFLEET-HUB -p tcp -m tcp --dport {HUB} -j DROP",
    ]
    assert "JUPYTERFLEET-SWARM" not in host.check_output("ip6tables -S")


def test_ipv6_boot_file_and_unit(host):
    rules = host.file("/etc/jupyterfleet/firewall6.rules")
    assert (rules.user, rules.mode) == ("root", 0o644)
    host.run_expect([0], "ip6tables-restore --test --noflush /etc/jupyterfleet/firewall6.rules")
    lines = [line for line in rules.content_string.splitlines() if not line.startswith("#")]
    live = host.check_output("ip6tables -t mangle -S JUPYTERFLEET-HUB").splitlines()[1:]
    assert lines == [
        "*mangle",
        ":JUPYTERFLEET-HUB - [0:0]",
        *live,
        "-I PREROUTING 1 -j JUPYTERFLEET-HUB",
        "COMMIT",
    ]
    unit = host.file("/etc/systemd/system/jupyterfleet-firewall.service").content_string
    assert (
        "ExecStart=/usr/sbin/ip6tables-restore --wait 10 --noflush /etc/jupyterfleet/firewall6.rules"
        in unit
    )


def test_hub_port_is_closed_over_ipv6_to_a_client_outside_the_networks(host):
    node = docker.from_env().containers.get(NODE)
    with ipv6_network(NODE) as address, listening(node, "::", f"tcp:{HUB}"):
        # Docker's proxy on [::]:8000, or the stand-in
        assert host.run(f"ss -Hltn6 'sport = :{HUB}'").stdout.strip()
        deadline = time.monotonic() + 20
        while connect(address, CLOSED) != "refused" and time.monotonic() < deadline:
            time.sleep(1)
        assert connect(address, CLOSED) == "refused"  # the node answers this machine over IPv6...
        assert connect(address, HUB) == "timeout"  # ...but not on the hub port
