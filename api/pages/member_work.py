"""Staff pages of members' work (issue 13): commitments (make, revise, progress, report; approve,
return, conclude, codes), and the printable reports (year-end PDFs and workbook, monthly column)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from api import commitment_schemas as cs
from api.pages import form_key, load_form, run_step, signed_in
from api.pages.residents import answers_from_form
from api.reports import PDF, XLSX, attachment
from service import errors

bp = Blueprint("work", __name__, url_prefix="/work")

STEP_FORMS: dict[str, type | None] = {
    "revise": cs.ReviseCommitmentSchema, "record_progress": cs.CommitmentProgressSchema,
    "report": cs.CommitmentReportSchema, "approve": None, "return_for_revision": cs.ReasonSchema,
    "conclude": cs.ConcludeSchema, "issue_evaluation_codes": cs.CodeCountSchema,
}


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else _this_year()


def _this_year() -> int:
    from api.context import services

    return services().clock.now().year


# ---- commitments ----

@bp.get("/commitments")
@signed_in(may="commitment.read")
def commitments():  # type: ignore[no-untyped-def]
    return _commitments_page({}, None, None)


def _commitments_page(field_errors: dict[str, list[str]], failed: str | None, failed_id: str | None,
                      status: int = 200, codes: list[str] | None = None):  # type: ignore[no-untyped-def]
    principal = g.user.principal
    year = _year()
    mine_only = not g.user.principal.can("commitment.approve")
    listed = g.user.commitments.list(year=year, member_id=principal.member_id if mine_only else None)
    for c in listed:
        c["steps"] = [s for s in c["allowed_steps"] if s in STEP_FORMS and g.user.may("commitments", s)
                      and (s not in ("revise", "record_progress", "report") or c["member_id"] == principal.member_id)]
    names = {m["id"]: m["name"] for c in g.user.communities.list() for m in c.get("members", [])}
    return render_template("work/commitments.html", commitments=listed, year=year, errors=field_errors, names=names,
                           failed=failed, failed_id=failed_id, form=request.form, codes=codes,
                           may_make=bool(principal.member_id) and principal.can("commitment.make"),
                           outcomes=cs.OUTCOMES), status


@bp.post("/commitments")
@signed_in(may="commitment.make")
def make_commitment():  # type: ignore[no-untyped-def]
    data = {k: request.form.get(k, "") for k in ("text", "visible_result", "target_date")}
    data["year"] = request.form.get("year", "")
    loaded, field_errors = load_form(cs.MakeCommitmentSchema(), data)
    if loaded is not None:
        field_errors = run_step(lambda: g.user.commitments.make(idempotency_key=form_key(), **loaded))
        if not field_errors:
            flash(_("Saved."), "success")
            return redirect(url_for("work.commitments", year=loaded["year"]))
    return _commitments_page(field_errors, "make", None, 422)


@bp.post("/commitments/<uuid:commitment_id>/<step>")
@signed_in(may="commitment.read")
def commitment_step(commitment_id: UUID, step: str):  # type: ignore[no-untyped-def]
    if step not in STEP_FORMS:
        return _commitments_page({}, None, None, 404)
    schema = STEP_FORMS[step]
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version", "idempotency_key", "year")}
    loaded, field_errors = load_form(schema(), data) if schema else ({}, {})
    codes: list[str] = []
    if loaded is not None:
        version = request.form.get("version", type=int)

        def command() -> None:
            method = getattr(g.user.commitments, step)
            if step == "issue_evaluation_codes":
                codes.extend(method(commitment_id, **loaded))
            else:
                method(commitment_id, expected_version=version, **loaded)

        field_errors = run_step(command)
        if not field_errors:
            if codes:  # shown once: printed from this page, never stored readable
                return _commitments_page({}, None, str(commitment_id), 201, codes=codes)
            flash(_("Saved."), "success")
            return redirect(url_for("work.commitments", year=request.form.get("year") or None))
    return _commitments_page(field_errors, step, str(commitment_id), 422)


# ---- reports ----

@bp.get("/reports")
@signed_in(may="review.read")
def reports():  # type: ignore[no-untyped-def]
    year = _year()
    month = request.args.get("month", type=int) or _this_month(year)
    data = g.user.reports.year_end(year=year)
    return render_template("work/reports.html", data=data, year=year, month=month,
                           may_ledger=g.user.principal.can("ledger.read"))


def _this_month(year: int) -> int:
    from api.context import services

    now = services().clock.now()
    return now.month if now.year == year else 12


@bp.get("/reports/year-end.pdf")
@signed_in(may="review.read")
def year_end_pdf() -> Response:
    year = _year()
    return attachment(g.user.reports.community_pdf(year=year), PDF, f"year-end-{year}.pdf")


@bp.get("/reports/year-end.xlsx")
@signed_in(may="ledger.read")
def year_end_xlsx() -> Response:
    year = _year()
    return attachment(g.user.reports.workbook(year=year), XLSX, f"year-end-{year}.xlsx")


@bp.get("/reports/members/<string:member_id>/year-end.pdf")
@signed_in(may="review.read")
def member_pdf(member_id: str) -> Response:
    year = _year()
    return attachment(g.user.reports.member_pdf(member_id=member_id, year=year), PDF,
                      f"year-end-{year}-{member_id}.pdf")


@bp.get("/reports/column")
@signed_in(may="ledger.read")
def monthly_column():  # type: ignore[no-untyped-def]
    year = _year()
    month = request.args.get("month", type=int) or _this_month(year)
    month = min(max(month, 1), 12)
    column = g.user.reports.monthly_column(year=year, month=month)
    return render_template("work/column.html", column=column)


# ---- questionnaires (the secretary's) ----

QUESTION_ROWS = 5
QUESTION_STEPS: dict[str, type | None] = {"open": None, "close": None, "issue_answer_codes": cs.CodeCountSchema,
                                          "publish_feedback": cs.FeedbackSchema}


@bp.get("/questionnaires")
@signed_in(may="questionnaire.read")
def questionnaires():  # type: ignore[no-untyped-def]
    return _questionnaires_page({})


def _questionnaires_page(field_errors: dict[str, list[str]], status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("work/questionnaires.html", questionnaires=g.user.questionnaires.list(),
                           errors=field_errors, form=request.form, rows=range(QUESTION_ROWS),
                           kinds=cs.QUESTION_KINDS, may_manage=g.user.principal.can("questionnaire.manage")), status


def _questions(form: Any) -> list[dict[str, Any]]:
    questions = []
    for i in range(QUESTION_ROWS):
        text = form.get(f"q{i}_text", "").strip()
        if not text:
            continue
        options = [o.strip() for o in form.get(f"q{i}_options", "").replace("；", ";").split(";") if o.strip()]
        questions.append({"kind": form.get(f"q{i}_kind", "single_choice"), "text": text, "options": options})
    return questions


@bp.post("/questionnaires")
@signed_in(may="questionnaire.manage")
def draft_questionnaire():  # type: ignore[no-untyped-def]
    data = {"community": g.user.principal.community_code or "", "title": request.form.get("title", ""),
            "questions": _questions(request.form), "anonymous": bool(request.form.get("anonymous")),
            "opens_on": request.form.get("opens_on", ""), "closes_on": request.form.get("closes_on", "")}
    loaded, field_errors = load_form(cs.DraftQuestionnaireSchema(), data)
    if loaded is not None:
        drafted: dict[str, Any] = {}
        field_errors = run_step(lambda: drafted.update(g.user.questionnaires.draft(idempotency_key=form_key(), **loaded)))
        if not field_errors:
            flash(_("Saved."), "success")
            return redirect(url_for("work.questionnaire", questionnaire_id=drafted["id"]))
    return _questionnaires_page(field_errors, 422)


@bp.get("/questionnaires/<uuid:questionnaire_id>")
@signed_in(may="questionnaire.read")
def questionnaire(questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    return _questionnaire_page(questionnaire_id, {}, None)


def _questionnaire_page(questionnaire_id: UUID, field_errors: dict[str, list[str]], failed: str | None,
                        status: int = 200, codes: list[str] | None = None):  # type: ignore[no-untyped-def]
    point = request.args.get("contact_point_id") or None
    found = g.user.questionnaires.get(questionnaire_id, contact_point_id=point)
    steps = [s for s in found["allowed_steps"] if s in QUESTION_STEPS and g.user.may("questionnaires", s)]
    may_answer = "answer" in found["allowed_steps"] and g.user.may("questionnaires", "answer")
    return render_template("work/questionnaire.html", q=found, steps=steps, errors=field_errors, failed=failed,
                           form=request.form, codes=codes, point=point, may_answer=may_answer,
                           answer_point=found["contact_point_id"] or (_own_contact_point() if may_answer else None),
                           answer_form=request.form if failed == "answer" else ImmutableMultiDict(),
                           problems=field_errors if failed == "answer" else {}), status


def _own_contact_point() -> str | None:
    """The signed-in member's contact point, where the answers they record are counted."""
    member_id = g.user.principal.member_id
    if not member_id:
        return None
    try:
        return g.user.contact_points.post(member_id)["contact_point_id"]
    except errors.NotFoundError:
        return None


