# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: profiles_for_node
short_description: The profiles whose placement constraints let them run on a node
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Evaluates each profile's placement constraints against one node's attributes, as swarm
    does when it schedules a service, and returns the profiles that may run there.
  - Used to pre-pull exactly the images a node can be asked to run, and by preflight to find
    profiles that fit no node.
  - A label the node does not carry fails C(==) and passes C(!=), as in swarm.
positional: _input, node
options:
  _input:
    description: Profiles as the C(jupyterfleet.hub.profiles) filter returns them.
    type: list
    elements: dict
    required: true
  node:
    description:
      - The node, a dict with C(hostname), C(role) (V(manager) or V(worker)), C(labels) (dict),
        and optionally C(platform_os), C(platform_arch), C(engine_labels), C(id).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Images this GPU worker should hold
  ansible.builtin.debug:
    msg: >-
      {{ profiles | jupyterfleet.hub.profiles_for_node({'hostname': 'gpu1', 'role': 'worker',
         'labels': {'calculation_type': 'gpu'}}) | map(attribute='image') | unique }}
"""

RETURN = r"""
_value:
  description: The matching profiles, in their original order.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
    profiles_for_node as _profiles_for_node,
)


def profiles_for_node(profiles, node):
    """Profiles whose placement matches ``node``."""
    try:
        return _profiles_for_node(profiles, node)
    except ProfileError as exc:
        raise AnsibleFilterError(f"profiles_for_node: {exc}") from None


class FilterModule:
    def filters(self):
        return {"profiles_for_node": profiles_for_node}
