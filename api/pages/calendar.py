"""The administrator's calendar page: each year's official holidays and make-up working days, typed or
pasted as lines; a warning from November while next year's are missing."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from api.pages import form_key, run_step, signed_in
from service import errors

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")


@bp.route("", methods=["GET", "POST"])
@signed_in(may="calendar.manage")
def calendar():  # type: ignore[no-untyped-def]
    status = g.user.calendars.status()
    field_errors: dict[str, list[str]] = {}
    form = request.form
    if request.method == "POST":
        year_text = (form.get("year") or "").strip()
        if not year_text.isdigit():
            field_errors = run_step(lambda: _refuse_year())
        else:
            year = int(year_text)
            field_errors = run_step(lambda: g.user.calendars.enter(year, idempotency_key=form_key(),
                                                                   lines=form.get("lines", "")))
            if not field_errors:
                flash(_("The official holidays of %(year)s are saved; deadlines reaching %(year)s are counted on them.",
                        year=year), "success")
                return redirect(url_for("calendar.calendar"))
    entered = [y["entered"] for y in status["years"] if y["entered"]]
    names = g.user.accounts.display_names(e["entered_by"] for e in entered)
    for e in entered:
        e["entered_by_name"] = names.get(e["entered_by"], e["entered_by"])
    default_year = next(iter(status["warn_missing"]), status["today"].year + 1)
    return render_template("admin/calendar.html", status=status, errors=field_errors, form=form,
                           default_year=default_year), (422 if field_errors else 200)


def _refuse_year() -> None:
    raise errors.InvalidInputError({"year": ["must be a year from 2000 to 2100"]})