@bp.post("/questionnaires/<uuid:questionnaire_id>/answer")
@signed_in(may="questionnaire.answer")
def answer_questionnaire(questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """A member records an answer sheet during a visit, on a phone; the form's key makes a repeat count once."""
    found = g.user.questionnaires.get(questionnaire_id)
    form = request.form
    data = {"answers": answers_from_form(found, form), "contact_point_id": form.get("contact_point_id") or None,
            "respondent": None if found["anonymous"] else (form.get("respondent") or "").strip() or None}
    loaded, field_errors = load_form(cs.AnswerSheetSchema(), data)
    answered: dict[str, Any] = {}
    if loaded is not None:
        field_errors = run_step(lambda: answered.update(g.user.questionnaires.answer(
            questionnaire_id, idempotency_key=form_key(), **loaded)))
    if not field_errors:
        flash(_("Answer sheet no. %(n)s saved.", n=answered["number"]), "success")
        return redirect(url_for("work.questionnaire", questionnaire_id=questionnaire_id))
    return _questionnaire_page(questionnaire_id, field_errors, "answer", 422)


@bp.post("/questionnaires/<uuid:questionnaire_id>/<step>")
@signed_in(may="questionnaire.read")
def questionnaire_step(questionnaire_id: UUID, step: str):  # type: ignore[no-untyped-def]
    if step not in QUESTION_STEPS:
        return _questionnaire_page(questionnaire_id, {}, None, 404)
    schema = QUESTION_STEPS[step]
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version", "idempotency_key")}
    loaded, field_errors = load_form(schema(), data) if schema else ({}, {})
    codes: list[str] = []
    if loaded is not None:
        version = request.form.get("version", type=int)

        def command() -> None:
            method = getattr(g.user.questionnaires, step)
            if step == "issue_answer_codes":
                codes.extend(method(questionnaire_id, **loaded))
            else:
                method(questionnaire_id, expected_version=version, **loaded)

        field_errors = run_step(command)
        if not field_errors:
            if codes:
                return _questionnaire_page(questionnaire_id, {}, None, 201, codes=codes)
            flash(_("Saved."), "success")
            return redirect(url_for("work.questionnaire", questionnaire_id=questionnaire_id))
    return _questionnaire_page(questionnaire_id, field_errors, step, 422)


# ---- year-end reviews (述职评议) ----

REVIEW_STEPS: dict[str, type] = {"report": cs.ReviewReportSchema, "record_evaluation": cs.ReviewEvaluationSchema,
                                 "issue_evaluation_codes": cs.CodeCountSchema, "rate": cs.RateSchema}


@bp.get("/reviews")
@signed_in(may="review.read")
def reviews():  # type: ignore[no-untyped-def]
    return _reviews_page({}, None, None)


def _reviews_page(field_errors: dict[str, list[str]], failed: str | None, failed_id: str | None,
                  status: int = 200, codes: list[str] | None = None):  # type: ignore[no-untyped-def]
    year = _year()
    data = g.user.reports.year_end(year=year)
    principal = g.user.principal
    for m in data["members"]:
        review = m["review"]
        allowed = review["allowed_steps"] if review else []
        m["steps"] = [s for s in ("report", "record_evaluation", "issue_evaluation_codes", "rate")
                      if (s if s != "record_evaluation" else "evaluate") in allowed and g.user.may("reviews", s)
                      and (s != "report" or m["member_id"] == principal.member_id)]
        m["may_gather"] = g.user.may("reviews", "gather") and (review is None or "gather" in allowed)
    return render_template("work/reviews.html", data=data, year=year, errors=field_errors, failed=failed,
                           failed_id=failed_id, form=request.form, ratings=cs.RATINGS,
                           sources=cs.STAFF_EVALUATION_SOURCES, codes=codes), status


@bp.post("/reviews/gather")
@signed_in(may="review.manage")
def gather_review():  # type: ignore[no-untyped-def]
    member_id = request.form.get("member_id", "")
    loaded, field_errors = load_form(cs.GatherReviewSchema(), {"member_id": member_id,
                                                               "year": request.form.get("year", "")})
    if loaded is not None:
        field_errors = run_step(lambda: g.user.reviews.gather(idempotency_key=form_key(), **loaded))
        if not field_errors:
            flash(_("Saved."), "success")
            return redirect(url_for("work.reviews", year=loaded["year"]))
    return _reviews_page(field_errors, "gather", member_id, 422)


@bp.post("/reviews/<uuid:review_id>/<step>")
@signed_in(may="review.read")
def review_step(review_id: UUID, step: str):  # type: ignore[no-untyped-def]
    if step not in REVIEW_STEPS:
        return _reviews_page({}, None, None, 404)
    data = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version", "idempotency_key", "year")}
    loaded, field_errors = load_form(REVIEW_STEPS[step](), data)
    if loaded is not None:
        version = request.form.get("version", type=int)

        codes: list[str] = []

        def command() -> None:
            method = getattr(g.user.reviews, step)
            if step == "record_evaluation":
                method(review_id, idempotency_key=form_key(), **loaded)
            elif step == "issue_evaluation_codes":
                codes.extend(method(review_id, **loaded))
            else:
                method(review_id, expected_version=version, **loaded)

        field_errors = run_step(command)
        if not field_errors:
            if codes:  # shown once: printed from this page, never stored readable
                return _reviews_page({}, None, str(review_id), 201, codes=codes)
            flash(_("Saved."), "success")
            return redirect(url_for("work.reviews", year=request.form.get("year") or None))
    return _reviews_page(field_errors, step, str(review_id), 422)
