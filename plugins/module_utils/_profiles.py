# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Parsing and validation of jupyterfleet notebook profiles.

Pure Python, shared by the ``jupyterfleet.hub`` filter plugins. Every function raises
:class:`ProfileError` with a message that names the bad value and says what was expected;
the filters prefix it with their own name and raise ``AnsibleFilterError``.

Covered here:

* swarm placement constraints (``node.labels.calculation_type==gpu``);
* the seed's ``SPAWNER_CONSTRAINT_IMAGES`` encoding (``name:constraint,...->image;...``);
* the seed's ``A:1;B:2`` environment encoding;
* GPU requests (docker ``device_requests``) and GPU reservations (swarm generic resources);
* docker image references and memory sizes;
* the profile list, the single source of truth for what users can spawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

__all__ = [
    "ProfileError",
    "env_string",
    "gpu_request",
    "gpu_reservation",
    "image_reference",
    "memory_to_bytes",
    "parse_constraint",
    "parse_constraint_images",
    "placement_constraints",
    "profiles",
    "to_constraint_images",
    "to_env_string",
]


class ProfileError(ValueError):
    """Bad profile data; the message names the value and what was expected."""


def _show(value):
    """Render a value for an error message (Ansible's tagged types render as plain ones)."""
    if isinstance(value, str):
        return repr(str(value))
    return repr(value)


def _is_list(value):
    return isinstance(value, (list, tuple))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


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


# --------------------------------------------------------------------------------------------
# Docker image references
# --------------------------------------------------------------------------------------------

_DOMAIN_COMPONENT = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN_RE = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9A-Fa-f:]+\])(?::[0-9]{{1,5}})?\Z"
)
_PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\Z")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}\Z")
IMAGE_EXPECTED = (
    "expected [registry[:port]/]path[:tag][@sha256:<64 hex digits>] with a lowercase path, "
    "like registry.lan:5000/team/notebook:1.0"
)


def image_reference(value):
    """Validate a docker image reference and return it (surrounding whitespace stripped)."""

    def bad(reason):
        return ProfileError(f"{_show(value)} is not a docker image reference: {reason}")

    if not isinstance(value, str):
        raise bad(IMAGE_EXPECTED)
    ref = str(value).strip()
    if not ref:
        raise bad(IMAGE_EXPECTED)
    name, at, digest = ref.partition("@")
    if at and not _DIGEST_RE.match(digest):
        raise bad(f"digest {_show(digest)} is not sha256:<64 lowercase hex digits>")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
        if not _TAG_RE.match(tag):
            raise bad(
                f"tag {_show(tag)} is not valid: expected letters, digits, '_', '.' and '-', "
                "not starting with '.' or '-', at most 128 characters"
            )
    components = name.split("/")
    first = components[0]
    if len(components) > 1 and (
        "." in first or ":" in first or first == "localhost" or first != first.lower()
    ):
        if not _DOMAIN_RE.match(first):
            raise bad(f"registry {_show(first)} is not a host name with an optional :port")
        components = components[1:]
    for component in components:
        if not _PATH_COMPONENT_RE.match(component):
            raise bad(
                f"path component {_show(component)} is not valid: expected lowercase letters and "
                "digits, separated by '.', '_', '__' or '-'"
            )
    if len(name) > 255:
        raise bad("the name before the tag is longer than 255 characters")
    return ref


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


# --------------------------------------------------------------------------------------------
# GPUs
# --------------------------------------------------------------------------------------------

_DEVICE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:/-]*\Z")
_DRIVER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
GPU_REQUEST_EXPECTED = (
    "expected 0, a whole number of GPUs, -1 or 'all', or device ids as a list or a "
    "comma-separated string like '0,1'"
)
GPU_COUNT_EXPECTED = "swarm reserves GPUs by count; expected a whole number >= 0"


