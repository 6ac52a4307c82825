# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.constraint_images import (
    constraint_images,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.profiles import profiles
from ansible_collections.jupyterfleet.hub.plugins.filter.to_constraint_images import (
    FilterModule,
    to_constraint_images,
)

SEED = (
    "jetson:node.labels.calculation_type==gpu"
    "->hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4;"
    "quant:node.labels.calculation_type==cpu->hsz1273327/quant-notebook:notebook-6.5.4"
)

GOOD = [
    ([], ""),
    (None, ""),
    ([{"name": "cpu", "image": "busybox"}], "cpu->busybox"),
    ([{"name": "cpu", "image": "busybox", "constraints": []}], "cpu->busybox"),
    (
        [{"name": "gpu", "image": "nb:1", "constraints": {"calculation_type": "gpu", "zone": "a"}}],
        "gpu:node.labels.calculation_type==gpu,node.labels.zone==a->nb:1",
    ),
    (
        [
            {"name": "a", "image": "x", "constraints": ["node.role == worker"], "gpus": 1},
            {"name": "b", "image": "registry.lan:5000/y:2", "display_name": "ignored"},
        ],
        "a:node.role==worker->x;b->registry.lan:5000/y:2",
    ),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert to_constraint_images(value) == expected


ROUND_TRIP = [
    SEED,
    "cpu->busybox",
    "a:node.role==worker,node.labels.x!=1->registry.lan:5000/team/nb:1.0;b->alpine",
    "",
    "gpu-torch:engine.labels.nvidia==yes->nb@sha256:" + "ab" * 32,
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip_from_string(text):
    assert to_constraint_images(constraint_images(text)) == text


def test_round_trip_from_profiles():
    result = profiles(
        [
            {"name": "gpu", "image": "nb-gpu:1", "constraints": {"calculation_type": "gpu"}},
            {"name": "cpu", "image": "nb-cpu:1"},
        ]
    )
    text = to_constraint_images(result)
    assert text == "gpu:node.labels.calculation_type==gpu->nb-gpu:1;cpu->nb-cpu:1"
    assert constraint_images(text) == [
        {k: p[k] for k in ("name", "constraints", "image")} for p in result
    ]


BAD = [
    ("cpu->busybox", "'cpu->busybox' is not a list of dicts with keys name, image and constraints"),
    ({"name": "a"}, "{'name': 'a'} is not a list of dicts with keys name, image and constraints"),
    (["cpu"], "entry 0 'cpu' is not a dict with keys name, image"),
    ([{"image": "busybox"}], "entry 0 has no name"),
    ([{"name": "a", "image": None}], "entry 0 has no image"),
    (
        [{"name": "A", "image": "busybox"}],
        (
            "entry 0 name 'A' is not a profile name: expected lowercase letters, digits, '_' and '-', "
            "starting with a letter or digit"
        ),
    ),
    (
        [{"name": "a", "image": "busybox"}, {"name": "b", "image": "x", "constraints": ["x=1"]}],
        (
            "entry 1 (b): 'x=1' is not a placement constraint: expected <key>==<value> or "
            "<key>!=<value>, key one of node.id, node.hostname, node.role, node.platform.os, "
            "node.platform.arch, node.labels.<name>, engine.labels.<name>"
        ),
    ),
    (
        [{"name": "a", "image": "a b"}],
        (
            "entry 0 (a): 'a b' is not a docker image reference: path component 'a b' is not valid: "
            "expected lowercase letters and digits, separated by '.', '_', '__' or '-'"
        ),
    ),
    (
        [{"name": "a", "image": "busybox"}, {"name": "a", "image": "busybox"}],
        "entry 1 name 'a' is already used by entry 0",
    ),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(
        AnsibleFilterError, match=f"^{re.escape('to_constraint_images: ' + message)}$"
    ):
        to_constraint_images(value)


def test_filter_map():
    assert FilterModule().filters() == {"to_constraint_images": to_constraint_images}
