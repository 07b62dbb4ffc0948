"""Demo commitments (承诺) and questionnaires (问卷调查): every demo community's members make
their commitments for the year, the secretary approves them, the members keep and report on
them, residents evaluate some; one questionnaire fed back and one still open per community."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from service.bootstrap import Services
from service.clock import CHINA, ManualClock

PROMISES = [
    ("为{point}加装楼道声控灯", "{point}每个单元每层楼道都有灯"),
    ("每月为{point}独居老人上门服务一次", "独居老人每月有人上门，服务记录在公开栏公示"),
    ("协调解决{point}停车难问题", "{point}新增划线停车位并公布停车规则"),
    ("组织{point}垃圾分类宣传", "{point}每个楼栋都有分类投放点和督导员"),
    ("推动{point}背街小巷路面修补", "{point}主要道路无坑洼、雨天不积水"),
    ("为{point}困难家庭联系就业培训", "困难家庭至少一人参加培训并推荐就业"),
]
QUESTIONS = [
    {"kind": "single_choice", "text": "您对本网格的环境卫生是否满意？", "options": ["满意", "基本满意", "不满意"]},
    {"kind": "multiple_choice", "text": "您最希望改善哪些方面？（可多选）", "options": ["停车", "绿化", "照明", "卫生", "养老服务"]},
    {"kind": "rating", "text": "请为网格党员的联系服务打分（1-5分）", "options": []},
    {"kind": "free_text", "text": "您的其他意见和建议", "options": []},
]
SUGGESTIONS = ["希望增加路灯", "小区东门晚上太暗", "建议设置快递柜", "希望多组织老年活动", "垃圾桶数量不够"]


def load_demo_commitments(demo: Services, rng: random.Random, start: datetime, end: datetime) -> dict[str, int]:
    """Last year's commitments (concluded) and reviews, this year's commitments from January on (made,
    approved, kept month by month; reported, evaluated and concluded once the year's end has come), two
    questionnaires per community; the same whatever day the demo is loaded."""
    clock = demo.clock
    assert isinstance(clock, ManualClock)
    counts = {"commitments": 0, "evaluations": 0, "questionnaires": 0, "answers": 0, "reviews": 0}
    for community in demo.communities.list():
        _commitments(demo, clock, rng, community, end.year - 1, end, counts)
        _last_years_reviews(demo, clock, rng, community, end, counts)
        _commitments(demo, clock, rng, community, end.year, end, counts)
        _questionnaires(demo, clock, rng, community, start, end, counts)
    clock.set(end)
    return counts


RATINGS = [("excellent", "走访扎实，群众评价高，承诺全部兑现"), ("competent", "完成联系点各项任务，群众基本满意"),
           ("competent", "按要求走访和帮扶，个别月份走访不足已补访"),
           ("basically_competent", "走访次数不足，群众反映的问题办理偏慢，需改进")]


def _last_years_reviews(demo: Services, clock: ManualClock, rng: random.Random, community: dict[str, Any],
                        end: datetime, counts: dict[str, int]) -> None:
    """Last year's 述职评议 for the members with a contact point: gathered, reported, evaluated, rated."""
    year = end.year - 1
    for member in [m for m in community["members"] if m["contact_point_id"]]:
        clock.set(_at(date(year, 12, rng.randint(10, 15))))
        review = demo.reviews.gather(member_id=member["id"], year=year, actor="demo")
        clock.advance(days=2)
        demo.reviews.report(review["id"], report=f"{year}年联系网格群众，参加走访、结对帮扶和接待日，办理群众诉求。",
                            actor="demo")
        for _ in range(rng.randint(5, 12)):
            demo.reviews.record_evaluation(review["id"], source="meeting", actor="demo", satisfaction=rng.choices(
                ["satisfied", "basically_satisfied", "dissatisfied"], [6, 3, 1])[0])
        clock.advance(days=3)
        rating, reasons = rng.choice(RATINGS)
        demo.reviews.rate(review["id"], rating=rating, reasons=reasons, actor="demo")
        counts["reviews"] += 1


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), CHINA)


