"""The committee's JSON API: a matter decided by 一征三议两公开, one route per step."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import Blueprint

from api import committee_schemas as schemas
from api.context import api_user, expected_version, idempotency_key, with_etag
from api.schemas import ProblemSchema

blp = Blueprint(
    "matters", __name__, url_prefix="/api/matters",
    description="议题 Committee matters: 一征三议两公开, from solicitation to result disclosure (committee)",
)

COMMAND_ERRORS = {404: "no such matter", 409: "step out of order or concurrent change", 422: "invalid input"}


def _document_errors(func):  # type: ignore[no-untyped-def]
    for status, description in COMMAND_ERRORS.items():
        func = blp.alt_response(status, schema=ProblemSchema, description=description)(func)
    return func


@blp.route("", methods=["GET"])
@blp.arguments(schemas.MatterListQuerySchema, location="query")
@blp.response(200, schemas.MatterSummarySchema(many=True))
def list_matters(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Matters, newest first; ?stage= and ?community= narrow the list"""
    return api_user().committee.list(**query)


@blp.route("", methods=["POST"])
@blp.arguments(schemas.MatterOpenSchema)
@blp.response(201, schemas.MatterSchema)
@blp.alt_response(409, schema=ProblemSchema, description="a petition changed at the same time")
@blp.alt_response(422, schema=ProblemSchema, description="invalid input")
def open_matter(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Open a matter from escalated petitions, or on the committee's own initiative (no petitions)"""
    outcome = api_user().committee.open(idempotency_key=idempotency_key(), **data)
    body, headers = with_etag(outcome.matter, outcome.position)
    headers["Location"] = f"/api/matters/{body['id']}"
    return body, 201, headers


@blp.route("/erase-resident-data", methods=["POST"])
@blp.arguments(schemas.EraseResidentDataSchema)
@blp.response(200, schemas.ResidentErasureSchema)
@blp.alt_response(404, schema=ProblemSchema, description="no such community")
@blp.alt_response(422, schema=ProblemSchema, description="invalid input, or no opinion or objection names this resident")
def erase_resident_data(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Erase a resident's name from every opinion and objection of a community's matters, on a lawful
    request (who asked and why are recorded; the name is not)"""
    return api_user().committee.erase_resident_data(**data)


@blp.route("/<uuid:matter_id>", methods=["GET"])
@blp.response(200, schemas.MatterWithHistorySchema)
@blp.alt_response(404, schema=ProblemSchema, description="no such matter")
def get_matter(matter_id: UUID):  # type: ignore[no-untyped-def]
    """One matter: its stage, allowed next steps, every step's record and its full history"""
    committee = api_user().committee
    body, headers = with_etag(committee.get(matter_id))
    return {**body, "history": committee.history(matter_id)}, 200, headers


@blp.route("/<uuid:matter_id>/opinions/summary", methods=["GET"])
@blp.response(200, schemas.OpinionSummarySchema)
@blp.alt_response(404, schema=ProblemSchema, description="no such matter")
def opinion_summary(matter_id: UUID):  # type: ignore[no-untyped-def]
    """一征 The opinions recorded so far, counted by stance"""
    return api_user().committee.opinion_summary(matter_id)


@blp.route("/<uuid:matter_id>/solicitation/close", methods=["POST"])
@blp.arguments(schemas.CloseSolicitationSchema)
@_document_errors
@blp.response(200, schemas.MatterSchema)
def close_solicitation(data: dict[str, Any], matter_id: UUID):  # type: ignore[no-untyped-def]
    """一征 Close the solicitation (not before its window opens; before its last day has passed, with a reason)"""
    outcome = api_user().committee.close_solicitation(matter_id, expected_version=expected_version(),
                                                      idempotency_key=idempotency_key(), **data)
    return with_etag(outcome.matter, outcome.position)


def _command(path: str, schema: type, summary: str, action: str) -> None:
    def view(data: dict[str, Any], matter_id: UUID):  # type: ignore[no-untyped-def]
        method = getattr(api_user().committee, action)
        outcome = method(matter_id, expected_version=expected_version(), idempotency_key=idempotency_key(), **data)
        return with_etag(outcome.matter, outcome.position)

    view.__name__ = action
    view.__doc__ = summary
    decorated = _document_errors(blp.response(200, schemas.MatterSchema)(view))
    blp.route(f"/<uuid:matter_id>/{path}", methods=["POST"])(blp.arguments(schema)(decorated))


_command("petitions", schemas.LinkPetitionsSchema, "Attach later escalated petitions to the matter", "link_petitions")
_command("solicitation", schemas.SolicitationSchema, "一征 Open the solicitation: its window and question",
         "open_solicitation")
_command("opinions", schemas.OpinionSchema, "一征 Record a resident's opinion, within the window", "record_opinion")
_command("proposal", schemas.ProposalSchema, "一议 The branch drafts the proposal, or a new revision of it",
         "draft_proposal")
_command("consultation", schemas.ConsultationSchema,
         "二议 Record the two committees' consultation: agreed, or returned for revision", "record_consultation")
_command("vote", schemas.VoteSchema,
         "三议 Record the resolution vote; passed or rejected follows from the committee's rules", "record_vote")
_command("disclosure", schemas.DisclosureSchema, "一公开 Disclose the passed resolution for its notice period",
         "disclose_resolution")
_command("objections", schemas.ObjectionSchema, "一公开 Record an objection during the notice period",
         "record_objection")
_command("return-to-consultation", schemas.ReturnToConsultationSchema,
         "一公开 Send the matter back to 二议 on an objection", "return_to_consultation")
_command("implementation", schemas.ImplementationProgressSchema,
         "二公开 Record implementation progress (after the notice period)", "record_implementation_progress")
_command("implementation/complete", schemas.ImplementationCompleteSchema, "二公开 Record that implementation is complete",
         "complete_implementation")
_command("result", schemas.ResultSchema,
         "二公开 Disclose the result; the matter closes and its petitions are resolved with it", "disclose_result")
_command("end", schemas.EndSchema,
         "End a rejected matter; its petitions are explained with the committee's reason", "end")
