#!/usr/bin/env python3
"""Checks a petitions service's public record (公开栏的可验证记录), from outside.

Needs only Python's standard library and ``cryptography``:

    python3 verify_board.py https://example.org --state ~/.board-heads.json

Each run it fetches the log's public key, its signed tree heads and its entries, and:

- checks every head's Ed25519 signature;
- checks that each new head is consistent with the heads seen before (RFC 9162
  consistency proofs: the log only grew, nothing before was changed);
- recomputes the Merkle tree from every entry and compares it with every head
  (so every entry is included, exactly as signed); with ``--entry N`` it also checks
  N's inclusion proof, as someone holding only that entry would;
- recomputes each month's published statistics from the entries before them;
- compares the entries with those it saw on earlier runs and names any entry
  changed, removed or reordered, and any head replaced.

It keeps what it has seen in the state file (heads) and a file beside it (the
entries' hashes). Exit status 0: all good; 1: something is wrong (printed).
The hashing is RFC 9162's: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

API = "/api/transparency"
PAGE = 1000

# A month's figures are counted from that month's petition steps (the service counts the same way).
FIGURE_STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "received": ("received", {}),
    "resolved_on_spot": ("resolved_on_spot", {}),
    "resolved": ("resolved", {}),
    "resolved_on_time": ("resolved", {"on_time": True}),
    "resolved_late": ("resolved", {"on_time": False}),
    "escalated": ("escalated", {}),
    "explained": ("explained", {}),
    "withdrawn": ("withdrawn", {}),
    "merged": ("merged", {}),
    "overdue": ("marked_overdue", {}),
    "followed_up": ("followed_up", {}),
    "satisfied": ("followed_up", {"satisfaction": "satisfied"}),
    "basically_satisfied": ("followed_up", {"satisfaction": "basically_satisfied"}),
    "dissatisfied": ("followed_up", {"satisfaction": "dissatisfied"}),
    "reopened": ("followed_up", {"satisfaction": "dissatisfied"}),
}


# ---- RFC 9162 hashing and proofs -----------------------------------------------------------------

def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class TreeBuilder:
    """Builds the tree's root as leaves arrive, keeping only the right edge (log n hashes)."""

    def __init__(self) -> None:
        self.size = 0
        self.edge: list[tuple[int, bytes]] = []

    def add(self, digest: bytes) -> None:
        self.size += 1
        self.edge.append((1, digest))
        while len(self.edge) > 1 and self.edge[-1][0] == self.edge[-2][0]:
            (width, right), (_, left) = self.edge.pop(), self.edge.pop()
            self.edge.append((width * 2, node_hash(left, right)))

    def root(self) -> bytes:
        if not self.edge:
            return hashlib.sha256(b"").digest()
        result = self.edge[-1][1]
        for _, digest in reversed(self.edge[:-1]):
            result = node_hash(digest, result)
        return result


