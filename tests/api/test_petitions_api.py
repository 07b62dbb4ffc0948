"""Every path of a petition's life over HTTP, with status codes and exact error bodies."""

from __future__ import annotations

import re

import pytest

from service import errors
from tests.conftest import token_for
from tests.helpers import ACTOR, Desk, petition_fields

TRIAGE = ["resolve_on_spot", "set_deadline", "escalate", "explain", "withdraw", "merge"]


@pytest.fixture
def desk(client, community) -> Desk:
    return Desk(client, community)


class TestReceiving:
    def test_the_receipt_gives_a_reference_number_and_a_tracking_code(self, desk, client):
        receipt = desk.receive()
        assert receipt["reference"] == "jinhua-2026-000001"
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", receipt["tracking_code"])
        assert receipt["status"] == "received"
        assert receipt["allowed_steps"] == TRIAGE
        assert desk.receive()["reference"] == "jinhua-2026-000002"

    def test_the_tracking_code_is_stored_only_as_a_hash(self, desk, client, services):
        receipt = desk.receive()
        stored = services.log.recorder.select_notifications(1, 100)
        assert all(receipt["tracking_code"].encode() not in n.state for n in stored)
        assert "tracking_code" not in desk.get(receipt["reference"])

    def test_an_anonymous_petition(self, desk):
        receipt = desk.receive(petitioner=None)
        assert receipt["petitioner"] is None

    def test_the_location_and_etag_name_the_new_petition(self, client, community):
        response = client.post("/api/petitions", json=petition_fields(community), headers=ACTOR)
        assert response.headers["Location"] == "/api/petitions/jinhua-2026-000001"
        assert response.headers["ETag"] == '"1"'

    def test_invalid_input_names_each_bad_field(self, client, community):
        body = petition_fields(community, channel="pigeon", summary="", petitioner={"phone": "call me"})
        del body["details"]
        response = client.post("/api/petitions", json=body, headers=ACTOR)
        assert response.status_code == 422
        assert response.json["error"] == "invalid_input"
        assert response.json["fields"] == {
            "channel": ["Must be one of: desk, home_visit, hotline, suggestion_box, online, letter, questionnaire."],
            "summary": ["Length must be between 1 and 200."],
            "petitioner.phone": ["must be a phone number"],
            "details": ["Missing data for required field."],
        }

    def test_a_phone_typed_with_a_chinese_input_method_is_normalised(self, desk):
        receipt = desk.receive(petitioner={"name": "张三丰", "phone": "１３８ １２３４－５６７８"})
        assert receipt["petitioner"]["phone"] == "13812345678"

    @pytest.mark.parametrize("phone", ["13812345678（儿子）", "1381234567x", "call me"])
    def test_what_is_not_a_phone_number_is_refused_at_its_field(self, client, community, phone):
        response = client.post("/api/petitions", json=petition_fields(community, petitioner={"phone": phone}),
                               headers=ACTOR)
        assert response.status_code == 422
        assert response.json["fields"] == {"petitioner.phone": ["must be a phone number"]}

    def test_an_unknown_contact_point_or_member_is_refused(self, client, community):
        response = client.post("/api/petitions", json=petition_fields(community, contact_point_id="jinhua.cp9"),
                               headers=ACTOR)
        assert response.status_code == 422
        assert response.json == {"error": "invalid_input", "message": "contact_point_id: no such contact point",
                                  "fields": {"contact_point_id": ["no such contact point"]}}
        response = client.post("/api/petitions", json=petition_fields(community, received_by="nowhere.m1"),
                               headers=ACTOR)
        assert response.json["fields"] == {"received_by": ["is not a member of this community"]}

    def test_every_command_needs_a_signed_in_caller(self, anonymous_client, community):
        response = anonymous_client.post("/api/petitions", json=petition_fields(community))
        assert response.status_code == 401
        assert response.json == {"error": "not_signed_in",
                                 "message": "sign in: send 'Authorization: Bearer <token>' (see `petitions create-token`)"}
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="petitions"'

    def test_a_role_that_may_not_receive_gets_403_and_nothing_changes(self, app, services, community):
        leader = app.test_client()
        leader.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "zhao", ["leadership"])
        response = leader.post("/api/petitions", json=petition_fields(community))
        assert response.status_code == 403
        assert response.json == {"error": "forbidden", "message": "zhao may not petition.receive"}
        with pytest.raises(errors.NotFoundError):
            services.petitions.get("jinhua-2026-000001")

    def test_an_unknown_petition_is_404(self, client):
        response = client.get("/api/petitions/2026-999999")
        assert response.status_code == 404
        assert response.json == {"error": "not_found", "message": "petition 2026-999999 not found"}


