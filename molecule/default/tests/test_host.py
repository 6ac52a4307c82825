"""The workstation after converge: Docker, daemon.json, the hub container."""

import json


def test_docker_is_active_and_enabled(host):
    svc = host.service("docker")
    assert svc.is_running
    assert svc.is_enabled


def test_daemon_json_keeps_foreign_keys_and_holds_managed_ones(host):
    f = host.file("/etc/docker/daemon.json")
    assert f.mode == 0o644
    conf = json.loads(f.content_string)
    # managed by docker_engine
    assert conf["log-driver"] == "json-file"
    assert conf["log-opts"]["max-size"] == "50m"
    assert conf["registry-mirrors"] == []
    # written by prepare.yml before converge, never managed: must survive
    assert conf["labels"] == ["org.jupyterfleet.test=foreign"]
    assert conf["default-address-pools"][0]["size"] == 24


def test_hub_container_runs_with_socket_and_data(host):
    out = host.check_output("docker inspect jupyterhub")
    c = json.loads(out)[0]
    assert c["State"]["Running"] is True
    mounts = {m["Destination"]: m for m in c["Mounts"]}
    assert "/var/run/docker.sock" in mounts
    assert mounts["/data"]["Name"] == "jupyterhub-data"
    assert c["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"


def test_secrets_are_0600_and_not_empty(host):
    for name in ("cookie_secret", "proxy_auth_token"):
        f = host.file(f"/etc/jupyterfleet/secrets/{name}")
        assert f.mode == 0o600
        assert f.user == "root"
        assert len(f.content_string.strip()) == 64


def test_lockout_is_really_on_in_rendered_settings(host):
    s = json.loads(host.file("/etc/jupyterfleet/hub/jupyterfleet.json").content_string)
    assert s["auth"]["allowed_failed_logins"] == 3
    assert s["auth"]["seconds_before_next_try"] == 1200
    assert [p["name"] for p in s["profiles"]] == ["cpu", "cpu-large"]
