# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.gpu_reservation import (
    FilterModule,
    gpu_reservation,
)

EXPECTED = "swarm reserves GPUs by count; expected a whole number >= 0"

GOOD = [
    (0, {}),
    (None, {}),
    (False, {}),
    ("", {}),
    ("0", {}),
    (1, {"GPU": 1}),
    (8, {"GPU": 8}),
    ("2", {"GPU": 2}),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert gpu_reservation(value) == expected


BAD = [
    ("all", f"'all' is not a GPU count: {EXPECTED}"),
    (-1, f"-1 is not a GPU count: {EXPECTED}"),
    ("-1", f"'-1' is not a GPU count: {EXPECTED}"),
    ("0,1", f"'0,1' is not a GPU count: {EXPECTED}"),
    (["GPU-3f1a"], f"['GPU-3f1a'] is not a GPU count: {EXPECTED}"),
    (1.5, f"1.5 is not a GPU count: {EXPECTED}"),
    (True, f"True is not a GPU count: {EXPECTED}"),
    ("two", f"'two' is not a GPU count: {EXPECTED}"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape('gpu_reservation: ' + message)}$"):
        gpu_reservation(value)


def test_docker_py_accepts_the_shape():
    docker_types = pytest.importorskip("docker.types")
    resources = docker_types.Resources(generic_resources=gpu_reservation(2))
    assert resources["Reservations"]["GenericResources"] == [
        {"DiscreteResourceSpec": {"Kind": "GPU", "Value": 2}}
    ]


def test_filter_map():
    assert FilterModule().filters() == {"gpu_reservation": gpu_reservation}
