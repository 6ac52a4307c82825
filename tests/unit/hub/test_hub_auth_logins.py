"""jupyterfleet_hub.auth (issue 14): bcrypt off the event loop, the per-address limit.

Against NativeAuthenticator 1.3.0 itself and real bcrypt hashes in a real (SQLite) hub
database; only the HTTP request is a stand-in (the headers and peer a handler would have).
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import bcrypt
import jupyterfleet_hub.auth as fleet_auth
import pytest
from jupyterfleet_hub.auth import (
    ClientLimited,
    FleetChangePasswordHandler,
    FleetLoginHandler,
    FleetNativeAuthenticator,
    FleetSignUpHandler,
    _request_scope,
    client_address,
)
from nativeauthenticator.orm import UserInfo
from tornado.httputil import HTTPHeaders

PASSWORD = "a-long-password-1"


@pytest.fixture
def auth(tmp_path, db):
    return FleetNativeAuthenticator(
        db=db,
        unlock_file=str(tmp_path / "unlock.json"),
        allowed_failed_logins=3,
        seconds_before_next_try=1200,
        client_failed_logins=3,
        client_window=60,
    )


def add_user(auth, name, rounds=4, password=PASSWORD):
    """An approved account with a real bcrypt hash of ``rounds`` (4 is quick, 14 ~1 s)."""
    auth.db.add(
        UserInfo(
            username=name,
            password=bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)),
            is_authorized=True,
        )
    )
    auth.db.commit()


def handler(forwarded=None, peer="127.0.0.1", real_ip=None):
    """What authenticate reads of the login request: headers and the connection's peer."""
    headers = HTTPHeaders()
    if forwarded:
        headers.add("X-Forwarded-For", forwarded)
    if real_ip:
        headers.add("X-Real-Ip", real_ip)
    context = SimpleNamespace(_orig_remote_ip=peer)
    # tornado (xheaders=True) would have set remote_ip from the headers: X-Real-Ip first
    remote_ip = real_ip or (forwarded.split(",")[-1].strip() if forwarded else peer)
    request = SimpleNamespace(
        headers=headers, remote_ip=remote_ip, connection=SimpleNamespace(context=context)
    )
    return SimpleNamespace(request=request)


def login(auth, name, password, address="10.0.0.1"):
    return auth.authenticate(handler(forwarded=address), {"username": name, "password": password})


# ---- bcrypt off the event loop -----------------------------------------------------------
def test_a_slow_password_check_leaves_the_event_loop_free(auth):
    add_user(auth, "slow", rounds=14)  # about a second of bcrypt

    async def scenario():
        gaps, stop = [], asyncio.Event()

        async def ticker():
            last = time.perf_counter()
            while not stop.is_set():
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        tick = asyncio.ensure_future(ticker())
        start = time.perf_counter()
        wrong = await login(auth, "slow", "wrong-password")
        right = await login(auth, "slow", PASSWORD)
        took = time.perf_counter() - start
        stop.set()
        await tick
        return wrong, right, took, max(gaps, default=took)  # no tick at all: stalled throughout

    wrong, right, took, worst_gap = asyncio.run(scenario())
    assert (wrong, right) == (None, "slow")
    assert took > 0.5, "the check was not slow: the test proves nothing"
    assert worst_gap < 0.25, f"the event loop stalled {worst_gap:.2f} s during a {took:.2f} s check"


def _bcrypt_threads(monkeypatch) -> list[str]:
    """The names of the threads that run bcrypt.hashpw from now on."""
    seen, real = [], bcrypt.hashpw

    def hashpw(password, salt):
        seen.append(threading.current_thread().name)
        return real(password, salt)

    monkeypatch.setattr(bcrypt, "hashpw", hashpw)
    return seen


def test_every_bcrypt_call_of_a_login_runs_in_the_pool(auth, monkeypatch):
    add_user(auth, "bob")
    seen = _bcrypt_threads(monkeypatch)

    async def scenario():
        with _request_scope():
            assert await login(auth, "bob", "wrong") is None
            # NativeAuthenticator's login page checks the password again after a failure
            # (to tell "not authorized yet"): it finds this request's result
            assert auth.get_user("bob").is_valid_password("wrong") is False
            assert await login(auth, "bob", PASSWORD) == "bob"

    asyncio.run(scenario())
    assert seen and all(name.startswith("jupyterfleet-bcrypt") for name in seen), seen


def test_sign_up_and_password_change_hash_in_the_pool(auth, monkeypatch):
    add_user(auth, "bob")
    seen = _bcrypt_threads(monkeypatch)

    async def scenario():
        with _request_scope():  # what FleetSignUpHandler does before NativeAuthenticator's page
            await auth.prepare_hash("carols-password-1")
            assert auth.create_user("carol", "carols-password-1") is not None
        with _request_scope():  # FleetChangePasswordHandler
            await auth.prepare_check("bob", PASSWORD)
            await auth.prepare_hash("bobs-new-password-1")
            assert auth.get_user("bob").is_valid_password(PASSWORD) is True
            assert auth.change_password("bob", "bobs-new-password-1") is True

    asyncio.run(scenario())
    assert seen and all(name.startswith("jupyterfleet-bcrypt") for name in seen), seen
    # and the hashes are real ones: checked afresh, outside any request
    monkeypatch.undo()
    assert auth.get_user("carol").is_valid_password("carols-password-1")
    assert auth.get_user("bob").is_valid_password("bobs-new-password-1")
    assert not auth.get_user("bob").is_valid_password(PASSWORD)


