"""DockerSpawner (one workstation) and SwarmSpawner (swarm), sized and placed by profiles."""

from __future__ import annotations

import asyncio
import os
from typing import ClassVar

import docker.types
from docker.types import DriverConfig, Mount
from dockerspawner import DockerSpawner, SwarmSpawner
from traitlets import default

from . import profiles


def user_dir(storage: dict, escaped_name: str) -> str | None:
    """Make the user's directory on the shared storage before the first spawn (its path)."""
    if not storage["hub_users_dir"]:
        return None
    path = os.path.join(storage["hub_users_dir"], escaped_name)
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o750, exist_ok=True)
        os.chown(path, storage["uid"], storage["gid"])
    return path


def swarm_mounts(spawn: dict, escaped_name: str) -> list[Mount]:
    """The user's notebook directory in a swarm service, by the storage type.

    bind: a directory of the shared users' directory every node has at the same path;
    nfs3/nfs4: a local volume of type nfs that Docker mounts on the node the task runs on;
    local: a named volume on that node.
    """
    storage, target = spawn["storage"], spawn["notebook_dir"]
    name = spawn["volume_name"].format(username=escaped_name)
    kind = storage["type"]
    if kind == "bind":
        source = os.path.join(storage["bind_root"], escaped_name)
        return [Mount(target=target, source=source, type="bind")]
    if kind in ("nfs3", "nfs4"):
        opts = f"addr={storage['nfs_host']},{storage['nfs_options']},nfsvers={kind[-1]}"
        device = f":{storage['nfs_export'].rstrip('/')}/{escaped_name}"
        driver = DriverConfig("local", {"type": "nfs", "o": opts, "device": device})
        return [Mount(target=target, source=name, type="volume", driver_config=driver)]
    return [Mount(target=target, source=name, type="volume")]


def docker_host_config(profile: dict) -> dict:
    """extra_host_config of a container on one workstation: the profile's guarantees, GPUs."""
    host = {}
    if profile["mem_guarantee_bytes"]:
        host["mem_reservation"] = profile["mem_guarantee_bytes"]
    if profile["cpu_guarantee"]:
        host["cpu_shares"] = max(2, int(1024 * profile["cpu_guarantee"]))
    if profile["device_requests"]:
        host["device_requests"] = [
            docker.types.DeviceRequest(
                driver=r.get("Driver", ""),
                count=r.get("Count", 0),
                device_ids=r.get("DeviceIDs"),
                capabilities=r.get("Capabilities"),
            )
            for r in profile["device_requests"]
        ]
    return host


class ProfilesMixin:
    """Pick a profile in the spawn form and apply it to THIS spawn only.

    Every value is set on the spawner instance, never on the class or a shared dict, so one
    user's profile cannot leak into another's spawn. ``fleet`` holds the hub's settings
    (jupyterfleet.json), set once by :func:`jupyterfleet_hub.config.configure`.
    """

    fleet: ClassVar[dict] = {}

    @property
    def _profiles(self) -> list[dict]:
        return self.fleet["profiles"]

    @default("options_form")
    def _options_form_default(self):
        if len(self._profiles) <= 1:
            return ""
        return profiles.form(self._profiles, self._default_profile_name())

    def options_from_form(self, formdata):
        return {"profile": formdata.get("profile", [self._default_profile_name()])[0]}

    def _default_profile_name(self):
        by_suffix = self.fleet["spawner"]["profile_by_username_suffix"]
        return profiles.name_for_user(self.user.name, self._profiles, by_suffix)

    def _selected_profile(self):
        by_suffix = self.fleet["spawner"]["profile_by_username_suffix"]
        wanted = (self.user_options or {}).get("profile")
        return profiles.select(wanted, self.user.name, self._profiles, by_suffix)

    def apply_profile(self):
        p = self._selected_profile()
        self.image = p["image"]
        if p["cpu_limit"] is not None:
            self.cpu_limit = float(p["cpu_limit"])
        if p["mem_limit"] is not None:
            self.mem_limit = p["mem_limit"]
        self.environment = {
            **self.fleet["spawner"]["environment"],
            **p["environment"],
            "JUPYTERFLEET_PROFILE": p["name"],
        }
        return p


class FleetDockerSpawner(ProfilesMixin, DockerSpawner):
    """One container per user on this host, sized by the profile."""

    async def start(self):
        p = self.apply_profile()
        user_dir(self.fleet["spawner"]["storage"], self.escaped_name)
        self.extra_host_config = docker_host_config(p)
        return await super().start()


class FleetSwarmSpawner(ProfilesMixin, SwarmSpawner):
    """One swarm service per user, placed by the profile's constraints and GPUs."""

    @property
    def mounts(self):
        return swarm_mounts(self.fleet["spawner"], self.escaped_name)

    async def start(self):
        p = self.apply_profile()
        self.cpu_guarantee = p["cpu_guarantee"]
        if p["mem_guarantee"] is not None:
            self.mem_guarantee = p["mem_guarantee"]
        self.extra_placement_spec = {"constraints": p["placement"]}
        self.extra_resources_spec = (
            {"generic_resources": p["generic_resources"]} if p["generic_resources"] else {}
        )
        self.extra_endpoint_spec = {"mode": self.fleet["spawner"]["endpoint_mode"]}
        user_dir(self.fleet["spawner"]["storage"], self.escaped_name)
        return await super().start()

    async def get_command(self):
        # The hub's own daemon does not hold notebook images in swarm mode (nodes
        # pull what they run), so the command cannot be read from the image here.
        if not self.cmd:
            return ["jupyterhub-singleuser", *self.get_args()]
        return await super().get_command()

    async def start_object(self):
        """Wait for the task to run; say plainly why when swarm cannot place it."""
        waited, dt = 0.0, 1.0
        while True:
            task = await self.get_task()
            if not task:
                raise RuntimeError(f"Service {self.service_name} not found")
            status = task["Status"]
            state = status["State"].lower()
            if state == "running":
                return
            if state in ("failed", "shutdown", "complete", "orphaned", "remove"):
                raise RuntimeError(
                    f"Your server could not start: {status.get('Err') or status.get('Message')}"
                )
            err = status.get("Err") or ""
            if (
                state == "pending"
                and "no suitable node" in err
                and waited >= self.fleet["spawner"]["unschedulable_timeout"]
            ):
                raise RuntimeError(profiles.unschedulable_message(err, self._selected_profile()))
            await asyncio.sleep(dt)
            waited += dt
            dt = min(dt * 1.5, 5)
