"""How the domain's vocabulary reads on the pages, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    # categories
    "infrastructure": _l("Infrastructure"), "sanitation": _l("Sanitation"), "public_safety": _l("Public safety"),
    "welfare": _l("Social welfare"), "property": _l("Property management"),
    "neighbour_dispute": _l("Neighbour dispute"), "land": _l("Land"), "employment": _l("Employment"),
    "health": _l("Health"), "other": _l("Other"),
    # channels
    "desk": _l("Reception desk"), "home_visit": _l("Home visit"), "hotline": _l("Hotline"),
    "suggestion_box": _l("Suggestion box"), "online": _l("Online"), "letter": _l("Letter"),
    "questionnaire": _l("Questionnaire"),
    # statuses
    "received": _l("Received"), "reopened": _l("Reopened"), "deadlined": _l("Deadline set"),
    "escalated": _l("Escalated to the committee"), "resolved_on_spot": _l("Resolved on the spot"),
    "resolved": _l("Resolved"), "explained": _l("Explained"), "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"), "merged": _l("Merged"),
    # steps
    "resolve_on_spot": _l("Resolve on the spot"), "set_deadline": _l("Set a deadline"),
    "record_progress": _l("Record progress"), "extend_deadline": _l("Extend the deadline"),
    "resolve": _l("Resolve"), "escalate": _l("Escalate to the committee"), "explain": _l("Explain why not"),
    "follow_up": _l("Follow-up"), "withdraw": _l("Withdraw"), "merge": _l("Merge into another petition"),
    # explanation reasons and methods
    "outside_jurisdiction": _l("Outside our jurisdiction"), "against_law_or_policy": _l("Against law or policy"),
    "conditions_lacking": _l("Conditions lacking"),
    "in_person": _l("In person"), "phone": _l("By phone"),
    # satisfaction
    "satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"), "dissatisfied": _l("Dissatisfied"),
    # events
    "Received": _l("Received"), "ResolvedOnSpot": _l("Resolved on the spot"), "DeadlineSet": _l("Deadline set"),
    "ProgressRecorded": _l("Progress"), "DeadlineExtended": _l("Deadline extended"),
    "MarkedOverdue": _l("Overdue"), "Resolved": _l("Resolved"), "Escalated": _l("Escalated to the committee"),
    "Explained": _l("Explained"), "FollowedUp": _l("Follow-up"), "Withdrawn": _l("Withdrawn"),
    "Merged": _l("Merged"), "DuplicateAbsorbed": _l("Duplicate merged in"), "LinkedToMatter": _l("Linked to a committee matter"),
    # community kinds and member roles
    "community": _l("Residents' community"), "village": _l("Village"),
    "secretary": _l("Party secretary"), "grid_member": _l("Grid member"),
    # committee stages, stances, steps and events
    "opened": _l("Opened"), "soliciting": _l("Soliciting opinions"), "proposing": _l("Drafting the proposal"),
    "consulting": _l("Consultation"), "voting": _l("Resolution vote"), "passed": _l("Passed"),
    "rejected": _l("Rejected"), "in_notice": _l("Resolution disclosed (notice period)"),
    "implementing": _l("Implementing"), "implemented": _l("Implemented"), "ended": _l("Ended"),
    "support": _l("Support"), "oppose": _l("Oppose"), "suggestion": _l("Suggestion"),
    "agreed": _l("Agreed"), "returned": _l("Returned for revision"),
    "open_solicitation": _l("Open the solicitation"), "record_opinion": _l("Record an opinion"),
    "close_solicitation": _l("Close the solicitation"), "draft_proposal": _l("Draft the proposal"),
    "record_consultation": _l("Record the consultation"), "record_vote": _l("Record the vote"),
    "disclose_resolution": _l("Disclose the resolution"), "record_objection": _l("Record an objection"),
    "return_to_consultation": _l("Return to consultation"),
    "record_implementation_progress": _l("Record implementation progress"),
    "complete_implementation": _l("Complete implementation"), "disclose_result": _l("Disclose the result"),
    "end": _l("End the matter"), "link_petitions": _l("Attach petitions"),
    "Opened": _l("Opened"), "PetitionLinked": _l("Petition attached"), "SolicitationOpened": _l("Solicitation opened"),
    "OpinionRecorded": _l("Opinion recorded"), "SolicitationClosed": _l("Solicitation closed"),
    "ProposalDrafted": _l("Proposal drafted"), "ConsultationRecorded": _l("Consultation recorded"),
    "ResolutionVoted": _l("Resolution voted"), "ResolutionDisclosed": _l("Resolution disclosed"),
    "ObjectionRecorded": _l("Objection recorded"), "ReturnedToConsultation": _l("Returned to consultation"),
    "ImplementationProgressRecorded": _l("Implementation progress"),
    "ImplementationCompleted": _l("Implementation completed"), "ResultDisclosed": _l("Result disclosed"),
    "Ended": _l("Ended"),
    # roles
    "desk_staff": _l("Desk staff"), "handling_member": _l("Handling member"),
    "committee_secretary": _l("Committee secretary"), "committee_member": _l("Committee member"),
    "leadership": _l("Leadership"), "administrator": _l("Administrator"),
}


def label(value: str | None) -> str:
    if value is None:
        return ""
    return str(LABELS.get(value, value))
