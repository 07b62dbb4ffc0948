"""The petitioner's own lookup page (no sign-in): reference number + tracking code.
A receipt's QR code opens it with both filled in."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from api.context import services
from service import errors

bp = Blueprint("lookup", __name__)


@bp.route("/lookup", methods=["GET", "POST"])
def lookup():  # type: ignore[no-untyped-def]
    source = request.form if request.method == "POST" else request.args
    reference, code = source.get("reference", "").strip(), source.get("code", "").strip()
    as_of = _day(source.get("as_of", ""))
    result: dict[str, Any] | None = None
    problem, status = None, 200
    if reference and code and (request.method == "POST" or request.args.get("code")):
        try:
            result = services().lookup.lookup(reference, code, client=request.remote_addr or "", as_of=as_of)
        except errors.InvalidInputError:
            as_of = None
            result = services().lookup.lookup(reference, code, client=request.remote_addr or "")
        except errors.NotFoundError:
            problem, status = "not_found", 404
        except errors.TooManyAttemptsError as error:
            problem, status = "too_many", 429
            return render_template("lookup.html", reference=reference, problem=problem,
                                   retry_after=error.retry_after), status, {"Retry-After": str(error.retry_after)}
    return render_template("lookup.html", reference=reference, result=result, problem=problem, as_of=as_of), status


def _day(text: str) -> date | None:
    """A date typed in the form; anything else is no date (today's view)."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
