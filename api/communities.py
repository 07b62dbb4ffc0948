"""Communities (社区 / 村), their contact points and members."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from flask_smorest import Blueprint, abort

from api import schemas
from api.context import api_user

blp = Blueprint("communities", __name__, url_prefix="/api/communities", description="社区 Communities, contact points, members")


@blp.route("", methods=["GET"])
@blp.response(200, schemas.CommunitySchema(many=True))
def list_communities():  # type: ignore[no-untyped-def]
    """All communities served by this deployment"""
    return api_user().communities.list()


@blp.route("", methods=["POST"])
@blp.arguments(schemas.CommunityCreateSchema)
@blp.response(201, schemas.CommunitySchema)
@blp.alt_response(422, schema=schemas.ProblemSchema)
def register_community(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Register a community"""
    return api_user().communities.register(**data)


@blp.route("/<code>", methods=["GET"])
@blp.response(200, schemas.CommunitySchema)
@blp.alt_response(404, schema=schemas.ProblemSchema)
def get_community(code: str):  # type: ignore[no-untyped-def]
    """One community with its contact points, members and committee rules"""
    return api_user().communities.get(code)


@blp.route("/<code>/contact-points", methods=["GET"])
@blp.response(200, schemas.ContactPointSchema(many=True))
def list_contact_points(code: str):  # type: ignore[no-untyped-def]
    """The community's contact points (联系点 / 网格)"""
    return api_user().communities.get(code)["contact_points"]


@blp.route("/<code>/contact-points", methods=["POST"])
@blp.arguments(schemas.ContactPointSchema)
@blp.response(201, schemas.ContactPointSchema)
@blp.alt_response(422, schema=schemas.ProblemSchema)
def add_contact_point(data: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """Add a contact point"""
    return api_user().communities.add_contact_point(code, **data)


@blp.route("/<code>/members", methods=["GET"])
@blp.response(200, schemas.MemberSchema(many=True))
def list_members(code: str):  # type: ignore[no-untyped-def]
    """The community's members"""
    return api_user().communities.get(code)["members"]


@blp.route("/<code>/members", methods=["POST"])
@blp.arguments(schemas.MemberSchema)
@blp.response(201, schemas.MemberSchema)
@blp.alt_response(422, schema=schemas.ProblemSchema)
def add_member(data: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """Add a member"""
    return api_user().communities.add_member(code, **data)


@blp.route("/<code>/committee-rules", methods=["PUT"])
@blp.arguments(schemas.CommitteeRulesSchema)
@blp.response(200, schemas.CommunitySchema)
@blp.alt_response(422, schema=schemas.ProblemSchema)
def set_committee_rules(data: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """Set the committee's quorum and majority (fractions that must be exceeded) and its notice period"""
    rules = {}
    for name in ("quorum", "majority"):
        try:
            rules[name] = Fraction(data[name])
        except ZeroDivisionError:
            abort(422, messages={"json": {name: ["a fraction cannot have 0 below the line"]}})
    return api_user().communities.set_committee_rules(code, **rules, notice_days=data.get("notice_days"))
