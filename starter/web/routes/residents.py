"""The residents' pages: the public complaint form (no sign-in), the tracking page a personal link
opens, its two forms (add information, ask for stage 2), the letters, and asking for a new link.

No staff session is needed or used here. Every form carries the session's CSRF token (the session
cookie every visitor gets, starter/web/auth.py). A personal link (`/track/{token}`) is exchanged for
the session at once and the browser is sent on to `/track`, so the token does not stay in the address
bar, the history or a Referer; each request checks the link again (expiry, a newer link). Whatever is
wrong with a link, the same neutral page answers with the same status.
"""

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from casework import residents
from casework.case_list import today
from casework.delivery import PURPOSE_WORDS
from casework.errors import CommandRejected
from casework.tracking import LinkInvalid, Tracked, open_link
from models.letterhead import resident_facing_name
from models.refusal import validation_message
from starter.web.auth import FormRejected, checked_form, client_address, text
from models.taxonomy import SERVICE_AREAS
from starter.web.pages import render, templates

router = APIRouter()
templates.env.filters.setdefault("long_date", lambda day: f"{day:%A} {day.day} {day:%B %Y}")
templates.env.globals.setdefault("PURPOSE_WORDS", PURPOSE_WORDS)

COMPLAINTS_PER_ADDRESS = 5
COMPLAINTS_PER_EMAIL = 3
LINKS_PER_ADDRESS = 10
LINKS_PER_EMAIL = 3
NOTES_PER_LINK = 20
WINDOW = timedelta(hours=1)
HONEYPOT = "website"
"""A field people never see or fill (hidden by CSS, out of the tab order, labelled 'leave empty'); a
form that fills it is a robot's, and it is answered as if filed, with nothing filed."""
FIELDS = ("name", "email", "phone", "address", "contact_by", "text", "desired_outcome", "about", "issue_date",
          "helper_name", "helper_relationship", "helper_contact")


def _landlord(request: Request) -> str:
    return resident_facing_name(request.app.state.settings.public_policy)


def _page(request: Request, template: str, status: int = 200, **context) -> Response:
    return render(request, f"residents/{template}", status=status, landlord=_landlord(request), areas=SERVICE_AREAS, **context)


def _form_id(value) -> str:
    if not isinstance(value, str) or not 8 <= len(value) <= 64 or not all(c.isalnum() or c == "-" for c in value):
        raise FormRejected({"form": "The form is out of date. Open it again and send it."})
    return value


