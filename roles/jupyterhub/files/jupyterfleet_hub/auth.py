"""NativeAuthenticator, with the admin accounts kept out of anyone's reach and logins that
never stall the hub."""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import json
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import bcrypt
import nativeauthenticator.nativeauthenticator
import nativeauthenticator.orm
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import (
    ChangePasswordAdminHandler,
    ChangePasswordHandler,
    LoginHandler,
    SignUpHandler,
    admin_users_scope,
)
from tornado import web
from traitlets import Integer, Set, Unicode

# ---- bcrypt off the event loop ---------------------------------------------------------
# NativeAuthenticator 1.3.0 calls bcrypt synchronously, on the hub's only event loop: in
# authenticate (UserInfo.is_valid_password), again in its login handler after a failed login,
# in create_user (sign-up) and change_password, and in the change-password page. Each call
# costs ~0.3 s of CPU, during which the hub answers nobody. Here each request's bcrypt work
# is done first, in a small thread pool (bcrypt releases the GIL), and remembered for that
# request only; NativeAuthenticator's own code then runs unchanged (its checks, lockout and
# messages) and its bcrypt calls find the results made in the pool. Outside a request that
# prepared them (a script, a test) they are plain bcrypt calls.
_prepared: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "jupyterfleet_bcrypt_prepared", default=None
)


class _PreparedBcrypt:
    """What NativeAuthenticator's modules see as ``bcrypt``: bcrypt, with this request's
    results from the pool looked up first."""

    @staticmethod
    def gensalt(*args, **kwargs):
        done = _prepared.get()
        if done is not None and "salt" in done and not args and not kwargs:
            return done["salt"]
        return bcrypt.gensalt(*args, **kwargs)

    @staticmethod
    def hashpw(password, salt):
        done = _prepared.get()
        if done is not None and (password, salt) in done:
            return done[(password, salt)]
        return bcrypt.hashpw(password, salt)

    def __getattr__(self, name):
        return getattr(bcrypt, name)


_clock = time.monotonic  # the per-address window's clock

nativeauthenticator.nativeauthenticator.bcrypt = _PreparedBcrypt()
nativeauthenticator.orm.bcrypt = nativeauthenticator.nativeauthenticator.bcrypt


@contextmanager
def _request_scope():
    """Results prepared in the pool count for the code run inside this block (one request)."""
    if _prepared.get() is not None:
        yield
        return
    token = _prepared.set({})
    try:
        yield
    finally:
        _prepared.reset(token)


