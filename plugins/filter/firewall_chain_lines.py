# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_chain_lines
short_description: The firewall role's chains' rules as iptables -S prints them
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Turns each chain (a dict with C(key) and C(rules), each rule the parameters of
    M(ansible.builtin.iptables): C(source), C(in_interface), C(protocol), C(destination_port),
    C(destination_ports), C(jump)) into the lines C(iptables -S) prints after C(-A <chain>):
    what the firewall role compares with the current rules and writes for its boot unit. A
    source of everyone (V(0.0.0.0/0), V(::/0)) is not printed.
positional: _input
options:
  _input:
    description: The chains.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Rules as iptables prints them
  ansible.builtin.debug:
    msg: "{{ chains | jupyterfleet.hub.firewall_chain_lines }}"
  vars:
    chains:
      - key: JUPYTERFLEET-HUB/ipv4
        rules:
          - {in_interface: lo, jump: RETURN}
          - {source: 10.0.0.0/8, jump: RETURN}
          - {protocol: tcp, destination_port: "8000", jump: DROP}
# -> {"JUPYTERFLEET-HUB/ipv4": ["-i lo -j RETURN", "-s 10.0.0.0/8 -j RETURN",
#     "-p tcp -m tcp --dport 8000 -j DROP"]}
"""

RETURN = r"""
_value:
  description: The lines of each chain, by its key.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._firewall import (
    chain_lines,
)


def firewall_chain_lines(chains):
    """Chains (key, rules) -> {key: [rule as iptables -S prints it]}."""
    try:
        return chain_lines(chains)
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError(f"firewall_chain_lines: malformed chain or rule: {exc}") from None


class FilterModule:
    def filters(self):
        return {"firewall_chain_lines": firewall_chain_lines}
