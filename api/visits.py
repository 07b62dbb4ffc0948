"""The members' contact-point work over JSON: visits and the visit diary, households and pairing,
posts and cards, the visit rule and its supervision, reception days; and the public member cards."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import Blueprint

from api import visit_schemas as vs
from api.context import api_user, idempotency_key, services
from api.schemas import ProblemSchema

blp = Blueprint(
    "contact_point_work", __name__, url_prefix="/api",
    description="联系点 Contact-point work: visits (走访), the visit diary (民情日记), households and pairing "
                "(结对帮扶), supervision of the visit rule, posts, cards and reception days (members, desk, secretary)",
)
public = Blueprint("public_members", __name__, url_prefix="/api/public",
                   description="公示牌 Member cards and coming reception days (no sign-in; nothing about households)")

ERRORS = {403: "not allowed", 404: "not found", 409: "illegal step or concurrent change", 422: "invalid input"}


def documented(func):  # type: ignore[no-untyped-def]
    for status, description in ERRORS.items():
        func = blp.alt_response(status, schema=ProblemSchema, description=description)(func)
    return func


# ---- visits ------------------------------------------------------------------------------

@blp.route("/visits", methods=["POST"])
@blp.arguments(vs.VisitRecordSchema)
@blp.response(201, vs.VisitSchema)
@documented
def record_visit(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """走访 Record a visit the signed-in member made (an Idempotency-Key makes a retry record nothing new)"""
    visit = api_user().visits.record(idempotency_key=idempotency_key(), **data)
    visit.pop("recorded_now", None)
    return visit, 201, {"Location": f"/api/visits/{visit['id']}"}


@blp.route("/visits", methods=["GET"])
@blp.arguments(vs.VisitListQuerySchema, location="query")
@blp.response(200, vs.VisitPageSchema)
@documented
def list_visits(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Visits, newest first: the user's own, or every one of the community (desk staff and secretary)"""
    return api_user().visits.list(**query)


@blp.route("/visits/<uuid:visit_id>", methods=["GET"])
@blp.response(200, vs.VisitSchema)
@documented
def get_visit(visit_id: UUID):  # type: ignore[no-untyped-def]
    """One visit as written in the diary, with the petitions raised at it"""
    return api_user().visits.get(visit_id)


@blp.route("/visits/<uuid:visit_id>/petitions", methods=["POST"])
@blp.arguments(vs.RaisePetitionSchema)
@blp.response(201, vs.RaisedPetitionSchema)
@documented
def raise_petition(data: dict[str, Any], visit_id: UUID):  # type: ignore[no-untyped-def]
    """A problem raised at the visit becomes a petition (channel home_visit), linked to the visit"""
    raised = api_user().visits.raise_petition(visit_id, **data)
    return raised, 201, {"Location": f"/api/petitions/{raised['petition']['reference']}"}


