# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""playbooks/verify.yml: compare the swarm's nodes with what the inventory says, draw the table.

A row is a dict: ``check`` (node, image, hub, probe...), ``where`` (a node or a profile),
``status`` (``ok``, ``FAIL`` or ``skip``) and ``detail`` (one line a person reads).
"""

from __future__ import annotations

STATUSES = ("ok", "FAIL", "skip")


class VerifyError(ValueError):
    """Input of the wrong shape (a bug in the caller, not a finding)."""


def row(check, where, status, detail):
    if status not in STATUSES:
        raise VerifyError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    return {"check": str(check), "where": str(where), "status": status, "detail": str(detail)}


def _node_gpus(node, kind):
    """The GPU ids a swarm node advertises (NamedResourceSpec of that kind), and a count."""
    resources = ((node.get("Description") or {}).get("Resources") or {}).get(
        "GenericResources"
    ) or []
    named, discrete = [], 0
    for res in resources:
        spec = res.get("NamedResourceSpec")
        if spec and spec.get("Kind") == kind:
            named.append(str(spec.get("Value")))
        spec = res.get("DiscreteResourceSpec")
        if spec and spec.get("Kind") == kind:
            discrete += int(spec.get("Value") or 0)
    return sorted(named), discrete


def _labels_text(labels):
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"


def swarm_node_rows(nodes, expected, gpu_kind="GPU"):
    """Rows for every inventory host (``expected``) against ``docker node`` data (``nodes``).

    ``nodes``: the list community.docker.docker_node_info returns (the API's node objects).
    ``expected``: a list of dicts with ``host`` (inventory name), ``hostname`` (the node's
    host name), ``role`` (manager or worker), ``labels`` (dict, or None when unknown: the host
    could not be reached) and ``gpus`` (list of ids, or None when unknown).
    A node of the swarm that no inventory host names is a problem too.
    """
    if not isinstance(nodes, list) or not isinstance(expected, list):
        raise VerifyError("swarm_node_rows takes a list of nodes and a list of expected hosts")
    rows = []
    seen = set()
    for want in expected:
        host, hostname = want["host"], want.get("hostname") or want["host"]
        where = host if host == hostname else f"{host} ({hostname})"
        found = [n for n in nodes if (n.get("Description") or {}).get("Hostname") == hostname]
        if not found:
            rows.append(
                row("node", where, "FAIL", "not a node of the swarm (never joined, or removed)")
            )
            continue
        # a node that left and joined again shows twice: the live one counts
        found.sort(key=lambda n: (n.get("Status") or {}).get("State") != "ready")
        node = found[0]
        seen.update(id(n) for n in found)
        spec, status = node.get("Spec") or {}, node.get("Status") or {}
        problems = []
        state = status.get("State", "unknown")
        if state != "ready":
            problems.append(f"status {state} (expected ready)")
        availability = spec.get("Availability", "unknown")
        if availability != "active":
            problems.append(f"availability {availability} (expected active)")
        role = spec.get("Role", "unknown")
        if want.get("role") and role != want["role"]:
            problems.append(f"role {role} (expected {want['role']})")
        labels = spec.get("Labels") or {}
        if want.get("labels") is not None:
            wrong = {k: v for k, v in want["labels"].items() if str(labels.get(k)) != str(v)}
            if wrong:
                problems.append(
                    "labels "
                    + ", ".join(f"{k}={labels.get(k, '(none)')}" for k in sorted(wrong))
                    + f" (expected {_labels_text(wrong)})"
                )
        named, discrete = _node_gpus(node, gpu_kind)
        if want.get("gpus") is not None and (
            named != sorted(str(g) for g in want["gpus"]) or discrete
        ):
            problems.append(
                f"GPUs {', '.join(named) or 'none'}"
                + (f" and {discrete} unnamed" if discrete else "")
                + f" advertised (expected {', '.join(sorted(want['gpus'])) or 'none'})"
            )
        if problems:
            rows.append(row("node", where, "FAIL", "; ".join(problems)))
        else:
            rows.append(
                row(
                    "node",
                    where,
                    "ok",
                    f"{state}, {availability}, {role}; labels {_labels_text(want.get('labels') or labels)};"
                    f" GPUs {', '.join(named) or 'none'}",
                )
            )
    for node in nodes:
        if id(node) in seen:
            continue
        name = (node.get("Description") or {}).get("Hostname", node.get("ID", "?"))
        state = (node.get("Status") or {}).get("State", "unknown")
        if state == "down":
            detail = "down, and named by no inventory host (a node that left: docker node rm it)"
        else:
            detail = f"{state}, and named by no inventory host"
        rows.append(row("node", name, "FAIL", detail))
    return rows


def table(rows, title=""):
    """The rows as aligned text lines (a list, one line each), problems counted at the end."""
    if not isinstance(rows, list):
        raise VerifyError("table takes a list of rows")
    head = {"check": "CHECK", "where": "WHERE", "status": "RESULT", "detail": "DETAIL"}
    cols = ("check", "where", "status")
    width = {c: max([len(head[c])] + [len(str(r.get(c, ""))) for r in rows]) for c in cols}
    lines = [title] if title else []
    for r in [head, *rows]:
        lines.append(
            "  ".join(str(r.get(c, "")).ljust(width[c]) for c in cols)
            + "  "
            + str(r.get("detail", ""))
        )
    bad = sum(1 for r in rows if r.get("status") == "FAIL")
    lines.append(f"{bad} problem(s)" if bad else "no problem found")
    return lines
