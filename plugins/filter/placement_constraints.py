# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: placement_constraints
short_description: Turn node labels or constraint strings into swarm placement constraints
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - Normalises the placement of a profile into the list of constraint strings that
    Docker Swarm (C(docker service create --constraint), SwarmSpawner C(extra_placement_spec))
    and the image pre-pull plan use.
  - A dict of node labels becomes one C(node.labels.<label>==<value>) per label, sorted by label.
  - A list of constraint strings is validated and returned with the whitespace around the
    operator removed; a repeated constraint is kept once.
  - A constraint is C(<key>==<value>) or C(<key>!=<value>). The key is one of C(node.id),
    C(node.hostname), C(node.role), C(node.platform.os), C(node.platform.arch),
    C(node.labels.<name>), C(engine.labels.<name>); a label name is letters, digits, C(.), C(_)
    and C(-), starting with a letter or digit. The value is not empty and has no whitespace and
    none of C(,) C(;) C(->) C(=) C(!). C(node.role) is C(manager) or C(worker).
  - Bad input fails with an error naming the constraint and what was expected.
positional: _input
options:
  _input:
    description:
      - A dict of node labels (values are strings or numbers), or a list of constraint strings.
      - V(null) gives an empty list.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Node labels to constraints
  ansible.builtin.debug:
    msg: "{{ {'calculation_type': 'gpu'} | jupyterfleet.hub.placement_constraints }}"
  # => ["node.labels.calculation_type==gpu"]

- name: Validate and normalise constraint strings
  ansible.builtin.debug:
    msg: "{{ ['node.labels.calculation_type == cpu', 'node.role!=manager']
             | jupyterfleet.hub.placement_constraints }}"
  # => ["node.labels.calculation_type==cpu", "node.role!=manager"]
"""

RETURN = r"""
_value:
  description: The normalised constraint strings, for example C(node.labels.calculation_type==gpu).
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._constraints import (
    placement_constraints as _placement_constraints,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)


def placement_constraints(value):
    """Node labels (dict) or constraint strings (list) -> normalised constraint strings."""
    try:
        return _placement_constraints(value)
    except ProfileError as exc:
        raise AnsibleFilterError(f"placement_constraints: {exc}") from None


class FilterModule:
    def filters(self):
        return {"placement_constraints": placement_constraints}
