"""Intake in under a minute (issue 11, point 5): required fields marked, 接待人 is the signed-in
member, the category is chosen by typing (characters or pinyin initials), the details start from
the summary, and the cursor goes through the form in its order."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from service.settings import Settings
from tests.browser.conftest import sign_in
from tests.browser.daily import assert_reads_as_chinese, screenshots, set_up
from tests.conftest import TEST_SECRET


@pytest.fixture
def settings(tmp_path):
    return Settings(database_url=f"sqlite:///{tmp_path / 'petitions.db'}", secret_key=TEST_SECRET)


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_petition_is_received_from_the_keyboard_in_under_a_minute(page, server, live_services):
    ids = set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    page.set_viewport_size({"width": 1366, "height": 768})
    started = time.monotonic()
    page.goto(f"{server}/desk/new")

    # required fields are marked; 接待人 is the signed-in member, the contact point and channel are set
    for field in ("contact_point_id", "received_by", "channel", "category", "summary"):
        expect(page.locator(f"label[for={field}] abbr.req")).to_have_text("*")
    expect(page.locator("label[for=details] abbr.req")).to_have_count(0)
    expect(page.locator("#required-note")).to_have_text("标 * 的为必填项。")
    expect(page.locator("#received_by")).to_have_value(ids["desk"])
    expect(page.locator("#received_by option:checked")).to_have_text("王芳")

    # the cursor starts at the first field to fill: the category, found by its pinyin initials
    assert focused(page) == "category_search"
    keys = 0
    page.keyboard.type("wy")
    keys += 2
    expect(page.locator("#category")).to_have_value("property")
    expect(page.locator("#category_match")).to_have_text("物业管理")
    page.fill("#category_search", "环境")
    expect(page.locator("#category")).to_have_value("sanitation")
    page.fill("#category_search", "")
    page.keyboard.type("hjws")
    keys += 4
    expect(page.locator("#category")).to_have_value("sanitation")
    screenshots(page, "desk-intake-category-by-pinyin")
    page.keyboard.press("Enter")  # keeps the choice, sends nothing, moves on
    keys += 1
    assert focused(page) == "summary"
    expect(page).to_have_url(f"{server}/desk/new")

    summary = "3号楼门口垃圾两天没人清运"
    page.keyboard.type(summary)
    page.keyboard.press("Tab")
    keys += len(summary) + 1
    assert focused(page) == "details"
    expect(page.locator("#details")).to_have_value(summary)  # the details start from the summary
    page.keyboard.type("，有异味，老人出入不便")
    keys += 11

    # Tab follows the form: 不记名, then the petitioner's name, phone, address, then 受理
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order == ["anonymous", "petitioner_name", "petitioner_phone", "petitioner_address", "receive"]
    page.focus("#petitioner_name")
    page.keyboard.type("张大爷")
    page.keyboard.press("Tab")
    page.keyboard.type("13812345678")
    keys += 3 + 1 + 11
    screenshots(page, "desk-intake-filled-from-the-keyboard")
    assert_reads_as_chinese(page)
    page.keyboard.press("Control+Enter")
    keys += 1
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    took = time.monotonic() - started
    expect(page.locator("main")).to_contain_text("3号楼门口垃圾两天没人清运，有异味，老人出入不便")
    expect(page.locator("main")).to_contain_text("环境卫生")
    print(f"intake from the keyboard: {keys} keys, Tab order as the form, {took:.1f} s in the browser")
    assert took < 60


def test_details_left_blank_keep_the_summary_and_the_category_matches_characters(page, server, live_services):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    page.goto(f"{server}/desk/new")
    page.fill("#category_search", "邻里")
    expect(page.locator("#category")).to_have_value("neighbour_dispute")
    page.fill("#category_search", "xyz")
    expect(page.locator("#category_match")).to_have_text("没有相符的类别")
    expect(page.locator("#category")).to_have_value("neighbour_dispute")  # nothing matched: the choice stays
    page.fill("#summary", "楼上漏水到楼下")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    expect(page.locator("main")).to_contain_text("邻里纠纷")
    reference = page.url.rsplit("/", 1)[-1]
    assert live_services.petitions.get(reference)["details"] == "楼上漏水到楼下"
