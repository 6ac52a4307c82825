import os
import sys

import docker
import pytest

sys.path.insert(0, os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "tests", "e2e"))


@pytest.fixture(scope="session")
def hub_url():
    """The hub's public URL: the hub host's address on the lab network."""
    name = os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1")
    nets = docker.from_env().containers.get(name).attrs["NetworkSettings"]["Networks"]
    ip = next(n["IPAddress"] for n in nets.values() if n["IPAddress"])
    return f"http://{ip}:8000"