class TestOnTheSpot:
    def test_resolved_on_the_spot_then_followed_up(self, desk):
        reference = desk.receive()["reference"]
        response = desk.step(reference, "resolve-on-spot", {"action": "现场联系保洁清运"})
        assert response.status_code == 200
        assert response.json["status"] == "resolved_on_spot"
        assert response.json["allowed_steps"] == ["follow_up"]
        closed = desk.step(reference, "follow-up", {"satisfaction": "satisfied"}).json
        assert closed["status"] == "closed"
        history = desk.get(reference)["history"]
        assert [h["event"] for h in history] == ["Received", "ResolvedOnSpot", "FollowedUp"]
        assert all(h["actor"] == "wangfang" for h in history)
        assert history[1]["details"] == {"action": "现场联系保洁清运"}


class TestDeadline:
    def test_the_due_date_counts_working_days_across_national_day(self, desk, clock, community):
        reference = desk.receive()["reference"]  # Mon 21 Sep 2026
        response = desk.step(reference, "deadline", {
            "working_days": 10, "responsible_member_id": community["handler"], "plan": "联系物业限期清运",
            "steps": [{"due_date": "2026-09-25", "description": "约谈物业"},
                      {"due_date": "2026-10-12", "description": "复查"}]})
        assert response.status_code == 200, response.json
        # 22-30 Sep less Mid-Autumn (Fri 25 Sep) are 6 working days; then 8, 9, Sat 10 Oct (make-up), 12
        assert response.json["due_date"] == "2026-10-12"

    def test_a_deadline_the_service_computes_is_offered_before_saving(self, client):
        response = client.get("/api/working-days/due-date?working_days=3&start=2026-09-30")
        assert response.json == {"start": "2026-09-30", "working_days": 3, "due_date": "2026-10-10",
                                 "provisional": False}

    def test_progress_extension_and_resolution(self, desk, clock, community):
        reference = desk.receive()["reference"]
        desk.step(reference, "deadline", {"working_days": 5, "responsible_member_id": community["handler"],
                                          "plan": "联系物业"})
        assert desk.step(reference, "progress", {"note": "已通知物业"}).status_code == 200
        refused = desk.step(reference, "extend", {"working_days": 3})
        assert refused.status_code == 409
        assert refused.json == {
            "error": "illegal_step", "message": "an extension needs a reason", "state": "deadlined",
            "allowed_steps": ["record_progress", "extend_deadline", "resolve", "escalate", "explain", "withdraw",
                              "merge"],
            "version": 3,
        }
        extended = desk.step(reference, "extend", {"working_days": 3, "reason": "垃圾车维修"})
        assert extended.json["extensions"] == 1
        # due Tue 29 Sep (Mid-Autumn on the 25th); 3 more: 30 Sep, then after National Day 8 and 9 Oct
        assert extended.json["due_date"] == "2026-10-09"
        resolved = desk.step(reference, "resolve", {"outcome": "已恢复每日清运"})
        assert resolved.json["status"] == "resolved"
        events = [h["event"] for h in desk.get(reference)["history"]]
        assert events == ["Received", "DeadlineSet", "ProgressRecorded", "DeadlineExtended", "Resolved"]

    def test_a_passed_deadline_is_marked_overdue_once(self, desk, client, clock, community):
        reference = desk.receive()["reference"]
        desk.step(reference, "deadline", {"working_days": 2, "responsible_member_id": community["handler"],
                                          "plan": "联系物业"})
        assert client.post("/api/tick", headers=ACTOR).json == {"marked_overdue": []}
        clock.advance(days=3)  # Thu 24 Sep: past Wed 23 Sep
        assert client.post("/api/tick", headers=ACTOR).json == {"marked_overdue": [reference]}
        assert client.post("/api/tick", headers=ACTOR).json == {"marked_overdue": []}
        petition = desk.get(reference)
        assert petition["overdue"] is True
        overdue = [h for h in petition["history"] if h["event"] == "MarkedOverdue"]
        assert len(overdue) == 1
        assert overdue[0]["at"].startswith("2026-09-24")


