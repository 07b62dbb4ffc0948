"""Every read model over the demo data, checked against the aggregates and the events
themselves, and the statistics rules of DOMAIN.md in small scenarios."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from domain.matter import CommitteeMatter
from domain.petition import OPEN_STATUSES, Petition
from projections.matters import matters
from projections.petitions import COUNTS, petitions
from projections.queries import count_totals
from service import errors
from service.bootstrap import bootstrap
from service.clock import ManualClock
from service.demo import load_demo
from service.working_days import working_days_between
from tests.conftest import START
from tests.helpers import petition_fields
from tests.conftest import fresh_settings


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with fresh_settings(tmp_path_factory.mktemp("demo")) as settings:
        services = bootstrap(settings, ManualClock(START))
        load_demo(services, visit_months=2)  # the petitions and matters of the full demo; visits are checked elsewhere
        services.projections.catch_up()
        yield services
        services.close()


DISCLOSED_STAGES = ("in_notice", "implementing", "implemented", "closed")


def all_petitions(services) -> list[Petition]:
    return [services.log.repository.get(i) for i in services.log.aggregate_ids_created_by(Petition.Received)]


def expected_counts(services) -> dict[tuple[str, str, str], Counter]:
    """The monthly counts worked out from the events in plain Python: (community, member, month) → counts."""
    counts: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    state: dict = {}
    topics = [f"domain.petition:Petition.{name}" for name, cls in vars(Petition).items()
              if isinstance(cls, type) and issubclass(cls, Petition.Event)]
    for notification in services.log.recorder.select_notifications(1, 10_000_000, topics=topics):
        e = services.log.mapper.to_domain_event(notification)
        month = e.at.strftime("%Y-%m")
        if isinstance(e, Petition.Received):
            state[e.originator_id] = s = {"community": str(e.community_id), "handler": e.received_by, "due": None,
                                          "missed": False, "on_time": None, "kind": None, "month": None}
            counts[(s["community"], s["handler"], month)]["received"] += 1
            continue
        s = state[e.originator_id]
        bucket = counts[(s["community"], s["handler"], month)]
        if isinstance(e, Petition.DeadlineSet):
            s.update(due=e.due_date, handler=e.responsible_member_id, missed=False)
        elif isinstance(e, Petition.DeadlineExtended):
            s["due"] = e.due_date
        elif isinstance(e, Petition.MarkedOverdue):
            s["missed"] = True
            bucket["overdue"] += 1
        elif isinstance(e, Petition.ResolvedOnSpot):
            s.update(on_time=True, kind="spot", month=month)
            bucket.update(resolved_on_spot=1, outcomes=1, outcomes_on_time=1)
        elif isinstance(e, (Petition.Resolved, Petition.Explained)):
            done = e.at.date() if isinstance(e, Petition.Resolved) else e.explained_on
            on_time = not s["missed"] and (e.matter_id is not None or s["due"] is None or done <= s["due"])
            kind = "resolved" if isinstance(e, Petition.Resolved) else "explained"
            s.update(on_time=on_time, kind=kind, month=month)
            bucket.update(outcomes=1, outcomes_on_time=int(on_time), **{kind: 1})
            if kind == "resolved":
                bucket["resolved_on_time" if on_time else "resolved_late"] += 1
        elif isinstance(e, Petition.Escalated):
            bucket["escalated"] += 1
        elif isinstance(e, Petition.FollowedUp):
            bucket.update(followed_up=1, **{e.satisfaction: 1})
            if e.satisfaction == "dissatisfied":
                bucket["reopened"] += 1
                if s["on_time"]:
                    earlier = counts[(s["community"], s["handler"], s["month"])]
                    earlier["outcomes_on_time"] -= 1
                    if s["kind"] == "resolved":
                        earlier["resolved_on_time"] -= 1
                        earlier["resolved_late"] += 1
                s.update(due=None, missed=False, on_time=None, kind=None, month=None)
        elif isinstance(e, Petition.Withdrawn):
            bucket["withdrawn"] += 1
        elif isinstance(e, Petition.Merged):
            bucket["merged"] += 1
    return counts


def counts_of(row: dict) -> dict[str, int]:
    return {name: row[name] for name in COUNTS}


class TestThePetitionsReadModel:
    def test_every_row_agrees_with_its_aggregate(self, demo):
        with demo.projections.engine.connect() as connection:
            rows = {r.reference: r for r in connection.execute(select(petitions))}
        aggregates = all_petitions(demo)
        assert len(rows) == len(aggregates) >= 320
        for petition in aggregates:
            row = rows[petition.reference]
            assert row.status == petition.status
            assert row.due_date == petition.due_date
            assert row.overdue == petition.overdue
            assert row.was_overdue == petition.was_overdue
            assert row.extensions == petition.extensions
            assert row.reopened_count == petition.reopened_count
            assert row.satisfaction == petition.satisfaction
            assert row.handler_member_id == (petition.responsible_member_id or petition.received_by)
            assert (row.petitioner_sealed is None) == (not petition.petitioner)

    def test_the_monthly_counts_agree_with_the_events(self, demo):
        expected = {key: counter for key, counter in expected_counts(demo).items() if any(counter.values())}
        actual = {(r["community"], r["member"], r["month"]): counts_of(r)
                  for r in count_totals(demo.projections.engine, by=["community", "member", "month"])
                  if any(counts_of(r).values())}
        assert actual.keys() == expected.keys()
        for key, counter in expected.items():
            assert actual[key] == {name: counter[name] for name in COUNTS}, key
        assert sum(c["received"] for c in actual.values()) == len(all_petitions(demo)) >= 320


class TestTheMattersReadModel:
    def test_every_matter_row_agrees_with_its_aggregate(self, demo):
        aggregates = [demo.log.repository.get(i) for i in demo.log.aggregate_ids_created_by(CommitteeMatter.Opened)]
        with demo.projections.engine.connect() as connection:
            rows = {r.id: r for r in connection.execute(select(matters))}
        assert len(rows) == len(aggregates) > 5
        assert {m.stage for m in aggregates} >= {"in_notice", "closed", "ended"}
        disclosed = 0
        for matter in aggregates:
            row = rows[str(matter.id)]
            assert (row.stage, row.stage_since, row.percent) == (matter.stage, matter.stage_since, matter.percent)
            assert (row.petitions, row.opinions) == (len(matter.petitions), len(matter.opinions))
            on_board = matter.current_disclosure if matter.stage in DISCLOSED_STAGES else None
            disclosed += on_board is not None
            assert row.disclosed_on == (on_board["disclosed_on"] if on_board else None)
            assert row.notice_ends == (on_board["notice_ends"] if on_board else None)
            assert row.resolution_text == (on_board["text"] if on_board else None)
            assert row.objections == (
                sum(o["disclosure_round"] == on_board["round"] for o in matter.objections) if on_board else 0)
            assert row.result_text == (matter.result["text"] if matter.result else None)
        assert demo.board.resolutions(None, per_page=100).total == disclosed
        agenda = demo.agenda.agenda(per_page=100)
        assert agenda["total"] == sum(not m.is_final for m in aggregates)
        for stage in agenda["stages"]:
            for item in stage["matters"]:
                assert item["stage"] == stage["stage"] and "link_petitions" not in item["next_steps"]
                if item["stage"] == "in_notice":
                    assert item["next_step_on"] == item["notice_ends"] + timedelta(days=1)
        implementation = demo.board.implementation(None, per_page=100).items
        assert {i["matter_id"] for i in implementation} == {
            str(m.id) for m in aggregates if m.stage in ("implementing", "implemented", "closed")}


class TestTheBoard:
    def test_the_summary_adds_up_over_the_communities(self, demo):
        summary = demo.board.summary()
        assert [c["code"] for c in summary["communities"]] == ["hepingli", "jinhua", "taoyuan", "xinglong"]
        assert summary["totals"]["this_year"]["received"] == sum(
            p.received_at.year == START.year for p in all_petitions(demo))
        for field in ("received", "resolved_on_spot", "overdue", "reopened"):
            assert summary["totals"]["this_month"][field] == sum(c["this_month"][field] for c in summary["communities"])
        open_petitions = [p for p in all_petitions(demo) if p.status in OPEN_STATUSES]
        assert summary["totals"]["open"] == len(open_petitions)
        assert summary["totals"]["open_overdue"] == sum(p.overdue for p in open_petitions)

    def test_the_monthly_statistics_of_a_community(self, demo):
        community = demo.board.community("jinhua")
        statistics = demo.board.statistics("jinhua", months=12)
        assert [m["month"] for m in statistics["months"]][-1] == "2026-09"
        assert len(statistics["months"]) == 12
        expected = Counter()
        for (community_id, _, _), counter in expected_counts(demo).items():
            if community_id == community["id"]:
                expected.update(counter)
        total = statistics["total"]
        assert counts_of(total) == {name: expected[name] for name in COUNTS}
        assert total["on_the_spot_rate"] == round(expected["resolved_on_spot"] / expected["received"], 4)
        assert total["on_time_rate"] == round(expected["outcomes_on_time"] / expected["outcomes"], 4)
        assert total["satisfaction_rate"] == round(
            (expected["satisfied"] + expected["basically_satisfied"]) / expected["followed_up"], 4)

    def test_petitions_in_progress_are_the_open_ones_with_public_fields_only(self, demo):
        community = demo.board.community("taoyuan")
        page = demo.board.in_progress("taoyuan", per_page=100)
        expected = {p.reference: p for p in all_petitions(demo)
                    if p.status in OPEN_STATUSES and str(p.community_id) == community["id"]}
        assert page.total == len(expected) and {i["reference"] for i in page.items} == set(expected)
        dues = [i["due_date"] or date.max for i in page.items]
        assert dues == sorted(dues)
        for item in page.items:
            petition = expected[item["reference"]]
            assert item["summary"] == petition.summary and item["status"] == petition.status
            assert item["contact_point"]
            assert set(item) == {"reference", "category", "summary", "status", "contact_point_id", "contact_point",
                                 "received_on", "due_date", "due_date_provisional", "overdue", "days_to_deadline",
                                 "entry"}  # nothing of the petitioner; its latest entry in the public record
            assert item["entry"] is not None

    def test_pages_are_limited(self, demo):
        with pytest.raises(errors.InvalidInputError):
            demo.board.in_progress("jinhua", per_page=101)
        first, second = (demo.board.in_progress(None, page=n, per_page=5) for n in (1, 2))
        assert first.total == second.total and not {i["reference"] for i in first.items} & {
            i["reference"] for i in second.items}

    def test_an_unknown_community(self, demo):
        with pytest.raises(errors.NotFoundError):
            demo.board.board("atlantis")


class TestTheWorklist:
    def test_open_petitions_new_undecided_first_then_nearest_deadline_with_working_days_and_flags(self, demo):
        today = demo.clock.now().date()
        page = demo.worklist.worklist(community="jinhua", per_page=100)
        open_here = [p for p in all_petitions(demo) if p.status in OPEN_STATUSES
                     and str(p.community_id) == demo.board.community("jinhua")["id"]]
        assert page.total == len(open_here)
        order = [(i["status"] not in ("received", "reopened"), i["due_date"] or date.max) for i in page.items]
        assert order == sorted(order)  # new undecided petitions first, then the nearest deadline
        assert page.items[0]["status"] in ("received", "reopened")
        for item in page.items:
            if item["due_date"]:
                assert item["due_in_working_days"] == working_days_between(today, item["due_date"])
                assert item["past_due"] == (item["due_date"] < today)
            else:
                assert item["due_in_working_days"] is None and not item["past_due"]
        assert any(i["overdue"] for i in page.items)

    def test_search_covers_the_public_summary(self, demo):
        wanted = demo.worklist.worklist(community="jinhua", per_page=1).items[0]
        words = wanted["summary"][:4]
        found = demo.worklist.search(words, community="jinhua", per_page=100)
        assert wanted["reference"] in {i["reference"] for i in found.items}
        assert all(words in i["summary"] for i in found.items)

    def test_per_member_and_overdue_filters(self, demo):
        member = demo.worklist.workload(by="member", community="jinhua")["items"][0]
        mine = demo.worklist.worklist(member_id=member["id"], per_page=100)
        assert mine.total == member["open"] and {i["member_id"] for i in mine.items} == {member["id"]}
        overdue = demo.worklist.worklist(member_id=member["id"], overdue=True, per_page=100)
        assert overdue.total == member["overdue"]

    def test_workload_per_contact_point_adds_up(self, demo):
        points = demo.worklist.workload(by="contact_point")["items"]
        assert sum(p["open"] for p in points) == demo.board.summary()["totals"]["open"]
        assert all(p["name"] for p in points)

    def test_search_by_reference_name_and_phone(self, demo):
        petition = next(p for p in all_petitions(demo) if p.petitioner and p.petitioner.get("phone"))
        by_phone = demo.worklist.search(petition.petitioner["phone"])
        assert petition.reference in {i["reference"] for i in by_phone.items}
        by_name = demo.worklist.search(petition.petitioner["name"])
        assert petition.reference in {i["reference"] for i in by_name.items}
        assert [i["reference"] for i in demo.worklist.search(petition.reference).items] == [petition.reference]
        assert demo.worklist.search("100%").total == 0


class TestTheLedger:
    def test_members_and_contact_points_add_up_to_the_board(self, demo):
        year = demo.board.summary()["totals"]["this_year"]
        for by in ("member", "contact_point"):
            ledger = demo.ledger.ledger(by=by, period="year")
            assert counts_of(ledger["total"]) == counts_of(year)
            assert all(row["name"] for row in ledger["items"])

    def test_a_month_of_one_community(self, demo):
        ledger = demo.ledger.ledger(by="member", period="month", month=9, community="xinglong")
        assert {r["period"] for r in ledger["items"]} == {"2026-09"}
        assert all(r["id"].startswith("xinglong.") for r in ledger["items"])

    def test_csv_and_excel_hold_the_same_rows(self, demo):
        ledger = demo.ledger.ledger(by="contact_point", period="year")
        rows = list(csv.reader(io.StringIO(demo.ledger.csv(by="contact_point", period="year").lstrip("\ufeff"))))
        assert rows[0][:4] == ["期间 Period", "编号 ID", "名称 Name", "受理 Received"]
        assert len(rows) == len(ledger["items"]) + 2
        assert [int(r[3]) for r in rows[1:-1]] == [i["received"] for i in ledger["items"]]
        book = openpyxl.load_workbook(io.BytesIO(demo.ledger.xlsx(by="contact_point", period="year")))
        sheet = book.active
        values = list(sheet.values)
        assert [v[1] for v in values[1:-1]] == [i["id"] for i in ledger["items"]]
        assert values[-1][3] == ledger["total"]["received"]


class TestTheStatisticsRules:
    """DOMAIN.md: overdue is a fact recorded once; dissatisfied reopens and counts against on time and satisfaction."""

    def _september(self, services):
        return services.board.statistics("jinhua", months=2)["months"]

    def test_a_dissatisfied_follow_up_takes_the_outcome_out_of_on_time_in_its_month(self, services, clock, community):
        outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community))
        reference = outcome.petition["reference"]
        services.petitions.resolve_on_spot(reference, action="当场联系保洁", actor="wangfang")
        services.projections.catch_up()
        september = services.board.statistics("jinhua", months=1)["total"]
        assert (september["outcomes_on_time"], september["on_time_rate"]) == (1, 1.0)
        clock.set(START + timedelta(days=12))  # October
        services.petitions.follow_up(reference, satisfaction="dissatisfied", comment="又堆满了", actor="wangfang")
        services.projections.catch_up()
        september, october = self._september(services)
        assert (september["resolved_on_spot"], september["outcomes_on_time"], september["on_time_rate"]) == (1, 0, 0.0)
        assert (october["reopened"], october["dissatisfied"], october["satisfaction_rate"]) == (1, 1, 0.0)

    def test_overdue_is_counted_once_in_the_month_it_was_recorded_and_the_resolution_is_late(
        self, services, clock, community
    ):
        outcome, _ = services.petitions.receive(actor="wangfang", **petition_fields(community))
        reference = outcome.petition["reference"]
        services.petitions.set_deadline(reference, working_days=3, responsible_member_id=community["handler"],
                                        plan="联系物业", steps=None, actor="wangfang")
        clock.set(START + timedelta(days=20))
        assert services.tick() == [reference]
        assert services.tick() == []
        services.petitions.resolve(reference, outcome="已清运", actor="lijiang")
        services.projections.catch_up()
        september, october = self._september(services)
        assert september["received"] == 1 and october["overdue"] == 1 and september["overdue"] == 0
        assert (october["resolved"], october["resolved_late"], october["resolved_on_time"]) == (1, 1, 0)
        ledger = services.ledger.ledger(by="member", period="year")["items"]
        assert {(r["id"], r["received"], r["resolved_late"]) for r in ledger} == {
            (community["desk"], 1, 0), (community["handler"], 0, 1)}


class TestThePetitionersLookup:
    def _received(self, services, community):
        outcome, code = services.petitions.receive(actor="wangfang", **petition_fields(community))
        reference = outcome.petition["reference"]
        services.petitions.set_deadline(reference, working_days=5, responsible_member_id=community["handler"],
                                        plan="联系物业", steps=None, actor="wangfang")
        services.petitions.resolve(reference, outcome="已恢复每日清运", actor="lijiang")
        services.projections.catch_up()
        return reference, code

    def test_the_right_code_shows_status_dates_steps_and_outcome(self, services, community):
        reference, code = self._received(services, community)
        found = services.lookup.lookup(reference, code.lower().replace("-", ""), client="1.2.3.4")
        assert found["status"] == "resolved" and found["outcome"] == "已恢复每日清运"
        assert [s["event"] for s in found["steps"]] == ["Received", "DeadlineSet", "Resolved"]
        assert found["due_date"] and found["received_at"].tzinfo is not None
        assert "张三丰" not in str(found) and "13800001234" not in str(found)

    def test_a_wrong_code_is_answered_as_an_unknown_number(self, services, community):
        reference, _ = self._received(services, community)
        with pytest.raises(errors.NotFoundError) as wrong:
            services.lookup.lookup(reference, "AAAA-BBBB-CCCC", client="1.2.3.4")
        with pytest.raises(errors.NotFoundError) as unknown:
            services.lookup.lookup("2026-999999", "AAAA-BBBB-CCCC", client="5.6.7.8")
        assert wrong.value.message == unknown.value.message

    def test_other_peoples_wrong_guesses_never_lock_out_the_holder_of_the_code(self, services, community):
        reference, code = self._received(services, community)
        for n in range(50):
            with pytest.raises(errors.NotFoundError):
                services.lookup.lookup(reference, f"WRONG-{n}", client=f"10.0.{n}.1")
        assert services.lookup.lookup(reference, code, client="10.0.0.99")["reference"] == reference

    def test_one_clients_wrong_guesses_are_slowed_down_whatever_numbers_it_tries(self, services, clock, community):
        reference, code = self._received(services, community)
        for n in range(5):
            with pytest.raises(errors.NotFoundError):
                services.lookup.lookup(f"2026-00{n}999", "AAAA-BBBB-CCCC", client="6.6.6.6")
        with pytest.raises(errors.TooManyAttemptsError) as slowed:
            services.lookup.lookup(reference, code, client="6.6.6.6")  # the guesser waits, whatever it sends
        assert slowed.value.retry_after == 3
        clock.advance(seconds=3)
        services.lookup.lookup(reference, code, client="6.6.6.6")  # its own code does not clear the client's count
        with pytest.raises(errors.NotFoundError):
            services.lookup.lookup("2026-000778", "AAAA-BBBB-CCCC", client="6.6.6.6")
        with pytest.raises(errors.TooManyAttemptsError) as longer:
            services.lookup.lookup("2026-000779", "AAAA-BBBB-CCCC", client="6.6.6.6")
        assert longer.value.retry_after == 5
        clock.advance(minutes=16)  # the window passes
        with pytest.raises(errors.NotFoundError):
            services.lookup.lookup("2026-000780", "AAAA-BBBB-CCCC", client="6.6.6.6")

    def test_an_ipv6_client_is_its_64_network(self, services, community):
        self._received(services, community)
        for n in range(5):
            with pytest.raises(errors.NotFoundError):
                services.lookup.lookup("2026-000001", "AAAA-BBBB-CCCC", client=f"2001:db8:1:2::{n + 1:x}")
        with pytest.raises(errors.TooManyAttemptsError):
            services.lookup.lookup("2026-000001", "AAAA-BBBB-CCCC", client="2001:db8:1:2:ffff::9")

    def test_under_a_spread_attack_guessers_wait_and_the_holder_is_answered(self, services, clock, community):
        reference, code = self._received(services, community)
        services.lookup.global_per_minute = 20
        for n in range(20):  # twenty addresses, one wrong guess each: the global limit is reached
            with pytest.raises(errors.NotFoundError):
                services.lookup.lookup(reference, f"WRONG-{n}", client=f"172.16.0.{n}")
        assert services.lookup.under_attack()
        with pytest.raises(errors.NotFoundError):  # a second wrong guess is still answered ...
            services.lookup.lookup(reference, "WRONG-X", client="172.16.0.1")
        with pytest.raises(errors.TooManyAttemptsError) as waits:  # ... then that address waits 15 minutes
            services.lookup.lookup(reference, "WRONG-Y", client="172.16.0.1")
        assert waits.value.retry_after == 15 * 60 + 1
        assert services.lookup.lookup(reference, code, client="172.16.0.2")["reference"] == reference  # one typo
        assert services.lookup.lookup(reference, code, client="192.168.1.1")["reference"] == reference
        clock.advance(minutes=2)
        assert not services.lookup.under_attack()

    def test_every_process_of_a_deployment_slows_the_same_guesser(self, services, clock, community):
        reference, code = self._received(services, community)
        other_worker = bootstrap(services.settings, clock)
        try:
            for n in range(5):
                with pytest.raises(errors.NotFoundError):
                    (services if n % 2 else other_worker).lookup.lookup(reference, f"WRONG-{n}", client="4.4.4.4")
            with pytest.raises(errors.TooManyAttemptsError):
                other_worker.lookup.lookup(reference, code, client="4.4.4.4")
            with pytest.raises(errors.TooManyAttemptsError):
                services.lookup.lookup(reference, code, client="4.4.4.4")
            assert services.lookup.lookup(reference, code, client="4.4.4.5")["reference"] == reference
        finally:
            other_worker.close()


class TestCommitteeMattersOnTheBoardAndTheAgenda:
    def test_a_matter_from_solicitation_to_disclosed_result(self, services, clock, community):
        committee, today = services.committee, clock.now().date()
        matter = committee.open(community="jinhua", title="3号楼加装电梯", description="3号楼居民申请加装电梯",
                                petitions=[], actor="secretary").matter["id"]
        committee.open_solicitation(matter, question="是否同意加装电梯？", opens_on=today,
                                    closes_on=today + timedelta(days=6), actor="secretary")
        committee.record_opinion(matter, resident="赵六", stance="support", text="同意", channel="desk", actor="wangfang")
        services.projections.catch_up()
        [soliciting] = services.agenda.agenda(community="jinhua")["stages"]
        item = soliciting["matters"][0]
        assert (soliciting["stage"], item["opinions"], item["next_step_on"]) == ("soliciting", 1, today + timedelta(days=6))
        assert item["next_steps"] == ["record_opinion", "close_solicitation"]

        clock.advance(days=7)
        committee.close_solicitation(matter, actor="secretary")
        committee.draft_proposal(matter, text="加装电梯，费用按楼层分摊", cited_opinions=[1], actor="secretary")
        committee.record_consultation(matter, held_on=None, attendees=["李书记", "王主任"], minutes="同意提交表决",
                                      outcome="agreed", actor="secretary")
        committee.record_vote(matter, held_on=None, eligible=30, present=25, votes_for=20, votes_against=3,
                              abstentions=2, actor="secretary")
        committee.disclose_resolution(matter, notice_days=7, actor="secretary")
        clock.advance(days=2)
        committee.record_objection(matter, objector="钱七", text="费用分摊不合理", channel="desk", actor="wangfang")
        services.projections.catch_up()
        disclosed_on = today + timedelta(days=7)
        [resolution] = services.board.resolutions("jinhua", in_notice=True).items
        assert resolution["text"] == "加装电梯，费用按楼层分摊" and resolution["disclosed_on"] == disclosed_on
        assert resolution["tally"] == {"eligible": 30, "present": 25, "votes_for": 20, "votes_against": 3,
                                       "abstentions": 2}
        assert (resolution["days_left"], resolution["objections"]) == (5, 1)
        [in_notice] = services.agenda.agenda()["stages"]
        assert in_notice["matters"][0]["next_step_on"] == disclosed_on + timedelta(days=7)
        assert "钱七" not in str(services.board.board("jinhua")) and "赵六" not in str(services.board.board("jinhua"))

        clock.advance(days=6)
        committee.record_implementation_progress(matter, note="施工队进场", percent=30, actor="secretary")
        clock.advance(days=10)
        committee.complete_implementation(matter, note="电梯通过验收", actor="secretary")
        committee.disclose_result(matter, result="3号楼电梯已投入使用", actor="secretary")
        services.projections.catch_up()
        [done] = services.board.implementation("jinhua").items
        assert (done["stage"], done["percent"], done["result"]) == ("closed", 100, "3号楼电梯已投入使用")
        assert [n["note"] for n in done["progress"]] == ["施工队进场"]
        assert services.board.resolutions("jinhua", in_notice=True).total == 0
        assert services.board.resolutions("jinhua").items[0]["days_left"] == 0
        assert services.agenda.agenda()["total"] == 0
