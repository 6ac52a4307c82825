# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The firewall role's filters: member addresses, NFS rules, rules as iptables -S prints them."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.firewall_chain_lines import (
    firewall_chain_lines,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.firewall_members import (
    firewall_members,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.firewall_nfs_rules import (
    firewall_nfs_rules,
)

FACTS = {
    "default_ipv4": {"address": "192.0.2.10"},
    "enp3s0": {"ipv4": {"address": "198.51.100.7"}},
    "br_lan": {"ipv4": {"address": "198.51.100.8"}},
}


@pytest.mark.parametrize(
    ("hostvars", "expected"),
    [
        ({"ansible_facts": FACTS}, ["h=192.0.2.10"]),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": "203.0.113.5"}, ["h=203.0.113.5"]),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": "203.0.113.5:2377"}, ["h=203.0.113.5"]),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": "enp3s0"}, ["h=198.51.100.7"]),
        # interface names with '-' are facts with '_'
        ({"ansible_facts": FACTS, "swarm_advertise_addr": "br-lan:2377"}, ["h=198.51.100.8"]),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": ""}, ["h=192.0.2.10"]),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": None}, ["h=192.0.2.10"]),
        (
            {"ansible_facts": FACTS, "swarm_data_path_addr": "enp3s0"},
            ["h=192.0.2.10", "h=198.51.100.7"],
        ),
        ({"ansible_facts": FACTS, "swarm_advertise_addr": "eth9"}, ["h=eth9"]),
        ({}, ["h="]),  # no facts: unknown
    ],
)
def test_members(hostvars, expected):
    assert firewall_members(["h"], {"h": hostvars}) == expected


def test_members_keep_the_hosts_order():
    hv = {
        n: {"ansible_facts": {"default_ipv4": {"address": a}}} for n, a in [("b", "2"), ("a", "1")]
    }
    assert firewall_members(["b", "a"], hv) == ["b=2", "a=1"]


def test_nfs_rules_drop_tcp_and_udp_per_interface():
    assert firewall_nfs_rules(["docker0", "br-+"], [111, "2049"]) == [
        {"in_interface": i, "protocol": p, "destination_ports": ["111", "2049"], "jump": "DROP"}
        for i in ("docker0", "br-+")
        for p in ("tcp", "udp")
    ]


def test_chain_lines_as_iptables_prints_them():
    chains = [
        {
            "key": "JUPYTERFLEET-SWARM/ipv4",
            "rules": [
                {"in_interface": "lo", "jump": "RETURN"},
                {"source": "192.0.2.10/32", "jump": "RETURN"},
                {"protocol": "tcp", "destination_ports": ["2377", "7946"], "jump": "DROP"},
            ],
        },
        {
            "key": "JUPYTERFLEET-HUB/ipv6",
            "rules": [
                {"source": "::/0", "jump": "RETURN"},
                {"source": "0.0.0.0/0", "jump": "RETURN"},
                {"source": "fd00::/8", "jump": "RETURN"},
                {"protocol": "tcp", "destination_port": "8000", "jump": "DROP"},
            ],
        },
        {"key": "EMPTY/ipv4", "rules": []},
    ]
    assert firewall_chain_lines(chains) == {
        "JUPYTERFLEET-SWARM/ipv4": [
            "-i lo -j RETURN",
            "-s 192.0.2.10/32 -j RETURN",
            "-p tcp -m multiport --dports 2377,7946 -j DROP",
        ],
        "JUPYTERFLEET-HUB/ipv6": [
            "-j RETURN",
            "-j RETURN",
            "-s fd00::/8 -j RETURN",
            "-p tcp -m tcp --dport 8000 -j DROP",
        ],
        "EMPTY/ipv4": [],
    }
    nfs = firewall_nfs_rules(["docker_gwbridge"], [2049])
    assert firewall_chain_lines([{"key": "k", "rules": nfs}])["k"] == [
        "-i docker_gwbridge -p tcp -m multiport --dports 2049 -j DROP",
        "-i docker_gwbridge -p udp -m multiport --dports 2049 -j DROP",
    ]


def test_a_rule_without_jump_is_an_error():
    with pytest.raises(AnsibleFilterError, match="^firewall_chain_lines: malformed"):
        firewall_chain_lines([{"key": "k", "rules": [{"source": "1.2.3.4/32"}]}])
