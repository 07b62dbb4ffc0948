"""The demo's members' contact-point work is whole whatever day it is loaded: a full year of
commitments for this year and last year's concluded ones, their evaluations, two questionnaires per
community, last year's reviews, a year of visits per member, pairings with plans and progress, and
reception days with petitions received at them."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.commitments import STEPS_BY_STAGE
from domain.community import community_id
from projections import visit_queries
from service.clock import CHINA
from service.demo import load_demo


def _months_back(day, count):
    months, year, month = [], day.year, day.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    return months


@pytest.mark.parametrize("loaded", [datetime(2026, 9, 21, 9, 30, tzinfo=CHINA),
                                    datetime(2026, 12, 4, 15, 0, tzinfo=CHINA)], ids=["september", "december"])
def test_the_demo_holds_a_year_of_member_work_whatever_the_load_date(services, clock, loaded):
    clock.set(loaded)
    load_demo(services, petitions=40)
    services.projections.catch_up()
    year = loaded.year
    this_year = services.commitments.list(year=year)
    last_year = services.commitments.list(year=year - 1)
    communities = services.communities.list()
    members = [m for c in communities for m in c["members"] if m["contact_point_id"]]

    # this year's: made and approved in January, kept through the year
    assert {c["member_id"] for c in this_year} == {m["id"] for m in members}
    approved = [c for c in this_year if c["approved_at"] is not None]
    assert len(approved) >= len(members) * 0.7
    assert all(c["approved_at"].astimezone(CHINA).month == 1 for c in approved)
    assert all(len(c["progress"]) >= min(6, loaded.month - 3) for c in approved)  # month by month
    stages = {c["stage"] for c in this_year}
    if loaded.month >= 12:  # the year's end has come: reported, evaluated, some concluded
        assert stages == set(STEPS_BY_STAGE)
        assert sum(len(c["evaluations"]) for c in this_year) > 0
    else:
        assert stages == {"proposed", "returned", "approved"}
    # last year's: every one concluded, after residents evaluated it
    assert {c["member_id"] for c in last_year} == {m["id"] for m in members}
    assert {c["stage"] for c in last_year} == {"concluded"}
    assert all(c["evaluations"] for c in last_year)

    for community in communities:
        code = community["code"]
        questionnaires = services.questionnaires.list(community=code)
        assert len(questionnaires) == 2 and {q["stage"] for q in questionnaires} == {"fed_back", "open"}
        reviews = services.reviews.list(year=year - 1, community=code)
        assert {r["member_id"] for r in reviews} == {m["id"] for m in community["members"] if m["contact_point_id"]}
        assert all(r["stage"] == "rated" for r in reviews)
        days = services.reception_days.list(community=code, coming=False)
        assert sum(1 for d in days if d["petitions"]) >= 1
        assert any(d["held_on"] >= loaded.date() for d in days)

        months = _months_back(loaded.date(), 12)
        counts = visit_queries.month_counts(services.projections.engine, community_id=str(community_id(code)),
                                            month_from=months[-1], month_to=months[0], phone_counts=True)
        for member in (m for m in community["members"] if m["contact_point_id"]):
            visited = [month for month in months if counts.get((member["id"], month), 0)]
            assert len(visited) >= 9, (member["id"], visited)  # a year of visits, a short month here and there

    pairings = [p for m in members for p in services.households.pairings(member_id=m["id"])]
    assert len(pairings) >= len(members) / 3
    assert all(p["targets"] and p["actions"] for p in pairings)
    assert sum(1 for p in pairings if p["help"]) >= len(pairings) / 2
