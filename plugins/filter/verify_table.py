# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_table
short_description: Draw the rows of playbooks/verify.yml as one aligned table
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - >-
    Turns rows (dicts with C(check), C(where), C(status), C(detail)) into text lines with
    aligned columns CHECK, WHERE, RESULT, DETAIL, a title first and the number of problems
    (rows whose status is V(FAIL)) last.
positional: _input, title
options:
  _input:
    description: The rows.
    type: list
    elements: dict
    required: true
  title:
    description: First line of the table (none when empty).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Show the table
  ansible.builtin.debug:
    msg: "{{ rows | jupyterfleet.hub.verify_table('jupyterfleet verify') }}"
"""

RETURN = r"""
_value:
  description: The lines of the table.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.module_utils._verify import (
    VerifyError,
    table,
)


def verify_table(rows, title=""):
    """Rows -> aligned lines."""
    try:
        return table(rows, title)
    except VerifyError as exc:
        raise AnsibleFilterError(f"verify_table: {exc}") from None


class FilterModule:
    def filters(self):
        return {"verify_table": verify_table}
