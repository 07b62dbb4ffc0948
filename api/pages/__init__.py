"""Staff pages: sign-in, the desk, the committee, the ledgers. Chinese first, English second."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_babel import Babel, format_percent, gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from marshmallow import Schema, ValidationError

from api.auth import current_principal
from api.errors import error_body
from api.context import services
from service import errors
from service.permissions import PermissionDeniedError, require

LANGUAGES = {"zh": "中文", "en": "English"}
csrf = CSRFProtect()


def select_locale() -> str:
    return session.get("lang") or request.accept_languages.best_match(list(LANGUAGES)) or "zh"


def init_pages(app: Flask) -> None:
    from api.pages import admin, committee, desk, leadership, public, signin

    Babel(app, locale_selector=select_locale, default_locale="zh", default_translation_directories="translations")
    csrf.init_app(app)
    app.jinja_env.filters["percentformat"] = format_percent
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    for blueprint in (signin.bp, desk.bp, admin.bp, leadership.bp, committee.bp, public.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {"principal": current_principal(), "languages": LANGUAGES, "current_lang": select_locale()}

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(PermissionDeniedError)
    def forbidden(error: PermissionDeniedError):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return error_body("forbidden", error.message), 403
        return render_template("errors/403.html", action=error.action), 403


def signed_in(view=None, *, may: str | None = None):  # type: ignore[no-untyped-def]
    """Pages need a signed-in user; the use cases are then those this user may use.
    ``may`` names the action a page is for, so a role without it sees 403, not a form it cannot send."""

    def decorate(inner):  # type: ignore[no-untyped-def]
        @wraps(inner)
        def wrapper(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
            principal = current_principal()
            if principal is None:
                return redirect(url_for("signin.login", next=request.full_path))
            if may is not None:
                require(principal, may)
            g.user = services().as_user(principal)
            return inner(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def load_form(schema: Schema, data: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Loads a form through the same schema the JSON API uses; answers (data, field errors)."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return None, {k: v if isinstance(v, list) else [str(v)] for k, v in error.normalized_messages().items()}


def run_step(step: Any) -> dict[str, list[str]]:
    """Runs a command for a page; a refused step becomes a message for the person, never a 500."""
    try:
        step()
    except errors.InvalidInputError as error:
        return error.fields
    except errors.IllegalStepError as error:
        flash(_("Not allowed now: %(message)s", message=error.message), "error")
        return {"_": [error.message]}
    except errors.VersionConflictError:
        flash(_("Someone else changed this petition at the same time. Please check it and try again."), "error")
        return {"_": ["conflict"]}
    return {}
