# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Create, reset and unlock NativeAuthenticator accounts in the hub's own database.

Run by the jupyterhub role inside the running hub container (`docker exec -i`), so it
uses the hub's Python, its jupyterhub_config.py (for the database URL, SQLite or
PostgreSQL) and its data volume. The request comes on stdin as JSON, never on the
command line:

    {"users": [{"name": "admin", "password": "...", "admin": true,
                "reset": false, "must_exist": false}],
     "unlock": ["admin"]}

- a missing account is created with the password, authorized (NativeAuthenticator's
  UserInfo row: bcrypt hash, is_authorized); JupyterHub's own User row of an admin is
  made by the hub itself at start (Authenticator.admin_users);
- an existing account keeps its password unless "reset" is true (then a given password
  replaces it; no password leaves it as it is);
- "unlock" clears NativeAuthenticator's failed-login lockout of those users. That
  counter lives in the hub process's memory (NativeAuthenticator.login_attempts); the
  hub's authenticator (jupyterhub_config.py, FleetNativeAuthenticator) forgets a user's
  failed attempts when it finds a new unlock request for them in the unlock file.

Prints one JSON line: {"created": [...], "reset": [...], "kept": [...], "unlocked": [...]}.
No password or hash is ever printed. Exit 2 with a message on stderr on a bad request.
"""

from __future__ import annotations

import json
import os
import sys
import uuid

CONFIG = os.environ.get("JUPYTERFLEET_HUB_CONFIG", "/srv/jupyterhub/jupyterhub_config.py")


def _fail(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(2)


def _hub_config():
    from traitlets.config.loader import PyFileConfigLoader

    loader = PyFileConfigLoader(os.path.basename(CONFIG), path=os.path.dirname(CONFIG))
    return loader.load_config()


def _settings() -> dict:
    with open(os.path.join(os.path.dirname(CONFIG), "jupyterfleet.json"), encoding="utf-8") as f:
        return json.load(f)


def _is_common(password: str) -> bool:
    import nativeauthenticator

    path = os.path.join(os.path.dirname(nativeauthenticator.__file__), "common-credentials.txt")
    with open(path, encoding="utf-8") as f:
        return password in set(f.read().splitlines())


def _check_password(name: str, password: str, auth: dict) -> None:
    """The hub's own rules for a password (what sign-up would demand)."""
    if len(password) < auth["minimum_password_length"]:
        _fail(
            f"The password for {name} has {len(password)} characters: expected at least "
            f"{auth['minimum_password_length']} (jupyterhub_auth_minimum_password_length)."
        )
    if auth["check_common_password"] and _is_common(password):
        _fail(f"The password for {name} is a common password: expected a less guessable one.")


def _write_unlocks(path: str, names: list[str]) -> None:
    """Record a new unlock request per user (read by the hub's authenticator)."""
    try:
        with open(path, encoding="utf-8") as f:
            requests = json.load(f)
    except (FileNotFoundError, ValueError):
        requests = {}
    for name in names:
        requests[name] = uuid.uuid4().hex
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(requests, f)
    os.replace(tmp, path)


def main() -> None:
    request = json.load(sys.stdin)
    settings = _settings()
    auth = settings["auth"]

    import bcrypt
    from nativeauthenticator.orm import UserInfo
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    db_url = _hub_config().JupyterHub.db_url
    engine = create_engine(db_url)
    UserInfo.__table__.create(engine, checkfirst=True)
    result = {"created": [], "reset": [], "kept": [], "unlocked": []}
    with Session(engine) as db:
        for u in request.get("users", []):
            # the name as NativeAuthenticator stores it (Authenticator.normalize_username)
            name = u["name"].lower()
            password = u.get("password") or ""
            info = db.query(UserInfo).filter(UserInfo.username == name).first()
            if info is None:
                if u.get("must_exist"):
                    _fail(f"No account named {name!r} in the hub's database.")
                if not password:
                    _fail(f"No password given to create the account {name!r}.")
                _check_password(name, password, auth)
                db.add(
                    UserInfo(
                        username=name,
                        password=bcrypt.hashpw(password.encode(), bcrypt.gensalt()),
                        is_authorized=True,
                    )
                )
                result["created"].append(name)
            elif u.get("reset") and password:
                _check_password(name, password, auth)
                if not info.is_valid_password(password):
                    info.password = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
                    result["reset"].append(name)
                else:
                    result["kept"].append(name)
            else:
                result["kept"].append(name)
        db.commit()
    unlock = [n.lower() for n in request.get("unlock", [])]
    if unlock:
        _write_unlocks(auth["unlock_file"], unlock)
        result["unlocked"] = unlock
    print(json.dumps(result))


if __name__ == "__main__":
    main()
