"""Request and response bodies of commitments (承诺) and questionnaires (问卷调查)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import required_text
from service.vocabulary import SATISFACTION

OUTCOMES = ("fulfilled", "partly_fulfilled", "not_fulfilled")
STAFF_EVALUATION_SOURCES = ("meeting", "paper_form")
QUESTION_KINDS = ("single_choice", "multiple_choice", "rating", "free_text")


class CommitmentListQuerySchema(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    member_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60))


class MakeCommitmentSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    text = required_text(1000, metadata={"description": "承诺 what the member promises"})
    visible_result = required_text(1000, metadata={"description": "what residents will see when it is done"})
    target_date = fields.Date(required=True)
    member_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60),
                              metadata={"description": "default: the signed-in member (the secretary may name one)"})


class ReviseCommitmentSchema(Schema):
    text = required_text(1000)
    visible_result = required_text(1000)
    target_date = fields.Date(required=True)


class ReasonSchema(Schema):
    reason = required_text(2000)


class CommitmentProgressSchema(Schema):
    note = required_text(2000)
    percent = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class CommitmentReportSchema(Schema):
    report = required_text(10000, metadata={"description": "述诺 the member's year-end report on it"})


class ConcludeSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reason = required_text(2000, metadata={"description": "shown on the board"})


class CodeCountSchema(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=2000))


class CodesSchema(Schema):
    codes = fields.List(fields.String(), metadata={"description": "one-time codes, shown once: print them now"})


class StaffEvaluationSchema(Schema):
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))
    comment = fields.String(load_default="", validate=validate.Length(max=500))
    source = fields.String(required=True, validate=validate.OneOf(STAFF_EVALUATION_SOURCES))


class ResidentEvaluationSchema(Schema):
    code = required_text(20, metadata={"description": "the one-time code handed out at the contact point"})
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class ProgressNoteSchema(Schema):
    note = fields.String()
    percent = fields.Integer()
    on = fields.Date()


class EvaluationSummarySchema(Schema):
    satisfied = fields.Integer()
    basically_satisfied = fields.Integer()
    dissatisfied = fields.Integer()
    total = fields.Integer()


class PublicCommitmentSchema(Schema):
    id = fields.UUID()
    member_id = fields.String()
    member = fields.String(metadata={"description": "the member's name (public by design)"})
    year = fields.Integer()
    text = fields.String()
    visible_result = fields.String()
    target_date = fields.Date()
    stage = fields.String()
    percent = fields.Integer()
    progress = fields.List(fields.Nested(ProgressNoteSchema))
    report = fields.String(allow_none=True)
    evaluation_summary = fields.Nested(EvaluationSummarySchema)
    outcome = fields.String(allow_none=True)
    outcome_reason = fields.String(allow_none=True)


class CommitmentSchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    member_id = fields.String()
    community_code = fields.String()
    year = fields.Integer()
    slot = fields.Integer()
    text = fields.String()
    visible_result = fields.String()
    target_date = fields.Date()
    stage = fields.String()
    allowed_steps = fields.List(fields.String())
    approved_at = fields.DateTime(allow_none=True)
    returns = fields.List(fields.Dict())
    progress = fields.List(fields.Dict())
    percent = fields.Integer()
    report = fields.String(allow_none=True)
    evaluations = fields.List(fields.Dict())
    evaluation_summary = fields.Nested(EvaluationSummarySchema)
    outcome = fields.String(allow_none=True)
    outcome_reason = fields.String(allow_none=True)
    concluded_at = fields.DateTime(allow_none=True)


class QuestionSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    text = required_text(500)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                          validate=validate.Length(max=20))


class DraftQuestionnaireSchema(Schema):
    community = required_text(40, metadata={"description": "the community's code"})
    contact_point_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60),
                                     metadata={"description": "one contact point, or omit for the whole community"})
    title = required_text(200)
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=30))
    anonymous = fields.Boolean(load_default=True)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)


class AnswerSheetSchema(Schema):
    answers = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,2}$")), values=fields.Raw(),
                          required=True, metadata={"description": "question number → option index, list of "
                                                                  "indexes, rating 1-5 or text"})
    contact_point_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60))
    respondent = fields.String(load_default=None, validate=validate.Length(max=50),
                               metadata={"description": "named questionnaires only (personal data)"})


class ResidentAnswerSheetSchema(Schema):
    code = required_text(20, metadata={"description": "the one-time code handed out at the contact point"})
    answers = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,2}$")), values=fields.Raw(),
                          required=True)
    contact_point_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60))


class AnsweredSchema(Schema):
    questionnaire_id = fields.UUID()
    number = fields.Integer(metadata={"description": "the answer sheet's number (the same for a repeat)"})


class FeedbackSchema(Schema):
    feedback = required_text(10000, metadata={"description": "反馈 the committee's note to residents"})


class ResultOptionSchema(Schema):
    option = fields.String()
    count = fields.Integer()


class ResultSchema(Schema):
    question = fields.String()
    kind = fields.String()
    answered = fields.Integer()
    options = fields.List(fields.Nested(ResultOptionSchema))
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer())
    average = fields.Float(allow_none=True)
    texts = fields.List(fields.String())


class QuestionnaireSummarySchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    title = fields.String()
    contact_point_id = fields.String(allow_none=True)
    anonymous = fields.Boolean()
    opens_on = fields.Date()
    closes_on = fields.Date()
    stage = fields.String()
    allowed_steps = fields.List(fields.String())
    answers = fields.Integer()


class SheetSchema(Schema):
    number = fields.Integer()
    contact_point_id = fields.String(allow_none=True)
    source = fields.String()
    respondent = fields.String(allow_none=True)
    at = fields.DateTime()


class QuestionnaireSchema(QuestionnaireSummarySchema):
    questions = fields.List(fields.Nested(QuestionSchema))
    results = fields.List(fields.Nested(ResultSchema))
    contact_points = fields.List(fields.String())
    sheets = fields.List(fields.Nested(SheetSchema))
    feedback = fields.String(allow_none=True)
    fed_back_at = fields.DateTime(allow_none=True)


class PublicQuestionnaireFormSchema(QuestionnaireSummarySchema):
    questions = fields.List(fields.Nested(QuestionSchema))
    community_code = fields.String()


class PublishedResultsSchema(QuestionnaireSummarySchema):
    results = fields.List(fields.Nested(ResultSchema))
    feedback = fields.String(allow_none=True)
    fed_back_on = fields.Date(allow_none=True)


class QuestionnaireQuerySchema(Schema):
    contact_point_id = fields.String(load_default=None, validate=validate.Length(min=1, max=60))


class CommunityQuerySchema(Schema):
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class YearQuerySchema(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


RATINGS = ("excellent", "competent", "basically_competent", "incompetent")


class GatherReviewSchema(Schema):
    member_id = required_text(60)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ReviewReportSchema(Schema):
    report = required_text(20000, metadata={"description": "述职 the member's report on their year"})


class ReviewEvaluationSchema(Schema):
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))
    source = fields.String(required=True, validate=validate.OneOf(STAFF_EVALUATION_SOURCES))


class ResidentReviewEvaluationSchema(Schema):
    code = required_text(20)
    satisfaction = fields.String(required=True, validate=validate.OneOf(SATISFACTION))


class RateSchema(Schema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS),
                           metadata={"description": "优秀 excellent, 合格 competent, 基本合格 basically competent, 不合格 incompetent"})
    reasons = required_text(5000)


class WeightsSchema(Schema):
    visits = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    pairing = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    on_time = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    satisfaction = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    commitments = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class ScorePartSchema(Schema):
    weight = fields.Integer()
    rate = fields.Float(allow_none=True)
    points = fields.Float()


class ScoreSchema(Schema):
    total = fields.Float(metadata={"description": "out of 100; always read beside the facts"})
    parts = fields.Dict(keys=fields.String(), values=fields.Nested(ScorePartSchema))


class ReviewSchema(Schema):
    id = fields.UUID()
    version = fields.Integer()
    member_id = fields.String()
    year = fields.Integer()
    stage = fields.String()
    allowed_steps = fields.List(fields.String())
    facts = fields.Dict(metadata={"description": "the year's facts the score is computed from"})
    gathered_at = fields.DateTime()
    report = fields.String(allow_none=True)
    evaluation_summary = fields.Nested(EvaluationSummarySchema)
    score = fields.Nested(ScoreSchema)
    rating = fields.String(allow_none=True)
    reasons = fields.String(allow_none=True)
    rated_at = fields.DateTime(allow_none=True)


class PublicReviewSchema(Schema):
    member = fields.String()
    year = fields.Integer()
    rating = fields.String()
    evaluation_summary = fields.Nested(EvaluationSummarySchema)


class ErasedAnswersSchema(Schema):
    questionnaire_id = fields.UUID()
    answers = fields.List(fields.Integer(), metadata={"description": "the answer sheets whose respondent was erased"})


class RespondentErasureSchema(Schema):
    questionnaires = fields.List(fields.Nested(ErasedAnswersSchema))
    position = fields.Integer()
