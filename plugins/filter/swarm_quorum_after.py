# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: swarm_quorum_after
short_description: Whether the swarm's managers keep their quorum once a node is removed
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Raft needs a majority of the managers that remain: with N managers after the removal, at
    least N // 2 + 1 of them must be reachable (V(Leader) or V(Reachable)). playbooks/remove-node.yml
    refuses to demote and remove a manager when they would not be.
  - >-
    Returns a dict with C(manager) (the node is a manager now), C(managers_after),
    C(reachable_after), C(needed) and C(keeps_quorum) (always true when the node is not a manager).
positional: _input, hostname
options:
  _input:
    description: >-
      The C(nodes) list of community.docker.docker_swarm_info (C(nodes=true), not verbose): each
      with C(ID), C(Hostname) and C(ManagerStatus) (V(Leader), V(Reachable), V(Unreachable), or empty
      for a worker).
    type: list
    elements: dict
    required: true
  hostname:
    description: Host name of the node to remove, as the swarm lists it.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse to break the managers' quorum
  ansible.builtin.assert:
    that: (swarm.nodes | jupyterfleet.hub.swarm_quorum_after('ws3')).keeps_quorum
"""

RETURN = r"""
_value:
  description: C(manager), C(managers_after), C(reachable_after), C(needed), C(keeps_quorum).
  type: dict
"""

from ansible.errors import AnsibleFilterError

_REACHABLE = ("Leader", "Reachable")


def swarm_quorum_after(nodes, hostname):
    """docker_swarm_info's nodes and the host name of the node to remove -> quorum after it."""
    if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
        raise AnsibleFilterError(
            "swarm_quorum_after: expected the list of nodes docker_swarm_info returns"
        )
    if not isinstance(hostname, str) or not hostname:
        raise AnsibleFilterError(
            f"swarm_quorum_after: expected a node's host name, got {hostname!r}"
        )
    managers = [n for n in nodes if n.get("ManagerStatus")]
    leaving = [n for n in managers if n.get("Hostname") == hostname]
    after = [n for n in managers if n.get("Hostname") != hostname]
    reachable = sum(1 for n in after if n.get("ManagerStatus") in _REACHABLE)
    needed = len(after) // 2 + 1
    return {
        "manager": bool(leaving),
        "managers_after": len(after),
        "reachable_after": reachable,
        "needed": needed,
        "keeps_quorum": not leaving or reachable >= needed,
    }


class FilterModule:
    def filters(self):
        return {"swarm_quorum_after": swarm_quorum_after}
