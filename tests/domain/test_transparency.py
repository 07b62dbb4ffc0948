"""The transparency log's entry rules, without a database."""

from __future__ import annotations

from datetime import datetime

from domain import transparency as tl
from service.clock import CHINA

AT = datetime(2026, 10, 31, 23, 59, tzinfo=CHINA)


def test_an_entry_is_canonical_json_with_sorted_keys_no_whitespace_and_chinese_as_utf8():
    entry = tl.petition_step(step="received", status="received", at=AT, reference="2026-000001", community="jinhua",
                             category="sanitation", summary="垃圾清运不及时", due_date=None)
    body = tl.canonical(entry)
    assert body.startswith(b'{"at":"2026-10-31T23:59:00+08:00","category":"sanitation","community":"jinhua"')
    assert "垃圾清运不及时".encode() in body and b" " not in body and b"due_date" not in body
    assert tl.canonical(dict(reversed(list(entry.items())))) == body


def test_a_months_statistics_count_that_months_steps_of_that_community():
    steps = [
        tl.petition_step(step="received", status="received", at=AT, reference="1", community="jinhua", category="x"),
        tl.petition_step(step="resolved", status="resolved", at=AT, reference="1", community="jinhua", category="x",
                         on_time=False),
        tl.petition_step(step="followed_up", status="reopened", at=AT, reference="1", community="jinhua",
                         category="x", satisfaction="dissatisfied"),
        tl.petition_step(step="received", status="received", at=AT, reference="2", community="taoyuan", category="x"),
        tl.petition_step(step="received", status="received", at=datetime(2026, 11, 1, tzinfo=CHINA), reference="3",
                         community="jinhua", category="x"),
    ]
    counts = tl.month_statistics(steps, "jinhua", "2026-10")
    assert (counts["received"], counts["resolved"], counts["resolved_late"], counts["resolved_on_time"]) == (1, 1, 1, 0)
    assert (counts["followed_up"], counts["dissatisfied"], counts["reopened"]) == (1, 1, 1)
    entry = tl.statistics_entry(community="jinhua", month="2026-10", counts=counts)
    assert entry["at"] == "2026-11-01T00:00:00+08:00"  # dated at the month's end
