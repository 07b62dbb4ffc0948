"""Sign in and out; switch the language."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.auth import current_principal, sign_in, sign_out
from api.context import services
from api.pages import LANGUAGES

bp = Blueprint("signin", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    principal = current_principal()
    if principal is None:
        return redirect(url_for("signin.login"))
    if principal.can("petition.receive"):
        return redirect(url_for("desk.intake"))
    if principal.can("ledger.read") and not principal.can("worklist.read"):
        return redirect(url_for("leadership.ledger"))
    if principal.can("account.manage"):
        return redirect(url_for("admin.accounts"))
    return redirect(url_for("desk.find"))


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        principal = services().accounts.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if principal is not None:
            sign_in(principal)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("signin.home"))
        flash(_("Wrong user name or password."), "error")
    return render_template("login.html")


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    sign_out()
    return redirect(url_for("signin.login"))


@bp.get("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("signin.home")
    return redirect(target)