class TestEscalation:
    def test_an_escalated_petition_waits_for_its_committee(self, desk):
        reference = desk.receive()["reference"]
        escalated = desk.step(reference, "escalate", {"reason": "涉及公共维修资金，需要集体决策"}).json
        assert escalated["status"] == "escalated"
        assert escalated["allowed_steps"] == ["withdraw", "merge"]
        refused = desk.step(reference, "resolve", {"outcome": "x"})
        assert refused.status_code == 409
        assert refused.json["state"] == "escalated"


class TestExplanation:
    def test_explained_with_its_reason_then_followed_up(self, desk):
        reference = desk.receive()["reference"]
        explained = desk.step(reference, "explain", {
            "reason_category": "outside_jurisdiction", "explanation": "属区住建局职责，已告知联系方式",
            "method": "phone"}).json
        assert explained["status"] == "explained"
        assert explained["outcome"] == "属区住建局职责，已告知联系方式"
        history = desk.get(reference)["history"]
        assert history[-1]["details"]["explained_on"] == "2026-09-21"
        assert desk.step(reference, "follow-up", {"satisfaction": "basically_satisfied"}).json["status"] == "closed"


class TestFollowUp:
    def test_following_up_before_an_outcome_is_409(self, desk):
        reference = desk.receive()["reference"]
        response = desk.step(reference, "follow-up", {"satisfaction": "satisfied"})
        assert response.status_code == 409
        assert response.json == {"error": "illegal_step", "message": "cannot follow up a petition that is received",
                                 "state": "received", "allowed_steps": TRIAGE, "version": 1}

    def test_dissatisfied_reopens_for_triage(self, desk):
        reference = desk.receive()["reference"]
        desk.step(reference, "resolve-on-spot", {"action": "口头解释"})
        reopened = desk.step(reference, "follow-up", {"satisfaction": "dissatisfied", "comment": "没解决"}).json
        assert reopened["status"] == "reopened"
        assert reopened["reopened_count"] == 1
        assert reopened["allowed_steps"] == TRIAGE

    def test_resolving_a_closed_petition_is_409(self, desk):
        reference = desk.receive()["reference"]
        desk.step(reference, "resolve-on-spot", {"action": "x"})
        desk.step(reference, "follow-up", {"satisfaction": "satisfied"})
        response = desk.step(reference, "resolve-on-spot", {"action": "again"})
        assert response.status_code == 409
        assert response.json == {"error": "illegal_step",
                                 "message": "cannot resolve on spot a petition that is closed",
                                 "state": "closed", "allowed_steps": [], "version": 3}


class TestWithdrawAndMerge:
    def test_withdrawn_at_the_petitioners_request(self, desk):
        reference = desk.receive()["reference"]
        assert desk.step(reference, "withdraw", {"reason": "已自行解决"}).json["status"] == "withdrawn"

    def test_a_duplicate_is_merged_into_another_petition(self, desk):
        first = desk.receive()["reference"]
        second = desk.receive()["reference"]
        merged = desk.step(second, "merge", {"into": first}).json
        assert merged["status"] == "merged"
        assert desk.get(first)["duplicates"] == [merged["id"]]

    def test_merging_into_an_unknown_petition_names_the_field(self, desk):
        reference = desk.receive()["reference"]
        response = desk.step(reference, "merge", {"into": "2026-999999"})
        assert response.status_code == 422
        assert response.json["fields"] == {"into": ["no petition has this reference number"]}


