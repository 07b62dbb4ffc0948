"""The administrator's pages: staff accounts (create, edit, deactivate, reset a password), communities and
their committees' rules."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from api.pages import form_key, load_form, refused, run_step, signed_in
from api.schemas import CommitteeRulesSchema
from service.vocabulary import KINDS, MEMBER_ROLES, ROLES

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/accounts", methods=["GET", "POST"])
@signed_in(may="account.manage")
def accounts():  # type: ignore[no-untyped-def]
    field_errors: dict[str, list[str]] = {}
    form = request.form
    if request.method == "POST":
        data = {
            "username": form.get("username", ""), "display_name": form.get("display_name", ""),
            "password": form.get("password", ""), "roles": form.getlist("roles"),
            "community_code": form.get("community_code") or None, "member_id": form.get("member_id") or None,
        }
        field_errors = run_step(lambda: g.user.accounts.register(idempotency_key=form_key(), **data))
        if not field_errors:
            flash(_("Account %(username)s created.", username=data["username"]), "success")
            return redirect(url_for("admin.accounts"))
    communities = g.user.communities.list()
    community_names = {c["code"]: c["name"] for c in communities}
    member_names = {m["id"]: f'{m["name"]} · {c["name"]}' for c in communities for m in c["members"]}
    return render_template("admin/accounts.html", accounts=g.user.accounts.list(), roles=ROLES,
                           communities=communities, community_names=community_names, member_names=member_names,
                           errors=field_errors, form=form), (422 if field_errors else 200)


@bp.route("/communities", methods=["GET", "POST"])
@signed_in(may="community.manage")
def communities():  # type: ignore[no-untyped-def]
    """Communities with their contact points and members; the administrator adds to them."""
    field_errors: dict[str, list[str]] = {}
    form = request.form
    if request.method == "POST":
        what = form.get("what")
        if what == "community":
            step = lambda: g.user.communities.register(  # noqa: E731
                idempotency_key=form_key(), code=form.get("code", ""), name=form.get("name", ""), kind=form.get("kind", ""))
        elif what == "contact_point":
            step = lambda: g.user.communities.add_contact_point(  # noqa: E731
                form.get("community", ""), idempotency_key=form_key(), name=form.get("name", ""), area=form.get("area", ""))
        else:
            step = lambda: g.user.communities.add_member(  # noqa: E731
                form.get("community", ""), idempotency_key=form_key(), name=form.get("name", ""), role=form.get("role", ""),
                contact_point_id=form.get("contact_point_id") or None)
        field_errors = run_step(step)
        if not field_errors:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.communities"))
    return render_template("admin/communities.html", communities=g.user.communities.list(), kinds=KINDS,
                           member_roles=MEMBER_ROLES, errors=field_errors, form=form), (422 if field_errors else 200)


@bp.route("/accounts/<username>", methods=["GET", "POST"])
@signed_in(may="account.manage")
def account(username: str):  # type: ignore[no-untyped-def]
    """One account: its name, roles and member; deactivate or reactivate it; reset its password."""
    current = g.user.accounts.get(username)
    field_errors: dict[str, list[str]] = {}
    form = request.form
    what = form.get("what", "")
    if request.method == "POST":
        accounts = g.user.accounts
        steps: dict[str, Any] = {
            "edit": lambda: accounts.edit(username, idempotency_key=form_key(), display_name=form.get("display_name", ""),
                                          roles=form.getlist("roles"), member_id=form.get("member_id") or None),
            "disable": lambda: accounts.disable(username, idempotency_key=form_key()),
            "reactivate": lambda: accounts.reactivate(username, idempotency_key=form_key()),
            "reset_password": lambda: accounts.reset_password(username, idempotency_key=form_key(),
                                                              password=form.get("password", "")),
        }
        done = {"edit": _("The account is saved."), "disable": _("The account is deactivated: it cannot sign in."),
                "reactivate": _("The account is active again."),
                "reset_password": _("The password is reset: %(name)s must change it at the next sign-in.",
                                    name=current["display_name"])}
        if what not in steps:
            return redirect(url_for("admin.account", username=username))
        field_errors = run_step(steps[what])
        if not field_errors:
            flash(done[what], "success")
            return redirect(url_for("admin.account", username=username))
    communities = g.user.communities.list()
    community = next((c for c in communities if c["code"] == current["community_code"]), None)
    edit = form if what == "edit" else {}  # what was typed, after an error; the account's values otherwise
    chosen_roles = form.getlist("roles") if what == "edit" else current["roles"]
    return render_template("admin/account.html", account=current, community=community, roles=ROLES,
                           chosen_roles=chosen_roles, edit=edit, what=what, errors=field_errors,
                           form=form), (422 if field_errors else 200)


@bp.route("/communities/<code>/rules", methods=["GET", "POST"])
@signed_in(may="community.manage")
def committee_rules(code: str):  # type: ignore[no-untyped-def]
    """The committee's quorum, majority and notice period."""
    community = g.user.communities.get(code)
    field_errors: dict[str, list[str]] = {}
    form = request.form
    if request.method == "POST":
        data = {name: (form.get(name) or "").strip().replace("／", "/") for name in ("quorum", "majority")}
        data["notice_days"] = (form.get("notice_days") or "").strip() or None
        loaded, field_errors = load_form(CommitteeRulesSchema(), data)
        if loaded is not None:
            fractions: dict[str, Fraction] = {}
            for name in ("quorum", "majority"):
                try:
                    fractions[name] = Fraction(loaded[name])
                except ZeroDivisionError:
                    field_errors.update(refused({name: ["must be a fraction such as 2/3"]}))
            if not field_errors:
                field_errors = run_step(lambda: g.user.communities.set_committee_rules(
                    code, idempotency_key=form_key(), notice_days=loaded["notice_days"], **fractions))
        if not field_errors:
            flash(_("The committee's rules are saved."), "success")
            return redirect(url_for("admin.committee_rules", code=code))
    return render_template("admin/rules.html", community=community, rules=community["committee_rules"],
                           errors=field_errors, form=form), (422 if field_errors else 200)