def verify_inclusion(leaf_index: int, tree_size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162, 2.1.3.2."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]) -> bool:
    """RFC 9162, 2.1.4.2."""
    if first == second:
        return not path and first_root == second_root
    if first > second or first == 0:
        return False
    if first & (first - 1) == 0:  # a power of two: the old root is the first node of the path
        path = [first_root, *path]
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def head_bytes(head: dict[str, Any], log_id: str) -> bytes:
    return canonical({"log": log_id, "root_hash": head["root_hash"], "timestamp": head["timestamp"],
                      "tree_size": head["tree_size"]})


def month_statistics(entries: Iterable[dict[str, Any]], community: str, month: str) -> dict[str, int]:
    counts = dict.fromkeys(FIGURE_STEPS, 0)
    for entry in entries:
        if entry.get("kind") != "petition_step" or entry.get("community") != community or entry.get("month") != month:
            continue
        for figure, (step, condition) in FIGURE_STEPS.items():
            if entry.get("step") == step and all(entry.get(k) == v for k, v in condition.items()):
                counts[figure] += 1
    return counts


# ---- fetching ----------------------------------------------------------------------------------------

def http_fetcher(base_url: str, timeout: float = 30) -> Callable[[str], Any]:
    if "://" not in base_url:
        base_url = "https://" + base_url  # as written on the board: the site's name alone
    def fetch(path: str) -> Any:
        request = urllib.request.Request(base_url.rstrip("/") + path, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the URL is the user's
            return json.loads(response.read().decode())

    return fetch


class Verifier:
    """One check of a log against what was seen before. ``fetch(path)`` answers parsed JSON."""

    def __init__(self, fetch: Callable[[str], Any], state_file: Path | str | None = None,
                 say: Callable[[str], None] = print) -> None:
        self.fetch = fetch
        self.state_file = Path(state_file) if state_file else None
        self.say = say
        self.problems: list[str] = []
        self.checked: dict[str, int] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.say(f"PROBLEM: {text}")

    # ---- state ------------------------------------------------------------------------------------

    def _load(self) -> tuple[dict[str, Any], list[bytes]]:
        if not self.state_file or not self.state_file.exists():
            return {"heads": {}}, []
        seen = json.loads(self.state_file.read_text())
        leaves_file = self.state_file.with_suffix(self.state_file.suffix + ".leaves")
        data = leaves_file.read_bytes() if leaves_file.exists() else b""
        return seen, [data[i:i + 32] for i in range(0, len(data), 32)]

    def _save(self, seen: dict[str, Any], leaves: list[bytes]) -> None:
        if not self.state_file:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(seen, indent=1, sort_keys=True))
        self.state_file.with_suffix(self.state_file.suffix + ".leaves").write_bytes(b"".join(leaves))

    # ---- the check ----------------------------------------------------------------------------------

    def run(self, entries_to_prove: Iterable[int] = ()) -> bool:
        seen, old_leaves = self._load()
        key = self.fetch(f"{API}/public-key")
        log_id = key["log_id"]
        if seen.get("public_key") and seen["public_key"] != key["public_key"]:
            self.problem("the log's public key changed since the last check: every head is now in doubt")
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key["public_key"]))
        if seen.get("log_id") and seen["log_id"] != log_id:
            self.problem(f"the log's id changed ({seen['log_id']} → {log_id})")

        heads = self._all_heads()
        seen_heads: dict[str, str] = seen.get("heads", {})
        good: list[dict[str, Any]] = []
        for head in heads:
            try:
                public.verify(bytes.fromhex(head["signature"]), head_bytes(head, log_id))
            except (InvalidSignature, ValueError):
                self.problem(f"the head of size {head['tree_size']} does not carry the log's signature")
                continue
            before = seen_heads.get(str(head["tree_size"]))
            if before is not None and before != head["root_hash"]:
                self.problem(f"the head of size {head['tree_size']} was replaced: its root was {before}, "
                             f"now {head['root_hash']}")
                continue
            good.append(head)
        for size in sorted(int(s) for s in seen_heads):
            if not any(h["tree_size"] == size for h in heads):
                self.problem(f"the head of size {size} seen before is no longer published")
        self.checked["heads"] = len(good)
        if not good:
            self.say("no signed head yet")
            self._save({**seen, "public_key": key["public_key"], "log_id": log_id}, old_leaves)
            return not self.problems

        # Consistency: the latest head seen before, then each new head in turn, proven to be only growth.
        previous = max(((int(s), bytes.fromhex(r)) for s, r in seen_heads.items()), default=None)
        consistency = 0
        for head in good:
            size, root = head["tree_size"], bytes.fromhex(head["root_hash"])
            if previous is not None and previous[0] < size:
                proof = self.fetch(f"{API}/proofs/consistency?first={previous[0]}&second={size}")
                path = [bytes.fromhex(h) for h in proof["consistency_path"]]
                if not verify_consistency(previous[0], size, previous[1], root, path):
                    self.problem(f"the head of size {size} is not consistent with the head of size {previous[0]}: "
                                 "the log was changed, not only appended to")
                consistency += 1
            if previous is None or previous[0] < size:
                previous = (size, root)
        self.checked["consistency_proofs"] = consistency

        latest = good[-1]
        leaves = self._check_entries(good)
        self._compare(old_leaves, leaves)
        for index in entries_to_prove:
            self._prove(index, latest)
        if not self.problems:
            seen_heads.update({str(h["tree_size"]): h["root_hash"] for h in good})
        self._save({"public_key": key["public_key"], "log_id": log_id, "heads": seen_heads,
                    "latest": {"tree_size": latest["tree_size"], "root_hash": latest["root_hash"]}},
                   leaves if not self.problems else old_leaves)
        self.say(f"checked {len(good)} heads, {consistency} consistency proofs, {len(leaves)} entries, "
                 f"{self.checked.get('statistics', 0)} monthly statistics; latest head {latest['tree_size']} "
                 f"{latest['root_hash'][:16]}")
        self.say("OK: the record only grew, and every entry is as signed" if not self.problems
                 else f"{len(self.problems)} problem(s) found")
        return not self.problems

    def _all_heads(self) -> list[dict[str, Any]]:
        heads, since = [], 0
        while True:
            page = self.fetch(f"{API}/heads?since={since}&limit={PAGE}")["heads"]
            heads.extend(page)
            if len(page) < PAGE:
                return heads
            since = page[-1]["tree_size"]

    def _check_entries(self, good: list[dict[str, Any]]) -> list[bytes]:
        """Every entry up to the latest head: the tree rebuilt and compared with every head on the way,
        each month's statistics counted again from the entries before them."""
        roots = {h["tree_size"]: bytes.fromhex(h["root_hash"]) for h in good}
        last = good[-1]["tree_size"]
        tree, leaves = TreeBuilder(), []
        steps: dict[tuple[str, str], list[dict[str, Any]]] = {}
        statistics = 0
        start = 1
        while tree.size < last:
            page = self.fetch(f"{API}/entries?start={start}&limit={PAGE}")["entries"]
            if not page:
                break
            for item in page:
                if tree.size >= last:
                    break
                if item["index"] != tree.size + 1:
                    self.problem(f"entry {tree.size + 1} is missing (the log answered entry {item['index']})")
                body = item["entry"].encode()
                digest = leaf_hash(body)
                tree.add(digest)
                leaves.append(digest)
                if tree.size in roots and tree.root() != roots[tree.size]:
                    self.problem(f"the entries up to {tree.size} do not hash to the signed head of that size: "
                                 "an entry was changed, removed or reordered")
                try:
                    entry = json.loads(body)
                except ValueError:
                    self.problem(f"entry {tree.size} is not JSON")
                    continue
                if canonical(entry) != body:
                    self.problem(f"entry {tree.size} is not in canonical form")
                if entry.get("kind") == "petition_step":
                    steps.setdefault((entry.get("community"), entry.get("month")), []).append(entry)
                elif entry.get("kind") == "month_statistics":
                    statistics += 1
                    counted = month_statistics(steps.get((entry["community"], entry["month"]), []),
                                               entry["community"], entry["month"])
                    published = entry.get("counts", {})
                    wrong = {k: (published.get(k), v) for k, v in counted.items() if published.get(k) != v}
                    if wrong:
                        details = ", ".join(f"{k} published {p}, counted {c}" for k, (p, c) in sorted(wrong.items()))
                        self.problem(f"entry {tree.size}: the statistics of {entry['community']} for "
                                     f"{entry['month']} do not match the entries: {details}")
            start = tree.size + 1
        if tree.size < last:
            self.problem(f"the log published {tree.size} entries but its head says {last}")
        self.checked["statistics"] = statistics
        return leaves

    def _compare(self, old: list[bytes], new: list[bytes]) -> None:
        """Names what happened to entries seen on an earlier run: changed, removed, reordered or moved."""
        if not old:
            return
        where = {digest: index for index, digest in enumerate(new)}
        was = {digest: index for index, digest in enumerate(old)}
        reported: set[int] = set()
        for index, digest in enumerate(old):
            position = where.get(digest)
            if position is None:
                if index < len(new) and new[index] not in was:
                    self.problem(f"entry {index + 1} was changed since the last check")
                else:
                    self.problem(f"entry {index + 1} was removed since the last check")
            elif position != index and index not in reported:
                other = was.get(new[index]) if index < len(new) else None
                if other is not None and where.get(old[other]) == index and other != index:
                    self.problem(f"entries {min(index, other) + 1} and {max(index, other) + 1} were reordered "
                                 "since the last check")
                    reported.update({index, other})
                elif position > index:
                    self.problem(f"entry {index + 1} was moved to {position + 1} since the last check")

    def _prove(self, index: int, head: dict[str, Any]) -> None:
        answer = self.fetch(f"{API}/entries/{index}?tree_size={head['tree_size']}")
        proof = answer["proof"]
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        digest = leaf_hash(answer["entry"].encode())
        if not verify_inclusion(index - 1, head["tree_size"], digest, path, bytes.fromhex(head["root_hash"])):
            self.problem(f"entry {index} is not included in the head of size {head['tree_size']} as given")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a petitions service's public record.")
    parser.add_argument("url", help="the service's address, e.g. https://example.org")
    parser.add_argument("--state", default=str(Path.home() / ".petitions-verify.json"),
                        help="where the heads seen before are kept (default: ~/.petitions-verify.json)")
    parser.add_argument("--entry", type=int, action="append", default=[], help="also check this entry's inclusion proof")
    args = parser.parse_args(argv)
    ok = Verifier(http_fetcher(args.url), args.state).run(args.entry)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
