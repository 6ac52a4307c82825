"""Notebook profiles: the spawn form, the profile a user gets, and its placement messages."""

from __future__ import annotations

import html


def by_name(profiles: list[dict]) -> dict[str, dict]:
    return {p["name"]: p for p in profiles}


def default_name(profiles: list[dict]) -> str:
    """The profile marked default (the profiles filter marks exactly one)."""
    return next(p["name"] for p in profiles if p["default"])


def form(profiles: list[dict], selected: str) -> str:
    """The spawn page's radio list: one entry per profile, every text HTML-escaped."""
    rows = []
    for p in profiles:
        checked = " checked" if p["name"] == selected else ""
        rows.append(
            '<label class="list-group-item" style="display:block">'
            f'<input type="radio" name="profile" value="{html.escape(p["name"])}"{checked}> '
            f"<strong>{html.escape(p['display_name'])}</strong>"
            f"<br><small>{html.escape(p['description'])}</small></label>"
        )
    return '<div class="list-group">' + "".join(rows) + "</div>"


def name_for_user(username: str, profiles: list[dict], by_suffix: bool) -> str:
    """The profile a user gets without choosing.

    The default profile; with the seed's username-suffix scheme on, the profile named by the
    WHOLE part of the username after its last '-' (alice-gpu -> gpu), when one has that name.
    """
    if by_suffix and "-" in username:
        suffix = username.rsplit("-", 1)[1]
        if suffix in by_name(profiles):
            return suffix
    return default_name(profiles)


def select(name: str | None, username: str, profiles: list[dict], by_suffix: bool) -> dict:
    """The profile a spawn asked for (or the user's default one); an unknown name fails."""
    known = by_name(profiles)
    name = name or name_for_user(username, profiles, by_suffix)
    if name not in known:
        raise ValueError(f"Unknown profile {name!r}; choose one of {', '.join(known)}")
    return known[name]


def unschedulable_message(err: str, profile: dict) -> str:
    """What a user reads when swarm finds no node for their server, by swarm's reason."""
    shown = profile["display_name"]
    if "insufficient resources" in err and profile["gpus"]:
        return (
            f"No GPU is free for profile '{shown}': every GPU of the nodes it "
            f"can run on is in use by another server. Try again later or pick another "
            f"profile. (swarm: {err})"
        )
    if "insufficient resources" in err:
        return (
            f"No node has the CPU or memory free that profile '{shown}' "
            f"reserves. Try again later or pick a smaller profile. (swarm: {err})"
        )
    return f"No node can run profile '{shown}' (swarm: {err})"
