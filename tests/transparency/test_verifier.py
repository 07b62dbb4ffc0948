"""The verifier for outsiders: it accepts a log that only grew, and names each kind of tampering."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from projections.transparency import entries, head_bytes, heads, leaf_hash
from tests.transparency.scenario import grow


def _entry(services, index: int) -> dict:
    with services.projections.engine.connect() as connection:
        return dict(connection.execute(select(entries).where(entries.c["index"] == index)).one()._mapping)


def _store(services, index: int, body: str) -> None:
    """What an insider with database access might do: rewrite an entry (and its hash, to look consistent)."""
    with services.projections.engine.begin() as connection:
        connection.execute(update(entries).where(entries.c["index"] == index)
                           .values(body=body, leaf_hash=leaf_hash(body.encode()).hex()))


class TestALogThatOnlyGrew:
    def test_is_accepted_across_many_heads_and_runs(self, grown, clock, community, verifier):
        first = verifier()
        assert first.run(), first.problems
        assert first.checked["heads"] > 20 and first.checked["statistics"] >= 2
        grow(grown, clock, community, 6, seed=3)
        second = verifier()
        assert second.run([1, 7]), second.problems
        assert second.checked["consistency_proofs"] >= 6

    def test_published_statistics_match_the_entries(self, grown, verifier):
        run = verifier()
        assert run.run()
        months = [e["content"] for e in grown.transparency.entries(limit=1000)["entries"]
                  if e["content"]["kind"] == "month_statistics"]
        assert [m["month"] for m in months] == ["2026-09", "2026-10"]
        assert months[0]["counts"]["received"] > 0


class TestTampering:
    def test_a_changed_entry_is_reported(self, grown, verifier):
        assert verifier().run()
        stored = _entry(grown, 12)
        changed = json.loads(stored["body"])
        changed["category"] = "other"
        _store(grown, 12, json.dumps(changed, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        run = verifier()
        assert not run.run()
        assert "entry 12 was changed since the last check" in run.problems
        assert any("do not hash to the signed head" in p for p in run.problems)

    def test_a_dropped_entry_is_reported(self, grown, verifier):
        assert verifier().run()
        size = grown.transparency.size()
        with grown.projections.engine.begin() as connection:
            rows = [dict(r._mapping) for r in connection.execute(select(entries).where(entries.c["index"] > 20)
                                                                 .order_by(entries.c["index"]))]
            connection.execute(entries.delete().where(entries.c["index"] >= 20))
            connection.execute(entries.insert(), [{**r, "index": r["index"] - 1} for r in rows])
        assert grown.transparency.size() == size  # the stored size still says otherwise
        run = verifier()
        assert not run.run()
        assert "entry 20 was removed since the last check" in run.problems

    def test_two_reordered_entries_are_reported(self, grown, verifier):
        assert verifier().run()
        a, b = _entry(grown, 30), _entry(grown, 31)
        _store(grown, 30, b["body"])
        _store(grown, 31, a["body"])
        run = verifier()
        assert not run.run()
        assert "entries 30 and 31 were reordered since the last check" in run.problems

    def test_a_replaced_head_is_reported(self, grown, verifier):
        assert verifier().run()
        latest = grown.transparency.latest_head()
        forged = "00" * 32
        # re-signed with the log's own key: only the heads seen before can tell
        signed = head_bytes(log_id=latest["log_id"], tree_size=latest["tree_size"], root_hash=forged,
                            timestamp=latest["timestamp"])
        with grown.projections.engine.begin() as connection:
            connection.execute(update(heads).where(heads.c.tree_size == latest["tree_size"]).values(
                root_hash=forged, signature=grown.signing_key.sign(signed).hex()))
        run = verifier()
        assert not run.run()
        assert any(p.startswith(f"the head of size {latest['tree_size']} was replaced") for p in run.problems)

    def test_a_head_without_the_logs_signature_is_reported(self, grown, verifier):
        latest = grown.transparency.latest_head()
        with grown.projections.engine.begin() as connection:
            connection.execute(update(heads).where(heads.c.tree_size == latest["tree_size"]).values(
                root_hash="11" * 32))
        run = verifier()
        assert not run.run()
        assert f"the head of size {latest['tree_size']} does not carry the log's signature" in run.problems

    def test_a_log_rewritten_and_re_signed_is_not_consistent_with_the_heads_seen(self, grown, clock, community,
                                                                                  verifier):
        assert verifier().run()
        stored = _entry(grown, 5)
        _store(grown, 5, stored["body"].replace('"v":1', '"v":1,"x":1'))
        grow(grown, clock, community, 2, seed=4)  # new heads are signed over the changed leaf
        # the projection's own right edge was computed before the change, so re-derive roots as a forger would
        run = verifier()
        assert not run.run()
        assert "entry 5 was changed since the last check" in run.problems
