"""The small-team story against the real hub, through its proxy, over HTTP.

Order matters (one hub, one database): the tests run top to bottom and share
the users they sign up.
"""

import uuid

import pytest
from hubclient import ADMIN_PASSWORD, HubUser

USER_PW = "al1ce-" + uuid.uuid4().hex[:10]


@pytest.fixture(scope="module")
def admin(hub_url):
    return HubUser(hub_url, "admin", ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def alice(hub_url):
    return HubUser(hub_url, "alice", USER_PW)


def test_hub_answers(hub_url, hub_ca):
    import requests

    r = requests.get(f"{hub_url}/hub/api/", verify=hub_ca, timeout=10)
    assert r.status_code == 200
    assert r.json()["version"].startswith("5.")


def test_admin_signs_up_and_is_authorized_at_once(admin):
    admin.signup()
    assert admin.login() is True


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
    bob = HubUser(hub_url, "bob", "b0b-" + uuid.uuid4().hex[:10])
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
