"""Request and response bodies of the read models' endpoints (board, lookup, worklist, agenda, ledger).

Public answers are built only from the fields named here: none of them holds anything of a
petitioner's name, phone or address."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.reads import MAX_PAGE, MAX_PER_PAGE, OPEN_STATUSES
from service.vocabulary import CATEGORIES, STAGES


# ---- query parameters ------------------------------------------------------------------------------

class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class AfterMixin(Schema):
    after = fields.Integer(
        load_default=None, validate=validate.Range(min=0),
        metadata={"description": "read-your-writes: wait until the read models have applied this log position "
                                 "(the `position` a command answered)"},
    )


class MonthsQuerySchema(Schema):
    months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=60))


class AsOfMixin(Schema):
    as_of = fields.Date(load_default=None, metadata={
        "description": "the board as it stood at the end of this day (rebuilt from the log), e.g. 2026-10-01"})


class BoardQuerySchema(MonthsQuerySchema, AsOfMixin):
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class InProgressQuerySchema(PageQuerySchema):
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    contact_point_id = fields.String(load_default=None, validate=validate.Length(max=60))
    status = fields.String(load_default=None, validate=validate.OneOf(OPEN_STATUSES))


class ResolutionsQuerySchema(PageQuerySchema):
    in_notice = fields.Boolean(load_default=False, metadata={"description": "only those still in their notice period"})


class LookupRequestSchema(AsOfMixin):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=60))  # community code (≤ 40) + -YYYY-NNNNNN
    tracking_code = fields.String(required=True, validate=validate.Length(min=1, max=30))


class WorklistQuerySchema(PageQuerySchema, AfterMixin):
    community = fields.String(load_default=None, metadata={"description": "community code"})
    contact_point_id = fields.String(load_default=None)
    member_id = fields.String(load_default=None, metadata={"description": "the member handling it"})
    status = fields.String(load_default=None, validate=validate.OneOf(OPEN_STATUSES))
    overdue = fields.Boolean(load_default=None, metadata={"description": "only those recorded overdue (or not)"})
    due_within = fields.Integer(load_default=None, validate=validate.Range(min=0, max=365),
                                metadata={"description": "only those due within N working days (past ones included)"})
    soon = fields.Integer(load_default=2, validate=validate.Range(min=0, max=30),
                          metadata={"description": "working days within which a deadline is flagged due_soon"})


class WorkloadQuerySchema(AfterMixin):
    by = fields.String(load_default="contact_point", validate=validate.OneOf(("contact_point", "member")))
    community = fields.String(load_default=None)
    soon = fields.Integer(load_default=2, validate=validate.Range(min=0, max=30))


class SearchQuerySchema(PageQuerySchema, AfterMixin):
    q = fields.String(required=True, validate=validate.Length(min=1, max=50),
                      metadata={"description": "a reference number, a petitioner's name or phone (or part of one)"})
    community = fields.String(load_default=None)


class AgendaQuerySchema(PageQuerySchema, AfterMixin):
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    community = fields.String(load_default=None)
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))


class LedgerQuerySchema(AfterMixin):
    by = fields.String(load_default="member", validate=validate.OneOf(("member", "contact_point")))
    period = fields.String(load_default="month", validate=validate.OneOf(("month", "year")))
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    month = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))
    community = fields.String(load_default=None)
    contact_point_id = fields.String(load_default=None)
    member_id = fields.String(load_default=None)


# ---- answers -------------------------------------------------------------------------------------

class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    position = fields.Integer(metadata={"description": "the log position the read models had applied"})


class CountsSchema(Schema):
    received = fields.Integer(metadata={"description": "受理"})
    resolved_on_spot = fields.Integer(metadata={"description": "当场解决"})
    resolved = fields.Integer(metadata={"description": "办结 (after a deadline or a committee outcome)"})
    resolved_on_time = fields.Integer(metadata={"description": "按期办结, less those reopened as dissatisfied"})
    resolved_late = fields.Integer(metadata={"description": "超期办结, or reopened as dissatisfied"})
    escalated = fields.Integer(metadata={"description": "报党委"})
    explained = fields.Integer(metadata={"description": "讲明原因"})
    withdrawn = fields.Integer()
    merged = fields.Integer()
    overdue = fields.Integer(metadata={"description": "超期: deadlines recorded overdue in the period"})
    outcomes = fields.Integer()
    outcomes_on_time = fields.Integer()
    followed_up = fields.Integer(metadata={"description": "回访"})
    satisfied = fields.Integer()
    basically_satisfied = fields.Integer()
    dissatisfied = fields.Integer()
    reopened = fields.Integer(metadata={"description": "重办: dissatisfied follow-ups"})
    on_the_spot_rate = fields.Float(allow_none=True)
    on_time_rate = fields.Float(allow_none=True)
    satisfaction_rate = fields.Float(allow_none=True)


class MonthCountsSchema(CountsSchema):
    month = fields.String(metadata={"description": "YYYY-MM"})


class StatisticsSchema(Schema):
    months = fields.List(fields.Nested(MonthCountsSchema))
    total = fields.Nested(CountsSchema)


class CommunitySummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    this_month = fields.Nested(CountsSchema)
    this_year = fields.Nested(CountsSchema)
    open = fields.Integer()
    open_overdue = fields.Integer()
    resolutions_in_notice = fields.Integer()


class TotalsSchema(Schema):
    this_month = fields.Nested(CountsSchema)
    this_year = fields.Nested(CountsSchema)
    open = fields.Integer()
    open_overdue = fields.Integer()
    resolutions_in_notice = fields.Integer()


class SummarySchema(Schema):
    today = fields.Date()
    month = fields.String()
    year = fields.String()
    communities = fields.List(fields.Nested(CommunitySummarySchema))
    totals = fields.Nested(TotalsSchema)
    position = fields.Integer()


class PublicPetitionSchema(Schema):
    reference = fields.String()
    category = fields.String()
    summary = fields.String()
    status = fields.String()
    contact_point_id = fields.String()
    contact_point = fields.String()
    received_on = fields.Date()
    due_date = fields.Date(allow_none=True)
    days_to_deadline = fields.Integer(allow_none=True)
    due_date_provisional = fields.Boolean(metadata={
        "description": "the due date reaches a year with no official calendar yet (counted provisionally)"})
    overdue = fields.Boolean()
    entry = fields.Integer(allow_none=True, metadata={
        "description": "its latest entry in the transparency log: /api/transparency/entries/{entry}"})


class InProgressPageSchema(PageSchema):
    items = fields.List(fields.Nested(PublicPetitionSchema))


class TallySchema(Schema):
    eligible = fields.Integer(allow_none=True)
    present = fields.Integer(allow_none=True)
    votes_for = fields.Integer(allow_none=True)
    votes_against = fields.Integer(allow_none=True)
    abstentions = fields.Integer(allow_none=True)


class ResolutionSchema(Schema):
    matter_id = fields.String()
    title = fields.String()
    text = fields.String()
    stage = fields.String()
    round = fields.Integer()
    disclosed_on = fields.Date()
    notice_days = fields.Integer()
    notice_ends = fields.Date()
    days_left = fields.Integer(metadata={"description": "days of the notice period still to run, today included"})
    tally = fields.Nested(TallySchema)
    objections = fields.Integer()
    entry = fields.Integer(allow_none=True, metadata={
        "description": "its latest entry in the transparency log: /api/transparency/entries/{entry}"})


class ResolutionPageSchema(PageSchema):
    items = fields.List(fields.Nested(ResolutionSchema))


class ProgressNoteSchema(Schema):
    note = fields.String()
    percent = fields.Integer()
    on = fields.Date()


class ImplementationSchema(Schema):
    matter_id = fields.String()
    title = fields.String()
    stage = fields.String()
    percent = fields.Integer()
    progress = fields.List(fields.Nested(ProgressNoteSchema))
    completed_on = fields.Date(allow_none=True)
    result = fields.String(allow_none=True)
    result_disclosed_on = fields.Date(allow_none=True)
    petitions = fields.Integer()
    entry = fields.Integer(allow_none=True, metadata={
        "description": "its latest entry in the transparency log: /api/transparency/entries/{entry}"})


class ImplementationPageSchema(PageSchema):
    items = fields.List(fields.Nested(ImplementationSchema))


class BoardCommunitySchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()


class HeadSummarySchema(Schema):
    tree_size = fields.Integer()
    root_hash = fields.String()
    timestamp = fields.String()
    fingerprint = fields.String(metadata={"description": "what the board shows; check it with `petitions verify`"})


class BoardSchema(Schema):
    community = fields.Nested(BoardCommunitySchema)
    today = fields.Date()
    head = fields.Nested(HeadSummarySchema, allow_none=True, metadata={
        "description": "the signed tree head of the transparency log the board stood on"})
    statistics = fields.Nested(StatisticsSchema)
    resolutions = fields.List(fields.Nested(ResolutionSchema))
    implementation = fields.List(fields.Nested(ImplementationSchema))
    in_progress = fields.Nested(InProgressPageSchema)
    position = fields.Integer()


class SkippedDaySchema(Schema):
    day = fields.Date()
    why = fields.String(metadata={"description": "weekend, holiday or make_up_working_day"})
    holiday = fields.String(allow_none=True)


class CountedSpanSchema(Schema):
    counted = fields.List(fields.Date(), metadata={"description": "the working days counted"})
    skipped = fields.List(fields.Nested(SkippedDaySchema), metadata={"description": "weekends and holidays"})
    make_up_days = fields.List(fields.Nested(SkippedDaySchema), metadata={
        "description": "weekend days that were working days (调休) and counted"})
    provisional = fields.Boolean(metadata={
        "description": "reaches a year with no official calendar yet: counted as weekdays less the fixed-date "
                       "holidays until an administrator enters that year"})
    missing_years = fields.List(fields.Integer(), metadata={"description": "the years with no official calendar yet"})


class ExtensionReasoningSchema(CountedSpanSchema):
    on = fields.Date()
    working_days = fields.Integer()
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    reason = fields.String()


class DeadlineSchema(CountedSpanSchema):
    set_on = fields.Date()
    working_days = fields.Integer()
    due_date = fields.Date()
    extensions = fields.List(fields.Nested(ExtensionReasoningSchema))
    open = fields.Boolean()
    overdue = fields.Boolean(metadata={"description": "still open and past its due date"})
    marked_overdue_on = fields.Date(allow_none=True)
    working_days_left = fields.Integer(allow_none=True, metadata={"description": "negative: working days late"})
    official_due_date = fields.Date(allow_none=True, metadata={
        "description": "set before that year's official holidays were entered: the due date counted on them, when it "
                       "differs (the date set stands until the deadline is extended)"})
    state = fields.String(metadata={"description": "running, due_today, overdue or settled"})


class LookupStepSchema(Schema):
    event = fields.String()
    at = fields.DateTime()
    note = fields.String()


class PlanStepSchema(Schema):
    due_date = fields.Date()
    description = fields.String()
    done = fields.Boolean()


class PlanProgressSchema(Schema):
    on = fields.Date()
    note = fields.String()
    step = fields.String(allow_none=True, metadata={"description": "the plan's step this note completed"})


class LookupPlanSchema(Schema):
    plan = fields.String()
    due_date = fields.Date()
    steps = fields.List(fields.Nested(PlanStepSchema))
    progress = fields.List(fields.Nested(PlanProgressSchema))


class LookupSolicitationSchema(Schema):
    opens_on = fields.Date()
    closes_on = fields.Date()
    opinions = fields.Integer(metadata={"description": "how many opinions were recorded (never their text)"})
    open = fields.Boolean()


class LookupResolutionSchema(Schema):
    text = fields.String()
    disclosed_on = fields.Date()
    notice_days = fields.Integer()
    notice_ends = fields.Date()
    days_left = fields.Integer()
    objections = fields.Integer(metadata={"description": "how many objections were recorded (never who)"})
    tally = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))


class LookupMatterProgressSchema(Schema):
    on = fields.Date()
    note = fields.String()
    percent = fields.Integer()


class LookupResultSchema(Schema):
    text = fields.String()
    disclosed_on = fields.Date()


class LookupMatterSchema(Schema):
    title = fields.String()
    stage = fields.String()
    opened_on = fields.Date()
    solicitation = fields.Nested(LookupSolicitationSchema, allow_none=True)
    vote_held_on = fields.Date(allow_none=True)
    resolution = fields.Nested(LookupResolutionSchema, allow_none=True)
    percent = fields.Integer()
    progress = fields.List(fields.Nested(LookupMatterProgressSchema))
    completed_on = fields.Date(allow_none=True)
    result = fields.Nested(LookupResultSchema, allow_none=True)
    end_reason = fields.String(allow_none=True)


class LookupSchema(Schema):
    reference = fields.String()
    status = fields.String()
    category = fields.String()
    summary = fields.String()
    contact_point = fields.String()
    received_at = fields.DateTime()
    due_date = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    extensions = fields.Integer()
    outcome_kind = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_at = fields.DateTime(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    reopened_count = fields.Integer()
    steps = fields.List(fields.Nested(LookupStepSchema))
    deadline = fields.Nested(DeadlineSchema, allow_none=True)
    as_of = fields.Date(allow_none=True)
    plan = fields.Nested(LookupPlanSchema, allow_none=True, metadata={
        "description": "the deadline's plan, its dated steps and the progress notes since it was set"})
    matter = fields.Nested(LookupMatterSchema, allow_none=True, metadata={
        "description": "the public progress of the committee matter that took the petition up"})


class WorkItemSchema(Schema):
    reference = fields.String()
    status = fields.String()
    category = fields.String()
    channel = fields.String()
    summary = fields.String()
    contact_point_id = fields.String()
    contact_point = fields.String()
    member_id = fields.String()
    member = fields.String()
    received_at = fields.DateTime()
    due_date = fields.Date(allow_none=True)
    due_in_working_days = fields.Integer(allow_none=True, metadata={"description": "negative once past"})
    due_date_provisional = fields.Boolean(metadata={
        "description": "the due date reaches a year with no official calendar yet (counted provisionally)"})
    overdue = fields.Boolean(metadata={"description": "recorded overdue (督办)"})
    past_due = fields.Boolean(metadata={"description": "the due date has passed (recorded overdue or not yet)"})
    due_soon = fields.Boolean()
    extensions = fields.Integer()
    reopened_count = fields.Integer()
    version = fields.Integer()
    petitioner_name = fields.String(allow_none=True, metadata={
        "description": "personal data: only for a reader who may see it; null when anonymous, erased or not shown"})
    petitioner_phone = fields.String(allow_none=True, metadata={
        "description": "personal data: only for a reader who may see it; null when anonymous, erased or not shown"})


class WorkPageSchema(PageSchema):
    items = fields.List(fields.Nested(WorkItemSchema))


class WorkloadItemSchema(Schema):
    id = fields.String()
    name = fields.String()
    community_id = fields.String()
    open = fields.Integer()
    overdue = fields.Integer()
    due_soon = fields.Integer()
    next_due_date = fields.Date(allow_none=True)


class WorkloadSchema(Schema):
    by = fields.String()
    today = fields.Date()
    items = fields.List(fields.Nested(WorkloadItemSchema))
    position = fields.Integer()


class AgendaItemSchema(Schema):
    matter_id = fields.String()
    title = fields.String()
    stage = fields.String()
    stage_since = fields.Date()
    days_in_stage = fields.Integer()
    petitions = fields.Integer()
    opinions = fields.Integer()
    objections = fields.Integer()
    next_steps = fields.List(fields.String())
    next_step_on = fields.Date(allow_none=True, metadata={"description": "the date the next step comes due"})
    next_step_meaning = fields.String()
    solicitation_closes_on = fields.Date(allow_none=True)
    notice_ends = fields.Date(allow_none=True)
    notice_days_left = fields.Integer(allow_none=True)
    percent = fields.Integer()


class AgendaStageSchema(Schema):
    stage = fields.String()
    matters = fields.List(fields.Nested(AgendaItemSchema))


class AgendaSchema(PageSchema):
    today = fields.Date()
    stages = fields.List(fields.Nested(AgendaStageSchema))


class ContactPointWorkSchema(CountsSchema):
    visits = fields.Integer(metadata={"description": "visits counted against the visit rule"})
    visits_required = fields.Integer(metadata={"description": "visits the rule asks in the period (to this month)"})
    contact_households = fields.Integer()
    paired_households = fields.Integer(metadata={"description": "households paired now"})
    help_actions = fields.Integer(metadata={"description": "help given to paired households"})


class LedgerRowSchema(ContactPointWorkSchema):
    period = fields.String(metadata={"description": "YYYY-MM or YYYY"})
    id = fields.String()
    name = fields.String()


class LedgerSchema(Schema):
    by = fields.String()
    period = fields.String()
    year = fields.Integer()
    month = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(LedgerRowSchema))
    total = fields.Nested(ContactPointWorkSchema)
    position = fields.Integer()
