"""Schemas of the official calendars (each year's holidays and make-up working days) and of a due date."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas import DueDateSchema


class YearCalendarEntrySchema(Schema):
    lines = fields.String(required=True, validate=validate.Length(min=1, max=20000), metadata={
        "description": "one day a line: '2027-01-01 holiday 元旦' or '2027-02-07 workday' (a make-up working day); "
                       "blank lines and lines starting with # are skipped; the whole year's list replaces an earlier one"})


class CalendarDaySchema(Schema):
    day = fields.Date()
    kind = fields.String(metadata={"description": "holiday or workday (a make-up working day)"})
    name = fields.String()


class YearCalendarSchema(Schema):
    year = fields.Integer()
    days = fields.List(fields.Nested(CalendarDaySchema))
    holidays = fields.Integer()
    workdays = fields.Integer()
    entered_by = fields.String()
    entered_at = fields.DateTime()
    version = fields.Integer()


class CalendarYearStatusSchema(Schema):
    year = fields.Integer()
    official = fields.Boolean(metadata={"description": "the calendar library knows it, or an administrator entered it"})
    in_library = fields.Boolean()
    entered = fields.Nested(YearCalendarSchema, allow_none=True)


class CalendarStatusSchema(Schema):
    today = fields.Date()
    years = fields.List(fields.Nested(CalendarYearStatusSchema), metadata={"description": "this year and the next"})
    warn_missing = fields.List(fields.Integer(), metadata={
        "description": "years to enter now: this year if missing, next year from November"})
    next_year_missing = fields.Boolean()


class DueDateAnswerSchema(DueDateSchema):
    provisional = fields.Boolean(metadata={
        "description": "the due date reaches a year with no official calendar yet: counted as weekdays less the "
                       "fixed-date holidays, until an administrator enters that year"})
