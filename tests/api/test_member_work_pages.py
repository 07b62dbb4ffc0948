"""Staff pages of members' work: commitments (a member's steps, the secretary's), the reports page,
its downloads and the printable monthly column."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.service.test_reports import as_user, year  # noqa: F401  (the fixture)


def page_client(app, services, username, roles, member_id=None):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    services.accounts.register(username=username, display_name=username, password=f"{username}-password-1",
                               roles=roles, community_code="jinhua", member_id=member_id, actor="admin")
    assert client.post("/login", data={"username": username, "password": f"{username}-password-1"}).status_code == 302
    return client


@pytest.fixture
def member(app, services, community):
    return page_client(app, services, "limember", ["handling_member"], community["handler"])


@pytest.fixture
def secretary(app, services, community):
    return page_client(app, services, "chensec", ["committee_secretary"])


def test_a_member_makes_a_commitment_keeping_what_was_typed_on_an_error(member, services, community):
    page = member.get("/work/commitments?year=2026")
    assert page.status_code == 200 and "承诺" in page.text and 'name="idempotency_key"' in page.text
    refused = member.post("/work/commitments", data={"year": "2026", "text": "为3号楼装声控灯", "visible_result": "",
                                                     "target_date": "2026-11-30", "idempotency_key": "k1"})
    assert refused.status_code == 422
    assert "为3号楼装声控灯" in refused.text and "看得见的结果" in refused.text
    made = member.post("/work/commitments", data={"year": "2026", "text": "为3号楼装声控灯", "visible_result": "每层有灯",
                                                  "target_date": "2026-11-30", "idempotency_key": "k2"})
    assert made.status_code == 302
    [commitment] = services.commitments.list(year=2026)
    assert commitment["stage"] == "proposed"
    page = member.get("/work/commitments?year=2026")
    assert "为3号楼装声控灯" in page.text and f"/work/commitments/{commitment['id']}/revise" in page.text
    assert f"/work/commitments/{commitment['id']}/approve" not in page.text


def test_the_secretary_approves_the_member_records_progress_and_codes_are_shown_once(
        member, secretary, services, community, clock):
    made = services.commitments.make(year=2026, text="装声控灯", visible_result="每层有灯", target_date=date(2026, 11, 30),
                                     member_id=community["handler"], actor="li")
    cid = made["id"]
    assert '<p class="muted member">李强' in secretary.get("/work/commitments?year=2026").text
    assert secretary.post(f"/work/commitments/{cid}/approve", data={"version": made["version"]}).status_code == 302
    assert services.commitments.get(cid)["stage"] == "approved"
    stale = secretary.post(f"/work/commitments/{cid}/return_for_revision", data={"version": 1, "reason": "再具体些"})
    assert stale.status_code == 422 and services.commitments.get(cid)["stage"] == "approved"
    bad = member.post(f"/work/commitments/{cid}/record_progress", data={"note": "灯具到货", "percent": "150"})
    assert bad.status_code == 422 and "灯具到货" in bad.text
    current = services.commitments.get(cid)
    assert member.post(f"/work/commitments/{cid}/record_progress",
                       data={"note": "灯具到货", "percent": "60", "version": current["version"]}).status_code == 302
    assert services.commitments.get(cid)["percent"] == 60
    clock.advance(days=45)
    current = services.commitments.get(cid)
    assert member.post(f"/work/commitments/{cid}/report", data={"report": "装好了", "version": current["version"]}
                       ).status_code == 302
    codes = secretary.post(f"/work/commitments/{cid}/issue_evaluation_codes", data={"count": "3"})
    assert codes.status_code == 201 and codes.text.count("<code>") == 3


def test_the_reports_page_links_the_files_and_the_column_prints(secretary, services, year, community):  # noqa: F811
    page = secretary.get("/work/reports?year=2026&month=9")
    assert page.status_code == 200 and "李强" in page.text and "year-end.xlsx" in page.text
    pdf = secretary.get("/work/reports/year-end.pdf?year=2026")
    assert pdf.status_code == 200 and "李强" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    own = secretary.get(f"/work/reports/members/{community['handler']}/year-end.pdf?year=2026")
    assert own.status_code == 200
    assert secretary.get("/work/reports/year-end.xlsx?year=2026").status_code == 200
    column = secretary.get("/work/reports/column?year=2026&month=9")
    assert column.status_code == 200 and "已联系物业，灯具到货" in column.text and "第二网格" in column.text
    assert secretary.get("/work/reports/members/heping.m1/year-end.pdf?year=2026").status_code == 404


def test_a_member_without_the_ledger_sees_no_workbook(member):
    assert member.get("/work/reports/year-end.xlsx?year=2026").status_code == 403
    assert "报表" in member.get("/work/reports?year=2026").text


def test_the_reports_pages_rows_equal_the_workbooks_rows(secretary, services, year):  # noqa: F811
    from html.parser import HTMLParser

    from openpyxl import load_workbook

    from service.reports import WORKBOOK_COLUMNS

    class Rows(HTMLParser):
        """The text of each body row's cells."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            if tag == "tr":
                self.rows.append([])
            elif tag == "td":
                self.cell = []

        def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
            if tag == "td" and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):  # type: ignore[no-untyped-def]
            if self.cell is not None:
                self.cell.append(data)

    page = secretary.get("/work/reports?year=2026")
    parsed = Rows()
    parsed.feed(page.text)
    shown = {cells[0]: cells for cells in parsed.rows if len(cells) == 7}  # name, stage, visits, petitions, score, …
    book = secretary.get("/work/reports/year-end.xlsx?year=2026")
    rows = list(load_workbook(io.BytesIO(book.data)).worksheets[0].iter_rows(values_only=True))
    keys = [key for key, _ in WORKBOOK_COLUMNS]
    compared = 0
    for row in rows[1:]:
        name = row[keys.index("name")]
        if name not in shown:
            continue
        cells = shown[name]
        assert int(cells[2]) == row[keys.index("visits.made")]
        assert int(cells[3]) == row[keys.index("petitions.received")]
        assert float(cells[4]) == float(row[keys.index("score")])
        compared += 1
    assert compared == len(shown) >= 1 and "李强" in shown and int(shown["李强"][2]) == 1
