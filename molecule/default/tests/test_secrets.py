"""Secrets on one workstation: their files, and rotated on purpose.

The rotation runs playbooks/rotate-secrets.yml against the converged node, after the hub-flow
tests. That a converge keeps every secret and prints none is checked by test_reconverge.py,
whose verbose converge changes the hub.
"""

import json
import uuid

from conftest import NODE, SECRET_NAMES, SECRETS_DIR, hub_secrets
from fleetrun import digest, leaks, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers


def test_secret_files_are_root_0600_in_a_0700_directory(host):
    d = host.file(SECRETS_DIR)
    assert (d.user, d.mode) == ("root", 0o700)
    for n in SECRET_NAMES:
        f = host.file(f"{SECRETS_DIR}/{n}")
        assert (f.user, f.group, f.mode) == ("root", "root", 0o600), n


def test_rotating_the_cookie_secret_logs_users_out_but_keeps_their_servers(host, hub_url):
    admin = logged_in(HubUser(hub_url, "admin", admin_password(NODE)))
    rita = HubUser(hub_url, "rita", "r1ta-" + uuid.uuid4().hex[:12])
    rita.signup()
    admin.authorize("rita")
    assert rita.login()
    rita.start()
    assert rita.server("GET", "/api/status").status_code == 200
    before = hub_secrets(host)
    started = host.check_output("docker inspect -f '{{.State.StartedAt}}' jupyterhub")

    proc = run_playbook(
        "rotate-secrets.yml",
        "-v",
        "-e",
        json.dumps({"jupyterhub_rotate_secrets": list(SECRET_NAMES)}),
    )

    assert proc.returncode == 0, tail(proc)
    after = hub_secrets(host)
    assert all(digest(after[n]) != digest(before[n]) for n in SECRET_NAMES)
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
