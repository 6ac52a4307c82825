"""The fleet's registry from the attacker's side, and images pinned by digest.

The attacker is a notebook on a worker: a container on the overlay network (it leaves with the
worker's address, a member the firewall lets through) or, worse, a process in the worker's own
network namespace. Neither sees the host's files, so neither holds a registry credential. Pushing
a new `jupyterfleet/hub` must fail, plain HTTP must not answer, and no service or spawn may run a
tag someone could move.
"""

import base64
import json
import re

import pytest
from conftest import CPU, GPU, MANAGER

NETWORK = "jupyterhub_network"
DIGEST_REF = re.compile(r"^(?P<repo>[^@\s]+)@sha256:[0-9a-f]{64}$")

# A registry client in the standard library only (a notebook image has Python, not Docker): it
# pushes a one-blob image as jupyterfleet/hub:pwned the way `docker push` does, over the URL given,
# with no credential, and prints each step's HTTP status. TLS is not verified: an attacker would not.
PUSH = r"""
import hashlib, json, ssl, sys, urllib.error, urllib.parse, urllib.request
base = sys.argv[1]
ctx = ssl._create_unverified_context()
def call(method, url, data=None, ctype=None):
    req = urllib.request.Request(url, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            return r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except Exception as e:
        return type(e).__name__, ""
steps = {}
status, loc = call("GET", base + "/v2/")
steps["ping"] = status
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": []}, "config": {}}).encode()
digest = "sha256:" + hashlib.sha256(config).hexdigest()
status, loc = call("POST", base + "/v2/jupyterfleet/hub/blobs/uploads/")
steps["upload"] = status
if status == 202:
    url = urllib.parse.urljoin(base + "/", loc)
    url += ("&" if "?" in url else "?") + "digest=" + digest
    steps["blob"], _ = call("PUT", url, config, "application/octet-stream")
    manifest = json.dumps({"schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": digest}, "layers": []}).encode()
    steps["manifest"], _ = call("PUT", base + "/v2/jupyterfleet/hub/manifests/pwned", manifest,
                                "application/vnd.docker.distribution.manifest.v2+json")
print(json.dumps(steps))
"""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _registry(nodes) -> str:
    return f"{nodes[MANAGER].ip}:5000"


def _notebook_image(node) -> str:
    """The id of the notebook image the CPU worker holds (what a user's server runs there)."""
    for line in node.sh("docker image ls --format '{{.Repository}} {{.ID}}'").splitlines():
        repo, iid = line.split()
        if repo.endswith("/jupyterfleet/notebook"):
            return iid
    raise AssertionError("no notebook image on the CPU worker")


def _push_from_notebook(nodes, url: str) -> dict:
    """Run PUSH in a notebook container attached to the overlay network on the CPU worker."""
    cpu = nodes[CPU]
    out = cpu.sh(
        f"docker run --rm --network {NETWORK} --entrypoint python3 {_notebook_image(cpu)}"
        f' -c "$(echo {_b64(PUSH)} | base64 -d)" {url}'
    )
    return json.loads(out.splitlines()[-1])


def _push_from_worker_host(nodes, url: str) -> dict:
    """Run PUSH in the CPU worker's own network namespace, with none of its files."""
    out = nodes[CPU].sh(f'python3 -c "$(echo {_b64(PUSH)} | base64 -d)" {url}')
    return json.loads(out.splitlines()[-1])


@pytest.mark.parametrize("where", ["notebook", "worker-host"])
def test_push_without_the_build_hosts_credential_is_refused(nodes, where):
    push = _push_from_notebook if where == "notebook" else _push_from_worker_host
    steps = push(nodes, f"https://{_registry(nodes)}")
    assert steps["ping"] == 401, steps
    assert steps["upload"] == 401, f"the registry let an anonymous client start a push: {steps}"
    assert "manifest" not in steps, steps


@pytest.mark.parametrize("where", ["notebook", "worker-host"])
def test_plain_http_gets_nothing_from_the_registry(nodes, where):
    push = _push_from_notebook if where == "notebook" else _push_from_worker_host
    steps = push(nodes, f"http://{_registry(nodes)}")
    # a TLS server answers a plain HTTP request with 400 and nothing else
    assert steps["ping"] not in (200, 401), steps
    assert steps["upload"] not in (201, 202), f"a plain HTTP push started: {steps}"
    assert "manifest" not in steps, steps