def _commitments(demo: Services, clock: ManualClock, rng: random.Random, community: dict[str, Any], year: int,
                 end: datetime, counts: dict[str, int]) -> None:
    """A year of commitments, made and approved in January; each later step is taken only if its day
    has come by ``end`` (a past year ends with every commitment concluded)."""
    points = {p["id"]: p["name"] for p in community["contact_points"]}
    members = [m for m in community["members"] if m["contact_point_id"]]
    past = year < end.year
    for index, member in enumerate(members):
        point = points[member["contact_point_id"]]
        for slot in range(1 if index % 3 else 2):
            text, visible = PROMISES[(index + slot + year) % len(PROMISES)]
            made_on = _at(date(year, 1, 2) + timedelta(days=rng.randint(0, 8)))
            if made_on >= end:
                continue  # the year has only just begun
            clock.set(made_on)
            made = demo.commitments.make(year=year, text=text.format(point=point), member_id=member["id"],
                                         visible_result=visible.format(point=point), actor="demo",
                                         target_date=date(year, 12, rng.randint(10, 28)))
            counts["commitments"] += 1
            if not _step(clock, end, days=rng.randint(3, 8)):
                continue
            if not past and index % 7 in (5, 6) and slot == 0:
                demo.commitments.return_for_revision(made["id"], reason="目标请写得更具体、可检验", actor="demo")
                if index % 7 == 6 or not _step(clock, end, days=rng.randint(5, 10)):
                    continue  # still with the member
                demo.commitments.revise(made["id"], text=text.format(point=point) + "（每季度公示进度）",
                                        visible_result=visible.format(point=point), actor="demo",
                                        target_date=date(year, 12, 20))
                continue  # revised, waiting for the secretary again
            demo.commitments.approve(made["id"], actor="demo")
            percent = 0
            while percent < 100 and _step(clock, end, days=rng.randint(25, 35), before=date(year, 11, 1)):
                percent = min(100, percent + rng.randint(8, 16))
                demo.commitments.record_progress(made["id"], note=f"完成约{percent}%", percent=percent, actor="demo")
            if (index % 4 == 3 and not past) or not _step(clock, end, on=date(year, 11, 2 + rng.randint(0, 12))):
                continue  # not yet reported
            demo.commitments.report(made["id"], report=f"{visible.format(point=point)}，完成情况已在公开栏公示",
                                    actor="demo")
            for _ in range(rng.randint(3, 8)):
                if not _step(clock, end, hours=rng.randint(2, 30)):
                    break
                demo.commitments.record_evaluation(
                    made["id"], satisfaction=rng.choices(["satisfied", "basically_satisfied", "dissatisfied"],
                                                         [6, 3, 1])[0],
                    comment="", source=rng.choice(["meeting", "paper_form"]), actor="demo")
                counts["evaluations"] += 1
            if (past or index % 2 == 0) and _step(clock, end, on=date(year, 11, 20 + rng.randint(0, 8))):
                outcome = "fulfilled" if percent >= 90 else "partly_fulfilled"
                demo.commitments.conclude(made["id"], outcome=outcome, actor="demo",
                                          reason="居民评议和现场核实一致" if outcome == "fulfilled" else
                                          "部分完成，剩余部分列入明年承诺")


def _step(clock: ManualClock, end: datetime, *, days: int = 0, hours: int = 0, on: date | None = None,
          before: date | None = None) -> bool:
    """Moves the demo's clock to the next step's moment if that moment has come by ``end`` (and is
    before ``before``); answers whether it moved."""
    moment = _at(on) if on is not None else clock.now() + timedelta(days=days, hours=hours)
    if moment < clock.now():
        moment = clock.now() + timedelta(hours=1)
    if moment >= end or (before is not None and moment.date() >= before):
        return False
    clock.set(moment)
    return True


def _questionnaires(demo: Services, clock: ManualClock, rng: random.Random, community: dict[str, Any],
                    start: datetime, end: datetime, counts: dict[str, int]) -> None:
    points = [p["id"] for p in community["contact_points"]]
    for kind in ("fed_back", "open"):
        opens = (start + timedelta(days=40)).date() if kind == "fed_back" else (end - timedelta(days=6)).date()
        if kind == "fed_back" and opens + timedelta(days=27) > end.date():
            continue  # too short a demo for a questionnaire to run and be fed back
        clock.set(_at(opens, 9))
        drafted = demo.questionnaires.draft(
            community=community["code"], contact_point_id=None if kind == "fed_back" else points[0],
            title=f"{opens.year}年居民满意度调查" if kind == "fed_back" else "网格服务意见征集",
            questions=QUESTIONS, anonymous=True, opens_on=opens, closes_on=opens + timedelta(days=20), actor="demo")
        counts["questionnaires"] += 1
        demo.questionnaires.open(drafted["id"], actor="demo")
        codes = demo.questionnaires.issue_answer_codes(drafted["id"], count=60, actor="demo")
        for n in range(rng.randint(20, 40) if kind == "fed_back" else rng.randint(5, 10)):
            clock.advance(hours=rng.randint(1, 8))
            answers = {"0": rng.choices([0, 1, 2], [5, 3, 1])[0], "1": sorted(rng.sample(range(5), rng.randint(1, 3))),
                       "2": rng.choices([3, 4, 5], [1, 3, 4])[0]}
            if rng.random() < 0.3:
                answers["3"] = rng.choice(SUGGESTIONS)
            point = points[0] if kind == "open" else rng.choice(points)
            if n % 2:
                demo.questionnaires.answer_as_resident(drafted["id"], code=codes[n], answers=answers,
                                                       contact_point_id=point)
            else:
                demo.questionnaires.answer(drafted["id"], answers=answers, contact_point_id=point, actor="demo")
            counts["answers"] += 1
        if kind == "fed_back":
            clock.set(_at(opens + timedelta(days=21), 9))
            demo.questionnaires.close(drafted["id"], actor="demo")
            clock.advance(days=5)
            demo.questionnaires.publish_feedback(
                drafted["id"], actor="demo",
                feedback="感谢居民参与。针对照明和停车问题，两委已研究决定：年底前增设路灯12盏、划线停车位40个，"
                         "进展将在公开栏逐月公示。")
