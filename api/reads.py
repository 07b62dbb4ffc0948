"""Staff read models: the desk's worklist, the committee's agenda, the ledgers (民情台帐).

Every view needs a signed-in user allowed to read it (bearer token); ``?after=<position>``
waits until the read models have applied a change the caller has just made."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from api import read_schemas as rs
from api import schemas
from api.context import api_user

STAFF_ERRORS = {401: "not signed in", 403: "not allowed", 422: "invalid input"}


def _document_errors(blueprint: Blueprint):  # type: ignore[no-untyped-def]
    def decorate(func):  # type: ignore[no-untyped-def]
        for status, description in STAFF_ERRORS.items():
            func = blueprint.alt_response(status, schema=schemas.ProblemSchema, description=description)(func)
        return func

    return decorate


desk = Blueprint("worklist", __name__, url_prefix="/api/desk", description="工作台 The desk's worklist (staff)")


@desk.route("/worklist", methods=["GET"])
@desk.arguments(rs.WorklistQuerySchema, location="query")
@desk.response(200, rs.WorkPageSchema)
@_document_errors(desk)
def worklist(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """待办 Open petitions, the nearest deadline first, with due-in-N-working-days and overdue flags"""
    return api_user().worklist.worklist(**query).as_dict()


@desk.route("/workload", methods=["GET"])
@desk.arguments(rs.WorkloadQuerySchema, location="query")
@desk.response(200, rs.WorkloadSchema)
@_document_errors(desk)
def workload(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """工作量 Open petitions per contact point or per member: open, overdue, due soon"""
    return api_user().worklist.workload(**query)


@desk.route("/search", methods=["GET"])
@desk.arguments(rs.SearchQuerySchema, location="query")
@desk.response(200, rs.WorkPageSchema)
@_document_errors(desk)
def search(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """查找 Petitions by reference number, petitioner's name or phone"""
    text = query.pop("q")
    return api_user().worklist.search(text, **query).as_dict()


agenda = Blueprint("agenda", __name__, url_prefix="/api/committee", description="议程 The committee's agenda (staff)")


@agenda.route("/agenda", methods=["GET"])
@agenda.arguments(rs.AgendaQuerySchema, location="query")
@agenda.response(200, rs.AgendaSchema)
@_document_errors(agenda)
def committee_agenda(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """议程 Matters by stage, with the allowed next steps and the date the next one comes due"""
    return api_user().agenda.agenda(**query)


ledger = Blueprint("ledger", __name__, url_prefix="/api/ledger", description="民情台帐 Ledgers (staff)")


@ledger.route("", methods=["GET"])
@ledger.arguments(rs.LedgerQuerySchema, location="query")
@ledger.response(200, rs.LedgerSchema)
@_document_errors(ledger)
def ledger_json(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """民情台帐 Counts by outcome and the on-the-spot, on-time and satisfaction rates, per member or contact point"""
    return api_user().ledger.ledger(**query)


@ledger.route("/export.csv", methods=["GET"])
@ledger.arguments(rs.LedgerQuerySchema, location="query")
@ledger.response(200, description="CSV (UTF-8 with BOM)", content_type="text/csv")
@_document_errors(ledger)
def ledger_csv(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """民情台帐 The ledger as CSV"""
    body = api_user().ledger.csv(**query)
    return Response(body, mimetype="text/csv", headers=_attachment(query, "csv"))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@ledger.route("/export.xlsx", methods=["GET"])
@ledger.arguments(rs.LedgerQuerySchema, location="query")
@ledger.response(200, description="Excel workbook", content_type=XLSX)
@_document_errors(ledger)
def ledger_xlsx(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """民情台帐 The ledger as an Excel workbook"""
    body = api_user().ledger.xlsx(**query)
    return Response(body, mimetype=XLSX, headers=_attachment(query, "xlsx"))


def _attachment(query: dict[str, Any], extension: str) -> dict[str, str]:
    parts = ["ledger", query["by"], query["period"], str(query["year"] or ""), str(query["month"] or "")]
    name = "-".join(p for p in parts if p)
    return {"Content-Disposition": f'attachment; filename="{name}.{extension}"'}
