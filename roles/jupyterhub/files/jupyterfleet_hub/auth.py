"""NativeAuthenticator, with the admin accounts kept out of anyone's reach."""

from __future__ import annotations

import json

from nativeauthenticator import NativeAuthenticator
from traitlets import Set, Unicode


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
    """

    unlock_file = Unicode(
        "", config=True, help="JSON {user: request id} written by playbooks/reset-user.yml"
    )
    reserved_names = Set(
        config=True, help="Names nobody may sign up with, besides the admins (the verify probe)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # requests made before this hub started are done with: the counter starts empty
        self._unlocks_seen = self._unlock_requests()

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
