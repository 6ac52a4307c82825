# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.env_string import (
    FilterModule,
    env_string,
)

NAME = "expected letters, digits and '_', not starting with a digit"

GOOD = [
    ("A:1;B:2", {"A": "1", "B": "2"}),
    ("URL:http://x:80", {"URL": "http://x:80"}),
    ("A:1;", {"A": "1"}),
    ("", {}),
    (None, {}),
    ("EMPTY:", {"EMPTY": ""}),
    (" A:1; _B2:x y ", {"A": "1", "_B2": "x y "}),
    (
        "PATH:/opt/conda/bin:/usr/bin;TZ:Asia/Shanghai",
        {"PATH": "/opt/conda/bin:/usr/bin", "TZ": "Asia/Shanghai"},
    ),
    ({"A": 1, "B": "x", "C": 1.5}, {"A": "1", "B": "x", "C": "1.5"}),
    ({"SEMI": "a;b"}, {"SEMI": "a;b"}),
    ({}, {}),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert env_string(value) == expected


BAD = [
    ("A", "entry 'A' is not an environment entry: expected NAME:value"),
    ("A:1;B", "entry 'B' is not an environment entry: expected NAME:value"),
    ("1A:x", f"'1A' is not an environment variable name: {NAME}"),
    (":x", f"'' is not an environment variable name: {NAME}"),
    ("A-B:x", f"'A-B' is not an environment variable name: {NAME}"),
    ("A:1;A:2", "entry 'A:2' sets A a second time"),
    ({"A B": "x"}, f"'A B' is not an environment variable name: {NAME}"),
    (
        {"A": True},
        "environment variable A has value True: expected a string or a number (quote booleans)",
    ),
    (
        {"A": None},
        "environment variable A has value None: expected a string or a number (quote booleans)",
    ),
    (
        {"A": [1]},
        "environment variable A has value [1]: expected a string or a number (quote booleans)",
    ),
    (["A:1"], "['A:1'] is not an environment: expected a dict or a string like A:1;B:2"),
    (5, "5 is not an environment: expected a dict or a string like A:1;B:2"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape('env_string: ' + message)}$"):
        env_string(value)


def test_filter_map():
    assert FilterModule().filters() == {"env_string": env_string}
