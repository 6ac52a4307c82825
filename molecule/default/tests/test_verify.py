"""playbooks/verify.yml on one workstation (single mode, issue 9, Verify).

Passes on the healthy hub: the node's Docker, both profiles' image, the hub and the proxy,
and the probe user starting a server on each profile and reaching it through the proxy.
The probe leaves nothing behind (user, container, volume), and its token is never printed.
Under --check nothing changes and the table says the probe was skipped.
"""

import re
import time

from conftest import NODE
from fleetrun import leaks, recap, run_playbook

PROBE = "jfverifyprobe"


def _tail(proc) -> str:
    return (proc.stdout + proc.stderr)[-6000:]


def _row(out: str, check: str, where: str, status: str) -> bool:
    pattern = rf"^\s*\"?{check}\s+{re.escape(where)}\s+{status}\s"
    return re.search(pattern, out, re.MULTILINE) is not None


def test_verify_passes_on_the_workstation(host):
    started = time.monotonic()
    proc = run_playbook("verify.yml", "-v")
    took = time.monotonic() - started
    out = proc.stdout
    assert proc.returncode == 0, _tail(proc)
    assert "no problem found" in out, _tail(proc)
    assert _row(out, "node", NODE, "ok") and _row(out, "image", NODE, "ok"), _tail(proc)
    assert _row(out, "hub", NODE, "ok"), _tail(proc)
    for profile in ("cpu", "cpu-large"):
        assert re.search(rf"probe\s+{profile}\s+ok\s+server started in \d+ s and reached", out)
    assert _row(out, "cleanup", PROBE, "ok"), _tail(proc)
    # nothing of the probe is left on the host
    assert host.check_output(f"docker ps -aq --filter name=jupyter-{PROBE}") == ""
    assert host.run(f"docker volume inspect jupyterhub-user-{PROBE}").rc != 0
    token = host.file("/etc/jupyterfleet/secrets/verify_api_token").content_string
    assert leaks(proc.stdout + proc.stderr, {"verify_api_token": token}) == []
    print(f"verify.yml on the workstation took {took:.0f} s")


def test_verify_in_check_mode_changes_nothing_and_skips_the_probe(host):
    proc = run_playbook("verify.yml", "--check")
    assert proc.returncode == 0, _tail(proc)
    assert recap(proc.stdout)[NODE]["changed"] == 0, _tail(proc)
    assert re.search(r"probe\s+\(all profiles\)\s+skip\s+skipped: --check", proc.stdout), _tail(
        proc
    )
