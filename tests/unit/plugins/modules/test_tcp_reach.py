# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""tcp_reach against real sockets on this machine: listening, closed, and an address nobody answers."""

from __future__ import annotations

import errno
import socket

from ansible_collections.jupyterfleet.hub.plugins.modules.tcp_reach import probe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_listening_port_is_open():
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        assert probe("127.0.0.1", srv.getsockname()[1], 2)[0] == "open"


def test_a_closed_port_is_refused_so_the_host_was_reached():
    answer, detail = probe("127.0.0.1", _free_port(), 2)
    assert answer == "refused"
    assert detail


def test_no_answer_in_time_is_a_timeout(monkeypatch):
    # Whether a real unassigned address times out depends on the network this runs on
    # (a sandbox may reject it): the socket's own timeout is what is classified here.
    def silent(*_a, **_kw):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", silent)
    assert probe("192.0.2.1", 2377, 0.5) == ("timeout", "timed out")


def test_no_route_is_unreachable(monkeypatch):
    def no_route(*_a, **_kw):
        raise OSError(errno.EHOSTUNREACH, "No route to host")

    monkeypatch.setattr(socket, "create_connection", no_route)
    assert probe("192.0.2.1", 2377, 0.5)[0] == "unreachable"


def test_an_unknown_name_is_unreachable():
    assert probe("no-such-host.invalid", 2377, 1)[0] == "unreachable"
