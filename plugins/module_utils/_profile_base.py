# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""What every profile parser shares: the error type and how a bad value is shown."""

from __future__ import annotations

__all__ = ["ProfileError"]


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
