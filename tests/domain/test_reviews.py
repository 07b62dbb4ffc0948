"""A member's year-end review through gathered → reported → evaluated → rated, and its score, without a database."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.community import community_id
from domain.errors import IllegalStepError, InvalidValueError
from domain.reviews import DEFAULT_WEIGHTS, YearEndReview, check_weights, score
from service.clock import CHINA

DECEMBER = datetime(2026, 12, 15, 9, tzinfo=CHINA)
FACTS = {
    "visits": {"made": 26, "months_checked": 12, "months_met": 9, "months_made_up": 2, "months_short": 1,
               "rule_per_month": 2},
    "households": {"contact": 3, "paired": 1},
    "pairing": {"help_actions_done": 4, "help_actions_planned": 5},
    "petitions": {"received": 40, "on_the_spot_rate": 0.5, "on_time_rate": 0.9, "satisfaction_rate": 0.8,
                  "reopened": 1},
    "commitments": {"made": 2, "fulfilled": 1, "partly_fulfilled": 1, "not_fulfilled": 0, "fulfilled_share": 0.75},
    "questionnaires": {"answers_recorded": 12},
}


def gathered(**overrides) -> YearEndReview:
    fields = dict(community_id=community_id("jinhua"), member_id="jinhua.m2", year=2026, facts=FACTS, actor="chen",
                  at=DECEMBER)
    fields.update(overrides)
    return YearEndReview.gather(**fields)


class TestTheYearEndReview:
    def test_it_is_gathered_at_the_years_end(self):
        with pytest.raises(InvalidValueError) as early:
            gathered(at=datetime(2026, 6, 1, tzinfo=CHINA))
        assert early.value.field == "year"

    def test_gathered_reported_evaluated_rated(self):
        review = gathered()
        with pytest.raises(IllegalStepError):
            review.evaluate(satisfaction="satisfied", source="meeting", code_hash=None, actor="desk", at=DECEMBER)
        review.report_on(report="全年走访26次，结对帮扶1户……", actor="li", at=DECEMBER)
        with pytest.raises(IllegalStepError):  # residents first
            review.rate(rating="excellent", reasons="群众满意", actor="chen", at=DECEMBER)
        review.issue_evaluation_codes(code_hashes=["a"], actor="chen", at=DECEMBER)
        review.evaluate(satisfaction="satisfied", source="resident", code_hash="a", actor="resident", at=DECEMBER)
        review.evaluate(satisfaction="dissatisfied", source="resident", code_hash="a", actor="resident", at=DECEMBER)
        review.evaluate(satisfaction="basically_satisfied", source="meeting", code_hash=None, actor="desk", at=DECEMBER)
        assert review.evaluation_summary() == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 0, "total": 2}
        review.rate(rating="excellent", reasons="走访扎实，群众满意", actor="chen", at=DECEMBER)
        assert (review.stage, review.rating, review.allowed_steps) == ("rated", "excellent", [])
        with pytest.raises(IllegalStepError):
            review.regather(facts=FACTS, actor="chen", at=DECEMBER)

    def test_the_rating_is_one_of_four(self):
        review = gathered()
        review.report_on(report="述职", actor="li", at=DECEMBER)
        review.evaluate(satisfaction="satisfied", source="meeting", code_hash=None, actor="desk", at=DECEMBER)
        with pytest.raises(InvalidValueError) as refused:
            review.rate(rating="good", reasons="x", actor="chen", at=DECEMBER)
        assert refused.value.field == "rating"


class TestTheScore:
    def test_it_is_computed_from_the_facts_and_residents_evaluation(self):
        result = score(FACTS, {"satisfied": 8, "basically_satisfied": 1, "dissatisfied": 1}, DEFAULT_WEIGHTS)
        parts = result["parts"]
        assert parts["visits"] == {"weight": 20, "rate": 0.75, "points": 15.0}
        assert parts["satisfaction"]["rate"] == 0.9 and parts["pairing"]["points"] == 8.0
        assert result["total"] == 83.7  # 15 + 8 + 18 + 31.5 + 11.2 (each part rounded to a tenth)

    def test_without_residents_evaluation_the_petitions_satisfaction_counts(self):
        assert score(FACTS, {}, DEFAULT_WEIGHTS)["parts"]["satisfaction"]["rate"] == 0.8

    def test_weights_add_up_to_100(self):
        with pytest.raises(InvalidValueError):
            check_weights({**DEFAULT_WEIGHTS, "visits": 30})
        assert check_weights(DEFAULT_WEIGHTS) == DEFAULT_WEIGHTS
