# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.placement_constraints import (
    FilterModule,
    placement_constraints,
)

EXPECTED = (
    "expected <key>==<value> or <key>!=<value>, key one of node.id, node.hostname, node.role, "
    "node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>"
)
VALUE = "expected a value with no whitespace and none of , ; -> = ! after"

GOOD = [
    ({"calculation_type": "gpu"}, ["node.labels.calculation_type==gpu"]),
    (
        {"zone": "b", "calculation_type": "cpu"},
        ["node.labels.calculation_type==cpu", "node.labels.zone==b"],
    ),
    ({"gpus": 8, "ratio": 1.5}, ["node.labels.gpus==8", "node.labels.ratio==1.5"]),
    ({}, []),
    (None, []),
    ([], []),
    (["node.labels.calculation_type==gpu"], ["node.labels.calculation_type==gpu"]),
    (
        ["node.labels.calculation_type == gpu", " node.role!= manager"],
        ["node.labels.calculation_type==gpu", "node.role!=manager"],
    ),
    (("node.hostname==ws1", "node.hostname==ws1"), ["node.hostname==ws1"]),
    (
        ["engine.labels.nvidia==true", "node.platform.arch==x86_64"],
        ["engine.labels.nvidia==true", "node.platform.arch==x86_64"],
    ),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert placement_constraints(value) == expected


BAD = [
    (["node.labels.gpu=yes"], f"'node.labels.gpu=yes' is not a placement constraint: {EXPECTED}"),
    (["node.labels.a==1", "gpu"], f"'gpu' is not a placement constraint: {EXPECTED}"),
    (
        ["node.role==admin"],
        "'node.role==admin' is not a placement constraint: node.role is manager or worker",
    ),
    (["node.labels.x==a b"], f"'node.labels.x==a b' is not a placement constraint: {VALUE} =="),
    ([None], f"None is not a placement constraint: {EXPECTED}"),
    (
        "node.labels.x==y",
        "'node.labels.x==y' is not a list of placement constraints or a dict of node labels",
    ),
    (3, "3 is not a list of placement constraints or a dict of node labels"),
    (
        {"calculation type": "gpu"},
        "node label name 'calculation type' is not valid: expected letters, digits, '.', '_' and '-', starting with a letter or digit",
    ),
    (
        {"gpu": True},
        "node label 'gpu' has value True: expected a string or a number (quote booleans)",
    ),
    (
        {"gpu": None},
        "node label 'gpu' has value None: expected a string or a number (quote booleans)",
    ),
    ({"gpu": "a,b"}, f"node label 'gpu' has value 'a,b': {VALUE.removesuffix(' after')}"),
    ({"gpu": ""}, f"node label 'gpu' has value '': {VALUE.removesuffix(' after')}"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(
        AnsibleFilterError, match=f"^{re.escape('placement_constraints: ' + message)}$"
    ):
        placement_constraints(value)


def test_filter_map():
    assert FilterModule().filters() == {"placement_constraints": placement_constraints}
