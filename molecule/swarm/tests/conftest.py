import os
import sys

import docker
import pytest

sys.path.insert(0, os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "tests", "e2e"))

MANAGER, GPU, CPU = "jf-swarm-mgr", "jf-swarm-gpu", "jf-swarm-cpu"


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
