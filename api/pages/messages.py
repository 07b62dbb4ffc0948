"""What a refused form says to a person: the schemas' and the service's messages (written in
English for the JSON API) in the page's language, and each field named as the page labels it.

One table for every page (``for_people``), used by ``load_form`` and ``run_step``: no page
shows a validator's English, an internal field name or program data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from api.pages.labels import label

# field name (as the schemas and the service name it) -> the label the page shows
FIELD_LABELS: dict[str, Any] = {
    "contact_point_id": _l("Contact point"), "received_by": _l("Received by"), "channel": _l("Channel"),
    "category": _l("Category"), "summary": _l("Public summary"), "details": _l("Details"),
    "petitioner": _l("Petitioner"), "petitioner.name": _l("Name"), "petitioner.phone": _l("Phone"),
    "petitioner.address": _l("Address"), "action": _l("What was done"), "working_days": _l("Working days"),
    "responsible_member_id": _l("Responsible member"), "plan": _l("Plan"), "steps": _l("Staged plan"),
    "note": _l("Note"), "completed_step": _l("Completes step"), "reason": _l("Reason"), "outcome": _l("Outcome"),
    "reason_category": _l("Reason"), "explanation": _l("Explanation given"), "method": _l("Explained how"),
    "explained_on": _l("Explained on"), "satisfaction": _l("Satisfaction"), "comment": _l("Comment"),
    "into": _l("Reference number of the petition it duplicates"), "community": _l("Community"),
    "community_code": _l("Community"), "title": _l("Title"), "description": _l("Public description"),
    "petitions": _l("Escalated petitions"), "question": _l("Question put to residents"),
    "opens_on": _l("Opens on"), "closes_on": _l("Closes on"), "resident": _l("Resident"), "stance": _l("Stance"),
    "text": _l("Text"), "cited_opinions": _l("Opinions it cites"), "held_on": _l("Held on"),
    "attendees": _l("Attendees"), "minutes": _l("Minutes"), "eligible": _l("Eligible members"),
    "present": _l("Present"), "votes_for": _l("For"), "votes_against": _l("Against"),
    "abstentions": _l("Abstaining"), "votes": _l("Votes"), "notice_days": _l("Notice period (days)"),
    "objector": _l("Objector"), "objections": _l("Objections it answers"), "percent": _l("Percent done"),
    "result": _l("Result for the board and the petitioners"), "username": _l("User name"),
    "display_name": _l("Name"), "password": _l("Password"), "roles": _l("Roles"), "member_id": _l("Member"),
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "role": _l("Role"), "area": _l("Area"),
    "quorum": _l("Quorum"), "majority": _l("Majority"), "Idempotency-Key": _l("This form"),
    "q": _l("Search"), "_": _l("This form"), "_body": _l("This form"),
    "lines": _l("Holidays and make-up working days"),
    "visible_result": _l("Visible result"), "target_date": _l("Target date"), "report": _l("Report"),
    "count": _l("How many"), "year": _l("Year"), "month": _l("Month"),
    "current_password": _l("Current password"), "new_password": _l("New password"),
    "new_password_repeat": _l("New password again"),
}

_STEP = re.compile(r"^steps\.(\d+)\.(due_date|description)$")


def field_label(name: str) -> str:
    """The field as the page labels it (``steps.1.due_date`` reads "Step 2: date")."""
    step = _STEP.match(name)
    if step:
        part = _("date") if step.group(2) == "due_date" else _("description")
        return _("Step %(n)s: %(part)s", n=int(step.group(1)) + 1, part=part)
    known = FIELD_LABELS.get(name)
    if known is None and "." in name:
        known = FIELD_LABELS.get(name.rsplit(".", 1)[-1])
    return str(known) if known is not None else _("This form")


def _step(words: str) -> str:
    return label(words.strip().replace(" ", "_"))


# (pattern of the English message, how it reads to a person); named groups are the message's values
Rule = tuple[re.Pattern[str], Callable[[dict[str, str]], str]]


def _rule(pattern: str, render: Callable[[dict[str, str]], str]) -> Rule:
    return re.compile(f"^{pattern}$"), render


RULES: list[Rule] = [
    # marshmallow's own messages
    _rule(r"Missing data for required field\.|Field may not be null\.|must not be blank|Shorter than minimum length 1\.",
          lambda v: _("Please fill this in.")),
    _rule(r"Not a valid date\.", lambda v: _("Enter a date, such as 2026-11-27.")),
    _rule(r"Not a valid (integer|number)\.", lambda v: _("Enter a whole number.")),
    _rule(r"Not a valid (string|boolean|list|UUID|mapping type)\.|Invalid input type\.",
          lambda v: _("This value is not accepted.")),
    _rule(r"Unknown field\.", lambda v: _("This form has no such field.")),
    _rule(r"(Must|must) be one of: .*", lambda v: _("Choose one of the listed options.")),
    _rule(r"Shorter than minimum length (?P<n>\d+)\.", lambda v: _("Enter at least %(n)s characters.", n=v["n"])),
    _rule(r"Longer than maximum length (?P<n>\d+)\.|must be at most (?P<m>\d+) characters",
          lambda v: _("Enter at most %(n)s characters.", n=v["n"] or v["m"])),
    _rule(r"Length must be between 1 and (?P<b>\d+)\.",
          lambda v: _("Please fill this in (at most %(n)s).", n=v["b"])),
    _rule(r"Length must be between (?P<a>\d+) and (?P<b>\d+)\.",
          lambda v: _("Give from %(a)s to %(b)s.", a=v["a"], b=v["b"])),
    _rule(r"Must be greater than or equal to (?P<a>-?\d+) and less than or equal to (?P<b>-?\d+)\.|"
          r"must be between (?P<c>\d+) and (?P<d>\d+)|must be from (?P<e>\d+) to (?P<f>\d+)|"
          r"must be a whole number from (?P<g>\d+) to (?P<h>\d+)",
          lambda v: _("Enter a number from %(a)s to %(b)s.", a=v["a"] or v["c"] or v["e"] or v["g"],
                      b=v["b"] or v["d"] or v["f"] or v["h"])),
    _rule(r"Must be greater than or equal to (?P<a>-?\d+)\.", lambda v: _("Enter a number of at least %(a)s.", a=v["a"])),
    _rule(r"Must be less than or equal to (?P<a>-?\d+)\.", lambda v: _("Enter a number of at most %(a)s.", a=v["a"])),
    _rule(r"must be from 1 to (?P<n>\d+) days", lambda v: _("Enter from 1 to %(n)s days.", n=v["n"])),
    _rule(r"must be a phone number.*", lambda v: _("Enter a phone number: digits only, such as 13812345678.")),
    _rule(r"must be a fraction such as (?P<f>\S+)|must be a fraction from 0 up to \(not including\) 1",
          lambda v: _("Enter a fraction such as 2/3.")),
    _rule(r"must be 1 to 40 letters, digits, '-' or '_'",
          lambda v: _("Use 1 to 40 letters, digits, '-' or '_'.")),
    _rule(r"must be 2 to 32 lower-case letters, digits, '\.', '-' or '_'",
          lambda v: _("Use 2 to 32 lower-case letters, digits, '.', '-' or '_'.")),
    _rule(r"must be at least (?P<n>\d+) characters.*", lambda v: _("Enter at least %(n)s characters.", n=v["n"])),
    _rule(r"was already used for a different request",
          lambda v: _("This form was already sent with other values; reload the page and send it again.")),
    # the service's and the domain's messages
    _rule(r"no such contact point|is not a contact point of this community",
          lambda v: _("Choose a contact point of this community.")),
    _rule(r"no such community", lambda v: _("Choose one of the listed communities.")),
    _rule(r"is not a member of this community|name the member who received the petition",
          lambda v: _("Choose a member of this community.")),
    _rule(r"no petition has this reference number|no petition has the reference number (?P<r>\S+)",
          lambda v: _("No petition has this reference number.")),
    _rule(r"a petition cannot be merged into itself", lambda v: _("A petition cannot be merged into itself.")),
    _rule(r"the target petition is (?P<s>\w+), not open",
          lambda v: _("That petition is %(state)s; choose an open one.", state=label(v["s"]))),
    _rule(r"the target petition belongs to another community|petition (?P<r>\S+) belongs to another community",
          lambda v: _("No petition of this community has this reference number.")),
    _rule(r"must be after the day it is set", lambda v: _("Choose a date after today.")),
    _rule(r"must be after the current due date", lambda v: _("Choose a date after the current due date.")),
    _rule(r"is not a step of the plan", lambda v: _("Choose a step of the plan.")),
    _rule(r"must not be in the future", lambda v: _("The date must not be in the future.")),
    _rule(r"must not be before the petition was received",
          lambda v: _("The date must not be before the petition was received.")),
    _rule(r"must not be before the matter was opened", lambda v: _("The date must not be before the matter was opened.")),
    _rule(r"must not be before the window opens", lambda v: _("The window cannot close before it opens.")),
    _rule(r"must not be before (?P<d>\S+), when the step it follows was taken",
          lambda v: _("The date must not be before %(date)s, when the previous step was taken.", date=v["d"])),
    _rule(r"the window may last at most (?P<n>\d+) days", lambda v: _("The window may last at most %(n)s days.", n=v["n"])),
    _rule(r"steps must be dated in order, not in the past", lambda v: _("Date the steps in order, from today on.")),
    _rule(r"must not be after the deadline", lambda v: _("A step must not be dated after the deadline.")),
    _rule(r"for, against and abstaining add up to (?P<c>\d+), but (?P<p>\d+) were present",
          lambda v: _("For, against and abstaining add up to %(cast)s, but %(present)s were present.",
                      cast=v["c"], present=v["p"])),
    _rule(r"must not exceed the (?P<n>\d+) eligible members",
          lambda v: _("Must not exceed the %(n)s eligible members.", n=v["n"])),
    _rule(r"must not be below the (?P<n>\d+)% recorded before",
          lambda v: _("Must not be below the %(n)s%% recorded before.", n=v["n"])),
    _rule(r"no (opinion|objection|objection to this disclosure) is numbered (?P<n>[\d, ]+)",
          lambda v: _("No entry is numbered %(n)s.", n=v["n"])),
    _rule(r"a name is listed more than once", lambda v: _("A name is listed more than once.")),
    _rule(r"a petition is named more than once", lambda v: _("A petition is named more than once.")),
    _rule(r"name at least one petition", lambda v: _("Name at least one petition.")),
    _rule(r"name at least one opinion or objection", lambda v: _("Name at least one opinion or objection.")),
    _rule(r"name everyone who attended; no blank names", lambda v: _("Name everyone who attended, one per line.")),
    _rule(r"name the objection\(s\) the matter is returned on", lambda v: _("Name the objections it answers.")),
    _rule(r"name at least one role", lambda v: _("Choose at least one role.")),
    _rule(r"name the community for the role\(s\): .*", lambda v: _("Choose the community these roles work in.")),
    _rule(r"unknown role\(s\): .*", lambda v: _("Choose one of the listed roles.")),
    _rule(r"oversight is for every community: give it to an account without a community",
          lambda v: _("Oversight covers every community: give it to an account without a community.")),
    _rule(r"is taken", lambda v: _("This user name is taken.")),
    _rule(r"is not the current password", lambda v: _("This is not your current password.")),
    _rule(r"must differ from the current password", lambda v: _("Choose a password different from the current one.")),
    _rule(r"the two new passwords differ", lambda v: _("The two new passwords differ; type the same one twice.")),
    _rule(r"this account is disabled", lambda v: _("This account is deactivated; reactivate it first.")),
    _rule(r"this account is active", lambda v: _("This account is active already.")),
    _rule(r"a community with this code exists already", lambda v: _("A community with this code exists already.")),
    _rule(r"this community already has a contact point of that name",
          lambda v: _("This community already has a contact point of that name.")),
    _rule(r"petition (?P<r>\S+) is linked to this matter already",
          lambda v: _("Petition %(ref)s is attached to this matter already.", ref=v["r"])),
    _rule(r"petition (?P<r>\S+) is (?P<s>\w+), not escalated",
          lambda v: _("Petition %(ref)s is %(state)s, not escalated to the committee.", ref=v["r"], state=label(v["s"]))),
    _rule(r"petition (?P<r>\S+) waits on another matter already",
          lambda v: _("Petition %(ref)s waits on another matter already.", ref=v["r"])),
    # steps refused in the current state (409 on the API)
    _rule(r"cannot (?P<step>[a-z ]+) a petition that is (?P<s>\w+)",
          lambda v: _("%(step)s is not possible: the petition is %(state)s.", step=_step(v["step"]), state=label(v["s"]))),
    _rule(r"cannot (?P<step>[a-z ]+) on a matter that is (?P<s>[a-z ]+)",
          lambda v: _("%(step)s is not possible: the matter is at the stage %(state)s.", step=_step(v["step"]),
                      state=_step(v["s"]))),
    _rule(r"an extension needs a reason", lambda v: _("An extension needs a reason.")),
    _rule(r"opinions are taken from (?P<a>\S+) to (?P<b>\S+), not on (?P<c>\S+)",
          lambda v: _("Opinions are taken from %(a)s to %(b)s, not on %(c)s.", a=v["a"], b=v["b"], c=v["c"])),
    _rule(r"the solicitation opens on (?P<d>\S+); it cannot close before it opens",
          lambda v: _("The solicitation opens on %(date)s; it cannot close before it opens.", date=v["d"])),
    _rule(r"the notice period ended on (?P<d>\S+); objections are closed",
          lambda v: _("The notice period ended on %(date)s; objections are closed.", date=v["d"])),
    _rule(r"no objection was recorded against this disclosure; a return needs one",
          lambda v: _("No objection was recorded against this disclosure; a return needs one.")),
    _rule(r"implementation may start only after the notice period ends on (?P<d>\S+)",
          lambda v: _("Implementation may start only after the notice period ends on %(date)s.", date=v["d"])),
    # a year's official calendar (domain/calendar.py): each message names the line
    _rule(r"line (?P<n>\d+): write a date and holiday or workday, such as 2027-01-01 holiday",
          lambda v: _("Line %(n)s: write a date and holiday or workday, such as 2027-01-01 holiday.", n=v["n"])),
    _rule(r"line (?P<n>\d+): (?P<d>\S+) is not a date such as 2027-01-01",
          lambda v: _("Line %(n)s: %(text)s is not a date; write it as 2027-01-01.", n=v["n"], text=v["d"])),
    _rule(r"line (?P<n>\d+): (?P<k>\S+) is neither holiday nor workday",
          lambda v: _("Line %(n)s: %(text)s is neither holiday nor workday.", n=v["n"], text=v["k"])),
    _rule(r"line (?P<n>\d+): (?P<d>\S+) is not in (?P<y>\d+)",
          lambda v: _("Line %(n)s: %(day)s is not in %(year)s.", n=v["n"], day=v["d"], year=v["y"])),
    _rule(r"line (?P<n>\d+): (?P<d>\S+) is listed twice \(also line (?P<m>\d+)\)",
          lambda v: _("Line %(n)s: %(day)s is listed twice (also line %(m)s).", n=v["n"], day=v["d"], m=v["m"])),
    _rule(r"line (?P<n>\d+): (?P<d>\S+) is a weekday; a make-up working day falls on a weekend",
          lambda v: _("Line %(n)s: %(day)s is a weekday already; a make-up working day falls on a weekend.",
                      n=v["n"], day=v["d"])),
    _rule(r"enter at least one holiday", lambda v: _("Enter at least one holiday.")),
    _rule(r"is the list already entered for this year", lambda v: _("This is the list already entered for this year.")),
    _rule(r"must be a year from (?P<a>\d+) to (?P<b>\d+)",
          lambda v: _("Enter a year from %(a)s to %(b)s.", a=v["a"], b=v["b"])),
    # the password policy (service/passwords.py)
    _rule(r"must be at least (?P<n>\d+) characters", lambda v: _("Enter at least %(n)s characters.", n=v["n"])),
    _rule(r"is made from the user name: .*",
          lambda v: _("Made from the user name: add words of your own, not only the name.")),
    _rule(r"is too easy to guess.*",
          lambda v: _("Too easy to guess: use three or four uncommon words, or a longer password.")),
    _rule(r"the solicitation is open until (?P<d>\S+); closing it early needs a reason",
          lambda v: _("The solicitation is open until %(date)s; closing it early needs a reason.", date=v["d"])),
]


def message_for_people(message: str) -> str:
    """One message in the page's language; an unknown one is never shown in English on a Chinese page."""
    text = str(message).strip()
    for pattern, render in RULES:
        found = pattern.match(text)
        if found:
            return render({k: v or "" for k, v in found.groupdict().items()})
    if str(get_locale() or "zh").startswith("zh"):
        return _("This value is not accepted.")
    return text[:1].upper() + text[1:]


def for_people(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: [message_for_people(m) for m in messages] for name, messages in fields.items()}
