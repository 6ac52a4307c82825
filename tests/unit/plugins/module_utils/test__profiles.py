# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the shared parsers in module_utils (_constraints, _images, _seed, _gpus,
_resources, _profiles): what they share, round trips between them, the profile list."""

from __future__ import annotations

import re

import pytest
from ansible_collections.jupyterfleet.hub.plugins.module_utils._constraints import (
    parse_constraint,
    placement_constraints,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._gpus import (
    gpu_request,
    gpu_reservation,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._images import (
    image_reference,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
    profiles,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._resources import (
    memory_to_bytes,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    env_string,
    parse_constraint_images,
    to_constraint_images,
    to_env_string,
)

SEED = (
    "jetson:node.labels.calculation_type==gpu"
    "->hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4;"
    "quant:node.labels.calculation_type==cpu->hsz1273327/quant-notebook:notebook-6.5.4"
)
DIGEST = "sha256:" + "0123456789abcdef" * 4
MEMORY_EXPECTED = "expected a number with an optional K, M, G or T suffix, like 512M or 4G"


def exactly(message):
    return f"^{re.escape(message)}$"


def test_profile_error_is_a_value_error():
    assert issubclass(ProfileError, ValueError)


# --- memory_to_bytes -----------------------------------------------------------------------

MEMORY_GOOD = [
    ("512M", 512 * 1024**2),
    ("4G", 4 * 1024**3),
    ("1.5G", 1536 * 1024**2),
    ("1K", 1024),
    ("2T", 2 * 1024**4),
    ("0.5K", 512),
    ("1048576", 1048576),
    (1048576, 1048576),
    (None, None),
]


@pytest.mark.parametrize("value, expected", MEMORY_GOOD)
def test_memory_to_bytes(value, expected):
    assert memory_to_bytes(value) == expected


MEMORY_BAD = [
    ("4GB", f"'4GB' is not a memory size: {MEMORY_EXPECTED}"),
    ("-1G", f"'-1G' is not a memory size: {MEMORY_EXPECTED}"),
    ("4 G", f"'4 G' is not a memory size: {MEMORY_EXPECTED}"),
    ("", f"'' is not a memory size: {MEMORY_EXPECTED}"),
    ("4g", f"'4g' is not a memory size: {MEMORY_EXPECTED}"),
    ("G", f"'G' is not a memory size: {MEMORY_EXPECTED}"),
    ("1.5", "'1.5' is not a memory size: a size without a suffix is a whole number of bytes"),
    ("0G", "'0G' is not a memory size: expected more than 0 bytes (null for no limit)"),
    (0, "0 is not a memory size: expected more than 0 bytes (null for no limit)"),
    (-5, "-5 is not a memory size: expected more than 0 bytes (null for no limit)"),
    (1.5, f"1.5 is not a memory size: {MEMORY_EXPECTED}"),
    (True, f"True is not a memory size: {MEMORY_EXPECTED}"),
]


@pytest.mark.parametrize("value, message", MEMORY_BAD)
def test_memory_to_bytes_bad(value, message):
    with pytest.raises(ProfileError, match=exactly(message)):
        memory_to_bytes(value)


# --- image_reference ---------------------------------------------------------------------

IMAGE_GOOD = [
    "jupyter/base-notebook",
    "jupyter/base-notebook:latest",
    "hsz1273327/gpu-torch-notebook:pytorch2.0.1-cuda11.8.0-notebook6.5.4",
    "registry.lan:5000/team/notebook:1.0",
    "localhost/notebook",
    "localhost:5000/a__b/c-d.e:_tag",
    f"ubuntu@{DIGEST}",
    f"registry.lan/x/y:1.0@{DIGEST}",
    "busybox",
    "10.0.0.5:5000/notebook:v1",
    "Registry.LAN/notebook",
]


@pytest.mark.parametrize("value", IMAGE_GOOD)
def test_image_reference(value):
    assert image_reference(value) == value


def test_image_reference_strips_whitespace():
    assert image_reference("  busybox:1 ") == "busybox:1"


IMAGE_BAD = [
    ("", "'' is not a docker image reference: expected "),
    ("Jupyter/Base", "'Jupyter/Base' is not a docker image reference: path component 'Base' "),
    ("busybox:", "'busybox:' is not a docker image reference: tag '' is not valid"),
    ("busybox:.x", "'busybox:.x' is not a docker image reference: tag '.x' is not valid"),
    ("busybox:" + "a" * 129, "is not a docker image reference: tag 'aaaa"),
    ("busybox@sha256:abc", "digest 'sha256:abc' is not sha256:<64 lowercase hex digits>"),
    (f"busybox@{DIGEST.upper()}", "is not a docker image reference: digest 'SHA256:"),
    ("reg_istry.lan/x", "registry 'reg_istry.lan' is not a host name with an optional :port"),
    ("a//b", "'a//b' is not a docker image reference: path component '' is not valid"),
    ("x-/y", "path component 'x-' is not valid"),
    ("my image", "path component 'my image' is not valid"),
    (5, "5 is not a docker image reference: expected [registry[:port]/]path"),
    ("a/" + "b" * 300, "the name before the tag is longer than 255 characters"),
]


@pytest.mark.parametrize("value, message", IMAGE_BAD)
def test_image_reference_bad(value, message):
    with pytest.raises(ProfileError, match=re.escape(message)):
        image_reference(value)


# --- parse_constraint --------------------------------------------------------------------

CONSTRAINT_GOOD = [
    ("node.labels.calculation_type==gpu", "node.labels.calculation_type==gpu"),
    (" node.labels.calculation_type == gpu ", "node.labels.calculation_type==gpu"),
    ("node.role!=manager", "node.role!=manager"),
    ("node.role==worker", "node.role==worker"),
    ("node.hostname==ws-01.lan", "node.hostname==ws-01.lan"),
    ("node.id==2ivku8v2gvtg4", "node.id==2ivku8v2gvtg4"),
    ("node.platform.os==linux", "node.platform.os==linux"),
    ("node.platform.arch!=aarch64", "node.platform.arch!=aarch64"),
    ("engine.labels.com.example.gpu==a100", "engine.labels.com.example.gpu==a100"),
    ("node.labels.Zone_1==eu/west:1", "node.labels.Zone_1==eu/west:1"),
]


@pytest.mark.parametrize("value, expected", CONSTRAINT_GOOD)
def test_parse_constraint(value, expected):
    assert parse_constraint(value) == expected


KEY_EXPECTED = (
    "expected <key>==<value> or <key>!=<value>, key one of node.id, node.hostname, node.role, "
    "node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>"
)
VALUE_EXPECTED = "expected a value with no whitespace and none of , ; -> = ! after"

CONSTRAINT_BAD = [
    ("node.labels.gpu=yes", f"'node.labels.gpu=yes' is not a placement constraint: {KEY_EXPECTED}"),
    ("node.labels==gpu", f"'node.labels==gpu' is not a placement constraint: {KEY_EXPECTED}"),
    ("node.label.x==gpu", f"'node.label.x==gpu' is not a placement constraint: {KEY_EXPECTED}"),
    ("node.labels.-x==1", f"'node.labels.-x==1' is not a placement constraint: {KEY_EXPECTED}"),
    ("node.name==ws1", f"'node.name==ws1' is not a placement constraint: {KEY_EXPECTED}"),
    ("", f"'' is not a placement constraint: {KEY_EXPECTED}"),
    (7, f"7 is not a placement constraint: {KEY_EXPECTED}"),
    (
        "node.labels.x==",
        f"'node.labels.x==' is not a placement constraint: {VALUE_EXPECTED} ==",
    ),
    (
        "node.labels.x!=a b",
        f"'node.labels.x!=a b' is not a placement constraint: {VALUE_EXPECTED} !=",
    ),
    (
        "node.labels.x==a,node.labels.y==b",
        f"'node.labels.x==a,node.labels.y==b' is not a placement constraint: {VALUE_EXPECTED} ==",
    ),
    (
        "node.labels.x==a->b",
        f"'node.labels.x==a->b' is not a placement constraint: {VALUE_EXPECTED} ==",
    ),
    (
        "node.labels.x==a;b",
        f"'node.labels.x==a;b' is not a placement constraint: {VALUE_EXPECTED} ==",
    ),
    (
        "node.labels.x==a==b",
        f"'node.labels.x==a==b' is not a placement constraint: {VALUE_EXPECTED} ==",
    ),
    (
        "node.role==boss",
        "'node.role==boss' is not a placement constraint: node.role is manager or worker",
    ),
]


@pytest.mark.parametrize("value, message", CONSTRAINT_BAD)
def test_parse_constraint_bad(value, message):
    with pytest.raises(ProfileError, match=exactly(message)):
        parse_constraint(value)


def test_placement_constraints_dedupes_and_keeps_order():
    assert placement_constraints(
        ["node.role==worker", "node.labels.a==1", "node.role == worker"]
    ) == [
        "node.role==worker",
        "node.labels.a==1",
    ]


def test_placement_constraints_output_parses_again():
    once = placement_constraints({"b": 2, "a": "x", "gpu.model": "a100"})
    assert once == ["node.labels.a==x", "node.labels.b==2", "node.labels.gpu.model==a100"]
    assert placement_constraints(once) == once


# --- round trips -------------------------------------------------------------------------


def test_seed_constraint_images_round_trip():
    entries = parse_constraint_images(SEED)
    assert to_constraint_images(entries) == SEED
    assert parse_constraint_images(to_constraint_images(entries)) == entries


def test_seed_first_character_defect_is_not_copied():
    # The seed's hub config turned `cpu->image` into the name "c"; we keep "cpu".
    assert parse_constraint_images("cpu->jupyter/base-notebook") == [
        {"name": "cpu", "constraints": [], "image": "jupyter/base-notebook"}
    ]


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"A": "1"},
        {"URL": "http://x:80/a?b=c", "A": ""},
        {"PATH": "/opt/conda/bin:/usr/bin", "_X": " spaced "},
        {"JSON": '{"a": 1}', "B": "x->y,z"},
    ],
)
def test_env_round_trip(env):
    assert env_string(to_env_string(env)) == env


# --- GPUs --------------------------------------------------------------------------------


def test_gpu_request_and_reservation_agree_on_counts():
    for count in range(9):
        requests = gpu_request(count)
        reservation = gpu_reservation(count)
        assert (requests[0]["Count"] if requests else 0) == reservation.get("GPU", 0)


# --- profiles ----------------------------------------------------------------------------


def test_profiles_output_is_a_fixed_point():
    once = profiles(
        [
            {"name": "cpu", "image": "busybox", "constraints": {"calculation_type": "cpu"}},
            {"name": "gpu", "image": "busybox", "gpus": 2, "mem_limit": 1024, "default": True},
        ],
        defaults={"cpu_limit": 1},
    )
    assert profiles(once) == once
    assert once[1]["mem_limit"] == "1024"
    assert [p["default"] for p in once] == [False, True]


def test_profiles_do_not_share_mutable_values_with_defaults():
    defaults = {"environment": {"A": "1"}, "constraints": ["node.role==worker"]}
    result = profiles(
        [{"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox"}], defaults
    )
    result[0]["environment"]["B"] = "2"
    result[0]["placement"].append("node.labels.x==y")
    assert result[1]["environment"] == {"A": "1"}
    assert result[1]["placement"] == ["node.role==worker"]
    assert result[0]["constraints"] == ["node.role==worker"]


def test_profiles_do_not_modify_input():
    data = [{"name": "a", "image": "busybox", "constraints": {"x": "y"}}]
    profiles(data)
    assert data == [{"name": "a", "image": "busybox", "constraints": {"x": "y"}}]


# --- the fleet's one pipeline (preflight and fleet role) ---------------------------------


def test_fleet_profiles_appends_the_seeds_profiles_after_the_lists_own():
    from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
        fleet_profiles,
    )

    got = fleet_profiles(
        [{"name": "cpu", "image": "busybox"}], {"mem_limit": "1G"}, SEED, "jetson->1"
    )
    assert [p["name"] for p in got] == ["cpu", "jetson", "quant"]
    assert [p["description"] for p in got] == [
        "",
        "from SPAWNER_CONSTRAINT_IMAGES",
        "from SPAWNER_CONSTRAINT_IMAGES",
    ]
    assert [p["gpus"] for p in got] == [0, 1, 0]
    assert {p["mem_limit"] for p in got} == {"1G"}
    assert got == profiles(got)


def test_fleet_profiles_errors_name_the_inventory_variable():
    from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
        fleet_profiles,
    )

    with pytest.raises(ProfileError, match=r"^fleet_seed_constraint_images / fleet_seed_"):
        fleet_profiles([{"name": "cpu", "image": "busybox"}], None, "bad entry", "")
    with pytest.raises(ProfileError, match=r"^fleet_profiles: profiles\[1\] \(cpu\): name"):
        fleet_profiles([{"name": "cpu", "image": "a"}, {"name": "cpu", "image": "b"}])


def test_the_preflight_and_the_filter_make_the_same_profiles():
    from ansible_collections.jupyterfleet.hub.plugins.filter.profiles import (
        profiles as profiles_filter,
    )
    from ansible_collections.jupyterfleet.hub.plugins.module_utils._preflight import _normalise

    raw = [{"name": "cpu", "image": "busybox", "cpu_limit": 2}]
    data = {
        "raw_profiles": raw,
        "profile_defaults": {"mem_limit": "2G"},
        "seed_constraint_images": SEED,
        "seed_constraint_with_gpus": "jetson->2",
        "hub": {"environment": {}},
    }
    assert _normalise(data) == []
    assert data["profiles"] == profiles_filter(
        raw, {"mem_limit": "2G"}, seed=SEED, seed_gpus="jetson->2"
    )
