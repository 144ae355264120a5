"""Hazards (Awaab's Law, SI 2025/1042): the queue, nearest clock first with emergencies on top and their hours
left, and each hazard's page: its clocks, its timeline (the access attempts are the evidence of "all
reasonable endeavours") and a form for every step its workflow allows now."""

import csv
import io
import re
from uuid import uuid4
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from sqlalchemy.engine import Engine
from fastapi.responses import RedirectResponse, Response

from casework.access import Actor
from casework.errors import CommandRejected
from casework.hazard_summary import FOUND_WORDS, NO_CONTACT, hazard_summary, summary_sent_words
from casework.hazards import CLOCK_WORDS, UnknownHazard, act_on_hazard, hazard_queue, hazard_record, report_hazard
from models.calendar import LONDON, local_date
from models.hazard_rules import load_hazard_rules
from models.policy import known_profile_ids
from models.hazard import HAZARD_COMMANDS
from starter.web.auth import checked_form
from starter.web.deps import AppSettings, Database, MayReadCases, Temporal
from starter.web.pages import render

router = APIRouter()
HAZARD_ID = re.compile(r"^HZD-\d{4}-\d{6}$")
STEP_WORDS = {
    "hazard_triaged": "Record the triage decision",
    "hazard_access_attempt": "Record an attempt to get access",
    "hazard_investigated": "Record the investigation",
    "hazard_summary_sent": "Send the written summary to the tenant (reg 9): you see it first",
    "hazard_made_safe": "The home was made safe",
    "hazard_decanted": "The household was moved to alternative accommodation",
    "hazard_consent_sought": "Consent for the work was sought",
    "hazard_consent_unobtainable": "Consent could not be had after all reasonable steps",
    "hazard_accommodation_offered": "Alternative accommodation was offered",
    "hazard_accommodation_accepted": "The household accepted the accommodation offered",
    "hazard_accommodation_declined": "The household declined the accommodation offered",
    "hazard_preventative_started": "Preventative work began",
    "hazard_preventative_completed": "Preventative work was completed",
    "hazard_closed": "Close the hazard",
}
FIELDS = ("level", "method", "outcome", "consent_from", "consent", "accommodation", "found")
FLAGS = ("safety_work", "preventative_work")


@router.get("/hazards")
def queue(request: Request, user: MayReadCases, engine: Database) -> Response:
    linked = request.query_params.get("linked", "")
    return _queue(request, engine, values={"linked": linked[:30]} if linked else None)


def _queue(
    request: Request, engine: Engine, errors: dict | None = None, values: dict | None = None, status: int = 200
) -> Response:
    rows = hazard_queue(engine, datetime.now(timezone.utc))
    rules = load_hazard_rules()
    today = local_date(datetime.now(timezone.utc))
    categories = {key: c.name for key, c in sorted(rules.categories.items()) if c.levels_on(today)}
    return render(
        request,
        "hazards.html",
        status=status,
        rows=rows,
        clock_words=CLOCK_WORDS,
        categories=categories,
        landlords=known_profile_ids(),
        errors=errors or {},
        values=values or {},
    )


@router.post("/hazards")
async def report(request: Request, user: MayReadCases, engine: Database, client: Temporal, settings: AppSettings) -> Response:
    """A hazard a member of staff was told of or noticed: Day 0 is when the landlord became aware."""
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in ("category", "linked", "landlord", "aware_at")}
    aware_at = None
    if values["aware_at"]:
        try:
            aware_at = datetime.fromisoformat(values["aware_at"]).replace(tzinfo=LONDON)
        except ValueError:
            return _queue(request, engine, {"aware_at": "Enter when the landlord became aware as a date and time"}, values, 400)
    linked = tuple(ref.strip() for ref in values["linked"].split(",") if ref.strip())
    try:
        reference = await report_hazard(
            client,
            engine,
            category=values["category"],
            landlord=values["landlord"] or None,
            actor=Actor.of(user),
            linked=linked,
            aware_at=aware_at,
            task_queue=settings.task_queue,
        )
    except CommandRejected as refused:
        return _queue(request, engine, {refused.field or "category": refused.message}, values, 400)
    request.session["flash"] = f"Hazard {reference} recorded; its clocks run from when the landlord became aware."
    return RedirectResponse(f"/hazards/{reference}", status_code=303)


@router.get("/hazards/{reference}")
def page(request: Request, reference: str, user: MayReadCases, engine: Database) -> Response:
    return _page(request, engine, reference)


