"""Communities, their contact points and members: the names the other read models show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, String, Table

from domain.community import Community
from projections.runner import metadata

communities = Table(
    "rm_communities",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), unique=True, nullable=False),
    Column("name", String(60), nullable=False),
    Column("kind", String(20), nullable=False),
)

contact_points = Table(
    "rm_contact_points",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("name", String(60), nullable=False),
    Column("area", String(200), nullable=False, default=""),
)

members = Table(
    "rm_members",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("community_id", String(36), index=True, nullable=False),
    Column("name", String(50), nullable=False),
    Column("role", String(30), nullable=False),
    Column("contact_point_id", String(60)),
)


class CommunitiesProjection:
    name = "communities"
    tables = (communities, contact_points, members)
    event_classes = (Community.Registered, Community.ContactPointAdded, Community.MemberAdded)

    def apply(self, connection: Connection, event: Any, position: int) -> None:
        community_id = str(event.originator_id)
        if isinstance(event, Community.Registered):
            connection.execute(
                communities.insert().values(id=community_id, code=event.code, name=event.name, kind=event.kind)
            )
        elif isinstance(event, Community.ContactPointAdded):
            connection.execute(
                contact_points.insert().values(
                    id=event.contact_point_id, community_id=community_id, name=event.name, area=event.area
                )
            )
        elif isinstance(event, Community.MemberAdded):
            connection.execute(
                members.insert().values(
                    id=event.member_id, community_id=community_id, name=event.name, role=event.role,
                    contact_point_id=event.contact_point_id,
                )
            )
