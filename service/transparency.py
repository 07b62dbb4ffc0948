"""The public record anyone can verify: signed tree heads, entries and their proofs.

The entries are appended by the transparency projection (``projections.transparency``);
this module holds the signing key (a file kept apart from the database, created on
first start) and answers what an outsider asks for: the public key, the heads, the
entries, an inclusion proof for any entry and a consistency proof between any two
heads, in RFC 9162's form (audit paths bottom-up, hex SHA-256). Proofs are computed by
pymerkle over the stored leaf hashes; its cache of subtree roots makes them cheap
after the first."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymerkle import BaseMerkleTree, InvalidChallenge
from sqlalchemy import Engine, func, select

from domain import transparency as tl
from projections.transparency import NODE_WIDTH, entries, head_bytes, heads, nodes, state
from service import errors

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000
LEAF_CHUNK = 4096  # leaf hashes read in one query when a subtree's root is computed
STATISTICS = tl.STATISTICS


class SigningKey:
    """The log's Ed25519 key. Only the follower that appends entries signs; the public key is published."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        public = private.public_key()
        self.public_raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.log_id = hashlib.sha256(der).hexdigest()  # as RFC 9162 names a log: the hash of its public key

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    @classmethod
    def load_or_create(cls, path: Path | str) -> SigningKey:
        """Reads the key file; creates it (readable by its owner only) when there is none yet."""
        path = Path(path)
        try:
            return cls(_read_key(path))
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return cls(_read_key(path))
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        log.info("created the transparency log's signing key at %s", path)
        return cls(private)


def _read_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


