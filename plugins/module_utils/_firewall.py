# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The firewall role's chains: the fleet's member addresses, and rules as iptables prints them.

Pure Python, used by the ``jupyterfleet.hub.firewall_*`` filters (roles/firewall/vars/main.yml).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PORT_SUFFIX = re.compile(r":[0-9]+$")
_IPV4ISH = re.compile(r"^[0-9.]+$")
EVERYONE = ("0.0.0.0/0", "::/0")


def _get(mapping, key, default=None):
    try:
        value = mapping[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


def members(hosts, hostvars) -> list[str]:
    """Each fleet host's addresses as swarm sees them, as ``host=address`` (``host=`` unknown).

    A host's swarm_advertise_addr (an address, address:port or interface name) or its default
    IPv4 address, and its swarm_data_path_addr when set (VXLAN traffic comes from there). An
    interface name is read from the host's facts; a port is dropped.
    """
    out = []
    for host in hosts:
        hv = hostvars[host]
        facts = _get(hv, "ansible_facts", {})
        if not isinstance(facts, Mapping):
            facts = {}
        data = _get(hv, "swarm_data_path_addr", "") or ""
        advertise = _get(hv, "swarm_advertise_addr", "") or _get(
            _get(facts, "default_ipv4", {}), "address", ""
        )
        for addr in [advertise] + ([data] if data else []):
            addr = _PORT_SUFFIX.sub("", str(addr))
            if not _IPV4ISH.match(addr):
                iface = _get(facts, addr.replace("-", "_"), {})
                addr = _get(_get(iface, "ipv4", {}), "address", addr)
            out.append(f"{host}={addr}")
    return out


def nfs_rules(interfaces, ports) -> list[dict]:
    """DROP of tcp and udp to the NFS and rpcbind ports, for traffic in by each interface."""
    dports = [str(int(p)) for p in ports]
    return [
        {"in_interface": i, "protocol": p, "destination_ports": list(dports), "jump": "DROP"}
        for i in interfaces
        for p in ("tcp", "udp")
    ]


def rule_line(rule: Mapping) -> str:
    """A rule (parameters of the iptables module) as ``iptables -S`` prints it after ``-A NAME``."""
    parts = []
    source = rule.get("source", "0.0.0.0/0")
    if source not in EVERYONE:
        parts.append(f"-s {source}")
    if "in_interface" in rule:
        parts.append(f"-i {rule['in_interface']}")
    if "protocol" in rule:
        parts.append(f"-p {rule['protocol']}")
    if "destination_port" in rule:
        parts.append(f"-m {rule['protocol']} --dport {rule['destination_port']}")
    if "destination_ports" in rule:
        parts.append("-m multiport --dports " + ",".join(str(p) for p in rule["destination_ports"]))
    parts.append(f"-j {rule['jump']}")
    return " ".join(parts)


def chain_lines(chains) -> dict[str, list[str]]:
    """Each chain's rules as ``iptables -S`` prints them, by chain key."""
    return {c["key"]: [rule_line(r) for r in c["rules"]] for c in chains}
