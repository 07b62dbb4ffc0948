"""Leadership's pages: the ledgers (民情台帐) with the monthly chart and CSV / Excel downloads."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, g, render_template, request, session
from flask_babel import format_date, gettext as _
from markupsafe import Markup

from api.board_chart import ChartText, monthly_chart
from api.context import services
from api.pages import signed_in

bp = Blueprint("leadership", __name__, url_prefix="/ledger")
RATE_KEYS = ("on_the_spot_rate", "on_time_rate", "satisfaction_rate")


def _filters() -> dict[str, Any]:
    """The page's filters: per member or contact point, by month or year, the year and month, the
    community, and one member or one contact point (``who``)."""
    args = request.args
    by = args.get("by", "member")
    who = (args.get("who") or "").strip() or None
    return {
        "by": by, "period": args.get("period", "month"),
        "year": args.get("year", type=int) or None, "month": args.get("month", type=int) or None,
        "community": args.get("community") or g.user.principal.community_code or None,
        "member_id": who if by == "member" else None, "contact_point_id": who if by == "contact_point" else None,
    }


def _month_name(month: str) -> str:
    """``2026-07`` as the page's language reads a month: 7月, Jul."""
    return format_date(date(int(month[:4]), int(month[5:7]), 1), "MMM")


def _chart(filters: dict[str, Any], communities: list[dict[str, Any]]) -> Markup:
    """The monthly chart of the same filters as the table: titled, its axes named, its months in the page's language."""
    monthly = g.user.ledger.monthly(**filters, after=session.get("position"))
    community = next((c["name"] for c in communities if c["code"] == filters["community"]), _("All communities"))
    subject = _who_name(filters, communities)
    title = _("%(community)s · petitions by month, %(year)s", community=community, year=monthly["year"])
    if subject:
        title = f"{title} · {subject}"
    return monthly_chart(monthly["months"], text=ChartText(
        title=title, x_axis=_("Month"), y_axis=_("Number of petitions"), rate_axis=_("Satisfaction rate"), month=_month_name))


def _who_name(filters: dict[str, Any], communities: list[dict[str, Any]]) -> str:
    wanted = filters["member_id"] or filters["contact_point_id"]
    if not wanted:
        return ""
    for c in communities:
        for each in c["members"] + c["contact_points"]:
            if each["id"] == wanted:
                return str(each["name"])
    return ""


def _download_name(extension: str) -> str:
    """The file's name carries the filters: ledger-jinhua-2026-member.csv, ledger-jinhua-2026-07-contact_point.xlsx."""
    filters = _filters()
    year = filters["year"] or services().clock.now().year
    parts = ["ledger", filters["community"] or "all", f"{year:04d}" + (f"-{filters['month']:02d}" if filters["month"] else "")]
    parts.append(filters["by"])
    who = filters["member_id"] or filters["contact_point_id"]
    if who:
        parts.append(who)
    if filters["period"] == "year":
        parts.append("year")
    name = "-".join(re.sub(r"[^A-Za-z0-9._-]+", "_", str(part)) for part in parts)
    return f'attachment; filename="{name}.{extension}"'


@bp.get("")
@signed_in(may="ledger.read")
def ledger():  # type: ignore[no-untyped-def]
    filters = _filters()
    table = g.user.ledger.ledger(**filters)
    communities = [c for c in g.user.communities.list()
                   if not g.user.principal.community_code or c["code"] == g.user.principal.community_code]
    shown = next((c for c in communities if c["code"] == filters["community"]), None)
    return render_template("leadership/ledger.html", table=table, filters=filters, communities=communities,
                           community=shown, chart=_chart(filters, communities), rate_keys=RATE_KEYS,
                           query=request.query_string.decode())


@bp.get("/ledger.csv")
@signed_in(may="ledger.read")
def ledger_csv():  # type: ignore[no-untyped-def]
    return Response(g.user.ledger.csv(**_filters()), mimetype="text/csv",
                    headers={"Content-Disposition": _download_name("csv")})


@bp.get("/ledger.xlsx")
@signed_in(may="ledger.read")
def ledger_xlsx():  # type: ignore[no-untyped-def]
    return Response(g.user.ledger.xlsx(**_filters()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": _download_name("xlsx")})
