"""The residents' pages: the public complaint form (no sign-in), the tracking page a personal link
opens, its two forms (add information, ask for stage 2), the letters, and asking for a new link.

No staff session is needed or used here. Every form carries the session's CSRF token (the session
cookie every visitor gets, starter/web/auth.py). A personal link (`/track/{token}`) is exchanged for
the session at once and the browser is sent on to `/track`, so the token does not stay in the address
bar, the history or a Referer; each request checks the link again (expiry, a newer link). Whatever is
wrong with a link, the same neutral page answers with the same status.
"""

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from starlette.datastructures import UploadFile

from casework import photos as residents_photos
from casework import rate_limits, residents
from casework.tracking_page import resident_letter, tracking_view
from casework.case_list import today
from casework.delivery import PURPOSE_WORDS
from casework.errors import CommandRejected
from casework.hazards import projected_hazard, report_from_public_form
from casework.resident_hazards import hazards_for_resident
from casework.tracking import LinkInvalid, Tracked, open_code, open_link
from models.letterhead import letterhead_of, resident_facing_name
from models.letters import HOUSING_OMBUDSMAN
from models.policy import load_profile
from models.input_text import command_id_problem
from starter.web.auth import FormRejected, checked_form, client_address, text
from starter.web import public_form
from starter.web.fields import Said
from starter.web import deps
from starter.web.deps import AppSettings, Database, Temporal
from starter.web.pages import render, templates

router = APIRouter()
templates.env.filters.setdefault("long_date", lambda day: f"{day:%A} {day.day} {day:%B %Y}")
templates.env.globals.setdefault("PURPOSE_WORDS", PURPOSE_WORDS)

COMPLAINTS_PER_ADDRESS = 20
"""Accepted complaints an hour from one client address: an office, a library or a mobile network is
many residents behind one address (decision 173)."""
COMPLAINTS_PER_EMAIL = 3
LINKS_PER_ADDRESS = 10
LINKS_PER_EMAIL = 3
CODE_TRIES = 10
"""Wrong printed codes an hour, per client address and per reference: 40-bit codes stay unguessable."""
NOTES_PER_LINK = 20
WINDOW = timedelta(hours=1)
HONEYPOT = "website"
"""A field people never see or fill (hidden by CSS, out of the tab order, labelled 'leave empty'); a
form that fills it is a robot's, and it is answered as if filed, with nothing filed."""


def _landlord(request: Request) -> str:
    return resident_facing_name(deps.settings(request).public_policy)


def _phone(request: Request) -> str:
    return letterhead_of(load_profile(deps.settings(request).public_policy)).phone


def _page(request: Request, template: str, status: int = 200, **context) -> Response:
    return render(request, f"residents/{template}", status=status, landlord=_landlord(request), phone=_phone(request), **context)


def _form_id(value) -> str:
    if command_id_problem(value):  # made by the page (a UUID): never words or numbers that reach history
        raise FormRejected({"form": "The form is out of date. Open it again and send it."})
    return value


