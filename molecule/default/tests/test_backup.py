"""Back up and restore on one workstation (SQLite), with the real playbooks and the real hub.

Users sign up (one approved, one not), one writes a file in her server; playbooks/backup.yml
runs; then the hub's SQLite volume (with the hub container), the user's file and a secret are
lost; playbooks/restore.yml brings everything back and every account logs in with its old
password, approvals kept. A tampered backup is refused, naming the file, before the hub is
touched; an older backup beyond the retention count is removed. The same backup kept on a
host of the inventory (jupyterhub_backup_host) is checked there. The lab is left converged:
the restored hub is the one site.yml deploys.
"""

import hashlib
import json
import os
import shutil
import stat
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import NODE
from fleetrun import PROJECT, leaks, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

BACKUPS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "inventory" / ".backups"
SECRET = "/etc/jupyterfleet/secrets/cookie_secret"
NAME_RE = r"^[0-9]{8}T[0-9]{6}Z$"
REMOTE = "/var/backups/jupyterfleet-test"


def _backups() -> list[Path]:
    import re

    if not BACKUPS.is_dir():
        return []
    return sorted(p for p in BACKUPS.iterdir() if p.is_dir() and re.match(NAME_RE, p.name))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _started(host) -> str:
    return host.check_output("docker inspect -f '{{.State.StartedAt}}' jupyterhub")


@pytest.mark.parametrize(
    ("playbook", "extra", "message"),
    [
        (
            "backup.yml",
            "jupyterhub_backup_keep=0",
            "jupyterhub_backup_keep: expected a whole number",
        ),
        (
            "backup.yml",
            "jupyterhub_backup_host=nowhere",
            "jupyterhub_backup_host: 'nowhere' is not a host",
        ),
        ("restore.yml", "backup=19990101T000000Z", "backup: no backup named '19990101T000000Z'"),
    ],
)
def test_bad_input_fails_early_naming_the_variable(host, playbook, extra, message):
    started = _started(host)
    proc = run_playbook(playbook, "-e", extra)
    assert proc.returncode != 0
    assert message in proc.stdout, tail(proc)
    assert _started(host) == started, "the hub was touched"


def test_restore_brings_back_accounts_approvals_files_and_secrets(host, hub_url, tmp_path):
    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
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
    secret = host.file(SECRET).content_string
    # an older backup, beyond the retention count of 1 this run is given
    old = BACKUPS / "20000101T000000Z"
    old.mkdir(parents=True, mode=0o700)

    proc = run_playbook("backup.yml", "-e", "jupyterhub_backup_keep=1")

    assert proc.returncode == 0, tail(proc)
    # the backups are no inventory source, although they are in the inventory's directory
    assert "inventory source" not in proc.stderr, tail(proc)
    assert leaks(proc.stdout + proc.stderr, {"cookie_secret": secret}) == []
    assert not old.exists(), "the backup beyond jupyterhub_backup_keep was not removed"
    [backup] = _backups()
    manifest = json.loads((backup / "manifest.json").read_text())
    galaxy = yaml.safe_load((PROJECT / "galaxy.yml").read_text())
    assert manifest["collection_version"] == galaxy["version"]
    assert (manifest["mode"], manifest["database"]) == ("single", "sqlite")
    files = {f["file"]: f for f in manifest["files"]}
    assert {"hub.sqlite", "secrets.tar.gz", f"users/jupyterhub-user-{ann.name}.tar.gz"} <= set(
        files
    )
    for name, entry in files.items():
        assert _sha256(backup / name) == entry["sha256"], name
        assert stat.S_IMODE((backup / name).stat().st_mode) == 0o600, name
    for d in (BACKUPS, backup, backup / "users"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    assert stat.S_IMODE((backup / "manifest.json").stat().st_mode) == 0o600
    assert (BACKUPS / ".gitignore").read_text().splitlines()[-1] == "*"

    # lose the database (the hub container and its SQLite volume), the file and a secret
    assert ann.server("DELETE", "/api/contents/kept.txt").status_code == 204
    host.check_output(f"echo lost > {SECRET}")
    host.check_output("docker rm -f jupyterhub && docker volume rm jupyterhub-data")

    proc = run_playbook("restore.yml")

    assert proc.returncode == 0, tail(proc)
    assert "inventory source" not in proc.stderr, tail(proc)
    assert host.file(SECRET).content_string == secret, "the secret was not restored"
    # every account logs in with its old password, approvals kept
    assert HubUser(hub_url, "admin", admin_password(NODE)).login()
    assert ann.login(), "ann's account or approval was lost"
    assert not ben.login(), "ben was never approved: the restore must not let him in"
    assert (
        ben.name
        in logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
        .s.get(f"{hub_url}/hub/authorize", timeout=30)
        .text
    )
    # her server was adopted by the restored hub, and her file is back
    assert server_answers(ann) == 200
    assert ann.get_file("kept.txt") == content

    # a tampered copy of the backup is refused, naming the file, before the hub is touched
    bad = tmp_path / "tampered"
    shutil.copytree(backup, bad)
    with (bad / f"users/jupyterhub-user-{ann.name}.tar.gz").open("ab") as f:
        f.write(b"tampered")
    started = _started(host)
    proc = run_playbook("restore.yml", "-e", f"backup={bad}")
    assert proc.returncode != 0
    assert f"users/jupyterhub-user-{ann.name}.tar.gz does not match its sha256" in proc.stdout, (
        tail(proc)
    )
    assert _started(host) == started, "a refused restore touched the hub"
    ann.stop()


def test_a_backup_kept_on_a_host_of_the_inventory_is_checked_there(host, hub_url):
    """jupyterhub_backup_host: the same backup written on a host (the workstation itself here),
    its manifest checked there, and a copy tampered with there refused before the hub is
    touched."""
    host.check_output(f"rm -rf {REMOTE}")
    on_host = ("-e", f"jupyterhub_backup_host={NODE}", "-e", f"jupyterhub_backup_dir={REMOTE}")
    try:
        # the database and the secrets: users' volumes go the same way (test above), slower
        proc = run_playbook("backup.yml", *on_host, "-e", "jupyterhub_backup_users=false")

        assert proc.returncode == 0, tail(proc)
        [name] = host.check_output(f"ls {REMOTE}").split()
        backup = f"{REMOTE}/{name}"
        assert host.file(REMOTE).mode == 0o700 and host.file(backup).mode == 0o700
        manifest = json.loads(host.file(f"{backup}/manifest.json").content_string)
        assert (manifest["mode"], manifest["database"]) == ("single", "sqlite")
        files = {f["file"]: f["sha256"] for f in manifest["files"]}
        assert set(files) == {"hub.sqlite", "secrets.tar.gz"}
        for file, sha256 in files.items():
            assert host.check_output(f"sha256sum {backup}/{file}").split()[0] == sha256, file
            assert host.file(f"{backup}/{file}").mode == 0o600, file
        assert not BACKUPS.joinpath(name).exists(), "the backup was written on the controller"

        host.check_output(f"echo tampered >> {backup}/secrets.tar.gz")
        started = _started(host)
        proc = run_playbook("restore.yml", *on_host, "-e", f"backup={name}")
        assert proc.returncode != 0
        assert "secrets.tar.gz does not match its sha256" in proc.stdout, tail(proc)
        assert _started(host) == started, "a refused restore touched the hub"
    finally:
        host.check_output(f"rm -rf {REMOTE}")
