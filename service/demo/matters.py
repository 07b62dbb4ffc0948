"""Demo committee matters (一征三议两公开), one or more in every stage, from the demo's escalated petitions.

Each matter goes through the real use cases on the demo's clock: it opens a day
after the petitions it takes up were escalated, its steps follow each other by
days, and the matter-outcomes process resolves or explains its petitions right
after it closes, as the background follower would."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faker import Faker

from domain.petition import Petition
from service.bootstrap import Services
from service.clock import ManualClock


@dataclass(frozen=True)
class MatterText:
    title: str
    description: str
    question: str
    opinions: tuple[tuple[str, str], ...]
    proposal: str
    revision: str
    objection: str
    progress: tuple[str, str]
    completion: str
    result: str
    end_reason: str


TEXTS = {
    "加装电梯": MatterText(
        title="老旧楼栋加装电梯",
        description="多名居民反映老旧楼栋没有电梯，老人上下楼困难。加装涉及全体业主意见和费用分摊，"
                    "报党委按“一征三议两公开”研究。",
        question="是否同意为老旧楼栋加装电梯？费用按楼层系数分摊、一楼不分摊的思路是否合理？",
        opinions=(("support", "家里老人腿脚不便，强烈支持加装电梯"),
                  ("oppose", "一楼住户用不上电梯，不同意分摊费用，还担心采光受影响"),
                  ("suggestion", "建议申请区里的既有住宅加装电梯补贴，减轻居民负担"),
                  ("support", "支持，希望尽快施工"),
                  ("suggestion", "施工期间注意噪音和安全，避开午休时间")),
        proposal="申请区住建局既有住宅加装电梯补贴，剩余费用按楼层系数分摊，一楼住户不分摊；"
                 "成立居民监督小组全程监督施工和资金使用。",
        revision="在原方案基础上，二楼住户分摊系数下调一半；电梯日常维护费用由使用住户按户均摊，每年公示一次。",
        objection="二楼住户认为分摊比例仍然偏高，希望两委再商议",
        progress=("施工单位已进场，完成地基开挖和管线迁改", "井道钢结构安装完成，正在安装轿厢"),
        completion="电梯安装完成，通过特种设备检验",
        result="电梯已通过特种设备检验并正式投入使用；补贴资金和居民分摊费用明细已在公开栏公示。",
        end_reason="居民代表会议表决未通过，多数代表对费用分摊方案有异议。党委决定暂缓加装，"
                   "待争取到更多补贴后重新征求意见。",
    ),
    "增设健身器材": MatterText(
        title="小广场增设健身器材和休息座椅",
        description="居民希望在小广场增设健身器材和休息座椅，涉及公共场地使用和公益金支出，需集体决策。",
        question="是否同意使用社区公益金在小广场增设健身器材和休息座椅？器材选址有何建议？",
        opinions=(("support", "老人每天在广场活动，很需要座椅"),
                  ("suggestion", "器材放在广场东侧，离住户远一些，减少噪音"),
                  ("oppose", "广场本来就小，再放器材会影响跳广场舞"),
                  ("support", "支持，孩子们也能用")),
        proposal="使用社区公益金采购适老化健身器材8件、休息座椅6张，安装在小广场东侧，由物业负责日常维护。",
        revision="器材减为6件，留出广场舞活动区域；增加夜间照明一处。",
        objection="广场舞队希望器材区再往东移两米",
        progress=("器材和座椅采购合同已签订", "地面硬化完成，器材开始安装"),
        completion="器材和座椅安装完成，验收合格",
        result="健身器材6件、休息座椅6张和照明灯一处已安装使用，公益金支出明细已公示。",
        end_reason="居民代表会议表决未通过，多数代表认为广场空间不足。党委决定另选场地，届时再征求意见。",
    ),
    "物业费收支不透明": MatterText(
        title="物业费收支公开和业主监督",
        description="居民反映物业费收支不透明，希望物业公开明细并建立监督机制，涉及全体业主利益。",
        question="是否同意要求物业公司定期公开物业费收支，并成立业主代表监督小组？",
        opinions=(("support", "物业费交了好几年，从没见过明细"),
                  ("suggestion", "建议每季度公开一次，并请第三方审计"),
                  ("support", "支持成立监督小组，我愿意参加")),
        proposal="要求物业公司每季度在公开栏公示物业费收支明细；成立由7名业主代表组成的监督小组，每半年审核一次。",
        revision="监督小组增加1名党员代表，年度收支由第三方审计后公示。",
        objection="有业主认为监督小组人选应由各楼栋推选",
        progress=("与物业公司签订收支公开承诺书", "业主监督小组人选已由各楼栋推选产生"),
        completion="首个季度收支明细已公示，监督小组完成首次审核",
        result="物业公司已按季度公示收支明细，业主监督小组已成立并完成首次审核，审核意见已公示。",
        end_reason="居民代表会议表决未通过。党委决定先由物业公司自愿公开收支，半年后视情况重新研究。",
    ),
    "道路破损": MatterText(
        title="村口道路硬化修缮",
        description="村民反映村口道路坑洼严重，雨天积水，出行不安全。修缮需使用村集体资金，需集体决策。",
        question="是否同意使用村集体资金对村口道路进行硬化修缮？施工时间有何建议？",
        opinions=(("support", "雨天电动车经常摔倒，早该修了"),
                  ("suggestion", "建议避开农忙时节施工"),
                  ("oppose", "集体资金应优先用于灌溉设施"),
                  ("support", "支持，顺便把排水沟也修一下")),
        proposal="使用村集体资金对村口道路约600米进行水泥硬化，同步疏通两侧排水沟，农忙结束后施工。",
        revision="分两期施工，一期先修最破损的300米，二期视资金情况安排。",
        objection="部分村民担心施工期间农用车无法通行",
        progress=("施工队进场，完成旧路面清理", "300米路面浇筑完成，正在养护"),
        completion="道路硬化和排水沟疏通完成，验收合格",
        result="村口道路硬化修缮完成并通车，排水沟已疏通；资金使用明细已在村务公开栏公示。",
        end_reason="村民代表会议表决未通过，多数代表主张集体资金先用于灌溉设施。党委决定明年再研究道路修缮。",
    ),
}
INITIATIVE = MatterText(
    title="雨污分流管网改造",
    description="党委根据排水管网排查结果，主动提出实施雨污分流改造，解决雨天污水外溢问题。",
    question="是否同意实施雨污分流管网改造？施工期间的出行和停车安排有何建议？",
    opinions=(("support", "雨天污水漫到楼道，早该改造"),
              ("suggestion", "分片施工，保留一条通道"),
              ("support", "支持")),
    proposal="申请区水务局专项资金实施雨污分流改造，分三片施工，每片施工期间保留临时通道。",
    revision="施工顺序调整为先东区后西区。",
    objection="东区居民希望施工期间提供临时停车位",
    progress=("东区管网开挖完成", "西区管网铺设完成"),
    completion="雨污分流管网改造完成，通水验收合格",
    result="雨污分流改造完成，雨天污水外溢问题解决，专项资金使用情况已公示。",
    end_reason="居民代表会议表决未通过。党委决定待专项资金落实后重新研究。",
)

# (target stage, variants, days of slack before today): oldest matters first.
PLAN: list[tuple[str, frozenset[str], tuple[int, int]]] = [
    ("closed", frozenset({"returned", "objection", "reconsidered"}), (20, 40)),
    ("ended", frozenset(), (15, 30)),
    ("closed", frozenset(), (8, 15)),
    ("implemented", frozenset(), (1, 3)),
    ("implementing", frozenset(), (2, 5)),
    ("in_notice", frozenset({"objection"}), (1, 2)),
    ("passed", frozenset(), (1, 2)),
    ("rejected", frozenset(), (1, 2)),
    ("voting", frozenset({"returned"}), (1, 3)),
    ("consulting", frozenset(), (1, 2)),
    ("proposing", frozenset(), (1, 2)),
    ("soliciting", frozenset({"initiative"}), (1, 2)),
    ("soliciting", frozenset(), (1, 2)),
    ("opened", frozenset(), (0, 1)),
]


@dataclass
class _Group:
    code: str
    summary: str
    petitions: list[tuple[datetime, str, str]] = field(default_factory=list)  # (escalated at, reference, desk)


def load_demo_matters(demo: Services, rng: random.Random, fake: Faker, start: datetime, end: datetime) -> dict[str, int]:
    """Opens and runs the plan's matters; answers how many matters each stage has."""
    assert isinstance(demo.clock, ManualClock)
    groups = _escalated_groups(demo)
    stages: dict[str, int] = {}
    for target, variants, (low, high) in PLAN:
        steps = _script(target, variants)
        opened_at = _at(end - timedelta(days=steps[-1][0] + rng.randint(low, high)), rng)
        if opened_at <= start + timedelta(days=1):
            continue  # the demo does not reach back far enough for this one
        group = None if "initiative" in variants else _take_group(groups, opened_at)
        code = group.code if group else rng.choice([g.code for g in groups] or ["jinhua"])
        text = INITIATIVE if group is None else TEXTS.get(group.summary) or _generic(group.summary)
        stage = _run_matter(demo, rng, fake, code, group, text, target, variants, steps, opened_at, end)
        stages[stage] = stages.get(stage, 0) + 1
    return stages


