"""The small-team story against the real hub, through its proxy, over HTTP.

Order matters (one hub, one database): the tests run top to bottom and share
the users they sign up.
"""

import os
import stat
import uuid
from pathlib import Path

import pytest
from conftest import NODE
from fleetrun import leaks, run_playbook
from hubclient import HubUser, admin_password
from netprobe import PROBE, probe_lines

USER_PW = "al1ce-" + uuid.uuid4().hex[:10]
BOB_PW = "b0b-" + uuid.uuid4().hex[:10]
ADMIN_DIR = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]) / ".cache/lab/secrets" / f"{NODE}-admins"


@pytest.fixture(scope="module")
def admin(hub_url):
    return HubUser(hub_url, "admin", admin_password(NODE))


@pytest.fixture(scope="module")
def alice(hub_url):
    return HubUser(hub_url, "alice", USER_PW)


def test_hub_answers(hub_url, hub_ca):
    import requests

    r = requests.get(f"{hub_url}/hub/api/", verify=hub_ca, timeout=10)
    assert r.status_code == 200
    assert r.json()["version"].startswith("5.")


def test_nobody_can_sign_up_as_the_admin(hub_url):
    """A stranger who reaches the hub first cannot claim the admin name (any spelling)."""
    for name in ("admin", "Admin"):
        stranger = HubUser(hub_url, name, "str4nger-" + uuid.uuid4().hex[:10])
        page = stranger.signup()
        assert "already in use" in page, f"sign-up as {name} was not refused"
        assert stranger.login() is False, f"the stranger got in as {name}"


def test_admin_logs_in_with_the_password_the_collection_made(admin):
    assert admin.login() is True
    assert admin.model()["admin"] is True