# ---- the client's address -----------------------------------------------------------------
def client_address(request) -> str:
    """The address of the client that sent ``request``, as the proxy saw it.

    Every request reaches the hub through configurable-http-proxy, which appends the address
    it saw to X-Forwarded-For: the last entry is the client's, whatever the client sent in
    the header itself. (Tornado's ``remote_ip``, which JupyterHub computes with
    ``xheaders=True``, takes a client's own X-Real-Ip first: not used here.) Without the
    header, the peer of the connection.
    """
    forwarded = request.headers.get("X-Forwarded-For", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if hops:
        address = hops[-1]
    else:
        context = getattr(getattr(request, "connection", None), "context", None)
        address = getattr(context, "_orig_remote_ip", None) or request.remote_ip or "unknown"
    try:  # the proxy listens on IPv6 too: an IPv4 client comes as ::ffff:a.b.c.d
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


class ClientLimited(web.HTTPError):
    """A login refused at once: too many failed logins from the client's address."""

    def __init__(self, address: str, retry_after: int, limit: int, window: int):
        self.retry_after = retry_after
        message = (
            f"Too many failed logins from your address ({address}): {limit} in {window} s."
            f" Try again in {retry_after} s."
        )
        super().__init__(429, message)
        self.jupyterhub_message = message


class FleetNativeAuthenticator(NativeAuthenticator):
    """NativeAuthenticator, with the admin accounts kept out of anyone's reach.

    - Admin names (and ``reserved_names``) cannot be signed up: the collection creates those
      accounts itself (jupyterfleet_users.py, during the run), so there is no moment in which
      the first visitor can claim one. /hub/signup answers that the name is in use.
    - The lockout after failed logins stays, and playbooks/reset-user.yml can lift it: it
      writes a new request id for the user into ``unlock_file``; the failed attempts (kept in
      this process's memory) are forgotten when a new one appears.
    - An account is read afresh from the database at each login, so a password set by
      playbooks/reset-user.yml counts at once.
    - bcrypt runs in a pool of ``password_workers`` threads, never on the event loop.
    - ``client_failed_logins`` failed logins from one address within ``client_window``
      seconds refuse that address's next logins at once (HTTP 429, no bcrypt) until the
      oldest of them is ``client_window`` seconds old; other addresses are not affected.
    """

    unlock_file = Unicode(
        "", config=True, help="JSON {user: request id} written by playbooks/reset-user.yml"
    )
    reserved_names = Set(
        config=True, help="Names nobody may sign up with, besides the admins (the verify probe)"
    )
    password_workers = Integer(
        min(4, os.cpu_count() or 1),
        config=True,
        help="Threads that check and hash passwords (bcrypt) beside the event loop",
    )
    client_failed_logins = Integer(
        10,
        config=True,
        help="Failed logins from one address within client_window seconds (0: no limit)",
    )
    client_window = Integer(60, config=True, help="Seconds the failed logins of an address count")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # requests made before this hub started are done with: the counter starts empty
        self._unlocks_seen = self._unlock_requests()
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, self.password_workers), thread_name_prefix="jupyterfleet-bcrypt"
        )
        # address -> monotonic times of its failed logins within the window; logins under way
        self._client_failures: dict[str, deque] = {}
        self._client_pending: dict[str, int] = {}

    # ---- bcrypt in the pool ----------------------------------------------------------------
    async def _in_pool(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def prepare_check(self, username, password) -> None:
        """Check ``password`` against ``username``'s hash in the pool, for this request."""
        done = _prepared.get()
        info = self.get_user(username) if username else None
        if done is None or info is None or not info.password or password is None:
            return
        key = (password.encode(), info.password)
        if key not in done:
            done[key] = await self._in_pool(bcrypt.hashpw, *key)

    async def prepare_hash(self, password) -> None:
        """Hash ``password`` with a new salt in the pool, for this request's sign-up or
        password change."""
        done = _prepared.get()
        if done is None or password is None:
            return
        salt = bcrypt.gensalt()
        done["salt"] = salt
        done[(password.encode(), salt)] = await self._in_pool(
            bcrypt.hashpw, password.encode(), salt
        )

    async def authenticate(self, handler, data):
        address = client_address(handler.request) if handler is not None else None
        self._refuse_if_limited(address)
        self._client_pending[address] = self._client_pending.get(address, 0) + 1
        username = None
        try:
            with _request_scope():
                await self.prepare_check(
                    self.normalize_username(data["username"]), data.get("password")
                )
                username = await super().authenticate(handler, data)
        finally:
            self._client_pending[address] -= 1
            if not self._client_pending[address]:
                del self._client_pending[address]
            if username is None:
                self._client_failed(address)
        return username

    # ---- the per-address limit ------------------------------------------------------------
    def _recent_failures(self, address, now) -> deque:
        failures = self._client_failures.get(address, deque())
        while failures and now - failures[0] >= self.client_window:
            failures.popleft()
        if not failures:
            self._client_failures.pop(address, None)
        return failures

    def _refuse_if_limited(self, address) -> None:
        limit = self.client_failed_logins
        if address is None or limit <= 0:
            return
        now = _clock()
        failures = self._recent_failures(address, now)
        # logins still running count as failed until they end: a burst cannot slip past
        if len(failures) + self._client_pending.get(address, 0) < limit:
            return
        oldest = failures[0] if failures else now
        retry_after = max(1, int(oldest + self.client_window - now + 0.999))
        self.log.warning(
            "Refused a login from %s: %d failed logins in %d s", address, limit, self.client_window
        )
        raise ClientLimited(address, retry_after, limit, self.client_window)

    def _client_failed(self, address) -> None:
        if address is None or self.client_failed_logins <= 0:
            return
        now = _clock()
        failures = self._recent_failures(address, now)
        failures.append(now)
        self._client_failures[address] = failures
        if len(self._client_failures) > 10000:  # forget the addresses whose window is over
            for other in list(self._client_failures):
                self._recent_failures(other, now)

    # ---- handlers: their bcrypt work is prepared in the pool -------------------------------
    def get_handlers(self, app):
        ours = {
            LoginHandler: FleetLoginHandler,
            SignUpHandler: FleetSignUpHandler,
            ChangePasswordHandler: FleetChangePasswordHandler,
            ChangePasswordAdminHandler: FleetChangePasswordAdminHandler,
        }
        return [(path, ours.get(cls, cls), *rest) for path, cls, *rest in super().get_handlers(app)]

    # ---- reserved names, unlock requests ---------------------------------------------------
    def _reserved(self) -> set[str]:
        names = set(self.admin_users) | set(self.reserved_names)
        return {self.normalize_username(n) for n in names}

    def user_exists(self, username):
        return self.normalize_username(username) in self._reserved() or super().user_exists(
            username
        )

    def create_user(self, username, password, **kwargs):
        if self.normalize_username(username) in self._reserved():
            self.log.warning("Refused a sign-up as the reserved name %s", username)
            return None
        return super().create_user(username, password, **kwargs)

    def get_user(self, username):
        info = super().get_user(username)
        if info is not None:
            self.db.refresh(info)
        return info

    def _unlock_requests(self) -> dict:
        try:
            with open(self.unlock_file, encoding="utf-8") as f:
                return dict(json.load(f))
        except (OSError, ValueError, TypeError):
            return {}

    def _forget_if_unlocked(self, username):
        if username not in self.login_attempts:
            return
        wanted = self._unlock_requests().get(username)
        if wanted and self._unlocks_seen.get(username) != wanted:
            self._unlocks_seen[username] = wanted
            self.login_attempts.pop(username, None)
            self.log.info(
                "Lifted the failed-login lockout of %s (playbooks/reset-user.yml)", username
            )

    def is_blocked(self, username):
        self._forget_if_unlocked(username)
        return super().is_blocked(username)

    def add_login_attempt(self, username):
        self._forget_if_unlocked(username)
        return super().add_login_attempt(username)


class FleetLoginHandler(LoginHandler):
    """NativeAuthenticator's login page; a client over its limit gets the form back with the
    reason (HTTP 429, Retry-After)."""

    async def post(self):
        with _request_scope():
            try:
                return await super().post()
            except ClientLimited as refused:
                self.set_status(429)
                self.set_header("Retry-After", str(refused.retry_after))
                html = await self._render(
                    login_error=refused.jupyterhub_message,
                    username=self.get_argument("username", ""),
                )
                self.finish(html)


class FleetSignUpHandler(SignUpHandler):
    async def post(self):
        with _request_scope():
            name = self.get_body_argument("username", "", strip=False)
            password = self.get_body_argument("signup_password", "", strip=False)
            auth = self.authenticator
            # hashed only when create_user may get that far (the cheap checks first)
            if (
                auth.enable_signup
                and not auth.user_exists(name)
                and auth.is_password_strong(password)
            ):
                await auth.prepare_hash(password)
            return await super().post()


class FleetChangePasswordHandler(ChangePasswordHandler):
    @web.authenticated
    async def post(self):
        with _request_scope():
            user = await self.get_current_user()
            await self.authenticator.prepare_check(
                user.name, self.get_body_argument("old_password", None, strip=False)
            )
            await self.authenticator.prepare_hash(
                self.get_body_argument("new_password", None, strip=False)
            )
            # the page's own (undecorated) code: the decorator above has run already
            return await ChangePasswordHandler.post.__wrapped__(self)


class FleetChangePasswordAdminHandler(ChangePasswordAdminHandler):
    @admin_users_scope
    async def post(self, user_name):
        with _request_scope():
            await self.authenticator.prepare_hash(
                self.get_body_argument("new_password", None, strip=False)
            )
            # the page's own (undecorated) code: the admin check above has run already
            return await ChangePasswordAdminHandler.post.__wrapped__(self, user_name)
