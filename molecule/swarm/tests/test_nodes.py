"""Add a workstation to the swarm, then retire it (issue 9, "Add" and "Retire a workstation").

The scenario creates a fourth lab node that is in no fleet group (group `spare`). Here it is
added as a CPU worker the way a site's engineer adds one: an inventory that puts it in
`workers` (a second `-i`, written to a temporary directory; the repository is not touched) and
a plain site.yml run. It joins with its labels and its profiles' image, the other hosts change
nothing but the firewall's members and the NFS exports they must learn, and a user's server
lands on it. Then playbooks/remove-node.yml retires it while that server runs: the node leaves
the swarm, the server comes back on the other CPU worker through the proxy with its file, the
other hosts forget the node, and a second run says it is gone and changes nothing. Refusals
(the last manager, an unknown host, no node) come first: they must change nothing.

Runs after the other tests but before test_unreachable.py (conftest.py's RUN_LAST), and
leaves the lab as it was: the spare node out of the swarm, the others' firewall and exports
without it.
"""

import re
import time
import uuid

import pytest
from conftest import CPU, GPU, MANAGER, Node
from fleetrun import recap, run_playbook, tail
from hubclient import HubUser, admin_password, logged_in, server_answers

NEW = MANAGER.replace("-mgr", "-new")
OTHERS = (MANAGER, GPU, CPU)


def _said(proc, message: str) -> bool:
    """The message is in the run's output (YAML results fold long lines: whitespace is evened)."""
    return " ".join(message.split()) in " ".join(proc.stdout.split())


def _changed_tasks(output: str) -> dict[str, set[str]]:
    """{host: names of the tasks (and handlers) that reported `changed` for it}."""
    out: dict[str, set[str]] = {}
    task = ""
    for line in output.splitlines():
        m = re.match(r"^(?:TASK|RUNNING HANDLER) \[(.*)\]", line)
        if m:
            task = m.group(1)
            continue
        m = re.match(r"^changed: \[([^\]\s]+)", line)
        if m:
            out.setdefault(m.group(1), set()).add(task)
    return out


# What a host already in the fleet may change when a node joins or leaves: the swarm
# chain of its firewall (refilled with the new member list) and its boot file, and on the
# hub host the NFS exports file (every fleet host is a client).
MEMBERSHIP = re.compile(
    r"Firewall \| chain \| (Empty a chain whose rules differ|Fill) .*JUPYTERFLEET-SWARM/ipv4$"
    r"|Firewall \| Write the IPv4 chains for the boot unit$"
    r"|NFS server \| Export the directory to the clients$"
    r"|Re-export the NFS exports$"
)


def _node_ls(mgr) -> str:
    return mgr.sh("docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}'")


def _swarm_chain(node) -> str:
    return node.sh("iptables -S JUPYTERFLEET-SWARM")


@pytest.fixture(scope="module")
def new():
    return Node(NEW)


