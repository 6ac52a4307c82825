# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Roles talk through public, documented names only.

A role's `__`-prefixed variables and facts are its internals: another role may not read them,
directly or through `hostvars[host]`, and may not reach into another role's files by path
(`role_path ~ '/../'`, `{{ role_path }}/../`). What a role gives others is public, named after
the role and listed in its meta/outputs.yml (the README's "Outputs"). Playbooks follow the same
rule. A role reading its own internals on another host (the swarm role reading
hostvars[first]['__swarm_info']) is fine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir())
HOSTVARS_PRIVATE = re.compile(r"hostvars\[[^\]]*\]\s*(?:\[\s*['\"]|\.)__(?P<name>[A-Za-z0-9_]+)")
PATH_ESCAPE = re.compile(r"role_path\s*(?:~\s*['\"]|\}\}\s*)/\.\.")
SOURCES = ("*.yml", "*.yaml", "*.j2")


def _files(base: Path):
    for pattern in SOURCES:
        yield from sorted(base.rglob(pattern))


def problems(roles_dir: Path, playbooks_dir: Path | None = None) -> list[str]:
    """Every read of another role's internals or files under roles_dir (and playbooks_dir)."""
    found = []
    roles = sorted(p.name for p in roles_dir.iterdir() if p.is_dir())
    # A role's internals: __<role>_..., longest role name first (nfs_server before a role "nfs").
    alternatives = "|".join(map(re.escape, sorted(roles, key=len, reverse=True)))
    private = re.compile(r"\b__(" + alternatives + r")_[A-Za-z0-9_]+")
    owners = [(None, playbooks_dir)] if playbooks_dir else []
    for owner, base in [(r, roles_dir / r) for r in roles] + owners:
        for path in _files(base):
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(roles_dir.parent)
            for lineno, line in enumerate(text.splitlines(), 1):
                if line.lstrip().startswith("#"):
                    continue
                for match in private.finditer(line):
                    if match.group(1) != owner:
                        found.append(
                            f"{where}:{lineno}: reads {match.group(1)}'s internal {match.group(0)}"
                        )
                for match in HOSTVARS_PRIVATE.finditer(line):
                    name = match.group("name")
                    if owner is None or not name.startswith(owner + "_"):
                        found.append(
                            f"{where}:{lineno}: reads another role's internal __{name} through hostvars"
                        )
                if PATH_ESCAPE.search(line):
                    found.append(
                        f"{where}:{lineno}: reads a file outside its role by path (role_path/..)"
                    )
    return found


def test_no_role_reads_another_roles_internals_or_files():
    found = problems(ROOT / "roles", ROOT / "playbooks")
    assert not found, "read public outputs (meta/outputs.yml) instead:\n" + "\n".join(found)


@pytest.mark.parametrize("role", ROLES)
def test_outputs_are_the_roles_public_names(role):
    """meta/outputs.yml names are the role's, public, and each is described and typed."""
    path = ROOT / "roles" / role / "meta" / "outputs.yml"
    if not path.exists():
        pytest.skip(f"{role} has no outputs")
    outputs = (yaml.safe_load(path.read_text()) or {}).get("outputs")
    assert isinstance(outputs, dict) and outputs, f"{path}: no `outputs:` mapping"
    for name, spec in outputs.items():
        assert name.startswith(role + "_"), f"{role}: output {name} is not named after the role"
        assert spec.get("description") and spec.get("type") and spec.get("set"), (
            f"{role}: output {name} needs description, type and set"
        )


def test_outputs_are_set_by_their_role():
    """Each documented output is set somewhere in its role (a fact, a role variable)."""
    missing = []
    for role in ROLES:
        path = ROOT / "roles" / role / "meta" / "outputs.yml"
        if not path.exists():
            continue
        text = "\n".join(
            p.read_text() for p in _files(ROOT / "roles" / role) if p.parent.name != "meta"
        )
        for name in (yaml.safe_load(path.read_text()) or {}).get("outputs") or {}:
            if not re.search(rf"^\s*{re.escape(name)}:", text, re.MULTILINE):
                missing.append(f"{role}: {name} is documented but never set")
    assert not missing, "\n".join(missing)


def test_the_check_finds_each_kind_of_crossing(tmp_path):
    """The checker itself: each kind of crossing in a made-up collection is found."""
    roles = tmp_path / "roles"
    for role in ("alpha", "beta"):
        (roles / role / "tasks").mkdir(parents=True)
    (roles / "alpha" / "tasks" / "main.yml").write_text(
        "- x: \"{{ hostvars[h]['__alpha_own'] }} {{ __alpha_mine }}\"\n"
    )
    (roles / "beta" / "tasks" / "main.yml").write_text(
        "- a: \"{{ hostvars[h]['__alpha_refs'] }}\"\n"
        '- b: "{{ __alpha_mine }}"\n'
        "- c: \"{{ lookup('file', role_path ~ '/../alpha/defaults/main.yml') }}\"\n"
        '- d: "{{ role_path }}/../alpha/tasks/x.yml"\n'
    )
    found = problems(roles)
    assert len(found) == 5, found
    assert all("roles/beta/tasks/main.yml" in f for f in found), found
