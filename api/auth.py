"""Signing in and out of the pages (a cookie session; every form carries a CSRF token)."""

from __future__ import annotations

from flask import g, session

from api.context import SESSION_KEY, current_principal, services
from service.permissions import Principal

__all__ = ["current_principal", "sign_in", "sign_out"]


def sign_in(principal: Principal, session_id: str) -> None:
    """A new cookie session holding only the server-side session's id (service/signin.py)."""
    session.clear()
    session[SESSION_KEY] = session_id
    session.permanent = True  # the cookie expires after the idle time, renewed by each request
    g.principal = principal


def sign_out() -> None:
    """Ends the session on the server too: a copy of the cookie saved before stops working."""
    session_id = session.get(SESSION_KEY)
    services().signin.sign_out(session_id if isinstance(session_id, str) else "")
    session.clear()
    g.pop("principal", None)
