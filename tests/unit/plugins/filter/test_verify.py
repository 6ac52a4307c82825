# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""verify_swarm_nodes and verify_table: the node rows and the table of playbooks/verify.yml."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.jupyterfleet.hub.plugins.filter.verify_swarm_nodes import (
    FilterModule as NodesFilters,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.verify_swarm_nodes import (
    verify_swarm_nodes,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.verify_table import (
    FilterModule as TableFilters,
)
from ansible_collections.jupyterfleet.hub.plugins.filter.verify_table import verify_table


def node(hostname, state="ready", availability="active", role="worker", labels=None, gpus=()):
    resources = [{"NamedResourceSpec": {"Kind": "GPU", "Value": g}} for g in gpus]
    return {
        "ID": f"id-{hostname}",
        "Description": {"Hostname": hostname, "Resources": {"GenericResources": resources}},
        "Spec": {"Availability": availability, "Role": role, "Labels": labels or {}},
        "Status": {"State": state},
    }


def want(host, role="worker", labels=None, gpus=None, hostname=None):
    return {
        "host": host,
        "hostname": hostname or host,
        "role": role,
        "labels": labels,
        "gpus": gpus,
    }


HEALTHY = [
    node("mgr", role="manager", labels={"calculation_type": "cpu"}),
    node("gpu", labels={"calculation_type": "gpu"}, gpus=["GPU-a", "GPU-b"]),
    node("cpu", labels={"calculation_type": "cpu", "extra": "x"}),
]
EXPECTED = [
    want("mgr", "manager", {"calculation_type": "cpu"}, []),
    want("gpu", "worker", {"calculation_type": "gpu"}, ["GPU-b", "GPU-a"]),
    want("cpu", "worker", {"calculation_type": "cpu"}, []),
]


def test_healthy_swarm_is_all_ok():
    rows = verify_swarm_nodes(HEALTHY, EXPECTED)
    assert [(r["where"], r["status"]) for r in rows] == [
        ("mgr", "ok"),
        ("gpu", "ok"),
        ("cpu", "ok"),
    ]
    assert "GPU-a, GPU-b" in rows[1]["detail"]
    assert "calculation_type=gpu" in rows[1]["detail"]


def test_drained_node_is_named():
    nodes = [*HEALTHY[:2], node("cpu", availability="drain", labels={"calculation_type": "cpu"})]
    rows = verify_swarm_nodes(nodes, EXPECTED)
    bad = [r for r in rows if r["status"] == "FAIL"]
    assert len(bad) == 1
    assert bad[0]["where"] == "cpu"
    assert bad[0]["detail"] == "availability drain (expected active)"


def test_down_node_wrong_label_missing_gpu_and_role():
    nodes = [
        node("mgr", state="down", role="manager", labels={"calculation_type": "cpu"}),
        node("gpu", labels={"calculation_type": "cpu"}, gpus=["GPU-a"]),
        node("cpu", role="manager", labels={"calculation_type": "cpu"}),
    ]
    rows = {r["where"]: r for r in verify_swarm_nodes(nodes, EXPECTED)}
    assert rows["mgr"]["detail"] == "status down (expected ready)"
    assert "labels calculation_type=cpu (expected calculation_type=gpu)" in rows["gpu"]["detail"]
    assert "GPUs GPU-a advertised (expected GPU-a, GPU-b)" in rows["gpu"]["detail"]
    assert rows["cpu"]["detail"] == "role manager (expected worker)"


def test_missing_node_and_stranger():
    nodes = [*HEALTHY[:2], node("old", state="down")]
    rows = verify_swarm_nodes(nodes, EXPECTED)
    assert {"where": "cpu", "status": "FAIL"}.items() <= rows[2].items()
    assert "not a node of the swarm" in rows[2]["detail"]
    assert rows[3]["where"] == "old" and rows[3]["status"] == "FAIL"
    assert "named by no inventory host" in rows[3]["detail"]


def test_unreachable_host_is_checked_by_name_only():
    rows = verify_swarm_nodes(HEALTHY, [*EXPECTED[:2], {"host": "cpu"}])
    assert rows[2]["status"] == "ok"


def test_node_that_rejoined_counts_once():
    nodes = [*HEALTHY, node("cpu", state="down")]
    rows = verify_swarm_nodes(nodes, EXPECTED)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]


def test_inventory_name_differs_from_hostname():
    rows = verify_swarm_nodes(HEALTHY, [want("ws-cpu", hostname="cpu")])
    assert rows[0]["where"] == "ws-cpu (cpu)"


def test_bad_input_is_an_error():
    with pytest.raises(AnsibleFilterError, match="verify_swarm_nodes"):
        verify_swarm_nodes({}, EXPECTED)
    with pytest.raises(AnsibleFilterError, match="verify_swarm_nodes"):
        verify_swarm_nodes(HEALTHY, [{"hostname": "x"}])


def test_table_aligns_and_counts():
    rows = [
        {"check": "node", "where": "mgr", "status": "ok", "detail": "fine"},
        {"check": "image", "where": "a-long-name", "status": "FAIL", "detail": "missing x"},
    ]
    lines = verify_table(rows, "title")
    assert lines[0] == "title"
    assert lines[1].split() == ["CHECK", "WHERE", "RESULT", "DETAIL"]
    assert lines[2].index("ok") == lines[3].index("FAIL") == lines[1].index("RESULT")
    assert lines[-1] == "1 problem(s)"
    assert verify_table([])[-1] == "no problem found"
    with pytest.raises(AnsibleFilterError):
        verify_table("rows")


def test_filters_are_registered():
    assert NodesFilters().filters()["verify_swarm_nodes"] is verify_swarm_nodes
    assert TableFilters().filters()["verify_table"] is verify_table
