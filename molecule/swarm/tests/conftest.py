import os
import sys
from pathlib import Path

import docker
import pytest

sys.path.insert(0, os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "tests", "e2e"))

from ordering import order

MANAGER, GPU, CPU = "jf-swarm-mgr", "jf-swarm-gpu", "jf-swarm-cpu"
# Before any other module: the upgrade's checks read what prepare.yml left (its users, a
# running server) before other tests restart anything. After every other: a fourth node
# added and retired (it leaves the lab as it found it), then the unreachable worker, which
# converges the whole site twice with the lab's own settings.
RUN_FIRST = ("test_upgrade.py",)
RUN_LAST = ("test_nodes.py", "test_unreachable.py")


def pytest_collection_modifyitems(items):
    order(items, Path(__file__).parent, first=RUN_FIRST, last=RUN_LAST)


class Node:
    """Run commands inside a lab workstation (the outer container)."""

    def __init__(self, name):
        self.name = name
        self.c = docker.from_env().containers.get(name)

    def sh(self, cmd: str, check: bool = True) -> str:
        rc, out = self.c.exec_run(["sh", "-c", cmd])
        text = out.decode()
        if check and rc != 0:
            raise AssertionError(f"{self.name}: {cmd!r} exited {rc}: {text}")
        return text.strip()

    @property
    def ip(self) -> str:
        self.c.reload()
        nets = self.c.attrs["NetworkSettings"]["Networks"]
        return next(n["IPAddress"] for n in nets.values() if n["IPAddress"])


@pytest.fixture(scope="session")
def nodes():
    return {n: Node(n) for n in (MANAGER, GPU, CPU)}


@pytest.fixture(scope="session")
def hub_url(nodes):
    return f"http://{nodes[MANAGER].ip}:8000"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, attach what swarm and the hub said, for whoever reads the CI log."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    try:
        mgr = Node(MANAGER)
        tasks = mgr.sh(
            "for s in $(docker service ls --format '{{.Name}}'); do docker service ps --no-trunc"
            ' --format "$s {{.Node}} {{.DesiredState}} {{.CurrentState}} {{.Error}}" $s; done',
            check=False,
        )
        logs = mgr.sh(
            "docker logs --tail 60 $(docker ps -aq --filter"
            " label=com.docker.swarm.service.name=jupyterhub | head -1) 2>&1",
            check=False,
        )
        report.sections.append(("swarm tasks", tasks))
        report.sections.append(("hub log", logs))
    except Exception as exc:  # noqa: BLE001 - diagnostics must never hide the failure
        report.sections.append(("diagnostics", repr(exc)))
