"""The committee's pages: the agenda by stage, opening a matter, and a matter page
offering exactly its next allowed steps (一征三议两公开)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api import committee_schemas as schemas
from api.pages import form_key, load_form, people, run_step, signed_in
from service.vocabulary import CHANNELS, STANCES

bp = Blueprint("committee", __name__, url_prefix="/committee")

STEP_FORMS: dict[str, type] = {
    "open_solicitation": schemas.SolicitationSchema,
    "record_opinion": schemas.OpinionSchema,
    "close_solicitation": schemas.CloseSolicitationSchema,
    "draft_proposal": schemas.ProposalSchema,
    "record_consultation": schemas.ConsultationSchema,
    "record_vote": schemas.VoteSchema,
    "disclose_resolution": schemas.DisclosureSchema,
    "record_objection": schemas.ObjectionSchema,
    "return_to_consultation": schemas.ReturnToConsultationSchema,
    "record_implementation_progress": schemas.ImplementationProgressSchema,
    "complete_implementation": schemas.ImplementationCompleteSchema,
    "disclose_result": schemas.ResultSchema,
    "end": schemas.EndSchema,
    "link_petitions": schemas.LinkPetitionsSchema,
}
LISTS = {"attendees": "\n", "cited_opinions": ",", "objections": ",", "petitions": ","}


@bp.get("")
@signed_in(may="matter.read")
def agenda():  # type: ignore[no-untyped-def]
    community = request.args.get("community") or g.user.principal.community_code or None
    listing = g.user.agenda.agenda(community=community, after=session.get("position"))
    return render_template("committee/agenda.html", agenda=listing)


@bp.get("/archive")
@signed_in(may="matter.read")
def archive():  # type: ignore[no-untyped-def]
    """Closed and ended matters, by the year they finished."""
    community = request.args.get("community") or g.user.principal.community_code or None
    year = request.args.get("year", type=int)
    listing = g.user.agenda.archive(year=year, community=community)
    return render_template("committee/archive.html", archive=listing)


@bp.route("/matters/new", methods=["GET", "POST"])
@signed_in(may="matter.manage")
def open_matter():  # type: ignore[no-untyped-def]
    community = g.user.principal.community_code
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {"community": request.form.get("community", community or ""), "title": request.form.get("title", ""),
                "description": request.form.get("description", ""), "petitions": request.form.getlist("petitions")}
        loaded, field_errors = load_form(schemas.MatterOpenSchema(), data)
        if loaded is not None:
            opened: dict[str, Any] = {}

            def command() -> None:
                outcome = g.user.committee.open(idempotency_key=form_key(), **loaded)
                session["position"] = outcome.position
                opened.update(outcome.matter)

            field_errors = run_step(command)
            if not field_errors:
                flash(_("The matter is opened."), "success")
                return redirect(url_for("committee.matter", matter_id=opened["id"]))
    escalated = g.user.worklist.worklist(status="escalated", community=community, per_page=100,
                                         after=session.get("position"))
    communities = [c for c in g.user.communities.list() if not community or c["code"] == community]
    return render_template("committee/open.html", escalated=escalated, communities=communities, errors=field_errors,
                           form=request.form), (422 if field_errors else 200)


@bp.get("/matters/<uuid:matter_id>")
@signed_in(may="matter.read")
def matter(matter_id: UUID):  # type: ignore[no-untyped-def]
    return _matter_page(matter_id, {}, None)


def _matter_page(matter_id: UUID, field_errors: dict[str, list[str]], failed_step: str | None, status: int = 200):  # type: ignore[no-untyped-def]
    current = g.user.committee.get(matter_id)
    community = next(c for c in g.user.communities.list() if str(c["id"]) == str(current["community_id"]))
    allowed = [s for s in current["allowed_steps"] if g.user.may("committee", s)]
    history = g.user.committee.history(matter_id)
    return render_template(
        "committee/matter.html", matter=current, history=history, people=people(history), steps=allowed,
        community=community, rules=community["committee_rules"], errors=field_errors, failed_step=failed_step,
        form=request.form, stances=STANCES, channels=CHANNELS,
    ), status


@bp.post("/matters/<uuid:matter_id>/<step>")
@signed_in(may="matter.read")
def take_step(matter_id: UUID, step: str):  # type: ignore[no-untyped-def]
    if step not in STEP_FORMS:
        return _matter_page(matter_id, {}, None, 404)
    schema = STEP_FORMS[step]
    loaded, field_errors = (load_form(schema(), _form_data(request.form)) if schema else ({}, {}))
    if loaded is not None:
        version = request.form.get("version", type=int)

        taken: dict[str, Any] = {}

        def command() -> None:
            outcome = getattr(g.user.committee, step)(matter_id, expected_version=version, idempotency_key=form_key(),
                                                      **loaded)
            session["position"] = outcome.position
            taken.update(outcome.matter)

        field_errors = run_step(command)
        if not field_errors:
            _flash_saved(step, taken)
            return redirect(url_for("committee.matter", matter_id=matter_id))
    return _matter_page(matter_id, field_errors, step, 422)


def _flash_saved(step: str, matter: dict[str, Any]) -> None:
    """Saved; a vote that did not pass is told as a failure, not in the success colour."""
    vote = (matter.get("votes") or [None])[-1] if step == "record_vote" else None
    if vote is not None and not vote["quorum_met"]:
        flash(_("The vote is recorded: no quorum. The resolution did not pass; the meeting may be held again."),
              "failure")
    elif vote is not None and not vote["passed"]:
        flash(_("The vote is recorded: the resolution was rejected."), "failure")
    else:
        flash(_("Saved."), "success")


def _form_data(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in form.items():
        if key in ("csrf_token", "version", "idempotency_key") or value == "":
            continue
        if key in LISTS:
            data[key] = [part.strip() for part in value.split(LISTS[key]) if part.strip()]
        else:
            data[key] = value
    return data
