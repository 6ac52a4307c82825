"""HTTPS on the public port with a self-signed certificate made on the hub host.

For a scenario whose hub host has `jupyterhub_ssl_self_signed: true` (single mode): the
key and certificate on the host, the hub answering over TLS with exactly that
certificate (checked against it, as a user who installed it would), plain HTTP no
longer served, and a certificate near its end made again with the same key and served
at once. The scenario's whole hub flow runs over this HTTPS too (conftest.py), and
test_secrets.py's verbose converge checks that the key is never printed.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import uuid

import docker
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from fleetrun import recap, run_playbook, tail
from hubclient import HubUser

SSL_DIR = "/etc/jupyterfleet/hub/ssl"
PORT = 8000


@pytest.fixture(scope="module")
def node_ip():
    name = os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1")
    nets = docker.from_env().containers.get(name).attrs["NetworkSettings"]["Networks"]
    return next(n["IPAddress"] for n in nets.values() if n["IPAddress"])


@pytest.fixture
def ca_file(host, tmp_path):
    """The hub's certificate as a user gets it: copied from the hub host."""
    path = tmp_path / "hub.crt"
    path.write_text(host.file(f"{SSL_DIR}/hub.crt").content_string)
    return str(path)


def _cert(host) -> x509.Certificate:
    return x509.load_pem_x509_certificate(host.file(f"{SSL_DIR}/hub.crt").content_string.encode())


def _served(ip: str) -> x509.Certificate:
    """The certificate the public port presents (not verified here: that is the point)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((ip, PORT), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def _names(cert: x509.Certificate) -> set[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(
        san.get_values_for_type(x509.DNSName)
    )


def _converge(*args: str):
    proc = run_playbook("site.yml", *args)
    assert proc.returncode == 0, tail(proc)
    return proc


def test_key_is_root_0600_and_certificate_0644_in_a_0700_directory(host):
    d = host.file(SSL_DIR)
    assert (d.user, d.group, d.mode) == ("root", "root", 0o700)
    key, crt = host.file(f"{SSL_DIR}/hub.key"), host.file(f"{SSL_DIR}/hub.crt")
    assert (key.user, key.group, key.mode) == ("root", "root", 0o600)
    assert (crt.user, crt.group, crt.mode) == ("root", "root", 0o644)
    assert "PRIVATE KEY" in key.content_string


def test_certificate_is_self_signed_for_the_hub_address_and_a_server_only(host, node_ip):
    cert = _cert(host)
    assert cert.issuer == cert.subject
    assert node_ip in _names(cert)
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert bc.ca is False
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]


def test_the_hub_answers_over_tls_checked_against_its_certificate(node_ip, ca_file):
    r = requests.get(f"https://{node_ip}:{PORT}/hub/api/", verify=ca_file, timeout=10)
    assert r.status_code == 200
    assert r.json()["version"].startswith("5.")


def test_the_public_port_presents_the_certificate_on_the_host(host, node_ip):
    served = _served(node_ip)
    assert served.fingerprint(hashes.SHA256()) == _cert(host).fingerprint(hashes.SHA256())


def test_without_the_certificate_a_client_is_warned(node_ip):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://{node_ip}:{PORT}/hub/api/", verify=True, timeout=10)


def test_plain_http_is_no_longer_served(node_ip):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://{node_ip}:{PORT}/hub/api/", timeout=10)


def test_sign_up_and_login_forms_work_over_https(node_ip, ca_file):
    """Cookies and the XSRF token round-trip over TLS; a new user waits for approval."""
    user = HubUser(
        f"https://{node_ip}:{PORT}",
        f"tls{uuid.uuid4().hex[:6]}",
        "tls-" + uuid.uuid4().hex,
        ca_file,
    )
    user.signup()
    assert user.login() is False  # not authorized yet: the form answered, over HTTPS


def test_a_certificate_near_its_end_is_made_again_with_the_same_key(host, node_ip):
    key, old = host.file(f"{SSL_DIR}/hub.key").content_string, _cert(host)
    # 3650 of 3650 days left is "less than 3650": renew now, valid for 3651 days.
    proc = _converge(
        "-e",
        json.dumps(
            {"jupyterhub_ssl_self_signed_days": 3651, "jupyterhub_ssl_self_signed_renew_days": 3650}
        ),
    )
    assert recap(proc.stdout)[host.backend.get_hostname()]["changed"] > 0
    new = _cert(host)
    assert new.serial_number != old.serial_number
    assert new.not_valid_after_utc > old.not_valid_after_utc
    assert _names(new) == _names(old)
    assert host.file(f"{SSL_DIR}/hub.key").content_string == key
    served = _served(node_ip)
    assert served.fingerprint(hashes.SHA256()) == new.fingerprint(hashes.SHA256())
    # users install the renewed certificate: so do the later tests of this session
    if os.environ.get("JUPYTERFLEET_HUB_CA"):
        with open(os.environ["JUPYTERFLEET_HUB_CA"], "w", encoding="utf-8") as f:
            f.write(host.file(f"{SSL_DIR}/hub.crt").content_string)
