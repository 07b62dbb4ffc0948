"""The desk as people use it every day (issue 11, points 1–3): nothing typed is dropped silently,
a submission saves once, and every message reads in the person's language at its field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from service.settings import Settings
from tests.browser.conftest import sign_in
from tests.conftest import TEST_SECRET
from tests.browser.daily import assert_reads_as_chinese, screenshots, set_up


@pytest.fixture
def settings(tmp_path):
    """Pages, not storage, are under test here: SQLite on every run (the storage tests cover PostgreSQL)."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'petitions.db'}", secret_key=TEST_SECRET)


def fill_intake(page, server, phone: str, name: str = "张三丰") -> None:
    page.goto(f"{server}/desk/new")
    page.select_option("#category", "sanitation")
    page.fill("#summary", "垃圾清运不及时")
    page.fill("#details", "3号楼门口垃圾两天没人清运，有异味")
    page.fill("#petitioner_name", name)
    page.fill("#petitioner_phone", phone)


def test_a_phone_typed_with_a_chinese_input_method_is_kept_and_a_note_is_refused_at_its_field(page, server,
                                                                                               live_services):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")

    fill_intake(page, server, "１３８ １２３４－５６７８")
    page.press("#details", "Control+Enter")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    expect(page.locator(".card").first).to_contain_text("13812345678")

    before = live_services.log.last_position()
    fill_intake(page, server, "13812345678（儿子）")
    page.click("#receive")
    expect(page.locator("#petitioner\\.phone-error")).to_have_text("请填写电话号码，只填数字，例如 13812345678。")
    expect(page.locator(".flash.error")).to_contain_text("未保存。电话")
    # what was typed is still there, and nothing was saved
    expect(page.locator("#petitioner_phone")).to_have_value("13812345678（儿子）")
    expect(page.locator("#summary")).to_have_value("垃圾清运不及时")
    expect(page.locator("#category")).to_have_value("sanitation")
    assert live_services.log.last_position() == before
    assert_reads_as_chinese(page)
    screenshots(page, "desk-intake-phone-refused")

    # 不记名 disables the petitioner's fields, keeping what was typed on screen
    page.check("#anonymous")
    expect(page.locator("#petitioner_name")).to_be_disabled()
    expect(page.locator("#petitioner_name")).to_have_value("张三丰")
    screenshots(page, "desk-intake-anonymous")
    page.uncheck("#anonymous")
    expect(page.locator("#petitioner_phone")).to_be_enabled()
    page.check("#anonymous")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    expect(page.locator(".card").first).to_contain_text("不记名")
    expect(page.locator(".card").first).not_to_contain_text("张三丰")


def test_refused_steps_read_in_chinese_and_name_the_field(page, server, live_services):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    fill_intake(page, server, "13812345678")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))

    page.click("summary:has-text('设定时限')")
    page.fill("#plan", "联系物业，限期清运")
    page.fill("input[name=step_0_due]", "2026-01-05")  # in the past
    page.fill("input[name=step_0_text]", "约谈物业")
    page.click("#form-set_deadline button")
    expect(page.locator(".flash.error")).to_contain_text("第 1 步的日期")
    expect(page.locator("#form-set_deadline")).to_contain_text("请从今天起按先后顺序填写步骤日期。")
    expect(page.locator("#plan")).to_have_value("联系物业，限期清运")
    assert_reads_as_chinese(page)
    screenshots(page, "desk-deadline-refused")


def test_a_submission_saves_once_however_often_it_is_sent(page, server, live_services):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    fill_intake(page, server, "13812345678")
    form = {name: page.locator(f"#intake [name={name}]").first.input_value()
            for name in ("csrf_token", "idempotency_key", "contact_point_id", "received_by", "channel", "category",
                         "summary", "details", "petitioner_name", "petitioner_phone")}
    page.focus("#details")
    for _ in range(3):  # pressed three times before the page changes
        page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/desk/petitions/jinhua-2026-000001$"))
    # the same form sent again, as a browser retrying it would: the first petition answers, nothing new is saved
    before = live_services.log.last_position()
    for _ in range(2):
        again = page.request.post(f"{server}/desk/new", form=form, max_redirects=0)
        assert again.status == 302
        assert again.headers["location"].endswith("/desk/petitions/jinhua-2026-000001")
    assert live_services.log.last_position() == before

    # a step's form too: a progress note sent twice is recorded once
    page.click("summary:has-text('设定时限')")
    page.fill("#plan", "联系物业，限期清运")
    page.click("#form-set_deadline button")
    page.click("summary:has-text('记录进展')")
    page.fill("#note", "已约谈物业")
    step = {name: page.locator(f"#form-record_progress [name={name}]").first.input_value()
            for name in ("csrf_token", "idempotency_key", "version", "note")}
    page.click("#form-record_progress button")
    expect(page.locator(".flash.success").first).to_be_visible()
    again = page.request.post(f"{server}/desk/petitions/jinhua-2026-000001/record_progress", form=step, max_redirects=0)
    assert again.status == 302
    page.reload()
    expect(page.locator("#timeline li", has_text="已约谈物业")).to_have_count(1)
    screenshots(page, "desk-saved-once")