class TestConcurrentChanges:
    def test_a_stale_if_match_is_409_and_nothing_changes(self, desk, community):
        reference = desk.receive()["reference"]
        desk.step(reference, "deadline", {"working_days": 5, "responsible_member_id": community["handler"],
                                          "plan": "联系物业"}, **{"If-Match": '"1"'})
        response = desk.step(reference, "resolve", {"outcome": "x"}, **{"If-Match": '"1"'})
        assert response.status_code == 409
        assert response.json == {
            "error": "version_conflict",
            "message": "you acted on version 1, but it is now at version 2: reload and try again",
            "state": "deadlined", "version": 2,
        }
        assert desk.get(reference)["status"] == "deadlined"

    def test_a_malformed_if_match_is_422(self, desk):
        reference = desk.receive()["reference"]
        response = desk.step(reference, "withdraw", {}, **{"If-Match": "yesterday"})
        assert response.status_code == 422
        assert response.json["fields"] == {"If-Match": ['must be an ETag given by this service, such as "3"']}


class TestCommunities:
    def test_contact_points_and_members_are_listed_and_added(self, client, community):
        points = client.get("/api/communities/jinhua/contact-points").json
        assert [p["name"] for p in points] == ["第一网格", "第二网格"]
        added = client.post("/api/communities/jinhua/members", json={"name": "赵敏", "role": "grid_member",
                            "contact_point_id": "jinhua.cp2"}, headers=ACTOR)
        assert added.status_code == 201
        assert added.json == {"id": "jinhua.m3", "name": "赵敏", "role": "grid_member", "contact_point_id": "jinhua.cp2"}
        assert len(client.get("/api/communities/jinhua/members").json) == 3

    def test_a_member_at_an_unknown_contact_point_is_refused(self, client, community):
        response = client.post("/api/communities/jinhua/members", json={"name": "赵敏", "role": "grid_member",
                               "contact_point_id": "jinhua.cp7"}, headers=ACTOR)
        assert response.status_code == 422
        assert response.json["fields"] == {"contact_point_id": ["is not a contact point of this community"]}

    def test_a_community_code_is_registered_once(self, deployment_admin, community):
        response = deployment_admin.post("/api/communities", json={"code": "jinhua", "name": "又一个", "kind": "village"},
                               headers=ACTOR)
        assert response.status_code == 422
        assert response.json["fields"] == {"code": ["a community with this code exists already"]}

    def test_committee_rules_are_set_per_community(self, client, community):
        response = client.put("/api/communities/jinhua/committee-rules", json={"quorum": "1/2", "majority": "2/3"},
                              headers=ACTOR)
        assert response.json["committee_rules"] == {"quorum": "1/2", "majority": "2/3", "notice_days": 7}


