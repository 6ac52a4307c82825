"""Secrets on the swarm: files 0600 on the hub host, swarm secrets for the services,
never printed, and rotated on purpose with users staying logged in.

The rotation test runs playbooks/rotate-secrets.yml (a full, verbose converge) against the
converged swarm, with autolock off (the default; the lab turns it on): the swarm's join tokens
must never reach the output of a run, verbose or not, also where autolock does not make the
swarm tasks secret anyway. A later converge with the lab's settings turns autolock on again.
"""

import base64
import json
import uuid

from conftest import MANAGER
from fleetrun import digest, leaks, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

DIR = "/etc/jupyterfleet/secrets"
NAMES = ("cookie_secret", "proxy_auth_token", "db_password", "verify_api_token")


def _secrets(mgr) -> dict[str, str]:
    return {n: mgr.sh(f"cat {DIR}/{n}") for n in NAMES}


def _service_secrets(mgr, service) -> dict[str, dict]:
    spec = json.loads(mgr.sh(f"docker service inspect {service}"))[0]["Spec"]
    refs = spec["TaskTemplate"]["ContainerSpec"].get("Secrets", [])
    return {r["File"]["Name"]: {"secret": r["SecretName"], "mode": r["File"]["Mode"]} for r in refs}


def _join_tokens(mgr) -> dict[str, str]:
    """The swarm's join tokens, read on the manager (compared by digest, never printed)."""
    return {k: mgr.sh(f"docker swarm join-token -q {k}") for k in ("worker", "manager")}


def _node_states(mgr) -> list[str]:
    return sorted(mgr.sh("docker node ls --format '{{.Hostname}} {{.Status}}'").splitlines())


def test_secret_files_are_root_0600_on_the_hub_host(nodes):
    mgr = nodes[MANAGER]
    assert mgr.sh(f"stat -c '%U %a' {DIR}") == "root 700"
    for n in NAMES:
        assert mgr.sh(f"stat -c '%U %G %a' {DIR}/{n}") == "root root 600", n
        assert len(mgr.sh(f"cat {DIR}/{n}")) == 64


def test_services_read_their_secrets_from_swarm_secrets(nodes):
    mgr = nodes[MANAGER]
    hub = _service_secrets(mgr, "jupyterhub")
    assert set(hub) == set(NAMES)
    # JupyterHub refuses a cookie secret other users can read
    assert {v["mode"] for v in hub.values()} == {0o400}
    assert set(_service_secrets(mgr, "proxy")) == {"proxy_auth_token"}
    assert set(_service_secrets(mgr, "postgres")) == {"db_password"}
    # the hub no longer bind-mounts the secrets directory
    spec = json.loads(mgr.sh("docker service inspect jupyterhub"))[0]["Spec"]
    sources = [m["Source"] for m in spec["TaskTemplate"]["ContainerSpec"].get("Mounts", [])]
    assert DIR not in sources


def test_rotation_keeps_users_logged_in_and_servers_running(nodes, hub_url):
    mgr = nodes[MANAGER]
    admin = logged_in(HubUser(hub_url, "admin", admin_password(MANAGER)))
    rosa = HubUser(hub_url, "rosa", "r0sa-" + uuid.uuid4().hex[:12])
    rosa.signup()
    admin.authorize("rosa")
    assert rosa.login()
    rosa.start("cpu")
    before = _secrets(mgr)
    versions = {s: _service_secrets(mgr, s) for s in ("jupyterhub", "proxy", "postgres")}
    tokens = _join_tokens(mgr)
    members = _node_states(mgr)

    proc = run_playbook("rotate-secrets.yml", "-v", "-e", "swarm_autolock=false")

    assert proc.returncode == 0, tail(proc)
    assert (
        mgr.sh("docker info --format '{{.Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers}}'")
        == "false"
    )
    # the join tokens were rotated, never printed, and every node is still a Ready member
    new_tokens = _join_tokens(mgr)
    for kind in tokens:
        assert digest(new_tokens[kind]) != digest(tokens[kind]), f"{kind} join token not rotated"
    out = proc.stdout + proc.stderr
    assert leaks(out, {**tokens, **{k + "_new": v for k, v in new_tokens.items()}}) == []
    # no token of any kind is in the output
    assert "SWMTKN-" not in out, "a join token is in the output of a verbose run"
    assert _node_states(mgr) == members
    assert all(line.endswith(" Ready") for line in members), members
    after = _secrets(mgr)
    # the default rotation: proxy token and database password, not the cookie secret
    assert digest(after["cookie_secret"]) == digest(before["cookie_secret"])
    for n in ("proxy_auth_token", "db_password"):
        assert digest(after[n]) != digest(before[n]), n
    news = {n + "_new": v for n, v in after.items()}
    # the registry's push and pull passwords (and their base64 in a Docker login) too
    registry = {n: mgr.sh(f"cat {DIR}/{n}") for n in ("registry_push", "registry_pull")}
    registry_b64 = {
        n + "_b64": base64.b64encode(f"jupyterfleet-{n[9:]}:{v}".encode()).decode()
        for n, v in registry.items()
    }
    assert leaks(proc.stdout + proc.stderr, {**before, **news, **registry, **registry_b64}) == []
    # each service now runs with a new version of what was rotated, the same of the rest
    hub = _service_secrets(mgr, "jupyterhub")
    assert hub["cookie_secret"] == versions["jupyterhub"]["cookie_secret"]
    assert hub["db_password"] != versions["jupyterhub"]["db_password"]
    proxy = _service_secrets(mgr, "proxy")["proxy_auth_token"]
    assert proxy != versions["proxy"]["proxy_auth_token"]
    # still logged in (same cookie secret), and the hub reads its database with the new password
    r = rosa.s.get(f"{hub_url}/hub/home", allow_redirects=False, timeout=30)
    assert r.status_code == 200
    assert "rosa" in [u["name"] for u in admin.api("GET", "/hub/api/users").json()]
    # her server kept running and answers through the proxy, which got its routes back
    assert server_answers(rosa) == 200
    rosa.stop()
