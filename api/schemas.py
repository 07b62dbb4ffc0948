"""Every request and response body of the JSON API, as marshmallow schemas.

They are also the single source of the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from service.phones import NOT_A_PHONE, clean_phone, is_phone
from service.vocabulary import (
    CATEGORIES, CHANNELS, EXPLANATION_METHODS, EXPLANATION_REASONS, KINDS, MAX_NOTICE_DAYS, MEMBER_ROLES, SATISFACTION,
    STATUSES,
)

Text = fields.String


def required_text(max_length: int = 5000, **kwargs):  # type: ignore[no-untyped-def]
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length), **kwargs)


class Phone(fields.String):
    """A phone number as typed: full-width digits, spaces and dashes are normalised; anything else is refused."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        cleaned = clean_phone(super()._deserialize(value, attr, data, **kwargs))
        if not is_phone(cleaned):
            raise ValidationError(NOT_A_PHONE)
        return cleaned


class PetitionerSchema(Schema):
    name = Text(validate=validate.Length(max=50), metadata={"description": "姓名 (personal data)"})
    phone = Phone(metadata={"description": "digits; full-width digits, spaces and dashes are normalised "
                                           "(１３８ １２３４-５６７８ → 13812345678)"})
    address = Text(validate=validate.Length(max=200))
    erased = fields.Boolean(dump_only=True, metadata={"description": "true once erased on a lawful request"})


class ReceiveSchema(Schema):
    contact_point_id = required_text(60)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    summary = required_text(200, metadata={"description": "a short public summary, shown on the board"})
    details = required_text(5000, metadata={"description": "the full details (staff only)"})
    petitioner = fields.Nested(PetitionerSchema, allow_none=True, load_default=None,
                               metadata={"description": "omit or null for an anonymous petition"})
    received_by = fields.String(validate=validate.Length(max=60), load_default=None,
                                metadata={"description": "the receiving member's id (default: the signed-in user's)"})


class ResolveOnSpotSchema(Schema):
    action = required_text(metadata={"description": "what was done"})


class PlanStepSchema(Schema):
    due_date = fields.Date(required=True)
    description = required_text(500)


class SetDeadlineSchema(Schema):
    working_days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    responsible_member_id = required_text(60)
    plan = required_text()
    steps = fields.List(fields.Nested(PlanStepSchema), load_default=list, validate=validate.Length(max=20))


class ProgressSchema(Schema):
    note = required_text()
    completed_step = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))


class ExtendDeadlineSchema(Schema):
    working_days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "required by the workflow: an extension without one is refused (409)"})


class ResolveSchema(Schema):
    outcome = required_text()


class EscalateSchema(Schema):
    reason = required_text()


class ExplainSchema(Schema):
    reason_category = fields.String(required=True, validate=validate.OneOf(EXPLANATION_REASONS))
    explanation = required_text()
    method = fields.String(required=True, validate=validate.OneOf(EXPLANATION_METHODS))
    explained_on = fields.Date(load_default=None, metadata={"description": "defaults to today"})


class FollowUpSchema(Schema):
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class WithdrawSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class ErasePersonalDataSchema(Schema):
    requested_by = required_text(200, metadata={"description": "who lawfully asked for the erasure"})
    reason = required_text(2000, metadata={"description": "why: the legal ground"})


class ErasePersonSchema(Schema):
    phone = fields.String(load_default=None, validate=validate.Length(max=40), metadata={
        "description": "the petitioner's phone (either this or name)"})
    name = fields.String(load_default=None, validate=validate.Length(max=50), metadata={
        "description": "the petitioner's full name (either this or phone)"})
    requested_by = required_text(200, metadata={"description": "who lawfully asked for the erasure"})
    reason = required_text(2000, metadata={"description": "why: the legal ground"})


class ErasedPetitionSchema(Schema):
    reference = fields.String()
    position = fields.Integer()


