"""Two petitions escalated at the desk, one committee matter taken through 一征三议两公开
on its pages, both petitions resolved, and the result on the public board."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def set_up(services) -> None:
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    desk = services.communities.add_member("jinhua", name="王芳", role="desk_staff", contact_point_id=point["id"],
                                           actor="admin")
    for name in ("陈书记", "刘委员", "张委员", "李委员", "赵委员"):
        services.communities.add_member("jinhua", name=name, role="committee_member", contact_point_id=None,
                                        actor="admin")
    services.accounts.register(username="wangfang", display_name="王芳", password="wangfang-Tulip-Quartz-7",
                               roles=["desk_staff"], community_code="jinhua", member_id=desk["id"], actor="admin")
    services.accounts.register(username="chen", display_name="陈书记", password="secretary-Tulip-Quartz-7",
                               roles=["committee_secretary"], community_code="jinhua", actor="admin")


def receive_and_escalate(page, server, summary: str) -> str:
    page.goto(f"{server}/desk/new")
    page.select_option("#category", "infrastructure")
    page.fill("#summary", summary)
    page.fill("#details", f"{summary}：老人上下楼困难，希望加装电梯")
    page.fill("#petitioner_name", "李秀英")
    page.click("#receive")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    reference = page.url.rsplit("/", 1)[1]
    page.click("summary:has-text('报党委')")
    page.fill("#escalate_reason", "涉及公共维修资金，需要集体决策")
    page.click("#form-escalate button")
    expect(page.locator("#status")).to_contain_text("已报党委")
    return reference


def reload_until(page, url: str, selector: str, text: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if text in page.locator(selector).inner_text() or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    expect(page.locator(selector)).to_contain_text(text)


def open_section(page, name: str) -> None:
    """Opens a step's section, as a person clicks its heading, unless it is open already."""
    section = page.locator(f"details:has(#form-{name})")
    if not section.evaluate("d => d.open"):
        section.locator("summary").click()


def step(page, name: str, fields: dict[str, str]) -> None:
    """Fills a step's form and sends it."""
    open_section(page, name)
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click(f"#form-{name} button")
    expect(page.locator(".flash.success")).to_be_visible()


def test_a_matter_through_every_step_resolves_both_petitions(page, server, live_services, clock):
    set_up(live_services)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    first = receive_and_escalate(page, server, "3号楼加装电梯")
    second = receive_and_escalate(page, server, "5号楼加装电梯")
    page.click("header button.link")

    sign_in(page, server, "chen", "secretary-Tulip-Quartz-7")
    page.goto(f"{server}/committee/matters/new")
    page.fill("#title", "老旧小区加装电梯")
    page.fill("#description", "3号楼、5号楼居民申请加装电梯，涉及公共维修资金使用")
    page.check(f"input[name=petitions][value='{first}']")
    page.check(f"input[name=petitions][value='{second}']")
    page.click("#open-form button")
    expect(page.locator("#stage")).to_contain_text("已立项")

    step(page, "open_solicitation", {"#question": "是否同意使用公共维修资金加装电梯？", "#closes_on": "2026-09-28"})
    step(page, "record_opinion", {"#opinion_text": "支持，老人上下楼太难了", "#resident": ""})
    open_section(page, "record_opinion")
    page.select_option("#stance", "oppose")
    step(page, "record_opinion", {"#opinion_text": "一楼住户担心采光"})
    expect(page.locator("#opinion-summary")).to_contain_text("1")
    step(page, "close_solicitation", {"#close_reason": "两栋楼住户已全部表态"})  # before its last day: a reason
    step(page, "draft_proposal", {"#proposal_text": "使用公共维修资金为3号楼、5号楼加装电梯，一楼住户给予补偿"})
    step(page, "record_consultation", {"#minutes": "两委联席会议讨论，同意提交决议"})
    open_section(page, "record_vote")
    page.fill("#eligible", "5")
    page.fill("#present", "4")
    page.fill("#votes_for", "3")
    page.fill("#votes_against", "1")
    page.fill("#abstentions", "0")
    expect(page.locator("#vote-preview")).to_contain_text("通过")
    screenshot(page, "committee-vote")
    page.click("#form-record_vote button")
    expect(page.locator("#stage")).to_contain_text("通过")
    step(page, "disclose_resolution", {"#notice_days": "7"})
    expect(page.locator("#stage")).to_contain_text("公示")

    clock.advance(days=8)  # the notice period has ended
    page.reload()
    step(page, "record_implementation_progress", {"#percent": "50", "#progress_note": "电梯井道施工中"})
    step(page, "complete_implementation", {"#complete_note": "电梯安装完成并通过验收"})
    step(page, "disclose_result", {"#result_text": "3号楼、5号楼电梯已投入使用"})
    expect(page.locator("#stage")).to_contain_text("已结案")
    screenshot(page, "committee-matter-closed")

    for reference in (first, second):  # the matter-outcomes process updates them in the background
        reload_until(page, f"{server}/desk/petitions/{reference}", "#status", "已办结")
        expect(page.locator("#outcome")).to_contain_text("电梯已投入使用")

    reload_until(page, f"{server}/board/jinhua", "body", "3号楼、5号楼电梯已投入使用")
    expect(page.locator("body")).not_to_contain_text("李秀英")
    screenshot(page, "board")
