"""Members' pages for the contact-point work: the visit form (usable offline on a phone), the visit
diary (民情日记), a visit with the problems raised at it, households and pairings, and the
secretary's supervision page with every member's year as a heat map. The public member cards
(公示牌) are under /board/<community>/members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, send_from_directory, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from api import visit_schemas as vs
from api.context import services
from api.pages import form_key, load_form, run_step, signed_in
from api.pages.labels import label
from api.pages.messages import for_people
from service import errors
from service.vocabulary import CATEGORIES, PAIRING_KINDS, PAIRING_OUTCOMES, VISIT_FORMS

bp = Blueprint("visits", __name__, url_prefix="/visits")
public = Blueprint("member_cards", __name__, url_prefix="/board")

HEAT_STATES = ("met", "short", "made_up", "excused", "unchecked_short", "not_checked", "running", "future")


# ---- the visit form (offline on a phone) ---------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@signed_in(may="visit.record")
def new():  # type: ignore[no-untyped-def]
    """The visit form. With its script, a visit is kept on the phone and sent when there is a
    connection (/visits/send, with an Idempotency-Key); without the script the form posts here."""
    form: dict[str, Any] = {"visited_on": services().clock.now().date().isoformat(), "form": "home_visit"}
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        loaded, field_errors = load_form(vs.VisitRecordSchema(), _visit_data(request.form))
        if loaded is not None:
            saved: dict[str, Any] = {}
            field_errors = run_step(lambda: saved.update(g.user.visits.record(
                idempotency_key=form.get("idempotency_key") or None, **loaded)))
            if not field_errors:
                session["position"] = saved["position"]
                flash(_("Visit saved."), "success")
                return redirect(url_for("visits.visit", visit_id=saved["id"]))
    return render_template("visits/new.html", form=form, errors=field_errors, forms=VISIT_FORMS,
                           households=_own_households())


def _own_households() -> list[dict[str, Any]]:
    try:
        return g.user.households.list()
    except errors.ServiceError:  # no households to offer is no reason to refuse the form
        return []


def _visit_data(source: Any) -> dict[str, Any]:
    data: dict[str, Any] = {k: (source.get(k) or "").strip() for k in
                            ("visited_on", "form", "learned", "guidance", "opinions", "help_given")}
    data["people_met"] = (source.get("people_met") or "0").strip() or "0"
    data["households"] = source.getlist("households") if hasattr(source, "getlist") else source.get("households", [])
    data["makes_up"] = (source.get("makes_up") or "").strip() or None
    return data


@bp.post("/send")
@signed_in(may="visit.record")
def send():  # type: ignore[no-untyped-def]
    """A visit kept on the phone, sent by the page's script with its Idempotency-Key: sent twice, saved once."""
    body = request.get_json(silent=True)
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not isinstance(body, dict) or not 1 <= len(key) <= 200:
        return jsonify({"error": "invalid_input", "fields": {"_": [_("This form was not sent whole; send it again.")]}}), 422
    loaded, field_errors = _load_quietly(body)
    if loaded is None:
        return jsonify({"error": "invalid_input", "fields": field_errors}), 422
    try:
        visit = g.user.visits.record(idempotency_key=key, **loaded)
    except errors.InvalidInputError as error:
        return jsonify({"error": "invalid_input", "fields": for_people(error.fields)}), 422
    session["position"] = visit["position"]
    return jsonify({"id": str(visit["id"]), "url": url_for("visits.visit", visit_id=visit["id"]),
                    "visited_on": visit["visited_on"].isoformat(), "recorded_now": visit["recorded_now"]}), 201


