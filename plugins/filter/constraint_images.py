# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: constraint_images
short_description: Parse the seed's SPAWNER_CONSTRAINT_IMAGES string
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - Parses the C(SPAWNER_CONSTRAINT_IMAGES) encoding of the hub image the project started from,
    C(name:constraint,constraint->image;name2:constraint->image2), into a list of dicts.
  - An entry without C(:) (C(name->image)) has no constraints and keeps its whole name (the
    original hub config kept only the first character of it; this filter does not).
  - Empty entries, as left by a trailing C(;), are skipped. Whitespace around entries, names
    and images is ignored.
  - Names are lowercase letters, digits, C(_) and C(-), starting with a letter or digit, and
    unique. Constraints are checked like P(jupyterfleet.hub.placement_constraints#filter), images
    as docker image references C([registry[:port]/]path[:tag][@sha256:<64 hex digits>]).
  - A list in the output shape is accepted too, and validated.
  - See P(jupyterfleet.hub.to_constraint_images#filter) for the inverse.
positional: _input, gpus
options:
  _input:
    description:
      - The encoded string. V(null) or an empty string gives an empty list.
    type: raw
    required: true
  gpus:
    description:
      - The seed's C(SPAWNER_CONSTRAINT_WITH_GPUS), C(name->count;...). Each named entry gets a
        C(gpus) key with its count; a name that is no entry is an error.
    type: str
"""

EXAMPLES = r"""
- name: Read a SPAWNER_CONSTRAINT_IMAGES value
  ansible.builtin.debug:
    msg: "{{ seed_value | jupyterfleet.hub.constraint_images }}"
  vars:
    seed_value: "jetson:node.labels.calculation_type==gpu->hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4;\
      quant:node.labels.calculation_type==cpu->hsz1273327/quant-notebook:notebook-6.5.4"
  # => [{"name": "jetson", "constraints": ["node.labels.calculation_type==gpu"],
  #      "image": "hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4"},
  #     {"name": "quant", "constraints": ["node.labels.calculation_type==cpu"],
  #      "image": "hsz1273327/quant-notebook:notebook-6.5.4"}]

- name: An entry without constraints keeps its whole name
  ansible.builtin.debug:
    msg: "{{ 'cpu->jupyter/base-notebook:latest;' | jupyterfleet.hub.constraint_images }}"
  # => [{"name": "cpu", "constraints": [], "image": "jupyter/base-notebook:latest"}]
"""

RETURN = r"""
_value:
  description: One dict per entry, in the order of the string.
  type: list
  elements: dict
  contains:
    name:
      description: The entry's name (the user-name suffix in the original hub config).
      type: str
    constraints:
      description: Normalised placement constraints; empty for C(name->image).
      type: list
      elements: str
    image:
      description: The docker image reference.
      type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    apply_constraint_gpus,
    parse_constraint_images,
)


def constraint_images(value, gpus=None):
    """``name:c1,c2->image;name2->image2`` -> ``[{name, constraints, image}, ...]``."""
    try:
        return apply_constraint_gpus(parse_constraint_images(value), gpus)
    except ProfileError as exc:
        raise AnsibleFilterError(f"constraint_images: {exc}") from None


class FilterModule:
    def filters(self):
        return {"constraint_images": constraint_images}
