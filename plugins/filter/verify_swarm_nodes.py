# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_swarm_nodes
short_description: Compare the swarm's nodes with the inventory, one row of playbooks/verify.yml each
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    For each inventory host, finds its swarm node by host name and checks that it is V(ready),
    V(active) (not drained or paused), has the expected role, carries the expected labels and
    advertises exactly the expected GPUs as named generic resources.
  - A swarm node that no inventory host names is reported too.
  - Each row is a dict with C(check) (V(node)), C(where), C(status) (V(ok) or V(FAIL)) and C(detail).
positional: _input, expected, gpu_kind
options:
  _input:
    description: The C(nodes) list community.docker.docker_node_info returns.
    type: list
    elements: dict
    required: true
  expected:
    description:
      - One dict per inventory host with C(host), C(hostname), C(role), C(labels) (a dict, or
        V(null) when unknown) and C(gpus) (a list of ids, or V(null) when unknown).
    type: list
    elements: dict
    required: true
  gpu_kind:
    description: Generic-resource kind the GPUs are advertised under.
    type: str
    default: GPU
"""

EXAMPLES = r"""
- name: Rows for the nodes
  ansible.builtin.set_fact:
    rows: >-
      {{ node_info.nodes | jupyterfleet.hub.verify_swarm_nodes([{'host': 'gpu1', 'hostname': 'gpu1',
         'role': 'worker', 'labels': {'calculation_type': 'gpu'}, 'gpus': ['GPU-0']}]) }}
"""

RETURN = r"""
_value:
  description: One row per inventory host, then one per swarm node the inventory does not name.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._verify import (
    VerifyError,
    swarm_node_rows,
)


def verify_swarm_nodes(nodes, expected, gpu_kind="GPU"):
    """docker_node_info's nodes against the inventory's hosts -> rows."""
    try:
        return swarm_node_rows(nodes, expected, gpu_kind)
    except (VerifyError, KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError(f"verify_swarm_nodes: {exc}") from None


class FilterModule:
    def filters(self):
        return {"verify_swarm_nodes": verify_swarm_nodes}
