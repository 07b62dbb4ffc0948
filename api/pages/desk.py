"""The reception desk's pages: intake, a petition with its timeline and next steps, the receipt."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

import segno
from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api import schemas
from api.context import services
from api.pages import form_key, load_form, people, run_step, signed_in
from api.pages.messages import for_people
from api.security import public_url
from service import errors
from service.vocabulary import CATEGORIES, CHANNELS, EXPLANATION_METHODS, EXPLANATION_REASONS, SATISFACTION

bp = Blueprint("desk", __name__, url_prefix="/desk")

STEP_FORMS: dict[str, tuple[str, type]] = {
    "resolve_on_spot": ("resolve_on_spot", schemas.ResolveOnSpotSchema),
    "set_deadline": ("set_deadline", schemas.SetDeadlineSchema),
    "record_progress": ("record_progress", schemas.ProgressSchema),
    "extend_deadline": ("extend_deadline", schemas.ExtendDeadlineSchema),
    "resolve": ("resolve", schemas.ResolveSchema),
    "escalate": ("escalate", schemas.EscalateSchema),
    "explain": ("explain", schemas.ExplainSchema),
    "follow_up": ("follow_up", schemas.FollowUpSchema),
    "withdraw": ("withdraw", schemas.WithdrawSchema),
    "merge": ("merge", schemas.MergeSchema),
}


def _community_code() -> str | None:
    return g.user.principal.community_code


def _choices() -> dict[str, Any]:
    return {"categories": CATEGORIES, "channels": CHANNELS, "reasons": EXPLANATION_REASONS,
            "methods": EXPLANATION_METHODS, "satisfactions": SATISFACTION}


@bp.route("/new", methods=["GET", "POST"])
@signed_in(may="petition.receive")
def intake():  # type: ignore[no-untyped-def]
    communities = [c for c in g.user.communities.list() if not _community_code() or c["code"] == _community_code()]
    form: dict[str, Any] = {
        "contact_point_id": session.get("contact_point_id", ""), "channel": "desk", "category": "",
        "received_by": g.user.principal.member_id or "",
    }
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        anonymous = form.get("anonymous") == "on"
        petitioner = {k: form.get(f"petitioner_{k}", "").strip() for k in ("name", "phone", "address")}
        data = {k: form.get(k, "") for k in ("contact_point_id", "category", "channel", "summary", "details", "received_by")}
        if not data["details"].strip():
            data["details"] = data["summary"]  # the details start from the summary: a blank one keeps it
        data["petitioner"] = None if anonymous else {k: v for k, v in petitioner.items() if v} or None
        loaded, field_errors = load_form(schemas.ReceiveSchema(), data)
        day_id = _reception_day_choice(form.get("reception_day_id", ""), field_errors)
        if loaded is not None and not field_errors:
            receipt: dict[str, Any] = {}
            field_errors = run_step(lambda: receipt.update(_receive(loaded)))
            if not field_errors and day_id is not None:  # in the same submission; a repeat links once
                linked = run_step(lambda: g.user.reception_days.link_petition(day_id, reference=receipt["reference"]))
                if linked:
                    flash(_("Received, but not linked to the reception day: %(why)s",
                            why=" ".join(m for ms in linked.values() for m in ms)), "error")
            if not field_errors:
                session["contact_point_id"] = loaded["contact_point_id"]
                session["tracking_code"] = {"reference": receipt["reference"], "code": receipt["tracking_code"]}
                flash(_("Received as %(reference)s.", reference=receipt["reference"]), "success")
                return redirect(url_for("desk.petition", reference=receipt["reference"]))
    return render_template("desk/intake.html", communities=communities, form=form, errors=field_errors,
                           reception_days=_reception_days_today(), **_choices())


def _reception_days_today() -> list[dict[str, Any]]:
    """The community's reception days held today, to link a petition received at one (接待日)."""
    if not g.user.may("reception_days", "link_petition") or not _community_code():
        return []
    today = services().clock.now().date()
    return [d for d in g.user.reception_days.list(coming=True) if d["held_on"] == today and d["status"] == "scheduled"]


