"""Printable reports over JSON and as files (staff): each member's year-end report and the
community's summary as PDF, the year's workbook of every member, the newsletter's monthly column."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from api import report_schemas as rs
from api.context import api_user
from api.schemas import ProblemSchema

blp = Blueprint("reports", __name__, url_prefix="/api/reports",
                description="报表 Printable year-end reports (PDF, Excel) and the newsletter's monthly column (staff)")

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS = {401: "not signed in", 403: "not allowed", 404: "not found", 422: "invalid input"}


def _errors(func):  # type: ignore[no-untyped-def]
    for status, description in ERRORS.items():
        func = blp.alt_response(status, schema=ProblemSchema, description=description)(func)
    return func


def attachment(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/year-end", methods=["GET"])
@blp.arguments(rs.YearEndQuerySchema, location="query")
@blp.response(200, rs.YearEndSchema)
@_errors
def year_end(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """述职评议 Every member's year: review (facts beside the score, report, evaluation, rating) and commitments"""
    return api_user().reports.year_end(**query)


@blp.route("/year-end.pdf", methods=["GET"])
@blp.arguments(rs.YearEndQuerySchema, location="query")
@blp.response(200, description="PDF (Chinese font embedded)", content_type=PDF)
@_errors
def year_end_pdf(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """述职评议汇总 The community's year-end summary as PDF"""
    return attachment(api_user().reports.community_pdf(**query), PDF, f"year-end-{query['year']}.pdf")


@blp.route("/year-end.xlsx", methods=["GET"])
@blp.arguments(rs.YearEndQuerySchema, location="query")
@blp.response(200, description="Excel workbook", content_type=XLSX)
@_errors
def year_end_xlsx(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """述职评议 Every member's year as an Excel workbook"""
    return attachment(api_user().reports.workbook(**query), XLSX, f"year-end-{query['year']}.xlsx")


@blp.route("/members/<string:member_id>/year-end.pdf", methods=["GET"])
@blp.arguments(rs.MemberYearQuerySchema, location="query")
@blp.response(200, description="PDF (Chinese font embedded)", content_type=PDF)
@_errors
def member_pdf(query: dict[str, Any], member_id: str):  # type: ignore[no-untyped-def]
    """述职评议报告 One member's year-end report as PDF"""
    return attachment(api_user().reports.member_pdf(member_id=member_id, **query), PDF,
                      f"year-end-{query['year']}-{member_id}.pdf")


@blp.route("/monthly-column", methods=["GET"])
@blp.arguments(rs.MonthQuerySchema, location="query")
@blp.response(200, rs.MonthlyColumnSchema)
@_errors
def monthly_column(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """月报专栏 Members' contact-point work in a month: visits, problems solved, commitments' progress"""
    return api_user().reports.monthly_column(**query)
