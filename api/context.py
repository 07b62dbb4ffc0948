"""What a view needs from the request: the services, the acting user, the expected version."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, request
from flask_smorest import abort

from service.bootstrap import Services

ACTOR_PATTERN = re.compile(r"^[\w.@-]{1,64}$")


def services() -> Services:
    return current_app.extensions["petitions.services"]


def current_actor() -> str:
    """Who is acting. Until sign-in exists, the X-Actor header names the staff member."""
    actor = request.headers.get("X-Actor", "").strip()
    if not actor:
        abort(401, message="say who is acting: the X-Actor header names the staff member")
    if not ACTOR_PATTERN.match(actor):
        abort(422, messages={"headers": {"X-Actor": ["must be 1 to 64 letters, digits, '.', '@', '-' or '_'"]}})
    return actor


def expected_version() -> int | None:
    """The version named by If-Match (an ETag this service gave out), if any."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        abort(422, messages={"headers": {"If-Match": ["must be an ETag given by this service, such as \"3\""]}})
    return int(value)


def with_etag(body: dict[str, Any], position: int | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    if position is not None:
        body = {**body, "position": position}
    return body, {"ETag": f'"{body["version"]}"'}
