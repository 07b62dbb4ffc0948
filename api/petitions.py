"""The reception desk's JSON API: receive a petition and take it through its life."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api import schemas
from api.calendar_schemas import DueDateAnswerSchema
from api.context import api_user, expected_version, idempotency_key, services, with_etag

blp = Blueprint(
    "petitions", __name__, url_prefix="/api/petitions",
    description="群众诉求 Petitions: receive, triage, deadlines, follow-up (staff)",
)

COMMAND_ERRORS = {404: "no such petition", 409: "illegal step or concurrent change", 422: "invalid input"}


def _document_errors(func):  # type: ignore[no-untyped-def]
    for status, description in COMMAND_ERRORS.items():
        func = blp.alt_response(status, schema=schemas.ProblemSchema, description=description)(func)
    return func


@blp.route("", methods=["POST"])
@blp.arguments(schemas.ReceiveSchema)
@blp.response(201, schemas.ReceiptSchema)
@blp.alt_response(422, schema=schemas.ProblemSchema, description="invalid input")
def receive(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """受理 Receive a petition; answers its reference number and the petitioner's tracking code"""
    outcome, tracking_code = api_user().petitions.receive(idempotency_key=idempotency_key(), **data)
    body, headers = with_etag(outcome.petition, outcome.position)
    headers["Location"] = f"/api/petitions/{body['reference']}"
    return {**body, "tracking_code": tracking_code}, 201, headers


@blp.route("/<reference>", methods=["GET"])
@blp.response(200, schemas.PetitionWithHistorySchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such petition")
def get_petition(reference: str):  # type: ignore[no-untyped-def]
    """One petition: its state, deadline, allowed next steps and full history"""
    desk = api_user().petitions
    body, headers = with_etag(desk.get(reference))
    return {**body, "history": desk.history(reference)}, 200, headers


def _command(path: str, schema: type, summary: str, action: str) -> None:
    def view(data: dict[str, Any], reference: str):  # type: ignore[no-untyped-def]
        method = getattr(api_user().petitions, action)
        outcome = method(reference, expected_version=expected_version(), idempotency_key=idempotency_key(), **data)
        return with_etag(outcome.petition, outcome.position)

    view.__name__ = action
    view.__doc__ = summary
    decorated = _document_errors(blp.response(200, schemas.PetitionSchema)(view))
    blp.route(f"/<reference>/{path}", methods=["POST"])(blp.arguments(schema)(decorated))


_command("resolve-on-spot", schemas.ResolveOnSpotSchema, "当场解决 Resolve on the spot, with what was done", "resolve_on_spot")
_command("deadline", schemas.SetDeadlineSchema, "列出时限 Set a deadline in working days, with a plan", "set_deadline")
_command("progress", schemas.ProgressSchema, "Record a progress note (optionally completing a plan step)", "record_progress")
_command("extend", schemas.ExtendDeadlineSchema, "Extend the deadline; a reason is required", "extend_deadline")
_command("resolve", schemas.ResolveSchema, "办结 Resolve a deadlined petition, with the outcome", "resolve")
_command("escalate", schemas.EscalateSchema, "报党委 Escalate to the committee", "escalate")
_command("explain", schemas.ExplainSchema, "讲明原因 Explain why it cannot be solved", "explain")
_command("follow-up", schemas.FollowUpSchema, "回访 Record the follow-up; dissatisfied reopens", "follow_up")
_command("withdraw", schemas.WithdrawSchema, "Withdraw at the petitioner's request", "withdraw")
_command("erase-personal-data", schemas.ErasePersonalDataSchema,
         "Erase the petitioner's personal data on a lawful request (who asked and why are recorded)",
         "erase_personal_data")


@blp.route("/erase-person", methods=["POST"])
@blp.arguments(schemas.ErasePersonSchema)
@blp.response(200, schemas.PersonErasureSchema)
@blp.alt_response(422, schema=schemas.ProblemSchema,
                  description="invalid input, or no petition you may see has this petitioner")
def erase_person(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Erase a petitioner's personal data in every petition of theirs (in your community), found by phone
    or full name, on a lawful request (who asked and why are recorded)"""
    return api_user().petitions.erase_person(**data)


@blp.route("/<reference>/merge", methods=["POST"])
@blp.arguments(schemas.MergeSchema)
@_document_errors
@blp.response(200, schemas.PetitionSchema)
def merge(data: dict[str, Any], reference: str):  # type: ignore[no-untyped-def]
    """Merge this duplicate into another petition"""
    outcome = api_user().petitions.merge(reference, into_reference=data["into"], expected_version=expected_version(),
                                         idempotency_key=idempotency_key())
    return with_etag(outcome.petition, outcome.position)


@blp.route("/<reference>/tracking-code", methods=["POST"])
@blp.arguments(schemas.ReissueTrackingCodeSchema)
@_document_errors
@blp.response(200, schemas.ReceiptSchema)
def reissue_tracking_code(data: dict[str, Any], reference: str):  # type: ignore[no-untyped-def]
    """A new tracking code for a petitioner who lost the receipt; the old code stops working (who and why are recorded)"""
    outcome, code = api_user().petitions.reissue_tracking_code(
        reference, expected_version=expected_version(), idempotency_key=idempotency_key(), **data)
    body, headers = with_etag(outcome.petition, outcome.position)
    return {**body, "tracking_code": code}, 200, headers


supervision = Blueprint("supervision", __name__, url_prefix="/api", description="督办 Supervision and calendar")


@supervision.route("/tick", methods=["POST"])
@supervision.response(200, schemas.TickResultSchema)
def tick():  # type: ignore[no-untyped-def]
    """Mark overdue, once, every deadlined petition whose due date has passed"""
    return {"marked_overdue": api_user().supervision.tick()}


@supervision.route("/working-days/due-date", methods=["GET"])
@supervision.arguments(schemas.DueDateQuerySchema, location="query")
@supervision.response(200, DueDateAnswerSchema)
def due_date(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The due date N working days after a start date (default today), on the mainland China calendar"""
    start = query["start"] or services().clock.now().date()
    due = services().petitions.count_due_date(start, query["working_days"])
    return {"start": start, "working_days": query["working_days"], "due_date": due.due_date,
            "provisional": due.provisional}