def _reception_day_choice(value: str, field_errors: dict[str, list[str]]) -> UUID | None:
    """The reception day chosen on the intake form (none: blank); one that is not today's is refused by field."""
    if not value.strip():
        return None
    try:
        chosen = UUID(value)
    except ValueError:
        chosen = None
    if chosen is None or all(d["id"] != chosen and str(d["id"]) != value for d in _reception_days_today()):
        field_errors["reception_day_id"] = [_("Choose one of today's reception days, or none.")]
        return None
    return chosen


def _receive(data: dict[str, Any]) -> dict[str, Any]:
    outcome, tracking_code = g.user.petitions.receive(idempotency_key=form_key(), **data)
    session["position"] = outcome.position
    return {**outcome.petition, "tracking_code": tracking_code}


@bp.get("/find")
@signed_in
def find():  # type: ignore[no-untyped-def]
    reference = request.args.get("reference", "").strip()
    if reference:
        try:
            g.user.petitions.get(reference)
            return redirect(url_for("desk.petition", reference=reference))
        except errors.NotFoundError:
            flash(_("No petition has the reference number %(reference)s.", reference=reference), "error")
    example = f"{g.user.principal.community_code or 'jinhua'}-{services().clock.now().year}-000123"
    return render_template("desk/find.html", reference=reference, example=example)


@bp.get("/petitions/<reference>")
@signed_in
def petition(reference: str):  # type: ignore[no-untyped-def]
    return _petition_page(reference, {}, None)


def _petition_page(reference: str, field_errors: dict[str, list[str]], failed_step: str | None, status: int = 200):  # type: ignore[no-untyped-def]
    current = g.user.petitions.get(reference)
    community = g.user.communities.get(current["community_code"])
    members = {m["id"]: m for m in community["members"]}
    points = {p["id"]: p for p in community["contact_points"]}
    tracking = session.get("tracking_code") or {}
    history = g.user.petitions.history(reference)
    matter = (g.user.committee.get(current["matter_id"])  # the committee matter it waits on or was ended by
              if current.get("matter_id") and g.user.may("committee", "get") else None)
    return render_template(
        "desk/petition.html", petition=current, history=history, people=people(history), members=members,
        matter=matter,
        points=points, errors=field_errors, failed_step=failed_step, form=request.form,
        tracking_code=tracking.get("code") if tracking.get("reference") == reference else None,
        today=services().clock.now().date(), deadline=g.user.petitions.deadline(reference), **_choices(),
    ), status


@bp.post("/petitions/<reference>/<step>")
@signed_in
def take_step(reference: str, step: str):  # type: ignore[no-untyped-def]
    if step not in STEP_FORMS:
        return _petition_page(reference, {}, None, 404)
    method_name, schema = STEP_FORMS[step]
    data = _step_data(step, request.form)
    loaded, field_errors = load_form(schema(), data)
    if loaded is not None:
        version = request.form.get("version", type=int)
        def command() -> None:
            outcome = getattr(g.user.petitions, method_name)(reference, expected_version=version,
                                                             idempotency_key=form_key(), **_step_args(step, loaded))
            session["position"] = outcome.position

        field_errors = run_step(command)
        if not field_errors:
            flash(_("Saved."), "success")
            return redirect(url_for("desk.petition", reference=reference))
    return _petition_page(reference, field_errors, step, 422)


def _step_data(step: str, form: Any) -> dict[str, Any]:
    data = {k: v for k, v in form.items() if k not in ("csrf_token", "version", "idempotency_key")}
    if step == "set_deadline":
        steps = []
        for index in range(5):
            due, text = form.get(f"step_{index}_due", ""), form.get(f"step_{index}_text", "").strip()
            if due or text:
                steps.append({"due_date": due, "description": text})
            data.pop(f"step_{index}_due", None)
            data.pop(f"step_{index}_text", None)
        data["steps"] = steps
    if step == "record_progress" and not data.get("completed_step"):
        data["completed_step"] = None
    if step == "explain" and not data.get("explained_on"):
        data.pop("explained_on", None)
    return data


