"""Run the collection's real playbooks against a molecule scenario's nodes, from its tests.

The verifier runs with molecule's environment (MOLECULE_EPHEMERAL_DIRECTORY and the
provisioner's ANSIBLE_* variables), so the scenario's own inventory, group_vars and
host_vars are used: the same run a person would make with `ansible-playbook -i`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])


def _ansible(cmd: list[str], timeout: int) -> subprocess.CompletedProcess:
    inventory = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "inventory"
    env = dict(os.environ)
    env.setdefault("ANSIBLE_CONFIG", str(PROJECT / "ansible.cfg"))
    env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(PROJECT / ".cache" / "collections"))
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["ANSIBLE_NOCOLOR"] = "1"
    return subprocess.run(
        [*cmd, "-i", str(inventory)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_playbook(playbook: str, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """ansible-playbook playbooks/<playbook> -i <scenario inventory> *args; output captured."""
    return _ansible(["ansible-playbook", str(PROJECT / "playbooks" / playbook), *args], timeout)


def run_module(host: str, module: str, args: str, timeout: int = 300) -> dict:
    """`ansible <host> -m <module> -a <args>` on a scenario node; the module's result."""
    proc = _ansible(["ansible", host, "-m", module, "-a", args, "-o"], timeout)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(f"{host} |")), "")
    if "=>" not in line:
        raise AssertionError(
            f"ansible {module} on {host}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return json.loads(line.split("=>", 1)[1])


def recap(output: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP of an ansible-playbook output: {host: {"ok": n, "changed": n, ...}}."""
    hosts: dict[str, dict[str, int]] = {}
    lines = output.split("PLAY RECAP", 1)[-1].splitlines()[1:]
    for line in lines:
        if ":" not in line or "=" not in line:
            continue
        host, counts = line.split(":", 1)
        hosts[host.strip()] = {
            k: int(v) for k, v in (pair.split("=") for pair in counts.split() if "=" in pair)
        }
    return hosts


def digest(text: str) -> str:
    """A short fingerprint of a secret, so a failing assertion never prints the secret itself."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def leaks(output: str, secrets: dict[str, str]) -> list[str]:
    """Names of the secrets whose value (stripped, at least 8 characters) appears in output."""
    return sorted(n for n, v in secrets.items() if len(v.strip()) >= 8 and v.strip() in output)


def tail(proc: subprocess.CompletedProcess, chars: int = 6000) -> str:
    """The end of a run's output and errors, for an assertion's message."""
    return (proc.stdout + proc.stderr)[-chars:]


def table_row(output: str, check: str, where: str, status: str) -> bool:
    """verify.yml's table has a row `check  where  status ...`."""
    pattern = rf"^\s*\"?{check}\s+{re.escape(where)}\s+{status}\s"
    return re.search(pattern, output, re.MULTILINE) is not None
