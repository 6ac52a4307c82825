# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin: a role of this collection's argument specs or defaults, by role name."""

from __future__ import annotations

DOCUMENTATION = r"""
name: role_data
author: jupyterfleet developers
short_description: Read a jupyterfleet.hub role's argument specs or defaults by role name
version_added: 0.1.0
description:
  - Returns, for each role name given, the parsed C(meta/argument_specs.yml) (its
    C(argument_specs) mapping, one key per entry point) or C(defaults/main.yml) of that role of
    the C(jupyterfleet.hub) collection, wherever the collection is installed.
  - This is how a role reads what another role of the collection declares (the preflight
    validates every role's inputs, the firewall falls back on other roles' default ports) without
    reaching into that role's files by path.
  - Values are returned as written in the file, not templated (a default that is a Jinja
    expression comes back as that string).
options:
  _terms:
    description: Names of roles of this collection (C(jupyterhub), not C(jupyterfleet.hub.jupyterhub)).
    type: list
    elements: str
    required: true
  part:
    description: What to read of each role.
    type: str
    choices: [argument_specs, defaults]
    default: argument_specs
"""

EXAMPLES = r"""
- name: The jupyterhub role's default port
  ansible.builtin.debug:
    msg: "{{ lookup('jupyterfleet.hub.role_data', 'jupyterhub', part='defaults').jupyterhub_port }}"

- name: The options of the swarm role's main entry point
  ansible.builtin.debug:
    msg: "{{ (lookup('jupyterfleet.hub.role_data', 'swarm')).main.options | list }}"
"""

RETURN = r"""
_raw:
  description: One mapping per role name, its argument specs (entry point name to spec) or its defaults.
  type: list
  elements: dict
"""

import os
import re

import yaml
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

ROLES_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles"
)
FILES = {"argument_specs": ("meta", "argument_specs.yml"), "defaults": ("defaults", "main.yml")}


def role_data(role: str, part: str, roles_dir: str = ROLES_DIR) -> dict:
    """The parsed argument specs (the ``argument_specs`` mapping) or defaults of one role."""
    if not isinstance(role, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", role):
        raise ValueError(
            f"role name {role!r}: expected a role of jupyterfleet.hub, e.g. 'jupyterhub'"
        )
    if part not in FILES:
        raise ValueError(f"part {part!r}: expected one of {', '.join(FILES)}")
    path = os.path.join(roles_dir, role, *FILES[part])
    if not os.path.isdir(os.path.join(roles_dir, role)):
        raise ValueError(
            f"role {role!r}: jupyterfleet.hub has no such role (looked in {roles_dir})"
        )
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data.get("argument_specs", {}) if part == "argument_specs" else data


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        part = self.get_option("part")
        try:
            return [role_data(term, part) for term in terms]
        except (ValueError, OSError, yaml.YAMLError) as exc:
            raise AnsibleLookupError(f"jupyterfleet.hub.role_data: {exc}") from exc