def test_the_admin_password_is_kept_on_the_controller_only_readable_by_its_owner():
    assert stat.S_IMODE(ADMIN_DIR.stat().st_mode) == 0o700
    assert stat.S_IMODE((ADMIN_DIR / "admin").stat().st_mode) == 0o600
    assert (ADMIN_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_user_signs_up_and_is_refused_until_authorized(alice, admin):
    alice.signup()
    assert alice.login() is False, "an unapproved user must not get in"
    admin.authorize("alice")
    assert alice.login() is True


def test_signup_refuses_short_and_common_passwords(hub_url, admin):
    HubUser(hub_url, "shorty", "abc12").signup()
    HubUser(hub_url, "commoner", "password").signup()
    HubUser(hub_url, "dave", "d4ve-" + uuid.uuid4().hex[:10]).signup()
    listed = admin.s.get(f"{admin.base}/hub/authorize", timeout=30).text
    assert "dave" in listed, "a good password must create the account"
    assert "shorty" not in listed, "7 characters is below the minimum of 8"
    assert "commoner" not in listed, "a common password must be refused"


def test_spawn_form_offers_every_profile(alice):
    r = alice.s.get(f"{alice.base}/hub/spawn", timeout=30)
    assert r.status_code == 200
    assert 'value="cpu"' in r.text and 'value="cpu-large"' in r.text


def test_server_starts_and_its_api_answers(alice):
    srv = alice.start(profile="cpu-large")
    assert srv["ready"] is True
    r = alice.server("GET", "/api/status")
    assert r.status_code == 200, r.text[:300]
    assert "started" in r.json()
    r = alice.server("GET", "/api/kernelspecs")
    assert r.status_code == 200


def test_a_notebook_reaches_the_hub_api_but_not_the_proxy_api(alice, host):
    """Issue 8 item 4, from alice's notebook (the previous test started it): the hub starts
    configurable-http-proxy inside its container with the API on 127.0.0.1 only, so on the
    shared bridge the hub's API (8081, which the notebook needs) answers and the proxy's API
    (8001, jupyterhub_proxy_api_port) does not, by the hub's name or its address."""
    hub_ip = host.check_output(
        "docker inspect -f '{{(index .NetworkSettings.Networks \"jupyterhub_network\").IPAddress}}'"
        " jupyterhub"
    )
    targets = ["tcp:jupyterhub:8081", "tcp:jupyterhub:8001", f"tcp:{hub_ip}:8001"]
    seen = probe_lines(
        host.check_output(f"docker exec jupyter-alice python3 -c '{PROBE}' {' '.join(targets)}")
    )
    assert seen == {targets[0]: "open", targets[1]: "refused", targets[2]: "refused"}, seen
    # inside the hub's container the API listens on 127.0.0.1 only (/proc/net/tcp: LISTEN, 0A)
    listen = [
        line.split()[1]
        for line in host.check_output("docker exec jupyterhub cat /proc/net/tcp").splitlines()[1:]
        if line.split()[3] == "0A" and line.split()[1].endswith(f":{8001:04X}")
    ]
    assert listen == ["0100007F:1F41"], listen


def test_profile_was_applied_to_the_container(alice, host):
    import json

    c = json.loads(host.check_output("docker inspect jupyter-alice"))[0]
    env = dict(e.split("=", 1) for e in c["Config"]["Env"])
    assert env["JUPYTERFLEET_PROFILE"] == "cpu-large"
    assert c["HostConfig"]["Memory"] == 2 * 1024**3
    assert c["HostConfig"]["NanoCpus"] in (0, None) or c["HostConfig"]["NanoCpus"] == 2 * 10**9
    assert c["HostConfig"]["CpuQuota"] == 200000
    mounts = {m["Destination"]: m for m in c["Mounts"]}
    assert mounts["/home/jovyan/work"]["Name"] == "jupyterhub-user-alice"


def test_file_survives_stop_and_start(alice):
    content = "kept " + uuid.uuid4().hex
    alice.put_file("persist.txt", content)
    assert alice.get_file("persist.txt") == content
    alice.stop()
    alice.start(profile="cpu")
    assert alice.get_file("persist.txt") == content


def test_fourth_wrong_password_locks_out_even_the_right_one(hub_url, admin):
    bob = HubUser(hub_url, "bob", BOB_PW)
    bob.signup()
    admin.authorize("bob")
    assert bob.login() is True
    # two wrong passwords then the right one: still fine (and it resets the count)
    assert bob.login("wrong-1") is False
    assert bob.login("wrong-2") is False
    assert bob.login() is True
    for i in range(4):
        assert bob.login(f"wrong-{i}") is False
    assert bob.login() is False, "locked out: the right password must be refused now"
    # the lockout is per user: alice still gets in
    carol = HubUser(hub_url, "alice", USER_PW)
    assert carol.login() is True


def _locked_out(user: HubUser) -> None:
    """Wrong passwords until NativeAuthenticator locks the name out (lab: 3 allowed)."""
    for i in range(4):
        assert user.login(f"wrong-{i}") is False
    assert user.login() is False, "locked out: the right password must be refused now"


def test_reset_user_lets_a_locked_out_admin_back_in_and_keeps_the_lockout(admin):
    _locked_out(admin)

    proc = run_playbook("reset-user.yml", "-e", "user=admin")

    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert "admin: failed-login lockout lifted; password unchanged" in proc.stdout
    assert admin.login() is True
    # the lockout itself is still on, and the playbook lifts it again
    _locked_out(admin)
    assert run_playbook("reset-user.yml", "-e", "user=admin").returncode == 0
    assert admin.login() is True


def test_reset_user_sets_a_new_password_from_a_file(hub_url, tmp_path):
    bob = HubUser(hub_url, "bob", BOB_PW)  # locked out by the lockout test above
    new = "n3w-b0b-" + uuid.uuid4().hex[:10]
    pw_file = tmp_path / "bob.pw"
    pw_file.write_text(new + "\n")
    pw_file.chmod(0o600)

    proc = run_playbook("reset-user.yml", "-v", "-e", "user=bob", "-e", f"password_file={pw_file}")

    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert "bob: failed-login lockout lifted; password changed" in proc.stdout
    assert leaks(proc.stdout + proc.stderr, {"bob's new password": new}) == []
    assert bob.login(BOB_PW) is False, "the old password must not work any more"
    assert bob.login(new) is True


def test_reset_user_refuses_an_unknown_user():
    proc = run_playbook("reset-user.yml", "-e", "user=nobody-here")
    assert proc.returncode != 0
    assert "No account named 'nobody-here'" in proc.stdout
