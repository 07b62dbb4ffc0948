"""Leadership and administration as used every day (issue 11, points 16, 17 and 10, and leftovers of 6 and 9):
the ledger chart follows the filters, is titled and names its axes and months; the administrator edits,
deactivates and reactivates accounts, resets a password (the user must change it before anything else) and
sets the committee's rules; finished matters stay reachable from the agenda, and a petition and its matter
link to each other; the vote preview tells a failure as a failure."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from domain.account import account_id
from service.settings import Settings
from tests.browser.conftest import sign_in
from tests.browser.daily import assert_reads_as_chinese, screenshots, set_up
from tests.conftest import TEST_SECRET

ROOT_PASSWORD = "root-Lantern-Harbour-9"
TEMPORARY = "Harbour-Lantern-Violet-42"
OWN = "Meadow-Copper-Pigeon-88"
FAILURE_RED = "rgb(164, 0, 0)"


@pytest.fixture
def settings(tmp_path):
    """Pages, not storage, are under test here: SQLite on every run (the storage tests cover PostgreSQL)."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'petitions.db'}", secret_key=TEST_SECRET)


def receive(services, points, summary: str, contact_point: str | None = None) -> str:
    outcome, _ = services.petitions.receive(
        contact_point_id=contact_point or points["point"], category="sanitation", channel="desk", summary=summary,
        details="详情", petitioner=None, received_by=points["desk"], actor="wangfang")
    return outcome.petition["reference"]


def sign_out(page) -> None:
    page.click("header button.link")


def test_the_ledger_chart_follows_the_filters_and_names_its_axes(page, server, live_services, clock):
    points = set_up(live_services)
    second = live_services.communities.add_contact_point("jinhua", name="第二网格", area="6-9栋", actor="admin")
    clock.advance(days=-365)
    receive(live_services, points, "去年的诉求")
    clock.advance(days=365)
    for n in range(3):
        receive(live_services, points, f"路灯不亮 {n}", contact_point=second["id"] if n else None)
    live_services.accounts.register(username="zhao", display_name="赵书记", password="zhao-Tulip-Quartz-7",
                                    roles=["leadership"], community_code="jinhua", actor="admin")
    sign_in(page, server, "zhao", "zhao-Tulip-Quartz-7")
    page.goto(f"{server}/ledger")
    chart = page.locator("#ledger-chart svg")
    expect(chart.locator("text.title")).to_have_text("金华社区 · 2026年各月诉求")
    expect(chart.locator("text.axis-name")).to_have_text(["诉求件数", "满意率", "月份"])
    expect(chart.locator("text", has_text=re.compile(r"^7月$"))).to_have_count(1)
    expect(chart.locator("text", has_text=re.compile(r"^\d\d-\d\d$"))).to_have_count(0)
    expect(chart.locator("rect title", has_text="2026-09 受理 Received: 3")).to_have_count(1)
    assert_reads_as_chinese(page)
    screenshots(page, "ledger-chart-2026")

    # last year: the chart follows the year typed in the filters
    page.fill("#year", "2025")
    page.click("#ledger-filters button[type=submit]")
    expect(chart.locator("text.title")).to_have_text("金华社区 · 2025年各月诉求")
    expect(chart.locator("rect title", has_text="2025-09 受理 Received: 1")).to_have_count(1)

    # one contact point: the chart and the downloads follow it
    page.fill("#year", "2026")
    page.select_option("#by", "contact_point")
    page.click("#ledger-filters button[type=submit]")
    page.select_option("#who", label="第二网格")
    page.click("#ledger-filters button[type=submit]")
    expect(chart.locator("text.title")).to_contain_text("第二网格")
    expect(chart.locator("rect title", has_text="2026-09 受理 Received: 2")).to_have_count(1)
    screenshots(page, "ledger-chart-contact-point")
    with page.expect_download() as download:
        page.click("#download-csv")
    assert download.value.suggested_filename == f"ledger-jinhua-2026-contact_point-{second['id']}.csv"
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename == f"ledger-jinhua-2026-contact_point-{second['id']}.xlsx"

    # in English, months read Jan … Dec
    page.click("header a[lang=en]")
    expect(chart.locator("text", has_text=re.compile(r"^Jul$"))).to_have_count(1)
    expect(chart.locator("text.axis-name").last).to_have_text("Month")