def _device_ids(value, items):
    ids = []
    for item in items:
        if _is_int(item) and item >= 0:
            text = str(item)
        elif isinstance(item, str):
            text = str(item).strip()
        else:
            text = ""
        if not _DEVICE_ID_RE.match(text):
            raise ProfileError(
                f"{_show(value)} is not a GPU request: device id {_show(item)} is not an index "
                "or a GPU UUID like GPU-3f1a..."
            )
        if text in ids:
            raise ProfileError(
                f"{_show(value)} is not a GPU request: device id {_show(text)} is repeated"
            )
        ids.append(text)
    if not ids:
        raise ProfileError(
            f"{_show(value)} is not a GPU request: no device ids given (use 0 for no GPUs)"
        )
    return ids


def gpu_request(value, driver="nvidia"):
    """Turn a GPU request into docker ``device_requests`` (Docker API keys).

    ``0``/``None``/``''``/``False`` -> ``[]``; ``'all'``/``-1`` -> Count -1; ``n`` -> Count n;
    device ids (a list, or a string with a ``,`` or a non-digit id) -> DeviceIDs.
    """
    if not isinstance(driver, str) or not _DRIVER_RE.match(driver):
        raise ProfileError(
            f"driver {_show(driver)} is not a device driver name: expected a name like nvidia"
        )
    driver = str(driver)
    count = None
    ids = None
    if value is None or value is False:
        return []
    if _is_int(value):
        count = int(value)
    elif isinstance(value, str):
        text = str(value).strip()
        if text.lower() == "all" or text == "-1":
            count = -1
        elif text == "":
            return []
        elif text.isdigit() and text.isascii():
            count = int(text)
        elif re.match(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z", text):
            raise ProfileError(f"{_show(value)} is not a GPU request: {GPU_REQUEST_EXPECTED}")
        else:
            ids = _device_ids(value, text.split(","))
    elif _is_list(value):
        ids = _device_ids(value, value)
    else:
        raise ProfileError(f"{_show(value)} is not a GPU request: {GPU_REQUEST_EXPECTED}")
    if ids is not None:
        return [{"Driver": driver, "DeviceIDs": ids, "Capabilities": [["gpu"]]}]
    if count == 0:
        return []
    if count < -1:
        raise ProfileError(f"{_show(value)} is not a GPU request: {GPU_REQUEST_EXPECTED}")
    return [{"Driver": driver, "Count": count, "Capabilities": [["gpu"]]}]


def gpu_count(value):
    """A GPU count: whole number >= 0 (or a digit string); ``None``/``''``/``False`` -> 0."""
    if value is None or value is False:
        return 0
    if _is_int(value) and value >= 0:
        return int(value)
    if isinstance(value, str):
        text = str(value).strip()
        if text == "":
            return 0
        if text.isdigit() and text.isascii():
            return int(text)
    raise ProfileError(f"{_show(value)} is not a GPU count: {GPU_COUNT_EXPECTED}")


def gpu_reservation(value):
    """GPU count -> swarm generic resources ``{"GPU": n}``; 0 or ``None`` -> ``{}``."""
    count = gpu_count(value)
    return {"GPU": count} if count else {}


# --------------------------------------------------------------------------------------------
# Memory and CPU
# --------------------------------------------------------------------------------------------

_MEMORY_RE = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<suffix>[KMGT]?)\Z")
_MEMORY_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
MEMORY_EXPECTED = "expected a number with an optional K, M, G or T suffix, like 512M or 4G"


def memory_to_bytes(value):
    """Bytes in a memory size (``512M``, ``4G``, ``1.5G``, ``1048576``; K=1024); ``None`` -> None.

    The suffix is one upper-case letter (what JupyterHub's ``mem_limit`` accepts); a size with no
    suffix is a whole number of bytes. The size must be more than 0.
    """
    if value is None:
        return None
    if _is_int(value):
        number, suffix = int(value), ""
    elif isinstance(value, str):
        match = _MEMORY_RE.match(str(value))
        if not match:
            raise ProfileError(f"{_show(value)} is not a memory size: {MEMORY_EXPECTED}")
        number, suffix = match["number"], match["suffix"]
        if not suffix and "." in number:
            raise ProfileError(
                f"{_show(value)} is not a memory size: a size without a suffix is a whole "
                "number of bytes"
            )
    else:
        raise ProfileError(f"{_show(value)} is not a memory size: {MEMORY_EXPECTED}")
    size = int(Decimal(number) * _MEMORY_UNITS[suffix])
    if size <= 0:
        raise ProfileError(
            f"{_show(value)} is not a memory size: expected more than 0 bytes (null for no limit)"
        )
    return size


