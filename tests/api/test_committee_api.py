"""Every path of a committee matter (一征三议两公开) over HTTP, with status codes and exact error bodies."""

from __future__ import annotations

from typing import Any

import pytest

from tests.committee_helpers import escalated_petitions
from tests.conftest import token_for

OPENED = ["open_solicitation", "link_petitions"]
SOLICITING = ["record_opinion", "close_solicitation", "link_petitions"]
PROPOSING = ["draft_proposal", "link_petitions"]
CONSULTING = ["draft_proposal", "record_consultation", "link_petitions"]
IN_NOTICE = ["record_objection", "return_to_consultation", "record_implementation_progress", "link_petitions"]

PASSING = {"eligible": 30, "present": 25, "votes_for": 20, "votes_against": 3, "abstentions": 2}
FAILING = {"eligible": 30, "present": 25, "votes_for": 5, "votes_against": 18, "abstentions": 2}


class Secretary:
    """The committee secretary working through the HTTP API."""

    def __init__(self, client: Any, clock: Any) -> None:
        self.client = client
        self.clock = clock

    def open(self, petitions: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
        body = {"community": "jinhua", "title": "3号楼加装电梯", "description": "3号楼居民申请加装电梯，费用按楼层分摊",
                "petitions": petitions or [], **overrides}
        response = self.client.post("/api/matters", json=body)
        assert response.status_code == 201, response.json
        return response.json

    def step(self, matter: dict[str, Any] | str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        matter_id = matter if isinstance(matter, str) else matter["id"]
        return self.client.post(f"/api/matters/{matter_id}/{path}", json=body or {}, headers=headers)

    def ok(self, matter: dict[str, Any] | str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.step(matter, path, body)
        assert response.status_code == 200, response.json
        return response.json

    def get(self, matter: dict[str, Any] | str) -> dict[str, Any]:
        matter_id = matter if isinstance(matter, str) else matter["id"]
        return self.client.get(f"/api/matters/{matter_id}").json

    def solicit(self, matter: dict[str, Any]) -> dict[str, Any]:
        return self.ok(matter, "solicitation", {"question": "是否同意加装电梯？费用按楼层分摊", "closes_on": "2026-09-27"})

    def to_proposing(self, matter: dict[str, Any]) -> dict[str, Any]:
        self.solicit(matter)
        self.ok(matter, "opinions", {"resident": "张三丰", "stance": "support", "text": "同意，尽快装", "channel": "desk"})
        self.clock.advance(days=7)
        return self.ok(matter, "solicitation/close")

    def to_voting(self, matter: dict[str, Any]) -> dict[str, Any]:
        self.to_proposing(matter)
        self.ok(matter, "proposal", {"text": "加装电梯，费用按楼层分摊", "cited_opinions": [1]})
        return self.ok(matter, "consultation", {"attendees": ["李书记", "王主任"], "minutes": "两委同意提交表决",
                                                "outcome": "agreed"})

    def to_in_notice(self, matter: dict[str, Any]) -> dict[str, Any]:
        self.to_voting(matter)
        self.ok(matter, "vote", PASSING)
        return self.ok(matter, "disclosure", {})

    def to_implemented(self, matter: dict[str, Any]) -> dict[str, Any]:
        self.to_in_notice(matter)
        self.clock.advance(days=7)
        self.ok(matter, "implementation", {"note": "施工队进场", "percent": 30})
        self.clock.advance(days=10)
        return self.ok(matter, "implementation/complete", {"note": "电梯通过验收"})


@pytest.fixture
def secretary(client, clock, community) -> Secretary:
    return Secretary(client, clock)


@pytest.fixture
def petitions(services, community) -> list[str]:
    return escalated_petitions(services, community, 2)


def petition(client, reference: str) -> dict[str, Any]:
    return client.get(f"/api/petitions/{reference}").json


class TestOpening:
    def test_a_matter_opened_from_escalated_petitions(self, client, secretary, petitions):
        response = client.post("/api/matters", json={"community": "jinhua", "title": "3号楼加装电梯",
                                                     "description": "3号楼居民申请加装电梯", "petitions": petitions})
        assert response.status_code == 201
        matter = response.json
        assert response.headers["Location"] == f"/api/matters/{matter['id']}"
        assert response.headers["ETag"] == '"3"'
        assert (matter["stage"], matter["allowed_steps"], matter["origin"]) == ("opened", OPENED, "petitions")
        assert [p["reference"] for p in matter["petitions"]] == petitions
        for reference in petitions:
            linked = petition(client, reference)
            assert (linked["status"], linked["matter_id"]) == ("escalated", matter["id"])
            assert linked["history"][-1]["event"] == "LinkedToMatter"
        history = secretary.get(matter)["history"]
        assert [h["event"] for h in history] == ["Opened", "PetitionLinked", "PetitionLinked"]
        assert all(h["actor"] == "wangfang" for h in history)

    def test_the_committee_opens_a_matter_on_its_own_initiative(self, secretary):
        matter = secretary.open()
        assert (matter["origin"], matter["petitions"]) == ("committee", [])

    def test_a_petition_that_is_not_escalated_is_refused_and_nothing_is_saved(self, client, services, community,
                                                                              petitions):
        outcome, _ = services.petitions.receive(
            contact_point_id=community["contact_point"], category="other", channel="desk", summary="路灯不亮",
            details="路灯坏了", petitioner=None, received_by=community["desk"], actor="wangfang")
        fresh = outcome.petition["reference"]
        response = client.post("/api/matters", json={"community": "jinhua", "title": "t", "description": "d",
                                                     "petitions": [petitions[0], fresh]})
        assert response.status_code == 422
        assert response.json == {
            "error": "invalid_input", "message": f"petitions: petition {fresh} is received, not escalated",
            "fields": {"petitions": [f"petition {fresh} is received, not escalated"]},
        }
        assert petition(client, petitions[0])["matter_id"] is None
        assert client.get("/api/matters").json == []

    def test_an_unknown_petition_or_community_is_refused(self, client, community):
        response = client.post("/api/matters", json={"community": "jinhua", "title": "t", "description": "d",
                                                     "petitions": ["2026-999999"]})
        assert response.status_code == 422
        assert response.json["fields"] == {"petitions": ["no petition has the reference number 2026-999999"]}
        response = client.post("/api/matters", json={"community": "nowhere", "title": "t", "description": "d"})
        assert response.json["fields"] == {"community": ["no such community"]}

    def test_invalid_input_names_each_field(self, client, community):
        response = client.post("/api/matters", json={"community": "jinhua", "title": "", "petitions": "2026-000001"})
        assert response.status_code == 422
        assert response.json["fields"] == {
            "title": ["Length must be between 1 and 200."],
            "description": ["Missing data for required field."],
            "petitions": ["Not a valid list."],
        }

    def test_a_later_escalated_petition_is_attached(self, client, services, community, secretary, petitions):
        matter = secretary.open(petitions[:1])
        secretary.solicit(matter)
        attached = secretary.ok(matter, "petitions", {"petitions": petitions[1:]})
        assert [p["reference"] for p in attached["petitions"]] == petitions
        assert petition(client, petitions[1])["matter_id"] == matter["id"]
        again = secretary.step(matter, "petitions", {"petitions": petitions[1:]})
        assert again.status_code == 422
        assert again.json["fields"] == {"petitions": [f"petition {petitions[1]} is linked to this matter already"]}

    def test_a_petition_waits_on_one_matter_only(self, secretary, petitions):
        secretary.open(petitions)
        response = secretary.client.post("/api/matters", json={"community": "jinhua", "title": "另一议题",
                                                               "description": "d", "petitions": petitions[:1]})
        assert response.status_code == 422
        assert response.json["fields"] == {"petitions": [f"petition {petitions[0]} waits on another matter already"]}

    def test_an_unknown_matter_is_404(self, client):
        response = client.get("/api/matters/6f1c1c52-3c55-4ad4-9d6a-2b5c2a3b7e10")
        assert response.status_code == 404
        assert response.json == {"error": "not_found", "message": "matter 6f1c1c52-3c55-4ad4-9d6a-2b5c2a3b7e10 not found"}

    def test_the_api_needs_a_signed_in_caller(self, anonymous_client, community):
        response = anonymous_client.get("/api/matters")
        assert response.status_code == 401
        assert response.json["error"] == "not_signed_in"


class TestOutOfOrder:
    def test_a_step_out_of_order_is_409_with_the_stage_and_allowed_steps(self, secretary):
        matter = secretary.open()
        response = secretary.step(matter, "vote", PASSING)
        assert response.status_code == 409
        assert response.json == {
            "error": "illegal_step", "message": "cannot record vote on a matter that is opened",
            "state": "opened", "allowed_steps": OPENED, "version": 1,
        }
        response = secretary.step(matter, "result", {"result": "已完成"})
        assert response.json["message"] == "cannot disclose result on a matter that is opened"

    def test_a_stale_if_match_is_409_and_nothing_changes(self, secretary):
        matter = secretary.open()
        secretary.step(matter, "solicitation", {"question": "是否同意？", "closes_on": "2026-09-27"}, **{"If-Match": '"1"'})
        response = secretary.step(matter, "solicitation/close", {}, **{"If-Match": '"1"'})
        assert response.status_code == 409
        assert response.json == {
            "error": "version_conflict",
            "message": "you acted on version 1, but it is now at version 2: reload and try again",
            "state": "soliciting", "version": 2,
        }
        assert secretary.get(matter)["stage"] == "soliciting"

    def test_get_gives_the_etag_history_and_next_steps(self, client, secretary):
        matter = secretary.open()
        secretary.solicit(matter)
        response = client.get(f"/api/matters/{matter['id']}")
        assert response.headers["ETag"] == '"2"'
        assert response.json["allowed_steps"] == SOLICITING
        assert response.json["history"][-1] == {
            "event": "SolicitationOpened", "version": 2, "actor": "wangfang", "at": "2026-09-21T09:30:00+08:00",
            "details": {"question": "是否同意加装电梯？费用按楼层分摊", "opens_on": "2026-09-21", "closes_on": "2026-09-27"},
        }


class TestSolicitation:
    def test_opinions_are_recorded_named_or_anonymous_and_summed(self, client, secretary):
        matter = secretary.open()
        secretary.solicit(matter)
        for body in ({"resident": "张三丰", "stance": "support", "text": "同意", "channel": "desk"},
                     {"stance": "oppose", "text": "一楼不需要电梯", "channel": "suggestion_box"},
                     {"resident": None, "stance": "suggestion", "text": "费用按楼层分摊", "channel": "online"}):
            secretary.ok(matter, "opinions", body)
        summary = client.get(f"/api/matters/{matter['id']}/opinions/summary")
        assert summary.json == {"support": 1, "oppose": 1, "suggestion": 1, "total": 3}
        opinions = secretary.get(matter)["opinions"]
        assert [(o["number"], o["resident"]) for o in opinions] == [(1, "张三丰"), (2, None), (3, None)]

    def test_an_opinion_outside_the_window_is_refused(self, secretary, clock):
        matter = secretary.open()
        secretary.ok(matter, "solicitation", {"question": "是否同意？", "opens_on": "2026-09-22", "closes_on": "2026-09-24"})
        early = secretary.step(matter, "opinions", {"stance": "support", "text": "同意", "channel": "desk"})
        assert early.status_code == 409
        assert early.json == {
            "error": "illegal_step", "message": "opinions are taken from 2026-09-22 to 2026-09-24, not on 2026-09-21",
            "state": "soliciting", "allowed_steps": SOLICITING, "version": 2,
        }
        clock.advance(days=4)
        late = secretary.step(matter, "opinions", {"stance": "support", "text": "同意", "channel": "desk"})
        assert late.json["message"] == "opinions are taken from 2026-09-22 to 2026-09-24, not on 2026-09-25"

    def test_the_solicitation_cannot_close_before_it_opens(self, secretary, clock):
        matter = secretary.open()
        secretary.ok(matter, "solicitation", {"question": "是否同意？", "opens_on": "2026-09-22", "closes_on": "2026-09-24"})
        response = secretary.step(matter, "solicitation/close")
        assert response.status_code == 409
        assert response.json["message"] == "the solicitation opens on 2026-09-22; it cannot close before it opens"
        clock.advance(days=1)
        early = secretary.step(matter, "solicitation/close")
        assert early.status_code == 409
        assert early.json["message"] == "the solicitation is open until 2026-09-24; closing it early needs a reason"
        closed = secretary.ok(matter, "solicitation/close", {"reason": "楼内住户已全部表态"})
        assert closed["solicitation"]["closed_early_because"] == "楼内住户已全部表态"
        assert (closed["stage"], closed["allowed_steps"]) == ("proposing", PROPOSING)

    def test_an_invalid_opinion_names_its_fields(self, secretary):
        matter = secretary.open()
        secretary.solicit(matter)
        response = secretary.step(matter, "opinions", {"stance": "maybe", "text": "", "channel": "pigeon"})
        assert response.status_code == 422
        assert response.json["fields"] == {
            "stance": ["Must be one of: support, oppose, suggestion."],
            "text": ["Length must be between 1 and 2000."],
            "channel": ["Must be one of: desk, home_visit, hotline, suggestion_box, online, letter, questionnaire."],
        }

    def test_a_window_in_the_wrong_order_is_422(self, secretary):
        matter = secretary.open()
        response = secretary.step(matter, "solicitation", {"question": "q", "opens_on": "2026-09-25",
                                                           "closes_on": "2026-09-24"})
        assert response.status_code == 422
        assert response.json == {"error": "invalid_input", "message": "closes_on: must not be before the window opens",
                                  "fields": {"closes_on": ["must not be before the window opens"]}}


class TestProposalAndConsultation:
    def test_a_proposal_cites_recorded_opinions_only(self, secretary):
        matter = secretary.open()
        secretary.to_proposing(matter)
        response = secretary.step(matter, "proposal", {"text": "方案", "cited_opinions": [1, 2]})
        assert response.status_code == 422
        assert response.json["fields"] == {"cited_opinions": ["no opinion is numbered 2"]}

    def test_returned_for_revision_goes_back_to_drafting_and_every_revision_is_kept(self, secretary):
        matter = secretary.open()
        secretary.to_proposing(matter)
        drafted = secretary.ok(matter, "proposal", {"text": "加装电梯，费用平均分摊"})
        assert (drafted["stage"], drafted["allowed_steps"]) == ("consulting", CONSULTING)
        returned = secretary.ok(matter, "consultation", {"attendees": ["李书记"], "minutes": "低楼层住户负担过重",
                                                         "outcome": "returned"})
        assert (returned["stage"], returned["allowed_steps"]) == ("proposing", PROPOSING)
        refused = secretary.step(matter, "vote", PASSING)
        assert refused.status_code == 409
        assert refused.json["allowed_steps"] == PROPOSING
        secretary.ok(matter, "proposal", {"text": "加装电梯，费用按楼层分摊", "cited_opinions": [1]})
        agreed = secretary.ok(matter, "consultation", {"attendees": ["李书记", "王主任"], "minutes": "同意",
                                                       "outcome": "agreed"})
        assert agreed["stage"] == "voting"
        assert [(p["revision"], p["text"]) for p in agreed["proposals"]] == [
            (1, "加装电梯，费用平均分摊"), (2, "加装电梯，费用按楼层分摊")]
        assert [(c["outcome"], c["proposal_revision"]) for c in agreed["consultations"]] == [
            ("returned", 1), ("agreed", 2)]

    def test_a_meeting_date_in_the_future_is_422(self, secretary):
        matter = secretary.open()
        secretary.to_proposing(matter)
        secretary.ok(matter, "proposal", {"text": "方案"})
        response = secretary.step(matter, "consultation", {"held_on": "2026-12-01", "attendees": ["李书记"],
                                                           "minutes": "m", "outcome": "agreed"})
        assert response.status_code == 422
        assert response.json["fields"] == {"held_on": ["must not be in the future"]}


class TestVote:
    def test_the_outcome_is_computed_never_typed_in(self, secretary):
        matter = secretary.open()
        secretary.to_voting(matter)
        typed = secretary.step(matter, "vote", {**PASSING, "passed": False})
        assert typed.status_code == 422
        assert typed.json["fields"] == {"passed": ["Unknown field."]}
        voted = secretary.ok(matter, "vote", PASSING)
        assert voted["stage"] == "passed"
        assert voted["votes"][0] | {"recorded_at": None} == {
            "held_on": "2026-09-28", "eligible": 30, "present": 25, "votes_for": 20, "votes_against": 3,
            "abstentions": 2, "quorum": "2/3", "majority": "1/2", "quorum_met": True, "passed": True,
            "proposal_revision": 1, "text": "加装电梯，费用按楼层分摊", "recorded_by": "wangfang", "recorded_at": None,
        }

    def test_votes_that_do_not_add_up_to_those_present_are_refused(self, secretary):
        matter = secretary.open()
        secretary.to_voting(matter)
        response = secretary.step(matter, "vote", {**PASSING, "abstentions": 1})
        assert response.status_code == 422
        assert response.json == {
            "error": "invalid_input", "message": "votes: for, against and abstaining add up to 24, but 25 were present",
            "fields": {"votes": ["for, against and abstaining add up to 24, but 25 were present"]},
        }
        assert secretary.get(matter)["votes"] == []

    def test_without_quorum_the_vote_fails_and_may_be_held_again(self, secretary):
        matter = secretary.open()
        secretary.to_voting(matter)
        failed = secretary.ok(matter, "vote", {"eligible": 30, "present": 20, "votes_for": 20, "votes_against": 0,
                                               "abstentions": 0})
        assert (failed["stage"], failed["votes"][0]["quorum_met"]) == ("rejected", False)
        assert failed["allowed_steps"] == ["record_vote", "end", "draft_proposal", "link_petitions"]
        assert secretary.ok(matter, "vote", PASSING)["stage"] == "passed"

    def test_the_committees_own_rules_decide(self, client, secretary):
        rules = client.put("/api/communities/jinhua/committee-rules", json={"quorum": "1/2", "majority": "2/3"})
        assert rules.status_code == 200
        matter = secretary.open()
        secretary.to_voting(matter)
        voted = secretary.ok(matter, "vote", {"eligible": 30, "present": 16, "votes_for": 10, "votes_against": 6,
                                              "abstentions": 0})
        assert (voted["stage"], voted["votes"][0]["quorum"], voted["votes"][0]["majority"]) == ("rejected", "1/2", "2/3")

    def test_a_rejected_vote_may_go_back_to_proposal(self, secretary):
        matter = secretary.open()
        secretary.to_voting(matter)
        rejected = secretary.ok(matter, "vote", FAILING)
        assert (rejected["stage"], rejected["allowed_steps"]) == ("rejected", ["end", "draft_proposal", "link_petitions"])
        redrafted = secretary.ok(matter, "proposal", {"text": "先为3号楼一单元试点加装"})
        assert (redrafted["stage"], len(redrafted["proposals"])) == ("consulting", 2)


class TestDisclosure:
    def test_the_resolution_is_disclosed_for_seven_days_by_default(self, secretary):
        matter = secretary.open()
        disclosed = secretary.to_in_notice(matter)
        assert (disclosed["stage"], disclosed["allowed_steps"]) == ("in_notice", IN_NOTICE)
        assert disclosed["disclosures"] == [{
            "round": 1, "text": "加装电梯，费用按楼层分摊", "disclosed_on": "2026-09-28", "notice_days": 7,
            "notice_ends": "2026-10-04", "disclosed_by": "wangfang",
        }]

    def test_implementation_cannot_start_before_the_notice_period_ends(self, secretary, clock):
        matter = secretary.open()
        secretary.to_in_notice(matter)
        clock.advance(days=6)
        response = secretary.step(matter, "implementation", {"note": "施工队进场", "percent": 5})
        assert response.status_code == 409
        assert response.json == {
            "error": "illegal_step",
            "message": "implementation may start only after the notice period ends on 2026-10-04",
            "state": "in_notice", "allowed_steps": IN_NOTICE, "version": 8,
        }
        clock.advance(days=1)
        assert secretary.ok(matter, "implementation", {"note": "施工队进场", "percent": 5})["stage"] == "implementing"

    def test_objections_during_the_period_and_a_return_to_consultation(self, secretary, clock):
        matter = secretary.open()
        secretary.to_in_notice(matter)
        objected = secretary.ok(matter, "objections", {"objector": "赵六", "text": "一楼住户不同意分摊比例",
                                                      "channel": "desk"})
        assert objected["objections"][0]["number"] == 1
        returned = secretary.ok(matter, "return-to-consultation", {"reason": "一楼住户异议，需两委再商议",
                                                                   "objections": [1]})
        assert (returned["stage"], returned["allowed_steps"]) == ("consulting", CONSULTING)
        assert returned["returns"][0]["objections"] == [1]
        secretary.ok(matter, "consultation", {"attendees": ["李书记"], "minutes": "调整一楼分摊比例", "outcome": "agreed"})
        secretary.ok(matter, "vote", PASSING)
        clock.advance(days=1)
        again = secretary.ok(matter, "disclosure", {"notice_days": 5})
        assert [(d["round"], d["notice_ends"]) for d in again["disclosures"]] == [(1, "2026-10-04"), (2, "2026-10-03")]
        clock.advance(days=5)
        late = secretary.step(matter, "objections", {"text": "还是不同意", "channel": "hotline"})
        assert late.status_code == 409
        assert late.json["message"] == "the notice period ended on 2026-10-03; objections are closed"

    def test_a_return_without_an_objection_is_refused(self, secretary):
        matter = secretary.open()
        secretary.to_in_notice(matter)
        response = secretary.step(matter, "return-to-consultation", {"reason": "r", "objections": [1]})
        assert response.status_code == 409
        assert response.json["message"] == "no objection was recorded against this disclosure; a return needs one"

    def test_a_notice_period_out_of_range_is_422(self, secretary):
        matter = secretary.open()
        secretary.to_voting(matter)
        secretary.ok(matter, "vote", PASSING)
        response = secretary.step(matter, "disclosure", {"notice_days": 0})
        assert response.status_code == 422
        assert response.json["fields"] == {"notice_days": ["Must be greater than or equal to 1 and less than or equal to 60."]}


class TestClosing:
    def test_the_disclosed_result_resolves_every_linked_petition_once(self, client, services, secretary, petitions):
        matter = secretary.open(petitions)
        secretary.to_implemented(matter)
        closed = secretary.ok(matter, "result", {"result": "3号楼电梯已投入使用，费用按楼层分摊完毕"})
        assert (closed["stage"], closed["allowed_steps"]) == ("closed", [])
        assert petition(client, petitions[0])["status"] == "escalated"  # not part of the same request
        assert services.matter_outcomes.catch_up() == 2  # what the background follower does
        for reference in petitions:
            resolved = petition(client, reference)
            assert (resolved["status"], resolved["outcome"], resolved["matter_id"]) == (
                "resolved", "3号楼电梯已投入使用，费用按楼层分摊完毕", matter["id"])
            assert resolved["allowed_steps"] == ["follow_up"]
            assert [h["event"] for h in resolved["history"]].count("Resolved") == 1
        assert services.tick() == []  # the daily tick catches up too: nothing left to do
        assert all([h["event"] for h in petition(client, r)["history"]].count("Resolved") == 1 for r in petitions)

    def test_an_ended_matter_explains_every_linked_petition(self, client, services, secretary, petitions):
        matter = secretary.open(petitions)
        secretary.to_voting(matter)
        secretary.ok(matter, "vote", FAILING)
        ended = secretary.ok(matter, "end", {"reason": "多数代表不同意费用分摊方案，暂缓加装"})
        assert (ended["stage"], ended["end_reason"]) == ("ended", "多数代表不同意费用分摊方案，暂缓加装")
        services.matter_outcomes.catch_up()
        for reference in petitions:
            explained = petition(client, reference)
            assert (explained["status"], explained["outcome"]) == ("explained", "多数代表不同意费用分摊方案，暂缓加装")

    def test_a_closed_matter_takes_no_more_steps(self, secretary, services, community):
        matter = secretary.open()
        secretary.to_implemented(matter)
        secretary.ok(matter, "result", {"result": "已完成"})
        late = escalated_petitions(services, community, 1)
        response = secretary.step(matter, "petitions", {"petitions": late})
        assert response.status_code == 409
        assert response.json == {"error": "illegal_step", "message": "cannot link petitions on a matter that is closed",
                                 "state": "closed", "allowed_steps": [], "version": 11}

    def test_progress_cannot_go_backwards(self, secretary, clock):
        matter = secretary.open()
        secretary.to_in_notice(matter)
        clock.advance(days=7)
        secretary.ok(matter, "implementation", {"note": "井道完成", "percent": 60})
        response = secretary.step(matter, "implementation", {"note": "返工", "percent": 40})
        assert response.status_code == 422
        assert response.json["fields"] == {"percent": ["must not be below the 60% recorded before"]}


class TestListing:
    def test_matters_are_listed_by_stage(self, client, secretary):
        first = secretary.open(title="3号楼加装电梯")
        second = secretary.open(title="小广场增设健身器材")
        secretary.solicit(second)
        assert [m["title"] for m in client.get("/api/matters").json] == ["小广场增设健身器材", "3号楼加装电梯"]
        opened = client.get("/api/matters?stage=opened").json
        assert [(m["id"], m["stage"], m["allowed_steps"]) for m in opened] == [(first["id"], "opened", OPENED)]
        assert [m["id"] for m in client.get("/api/matters?stage=soliciting&community=jinhua").json] == [second["id"]]
        assert client.get("/api/matters?stage=closed").json == []
        response = client.get("/api/matters?stage=finished")
        assert response.status_code == 422
        assert list(response.json["fields"]) == ["stage"]


class TestPermissions:
    def test_desk_staff_record_opinions_but_do_not_run_the_matter(self, app, services, secretary, community):
        matter = secretary.open()
        secretary.solicit(matter)
        desk = app.test_client()
        desk.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "lina", ["desk_staff"])
        recorded = desk.post(f"/api/matters/{matter['id']}/opinions",
                             json={"stance": "support", "text": "同意", "channel": "home_visit"})
        assert recorded.status_code == 200
        assert recorded.json["opinions"][0]["recorded_by"] == "lina"
        response = desk.post(f"/api/matters/{matter['id']}/solicitation/close")
        assert response.status_code == 403
        assert response.json == {"error": "forbidden", "message": "lina may not matter.manage"}


def test_the_openapi_document_describes_every_step(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for step in ("petitions", "solicitation", "opinions", "solicitation/close", "opinions/summary", "proposal",
                 "consultation", "vote", "disclosure", "objections", "return-to-consultation", "implementation",
                 "implementation/complete", "result", "end"):
        assert f"/api/matters/{{matter_id}}/{step}" in paths


class TestResidentErasure:
    def test_an_administrator_erases_a_resident_named_in_an_opinion(self, client, services, community, clock, app):
        from datetime import timedelta

        matter = client.post("/api/matters", json={"community": "jinhua", "title": "健身器材", "description": "d",
                                                   "petitions": []}).json
        today = clock.now().date()
        assert client.post(f"/api/matters/{matter['id']}/solicitation",
                           json={"question": "是否同意？", "closes_on": (today + timedelta(days=3)).isoformat()}
                           ).status_code == 200
        assert client.post(f"/api/matters/{matter['id']}/opinions",
                           json={"resident": "赵大妈", "stance": "support", "text": "同意", "channel": "desk"}
                           ).status_code == 200
        body = {"community": "jinhua", "name": "赵大妈", "requested_by": "本人（书面申请第7号）", "reason": "依法申请"}

        secretary = app.test_client()
        secretary.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "mishu", ["committee_secretary"])
        assert secretary.post("/api/matters/erase-resident-data", json=body).status_code == 403

        response = client.post("/api/matters/erase-resident-data", json=body)
        assert response.status_code == 200, response.json
        assert response.json["matters"] == [{"matter_id": matter["id"], "opinions": [1], "objections": []}]
        assert client.get(f"/api/matters/{matter['id']}").json["opinions"][0]["resident"] is None

        again = client.post("/api/matters/erase-resident-data", json=body)
        assert again.status_code == 422
        assert again.json["fields"] == {"name": ["no opinion or objection in this community names this resident"]}


class TestRepeatedRequests:
    def test_a_repeated_opinion_is_recorded_once_and_answers_the_first_result(self, secretary):
        matter = secretary.open()
        secretary.solicit(matter)
        body = {"resident": "张三丰", "stance": "support", "text": "同意，尽快装", "channel": "desk"}
        first = secretary.step(matter, "opinions", body, **{"Idempotency-Key": "opinion-form-1"})
        again = secretary.step(matter, "opinions", body, **{"Idempotency-Key": "opinion-form-1"})
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.json["version"] == first.json["version"]
        assert len(secretary.get(matter)["opinions"]) == 1

    def test_a_repeated_opening_opens_one_matter(self, client, community):
        body = {"community": "jinhua", "title": "3号楼加装电梯", "description": "费用按楼层分摊", "petitions": []}
        first = client.post("/api/matters", json=body, headers={"Idempotency-Key": "open-form-1"})
        again = client.post("/api/matters", json=body, headers={"Idempotency-Key": "open-form-1"})
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json["id"] == first.json["id"]
        assert len(client.get("/api/matters").json) == 1
