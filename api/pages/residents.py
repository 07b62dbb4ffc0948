"""Residents answer for themselves (no sign-in): a questionnaire's page, a commitment's and a year-end
review's evaluation page, each the target of a QR code on a paper notice; a one-time code handed out at the contact
point makes one answer per resident without collecting names."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from uuid import UUID

import segno
from flask import Blueprint, render_template, request

from api.context import services
from api.security import public_url
from service import errors

bp = Blueprint("residents", __name__, url_prefix="/board")


def _resident_form(template: str, context: dict[str, Any], submit: Callable[[str], Any], thanks: Callable[[Any], Any]):  # type: ignore[no-untyped-def]
    """One resident's answer page: shown, sent with the one-time code, refused at its fields (422) or slowed (429);
    what was typed stays in the form."""
    form = request.form
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            result = submit(request.remote_addr or "")
        except errors.InvalidInputError as error:
            problems = error.fields
        except errors.IllegalStepError as error:
            problems = {"_": [error.message]}
        except errors.TooManyAttemptsError as error:
            return render_template(template, **context, form=form, problems={"code": ["too_many"]},
                                   retry_after=error.retry_after), 429, {"Retry-After": str(error.retry_after)}
        else:
            return thanks(result)
    return render_template(template, **context, form=form, problems=problems), (422 if problems else 200)


@bp.route("/questionnaires/<uuid:questionnaire_id>", methods=["GET", "POST"])
def answer_questionnaire(questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    questionnaire = services().questionnaires.public_form(questionnaire_id)
    form = request.form
    return _resident_form(
        "residents/questionnaire.html", {"q": questionnaire},
        lambda client: services().questionnaires.answer_as_resident(
            questionnaire_id, code=form.get("code", ""), answers=answers_from_form(questionnaire, form), client=client),
        lambda answered: render_template("residents/thanks.html", number=answered["number"],
                                         title=questionnaire["title"]))


@bp.get("/questionnaires/<uuid:questionnaire_id>/notice")
def questionnaire_notice(questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """A printable notice for the board: the questionnaire's title, period and a QR code of its page."""
    questionnaire = services().questionnaires.public_form(questionnaire_id)
    address = public_url("residents.answer_questionnaire", questionnaire_id=questionnaire_id)
    return render_template("residents/notice.html", kind="questionnaire", title=questionnaire["title"],
                           q=questionnaire, address=address,
                           qr=_qr(address))


@bp.route("/commitments/<uuid:commitment_id>/evaluation", methods=["GET", "POST"])
def evaluate_commitment(commitment_id: UUID):  # type: ignore[no-untyped-def]
    commitment = services().commitments.public_one(commitment_id)
    form = request.form
    return _resident_form(
        "residents/evaluation.html", {"c": commitment},
        lambda client: services().commitments.evaluate_as_resident(
            commitment_id, code=form.get("code", ""), satisfaction=form.get("satisfaction", ""),
            comment=form.get("comment", ""), client=client),
        lambda _: render_template("residents/thanks.html", number=None, title=commitment["text"]))


@bp.get("/commitments/<uuid:commitment_id>/notice")
def commitment_notice(commitment_id: UUID):  # type: ignore[no-untyped-def]
    """A printable notice for the board: the commitment and a QR code of its evaluation page."""
    commitment = services().commitments.public_one(commitment_id)
    address = public_url("residents.evaluate_commitment", commitment_id=commitment_id)
    return render_template("residents/notice.html", kind="commitment",
                           title=f"{commitment['member']}：{commitment['text']}", address=address, qr=_qr(address))


@bp.route("/reviews/<uuid:review_id>/evaluation", methods=["GET", "POST"])
def evaluate_review(review_id: UUID):  # type: ignore[no-untyped-def]
    """评议: a resident evaluates a member's year-end report with a one-time code (a repeat counts once)."""
    review = services().reviews.public_one(review_id)
    form = request.form
    return _resident_form(
        "residents/review_evaluation.html", {"r": review},
        lambda client: services().reviews.evaluate_as_resident(
            review_id, code=form.get("code", ""), satisfaction=form.get("satisfaction", ""), client=client),
        lambda _: render_template("residents/thanks.html", number=None, title=f"{review['member']} · {review['year']}"))


@bp.get("/reviews/<uuid:review_id>/notice")
def review_notice(review_id: UUID):  # type: ignore[no-untyped-def]
    """A printable notice for the board: the member's year-end review and a QR code of its evaluation page."""
    review = services().reviews.public_one(review_id)
    address = public_url("residents.evaluate_review", review_id=review_id)
    return render_template("residents/notice.html", kind="review", title=f"{review['member']} · {review['year']}",
                           address=address, qr=_qr(address))


def answers_from_form(questionnaire: dict[str, Any], form: Any) -> dict[str, Any]:
    """The form's fields as the questionnaire's answers (unanswered questions left out); the residents'
    page and a member's answer sheet (/work/questionnaires/<id>) share it."""
    answers: dict[str, Any] = {}
    for index, question in enumerate(questionnaire["questions"]):
        name = f"q{index}"
        if question["kind"] == "multiple_choice":
            chosen = [int(v) for v in form.getlist(name) if v.isdigit()]
            if chosen:
                answers[str(index)] = chosen
        elif question["kind"] in ("single_choice", "rating"):
            value = form.get(name, "")
            if value.isdigit():
                answers[str(index)] = int(value)
        elif form.get(name, "").strip():
            answers[str(index)] = form[name].strip()
    return answers


def _qr(address: str) -> str:
    svg = io.BytesIO()
    segno.make(address, error="m").save(svg, kind="svg", scale=6, xmldecl=False, svgns=True)
    return svg.getvalue().decode()