def _memory(value):
    """A valid memory size as text (``4G`` stays ``4G``, 1024 becomes ``'1024'``), or None."""
    memory_to_bytes(value)
    return None if value is None else str(value)


def _cpu(value):
    """CPU count: a number > 0 (int, float or numeric string) as float; ``None`` -> None."""
    if value is None:
        return None
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(str(value).strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number <= 0:
        raise ProfileError(
            f"{_show(value)} is not a CPU count: expected a number greater than 0, like 0.5 or 2"
        )
    return number


# --------------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------------

#: Keys a profile may set, in output order.
PROFILE_KEYS = (
    "name",
    "display_name",
    "description",
    "image",
    "constraints",
    "gpus",
    "cpu_limit",
    "cpu_guarantee",
    "mem_limit",
    "mem_guarantee",
    "environment",
    "default",
)
#: Keys the profiles filter adds; accepted (and recomputed) on input so its output can be fed back.
DERIVED_KEYS = (
    "mem_limit_bytes",
    "mem_guarantee_bytes",
    "device_requests",
    "generic_resources",
    "placement",
)
#: Keys ``defaults`` may set: all but those that identify a profile.
DEFAULTABLE_KEYS = tuple(
    k for k in PROFILE_KEYS if k not in ("name", "display_name", "image", "default")
)
_BUILTIN_DEFAULTS = {
    "description": "",
    "constraints": [],
    "gpus": 0,
    "cpu_limit": None,
    "cpu_guarantee": None,
    "mem_limit": None,
    "mem_guarantee": None,
    "environment": {},
    "default": False,
}


def _check_text(value, what):
    if not isinstance(value, str):
        raise ProfileError(f"{_show(value)} is not {what}: expected a string")
    return str(value)


def _gpus(value):
    if _is_int(value) and value >= 0:
        return int(value)
    raise ProfileError(f"{_show(value)} is not a GPU count: {GPU_COUNT_EXPECTED}")


_FIELD_CHECKS = {
    "description": lambda v: _check_text(v, "a description"),
    "constraints": placement_constraints,
    "gpus": _gpus,
    "cpu_limit": _cpu,
    "cpu_guarantee": _cpu,
    "mem_limit": _memory,
    "mem_guarantee": _memory,
    "environment": env_string,
}


def _check_field(key, value, where):
    try:
        return _FIELD_CHECKS[key](value)
    except ProfileError as exc:
        raise ProfileError(f"{where}: {key} {exc}") from None


def _check_defaults(defaults):
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping):
        raise ProfileError(f"defaults {_show(defaults)} is not a dict")
    result = {}
    for key, value in defaults.items():
        if key not in DEFAULTABLE_KEYS:
            raise ProfileError(
                f"defaults: {_show(key)} cannot have a default: expected one of "
                f"{', '.join(DEFAULTABLE_KEYS)}"
            )
        result[key] = _check_field(key, value, "defaults")
    return result


def _check_pair(profile, where, lower, upper, to_number, unit):
    low, high = profile[lower], profile[upper]
    if low is None or high is None:
        return
    if to_number(low) > to_number(high):
        raise ProfileError(
            f"{where}: {lower} {_show(low)}{unit(low)} is more than {upper} {_show(high)}"
            f"{unit(high)}: expected {lower} <= {upper}"
        )


