"""A worker that cannot be reached during a rollout: the rest of the fleet converges, the run
ends by naming it, and a re-run once it is back finishes the job.

The CPU worker is frozen (`docker pause` of the lab node: its network and swarm state stay, but
Ansible cannot run anything there, like a hung or cut-off workstation). Runs last (conftest.py's
RUN_LAST): it converges the whole site twice.
"""

import time

import docker
from conftest import CPU, GPU, MANAGER
from fleetrun import recap, run_playbook, tail


def test_unreachable_worker_then_rerun_finishes(nodes):
    worker = docker.from_env().containers.get(CPU)
    worker.pause()
    try:
        proc = run_playbook("site.yml")
    finally:
        worker.unpause()

    assert proc.returncode != 0, "a run with an unreachable host must not report success"
    hosts = recap(proc.stdout)
    assert hosts[CPU]["unreachable"] == 1, tail(proc)
    for name in (MANAGER, GPU):
        assert hosts[name]["failed"] == 0 and hosts[name]["unreachable"] == 0, tail(proc)
    assert f"NOT CONVERGED: {CPU}" in proc.stdout, tail(proc)
    # the rest converged all the way: the hub play ran on the manager
    assert "JupyterHub | Wait until the hub answers]" in proc.stdout, tail(proc)

    # the worker is back: a re-run finishes its part
    end = time.monotonic() + 60
    while time.monotonic() < end and "active" not in nodes[CPU].sh(
        "docker info -f '{{.Swarm.LocalNodeState}}'", check=False
    ):
        time.sleep(2)
    proc = run_playbook("site.yml")
    assert proc.returncode == 0, tail(proc)
    assert all(c["failed"] == 0 and c["unreachable"] == 0 for c in recap(proc.stdout).values())
    assert "NOT CONVERGED" not in proc.stdout
    end = time.monotonic() + 60
    while time.monotonic() < end:
        states = nodes[MANAGER].sh("docker node ls --format '{{.Hostname}} {{.Status}}'")
        if all(line.endswith("Ready") for line in states.splitlines()):
            break
        time.sleep(3)
    assert all(line.endswith("Ready") for line in states.splitlines()), states
