# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: firewall_members
short_description: Each fleet host's addresses as swarm sees them, for the firewall
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    For each host, C(host=address) for its C(swarm_advertise_addr) (an address, C(address:port)
    or an interface name, read from the host's facts) or else its default IPv4 address, and
    one more for its C(swarm_data_path_addr) when set. C(host=) when the address is unknown
    (no facts). The firewall role lets these addresses reach the swarm's ports.
positional: _input, hostvars
options:
  _input:
    description: The fleet's hosts.
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Members
  ansible.builtin.debug:
    msg: "{{ ['ws1', 'ws2'] | jupyterfleet.hub.firewall_members(hostvars) }}"
# -> ["ws1=192.0.2.10", "ws2=192.0.2.11"]
"""

RETURN = r"""
_value:
  description: C(host=address) entries, in host order.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._firewall import (
    members,
)


def firewall_members(hosts, hostvars):
    """Hosts -> ["host=address", ...] as swarm sees them."""
    try:
        return members(hosts, hostvars)
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError(f"firewall_members: {exc}") from None


class FilterModule:
    def filters(self):
        return {"firewall_members": firewall_members}
