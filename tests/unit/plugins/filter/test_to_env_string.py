# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.env_string import env_string
from ansible_collections.jupyterfleet.hub.plugins.filter.to_env_string import (
    FilterModule,
    to_env_string,
)

GOOD = [
    ({"A": "1", "B": "2"}, "A:1;B:2"),
    ({"B": 2, "A": 1}, "A:1;B:2"),
    ({"URL": "http://x:80"}, "URL:http://x:80"),
    ({}, ""),
    (None, ""),
    ({"EMPTY": ""}, "EMPTY:"),
    ({"X": 1.5, "_y": "a b"}, "X:1.5;_y:a b"),
]


@pytest.mark.parametrize("value, expected", GOOD)
def test_good(value, expected):
    assert to_env_string(value) == expected


ROUND_TRIP = [
    "A:1;B:2",
    "URL:http://x:80",
    "",
    "PATH:/opt/conda/bin:/usr/bin;TZ:Asia/Shanghai",
    "A:;B:->,=",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip_from_string(text):
    assert to_env_string(env_string(text)) == text


BAD = [
    ({"A": "x;y"}, "environment variable A has value 'x;y': the A:1;B:2 encoding cannot carry ';'"),
    ({"A": ";"}, "environment variable A has value ';': the A:1;B:2 encoding cannot carry ';'"),
    (
        {"1A": "x"},
        "'1A' is not an environment variable name: expected letters, digits and '_', not starting with a digit",
    ),
    (
        {"A": False},
        "environment variable A has value False: expected a string or a number (quote booleans)",
    ),
    ("A:1", "'A:1' is not an environment: expected a dict"),
    ([], "[] is not an environment: expected a dict"),
]


@pytest.mark.parametrize("value, message", BAD)
def test_bad(value, message):
    with pytest.raises(AnsibleFilterError, match=f"^{re.escape('to_env_string: ' + message)}$"):
        to_env_string(value)


def test_filter_map():
    assert FilterModule().filters() == {"to_env_string": to_env_string}