def _escalated_groups(demo: Services) -> list[_Group]:
    """Escalated petitions waiting on no matter, by community and problem, earliest first."""
    groups: dict[tuple[str, str], _Group] = {}
    codes = {c["id"]: c["code"] for c in demo.communities.list()}
    for petition_id in demo.log.aggregate_ids_created_by(Petition.Received):
        petition: Petition = demo.log.repository.get(petition_id)
        if petition.status != "escalated" or petition.matter_id is not None:
            continue
        escalated_at = next(e.at for e in reversed(list(demo.log.events.get(petition_id)))
                            if isinstance(e, Petition.Escalated))
        code = codes[petition.community_id]
        group = groups.setdefault((code, petition.summary), _Group(code, petition.summary))
        group.petitions.append((escalated_at, petition.reference, petition.received_by))
    for group in groups.values():
        group.petitions.sort()
    return sorted(groups.values(), key=lambda g: (g.summary not in TEXTS, g.petitions[0][0]))


def _take_group(groups: list[_Group], opened_at: datetime) -> _Group | None:
    for group in groups:
        if group.petitions[0][0] < opened_at - timedelta(hours=2):
            groups.remove(group)
            return group
    return None


def _script(target: str, variants: frozenset[str]) -> list[tuple[int, str]]:
    """The days (after opening) and names of the steps that take a matter to ``target``."""
    gaps = [(0, "open"), (1, "solicit"), (1, "opinions"), (7, "close"), (2, "draft")]
    if "returned" in variants:
        gaps += [(3, "return"), (2, "redraft")]
    gaps += [(2, "agree")]
    if target in ("rejected", "ended"):
        gaps += [(3, "reject")] + ([(2, "end")] if target == "ended" else [])
    else:
        gaps += [(3, "pass"), (1, "disclose")]
        gaps += [(2, "object")] if "objection" in variants else []
        if "reconsidered" in variants:
            gaps += [(1, "reconsider"), (3, "agree"), (2, "pass"), (1, "disclose")]
        gaps += [(8, "progress"), (8, "progress"), (7, "complete"), (2, "result")]
    last = {
        "opened": "open", "soliciting": "opinions", "proposing": "close", "consulting": "draft", "voting": "agree",
        "passed": "pass", "rejected": "reject", "in_notice": "object" if "objection" in variants else "disclose",
        "implementing": "progress", "implemented": "complete", "closed": "result", "ended": "end",
    }[target]
    cut = max(i for i, (_, name) in enumerate(gaps) if name == last)
    steps, day = [], 0
    for gap, name in gaps[: cut + 1]:
        day += gap
        steps.append((day, name))
    return steps


