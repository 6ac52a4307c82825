# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The seed's encodings: SPAWNER_CONSTRAINT_IMAGES (name:constraint->image;...) and the
A:1;B:2 environment strings, parsed and written back."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.jupyterfleet.hub.plugins.module_utils._constraints import (
    parse_constraint,
    placement_constraints,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._images import (
    image_reference,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _is_list,
    _show,
)

# --------------------------------------------------------------------------------------------
# SPAWNER_CONSTRAINT_IMAGES: name:constraint,constraint->image;name2->image2
# --------------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
NAME_EXPECTED = "expected lowercase letters, digits, '_' and '-', starting with a letter or digit"
CONSTRAINT_IMAGES_EXPECTED = (
    "expected <name>:<constraint>,<constraint>-><image> or <name>-><image>, "
    "entries separated by ';'"
)


def _check_name(value, what="a profile name"):
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ProfileError(f"{_show(value)} is not {what}: {NAME_EXPECTED}")
    return str(value)


def _constraint_image_entry(item, where):
    """Validate one ``{name, constraints, image}`` mapping (extra keys ignored)."""
    if not isinstance(item, Mapping):
        raise ProfileError(f"{where} {_show(item)} is not a dict with keys name, image")
    for key in ("name", "image"):
        if item.get(key) is None:
            raise ProfileError(f"{where} has no {key}")
    try:
        name = _check_name(item["name"])
    except ProfileError as exc:
        raise ProfileError(f"{where} name {exc}") from None
    try:
        constraints = placement_constraints(item.get("constraints"))
        image = image_reference(item["image"])
    except ProfileError as exc:
        raise ProfileError(f"{where} ({name}): {exc}") from None
    return {"name": name, "constraints": constraints, "image": image}


def _entries(value):
    """Validate a list of ``{name, constraints, image}`` mappings with unique names."""
    entries = []
    seen = {}
    for index, item in enumerate(value):
        entry = _constraint_image_entry(item, f"entry {index}")
        if entry["name"] in seen:
            raise ProfileError(
                f"entry {index} name {_show(entry['name'])} is already used by entry "
                f"{seen[entry['name']]}"
            )
        seen[entry["name"]] = index
        entries.append(entry)
    return entries


def parse_constraint_images(value):
    """Parse the seed's ``SPAWNER_CONSTRAINT_IMAGES`` string to ``[{name, constraints, image}]``.

    ``name->image`` has no constraints and keeps its whole name. Empty entries (a trailing
    ``;``) are skipped. A list of entries is accepted too and validated. ``None``/``''`` -> ``[]``.
    """
    if value is None:
        return []
    if _is_list(value):
        return _entries(value)
    if not isinstance(value, str):
        raise ProfileError(
            f"{_show(value)} is not a constraint images string: {CONSTRAINT_IMAGES_EXPECTED}"
        )
    entries = []
    seen = {}
    for raw in str(value).split(";"):
        text = raw.strip()
        if not text:
            continue
        head, arrow, image = text.partition("->")
        if not arrow or "->" in image:
            raise ProfileError(
                f"entry {_show(text)} is not a constraint image: {CONSTRAINT_IMAGES_EXPECTED}"
            )
        name, colon, constraints_text = head.partition(":")
        name = name.strip()
        if not _NAME_RE.match(name):
            raise ProfileError(
                f"entry {_show(text)} has name {_show(name)}: expected a name of lowercase "
                "letters, digits, '_' and '-', starting with a letter or digit"
            )
        if name in seen:
            raise ProfileError(
                f"entry {_show(text)} repeats the name {_show(name)} of entry {_show(seen[name])}"
            )
        seen[name] = text
        try:
            constraints = (
                [parse_constraint(part) for part in constraints_text.split(",")]
                if colon and constraints_text.strip()
                else []
            )
            image = image_reference(image)
        except ProfileError as exc:
            raise ProfileError(f"entry {_show(text)}: {exc}") from None
        entries.append({"name": name, "constraints": constraints, "image": image})
    return entries


