"""Who may do what: one permission matrix (role × action) and one rule of scope (a community is
a trust boundary), both enforced here in the service layer so the JSON API and the pages cannot
disagree."""

from __future__ import annotations

import copy
from typing import Any

from uuid import UUID

from domain.community import community_id
from service.errors import NotFoundError, ServiceError
from service.matrix import MATRIX, ROLE_SCOPES, STAFF
from service.principal import SYSTEM, Principal

__all__ = ["MATRIX", "ROLE_SCOPES", "PermissionDeniedError", "Principal", "SYSTEM", "UseCase", "require"]

class PermissionDeniedError(ServiceError):
    def __init__(self, action: str, username: str, message: str | None = None) -> None:
        super().__init__(message or f"{username} may not {action}")
        self.action = action


def require(principal: Principal, action: str) -> None:
    if action not in MATRIX:
        raise KeyError(f"unknown action {action}")
    if not principal.can(action):
        raise PermissionDeniedError(action, principal.username)


class UseCase:
    """A use-case object. ``seen_by`` gives the copy that one signed-in user works with; its methods
    scope everything to what ``self.principal`` may see. The service's own processes use the
    object as built, seen by ``SYSTEM``."""

    PERMISSIONS: dict[str, str] = {}
    COMMANDS: set[str] = set()
    principal: Principal = SYSTEM

    def seen_by(self, principal: Principal) -> Any:
        clone = copy.copy(self)
        clone.principal = principal
        return clone

    def _check_sees(self, community_code: str | None, not_found: str) -> None:
        """Another community's resource is answered as if it did not exist."""
        if not self.principal.sees(community_code):
            raise NotFoundError(not_found)

    def _check_sees_id(self, community_uuid: UUID, not_found: str) -> None:
        """As ``_check_sees``, for a resource that records its community's id."""
        own = self.principal.community_code
        if not self.principal.deployment_wide and (own is None or community_id(own) != community_uuid):
            raise NotFoundError(not_found)

    def _listed_community(self, wanted: str | None) -> str | None:
        """The community a list is for: the user's own unless they see every community; naming
        another one is refused (403), never silently widened or narrowed."""
        if not self.principal.deployment_wide and self.principal.community_code is None:
            raise PermissionDeniedError("community.read", self.principal.username,
                                        f"{self.principal.username} belongs to no community")
        if wanted and not self.principal.sees(wanted):
            raise PermissionDeniedError("community.read", self.principal.username,
                                        f"{self.principal.username} may not read community {wanted}")
        return self.principal.community_filter(wanted)


def matrix_table() -> str:
    """The matrix as a Markdown table (printed in the README; a test keeps them equal)."""
    header = "| action | " + " | ".join(STAFF) + " |"
    rule = "| --- |" + " :-: |" * len(STAFF)
    rows = [f"| `{action}` | " + " | ".join("✓" if role in roles else "" for role in STAFF) + " |"
            for action, roles in MATRIX.items()]
    scopes = ["", "| role | scope |", "| --- | --- |", *(f"| `{role}` | {scope} |" for role, scope in ROLE_SCOPES.items())]
    return "\n".join([header, rule, *rows, *scopes])
