"""One converge of the site with other settings, and what it must do and must not.

A converge costs minutes, so one serves four checks. It runs with -v, with the idle
culler's timeout at 30 s checked every 5 s, with HTTPS validity settings that make the
self-signed certificate due for renewal, and with one more pin in the hub image's packages,
as a team would set them in its inventory:
- the rebuilt hub image is an upgrade: a backup first, the hub stopped, `jupyterhub
  upgrade-db` with the new image on the SQLite database, the new hub running, recorded in
  upgrades.log, every account made before it logging in;
- it keeps every secret and prints none (nor the HTTPS key, nor the admin's password);
- the certificate near its end is made again with the same key, and served at once;
- the culler it configures stops an idle server and spares a busy one.
The scenario keeps the role's hour-long culler timeout while the other tests run (their
servers sit idle while playbooks run): conftest.py runs this module after them and leaves
the lab so (only the reboot comes after; it starts no server, and the lab is destroyed next).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml
from conftest import CERT, HUB_SETTINGS, NODE, hub_cert, hub_secrets, served_cert
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from fleetrun import PROJECT, digest, leaks, recap, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in

TIMEOUT, EVERY = 30, 5
KEY = "/etc/jupyterfleet/hub/ssl/hub.key"
UPGRADES = "/etc/jupyterfleet/hub/upgrades.log"
BACKUPS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "inventory" / ".backups"


def _hub_image(host) -> str:
    return host.check_output("docker inspect -f '{{.Image}}' jupyterhub")


def _hub_packages_with_one_more_pin(host) -> list[str]:
    """The role's hub packages and a pin of tornado at the version the hub image holds: the
    image is built again (a new requirements file) from wheels already at hand."""
    defaults = yaml.safe_load((PROJECT / "roles/images/defaults/main.yml").read_text())
    version = host.check_output(
        "docker run --rm --entrypoint python3 $(docker inspect -f '{{.Config.Image}}' jupyterhub)"
        " -c 'import importlib.metadata as m; print(m.version(\"tornado\"))'"
    )
    return [*defaults["images_hub_python_packages"], f"tornado=={version}"]


def _key_lines(host) -> dict[str, str]:
    """The lines of the HTTPS private key's body, when the hub has one: none may be printed."""
    key = host.file(KEY)
    if not key.exists:
        return {}
    body = [ln for ln in key.content_string.splitlines() if ln and not ln.startswith("-----")]
    return {f"hub.key line {i}": ln for i, ln in enumerate(body) if len(ln) >= 40}


@pytest.fixture(scope="module")
def reconverge(host, hub_url):
    """site.yml -v with the settings above; what was there before it (secrets, certificate,
    hub image, an account), its run."""
    before = {"secrets": hub_secrets(host), "key": host.file(KEY).content_string}
    before["cert"] = hub_cert(host)
    before["image"] = _hub_image(host)
    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
    before["user"] = _new_user(hub_url, admin, "early")
    settings = {
        "images_hub_python_packages": _hub_packages_with_one_more_pin(host),
        "jupyterhub_idle_culler_timeout": TIMEOUT,
        "jupyterhub_idle_culler_every": EVERY,
        # a certificate made for 3650 days has fewer than 3651 left: renew it now, for 3652
        "jupyterhub_ssl_self_signed_days": 3652,
        "jupyterhub_ssl_self_signed_renew_days": 3651,
    }
    proc = run_playbook("site.yml", "-v", "-e", json.dumps(settings))
    # users install the renewed certificate: so do the tests after this converge
    if os.environ.get("JUPYTERFLEET_HUB_CA"):
        with open(os.environ["JUPYTERFLEET_HUB_CA"], "w", encoding="utf-8") as f:
            f.write(host.file(CERT).content_string)
    return before, proc