def test_the_administrator_edits_deactivates_and_reactivates_an_account(page, server, live_services):
    points = set_up(live_services)
    live_services.accounts.register(username="root", display_name="系统管理员", password=ROOT_PASSWORD,
                                    roles=["administrator"], actor="admin")
    sign_in(page, server, "root", ROOT_PASSWORD)
    page.goto(f"{server}/admin/accounts")
    page.click("#account-wangfang a")
    expect(page.locator("h1")).to_contain_text("王芳")

    # a refused edit keeps what was typed and names the field as labelled, in Chinese
    page.fill("#display_name", "王芳（前台）")
    page.uncheck("#edit-account input[value=desk_staff]")
    page.click("#edit-account button")
    expect(page.locator("#edit-account .error")).to_have_text("请至少选择一个角色。")
    expect(page.locator(".flash.error")).to_contain_text("角色")
    expect(page.locator("#display_name")).to_have_value("王芳（前台）")
    assert_reads_as_chinese(page)
    screenshots(page, "admin-account-refused")
    page.check("#edit-account input[value=desk_staff]")
    page.check("#edit-account input[value=committee_member]")
    page.select_option("#member_id", label="李强")
    page.click("#edit-account button")
    expect(page.locator(".flash.success")).to_have_text("账号已保存。")
    expect(page.locator("#display_name")).to_have_value("王芳（前台）")
    expect(page.locator("#member_id option:checked")).to_have_text("李强")
    edited = live_services.accounts.get("wangfang")
    assert (edited["roles"], edited["member_id"]) == (["desk_staff", "committee_member"], points["handler"])

    # deactivated: the signed-in user's page stops, and signing in is refused
    staff = page.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(staff, server, "wangfang", "wangfang-Tulip-Quartz-7")
    expect(staff).to_have_url(re.compile(r"/desk/new$"))
    page.click("#deactivate button")
    expect(page.locator("#account-state")).to_contain_text("已停用")
    screenshots(page, "admin-account-deactivated")
    staff.goto(f"{server}/desk/find")
    expect(staff).to_have_url(re.compile(r"/login"))
    sign_in(staff, server, "wangfang", "wangfang-Tulip-Quartz-7")
    expect(staff.locator(".flash.error")).to_have_text("用户名或密码错误。")
    page.goto(f"{server}/admin/accounts")
    expect(page.locator("#account-wangfang")).to_contain_text("已停用")
    assert_reads_as_chinese(page)

    page.click("#account-wangfang a")
    page.click("#reactivate button")
    expect(page.locator("#account-state")).to_contain_text("使用中")
    sign_in(staff, server, "wangfang", "wangfang-Tulip-Quartz-7")
    expect(staff).to_have_url(re.compile(r"/desk/new$"))
    staff.context.close()
    history = [type(e).__name__ for e in live_services.log.events.get(account_id("wangfang"))]
    assert history[-3:] == ["Edited", "Disabled", "Reactivated"]


def test_a_reset_password_must_be_changed_before_anything_else(page, server, live_services):
    set_up(live_services)
    live_services.accounts.register(username="root", display_name="系统管理员", password=ROOT_PASSWORD,
                                    roles=["administrator"], actor="admin")
    sign_in(page, server, "root", ROOT_PASSWORD)
    page.goto(f"{server}/admin/accounts/wangfang")
    page.fill("#password", "short")
    page.click("#reset-password button")
    expect(page.locator("#reset-password .error")).to_have_text("请至少填写 10 个字符。")
    expect(page.locator("#password")).to_have_value("short")
    assert_reads_as_chinese(page)
    page.fill("#password", TEMPORARY)
    page.click("#reset-password button")
    expect(page.locator(".flash.success")).to_contain_text("下次登录时须修改密码")
    expect(page.locator("#account-state")).to_contain_text("下次登录时须修改密码")
    screenshots(page, "admin-password-reset")
    sign_out(page)

    sign_in(page, server, "wangfang", TEMPORARY)
    expect(page).to_have_url(re.compile(r"/password$"))
    expect(page.locator("header.top a", has_text="受理")).to_have_count(0)  # nothing else is offered
    page.goto(f"{server}/desk/worklist")
    expect(page).to_have_url(re.compile(r"/password$"))
    page.fill("#current_password", TEMPORARY)
    page.fill("#new_password", OWN)
    page.fill("#new_password_repeat", OWN + "!")
    page.click("#change-password button")
    expect(page.locator("#change-password .error")).to_have_text("两次输入的新密码不一致，请输入相同的密码。")
    expect(page.locator(".flash.error")).to_contain_text("再次输入新密码")
    assert_reads_as_chinese(page)
    screenshots(page, "change-password-refused")
    page.fill("#current_password", TEMPORARY)
    page.fill("#new_password", OWN)
    page.fill("#new_password_repeat", OWN)
    page.click("#change-password button")
    expect(page.locator(".flash.success")).to_have_text("密码已修改。")
    expect(page).to_have_url(re.compile(r"/desk/new$"))
    page.goto(f"{server}/desk/worklist")
    expect(page).to_have_url(re.compile(r"/desk/worklist$"))


