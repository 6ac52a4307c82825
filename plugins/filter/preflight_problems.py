# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: preflight_problems
short_description: Whole-inventory checks that argument specs cannot express
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Takes a description of the fleet (mode, hosts with their GPUs and labels, normalised
    profiles, hub, database and storage settings) and returns one message per problem, each
    naming the variable at fault and what was expected. An empty list means none.
  - The preflight role builds the input from the inventory and fails with every message.
positional: _input
options:
  _input:
    description:
      - A dict with C(mode) (single or swarm), C(calc_label), C(hosts) (list of C(name), C(role),
        C(gpus) (list of GPU ids, or null when detected at run time), C(labels)), C(profiles)
        (as the profiles filter returns them), C(hub) (C(port), C(hub_port), C(proxy_api_port),
        C(admin_users), C(db_url), C(ssl_key), C(ssl_cert)) and C(storage) (C(type),
        C(nfs_host), C(nfs_server), C(nfs_export), C(bind_root)); optionally C(firewall)
        (C(enabled), C(hub_client_networks), null for the role's default).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Fail with every problem at once
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join('; ') }}"
  vars:
    problems: "{{ fleet | jupyterfleet.hub.preflight_problems }}"
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the fleet is consistent.
  type: list
  elements: str
"""

from ansible_collections.jupyterfleet.hub.plugins.module_utils._preflight import problems


def preflight_problems(data):
    """Fleet description -> list of problem messages."""
    return problems(data)


class FilterModule:
    def filters(self):
        return {"preflight_problems": preflight_problems}
