"""The board on any past day, from the log: captured on day T, the log grows for weeks, and
``as_of=T`` answers exactly what the board answered on day T."""

from __future__ import annotations

from datetime import timedelta

from tests.transparency.scenario import grow, matter_through_notice, receive


def board(client, **query):
    response = client.get("/api/public/communities/jinhua/board", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


class TestTheBoardAsOfADay:
    def test_as_of_a_past_day_equals_the_board_captured_that_day(self, services, clock, community, anonymous_client):
        grow(services, clock, community, 12)
        matter_through_notice(services, clock, community)  # a resolution disclosed, objected to, closed
        grow(services, clock, community, 3, seed=5)
        day = clock.now().date()
        captured = board(anonymous_client)
        page = anonymous_client.get("/board/jinhua").get_data(as_text=True)
        assert captured["head"]["fingerprint"] in page

        grow(services, clock, community, 25, seed=6)  # weeks later: petitions settled, a month ended
        now = board(anonymous_client)
        assert now != captured and now["head"]["tree_size"] > captured["head"]["tree_size"]

        assert board(anonymous_client, as_of=day.isoformat()) == captured
        assert board(anonymous_client, as_of=day.isoformat()) == captured  # kept, same answer
        page_then = anonymous_client.get(f"/board/jinhua?as_of={day.isoformat()}").get_data(as_text=True)
        assert captured["head"]["fingerprint"] in page_then

    def test_a_day_before_the_community_existed_is_404_and_a_future_day_is_422(self, services, clock, community,
                                                                              anonymous_client):
        grow(services, clock, community, 1)
        before = (clock.now() - timedelta(days=30)).date()
        response = anonymous_client.get("/api/public/communities/jinhua/board", query_string={"as_of": before})
        assert response.status_code == 404
        future = (clock.now() + timedelta(days=1)).date()
        response = anonymous_client.get("/api/public/communities/jinhua/board", query_string={"as_of": future})
        assert response.status_code == 422
        assert response.json["fields"] == {"as_of": ["must be a past day or today"]}


class TestAPetitionersLookupAsOfADay:
    def test_shows_the_petition_as_it_stood_with_its_deadline_reasoning(self, services, clock, community,
                                                                        anonymous_client):
        outcome, code = services.petitions.receive(
            contact_point_id=community["contact_point"], category="infrastructure", channel="desk", summary="路灯不亮",
            details="5号楼前", petitioner=None, received_by=community["desk"], actor="wangfang")
        reference = outcome.petition["reference"]
        services.petitions.set_deadline(reference, working_days=5, responsible_member_id=community["handler"],
                                        plan="维修", steps=[], actor="wangfang")
        day = clock.now().date()  # 2026-09-21: five working days run into the National Day holidays
        clock.advance(days=3)
        services.petitions.extend_deadline(reference, working_days=2, reason="等待配件", actor="wangfang")
        clock.advance(days=20)
        services.petitions.resolve(reference, outcome="已修复", actor="wangfang")
        services.projections.catch_up()
        receive(services, community)

        then = anonymous_client.post("/api/public/lookup", json={
            "reference": reference, "tracking_code": code, "as_of": day.isoformat()})
        assert then.status_code == 200, then.json
        assert then.json["status"] == "deadlined" and then.json["as_of"] == day.isoformat()
        assert then.json["deadline"]["extensions"] == []
        assert then.json["deadline"]["due_date"] == "2026-09-29"  # the Mid-autumn Festival skipped
        assert then.json["deadline"]["counted"] == ["2026-09-22", "2026-09-23", "2026-09-24", "2026-09-28",
                                                    "2026-09-29"]
        assert then.json["deadline"]["skipped"][0] == {"day": "2026-09-25", "why": "holiday",
                                                       "holiday": "中秋节 Mid-autumn Festival"}
        now = anonymous_client.post("/api/public/lookup", json={"reference": reference, "tracking_code": code})
        assert now.json["status"] == "resolved"
        reasoning = now.json["deadline"]
        assert reasoning["extensions"][0]["reason"] == "等待配件"
        assert reasoning["extensions"][0]["from"] == "2026-09-29"
        assert {"day": "2026-10-01", "why": "holiday", "holiday": "国庆节 National Day"} in \
            reasoning["extensions"][0]["skipped"]
        assert reasoning["state"] == "settled"
