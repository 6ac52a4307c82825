"""A hub upgrade that fails on one workstation, and the way back the run prints.

site.yml runs with a hub image that cannot run this hub, as a team would with a wrong pin: the
notebook image (JupyterHub without DockerSpawner or NativeAuthenticator). The upgrade path backs
up, stops the hub and runs `jupyterhub upgrade-db` with the new image, which fails. The run must
fail, say why and print the exact restore command of the backup it just made, without leaving
two hubs or a half-upgraded one running. That command, run as printed (with the inventory's hub
image back), brings the previous hub back: the same image, every account logs in with its
password, and the user's server, left running through all of it, answers through the proxy
with her file.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import pytest
from conftest import HUB_SETTINGS, NODE, default_notebook_image
from fleetrun import run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

INVENTORY = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "inventory"
BACKUPS = INVENTORY / ".backups"
UPGRADES = "/etc/jupyterfleet/hub/upgrades.log"
RESTORE_RE = re.compile(r"ansible-playbook playbooks/restore\.yml -i (\S+) -e backup=([0-9TZ]+)")


def _hub(host) -> dict:
    return json.loads(host.check_output("docker inspect jupyterhub"))[0]


@pytest.fixture(scope="module")
def failed_upgrade(host, hub_url):
    """A user with a running server and a file; then site.yml with the wrong hub image."""
    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
    user = HubUser(hub_url, "roll" + uuid.uuid4().hex[:6], "roll-" + uuid.uuid4().hex)
    user.signup()
    admin.authorize(user.name)
    assert user.login()
    user.start()
    user.put_file("kept.txt", "written before the failed upgrade")
    before = _hub(host)
    log_before = host.file(UPGRADES).content_string if host.file(UPGRADES).exists else ""
    bad = default_notebook_image(json.loads(host.file(HUB_SETTINGS).content_string))
    proc = run_playbook("site.yml", "-e", f"jupyterhub_image={bad}")
    return {"user": user, "admin": admin, "before": before, "log": log_before, "bad": bad}, proc


def test_the_run_fails_and_prints_the_restore_command(host, failed_upgrade):
    ctx, proc = failed_upgrade
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, tail(proc)
    assert "The hub upgrade from" in out and "jupyterhub upgrade-db" in out, tail(proc)
    # the backup step says how to restore its backup in general; the failure, with this inventory
    found = RESTORE_RE.findall(out)
    assert found, tail(proc)
    inventory, name = found[-1]
    assert Path(inventory) == INVENTORY
    # the backup it names is there, made by this run, with the database and the secrets
    manifest = json.loads((BACKUPS / name / "manifest.json").read_text())
    files = {f["file"] for f in manifest["files"]}
    assert {"hub.sqlite", "secrets.tar.gz"} <= files, files
    # never two hubs, nor a half-upgraded one: the hub is stopped on its old image and the
    # one-off upgrade container is gone; the user's server still runs
    hub = _hub(host)
    assert hub["Image"] == ctx["before"]["Image"]
    assert not hub["State"]["Running"]
    assert host.run("docker inspect jupyterhub-upgrade-db").rc != 0
    running = host.check_output("docker ps --format '{{.Names}}'").split()
    assert any(ctx["user"].name in n for n in running), running


def test_the_printed_command_brings_the_previous_hub_back(host, failed_upgrade):
    ctx, proc = failed_upgrade
    found = RESTORE_RE.findall(proc.stdout + proc.stderr)
    assert found, tail(proc)
    # as printed, with the inventory as it was (the wrong image pin taken back out)
    restored = run_playbook("restore.yml", "-e", f"backup={found[-1][1]}")
    assert restored.returncode == 0, tail(restored)
    hub = _hub(host)
    assert hub["State"]["Running"]
    assert hub["Image"] == ctx["before"]["Image"]
    user, admin = ctx["user"], ctx["admin"]
    assert admin.login(), "the admin cannot log in after the roll-back"
    assert user.login(), f"{user.name} cannot log in after the roll-back"
    # her server ran through it all and the restored hub adopted it
    assert server_answers(user) == 200
    assert user.get_file("kept.txt") == "written before the failed upgrade"
    # a failed upgrade is not recorded as one
    log = host.file(UPGRADES).content_string if host.file(UPGRADES).exists else ""
    assert log == ctx["log"]
    user.stop()
