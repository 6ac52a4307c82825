"""The idle culler the hub runs from the collection's configuration stops an idle server and
spares a busy one.

The scenario keeps the role's hour-long timeout while the other tests run (their servers sit
idle while playbooks run). This test comes after them (file order), converges the hub once
with a 30-s timeout checked every 5 s, as a team would set it in its inventory, and leaves
it so: the only test after it (the reboot) starts no server, and the lab is destroyed next.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

import requests
from conftest import NODE
from fleetrun import recap, run_playbook
from hubclient import HubUser, admin_password, logged_in

TIMEOUT, EVERY = 30, 5
SETTINGS = "/etc/jupyterfleet/hub/jupyterfleet.json"


def _new_user(hub_url: str, admin: HubUser, prefix: str) -> HubUser:
    user = HubUser(hub_url, prefix + uuid.uuid4().hex[:6], "cull-" + uuid.uuid4().hex)
    user.signup()
    admin.authorize(user.name)
    assert user.login()
    return user


def _running(user: HubUser) -> bool:
    return "" in user.model().get("servers", {})


def test_an_idle_server_is_culled_and_a_busy_one_is_not(host, hub_url):
    proc = run_playbook(
        "site.yml",
        "-e",
        json.dumps(
            {"jupyterhub_idle_culler_timeout": TIMEOUT, "jupyterhub_idle_culler_every": EVERY}
        ),
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert recap(proc.stdout)[NODE]["changed"] > 0
    culler = json.loads(host.file(SETTINGS).content_string)["idle_culler"]
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
