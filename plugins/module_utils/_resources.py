# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Memory sizes and CPU amounts."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _is_int,
    _show,
)

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
