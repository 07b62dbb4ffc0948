"""Printable reports from the same views as the pages: the PDFs' text and the workbook's figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from service import errors
from service.permissions import PermissionDeniedError, Principal
from service.reports import WORKBOOK_COLUMNS, workbook_cell


def as_user(services, username, roles, member_id=None, community="jinhua"):
    return services.as_user(Principal(username, username, tuple(roles), community, member_id))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def year(services, community, clock):
    """李强's year: a visit, a commitment with progress, kept and concluded; the review gathered, reported, rated."""
    handler = community["handler"]
    secretary = as_user(services, "chen", ["committee_secretary"])
    secretary.contact_points.assign(handler, contact_point_id=community["other_contact_point"], compounds=["和风小区"])
    member = as_user(services, "li", ["handling_member"], handler)
    member.visits.record(visited_on=date(2026, 9, 20), form="home_visit", people_met=2, learned="楼道灯不亮",
                         guidance="讲解报修渠道", help_given="联系物业")
    made = services.commitments.make(year=2026, text="为和风小区装声控灯", visible_result="每层有灯",
                                     target_date=date(2026, 11, 30), member_id=handler, actor="li")
    services.commitments.approve(made["id"], actor="chen")
    services.commitments.record_progress(made["id"], note="已联系物业，灯具到货", percent=60, actor="li")
    clock.advance(days=60)
    services.commitments.report(made["id"], report="装好了", actor="li")
    services.commitments.conclude(made["id"], outcome="fulfilled", reason="现场核实", actor="chen")
    services.projections.catch_up()
    review = secretary.reviews.gather(member_id=handler, year=2026)
    member.reviews.report(review["id"], report="全年走访群众，兑现承诺")
    as_user(services, "wang", ["desk_staff"], community["desk"]).reviews.record_evaluation(
        review["id"], satisfaction="satisfied", source="meeting")
    secretary.reviews.rate(review["id"], rating="excellent", reasons="群众满意，承诺兑现")
    return {"secretary": secretary, "member": member, "handler": handler}


def test_a_members_pdf_prints_the_facts_beside_the_score_in_chinese(services, year):
    reports = year["secretary"].reports
    data = reports.year_end(year=2026, member_id=year["handler"])
    [member] = data["members"]
    text = text_of(reports.member_pdf(member_id=year["handler"], year=2026))
    assert "金华社区" in text and "李强" in text
    assert "全年走访群众，兑现承诺" in text and "优秀" in text and "群众满意，承诺兑现" in text
    assert "为和风小区装声控灯" in text and "已兑现" in text
    assert str(member["review"]["score"]["total"]) in text
    assert f"走访 {member['review']['facts']['visits']['made']} 次" in text
    assert "述职事实与得分" in text  # the score stands in the facts' table, never alone


def test_the_community_pdf_lists_every_member_and_embeds_the_font(services, year):
    pdf = year["secretary"].reports.community_pdf(year=2026)
    text = text_of(pdf)
    assert "王芳" in text and "李强" in text and "未汇总" in text
    fonts = {str(font["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages
             for font in page["/Resources"]["/Font"].get_object().values()}
    assert any("WenQuanYi" in f for f in fonts)
    assert b"/FontFile2" in pdf  # TrueType outlines embedded


def test_the_workbook_holds_the_json_figures_and_formulas_as_text(services, year, community):
    secretary = year["secretary"]
    services.commitments.make(year=2026, text="=HYPERLINK(\"x\")", visible_result="+1", target_date=date(2026, 12, 20),
                              member_id=community["desk"], actor="wang")
    data = secretary.reports.year_end(year=2026)
    book = load_workbook(io.BytesIO(secretary.reports.workbook(year=2026)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [header for _, header in WORKBOOK_COLUMNS]
    assert [list(r) for r in rows[1:]] == [[workbook_cell(m, key) for key, _ in WORKBOOK_COLUMNS]
                                           for m in data["members"]]
    [li] = [r for r in rows if r[1] == "李强"]
    assert li[WORKBOOK_COLUMNS.index(("score", "得分 Score"))] == data["members"][1]["review"]["score"]["total"]
    commitments = book.worksheets[1]
    cells = {c.value: c.data_type for row in commitments.iter_rows(min_row=2) for c in row}
    assert cells['=HYPERLINK("x")'] == "s" and cells["+1"] == "s"


def test_the_monthly_column_counts_visits_solved_problems_and_progress(services, year, community):
    column = year["secretary"].reports.monthly_column(year=2026, month=9)
    [li] = [m for m in column["members"] if m["member_id"] == year["handler"]]
    assert li["visits"] == 1 and li["contact_point"] == "第二网格"
    assert li["commitments"][0]["notes"][0]["note"] == "已联系物业，灯具到货"
    assert column["total"]["visits"] == 1
    october = year["secretary"].reports.monthly_column(year=2026, month=10)
    assert october["total"]["visits"] == 0 and all(not m["commitments"] for m in october["members"])
    with pytest.raises(errors.InvalidInputError):
        year["secretary"].reports.monthly_column(year=2026, month=13)


def test_reports_are_scoped_and_permitted(services, year):
    stranger = as_user(services, "zhou", ["committee_secretary"], community="hepingli")
    with pytest.raises((errors.NotFoundError, PermissionDeniedError)):
        stranger.reports.member_pdf(member_id=year["handler"], year=2026)
    with pytest.raises(PermissionDeniedError):
        year["member"].reports.workbook(year=2026)  # a handling member does not read the ledger
    assert year["member"].reports.year_end(year=2026)["members"]