def test_docker_push_from_a_worker_without_the_credential_fails(nodes):
    """A real `docker push` through the worker's daemon, with an empty client configuration."""
    cpu, reg = nodes[CPU], _registry(nodes)
    target = f"{reg}/jupyterfleet/hub:pwned-by-docker"
    cpu.sh(f"docker tag {_notebook_image(cpu)} {target}")
    try:
        out = cpu.sh(f"DOCKER_CONFIG=$(mktemp -d) docker push {target} 2>&1; echo rc=$?")
    finally:
        cpu.sh(f"docker image rm {target}", check=False)
    assert not out.endswith("rc=0"), out
    assert "no basic auth credentials" in out or "unauthorized" in out, out


@pytest.mark.parametrize("name", [MANAGER, GPU, CPU])
def test_every_daemon_verifies_the_registry_with_the_fleet_ca(nodes, name):
    node, reg = nodes[name], _registry(nodes)
    index = json.loads(node.sh("docker info --format '{{json .RegistryConfig.IndexConfigs}}'"))
    assert reg not in index or index[reg]["Secure"] is True, index
    assert reg not in node.sh("cat /etc/docker/daemon.json"), "still an insecure registry"
    ca = f"/etc/docker/certs.d/{reg}/ca.crt"
    # the certificate the registry presents chains to that CA and names the address nodes use
    got = node.sh(
        'python3 -c "import ssl, urllib.request, urllib.error\n'
        f"ctx = ssl.create_default_context(cafile='{ca}')\n"
        "try:\n"
        f" urllib.request.urlopen('https://{reg}/v2/', context=ctx, timeout=10)\n"
        'except urllib.error.HTTPError as e: print(e.code)"'
    )
    assert got == "401"
    # the pull login is root's alone
    assert node.sh("stat -c '%U %a' /root/.docker/config.json") == "root 600"


def test_the_push_credential_and_the_ca_key_stay_on_the_build_host(nodes):
    mgr = nodes[MANAGER]
    for path in (
        "/etc/jupyterfleet/secrets/registry_push",
        "/etc/jupyterfleet/secrets/registry_pull",
        "/etc/jupyterfleet/registry-ca/ca.key",
        "/etc/jupyterfleet/registry-push/config.json",
    ):
        assert mgr.sh(f"stat -c '%U %a' {path}") == "root 600", path
    for name in (GPU, CPU):
        assert (
            nodes[name].sh(
                "ls /etc/jupyterfleet/registry-push /etc/jupyterfleet/registry-ca 2>/dev/null; true"
            )
            == ""
        )
        config = nodes[name].sh("cat /root/.docker/config.json")
        assert (
            "jupyterfleet-push"
            not in base64.b64decode(json.loads(config)["auths"][_registry(nodes)]["auth"]).decode()
        )


def test_deletes_are_off(nodes):
    """Even with the pull credential (root on a node), a manifest cannot be deleted."""
    mgr, reg = nodes[MANAGER], _registry(nodes)
    out = mgr.sh(
        "curl -s -o /dev/null -w '%{http_code}' -X DELETE"
        f" --cacert /etc/docker/certs.d/{reg}/ca.crt"
        ' -u "jupyterfleet-pull:$(cat /etc/jupyterfleet/secrets/registry_pull)"'
        f" https://{reg}/v2/jupyterfleet/hub/manifests/sha256:{'0' * 64}"
    )
    assert out == "405", "405 Unsupported: deletes are disabled"


@pytest.mark.parametrize("service", ["jupyterhub", "proxy", "postgres"])
def test_services_run_their_images_by_digest(nodes, service):
    mgr, reg = nodes[MANAGER], _registry(nodes)
    image = mgr.sh(
        f"docker service inspect -f '{{{{.Spec.TaskTemplate.ContainerSpec.Image}}}}' {service}"
    )
    m = DIGEST_REF.match(image)
    assert m, f"{service} runs {image!r}, a tag anyone with push access could move"
    repo = m["repo"].rsplit(":", 1)[0] if ":" in m["repo"].split("/")[-1] else m["repo"]
    assert repo.startswith(f"{reg}/jupyterfleet/"), image


def test_spawns_get_profile_images_by_digest(nodes):
    """The hub's configuration hands SwarmSpawner each built profile image by digest."""
    settings = json.loads(nodes[MANAGER].sh("cat /etc/jupyterfleet/hub/jupyterfleet.json"))
    refs = settings["image_refs"]
    for profile in settings["profiles"]:
        assert DIGEST_REF.match(refs[profile["image"]]), refs
