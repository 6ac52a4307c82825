# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Every inventory the collection ships passes the preflight, without Docker or a host.

Runs playbooks/preflight.yml on the controller alone (``--limit localhost``): the
controller-only checks run in full, the plays that read the hosts' facts match no host.
Parametrized over the directories in inventories/, so a new sample is checked too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INVENTORIES = sorted(p.name for p in (ROOT / "inventories").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def controller(tmp_path_factory):
    inv = tmp_path_factory.mktemp("controller") / "localhost.ini"
    inv.write_text(
        f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n"
    )
    return inv


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_sample_inventory_passes_preflight(inventory, controller):
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    run = subprocess.run(
        [
            "ansible-playbook",
            "playbooks/preflight.yml",
            "-i",
            f"inventories/{inventory}",
            "-i",
            str(controller),
            "--limit",
            "localhost",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    # the controller-only checks really ran, and no host was contacted
    assert "Preflight | Check what the specs cannot say" in run.stdout
    assert "Gathering Facts" not in run.stdout
