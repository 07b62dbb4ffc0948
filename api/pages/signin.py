"""Sign in and out; switch the language."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.auth import current_principal, sign_in, sign_out
from api.context import services
from api.security import safe_next
from service import errors
from api.pages import LANGUAGES

bp = Blueprint("signin", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    principal = current_principal()
    if principal is None:
        return redirect(url_for("signin.login"))
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
            return redirect(safe_next(request.args.get("next")) or url_for("signin.home"))
        flash(_("Wrong user name or password."), "error")
        return render_template("login.html"), 401
    return render_template("login.html")


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
