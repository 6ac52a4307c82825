"""The database password is never on a command line when PostgreSQL first starts.

Runs the collection's postgres image (the one the postgres service runs) in a throwaway
container on the manager, with a fresh data directory and a password file holding a marker.
Every psql the entrypoint starts goes through a shim that records its command line (what
`ps` and /proc/<pid>/cmdline show any process of the host) before running the real psql.
"""

import json
import time
import uuid

from conftest import MANAGER

RECORDING_PSQL = r"""
set -eu
mkdir -p /usr/local/lib/realpsql
ln -s "$(readlink -f /usr/bin/psql)" /usr/local/lib/realpsql/psql
rm /usr/bin/psql
printf '%s\n' '#!/bin/sh' 'printf "%s\n" "$*" >> /tmp/psql-argv' \
  'exec /usr/local/lib/realpsql/psql "$@"' > /usr/bin/psql
chmod 0755 /usr/bin/psql
: > /tmp/psql-argv && chmod 0666 /tmp/psql-argv
printf '%s' "$MARKER" > /tmp/pw
exec /usr/local/bin/postgres-entrypoint.sh
"""


def test_first_start_keeps_the_password_off_psqls_command_line(nodes):
    mgr = nodes[MANAGER]
    spec = json.loads(mgr.sh("docker service inspect postgres"))[0]["Spec"]
    image = spec["TaskTemplate"]["ContainerSpec"]["Image"]
    marker = "pw-" + uuid.uuid4().hex
    name = "jf-test-pg-" + uuid.uuid4().hex[:8]
    run = [
        *("docker", "run", "-d", "--name", name, "-e", f"MARKER={marker}"),
        *("-e", "POSTGRES_PASSWORD_FILE=/tmp/pw", "--entrypoint", "sh", image),
        *("-c", RECORDING_PSQL),
    ]
    rc, out = mgr.c.exec_run(run)
    assert rc == 0, out.decode()
    try:
        login = (
            f"docker exec -e PGPASSWORD={marker} {name} /usr/local/lib/realpsql/psql"
            " -h 127.0.0.1 -U jupyterhub -d jupyterhub -tAc 'select current_user'"
        )
        deadline = time.monotonic() + 120
        answer = ""
        while time.monotonic() < deadline and answer != "jupyterhub":
            time.sleep(2)
            answer = mgr.sh(login, check=False)
        logs = mgr.sh(f"docker logs {name} 2>&1", check=False)[-2000:]
        # the role and the database exist, with the password from the file
        assert answer == "jupyterhub", f"no login with the file's password: {answer}\n{logs}"
        argv = mgr.sh(f"docker exec {name} cat /tmp/psql-argv")
        assert argv, "the entrypoint ran no psql through the shim"
        assert marker not in argv, "the database password was on psql's command line"
        assert "PASSWORD" not in argv.upper()
    finally:
        mgr.sh(f"docker rm -fv {name}", check=False)
