"""Leadership's pages: the ledgers (民情台帐) with the monthly chart and CSV / Excel downloads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template, request

from api.board_chart import monthly_chart
from api.context import services
from api.pages import signed_in

bp = Blueprint("leadership", __name__, url_prefix="/ledger")
RATE_KEYS = ("on_the_spot_rate", "on_time_rate", "satisfaction_rate")


def _filters() -> dict[str, Any]:
    args = request.args
    return {
        "by": args.get("by", "member"), "period": args.get("period", "month"),
        "year": args.get("year", type=int) or None, "month": args.get("month", type=int) or None,
        "community": args.get("community") or g.user.principal.community_code or None,
    }


@bp.get("")
@signed_in(may="ledger.read")
def ledger():  # type: ignore[no-untyped-def]
    filters = _filters()
    table = g.user.ledger.ledger(**filters)
    statistics = services().board.statistics(filters["community"], months=12)
    communities = [c for c in g.user.communities.list()
                   if not g.user.principal.community_code or c["code"] == g.user.principal.community_code]
    return render_template("leadership/ledger.html", table=table, filters=filters, communities=communities,
                           chart=monthly_chart(statistics["months"]), rate_keys=RATE_KEYS,
                           query=request.query_string.decode())


@bp.get("/ledger.csv")
@signed_in(may="ledger.read")
def ledger_csv():  # type: ignore[no-untyped-def]
    return Response(g.user.ledger.csv(**_filters()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="ledger.csv"'})


@bp.get("/ledger.xlsx")
@signed_in(may="ledger.read")
def ledger_xlsx():  # type: ignore[no-untyped-def]
    return Response(g.user.ledger.xlsx(**_filters()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="ledger.xlsx"'})
