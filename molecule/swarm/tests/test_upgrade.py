"""The hub upgraded by site.yml, from the previous JupyterHub minor release (prepare.yml).

molecule's prepare step (prepare_upgrade.py) converged the site with the previous JupyterHub
in the hub image, signed up users (the admin authorized them), started one user's server and
wrote a file in it; molecule's converge (site.yml with the collection's pins) was the upgrade.
Here, right after it (conftest.py's RUN_FIRST, before other tests restart anything):
the hub runs the JupyterHub the collection pins, every account still logs in with its password,
the running server was adopted (the same swarm task and container, never restarted, reachable
through the proxy) with its file intact, the backup made before the upgrade exists and its
manifest's checksums verify, and upgrade-db ran with the new image (upgrades.log) and left the
database at the schema head of the new JupyterHub.
"""

import hashlib
import json
import os
from pathlib import Path

import yaml
from conftest import MANAGER
from fleetrun import PROJECT
from hubclient import HubUser, server_answers

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
BACKUPS = EPHEMERAL / "inventory" / ".backups"
HUB = "$(docker ps -q --filter label=com.docker.swarm.service.name=jupyterhub | head -1)"
# The hub's own check: raises unless the database is at its alembic head.
AT_HEAD = (
    "import sqlalchemy as sa; from urllib.parse import quote; from jupyterhub import orm;"
    "pw = quote(open('/run/secrets/db_password').read().strip(), safe='');"
    "orm.check_db_revision(sa.create_engine("
    "f'postgresql+psycopg2://jupyterhub:{pw}@postgres:5432/jupyterhub')); print('at head')"
)


def _prepared() -> dict:
    return json.loads((EPHEMERAL / "upgrade-prepare.json").read_text())


def _pinned_jupyterhub() -> str:
    defaults = yaml.safe_load((PROJECT / "roles/images/defaults/main.yml").read_text())
    pin = next(p for p in defaults["images_hub_python_packages"] if p.startswith("jupyterhub=="))
    return pin.split("==", 1)[1]


def test_the_upgrade_kept_users_servers_and_files_and_made_a_backup_first(nodes, hub_url):
    before = _prepared()
    mgr = nodes[MANAGER]
    pinned = _pinned_jupyterhub()
    assert before["hub_version"] != pinned, "prepare did not run an older JupyterHub"

    # the new JupyterHub answers
    version = HubUser(hub_url, "-", "-").s.get(f"{hub_url}/hub/api", timeout=30).json()["version"]
    assert version == pinned, f"the hub runs JupyterHub {version}, expected {pinned}"

    # every account made before the upgrade logs in with its password
    users = [HubUser(hub_url, u["name"], u["password"]) for u in before["users"]]
    for user in users:
        assert user.login(), f"{user.name} (signed up before the upgrade) cannot log in"

    # the running server was adopted: same swarm task and container, still running, never
    # restarted, answering through the proxy, its file intact
    srv = before["server"]
    uma = next(u for u in users if u.name == srv["user"])
    running = mgr.sh(f"docker service ps -q --filter desired-state=running {srv['service']}")
    assert running.split() == [srv["task"]], (
        f"{srv['service']} runs task(s) {running.split()}, not {srv['task']} from before the upgrade"
    )
    fmt = "'{{.State.Running}} {{.State.StartedAt}}'"
    seen = [
        n.sh(f"docker inspect -f {fmt} {srv['container']} 2>/dev/null || true")
        for n in nodes.values()
    ]
    seen = [s for s in seen if s]
    assert len(seen) == 1, f"container {srv['container']} of {srv['user']}'s server is gone"
    assert seen[0] == f"true {srv['started_at']}", f"the server was stopped or restarted: {seen[0]}"
    model = uma.model()
    assert model["servers"].get("", {}).get("ready"), f"the new hub did not adopt it: {model}"
    assert server_answers(uma) == 200, "the server does not answer through the proxy"
    assert uma.get_file(before["file"]["path"]) == before["file"]["content"]

    # upgrade-db ran with the new image, after a backup; the database is at the new head
    log = mgr.sh("cat /etc/jupyterfleet/hub/upgrades.log")
    last = dict(f.split("=", 1) for f in log.splitlines()[-1].split()[1:] if "=" in f)
    image = mgr.sh(
        "docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' jupyterhub"
    )
    assert last["to"] == image and last["from"] != image, log
    assert last["upgrade-db"] == "ok", log
    assert mgr.sh(f'docker exec {HUB} python3 -c "{AT_HEAD}"') == "at head"

    backup = BACKUPS / last["backup"]
    manifest = json.loads((backup / "manifest.json").read_text())
    assert (manifest["mode"], manifest["database"]) == ("swarm", "postgres")
    files = {f["file"]: f["sha256"] for f in manifest["files"]}
    # jupyterhub_upgrade_backup_users is off by default: the database and the secrets
    assert set(files) == {"hub.sql", "secrets.tar.gz"}, files
    for name, sha in files.items():
        assert hashlib.sha256((backup / name).read_bytes()).hexdigest() == sha, name
    assert f"{srv['user']}" in (backup / "hub.sql").read_text(), "the backup lacks the users"
    # the lab as the other modules expect it: no server left running from before
    uma.stop()
