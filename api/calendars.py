"""Official calendars: each year's holidays and make-up working days, entered by an administrator."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api import calendar_schemas as cs, schemas
from api.context import api_user, idempotency_key

blp = Blueprint("calendars", __name__, url_prefix="/api/calendars",
                description="节假日安排 Official holidays and make-up working days by year")


@blp.route("", methods=["GET"])
@blp.response(200, cs.CalendarStatusSchema)
def calendar_status():  # type: ignore[no-untyped-def]
    """This year and the next: official or missing (deadlines reaching a missing year are provisional)"""
    return api_user().calendars.status()


@blp.route("/<int:year>", methods=["GET"])
@blp.response(200, cs.YearCalendarSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema)
def get_year(year: int):  # type: ignore[no-untyped-def]
    """The holidays and make-up working days entered for a year"""
    return api_user().calendars.get(year)


@blp.route("/<int:year>", methods=["PUT"])
@blp.arguments(cs.YearCalendarEntrySchema)
@blp.response(200, cs.YearCalendarSchema)
@blp.alt_response(422, schema=schemas.ProblemSchema)
def enter_year(data: dict[str, Any], year: int):  # type: ignore[no-untyped-def]
    """Enter (or correct) a year's official holidays and make-up working days, as the State Council published them"""
    return api_user().calendars.enter(year, idempotency_key=idempotency_key(), **data)
