"""The public complaint form's questions, declared once (decision 171): the page is drawn from this
list, and every error is worded by the question it belongs to. A new question (say, a damp-and-mould
triage question) is one `Question` here and its field on `casework.residents.OnlineComplaint`.

Every rule is checked on every submission (each field's own, the ones that join two answers, the date,
the photos), so a resident sees everything to correct at once."""

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from starlette.datastructures import FormData

from casework import photos
from casework.residents import HOME_HAZARDS, MAX_NOTE, OnlineComplaint, problems_across
from models.taxonomy import SERVICE_AREAS
from starter.web.auth import text
from models.input_text import EMAIL_FORMAT
from models.refusal import validation_message
from starter.web.fields import Said, date_of


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    kind: str
    """text, email, tel, textarea, radios, select, date, photos or checkbox: how the page asks it."""
    section: str
    """you, complaint or helper: the fieldset it is in."""
    hint: str = ""
    optional: bool = False
    max_length: int = 200
    wrong: str = ""
    """What to do when it is missing or not in the right form, in the form's words."""
    choices: tuple[tuple[str, str], ...] = ()
    autocomplete: str = ""


PHOTO_HINT = (
    f"Up to {photos.MAX_PHOTOS} photos, JPEG, PNG, WebP or HEIC, each up to {photos.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
    f"We make large photos smaller for you."
)
QUESTIONS = (
    Question("name", "Your full name", "text", "you", wrong="Enter your full name", autocomplete="name"),
    Question(
        "email",
        "Email address",
        "email",
        "you",
        hint="We send your reference and, if you choose email, our letters here.",
        wrong="Enter your email address, like name@example.com",
        autocomplete="email",
    ),
    Question(
        "phone",
        "Phone number",
        "tel",
        "you",
        optional=True,
        max_length=40,
        autocomplete="tel",
        wrong="Enter your phone number using digits, spaces and + ( ) - only",
    ),
    Question(
        "address", "Your address (needed if we write by post)", "textarea", "you", max_length=500, autocomplete="street-address"
    ),
    Question(
        "contact_by",
        "How should we send our letters?",
        "radios",
        "you",
        hint="By post, you also get a code to follow your complaint online.",
        choices=(("email", "By email"), ("post", "By post, to my address")),
    ),
    Question(
        "text",
        "What happened?",
        "textarea",
        "complaint",
        max_length=MAX_NOTE,
        wrong="Tell us what happened",
        hint=f"Say what went wrong, when, and who you spoke to if you know. At most {MAX_NOTE} characters.",
    ),
    Question(
        "desired_outcome",
        "What would you like us to do to put it right?",
        "textarea",
        "complaint",
        optional=True,
        max_length=2000,
    ),
    Question("about", "What is it about?", "select", "complaint", optional=True, choices=tuple(SERVICE_AREAS.items())),
    Question(
        "issue_date",
        "When did it happen?",
        "date",
        "complaint",
        optional=True,
        hint="If it went on for a while, when it started. For example, 27 3 2026.",
    ),
    Question(
        "home_hazard",
        "Is there damp or mould, or something dangerous, in your home?",
        "radios",
        "complaint",
        optional=True,
        choices=(("no", "No"), *HOME_HAZARDS.items()),
        hint="By law we must deal with these quickly. If anyone is in danger now, call 999. If you smell gas, "
        "call the National Gas Emergency Service on 0800 111 999.",
    ),
    Question("photos", "Photos", "photos", "complaint", optional=True, hint=PHOTO_HINT),
    Question("helper_name", "Their name", "text", "helper"),
    Question("helper_relationship", "How they know you", "text", "helper", max_length=100),
    Question("helper_contact", "Their email address or postal address", "text", "helper"),
    Question(
        "helper_consent",
        "I agree to this person acting for me about this complaint, and to you sending them copies of your letters",
        "checkbox",
        "helper",
    ),
)
BY_NAME = {q.name: q for q in QUESTIONS}
TYPED = tuple(q.name for q in QUESTIONS if q.kind not in ("photos", "checkbox", "date"))


def typed_values(form: FormData) -> dict:
    """What was typed, kept to show again whatever is wrong (dates as their three boxes)."""
    values: dict[str, str | bool | dict[str, str]] = {name: text(form, name, 5000 if name == "text" else 2000) for name in TYPED}
    for q in QUESTIONS:
        if q.kind == "checkbox":
            values[q.name] = form.get(q.name) == "yes"
        elif q.kind == "date":
            values[q.name] = {part: text(form, f"{q.name}-{part}", 10) for part in ("day", "month", "year")}
    return values


def _field_message(error, question: Question | None) -> str:
    if question is None:
        return str(error.get("msg", "Check this answer"))
    kind = error["type"]
    if kind == "string_too_long":
        return f"{question.label}: write at most {question.max_length} characters"
    if kind in ("literal_error", "enum"):
        return f"{question.label}: choose one of the answers given"
    if kind == "value_error" and not (rule := validation_message(error)).startswith(EMAIL_FORMAT):
        return f"{question.label}: {rule}"  # a rule of the answer's own (one line, printable, one mailbox): its words
    return question.wrong or f"{question.label}: check this answer"


def checked(form: FormData, today: date) -> tuple[OnlineComplaint | None, dict[str, Said]]:
    """The complaint, or every problem with it at once, by field, worded as the form's questions."""
    values = typed_values(form)
    problems: dict[str, str] = {}
    issue_date, problem = date_of(form, "issue_date")
    if problem:
        problems["issue_date"] = f"When did it happen? The date {problem}"
    answers = {k: v for k, v in values.items() if v not in ("", None) and k != "issue_date"}
    if issue_date:
        answers["issue_date"] = issue_date
    complaint = None
    try:
        complaint = OnlineComplaint.model_validate(answers)
    except ValidationError as error:
        for e in error.errors(include_url=False):
            name = str(e["loc"][0]) if e["loc"] else ""
            if name in BY_NAME:
                problems.setdefault(name, _field_message(e, BY_NAME[name]))
    across = dict(answers)
    if issue_date and "issue_date" not in problems:
        across["issue_date"] = date.fromisoformat(issue_date)
    for name, message in problems_across(across, today).items():
        problems.setdefault(name, message)
    ordered = {q.name: Said(problems[q.name]) for q in QUESTIONS if q.name in problems}
    if complaint is None and not ordered:
        ordered["form"] = Said("Check your answers and send the form again")
    return (complaint if not ordered else None), ordered