def _step_args(step: str, loaded: dict[str, Any]) -> dict[str, Any]:
    if step == "merge":
        return {"into_reference": loaded["into"]}
    return loaded


@bp.post("/petitions/<reference>/reissue")
@signed_in(may="petition.receive")
def reissue(reference: str):  # type: ignore[no-untyped-def]
    """A new tracking code for a petitioner who lost the receipt; the old one stops working."""
    loaded, field_errors = load_form(schemas.ReissueTrackingCodeSchema(), {"reason": request.form.get("reason", "")})
    if loaded is not None:
        issued: dict[str, Any] = {}

        def command() -> None:
            outcome, code = g.user.petitions.reissue_tracking_code(
                reference, expected_version=request.form.get("version", type=int), idempotency_key=form_key(), **loaded)
            session["position"] = outcome.position
            issued["code"] = code

        field_errors = run_step(command)
        if not field_errors:
            session["tracking_code"] = {"reference": reference, "code": issued["code"]}
            flash(_("A new tracking code is issued; the old one no longer works."), "success")
            return redirect(url_for("desk.petition", reference=reference))
    return _petition_page(reference, field_errors, "reissue", 422)


@bp.get("/petitions/<reference>/receipt")
@signed_in
def receipt(reference: str):  # type: ignore[no-untyped-def]
    current = g.user.petitions.get(reference)
    tracking = session.get("tracking_code") or {}
    code = tracking.get("code") if tracking.get("reference") == reference else None
    lookup_url = public_url("lookup.lookup", reference=reference)
    if code:
        lookup_url = public_url("lookup.lookup", reference=reference, code=code)
    svg = io.BytesIO()
    segno.make(lookup_url, error="m").save(svg, kind="svg", scale=4, xmldecl=False, svgns=True)
    community = g.user.communities.get(current["community_code"])
    return render_template("desk/receipt.html", petition=current, tracking_code=code, qr_svg=svg.getvalue().decode(),
                           lookup_url=lookup_url, community=community)




@bp.get("/worklist")
@signed_in(may="worklist.read")
def worklist():  # type: ignore[no-untyped-def]
    """Open petitions, the nearest deadline first; due-soon and overdue highlighted; search by reference, name or phone."""
    args = request.args
    community = args.get("community") or g.user.principal.community_code or None
    text = args.get("q", "").strip()
    page_number = max(args.get("page", 1, type=int) or 1, 1)
    filters = {
        "contact_point_id": args.get("contact_point_id") or None, "member_id": args.get("member_id") or None,
        "overdue": True if args.get("overdue") == "1" else None,
        "due_within": args.get("due_within", type=int) if args.get("due_within") else None,
    }
    status = 200
    listing = None
    if text:
        try:
            listing = g.user.worklist.search(text, page=page_number, per_page=25, community=community,
                                             after=session.get("position"))
        except errors.InvalidInputError as error:
            flash(_("Not searched: %(problem)s", problem=" ".join(sum(for_people(error.fields).values(), []))), "error")
            status = 422
    if listing is None:
        listing = g.user.worklist.worklist(page=page_number, per_page=25, community=community,
                                           after=session.get("position"), **filters)
    communities = [c for c in g.user.communities.list() if not community or c["code"] == community]
    from_visits = g.user.visits.visits_of_petitions([p["reference"] for p in listing.items])
    return render_template("desk/worklist.html", listing=listing, communities=communities, args=args, text=text,
                           from_visits=from_visits, several=len(communities) > 1,
                           community_names={c["code"]: c["name"] for c in communities},
                           today=services().clock.now().date()), status
