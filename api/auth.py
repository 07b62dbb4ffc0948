"""Signing in and out of the pages (a cookie session; every form carries a CSRF token)."""

from __future__ import annotations

from flask import g, session

from api.context import SESSION_KEY, current_principal
from service.permissions import Principal

__all__ = ["current_principal", "sign_in", "sign_out"]


def sign_in(principal: Principal) -> None:
    session.clear()
    session[SESSION_KEY] = principal.username
    session.permanent = True
    g.principal = principal


def sign_out() -> None:
    session.clear()
    g.pop("principal", None)
