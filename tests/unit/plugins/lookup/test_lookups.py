# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The role_data and collection_version lookups read the collection's own files by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.jupyterfleet.hub.plugins.lookup.collection_version import (
    collection_version,
)
from ansible_collections.jupyterfleet.hub.plugins.lookup.role_data import role_data

ROOT = Path(__file__).resolve().parents[4]


def test_defaults_of_a_role_by_name():
    assert role_data("jupyterhub", "defaults")["jupyterhub_port"] == 8000
    assert role_data("swarm", "defaults")["swarm_listen_port"] == 2377


def test_argument_specs_of_a_role_by_name():
    specs = role_data("swarm", "argument_specs")
    assert {"main", "unlock"} <= set(specs)
    assert "swarm_autolock" in specs["main"]["options"]


def test_a_role_without_defaults_has_none(tmp_path):
    (tmp_path / "bare" / "meta").mkdir(parents=True)
    assert role_data("bare", "defaults", roles_dir=str(tmp_path)) == {}


@pytest.mark.parametrize("name", ["nosuchrole", "../jupyterhub", "jupyterfleet.hub.swarm", ""])
def test_unknown_or_path_like_role_names_are_refused(name):
    with pytest.raises(ValueError, match="role"):
        role_data(name, "defaults")


def test_unknown_part_is_refused():
    with pytest.raises(ValueError, match="part"):
        role_data("swarm", "tasks")


def test_collection_version_from_galaxy_yml():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert collection_version(str(ROOT)) == str(galaxy["version"])


def test_collection_version_from_manifest_when_installed(tmp_path):
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"collection_info": {"version": "9.8.7"}}))
    assert collection_version(str(tmp_path)) == "9.8.7"