def test_names_not_ids_and_one_name_for_the_committee(page, server, live_services):
    set_up(live_services)
    live_services.accounts.register(username="root", display_name="系统管理员", password="root-password-1",
                                    roles=["administrator"], actor="admin")
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    fill_intake(page, server, "13812345678")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    expect(page.locator("#timeline")).to_contain_text("王芳")
    expect(page.locator("#timeline")).not_to_contain_text("wangfang")
    assert_reads_as_chinese(page)

    # the 403 page names the role, not the program's action
    assert page.goto(f"{server}/admin/accounts").status == 403
    expect(page.locator("main")).to_contain_text("接待人员")
    assert_reads_as_chinese(page)
    screenshots(page, "forbidden-names-the-role")
    page.click("header button.link")

    # the administrator's list: the community's and the member's names
    sign_in(page, server, "root", "root-password-1")
    page.goto(f"{server}/admin/accounts")
    row = page.locator("#accounts tr", has_text="wangfang")
    expect(row).to_contain_text("金华社区")
    expect(row).to_contain_text("王芳 · 金华社区")
    assert_reads_as_chinese(page)
    page.goto(f"{server}/admin/communities")
    assert_reads_as_chinese(page)
    screenshots(page, "admin-communities-names")
    page.click("header button.link")

    # the committee is 党委 on every page
    sign_in(page, server, "chen", "secretary-password")
    page.goto(f"{server}/committee")
    expect(page.locator("header.top")).to_contain_text("党委")
    expect(page.locator("header.top")).not_to_contain_text("两委")
    expect(page.locator("h1")).to_contain_text("党委")
    screenshots(page, "committee-agenda")


def _contrast(page, selector: str) -> float:
    """WCAG contrast of an element's text against the background it sits on."""
    return page.locator(selector).first.evaluate("""e => {
      const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                         return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      let bg = e, color = 'rgba(0, 0, 0, 0)';
      while (bg && (color = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') bg = bg.parentElement;
      const a = lum(rgb(getComputedStyle(e).color)), b = lum(rgb(color));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""")


def test_the_worklist_puts_new_petitions_first_and_reads_due_today(page, server, live_services, clock):
    points = set_up(live_services)
    desk = live_services.petitions
    fields = {"contact_point_id": points["point"], "category": "sanitation", "channel": "desk", "details": "详情",
              "petitioner": None, "received_by": points["desk"], "actor": "wangfang"}
    for n in range(3):  # three deadlined petitions, one of them due today
        outcome, _ = desk.receive(summary=f"路灯不亮 {n}", **fields)
        desk.set_deadline(outcome.petition["reference"], working_days=1 + n, responsible_member_id=points["handler"],
                          plan="联系供电所", steps=[], actor="wangfang")
    clock.advance(days=1)
    desk.receive(summary="楼道堆放杂物", **fields)  # new, not yet decided
    live_services.accounts.register(username="street", display_name="街道督查", password="street-password-1",
                                    roles=["oversight"], actor="admin")
    live_services.communities.register(code="taoyuan", name="桃源村", kind="village", actor="admin")

    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    page.goto(f"{server}/desk/worklist")
    expect(page.locator("#worklist tbody tr").first).to_contain_text("楼道堆放杂物")
    due_today = page.locator("#worklist .due-today")
    expect(due_today).to_have_text("今天到期")
    assert _contrast(page, "#worklist .due-today") >= 4.5
    screenshots(page, "worklist")
    page.fill("#q", "堆放杂物")  # words of the summary
    page.click("#filters button")
    expect(page.locator("#worklist tbody tr")).to_have_count(1)
    page.click("header button.link")

    sign_in(page, server, "street", "street-password-1")  # several communities: a community column
    page.goto(f"{server}/desk/worklist")
    expect(page.locator("#worklist thead")).to_contain_text("社区")
    expect(page.locator("#worklist td.community").first).to_have_text("金华社区")
    page.click("header button.link")

    sign_in(page, server, "chen", "secretary-password")  # the secretary lands on the agenda
    expect(page).to_have_url(re.compile(r"/committee$"))


def test_a_lost_tracking_code_is_reissued_and_the_old_one_stops_working(page, server, live_services):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    fill_intake(page, server, "13812345678")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    reference = page.url.rsplit("/", 1)[1]
    code = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}")
    old = code.search(page.locator("#tracking").inner_text()).group(0)

    page.locator("#reissue summary").click()
    page.fill("#reissue_reason", "回执遗失，本人来电")
    page.click("#form-reissue button")
    expect(page.locator(".flash.success").first).to_contain_text("旧查询码不再有效")
    new = code.search(page.locator("#tracking").inner_text()).group(0)
    assert new != old
    expect(page.locator("#timeline")).to_contain_text("已补发查询码")
    expect(page.locator("#timeline")).to_contain_text("回执遗失，本人来电")
    assert_reads_as_chinese(page)
    screenshots(page, "desk-receipt-reissued")
    page.click("header button.link")

    for tried, found in ((old, False), (new, True)):
        page.goto(f"{server}/lookup?reference={reference}")
        page.fill("#code", tried)
        page.click("#lookup-form button")
        if found:
            expect(page.locator("#result")).to_be_visible()
        else:
            expect(page.locator(".flash.error")).to_be_visible()


def test_the_board_links_to_the_lookup_and_unknown_pages_answer_a_page(page, server, live_services):
    set_up(live_services)
    page.goto(f"{server}/board")
    page.click("#lookup-link")
    expect(page).to_have_url(re.compile(r"/lookup$"))
    for path in ("/board/nowhere", "/no-such-page", "/lookup/nothing"):
        response = page.goto(f"{server}{path}")
        assert response.status == 404 and response.headers["content-type"].startswith("text/html"), path
        expect(page.locator("#not-found h1")).to_contain_text("未找到")
        assert_reads_as_chinese(page)
    screenshots(page, "not-found")
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    response = page.goto(f"{server}/desk/petitions/2026-999999")
    assert response.status == 404
    expect(page.locator("#not-found")).to_be_visible()
    answer = page.request.get(f"{server}/api/nowhere")
    assert answer.status == 404 and answer.json()["error"] == "not_found"
