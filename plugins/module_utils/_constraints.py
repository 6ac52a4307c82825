# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Swarm placement constraints: parsing, normalising, and whether a node meets them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _is_list,
    _show,
)

# --------------------------------------------------------------------------------------------
# Placement constraints
# --------------------------------------------------------------------------------------------

_LABEL = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_LABEL_RE = re.compile(rf"{_LABEL}\Z")
_CONSTRAINT_KEY_RE = re.compile(
    rf"(?:node\.id|node\.hostname|node\.role|node\.platform\.os|node\.platform\.arch"
    rf"|node\.labels\.{_LABEL}|engine\.labels\.{_LABEL})\Z"
)
_CONSTRAINT_RE = re.compile(
    r"\s*(?P<key>[^\s=!]+)\s*(?P<op>==|!=)\s*(?P<value>.*?)\s*\Z", re.DOTALL
)
_CONSTRAINT_VALUE_RE = re.compile(r"[^\s,;=!]+\Z")

CONSTRAINT_EXPECTED = (
    "expected <key>==<value> or <key>!=<value>, key one of node.id, node.hostname, node.role, "
    "node.platform.os, node.platform.arch, node.labels.<name>, engine.labels.<name>"
)
_VALUE_EXPECTED = "a value with no whitespace and none of , ; -> = !"


def _check_constraint_value(value):
    """True if ``value`` can stand on the right of a constraint operator."""
    return bool(_CONSTRAINT_VALUE_RE.match(value)) and "->" not in value


def parse_constraint(text):
    """Validate one constraint string and return it normalised (no spaces around the operator).

    >>> parse_constraint("node.labels.calculation_type == gpu")
    'node.labels.calculation_type==gpu'
    """
    if not isinstance(text, str):
        raise ProfileError(f"{_show(text)} is not a placement constraint: {CONSTRAINT_EXPECTED}")
    match = _CONSTRAINT_RE.match(text)
    if not match or not _CONSTRAINT_KEY_RE.match(match["key"]):
        raise ProfileError(f"{_show(text)} is not a placement constraint: {CONSTRAINT_EXPECTED}")
    key, op, value = match["key"], match["op"], match["value"]
    if not _check_constraint_value(value):
        raise ProfileError(
            f"{_show(text)} is not a placement constraint: expected {_VALUE_EXPECTED} after {op}"
        )
    if key == "node.role" and value not in ("manager", "worker"):
        raise ProfileError(
            f"{_show(text)} is not a placement constraint: node.role is manager or worker"
        )
    return f"{key}{op}{value}"


def placement_constraints(value):
    """Normalise a dict of node labels or a list of constraint strings to a constraint list.

    A dict ``{label: value}`` becomes ``["node.labels.<label>==<value>", ...]`` sorted by label;
    a list is validated, normalised and rid of repeats (first one kept). ``None`` gives ``[]``.
    """
    if value is None:
        return []
    if isinstance(value, Mapping):
        result = []
        for label in sorted(value, key=str):
            if not isinstance(label, str) or not _LABEL_RE.match(label):
                raise ProfileError(
                    f"node label name {_show(label)} is not valid: expected letters, digits, "
                    "'.', '_' and '-', starting with a letter or digit"
                )
            raw = value[label]
            if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
                raise ProfileError(
                    f"node label {_show(str(label))} has value {_show(raw)}: expected a string or "
                    "a number (quote booleans)"
                )
            text = str(raw)
            if not _check_constraint_value(text):
                raise ProfileError(
                    f"node label {_show(str(label))} has value {_show(text)}: expected "
                    f"{_VALUE_EXPECTED}"
                )
            result.append(f"node.labels.{label}=={text}")
        return result
    if _is_list(value):
        result = []
        for item in value:
            constraint = parse_constraint(item)
            if constraint not in result:
                result.append(constraint)
        return result
    raise ProfileError(
        f"{_show(value)} is not a list of placement constraints or a dict of node labels"
    )


NODE_EXPECTED = (
    "expected a dict with hostname (str), role (manager or worker), labels (dict) and"
    " optionally platform_os, platform_arch, engine_labels (dict)"
)


def _node(value):
    if not isinstance(value, dict) or not isinstance(value.get("hostname"), str):
        raise ProfileError(f"{_show(value)} is not a node: {NODE_EXPECTED}")
    if value.get("role") not in ("manager", "worker"):
        raise ProfileError(f"{_show(value)} is not a node: {NODE_EXPECTED}")
    for key in ("labels", "engine_labels"):
        if not isinstance(value.get(key, {}), dict):
            raise ProfileError(f"{_show(value)} is not a node: {NODE_EXPECTED}")
    return value


def _node_attribute(node, key):
    """The value a constraint key reads on a node, or None where the node does not say."""
    if key.startswith("node.labels."):
        found = node.get("labels", {}).get(key[len("node.labels.") :])
    elif key.startswith("engine.labels."):
        found = node.get("engine_labels", {}).get(key[len("engine.labels.") :])
    else:
        found = {
            "node.hostname": node.get("hostname"),
            "node.role": node.get("role"),
            "node.id": node.get("id"),
            "node.platform.os": node.get("platform_os"),
            "node.platform.arch": node.get("platform_arch"),
        }[key]
    return None if found is None else str(found)


def constraints_match(constraints, node):
    """True when every placement constraint holds on the node (as swarm decides it).

    A label the node does not have fails ``==`` and passes ``!=``, as in swarm.
    """
    node = _node(node)
    for text in placement_constraints(constraints):
        match = _CONSTRAINT_RE.match(text)
        have = _node_attribute(node, match["key"])
        equal = have is not None and have == match["value"]
        if (match["op"] == "==") != equal:
            return False
    return True
