#!/usr/bin/env python3
"""Login figures of a converged lab hub (issue 14): `make bench-login [NODE=jf-default-ws1]`.

Against the hub of the lab node NODE (the default scenario's, or `make lab`'s), through its
proxy, as the team's browsers reach it:

- login_p50_ms_20_parallel, login_p95_ms_20_parallel: 20 users POST the login form at the
  same moment (ROUNDS rounds; the time of the POST that logs one in);
- hub_api_p95_ms_during_bad_login_flood: a logged-in user's API call (GET /hub/api/user,
  every 50 ms) while 20 wrong passwords for an existing user are sent at once.

Writes bench/results/login.json (or --out) and prints it. It signs up (and, as the lab's
admin, authorizes) the users it needs once: benchlogin00..19 and benchflood, whose name stays
locked out after the flood. Logins from this machine count against the hub's per-address
limit of failed logins, so the flood runs last. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
os.environ.setdefault("MOLECULE_PROJECT_DIRECTORY", str(ROOT))

from hubclient import HubUser, admin_password, lab_hub_url

USERS = [f"benchlogin{i:02d}" for i in range(20)]
FLOOD_USER = "benchflood"
GOALS = {
    "login_p50_ms_20_parallel": None,
    "login_p95_ms_20_parallel": 1000,
    "hub_api_p95_ms_during_bad_login_flood": 500,
}


def password(name: str) -> str:
    return f"{name}-Bench-7q3x"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ensure_users(url: str, admin: HubUser) -> None:
    """Sign up and authorize the bench's users, the first time only (a sign-up of a name in
    use is refused, and authorizing twice would withdraw the approval)."""
    for name in [*USERS, FLOOD_USER]:
        page = HubUser(url, name, password(name)).signup()
        if "already in use" not in page:
            admin.authorize(name)


def timed_login(user: HubUser, barrier: threading.Barrier, wrong: bool = False) -> float:
    """The POST of the login form (its page and XSRF cookie fetched first, untimed)."""
    xsrf = user._xsrf("/hub/login")
    data = {
        "_xsrf": xsrf,
        "username": user.name,
        "password": user.password + ("x" if wrong else ""),
    }
    barrier.wait()
    start = time.perf_counter()
    r = user.s.post(f"{user.base}/hub/login", data=data, allow_redirects=False, timeout=120)
    elapsed = (time.perf_counter() - start) * 1000
    ok = r.status_code == 302 and "/hub/login" not in r.headers.get("Location", "")
    if ok == wrong:
        raise SystemExit(f"login of {user.name} {'succeeded' if ok else 'failed'}: {r.status_code}")
    return elapsed


def parallel_logins(url: str, rounds: int) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        users = [HubUser(url, n, password(n)) for n in USERS]
        barrier = threading.Barrier(len(users))
        with concurrent.futures.ThreadPoolExecutor(len(users)) as pool:
            samples += pool.map(timed_login, users, [barrier] * len(users))
        time.sleep(2)
    return samples


def api_during_flood(url: str, admin: HubUser) -> tuple[list[float], list[int]]:
    token = admin.api_token()
    api = HubUser(url, admin.name, "")
    api.s.headers["Authorization"] = f"token {token}"
    flooders = [HubUser(url, FLOOD_USER, password(FLOOD_USER)) for _ in range(20)]
    for f in flooders:  # their login pages first: the flood is only the POSTs
        f._xsrf("/hub/login")
    latencies: list[float] = []
    statuses: list[int] = []
    done = threading.Event()

    def poll():
        while not done.is_set():
            start = time.perf_counter()
            r = api.s.get(f"{url}/hub/api/user", timeout=60)
            latencies.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            time.sleep(0.05)

    def bad(f: HubUser) -> int:
        data = {"_xsrf": f.s.cookies.get("_xsrf", path="/hub/"), "username": f.name}
        data["password"] = "wrong-" + os.urandom(4).hex()
        r = f.s.post(f"{url}/hub/login", data=data, allow_redirects=False, timeout=120)
        return r.status_code

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    latencies.clear()  # only the calls made while the flood runs
    with concurrent.futures.ThreadPoolExecutor(len(flooders)) as pool:
        statuses = list(pool.map(bad, flooders))
    done.set()
    poller.join()
    return latencies, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", default=os.environ.get("JUPYTERFLEET_HUB_NODE", "jf-default-ws1"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--label", default="", help="what was measured (e.g. the commit)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "login.json"))
    args = parser.parse_args()

    url = lab_hub_url(args.node)
    admin = HubUser(url, "admin", admin_password(args.node))
    if not admin.login():
        raise SystemExit("the lab's admin cannot log in (locked out? playbooks/reset-user.yml)")
    ensure_users(url, admin)

    logins = parallel_logins(url, args.rounds)
    api, statuses = api_during_flood(url, admin)
    result = {
        "label": args.label,
        "node": args.node,
        "cpus": os.cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "login_p50_ms_20_parallel": round(statistics.median(logins)),
        "login_p95_ms_20_parallel": round(percentile(logins, 95)),
        "hub_api_p95_ms_during_bad_login_flood": round(percentile(api, 95)),
        "samples": {
            "logins": len(logins),
            "api_calls_during_flood": len(api),
            "bad_login_statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        },
        "goals": {k: v for k, v in GOALS.items() if v is not None},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