CONSTRAINT_GPUS_EXPECTED = "expected name->count entries separated by ';', like jetson->1;big->2"


def apply_constraint_gpus(entries, value):
    """Add the seed's ``SPAWNER_CONSTRAINT_WITH_GPUS`` (``name->count;...``) to parsed entries.

    Every name must be one of the entries'; the count is a whole number >= 0.
    """
    if value in (None, ""):
        return entries
    if not isinstance(value, str):
        raise ProfileError(f"{_show(value)} is not a GPU count string: {CONSTRAINT_GPUS_EXPECTED}")
    names = {e["name"] for e in entries}
    counts = {}
    for raw in value.split(";"):
        text = raw.strip()
        if not text:
            continue
        name, arrow, count = (part.strip() for part in text.partition("->"))
        if not arrow or not count.isdigit():
            raise ProfileError(
                f"GPU entry {_show(text)} is not a GPU count: {CONSTRAINT_GPUS_EXPECTED}"
            )
        if name not in names:
            raise ProfileError(
                f"GPU entry {_show(text)} names {_show(name)}, which is not an image entry;"
                f" expected one of {', '.join(sorted(names)) or 'no names (no image entries)'}"
            )
        counts[name] = int(count)
    return [dict(e, gpus=counts[e["name"]]) if e["name"] in counts else e for e in entries]


def to_constraint_images(value):
    """Render ``[{name, constraints, image}]`` (or full profiles) as the seed's string."""
    if value is None:
        return ""
    if not _is_list(value):
        raise ProfileError(
            f"{_show(value)} is not a list of dicts with keys name, image and constraints"
        )
    parts = []
    for entry in _entries(value):
        if entry["constraints"]:
            parts.append(f"{entry['name']}:{','.join(entry['constraints'])}->{entry['image']}")
        else:
            parts.append(f"{entry['name']}->{entry['image']}")
    return ";".join(parts)


# --------------------------------------------------------------------------------------------
# Environment: A:1;B:2
# --------------------------------------------------------------------------------------------

_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
ENV_NAME_EXPECTED = "expected letters, digits and '_', not starting with a digit"


def _env_name(name):
    if not isinstance(name, str) or not _ENV_NAME_RE.match(name):
        raise ProfileError(
            f"{_show(name)} is not an environment variable name: {ENV_NAME_EXPECTED}"
        )
    return str(name)


def _env_value(name, value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ProfileError(
            f"environment variable {name} has value {_show(value)}: expected a string or a "
            "number (quote booleans)"
        )
    return str(value)


def env_string(value):
    """Parse ``A:1;B:2`` (split on the first ``:``) or validate a dict; values become strings.

    ``None`` and ``''`` give ``{}``; empty entries (a trailing ``;``) are skipped. Leading and
    trailing whitespace around a name is dropped; a value is kept as written.
    """
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {_env_name(name): _env_value(name, item) for name, item in value.items()}
    if not isinstance(value, str):
        raise ProfileError(
            f"{_show(value)} is not an environment: expected a dict or a string like A:1;B:2"
        )
    result = {}
    for raw in str(value).split(";"):
        if not raw.strip():
            continue
        name, colon, item = raw.partition(":")
        if not colon:
            raise ProfileError(
                f"entry {_show(raw)} is not an environment entry: expected NAME:value"
            )
        name = _env_name(name.strip())
        if name in result:
            raise ProfileError(f"entry {_show(raw)} sets {name} a second time")
        result[name] = item
    return result


def to_env_string(value):
    """Render a dict as ``A:1;B:2`` (sorted names). A value with ``;`` cannot be encoded."""
    if value is None:
        return ""
    if not isinstance(value, Mapping):
        raise ProfileError(f"{_show(value)} is not an environment: expected a dict")
    env = env_string(value)
    parts = []
    for name in sorted(env):
        if ";" in env[name]:
            raise ProfileError(
                f"environment variable {name} has value {_show(env[name])}: the A:1;B:2 "
                "encoding cannot carry ';'"
            )
        parts.append(f"{name}:{env[name]}")
    return ";".join(parts)
