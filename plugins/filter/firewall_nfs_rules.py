# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_nfs_rules
short_description: The rules that keep containers off the NFS and rpcbind ports
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    For each interface containers' traffic comes in by, a V(DROP) of tcp and one of udp to the
    given ports, as parameters of M(ansible.builtin.iptables).
positional: _input, ports
options:
  _input:
    description: The interfaces (iptables names, C(+) wildcards allowed).
    type: list
    elements: str
    required: true
  ports:
    description: The ports.
    type: list
    elements: int
    required: true
"""

EXAMPLES = r"""
- name: NFS rules
  ansible.builtin.debug:
    msg: "{{ ['docker0'] | jupyterfleet.hub.firewall_nfs_rules([111, 2049]) }}"
# -> [{"in_interface": "docker0", "protocol": "tcp", "destination_ports": ["111", "2049"],
#      "jump": "DROP"}, {... "protocol": "udp" ...}]
"""

RETURN = r"""
_value:
  description: The rules, tcp then udp for each interface.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._firewall import (
    nfs_rules,
)


def firewall_nfs_rules(interfaces, ports):
    """Interfaces, ports -> DROP rules for tcp and udp."""
    try:
        return nfs_rules(interfaces, ports)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"firewall_nfs_rules: {exc}") from None


class FilterModule:
    def filters(self):
        return {"firewall_nfs_rules": firewall_nfs_rules}
