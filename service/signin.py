"""Signing in: staff passwords, sessions kept on the server, bearer tokens with a lifetime.

- Wrong passwords are slowed per account and per client (``service/throttle.py``; the counts are
  in the database, so every worker slows the same guesser): after 5 wrong passwords for an account
  within 15 minutes, each further attempt at it waits twice as long as the one before (2 s … 5 min);
  after 20 from one client, 2 s … 15 min. A refused attempt is not checked at all (429 + Retry-After).
  A right password clears its account's count, never its client's.
- A session is a random id in the signed cookie; the server keeps its hash (``projections/staff_sessions.py``).
  Signing out ends it on the server, so a saved cookie stops working; so does ``idle`` without a request
  (by the wall clock).
- A bearer token lives ``token_lifetime`` from its issue (PETITIONS_TOKEN_DAYS), unless revoked first."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from projections import staff_sessions
from service.accounts import Accounts
from service.clock import Clock
from service.permissions import Principal
from service.throttle import Backoff, Throttle, client_key

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = Backoff(free=5, delay=timedelta(seconds=2), max_delay=timedelta(minutes=5))
PER_CLIENT = Backoff(free=20, delay=timedelta(seconds=2), max_delay=WINDOW)
TOO_MANY = "too many wrong passwords; try again in {seconds} seconds"
TOUCH_EVERY = 60.0  # seconds: a session's last use is written at most this often


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SignIn:
    def __init__(
        self, accounts: Accounts, engine: object, clock: Clock, *, idle: timedelta = timedelta(minutes=30),
        token_lifetime: timedelta = timedelta(days=90), wall: Callable[[], float] = time.time,
    ) -> None:
        self.accounts, self.engine, self.clock, self.wall = accounts, engine, clock, wall
        self.idle, self.token_lifetime = idle, token_lifetime
        self.per_account, self.per_client = PER_ACCOUNT, PER_CLIENT
        self.throttle = Throttle(engine, clock.now, WINDOW)
        staff_sessions.create_table(engine)  # type: ignore[arg-type]

    # ---- passwords ---------------------------------------------------------------------------

    def check(self, username: str, *, client: str) -> None:
        """Refuses (TooManyAttemptsError) while this account or this client must wait."""
        self.throttle.check({self._account(username): self.per_account, self._client(client): self.per_client}, TOO_MANY)

    def sign_in(self, username: str, password: str, *, client: str) -> tuple[Principal, str] | None:
        """(the principal, a new session id) for the right password; None for a wrong one."""
        self.check(username, client=client)
        principal = self.accounts.authenticate(username, password)
        if principal is None:
            self.throttle.failed([self._account(username), self._client(client)])
            return None
        self.throttle.forget(self._account(username))
        session_id = secrets.token_urlsafe(32)
        staff_sessions.start(self.engine, _hash(session_id), principal.username, self._now())  # type: ignore[arg-type]
        return principal, session_id

    def change_password(self, username: str, *, current: str, new: str, session_id: str = "") -> None:
        """The user's own password; every other session of theirs ends (this one stays signed in)."""
        self.accounts.change_own_password(username, current=current, new=new)
        keep = _hash(session_id) if session_id else None
        staff_sessions.end_all(self.engine, username, keep=keep)  # type: ignore[arg-type]

    # ---- sessions ----------------------------------------------------------------------------

    def session_principal(self, session_id: str) -> Principal | None:
        """The signed-in user of a live session; None once it was ended or stayed idle too long."""
        if not session_id:
            return None
        id_hash, now = _hash(session_id), self._now()
        found = staff_sessions.find(self.engine, id_hash)  # type: ignore[arg-type]
        if found is None:
            return None
        username, last_seen = found
        if now - last_seen > self.idle.total_seconds():
            staff_sessions.end(self.engine, id_hash)  # type: ignore[arg-type]
            return None
        if now - last_seen > TOUCH_EVERY:
            staff_sessions.touch(self.engine, id_hash, now)  # type: ignore[arg-type]
        return self.accounts.principal_named(username)

    def sign_out(self, session_id: str) -> None:
        if session_id:
            staff_sessions.end(self.engine, _hash(session_id))  # type: ignore[arg-type]
        staff_sessions.end_idle(self.engine, self._now() - self.idle.total_seconds())  # type: ignore[arg-type]

    def end_sessions(self, username: str) -> int:
        """Ends every session of ``username`` (e.g. after a password change); answers how many."""
        return staff_sessions.end_all(self.engine, username)  # type: ignore[arg-type]

    # ---- bearer tokens -------------------------------------------------------------------------

    def token_principal(self, token: str) -> Principal | None:
        return self.accounts.principal_for_token(token, lifetime=self.token_lifetime)

    def _now(self) -> float:
        """Sessions go by the wall clock (seconds since the epoch): idleness is about real time, not the
        service's clock, which tests move by days."""
        return self.wall()

    @staticmethod
    def _account(username: str) -> str:
        return f"signin-account:{(username or '').strip().lower()[:64]}"

    @staticmethod
    def _client(client: str) -> str:
        return f"signin-client:{client_key(client)}"