def _run_matter(
    demo: Services, rng: random.Random, fake: Faker, code: str, group: _Group | None, text: MatterText,
    target: str, variants: frozenset[str], steps: list[tuple[int, str]], opened_at: datetime, end: datetime,
) -> str:
    clock = demo.clock
    assert isinstance(clock, ManualClock)
    committee = demo.committee
    community = demo.communities.get(code)
    secretary = next(m["id"] for m in community["members"] if m["role"] == "secretary")
    attendees = [m["name"] for m in community["members"] if m["role"] in ("secretary", "committee_member")]
    desk_staff = [m["id"] for m in community["members"] if m["role"] == "desk_staff"] or [secretary]
    waiting = list(group.petitions) if group else []
    linked = [p for p in waiting if p[0] < opened_at - timedelta(hours=1)]
    later = [p for p in waiting if p not in linked]
    matter_id: Any = None
    progress = iter(zip(text.progress, (35, 75), strict=True))
    eligible = rng.randint(25, 45)

    def at_day(day: int) -> None:
        clock.set(max(clock.now(), _at(opened_at + timedelta(days=day), rng)))

    actions: dict[str, Callable[[], Any]] = {
        "solicit": lambda: committee.open_solicitation(
            matter_id, question=text.question, opens_on=None, closes_on=(opened_at + timedelta(days=8)).date(),
            actor=secretary),
        "opinions": lambda: [
            committee.record_opinion(matter_id, resident=None if rng.random() < 0.3 else fake.name(), stance=stance,
                                     text=opinion, channel=rng.choice(["desk", "home_visit", "online", "questionnaire"]),
                                     actor=rng.choice(desk_staff))
            for stance, opinion in text.opinions],
        "close": lambda: committee.close_solicitation(matter_id, actor=secretary),
        "draft": lambda: committee.draft_proposal(
            matter_id, text=text.proposal, cited_opinions=list(range(1, len(text.opinions) + 1)), actor=secretary),
        "return": lambda: committee.record_consultation(
            matter_id, held_on=None, attendees=attendees, minutes="两委联席会议认为方案需进一步完善，退回修改。",
            outcome="returned", actor=secretary),
        "redraft": lambda: committee.draft_proposal(
            matter_id, text=f"{text.proposal}{text.revision}", cited_opinions=[], actor=secretary),
        "agree": lambda: committee.record_consultation(
            matter_id, held_on=None, attendees=attendees, minutes="两委联席会议一致同意提交居民代表会议表决。",
            outcome="agreed", actor=secretary),
        "pass": lambda: _vote(committee, matter_id, eligible, passed=True, secretary=secretary, rng=rng),
        "reject": lambda: _vote(committee, matter_id, eligible, passed=False, secretary=secretary, rng=rng),
        "disclose": lambda: committee.disclose_resolution(matter_id, actor=secretary),
        "object": lambda: committee.record_objection(
            matter_id, objector=fake.name(), text=text.objection, channel="desk", actor=rng.choice(desk_staff)),
        "reconsider": lambda: committee.return_to_consultation(
            matter_id, reason=f"针对公示期异议（{text.objection}），两委决定重新商议。", objections=[1], actor=secretary),
        "progress": lambda: _progress(committee, matter_id, progress, secretary),
        "complete": lambda: committee.complete_implementation(matter_id, note=text.completion, actor=secretary),
        "result": lambda: committee.disclose_result(matter_id, result=text.result, actor=secretary),
        "end": lambda: committee.end(matter_id, reason=text.end_reason, actor=secretary),
    }
    clock.set(opened_at)
    for day, name in steps:
        at_day(day)
        if name == "open":
            matter_id = committee.open(
                community=code, title=text.title, description=text.description,
                petitions=[reference for _, reference, _ in linked], actor=secretary,
            ).matter["id"]
        else:
            actions[name]()
    stage = committee.get(matter_id)["stage"]
    if stage in ("closed", "ended"):
        demo.matter_outcomes.catch_up()  # what the background follower does a moment later
        for _, reference, desk in linked:
            _follow_up_later(demo, rng, reference, desk, end)
    else:
        for escalated_at, reference, _ in later:  # petitions escalated later join the open matter
            moment = max(clock.now(), escalated_at) + timedelta(hours=rng.randint(2, 30))
            if moment < end:
                clock.set(moment)
                committee.link_petitions(matter_id, petitions=[reference], actor=secretary)
    return stage


