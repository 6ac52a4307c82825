# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The profile list, the single source of truth for what users can spawn, and which profiles
a node can run.

Pure Python, shared by the ``jupyterfleet.hub`` filter plugins and the preflight, like the
parsers it is built on (one module per concern): _constraints, _images, _seed, _gpus,
_resources. Every function raises :class:`ProfileError` with a message that names the bad
value and says what was expected; the filters prefix it with their own name and raise
``AnsibleFilterError``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.jupyterfleet.hub.plugins.module_utils._constraints import (
    constraints_match,
    placement_constraints,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._gpus import (
    GPU_COUNT_EXPECTED,
    gpu_request,
    gpu_reservation,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._images import (
    image_reference,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _is_int,
    _is_list,
    _show,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._resources import (
    _cpu,
    _memory,
    memory_to_bytes,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    _check_name,
    apply_constraint_gpus,
    env_string,
    parse_constraint_images,
)

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


SEED_DESCRIPTION = "from SPAWNER_CONSTRAINT_IMAGES"


def fleet_profiles(value, defaults=None, seed="", seed_gpus=""):
    """The fleet's profile list: ``value`` (fleet_profiles), then one profile per entry of the
    seed's SPAWNER_CONSTRAINT_IMAGES (``seed``, with SPAWNER_CONSTRAINT_WITH_GPUS ``seed_gpus``),
    normalised by :func:`profiles` with ``defaults``. The one pipeline of the preflight and the
    fleet role. Errors start with the inventory variable they come from."""
    try:
        entries = apply_constraint_gpus(parse_constraint_images(seed), seed_gpus)
    except ProfileError as exc:
        raise ProfileError(
            f"fleet_seed_constraint_images / fleet_seed_constraint_with_gpus: {exc}"
        ) from None
    from_seed = [{**entry, "description": SEED_DESCRIPTION} for entry in entries]
    try:
        return profiles(list(value or []) + from_seed, defaults)
    except ProfileError as exc:
        raise ProfileError(f"fleet_profiles: {exc}") from None


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
