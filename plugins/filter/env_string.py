# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: env_string
short_description: Parse the seed's A:1;B:2 environment encoding into a dict
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - Parses the C(SPAWNER_ENVIRONMENT) encoding of the hub image the project started from,
    C(A:1;B:2), into a dict.
  - Each entry is split on its first C(:), so values may contain C(:) (C(URL:http://x:80)).
    Whitespace around a name is ignored; a value is kept as written.
  - Names match C([A-Za-z_][A-Za-z0-9_]*) and appear once. Empty entries (a trailing C(;)) are
    skipped.
  - A dict is validated and returned with its values as strings (booleans must be quoted).
  - See P(jupyterfleet.hub.to_env_string#filter) for the inverse.
positional: _input
options:
  _input:
    description:
      - The encoded string, or a dict of variables. V(null) or an empty string gives V({}).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Read a SPAWNER_ENVIRONMENT value
  ansible.builtin.debug:
    msg: "{{ 'TZ:Asia/Shanghai;PIP_INDEX_URL:http://mirror.lan:3141/simple' | jupyterfleet.hub.env_string }}"
  # => {"TZ": "Asia/Shanghai", "PIP_INDEX_URL": "http://mirror.lan:3141/simple"}

- name: Validate a dict; values become strings
  ansible.builtin.debug:
    msg: "{{ {'OMP_NUM_THREADS': 4} | jupyterfleet.hub.env_string }}"
  # => {"OMP_NUM_THREADS": "4"}
"""

RETURN = r"""
_value:
  description: Variable names mapped to string values.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    env_string as _env_string,
)


def env_string(value):
    """``A:1;B:2`` (or a dict) -> ``{"A": "1", "B": "2"}``."""
    try:
        return _env_string(value)
    except ProfileError as exc:
        raise AnsibleFilterError(f"env_string: {exc}") from None


class FilterModule:
    def filters(self):
        return {"env_string": env_string}
