"""molecule prepare: the site a release ago, with users, for tests/test_upgrade.py.

1. playbooks/site.yml with the previous JupyterHub minor release in the hub image (the role's
   own pins with jupyterhub replaced by PREVIOUS), as a person would run it (-i the scenario's
   inventory, the pins as extra vars); its output goes to <ephemeral>/prepare-site.log.
2. Two users sign up and the admin authorizes them; the first starts a server and writes a file.
3. <ephemeral>/upgrade-prepare.json: the hub version, the users and their passwords, the server's
   swarm service, task and container, and the file. molecule's converge is then the upgrade.
"""

import json
import os
import sys
import time
import uuid
from pathlib import Path

import yaml

SCENARIO = Path(__file__).resolve().parent
PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
sys.path.insert(0, str(PROJECT / "tests" / "e2e"))
sys.path.insert(0, str(SCENARIO / "tests"))

from conftest import CPU, GPU, MANAGER, Node
from fleetrun import run_playbook
from hubclient import HubUser, admin_password, logged_in

NODES = (MANAGER, GPU, CPU)
PREVIOUS = "5.3.0"  # the JupyterHub minor release before the one the collection pins
FMT = "'{{.State.StartedAt}}'"


def main() -> None:
    started = time.monotonic()
    defaults = yaml.safe_load((PROJECT / "roles/images/defaults/main.yml").read_text())
    pins = [
        f"jupyterhub=={PREVIOUS}" if p.startswith("jupyterhub==") else p
        for p in defaults["images_hub_python_packages"]
    ]
    assert pins != defaults["images_hub_python_packages"], "no jupyterhub pin to replace"
    proc = run_playbook("site.yml", "-e", json.dumps({"images_hub_python_packages": pins}))
    (EPHEMERAL / "prepare-site.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        sys.exit(
            f"site.yml with jupyterhub=={PREVIOUS} failed:\n{(proc.stdout + proc.stderr)[-6000:]}"
        )
    site_s = time.monotonic() - started

    mgr = Node(MANAGER)
    hub_url = f"http://{mgr.ip}:8000"
    admin = logged_in(HubUser(hub_url, "admin", admin_password(MANAGER)))
    version = admin.api("GET", "/hub/api").json()["version"]
    assert version == PREVIOUS, f"the hub before the upgrade runs JupyterHub {version}"
    users = [
        HubUser(hub_url, p + uuid.uuid4().hex[:6], p + "-" + uuid.uuid4().hex[:12])
        for p in ("uma", "udo")
    ]
    for user in users:
        user.signup()
        admin.authorize(user.name)
        assert user.login(), f"{user.name} cannot log in before the upgrade"
    uma = users[0]
    uma.start(profile="cpu")
    content = "written before the upgrade " + uuid.uuid4().hex
    uma.put_file("before-upgrade.txt", content)
    # the server's swarm service, its running task and that task's container
    service = mgr.sh(
        f"docker service ls --format '{{{{.Name}}}}' | grep -x 'jupyter-{uma.name}.*' | head -1"
    )
    task = json.loads(
        mgr.sh(f"docker inspect $(docker service ps -q --filter desired-state=running {service})")
    )[0]
    container = task["Status"]["ContainerStatus"]["ContainerID"]
    started_at = "".join(
        Node(n).sh(f"docker inspect -f {FMT} {container} 2>/dev/null || true") for n in NODES
    )
    state = {
        "hub_version": version,
        "users": [{"name": u.name, "password": u.password} for u in users],
        "server": {
            "user": uma.name,
            "service": service,
            "task": task["ID"],
            "container": container,
            "started_at": started_at,
            "node_id": task["NodeID"],
        },
        "file": {"path": "before-upgrade.txt", "content": content},
        "seconds": {"site": round(site_s), "users": round(time.monotonic() - started - site_s)},
    }
    (EPHEMERAL / "upgrade-prepare.json").write_text(json.dumps(state, indent=2) + "\n")
    print(json.dumps(state["seconds"]))


if __name__ == "__main__":
    main()
