"""Demo data for the members' contact-point work: every member with a contact point takes it a
year ago, keeps contact households, pairs with households in difficulty (plans, help given), visits
through the year (some months short of the rule, most of them made up or excused), has a public
card; reception days are scheduled; petitions received on home visits are raised at a visit.

Everything goes through the real use cases, each member acting as themself."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from faker import Faker

from service.clock import CHINA, ManualClock
from service.principal import Principal

FORMS = ["home_visit"] * 5 + ["forum", "heart_to_heart", "grid_activity", "phone_contact"]
LEARNED = [
    "{who}反映小区路灯有几盏不亮，晚上出行不便", "{who}希望增加垃圾分类宣传，楼道垃圾桶经常满溢",
    "{who}家老人行动不便，希望有人定期上门看看", "{who}询问医保缴费和家庭医生签约的办法",
    "{who}反映楼上装修噪音大，已协调双方约定施工时间", "{who}反映小区停车位紧张，电动车乱停",
    "{who}对社区组织的义诊活动很满意，希望多办几次", "{who}家孩子放学后无人照看，询问四点半课堂",
]
GUIDANCE = ["讲解了报修流程和物业联系方式", "宣传了垃圾分类和消防安全知识", "介绍了低保和临时救助政策", ""]
OPINIONS = ["希望社区多组织文体活动", "建议增设休息座椅", "希望公开物业费收支", ""]
HELP = ["帮忙联系物业上门维修", "代办了医保缴费", "送去了米面油", "", ""]
DIFFICULTIES = {"in_difficulty": "家庭收入低，子女上学开支大", "empty_nest_elderly": "独居老人，子女在外地",
                "left_behind_children": "父母外出务工，孩子由祖辈照看", "illness": "家中有慢性病人，医药费负担重",
                "demonstration": "热心公益，带动邻里"}
PLANS = {"in_difficulty": (["家庭收入稳定", "孩子顺利上学"], ["申请临时救助", "推荐就业培训", "联系助学金"]),
         "empty_nest_elderly": (["生活有人照应", "按时就医"], ["安装紧急呼叫器", "联系家庭医生签约", "每周电话问候"]),
         "left_behind_children": (["课后有人照看", "学习跟得上"], ["报名四点半课堂", "联系志愿者辅导"]),
         "illness": (["按时就医", "减轻医药负担"], ["协助申请大病救助", "联系家庭医生上门"]),
         "demonstration": (["带动邻里参与", "示范作用发挥"], ["组织邻里互助小组", "参与社区议事"])}
EXCUSES = ["参加区里集中培训一周", "因病住院治疗", "防汛值班抽调"]
POSTS = {"desk_staff": ("接待员", "负责接待来访群众，登记和跟进诉求"), "grid_member": ("网格员", "负责网格内走访、联系户和结对帮扶")}


def member_principal(member: dict[str, Any]) -> Principal:
    """A member acting as themself (as if signed in with their own account)."""
    code = member["id"].split(".", 1)[0]
    return Principal(member["id"], member["name"], ("desk_staff",), code, member["id"])


def assign_posts(demo: Any, clock: ManualClock, staff: dict[str, list[dict[str, Any]]], rng: random.Random,
                 start: datetime) -> None:
    """Every member with a contact point takes it at ``start`` (a year ago) and sets their card."""
    clock.set(start)
    for members in staff.values():
        for member in members:
            point = member["contact_point_id"]
            compounds = [f"{point.split('.cp')[-1]}号小区"] + ([f"{point.split('.cp')[-1]}号新村"] if rng.random() < 0.5 else [])
            demo.contact_points.assign(member["id"], contact_point_id=point, compounds=compounds, actor="demo")
            post, duties = POSTS.get(member["role"], POSTS["grid_member"])
            demo.contact_points.seen_by(member_principal(member)).set_card(
                None, post=post, duties=duties, work_phone=f"0571-8{rng.randint(1000000, 9999999)}",
                phone_shown=rng.random() < 0.6, actor=member["id"])


def raise_at_visit(demo: Any, member: dict[str, Any], *, category: str, summary: str, details: str,
                   petitioner: dict[str, Any] | None) -> dict[str, Any]:
    """A petition received on a home visit: the member records the visit and raises it there."""
    visits = demo.visits.seen_by(member_principal(member))
    visit = visits.record(visited_on=demo.clock.now().date(), form="home_visit", people_met=1,
                          learned=f"入户走访时群众反映：{summary}", actor=member["id"])
    raised = visits.raise_petition(visit["id"], category=category, summary=summary, details=details,
                                   petitioner=petitioner, actor=member["id"])
    return raised["petition"]


def load_demo_visits(demo: Any, clock: ManualClock, staff: dict[str, list[dict[str, Any]]], rng: random.Random,
                     fake: Faker, start: datetime, end: datetime) -> dict[str, int]:
    """A year of contact-point work, month by month, ending at ``end``."""
    report = {"visits": 0, "households": 0, "pairings": 0, "supervision_items": 0, "made_up": 0, "excused": 0,
              "reception_days": 0, "reception_petitions": 0}
    members = [m for ms in staff.values() for m in ms]
    clock.set(start + timedelta(hours=1))
    pairings: dict[str, list[Any]] = {}
    for member in members:
        pairings[member["id"]] = _households(demo, member, rng, fake, report)
    secretaries = {code: Principal(f"{code}.secretary", "书记", ("committee_secretary",), code) for code in staff}
    month = date(start.year, start.month, 1)
    while True:
        month = (month + timedelta(days=32)).replace(day=1)
        if month > end.date():
            break
        _check(demo, clock, secretaries, month, end, rng, report)
        _visits_of_month(demo, clock, members, pairings, month, end, rng, report)
        _reception_day(demo, clock, staff, month, end, rng, report)
    clock.set(end)
    for code, secretary in secretaries.items():
        report["supervision_items"] += len(demo.visit_supervision.seen_by(secretary).check())
        members_here = staff[code]
        for days in (4, 11):  # the coming reception days, on the public board
            demo.reception_days.seen_by(secretary).schedule(
                community=code, held_on=(end + timedelta(days=days)).date(), starts_at="14:30", ends_at="17:00",
                place="党群服务中心一楼接待室", members=[m["id"] for m in rng.sample(members_here, 2)],
                topic="民生政策", actor=secretary.username)
            report["reception_days"] += 1
    return report


def _resident_name(demo: Any, fake: Faker) -> str:
    """A resident's name that is no member's (members' names are public on their cards)."""
    members = {m["name"] for c in demo.communities.list() for m in c["members"]}
    while True:
        name = fake.name()
        if name not in members:
            return name


def _households(demo: Any, member: dict[str, Any], rng: random.Random, fake: Faker, report: dict[str, int]) -> list[Any]:
    households = demo.households.seen_by(member_principal(member))
    for _ in range(rng.choice([1, 1, 2])):
        households.register(person={"name": _resident_name(demo, fake), "phone": fake.phone_number(),
                                    "address": fake.street_address()}, contact=True, actor=member["id"])
        report["households"] += 1
    paired = []
    for _ in range(rng.choice([0, 1, 1, 2])):
        kind = rng.choice(list(DIFFICULTIES))
        household = households.register(person={"name": _resident_name(demo, fake), "phone": fake.phone_number(),
                                                 "address": fake.street_address(), "difficulties": DIFFICULTIES[kind]},
                                         contact=False, actor=member["id"])
        demo.projections.catch_up()
        pairing = households.pair(household["id"], kind=kind, actor=member["id"])
        targets, actions = PLANS[kind]
        today = demo.clock.now().date()
        households.set_plan(pairing["id"], targets=targets, actor=member["id"], actions=[
            {"due_date": today + timedelta(days=60 * (n + 1)), "description": a} for n, a in enumerate(actions)])
        paired.append(pairing["id"])
        report["households"] += 1
        report["pairings"] += 1
    return paired


def _check(demo: Any, clock: ManualClock, secretaries: dict[str, Principal], month: date, end: datetime,
           rng: random.Random, report: dict[str, int]) -> None:
    """Early in each month the secretary checks the month that ended; some items get a recorded reason."""
    clock.set(datetime.combine(month + timedelta(days=1), time(8, 30), CHINA))
    if clock.now() >= end:
        return
    for secretary in secretaries.values():
        supervision = demo.visit_supervision.seen_by(secretary)
        for item in supervision.check():
            report["supervision_items"] += 1
            if rng.random() < 0.3:
                supervision.excuse(item["id"], reason=rng.choice(EXCUSES), actor=secretary.username)
                report["excused"] += 1


def _visits_of_month(demo: Any, clock: ManualClock, members: list[dict[str, Any]], pairings: dict[str, list[str]],
                     month: date, end: datetime, rng: random.Random, report: dict[str, int]) -> None:
    days_in_month = ((month + timedelta(days=32)).replace(day=1) - month).days
    previous = (month - timedelta(days=1)).strftime("%Y-%m")
    plan: list[tuple[datetime, dict[str, Any], str | None]] = []
    demo.projections.catch_up()
    open_items = demo.visit_supervision.items(status="open")
    for member in members:
        roll = rng.random()
        count = 0 if roll < 0.05 else 1 if roll < 0.17 else rng.choice([2, 2, 3])
        for _ in range(count):
            plan.append((datetime.combine(month + timedelta(days=rng.randint(2, days_in_month - 1)),
                                          time(rng.randint(9, 17), rng.randint(0, 59)), CHINA), member, None))
        for item in open_items:
            if item["member_id"] == member["id"] and item["month"] == previous and rng.random() < 0.75:
                for _ in range(item["required"] - item["counted"]):
                    plan.append((datetime.combine(month + timedelta(days=rng.randint(2, 12)), time(10, 0), CHINA),
                                 member, previous))
    plan.sort(key=lambda p: p[0])
    for moment, member, makes_up in plan:
        if moment >= end:
            continue
        clock.set(moment)
        visits = demo.visits.seen_by(member_principal(member))
        form = "home_visit" if makes_up else rng.choice(FORMS)
        visits.record(visited_on=moment.date(), form=form, people_met=rng.randint(1, 12),
                      learned=rng.choice(LEARNED).format(who=rng.choice(["居民", "一位老人", "楼栋长", "住户"])),
                      guidance=rng.choice(GUIDANCE), opinions=rng.choice(OPINIONS), help_given=rng.choice(HELP),
                      makes_up=makes_up, actor=member["id"])
        report["visits"] += 1
        if makes_up:
            report["made_up"] += 1
        for pairing_id in pairings.get(member["id"], []):
            if rng.random() < 0.25:
                _help(demo, member, pairing_id, moment, rng)


def _help(demo: Any, member: dict[str, Any], pairing_id: str, moment: datetime, rng: random.Random) -> None:
    households = demo.households.seen_by(member_principal(member))
    pairing = households.pairing(pairing_id)
    if pairing["status"] != "active":
        return
    open_actions = [n for n, a in enumerate(pairing["actions"]) if a["done_on"] is None]
    action = open_actions[0] if open_actions and rng.random() < 0.5 else None
    note = pairing["actions"][action]["description"] + "，已办好" if action is not None else "上门看望，了解近况"
    households.record_help(pairing_id, note=note, given_on=moment.date(), action=action, actor=member["id"])
    if action is not None and len(open_actions) == 1 and rng.random() < 0.5:
        households.end_pairing(pairing_id, outcome=rng.choice(["out_of_difficulty", "improved"]), actor=member["id"])


def _reception_day(demo: Any, clock: ManualClock, staff: dict[str, list[dict[str, Any]]], month: date, end: datetime,
                   rng: random.Random, report: dict[str, int]) -> None:
    """Each community schedules a reception day on the 15th (and the coming one after today)."""
    for code, members in staff.items():
        held = month.replace(day=15)
        moment = datetime.combine(month.replace(day=3), time(9, 0), CHINA)
        if moment >= end:
            continue
        clock.set(moment)
        secretary = Principal(f"{code}.secretary", "书记", ("committee_secretary",), code)
        receiving = rng.sample(members, 2)
        day = demo.reception_days.seen_by(secretary).schedule(
            community=code, held_on=held, starts_at="09:00", ends_at="11:30", place="党群服务中心一楼接待室",
            members=[m["id"] for m in receiving], topic=rng.choice(["物业服务", "民生政策", "环境整治", ""]),
            actor=secretary.username)
        report["reception_days"] += 1
        for minutes in sorted(rng.sample(range(10, 140, 10), rng.randint(0, 2))):
            received_at = datetime.combine(held, time(9, 0), CHINA) + timedelta(minutes=minutes)
            if received_at >= end:
                break
            clock.set(received_at)
            _received_at_reception(demo, rng, rng.choice(receiving), day["id"], secretary)
            report["reception_petitions"] += 1


RECEIVED = [("sanitation", "楼道卫生", "楼道长期无人打扫，希望物业安排保洁"),
            ("welfare", "养老服务咨询", "想了解社区居家养老服务的申请办法"),
            ("property", "电动车充电", "小区缺少电动车充电桩，居民在楼道充电有隐患")]


def _received_at_reception(demo: Any, rng: random.Random, member: dict[str, Any], day_id: Any,
                           secretary: Principal) -> None:
    """A resident comes to the reception day: the member on duty receives the petition (anonymous: no
    personal data in the demo's reception-day petitions), the desk links it to the day, and it is
    answered on the spot or given a deadline."""
    category, summary, details = rng.choice(RECEIVED)
    desk = demo.petitions
    outcome, _ = desk.receive(contact_point_id=member["contact_point_id"], category=category, channel="desk",
                              summary=summary, details=details, petitioner=None, received_by=member["id"],
                              actor=member["id"])
    reference = outcome.petition["reference"]
    demo.reception_days.seen_by(secretary).link_petition(day_id, reference=reference, actor=secretary.username)
    if rng.random() < 0.6:
        desk.resolve_on_spot(reference, action="接待日现场答复，居民认可", actor=member["id"])
