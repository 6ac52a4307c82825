"""The swarm's join tokens never reach the output of a run, verbose or not.

The lab turns autolock on (its tasks were no_log for the unlock key anyway); the default is
off, so this converges the site with -v and autolock off. Runs after test_swarm.py: the next
module (test_zz_unreachable.py) converges with the lab's autolock again.
"""

from conftest import MANAGER
from fleetrun import leaks, run_playbook


def test_verbose_converge_without_autolock_prints_no_join_token(nodes):
    mgr = nodes[MANAGER]
    proc = run_playbook("site.yml", "-v", "-e", "swarm_autolock=false")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert (
        mgr.sh("docker info --format '{{.Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers}}'")
        == "false"
    )
    tokens = {k: mgr.sh(f"docker swarm join-token -q {k}") for k in ("worker", "manager")}
    assert leaks(out, tokens) == []
    # no token of any kind (a rotated-away one included) is in the output
    assert "SWMTKN-" not in out, "a join token is in the output of site.yml -v"
