"""The hub package (roles/jupyterhub/files/jupyterfleet_hub) is imported as the hub does it."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2] / "roles" / "jupyterhub" / "files"))


@pytest.fixture
def db():
    """A real (in-memory SQLite) hub database: NativeAuthenticator adds its table to it."""
    from jupyterhub.orm import new_session_factory

    return new_session_factory("sqlite://")()


@pytest.fixture
def settings(tmp_path) -> dict:
    """jupyterfleet.json as the role renders it for the single-mode lab, secrets in tmp_path."""
    s = json.loads((HERE / "settings-single.json").read_text())
    for name in ("cookie_secret", "proxy_auth_token", "verify_api_token"):
        (tmp_path / name).write_text(f"{name}-value\n")
    s["hub"]["cookie_secret_file"] = str(tmp_path / "cookie_secret")
    s["hub"]["proxy_auth_token_file"] = str(tmp_path / "proxy_auth_token")
    s["verify"]["api_token_file"] = str(tmp_path / "verify_api_token")
    s["auth"]["unlock_file"] = str(tmp_path / "unlock.json")
    return s


@pytest.fixture
def swarm_settings(settings, tmp_path) -> dict:
    """The same for swarm mode: PostgreSQL of the stack, the proxy its own service, GPUs."""
    s = copy.deepcopy(settings)
    (tmp_path / "db_password").write_text("p@ss/w:rd\n")
    s["mode"] = "swarm"
    s["hub"].update(db_password_file=str(tmp_path / "db_password"), db_url="", ssl_cert="")
    s["proxy"]["should_start"] = False
    gpu = copy.deepcopy(s["profiles"][0])
    gpu.update(
        name="gpu",
        display_name="GPU <notebook>",
        description="1 GPU & more",
        gpus=1,
        default=False,
        placement=["node.labels.calculation_type==gpu"],
        generic_resources={"GPU": 1},
    )
    s["profiles"].append(gpu)
    return s


def write(settings: dict, tmp_path: Path) -> str:
    path = tmp_path / "jupyterfleet.json"
    path.write_text(json.dumps(settings))
    return str(path)
