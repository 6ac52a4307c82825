"""jupyterfleet_hub.settings: reading jupyterfleet.json, image references, the database URL."""

from __future__ import annotations

from conftest import write
from jupyterfleet_hub import settings as hub_settings


def test_images_the_collection_built_run_from_the_registry_copy(settings, tmp_path):
    digest = "registry.lan:5000/jupyterfleet/notebook@sha256:" + "ab" * 32
    settings["image_refs"]["jupyterfleet/notebook:0.1.0"] = digest
    settings["profiles"][1]["image"] = "quay.io/other/image:1"
    loaded = hub_settings.load(write(settings, tmp_path))
    assert [p["image"] for p in loaded["profiles"]] == [digest, "quay.io/other/image:1"]


def test_sqlite_url_is_kept(settings):
    assert hub_settings.db_url(settings["hub"]) == "sqlite:////data/jupyterhub.sqlite"


def test_the_stacks_postgresql_with_the_password_quoted(swarm_settings):
    assert hub_settings.db_url(swarm_settings["hub"]) == (
        "postgresql+psycopg2://jupyterhub:p%40ss%2Fw%3Ard@postgres:5432/jupyterhub"
    )


def test_a_sites_own_postgresql_url_gets_the_driver_the_image_ships(settings):
    for scheme in ("postgresql", "postgres"):
        settings["hub"]["db_url"] = f"{scheme}://hub:secret@db.lan/jupyterhub"
        assert hub_settings.db_url(settings["hub"]) == (
            "postgresql+psycopg2://hub:secret@db.lan/jupyterhub"
        )
    settings["hub"]["db_url"] = "postgresql+psycopg://hub@db.lan/jh"
    assert hub_settings.db_url(settings["hub"]) == "postgresql+psycopg://hub@db.lan/jh"
