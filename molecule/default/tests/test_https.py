"""HTTPS on the public port with a self-signed certificate made on the hub host.

For a scenario whose hub host has `jupyterhub_ssl_self_signed: true` (single mode): the
key and certificate on the host, the hub answering over TLS with exactly that
certificate (checked against it, as a user who installed it would), plain HTTP no
longer served, and a certificate near its end made again with the same key and served
at once (test_reconverge.py, whose converge also checks that the key is never printed). The
scenario's whole hub flow runs over this HTTPS too (conftest.py).
"""

from __future__ import annotations

import uuid

import pytest
import requests
from conftest import hub_cert, served_cert
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from hubclient import HubUser

SSL_DIR = "/etc/jupyterfleet/hub/ssl"
PORT = 8000


@pytest.fixture
def ca_file(host, tmp_path):
    """The hub's certificate as a user gets it: copied from the hub host."""
    path = tmp_path / "hub.crt"
    path.write_text(host.file(f"{SSL_DIR}/hub.crt").content_string)
    return str(path)


def _names(cert: x509.Certificate) -> set[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(
        san.get_values_for_type(x509.DNSName)
    )


def test_key_is_root_0600_and_certificate_0644_in_a_0700_directory(host):
    d = host.file(SSL_DIR)
    assert (d.user, d.group, d.mode) == ("root", "root", 0o700)
    key, crt = host.file(f"{SSL_DIR}/hub.key"), host.file(f"{SSL_DIR}/hub.crt")
    assert (key.user, key.group, key.mode) == ("root", "root", 0o600)
    assert (crt.user, crt.group, crt.mode) == ("root", "root", 0o644)
    assert "PRIVATE KEY" in key.content_string


def test_certificate_is_self_signed_for_the_hub_address_and_a_server_only(host, node_ip):
    cert = hub_cert(host)
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
    served = served_cert(node_ip)
    assert served.fingerprint(hashes.SHA256()) == hub_cert(host).fingerprint(hashes.SHA256())


def test_without_the_certificate_a_client_is_warned(node_ip):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://{node_ip}:{PORT}/hub/api/", verify=True, timeout=10)


def test_plain_http_is_no_longerserved_cert(node_ip):
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
