# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: to_env_string
short_description: Render a dict as the seed's A:1;B:2 environment encoding
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - The inverse of P(jupyterfleet.hub.env_string#filter) - renders a dict as C(A:1;B:2), names
    sorted.
  - Names are validated as in P(jupyterfleet.hub.env_string#filter). A value containing C(;) is an
    error, because the encoding cannot carry it.
positional: _input
options:
  _input:
    description:
      - Variable names mapped to strings or numbers. V(null) gives an empty string.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Render a SPAWNER_ENVIRONMENT value
  ansible.builtin.debug:
    msg: "{{ {'TZ': 'Asia/Shanghai', 'OMP_NUM_THREADS': 4} | jupyterfleet.hub.to_env_string }}"
  # => "OMP_NUM_THREADS:4;TZ:Asia/Shanghai"
"""

RETURN = r"""
_value:
  description: C(NAME:value) pairs joined by C(;), sorted by name; empty for an empty dict.
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    to_env_string as _to_env_string,
)


def to_env_string(value):
    """``{"A": 1, "B": "2"}`` -> ``A:1;B:2``."""
    try:
        return _to_env_string(value)
    except ProfileError as exc:
        raise AnsibleFilterError(f"to_env_string: {exc}") from None


class FilterModule:
    def filters(self):
        return {"to_env_string": to_env_string}
