"""The permission matrix (role × action) and each role's scope: data only, read by the principal
and enforced by service/permissions.py."""

from __future__ import annotations

from domain.account import ROLES

STAFF = ROLES
DESK = ("desk_staff", "handling_member")
COMMITTEE = ("committee_secretary",)
MEMBERS = ("desk_staff", "handling_member", "committee_secretary", "committee_member")  # accounts of members who visit
READERS = ("desk_staff", "handling_member", "committee_secretary", "oversight", "administrator")

MATRIX: dict[str, tuple[str, ...]] = {
    "petition.read": STAFF,
    "petition.receive": ("desk_staff",),
    "petition.triage": DESK,
    "petition.handle": DESK,
    "petition.follow_up": DESK,
    "petition.withdraw": ("desk_staff",),
    "petition.merge": ("desk_staff",),
    "petition.erase_personal_data": ("administrator",),
    "supervision.tick": ("committee_secretary", "administrator"),
    "worklist.read": READERS,
    "matter.read": STAFF,
    "matter.manage": COMMITTEE,
    "matter.record_opinion": ("committee_secretary", "committee_member", "desk_staff"),
    "matter.record_objection": ("committee_secretary", "committee_member", "desk_staff"),
    "matter.erase_resident_data": ("administrator",),
    "ledger.read": ("leadership", "committee_secretary", "oversight", "administrator"),
    "commitment.read": STAFF,
    "commitment.make": ("desk_staff", "handling_member", "committee_secretary", "committee_member"),
    "commitment.approve": COMMITTEE,
    "commitment.evaluate": ("desk_staff", "committee_secretary"),
    "questionnaire.read": STAFF,
    "questionnaire.manage": COMMITTEE,
    "questionnaire.erase_respondent_data": ("administrator",),
    "questionnaire.answer": ("desk_staff", "handling_member", "committee_secretary", "committee_member"),
    "review.read": STAFF,
    "review.manage": COMMITTEE,
    "review.report": ("desk_staff", "handling_member", "committee_secretary", "committee_member"),
    "review.evaluate": ("desk_staff", "committee_secretary"),
    "community.read": STAFF,
    "community.register": ("administrator",),
    "community.manage": ("administrator",),
    "account.manage": ("administrator",),
    "calendar.manage": ("administrator",),
    "contact_point.assign": ("committee_secretary", "administrator"),
    "member_card.manage": MEMBERS,
    "visit.record": MEMBERS,
    "visit.read": MEMBERS,
    "household.read": MEMBERS,
    "household.manage": MEMBERS,
    "household.erase_personal_data": ("administrator",),
    "pairing.manage": MEMBERS,
    "visit_rule.set": ("committee_secretary", "administrator"),
    "visit_rule.read": ("committee_secretary", "leadership", "oversight", "administrator"),
    "visit_rule.supervise": ("committee_secretary", "administrator"),
    "reception_day.manage": ("desk_staff", "committee_secretary"),
}

ROLE_SCOPES: dict[str, str] = {
    "desk_staff": "one community; petitioners' personal data of that community; every member's visits and households' personal data of that community",
    "handling_member": "one community; changes only the petitions they are responsible for; petitioners' personal data of that community; their own visits, pairings and households",
    "committee_secretary": "one community; no petitioners' personal data; every member's visits and households' personal data of that community (supervision)",
    "committee_member": "one community; no petitioners' personal data; their own visits, pairings and households",
    "leadership": "one community; no petitioners' personal data",
    "oversight": "every community (street office / township): reads only, no petitioners' personal data",
    "administrator": "one community, or every community when the account names none (registers communities, grants oversight); no petitioners' personal data",
}
