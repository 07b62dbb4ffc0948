"""A new deployment, as people use it: the administrator sets it up, the desk
receives a petition and takes it to follow-up; roles are refused what they may not do."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import cli, screenshot, sign_in


def set_up_community_and_desk(page, server, settings) -> None:
    cli(settings, "create-admin", "--username", "admin", "--password", "admin-password-1")
    sign_in(page, server, "admin", "admin-password-1")
    page.goto(f"{server}/admin/communities")
    page.fill("#code", "jinhua")
    page.fill("#name", "金华社区")
    page.click("#new-community button[type=submit]")
    page.fill("#cp-name-jinhua", "第一网格")
    page.click("#community-jinhua form:has(#cp-name-jinhua) button")
    page.fill("#m-name-jinhua", "王芳")
    page.select_option("#community-jinhua form:has(#m-name-jinhua) select[name=role]", "desk_staff")
    page.select_option("#community-jinhua form:has(#m-name-jinhua) select[name=contact_point_id]", "jinhua.cp1")
    page.click("#community-jinhua form:has(#m-name-jinhua) button")
    expect(page.locator("#community-jinhua")).to_contain_text("王芳")
    page.goto(f"{server}/admin/accounts")
    page.fill("#username", "wangfang")
    page.fill("#display_name", "王芳")
    page.fill("#password", "wangfang-Tulip-Quartz-7")
    page.select_option("#community_code", "jinhua")
    page.select_option("#member_id", "jinhua.m1")
    page.check("input[name=roles][value=desk_staff]")
    page.click("#new-account button[type=submit]")
    expect(page.locator("#accounts")).to_contain_text("wangfang")
    screenshot(page, "admin-accounts")
    page.click("header button.link")  # sign out


def test_a_petition_from_the_desk_to_follow_up(page, server, settings):
    set_up_community_and_desk(page, server, settings)
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    expect(page).to_have_url(re.compile(r"/desk/new$"))
    page.select_option("#category", "sanitation")
    page.fill("#summary", "垃圾清运不及时")
    page.fill("#details", "3号楼门口垃圾两天没人清运，有异味")
    page.fill("#petitioner_name", "张三丰")
    page.fill("#petitioner_phone", "13800001234")
    screenshot(page, "desk-intake")
    page.press("#details", "Control+Enter")
    expect(page).to_have_url(re.compile(r"/desk/petitions/[a-z]+-\d{4}-\d{6}$"))
    expect(page.locator("#tracking")).to_contain_text(re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}"))
    reference = page.url.rsplit("/", 1)[1]
    tracking_code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", page.locator("#tracking").inner_text()).group(0)

    page.click("summary:has-text('设定时限')")
    page.fill("#working_days", "5")
    expect(page.locator("#due-preview")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    page.fill("#plan", "联系物业，限期清运")
    page.click("#form-set_deadline button")
    expect(page.locator("#status")).to_contain_text("已设时限")
    expect(page.locator("#due-date")).to_be_visible()
    screenshot(page, "desk-petition-deadlined")

    page.click("summary:has-text('办结')")
    page.fill("#outcome_text", "已恢复每日清运")
    page.click("#form-resolve button")
    expect(page.locator("#status")).to_contain_text("已办结")
    page.select_option("#satisfaction", "satisfied")
    page.click("#form-follow_up button")
    expect(page.locator("#status")).to_contain_text("已结案")
    expect(page.locator("#timeline li")).to_have_count(4)
    expect(page.locator("#timeline")).to_contain_text("王芳")  # a name, not a user name
    screenshot(page, "desk-petition-closed")

    page.goto(f"{server}/desk/petitions/{reference}/receipt")
    expect(page.locator("#reference")).to_have_text(reference)
    expect(page.locator("svg")).to_be_visible()

    # the petitioner looks it up, signed out, with the receipt's reference number and tracking code
    page.click("text=返回")
    page.click("header button.link")
    page.goto(f"{server}/lookup?reference={reference}")
    page.fill("#code", "WRNG-CODE-2345")
    page.click("#lookup-form button")
    expect(page.locator(".flash.error")).to_contain_text("没有与该受理编号和查询码相符的诉求")
    page.fill("#code", tracking_code)
    page.click("#lookup-form button")
    expect(page.locator("#result")).to_contain_text("已结案")
    expect(page.locator("#result")).to_contain_text("已恢复每日清运")
    expect(page.locator("body")).not_to_contain_text("张三丰")
    screenshot(page, "petitioner-lookup")


def test_roles_are_refused_what_they_may_not_do(page, server, settings, live_services):
    set_up_community_and_desk(page, server, settings)
    live_services.accounts.register(username="leader", display_name="赵主任", password="leader-Tulip-Quartz-7",
                                    roles=["leadership"], community_code="jinhua", actor="test")
    sign_in(page, server, "leader", "leader-Tulip-Quartz-7")
    response = page.goto(f"{server}/desk/new")
    assert response.status == 403
    expect(page.locator("h1")).to_contain_text("403")
    response = page.goto(f"{server}/admin/accounts")
    assert response.status == 403
    screenshot(page, "forbidden")

    # the desk may not manage accounts, and a form posted without its CSRF token changes nothing
    page.click("header button.link")
    sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
    assert page.goto(f"{server}/admin/accounts").status == 403
    before = live_services.log.last_position()
    posted = page.request.post(f"{server}/desk/new", form={
        "contact_point_id": "jinhua.cp1", "received_by": "jinhua.m1", "channel": "desk", "category": "sanitation",
        "summary": "没有令牌的表单", "details": "x"})
    assert posted.status == 400
    assert live_services.log.last_position() == before


FORBIDDEN_PAGES = {
    "desk_staff": ["/admin/accounts", "/ledger", "/committee/matters/new"],
    "handling_member": ["/desk/new", "/admin/communities", "/ledger"],
    "committee_secretary": ["/desk/new", "/admin/accounts"],
    "committee_member": ["/desk/new", "/desk/worklist", "/committee/matters/new", "/ledger"],
    "leadership": ["/desk/new", "/desk/worklist", "/committee/matters/new", "/admin/accounts"],
    "administrator": ["/desk/new", "/committee/matters/new"],
}


def test_each_role_sees_a_403_page_for_what_it_may_not_do(page, server, live_services):
    live_services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    for role, paths in FORBIDDEN_PAGES.items():
        username = role.replace("_", "")[:16]
        live_services.accounts.register(username=username, display_name=role, password=f"{username}-Tulip-Quartz-7",
                                        roles=[role], community_code="jinhua", actor="admin")
        sign_in(page, server, username, f"{username}-Tulip-Quartz-7")
        before = live_services.log.last_position()
        for path in paths:
            response = page.goto(f"{server}{path}")
            assert response.status == 403, (role, path)
            expect(page.locator("h1")).to_contain_text("403")
        assert live_services.log.last_position() == before
        page.click("header button.link")
