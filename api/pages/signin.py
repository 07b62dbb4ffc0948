"""Sign in and out; switch the language."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.auth import current_principal, sign_in, sign_out
from api.context import SESSION_KEY, services
from api.security import safe_next
from service import errors
from api.pages import LANGUAGES, run_step

bp = Blueprint("signin", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    principal = current_principal()
    if principal is None:
        return redirect(url_for("signin.login"))
    if principal.must_change_password:
        return redirect(url_for("signin.change_password"))
    if principal.can("petition.receive"):
        return redirect(url_for("desk.intake"))
    if {"committee_secretary", "committee_member"} & set(principal.roles):
        return redirect(url_for("committee.agenda"))  # the committee's day starts at its agenda
    if principal.can("ledger.read") and not principal.can("worklist.read"):
        return redirect(url_for("leadership.ledger"))
    if principal.can("account.manage"):
        return redirect(url_for("admin.accounts"))
    return redirect(url_for("desk.find"))


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        try:
            signed = services().signin.sign_in(request.form.get("username", ""), request.form.get("password", ""),
                                               client=request.remote_addr or "")
        except errors.TooManyAttemptsError as error:
            flash(_("Too many wrong passwords. Please wait %(seconds)s seconds and try again.",
                    seconds=error.retry_after), "error")
            return render_template("login.html"), 429, {"Retry-After": str(error.retry_after)}
        if signed is not None:
            sign_in(*signed)
            if signed[0].must_change_password:
                flash(_("An administrator reset your password. Please choose your own before you go on."), "failure")
                return redirect(url_for("signin.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("signin.home"))
        flash(_("Wrong user name or password."), "error")
        return render_template("login.html"), 401
    return render_template("login.html")


@bp.route("/password", methods=["GET", "POST"])
def change_password():  # type: ignore[no-untyped-def]
    """The user's own password; after an administrator's reset, the only page open to them."""
    principal = current_principal()
    if principal is None:
        return redirect(url_for("signin.login", next=request.full_path))
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form
        session_id = session.get(SESSION_KEY)

        def step() -> None:
            if form.get("new_password", "") != form.get("new_password_repeat", ""):
                raise errors.InvalidInputError({"new_password_repeat": ["the two new passwords differ"]})
            try:
                services().signin.change_password(principal.username, current=form.get("current_password", ""),
                                                  new=form.get("new_password", ""),
                                                  session_id=session_id if isinstance(session_id, str) else "")
            except errors.InvalidInputError as error:  # the policy names "password": here it is the new one
                raise errors.InvalidInputError({("new_password" if name == "password" else name): messages
                                                for name, messages in error.fields.items()}) from None

        field_errors = run_step(step)
        if not field_errors:
            g.pop("principal", None)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("signin.home"))
    return render_template("password.html", errors=field_errors), (422 if field_errors else 200)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    sign_out()
    return redirect(url_for("signin.login"))


@bp.get("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    if code in LANGUAGES:
        session["lang"] = code
    referrer = urlsplit(request.referrer or "")
    back = urlunsplit(("", "", referrer.path, referrer.query, "")) if referrer.netloc == request.host else ""
    return redirect(safe_next(back) or url_for("signin.home"))
