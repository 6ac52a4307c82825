# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.profiles import FilterModule, profiles

GIB = 1024**3
GPU_CAPS = [["gpu"]]
OUTPUT_KEYS = [
    "name",
    "display_name",
    "description",
    "image",
    "constraints",
    "gpus",
    "cpu_limit",
    "cpu_guarantee",
    "mem_limit",
    "mem_guarantee",
    "environment",
    "default",
    "mem_limit_bytes",
    "mem_guarantee_bytes",
    "device_requests",
    "generic_resources",
    "placement",
]
MEMORY_EXPECTED = "expected a number with an optional K, M, G or T suffix, like 512M or 4G"
NAME_EXPECTED = "expected lowercase letters, digits, '_' and '-', starting with a letter or digit"


def full(**changes):
    """The normalised output of ``{"name": "cpu", "image": "busybox"}``, with changes."""
    result = {
        "name": "cpu",
        "display_name": "cpu",
        "description": "",
        "image": "busybox",
        "constraints": [],
        "gpus": 0,
        "cpu_limit": None,
        "cpu_guarantee": None,
        "mem_limit": None,
        "mem_guarantee": None,
        "environment": {},
        "default": True,
        "mem_limit_bytes": None,
        "mem_guarantee_bytes": None,
        "device_requests": [],
        "generic_resources": {},
        "placement": [],
    }
    result.update(changes)
    return result


CPU = {"name": "cpu", "image": "busybox"}

GOOD = [
    # minimal profile: every key filled in, the only profile is the default
    ([CPU], None, [full()]),
    # everything set
    (
        [
            {
                "name": "gpu-torch",
                "display_name": "PyTorch (1 GPU)",
                "description": "CUDA 11.8",
                "image": "registry.lan:5000/gpu-torch-notebook:pytorch2.0.1",
                "constraints": {"calculation_type": "gpu"},
                "gpus": 1,
                "cpu_limit": 8,
                "cpu_guarantee": 0.5,
                "mem_limit": "16G",
                "mem_guarantee": "1.5G",
                "environment": {"OMP_NUM_THREADS": 8},
                "default": True,
            }
        ],
        None,
        [
            full(
                name="gpu-torch",
                display_name="PyTorch (1 GPU)",
                description="CUDA 11.8",
                image="registry.lan:5000/gpu-torch-notebook:pytorch2.0.1",
                constraints=["node.labels.calculation_type==gpu"],
                gpus=1,
                cpu_limit=8.0,
                cpu_guarantee=0.5,
                mem_limit="16G",
                mem_guarantee="1.5G",
                environment={"OMP_NUM_THREADS": "8"},
                mem_limit_bytes=16 * GIB,
                mem_guarantee_bytes=1536 * 1024**2,
                device_requests=[{"Driver": "nvidia", "Count": 1, "Capabilities": GPU_CAPS}],
                generic_resources={"GPU": 1},
                placement=["node.labels.calculation_type==gpu"],
            )
        ],
    ),
    # no default given: the first becomes default; an explicit default elsewhere wins
    (
        [CPU, {"name": "gpu", "image": "busybox"}],
        None,
        [full(), full(name="gpu", display_name="gpu", default=False)],
    ),
    (
        [CPU, {"name": "gpu", "image": "busybox", "default": True}],
        None,
        [full(default=False), full(name="gpu", display_name="gpu", default=True)],
    ),
    # defaults fill absent keys; a present key (even null) wins
    (
        [CPU, {"name": "big", "image": "busybox", "mem_limit": None, "cpu_limit": 16}],
        {
            "mem_limit": "4G",
            "cpu_limit": 2,
            "environment": "TZ:UTC",
            "constraints": ["node.role==worker"],
        },
        [
            full(
                mem_limit="4G",
                mem_limit_bytes=4 * GIB,
                cpu_limit=2.0,
                environment={"TZ": "UTC"},
                constraints=["node.role==worker"],
                placement=["node.role==worker"],
            ),
            full(
                name="big",
                display_name="big",
                default=False,
                cpu_limit=16.0,
                environment={"TZ": "UTC"},
                constraints=["node.role==worker"],
                placement=["node.role==worker"],
            ),
        ],
    ),
    # constraints as strings are normalised; memory in plain bytes; environment as a string
    (
        [
            {
                "name": "cpu",
                "image": "busybox",
                "constraints": ["node.labels.calculation_type == cpu"],
                "mem_limit": 1073741824,
                "mem_guarantee": "512M",
                "environment": "URL:http://x:80;A:1",
                "cpu_limit": "1.5",
            }
        ],
        {},
        [
            full(
                constraints=["node.labels.calculation_type==cpu"],
                placement=["node.labels.calculation_type==cpu"],
                mem_limit="1073741824",
                mem_limit_bytes=GIB,
                mem_guarantee="512M",
                mem_guarantee_bytes=512 * 1024**2,
                environment={"URL": "http://x:80", "A": "1"},
                cpu_limit=1.5,
            )
        ],
    ),
    # guarantee equal to limit is fine; several GPUs
    (
        [
            {
                **CPU,
                "cpu_limit": 2,
                "cpu_guarantee": 2,
                "mem_limit": "1G",
                "mem_guarantee": "1024M",
                "gpus": 4,
            }
        ],
        {"gpus": 1},
        [
            full(
                cpu_limit=2.0,
                cpu_guarantee=2.0,
                mem_limit="1G",
                mem_guarantee="1024M",
                mem_limit_bytes=GIB,
                mem_guarantee_bytes=GIB,
                gpus=4,
                device_requests=[{"Driver": "nvidia", "Count": 4, "Capabilities": GPU_CAPS}],
                generic_resources={"GPU": 4},
            )
        ],
    ),
]