def _load_quietly(body: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    from marshmallow import ValidationError

    try:
        return vs.VisitRecordSchema().load(body), {}
    except ValidationError as error:
        return None, for_people({k: v if isinstance(v, list) else [str(v)]
                                 for k, v in error.normalized_messages().items()})


@bp.get("/token")
@signed_in(may="visit.record")
def token():  # type: ignore[no-untyped-def]
    """A fresh form token for the queued visits (the page may have been opened from the phone's cache)."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/sw.js")
def service_worker():  # type: ignore[no-untyped-def]
    """The service worker, served from /visits/ so that it may cache the visit form."""
    response = send_from_directory(bp.root_path + "/../static/visits", "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---- the diary and one visit --------------------------------------------------------------------

@bp.get("/diary")
@signed_in(may="visit.read")
def diary():  # type: ignore[no-untyped-def]
    member_id = request.args.get("member_id") or None
    year = request.args.get("year", type=int) or None
    book = g.user.visits.diary(member_id, year=year, after=session.get("position"))
    posts = []
    if g.user.principal.oversees_members_of(g.user.principal.community_code):
        posts = g.user.contact_points.posts()
    return render_template("visits/diary.html", diary=book, posts=posts)


@bp.route("/<uuid:visit_id>", methods=["GET", "POST"])
@signed_in(may="visit.read")
def visit(visit_id: UUID):  # type: ignore[no-untyped-def]
    field_errors: dict[str, list[str]] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        data = {k: form.get(k, "") for k in ("category", "summary", "details")}
        petitioner = {k: form.get(f"petitioner_{k}", "").strip() for k in ("name", "phone", "address")}
        data["petitioner"] = {k: v for k, v in petitioner.items() if v} or None
        loaded, field_errors = load_form(vs.RaisePetitionSchema(), data)
        if loaded is not None:
            raised: dict[str, Any] = {}
            field_errors = run_step(lambda: raised.update(g.user.visits.raise_petition(
                visit_id, idempotency_key=form_key(), **loaded)))
            if not field_errors:
                session["position"] = raised["position"]
                reference = raised["petition"]["reference"]
                session["tracking_code"] = {"reference": reference, "code": raised["tracking_code"]}
                flash(_("Petition %(reference)s received from this visit.", reference=reference), "success")
                return redirect(url_for("visits.visit", visit_id=visit_id))
    shown = g.user.visits.get(visit_id)
    may_raise = g.user.principal.can("visit.record") and (
        shown["member_id"] == g.user.principal.member_id
        or g.user.principal.oversees_members_of(shown["community"]))
    questionnaires = [  # answered here during the visit (问卷调查), on the member's phone
        q for q in g.user.questionnaires.list() if q["stage"] == "open"
        and q["contact_point_id"] in (None, shown["contact_point_id"])
    ] if may_raise and g.user.may("questionnaires", "answer") else []
    return render_template("visits/visit.html", visit=shown, form=form, errors=field_errors, categories=CATEGORIES,
                           may_raise=may_raise, questionnaires=questionnaires)


# ---- households and pairings ------------------------------------------------------------------------

def _form_id(name: str) -> UUID:
    """An id sent back by a page's form; a mangled one is answered as not found, never a 500."""
    try:
        return UUID(request.form.get(name, ""))
    except ValueError:
        abort(404)

@bp.route("/households", methods=["GET", "POST"])
@signed_in(may="household.read")
def households():  # type: ignore[no-untyped-def]
    member_id = request.args.get("member_id") or None
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form
        action = form.get("do")
        if action == "register":
            person = {k: form.get(k, "").strip() for k in ("name", "phone", "address", "difficulties")}
            loaded, field_errors = load_form(vs.HouseholdRegisterSchema(), {
                "person": person, "contact": form.get("contact") == "on", "member_id": member_id})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.households.register(idempotency_key=form_key(), **loaded))
        elif action == "pair":
            loaded, field_errors = load_form(vs.PairSchema(), {"kind": form.get("kind", "")})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.households.pair(_form_id("household_id"),
                                                                      idempotency_key=form_key(), **loaded))
        elif action == "help":
            loaded, field_errors = load_form(vs.HelpSchema(), {
                "note": form.get("note", ""), "action": form.get("action") or None})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.households.record_help(
                    _form_id("pairing_id"), idempotency_key=form_key(), **loaded))
        elif action == "end":
            loaded, field_errors = load_form(vs.EndPairingSchema(), {"outcome": form.get("outcome", "")})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.households.end_pairing(
                    _form_id("pairing_id"), idempotency_key=form_key(), **loaded))
        if not field_errors:
            services().projections.catch_up()
            flash(_("Saved."), "success")
            return redirect(request.full_path)
    listed = g.user.households.list(member_id=member_id)
    pairings = g.user.households.pairings(member_id=member_id) if member_id or g.user.principal.member_id else []
    return render_template("visits/households.html", households=listed, pairings=pairings, errors=field_errors,
                           kinds=PAIRING_KINDS, outcomes=PAIRING_OUTCOMES)


# ---- the secretary's supervision ------------------------------------------------------------------------

