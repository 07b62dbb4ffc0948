"""Request and response bodies of the printable reports (year-end, monthly column)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.commitment_schemas import CommitmentSchema, ReviewSchema


class YearEndQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    community = fields.String(load_default=None, validate=validate.Length(min=1, max=40))


class MemberYearQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class MonthQuerySchema(YearEndQuerySchema):
    month = fields.Integer(required=True, validate=validate.Range(min=1, max=12))


class MemberYearSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    review = fields.Nested(ReviewSchema, allow_none=True, metadata={"description": "none until gathered"})
    commitments = fields.List(fields.Nested(CommitmentSchema))


class YearEndSchema(Schema):
    community = fields.String()
    community_name = fields.String()
    year = fields.Integer()
    members = fields.List(fields.Nested(MemberYearSchema))


class MonthProgressNoteSchema(Schema):
    note = fields.String()
    percent = fields.Integer()
    on = fields.Date()


class CommitmentProgressInMonthSchema(Schema):
    text = fields.String()
    percent = fields.Integer()
    notes = fields.List(fields.Nested(MonthProgressNoteSchema))


class ColumnMemberSchema(Schema):
    member_id = fields.String()
    name = fields.String()
    contact_point = fields.String()
    visits = fields.Integer()
    rule_per_month = fields.Integer()
    received = fields.Integer()
    solved = fields.Integer(metadata={"description": "resolved on the spot or within the deadline"})
    commitments = fields.List(fields.Nested(CommitmentProgressInMonthSchema))


class ColumnTotalSchema(Schema):
    visits = fields.Integer()
    solved = fields.Integer()
    received = fields.Integer()


class MonthlyColumnSchema(Schema):
    community = fields.String()
    community_name = fields.String()
    year = fields.Integer()
    month = fields.Integer()
    members = fields.List(fields.Nested(ColumnMemberSchema))
    total = fields.Nested(ColumnTotalSchema)
