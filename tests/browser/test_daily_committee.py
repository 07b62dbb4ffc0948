"""The committee's pages as used every day (issue 11, points 8 and 9): only what can be done now is
offered, time-gated steps show the day they open, closing a solicitation early asks for a reason that
is recorded, and the vote form keeps its numbers and tells a failure as a failure."""

from __future__ import annotations

from datetime import timedelta

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


def open_matter(services, title: str):
    return services.committee.open(community="jinhua", title=title, description="3号楼居民申请加装电梯",
                                   petitions=[], actor="chen").matter["id"]


def test_closing_a_solicitation_early_asks_why_and_records_it(page, server, live_services, clock):
    set_up(live_services)
    today = clock.now().date()
    early = open_matter(live_services, "3号楼加装电梯")
    live_services.committee.open_solicitation(early, question="是否同意加装电梯？", opens_on=today,
                                              closes_on=today + timedelta(days=7), actor="chen")
    later = open_matter(live_services, "小区增设充电桩")
    live_services.committee.open_solicitation(later, question="是否同意增设充电桩？", opens_on=today + timedelta(days=4),
                                              closes_on=today + timedelta(days=10), actor="chen")
    sign_in(page, server, "chen", "secretary-password")

    # a window that opens later: recording an opinion and closing are shown, disabled, with the day they open
    page.goto(f"{server}/committee/matters/{later}")
    expect(page.locator("#form-record_opinion button")).to_be_disabled()
    expect(page.locator("details.gated summary", has_text="登记意见")).to_contain_text("2026年9月25日")
    assert_reads_as_chinese(page)
    screenshots(page, "committee-solicitation-not-yet-open")

    # residents were told: until 09-28; closing on 09-21 asks why, and the reason is in the timeline
    page.goto(f"{server}/committee/matters/{early}")
    page.locator("details:has(#form-close_solicitation) summary").click()
    expect(page.locator("label[for=close_reason]")).to_contain_text("2026年9月28日")
    page.fill("#close_reason", "楼内住户已全部表态")
    screenshots(page, "committee-close-early")
    page.click("#form-close_solicitation button")
    expect(page.locator("#stage")).to_contain_text("拟定提议")
    expect(page.locator("#timeline")).to_contain_text("楼内住户已全部表态")
    event = live_services.committee.history(early)[-1]
    assert (event["event"], event["details"]["reason"]) == ("SolicitationClosed", "楼内住户已全部表态")


def test_the_vote_form_keeps_its_numbers_and_a_failed_vote_reads_as_a_failure(page, server, live_services, clock):
    set_up(live_services)
    today = clock.now().date()
    matter = open_matter(live_services, "3号楼加装电梯")
    committee = live_services.committee
    committee.open_solicitation(matter, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=2),
                                actor="chen")
    clock.advance(days=3)
    committee.close_solicitation(matter, actor="chen")
    committee.draft_proposal(matter, text="加装电梯，费用按楼层分摊", cited_opinions=[], actor="chen")
    committee.record_consultation(matter, held_on=None, attendees=["陈书记"], minutes="同意提交表决", outcome="agreed",
                                  actor="chen")
    sign_in(page, server, "chen", "secretary-password")
    page.goto(f"{server}/committee/matters/{matter}")

    numbers = {"#eligible": "5", "#present": "4", "#votes_for": "3", "#votes_against": "1", "#abstentions": "1"}
    for selector, value in numbers.items():
        page.fill(selector, value)
    page.click("#form-record_vote button")
    expect(page.locator("#form-record_vote")).to_contain_text("赞成、反对、弃权合计 5 票，但到会 4 人。")
    for selector, value in numbers.items():
        expect(page.locator(selector)).to_have_value(value)
    assert_reads_as_chinese(page)
    screenshots(page, "committee-vote-refused")

    page.fill("#present", "2")
    page.fill("#votes_for", "1")
    page.fill("#votes_against", "1")
    page.fill("#abstentions", "0")
    page.click("#form-record_vote button")
    expect(page.locator(".flash.failure")).to_contain_text("未达到法定人数")
    expect(page.locator(".flash.success")).to_have_count(0)
    expect(page.locator("#votes .fails")).to_be_visible()
    color = page.locator("#votes .fails").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(164, 0, 0)"
    screenshots(page, "committee-vote-no-quorum")


def test_implementation_is_offered_disabled_until_the_notice_period_ends(page, server, live_services, clock):
    set_up(live_services)
    today = clock.now().date()
    matter = open_matter(live_services, "3号楼加装电梯")
    committee = live_services.committee
    committee.open_solicitation(matter, question="是否同意？", opens_on=today, closes_on=today + timedelta(days=2),
                                actor="chen")
    clock.advance(days=3)
    committee.close_solicitation(matter, actor="chen")
    committee.draft_proposal(matter, text="加装电梯，费用按楼层分摊", cited_opinions=[], actor="chen")
    committee.record_consultation(matter, held_on=None, attendees=["陈书记"], minutes="同意", outcome="agreed", actor="chen")
    committee.record_vote(matter, held_on=None, eligible=5, present=5, votes_for=4, votes_against=1, abstentions=0,
                          actor="chen")
    committee.disclose_resolution(matter, notice_days=7, actor="chen")
    sign_in(page, server, "chen", "secretary-password")
    page.goto(f"{server}/committee/matters/{matter}")
    expect(page.locator("#form-record_implementation_progress button")).to_be_disabled()
    expect(page.locator("#gate-record_implementation_progress")).to_contain_text("2026年10月1日")
    assert_reads_as_chinese(page)
    screenshots(page, "committee-implementation-gated")
    clock.advance(days=8)
    page.reload()
    expect(page.locator("#form-record_implementation_progress button")).to_be_enabled()
