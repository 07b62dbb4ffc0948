"""The public notice board (公开栏) and the petitioner's lookup: no sign-in, no personal data.

JSON under /api/public/…; the wall-screen pages under /board."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import segno

from flask import Blueprint as PageBlueprint
from flask import render_template, request
from marshmallow import EXCLUDE, ValidationError
from flask_babel import force_locale
from flask_smorest import Blueprint

from api import read_schemas as rs
from api import schemas
from api import transparency_schemas as ts
from api.board_chart import legend, monthly_chart
from api.context import services
from api.pages.labels import label
from api.security import public_url
from service import errors

blp = Blueprint(
    "public", __name__, url_prefix="/api/public",
    description="公开栏 Public board and petition lookup (no sign-in; no personal data)",
)


@blp.route("/board", methods=["GET"])
@blp.response(200, rs.SummarySchema)
def summary():  # type: ignore[no-untyped-def]
    """公开栏汇总 Every community this month and this year, with the totals"""
    return services().board.summary()


@blp.route("/statistics", methods=["GET"])
@blp.arguments(rs.MonthsQuerySchema, location="query")
@blp.response(200, rs.StatisticsSchema)
def all_statistics(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """月度统计 Monthly figures across all communities"""
    return services().board.statistics(None, months=query["months"])


@blp.route("/communities/<code>/board", methods=["GET"])
@blp.arguments(rs.BoardQuerySchema, location="query")
@blp.response(200, rs.BoardSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def community_board(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """公开栏 One community's board: statistics, resolutions, implementation, petitions in progress; with
    `as_of`, as it stood at the end of that day"""
    if query["as_of"]:
        return services().history.board(code, query["as_of"], months=query["months"], per_page=query["per_page"])
    return services().board.board(code, months=query["months"], per_page=query["per_page"])


@blp.route("/communities/<code>/statistics", methods=["GET"])
@blp.arguments(rs.MonthsQuerySchema, location="query")
@blp.response(200, rs.StatisticsSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def statistics(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """月度统计 Monthly figures: received, on the spot, on time and late, escalated, explained, overdue, satisfaction"""
    return services().board.statistics(code, months=query["months"])


@blp.route("/communities/<code>/in-progress", methods=["GET"])
@blp.arguments(rs.InProgressQuerySchema, location="query")
@blp.response(200, rs.InProgressPageSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def in_progress(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """办理中 Petitions in progress: public summary, category, contact point, status, deadline"""
    return services().board.in_progress(code, **query).as_dict()


@blp.route("/communities/<code>/resolutions", methods=["GET"])
@blp.arguments(rs.ResolutionsQuerySchema, location="query")
@blp.response(200, rs.ResolutionPageSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def resolutions(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """决议公开 Disclosed resolutions: text, tally, date, days left of the notice period, objections"""
    return services().board.resolutions(code, **query).as_dict()


@blp.route("/communities/<code>/implementation", methods=["GET"])
@blp.arguments(rs.PageQuerySchema, location="query")
@blp.response(200, rs.ImplementationPageSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def implementation(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """实施结果公开 Implementation progress and disclosed results"""
    return services().board.implementation(code, **query).as_dict()


@blp.route("/lookup", methods=["POST"])
@blp.arguments(rs.LookupRequestSchema)
@blp.response(200, rs.LookupSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no petition has this number and code")
@blp.alt_response(429, schema=schemas.ProblemSchema, description="too many wrong codes: wait Retry-After seconds")
def lookup(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """查询 A petitioner looks up their petition by reference number and tracking code"""
    return services().lookup.lookup(data["reference"], data["tracking_code"], client=request.remote_addr or "",
                                    as_of=data["as_of"])


# ---- pages ------------------------------------------------------------------------------------------

pages = PageBlueprint("board", __name__, url_prefix="/board")

WALL_ITEMS = 100  # every list of the wall, paged into slides that fit the screen (pages.js)
ARCHIVE_PER_PAGE = 20

def bilingual(key: str) -> tuple[str, str]:
    """The vocabulary's label in Chinese and in English, for the board's two-language text."""
    with force_locale("zh"):
        chinese = label(key)
    with force_locale("en"):
        english = label(key)
    return chinese, english


@pages.route("", methods=["GET"])
def board_index():  # type: ignore[no-untyped-def]
    """Every community's figures, with links to their boards."""
    summary = services().board.summary()
    return render_template("board/index.html", summary=summary, refresh=60)