def _too_many(request: Request) -> Response:
    response = _page(request, "message.html", status=429, title="Please try again later",
                     message="We have had a lot of requests from you in a short time. Wait an hour and try again, "
                             "or phone us instead.")
    response.headers["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


# ---- the public complaint form ----------------------------------------------------------------------


@router.get("/complain")
def complaint_form(request: Request) -> Response:
    return _page(request, "complain.html", form_id=str(uuid.uuid4()), limits=_limits())


def _limits() -> dict:
    return {"photos": residents.MAX_PHOTOS, "photo_mb": residents.MAX_PHOTO_BYTES // (1024 * 1024), "text": residents.MAX_NOTE}


@router.post("/complain")
async def complain(request: Request) -> Response:
    form = await checked_form(request)
    form_id = _form_id(form.get("form_id"))
    values = {name: text(form, name, 5000 if name == "text" else 2000) for name in FIELDS}
    values["helper_consent"] = form.get("helper_consent") == "yes"
    if text(form, HONEYPOT, 500):
        return _page(request, "received.html", reference=None, email="")
    engine, settings = request.app.state.engine, request.app.state.settings
    if not residents.allow(engine, f"complain|address|{client_address(request)}", COMPLAINTS_PER_ADDRESS, WINDOW):
        return _too_many(request)
    errors: dict[str, str] = {}
    photos = []
    uploads = [item for item in form.getlist("photos") if isinstance(item, UploadFile) and item.filename]
    if len(uploads) > residents.MAX_PHOTOS:
        errors["photos"] = f"Choose at most {residents.MAX_PHOTOS} photos"
    for upload in uploads[: residents.MAX_PHOTOS]:
        data = await upload.read(residents.MAX_PHOTO_BYTES + 1)
        problem = residents.photo_problem(upload.filename, data)
        if problem:
            errors.setdefault("photos", problem)
        else:
            photos.append(residents.Photo(filename=upload.filename, content_type=residents.sniff(data), data=data))
    try:
        complaint = residents.OnlineComplaint.model_validate({k: v for k, v in values.items() if v not in ("", None)} |
                                                            {"helper_consent": values["helper_consent"]})
    except ValidationError as error:
        for e in error.errors(include_url=False):
            message = validation_message(e)
            field = str(e["loc"][0]) if e["loc"] else ""
            if not field and ": " in message:
                field, message = message.split(": ", 1)
            errors.setdefault(field or "form", _plain(field, message))
        complaint = None
    if errors or complaint is None:
        if photos or uploads:
            errors.setdefault("photos", "For your safety we did not keep the photos: please choose them again")
        return _page(request, "complain.html", status=400, errors=errors, values=values, form_id=form_id, limits=_limits())
    if not residents.allow(engine, f"complain|email|{complaint.email.lower()}", COMPLAINTS_PER_EMAIL, WINDOW):
        return _too_many(request)
    try:
        filed = await residents.complain_online(request.app.state.client, engine, complaint, photos, form_id,
                                                settings.public_policy, settings.task_queue)
    except CommandRejected as refusal:
        errors[refusal.field or "form"] = refusal.message
        return _page(request, "complain.html", status=400, errors=errors, values=values, form_id=form_id, limits=_limits())
    residents.confirm_online_complaint(engine, filed.reference)
    request.session["filed"] = {"reference": filed.reference, "email": complaint.email}
    return RedirectResponse("/complain/received", status_code=303)


PLAIN = {
    "name": "Enter your name",
    "email": "Enter your email address, like name@example.com",
    "text": "Tell us what your complaint is about",
    "phone": "Enter a phone number using digits, spaces and + ( ) - only",
    "issue_date": "Enter the date as day, month and year, like 2026-03-14",
}


def _plain(field: str, message: str) -> str:
    if field in PLAIN and ("at least" in message or "pattern" in message or "match" in message or "valid date" in message
                           or "required" in message.lower()):
        return PLAIN[field]
    return message[:1].upper() + message[1:]


@router.get("/complain/received")
def received(request: Request) -> Response:
    filed = request.session.get("filed")
    if not filed:
        return RedirectResponse("/complain", status_code=303)
    return _page(request, "received.html", reference=filed["reference"], email=filed["email"])


# ---- the tracking page ------------------------------------------------------------------------------

TRACK_KEY = "track"


def _invalid(request: Request) -> Response:
    """The one answer to every link that does not open a case."""
    request.session.pop(TRACK_KEY, None)
    return _page(request, "link_invalid.html", status=404)


def _tracked(request: Request) -> Tracked | None:
    token = request.session.get(TRACK_KEY)
    if not token:
        return None
    try:
        return open_link(request.app.state.engine, request.app.state.settings.web_secret, token)
    except LinkInvalid:
        return None


@router.get("/track/new-link")
def new_link_form(request: Request) -> Response:
    return _page(request, "new_link.html")


@router.post("/track/new-link")
async def new_link(request: Request) -> Response:
    form = await checked_form(request)
    email = text(form, "email", 200)
    engine = request.app.state.engine
    within = residents.allow(engine, f"link|address|{client_address(request)}", LINKS_PER_ADDRESS, WINDOW)
    if within and email and residents.allow(engine, f"link|email|{email.lower()}", LINKS_PER_EMAIL, WINDOW):
        residents.send_new_links(engine, email)
    # The same words whether or not the address is known, and whether or not a limit was reached.
    return _page(request, "message.html", title="Check your email",
                 message="If that email address is on a complaint with us, we have sent a new link to it. "
                         "It can take a few minutes to arrive. Your older links no longer work.")


@router.get("/track/{token}")
def open_tracking_link(request: Request, token: str) -> Response:
    try:
        open_link(request.app.state.engine, request.app.state.settings.web_secret, token)
    except LinkInvalid:
        return _invalid(request)
    request.session[TRACK_KEY] = token
    return RedirectResponse("/track", status_code=303)


@router.get("/track")
def tracking_page(request: Request) -> Response:
    tracked = _tracked(request)
    if tracked is None:
        return _invalid(request)
    return _tracking(request, tracked)


def _tracking(request: Request, tracked: Tracked, status: int = 200, errors: dict | None = None, values: dict | None = None) -> Response:
    view = residents.tracking_view(request.app.state.engine, tracked, today())
    return render(request, "residents/track.html", status=status, landlord=view.landlord, view=view, tracked=tracked,
                  errors=errors or {}, values=values or {}, command_id=str(uuid.uuid4()),
                  flash=request.session.pop("flash", None))


@router.post("/track/information")
async def add_information(request: Request) -> Response:
    tracked = _tracked(request)
    if tracked is None:
        return _invalid(request)
    form = await checked_form(request)
    command_id = f"resident-{_form_id(form.get('command_id'))}"
    note = text(form, "note", residents.MAX_NOTE + 100)
    if not residents.allow(request.app.state.engine, f"note|{tracked.link_id}", NOTES_PER_LINK, WINDOW):
        return _too_many(request)
    try:
        await residents.add_information(request.app.state.client, request.app.state.engine, tracked, note, command_id)
    except CommandRejected as refusal:
        words = refusal.message if refusal.field == "note" else _refusal_words(refusal, "add information")
        return _tracking(request, tracked, status=400, errors={"note": words}, values={"note": note})
    request.session["flash"] = "Thank you. We have added what you told us to your complaint."
    return RedirectResponse("/track", status_code=303)


@router.post("/track/stage2")
async def ask_for_stage2(request: Request) -> Response:
    tracked = _tracked(request)
    if tracked is None:
        return _invalid(request)
    form = await checked_form(request)
    command_id = f"resident-{_form_id(form.get('command_id'))}"
    try:
        await residents.ask_for_stage2(request.app.state.client, tracked, command_id)
    except CommandRejected as refusal:
        return _tracking(request, tracked, status=409, errors={"stage2": _refusal_words(refusal, "ask for stage 2")})
    request.session["flash"] = ("We have your request for stage 2. Someone who was not involved before will review your "
                                "complaint, and we will write to you to confirm.")
    return RedirectResponse("/track", status_code=303)


def _refusal_words(refusal: CommandRejected, what: str) -> str:
    """The workflow's refusal, for a resident: why, in plain words, and what they can do instead."""
    if refusal.field == "on_behalf_of":
        return (f"We cannot let you {what} for the resident yet, because we do not have their consent on record. "
                "Please ask them to contact us.")
    if what == "ask for stage 2":
        return ("Your complaint cannot go to stage 2 at the moment. You can ask once we have sent you our stage 1 "
                "response, and only once. If you think this is wrong, please phone us.")
    return f"We could not {what} to your complaint just now, because it has ended. Please phone us instead."


@router.get("/track/letters/{letter_id}")
def letter_pdf(request: Request, letter_id: str) -> Response:
    tracked = _tracked(request)
    if tracked is None:
        return _invalid(request)
    letter = residents.resident_letter(request.app.state.engine, tracked, letter_id[:100])
    if letter is None or letter.pdf is None:
        return _page(request, "message.html", status=404, title="Letter not found",
                     message="We could not find that letter. Go back to your complaint to see your letters.")
    return Response(letter.pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{tracked.reference}-{letter.kind.replace("_", "-")}.pdf"'})
