"""A real lab workstation for the bad-input suite: every case points its hosts at
it, and at the end it must be exactly as untouched as it started."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE = "jf-badinput-ws1"
UNTOUCHED_CHECK = (
    "dpkg -s docker.io >/dev/null 2>&1 && echo docker-installed;"
    " test -e /etc/docker && echo etc-docker;"
    " test -e /etc/jupyterfleet && echo etc-jupyterfleet;"
    " test -e /opt/jupyterfleet && echo opt-jupyterfleet; true"
)


def _playbook(*args, **kw):
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    return subprocess.run(
        ["ansible-playbook", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        **kw,
    )


@pytest.fixture(scope="session")
def node(tmp_path_factory):
    inv = tmp_path_factory.mktemp("labinv") / "hosts.yml"
    inv.write_text(f"jupyterfleet:\n  hosts:\n    {NODE}:\n")
    made = _playbook("tests/lab/create.yml", "-i", str(inv))
    assert made.returncode == 0, made.stdout[-3000:]
    yield NODE
    # nothing was installed or written by any of the cases
    check = subprocess.run(
        [
            "docker",
            "exec",
            NODE,
            "sh",
            "-c",
            UNTOUCHED_CHECK,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    _playbook("tests/lab/destroy.yml", "-i", str(inv))
    assert check.stdout.strip() == "", f"a bad inventory changed the host: {check.stdout}"


@pytest.fixture()
def run_site(node, tmp_path):
    """Write an inventory (every host is the lab node) and run site.yml against it."""
    import yaml

    def run(group_vars: dict, hosts: dict):
        inv = tmp_path / "inv"
        (inv / "group_vars" / "all").mkdir(parents=True)
        for group_hosts in hosts.values():
            for hv in group_hosts.values():
                hv.setdefault("ansible_connection", "community.docker.docker")
                hv.setdefault("ansible_host", node)
        (inv / "hosts.yml").write_text(
            yaml.safe_dump(
                {"jupyterfleet": {"children": {g: {"hosts": h} for g, h in hosts.items()}}}
            )
        )
        (inv / "group_vars" / "all" / "case.yml").write_text(yaml.safe_dump(group_vars))
        return _playbook("playbooks/site.yml", "-i", str(inv), timeout=300)

    return run
