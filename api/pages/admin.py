"""The administrator's pages: staff accounts."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from api.pages import form_key, run_step, signed_in
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
