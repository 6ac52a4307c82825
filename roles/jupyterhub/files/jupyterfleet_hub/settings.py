"""The settings the role renders (jupyterfleet.json), read once when the hub starts."""

from __future__ import annotations

import json
from urllib.parse import quote


def load(path: str) -> dict:
    """jupyterfleet.json, with each profile's image resolved to the fleet's registry copy."""
    with open(path, encoding="utf-8") as f:
        settings = json.load(f)
    return resolve_images(settings)


def resolve_images(settings: dict) -> dict:
    """An image the collection built runs from the fleet registry's copy (by digest)."""
    refs = settings.get("image_refs", {})
    for profile in settings["profiles"]:
        profile["image"] = refs.get(profile["image"], profile["image"])
    return settings


def read_secret(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def db_url(hub: dict) -> str:
    """The SQLAlchemy URL of the hub's database.

    The stack's PostgreSQL (swarm mode) when a password file is given; a site's own
    postgresql:// URL with the driver the image ships (SQLAlchemy 2.1 maps a bare
    postgresql:// to psycopg 3, the image has psycopg2); anything else as given (SQLite).
    """
    if hub["db_password_file"]:
        password = quote(read_secret(hub["db_password_file"]), safe="")
        return f"postgresql+psycopg2://jupyterhub:{password}@postgres:5432/jupyterhub"
    if hub["db_url"].startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + hub["db_url"].split("://", 1)[1]
    return hub["db_url"]
