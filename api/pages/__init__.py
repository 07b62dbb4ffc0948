"""Staff pages: sign-in, the desk, the committee, the ledgers. Chinese first, English second."""

from __future__ import annotations

import uuid
from functools import wraps
from typing import Any

from flask import Flask, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import Babel, format_percent, gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from marshmallow import Schema, ValidationError

from api.auth import current_principal
from api.errors import error_body, flatten_field_errors
from api.context import services
from api.pages.labels import label, pinyin_keys
from api.pages.messages import field_label, for_people, message_for_people
from service import errors
from service.permissions import PermissionDeniedError, require

LANGUAGES = {"zh": "中文", "en": "English"}
csrf = CSRFProtect()


def select_locale() -> str:
    return session.get("lang") or request.accept_languages.best_match(list(LANGUAGES)) or "zh"


def init_pages(app: Flask, api: Any = None) -> None:
    from api.pages import admin, calendar, committee, desk, leadership, member_work, public, residents, signin, visits

    Babel(app, locale_selector=select_locale, default_locale="zh", default_translation_directories="translations")
    csrf.init_app(app)
    app.jinja_env.filters["percentformat"] = format_percent
    app.jinja_env.filters["field_label"] = field_label
    app.jinja_env.filters["pinyin_keys"] = pinyin_keys
    app.jinja_env.globals["form_key"] = lambda: uuid.uuid4().hex  # every form that changes something: sent once
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    for blueprint in (signin.bp, desk.bp, admin.bp, leadership.bp, committee.bp, public.bp, residents.bp, visits.bp,
                      visits.public, member_work.bp, calendar.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {"principal": current_principal(), "languages": LANGUAGES, "current_lang": select_locale()}

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(404)
    def page_not_found(error: Exception):  # type: ignore[no-untyped-def]
        """An unknown page answers a page in the person's language; the JSON API keeps its one shape."""
        if request.path.startswith("/api/") and api is not None:
            return api.handle_http_exception(error)
        return render_template("errors/404.html"), 404

    @app.errorhandler(errors.NotFoundError)
    def resource_not_found(error: errors.NotFoundError):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return jsonify(error_body("not_found", error.message)), 404
        return render_template("errors/404.html"), 404

    @app.errorhandler(PermissionDeniedError)
    def forbidden(error: PermissionDeniedError):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return error_body("forbidden", error.message), 403
        principal = current_principal()
        roles = "、".join(label(role) for role in principal.roles) if principal else ""
        return render_template("errors/403.html", roles=roles), 403


def signed_in(view=None, *, may: str | None = None):  # type: ignore[no-untyped-def]
    """Pages need a signed-in user; the use cases are then those this user may use.
    ``may`` names the action a page is for, so a role without it sees 403, not a form it cannot send."""

    def decorate(inner):  # type: ignore[no-untyped-def]
        @wraps(inner)
        def wrapper(*args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
            principal = current_principal()
            if principal is None:
                return redirect(url_for("signin.login", next=request.full_path))
            if principal.must_change_password:  # a reset password: nothing else until the user chose their own
                return redirect(url_for("signin.change_password"))
            if may is not None:
                require(principal, may)
            g.user = services().as_user(principal)
            return inner(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def people(history: list[dict[str, Any]]) -> dict[str, str]:
    """Who acted in a timeline, by name: staff by their name, the service's own steps as such."""
    names = {"system": _("System (automatic)"), "resident": _("Resident")}
    names.update(g.user.accounts.display_names(entry["actor"] for entry in history))
    return names


def form_key() -> str | None:
    """The key the form was rendered with: a repeat of the same form answers the first result."""
    key = (request.form.get("idempotency_key") or "").strip()
    return key[:200] or None


def load_form(schema: Schema, data: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """Loads a form through the same schema the JSON API uses; answers (data, field errors), the errors
    in the person's language and named by their path (``petitioner.phone``, ``steps.0.due_date``)."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return None, refused(flatten_field_errors({"form": error.normalized_messages()}))


def refused(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """A refused form: nothing was saved; each message in the person's language, and a summary at the
    top naming each field as the page labels it (so nothing is refused without a word)."""
    readable = for_people(fields)
    for name, messages in readable.items():
        flash(_("Not saved. %(field)s: %(message)s", field=field_label(name), message=" ".join(messages)), "error")
    return readable


def run_step(step: Any) -> dict[str, list[str]]:
    """Runs a command for a page; a refused step becomes a message for the person, never a 500."""
    try:
        step()
    except errors.InvalidInputError as error:
        return refused(error.fields)
    except errors.IllegalStepError as error:
        flash(_("Not allowed now: %(message)s", message=message_for_people(error.message)), "error")
        return {"_": [message_for_people(error.message)]}
    except errors.VersionConflictError:
        flash(_("Someone else changed this petition at the same time. Please check it and try again."), "error")
        return {"_": [_("Someone else changed this petition at the same time. Please check it and try again.")]}
    return {}
