# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""swarm_quorum_after: remove-node.yml's refusal to break the managers' quorum."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.swarm_quorum_after import (
    FilterModule,
    swarm_quorum_after,
)


def swarm(*statuses):
    """Nodes m0, m1, ... with the given manager statuses ("" for a worker)."""
    return [
        {"ID": f"id{i}", "Hostname": f"m{i}", "ManagerStatus": s} for i, s in enumerate(statuses)
    ]


@pytest.mark.parametrize(
    ("nodes", "node", "expected"),
    [
        # three healthy managers: any one may go, two remain and both answer
        (swarm("Leader", "Reachable", "Reachable"), "m1", (True, 2, 2, 2, True)),
        # one of three is down: removing a healthy one leaves one of two, no majority
        (swarm("Leader", "Reachable", "Unreachable"), "m1", (True, 2, 1, 2, False)),
        # ... but removing the one that is down leaves two of two
        (swarm("Leader", "Reachable", "Unreachable"), "m2", (True, 2, 2, 2, True)),
        # five managers, two down: removing a healthy one leaves two of four, three needed
        (
            swarm("Leader", "Reachable", "Reachable", "Unreachable", "Unreachable"),
            "m2",
            (True, 4, 2, 3, False),
        ),
        # five managers, one down: three of four answer, three needed
        (
            swarm("Leader", "Reachable", "Reachable", "Reachable", "Unreachable"),
            "m2",
            (True, 4, 3, 3, True),
        ),
        # two managers: the other alone is a majority of one
        (swarm("Leader", "Reachable"), "m1", (True, 1, 1, 1, True)),
        # a worker never touches the quorum, even when it is already lost
        (swarm("Leader", "Unreachable", "Unreachable", ""), "m3", (False, 3, 1, 2, True)),
        # a host name the swarm does not list: nothing leaves
        (swarm("Leader", "", ""), "elsewhere", (False, 1, 1, 1, True)),
    ],
)
def test_quorum_after_the_removal(nodes, node, expected):
    got = swarm_quorum_after(nodes, node)
    keys = ("manager", "managers_after", "reachable_after", "needed", "keeps_quorum")
    assert tuple(got[k] for k in keys) == expected


@pytest.mark.parametrize(
    ("nodes", "node"), [("m0", "m0"), ([1], "m0"), (swarm("Leader"), ""), (swarm("Leader"), None)]
)
def test_bad_input_names_the_filter(nodes, node):
    with pytest.raises(AnsibleFilterError, match="^swarm_quorum_after: expected"):
        swarm_quorum_after(nodes, node)


def test_registered():
    assert FilterModule().filters()["swarm_quorum_after"] is swarm_quorum_after
