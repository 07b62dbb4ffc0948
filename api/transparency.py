"""The public record anyone can verify: /api/transparency/… (no sign-in; entries hold no personal data)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api import schemas
from api import transparency_schemas as ts
from api.context import services
from service.errors import NotFoundError

blp = Blueprint(
    "transparency", __name__, url_prefix="/api/transparency",
    description="可验证的公开记录 Transparency log: signed tree heads, entries, inclusion and consistency proofs "
                "(RFC 9162 hashing, Ed25519 signatures)",
)


@blp.route("/public-key", methods=["GET"])
@blp.response(200, ts.PublicKeySchema)
def public_key():  # type: ignore[no-untyped-def]
    """公钥 The log's Ed25519 public key, which signs every tree head"""
    return services().transparency.public_key()


@blp.route("/heads", methods=["GET"])
@blp.arguments(ts.HeadsQuerySchema, location="query")
@blp.response(200, ts.HeadListSchema)
def heads(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """树头 Signed tree heads larger than `since`, smallest first"""
    return services().transparency.heads(**query)


@blp.route("/heads/latest", methods=["GET"])
@blp.response(200, ts.HeadSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="nothing signed yet")
def latest_head():  # type: ignore[no-untyped-def]
    """最新树头 The latest signed tree head (its fingerprint is on every board)"""
    head = services().transparency.latest_head()
    if head is None:
        raise NotFoundError("no tree head has been signed yet")
    return head


@blp.route("/heads/<int(max=2147483647):tree_size>", methods=["GET"])
@blp.response(200, ts.HeadSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no head of that size")
def head(tree_size: int):  # type: ignore[no-untyped-def]
    """树头 The signed tree head of one size"""
    return services().transparency.head(tree_size)


@blp.route("/entries", methods=["GET"])
@blp.arguments(ts.EntriesQuerySchema, location="query")
@blp.response(200, ts.EntryListSchema)
def entries(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """条目 Entries from `start`, in log order, exactly as hashed"""
    return services().transparency.entries(**query)


@blp.route("/entries/<int(max=2147483647):index>", methods=["GET"])
@blp.arguments(ts.EntryQuerySchema, location="query")
@blp.response(200, ts.ProvenEntrySchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such entry or head")
def entry(query: dict[str, Any], index: int):  # type: ignore[no-untyped-def]
    """条目与包含证明 One entry with its inclusion proof in a signed head"""
    return services().transparency.entry(index, query["tree_size"])


@blp.route("/proofs/consistency", methods=["GET"])
@blp.arguments(ts.ConsistencyQuerySchema, location="query")
@blp.response(200, ts.ConsistencyProofSchema)
def consistency(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """一致性证明 Proof that the tree of size `second` only appended to the tree of size `first`"""
    return services().transparency.consistency(query["first"], query["second"])


@blp.route("/communities/<code>/figures", methods=["GET"])
@blp.arguments(ts.FigureQuerySchema, location="query")
@blp.response(200, ts.FigureEntriesSchema)
@blp.alt_response(404, schema=schemas.ProblemSchema, description="no such community")
def figure(query: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """数字的依据 The public entries behind one figure of a community's board (e.g. October's received)"""
    services().board.community(code)
    found = services().transparency.behind(code, query["month"], query["figure"])
    return {"community": code, "month": query["month"], "figure": query["figure"], "count": len(found),
            "entries": found}
