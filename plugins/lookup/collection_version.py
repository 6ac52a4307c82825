# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin: the version of the jupyterfleet.hub collection that runs."""

from __future__ import annotations

DOCUMENTATION = r"""
name: collection_version
author: jupyterfleet developers
short_description: The version of the running jupyterfleet.hub collection
version_added: 0.1.0
description:
  - Returns the version of the C(jupyterfleet.hub) collection this plugin belongs to, from
    C(galaxy.yml) in a source tree, else from C(MANIFEST.json) in an installed collection.
  - The jupyterhub role writes it into each backup's manifest.
options: {}
"""

EXAMPLES = r"""
- name: Which collection version runs
  ansible.builtin.debug:
    msg: "{{ lookup('jupyterfleet.hub.collection_version') }}"
"""

RETURN = r"""
_raw:
  description: The collection's version, one string.
  type: list
  elements: str
"""

import json
import os

import yaml
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

COLLECTION_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collection_version(collection_dir: str = COLLECTION_DIR) -> str:
    """The version in galaxy.yml (source tree), else in MANIFEST.json (installed collection)."""
    galaxy = os.path.join(collection_dir, "galaxy.yml")
    if os.path.isfile(galaxy):
        with open(galaxy, encoding="utf-8") as handle:
            return str(yaml.safe_load(handle)["version"])
    with open(os.path.join(collection_dir, "MANIFEST.json"), encoding="utf-8") as handle:
        return str(json.load(handle)["collection_info"]["version"])


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        try:
            return [collection_version()]
        except (OSError, KeyError, ValueError, yaml.YAMLError) as exc:
            raise AnsibleLookupError(f"jupyterfleet.hub.collection_version: {exc}") from exc