@pages.route("/<code>", methods=["GET"])
def board_page(code: str):  # type: ignore[no-untyped-def]
    """The wall screen: large type, rotating sections, refreshing itself; ``?as_of=YYYY-MM-DD`` shows the
    board as it stood at the end of that day (and does not refresh)."""
    as_of = _as_of()
    if as_of:
        board = services().history.board(code, as_of, months=12, per_page=WALL_ITEMS)
    else:
        board = services().board.board(code, months=12, per_page=WALL_ITEMS)
    # the wall shows the resolutions still in their notice period; the others are in the archive
    board = {**board, "resolutions": [r for r in board["resolutions"] if r["days_left"]]}
    return render_template(
        "board/wall.html", board=board, chart=monthly_chart(board["statistics"]["months"]),
        phone_chart=monthly_chart(board["statistics"]["months"][-6:], phone=True), legend=legend(), bilingual=bilingual,
        rotate=min(max(request.args.get("rotate", 15, type=int) or 15, 5), 120), refresh=60, as_of=as_of,
        head_qr=_head_qr(board.get("head")), **({} if as_of else _member_work(code)),
    )


@pages.route("/<code>/archive", methods=["GET"])
def archive_page(code: str):  # type: ignore[no-untyped-def]
    """Resolutions whose notice period has ended (决议公开存档), the latest first, a page at a time."""
    query = _load(rs.PageQuerySchema(), request.args)
    community = services().board.community(code)
    found = services().board.resolutions(code, page=query["page"], per_page=ARCHIVE_PER_PAGE, archived=True)
    return render_template("board/archive.html", community=community, found=found.as_dict(), bilingual=bilingual,
                           pages=max(-(-found.total // ARCHIVE_PER_PAGE), 1))


def _member_work(code: str) -> dict[str, Any]:
    """The members' commitments of this year and the questionnaire results fed back, for the wall."""
    year = services().clock.now().year
    return {"year": year, "commitments": services().commitments.public(code, year),
            "questionnaires": services().questionnaires.published(code),
            "reviews": services().reviews.public(code, year - 1)}


@pages.route("/<code>/figures", methods=["GET"])
def figure_page(code: str):  # type: ignore[no-untyped-def]
    """The public entries behind one figure of the board (每个数字的依据)."""
    query = _load(ts.FigureQuerySchema(), request.args)
    community = services().board.community(code)
    found = services().transparency.behind(code, query["month"], query["figure"])
    return render_template("board/figure.html", community=community, month=query["month"], figure=query["figure"],
                           label=bilingual(query["figure"]), entries=found)


@pages.route("/entries/<int(max=2147483647):index>", methods=["GET"])
def entry_page(index: int):  # type: ignore[no-untyped-def]
    """One entry of the public record with its inclusion proof in the latest signed head."""
    return render_template("board/entry.html", item=services().transparency.entry(index))


def _as_of() -> date | None:
    if not request.args.get("as_of"):
        return None
    return _load(rs.AsOfMixin(), {"as_of": request.args["as_of"]})["as_of"]


def _load(schema: Any, data: Any) -> dict[str, Any]:
    try:
        return schema.load(data, unknown=EXCLUDE)
    except ValidationError as error:
        raise errors.InvalidInputError(error.normalized_messages()) from None


def _head_qr(head: dict[str, Any] | None) -> str | None:
    """A QR code of the head's address, with its whole root hash after the '#': photographed, it can be
    checked later (`petitions verify`)."""
    if not head:
        return None
    url = public_url("transparency.head", tree_size=head["tree_size"]) + "#" + head["root_hash"]
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=3, xmldecl=False, svgns=True, dark="#f3f4f6", light=None)
    return svg.getvalue().decode()