def test_the_committee_rules_are_set_on_a_page(page, server, live_services, clock):
    set_up(live_services)
    live_services.accounts.register(username="root", display_name="系统管理员", password=ROOT_PASSWORD,
                                    roles=["administrator"], actor="admin")
    sign_in(page, server, "root", ROOT_PASSWORD)
    page.goto(f"{server}/admin/communities")
    page.click("#rules-jinhua")
    expect(page.locator("#quorum")).to_have_value("2/3")
    expect(page.locator("#notice_days")).to_have_value("7")
    page.fill("#quorum", "一半")
    page.fill("#majority", "1/2")
    page.fill("#notice_days", "10")
    page.click("#committee-rules button")
    expect(page.locator("#committee-rules .error")).to_have_text("请填写分数，例如 2/3。")
    expect(page.locator(".flash.error")).to_contain_text("到会比例")
    expect(page.locator("#quorum")).to_have_value("一半")
    expect(page.locator("#notice_days")).to_have_value("10")
    assert_reads_as_chinese(page)
    screenshots(page, "admin-committee-rules-refused")
    page.fill("#quorum", "1/2")
    page.click("#committee-rules button")
    expect(page.locator("#rules-now")).to_contain_text("公示期 10 天")
    screenshots(page, "admin-committee-rules")
    assert live_services.communities.get("jinhua")["committee_rules"]["notice_days"] == 10

    # the secretary's disclosure form starts from the committee's notice period
    today = clock.now().date()
    committee = live_services.committee
    matter = committee.open(community="jinhua", title="3号楼加装电梯", description="居民申请加装电梯", petitions=[],
                            actor="chen").matter["id"]
    committee.open_solicitation(matter, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=2),
                                actor="chen")
    clock.advance(days=3)
    committee.close_solicitation(matter, actor="chen")
    committee.draft_proposal(matter, text="加装电梯", cited_opinions=[], actor="chen")
    committee.record_consultation(matter, held_on=None, attendees=["陈书记"], minutes="同意", outcome="agreed", actor="chen")
    committee.record_vote(matter, held_on=None, eligible=5, present=3, votes_for=2, votes_against=1, abstentions=0,
                          actor="chen")  # 3 of 5 present: a quorum under more than 1/2, not under 2/3
    sign_out(page)
    sign_in(page, server, "chen", "secretary-password")
    page.goto(f"{server}/committee/matters/{matter}")
    expect(page.locator("#votes .passes")).to_have_text("通过")
    expect(page.locator("#notice_days")).to_have_value("10")


def _to_vote(services, clock, title: str, petitions: list[str]):
    today = clock.now().date()
    committee = services.committee
    matter = committee.open(community="jinhua", title=title, description="居民申请", petitions=petitions,
                            actor="chen").matter["id"]
    committee.open_solicitation(matter, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=2),
                                actor="chen")
    clock.advance(days=3)
    committee.close_solicitation(matter, actor="chen")
    committee.draft_proposal(matter, text="方案", cited_opinions=[], actor="chen")
    committee.record_consultation(matter, held_on=None, attendees=["陈书记"], minutes="同意", outcome="agreed", actor="chen")
    return matter


