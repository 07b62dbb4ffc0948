"""Printable reports (issue 13 point 5), rendered from the same views the pages show: each member's
year-end report and the community's summary as PDF (a TrueType CJK font embedded), a workbook of
every member's year, and the monthly column of members' contact-point work for the newsletter.
The score is always printed beside the facts it is computed from, never alone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.community import Community, community_code_of, community_id
from service import errors
from service.store.eventstore import EventLog
from service.permissions import UseCase
from service.reads import keep_as_text

# Debian's fonts-wqy-zenhei: TrueType outlines, which reportlab embeds (the Noto CJK fonts are CFF).
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT = "WenQuanYiZenHei"

RATINGS = {"excellent": "优秀", "competent": "合格", "basically_competent": "基本合格", "incompetent": "不合格"}
OUTCOMES = {"fulfilled": "已兑现", "partly_fulfilled": "部分兑现", "not_fulfilled": "未兑现"}
STAGES = {"proposed": "待审核", "returned": "退回修改", "approved": "已亮诺", "reported": "已述诺",
          "concluded": "已办结", "gathered": "已汇总", "evaluated": "已评议", "rated": "已评定"}
PARTS = {"visits": "走访 Visits", "pairing": "结对帮扶 Pairing", "on_time": "按期办结 On time",
         "satisfaction": "满意度 Satisfaction", "commitments": "承诺兑现 Commitments"}

# The workbook's columns: (key, header); a key is a path into a member's row.
WORKBOOK_COLUMNS = [
    ("member_id", "编号 ID"), ("name", "姓名 Name"), ("stage", "评议阶段 Stage"),
    ("visits.made", "走访次数 Visits"), ("visits.months_met", "达标月数 Months met"),
    ("visits.months_checked", "考核月数 Months checked"), ("visits.months_short", "未达标月数 Months short"),
    ("households.contact", "联系户 Contact households"), ("households.paired", "结对户 Paired households"),
    ("pairing.help_actions_done", "帮扶已办 Help done"), ("pairing.help_actions_planned", "帮扶计划 Help planned"),
    ("petitions.received", "受理诉求 Petitions"), ("petitions.resolved_on_spot", "当场解决 On the spot"),
    ("petitions.resolved_on_time", "按期办结 On time"), ("petitions.on_time_rate", "按期办结率 On-time rate"),
    ("petitions.satisfaction_rate", "满意率 Satisfaction rate"),
    ("commitments.made", "承诺 Commitments"), ("commitments.fulfilled", "已兑现 Fulfilled"),
    ("commitments.partly_fulfilled", "部分兑现 Partly"), ("commitments.not_fulfilled", "未兑现 Not fulfilled"),
    ("residents.satisfied", "群众满意 Residents satisfied"),
    ("residents.basically_satisfied", "基本满意 Basically satisfied"),
    ("residents.dissatisfied", "不满意 Dissatisfied"), ("score", "得分 Score"), ("rating", "评定 Rating"),
    ("reasons", "评定理由 Reasons"), ("report", "述职报告 Report"),
]


class Reports(UseCase):
    PERMISSIONS = {"year_end": "review.read", "member_pdf": "review.read", "community_pdf": "review.read",
                   "workbook": "ledger.read", "monthly_column": "ledger.read"}
    COMMANDS: set[str] = set()

    def __init__(self, log: EventLog, sources: dict[str, Any]) -> None:
        self.log = log
        self.sources = sources  # reviews, commitments, ledger, visit_supervision: read as this user sees them

    def _source(self, name: str) -> Any:
        return self.sources[name].seen_by(self.principal)

    # ---- the data ----

    def year_end(self, *, year: int, community: str | None = None, member_id: str | None = None) -> dict[str, Any]:
        """Every member's year (or one member's): the review as the pages show it, and their commitments."""
        if member_id is not None:  # another community's member is answered as if there were none
            self._check_sees(community_code_of(member_id), f"member {member_id} not found")
        code = self._listed_community(community or (community_code_of(member_id) if member_id else None))
        if code is None:
            raise errors.InvalidInputError({"community": ["name the community"]})
        found = self._community(code)
        if member_id is not None and member_id not in found.members:
            raise errors.NotFoundError(f"member {member_id} not found")
        reviews = {r["member_id"]: r for r in self._source("reviews").list(year=year, community=code)}
        commitments: dict[str, list[dict[str, Any]]] = {}
        for c in self._source("commitments").list(year=year, community=code):
            commitments.setdefault(c["member_id"], []).append(c)
        members = [{"member_id": m, "name": found.members[m]["name"], "review": reviews.get(m),
                    "commitments": sorted(commitments.get(m, []), key=lambda c: c["slot"])}
                   for m in sorted(found.members) if member_id in (None, m)]
        return {"community": code, "community_name": found.name, "year": year, "members": members}

    def monthly_column(self, *, year: int, month: int, community: str | None = None) -> dict[str, Any]:
        """The newsletter's monthly column (seed 002 四.1): each contact-point member's visits, problems
        solved, and their commitments' progress recorded in the month."""
        if not 1 <= month <= 12:
            raise errors.InvalidInputError({"month": ["from 1 to 12"]})
        code = self._listed_community(community)
        if code is None:
            raise errors.InvalidInputError({"community": ["name the community"]})
        found = self._community(code)
        wanted = f"{year:04d}-{month:02d}"
        heat_map = self._source("visit_supervision").heat_map(community=code, year=year)
        ledger = self._source("ledger").ledger(by="member", period="month", year=year, month=month, community=code)
        solved = {i["id"]: i["resolved_on_spot"] + i["resolved"] for i in ledger["items"]}
        received = {i["id"]: i["received"] for i in ledger["items"]}
        progress: dict[str, list[dict[str, Any]]] = {}
        for c in self._source("commitments").list(year=year, community=code):
            notes = [{"note": p["note"], "percent": p["percent"], "on": p["at"].date()}
                     for p in c["progress"] if p["at"].strftime("%Y-%m") == wanted]
            if notes:
                progress.setdefault(c["member_id"], []).append({"text": c["text"], "percent": c["percent"],
                                                                "notes": notes})
        rows = []
        for row in heat_map["members"]:
            [cell] = [m for m in row["months"] if m["month"] == wanted]
            rows.append({"member_id": row["member_id"], "name": row["name"], "contact_point": row["contact_point"],
                         "visits": cell["counted"], "rule_per_month": heat_map["rule"]["per_month"],
                         "received": received.get(row["member_id"], 0), "solved": solved.get(row["member_id"], 0),
                         "commitments": progress.get(row["member_id"], [])})
        return {"community": code, "community_name": found.name, "year": year, "month": month, "members": rows,
                "total": {"visits": sum(r["visits"] for r in rows), "solved": sum(r["solved"] for r in rows),
                          "received": sum(r["received"] for r in rows)}}

    # ---- the files ----

    def member_pdf(self, *, member_id: str, year: int) -> bytes:
        data = self.year_end(year=year, member_id=member_id)
        [member] = data["members"]
        story = _title(f"{data['community_name']} {year}年度 代表述职评议报告", "Year-end review")
        story += _member_story(member)
        return _pdf(story, f"{member['name']} {year}")

    def community_pdf(self, *, year: int, community: str | None = None) -> bytes:
        data = self.year_end(year=year, community=community)
        story = _title(f"{data['community_name']} {year}年度 代表述职评议汇总", "Year-end summary")
        story.append(_table([["姓名 Name", "阶段 Stage", "走访 Visits", "受理诉求 Petitions", "承诺 Commitments",
                              "得分 Score", "评定 Rating"]] + [_summary_row(m) for m in data["members"]],
                            widths=[70, 60, 55, 70, 70, 55, 60]))
        for member in data["members"]:
            if member["review"] or member["commitments"]:
                story += _member_story(member, heading=True)
        return _pdf(story, f"{data['community_name']} {year}")

    def workbook(self, *, year: int, community: str | None = None) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        data = self.year_end(year=year, community=community)
        book = Workbook()
        sheet = book.active
        sheet.title = f"{year}年度评议 Reviews"
        sheet.append([header for _, header in WORKBOOK_COLUMNS])
        for member in data["members"]:
            _append_text_safe(sheet, [workbook_cell(member, key) for key, _ in WORKBOOK_COLUMNS])
        commitments = book.create_sheet("承诺 Commitments")
        commitments.append(["编号 ID", "姓名 Name", "承诺 Commitment", "看得见的结果 Visible result", "阶段 Stage",
                            "进度 Percent", "兑现 Outcome", "群众评价 Evaluations"])
        for member in data["members"]:
            for c in member["commitments"]:
                _append_text_safe(commitments, [member["member_id"], member["name"], c["text"], c["visible_result"],
                                                c["stage"], c["percent"], c["outcome"] or "",
                                                c["evaluation_summary"]["total"]])
        for page in (sheet, commitments):
            for cell in page[1]:
                cell.font = Font(bold=True)
            page.freeze_panes = "C2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def _community(self, code: str) -> Community:
        try:
            return self.log.repository.get(community_id(code))
        except AggregateNotFoundError:
            raise errors.NotFoundError(f"community {code} not found") from None


