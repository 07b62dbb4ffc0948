"""Commitments (承诺) and questionnaires (问卷调查) over JSON: staff under /api/commitments and
/api/questionnaires; residents' own evaluations and answers under /api/public (no sign-in, a
one-time code instead)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from flask_smorest import Blueprint

from api import commitment_schemas as cs
from api.committee_schemas import EraseResidentDataSchema
from api.context import api_user, expected_version, idempotency_key, services
from api.schemas import ProblemSchema

commitments = Blueprint("commitments", __name__, url_prefix="/api/commitments",
                        description="承诺 Members' commitments: made, approved, kept, reported, evaluated (staff)")
questionnaires = Blueprint("questionnaires", __name__, url_prefix="/api/questionnaires",
                           description="问卷调查 Questionnaires: drafted, answered, counted, fed back (staff)")
public = Blueprint("public_member_work", __name__, url_prefix="/api/public",
                   description="公开栏 Commitments and questionnaire results; residents' own answers with a code")

ERRORS = {404: "not found", 409: "step out of order or concurrent change", 422: "invalid input"}


def _errors(blueprint: Blueprint):  # type: ignore[no-untyped-def]
    def decorate(func):  # type: ignore[no-untyped-def]
        for status, description in ERRORS.items():
            func = blueprint.alt_response(status, schema=ProblemSchema, description=description)(func)
        return func
    return decorate


# ---- commitments (staff) ----

@commitments.route("", methods=["GET"])
@commitments.arguments(cs.CommitmentListQuerySchema, location="query")
@commitments.response(200, cs.CommitmentSchema(many=True))
def list_commitments(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The community's commitments; ?year=, ?member_id= narrow the list"""
    return api_user().commitments.list(**query)