def _page(request: Request, engine: Engine, reference: str, errors: dict | None = None, status: int = 200) -> Response:
    if not HAZARD_ID.match(reference):
        return render(request, "error.html", status=404, title="No such hazard", message=f"There is no hazard {reference[:20]}.")
    try:
        hazard, clocks, events = hazard_record(engine, reference)
    except UnknownHazard:
        return render(request, "error.html", status=404, title="No such hazard", message=f"There is no hazard {reference}.")
    allowed = [action for action in hazard.allowed.split(",") if action in STEP_WORDS]
    return render(
        request,
        "hazard.html",
        status=status,
        command_id=f"web-{uuid4().hex}",
        hazard=hazard,
        clocks=clocks,
        events=events,
        allowed=allowed,
        step_words=STEP_WORDS,
        clock_words=CLOCK_WORDS,
        errors=errors or {},
        flash=request.session.pop("flash", None),
    )


@router.post("/hazards/{reference}/act")
async def act(request: Request, reference: str, user: MayReadCases, engine: Database, client: Temporal) -> Response:
    form = await checked_form(request)
    action = str(form.get("action", ""))
    fields: dict = {name: str(form[name]) for name in FIELDS if form.get(name)}
    if action == "hazard_triaged":
        fields["vulnerabilities"] = [str(v) for v in form.getlist("vulnerabilities")]
    fields.update({name: form.get(name) == "yes" for name in FLAGS if action == "hazard_investigated"})
    if action == "hazard_investigated":
        fields["preventative_start_practicable"] = form.get("not_practicable") != "yes"
    if action not in HAZARD_COMMANDS or not HAZARD_ID.match(reference):
        return _page(request, engine, reference, {"action": "Choose a step from the list on this page."}, 400)
    if action == "hazard_summary_sent" and form.get("previewed") != "yes":
        previewed = _summary_page(request, engine, reference, _command_id(form.get("command_id")), ready_only=True)
        if previewed is not None:  # the letter is shown before it is sent, as a complaint letter is
            return previewed
    try:
        await act_on_hazard(
            client,
            engine,
            reference,
            action,
            fields,
            Actor.of(user),
            _command_id(form.get("command_id")),
        )
    except (CommandRejected, UnknownHazard) as refused:
        field = getattr(refused, "field", None) or "action"
        return _page(request, engine, reference, {field: getattr(refused, "message", str(refused))}, 400)
    request.session["flash"] = (
        summary_sent_words(engine, reference)
        if action == "hazard_summary_sent"
        else f"{STEP_WORDS.get(action, action)}: recorded."
    )
    return RedirectResponse(f"/hazards/{reference}", status_code=303)


def _command_id(value: object) -> str:
    """The form's own id (a double click sends it twice and it applies once), or a fresh one."""
    text = str(value or "")
    return text if re.fullmatch(r"web-[0-9a-f]{32}", text) else f"web-{uuid4().hex}"


@router.get("/hazards/{reference}/summary")
def summary(request: Request, reference: str, user: MayReadCases, engine: Database) -> Response:
    """The reg 9 written summary, previewed from the record before it is sent."""
    page = _summary_page(request, engine, reference, f"web-{uuid4().hex}")
    assert page is not None, "without ready_only there is always a page"
    return page


def _summary_page(request: Request, engine: Engine, reference: str, command_id: str, ready_only: bool = False) -> Response | None:
    """The preview with its Send button (the step's command id carried, so a double click sends once); with
    `ready_only`, None when there is nothing to preview yet (the workflow's refusal then says why)."""
    if not HAZARD_ID.match(reference):
        return render(request, "error.html", status=404, title="No such hazard", message="There is no such hazard.")
    try:
        letter = hazard_summary(engine, reference)
    except UnknownHazard:
        return render(request, "error.html", status=404, title="No such hazard", message=f"There is no hazard {reference}.")
    if ready_only and not letter.ready:
        return None
    hazard, _, _ = hazard_record(engine, reference)
    return render(
        request,
        "hazard_summary.html",
        s=letter,
        FOUND=FOUND_WORDS,
        command_id=command_id,
        no_contact=NO_CONTACT,
        can_send="hazard_summary_sent" in hazard.allowed.split(","),
    )


@router.get("/hazards/{reference}/timeline.csv")
def timeline_csv(request: Request, reference: str, user: MayReadCases, engine: Database) -> Response:
    """The hazard's timeline in order (reports, triage, access attempts, investigation, work, notices): the
    evidence of "all reasonable endeavours". Codes, dates and usernames only, so no cell is free text."""
    if not HAZARD_ID.match(reference):
        return render(request, "error.html", status=404, title="No such hazard", message="There is no such hazard.")
    try:
        _, _, events = hazard_record(engine, reference)
    except UnknownHazard:
        return render(request, "error.html", status=404, title="No such hazard", message=f"There is no hazard {reference}.")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["hazard", "seq", "at_utc", "step", "details"])
    for e in events:
        at = e.at if e.at.tzinfo else e.at.replace(tzinfo=timezone.utc)
        writer.writerow(
            [
                reference,
                e.seq,
                at.astimezone(timezone.utc).isoformat(),
                e.type.removeprefix("hazard_"),
                "; ".join(f"{k}={v}" for k, v in e.details.items()),
            ]
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{reference}-timeline.csv"'},
    )