@bp.route("/supervision", methods=["GET", "POST"])
@signed_in(may="visit_rule.read")
def supervision():  # type: ignore[no-untyped-def]
    year = request.args.get("year", type=int) or None
    community = request.args.get("community") or g.user.principal.community_code or None
    if request.method == "POST":
        action = request.form.get("do")
        if action == "check":
            raised = g.user.visit_supervision.check()
            flash(_("%(n)s supervision items raised.", n=len(raised)), "success")
        elif action == "excuse":
            loaded, field_errors = load_form(vs.ExcuseSchema(), {"reason": request.form.get("reason", "")})
            if loaded is not None and not run_step(lambda: g.user.visit_supervision.excuse(
                    _form_id("item_id"), idempotency_key=form_key(), **loaded)):
                services().projections.catch_up()
                flash(_("Saved."), "success")
        return redirect(request.full_path)
    heat = g.user.visit_supervision.heat_map(community=community, year=year)
    items = g.user.visit_supervision.items(community=community)
    return render_template("visits/supervision.html", heat=heat, items=items, states=HEAT_STATES,
                           may_supervise=g.user.principal.can("visit_rule.supervise"))


# ---- reception days (接待日) -----------------------------------------------------------------------------------

@bp.route("/reception-days", methods=["GET", "POST"])
@signed_in(may="community.read")
def reception_days():  # type: ignore[no-untyped-def]
    """The community's reception days: the coming ones and the past ones with the petitions received
    at each; the desk and the secretary schedule and cancel them."""
    code = g.user.principal.community_code or request.args.get("community") or None
    if code is None:
        abort(404)  # a deployment-wide user names the community
    form: dict[str, Any] = {"starts_at": "09:00", "ends_at": "11:30"}
    field_errors: dict[str, list[str]] = {}
    failed = None
    if request.method == "POST":
        action = request.form.get("do")
        if action == "schedule":
            form = request.form.to_dict()
            data = {k: request.form.get(k, "").strip() for k in ("held_on", "starts_at", "ends_at", "place", "topic")}
            loaded, field_errors = load_form(vs.ReceptionDayScheduleSchema(), {
                **data, "community": code, "members": request.form.getlist("members")})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.reception_days.schedule(idempotency_key=form_key(), **loaded))
        elif action == "cancel":
            failed = request.form.get("day_id", "")
            loaded, field_errors = load_form(vs.CancelSchema(), {"reason": request.form.get("reason", "")})
            if loaded is not None:
                field_errors = run_step(lambda: g.user.reception_days.cancel(_form_id("day_id"), idempotency_key=form_key(),
                                                                             **loaded))
        else:
            abort(404)
        if not field_errors:
            services().projections.catch_up()
            flash(_("Saved."), "success")
            return redirect(request.full_path)
    today = services().clock.now().date()
    every = g.user.reception_days.list(community=code, coming=False)
    coming = sorted((d for d in every if d["held_on"] >= today), key=lambda d: (d["held_on"], d["starts_at"]))
    past = sorted((d for d in every if d["held_on"] < today), key=lambda d: (d["held_on"], d["starts_at"]),
                  reverse=True)[:24]
    community = g.user.communities.get(code)
    return render_template("visits/reception_days.html", coming=coming, past=past, community=community, form=form,
                           errors=field_errors, failed=failed, today=today,
                           may_manage=g.user.principal.can("reception_day.manage")), 422 if field_errors else 200


# ---- the public member cards ---------------------------------------------------------------------------------

@public.get("/<code>/members")
def member_cards(code: str):  # type: ignore[no-untyped-def]
    """公示牌: every member's card and the coming reception days (nothing about households)."""
    try:
        board = services().member_board.cards(code)
    except errors.NotFoundError:
        abort(404)
    commitments: dict[str, list[dict[str, Any]]] = {}
    for commitment in services().commitments.public(code, services().clock.now().year):  # 亮诺: approved ones only
        commitments.setdefault(commitment["member_id"], []).append(commitment)
    return render_template("visits/cards.html", board=board, commitments=commitments, bilingual=_bilingual)


def _bilingual(key: str) -> tuple[str, str]:
    """A vocabulary label in Chinese and in English (the public board shows both)."""
    with force_locale("zh"):
        chinese = label(key)
    with force_locale("en"):
        return chinese, label(key)
