import os
import socket
import ssl
import sys
from pathlib import Path

import docker
import pytest
from cryptography import x509

sys.path.insert(0, os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "tests", "e2e"))

from hubclient import lab_hub_url
from ordering import order

NODE = os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1")
CERT = "/etc/jupyterfleet/hub/ssl/hub.crt"
# Modules that leave the lab changed for what runs after them, run last in this order: the
# failed upgrade and its roll-back restore the database of a moment before, the reconverge
# rebuilds the hub image and shortens the culler's idle timeout (no later module may leave a
# server idle), the reboot restarts the node.
RUN_LAST = ("test_upgrade_rollback.py", "test_reconverge.py", "test_firewall_reboot.py")
SECRETS_DIR = "/etc/jupyterfleet/secrets"
# The settings the role renders for the hub package (profiles, image references, culler, ...).
HUB_SETTINGS = "/etc/jupyterfleet/hub/jupyterfleet.json"
SECRET_NAMES = ("cookie_secret", "proxy_auth_token", "verify_api_token")


def hub_cert(host) -> x509.Certificate:
    """The hub's certificate on the node."""
    return x509.load_pem_x509_certificate(host.file(CERT).content_string.encode())


def served_cert(ip: str, port: int = 8000) -> x509.Certificate:
    """The certificate the public port presents (not verified here: that is the point)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((ip, port), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


@pytest.fixture(scope="module")
def node_ip():
    """The hub host's address on the lab network."""
    nets = docker.from_env().containers.get(NODE).attrs["NetworkSettings"]["Networks"]
    return next(n["IPAddress"] for n in nets.values() if n["IPAddress"])


def default_notebook_image(settings: dict) -> str:
    """The default profile's image as the hub runs it, from the hub's settings (not a listing
    of the node's images: one listing of them once came back without it, between two spawns)."""
    image = next(p["image"] for p in settings["profiles"] if p["default"])
    return settings["image_refs"].get(image, image)


def hub_secrets(host) -> dict[str, str]:
    """The hub's generated secrets on the node, by name."""
    return {n: host.file(f"{SECRETS_DIR}/{n}").content_string.strip() for n in SECRET_NAMES}


@pytest.fixture(scope="session")
def hub_url():
    """The hub's public URL: the hub host's address on the lab network.

    Over HTTPS when the node has the hub's certificate: it is copied here, as a user
    would install it, and every client of the tests checks the hub against it
    ($JUPYTERFLEET_HUB_CA, read by hubclient.HubUser; `hub_ca` for plain requests).
    """
    return lab_hub_url(NODE, CERT)


@pytest.fixture(scope="session")
def hub_ca(hub_url):
    """What `verify=` takes for a plain request to the hub: its certificate, or False (HTTP)."""
    return os.environ.get("JUPYTERFLEET_HUB_CA") or False if hub_url.startswith("https") else False


def pytest_collection_modifyitems(items):
    order(items, Path(__file__).parent, last=RUN_LAST)
