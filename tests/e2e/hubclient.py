"""A small HTTP client for a real JupyterHub with NativeAuthenticator.

It does what a person does in a browser (sign up, log in, authorize users at
/hub/authorize, pick a profile) and what a notebook client does (server API,
contents API), against the hub through its proxy. No mocks: every call is HTTP.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import requests

HUB_CERT = "/etc/jupyterfleet/hub/ssl/hub.crt"


def lab_hub_url(node: str, cert: str = HUB_CERT) -> str:
    """The public URL of the hub on lab node `node` (its address on the lab network).

    Over HTTPS when the node has the hub's certificate: it is copied here, as a user would
    install it, and named in $JUPYTERFLEET_HUB_CA, which every HubUser checks the hub against.
    """
    import docker

    container = docker.from_env().containers.get(node)
    nets = container.attrs["NetworkSettings"]["Networks"]
    ip = next(n["IPAddress"] for n in nets.values() if n["IPAddress"])
    rc, pem = container.exec_run(["cat", cert])
    if rc != 0:
        return f"http://{ip}:8000"
    with tempfile.NamedTemporaryFile("wb", suffix=".crt", delete=False) as ca:
        ca.write(pem)
    os.environ["JUPYTERFLEET_HUB_CA"] = ca.name
    return f"https://{ip}:8000"


def admin_password(hub_host: str, name: str = "admin") -> str:
    """The password the collection generated for an admin of the lab hub on `hub_host`.

    The lab inventories keep generated admin passwords on the controller, in the
    repository's .cache/lab/secrets/<hub host>-admins/<name> (jupyterhub_auth_admin_password_dir):
    the tests log in with them, as the site's engineer would.
    """
    project = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).parents[2]))
    path = project / ".cache" / "lab" / "secrets" / f"{hub_host}-admins" / name
    return path.read_text(encoding="utf-8").strip()


class HubError(AssertionError):
    pass


def default_verify() -> bool | str:
    """The CA file named by $JUPYTERFLEET_HUB_CA (a hub over HTTPS), else False."""
    return os.environ.get("JUPYTERFLEET_HUB_CA") or False


class _Session(requests.Session):
    """A session whose `verify` wins over $REQUESTS_CA_BUNDLE (psf/requests#3829)."""

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None:
            settings["verify"] = self.verify
        return settings


class HubUser:
    def __init__(self, base_url: str, name: str, password: str, verify: bool | str | None = None):
        """`verify`: for an https:// base URL, the CA file to check the hub's certificate
        against (the hub's own self-signed certificate), True for the system's CAs, False
        for no check; None takes the CA file in $JUPYTERFLEET_HUB_CA, else no check."""
        self.base = base_url.rstrip("/")
        self.name = name
        self.password = password
        self.s = _Session()
        self.s.verify = default_verify() if verify is None else verify
        self.token: str | None = None

    # ---- browser-like forms ----------------------------------------------
    def _xsrf(self, path: str) -> str:
        r = self.s.get(f"{self.base}{path}", timeout=30)
        r.raise_for_status()
        tok = self.s.cookies.get("_xsrf", path="/hub/")
        if not tok:
            raise HubError(f"no _xsrf cookie after GET {path}")
        return tok

    def signup(self) -> str:
        data = {
            "_xsrf": self._xsrf("/hub/signup"),
            "username": self.name,
            "signup_password": self.password,
            "signup_password_confirmation": self.password,
        }
        r = self.s.post(f"{self.base}/hub/signup", data=data, timeout=30)
        r.raise_for_status()
        return r.text

    def login(self, password: str | None = None) -> bool:
        """POST the login form; True when the hub let us in."""
        data = {
            "_xsrf": self._xsrf("/hub/login"),
            "username": self.name,
            "password": self.password if password is None else password,
        }
        r = self.s.post(f"{self.base}/hub/login", data=data, allow_redirects=False, timeout=30)
        return r.status_code == 302 and "/hub/login" not in r.headers.get("Location", "")

    def authorize(self, other: str) -> None:
        """As an admin, flip `other` to authorized at /hub/authorize."""
        page = self.s.get(f"{self.base}/hub/authorize", timeout=30)
        page.raise_for_status()
        if other not in page.text:
            raise HubError(f"{other} is not listed at /hub/authorize")
        r = self.s.get(f"{self.base}/hub/authorize/{other}", timeout=30)
        r.raise_for_status()

    # ---- REST API --------------------------------------------------------
    def api_token(self) -> str:
        """Ask the hub for an API token of our own (cookie + XSRF header)."""
        xsrf = self._xsrf("/hub/home")
        r = self.s.post(
            f"{self.base}/hub/api/users/{self.name}/tokens",
            json={"note": "jupyterfleet e2e", "expires_in": 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        if r.status_code != 201:
            raise HubError(f"token request: {r.status_code} {r.text[:300]}")
        self.token = r.json()["token"]
        return self.token

    def _h(self) -> dict:
        if not self.token:
            self.api_token()
        return {"Authorization": f"token {self.token}"}

    def api(self, method: str, path: str, **kw) -> requests.Response:
        return self.s.request(method, f"{self.base}{path}", headers=self._h(), timeout=60, **kw)

    def model(self) -> dict:
        r = self.api("GET", f"/hub/api/users/{self.name}")
        r.raise_for_status()
        return r.json()

    def start(self, profile: str | None = None, timeout: float = 180) -> dict:
        body = {"profile": profile} if profile else {}
        r = self.api("POST", f"/hub/api/users/{self.name}/server", json=body)
        if r.status_code not in (201, 202):
            raise HubError(f"start: {r.status_code} {r.text[:300]}")
        return self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 180) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            srv = self.model().get("servers", {}).get("", {})
            if srv.get("ready"):
                return srv
            time.sleep(2)
        raise HubError(f"{self.name}'s server not ready after {timeout}s: {self.model()}")

    def stop(self, timeout: float = 120) -> None:
        r = self.api("DELETE", f"/hub/api/users/{self.name}/server")
        if r.status_code not in (202, 204):
            raise HubError(f"stop: {r.status_code} {r.text[:300]}")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if "" not in self.model().get("servers", {}):
                return
            time.sleep(2)
        raise HubError(f"{self.name}'s server did not stop within {timeout}s")

    # ---- the user's own server, through the proxy --------------------------
    def server(self, method: str, path: str, **kw) -> requests.Response:
        return self.api(method, f"/user/{self.name}{path}", **kw)

    def put_file(self, path: str, content: str) -> None:
        r = self.server(
            "PUT",
            f"/api/contents/{path}",
            json={"type": "file", "format": "text", "content": content},
        )
        if r.status_code not in (200, 201):
            raise HubError(f"put {path}: {r.status_code} {r.text[:300]}")

    def get_file(self, path: str) -> str | None:
        r = self.server("GET", f"/api/contents/{path}?content=1&type=file&format=text")
        if r.status_code == 404:
            return None
        r.raise_for_status()
        return r.json()["content"]


def server_answers(user: HubUser, timeout: float = 90) -> int:
    """Status of the user's server API through the proxy with the user's token (no cookie),
    asked again until it is 200 or `timeout` seconds passed: after a hub or proxy restart
    the proxy gets its routes back from the hub."""
    end, status = time.monotonic() + timeout, 0
    while time.monotonic() < end:
        status = requests.get(
            f"{user.base}/user/{user.name}/api/status",
            headers={"Authorization": f"token {user.token}"},
            verify=user.s.verify,
            timeout=30,
        ).status_code
        if status == 200:
            break
        time.sleep(3)
    return status


def logged_in(user: HubUser) -> HubUser:
    """Log the user in (e.g. an admin the collection made), or fail saying who could not."""
    if not user.login():
        raise HubError(f"{user.name} cannot log in")
    return user


def progress_message(user: HubUser, timeout: float = 120) -> dict:
    """Follow the spawn's progress events until the hub says ready or failed."""
    import json

    end = time.monotonic() + timeout
    last: dict = {}
    with user.s.get(
        f"{user.base}/hub/api/users/{user.name}/server/progress",
        headers=user._h(),
        stream=True,
        timeout=timeout,
    ) as r:
        for line in r.iter_lines(decode_unicode=True):
            if time.monotonic() > end:
                break
            if line and line.startswith("data:"):
                last = json.loads(line[5:])
                if last.get("ready") or last.get("failed"):
                    return last
    return last
