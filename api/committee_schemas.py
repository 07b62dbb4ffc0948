"""Request and response bodies of the committee's JSON API (一征三议两公开), as marshmallow schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import HistoryEntrySchema, required_text
from service.vocabulary import CHANNELS, CONSULTATION_OUTCOMES, DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS, STAGES, STANCES



def reference():  # type: ignore[no-untyped-def]
    return fields.String(validate=validate.Length(min=1, max=60))  # community code (≤ 40) + -YYYY-NNNNNN


def count():  # type: ignore[no-untyped-def]
    return fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


def optional_name(description: str):  # type: ignore[no-untyped-def]
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50),
                         metadata={"description": description})


# ---- requests ---------------------------------------------------------------------------

class MatterListQuerySchema(Schema):
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                              metadata={"description": "a community's code"})


class MatterOpenSchema(Schema):
    community = required_text(40, metadata={"description": "the community's code"})
    title = required_text(200, metadata={"description": "public: shown on the board"})
    description = required_text(5000, metadata={"description": "public: shown on the board"})
    petitions = fields.List(reference(), load_default=list, validate=validate.Length(max=100),
                            metadata={"description": "reference numbers of escalated petitions; none for a matter "
                                                     "the committee opens on its own initiative"})


class LinkPetitionsSchema(Schema):
    petitions = fields.List(reference(), required=True, validate=validate.Length(min=1, max=100),
                            metadata={"description": "reference numbers of escalated petitions"})


class SolicitationSchema(Schema):
    question = required_text(2000, metadata={"description": "the question put to residents"})
    opens_on = fields.Date(load_default=None, metadata={"description": "first day of the window; defaults to today"})
    closes_on = fields.Date(required=True, metadata={"description": "last day of the window"})


class EraseResidentDataSchema(Schema):
    community = required_text(40, metadata={"description": "the community's code"})
    name = required_text(50, metadata={"description": "the resident's full name, as given in opinions or objections"})
    requested_by = required_text(200, metadata={"description": "who lawfully asked for the erasure"})
    reason = required_text(2000, metadata={"description": "why: the legal ground"})


class ErasedRecordsSchema(Schema):
    matter_id = fields.UUID()
    opinions = fields.List(fields.Integer())
    objections = fields.List(fields.Integer())


class ResidentErasureSchema(Schema):
    matters = fields.List(fields.Nested(ErasedRecordsSchema), metadata={
        "description": "the opinions and objections whose resident's name was erased, per matter"})
    position = fields.Integer()


class OpinionSchema(Schema):
    resident = optional_name("the resident's name; omit or null for an anonymous opinion")
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    text = required_text(2000)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class CloseSolicitationSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "required while the announced window is still open (recorded with the closing)"})


class ProposalSchema(Schema):
    text = required_text(10000)
    cited_opinions = fields.List(fields.Integer(validate=validate.Range(min=1)), load_default=list,
                                 metadata={"description": "numbers of the opinions the proposal draws on"})


class ConsultationSchema(Schema):
    held_on = fields.Date(load_default=None, metadata={"description": "the meeting's date; defaults to today"})
    attendees = fields.List(fields.String(validate=validate.Length(min=1, max=50)), required=True,
                            validate=validate.Length(min=1, max=100))
    minutes = required_text(20000)
    outcome = fields.String(required=True, validate=validate.OneOf(CONSULTATION_OUTCOMES),
                            metadata={"description": "agreed goes on to the vote; returned goes back to drafting"})


class VoteSchema(Schema):
    held_on = fields.Date(load_default=None, metadata={"description": "the meeting's date; defaults to today"})
    eligible = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    present = count()
    votes_for = count()
    votes_against = count()
    abstentions = count()


class DisclosureSchema(Schema):
    notice_days = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_NOTICE_DAYS),
                                 metadata={"description": "length of the notice period (公示期) in days; defaults to "
                                                          f"the committee's (set with its rules, {DEFAULT_NOTICE_DAYS} "
                                                          "unless changed)"})
    text = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=10000),
                         metadata={"description": "the public wording; defaults to the resolution voted"})


class ObjectionSchema(Schema):
    objector = optional_name("the objector's name; omit or null for an anonymous objection")
    text = required_text(2000)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class ReturnToConsultationSchema(Schema):
    reason = required_text()
    objections = fields.List(fields.Integer(validate=validate.Range(min=1)), required=True,
                             validate=validate.Length(min=1),
                             metadata={"description": "numbers of the objections the matter is returned on"})


class ImplementationProgressSchema(Schema):
    note = required_text()
    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class ImplementationCompleteSchema(Schema):
    note = required_text()


class ResultSchema(Schema):
    result = required_text(metadata={"description": "the implementation result, for the board and the petitioners"})


class EndSchema(Schema):
    reason = required_text(metadata={"description": "why the matter ends; every linked petition is explained with it"})


# ---- responses --------------------------------------------------------------------------

class LinkedPetitionSchema(Schema):
    id = fields.UUID()
    reference = fields.String()
    linked_at = fields.DateTime()


class SolicitationViewSchema(Schema):
    question = fields.String()
    opens_on = fields.Date()
    closes_on = fields.Date()
    opened_by = fields.String()
    closed_at = fields.DateTime(allow_none=True)
    closed_early_because = fields.String(allow_none=True, metadata={
        "description": "the reason given for closing before the announced last day"})


class OpinionViewSchema(Schema):
    number = fields.Integer()
    resident = fields.String(allow_none=True)
    stance = fields.String()
    text = fields.String()
    channel = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class OpinionSummarySchema(Schema):
    support = fields.Integer()
    oppose = fields.Integer()
    suggestion = fields.Integer()
    total = fields.Integer()


class ProposalViewSchema(Schema):
    revision = fields.Integer()
    text = fields.String()
    cited_opinions = fields.List(fields.Integer())
    drafted_by = fields.String()
    drafted_at = fields.DateTime()


class ConsultationViewSchema(Schema):
    held_on = fields.Date()
    attendees = fields.List(fields.String())
    minutes = fields.String()
    outcome = fields.String()
    proposal_revision = fields.Integer()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class VoteViewSchema(Schema):
    held_on = fields.Date()
    eligible = fields.Integer()
    present = fields.Integer()
    votes_for = fields.Integer()
    votes_against = fields.Integer()
    abstentions = fields.Integer()
    quorum = fields.String(metadata={"description": "more than this fraction of eligible members must be present"})
    majority = fields.String(metadata={"description": "more than this fraction of those present must vote for"})
    quorum_met = fields.Boolean()
    passed = fields.Boolean()
    proposal_revision = fields.Integer()
    text = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class DisclosureViewSchema(Schema):
    round = fields.Integer()
    text = fields.String()
    disclosed_on = fields.Date()
    notice_days = fields.Integer()
    notice_ends = fields.Date(metadata={"description": "last day of the notice period"})
    disclosed_by = fields.String()


class ObjectionViewSchema(Schema):
    number = fields.Integer()
    disclosure_round = fields.Integer()
    objector = fields.String(allow_none=True)
    text = fields.String()
    channel = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class ReturnViewSchema(Schema):
    reason = fields.String()
    objections = fields.List(fields.Integer())
    returned_by = fields.String()
    returned_at = fields.DateTime()


class ProgressViewSchema(Schema):
    note = fields.String()
    percent = fields.Integer()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class CompletionViewSchema(Schema):
    note = fields.String()
    completed_on = fields.Date()
    recorded_by = fields.String()


class ImplementationViewSchema(Schema):
    percent = fields.Integer()
    progress = fields.List(fields.Nested(ProgressViewSchema))
    completed = fields.Nested(CompletionViewSchema, allow_none=True)


class ResultViewSchema(Schema):
    text = fields.String()
    disclosed_on = fields.Date()
    disclosed_by = fields.String()


class MatterSummarySchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    community_id = fields.UUID()
    title = fields.String()
    origin = fields.String(metadata={"enum": ["petitions", "committee"]})
    stage = fields.String(metadata={"enum": list(STAGES)})
    allowed_steps = fields.List(fields.String())
    opened_at = fields.DateTime()
    petitions = fields.List(fields.String(), metadata={"description": "reference numbers of the linked petitions"})


class MatterSchema(MatterSummarySchema):
    description = fields.String()
    opened_by = fields.String()
    petitions = fields.List(fields.Nested(LinkedPetitionSchema))  # type: ignore[assignment]
    solicitation = fields.Nested(SolicitationViewSchema, allow_none=True)
    opinions = fields.List(fields.Nested(OpinionViewSchema))
    opinion_summary = fields.Nested(OpinionSummarySchema)
    proposals = fields.List(fields.Nested(ProposalViewSchema), metadata={"description": "every revision, oldest first"})
    consultations = fields.List(fields.Nested(ConsultationViewSchema))
    votes = fields.List(fields.Nested(VoteViewSchema))
    disclosures = fields.List(fields.Nested(DisclosureViewSchema))
    objections = fields.List(fields.Nested(ObjectionViewSchema))
    returns = fields.List(fields.Nested(ReturnViewSchema))
    implementation = fields.Nested(ImplementationViewSchema)
    result = fields.Nested(ResultViewSchema, allow_none=True)
    end_reason = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    time_gates = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Date()),
                             metadata={"description": "allowed steps today's date holds back: opens_on (possible "
                                                      "from that day), closed_on (its time has passed), early_until "
                                                      "(possible now only with a reason)"})
    position = fields.Integer(metadata={"description": "log position of the last change (read-your-writes)"})


class MatterWithHistorySchema(MatterSchema):
    history = fields.List(fields.Nested(HistoryEntrySchema))
