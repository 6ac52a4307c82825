# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: to_constraint_images
short_description: Render profiles as the seed's SPAWNER_CONSTRAINT_IMAGES string
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - The inverse of P(jupyterfleet.hub.constraint_images#filter) - renders a list of dicts with
    the keys C(name), C(image) and optionally C(constraints) as
    C(name:constraint,constraint->image;name2->image2).
  - Full profile dicts (the output of P(jupyterfleet.hub.profiles#filter)) can be passed; other
    keys are ignored.
  - An entry without constraints is written C(name->image).
  - Names, constraints and images are validated as in P(jupyterfleet.hub.constraint_images#filter);
    names must be unique.
positional: _input
options:
  _input:
    description:
      - A list of dicts with keys C(name), C(image) and C(constraints) (a list of constraint
        strings or a dict of node labels; optional). V(null) gives an empty string.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Render the SPAWNER_CONSTRAINT_IMAGES value of the profiles
  ansible.builtin.debug:
    msg: "{{ fleet_profiles | jupyterfleet.hub.profiles | jupyterfleet.hub.to_constraint_images }}"
  vars:
    fleet_profiles:
      - name: gpu
        image: registry.lan:5000/gpu-notebook:1.0
        constraints: {calculation_type: gpu}
      - name: cpu
        image: jupyter/base-notebook:latest
  # => "gpu:node.labels.calculation_type==gpu->registry.lan:5000/gpu-notebook:1.0;cpu->jupyter/base-notebook:latest"
"""

RETURN = r"""
_value:
  description: The encoded string, entries joined by C(;); empty for an empty list.
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    to_constraint_images as _to_constraint_images,
)


def to_constraint_images(value):
    """``[{name, constraints, image}, ...]`` -> ``name:c1,c2->image;name2->image2``."""
    try:
        return _to_constraint_images(value)
    except ProfileError as exc:
        raise AnsibleFilterError(f"to_constraint_images: {exc}") from None


class FilterModule:
    def filters(self):
        return {"to_constraint_images": to_constraint_images}
