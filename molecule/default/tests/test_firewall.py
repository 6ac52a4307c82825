"""The firewall role on one workstation: the hub port open to the client networks only (the
RFC 1918 default), filtered before Docker's DNAT; no swarm chain in single mode.

A dropped port times out while a closed port of the same node is refused: the node is
reachable, only the firewall stops the SYN.
"""

from netprobe import connect, outside_source

HUB = 8000
CLOSED = 9  # nothing listens there: a reachable node refuses it
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def _hub_ip(hub_url) -> str:
    return hub_url.split("//")[1].split(":")[0]


def test_hub_chain_filters_prerouting_first(host):
    prerouting = host.check_output("iptables -t mangle -S PREROUTING").splitlines()
    assert prerouting[1] == "-A PREROUTING -j JUPYTERFLEET-HUB"
    assert host.check_output("iptables -t mangle -S JUPYTERFLEET-HUB").splitlines() == [
        "-N JUPYTERFLEET-HUB",
        "-A JUPYTERFLEET-HUB -i lo -j RETURN",
        *[f"-A JUPYTERFLEET-HUB -s {n} -j RETURN" for n in RFC1918],
        f"-A JUPYTERFLEET-HUB -p tcp -m tcp --dport {HUB} -j DROP",
    ]


def test_no_swarm_chain_in_single_mode(host):
    assert "JUPYTERFLEET-SWARM" not in host.check_output("iptables -S")


def test_rules_use_the_backend_docker_uses(host):
    # Docker's chains and ours answer through the same iptables command (nf_tables here).
    assert "(nf_tables)" in host.check_output("iptables -V")
    assert "-N DOCKER" in host.check_output("iptables -t nat -S")


def test_boot_unit_restores_a_valid_rules_file(host):
    rules = host.file("/etc/jupyterfleet/firewall.rules")
    assert (rules.user, rules.mode) == ("root", 0o644)
    host.run_expect([0], "iptables-restore --test --noflush /etc/jupyterfleet/firewall.rules")
    lines = [line for line in rules.content_string.splitlines() if not line.startswith("#")]
    live = host.check_output("iptables -t mangle -S JUPYTERFLEET-HUB").splitlines()[1:]
    nfs = host.check_output("iptables -S JUPYTERFLEET-NFS").splitlines()[1:]
    assert lines == [
        "*filter",
        ":JUPYTERFLEET-NFS - [0:0]",
        *nfs,
        "-I INPUT 1 -j JUPYTERFLEET-NFS",
        "-I DOCKER-USER 1 -j JUPYTERFLEET-NFS",
        "COMMIT",
        "*mangle",
        ":JUPYTERFLEET-HUB - [0:0]",
        *live,
        "-I PREROUTING 1 -j JUPYTERFLEET-HUB",
        "COMMIT",
    ]
    unit = host.service("jupyterfleet-firewall")
    assert unit.is_enabled
    assert (
        "Before=network-pre.target docker.service"
        in host.file("/etc/systemd/system/jupyterfleet-firewall.service").content_string
    )


def test_hub_port_is_open_to_this_machine(hub_url):
    assert connect(_hub_ip(hub_url), HUB) == "open"  # the lab bridge is in 172.16.0.0/12


def test_hub_port_is_closed_to_a_client_outside_the_networks(hub_url):
    ip = _hub_ip(hub_url)
    with outside_source() as source:  # 100.64.x.y: in none of the RFC 1918 ranges
        assert connect(ip, CLOSED, source) == "refused"  # routed both ways...
        assert connect(ip, HUB, source) == "timeout"  # ...and dropped on the hub port only


def test_hub_answers_on_loopback(host, hub_url):
    # the hub's own check (roles/jupyterhub) asks 127.0.0.1, over HTTPS when the hub has it,
    # without checking the certificate (it is for the hub's names, not 127.0.0.1)
    scheme = hub_url.split(":", 1)[0]
    out = host.check_output(
        'python3 -c "import ssl, urllib.request;'
        f" print(urllib.request.urlopen('{scheme}://127.0.0.1:{HUB}/hub/health', timeout=10,"
        ' context=ssl._create_unverified_context()).status)"'
    )
    assert out == "200"
