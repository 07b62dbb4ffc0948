"""Who may do what: one permission matrix (role × action), enforced here in the
service layer so the JSON API and the pages cannot disagree."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from service.errors import ServiceError
from service.operations import counted

STAFF = ("desk_staff", "handling_member", "committee_secretary", "committee_member", "leadership", "administrator")
DESK = ("desk_staff", "handling_member")
COMMITTEE = ("committee_secretary",)

MATRIX: dict[str, tuple[str, ...]] = {
    "petition.read": STAFF,
    "petition.receive": ("desk_staff",),
    "petition.triage": DESK,
    "petition.handle": DESK,
    "petition.follow_up": DESK,
    "petition.withdraw": ("desk_staff",),
    "petition.merge": ("desk_staff",),
    "petition.erase_personal_data": ("administrator",),
    "supervision.tick": ("committee_secretary", "administrator"),
    "worklist.read": ("desk_staff", "handling_member", "committee_secretary", "administrator"),
    "matter.read": STAFF,
    "matter.manage": COMMITTEE,
    "matter.record_opinion": ("committee_secretary", "committee_member", "desk_staff"),
    "matter.record_objection": ("committee_secretary", "committee_member", "desk_staff"),
    "ledger.read": ("leadership", "committee_secretary", "administrator"),
    "community.read": STAFF,
    "community.manage": ("administrator",),
    "account.manage": ("administrator",),
}


class PermissionDeniedError(ServiceError):
    def __init__(self, action: str, username: str) -> None:
        super().__init__(f"{username} may not {action}")
        self.action = action


@dataclass(frozen=True)
class Principal:
    """The signed-in user, as the service sees them."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    community_code: str | None = None
    member_id: str | None = None

    def can(self, action: str) -> bool:
        return any(role in MATRIX[action] for role in self.roles)


SYSTEM = Principal("system", "系统 System", ("administrator", "committee_secretary"))


def require(principal: Principal, action: str) -> None:
    if action not in MATRIX:
        raise KeyError(f"unknown action {action}")
    if not principal.can(action):
        raise PermissionDeniedError(action, principal.username)


class Guarded:
    """A use-case object seen by one user: every call is checked against the matrix
    (a method missing from its class's PERMISSIONS is refused), and commands get
    the user as their actor — never a value typed into a form."""

    def __init__(self, target: Any, principal: Principal) -> None:
        self._target = target
        self._principal = principal

    def __getattr__(self, name: str) -> Any:
        permissions: dict[str, str] = type(self._target).PERMISSIONS
        if name not in permissions:
            raise AttributeError(f"{type(self._target).__name__}.{name} is not open to users")
        require(self._principal, permissions[name])
        method = getattr(self._target, name)
        if name in type(self._target).COMMANDS:
            return counted(type(self._target).__name__, name, functools.partial(method, actor=self._principal.username))
        return method


def matrix_table() -> str:
    """The matrix as a Markdown table (printed in the README; a test keeps them equal)."""
    header = "| action | " + " | ".join(STAFF) + " |"
    rule = "| --- |" + " :-: |" * len(STAFF)
    rows = [f"| `{action}` | " + " | ".join("✓" if role in roles else "" for role in STAFF) + " |"
            for action, roles in MATRIX.items()]
    return "\n".join([header, rule, *rows])
