# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.gpu_request import (
    FilterModule,
    gpu_request,
)

EXPECTED = (
    "expected 0, a whole number of GPUs, -1 or 'all', or device ids as a list or a "
    "comma-separated string like '0,1'"
)
CAPS = [["gpu"]]


def count(n, driver="nvidia"):
    return [{"Driver": driver, "Count": n, "Capabilities": CAPS}]


def ids(*values, driver="nvidia"):
    return [{"Driver": driver, "DeviceIDs": list(values), "Capabilities": CAPS}]


GOOD = [
    (0, [], {}),
    (None, [], {}),
    ("", [], {}),
    (False, [], {}),
    ("0", [], {}),
    ("all", count(-1), {}),
    ("ALL", count(-1), {}),
    (-1, count(-1), {}),
    ("-1", count(-1), {}),
    (1, count(1), {}),
    (8, count(8), {}),
    ("2", count(2), {}),
    (" 3 ", count(3), {}),
    ("0,1", ids("0", "1"), {}),
    ("0, 1", ids("0", "1"), {}),
    (
        "GPU-3f1a2b3c-1111-2222-3333-444455556666",
        ids("GPU-3f1a2b3c-1111-2222-3333-444455556666"),
        {},
    ),
    ([1], ids("1"), {}),
    (["0", 3], ids("0", "3"), {}),
    (("GPU-a", "MIG-GPU-a/1/0"), ids("GPU-a", "MIG-GPU-a/1/0"), {}),
    (2, count(2, driver="amd"), {"driver": "amd"}),
]


@pytest.mark.parametrize("value, expected, kwargs", GOOD)
def test_good(value, expected, kwargs):
    assert gpu_request(value, **kwargs) == expected


BAD = [
    (-2, f"-2 is not a GPU request: {EXPECTED}"),
    ("-3", f"'-3' is not a GPU request: {EXPECTED}"),
    (1.5, f"1.5 is not a GPU request: {EXPECTED}"),
    (1.0, f"1.0 is not a GPU request: {EXPECTED}"),
    ("1.5", f"'1.5' is not a GPU request: {EXPECTED}"),
    ("+1", f"'+1' is not a GPU request: {EXPECTED}"),
    (True, f"True is not a GPU request: {EXPECTED}"),
    ({"count": 1}, f"{{'count': 1}} is not a GPU request: {EXPECTED}"),
    ([], "[] is not a GPU request: no device ids given (use 0 for no GPUs)"),
    (
        "0,",
        "'0,' is not a GPU request: device id '' is not an index or a GPU UUID like GPU-3f1a...",
    ),
    (
        "0,,1",
        "'0,,1' is not a GPU request: device id '' is not an index or a GPU UUID like GPU-3f1a...",
    ),
    (
        [""],
        "[''] is not a GPU request: device id '' is not an index or a GPU UUID like GPU-3f1a...",
    ),
    (
        [-1],
        "[-1] is not a GPU request: device id -1 is not an index or a GPU UUID like GPU-3f1a...",
    ),
    (
        [True],
        "[True] is not a GPU request: device id True is not an index or a GPU UUID like GPU-3f1a...",
    ),
    (
        "GPU a",
        "'GPU a' is not a GPU request: device id 'GPU a' is not an index or a GPU UUID like GPU-3f1a...",
    ),
    ("0,1,0", "'0,1,0' is not a GPU request: device id '0' is repeated"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape('gpu_request: ' + message)}$"):
        gpu_request(value)


@pytest.mark.parametrize("driver", ["", None, 3, "nv idia"])
def test_bad_driver(driver):
    message = (
        f"gpu_request: driver {driver!r} is not a device driver name: expected a name like nvidia"
    )
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape(message)}$"):
        gpu_request(1, driver=driver)


def test_docker_py_accepts_the_shape():
    docker_types = pytest.importorskip("docker.types")
    for value in ("all", 2, "0,1"):
        request = docker_types.DeviceRequest(**gpu_request(value)[0])
        assert request["Driver"] == "nvidia"
        assert request["Capabilities"] == CAPS


def test_filter_map():
    assert FilterModule().filters() == {"gpu_request": gpu_request}
