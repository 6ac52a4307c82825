# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: gpu_reservation
short_description: Turn a GPU count into swarm generic-resource reservations
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Turns a GPU count into the generic resources a swarm service reserves, C({"GPU": n}), as
    docker-py's C(Resources(generic_resources=...)) and SwarmSpawner's C(extra_resources_spec)
    take them. Nodes advertise their GPUs under the same kind, C(GPU).
  - V(0), V(null), an empty string and V(false) give V({}) (no reservation).
  - 'A positive whole number (or digit string) V(n) gives C({"GPU": n}).'
  - Swarm reserves GPUs by count, so V(all), V(-1), device ids, floats and V(true) are errors.
positional: _input
options:
  _input:
    description: The number of GPUs to reserve.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Reserve two GPUs
  ansible.builtin.debug:
    msg: "{{ 2 | jupyterfleet.hub.gpu_reservation }}"
  # => {"GPU": 2}

- name: No GPU
  ansible.builtin.debug:
    msg: "{{ 0 | jupyterfleet.hub.gpu_reservation }}"
  # => {}
"""

RETURN = r"""
_value:
  description: 'V({}) for no GPU, else C({"GPU": n}).'
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._gpus import (
    gpu_reservation as _gpu_reservation,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)


def gpu_reservation(value):
    """GPU count -> ``{"GPU": n}`` (``{}`` for none)."""
    try:
        return _gpu_reservation(value)
    except ProfileError as exc:
        raise AnsibleFilterError(f"gpu_reservation: {exc}") from None


class FilterModule:
    def filters(self):
        return {"gpu_reservation": gpu_reservation}