@pytest.mark.parametrize("value, defaults, expected", GOOD)
def test_good(value, defaults, expected):
    result = profiles(value, defaults)
    assert result == expected
    for profile in result:
        assert list(profile) == OUTPUT_KEYS


def test_output_passes_through_again():
    once = profiles([CPU, {"name": "gpu", "image": "busybox", "gpus": 1, "mem_limit": "2G"}])
    assert profiles(once) == once


P0 = "profiles: profiles[0] (cpu)"
P1 = "profiles: profiles[1] (gpu-torch)"
TORCH = {"name": "gpu-torch", "image": "busybox"}

BAD = [
    (
        [CPU, {**TORCH, "mem_limit": "4GB"}],
        None,
        f"{P1}: mem_limit '4GB' is not a memory size: {MEMORY_EXPECTED}",
    ),
    (
        [{**CPU, "mem_guarantee": "-1G"}],
        None,
        f"{P0}: mem_guarantee '-1G' is not a memory size: {MEMORY_EXPECTED}",
    ),
    (
        [{**CPU, "mem_limit": "4 G"}],
        None,
        f"{P0}: mem_limit '4 G' is not a memory size: {MEMORY_EXPECTED}",
    ),
    (
        [{**CPU, "mem_limit": ""}],
        None,
        f"{P0}: mem_limit '' is not a memory size: {MEMORY_EXPECTED}",
    ),
    ([], None, "profiles: expected at least one profile, got an empty list"),
    (None, None, "profiles: None is not a list of profile dicts"),
    ({"name": "cpu"}, None, "profiles: {'name': 'cpu'} is not a list of profile dicts"),
    (["cpu"], None, "profiles: profiles[0] 'cpu' is not a dict"),
    ([{"image": "busybox"}], None, "profiles: profiles[0]: name is required"),
    (
        [{"name": "GPU", "image": "busybox"}],
        None,
        f"profiles: profiles[0]: name 'GPU' is not a profile name: {NAME_EXPECTED}",
    ),
    (
        [{"name": "-x", "image": "busybox"}],
        None,
        f"profiles: profiles[0]: name '-x' is not a profile name: {NAME_EXPECTED}",
    ),
    ([{"name": "cpu"}], None, f"{P0}: image is required"),
    (
        [{"name": "cpu", "image": "Busybox"}],
        None,
        (
            f"{P0}: image 'Busybox' is not a docker image reference: path component 'Busybox' is not "
            "valid: expected lowercase letters and digits, separated by '.', '_', '__' or '-'"
        ),
    ),
    (
        [{**CPU, "mem_limt": "4G"}],
        None,
        (
            f"{P0}: unknown key 'mem_limt': expected one of name, display_name, description, image, "
            "constraints, gpus, cpu_limit, cpu_guarantee, mem_limit, mem_guarantee, environment, default"
        ),
    ),
    (
        [CPU, {"name": "cpu", "image": "alpine"}],
        None,
        "profiles: profiles[1] (cpu): name 'cpu' is already used by profiles[0]",
    ),
    (
        [{**CPU, "default": True}, {**TORCH, "default": True}],
        None,
        f"{P1}: default is true, but profiles[0] (cpu) is already the default: expected at most one default profile",
    ),
    ([{**CPU, "default": "yes"}], None, f"{P0}: default 'yes' is not true or false"),
    (
        [{**CPU, "cpu_limit": 1, "cpu_guarantee": 2}],
        None,
        f"{P0}: cpu_guarantee 2.0 is more than cpu_limit 1.0: expected cpu_guarantee <= cpu_limit",
    ),
    (
        [{**CPU, "mem_limit": "1G", "mem_guarantee": "1025M"}],
        None,
        (
            f"{P0}: mem_guarantee '1025M' ({1025 * 1024**2} bytes) is more than mem_limit '1G' "
            f"({GIB} bytes): expected mem_guarantee <= mem_limit"
        ),
    ),
    (
        [CPU, {**TORCH, "mem_limit": "4G"}],
        {"mem_guarantee": "8G"},
        (
            f"{P1}: mem_guarantee '8G' ({8 * GIB} bytes) is more than mem_limit '4G' ({4 * GIB} bytes): "
            "expected mem_guarantee <= mem_limit"
        ),
    ),
    (
        [{**CPU, "cpu_limit": 0}],
        None,
        f"{P0}: cpu_limit 0 is not a CPU count: expected a number greater than 0, like 0.5 or 2",
    ),
    (
        [{**CPU, "cpu_limit": "two"}],
        None,
        f"{P0}: cpu_limit 'two' is not a CPU count: expected a number greater than 0, like 0.5 or 2",
    ),
    (
        [{**CPU, "cpu_guarantee": True}],
        None,
        f"{P0}: cpu_guarantee True is not a CPU count: expected a number greater than 0, like 0.5 or 2",
    ),
    (
        [{**CPU, "cpu_limit": "nan"}],
        None,
        f"{P0}: cpu_limit 'nan' is not a CPU count: expected a number greater than 0, like 0.5 or 2",
    ),
    (
        [{**CPU, "gpus": "all"}],
        None,
        f"{P0}: gpus 'all' is not a GPU count: swarm reserves GPUs by count; expected a whole number >= 0",
    ),
    (
        [{**CPU, "gpus": -1}],
        None,
        f"{P0}: gpus -1 is not a GPU count: swarm reserves GPUs by count; expected a whole number >= 0",
    ),
    (
        [{**CPU, "gpus": True}],
        None,
        f"{P0}: gpus True is not a GPU count: swarm reserves GPUs by count; expected a whole number >= 0",
    ),
    (
        [{**CPU, "constraints": ["node.labels.gpu=yes"]}],
        None,
        (
            f"{P0}: constraints 'node.labels.gpu=yes' is not a placement constraint: expected "
            "<key>==<value> or <key>!=<value>, key one of node.id, node.hostname, node.role, "
            "node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>"
        ),
    ),
    (
        [{**CPU, "constraints": "node.role==worker"}],
        None,
        f"{P0}: constraints 'node.role==worker' is not a list of placement constraints or a dict of node labels",
    ),
    (
        [{**CPU, "environment": {"A-B": "1"}}],
        None,
        f"{P0}: environment 'A-B' is not an environment variable name: expected letters, digits and '_', not starting with a digit",
    ),
    (
        [{**CPU, "description": 5}],
        None,
        f"{P0}: description 5 is not a description: expected a string",
    ),
    (
        [{**CPU, "display_name": ["x"]}],
        None,
        f"{P0}: display_name ['x'] is not a display name: expected a string",
    ),
    ([{**CPU, "display_name": " "}], None, f"{P0}: display_name is empty: expected text or no key"),
    (
        [CPU],
        {"image": "busybox"},
        (
            "profiles: defaults: 'image' cannot have a default: expected one of description, constraints, "
            "gpus, cpu_limit, cpu_guarantee, mem_limit, mem_guarantee, environment"
        ),
    ),
    (
        [CPU],
        {"mem_limit": "4GB"},
        f"profiles: defaults: mem_limit '4GB' is not a memory size: {MEMORY_EXPECTED}",
    ),
    ([CPU], ["mem_limit"], "profiles: defaults ['mem_limit'] is not a dict"),
]


@pytest.mark.parametrize("value, defaults, message", BAD)
def test_bad(value, defaults, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape(message)}$"):
        profiles(value, defaults)


def test_filter_map():
    assert FilterModule().filters() == {"profiles": profiles}