def workbook_cell(member: dict[str, Any], key: str) -> Any:
    """One cell of a member's workbook row (blank where the year has no review)."""
    review = member["review"]
    if key in ("member_id", "name"):
        return member[key]
    if review is None:
        return None
    if key == "score":
        return review["score"]["total"]
    if key in ("stage", "rating", "reasons", "report"):
        return review[key] or None
    group, _, name = key.partition(".")
    source = review["evaluation_summary"] if group == "residents" else review["facts"][group]
    return source[name]


def _append_text_safe(sheet: Any, values: list[Any]) -> None:
    sheet.append(values)
    keep_as_text(sheet[sheet.max_row])


# ---- PDF rendering (reportlab) ----

def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        if not FONT_FILE.exists():
            raise errors.ServiceError(f"the PDF font {FONT_FILE} is missing: apt-get install fonts-wqy-zenhei")
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    font = _font()
    return {"title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4),
            "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=9, leading=12, spaceAfter=10),
            "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4),
            "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK"),
            "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")}


def _p(text: Any, style: str = "body") -> Any:
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), _styles()[style])


def _title(title: str, english: str) -> list[Any]:
    return [_p(title, "title"), _p(english, "subtitle")]


def _table(rows: list[list[Any]], widths: list[float] | None = None) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table([[_p(c, "cell") for c in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _summary_row(member: dict[str, Any]) -> list[Any]:
    review = member["review"]
    if review is None:
        return [member["name"], "未汇总", "", "", len(member["commitments"]), "", ""]
    facts = review["facts"]
    return [member["name"], STAGES.get(review["stage"], review["stage"]), facts["visits"]["made"],
            facts["petitions"]["received"], facts["commitments"]["made"], review["score"]["total"],
            RATINGS.get(review["rating"] or "", "")]


def _member_story(member: dict[str, Any], heading: bool = False) -> list[Any]:
    story: list[Any] = [_p(f"{member['name']}（{member['member_id']}）", "h2" if heading else "title")]
    review = member["review"]
    if review is None:
        story.append(_p("本年度尚未汇总述职事实。 The year's facts are not gathered yet."))
    else:
        facts, parts = review["facts"], review["score"]["parts"]
        visits, petitions = facts["visits"], facts["petitions"]
        rates = {"visits": f"{visits['months_met']}/{visits['months_checked']} 月达标 months met "
                           f"（走访 {visits['made']} 次，每月 {visits['rule_per_month']} 次）",
                 "pairing": f"帮扶 {facts['pairing']['help_actions_done']}/{facts['pairing']['help_actions_planned']}"
                            f"，结对户 {facts['households']['paired']}，联系户 {facts['households']['contact']}",
                 "on_time": f"受理 {petitions['received']}，当场解决 {petitions['resolved_on_spot']}，"
                            f"按期办结 {petitions['resolved_on_time']}，按期办结率 {_rate(petitions['on_time_rate'])}",
                 "satisfaction": f"诉求满意率 {_rate(petitions['satisfaction_rate'])}；群众评价 "
                                 f"满意 {review['evaluation_summary']['satisfied']} "
                                 f"基本满意 {review['evaluation_summary']['basically_satisfied']} "
                                 f"不满意 {review['evaluation_summary']['dissatisfied']}",
                 "commitments": f"承诺 {facts['commitments']['made']}，已兑现 {facts['commitments']['fulfilled']}，"
                                f"部分兑现 {facts['commitments']['partly_fulfilled']}，"
                                f"未兑现 {facts['commitments']['not_fulfilled']}"}
        rows = [["项目 Part", "事实 Facts", "比率 Rate", "权重 Weight", "得分 Points"]]
        rows += [[PARTS.get(name, name), rates.get(name, ""), _rate(part["rate"]), part["weight"], part["points"]]
                 for name, part in parts.items()]
        rows.append(["合计 Total", "", "", sum(p["weight"] for p in parts.values()), review["score"]["total"]])
        story += [_p(f"阶段 Stage：{STAGES.get(review['stage'], review['stage'])}"),
                  _p("述职事实与得分 Facts and the score computed from them", "h2"),
                  _table(rows, widths=[80, 225, 55, 60, 60]),
                  _p(f"问卷 Questionnaires：{facts['questionnaires']['run']} 份，答卷 {facts['questionnaires']['answers']}"),
                  _p("述职报告 Report", "h2"), _p(review["report"] or "（尚未述职 not reported yet）"),
                  _p("群众评议 Residents' evaluation", "h2"),
                  _p(f"满意 {review['evaluation_summary']['satisfied']}，基本满意 "
                     f"{review['evaluation_summary']['basically_satisfied']}，不满意 "
                     f"{review['evaluation_summary']['dissatisfied']}，共 {review['evaluation_summary']['total']}"),
                  _p("评定 Rating", "h2"),
                  _p(f"{RATINGS.get(review['rating'] or '', '尚未评定 not rated yet')}"
                     + (f"：{review['reasons']}" if review["reasons"] else ""))]
    if member["commitments"]:
        story.append(_p("承诺 Commitments", "h2"))
        rows = [["承诺 Commitment", "看得见的结果 Visible result", "阶段 Stage", "进度 Progress", "兑现 Outcome"]]
        rows += [[c["text"], c["visible_result"], STAGES.get(c["stage"], c["stage"]), f"{c['percent']}%",
                  OUTCOMES.get(c["outcome"] or "", "") + (f"：{c['outcome_reason']}" if c["outcome_reason"] else "")]
                 for c in member["commitments"]]
        story.append(_table(rows, widths=[140, 120, 55, 50, 100]))
    return story


def _pdf(story: list[Any], title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm)
    document.build(story)
    return out.getvalue()
