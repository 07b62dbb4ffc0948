"""A member at the door with a phone (390×844): the visit form works offline, the visit is sent
once when the connection returns and is in the diary; a problem raised at the visit becomes a
petition in the worklist, linked to the visit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

LEARNED = "5栋王大爷反映楼道灯坏了一周，晚上上下楼不安全"


def set_up(services) -> None:
    services.communities.register(code="jinhua", name="金华社区", kind="community", actor="admin")
    point = services.communities.add_contact_point("jinhua", name="第一网格", area="1-5栋", actor="admin")
    member = services.communities.add_member("jinhua", name="王芳", role="desk_staff", contact_point_id=point["id"],
                                             actor="admin")
    services.contact_points.assign(member["id"], contact_point_id=point["id"], compounds=["金华苑"], actor="admin")
    services.accounts.register(username="wangfang", display_name="王芳", password="wangfang-Tulip-Quartz-7",
                               roles=["desk_staff"], community_code="jinhua", member_id=member["id"], actor="admin")


def test_a_visit_recorded_offline_is_saved_once_and_raises_a_petition(browser, server, live_services):
    set_up(live_services)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, server, "wangfang", "wangfang-Tulip-Quartz-7")
        page.goto(f"{server}/visits/new")
        assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the service worker, which has cached the form and its script
        page.wait_for_function("navigator.serviceWorker.controller !== null")

        context.set_offline(True)
        page.reload()  # the form opens without a connection, from the phone's cache
        expect(page.locator("#visit-form")).to_be_visible()
        page.fill("#people_met", "2")
        page.fill("#learned", LEARNED)
        page.fill("#help_given", "当场联系物业报修")
        page.click("#save-visit")
        expect(page.locator("#waiting li.waiting")).to_have_count(1)
        expect(page.locator("#waiting")).to_contain_text(LEARNED[:20])
        screenshot(page, "visit-offline-waiting")
        page.wait_for_timeout(300)
        assert live_services.visits.list()["total"] == 0  # nothing reached the server

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # as the phone does when the network returns
        expect(page.locator("#waiting li")).to_have_count(0, timeout=10_000)
        expect(page.locator("#sent li")).to_have_count(1)
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a second wake-up sends nothing again
        page.wait_for_timeout(500)
        live_services.projections.catch_up()
        assert live_services.visits.list()["total"] == 1

        page.goto(f"{server}/visits/diary")
        expect(page.locator(".visit-entry")).to_have_count(1)
        expect(page.locator(".visit-entry")).to_contain_text(LEARNED)
        screenshot(page, "visit-diary-phone")

        page.click(".visit-entry a")
        expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
        visit_url = page.url
        page.select_option("#category", "infrastructure")
        page.fill("#summary", "楼道灯不亮")
        page.fill("#details", LEARNED)
        page.click("#raise-petition button[type=submit]")
        expect(page.locator("#raised li a")).to_have_count(1)
        reference = page.locator("#raised li a").inner_text()
        assert re.fullmatch(r"[a-z]+-\d{4}-\d{6}", reference)

        page.goto(f"{server}/desk/worklist")
        row = page.locator("#worklist tr", has_text=reference)
        expect(row).to_have_count(1)
        link = row.locator("a.from-visit")
        expect(link).to_have_count(1)
        assert visit_url.endswith(link.get_attribute("href"))
        screenshot(page, "worklist-from-visit-phone")
    finally:
        context.close()
