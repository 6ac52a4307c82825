# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""GPU requests (docker device_requests) and reservations (swarm generic resources)."""

from __future__ import annotations

import re

from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _is_int,
    _is_list,
    _show,
)

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
