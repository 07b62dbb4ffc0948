"""Staff accounts: passwords hashed with Argon2id, bearer tokens for integrations."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError

from domain.account import Account, account_id
from domain.errors import DomainError
from service import errors
from service.clock import Clock
from service.eventstore import EventLog, translate_domain_error
from service.permissions import Principal

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("an account that does not exist")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of(account: Account) -> Principal:
    return Principal(account.username, account.display_name, tuple(account.roles), account.community_code,
                     account.member_id)


class Accounts:
    PERMISSIONS = {
        "register": "account.manage", "change_roles": "account.manage", "disable": "account.manage",
        "list": "account.manage", "issue_token": "account.manage",
    }
    COMMANDS = {"register", "change_roles", "disable", "issue_token"}

    def __init__(self, log: EventLog, clock: Clock) -> None:
        self.log = log
        self.clock = clock

    def register(
        self, *, username: str, display_name: str, password: str, roles: list[str],
        community_code: str | None = None, member_id: str | None = None, actor: str,
    ) -> dict[str, Any]:
        username = (username or "").strip().lower()
        if self.log.exists(account_id(username)):
            raise errors.InvalidInputError({"username": ["is taken"]})
        _check_password(password)
        try:
            account = Account.register(
                username=username, display_name=display_name, roles=roles, community_code=community_code,
                member_id=member_id, password_hash=_hasher.hash(password), actor=actor, at=self.clock.now(),
            )
        except DomainError as error:
            raise translate_domain_error(error, None) from None
        self.log.save_or_conflict(account)
        return account_view(account)

    def any_exist(self) -> bool:
        return bool(self.log.aggregate_ids_created_by(Account.Registered))

    def list(self) -> list[dict[str, Any]]:
        accounts = [self.log.repository.get(i) for i in self.log.aggregate_ids_created_by(Account.Registered)]
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

    def principal(self, username: str) -> Principal | None:
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

    def principal_for_token(self, token: str) -> Principal | None:
        username, _, secret = (token or "").partition(":")
        account = self._find(username) if secret else None
        if account is None or not account.active:
            return None
        digest = hash_token(token)
        if not any(secrets.compare_digest(digest, known) for known in account.token_hashes):
            return None
        return principal_of(account)

    def change_roles(self, username: str, *, roles: list[str], actor: str) -> dict[str, Any]:
        account = self._load(username)
        self._command(account, lambda now: account.change_roles(roles=roles, actor=actor, at=now))
        return account_view(account)

    def disable(self, username: str, *, actor: str) -> dict[str, Any]:
        account = self._load(username)
        self._command(account, lambda now: account.disable(actor=actor, at=now))
        return account_view(account)

    def _command(self, account: Account, command: Any) -> None:
        try:
            command(self.clock.now())
        except DomainError as error:
            raise translate_domain_error(error, account) from None
        self.log.save_or_conflict(account)

    def _find(self, username: str) -> Account | None:
        if not username:
            return None
        try:
            return self.log.repository.get(account_id(username))
        except AggregateNotFoundError:
            return None

    def _load(self, username: str) -> Account:
        account = self._find(username)
        if account is None:
            raise errors.NotFoundError(f"account {username} not found")
        return account


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise errors.InvalidInputError({"password": [f"must be at least {MIN_PASSWORD_LENGTH} characters"]})


def account_view(account: Account) -> dict[str, Any]:
    return {
        "username": account.username, "display_name": account.display_name, "roles": list(account.roles),
        "community_code": account.community_code, "member_id": account.member_id, "active": account.active,
    }
