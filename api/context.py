"""What a view needs from the request: the services, the signed-in user, the expected version."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request, session
from flask_smorest import abort

from service.bootstrap import Services, UserServices
from service.permissions import Principal

SESSION_KEY = "session_id"  # the server-side session's random id (service/signin.py)


def services() -> Services:
    return current_app.extensions["petitions.services"]


def current_principal() -> Principal | None:
    """The user: from a bearer token (API integrations) or else the cookie session (pages)."""
    if "principal" not in g:
        g.principal = _from_bearer_token() if request.headers.get("Authorization") else _from_session()
    return g.principal


def _from_bearer_token() -> Principal | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return services().signin.token_principal(token.strip())


def _from_session() -> Principal | None:
    session_id = session.get(SESSION_KEY)
    principal = services().signin.session_principal(session_id) if isinstance(session_id, str) else None
    if principal is None and SESSION_KEY in session:
        session.clear()  # signed out elsewhere, idle too long, or the account disabled: forget the cookie
    return principal


def api_user() -> UserServices:
    """The use cases as the caller of the JSON API may use them: 401 without a valid bearer token.
    (Cookies are not accepted here, so the JSON API needs no CSRF token.)"""
    principal = g.get("api_principal")
    if principal is None:
        principal = _from_bearer_token() if request.headers.get("Authorization") else None
    if principal is None:
        abort(401, message="sign in: send 'Authorization: Bearer <token>' (see `petitions create-token`)",
              headers={"WWW-Authenticate": 'Bearer realm="petitions"'})
    g.principal = g.api_principal = principal
    return services().as_user(principal)


def current_actor() -> str:
    """The signed-in caller's user name (401 without one)."""
    return api_user().principal.username


def expected_version() -> int | None:
    """The version named by If-Match (an ETag this service gave out), if any."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        abort(422, messages={"headers": {"If-Match": ["must be an ETag given by this service, such as \"3\""]}})
    return int(value)


def idempotency_key() -> str | None:
    """The Idempotency-Key header: a retry with the same key creates nothing new and answers the same."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key.strip()) <= 200:
        abort(422, messages={"headers": {"Idempotency-Key": ["must be 1 to 200 characters"]}})
    return key.strip()


def with_etag(body: dict[str, Any], position: int | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    if position is not None:
        body = {**body, "position": position}
    return body, {"ETag": f'"{body["version"]}"'}
