# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Docker image references."""

from __future__ import annotations

import re

from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
    _show,
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