def _vote(committee: Any, matter_id: Any, eligible: int, *, passed: bool, secretary: str, rng: random.Random) -> None:
    present = math.floor(eligible * 2 / 3) + rng.randint(2, 5)
    present = min(present, eligible)
    votes_for = present - rng.randint(1, 4) if passed else present // 3
    against = (present - votes_for) // 2 if passed else present - votes_for - rng.randint(0, 2)
    committee.record_vote(matter_id, held_on=None, eligible=eligible, present=present, votes_for=votes_for,
                          votes_against=against, abstentions=present - votes_for - against, actor=secretary)


def _progress(committee: Any, matter_id: Any, progress: Any, secretary: str) -> None:
    note, percent = next(progress)
    committee.record_implementation_progress(matter_id, note=note, percent=percent, actor=secretary)


def _follow_up_later(demo: Services, rng: random.Random, reference: str, desk: str, end: datetime) -> None:
    petition = demo.petitions.get(reference)
    if petition["status"] not in ("resolved", "explained"):
        return
    clock = demo.clock
    assert isinstance(clock, ManualClock)
    moment = clock.now() + timedelta(days=rng.randint(2, 6))
    if moment >= end:
        return
    clock.set(moment)
    satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], weights=[75, 20, 5])[0]
    demo.petitions.follow_up(reference, satisfaction=satisfaction, comment="", actor=desk)


def _at(day: datetime, rng: random.Random) -> datetime:
    """A working-hours moment on that day."""
    return day.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0)


def _generic(summary: str) -> MatterText:
    return MatterText(
        title=f"{summary}问题集体研究",
        description=f"多名居民反映“{summary}”，涉及公共利益，网格处理中发现需要集体研究，报党委决策。",
        question=f"关于“{summary}”的解决方案，请居民提出意见和建议。",
        opinions=(("support", "希望尽快解决"), ("suggestion", "建议先听取相关住户意见")),
        proposal=f"由社区牵头协调相关单位，制定“{summary}”整改方案并限期落实，整改情况向居民公开。",
        revision="明确责任人和完成时限，每两周向居民通报一次进展。",
        objection="部分居民对整改时限有异议",
        progress=("已协调相关单位制定整改方案", "整改工作完成过半"),
        completion="整改完成，经现场查看问题解决",
        result=f"“{summary}”问题已整改完毕，整改情况已在公开栏公示。",
        end_reason="居民代表会议表决未通过。党委决定暂缓实施，条件具备后重新研究。",
    )