def test_the_hub_serves_the_pages_that_prepare_bcrypt_in_the_pool(auth):
    routes = {path: cls for path, cls, *_ in auth.get_handlers(None)}
    assert routes["/login"] is FleetLoginHandler
    assert routes["/signup"] is FleetSignUpHandler
    assert routes["/change-password"] is FleetChangePasswordHandler
    assert routes["/change-password/([^/]+)"].__name__ == "FleetChangePasswordAdminHandler"


# ---- NativeAuthenticator's lockout, unchanged ---------------------------------------------
def test_the_lockout_after_failed_logins_is_unchanged(auth):
    add_user(auth, "bob")
    auth.client_failed_logins = 0  # this test is about the user's lockout only

    async def scenario():
        assert await login(auth, "bob", "wrong-1") is None
        assert await login(auth, "bob", "wrong-2") is None
        assert await login(auth, "bob", PASSWORD) == "bob"  # the count starts again
        for i in range(3):
            assert await login(auth, "bob", f"wrong-{i}") is None
        assert auth.login_attempts["bob"]["count"] == 3
        assert await login(auth, "bob", PASSWORD) is None  # locked: even the right one
        # after seconds_before_next_try the right password works again
        auth.login_attempts["bob"]["time"] -= __import__("datetime").timedelta(seconds=1201)
        assert await login(auth, "bob", PASSWORD) == "bob"
        assert "bob" not in auth.login_attempts

    asyncio.run(scenario())


# ---- the per-address limit -----------------------------------------------------------------
def test_too_many_failures_from_one_address_refuse_it_at_once(auth, monkeypatch):
    add_user(auth, "bob")
    now = [1000.0]
    monkeypatch.setattr(fleet_auth, "_clock", lambda: now[0])

    async def scenario():
        for name in ("x", "y", "bob"):  # unknown names count as much as wrong passwords
            assert await login(auth, name, "wrong", "10.0.0.1") is None
        seen = _bcrypt_threads(monkeypatch)
        with pytest.raises(ClientLimited) as refused:
            await login(auth, "bob", PASSWORD, "10.0.0.1")  # even the right password
        assert seen == [], "a refused login must not run bcrypt"
        assert refused.value.status_code == 429
        assert refused.value.retry_after == 60
        assert "Too many failed logins from your address (10.0.0.1)" in str(
            refused.value.jupyterhub_message
        )
        # another address is not affected, and bob's own lockout was not touched
        assert await login(auth, "bob", PASSWORD, "10.0.0.2") == "bob"
        now[0] += 59
        with pytest.raises(ClientLimited) as refused:
            await login(auth, "bob", PASSWORD, "10.0.0.1")
        assert refused.value.retry_after == 1
        now[0] += 1  # the window has passed
        assert await login(auth, "bob", PASSWORD, "10.0.0.1") == "bob"

    asyncio.run(scenario())


def test_a_burst_from_one_address_cannot_slip_past_the_limit(auth):
    add_user(auth, "slow", rounds=12)

    async def scenario():
        tries = [login(auth, "slow", f"wrong-{i}", "10.0.0.7") for i in range(8)]
        return await asyncio.gather(*tries, return_exceptions=True)

    results = asyncio.run(scenario())
    refused = [r for r in results if isinstance(r, ClientLimited)]
    assert len(refused) == 5 and results.count(None) == 3, results


def test_no_limit_when_it_is_0(auth):
    auth.client_failed_logins = 0

    async def scenario():
        for i in range(20):
            assert await login(auth, "nobody", f"wrong-{i}") is None

    asyncio.run(scenario())


# ---- the client's address --------------------------------------------------------------------
def test_the_address_is_the_one_the_proxy_saw():
    # configurable-http-proxy appends the address it saw: a client's own entries come first
    assert client_address(handler(forwarded="1.2.3.4, 10.0.0.9").request) == "10.0.0.9"
    # a client's X-Real-Ip (which tornado's remote_ip takes first) changes nothing
    assert client_address(handler(forwarded="10.0.0.9", real_ip="6.6.6.6").request) == "10.0.0.9"
    # the proxy listens on IPv6 too: an IPv4 client as an IPv4 address
    assert client_address(handler(forwarded="::ffff:172.20.0.1").request) == "172.20.0.1"
    assert client_address(handler(forwarded="2001:db8::1").request) == "2001:db8::1"
    # no proxy in between: the connection's peer, not a header
    assert client_address(handler(peer="172.20.0.5", real_ip="6.6.6.6").request) == "172.20.0.5"


def test_the_limit_counts_the_proxied_address_not_a_forged_one(auth):
    async def scenario():
        for i in range(3):
            h = handler(forwarded=f"9.9.9.{i}, 10.0.0.1", real_ip=f"8.8.8.{i}")
            assert await auth.authenticate(h, {"username": "x", "password": "y"}) is None
        with pytest.raises(ClientLimited):
            h = handler(forwarded="9.9.9.9, 10.0.0.1", real_ip="8.8.8.8")
            await auth.authenticate(h, {"username": "x", "password": "y"})

    asyncio.run(scenario())
