"""At desk size: a member makes a commitment and records progress on their page; the secretary
approves it, drafts a questionnaire, opens it and prints its codes and notice link."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def set_up(services) -> str:
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    member = services.communities.add_member("jinhua", name="李强", role="grid_member", contact_point_id=point["id"],
                                             actor="admin")
    services.accounts.register(username="liqiang", display_name="李强", password="member-password-1",
                               roles=["handling_member"], community_code="jinhua", member_id=member["id"],
                               actor="admin")
    services.accounts.register(username="chen", display_name="陈书记", password="secretary-password",
                               roles=["committee_secretary"], community_code="jinhua", actor="admin")
    return member["id"]


def test_a_members_commitment_page_and_the_secretarys_questionnaire_page(page, server, live_services, browser):
    set_up(live_services)
    sign_in(page, server, "liqiang", "member-password-1")
    page.click("header a:has-text('承诺')")
    expect(page.locator("h1")).to_contain_text("承诺")
    page.fill("#text", "为1-5栋楼道加装声控灯")
    page.fill("#target_date", "2026-11-30")
    page.click("#form-make button")  # the visible result is missing: the browser itself asks for it
    page.fill("#visible_result", "每层楼道有灯")
    page.click("#form-make button")
    expect(page.locator(".commitment h2")).to_contain_text("为1-5栋楼道加装声控灯")
    expect(page.locator(".commitment .status")).to_contain_text("待审")

    secretary = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(secretary, server, "chen", "secretary-password")
    secretary.goto(f"{server}/work/commitments")
    secretary.click("form[id^=form-approve] button")
    expect(secretary.locator(".flash.success")).to_be_visible()

    page.reload()
    form = page.locator("form[id^=form-record_progress]")
    form.locator("textarea[name=note]").fill("已联系物业，灯具到货")
    form.locator("input[name=percent]").fill("60")
    form.locator("button").click()
    expect(page.locator(".commitment .percent")).to_have_text("60%")
    expect(page.locator(".commitment .progress")).to_contain_text("已联系物业，灯具到货")
    screenshot(page, "member-commitments-desk")

    secretary.click("header a:has-text('问卷调查')")
    secretary.fill("#title", "楼道照明满意度")
    secretary.fill("#opens_on", "2026-09-21")
    secretary.fill("#closes_on", "2026-10-20")
    secretary.fill("#q0_text", "楼道灯好用吗")
    secretary.fill("input[name=q0_options]", "好用；不好用")
    secretary.select_option("select[name=q1_kind]", "free_text")
    secretary.fill("#q1_text", "还有什么建议")
    secretary.click("#form-draft button")
    expect(secretary).to_have_url(re.compile(r"/work/questionnaires/[0-9a-f-]{36}$"))
    secretary.click("#form-open button")
    expect(secretary.locator("#stage")).to_contain_text("开")
    secretary.fill("#form-issue_answer_codes input[name=count]", "3")
    secretary.click("#form-issue_answer_codes button")
    expect(secretary.locator("#codes code")).to_have_count(3)
    expect(secretary.locator("#notice")).to_have_attribute("href", re.compile(r"/board/questionnaires/.+/notice$"))
    screenshot(secretary, "secretary-questionnaire-desk")
    secretary.context.close()
