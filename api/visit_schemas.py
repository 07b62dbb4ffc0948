"""Request and response bodies of the contact-point work's JSON API (visits, diary, households,
pairing, supervision, posts and cards, reception days), as marshmallow schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import PetitionSchema, required_text
from service.vocabulary import CATEGORIES, PAIRING_KINDS, PAIRING_OUTCOMES, SUPERVISION_STATUSES, VISIT_FORMS

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="must be a month written YYYY-MM")


def optional_text(max_length: int = 2000, **kwargs):  # type: ignore[no-untyped-def]
    return fields.String(load_default="", validate=validate.Length(max=max_length), **kwargs)


def member_id(**kwargs):  # type: ignore[no-untyped-def]
    return fields.String(validate=validate.Length(min=1, max=60), **kwargs)


def after():  # type: ignore[no-untyped-def]
    return fields.Integer(load_default=None, validate=validate.Range(min=0),
                          metadata={"description": "a log position: answer once the read models have applied it"})


# ---- visits and the diary ----------------------------------------------------------------

class VisitRecordSchema(Schema):
    visited_on = fields.Date(required=True)
    form = fields.String(required=True, validate=validate.OneOf(VISIT_FORMS))
    households = fields.List(fields.String(validate=validate.Length(min=1, max=36)), load_default=list,
                             validate=validate.Length(max=50),
                             metadata={"description": "ids of the member's households met"})
    people_met = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10000))
    learned = required_text(2000, metadata={"description": "what was learned (民情)"})
    guidance = optional_text(metadata={"description": "guidance given"})
    opinions = optional_text(metadata={"description": "opinions collected"})
    help_given = optional_text(metadata={"description": "help given"})
    makes_up = fields.String(load_default=None, allow_none=True, validate=MONTH,
                             metadata={"description": "the earlier month this visit makes up for (YYYY-MM)"})


class RaisedPetitionRefSchema(Schema):
    reference = fields.String()
    summary = fields.String()


class MetHouseholdSchema(Schema):
    id = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "personal data: only for who needs to know"})


class VisitSchema(Schema):
    id = fields.UUID()
    community = fields.String()
    contact_point_id = fields.String()
    member_id = fields.String()
    member = fields.String()
    visited_on = fields.Date()
    month = fields.String()
    form = fields.String()
    households = fields.List(fields.Nested(MetHouseholdSchema))
    people_met = fields.Integer()
    learned = fields.String()
    guidance = fields.String()
    opinions = fields.String()
    help_given = fields.String()
    makes_up = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    petitions = fields.List(fields.Nested(RaisedPetitionRefSchema))
    version = fields.Integer()
    position = fields.Integer()


class VisitRowSchema(Schema):
    id = fields.String()
    member_id = fields.String()
    member = fields.String()
    contact_point_id = fields.String()
    visited_on = fields.Date()
    form = fields.String()
    households = fields.Integer(metadata={"description": "how many households were met"})
    people_met = fields.Integer()
    learned = fields.String()
    guidance = fields.String()
    opinions = fields.String()
    help_given = fields.String()
    makes_up = fields.String(allow_none=True)
    petitions = fields.List(fields.Nested(RaisedPetitionRefSchema))


class VisitListQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    member_id = member_id(load_default=None)
    month = fields.String(load_default=None, validate=MONTH)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    after = after()


class VisitPageSchema(Schema):
    items = fields.List(fields.Nested(VisitRowSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    position = fields.Integer()


class DiaryQuerySchema(Schema):
    member_id = member_id(load_default=None, metadata={"description": "default: the signed-in member"})
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2999))
    after = after()


class RuleSchema(Schema):
    per_month = fields.Integer()
    phone_counts = fields.Boolean()


class DiaryMonthSchema(Schema):
    month = fields.String()
    counted = fields.Integer(metadata={"description": "visits counted for the month under the rule"})
    visits = fields.List(fields.Nested(VisitRowSchema))


class DiarySchema(Schema):
    member_id = fields.String()
    name = fields.String()
    year = fields.Integer()
    rule = fields.Nested(RuleSchema)
    months = fields.List(fields.Nested(DiaryMonthSchema))
    position = fields.Integer()


class PetitionerOnVisitSchema(Schema):
    name = fields.String(validate=validate.Length(max=50))
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9][0-9 -]{4,19}$", error="must be a phone number"))
    address = fields.String(validate=validate.Length(max=200))


class RaisePetitionSchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    summary = required_text(200, metadata={"description": "a short public summary, shown on the board"})
    details = required_text(5000)
    petitioner = fields.Nested(PetitionerOnVisitSchema, allow_none=True, load_default=None)


class RaisedPetitionSchema(Schema):
    visit = fields.Nested(VisitSchema)
    petition = fields.Nested(PetitionSchema)
    tracking_code = fields.String()
    position = fields.Integer()


# ---- households and pairing ----------------------------------------------------------------

class PersonSchema(Schema):
    name = required_text(50)
    phone = fields.String(load_default="", validate=validate.Length(max=30))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    difficulties = fields.String(load_default="", validate=validate.Length(max=1000))
    erased = fields.Boolean(dump_only=True)


class HouseholdRegisterSchema(Schema):
    person = fields.Nested(PersonSchema, required=True, metadata={"description": "personal data (sealed, erasable)"})
    contact = fields.Boolean(load_default=True, metadata={"description": "a contact household (联系户)"})
    member_id = member_id(load_default=None, metadata={"description": "default: the signed-in member"})


class HouseholdSchema(Schema):
    id = fields.UUID()
    community = fields.String()
    contact_point_id = fields.String()
    member_id = fields.String()
    contact = fields.Boolean()
    registered_at = fields.DateTime()
    erased = fields.Boolean()
    person = fields.Nested(PersonSchema, allow_none=True,
                           metadata={"description": "only for the member, the desk staff and the secretary"})
    version = fields.Integer()
    position = fields.Integer()


class HouseholdListQuerySchema(Schema):
    member_id = member_id(load_default=None)
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class EraseSchema(Schema):
    requested_by = required_text(100)
    reason = required_text(500)


class PairSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(PAIRING_KINDS))
    member_id = member_id(load_default=None, metadata={"description": "default: the household's member"})


class HelpActionSchema(Schema):
    due_date = fields.Date(required=True)
    description = required_text(300)
    done_on = fields.Date(dump_only=True, allow_none=True)


class HelpPlanSchema(Schema):
    targets = fields.List(required_text(300), required=True, validate=validate.Length(min=1, max=10))
    actions = fields.List(fields.Nested(HelpActionSchema), required=True, validate=validate.Length(min=1, max=30))


class HelpSchema(Schema):
    note = required_text(1000)
    given_on = fields.Date(load_default=None)
    action = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0),
                            metadata={"description": "the plan action this help completes"})


class HelpGivenSchema(Schema):
    given_on = fields.Date()
    note = fields.String()
    action = fields.Integer(allow_none=True)
    recorded_by = fields.String()


class EndPairingSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(PAIRING_OUTCOMES))
    note = optional_text(1000)


class PairingSchema(Schema):
    id = fields.UUID()
    member_id = fields.String()
    member = fields.String()
    household = fields.Nested(HouseholdSchema)
    kind = fields.String()
    status = fields.String()
    started_on = fields.Date()
    targets = fields.List(fields.String())
    actions = fields.List(fields.Nested(HelpActionSchema))
    help = fields.List(fields.Nested(HelpGivenSchema))
    progress = fields.Integer(metadata={"description": "percent of the plan's actions done"})
    outcome = fields.String()
    allowed_steps = fields.List(fields.String())
    version = fields.Integer()
    position = fields.Integer()


class PairingListQuerySchema(Schema):
    member_id = member_id(load_default=None)


# ---- posts, cards, the rule, supervision ----------------------------------------------------------

class AssignSchema(Schema):
    contact_point_id = required_text(60)
    compounds = fields.List(required_text(60), required=True, validate=validate.Length(min=1, max=2),
                            metadata={"description": "the 1-2 residential compounds the member contacts"})


class CardSchema(Schema):
    post = required_text(60, metadata={"description": "岗位, public"})
    duties = required_text(500, metadata={"description": "public"})
    work_phone = fields.String(load_default="", validate=validate.Length(max=30))
    phone_shown = fields.Boolean(load_default=False, metadata={"description": "show the work phone on the card"})


class PostSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    community = fields.String()
    contact_point_id = fields.String()
    contact_point = fields.String()
    compounds = fields.List(fields.String())
    assigned_on = fields.Date()
    post = fields.String()
    duties = fields.String()
    work_phone = fields.String()
    phone_shown = fields.Boolean()
    version = fields.Integer()
    position = fields.Integer()


class PostListQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class VisitRuleSchema(Schema):
    community = fields.String(dump_only=True)
    per_month = fields.Integer(required=True, validate=validate.Range(min=1, max=31))
    phone_counts = fields.Boolean(required=True)
    position = fields.Integer(dump_only=True)


class SupervisionItemSchema(Schema):
    id = fields.UUID()
    member_id = fields.String()
    member = fields.String()
    month = fields.String()
    required = fields.Integer()
    counted = fields.Integer()
    status = fields.String()
    reason = fields.String()
    raised_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    position = fields.Integer()


class SupervisionQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    status = fields.String(load_default="open", validate=validate.OneOf(SUPERVISION_STATUSES))


class ExcuseSchema(Schema):
    reason = required_text(500)


class HeatMapQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2999))


class HeatCellSchema(Schema):
    month = fields.String()
    counted = fields.Integer()
    state = fields.String(metadata={"description": "met, short, made_up, excused, not_checked, running, future"})


class HeatRowSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    contact_point = fields.String()
    months = fields.List(fields.Nested(HeatCellSchema))
    total = fields.Integer()


class HeatMapSchema(Schema):
    community = fields.String()
    year = fields.Integer()
    rule = fields.Nested(RuleSchema)
    months = fields.List(fields.String())
    members = fields.List(fields.Nested(HeatRowSchema))


# ---- reception days and the public cards ------------------------------------------------------

TIME = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="must be a time written HH:MM")


class ReceptionDayScheduleSchema(Schema):
    community = required_text(40)
    held_on = fields.Date(required=True)
    starts_at = fields.String(required=True, validate=TIME)
    ends_at = fields.String(required=True, validate=TIME)
    place = required_text(100)
    members = fields.List(member_id(), required=True, validate=validate.Length(min=1, max=20))
    topic = optional_text(200)


class CancelSchema(Schema):
    reason = required_text(300)


class LinkPetitionSchema(Schema):
    reference = required_text(20)


class NamedMemberSchema(Schema):
    id = fields.String()
    name = fields.String()


class ReceptionDaySchema(Schema):
    id = fields.UUID()
    community = fields.String()
    held_on = fields.Date()
    starts_at = fields.String()
    ends_at = fields.String()
    place = fields.String()
    topic = fields.String()
    status = fields.String()
    members = fields.List(fields.Nested(NamedMemberSchema))
    petitions = fields.Raw(metadata={"description": "references (one day) or how many (a list)"})
    version = fields.Integer()
    position = fields.Integer()


class ReceptionDayListQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    coming = fields.Boolean(load_default=True)


class PublicReceptionDaySchema(Schema):
    held_on = fields.Date()
    starts_at = fields.String()
    ends_at = fields.String()
    place = fields.String()
    topic = fields.String()
    status = fields.String()
    id = fields.String()
    members = fields.List(fields.Nested(NamedMemberSchema))


class CardReceptionSchema(Schema):
    held_on = fields.Date()
    starts_at = fields.String()
    ends_at = fields.String()
    place = fields.String()


class MemberCardSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    post = fields.String()
    contact_point = fields.String()
    compounds = fields.List(fields.String())
    duties = fields.String()
    work_phone = fields.String(allow_none=True, metadata={"description": "only when the member chose to show it"})
    reception_days = fields.List(fields.Nested(CardReceptionSchema))


class CommunityNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class MemberCardsSchema(Schema):
    community = fields.Nested(CommunityNameSchema)
    cards = fields.List(fields.Nested(MemberCardSchema))
    reception_days = fields.List(fields.Nested(PublicReceptionDaySchema))
