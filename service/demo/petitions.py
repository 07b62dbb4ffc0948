"""Realistic demo data: communities, members and a few hundred petitions over past months.

Every petition goes through the real use cases, with a clock that walks from
months ago to today, so the log reads as if the desks had worked all along."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from faker import Faker

from service import errors
from service.bootstrap import Services
from service.clock import CHINA, ManualClock
from service.demo.commitments import load_demo_commitments
from service.demo.matters import load_demo_matters
from service.demo.visits import assign_posts, load_demo_visits, raise_at_visit

COMMUNITIES = [
    ("jinhua", "金华社区", "community", ["第一网格", "第二网格", "第三网格", "第四网格"]),
    ("hepingli", "和平里社区", "community", ["东区网格", "西区网格", "南区网格"]),
    ("taoyuan", "桃园村", "village", ["一组", "二组", "三组", "四组", "五组"]),
    ("xinglong", "兴隆村", "village", ["上屯", "下屯", "河东"]),
]

PROBLEMS = {
    "infrastructure": [("路灯不亮", "小区{n}号楼前路灯坏了一周，晚上出行不安全"),
                       ("道路破损", "村口道路坑洼严重，雨天积水，电动车容易摔倒"),
                       ("自来水压力低", "高层住户早晚用水高峰水压不足")],
    "sanitation": [("垃圾清运不及时", "{n}号楼门口垃圾桶满了两天没人清运，有异味"),
                   ("下水道堵塞", "单元下水道反复堵塞，污水漫到楼道")],
    "public_safety": [("楼道堆放杂物", "楼道堆放纸箱和电动车，存在消防隐患"),
                      ("监控损坏", "小区东门监控摄像头损坏，近期有电动车被盗")],
    "welfare": [("低保申请咨询", "家中老人生病，想了解低保申请条件和流程"),
                ("高龄补贴未到账", "八十岁以上老人高龄补贴三个月未到账")],
    "property": [("电梯故障频繁", "{n}号楼电梯一个月内停运三次，老人上下楼困难"),
                 ("物业费收支不透明", "希望物业公开物业费收支明细")],
    "neighbour_dispute": [("楼上漏水", "楼上卫生间漏水到我家天花板，协商未果"),
                          ("噪音扰民", "楼下商铺夜间营业噪音大，影响休息")],
    "land": [("宅基地边界纠纷", "与邻居宅基地边界有争议，需要村里协调"),
             ("承包地流转", "想把承包地流转出去，不清楚手续")],
    "employment": [("就业培训", "希望社区组织电商或家政培训")],
    "health": [("家庭医生签约", "想为家中老人签约家庭医生")],
    "other": [("增设健身器材", "希望在小广场增设健身器材和休息座椅"),
              ("加装电梯", "老旧小区{n}号楼居民希望加装电梯")],
}
COLLECTIVE = ["加装电梯", "增设健身器材", "物业费收支不透明", "道路破损"]
UNSOLVABLE = [("outside_jurisdiction", "该事项属于区住建部门职责，已告知反映人向区住建局反映，并提供联系电话"),
              ("against_law_or_policy", "按现行政策，该情况不符合申请条件，已向反映人解释政策依据"),
              ("conditions_lacking", "目前资金和场地条件不具备，已纳入明年计划并向反映人说明")]


@dataclass
class DemoReport:
    communities: int = 0
    members: int = 0
    petitions: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    matters: dict[str, int] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    member_work: dict[str, int] = field(default_factory=dict)


def load_demo(
    services: Services, petitions: int = 320, months: int = 5, seed: int = 2026, visit_months: int = 12,
) -> DemoReport:
    """Loads demo data through the real use cases. Refuses a store that has communities already."""
    if services.communities.list():
        raise errors.InvalidInputError({"store": ["already has data; the demo loads only into an empty store"]})
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    end = services.clock.now()
    clock = ManualClock(end - timedelta(days=30 * months))
    demo = Services(settings=services.settings, clock=clock, log=services.log, projections=services.projections,
                    signing_key=services.signing_key)
    report = DemoReport()
    staff = _register_communities(demo, fake, report)
    visits_rng, visits_fake, registered = random.Random(seed + 1), Faker("zh_CN"), clock.now()
    visits_fake.seed_instance(seed + 1)
    visits_from = end - timedelta(days=30 * visit_months)
    assign_posts(demo, clock, staff, visits_rng, min(visits_from, registered))
    clock.set(registered)
    days = (end - clock.now()).days
    moments = sorted(
        datetime.combine((end - timedelta(days=rng.randint(1, days))).date(), time(rng.randint(8, 17), rng.randint(0, 59)), CHINA)
        for _ in range(petitions)
    )
    for moment in moments:
        clock.set(moment)
        _one_petition(demo, rng, fake, staff, end, report)
    report.matters = load_demo_matters(demo, rng, fake, end - timedelta(days=30 * months), end)
    report.visits = load_demo_visits(demo, clock, staff, visits_rng, visits_fake, min(visits_from, registered), end)
    report.member_work = load_demo_commitments(demo, rng, end - timedelta(days=30 * months), end)
    clock.set(end)
    demo.tick()
    report.petitions = petitions + report.visits["reception_petitions"]
    return report


def _register_communities(demo: Services, fake: Faker, report: DemoReport) -> dict[str, list[dict[str, Any]]]:
    staff: dict[str, list[dict[str, Any]]] = {}
    for code, name, kind, points in COMMUNITIES:
        demo.communities.register(code=code, name=name, kind=kind, actor="admin")
        report.communities += 1
        members = []
        for point_name in points:
            point = demo.communities.add_contact_point(code, name=point_name, area=f"{point_name}责任区", actor="admin")
            for role in ("desk_staff", "grid_member"):
                members.append(demo.communities.add_member(
                    code, name=fake.name(), role=role, contact_point_id=point["id"], actor="admin"))
        for role in ("secretary", "committee_member", "committee_member", "committee_member", "committee_member"):
            demo.communities.add_member(code, name=fake.name(), role=role, contact_point_id=None, actor="admin")
        report.members += len(members) + 5
        staff[code] = members
    return staff


def _one_petition(
    demo: Services, rng: random.Random, fake: Faker, staff: dict[str, list[dict[str, Any]]], end: datetime,
    report: DemoReport,
) -> None:
    code = rng.choice(list(staff))
    member = rng.choice(staff[code])
    category = rng.choice(list(PROBLEMS))
    summary, details = rng.choice(PROBLEMS[category])
    anonymous = rng.random() < 0.15
    petitioner = None if anonymous else {
        "name": fake.name(), "phone": fake.phone_number(), "address": fake.street_address(),
    }
    channel = rng.choice(["desk", "desk", "home_visit", "hotline", "online", "suggestion_box", "letter", "questionnaire"])
    details = details.format(n=rng.randint(1, 30))
    if channel == "home_visit":  # raised at a visit, linked to it
        reference = raise_at_visit(demo, member, category=category, summary=summary, details=details,
                                   petitioner=petitioner)["reference"]
    else:
        outcome, _ = demo.petitions.receive(
            contact_point_id=member["contact_point_id"], category=category, channel=channel, summary=summary,
            details=details, petitioner=petitioner, received_by=member["id"], actor=member["id"],
        )
        reference = outcome.petition["reference"]
    desk, actor = demo.petitions, member["id"]
    age = (end - demo.clock.now()).days
    path = rng.random()
    if summary in COLLECTIVE and path < 0.8:
        desk.escalate(reference, reason="涉及公共资金和多数居民利益，需要集体决策", actor=actor)
    elif path < 0.35:
        desk.resolve_on_spot(reference, action="现场协调处理，反映人认可", actor=actor)
        _later(demo, rng, 1, 5, end, lambda: _follow_up(desk, rng, reference, actor))
    elif path < 0.85:
        _deadline_path(demo, rng, reference, member, end, age)
    elif path < 0.95:
        category_, text = rng.choice(UNSOLVABLE)
        desk.explain(reference, reason_category=category_, explanation=text, method=rng.choice(["in_person", "phone"]),
                     explained_on=None, actor=actor)
        _later(demo, rng, 2, 6, end, lambda: _follow_up(desk, rng, reference, actor))
    elif path < 0.98:
        desk.withdraw(reference, reason="反映人表示问题已自行解决", actor=actor)
    status = desk.get(reference)["status"]
    report.by_status[status] = report.by_status.get(status, 0) + 1


def _deadline_path(demo: Services, rng: random.Random, reference: str, member: dict[str, Any], end: datetime, age: int) -> None:
    desk, actor = demo.petitions, member["id"]
    days = rng.choice([3, 5, 5, 7, 10, 15])
    staged = days >= 10 and rng.random() < 0.5
    start = demo.clock.now().date()
    steps = None
    if staged:
        due = desk.due_date(start, days)
        middle = start + (due - start) / 2
        steps = [{"due_date": middle, "description": "制定方案并报批"}, {"due_date": due, "description": "组织施工并验收"}]
    due = desk.set_deadline(reference, working_days=days, responsible_member_id=member["id"],
                            plan="联系相关单位，限期处理", steps=steps, actor=actor).petition["due_date"]
    roll = rng.random()
    late = roll < 0.1 or rng.random() < 0.12
    if roll < 0.15 and age > 20:
        _later(demo, rng, 2, 5, end, lambda: desk.extend_deadline(
            reference, working_days=5, reason="需等待供应商配件到货", actor=actor))
    if late:
        _mark_overdue_when_due(demo, reference, due, end)
    if roll < 0.1:
        return  # left open past its deadline
    if roll < 0.15 and age > 10:
        _later(demo, rng, 1, 3, end, lambda: desk.escalate(reference, reason="处理中发现需集体研究", actor=actor))
        return
    _later(demo, rng, 1, 4, end, lambda: desk.record_progress(
        reference, note="已联系责任单位，正在处理", completed_step=0 if staged else None, actor=actor))
    _later(demo, rng, days + 3 if late else 2, days * 2 if late else days + 1, end,
           lambda: desk.resolve(reference, outcome="已处理完毕，经现场查看问题解决", actor=actor))
    _later(demo, rng, 1, 4, end, lambda: _follow_up(desk, rng, reference, actor))


def _later(demo: Services, rng: random.Random, low: int, high: int, end: datetime, step: Callable[[], Any]) -> None:
    """Takes a step some days later, if that day has come by now."""
    assert isinstance(demo.clock, ManualClock)
    moment = demo.clock.now() + timedelta(days=rng.randint(low, max(low, high)))
    if moment >= end:
        return
    demo.clock.set(moment)
    try:
        step()
    except errors.IllegalStepError:
        pass  # an earlier step did not happen (e.g. it would have been after today)


def _mark_overdue_when_due(demo: Services, reference: str, due: Any, end: datetime) -> None:
    """Supervision notices the passed deadline the next morning, as the daily tick would."""
    assert isinstance(demo.clock, ManualClock)
    moment = datetime.combine(due + timedelta(days=1), time(8, 0), CHINA)
    if demo.clock.now() < moment < end:
        demo.clock.set(moment)
        demo.petitions.mark_overdue([reference])


def _follow_up(desk: Any, rng: random.Random, reference: str, actor: str) -> None:
    satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], weights=[70, 22, 8])[0]
    desk.follow_up(reference, satisfaction=satisfaction, comment="", actor=actor)
