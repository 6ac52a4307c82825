"""Issue 14: a flood of wrong logins from one address is cut short, another address gets in.

The flood comes from a second address of this machine on the lab network (a client the hub
has never seen), through the hub's proxy as any browser's requests; each of its requests
claims yet another address in X-Forwarded-For and X-Real-Ip, which must not help it. The
team's login comes from this machine's usual address. Not timed: what is checked is which
requests the hub refuses, and the address it names.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
import requests
from conftest import NODE
from hubclient import HubUser, admin_password
from netprobe import extra_address

REFUSED = "Too many failed logins from your address"


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one source address of this machine."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def lab_address():
    """A second address of this machine in the lab network (RFC 1918, like a colleague's)."""
    return extra_address(f"172.20.250.{os.getpid() % 250 + 1}")


@pytest.fixture(scope="module")
def limit(host) -> int:
    """The hub's per-address limit, as the role wrote it (10 where none is written)."""
    settings = json.loads(host.file("/etc/jupyterfleet/hub/jupyterfleet.json").content_string)
    return int(settings["auth"].get("client_failed_logins", 10))


def _spoofed_login(user: HubUser, password: str) -> requests.Response:
    """The login page and form, each time with new forged client addresses in the headers."""
    fake = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    user.s.headers.update({"X-Forwarded-For": fake, "X-Real-Ip": fake})
    data = {"_xsrf": user._xsrf("/hub/login"), "username": user.name, "password": password}
    return user.s.post(f"{user.base}/hub/login", data=data, allow_redirects=False, timeout=60)


def test_a_flood_of_bad_logins_is_limited_while_another_address_logs_in(hub_url, limit):
    admin = HubUser(hub_url, "admin", admin_password(NODE))
    assert admin.login() is True
    lia = HubUser(hub_url, "lia" + uuid.uuid4().hex[:6], "l1a-" + uuid.uuid4().hex[:10])
    lia.signup()
    admin.authorize(lia.name)

    with lab_address() as address:
        flooder = HubUser(hub_url, "nobody-" + uuid.uuid4().hex[:6], "wrong")
        flooder.s.mount("https://", _FromAddress(address))
        flooder.s.mount("http://", _FromAddress(address))
        answers = [_spoofed_login(flooder, f"wrong-{i}") for i in range(limit + 5)]
        codes = [r.status_code for r in answers]
        # the first `limit` are checked (and fail), every one after them is refused at once
        assert codes == [200] * limit + [429] * 5, codes
        assert "Invalid username or password" in answers[0].text
        refused = answers[-1]
        assert REFUSED in refused.text, refused.text[-2000:]
        # the address the hub counted is the client's own, not the proxy's nor a forged one
        assert f"({address})" in refused.text, refused.text[-2000:]
        assert int(refused.headers["Retry-After"]) >= 1
        # from that address even the right password waits for the window
        lia_there = HubUser(hub_url, lia.name, lia.password)
        lia_there.s.mount("https://", _FromAddress(address))
        lia_there.s.mount("http://", _FromAddress(address))
        assert _spoofed_login(lia_there, lia.password).status_code == 429

        # meanwhile, from this machine's usual address, lia logs in
        assert lia.login() is True
