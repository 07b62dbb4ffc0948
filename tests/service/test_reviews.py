"""The year-end review on the real stores: facts gathered from the year's work, scoped to the community."""

from __future__ import annotations

from datetime import date

import pytest

from service import errors
from service.permissions import PermissionDeniedError, Principal


def as_user(services, username, roles, member_id=None, community="jinhua"):
    return services.as_user(Principal(username, username, tuple(roles), community, member_id))


def test_a_members_year_gathered_reported_evaluated_and_rated(services, community, clock):
    handler = community["handler"]
    made = services.commitments.make(year=2026, text="声控灯", visible_result="每层有灯", target_date=date(2026, 11, 30),
                                     member_id=handler, actor="li")
    services.commitments.approve(made["id"], actor="chen")
    clock.advance(days=60)  # 2026-11-20: the year's end
    services.commitments.report(made["id"], report="装好了", actor="li")
    services.commitments.record_evaluation(made["id"], satisfaction="satisfied", comment="", source="meeting",
                                           actor="wang")
    services.commitments.conclude(made["id"], outcome="fulfilled", reason="现场核实", actor="chen")
    services.projections.catch_up()
    secretary = as_user(services, "chen", ["committee_secretary"])
    review = secretary.reviews.gather(member_id=handler, year=2026)
    assert review["facts"]["commitments"] == {"made": 1, "fulfilled": 1, "partly_fulfilled": 0, "not_fulfilled": 0,
                                              "fulfilled_share": 1.0, "evaluations": 1}
    assert review["score"]["parts"]["commitments"]["points"] == 15.0
    member = as_user(services, "li", ["handling_member"], handler)
    other = as_user(services, "wang", ["desk_staff"], community["desk"])
    with pytest.raises(PermissionDeniedError):
        other.reviews.report(review["id"], report="代写")
    member.reviews.report(review["id"], report="全年联系群众，兑现承诺")
    other.reviews.record_evaluation(review["id"], satisfaction="satisfied", source="meeting")
    rated = secretary.reviews.rate(review["id"], rating="excellent", reasons="群众满意，承诺兑现")
    assert (rated["stage"], rated["rating"]) == ("rated", "excellent")
    assert services.reviews.public("jinhua", 2026) == [{
        "member": "李强", "year": 2026, "rating": "excellent",
        "evaluation_summary": {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 0, "total": 1}}]


def test_weights_are_a_community_setting(services, community, clock):
    secretary = as_user(services, "chen", ["committee_secretary"])
    weights = {"visits": 30, "pairing": 10, "on_time": 20, "satisfaction": 30, "commitments": 10}
    assert secretary.reviews.set_weights(weights=weights) == weights
    assert secretary.reviews.weights() == weights
    with pytest.raises(errors.InvalidInputError):
        secretary.reviews.set_weights(weights={**weights, "visits": 31})


def test_another_communitys_member_cannot_be_reviewed(services, community, clock):
    services.communities.register(code="heping", name="和平里", kind="community", actor="admin")
    theirs = services.communities.add_member("heping", name="周敏", role="grid_member", contact_point_id=None,
                                             actor="admin")
    clock.advance(days=60)
    before = services.log.last_position()
    with pytest.raises(errors.InvalidInputError):
        as_user(services, "chen", ["committee_secretary"]).reviews.gather(member_id=theirs["id"], year=2026)
    assert services.log.last_position() == before
