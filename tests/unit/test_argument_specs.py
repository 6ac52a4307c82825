# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Every role's meta/argument_specs.yml documents its defaults/main.yml, and agrees with it.

Parametrized over the directories in roles/, so a new role is checked without editing this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

ROOT = Path(__file__).resolve().parents[2]
ROLES_DIR = ROOT / "roles"
ROLES = sorted(p.name for p in ROLES_DIR.iterdir() if p.is_dir())

# Spec keys that ansible's role argument validation understands for an option.
OPTION_KEYS = {
    "description",
    "type",
    "required",
    "default",
    "choices",
    "elements",
    "options",
    "aliases",
    "no_log",
    "version_added",
    "mutually_exclusive",
    "required_together",
    "required_one_of",
    "required_if",
    "required_by",
    "apply_defaults",
}
TYPES = {"str", "int", "float", "bool", "list", "dict", "path", "raw", "bytes", "bits", "json"}


def _load(path):
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _defaults(role):
    path = ROLES_DIR / role / "defaults" / "main.yml"
    return (_load(path) or {}) if path.exists() else {}


def _spec_path(role):
    return ROLES_DIR / role / "meta" / "argument_specs.yml"


def _specs(role):
    path = _spec_path(role)
    if not path.exists():
        pytest.skip(f"{role}: no meta/argument_specs.yml (test_spec_file_exists fails for it)")
    data = _load(path) or {}
    specs = data.get("argument_specs")
    assert isinstance(specs, dict) and specs, f"{role}: no argument_specs in {path}"
    return specs


def _options(entry):
    return entry.get("options") or {}


def _is_jinja(value):
    """True if the value is, or contains, a Jinja template string."""
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, dict):
        return any(_is_jinja(k) or _is_jinja(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_is_jinja(v) for v in value)
    return False


def _same(a, b):
    """Equality that also compares types: 1 is not true, "5" is not 5, 2 is not 2.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _walk(options, prefix=""):
    """(dotted name, option spec) for every option, nested ones included."""
    for name, spec in options.items():
        yield f"{prefix}{name}", spec
        if isinstance(spec, dict) and spec.get("options"):
            yield from _walk(spec["options"], f"{prefix}{name}.")


@pytest.mark.parametrize("role", ROLES)
def test_spec_file_exists(role):
    assert _spec_path(role).exists(), f"{role}: roles/{role}/meta/argument_specs.yml is missing"


@pytest.mark.parametrize("role", ROLES)
def test_main_entry_point(role):
    specs = _specs(role)
    assert "main" in specs, f"{role}: argument_specs has no 'main' entry point"
    for name, entry in specs.items():
        assert (ROLES_DIR / role / "tasks" / f"{name}.yml").exists(), (
            f"{role}: entry point {name!r} has no tasks/{name}.yml"
        )
        assert entry.get("short_description"), (
            f"{role}: entry point {name!r} has no short_description"
        )
        assert entry.get("description"), f"{role}: entry point {name!r} has no description"


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_options_match(role):
    """Every default is a `main` option and every option has a default (or is required).

    A default that only another entry point (a `tasks_from:` file such as docker_engine's
    daemon_json) uses may be documented there instead of in `main`.
    """
    defaults = _defaults(role)
    specs = _specs(role)
    main = _options(specs["main"])
    others = {n: _options(e) for n, e in specs.items() if n != "main"}
    problems = []
    for var in defaults:
        if var not in main and not any(var in opts for opts in others.values()):
            problems.append(f"{var}: in defaults/main.yml, not in the 'main' entry point's options")
    for entry, opts in {"main": main, **others}.items():
        for var, spec in opts.items():
            if var not in defaults and not spec.get("required"):
                problems.append(
                    f"{var}: option of entry point {entry!r}, neither in defaults/main.yml nor "
                    "required"
                )
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_spec_defaults_equal_role_defaults(role):
    defaults = _defaults(role)
    problems = []
    for entry, spec in _specs(role).items():
        for var, option in _options(spec).items():
            if (
                "default" in option
                and var in defaults
                and not _same(option["default"], defaults[var])
            ):
                problems.append(
                    f"{entry}.{var}: spec default {option['default']!r} != defaults/main.yml "
                    f"{defaults[var]!r}"
                )
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_templated_defaults_have_no_spec_default(role):
    """A Jinja default is described in words: ansible validates the templated value instead."""
    defaults = _defaults(role)
    problems = [
        f"{entry}.{var}: defaults/main.yml has the template {defaults[var]!r}; drop the spec's "
        "default and say in the description what it defaults to"
        for entry, spec in _specs(role).items()
        for var, option in _options(spec).items()
        if var in defaults and _is_jinja(defaults[var]) and "default" in option
    ]
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_option_has_description_and_type(role):
    problems = []
    for entry, spec in _specs(role).items():
        for name, option in _walk(_options(spec)):
            where = f"{entry}.{name}"
            if not isinstance(option, dict):
                problems.append(f"{where}: not a mapping")
                continue
            if not option.get("description"):
                problems.append(f"{where}: no description")
            if option.get("type") not in TYPES:
                problems.append(
                    f"{where}: type {option.get('type')!r} is not one of {sorted(TYPES)}"
                )
            if option.get("type") == "list" and "elements" not in option:
                problems.append(f"{where}: a list without elements")
            if option.get("options") and option.get("type") not in ("dict", "list"):
                problems.append(f"{where}: nested options on a {option.get('type')}")
            unknown = set(option) - OPTION_KEYS
            if unknown:
                problems.append(f"{where}: unknown keys {sorted(unknown)}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_role_defaults_pass_their_own_spec(role):
    """The literal defaults validate against the spec (types, choices, elements, nested options).

    Templated defaults are left out: ansible validates them after templating, at run time.
    """
    defaults = _defaults(role)
    problems = []
    for entry, spec in _specs(role).items():
        options = _options(spec)
        params = {
            var: value for var, value in defaults.items() if var in options and not _is_jinja(value)
        }
        result = ArgumentSpecValidator(options).validate(params)
        problems += [f"{entry}: {msg}" for msg in result.error_messages]
    assert not problems, f"{role}:\n" + "\n".join(problems)
