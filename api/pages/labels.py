"""How the domain's vocabulary reads on the pages, in the user's language."""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin

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
    # the board's figures (each opens the public entries behind it)
    "resolved_on_time": _l("Resolved on time"), "resolved_late": _l("Resolved late"), "overdue": _l("Overdue"), "followed_up": _l("Followed up"),
    # commitments (承诺) and questionnaires
    "fulfilled": _l("Fulfilled"), "partly_fulfilled": _l("Partly fulfilled"), "not_fulfilled": _l("Not fulfilled"),
    "proposed": _l("Proposed"), "approved": _l("Approved (shown)"), "reported": _l("Reported"),
    "excellent": _l("Excellent"), "competent": _l("Competent"), "basically_competent": _l("Basically competent"),
    "incompetent": _l("Incompetent"),
    "concluded": _l("Concluded"), "draft": _l("Draft"), "open": _l("Open"), "fed_back": _l("Fed back"),
    "single_choice": _l("Single choice"), "multiple_choice": _l("Multiple choice"), "rating": _l("Rating 1-5"),
    "revise": _l("Revise"), "approve": _l("Approve and show"), "return_for_revision": _l("Return for revision"),
    "conclude": _l("Conclude"), "issue_evaluation_codes": _l("Issue evaluation codes"), "report": _l("Report on it"),
    "free_text": _l("Free text"), "meeting": _l("At a meeting"), "paper_form": _l("On a paper form"), "gathered": _l("Facts gathered"), "evaluated": _l("Evaluated"), "rated": _l("Rated"),
    # satisfaction
    "satisfied": _l("Satisfied"), "basically_satisfied": _l("Basically satisfied"), "dissatisfied": _l("Dissatisfied"),
    # events
    "Received": _l("Received"), "ResolvedOnSpot": _l("Resolved on the spot"), "DeadlineSet": _l("Deadline set"),
    "ProgressRecorded": _l("Progress"), "DeadlineExtended": _l("Deadline extended"),
    "MarkedOverdue": _l("Overdue"), "Resolved": _l("Resolved"), "Escalated": _l("Escalated to the committee"),
    "Explained": _l("Explained"), "FollowedUp": _l("Follow-up"), "Withdrawn": _l("Withdrawn"),
    "Merged": _l("Merged"), "DuplicateAbsorbed": _l("Duplicate merged in"), "LinkedToMatter": _l("Linked to a committee matter"),
    "TrackingCodeReissued": _l("Tracking code reissued"), "PersonalDataErased": _l("Personal data erased"),
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
    # the contact-point work: forms of visits, pairing kinds and outcomes, the heat map's states
    "forum": _l("Forum"), "heart_to_heart": _l("Heart-to-heart talk"), "party_lesson": _l("Party lesson"),
    "grid_activity": _l("Grid activity"), "phone_contact": _l("Phone contact"),
    "in_difficulty": _l("Household in difficulty"), "empty_nest_elderly": _l("Empty-nest elderly"),
    "left_behind_children": _l("Left-behind children"), "illness": _l("Illness"),
    "demonstration": _l("Demonstration household"), "active": _l("Active"),
    "out_of_difficulty": _l("Out of difficulty"), "improved": _l("Improved"), "moved_away": _l("Moved away"),
    "handed_over": _l("Handed over"),
    "met": _l("Rule met"), "short": _l("Short (open item)"), "made_up": _l("Made up"), "excused": _l("Excused"),
    "unchecked_short": _l("Short, not yet checked"), "not_checked": _l("Not checked"), "running": _l("This month"),
    "future": _l("Not yet"),
    # roles
    "desk_staff": _l("Desk staff"), "handling_member": _l("Handling member"),
    "committee_secretary": _l("Committee secretary"), "committee_member": _l("Committee member"),
    "leadership": _l("Leadership"), "administrator": _l("Administrator"),
    "oversight": _l("Street office oversight"),
}


def label(value: str | None) -> str:
    if value is None:
        return ""
    return str(LABELS.get(value, value))


@functools.lru_cache(maxsize=512)
def pinyin_keys(text: str) -> tuple[str, str]:
    """What a person may type to find ``text`` without a Chinese input method: its pinyin initials
    and its full pinyin (环境卫生 → ``hjws``, ``huanjingweisheng``); text without Chinese answers itself."""
    full = "".join(lazy_pinyin(text, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return initials, full