def test_finished_matters_stay_reachable_and_a_rejected_vote_reads_as_a_failure(page, server, live_services, clock):
    points = set_up(live_services)
    reference = receive(live_services, points, "小区增设充电桩")
    live_services.petitions.escalate(reference, reason="需党委研究", actor="wangfang")
    matter = _to_vote(live_services, clock, "小区增设充电桩", [reference])
    sign_in(page, server, "chen", "secretary-password")
    expect(page).to_have_url(re.compile(r"/committee$"))  # the secretary's day starts at the agenda

    # the vote preview: a sum that does not add up is a failure, in the failure colour; so is a rejection
    page.goto(f"{server}/committee/matters/{matter}")
    for selector, value in {"#eligible": "5", "#present": "5", "#votes_for": "1", "#votes_against": "3",
                            "#abstentions": "0"}.items():
        page.fill(selector, value)
    expect(page.locator("#vote-preview")).to_contain_text("与实到人数 5 不符")
    assert page.locator("#vote-preview").evaluate("e => getComputedStyle(e).color") == FAILURE_RED
    screenshots(page, "committee-vote-preview-mismatch")
    page.fill("#abstentions", "1")
    expect(page.locator("#vote-preview")).to_contain_text("未通过")
    assert page.locator("#vote-preview").evaluate("e => getComputedStyle(e).color") == FAILURE_RED
    page.click("#form-record_vote button")
    expect(page.locator(".flash.failure")).to_contain_text("未通过")
    expect(page.locator(".flash.success")).to_have_count(0)
    expect(page.locator("#votes .fails")).to_have_text("未通过")
    assert page.locator("#votes .fails").evaluate("e => getComputedStyle(e).color") == FAILURE_RED
    assert_reads_as_chinese(page)
    screenshots(page, "committee-vote-rejected")

    # ended with the reason; the agenda links to the archive of the year, where it stays
    page.locator("details:has(#form-end)").evaluate("d => { d.open = true; }")
    page.fill("#end_reason", "多数居民不同意，暂不增设")
    page.click("#form-end button")
    expect(page.locator("#stage")).to_contain_text("已终止")
    page.goto(f"{server}/committee")
    expect(page.locator("main")).not_to_contain_text("小区增设充电桩")
    page.click("#archive-link")
    expect(page.locator("h1")).to_contain_text("2026年")
    row = page.locator("#archive tbody tr", has_text="小区增设充电桩")
    expect(row).to_contain_text("已终止")
    expect(row).to_contain_text("多数居民不同意")
    assert_reads_as_chinese(page)
    screenshots(page, "committee-archive")
    page.goto(f"{server}/committee/archive?year=2025")
    expect(page.locator("#archive")).to_contain_text("本年度没有结案或终止的议题。")

    # the matter links to its petition, the petition back to its matter
    page.goto(f"{server}/committee/archive")
    row.locator("a").click()
    page.locator(f"a[href='/desk/petitions/{reference}']").first.click()
    expect(page.locator("#matter-link")).to_have_text("小区增设充电桩")
    screenshots(page, "desk-petition-links-its-matter")
    page.click("#matter-link")
    expect(page).to_have_url(re.compile(rf"/committee/matters/{matter}$"))


def test_a_committee_member_lands_on_the_agenda_and_the_open_form_keeps_its_ticks(page, server, live_services):
    points = set_up(live_services)
    live_services.accounts.register(username="liu", display_name="刘委员", password="liu-Tulip-Quartz-7",
                                    roles=["committee_member"], community_code="jinhua", actor="admin")
    sign_in(page, server, "liu", "liu-Tulip-Quartz-7")
    expect(page).to_have_url(re.compile(r"/committee$"))
    expect(page.locator("h1")).to_have_text("党委议程")
    screenshots(page, "committee-member-lands-on-agenda")
    sign_out(page)

    references = [receive(live_services, points, summary) for summary in ("路灯不亮", "道路积水")]
    for reference in references:
        live_services.petitions.escalate(reference, reason="需党委研究", actor="wangfang")
    sign_in(page, server, "chen", "secretary-password")
    page.goto(f"{server}/committee/matters/new")
    page.check(f"input[name=petitions][value='{references[1]}']")
    page.fill("#description", "雨后道路积水")
    page.fill("#title", "   ")
    page.click("#open-form button")  # a blank title: refused
    expect(page.locator("#open-form .error")).to_contain_text("标题")
    expect(page.locator(f"input[name=petitions][value='{references[1]}']")).to_be_checked()
    expect(page.locator(f"input[name=petitions][value='{references[0]}']")).not_to_be_checked()
    expect(page.locator("#description")).to_have_value("雨后道路积水")
    assert_reads_as_chinese(page)
    screenshots(page, "committee-open-refused-keeps-ticks")