@pytest.fixture(scope="module")
def extra_inventory(tmp_path_factory):
    """The site's inventory plus the new workstation in the workers group."""
    path = tmp_path_factory.mktemp("inventory") / "new-node.yml"
    path.write_text(f"workers:\n  hosts:\n    {NEW}:\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def users(hub_url):
    admin = logged_in(HubUser(hub_url, "admin", admin_password(MANAGER)))
    made = {}
    for name in ("nadia", "noor", "nils"):
        user = HubUser(hub_url, name, f"{name}-" + uuid.uuid4().hex[:12])
        user.signup()
        admin.authorize(name)
        assert user.login(), name
        made[name] = user
    return made


def test_refusals_change_nothing(nodes, new):
    mgr = nodes[MANAGER]
    before = _node_ls(mgr)
    cases = {
        MANAGER: "it is the swarm's last manager",
        "no-such-workstation": "unknown, not a host of the groups 'managers' or 'workers'",
        "": "node: expected the inventory name of the host to retire",
    }
    for node, message in cases.items():
        proc = run_playbook("remove-node.yml", "-e", f"node={node}")
        assert proc.returncode != 0, tail(proc)
        assert _said(proc, message), tail(proc)
        assert all(c["changed"] == 0 for c in recap(proc.stdout).values()), tail(proc)
    # the spare node is not in the swarm yet: it is a known host of the inventory only
    # once it is added, so asking for it now is refused too
    proc = run_playbook("remove-node.yml", "-e", f"node={NEW}")
    assert proc.returncode != 0 and _said(proc, f"node={NEW}: unknown"), tail(proc)
    assert _node_ls(mgr) == before


def test_add_a_cpu_worker(nodes, new, extra_inventory):
    mgr = nodes[MANAGER]
    # the site's settings as they stand: an earlier module (the verbose rotation) runs with
    # autolock off, and the inventory's autolock must not be what changes the manager here
    autolock = mgr.sh(
        "docker info --format '{{.Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers}}'"
    )
    assert autolock in ("true", "false"), autolock
    proc = run_playbook("site.yml", "-i", extra_inventory, "-e", f"swarm_autolock={autolock}")
    assert proc.returncode == 0, tail(proc)
    hosts = recap(proc.stdout)
    assert hosts[NEW]["changed"] > 0 and hosts[NEW]["failed"] == 0, tail(proc)

    # the hosts already in the fleet changed nothing but the membership they must learn
    changed = _changed_tasks(proc.stdout)
    for host in OTHERS:
        other = sorted(t for t in changed.get(host, set()) if not MEMBERSHIP.search(t))
        assert other == [], f"{host} changed more than its firewall/NFS membership: {other}"
        assert any("JUPYTERFLEET-SWARM/ipv4" in t for t in changed.get(host, set())), (
            f"{host} did not learn the new member: {sorted(changed.get(host, set()))}"
        )
        assert f"-A JUPYTERFLEET-SWARM -s {new.ip}/32 -j RETURN" in _swarm_chain(nodes[host])
    assert new.ip in mgr.sh("cat /etc/exports.d/jupyterfleet.exports")

    # Ready and active, a worker, with its hardware label and its inventory labels, no GPU
    line = next(ln for ln in _node_ls(mgr).splitlines() if ln.startswith(f"{NEW} "))
    assert line == f"{NEW} Ready Active", _node_ls(mgr)
    labels = mgr.sh(f"docker node inspect -f '{{{{json .Spec.Labels}}}}' {NEW}")
    assert '"calculation_type":"cpu"' in labels and '"rack":"b"' in labels, labels
    assert mgr.sh(f"docker node inspect -f '{{{{.Spec.Role}}}}' {NEW}") == "worker"
    assert "GPU" not in mgr.sh(
        f"docker node inspect -f '{{{{json .Description.Resources.GenericResources}}}}' {NEW}"
    )
    # the image of the profile it can run (cpu) is there, from the fleet's registry; not the GPU one
    images = new.sh("docker image ls --format '{{.Repository}}'").splitlines()
    assert f"{mgr.ip}:5000/jupyterfleet/notebook" in images, images
    assert not any(i.endswith("/jupyterfleet/notebook-gpu") for i in images), images
    # its own firewall lets the others in
    for host in OTHERS:
        assert f"-s {nodes[host].ip}/32 -j RETURN" in _swarm_chain(new)


def _node_of(mgr, service: str) -> str:
    tid = mgr.sh(f"docker service ps -q --filter desired-state=running {service}").splitlines()[0]
    node_id = mgr.sh(f"docker inspect -f '{{{{.NodeID}}}}' {tid}")
    return mgr.sh(f"docker node inspect -f '{{{{.Description.Hostname}}}}' {node_id}")


def _wait_running_on(mgr, service: str, timeout: float = 120) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        tasks = mgr.sh(
            f"docker service ps --filter desired-state=running --format '{{{{.Node}}}} {{{{.CurrentState}}}}' {service}",
            check=False,
        )
        running = [ln.split()[0] for ln in tasks.splitlines() if " Running " in f"{ln} "]
        if running:
            return running[0]
        time.sleep(2)
    raise AssertionError(f"{service} runs nowhere after {timeout}s: {tasks}")


def test_a_server_lands_on_the_new_node_and_survives_its_retirement(
    nodes, new, users, extra_inventory
):
    mgr = nodes[MANAGER]
    # swarm puts a new task on the node with the fewest tasks: the new, empty one
    mover = None
    for user in users.values():
        user.start(profile="cpu")
        if _node_of(mgr, f"jupyter-{user.name}") == NEW:
            mover = user
            break
    assert mover is not None, mgr.sh("docker node ps " + NEW, check=False)
    content = "moved " + uuid.uuid4().hex
    mover.put_file("moved.txt", content)
    for user in users.values():
        if user is not mover and "" in user.model().get("servers", {}):
            user.stop()

    # --check says what it would do and does nothing
    before = _node_ls(mgr)
    check = run_playbook("remove-node.yml", "-i", extra_inventory, "-e", f"node={NEW}", "--check")
    assert check.returncode == 0, tail(check)
    assert _node_ls(mgr) == before and f"{NEW} Ready Active" in before, before
    assert f"-s {new.ip}/32 -j RETURN" in _swarm_chain(mgr)

    proc = run_playbook("remove-node.yml", "-i", extra_inventory, "-e", f"node={NEW}")
    assert proc.returncode == 0, tail(proc)
    assert _said(proc, f"Now remove {NEW} from the inventory"), tail(proc)
    # it left the swarm and is no longer listed
    assert NEW not in _node_ls(mgr), _node_ls(mgr)
    assert new.sh("docker info -f '{{.Swarm.LocalNodeState}}'") == "inactive"
    # the others forgot it; only membership changed on them (and, on the manager, the
    # retirement itself: drain, leave, removal)
    changed = _changed_tasks(proc.stdout)
    for host in OTHERS:
        other = sorted(
            t
            for t in changed.get(host, set())
            if not MEMBERSHIP.search(t) and not (host == MANAGER and "Swarm | remove node |" in t)
        )
        assert other == [], f"{host} changed more than its firewall/NFS membership: {other}"
        assert f"-s {new.ip}/32" not in _swarm_chain(nodes[host])
    assert new.ip not in mgr.sh("cat /etc/exports.d/jupyterfleet.exports")

    # the user's server came back on the other CPU worker, through the proxy, file intact
    assert _wait_running_on(mgr, f"jupyter-{mover.name}") == CPU
    assert server_answers(mover, timeout=120) == 200
    assert mover.model()["servers"][""]["ready"] is True
    assert mover.get_file("moved.txt") == content
    mover.stop()

    # a second run: the node is gone, nothing changes anywhere
    again = run_playbook("remove-node.yml", "-i", extra_inventory, "-e", f"node={NEW}")
    assert again.returncode == 0, tail(again)
    assert _said(again, "is not a node of the swarm (any more)"), tail(again)
    assert all(c["changed"] == 0 for c in recap(again.stdout).values()), tail(again)
