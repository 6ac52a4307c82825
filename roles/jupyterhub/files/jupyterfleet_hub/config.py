"""Every JupyterHub setting, from jupyterfleet.json: jupyterhub_config.py calls configure()."""

from __future__ import annotations

import os
import sys

from . import profiles, settings
from .spawners import FleetDockerSpawner, FleetSwarmSpawner, ProfilesMixin


def configure(c, settings_path: str) -> dict:
    """Set the hub's configuration ``c`` from the settings file; return the settings."""
    s = settings.load(settings_path)
    _hub(c, s)
    _proxy(c, s)
    _auth(c, s)
    _spawner(c, s)
    _services(c, s)
    return s


def _hub(c, s: dict) -> None:
    hub = s["hub"]
    c.JupyterHub.bind_url = hub["bind_url"]
    c.JupyterHub.hub_ip = "0.0.0.0"
    c.JupyterHub.hub_port = hub["hub_port"]
    c.JupyterHub.hub_connect_ip = hub["hub_connect_ip"]
    c.JupyterHub.db_url = settings.db_url(hub)
    c.JupyterHub.cookie_secret_file = hub["cookie_secret_file"]
    if hub["ssl_cert"] and s["proxy"]["should_start"]:
        # single mode: the hub starts the proxy, which terminates HTTPS
        c.JupyterHub.ssl_key = hub["ssl_key"]
        c.JupyterHub.ssl_cert = hub["ssl_cert"]
    c.JupyterHub.active_server_limit = hub["active_server_limit"]
    c.JupyterHub.active_user_window = hub["active_user_window"]
    c.JupyterHub.activity_resolution = hub["activity_resolution"]
    # Also how often the hub checks the proxy's routes when the proxy is a service of its
    # own (JupyterHub calls check_routes after each activity update, and otherwise only
    # as it starts): a restarted proxy gets its users' routes back within this time.
    c.JupyterHub.last_activity_interval = hub["last_activity_interval"]
    c.JupyterHub.concurrent_spawn_limit = hub["concurrent_spawn_limit"]
    c.JupyterHub.internal_ssl = hub["internal_ssl"]
    c.JupyterHub.init_spawners_timeout = hub["init_spawners_timeout"]
    c.JupyterHub.log_level = hub["log_level"]
    # User servers outlive the hub: a hub restart must never stop them.
    c.JupyterHub.cleanup_servers = False


def _proxy(c, s: dict) -> None:
    hub = s["hub"]
    c.ConfigurableHTTPProxy.pid_file = "/data/jupyterhub-proxy.pid"
    if not s["proxy"]["should_start"]:
        # swarm mode: configurable-http-proxy is its own service (it keeps routing
        # to running servers while the hub restarts)
        c.ConfigurableHTTPProxy.should_start = False
        c.ConfigurableHTTPProxy.api_url = s["proxy"]["api_url"]
        c.JupyterHub.hub_bind_url = f"http://0.0.0.0:{hub['hub_port']}"
        c.JupyterHub.hub_connect_url = f"http://{hub['hub_connect_ip']}:{hub['hub_port']}"
    c.ConfigurableHTTPProxy.auth_token = settings.read_secret(hub["proxy_auth_token_file"])


def _auth(c, s: dict) -> None:
    import nativeauthenticator

    auth = s["auth"]
    c.JupyterHub.authenticator_class = "jupyterfleet_hub.auth.FleetNativeAuthenticator"
    c.JupyterHub.template_paths = [
        os.path.join(os.path.dirname(nativeauthenticator.__file__), "templates")
    ]
    # Who may log in is NativeAuthenticator's approval (/hub/authorize), not an allow list.
    c.NativeAuthenticator.allow_all = True
    c.Authenticator.admin_users = set(auth["admin_users"])
    c.NativeAuthenticator.check_common_password = auth["check_common_password"]
    c.NativeAuthenticator.minimum_password_length = auth["minimum_password_length"]
    # Set explicitly: NativeAuthenticator's own defaults lock nobody out.
    c.NativeAuthenticator.allowed_failed_logins = auth["allowed_failed_logins"]
    c.NativeAuthenticator.seconds_before_next_try = auth["seconds_before_next_try"]
    c.NativeAuthenticator.enable_signup = auth["enable_signup"]
    c.NativeAuthenticator.open_signup = auth["open_signup"]
    c.FleetNativeAuthenticator.unlock_file = auth["unlock_file"]
    # a client's failed logins (by address): past the limit, refused at once for the window
    c.FleetNativeAuthenticator.client_failed_logins = auth["client_failed_logins"]
    c.FleetNativeAuthenticator.client_window = auth["client_window"]
    # playbooks/verify.yml's probe user is created by its hub service only
    c.FleetNativeAuthenticator.reserved_names = {s["verify"]["probe_user"]}


def _spawner(c, s: dict) -> None:
    spawn = s["spawner"]
    ProfilesMixin.fleet = s
    c.JupyterHub.spawner_class = FleetSwarmSpawner if s["mode"] == "swarm" else FleetDockerSpawner
    c.DockerSpawner.network_name = spawn["network_name"]
    c.DockerSpawner.use_internal_ip = True
    c.DockerSpawner.pull_policy = spawn["pull_policy"]
    # Swarm nodes hold their profiles' images already (pre-pulled): never pull on the hub.
    c.SwarmSpawner.pull_policy = "skip"
    c.DockerSpawner.notebook_dir = spawn["notebook_dir"]
    c.DockerSpawner.volumes = {spawn["volume_name"]: spawn["notebook_dir"]}
    c.DockerSpawner.remove = spawn["remove"]
    c.DockerSpawner.debug = spawn["debug"]
    if spawn["cmd"]:
        c.DockerSpawner.cmd = spawn["cmd"]
    default = profiles.by_name(s["profiles"])[profiles.default_name(s["profiles"])]
    c.DockerSpawner.image = default["image"]
    c.Spawner.consecutive_failure_limit = spawn["consecutive_failure_limit"]
    c.Spawner.poll_interval = spawn["poll_interval"]
    c.Spawner.start_timeout = spawn["start_timeout"]
    c.Spawner.http_timeout = spawn["http_timeout"]


def _services(c, s: dict) -> None:
    services, roles = [], []
    cull = s["idle_culler"]
    if cull["enabled"]:
        roles.append(
            {
                "name": "jupyterhub-idle-culler-role",
                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]
                # deleting users needs admin:users
                + (["admin:users"] if cull["cull_users"] else []),
                "services": ["jupyterhub-idle-culler-service"],
            }
        )
        services.append(
            {
                "name": "jupyterhub-idle-culler-service",
                "command": [
                    sys.executable,
                    "-m",
                    "jupyterhub_idle_culler",
                    f"--timeout={cull['timeout']}",
                    f"--cull-every={cull['every']}",
                    f"--max-age={cull['max_age']}",
                    f"--cull-users={cull['cull_users']}",
                    # the admins the collection made keep their accounts
                    "--cull-admin-users=False",
                ],
            }
        )
    # playbooks/verify.yml's probe: its token (generated once, kept in the secrets) may
    # create, spawn, reach and delete the probe user only: every scope is filtered to it.
    probe = s["verify"]["probe_user"]
    services.append(
        {
            "name": "jupyterfleet-verify",
            "api_token": settings.read_secret(s["verify"]["api_token_file"]),
        }
    )
    roles.append(
        {
            "name": "jupyterfleet-verify",
            "scopes": [
                f"admin:users!user={probe}",
                f"servers!user={probe}",
                f"access:servers!user={probe}",
            ],
            "services": ["jupyterfleet-verify"],
        }
    )
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles
