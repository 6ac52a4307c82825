# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: profiles
short_description: Validate and complete the notebook profile list
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - The profile list is the single source of truth for what users can spawn. This filter
    validates it and returns every profile with all keys set and the values the spawners,
    docker and swarm need derived from it.
  - Names are unique. At most one profile has O(_input[].default=true); if none has, the first
    one becomes the default.
  - O(defaults) fills the keys a profile does not have. A key that is present wins, even when it is
    V(null) (so O(_input[].cpu_limit=null) means no CPU limit despite a default);
    O(_input[].environment) and O(_input[].constraints) are replaced, not merged.
  - Unknown keys are errors. The derived keys of the output are accepted on input and recomputed,
    so the output can be passed through the filter again.
  - Errors name the profile by index and name, the key and what was expected.
positional: _input, defaults
options:
  _input:
    description: The profiles.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Identifier, lowercase letters, digits, C(_) and C(-), starting with a letter or digit.
        type: str
        required: true
      display_name:
        description: What the spawn form shows. Defaults to O(_input[].name).
        type: str
      description:
        description: A longer text for the spawn form.
        type: str
        default: ""
      image:
        description:
          - Docker image reference C([registry[:port]/]path[:tag][@sha256:<64 hex digits>]), with a
            lowercase path.
        type: str
        required: true
      constraints:
        description:
          - Where the notebook may run. A list of constraint strings or a dict of node labels,
            as P(jupyterfleet.hub.placement_constraints#filter) takes.
        type: raw
        default: []
      gpus:
        description: Number of GPUs each notebook gets, a whole number >= 0.
        type: int
        default: 0
      cpu_limit:
        description: CPU limit, a number > 0, or V(null) for none.
        type: float
      cpu_guarantee:
        description: CPU guarantee (reservation), a number > 0 and <= O(_input[].cpu_limit), or V(null).
        type: float
      mem_limit:
        description:
          - Memory limit, a number with an optional C(K), C(M), C(G) or C(T) suffix (powers of
            1024), like V(512M), V(4G) or V(1.5G); a number alone is bytes. V(null) for none.
        type: raw
      mem_guarantee:
        description: Memory guarantee (reservation), like O(_input[].mem_limit) and not above it.
        type: raw
      environment:
        description:
          - Extra environment of the notebook, a dict (or an C(A:1;B:2) string) as
            P(jupyterfleet.hub.env_string#filter) takes.
        type: raw
        default: {}
      default:
        description: Whether the spawn form preselects this profile.
        type: bool
        default: false
  defaults:
    description:
      - Values for the keys a profile does not set. Allowed keys are C(description),
        C(constraints), C(gpus), C(cpu_limit), C(cpu_guarantee), C(mem_limit), C(mem_guarantee)
        and C(environment), validated like the profile keys.
    type: dict
  seed:
    description:
      - The seed's C(SPAWNER_CONSTRAINT_IMAGES) (C(name:c1,c2->image;...), as
        P(jupyterfleet.hub.constraint_images#filter) reads it) adds one profile per entry, after
        the list's own, described V(from SPAWNER_CONSTRAINT_IMAGES). With O(seed) or
        O(seed_gpus) given, errors start with the inventory variable they come from
        (C(fleet_profiles) or C(fleet_seed_constraint_images)); this is the fleet role's and
        the preflight's one pipeline.
    type: str
  seed_gpus:
    description: The seed's C(SPAWNER_CONSTRAINT_WITH_GPUS) (C(name->count;...)) for O(seed).
    type: str
"""

EXAMPLES = r"""
- name: Normalise the profiles
  ansible.builtin.set_fact:
    fleet_profiles_resolved: "{{ fleet_profiles | jupyterfleet.hub.profiles(fleet_profile_defaults) }}"
  vars:
    fleet_profile_defaults:
      mem_limit: 8G
      cpu_limit: 4
    fleet_profiles:
      - name: cpu
        display_name: CPU notebook
        image: jupyter/scipy-notebook:2024-04-01
        constraints: {calculation_type: cpu}
      - name: gpu-torch
        display_name: PyTorch on one GPU
        image: registry.lan:5000/gpu-torch-notebook:pytorch2.0.1
        constraints: ["node.labels.calculation_type==gpu"]
        gpus: 1
        mem_limit: 16G
        mem_guarantee: 4G
  # __jupyterhub_profiles[1] =>
  #   name: gpu-torch
  #   display_name: PyTorch on one GPU
  #   description: ""
  #   image: registry.lan:5000/gpu-torch-notebook:pytorch2.0.1
  #   constraints: ["node.labels.calculation_type==gpu"]
  #   gpus: 1
  #   cpu_limit: 4.0
  #   cpu_guarantee: null
  #   mem_limit: 16G
  #   mem_guarantee: 4G
  #   environment: {}
  #   default: false
  #   mem_limit_bytes: 17179869184
  #   mem_guarantee_bytes: 4294967296
  #   device_requests: [{Driver: nvidia, Count: 1, Capabilities: [[gpu]]}]
  #   generic_resources: {GPU: 1}
  #   placement: ["node.labels.calculation_type==gpu"]
"""

RETURN = r"""
_value:
  description: The profiles in input order, each with every key below.
  type: list
  elements: dict
  contains:
    name:
      description: The profile's name.
      type: str
    display_name:
      description: The name shown in the spawn form.
      type: str
    description:
      description: The description, V("") if none.
      type: str
    image:
      description: The docker image reference.
      type: str
    constraints:
      description: The normalised placement constraints.
      type: list
      elements: str
    gpus:
      description: GPUs per notebook.
      type: int
    cpu_limit:
      description: CPU limit or V(null).
      type: float
    cpu_guarantee:
      description: CPU guarantee or V(null).
      type: float
    mem_limit:
      description: Memory limit as written (a number alone becomes a string of bytes) or V(null).
      type: str
    mem_guarantee:
      description: Memory guarantee as written or V(null).
      type: str
    environment:
      description: Extra environment, values as strings.
      type: dict
    default:
      description: Whether this is the default profile; exactly one profile has V(true).
      type: bool
    mem_limit_bytes:
      description: O(_input[].mem_limit) in bytes, or V(null).
      type: int
    mem_guarantee_bytes:
      description: O(_input[].mem_guarantee) in bytes, or V(null).
      type: int
    device_requests:
      description:
        - docker C(device_requests) for single-host mode, as from
          P(jupyterfleet.hub.gpu_request#filter); V([]) without GPUs.
      type: list
      elements: dict
    generic_resources:
      description:
        - Swarm generic-resource reservation, as from P(jupyterfleet.hub.gpu_reservation#filter);
          V({}) without GPUs.
      type: dict
    placement:
      description: The normalised placement constraints for swarm (same as RV(_value[].constraints)).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
    fleet_profiles,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
    profiles as _profiles,
)


def profiles(value, defaults=None, seed=None, seed_gpus=None):
    """Profile list (+ defaults, + the seed's encoding) -> normalised profiles with derived keys."""
    try:
        if seed is None and seed_gpus is None:
            return _profiles(value, defaults=defaults)
        return fleet_profiles(value, defaults, seed or "", seed_gpus or "")
    except ProfileError as exc:
        raise AnsibleFilterError(f"profiles: {exc}") from None


class FilterModule:
    def filters(self):
        return {"profiles": profiles}