@blp.route("/diary", methods=["GET"])
@blp.arguments(vs.DiaryQuerySchema, location="query")
@blp.response(200, vs.DiarySchema)
@documented
def diary(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """民情日记 A member's visit diary for a year, by month, with the visits counted under the rule"""
    return api_user().visits.diary(query.pop("member_id"), **query)


# ---- households and pairing ----------------------------------------------------------------

@blp.route("/households", methods=["POST"])
@blp.arguments(vs.HouseholdRegisterSchema)
@blp.response(201, vs.HouseholdSchema)
@documented
def register_household(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """联系户 A household at the member's contact point (personal data sealed, erasable)"""
    return api_user().households.register(**data), 201


@blp.route("/households", methods=["GET"])
@blp.arguments(vs.HouseholdListQuerySchema, location="query")
@blp.response(200, vs.HouseholdSchema(many=True))
@documented
def list_households(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A member's households, or every household of the community (desk staff and secretary)"""
    return api_user().households.list(**query)


@blp.route("/households/<uuid:household_id>", methods=["GET"])
@blp.response(200, vs.HouseholdSchema)
@documented
def get_household(household_id: UUID):  # type: ignore[no-untyped-def]
    """One household"""
    return api_user().households.get(household_id)


@blp.route("/households/<uuid:household_id>/erase-personal-data", methods=["POST"])
@blp.arguments(vs.EraseSchema)
@blp.response(200, vs.HouseholdSchema)
@documented
def erase_household(data: dict[str, Any], household_id: UUID):  # type: ignore[no-untyped-def]
    """Erase a household's personal data on a lawful request (administrator)"""
    return api_user().households.erase_personal_data(household_id, **data)


@blp.route("/households/<uuid:household_id>/pairings", methods=["POST"])
@blp.arguments(vs.PairSchema)
@blp.response(201, vs.PairingSchema)
@documented
def pair(data: dict[str, Any], household_id: UUID):  # type: ignore[no-untyped-def]
    """结对帮扶 Pair a member with the household (at most two households at a time)"""
    return api_user().households.pair(household_id, **data), 201


@blp.route("/pairings", methods=["GET"])
@blp.arguments(vs.PairingListQuerySchema, location="query")
@blp.response(200, vs.PairingSchema(many=True))
@documented
def list_pairings(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """A member's pairings"""
    return api_user().households.pairings(**query)


@blp.route("/pairings/<uuid:pairing_id>", methods=["GET"])
@blp.response(200, vs.PairingSchema)
@documented
def get_pairing(pairing_id: UUID):  # type: ignore[no-untyped-def]
    """One pairing: plan, help given, progress"""
    return api_user().households.pairing(pairing_id)


@blp.route("/pairings/<uuid:pairing_id>/plan", methods=["POST"])
@blp.arguments(vs.HelpPlanSchema)
@blp.response(200, vs.PairingSchema)
@documented
def set_plan(data: dict[str, Any], pairing_id: UUID):  # type: ignore[no-untyped-def]
    """帮扶计划 The help plan: targets and dated actions"""
    return api_user().households.set_plan(pairing_id, **data)


@blp.route("/pairings/<uuid:pairing_id>/help", methods=["POST"])
@blp.arguments(vs.HelpSchema)
@blp.response(200, vs.PairingSchema)
@documented
def record_help(data: dict[str, Any], pairing_id: UUID):  # type: ignore[no-untyped-def]
    """Help given (optionally completing one action of the plan)"""
    return api_user().households.record_help(pairing_id, **data)


@blp.route("/pairings/<uuid:pairing_id>/end", methods=["POST"])
@blp.arguments(vs.EndPairingSchema)
@blp.response(200, vs.PairingSchema)
@documented
def end_pairing(data: dict[str, Any], pairing_id: UUID):  # type: ignore[no-untyped-def]
    """End the pairing with an outcome"""
    return api_user().households.end_pairing(pairing_id, **data)


# ---- posts, cards and the rule ------------------------------------------------------------------

@blp.route("/members/<member_id>/post", methods=["PUT"])
@blp.arguments(vs.AssignSchema)
@blp.response(200, vs.PostSchema)
@documented
def assign(data: dict[str, Any], member_id: str):  # type: ignore[no-untyped-def]
    """联系点 Make a member responsible for a contact point and 1-2 compounds in it (secretary)"""
    return api_user().contact_points.assign(member_id, **data)


@blp.route("/members/<member_id>/post", methods=["GET"])
@blp.response(200, vs.PostSchema)
@documented
def get_post(member_id: str):  # type: ignore[no-untyped-def]
    """A member's contact point, compounds and card"""
    return api_user().contact_points.post(member_id)


@blp.route("/members/<member_id>/card", methods=["PUT"])
@blp.arguments(vs.CardSchema)
@blp.response(200, vs.PostSchema)
@documented
def set_card(data: dict[str, Any], member_id: str):  # type: ignore[no-untyped-def]
    """公示牌 What the member's public card shows (the member chooses whether the work phone is shown)"""
    return api_user().contact_points.set_card(member_id, **data)


@blp.route("/contact-posts", methods=["GET"])
@blp.arguments(vs.PostListQuerySchema, location="query")
@blp.response(200, vs.PostSchema(many=True))
@documented
def list_posts(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Every member's contact point and compounds in the community"""
    return api_user().contact_points.posts(**query)


@blp.route("/communities/<code>/visit-rule", methods=["GET"])
@blp.response(200, vs.VisitRuleSchema)
@documented
def get_visit_rule(code: str):  # type: ignore[no-untyped-def]
    """每月两次 The community's visit rule"""
    return api_user().contact_points.visit_rule(code)


@blp.route("/communities/<code>/visit-rule", methods=["PUT"])
@blp.arguments(vs.VisitRuleSchema)
@blp.response(200, vs.VisitRuleSchema)
@documented
def set_visit_rule(data: dict[str, Any], code: str):  # type: ignore[no-untyped-def]
    """Set the visit rule: visits a month, and whether phone contact counts (secretary)"""
    return api_user().contact_points.set_visit_rule(code, **data)


# ---- supervision -----------------------------------------------------------------------------

@blp.route("/visit-supervision/check", methods=["POST"])
@blp.response(200, vs.SupervisionItemSchema(many=True))
@documented
def check_visits():  # type: ignore[no-untyped-def]
    """监督检查 Raise, once, an item for every ended month a member was short of the rule"""
    return api_user().visit_supervision.check()


@blp.route("/visit-supervision/items", methods=["GET"])
@blp.arguments(vs.SupervisionQuerySchema, location="query")
@blp.response(200, vs.SupervisionItemSchema(many=True))
@documented
def supervision_items(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Supervision items of the community (open ones by default)"""
    return api_user().visit_supervision.items(**query)


@blp.route("/visit-supervision/items/<uuid:item_id>/excuse", methods=["POST"])
@blp.arguments(vs.ExcuseSchema)
@blp.response(200, vs.SupervisionItemSchema)
@documented
def excuse(data: dict[str, Any], item_id: UUID):  # type: ignore[no-untyped-def]
    """Close an item with a recorded reason (secretary)"""
    return api_user().visit_supervision.excuse(item_id, **data)


@blp.route("/visit-supervision/heat-map", methods=["GET"])
@blp.arguments(vs.HeatMapQuerySchema, location="query")
@blp.response(200, vs.HeatMapSchema)
@documented
def heat_map(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Every member's months of a year at a glance"""
    return api_user().visit_supervision.heat_map(**query)


# ---- reception days ---------------------------------------------------------------------------

@blp.route("/reception-days", methods=["POST"])
@blp.arguments(vs.ReceptionDayScheduleSchema)
@blp.response(201, vs.ReceptionDaySchema)
@documented
def schedule(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """接待日 Schedule who receives residents, where and when"""
    return api_user().reception_days.schedule(**data), 201


@blp.route("/reception-days", methods=["GET"])
@blp.arguments(vs.ReceptionDayListQuerySchema, location="query")
@blp.response(200, vs.ReceptionDaySchema(many=True))
@documented
def list_reception_days(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Reception days (the coming ones by default)"""
    return api_user().reception_days.list(**query)


@blp.route("/reception-days/<uuid:day_id>", methods=["GET"])
@blp.response(200, vs.ReceptionDaySchema)
@documented
def get_reception_day(day_id: UUID):  # type: ignore[no-untyped-def]
    """One reception day, with the petitions received at it"""
    return api_user().reception_days.get(day_id)


@blp.route("/reception-days/<uuid:day_id>/cancel", methods=["POST"])
@blp.arguments(vs.CancelSchema)
@blp.response(200, vs.ReceptionDaySchema)
@documented
def cancel_reception_day(data: dict[str, Any], day_id: UUID):  # type: ignore[no-untyped-def]
    """Cancel a reception day, with the reason"""
    return api_user().reception_days.cancel(day_id, **data)


@blp.route("/reception-days/<uuid:day_id>/petitions", methods=["POST"])
@blp.arguments(vs.LinkPetitionSchema)
@blp.response(200, vs.ReceptionDaySchema)
@documented
def link_petition(data: dict[str, Any], day_id: UUID):  # type: ignore[no-untyped-def]
    """Link a petition received at the reception day"""
    return api_user().reception_days.link_petition(day_id, **data)


# ---- public -------------------------------------------------------------------------------------

@public.route("/communities/<code>/members", methods=["GET"])
@public.response(200, vs.MemberCardsSchema)
@public.alt_response(404, schema=ProblemSchema, description="no such community")
def member_cards(code: str):  # type: ignore[no-untyped-def]
    """公示牌 Member cards and coming reception days: no personal data of residents or households"""
    return services().member_board.cards(code)