@commitments.route("", methods=["POST"])
@commitments.arguments(cs.MakeCommitmentSchema)
@commitments.response(201, cs.CommitmentSchema)
@_errors(commitments)
def make_commitment(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """承诺 Make a commitment for a year (a member's first or second)"""
    return api_user().commitments.make(idempotency_key=idempotency_key(), **data)


@commitments.route("/<uuid:commitment_id>", methods=["GET"])
@commitments.response(200, cs.CommitmentSchema)
@commitments.alt_response(404, schema=ProblemSchema, description="no such commitment")
def get_commitment(commitment_id: UUID):  # type: ignore[no-untyped-def]
    """One commitment with its progress, report and evaluations"""
    return api_user().commitments.get(commitment_id)


def _commitment_step(path: str, schema: type | None, action: str, summary: str) -> None:
    def view(*args: Any, commitment_id: UUID):  # type: ignore[no-untyped-def]
        data = args[0] if args else {}
        method = getattr(api_user().commitments, action)
        if action in ("record_evaluation",):
            return method(commitment_id, idempotency_key=idempotency_key(), **data)
        return method(commitment_id, expected_version=expected_version(), **data)

    view.__name__ = f"commitment_{action}"
    view.__doc__ = summary
    decorated = _errors(commitments)(commitments.response(200, cs.CommitmentSchema)(view))
    if schema is not None:
        decorated = commitments.arguments(schema)(decorated)
    commitments.route(f"/<uuid:commitment_id>/{path}", methods=["POST"])(decorated)


_commitment_step("revision", cs.ReviseCommitmentSchema, "revise", "Revise a proposed or returned commitment")
_commitment_step("approval", None, "approve", "亮诺 Approve: the commitment is shown on the board")
_commitment_step("return", cs.ReasonSchema, "return_for_revision", "Return to the member for revision, with a reason")
_commitment_step("progress", cs.CommitmentProgressSchema, "record_progress", "践诺 Record progress")
_commitment_step("report", cs.CommitmentReportSchema, "report", "述诺 The member's year-end report on it")
_commitment_step("evaluations", cs.StaffEvaluationSchema, "record_evaluation",
                 "评诺 Record a residents' evaluation given at a meeting or on a paper form")
_commitment_step("conclusion", cs.ConcludeSchema, "conclude", "End it: fulfilled, partly or not, with the reason")


@commitments.route("/<uuid:commitment_id>/evaluation-codes", methods=["POST"])
@commitments.arguments(cs.CodeCountSchema)
@commitments.response(201, cs.CodesSchema)
@_errors(commitments)
def commitment_codes(data: dict[str, Any], commitment_id: UUID):  # type: ignore[no-untyped-def]
    """One-time codes for residents' own evaluations (shown once: print them)"""
    return {"codes": api_user().commitments.issue_evaluation_codes(commitment_id, **data)}


# ---- questionnaires (staff) ----

@questionnaires.route("", methods=["GET"])
@questionnaires.arguments(cs.CommunityQuerySchema, location="query")
@questionnaires.response(200, cs.QuestionnaireSummarySchema(many=True))
def list_questionnaires(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The community's questionnaires"""
    return api_user().questionnaires.list(**query)


@questionnaires.route("", methods=["POST"])
@questionnaires.arguments(cs.DraftQuestionnaireSchema)
@questionnaires.response(201, cs.QuestionnaireSchema)
@_errors(questionnaires)
def draft_questionnaire(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Draft a questionnaire for a contact point or the whole community"""
    return api_user().questionnaires.draft(idempotency_key=idempotency_key(), **data)


@questionnaires.route("/erase-respondent-data", methods=["POST"])
@questionnaires.arguments(EraseResidentDataSchema)
@questionnaires.response(200, cs.RespondentErasureSchema)
@_errors(questionnaires)
def erase_respondent_data(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Erase a resident's name from every named answer sheet of a community's questionnaires, on a lawful
    request (who asked and why are recorded; the name is not)"""
    return api_user().questionnaires.erase_respondent_data(**data)


@questionnaires.route("/<uuid:questionnaire_id>", methods=["GET"])
@questionnaires.arguments(cs.QuestionnaireQuerySchema, location="query")
@questionnaires.response(200, cs.QuestionnaireSchema)
@questionnaires.alt_response(404, schema=ProblemSchema, description="no such questionnaire")
def get_questionnaire(query: dict[str, Any], questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """One questionnaire with its results (of one contact point with ?contact_point_id=) and free-text answers"""
    return api_user().questionnaires.get(questionnaire_id, **query)


def _questionnaire_step(path: str, schema: type | None, action: str, summary: str) -> None:
    def view(*args: Any, questionnaire_id: UUID):  # type: ignore[no-untyped-def]
        data = args[0] if args else {}
        return getattr(api_user().questionnaires, action)(questionnaire_id, expected_version=expected_version(),
                                                          **data)

    view.__name__ = f"questionnaire_{action}"
    view.__doc__ = summary
    decorated = _errors(questionnaires)(questionnaires.response(200, cs.QuestionnaireSchema)(view))
    if schema is not None:
        decorated = questionnaires.arguments(schema)(decorated)
    questionnaires.route(f"/<uuid:questionnaire_id>/{path}", methods=["POST"])(decorated)


_questionnaire_step("opening", None, "open", "Open it for answers (within its period)")
_questionnaire_step("closing", None, "close", "Close it")
_questionnaire_step("feedback", cs.FeedbackSchema, "publish_feedback", "反馈 Publish the results with the committee's note")


@questionnaires.route("/<uuid:questionnaire_id>/answer-codes", methods=["POST"])
@questionnaires.arguments(cs.CodeCountSchema)
@questionnaires.response(201, cs.CodesSchema)
@_errors(questionnaires)
def questionnaire_codes(data: dict[str, Any], questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """One-time codes for residents' own answers (shown once: print them)"""
    return {"codes": api_user().questionnaires.issue_answer_codes(questionnaire_id, **data)}


@questionnaires.route("/<uuid:questionnaire_id>/answers", methods=["POST"])
@questionnaires.arguments(cs.AnswerSheetSchema)
@questionnaires.response(201, cs.AnsweredSchema)
@_errors(questionnaires)
def answer_questionnaire(data: dict[str, Any], questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """A member records an answer sheet during a visit"""
    return api_user().questionnaires.answer(questionnaire_id, idempotency_key=idempotency_key(), **data)


# ---- public ----

@public.route("/communities/<code>/commitments", methods=["GET"])
@public.arguments(cs.YearQuerySchema, location="query")
@public.response(200, cs.PublicCommitmentSchema(many=True))
def public_commitments(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """亮诺 A community's approved commitments of a year (default this year)"""
    year = query["year"] or services().clock.now().year
    return services().commitments.public(code, year)


@public.route("/commitments/<uuid:commitment_id>/evaluations", methods=["POST"])
@public.arguments(cs.ResidentEvaluationSchema)
@public.response(201, cs.PublicCommitmentSchema)
@_errors(public)
@public.alt_response(429, schema=ProblemSchema, description="too many wrong codes: wait Retry-After seconds")
def evaluate_commitment(data: dict[str, Any], commitment_id: UUID):  # type: ignore[no-untyped-def]
    """评诺 A resident evaluates a commitment with their one-time code (the same code again counts once)"""
    return services().commitments.evaluate_as_resident(commitment_id, client=request.remote_addr or "", **data)


@public.route("/questionnaires/<uuid:questionnaire_id>", methods=["GET"])
@public.response(200, cs.PublicQuestionnaireFormSchema)
@public.alt_response(404, schema=ProblemSchema, description="no such questionnaire")
def questionnaire_form(questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """A questionnaire's questions, for residents answering it"""
    return services().questionnaires.public_form(questionnaire_id)


@public.route("/questionnaires/<uuid:questionnaire_id>/answers", methods=["POST"])
@public.arguments(cs.ResidentAnswerSheetSchema)
@public.response(201, cs.AnsweredSchema)
@_errors(public)
@public.alt_response(429, schema=ProblemSchema, description="too many wrong codes: wait Retry-After seconds")
def answer_as_resident(data: dict[str, Any], questionnaire_id: UUID):  # type: ignore[no-untyped-def]
    """A resident answers with their one-time code (the same code again counts once)"""
    return services().questionnaires.answer_as_resident(questionnaire_id, client=request.remote_addr or "", **data)


@public.route("/communities/<code>/questionnaires", methods=["GET"])
@public.response(200, cs.PublishedResultsSchema(many=True))
def published_questionnaires(code: str):  # type: ignore[no-untyped-def]
    """Questionnaire results fed back to residents, with the committee's note"""
    return services().questionnaires.published(code)


# ---- year-end reviews (述职评议) ----

reviews = Blueprint("reviews", __name__, url_prefix="/api/reviews",
                    description="述职评议 Year-end reviews: facts gathered, the member's report, residents' evaluation, "
                                "the committee's rating (staff)")


@reviews.route("", methods=["GET"])
@reviews.arguments(cs.CommitmentListQuerySchema(only=("year", "community")), location="query")
@reviews.response(200, cs.ReviewSchema(many=True))
def list_reviews(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The community's reviews, with their facts and score"""
    return api_user().reviews.list(**query)


@reviews.route("", methods=["POST"])
@reviews.arguments(cs.GatherReviewSchema)
@reviews.response(201, cs.ReviewSchema)
@_errors(reviews)
def gather_review(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Gather (or gather again, until rated) the facts of a member's year"""
    return api_user().reviews.gather(idempotency_key=idempotency_key(), **data)


@reviews.route("/weights", methods=["GET"])
@reviews.arguments(cs.CommunityQuerySchema, location="query")
@reviews.response(200, cs.WeightsSchema)
def review_weights(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """What the community's score weighs"""
    return api_user().reviews.weights(**query)


@reviews.route("/weights", methods=["PUT"])
@reviews.arguments(cs.WeightsSchema)
@reviews.response(200, cs.WeightsSchema)
@_errors(reviews)
def set_review_weights(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Set the community's score weights (they add up to 100)"""
    return api_user().reviews.set_weights(weights=data)


@reviews.route("/<uuid:review_id>", methods=["GET"])
@reviews.response(200, cs.ReviewSchema)
@reviews.alt_response(404, schema=ProblemSchema, description="no such review")
def get_review(review_id: UUID):  # type: ignore[no-untyped-def]
    """One review"""
    return api_user().reviews.get(review_id)


@reviews.route("/<uuid:review_id>/report", methods=["POST"])
@reviews.arguments(cs.ReviewReportSchema)
@reviews.response(200, cs.ReviewSchema)
@_errors(reviews)
def report_review(data: dict[str, Any], review_id: UUID):  # type: ignore[no-untyped-def]
    """述职 The member reports on their year"""
    return api_user().reviews.report(review_id, expected_version=expected_version(), **data)


@reviews.route("/<uuid:review_id>/evaluations", methods=["POST"])
@reviews.arguments(cs.ReviewEvaluationSchema)
@reviews.response(200, cs.ReviewSchema)
@_errors(reviews)
def evaluate_review(data: dict[str, Any], review_id: UUID):  # type: ignore[no-untyped-def]
    """Residents' evaluation from a meeting or a paper form"""
    return api_user().reviews.record_evaluation(review_id, idempotency_key=idempotency_key(), **data)


@reviews.route("/<uuid:review_id>/evaluation-codes", methods=["POST"])
@reviews.arguments(cs.CodeCountSchema)
@reviews.response(201, cs.CodesSchema)
@_errors(reviews)
def review_codes(data: dict[str, Any], review_id: UUID):  # type: ignore[no-untyped-def]
    """One-time codes for residents' own evaluations (shown once: print them)"""
    return {"codes": api_user().reviews.issue_evaluation_codes(review_id, **data)}


@reviews.route("/<uuid:review_id>/rating", methods=["POST"])
@reviews.arguments(cs.RateSchema)
@reviews.response(200, cs.ReviewSchema)
@_errors(reviews)
def rate_review(data: dict[str, Any], review_id: UUID):  # type: ignore[no-untyped-def]
    """The committee's rating, with its reasons (after residents' evaluation)"""
    return api_user().reviews.rate(review_id, expected_version=expected_version(), **data)


@public.route("/reviews/<uuid:review_id>/evaluations", methods=["POST"])
@public.arguments(cs.ResidentReviewEvaluationSchema)
@public.response(201, cs.EvaluationSummarySchema)
@_errors(public)
@public.alt_response(429, schema=ProblemSchema, description="too many wrong codes: wait Retry-After seconds")
def evaluate_review_as_resident(data: dict[str, Any], review_id: UUID):  # type: ignore[no-untyped-def]
    """A resident evaluates a member's year with their one-time code (the same code again counts once)"""
    return services().reviews.evaluate_as_resident(review_id, client=request.remote_addr or "", **data)


@public.route("/communities/<code>/reviews", methods=["GET"])
@public.arguments(cs.YearQuerySchema, location="query")
@public.response(200, cs.PublicReviewSchema(many=True))
def public_reviews(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """Year-end review results: ratings and residents' satisfaction (default: last year)"""
    return services().reviews.public(code, query["year"] or services().clock.now().year - 1)
