"""Next year's calendar (issue 11, point 18): in December the administrator is warned that 2027 is
missing; a deadline reaching 2027 reads 暂定 on the worklist and the petition page, and the lookup;
a bad line is named in Chinese with what was typed kept; once 2027 is entered the warning goes and the
deadlines are counted on it."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from service.clock import CHINA
from service.settings import Settings
from tests.browser.conftest import sign_in
from tests.browser.daily import assert_reads_as_chinese, screenshots, set_up
from tests.conftest import TEST_SECRET

LINES_2027 = "2027-01-01 holiday 元旦\n2027-01-04 holiday 元旦调休\n2027-01-09 workday\n"


@pytest.fixture
def settings(tmp_path):
    """Pages, not storage, are under test here: SQLite on every run (the storage tests cover PostgreSQL)."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'petitions.db'}", secret_key=TEST_SECRET)


def test_a_provisional_deadline_and_the_administrators_calendar_page(page, server, live_services, clock):
    clock.set(datetime(2026, 12, 30, 10, 0, tzinfo=CHINA))
    ids = set_up(live_services)
    live_services.accounts.register(username="zhao", display_name="赵管理", password="zhao-admin-Tulip-Quartz-7",
                                    roles=["administrator"], actor="admin")
    outcome, _ = live_services.petitions.receive(
        actor="wangfang", contact_point_id=ids["point"], category="sanitation", channel="desk",
        summary="垃圾清运不及时", details="3号楼门口垃圾两天没人清运", petitioner=None, received_by=ids["desk"])
    reference = outcome.petition["reference"]
    live_services.petitions.set_deadline(reference, working_days=3, responsible_member_id=ids["handler"],
                                         plan="联系物业清运", steps=None, actor="wangfang")
    live_services.projections.catch_up()

    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    page.goto(f"{server}/desk/worklist")
    row = page.locator("tr", has_text=reference)
    expect(row.locator(".provisional")).to_have_text("暂定")
    screenshots(page, "calendar-provisional-worklist")
    page.goto(f"{server}/desk/petitions/{reference}")
    expect(page.locator("#provisional-note")).to_contain_text("2027 年的法定节假日安排尚未录入")
    assert_reads_as_chinese(page)
    screenshots(page, "calendar-provisional-petition")

    page.context.clear_cookies()
    sign_in(page, server, "zhao", "zhao-admin-Tulip-Quartz-7")
    page.goto(f"{server}/admin/calendar")
    expect(page.locator("#missing-2027")).to_contain_text("2027 年的法定节假日安排尚未录入")
    expect(page.locator("#year")).to_have_value("2027")
    screenshots(page, "calendar-admin-missing")

    page.fill("#lines", "2027-01-01 holiday 元旦\n2027-01-05 workday")
    page.click("#enter-calendar button[type=submit]")
    expect(page.locator("#lines-error")).to_have_text("第 2 行：2027-01-05 本来就是工作日；调休上班日应在周末。")
    expect(page.locator("#lines")).to_have_value("2027-01-01 holiday 元旦\n2027-01-05 workday")
    assert_reads_as_chinese(page)
    screenshots(page, "calendar-admin-refused")

    page.fill("#lines", LINES_2027)
    page.click("#enter-calendar button[type=submit]")
    expect(page.locator("#missing-2027")).to_have_count(0)
    expect(page.locator("#year-2027")).to_contain_text("由 赵管理 于")
    screenshots(page, "calendar-admin-entered")
    assert live_services.petitions.count_due_date(datetime(2026, 12, 30).date(), 3).provisional is False
