"""jupyterfleet_hub.spawners: profiles applied per spawn, mounts per storage type, placement."""

from __future__ import annotations

import asyncio
import os
import stat
from types import SimpleNamespace

import pytest
from jupyterfleet_hub import spawners
from jupyterfleet_hub.spawners import FleetDockerSpawner, FleetSwarmSpawner, ProfilesMixin


def _user(name: str) -> SimpleNamespace:
    return SimpleNamespace(
        name=name, escaped_name=name, url=f"/user/{name}/", server=None, settings={}
    )


@pytest.fixture
def fleet(swarm_settings, monkeypatch):
    monkeypatch.setattr(ProfilesMixin, "fleet", swarm_settings)
    return swarm_settings


def test_each_spawn_gets_its_own_profile_and_nothing_leaks_to_another(fleet):
    fleet["spawner"]["environment"] = {"SITE": "lab"}
    fleet["profiles"][2]["environment"] = {"CUDA": "1"}
    a = FleetDockerSpawner(user=_user("alice"))
    b = FleetDockerSpawner(user=_user("bob"))
    a.user_options, b.user_options = {"profile": "gpu"}, {"profile": "cpu-large"}
    assert a.apply_profile()["name"] == "gpu"
    assert b.apply_profile()["name"] == "cpu-large"
    assert a.environment == {"SITE": "lab", "CUDA": "1", "JUPYTERFLEET_PROFILE": "gpu"}
    assert b.environment == {"SITE": "lab", "JUPYTERFLEET_PROFILE": "cpu-large"}
    assert (b.cpu_limit, b.mem_limit) == (2.0, 2 * 1024**3)
    assert fleet["spawner"]["environment"] == {"SITE": "lab"}
    assert FleetDockerSpawner(user=_user("carol")).environment == {}


def test_the_spawn_form_and_what_it_posts(fleet):
    s = FleetSwarmSpawner(user=_user("alice-gpu"))
    assert 'value="cpu" checked>' in s.options_form
    assert s.options_from_form({"profile": ["gpu"]}) == {"profile": "gpu"}
    assert s.options_from_form({}) == {"profile": "cpu"}
    fleet["spawner"]["profile_by_username_suffix"] = True
    s = FleetSwarmSpawner(user=_user("alice-gpu"))
    assert 'value="gpu" checked>' in s.options_form
    assert s.options_from_form({}) == {"profile": "gpu"}


def test_one_profile_needs_no_form(fleet):
    fleet["profiles"] = fleet["profiles"][:1]
    assert FleetDockerSpawner(user=_user("alice")).options_form == ""


def _nfs_volume(version: int) -> dict:
    """A local volume of type nfs: Docker mounts the user's directory of the export itself."""
    options = {
        "type": "nfs",
        "o": f"addr=172.20.0.2,rw,hard,noatime,nfsvers={version}",
        "device": ":/srv/jupyterfleet/notebooks/alice",
    }
    return {
        "Type": "volume",
        "Source": "jupyterhub-user-alice",
        "VolumeOptions": {"DriverConfig": {"Name": "local", "Options": options}},
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("local", {"Type": "volume", "Source": "jupyterhub-user-alice"}),
        ("bind", {"Type": "bind", "Source": "/srv/jupyterfleet/users/alice"}),
        ("nfs3", _nfs_volume(3)),
        ("nfs4", _nfs_volume(4)),
    ],
)
def test_mounts_per_storage_type(fleet, kind, expected):
    fleet["spawner"]["storage"]["type"] = kind
    fleet["spawner"]["storage"]["nfs_export"] = "/srv/jupyterfleet/notebooks/"
    [mount] = FleetSwarmSpawner(user=_user("alice")).mounts
    assert {"Target": "/home/jovyan/work", "ReadOnly": False, **expected} == dict(mount)


def test_the_users_directory_is_made_once_for_the_notebook_user(tmp_path):
    storage = {"hub_users_dir": str(tmp_path), "uid": os.getuid(), "gid": os.getgid()}
    path = spawners.user_dir(storage, "alice")
    assert path == str(tmp_path / "alice")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750
    os.chmod(path, 0o700)  # an existing directory is left as it is
    spawners.user_dir(storage, "alice")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert spawners.user_dir({**storage, "hub_users_dir": ""}, "bob") is None


def test_a_workstation_container_gets_the_profiles_guarantees_and_gpus(swarm_settings):
    cpu = swarm_settings["profiles"][0]
    assert spawners.docker_host_config(cpu) == {"mem_reservation": 256 * 1024**2, "cpu_shares": 512}
    tiny = {**cpu, "mem_guarantee_bytes": 0, "cpu_guarantee": 0.001, "device_requests": []}
    assert spawners.docker_host_config(tiny) == {"cpu_shares": 2}
    gpu = {
        **cpu,
        "device_requests": [
            {"Driver": "nvidia", "DeviceIDs": ["GPU-1"], "Capabilities": [["gpu"]]}
        ],
    }
    [request] = spawners.docker_host_config(gpu)["device_requests"]
    assert (request.driver, request.count, request.device_ids, request.capabilities) == (
        "nvidia",
        0,
        ["GPU-1"],
        [["gpu"]],
    )


def _task(state: str, err: str = "") -> dict:
    return {"Status": {"State": state, "Err": err, "Message": state}}


def _start_object(spawner: FleetSwarmSpawner, tasks: list) -> None:
    async def get_task():
        return tasks.pop(0) if len(tasks) > 1 else tasks[0]

    spawner.get_task = get_task
    asyncio.run(spawner.start_object())


def test_swarm_start_waits_for_the_task_to_run(fleet):
    s = FleetSwarmSpawner(user=_user("alice"))
    _start_object(s, [_task("pending"), _task("running")])


def test_swarm_start_says_plainly_why_no_node_takes_the_server(fleet):
    fleet["spawner"]["unschedulable_timeout"] = 0
    s = FleetSwarmSpawner(user=_user("alice"))
    s.user_options = {"profile": "gpu"}
    err = "no suitable node (insufficient resources on 1 node)"
    with pytest.raises(RuntimeError, match=r"^No GPU is free for profile 'GPU <notebook>'"):
        _start_object(s, [_task("pending", err)])


def test_swarm_start_reports_a_failed_task(fleet):
    s = FleetSwarmSpawner(user=_user("alice"))
    with pytest.raises(RuntimeError, match=r"^Your server could not start: boom$"):
        _start_object(s, [_task("failed", "boom")])


def test_swarm_command_without_the_image(fleet):
    s = FleetSwarmSpawner(user=_user("alice"))
    assert asyncio.run(s.get_command())[0] == "jupyterhub-singleuser"
