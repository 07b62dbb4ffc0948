"""The Merkle tree: the projection's right edge and stored subtree roots, the service's proofs (pymerkle
over the stored leaves) and the standalone verifier's RFC 9162 checks agree, for every size and index."""

from __future__ import annotations

from datetime import datetime

from pymerkle import InmemoryTree
from sqlalchemy import create_engine

from projections.transparency import append, entries, leaf_hash, metadata, nodes, root_of, state
from service.transparency import StoredTree
from verifier.verify_board import TreeBuilder, verify_consistency, verify_inclusion

SIZE = 130
CHECKED = (1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 130)


def stored_tree() -> tuple[StoredTree, InmemoryTree, list[dict]]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[entries, state, nodes])
    reference, rows, frontier, roots = InmemoryTree(), [], [], []
    for index in range(1, SIZE + 1):
        body = f'{{"n":{index}}}'.encode()
        reference.append_entry(body)
        append(frontier, leaf_hash(body), roots, index - 1)
        rows.append({"index": index, "position": index, "kind": "k", "community": "c", "subject": "s", "step": "x",
                     "month": "2026-01", "at": datetime(2026, 1, 1), "body": body.decode(),
                     "leaf_hash": leaf_hash(body).hex()})
    assert root_of(frontier) == reference.get_root(SIZE)
    with engine.begin() as connection:
        connection.execute(entries.insert(), rows)
        connection.execute(nodes.insert(), roots)
        connection.execute(state.insert().values(log="main", size=SIZE, frontier="[]", month=None))
    return StoredTree(engine), reference, roots


def test_proofs_verify_for_every_size_and_index():
    tree, reference, roots = stored_tree()
    assert [r["width"] for r in roots].count(32) == SIZE // 32  # the stored subtree roots
    builder = TreeBuilder()
    for size in range(1, SIZE + 1):
        builder.add(reference.get_leaf(size))
        if size not in CHECKED:
            continue
        root = reference.get_root(size)
        assert tree.get_root(size) == root == builder.root()
        for index in range(1, size + 1):
            proof = tree.prove_inclusion(index, size)
            assert verify_inclusion(index - 1, size, reference.get_leaf(index), list(proof.path[1:]), root)
        for first in CHECKED[:CHECKED.index(size) + 1]:
            path = tree.consistency_path(first, size)
            assert verify_consistency(first, size, reference.get_root(first), root, path)


def test_a_wrong_proof_or_root_is_refused():
    tree, reference, _ = stored_tree()
    path = list(tree.prove_inclusion(5, 100).path[1:])
    assert not verify_inclusion(5, 100, reference.get_leaf(5), path, reference.get_root(100))  # another index
    assert not verify_inclusion(4, 100, reference.get_leaf(5), path, reference.get_root(99))
    consistency = tree.consistency_path(40, 100)
    assert not verify_consistency(40, 100, reference.get_root(41), reference.get_root(100), consistency)
    assert not verify_consistency(40, 100, reference.get_root(40), reference.get_root(100), consistency[:-1])