def test_the_openapi_document_describes_the_api(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.0.3"
    assert "/api/petitions/{reference}/deadline" in document["paths"]
    assert "SetDeadline" in document["components"]["schemas"]
    assert client.get("/api/docs").status_code == 200


class TestIdempotentRetries:
    def test_a_retried_receive_creates_one_petition_and_answers_the_same(self, client, community):
        headers = {"Idempotency-Key": "desk-tablet-7f3a"}
        first = client.post("/api/petitions", json=petition_fields(community), headers=headers)
        again = client.post("/api/petitions", json=petition_fields(community), headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert {k: v for k, v in again.json.items() if k != "position"} == {
            k: v for k, v in first.json.items() if k != "position"}
        assert client.post("/api/petitions", json=petition_fields(community)).json["reference"] == "jinhua-2026-000002"

    def test_the_same_key_for_another_request_is_refused(self, client, community):
        headers = {"Idempotency-Key": "desk-tablet-7f3a"}
        client.post("/api/petitions", json=petition_fields(community), headers=headers)
        other = client.post("/api/petitions", json=petition_fields(community, summary="另一件事"), headers=headers)
        assert other.status_code == 422
        assert other.json["fields"] == {"Idempotency-Key": ["was already used for a different request"]}

    def test_retries_sent_at_once_still_create_one_petition(self, settings, clock, services, community):
        import threading

        from service.bootstrap import bootstrap

        desks = [bootstrap(settings, clock) for _ in range(3)]
        answers = []

        def send(desk):
            answers.append(desk.petitions.receive(actor="wangfang", idempotency_key="retry-storm",
                                                  **petition_fields(community)))

        threads = [threading.Thread(target=send, args=(desk,)) for desk in desks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for desk in desks:
            desk.close()
        assert {(outcome.petition["reference"], code) for outcome, code in answers} == {
            (answers[0][0].petition["reference"], answers[0][1])}
        assert len(answers) == 3

    def test_a_repeated_step_records_once_and_answers_the_first_result(self, desk, client):
        reference = desk.receive()["reference"]
        desk.step(reference, "deadline", {"working_days": 5, "responsible_member_id": desk.community["desk"],
                                          "plan": "联系物业"})
        key = {"Idempotency-Key": "progress-form-1"}
        first = desk.step(reference, "progress", {"note": "已约谈物业"}, **key)
        desk.step(reference, "progress", {"note": "物业已派人"})  # someone else's note in between
        again = desk.step(reference, "progress", {"note": "已约谈物业"}, **key)
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.json["version"] == first.json["version"] == 3
        assert again.headers["ETag"] == '"3"'
        notes = [e["details"].get("note") for e in desk.get(reference)["history"] if e["event"] == "ProgressRecorded"]
        assert notes == ["已约谈物业", "物业已派人"]

    def test_a_repeated_step_after_its_state_changed_answers_the_first_result_not_409(self, desk):
        reference = desk.receive()["reference"]
        key = {"Idempotency-Key": "on-the-spot"}
        first = desk.step(reference, "resolve-on-spot", {"action": "现场联系保洁清运"}, **key)
        again = desk.step(reference, "resolve-on-spot", {"action": "现场联系保洁清运"}, **key)
        assert again.status_code == 200
        assert again.json["status"] == first.json["status"] == "resolved_on_spot"
        other = desk.step(reference, "resolve-on-spot", {"action": "别的处理"}, **key)
        assert other.status_code == 422
        assert other.json["fields"] == {"Idempotency-Key": ["was already used for a different request"]}


class TestErasure:
    def test_an_administrator_erases_personal_data_on_a_lawful_request(self, desk, client):
        reference = desk.receive()["reference"]
        response = desk.step(reference, "erase-personal-data",
                             {"requested_by": "本人（书面申请第12号）", "reason": "个人信息保护法第四十七条"})
        assert response.status_code == 200
        assert response.json["petitioner"] == {"erased": True}
        assert desk.get(reference)["history"][-1]["event"] == "PersonalDataErased"

    def test_desk_staff_may_not_erase(self, app, services, desk):
        reference = desk.receive()["reference"]
        staff = app.test_client()
        staff.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token_for(services, "li", ["desk_staff"])
        response = staff.post(f"/api/petitions/{reference}/erase-personal-data",
                              json={"requested_by": "本人", "reason": "依法申请"})
        assert response.status_code == 403
        assert response.json == {"error": "forbidden", "message": "li may not petition.erase_personal_data"}
        assert desk.get(reference)["petitioner"]["name"] == "张三丰"


class TestReissuedTrackingCode:
    def test_a_new_code_works_the_old_one_stops_and_the_event_records_who_and_why(self, desk, client,
                                                                                  anonymous_client):
        receipt = desk.receive()
        reference, old = receipt["reference"], receipt["tracking_code"]
        response = desk.step(reference, "tracking-code", {"reason": "回执遗失，本人来电"})
        assert response.status_code == 200
        new = response.json["tracking_code"]
        assert new != old and re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", new)
        services = client.application.extensions["petitions.services"]
        assert services.petitions.check_tracking_code(reference, new)
        assert not services.petitions.check_tracking_code(reference, old)
        reissued = desk.get(reference)["history"][-1]
        assert (reissued["event"], reissued["actor"], reissued["details"]) == (
            "TrackingCodeReissued", "wangfang", {"reason": "回执遗失，本人来电"})

    def test_a_repeat_answers_the_same_code_and_a_reason_is_required(self, desk):
        reference = desk.receive()["reference"]
        key = {"Idempotency-Key": "reissue-1"}
        first = desk.step(reference, "tracking-code", {"reason": "回执遗失"}, **key)
        again = desk.step(reference, "tracking-code", {"reason": "回执遗失"}, **key)
        assert again.json["tracking_code"] == first.json["tracking_code"]
        assert again.json["version"] == first.json["version"] == 2
        assert desk.step(reference, "tracking-code", {"reason": ""}).status_code == 422
