"""Staff accounts: passwords hashed with Argon2id, bearer tokens for integrations."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError

from domain.account import Account, account_id
from domain.community import community_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.store.eventstore import EventLog, translate_domain_error
from service.passwords import check_password
from service.permissions import Principal, UseCase
from service.requests import Idempotent, idempotent

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("an account that does not exist")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of(account: Account) -> Principal:
    return Principal(account.username, account.display_name, tuple(account.roles), account.community_code,
                     account.member_id, must_change_password=account.must_change_password)


class Accounts(Idempotent, UseCase):
    PERMISSIONS = {
        "register": "account.manage", "change_roles": "account.manage", "disable": "account.manage",
        "list": "account.manage", "issue_token": "account.manage", "display_names": "community.read",
        "tokens": "account.manage", "revoke_token": "account.manage", "get": "account.manage",
        "edit": "account.manage", "reactivate": "account.manage", "reset_password": "account.manage",
    }
    COMMANDS = {"register", "change_roles", "disable", "issue_token", "revoke_token", "edit", "reactivate",
                "reset_password"}

    def __init__(self, log: EventLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock
        self.end_sessions: Any = lambda username: 0  # wired to SignIn.end_sessions (service/bootstrap.py)

    @idempotent(lambda _, account: account_view(account), secret=("password",))
    def register(
        self, *, username: str, display_name: str, password: str, roles: list[str],
        community_code: str | None = None, member_id: str | None = None, actor: str,
    ) -> dict[str, Any]:
        username = (username or "").strip().lower()
        if not self.principal.deployment_wide:
            community_code = community_code or self.principal.community_code
            if community_code != self.principal.community_code:
                raise errors.InvalidInputError({"community_code": ["no such community"]})
        if self.log.exists(account_id(username)):
            raise errors.InvalidInputError({"username": ["is taken"]})
        check_password(password, username=username, display_name=display_name or "")
        try:
            account = Account.register(
                username=username, display_name=display_name, roles=roles, community_code=community_code,
                member_id=member_id, password_hash=_hasher.hash(password), actor=actor, at=self.clock.now(),
            )
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(account, *self.recorded_request(account, self.clock.now()))
        return account_view(account)

    def any_exist(self) -> bool:
        return bool(self.log.aggregate_ids_created_by(Account.Registered))

    def list(self) -> list[dict[str, Any]]:
        """The accounts this administrator manages: their community's, or every one for the deployment's."""
        accounts = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(Account.Registered)]
        accounts = [a for a in accounts if self.principal.sees(a.community_code)]
        return sorted((account_view(a) for a in accounts), key=lambda a: a["username"])

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The account's principal if the password is right; None otherwise (in about the same time)."""
        account = self._find((username or "").strip().lower())
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if account is None or not account.active:
            return None
        return principal_of(account)

    def display_names(self, usernames: Any) -> dict[str, str]:
        """The names of the staff who acted (for a timeline: who did what), by user name. A name is
        shown, never a user name; an actor without an account (``system``, ``resident``) is left out."""
        names = {}
        for username in set(usernames):
            account = self._find(username)
            if account is not None:
                names[username] = account.display_name
        return names

    def principal_named(self, username: str) -> Principal | None:
        account = self._find(username)
        return principal_of(account) if account and account.active else None

    def issue_token(self, username: str, *, label: str, actor: str) -> str:
        """A bearer token ``username:secret``; only its hash is stored."""
        account = self._load(username)
        token = f"{account.username}:{secrets.token_urlsafe(32)}"
        try:
            account.issue_token(token_hash=hash_token(token), label=label, actor=actor, at=self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, account) from None
        self.log.save_or_conflict(account)
        return token

    def principal_for_token(self, token: str, *, lifetime: timedelta) -> Principal | None:
        """The token's account, while the token is neither revoked nor older than ``lifetime``."""
        username, _, secret = (token or "").partition(":")
        account = self._find(username) if secret else None
        if account is None or not account.active or account.must_change_password:
            return None
        digest = hash_token(token)
        known = next((h for h in account.token_hashes if secrets.compare_digest(digest, h)), None)
        if known is None:
            return None
        issued_at = account.tokens.get(known, {}).get("issued_at")
        if issued_at is None or self.clock.now() - issued_at > lifetime:
            return None
        return principal_of(account)

    def tokens(self, username: str | None = None, *, lifetime: timedelta) -> list[dict[str, Any]]:
        """Live and expired tokens (never their secrets): id (the hash's first 12 digits), user, label, dates."""
        ids = [account_id(username)] if username else self.log.aggregate_ids_created_by(Account.Registered)
        now, listed = self.clock.now(), []
        for each in ids:
            account = self._find_by_id(each)
            if account is None:
                if username:
                    raise errors.NotFoundError(f"account {username} not found")
                continue
            for digest, token in account.tokens.items():
                expires = token["issued_at"] + lifetime
                listed.append({"id": digest[:12], "username": account.username, "label": token["label"],
                               "issued_at": token["issued_at"], "expires_at": expires, "expired": expires < now})
        return sorted(listed, key=lambda t: (t["username"], t["issued_at"]))

    def revoke_token(self, username: str, token_id: str, *, actor: str) -> dict[str, Any]:
        """Revokes the token of ``username`` whose id (from :meth:`tokens`) is ``token_id``."""
        account = self._load(username)
        token_id = (token_id or "").strip().lower()
        matching = [h for h in account.tokens if token_id and h.startswith(token_id)] if len(token_id) >= 6 else []
        if len(matching) != 1:
            raise errors.NotFoundError(f"no token {token_id} of {username}")
        self._command(account, lambda now: account.revoke_token(token_hash=matching[0], actor=actor, at=now))
        return {"id": matching[0][:12], "username": account.username, "revoked": True}

    def change_roles(self, username: str, *, roles: list[str], actor: str) -> dict[str, Any]:
        account = self._load(username)
        self._command(account, lambda now: account.change_roles(roles=roles, actor=actor, at=now))
        return account_view(account)

    @idempotent(lambda _, account: account_view(account))
    def disable(self, username: str, *, actor: str) -> dict[str, Any]:
        """The account can no longer sign in; its tokens are revoked and its sessions end."""
        account = self._load(username)
        self._command(account, lambda now: account.disable(actor=actor, at=now))
        self.end_sessions(account.username)
        return account_view(account)

    @idempotent(lambda _, account: account_view(account))
    def reactivate(self, username: str, *, actor: str) -> dict[str, Any]:
        account = self._load(username)
        self._command(account, lambda now: account.reactivate(actor=actor, at=now))
        return account_view(account)

    def get(self, username: str) -> dict[str, Any]:
        return account_view(self._load(username))

    @idempotent(lambda _, account: account_view(account))
    def edit(
        self, username: str, *, display_name: str, roles: list[str], member_id: str | None, actor: str,
    ) -> dict[str, Any]:
        """The account's name, roles and member (a member of the account's community)."""
        account = self._load(username)
        member_id = member_id or None
        if member_id is not None and not self._member_exists(account.community_code, member_id):
            raise errors.InvalidInputError({"member_id": ["is not a member of this community"]})
        self._command(account, lambda now: account.edit(display_name=display_name, roles=roles, member_id=member_id,
                                                        actor=actor, at=now))
        return account_view(account)

    @idempotent(lambda _, account: account_view(account), secret=("password",))
    def reset_password(self, username: str, *, password: str, actor: str) -> dict[str, Any]:
        """A temporary password: the user must choose their own at the next sign-in; their tokens and
        sessions stop."""
        account = self._load(username)
        check_password(password, username=account.username, display_name=account.display_name)
        self._command(account, lambda now: account.reset_password(password_hash=_hasher.hash(password), actor=actor,
                                                                  at=now))
        self.end_sessions(account.username)
        return account_view(account)

    def change_own_password(self, username: str, *, current: str, new: str) -> dict[str, Any]:
        """The signed-in user's own password (SignIn.change_password): the current one must be right, the new
        one must pass the policy and differ from it."""
        account = self._find((username or "").strip().lower())
        if account is None or not account.active:
            raise errors.NotFoundError(f"account {username} not found")
        if not _verifies(account.password_hash, current):
            raise errors.InvalidInputError({"current_password": ["is not the current password"]})
        check_password(new, username=account.username, display_name=account.display_name)
        if _verifies(account.password_hash, new):
            raise errors.InvalidInputError({"password": ["must differ from the current password"]})
        self._command(account, lambda now: account.change_password(password_hash=_hasher.hash(new),
                                                                   actor=account.username, at=now))
        return account_view(account)

    def _member_exists(self, community_code: str | None, member_id: str) -> bool:
        if community_code is None:
            return False
        try:
            community = self.log.repository.get(community_id(community_code))
        except AggregateNotFoundError:
            return False
        return member_id in community.members

    def _command(self, account: Account, command: Any) -> None:
        try:
            command(self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, account) from None
        self.log.save_or_conflict(account, *self.recorded_request(account, self.clock.now()))

    def _find(self, username: str) -> Account | None:
        if not username:
            return None
        return self._find_by_id(account_id(username))

    def _find_by_id(self, aggregate_id: Any) -> Account | None:
        try:
            return self.log.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _load(self, username: str) -> Account:
        account = self._find(username)
        not_found = f"account {username} not found"
        if account is None:
            raise errors.NotFoundError(not_found)
        self._check_sees(account.community_code, not_found)
        return account


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def account_view(account: Account) -> dict[str, Any]:
    return {
        "username": account.username, "display_name": account.display_name, "roles": list(account.roles),
        "community_code": account.community_code, "member_id": account.member_id, "active": account.active,
        "must_change_password": account.must_change_password,
    }
