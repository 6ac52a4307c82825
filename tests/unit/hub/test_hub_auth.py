"""jupyterfleet_hub.auth: reserved names, and the lockout that reset-user.yml lifts."""

from __future__ import annotations

import json

import pytest
from jupyterfleet_hub.auth import FleetNativeAuthenticator


@pytest.fixture
def auth(tmp_path, db):
    return FleetNativeAuthenticator(
        db=db,
        admin_users={"Admin"},
        reserved_names={"jfverifyprobe"},
        unlock_file=str(tmp_path / "unlock.json"),
        allowed_failed_logins=3,
    )


def test_admin_and_probe_names_cannot_be_signed_up(auth):
    for name in ("admin", "ADMIN", "jfverifyprobe"):
        assert auth.user_exists(name), name
        assert auth.create_user(name, "a-long-password-1") is None, name
    # anyone else signs up, into the real table, and is read back afresh
    assert not auth.user_exists("carol")
    assert auth.create_user("carol", "a-long-password-1") is not None
    assert auth.user_exists("carol")
    assert auth.get_user("carol").username == "carol"


def test_a_new_unlock_request_lifts_the_lockout_once(auth, tmp_path):
    unlock = tmp_path / "unlock.json"
    auth.login_attempts["bob"] = {"count": 3, "time": 0}
    auth._forget_if_unlocked("bob")
    assert "bob" in auth.login_attempts  # no request yet
    unlock.write_text(json.dumps({"bob": "r1"}))
    auth._forget_if_unlocked("bob")
    assert "bob" not in auth.login_attempts
    auth.login_attempts["bob"] = {"count": 3, "time": 0}
    auth._forget_if_unlocked("bob")
    assert "bob" in auth.login_attempts  # the same request counts once
    unlock.write_text(json.dumps({"bob": "r2"}))
    auth._forget_if_unlocked("bob")
    assert "bob" not in auth.login_attempts


def test_requests_older_than_the_hub_are_done_with(tmp_path, db):
    (tmp_path / "unlock.json").write_text(json.dumps({"bob": "r1"}))
    auth = FleetNativeAuthenticator(db=db, unlock_file=str(tmp_path / "unlock.json"))
    auth.login_attempts["bob"] = {"count": 3, "time": 0}
    auth._forget_if_unlocked("bob")
    assert "bob" in auth.login_attempts


def test_a_broken_unlock_file_unlocks_nobody(auth, tmp_path):
    (tmp_path / "unlock.json").write_text("not json")
    auth.login_attempts["bob"] = {"count": 3, "time": 0}
    auth._forget_if_unlocked("bob")
    assert "bob" in auth.login_attempts
