# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: gpu_request
short_description: Turn a GPU request into docker device_requests for one container
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - Turns a GPU request into the C(device_requests) list of one container, with Docker API keys
    (C(Driver), C(Count), C(DeviceIDs), C(Capabilities)), as docker-py's C(DeviceRequest) and
    DockerSpawner's C(extra_host_config) take them.
  - V(0), V(null), an empty string and V(false) give V([]) (no GPU).
  - V(all) or V(-1) request every GPU (C(Count=-1)); a whole number V(n) (or a digit string)
    requests V(n) GPUs.
  - A list of device ids, or a string with comma-separated ids (V(0,1)) or a single non-numeric
    id (V(GPU-3f1a...)), requests those devices (C(DeviceIDs)). Ids are GPU indexes or UUIDs; to
    request the single device with index 1, write V([1]), since V(1) is a count.
  - Anything else (a negative number other than -1, a float, V(true), an empty or repeated id)
    is an error naming the value.
positional: _input, driver
options:
  _input:
    description: The GPU request.
    type: raw
    required: true
  driver:
    description: The device driver.
    type: str
    default: nvidia
"""

EXAMPLES = r"""
- name: One GPU
  ansible.builtin.debug:
    msg: "{{ 1 | jupyterfleet.hub.gpu_request }}"
  # => [{"Driver": "nvidia", "Count": 1, "Capabilities": [["gpu"]]}]

- name: Every GPU
  ansible.builtin.debug:
    msg: "{{ 'all' | jupyterfleet.hub.gpu_request }}"
  # => [{"Driver": "nvidia", "Count": -1, "Capabilities": [["gpu"]]}]

- name: Two given GPUs
  ansible.builtin.debug:
    msg: "{{ '0,1' | jupyterfleet.hub.gpu_request }}"
  # => [{"Driver": "nvidia", "DeviceIDs": ["0", "1"], "Capabilities": [["gpu"]]}]
"""

RETURN = r"""
_value:
  description:
    - An empty list for no GPU, else one device request with C(Driver), C(Capabilities)
      (V([["gpu"]])) and either C(Count) or C(DeviceIDs).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._gpus import (
    gpu_request as _gpu_request,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)


def gpu_request(value, driver="nvidia"):
    """GPU request -> ``[{"Driver": ..., "Count"|"DeviceIDs": ..., "Capabilities": [["gpu"]]}]``."""
    try:
        return _gpu_request(value, driver=driver)
    except ProfileError as exc:
        raise AnsibleFilterError(f"gpu_request: {exc}") from None


class FilterModule:
    def filters(self):
        return {"gpu_request": gpu_request}
