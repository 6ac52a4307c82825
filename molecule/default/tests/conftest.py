import os
import sys
import tempfile

import docker
import pytest

sys.path.insert(0, os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "tests", "e2e"))

NODE = os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1")
CERT = "/etc/jupyterfleet/hub/ssl/hub.crt"


@pytest.fixture(scope="session")
def hub_url():
    """The hub's public URL: the hub host's address on the lab network.

    Over HTTPS when the node has the hub's certificate: it is copied here, as a user
    would install it, and every client of the tests checks the hub against it
    ($JUPYTERFLEET_HUB_CA, read by hubclient.HubUser; `hub_ca` for plain requests).
    """
    node = docker.from_env().containers.get(NODE)
    nets = node.attrs["NetworkSettings"]["Networks"]
    ip = next(n["IPAddress"] for n in nets.values() if n["IPAddress"])
    rc, pem = node.exec_run(["cat", CERT])
    if rc != 0:
        return f"http://{ip}:8000"
    with tempfile.NamedTemporaryFile("wb", suffix=".crt", delete=False) as ca:
        ca.write(pem)
    os.environ["JUPYTERFLEET_HUB_CA"] = ca.name
    return f"https://{ip}:8000"


@pytest.fixture(scope="session")
def hub_ca(hub_url):
    """What `verify=` takes for a plain request to the hub: its certificate, or False (HTTP)."""
    return os.environ.get("JUPYTERFLEET_HUB_CA") or False if hub_url.startswith("https") else False
