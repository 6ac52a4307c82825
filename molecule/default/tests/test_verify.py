"""playbooks/verify.yml on one workstation (single mode, issue 9, Verify).

Passes on the healthy hub: the node's Docker, both profiles' image, the hub and the proxy,
and the probe user starting a server on each profile and reaching it through the proxy.
The probe leaves nothing behind (user, container, volume), and its token is never printed.
Under --check nothing changes and the table says the probe was skipped.
"""

import re
import time

from conftest import NODE
from fleetrun import leaks, recap, run_playbook, table_row, tail

PROBE = "jfverifyprobe"


def test_verify_passes_on_the_workstation(host):
    started = time.monotonic()
    proc = run_playbook("verify.yml", "-v")
    took = time.monotonic() - started
    out = proc.stdout
    assert proc.returncode == 0, tail(proc)
    assert "no problem found" in out, tail(proc)
    assert table_row(out, "node", NODE, "ok") and table_row(out, "image", NODE, "ok"), tail(proc)
    assert table_row(out, "hub", NODE, "ok"), tail(proc)
    for profile in ("cpu", "cpu-large"):
        assert re.search(rf"probe\s+{profile}\s+ok\s+server started in \d+ s and reached", out)
    assert table_row(out, "cleanup", PROBE, "ok"), tail(proc)
    # nothing of the probe is left on the host
    assert host.check_output(f"docker ps -aq --filter name=jupyter-{PROBE}") == ""
    assert host.run(f"docker volume inspect jupyterhub-user-{PROBE}").rc != 0
    token = host.file("/etc/jupyterfleet/secrets/verify_api_token").content_string
    assert leaks(proc.stdout + proc.stderr, {"verify_api_token": token}) == []
    print(f"verify.yml on the workstation took {took:.0f} s")


def test_verify_in_check_mode_changes_nothing_and_skips_the_probe(host):
    proc = run_playbook("verify.yml", "--check")
    assert proc.returncode == 0, tail(proc)
    assert recap(proc.stdout)[NODE]["changed"] == 0, tail(proc)
    assert re.search(r"probe\s+\(all profiles\)\s+skip\s+skipped: --check", proc.stdout), tail(proc)