def test_a_new_hub_image_is_an_upgrade_that_keeps_every_account(host, reconverge):
    before, proc = reconverge
    assert proc.returncode == 0, tail(proc)
    image = _hub_image(host)
    assert image != before["image"], "the hub image was not built again"
    built = host.check_output("docker image inspect -f '{{.Id}}' jupyterfleet/hub:0.1.0")
    assert image == built, "the hub does not run the image just built"
    line = host.file(UPGRADES).content_string.splitlines()[-1]
    fields = dict(f.split("=", 1) for f in line.split()[1:])
    assert (fields["from"], fields["to"], fields["upgrade-db"]) == (before["image"], image, "ok")
    # the backup it made first is whole
    manifest = json.loads((BACKUPS / fields["backup"] / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (BACKUPS / fields["backup"] / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
    assert {"hub.sqlite", "secrets.tar.gz"} <= {e["file"] for e in manifest["files"]}
    # the database the new hub runs on is the old one: an account made before logs in
    user = before["user"]
    assert user.login(), f"{user.name} cannot log in after the upgrade"


def test_it_keeps_every_secret_and_prints_none(host, reconverge):
    before, proc = reconverge
    assert proc.returncode == 0, tail(proc)
    assert recap(proc.stdout)[NODE]["changed"] > 0, "the culler settings changed nothing"
    after, kept = hub_secrets(host), before["secrets"]
    assert {n: digest(v) for n, v in after.items()} == {n: digest(v) for n, v in kept.items()}
    # the admin's password was printed once, by the run that made the account: never again
    admin_pw = {"admin password": admin_password(NODE)}
    assert leaks(proc.stdout + proc.stderr, {**kept, **_key_lines(host), **admin_pw}) == []


def test_a_certificate_near_its_end_is_made_again_with_the_same_key(host, node_ip, reconverge):
    before, proc = reconverge
    assert proc.returncode == 0, tail(proc)
    new = hub_cert(host)
    assert host.file(KEY).content_string == before["key"]
    assert new.serial_number != before["cert"].serial_number
    assert new.not_valid_after_utc > before["cert"].not_valid_after_utc
    assert new.public_key() == before["cert"].public_key()
    assert new.subject == before["cert"].subject
    assert new.extensions.get_extension_for_class(x509.SubjectAlternativeName) == before[
        "cert"
    ].extensions.get_extension_for_class(x509.SubjectAlternativeName)
    served = served_cert(node_ip)
    assert served.fingerprint(hashes.SHA256()) == new.fingerprint(hashes.SHA256())


def _new_user(hub_url: str, admin: HubUser, prefix: str) -> HubUser:
    user = HubUser(hub_url, prefix + uuid.uuid4().hex[:6], "cull-" + uuid.uuid4().hex)
    user.signup()
    admin.authorize(user.name)
    assert user.login()
    return user


def _running(user: HubUser) -> bool:
    return "" in user.model().get("servers", {})


def test_an_idle_server_is_culled_and_a_busy_one_is_not(host, hub_url, reconverge):
    assert reconverge[1].returncode == 0, tail(reconverge[1])
    culler = json.loads(host.file(HUB_SETTINGS).content_string)["idle_culler"]
    assert culler == {
        "enabled": True,
        "timeout": TIMEOUT,
        "every": EVERY,
        "max_age": 0,
        "cull_users": False,
    }
    # the hub runs the culler from that configuration (a hub-managed service)
    args = host.check_output("docker top jupyterhub -o pid,args")
    assert f"jupyterhub_idle_culler --timeout={TIMEOUT} --cull-every={EVERY}" in args, args

    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
    busy, idle = _new_user(hub_url, admin, "busy"), _new_user(hub_url, admin, "idle")
    busy.start()

    # the busy user lists her files through the proxy with her token every 3 s
    answers: list[int] = []
    done = threading.Event()

    def work():
        while not done.is_set():
            try:
                r = requests.get(
                    f"{busy.base}/user/{busy.name}/api/contents",
                    headers={"Authorization": f"token {busy.token}"},
                    verify=busy.s.verify,
                    timeout=10,
                )
                answers.append(r.status_code)
            except requests.RequestException:
                answers.append(0)
            done.wait(3)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        idle.start()
        started = time.monotonic()
        # idle: timeout, plus one check, plus one activity read of the hub, plus slack
        while _running(idle) and time.monotonic() - started < TIMEOUT + EVERY + 10 + 45:
            time.sleep(2)
        culled_after = time.monotonic() - started
        assert not _running(idle), f"the idle server still runs after {culled_after:.0f} s"
        assert culled_after >= TIMEOUT - 5, f"culled after {culled_after:.0f} s, before its time"
        # two more of the culler's checks with the busy server well past the timeout
        time.sleep(2 * EVERY + 2)
        assert _running(busy), "the busy server was culled"
    finally:
        done.set()
        worker.join(15)
    assert answers and set(answers) == {200}, answers
    log = host.check_output("docker logs jupyterhub 2>&1 | grep -i 'culling server' || true")
    assert f"Culling server {idle.name} " in log, log
    assert busy.name not in log, log
    # a culled server is stopped, not lost: its owner starts it again
    idle.start()
    assert idle.server("GET", "/api/status").status_code == 200
    busy.stop()
    idle.stop()
