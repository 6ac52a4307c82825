"""Secrets on one workstation: kept across converges, never printed, rotated on purpose.

These tests run the real playbooks again (a converge with -v, then playbooks/rotate-secrets.yml)
against the converged node, after the hub-flow tests.
"""

import json
import uuid

from conftest import NODE
from fleetrun import digest, leaks, recap, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

DIR = "/etc/jupyterfleet/secrets"
NAMES = ("cookie_secret", "proxy_auth_token", "verify_api_token")


def _secrets(host) -> dict[str, str]:
    return {n: host.file(f"{DIR}/{n}").content_string.strip() for n in NAMES}


def _key_lines(host) -> dict[str, str]:
    """The lines of the HTTPS private key's body, when the hub has one: none may be printed."""
    key = host.file("/etc/jupyterfleet/hub/ssl/hub.key")
    if not key.exists:
        return {}
    body = [ln for ln in key.content_string.splitlines() if ln and not ln.startswith("-----")]
    return {f"hub.key line {i}": ln for i, ln in enumerate(body) if len(ln) >= 40}


def test_secret_files_are_root_0600_in_a_0700_directory(host):
    d = host.file(DIR)
    assert (d.user, d.mode) == ("root", 0o700)
    for n in NAMES:
        f = host.file(f"{DIR}/{n}")
        assert (f.user, f.group, f.mode) == ("root", "root", 0o600), n


def test_a_verbose_converge_keeps_every_secret_and_prints_none(host):
    before = _secrets(host)
    proc = run_playbook("site.yml", "-v")
    assert proc.returncode == 0, tail(proc)
    assert all(c["changed"] == 0 for c in recap(proc.stdout).values()), tail(proc)
    after = _secrets(host)
    assert {n: digest(v) for n, v in after.items()} == {n: digest(v) for n, v in before.items()}
    # the admin's password was printed once, by the run that made the account: never again
    admin_pw = {"admin password": admin_password(NODE)}
    assert leaks(proc.stdout + proc.stderr, {**before, **_key_lines(host), **admin_pw}) == []


def test_rotating_the_cookie_secret_logs_users_out_but_keeps_their_servers(host, hub_url):
    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
    rita = HubUser(hub_url, "rita", "r1ta-" + uuid.uuid4().hex[:12])
    rita.signup()
    admin.authorize("rita")
    assert rita.login()
    rita.start()
    assert rita.server("GET", "/api/status").status_code == 200
    before = _secrets(host)
    started = host.check_output("docker inspect -f '{{.State.StartedAt}}' jupyterhub")

    proc = run_playbook(
        "rotate-secrets.yml", "-v", "-e", json.dumps({"jupyterhub_rotate_secrets": list(NAMES)})
    )

    assert proc.returncode == 0, tail(proc)
    after = _secrets(host)
    assert all(digest(after[n]) != digest(before[n]) for n in NAMES)
    assert all(len(v) == 64 for v in after.values())
    assert (
        leaks(proc.stdout + proc.stderr, {**before, **{n + "_new": v for n, v in after.items()}})
        == []
    )
    # the hub container restarted to read the new values
    assert host.check_output("docker inspect -f '{{.State.StartedAt}}' jupyterhub") != started
    # the browser session signed with the old cookie secret is over ...
    r = rita.s.get(f"{hub_url}/hub/home", allow_redirects=False, timeout=30)
    assert r.status_code == 302 and "/hub/login" in r.headers["Location"]
    # ... but her server kept running, and answers through the restarted proxy
    assert server_answers(rita) == 200
    # and she logs in again with her password
    assert rita.login()
    rita.stop()
