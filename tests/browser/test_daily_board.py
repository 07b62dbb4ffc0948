"""The board and the lookup as people use them every day (issue 11, points 12–14): a wall screen needs no
scrolling however long its lists, the board, its index and the lookup read on a phone, and an escalated
petitioner follows their petition's committee matter through its notice period.

The demo is loaded once for the module, with ten more disclosed resolutions and fifty more open petitions."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from waitress.server import create_server

from api import create_app
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.demo import load_demo
from service.settings import Settings
from tests.browser.conftest import ARTIFACTS
from tests.browser.daily import assert_reads_as_chinese, screenshots
from tests.conftest import START, TEST_SECRET

PETITIONER, OBJECTOR = "欧阳明远", "司马青山"  # personal data that must never show


def disclosed(services, clock, secretary: str, title: str, *, petitions: list[str] | None = None) -> str:
    """A matter taken through 一征三议 to its disclosed resolution on the clock's day."""
    committee = services.committee
    matter = committee.open(community="jinhua", title=title, description="居民反映，党委研究。",
                            petitions=petitions or [], actor=secretary).matter["id"]
    committee.open_solicitation(matter, question="请居民提出意见和建议。", opens_on=None,
                                closes_on=clock.now().date() + timedelta(days=5), actor=secretary)
    committee.record_opinion(matter, resident=None, stance="support", text="支持", channel="desk", actor=secretary)
    committee.close_solicitation(matter, reason="意见已充分，提前结束征求", actor=secretary)
    committee.draft_proposal(matter, text=f"{title}：由社区牵头组织实施，费用从公共收益中列支，"
                             "施工期间每两周向居民公布一次进展，完工后公开验收结果和费用明细。",
                             cited_opinions=[1], actor=secretary)
    committee.record_consultation(matter, held_on=None, attendees=["陈书记", "刘委员"], minutes="同意提交表决。",
                                  outcome="agreed", actor=secretary)
    committee.record_vote(matter, held_on=None, eligible=31, present=26, votes_for=22, votes_against=3,
                          abstentions=1, actor=secretary)
    committee.disclose_resolution(matter, actor=secretary)
    return matter


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    """The demo (smaller than `petitions demo`, for time), plus ten disclosed resolutions, two resolutions
    whose notice period has ended, fifty open petitions, an escalated petition whose matter is in its
    notice period with an objection, and a deadlined petition with a staged plan."""
    folder = tmp_path_factory.mktemp("board")
    settings = Settings(database_url=f"sqlite:///{folder / 'petitions.db'}", secret_key=TEST_SECRET)
    clock = ManualClock(START)
    services = bootstrap(settings, clock)
    load_demo(services, petitions=40, months=2, visit_months=1)
    members = services.communities.get("jinhua")["members"]
    secretary = next(m["id"] for m in members if m["role"] == "secretary")
    desks = [m for m in members if m["role"] == "desk_staff"]
    handler = next(m for m in members if m["role"] == "grid_member")

    clock.set(START - timedelta(days=30))  # two resolutions whose notice period has ended: the archive
    archived = [disclosed(services, clock, secretary, f"旧小区雨污分流改造（第{n}期）") for n in (1, 2)]
    clock.set(START)
    for n in range(10):
        disclosed(services, clock, secretary, f"第{n + 1}号楼公共设施改造和楼道照明更新")
    for n in range(50):
        desk = desks[n % len(desks)]
        services.petitions.receive(
            contact_point_id=desk["contact_point_id"], category=["sanitation", "infrastructure", "property"][n % 3],
            channel="desk", summary=f"{n % 20 + 1}号楼楼道灯不亮、垃圾清运不及时",
            details="晚上楼道太黑，老人上下楼不安全", petitioner={"name": PETITIONER, "phone": "13812345678",
                                                          "address": "金华小区1号楼"},
            received_by=desk["id"], actor=desk["id"])

    desk = desks[0]
    outcome, escalated_code = services.petitions.receive(
        contact_point_id=desk["contact_point_id"], category="other", channel="desk", summary="希望加装电梯",
        details="老旧小区没有电梯，老人上下楼困难", petitioner={"name": PETITIONER, "phone": "13912345678"},
        received_by=desk["id"], actor=desk["id"])
    escalated = outcome.petition["reference"]
    services.petitions.escalate(escalated, reason="涉及全体业主，需要集体决策", actor=desk["id"])
    matter = disclosed(services, clock, secretary, "老旧楼栋加装电梯", petitions=[escalated])
    services.committee.record_objection(matter, objector=OBJECTOR, text="一楼住户不同意分摊费用", channel="desk",
                                        actor=desk["id"])

    outcome, deadlined_code = services.petitions.receive(
        contact_point_id=handler["contact_point_id"], category="sanitation", channel="desk",
        summary="下水道反复堵塞", details="单元下水道反复堵塞，污水漫到楼道", petitioner=None,
        received_by=desk["id"], actor=desk["id"])
    deadlined = outcome.petition["reference"]
    services.petitions.set_deadline(
        deadlined, working_days=10, responsible_member_id=handler["id"], plan="疏通管道，更换破损管段",
        steps=[{"due_date": START.date() + timedelta(days=2), "description": "联系维修队疏通管道"},
               {"due_date": START.date() + timedelta(days=8), "description": "更换破损管段"}],
        actor=handler["id"])
    services.petitions.record_progress(deadlined, note="维修队已疏通管道，明天更换管段", completed_step=0,
                                       actor=handler["id"])
    services.projections.catch_up()

    app = create_app(services=services)
    services.projections.start(interval=0.2)
    http = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=http.run, daemon=True).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{http.effective_port}", services=services, archived=archived,
                          escalated=(escalated, escalated_code), deadlined=(deadlined, deadlined_code))
    http.close()
    services.projections.stop()
    services.close()


