"""The demo data has committee matters in every stage, and their petitions carry the outcome."""

from __future__ import annotations

from service.demo import load_demo
from service.vocabulary import STAGES


def test_the_demo_has_matters_in_every_stage_with_their_outcomes(services):
    report = load_demo(services, petitions=160, visit_months=1)
    matters = services.committee.list()
    assert {m["stage"] for m in matters} == set(STAGES)
    assert report.matters == {stage: sum(1 for m in matters if m["stage"] == stage) for stage in report.matters}
    assert any(m["origin"] == "committee" for m in matters)
    for summary in matters:
        matter = services.committee.get(summary["id"])
        references = [p["reference"] for p in matter["petitions"]]
        if matter["stage"] in ("closed", "ended"):
            event, text = ("Resolved", matter["result"]["text"]) if matter["stage"] == "closed" else (
                "Explained", matter["end_reason"])
            for reference in references:
                outcomes = [h["details"] for h in services.petitions.history(reference) if h["event"] == event]
                assert [(o["matter_id"], o.get("outcome") or o.get("explanation")) for o in outcomes] == [
                    (matter["id"], text)]
        else:
            waiting = [services.petitions.get(reference) for reference in references]
            assert all(p["status"] == "escalated" and p["matter_id"] == matter["id"] for p in waiting)
    assert services.matter_outcomes.catch_up() == 0  # the demo left nothing for the follower to do
