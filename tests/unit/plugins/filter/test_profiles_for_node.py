# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.profiles import profiles
from ansible_collections.jupyterfleet.hub.plugins.filter.profiles_for_node import (
    FilterModule,
    profiles_for_node,
)

PROFILES = profiles(
    [
        {"name": "any", "image": "nb:1"},
        {"name": "cpu", "image": "nb:1", "constraints": {"calculation_type": "cpu"}},
        {"name": "gpu", "image": "gpu:1", "constraints": ["node.labels.calculation_type==gpu"]},
        {"name": "not-mgr", "image": "nb:1", "constraints": ["node.role!=manager"]},
        {"name": "on-ws2", "image": "nb:1", "constraints": ["node.hostname==ws2"]},
        {
            "name": "big-gpu",
            "image": "gpu:1",
            "constraints": ["node.labels.calculation_type==gpu", "node.labels.vram!=small"],
        },
        {"name": "arm", "image": "nb:1", "constraints": ["node.platform.arch==aarch64"]},
    ]
)

MANAGER = {"hostname": "mgr", "role": "manager", "labels": {"calculation_type": "cpu"}}
GPU = {"hostname": "ws1", "role": "worker", "labels": {"calculation_type": "gpu"}}
SMALL_GPU = {
    "hostname": "ws3",
    "role": "worker",
    "labels": {"calculation_type": "gpu", "vram": "small"},
    "platform_arch": "x86_64",
}
CPU2 = {"hostname": "ws2", "role": "worker", "labels": {"calculation_type": "cpu"}}
BARE = {"hostname": "bare", "role": "worker", "labels": {}, "platform_arch": "aarch64"}

GOOD = [
    (MANAGER, ["any", "cpu"]),
    (GPU, ["any", "gpu", "not-mgr", "big-gpu"]),
    (SMALL_GPU, ["any", "gpu", "not-mgr"]),
    (CPU2, ["any", "cpu", "not-mgr", "on-ws2"]),
    (BARE, ["any", "not-mgr", "arm"]),
]


@pytest.mark.parametrize("node, names", GOOD)
def test_good(node, names):
    assert [p["name"] for p in profiles_for_node(PROFILES, node)] == names


def test_raw_profiles_with_constraints_key():
    raw = [{"name": "x", "constraints": {"calculation_type": "gpu"}}]
    assert profiles_for_node(raw, GPU) == raw
    assert profiles_for_node(raw, CPU2) == []


NODE_EXPECTED = (
    "expected a dict with hostname (str), role (manager or worker), labels (dict) and"
    " optionally platform_os, platform_arch, engine_labels (dict)"
)
BAD = [
    ("mgr", PROFILES, f"'mgr' is not a node: {NODE_EXPECTED}"),
    ({"hostname": "a", "role": "boss", "labels": {}}, PROFILES, "is not a node"),
    ({"role": "worker", "labels": {}}, PROFILES, "is not a node"),
    ({"hostname": "a", "role": "worker", "labels": ["x"]}, PROFILES, "is not a node"),
    (GPU, "nope", "'nope' is not a list of profiles"),
    (GPU, [{"image": "x"}], "profiles[0] {'image': 'x'} is not a profile"),
    (GPU, [{"name": "x", "constraints": ["gpu=yes"]}], "'gpu=yes' is not a placement constraint"),
]


@pytest.mark.parametrize("node, profs, message", BAD)
def test_bad(node, profs, message):
    with pytest.raises(AnsibleFilterError, match=re.escape("profiles_for_node: ")):
        profiles_for_node(profs, node)
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        profiles_for_node(profs, node)


def test_registered():
    assert FilterModule().filters()["profiles_for_node"] is profiles_for_node