FITS = """() => {
  const root = document.documentElement, footer = document.querySelector('footer').getBoundingClientRect();
  const shown = document.querySelector('main section.shown'), pager = shown && shown.querySelector('.pager');
  return {slide: Number(document.body.dataset.slide), slides: Number(document.body.dataset.slides),
          height: root.scrollHeight, screen: window.innerHeight, footerTop: footer.top, footerBottom: footer.bottom,
          section: shown ? shown.id : null,
          pager: pager && !pager.hidden ? pager.innerText : '',
          items: shown ? [...shown.querySelectorAll('.item')].filter(i => !i.hidden).length : 0};
}"""


def test_every_slide_of_the_wall_fits_the_screen_with_its_footer(page, board):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{board.url}/board/jinhua?rotate=120")
    page.wait_for_function("document.body.dataset.slides")
    first = page.evaluate(FITS)
    seen: dict[str, int] = {}
    pagers: dict[str, set[str]] = {}
    for n in range(first["slides"]):
        slide = page.evaluate(FITS)
        assert slide["slide"] == (first["slide"] + n) % first["slides"]
        assert slide["height"] <= slide["screen"], f"slide {slide} is taller than the screen"
        assert 0 < slide["footerTop"] < slide["footerBottom"] <= slide["screen"], f"footer clipped on slide {slide}"
        seen[slide["section"]] = seen.get(slide["section"], 0) + slide["items"]
        pagers.setdefault(slide["section"], set()).add(slide["pager"])
        if slide["section"] == "in-progress" and slide["pager"].startswith("第 2/"):
            page.screenshot(path=str(ARTIFACTS / "board-wall-in-progress-page-2-1920x1080.png"))
        page.keyboard.press("ArrowRight")

    services = board.services
    open_here = services.board.in_progress("jinhua", per_page=100).total
    in_notice = services.board.resolutions("jinhua", per_page=100, in_notice=True).total
    assert open_here >= 50 and in_notice >= 11
    # what the headings count is what the pages show, across their slides
    assert seen["in-progress"] == open_here
    assert seen["resolutions"] == in_notice
    assert f"({open_here})" in page.locator("#in-progress h2").inner_text()
    in_progress_pages = {p for p in pagers["in-progress"] if p}
    assert len(in_progress_pages) >= 3 and any(p.startswith("第 2/") for p in in_progress_pages)
    assert len({p for p in pagers["resolutions"] if p}) >= 2

    # the resolutions whose notice period has ended are in the archive, linked from the board
    for title in ("旧小区雨污分流改造（第1期）", "旧小区雨污分流改造（第2期）"):
        assert title not in page.content()
    page.locator("footer a", has_text="决议存档").click()
    expect(page.locator("#archive")).to_contain_text("旧小区雨污分流改造（第1期）")
    expect(page.locator("#archive")).to_contain_text("公示期至")
    assert_reads_as_chinese(page)
    screenshots(page, "board-archive")


TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth, found = [];
  if (document.documentElement.scrollWidth > width + 1) found.push(['page', document.documentElement.scrollWidth]);
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(el);
    if (box.right > width + 1 && !el.closest('.scrolls')) found.push([el.tagName, el.id, String(el.className), Math.round(box.right)]);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && !el.classList.contains('scrolls'))
      found.push(['scrolls without a sign', el.tagName, el.id, el.scrollWidth, el.clientWidth]);
  }
  return found.slice(0, 10);
}"""

TOO_SMALL = """() => {
  const found = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const text = walk.currentNode.textContent.trim(), el = walk.currentNode.parentElement;
    if (!text || ['STYLE', 'SCRIPT', 'title'].includes(el.tagName)) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) size *= el.getScreenCTM().a;  // a chart's label as drawn
    if (size < 12) found.push([el.tagName, Math.round(size * 10) / 10, text.slice(0, 30)]);
  }
  return found.slice(0, 10);
}"""


def readable_on_a_phone(page) -> None:
    assert page.evaluate(TOO_WIDE) == []
    assert page.evaluate(TOO_SMALL) == []


def test_the_board_its_index_and_the_lookup_read_on_a_phone(page, board):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{board.url}/board")
    readable_on_a_phone(page)
    # every figure of every community is there, labelled, not hidden off the right edge
    jinhua = page.locator("#communities tbody tr", has_text="金华社区")
    for label in ("本月受理", "当场解决", "按期办结", "超期", "满意率", "办理中", "公示中决议", "本年受理"):
        expect(jinhua.locator(f"td[data-label^='{label}']")).to_be_visible()
    screenshots(page, "board-index")

    page.goto(f"{board.url}/board/jinhua")
    assert page.evaluate("document.body.classList.contains('paged')") is False  # a phone scrolls, no slides
    expect(page.locator("svg.chart.phone")).to_be_visible()
    expect(page.locator("svg.chart:not(.phone)")).to_be_hidden()
    readable_on_a_phone(page)
    screenshots(page, "board-wall")

    reference, code = board.deadlined
    page.goto(f"{board.url}/lookup?reference={reference}&code={code}")
    readable_on_a_phone(page)


def test_an_escalated_petitioner_follows_the_matter_through_its_notice_period(page, board):
    reference, code = board.escalated
    page.goto(f"{board.url}/lookup")
    page.fill("#reference", reference)
    page.fill("#code", code)
    page.click("#lookup-form button[type=submit]")
    matter = page.locator("#matter")
    expect(matter).to_contain_text("老旧楼栋加装电梯")
    expect(page.locator("#matter-solicitation")).to_contain_text("已收到意见 1 条")
    resolution = page.locator("#matter-resolution")
    expect(resolution).to_contain_text("由社区牵头组织实施")
    expect(resolution).to_contain_text("赞成 22")
    notice = page.locator("#notice-period")
    expect(notice).to_contain_text("还剩 7 天")
    expect(notice).to_contain_text("目前收到异议 1 条")
    expect(notice).to_contain_text("如有异议")
    text = page.locator("body").inner_text()
    assert OBJECTOR not in text and PETITIONER not in text and "一楼住户不同意" not in text
    assert "两委" not in matter.inner_text()
    assert_reads_as_chinese(page)
    screenshots(page, "lookup-escalated-matter")
    page.set_viewport_size({"width": 390, "height": 844})
    readable_on_a_phone(page)

    reference, code = board.deadlined
    page.goto(f"{board.url}/lookup?reference={reference}&code={code}")
    plan = page.locator("#plan")
    expect(plan).to_contain_text("疏通管道，更换破损管段")
    expect(plan.locator("li.done")).to_contain_text("联系维修队疏通管道")
    expect(plan.locator("li.todo")).to_contain_text("更换破损管段")
    expect(page.locator("#plan-progress")).to_contain_text("维修队已疏通管道")
    assert_reads_as_chinese(page)
    screenshots(page, "lookup-deadlined-plan")
