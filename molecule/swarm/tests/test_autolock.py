"""Swarm autolock: the unlock key is kept on the controller only, and a manager that
comes back locked from a Docker restart is unlocked by playbooks/unlock.yml.

The lab sets swarm_autolock: true (inventories/lab-swarm/group_vars/all/autolock.yml).
This module restarts the manager's Docker; pytest runs it before test_swarm.py, so it
ends only when the swarm is whole again: the manager unlocked, every node Ready, every
service's replicas running and the hub answering. Should a test fail half-way, the
module's teardown still unlocks the manager with the controller's key.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import CPU, GPU, MANAGER, Node

PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
KEY_FILE = PROJECT / ".cache" / "lab" / "secrets" / f"{MANAGER}-swarm-unlock-key"
# Where a stray copy of the key would be written on a node's disk (the existing ones
# are searched; grep exits 1 when it found nothing).
FIND_KEY = (
    'k="$0"; set --; for d in /etc /root /home /opt /srv /tmp /var/tmp /var/log'
    ' /var/lib/docker/swarm /var/lib/jupyterfleet; do [ -e "$d" ] && set -- "$@" "$d"; done;'
    ' grep -rlsF -D skip -- "$k" "$@"'
)


def _state(node: Node) -> str:
    """The node's swarm state (active, locked, ...), "" while its Docker does not answer."""
    return node.sh("docker info --format '{{.Swarm.LocalNodeState}}'", check=False)


def _wait(what: str, probe, timeout: float, every: float = 2):
    """Call probe until it returns something truthy; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(every)
    pytest.fail(f"{what}: not within {timeout:.0f} s (last probe: {last!r})")


def _ansible_playbook(*args: str) -> subprocess.CompletedProcess:
    """Run a playbook of the project against this scenario's inventory (with its group_vars)."""
    exe = Path(sys.executable).with_name("ansible-playbook")
    cmd = str(exe) if exe.exists() else shutil.which("ansible-playbook")
    inventory = os.path.dirname(os.environ["MOLECULE_INVENTORY_FILE"])
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(PROJECT / ".cache" / "collections"),
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_NOCOLOR="1",
    )
    return subprocess.run(
        [cmd, *args, "-i", inventory],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _recap(out: str, host: str) -> dict:
    m = re.search(rf"^{re.escape(host)}\s*:\s*(.*)$", out, re.MULTILINE)
    assert m, f"no recap line for {host}:\n{out[-3000:]}"
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}


def _swarm_whole(nodes, hub_url) -> bool:
    """Every node Ready, every service's replicas all running, the hub answering."""
    mgr = nodes[MANAGER]
    if _state(mgr) != "active":
        return False
    status = mgr.sh("docker node ls --format '{{.Hostname}} {{.Status}}'", check=False)
    ready = {ln.split()[0] for ln in status.splitlines() if ln.endswith(" Ready")}
    if ready != {MANAGER, GPU, CPU}:
        return False
    # "1/1", "3/3", or "1/1 (max 1 per node)"
    replicas = [
        re.match(r"(\d+)/(\d+)", r)
        for r in mgr.sh("docker service ls --format '{{.Replicas}}'", check=False).splitlines()
    ]
    if not replicas or any(m is None or m[1] != m[2] for m in replicas):
        return False
    try:
        return requests.get(f"{hub_url}/hub/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module", autouse=True)
def leave_the_manager_unlocked(nodes):
    """Whatever happens here, test_swarm.py must find an unlocked manager."""
    yield
    mgr = nodes[MANAGER]
    if _state(mgr) == "locked" and KEY_FILE.is_file():
        subprocess.run(  # the key goes through stdin, never argv
            ["docker", "exec", "-i", MANAGER, "docker", "swarm", "unlock"],
            input=KEY_FILE.read_text(),
            capture_output=True,
            text=True,
            check=False,
        )


def test_managers_are_autolocked(nodes):
    enc = json.loads(
        nodes[MANAGER].sh("docker info --format '{{json .Swarm.Cluster.Spec.EncryptionConfig}}'")
    )
    assert enc == {"AutoLockManagers": True}


def test_unlock_key_is_kept_on_the_controller_only(nodes):
    assert KEY_FILE.is_file(), f"no unlock key at {KEY_FILE}"
    assert stat.S_IMODE(KEY_FILE.stat().st_mode) == 0o600
    assert stat.S_IMODE(KEY_FILE.parent.stat().st_mode) == 0o700
    key = KEY_FILE.read_text().strip()
    assert key.startswith("SWMKEY-1-")
    assert key == nodes[MANAGER].sh("docker swarm unlock-key -q"), "the key is the swarm's"
    for name, node in nodes.items():
        found = node.c.exec_run(["sh", "-c", FIND_KEY, key])
        assert found.exit_code == 1, f"the unlock key is on {name}: {found.output.decode()}"


def test_unlock_key_directory_is_kept_out_of_git(tmp_path):
    """The role's .gitignore next to the key: a site repository holding it commits nothing."""
    ignore = KEY_FILE.parent / ".gitignore"
    assert ignore.is_file(), f"no .gitignore beside {KEY_FILE}"
    site = tmp_path / "site"
    (site / ".secrets").mkdir(parents=True)
    shutil.copy(ignore, site / ".secrets" / ".gitignore")
    (site / ".secrets" / "swarm-unlock-key").write_text("not the key\n")
    (site / "hosts.yml").write_text("all: {}\n")
    git = ["git", "-C", str(site)]
    subprocess.run([*git, "init", "-q"], check=True)
    listed = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == ["??", "hosts.yml"]


def test_restarted_manager_is_locked_and_unlock_playbook_unlocks_it(nodes):
    mgr = nodes[MANAGER]
    mgr.sh("systemctl restart docker")
    _wait("the manager comes back locked", lambda: _state(mgr) == "locked", 120)

    run = _ansible_playbook("playbooks/unlock.yml")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert _recap(run.stdout, MANAGER)["changed"] == 1, run.stdout[-3000:]
    assert KEY_FILE.read_text().strip() not in run.stdout + run.stderr, "the key was printed"
    assert _state(mgr) == "active"

    again = _ansible_playbook("playbooks/unlock.yml")
    assert again.returncode == 0, again.stdout[-4000:]
    assert _recap(again.stdout, MANAGER)["changed"] == 0, "an active manager is left alone"


def test_swarm_and_hub_are_back_after_the_unlock(nodes, hub_url):
    _wait(
        "every node Ready, every service running, the hub answering",
        lambda: _swarm_whole(nodes, hub_url),
        300,
        every=3,
    )
