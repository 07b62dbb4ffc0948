"""The printable reports over HTTP: the workbook's figures equal the JSON answer's; PDFs; scope."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from service.reports import WORKBOOK_COLUMNS
from tests.api.test_commitments_api import signed_in
from tests.service.test_reports import as_user, year  # noqa: F401  (the fixture)


def test_the_workbook_equals_the_json_and_the_pdfs_carry_the_names(app, services, year):  # noqa: F811
    secretary = signed_in(app, services, "chen", ["committee_secretary"])
    answer = secretary.get("/api/reports/year-end?year=2026")
    assert answer.status_code == 200
    members = answer.json["members"]
    [li] = [m for m in members if m["name"] == "李强"]
    assert li["review"]["rating"] == "excellent" and li["commitments"][0]["text"] == "为和风小区装声控灯"
    book = secretary.get("/api/reports/year-end.xlsx?year=2026")
    assert book.status_code == 200 and book.headers["Content-Disposition"] == 'attachment; filename="year-end-2026.xlsx"'
    rows = list(load_workbook(io.BytesIO(book.data)).worksheets[0].iter_rows(values_only=True))
    keys = [key for key, _ in WORKBOOK_COLUMNS]
    [row] = [r for r in rows if r[1] == "李强"]
    facts = li["review"]["facts"]
    assert row[keys.index("score")] == li["review"]["score"]["total"]
    assert row[keys.index("visits.made")] == facts["visits"]["made"]
    assert row[keys.index("petitions.received")] == facts["petitions"]["received"]
    assert row[keys.index("commitments.fulfilled")] == facts["commitments"]["fulfilled"]
    assert row[keys.index("residents.satisfied")] == li["review"]["evaluation_summary"]["satisfied"]
    assert row[keys.index("rating")] == "excellent"
    pdf = secretary.get("/api/reports/year-end.pdf?year=2026")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "李强" in text and "王芳" in text and str(li["review"]["score"]["total"]) in text
    own = secretary.get(f"/api/reports/members/{li['member_id']}/year-end.pdf?year=2026")
    assert own.status_code == 200 and "全年走访群众" in PdfReader(io.BytesIO(own.data)).pages[0].extract_text()
    column = secretary.get("/api/reports/monthly-column?year=2026&month=9")
    assert column.status_code == 200 and column.json["total"]["visits"] == 1


def test_bad_input_roles_and_other_communities(app, services, year):  # noqa: F811
    secretary = signed_in(app, services, "chen", ["committee_secretary"])
    bad = secretary.get("/api/reports/monthly-column?year=2026&month=13")
    assert bad.status_code == 422 and list(bad.json["fields"]) == ["month"]
    assert secretary.get("/api/reports/members/jinhua.m99/year-end.pdf?year=2026").status_code == 404
    member = signed_in(app, services, "li", ["handling_member"], member_id=year["handler"])
    assert member.get("/api/reports/year-end.xlsx?year=2026").status_code == 403
    services.communities.register(code="heping", name="和平里", kind="community", actor="admin")
    stranger = signed_in(app, services, "zhou", ["committee_secretary"], community_code="heping")
    assert stranger.get(f"/api/reports/members/{year['handler']}/year-end.pdf?year=2026").status_code == 404
    assert app.test_client().get("/api/reports/year-end?year=2026").status_code == 401
