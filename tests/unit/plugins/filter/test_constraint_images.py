# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.constraint_images import (
    FilterModule,
    constraint_images,
)

SEED = (
    "jetson:node.labels.calculation_type==gpu"
    "->hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4;"
    "quant:node.labels.calculation_type==cpu->hsz1273327/quant-notebook:notebook-6.5.4"
)
FORMAT = (
    "expected <name>:<constraint>,<constraint>-><image> or <name>-><image>, "
    "entries separated by ';'"
)
IMAGE = (
    "expected [registry[:port]/]path[:tag][@sha256:<64 hex digits>] with a lowercase path, "
    "like registry.lan:5000/team/notebook:1.0"
)
CONSTRAINT = (
    "expected <key>==<value> or <key>!=<value>, key one of node.id, node.hostname, node.role, "
    "node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>"
)


def entry(name, constraints, image):
    return {"name": name, "constraints": constraints, "image": image}


GOOD = [
    (
        SEED,
        [
            entry(
                "jetson",
                ["node.labels.calculation_type==gpu"],
                "hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4",
            ),
            entry(
                "quant",
                ["node.labels.calculation_type==cpu"],
                "hsz1273327/quant-notebook:notebook-6.5.4",
            ),
        ],
    ),
    # No ':' before '->': no constraints, and the WHOLE name (the seed kept only "c").
    ("cpu->jupyter/base-notebook:latest", [entry("cpu", [], "jupyter/base-notebook:latest")]),
    ("cpu->jupyter/base-notebook;", [entry("cpu", [], "jupyter/base-notebook")]),
    ("", []),
    (None, []),
    (";;", []),
    (
        " gpu : node.labels.a==1 , node.role!=manager -> registry.lan:5000/nb:1 ; cpu:->busybox ",
        [
            entry("gpu", ["node.labels.a==1", "node.role!=manager"], "registry.lan:5000/nb:1"),
            entry("cpu", [], "busybox"),
        ],
    ),
    (
        [{"name": "a", "constraints": {"calculation_type": "gpu"}, "image": "busybox"}],
        [entry("a", ["node.labels.calculation_type==gpu"], "busybox")],
    ),
    ([], []),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert constraint_images(value) == expected


def test_first_character_defect_is_not_copied():
    names = [e["name"] for e in constraint_images("quant->busybox;jetson->busybox")]
    assert names == ["quant", "jetson"]
    assert "q" not in names


BAD = [
    ("cpu", f"entry 'cpu' is not a constraint image: {FORMAT}"),
    ("cpu:node.role==worker", f"entry 'cpu:node.role==worker' is not a constraint image: {FORMAT}"),
    ("a->b->c", f"entry 'a->b->c' is not a constraint image: {FORMAT}"),
    (
        "->busybox",
        (
            "entry '->busybox' has name '': expected a name of lowercase letters, digits, '_' and '-', "
            "starting with a letter or digit"
        ),
    ),
    (
        "Gpu->busybox",
        (
            "entry 'Gpu->busybox' has name 'Gpu': expected a name of lowercase letters, digits, '_' "
            "and '-', starting with a letter or digit"
        ),
    ),
    ("a->busybox;a->alpine", "entry 'a->alpine' repeats the name 'a' of entry 'a->busybox'"),
    (
        "a:node.labels.gpu=yes->busybox",
        (
            f"entry 'a:node.labels.gpu=yes->busybox': 'node.labels.gpu=yes' is not a placement "
            f"constraint: {CONSTRAINT}"
        ),
    ),
    (
        "a:node.labels.x==1,->busybox",
        f"entry 'a:node.labels.x==1,->busybox': '' is not a placement constraint: {CONSTRAINT}",
    ),
    (
        "a->Busybox",
        (
            "entry 'a->Busybox': 'Busybox' is not a docker image reference: path component 'Busybox' "
            "is not valid: expected lowercase letters and digits, separated by '.', '_', '__' or '-'"
        ),
    ),
    ("a->", f"entry 'a->': '' is not a docker image reference: {IMAGE}"),
    (5, f"5 is not a constraint images string: {FORMAT}"),
    ([{"name": "a"}], "entry 0 has no image"),
    (
        [{"name": "a", "image": "busybox"}, {"name": "a", "image": "alpine"}],
        "entry 1 name 'a' is already used by entry 0",
    ),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape('constraint_images: ' + message)}$"):
        constraint_images(value)


def test_filter_map():
    assert FilterModule().filters() == {"constraint_images": constraint_images}


SEED_GPUS = [
    ("jetson->1", {"jetson": 1}),
    ("jetson->1;quant->0", {"jetson": 1, "quant": 0}),
    (" jetson -> 2 ; ", {"jetson": 2}),
    ("", {}),
    (None, {}),
]


@pytest.mark.parametrize("gpus, expected", SEED_GPUS)
def test_seed_gpus(gpus, expected):
    seed = "jetson:node.labels.calculation_type==gpu->gpu:1;quant->cpu:1"
    got = {e["name"]: e.get("gpus") for e in constraint_images(seed, gpus)}
    assert {k: v for k, v in got.items() if v is not None} == expected


SEED_GPUS_BAD = [
    ("jetson", "GPU entry 'jetson' is not a GPU count: expected name->count entries"),
    ("jetson->x", "GPU entry 'jetson->x' is not a GPU count"),
    ("jetson->-1", "GPU entry 'jetson->-1' is not a GPU count"),
    ("nano->1", "GPU entry 'nano->1' names 'nano', which is not an image entry; expected one of"),
    (3, "3 is not a GPU count string"),
]


@pytest.mark.parametrize("gpus, message", SEED_GPUS_BAD)
def test_seed_gpus_bad(gpus, message):
    with pytest.raises(AnsibleFilterError, match="^constraint_images: " + re.escape(message)):
        constraint_images("jetson->gpu:1;quant->cpu:1", gpus)
