"""playbooks/verify.yml on the swarm lab (issue 9, Verify).

Passes on the healthy fleet: every node Ready and Active with its labels and GPUs, each
profile's image on exactly the nodes that can run it, the hub and proxy answering, and the
probe user starting a server on each profile (cpu on the CPU worker, gpu on the GPU worker)
and reaching it through the proxy. Then the CPU worker is drained: the check fails and names
that node (and the profile that can no longer start). The worker is set active again and the
test waits until every service runs as before, so the tests after it see the same lab.
"""

import re
import time

import requests
from conftest import CPU, GPU, MANAGER
from fleetrun import leaks, run_playbook, table_row, tail
from hubclient import HubUser, admin_password, logged_in

PROBE = "jfverifyprobe"
TOKEN_FILE = "/etc/jupyterfleet/secrets/verify_api_token"


def _probe_left_nothing(mgr, hub_url):
    token = mgr.sh(f"cat {TOKEN_FILE}")
    r = requests.get(
        f"{hub_url}/hub/api/users/{PROBE}",
        headers={"Authorization": f"token {token}"},
        timeout=30,
    )
    assert r.status_code == 404, f"the probe user is still there: HTTP {r.status_code}"
    assert mgr.sh(f"docker service ls -q --filter name=jupyter-{PROBE}") == ""
    assert mgr.sh(f"test -e /srv/jupyterfleet/users/{PROBE} && echo left || true") == ""


def _services(mgr) -> dict[str, str]:
    lines = mgr.sh("docker service ls --format '{{.Name}} {{.Replicas}}'").splitlines()
    return dict(line.split(" ", 1) for line in lines)


def _gpu_holders(mgr) -> list[str]:
    lines = mgr.sh("docker service ls --format '{{.Name}} {{.Image}}'").splitlines()
    return [
        name.removeprefix("jupyter-")
        for name, image in (ln.split(" ", 1) for ln in lines)
        if name.startswith("jupyter-") and "/notebook-gpu:" in image
    ]


def _free_the_gpus(mgr, hub_url):
    """The gpu probe needs a free GPU; earlier tests' users hold both of the lab's."""
    admin = logged_in(HubUser(hub_url, "admin", admin_password(MANAGER)))
    for user in _gpu_holders(mgr):
        r = admin.api("DELETE", f"/hub/api/users/{user}/server")
        assert r.status_code in (202, 204), f"stop {user}: {r.status_code} {r.text[:300]}"
    end = time.monotonic() + 120
    while _gpu_holders(mgr) and time.monotonic() < end:
        time.sleep(2)
    assert _gpu_holders(mgr) == [], "servers still hold the GPUs"


def test_verify_passes_on_the_healthy_swarm(nodes, hub_url):
    mgr = nodes[MANAGER]
    _free_the_gpus(mgr, hub_url)
    started = time.monotonic()
    proc = run_playbook("verify.yml", "-v")
    took = time.monotonic() - started
    out = proc.stdout
    assert proc.returncode == 0, tail(proc)
    assert "no problem found" in out, tail(proc)
    for node in (MANAGER, GPU, CPU):
        assert table_row(out, "node", node, "ok"), tail(proc)
        assert table_row(out, "image", node, "ok"), tail(proc)
    assert table_row(out, "hub", MANAGER, "ok"), tail(proc)
    # each profile started where its placement sends it, and answered through the proxy
    assert re.search(rf"probe\s+cpu\s+ok\s+server started on {CPU} in \d+ s and reached", out)
    assert re.search(rf"probe\s+gpu\s+ok\s+server started on {GPU} in \d+ s and reached", out)
    assert table_row(out, "cleanup", PROBE, "ok"), tail(proc)
    _probe_left_nothing(mgr, hub_url)
    # the probe's token is never printed, not even with -v
    assert leaks(proc.stdout + proc.stderr, {"verify_api_token": mgr.sh(f"cat {TOKEN_FILE}")}) == []
    print(f"verify.yml on the healthy swarm took {took:.0f} s")


def test_verify_fails_naming_a_drained_worker(nodes, hub_url):
    mgr = nodes[MANAGER]
    before = _services(mgr)
    mgr.sh(f"docker node update --availability drain {CPU}")
    try:
        started = time.monotonic()
        # the cpu profile only: it can run on the drained worker alone
        proc = run_playbook("verify.yml", "-e", '{"verify_profiles": ["cpu"]}')
        took = time.monotonic() - started
    finally:
        mgr.sh(f"docker node update --availability active {CPU}")
    out = proc.stdout
    assert proc.returncode != 0, "verify.yml passed with a drained worker:\n" + tail(proc)
    failure = next((ln for ln in out.splitlines() if "VERIFY FAILED" in ln), "")
    assert f"node {CPU}: availability drain (expected active)" in failure, tail(proc)
    assert "probe cpu: spawn failed" in failure, tail(proc)
    # only the drained node is named: the others are fine
    assert table_row(out, "node", MANAGER, "ok") and table_row(out, "node", GPU, "ok"), tail(proc)
    assert table_row(out, "node", CPU, "FAIL"), tail(proc)
    # the probe user is removed also when its spawn failed
    assert table_row(out, "cleanup", PROBE, "ok"), tail(proc)
    _probe_left_nothing(mgr, hub_url)
    print(f"verify.yml with a drained worker took {took:.0f} s")

    # the lab as before: the worker active and every service back to its replicas
    end = time.monotonic() + 120
    while time.monotonic() < end:
        states = mgr.sh("docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}'")
        if (
            all(ln.endswith("Ready Active") for ln in states.splitlines())
            and _services(mgr) == before
        ):
            break
        time.sleep(3)
    assert all(ln.endswith("Ready Active") for ln in states.splitlines()), states
    assert _services(mgr) == before