class StoredTree(BaseMerkleTree):
    """pymerkle's tree over the leaf hashes the projection stored (read-only here: the projection appends)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._loaded = False
        self._blocks: LRUCache[int, list[bytes]] = LRUCache(maxsize=4096)  # 4,096 blocks of leaf hashes: ~5 MB
        # subtrees of NODE_WIDTH leaves and more: their roots are stored by the projection and kept in
        # memory once read (about 20 MB at a million entries); a proof reads a few dozen leaf hashes at most
        super().__init__("sha256", threshold=NODE_WIDTH)

    def _get_subroot(self, offset: int, width: int) -> bytes:
        """A perfect subtree's root: from memory, else from the roots the projection stored as it
        appended (one row), else computed from the leaves."""
        if width < self.threshold:
            return self._get_subroot_uncached(offset, width)
        key = (offset, width)
        with self.lock:
            if not self._loaded:  # a fresh process: every stored subtree root in one read (~60k rows at 1M)
                self._loaded = True
                with self.engine.connect() as connection:
                    for row in connection.execute(select(nodes.c.offset, nodes.c.width, nodes.c.hash)):
                        self.cache[(row.offset, row.width)] = bytes.fromhex(row.hash)
            try:
                return self.cache[key]
            except KeyError:
                pass
            with self.engine.connect() as connection:  # appended since: one row
                stored = connection.execute(
                    select(nodes.c.hash).where(nodes.c.offset == offset, nodes.c.width == width)).scalar()
            value = bytes.fromhex(stored) if stored else self._get_subroot_uncached(offset, width)
            self.cache[key] = value
            return value

    def _encode_entry(self, data: bytes) -> bytes:
        return data

    def _store_leaf(self, data: Any, digest: bytes) -> int:
        raise NotImplementedError("entries are appended by the transparency projection")

    def _get_leaf(self, index: int) -> bytes:
        with self.engine.connect() as connection:
            return bytes.fromhex(connection.execute(
                select(entries.c.leaf_hash).where(entries.c["index"] == index)).scalar_one())

    def _get_leaves(self, offset: int, width: int) -> list[bytes]:
        """Leaf hashes ``offset`` + 1 … ``offset`` + ``width``. A proof's small ranges all lie in the block of
        NODE_WIDTH leaves around its entry: such a block is read once and kept (blocks never change)."""
        block = offset // NODE_WIDTH * NODE_WIDTH
        if width < NODE_WIDTH and offset + width <= block + NODE_WIDTH:
            with self.lock:
                leaves = self._blocks.get(block)
                if leaves is None:
                    leaves = self._read_leaves(block, NODE_WIDTH)
                    if len(leaves) == NODE_WIDTH:  # a full block: kept
                        self._blocks[block] = leaves
            return leaves[offset - block:offset - block + width]
        return self._read_leaves(offset, width)

    def _read_leaves(self, offset: int, width: int) -> list[bytes]:
        query = (select(entries.c.leaf_hash)
                 .where(entries.c["index"] > offset, entries.c["index"] <= offset + width)
                 .order_by(entries.c["index"]))
        with self.engine.connect() as connection:
            return [bytes.fromhex(h) for h in connection.execute(query).scalars()]

    def consistency_path(self, first: int, second: int) -> list[bytes]:
        """RFC 9162's consistency proof, SUBPROOF(m, D[0:n], true), over the library's (cached) subtree roots.
        (pymerkle's own consistency proofs split the tree differently from RFC 9162 when the old size is
        exactly a left subtree's, so its paths cannot be checked by an RFC 9162 verifier.)"""

        def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
            n = end - start
            if m == n:
                return [] if whole else [self._get_root(start, end)]
            k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two below n
            if m <= k:
                return [*subproof(m, start, start + k, whole), self._get_root(start + k, end)]
            return [*subproof(m - k, start + k, end, False), self._get_root(start, start + k)]

        with self.lock:
            return subproof(first, 0, second, True)

    def _get_subroot_uncached(self, offset: int, width: int) -> bytes:
        """A perfect subtree's root. Past a chunk of leaves it is made of its two halves (each cached by
        pymerkle's ``_get_subroot``); a chunk is read in one query and every subtree in it from the cache
        threshold up is kept: the first proof in a process fills the cache along the whole tree, so later
        proofs read a few dozen leaf hashes at most."""
        if width > LEAF_CHUNK:
            half = width // 2
            return self.hash_pair(self._get_subroot(offset, half), self._get_subroot(offset + half, half))
        level = list(self._get_leaves(offset, width))
        size = 1
        while len(level) > 1:
            level = [self.hash_pair(level[i], level[i + 1]) for i in range(0, len(level), 2)]
            size *= 2
            if size >= self.threshold and len(level) > 1:
                for i, digest in enumerate(level):
                    self.cache[(offset + i * size, size)] = digest
        return level[0]

    def _get_size(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(state.c.size).where(state.c.log == "main")).scalar() or 0


class TransparencyLog:
    """The public record's reads: no sign-in, no personal data (entries never hold any)."""

    def __init__(self, engine: Engine, key: SigningKey) -> None:
        self.engine = engine
        self.key = key
        self.tree = StoredTree(engine)

    # ---- the key and the heads ------------------------------------------------------------------

    def public_key(self) -> dict[str, Any]:
        return {"algorithm": "Ed25519", "log_id": self.key.log_id, "public_key": self.key.public_raw.hex(),
                "public_key_pem": self.key.public_pem, "hash": "SHA-256", "tree": "RFC 9162"}

    def latest_head(self) -> dict[str, Any] | None:
        return self._head(select(heads).order_by(heads.c.tree_size.desc()).limit(1))

    def head(self, tree_size: int) -> dict[str, Any]:
        head = self._head(select(heads).where(heads.c.tree_size == tree_size))
        if head is None:
            raise errors.NotFoundError(f"no tree head of size {tree_size}")
        return head

    def head_as_of(self, moment: datetime) -> dict[str, Any] | None:
        """The last head signed before ``moment``: what the board's fingerprint was then."""
        return self._head(select(heads).where(heads.c.at < moment).order_by(heads.c.tree_size.desc()).limit(1))

    def heads(self, *, since: int = 0, limit: int = 100) -> dict[str, Any]:
        """Heads larger than ``since``, smallest first (a verifier asks for what is new since it last looked)."""
        if not 1 <= limit <= MAX_ENTRIES:
            raise errors.InvalidInputError({"limit": [f"from 1 to {MAX_ENTRIES}"]})
        query = select(heads).where(heads.c.tree_size > since).order_by(heads.c.tree_size).limit(limit)
        with self.engine.connect() as connection:
            rows = [self._head_dict(r._mapping) for r in connection.execute(query)]
        return {"heads": rows, "log_id": self.key.log_id}

    def _head(self, query: Any) -> dict[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return self._head_dict(row._mapping) if row else None

    def _head_dict(self, row: Any) -> dict[str, Any]:
        return {
            "tree_size": row["tree_size"], "root_hash": row["root_hash"], "timestamp": row["timestamp"],
            "signature": row["signature"], "log_id": self.key.log_id,
            "fingerprint": fingerprint(row["tree_size"], row["root_hash"]),
            "signed": head_bytes(log_id=self.key.log_id, tree_size=row["tree_size"], root_hash=row["root_hash"],
                                 timestamp=row["timestamp"]).decode(),
        }

    # ---- entries and proofs ------------------------------------------------------------------------

    def entries(self, *, start: int = 1, limit: int = 100) -> dict[str, Any]:
        """Entries from index ``start`` (1 is the first), in log order, exactly as hashed."""
        if start < 1:
            raise errors.InvalidInputError({"start": ["from 1"]})
        if not 1 <= limit <= MAX_ENTRIES:
            raise errors.InvalidInputError({"limit": [f"from 1 to {MAX_ENTRIES}"]})
        query = (select(entries.c["index"], entries.c.body, entries.c.leaf_hash)
                 .where(entries.c["index"] >= start).order_by(entries.c["index"]).limit(limit))
        with self.engine.connect() as connection:
            rows = [self._entry(r._mapping) for r in connection.execute(query)]
        return {"entries": rows, "size": self.size()}

    def entry(self, index: int, tree_size: int | None = None) -> dict[str, Any]:
        """One entry and its inclusion proof (against the latest head unless ``tree_size`` is given)."""
        with self.engine.connect() as connection:
            row = connection.execute(select(entries.c["index"], entries.c.body, entries.c.leaf_hash)
                                     .where(entries.c["index"] == index)).first()
        if row is None:
            raise errors.NotFoundError(f"no entry {index}")
        head = self.head(tree_size) if tree_size else self.latest_head()
        if head is None or head["tree_size"] < index:
            raise errors.NotYetReadableError("this entry is not under a signed tree head yet; try again shortly")
        return {**self._entry(row._mapping), "head": head, "proof": self.inclusion(index, head["tree_size"])}

    @staticmethod
    def _entry(row: Any) -> dict[str, Any]:
        return {"index": row["index"], "entry": row["body"], "leaf_hash": row["leaf_hash"],
                "content": json.loads(row["body"])}

    def size(self) -> int:
        return self.tree.get_size()

    def inclusion(self, index: int, tree_size: int) -> dict[str, Any]:
        """RFC 9162 inclusion proof: the audit path of entry ``index`` (1-based) in the tree of ``tree_size``."""
        try:
            proof = self.tree.prove_inclusion(index, tree_size)
        except InvalidChallenge:
            raise errors.InvalidInputError({"index": [f"an entry from 1 to the tree size ({tree_size})"]}) from None
        return {"leaf_index": index - 1, "tree_size": tree_size, "audit_path": [h.hex() for h in proof.path[1:]]}

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        """RFC 9162 consistency proof between the trees of sizes ``first`` and ``second``."""
        size = self.size()
        if not 1 <= first <= second <= size:
            raise errors.InvalidInputError({"first": [f"sizes with 1 <= first <= second <= {size}"]})
        path = [h.hex() for h in self.tree.consistency_path(first, second)]
        return {"first": first, "second": second, "consistency_path": path}

    # ---- the entries behind the board -----------------------------------------------------------------

    def behind(self, code: str, month: str, figure: str) -> list[dict[str, Any]]:
        """The public entries a board figure counts: e.g. the month's ``received`` steps."""
        if figure not in tl.FIGURE_STEPS:
            raise errors.InvalidInputError({"figure": [f"one of: {', '.join(tl.STATISTICS)}"]})
        step, _ = tl.FIGURE_STEPS[figure]
        query = (select(entries.c["index"], entries.c.body, entries.c.leaf_hash)
                 .where(entries.c.community == code, entries.c.month == month, entries.c.step == step,
                        entries.c.kind == "petition_step")
                 .order_by(entries.c["index"]))
        with self.engine.connect() as connection:
            rows = [self._entry(r._mapping) for r in connection.execute(query)]
        return [r for r in rows if tl.counts_for(figure, r["content"])]

    def latest_entries(
        self, subjects: list[str], kinds: tuple[str, ...] | None = None, up_to: int | None = None,
    ) -> dict[str, int]:
        """The latest entry index of each petition reference or matter id (among the first ``up_to``)."""
        if not subjects:
            return {}
        query = select(entries.c.subject, func.max(entries.c["index"])).where(entries.c.subject.in_(subjects))
        if up_to is not None:
            query = query.where(entries.c["index"] <= up_to)
        if kinds:
            query = query.where(entries.c.kind.in_(kinds))
        with self.engine.connect() as connection:
            return dict(connection.execute(query.group_by(entries.c.subject)).all())

    def subject_entries(self, subject: str, until: datetime | None = None) -> list[dict[str, Any]]:
        query = select(entries.c["index"], entries.c.body, entries.c.leaf_hash).where(entries.c.subject == subject)
        if until is not None:
            query = query.where(entries.c.at < until)
        with self.engine.connect() as connection:
            return [self._entry(r._mapping) for r in connection.execute(query.order_by(entries.c["index"]))]


def fingerprint(tree_size: int, root_hash: str) -> str:
    """What the board shows and a resident notes down: the size and the root's first 16 hex digits."""
    short = root_hash[:16].upper()
    return f"{tree_size}-{short[:4]}-{short[4:8]}-{short[8:12]}-{short[12:16]}"


def day_end(day: date) -> datetime:
    return tl.end_of_day(day)
