# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The preflight's check of the firewall role's hub client networks."""

from __future__ import annotations

import copy

import pytest
from ansible_collections.jupyterfleet.hub.plugins.module_utils._preflight import problems

BASE = {
    "mode": "single",
    "calc_label": "calculation_type",
    "hosts": [{"name": "ws1", "role": "manager", "gpus": [], "labels": {}}],
    "profiles": [],
    "hub": {
        "port": 8000,
        "hub_port": 8081,
        "proxy_api_port": 8001,
        "admin_users": ["admin"],
        "db_url": "",
        "ssl_key": "",
        "ssl_cert": "",
    },
    "storage": {"type": "local"},
}


def with_firewall(**firewall):
    data = copy.deepcopy(BASE)
    data["firewall"] = firewall
    return data


def test_the_base_fleet_has_no_problem():
    assert problems(BASE) == []


@pytest.mark.parametrize(
    "firewall",
    [
        {"enabled": True, "hub_client_networks": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]},
        {"enabled": True, "hub_client_networks": ["192.168.10.7", "192.168.10.7/32", "0.0.0.0/0"]},
        {"enabled": True, "hub_client_networks": None},  # not set: the role's default
        {"enabled": False, "hub_client_networks": ["not a network"]},
        {"enabled": False, "hub_client_networks": []},
    ],
)
def test_good(firewall):
    assert problems(with_firewall(**firewall)) == []


@pytest.mark.parametrize(
    ("networks", "message"),
    [
        (
            ["10.1.2.3/16"],
            (
                "firewall_hub_client_networks: '10.1.2.3/16' has host bits set; expected its network"
                " address 10.1.0.0/16 (or 10.1.2.3 alone for that one address)"
            ),
        ),
        (
            ["lab-net"],
            (
                "firewall_hub_client_networks: 'lab-net' is not an IPv4 network; expected a network"
                " such as 192.168.10.0/24 or a single address (IPv6 ones go to"
                " firewall_hub_client_networks_ipv6)"
            ),
        ),
        (
            ["fd00::/8"],
            (
                "firewall_hub_client_networks: 'fd00::/8' is not an IPv4 network; expected a network"
                " such as 192.168.10.0/24 or a single address (IPv6 ones go to"
                " firewall_hub_client_networks_ipv6)"
            ),
        ),
        (
            ["10.0.0.0/33"],
            "firewall_hub_client_networks: '10.0.0.0/33' is not an IPv4 network;",
        ),
        (
            ["300.1.1.1"],
            "firewall_hub_client_networks: '300.1.1.1' is not an IPv4 network;",
        ),
        (
            [],
            (
                "firewall_hub_client_networks: [] would close the hub to everyone; expected a list of"
                " IPv4 networks such as 192.168.10.0/24 (or firewall_enabled: false)"
            ),
        ),
        (
            "10.0.0.0/8",
            "firewall_hub_client_networks: '10.0.0.0/8' is not a list; expected a list of IPv4 networks",
        ),
    ],
)
def test_bad(networks, message):
    found = problems(with_firewall(enabled=True, hub_client_networks=networks))
    assert len(found) == 1, found
    assert found[0].startswith(message), found[0]


def test_every_bad_network_is_reported():
    found = problems(
        with_firewall(enabled=True, hub_client_networks=["10.0.0.0/8", "x", "10.1.2.3/16"])
    )
    assert [m.split(":")[1].split()[0] for m in found] == ["'x'", "'10.1.2.3/16'"]


@pytest.mark.parametrize(
    "networks",
    [["fc00::/7"], ["fd00:10::/64", "2001:db8::1", "2001:db8::1/128", "::/0"], [], None],
)
def test_good_ipv6(networks):
    assert problems(with_firewall(enabled=True, hub_client_networks_ipv6=networks)) == []


@pytest.mark.parametrize(
    ("networks", "message"),
    [
        (
            ["fd00:10::1/64"],
            (
                "firewall_hub_client_networks_ipv6: 'fd00:10::1/64' has host bits set; expected its"
                " network address fd00:10::/64 (or fd00:10::1 alone for that one address)"
            ),
        ),
        (
            ["10.0.0.0/8"],
            (
                "firewall_hub_client_networks_ipv6: '10.0.0.0/8' is not an IPv6 network; expected a"
                " network such as fd00:10::/64 or a single address"
            ),
        ),
        (
            ["FD00:0010::/64"],
            (
                "firewall_hub_client_networks_ipv6: 'FD00:0010::/64' is not written as ip6tables"
                " prints it; expected fd00:10::/64"
            ),
        ),
        (
            "fc00::/7",
            "firewall_hub_client_networks_ipv6: 'fc00::/7' is not a list;",
        ),
    ],
)
def test_bad_ipv6(networks, message):
    found = problems(with_firewall(enabled=True, hub_client_networks_ipv6=networks))
    assert len(found) == 1, found
    assert found[0].startswith(message), found[0]


@pytest.mark.parametrize("ports", [[111, 2049], [], ["20048"], None])
def test_good_nfs_ports(ports):
    assert problems(with_firewall(enabled=True, nfs_ports=ports)) == []


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        ([2049, 0], "firewall_nfs_ports: 0 is not a port; expected a number from 1 to 65535"),
        ([70000], "firewall_nfs_ports: 70000 is not a port;"),
        (["nfs"], "firewall_nfs_ports: 'nfs' is not a port;"),
        (2049, "firewall_nfs_ports: 2049 is not a list;"),
    ],
)
def test_bad_nfs_ports(ports, message):
    found = problems(with_firewall(enabled=True, nfs_ports=ports))
    assert len(found) == 1, found
    assert found[0].startswith(message), found[0]


def test_nothing_is_checked_when_the_firewall_is_off():
    off = with_firewall(enabled=False, hub_client_networks_ipv6="x", nfs_ports=[0])
    assert problems(off) == []