def _too_many(request: Request) -> Response:
    phone = _phone(request)
    response = _page(
        request,
        "message.html",
        status=429,
        title="Please try again later",
        message="We have had a lot of requests from you in a short time. Wait an hour and try again"
        + (f", or phone us on {phone}." if phone else ", or phone us instead."),
    )
    response.headers["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.ico"


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The icon browsers ask for at the site's root (a 404 there filled every log)."""
    return FileResponse(FAVICON, media_type="image/x-icon")


# ---- the public complaint form ----------------------------------------------------------------------


def _form(request: Request, status: int = 200, **context) -> Response:
    context.setdefault("form_id", str(uuid.uuid4()))
    return _page(request, "complain.html", status=status, questions=public_form.QUESTIONS, **context)


@router.get("/complain")
def complaint_form(request: Request) -> Response:
    return _form(request)


@router.post("/complain")
async def complain(request: Request, engine: Database, client: Temporal, settings: AppSettings) -> Response:
    form = await checked_form(request)
    form_id = _form_id(form.get("form_id"))
    if text(form, HONEYPOT, 500):
        return _page(request, "received.html", reference=None)
    complaint, errors = public_form.checked(form, today())
    values = public_form.typed_values(form)
    uploads = [item for item in form.getlist("photos") if isinstance(item, UploadFile) and item.filename]
    photos: list[residents_photos.Photo] = []
    problems: list[str] = []
    for upload in uploads[: residents_photos.MAX_PHOTOS]:
        kept = residents_photos.accepted_photo(upload.filename or "", await upload.read(residents_photos.MAX_UPLOAD_BYTES + 1))
        if isinstance(kept, str):
            problems.append(kept)
        else:
            photos.append(kept)
    if len(uploads) > residents_photos.MAX_PHOTOS:
        problems.insert(0, f"choose at most {residents_photos.MAX_PHOTOS} photos")
    if problems:
        errors = {**errors, "photos": Said(f"Photos: {'; '.join(problems)}")}
    if errors and uploads:
        errors.setdefault("photos", Said("Photos: for your safety we did not keep your photos, please choose them again"))
    if errors or complaint is None:
        return _form(request, status=400, errors=errors, values=values, form_id=form_id)
    limits = (
        (f"complain|address|{client_address(request)}", COMPLAINTS_PER_ADDRESS),
        (f"complain|email|{complaint.email.lower()}", COMPLAINTS_PER_EMAIL),
    )
    if not all(rate_limits.within(engine, key, most, WINDOW) for key, most in limits):
        return _refused_for_now(request, values, form_id)
    try:
        filed = await residents.complain_online(
            client, engine, complaint, photos, form_id, settings.public_policy, settings.task_queue
        )
    except CommandRejected as refusal:
        errors = {refusal.field or "form": Said(refusal.message[:1].upper() + refusal.message[1:])}
        return _form(request, status=400, errors=errors, values=values, form_id=form_id)
    for key, _ in limits:  # only an accepted complaint counts towards the limits
        rate_limits.count(engine, key, WINDOW)
    if complaint.home_hazard:  # triage at the door: its Awaab's Law clocks run from receipt (decision 152)
        hazard = await report_from_public_form(client, engine, filed.reference, complaint.home_hazard, settings.task_queue)
        await projected_hazard(engine, hazard)
    residents.confirm_online_complaint(engine, filed.reference, settings.web_base_url, settings.resident_link_days)
    request.session["filed"] = {"reference": filed.reference, "email": complaint.email}
    return RedirectResponse("/complain/received", status_code=303)


def _refused_for_now(request: Request, values: dict, form_id: str) -> Response:
    """Too many complaints from this connection or address this hour: the form again, as typed, saying why
    and how else to reach us."""
    phone = _phone(request)
    words = (
        "We have had a lot of complaints from this internet connection or email address in the last hour, so we "
        "cannot take another online just now. Please try again in an hour"
        + (f", or phone us on {phone}." if phone else ", or phone us.")
    )
    response = _form(request, status=429, errors={"form": Said(words)}, values=values, form_id=form_id)
    response.headers["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


@router.get("/complain/received")
def received(request: Request, engine: Database, settings: AppSettings) -> Response:
    filed = request.session.get("filed")
    if not filed:
        return RedirectResponse("/complain", status_code=303)
    reference, engine = filed["reference"], engine
    return _page(
        request,
        "received.html",
        reference=reference,
        email=filed["email"],
        channel=residents.channel_of(engine, reference),
        acknowledge_by=residents.promised(engine, reference),
        short_address=residents.short_address(settings.web_base_url),
        hazards=hazards_for_resident(engine, reference, today()),
    )


# ---- the tracking page ------------------------------------------------------------------------------

TRACK_KEY = "track"


def _invalid(request: Request) -> Response:
    """The one answer to every link that does not open a case."""
    request.session.pop(TRACK_KEY, None)
    return _page(request, "link_invalid.html", status=404)


def tracked_link(request: Request, engine: Database, settings: AppSettings) -> Tracked | None:
    """The case this browser's tracking link opens (kept in the session), or None when it opens none now."""
    token = request.session.get(TRACK_KEY)
    if not token:
        return None
    try:
        return open_link(engine, settings.web_secret, token)
    except LinkInvalid:
        return None


TrackedLink = Annotated[Tracked | None, Depends(tracked_link)]


@router.get("/track/new-link")
def new_link_form(request: Request) -> Response:
    return _page(request, "new_link.html")


@router.post("/track/new-link")
async def new_link(request: Request, engine: Database, settings: AppSettings) -> Response:
    form = await checked_form(request)
    email, reference = text(form, "email", 200), text(form, "reference", 40)
    if not (email or reference):
        return _page(
            request,
            "new_link.html",
            status=400,
            values={},
            errors={"reference": Said("Enter your complaint reference or the email address you gave us")},
        )
    keys = [f"link|address|{client_address(request)}"] + [f"link|asked|{v.lower()}" for v in (email, reference) if v]
    if all(
        rate_limits.allow(engine, key, LINKS_PER_ADDRESS if n == 0 else LINKS_PER_EMAIL, WINDOW) for n, key in enumerate(keys)
    ):
        residents.send_new_links(engine, settings.web_base_url, settings.resident_link_days, email=email, reference=reference)
    # The same words whether or not the details are known, and whether or not a limit was reached.
    return _page(request, "new_link_sent.html")


@router.post("/track")
async def open_printed_code(request: Request, engine: Database, settings: AppSettings) -> Response:
    """The printed link: the reference and the code from a posted letter (decision 170). Only wrong
    codes count towards the limits, per client address and per reference."""
    form = await checked_form(request)
    reference, code = text(form, "reference", 40).upper(), text(form, "code", 40)
    keys = (f"code|address|{client_address(request)}", f"code|reference|{reference}")
    values = {"reference": reference, "code": code}
    if not all(rate_limits.within(engine, key, CODE_TRIES, WINDOW) for key in keys):
        return _too_many(request)
    try:
        token = open_code(engine, settings.web_secret, reference, code)
    except LinkInvalid:
        for key in keys:
            rate_limits.count(engine, key, WINDOW)
        return _page(
            request,
            "code.html",
            status=400,
            values=values,
            errors={
                "code": Said(
                    "That reference and code do not open a complaint: check them against your letter. A code stops "
                    "working when it expires or when you ask for a new one"
                )
            },
        )
    request.session[TRACK_KEY] = token
    return RedirectResponse("/track", status_code=303)


@router.get("/track/{token}")
def open_tracking_link(request: Request, token: str, engine: Database, settings: AppSettings) -> Response:
    try:
        open_link(engine, settings.web_secret, token)
    except LinkInvalid:
        return _invalid(request)
    request.session[TRACK_KEY] = token
    return RedirectResponse("/track", status_code=303)


@router.get("/track")
def tracking_page(request: Request, engine: Database, tracked: TrackedLink) -> Response:
    if tracked is None:
        request.session.pop(TRACK_KEY, None)
        return _page(request, "code.html")
    return _tracking(request, engine, tracked)


def _tracking(
    request: Request, engine: Engine, tracked: Tracked, status: int = 200, errors: dict | None = None, values: dict | None = None
) -> Response:
    view = tracking_view(engine, tracked, today())
    return render(
        request,
        "residents/track.html",
        status=status,
        landlord=view.landlord,
        view=view,
        tracked=tracked,
        errors=errors or {},
        values=values or {},
        command_id=str(uuid.uuid4()),
        flash=request.session.pop("flash", None),
        ombudsman=HOUSING_OMBUDSMAN,
        phone=_phone(request),
        hazards=hazards_for_resident(engine, tracked.reference, today()),
    )


@router.post("/track/information")
async def add_information(
    request: Request, engine: Database, client: Temporal, settings: AppSettings, tracked: TrackedLink
) -> Response:
    if tracked is None:
        return _invalid(request)
    form = await checked_form(request)
    command_id = f"resident-{_form_id(form.get('command_id'))}"
    note = text(form, "note", residents.MAX_NOTE + 100)
    if not rate_limits.allow(engine, f"note|{tracked.link_id}", NOTES_PER_LINK, WINDOW):
        return _too_many(request)
    try:
        await residents.add_information(client, engine, tracked, note, command_id, settings)
    except CommandRejected as refusal:
        words = refusal.message if refusal.field == "note" else _refusal_words(refusal, "add information")
        return _tracking(request, engine, tracked, status=400, errors={"note": words}, values={"note": note})
    request.session["flash"] = "Thank you. We have added what you told us to your complaint."
    return RedirectResponse("/track", status_code=303)


@router.post("/track/stage2")
async def ask_for_stage2(request: Request, engine: Database, client: Temporal, tracked: TrackedLink) -> Response:
    if tracked is None:
        return _invalid(request)
    form = await checked_form(request)
    command_id = f"resident-{_form_id(form.get('command_id'))}"
    try:
        await residents.ask_for_stage2(client, tracked, command_id)
    except CommandRejected as refusal:
        return _tracking(request, engine, tracked, status=409, errors={"stage2": _refusal_words(refusal, "ask for stage 2")})
    by = await _stage2_acknowledge_by(engine, tracked.reference)
    request.session["flash"] = (
        "We have your request for stage 2. Someone who was not involved before will review your "
        f"complaint. We will write to you {f'by {by:%A} {by.day} {by:%B %Y}' if by else 'within 5 working days'} "
        "to confirm it."
    )
    return RedirectResponse("/track", status_code=303)


async def _stage2_acknowledge_by(engine, reference: str):
    """The stage-2 acknowledgement date once the workflow's projection has it (a moment after the Update)."""
    for _ in range(60):
        if by := residents.promised(engine, reference, "stage2.acknowledge"):
            return by
        await asyncio.sleep(0.05)
    return None


def _refusal_words(refusal: CommandRejected, what: str) -> str:
    """The workflow's refusal, for a resident: why, in plain words, and what they can do instead."""
    if refusal.field == "on_behalf_of":
        return (
            f"We cannot let you {what} for the resident yet, because we do not have their consent on record. "
            "Please ask them to contact us."
        )
    if what == "ask for stage 2":
        return (
            "Your complaint cannot go to stage 2 at the moment. You can ask once we have sent you our stage 1 "
            "response, and only once. If you think this is wrong, please phone us."
        )
    return f"We could not {what} to your complaint just now, because it has ended. Please phone us instead."


@router.get("/track/letters/{letter_id}")
def letter_pdf(request: Request, letter_id: str, engine: Database, tracked: TrackedLink) -> Response:
    if tracked is None:
        return _invalid(request)
    letter = resident_letter(engine, tracked, letter_id[:100])
    if letter is None or letter.pdf is None:
        return _page(
            request,
            "message.html",
            status=404,
            title="Letter not found",
            message="We could not find that letter. Go back to your complaint to see your letters.",
        )
    return Response(
        letter.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{tracked.reference}-{letter.kind.replace("_", "-")}.pdf"'},
    )
