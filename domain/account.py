"""Staff accounts and their roles. Password and token hashes are computed by the service."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import IllegalStepError, InvalidValueError

NAMESPACE = uuid.UUID("3e0b4f57-9c6e-4b1e-8f0c-6d2a9b1c7e55")
ROLES = (
    "desk_staff", "handling_member", "committee_secretary", "committee_member", "leadership", "oversight",
    "administrator",
)
DEPLOYMENT_ROLES = ("oversight", "administrator")  # may be held without a community: for every community
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")


def account_id(username: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"account/{username.lower()}")


class Account(Aggregate):
    class Registered(Aggregate.Created):
        username: str
        display_name: str
        roles: list[str]
        community_code: str | None
        member_id: str | None
        password_hash: str
        actor: str
        at: datetime

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: str
        at: datetime

    class RolesChanged(Aggregate.Event):
        roles: list[str]
        actor: str
        at: datetime

    class Disabled(Aggregate.Event):
        actor: str
        at: datetime

    class Reactivated(Aggregate.Event):
        actor: str
        at: datetime

    class Edited(Aggregate.Event):
        display_name: str
        roles: list[str]
        member_id: str | None
        actor: str
        at: datetime

    class PasswordReset(Aggregate.Event):
        """An administrator set a temporary password: the user must change it at the next sign-in."""

        password_hash: str
        actor: str
        at: datetime

    class TokenIssued(Aggregate.Event):
        token_hash: str
        label: str
        actor: str
        at: datetime

    class TokenRevoked(Aggregate.Event):
        token_hash: str
        actor: str
        at: datetime

    @staticmethod
    def create_id(username: str, **_: Any) -> uuid.UUID:  # type: ignore[override]
        return account_id(username)

    @classmethod
    def register(
        cls, *, username: str, display_name: str, roles: list[str], community_code: str | None,
        member_id: str | None, password_hash: str, actor: str, at: datetime,
    ) -> Account:
        if not USERNAME.fullmatch(username or ""):
            raise InvalidValueError("username", "must be 2 to 32 lower-case letters, digits, '.', '-' or '_'")
        if not (display_name or "").strip():
            raise InvalidValueError("display_name", "must not be blank")
        roles = _checked_roles(roles)
        _check_scope(roles, community_code)
        _check_member(member_id, community_code)
        return cls(
            username=username, display_name=display_name.strip(), roles=roles,
            community_code=community_code, member_id=member_id, password_hash=password_hash, actor=actor, at=at,
        )

    @event(Registered)
    def __init__(
        self, username: str, display_name: str, roles: list[str], community_code: str | None,
        member_id: str | None, password_hash: str, actor: str, at: datetime,
    ) -> None:
        self.username = username
        self.display_name = display_name
        self.roles = list(roles)
        self.community_code = community_code
        self.member_id = member_id
        self.password_hash = password_hash
        self.active = True
        self.must_change_password = False
        self.token_hashes: list[str] = []
        self.tokens: dict[str, dict[str, Any]] = {}  # token hash -> label, issued_at

    def change_password(self, *, password_hash: str, actor: str, at: datetime) -> None:
        self._check_active()
        self._password_changed(password_hash=password_hash, actor=actor, at=at)

    @event(PasswordChanged)
    def _password_changed(self, password_hash: str, actor: str, at: datetime) -> None:
        self.password_hash = password_hash
        self.must_change_password = False

    def reset_password(self, *, password_hash: str, actor: str, at: datetime) -> None:
        """A temporary password from an administrator; the account's tokens stop, and the user must
        choose a password of their own before anything else."""
        self._check_active()
        self._password_reset(password_hash=password_hash, actor=actor, at=at)

    @event(PasswordReset)
    def _password_reset(self, password_hash: str, actor: str, at: datetime) -> None:
        self.password_hash = password_hash
        self.must_change_password = True
        self.token_hashes = []
        self.tokens = {}

    def edit(self, *, display_name: str, roles: list[str], member_id: str | None, actor: str, at: datetime) -> None:
        """Changes the name, roles and member of an active account (its user name and community stay)."""
        self._check_active()
        if not (display_name or "").strip():
            raise InvalidValueError("display_name", "must not be blank")
        roles = _checked_roles(roles)
        _check_scope(roles, self.community_code)
        member_id = member_id or None
        _check_member(member_id, self.community_code)
        self._edited(display_name=display_name.strip(), roles=roles, member_id=member_id, actor=actor, at=at)

    @event(Edited)
    def _edited(self, display_name: str, roles: list[str], member_id: str | None, actor: str, at: datetime) -> None:
        self.display_name = display_name
        self.roles = list(roles)
        self.member_id = member_id

    def change_roles(self, *, roles: list[str], actor: str, at: datetime) -> None:
        self._check_active()
        roles = _checked_roles(roles)
        _check_scope(roles, self.community_code)
        self._roles_changed(roles=roles, actor=actor, at=at)

    @event(RolesChanged)
    def _roles_changed(self, roles: list[str], actor: str, at: datetime) -> None:
        self.roles = list(roles)

    def disable(self, *, actor: str, at: datetime) -> None:
        self._check_active()
        self._disabled(actor=actor, at=at)

    @event(Disabled)
    def _disabled(self, actor: str, at: datetime) -> None:
        self.active = False
        self.token_hashes = []
        self.tokens = {}

    def reactivate(self, *, actor: str, at: datetime) -> None:
        if self.active:
            raise IllegalStepError("this account is active", "active", ["disable"])
        self._reactivated(actor=actor, at=at)

    @event(Reactivated)
    def _reactivated(self, actor: str, at: datetime) -> None:
        self.active = True

    def issue_token(self, *, token_hash: str, label: str, actor: str, at: datetime) -> None:
        self._check_active()
        self._token_issued(token_hash=token_hash, label=(label or "").strip()[:60], actor=actor, at=at)

    @event(TokenIssued)
    def _token_issued(self, token_hash: str, label: str, actor: str, at: datetime) -> None:
        self.token_hashes.append(token_hash)
        self.tokens[token_hash] = {"label": label, "issued_at": at}

    def revoke_token(self, *, token_hash: str, actor: str, at: datetime) -> None:
        if token_hash not in self.token_hashes:
            raise InvalidValueError("token", "is not a token of this account")
        self._token_revoked(token_hash=token_hash, actor=actor, at=at)

    @event(TokenRevoked)
    def _token_revoked(self, token_hash: str, actor: str, at: datetime) -> None:
        self.token_hashes.remove(token_hash)
        self.tokens.pop(token_hash, None)

    def _check_active(self) -> None:
        if not self.active:
            raise IllegalStepError("this account is disabled", "disabled", ["reactivate"])


def _checked_roles(roles: list[str]) -> list[str]:
    if not roles:
        raise InvalidValueError("roles", "name at least one role")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidValueError("roles", f"unknown role(s): {', '.join(unknown)}; roles are: {', '.join(ROLES)}")
    return sorted(set(roles), key=ROLES.index)


def _check_scope(roles: list[str], community_code: str | None) -> None:
    """Work for a community needs that community; the street office's oversight is above every community."""
    if community_code is None:
        bound = [role for role in roles if role not in DEPLOYMENT_ROLES]
        if bound:
            raise InvalidValueError("community_code", f"name the community for the role(s): {', '.join(bound)}")
    elif "oversight" in roles:
        raise InvalidValueError("roles", "oversight is for every community: give it to an account without a community")


def _check_member(member_id: str | None, community_code: str | None) -> None:
    """A member is of the account's community (member ids start with their community's code)."""
    if member_id and (community_code is None or not member_id.startswith(f"{community_code}.")):
        raise InvalidValueError("member_id", "is not a member of this community")