class PersonErasureSchema(Schema):
    petitions = fields.List(fields.Nested(ErasedPetitionSchema), metadata={
        "description": "the petitions whose petitioner's personal data was erased"})
    position = fields.Integer()
    key_store_cleared = fields.Boolean(metadata={
        "description": "whether the key store also cleared what it keeps of the deleted keys (SQLite WAL, "
                       "PostgreSQL dead rows); if not, the next write to it or the next start does"})


class ReissueTrackingCodeSchema(Schema):
    reason = required_text(2000, metadata={"description": "why a new code is issued (e.g. the receipt was lost)"})


class MergeSchema(Schema):
    into = required_text(60, metadata={"description": "reference number of the petition this one duplicates"})


class DueDateQuerySchema(Schema):
    working_days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    start = fields.Date(load_default=None)


class DueDateSchema(Schema):
    start = fields.Date()
    working_days = fields.Integer()
    due_date = fields.Date()


class PlanStepViewSchema(Schema):
    due_date = fields.Date()
    description = fields.String()
    done = fields.Boolean()


class PetitionSchema(Schema):
    id = fields.UUID()
    reference = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(STATUSES)})
    allowed_steps = fields.List(fields.String())
    community_id = fields.UUID()
    community_code = fields.String()
    contact_point_id = fields.String()
    category = fields.String()
    channel = fields.String()
    summary = fields.String()
    details = fields.String()
    petitioner = fields.Nested(PetitionerSchema, allow_none=True)
    received_by = fields.String()
    received_at = fields.DateTime()
    due_date = fields.Date(allow_none=True)
    due_date_provisional = fields.Boolean(metadata={
        "description": "the due date reaches a year with no official calendar yet (counted provisionally)"})
    responsible_member_id = fields.String(allow_none=True)
    plan = fields.String()
    steps = fields.List(fields.Nested(PlanStepViewSchema))
    overdue = fields.Boolean()
    extensions = fields.Integer()
    outcome = fields.String()
    outcome_at = fields.DateTime(allow_none=True)
    matter_id = fields.UUID(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    reopened_count = fields.Integer()
    merged_into = fields.UUID(allow_none=True)
    duplicates = fields.List(fields.UUID())
    position = fields.Integer(metadata={"description": "log position of the last change (read-your-writes)"})


class ReceiptSchema(PetitionSchema):
    tracking_code = fields.String(metadata={"description": "give to the petitioner; it is not shown again"})


class HistoryEntrySchema(Schema):
    event = fields.String()
    version = fields.Integer()
    actor = fields.String()
    at = fields.DateTime()
    details = fields.Dict()


class PetitionWithHistorySchema(PetitionSchema):
    history = fields.List(fields.Nested(HistoryEntrySchema))


class ContactPointSchema(Schema):
    id = fields.String(dump_only=True)
    name = required_text(60)
    area = fields.String(load_default="", validate=validate.Length(max=200))


class MemberSchema(Schema):
    id = fields.String(dump_only=True)
    name = required_text(50)
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    contact_point_id = fields.String(load_default=None, allow_none=True)


class CommitteeRulesSchema(Schema):
    quorum = fields.String(required=True, validate=validate.Regexp(r"^\d+/\d+$|^0$", error="must be a fraction such as 2/3"))
    majority = fields.String(required=True, validate=validate.Regexp(r"^\d+/\d+$|^0$", error="must be a fraction such as 1/2"))
    notice_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_NOTICE_DAYS),
                                 metadata={"description": "the notice period (公示期) of a disclosed resolution, in days; "
                                                          "unchanged when left out"})


class CommunityCreateSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,40}$",
                         error="must be 1 to 40 letters, digits, '-' or '_'"))
    name = required_text(60)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class CommunitySchema(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    version = fields.Integer()
    committee_rules = fields.Nested(CommitteeRulesSchema)
    contact_points = fields.List(fields.Nested(ContactPointSchema))
    members = fields.List(fields.Nested(MemberSchema))


class TickResultSchema(Schema):
    marked_overdue = fields.List(fields.String())


class ProblemSchema(Schema):
    error = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields")
    state = fields.String()
    allowed_steps = fields.List(fields.String())
    version = fields.Integer()
