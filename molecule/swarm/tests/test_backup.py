"""Back up and restore on the swarm (PostgreSQL), with the real playbooks and the real hub.

Users sign up (one approved, one not), one writes a file in her server (on the shared users
directory); playbooks/backup.yml dumps PostgreSQL in its task container; then the hub's
database is dropped (the hub starts over on an empty one) and the file deleted;
playbooks/restore.yml brings them back: every account logs in with its old password,
approvals kept, the file is back. The lab is left as it was: same services, same secrets.
"""

import hashlib
import json
import os
import stat
import time
import uuid
from pathlib import Path

import yaml
from conftest import MANAGER
from fleetrun import PROJECT, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

BACKUPS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "inventory" / ".backups"
PG = "$(docker ps -q --filter label=com.docker.swarm.service.name=postgres)"


def test_restore_brings_back_the_postgresql_database_and_users_files(nodes, hub_url):
    mgr = nodes[MANAGER]
    admin = logged_in(HubUser(hub_url, "admin", admin_password(MANAGER)))
    # new names on every run (letters and digits: the volume name is the user name)
    ann = HubUser(hub_url, "ann" + uuid.uuid4().hex[:6], "ann-" + uuid.uuid4().hex[:12])
    ben = HubUser(hub_url, "ben" + uuid.uuid4().hex[:6], "ben-" + uuid.uuid4().hex[:12])
    ann.signup()
    ben.signup()
    admin.authorize(ann.name)
    assert ann.login() and not ben.login()
    ann.start(profile="cpu")
    content = "backed up " + uuid.uuid4().hex
    ann.put_file("kept.txt", content)

    proc = run_playbook("backup.yml")

    assert proc.returncode == 0, tail(proc)
    backup = max(p for p in BACKUPS.iterdir() if p.is_dir() and p.name[0].isdigit())
    manifest = json.loads((backup / "manifest.json").read_text())
    galaxy = yaml.safe_load((PROJECT / "galaxy.yml").read_text())
    assert manifest["collection_version"] == galaxy["version"]
    assert (manifest["mode"], manifest["database"]) == ("swarm", "postgres")
    files = {f["file"]: f for f in manifest["files"]}
    assert set(files) == {"hub.sql", "secrets.tar.gz", "users/users.tar.gz"}
    for name, entry in files.items():
        path = backup / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert "CREATE TABLE public.users" in (backup / "hub.sql").read_text()

    # lose the file and the hub's database: dropped, made again empty (the hub starts over)
    time.sleep(3)
    assert ann.server("DELETE", "/api/contents/kept.txt").status_code == 204
    drop = "DROP DATABASE jupyterhub WITH (FORCE); CREATE DATABASE jupyterhub OWNER jupyterhub;"
    mgr.sh(
        f"printf '%s' '{drop}' | docker exec -i -u postgres {PG} psql -v ON_ERROR_STOP=1 -d postgres"
    )
    names = mgr.sh(
        f"docker exec -u postgres {PG} psql -tAd jupyterhub -c 'select name from users'",
        check=False,
    )
    assert ann.name not in names.split(), "the database was not dropped"

    proc = run_playbook("restore.yml")

    assert proc.returncode == 0, tail(proc)
    # every account logs in with its old password, approvals kept
    assert HubUser(hub_url, "admin", admin_password(MANAGER)).login()
    assert ann.login(), "ann's account or approval was lost"
    assert not ben.login(), "ben was never approved: the restore must not let him in"
    # her server was adopted by the restored hub, and her file is back
    assert server_answers(ann) == 200
    assert ann.get_file("kept.txt") == content
    ann.stop()
