"""jupyterfleet_hub.config: the JupyterHub settings made from jupyterfleet.json, per mode."""

from __future__ import annotations

import sys

from conftest import write
from jupyterfleet_hub.config import configure
from jupyterfleet_hub.spawners import FleetDockerSpawner, FleetSwarmSpawner, ProfilesMixin
from traitlets.config import Config


def _configured(settings, tmp_path) -> Config:
    c = Config()
    configure(c, write(settings, tmp_path))
    return c


def test_single_mode(settings, tmp_path):
    c = _configured(settings, tmp_path)
    assert c.JupyterHub.spawner_class is FleetDockerSpawner
    assert ProfilesMixin.fleet["mode"] == "single"
    assert c.JupyterHub.db_url == "sqlite:////data/jupyterhub.sqlite"
    # the hub starts the proxy, which serves HTTPS with the hub's certificate
    assert "should_start" not in c.ConfigurableHTTPProxy
    assert c.JupyterHub.ssl_cert == "/srv/jupyterhub/ssl/hub.crt"
    assert c.ConfigurableHTTPProxy.auth_token == "proxy_auth_token-value"
    assert c.JupyterHub.cleanup_servers is False
    assert c.DockerSpawner.image == "jupyterfleet/notebook:0.1.0"
    assert c.DockerSpawner.volumes == {"jupyterhub-user-{username}": "/home/jovyan/work"}
    assert c.JupyterHub.authenticator_class == "jupyterfleet_hub.auth.FleetNativeAuthenticator"
    assert c.Authenticator.admin_users == {"admin"}
    assert c.FleetNativeAuthenticator.reserved_names == {"jfverifyprobe"}
    assert c.NativeAuthenticator.allowed_failed_logins == 3
    assert c.FleetNativeAuthenticator.client_failed_logins == 10
    assert c.FleetNativeAuthenticator.client_window == 60


def test_swarm_mode(swarm_settings, tmp_path):
    c = _configured(swarm_settings, tmp_path)
    assert c.JupyterHub.spawner_class is FleetSwarmSpawner
    assert c.JupyterHub.db_url.startswith("postgresql+psycopg2://jupyterhub:")
    assert c.ConfigurableHTTPProxy.should_start is False
    assert c.ConfigurableHTTPProxy.api_url == "http://proxy-api:8001"
    assert c.JupyterHub.hub_connect_url == "http://jupyterhub:8081"
    assert "ssl_cert" not in c.JupyterHub
    assert c.SwarmSpawner.pull_policy == "skip"


def test_the_culler_and_the_verify_probe_services(settings, tmp_path):
    settings["idle_culler"].update(timeout=30, every=5, cull_users=True)
    c = _configured(settings, tmp_path)
    culler, verify = c.JupyterHub.services
    assert culler["command"] == [
        sys.executable,
        "-m",
        "jupyterhub_idle_culler",
        "--timeout=30",
        "--cull-every=5",
        "--max-age=0",
        "--cull-users=True",
        "--cull-admin-users=False",
    ]
    assert verify == {"name": "jupyterfleet-verify", "api_token": "verify_api_token-value"}
    culler_role, verify_role = c.JupyterHub.load_roles
    assert "admin:users" in culler_role["scopes"]
    assert verify_role["scopes"] == [
        "admin:users!user=jfverifyprobe",
        "servers!user=jfverifyprobe",
        "access:servers!user=jfverifyprobe",
    ]


def test_without_the_culler_only_the_probe_service(settings, tmp_path):
    settings["idle_culler"]["enabled"] = False
    c = _configured(settings, tmp_path)
    assert [s["name"] for s in c.JupyterHub.services] == ["jupyterfleet-verify"]
    assert [r["name"] for r in c.JupyterHub.load_roles] == ["jupyterfleet-verify"]
