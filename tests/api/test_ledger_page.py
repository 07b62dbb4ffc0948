"""The ledger page's chart and downloads (issue 11, point 16): the chart follows the page's filters
(year, community, member or contact point), is titled, names its axes and labels its months in the
page's language; the downloads' file names carry the filters."""

from __future__ import annotations

import re

import pytest

from api import create_app
from tests.conftest import TEST_SECRET, password_of
from tests.helpers import petition_fields


@pytest.fixture
def pages(services, community, clock):
    services.accounts.register(username="zhao", display_name="赵书记", password=password_of("zhao"),
                               roles=["leadership"], community_code="jinhua", actor="test")
    clock.advance(days=-365)  # 2025-09-21: one petition last year
    services.petitions.receive(**petition_fields(community), actor="wangfang")
    clock.advance(days=365)  # 2026-09-21: three this year, two of them at the other contact point
    services.petitions.receive(**petition_fields(community), actor="wangfang")
    for _ in range(2):
        services.petitions.receive(**petition_fields(community, contact_point_id=community["other_contact_point"]),
                                   actor="wangfang")
    services.projections.catch_up()
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET, "WTF_CSRF_ENABLED": False}, services=services)
    client = app.test_client()
    assert client.post("/login", data={"username": "zhao", "password": password_of("zhao")}).status_code == 302
    return client


def received_in_september(chart: str) -> int:
    found = re.search(r"<title>\d{4}-09 受理 Received: (\d+)</title>", chart)
    return int(found.group(1)) if found else -1


def chart_of(page: str) -> str:
    return page[page.index('id="ledger-chart"'):page.index("</svg>")]


class TestTheChart:
    def test_it_follows_the_year(self, pages):
        this_year = chart_of(pages.get("/ledger").get_data(as_text=True))
        last_year = chart_of(pages.get("/ledger?year=2025").get_data(as_text=True))
        assert received_in_september(this_year) == 3
        assert received_in_september(last_year) == 1
        assert "<title>2025-09" in last_year and "<title>2026-" not in last_year

    def test_it_follows_the_contact_point(self, pages, community):
        chart = chart_of(pages.get(f"/ledger?by=contact_point&who={community['other_contact_point']}")
                         .get_data(as_text=True))
        assert received_in_september(chart) == 2
        assert "第二网格" in chart  # in the title

    def test_it_has_a_title_and_named_axes_and_months_in_chinese(self, pages):
        chart = chart_of(pages.get("/ledger?year=2026").get_data(as_text=True))
        assert "金华社区 · 2026年各月诉求" in chart
        for name in ("月份", "诉求件数", "满意率"):
            assert f">{name}</text>" in chart
        assert ">7月</text>" in chart and ">26-07</text>" not in chart

    def test_months_read_in_english_on_an_english_page(self, pages):
        pages.get("/lang/en")
        chart = chart_of(pages.get("/ledger?year=2026").get_data(as_text=True))
        assert ">Jul</text>" in chart and ">Month</text>" in chart


class TestDownloads:
    @pytest.mark.parametrize(("query", "name"), [
        ("year=2026", "ledger-jinhua-2026-member.csv"),
        ("year=2026&by=contact_point&month=9", "ledger-jinhua-2026-09-contact_point.csv"),
        ("year=2025&by=member&who=jinhua.m1&period=year", "ledger-jinhua-2025-member-jinhua.m1-year.csv"),
    ])
    def test_the_file_name_carries_the_filters(self, pages, query, name):
        response = pages.get(f"/ledger/ledger.csv?{query}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'

    def test_the_workbook_too(self, pages):
        response = pages.get("/ledger/ledger.xlsx?year=2026")
        assert response.headers["Content-Disposition"] == 'attachment; filename="ledger-jinhua-2026-member.xlsx"'