def _profile(item, index, defaults):
    where = f"profiles[{index}]"
    if not isinstance(item, Mapping):
        raise ProfileError(f"{where} {_show(item)} is not a dict")
    if item.get("name") is None:
        raise ProfileError(f"{where}: name is required")
    try:
        name = _check_name(item["name"])
    except ProfileError as exc:
        raise ProfileError(f"{where}: name {exc}") from None
    where = f"{where} ({name})"
    for key in item:
        if key not in PROFILE_KEYS and key not in DERIVED_KEYS:
            raise ProfileError(
                f"{where}: unknown key {_show(key)}: expected one of {', '.join(PROFILE_KEYS)}"
            )
    if item.get("image") is None:
        raise ProfileError(f"{where}: image is required")
    try:
        image = image_reference(item["image"])
    except ProfileError as exc:
        raise ProfileError(f"{where}: image {exc}") from None
    display_name = item.get("display_name")
    if display_name is None:
        display_name = name
    else:
        try:
            display_name = _check_text(display_name, "a display name")
        except ProfileError as exc:
            raise ProfileError(f"{where}: display_name {exc}") from None
        if not display_name.strip():
            raise ProfileError(f"{where}: display_name is empty: expected text or no key")
    default = item.get("default", False)
    if not isinstance(default, bool):
        raise ProfileError(f"{where}: default {_show(default)} is not true or false")

    profile = {"name": name, "display_name": display_name, "image": image}
    for key in DEFAULTABLE_KEYS:
        if key in item:
            profile[key] = _check_field(key, item[key], where)
        elif key in defaults:
            profile[key] = defaults[key]
        else:
            profile[key] = _BUILTIN_DEFAULTS[key]
    profile["default"] = default

    _check_pair(profile, where, "cpu_guarantee", "cpu_limit", float, lambda v: "")
    _check_pair(
        profile,
        where,
        "mem_guarantee",
        "mem_limit",
        memory_to_bytes,
        lambda v: f" ({memory_to_bytes(v)} bytes)",
    )

    result = {key: profile[key] for key in PROFILE_KEYS}
    result["constraints"] = list(profile["constraints"])
    result["environment"] = dict(profile["environment"])
    result["mem_limit_bytes"] = memory_to_bytes(profile["mem_limit"])
    result["mem_guarantee_bytes"] = memory_to_bytes(profile["mem_guarantee"])
    result["device_requests"] = gpu_request(profile["gpus"])
    result["generic_resources"] = gpu_reservation(profile["gpus"])
    result["placement"] = list(profile["constraints"])
    return result


def profiles(value, defaults=None):
    """Validate and normalise the profile list; see the ``jupyterfleet.hub.profiles`` filter."""
    if not _is_list(value):
        raise ProfileError(f"{_show(value)} is not a list of profile dicts")
    if not value:
        raise ProfileError("expected at least one profile, got an empty list")
    checked_defaults = _check_defaults(defaults)
    result = []
    names = {}
    default_index = None
    for index, item in enumerate(value):
        profile = _profile(item, index, checked_defaults)
        where = f"profiles[{index}] ({profile['name']})"
        if profile["name"] in names:
            other = names[profile["name"]]
            raise ProfileError(
                f"{where}: name {_show(profile['name'])} is already used by profiles[{other}]"
            )
        names[profile["name"]] = index
        if profile["default"]:
            if default_index is not None:
                other = f"profiles[{default_index}] ({result[default_index]['name']})"
                raise ProfileError(
                    f"{where}: default is true, but {other} is already the default: expected at "
                    "most one default profile"
                )
            default_index = index
        result.append(profile)
    if default_index is None:
        result[0]["default"] = True
    return result


# ---- matching profiles to nodes ------------------------------------------------

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


def profiles_for_node(profiles, node):
    """The profiles (normalised by ``profiles``) whose placement lets them run on the node."""
    if not _is_list(profiles):
        raise ProfileError(f"{_show(profiles)} is not a list of profiles")
    out = []
    for index, profile in enumerate(profiles):
        if not isinstance(profile, dict) or "name" not in profile:
            raise ProfileError(f"profiles[{index}] {_show(profile)} is not a profile")
        placement = profile.get("placement", profile.get("constraints", []))
        if constraints_match(placement, node):
            out.append(profile)
    return out
