"""Signing in and out, the signed-in person on every request, and the CSRF check on every form.

The session is a cookie signed with WEB_SECRET (Starlette's SessionMiddleware, itsdangerous) holding
the username, the account's session generation when it signed in, when it signed in and when it was
last used, and a per-session CSRF token. On every request the account is read again: a session ends
when the account is inactive, when its generation has moved on (sign-out, a password change or reset,
deactivation: accounts/users.py), when it has not been used for WEB_SESSION_IDLE_MINUTES, or
WEB_SESSION_MAX_HOURS after signing in. Every POST carries the CSRF token in a hidden field; a
missing or wrong token is refused (403). Sign-in is throttled per account and per client address
(accounts/sign_in.py) and every sign-in, failure, lock and sign-out is audited (accounts/audit.py).
"""

import asyncio
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData

from casework.access import Refused
from accounts import sign_in as throttle
from accounts.audit import audit
from models.input_text import multi_line, text_problem
from accounts.users import StaffUser, authenticate, end_sessions, get_user
from starter.web import deps
from starter.web.deps import AppSettings, Database
from starter.web.pages import render

SESSION_ENDED = {
    "revoked": "You have been signed out. Sign in again to carry on.",
    "idle": "You were signed out because the service was not used for {idle} minutes. Sign in again to carry on.",
    "expired": "You were signed out because you signed in more than {hours} hours ago. Sign in again to carry on.",
}

router = APIRouter()
T = TypeVar("T")


class FormRejected(Exception):
    """A form that cannot be accepted: field → message, shown in the error summary (status 400/409)."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.status = status


HASHING_THREADS = 2
"""Threads that hash passwords (argon2id takes tens of milliseconds of CPU each): at most this many
hashes at once, and never on the event loop, so forty wrong sign-ins queue here while every other
request (and /healthz) is answered (issue 29, item 12)."""
_hashing = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="password-hashing")


async def hashing(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`work(*args, **kwargs)` (anything that hashes or verifies a password) on the hashing threads."""
    return await asyncio.get_running_loop().run_in_executor(_hashing, partial(work, *args, **kwargs))


def clock() -> float:
    """Seconds since the epoch (a function, so tests move it)."""
    return time.time()


def load_user(request: Request) -> None:
    """Put the signed-in account (or None) on request.state, ending the session if it may no longer
    be used; give every session a CSRF token."""
    session = request.session
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    request.state.user = None
    username = session.get("user")
    if not username:
        return
    settings, moment = deps.settings(request), int(clock())
    user = get_user(deps.database(request), username)
    if user is None or session.get("gen") != user.session_generation:
        ended = "revoked"
    elif moment - int(session.get("iat", 0)) > settings.web_session_max_hours * 3600:
        ended = "expired"
    elif moment - int(session.get("seen", 0)) > settings.web_session_idle_minutes * 60:
        ended = "idle"
    else:
        session["seen"] = moment
        request.state.user = user
        return
    session.clear()
    session.update(csrf=secrets.token_urlsafe(32), ended=ended)


def start_session(request: Request, user: StaffUser) -> None:
    """A fresh session for `user` (a new CSRF token too: nothing carries over from before)."""
    moment = int(clock())
    request.session.clear()
    request.session.update(
        user=user.username, gen=user.session_generation, iat=moment, seen=moment, csrf=secrets.token_urlsafe(32)
    )


def client_address(request: Request) -> str:
    """The client's address as uvicorn sees it (behind a proxy on FORWARDED_ALLOW_IPS, the forwarded one)."""
    return request.client.host if request.client else "unknown"


def audit_staff_action(request: Request, engine: Engine, user: StaffUser, event: str, about: str = "", detail: str = "") -> None:
    """What a signed-in member of staff did, audited with who did it and from which address (`about`: the
    account it concerns, if any)."""
    audit(engine, event, about, actor=user.username, address=client_address(request), detail=detail)


async def checked_form(request: Request) -> FormData:
    """The posted form once its CSRF token matches the session's; otherwise Refused (403)."""
    try:
        form = await request.form()
    except Exception:
        raise FormRejected({"form": "The form could not be read; send it again from the page."}) from None
    token = form.get("csrf_token")
    if not isinstance(token, str) or not secrets.compare_digest(token, request.session.get("csrf", "")):
        raise Refused("This form has expired or did not come from this site. Go back, reload the page and try again.")
    if problems := unprintable(form.multi_items()):
        raise FormRejected(problems)
    return form


def unprintable(items) -> dict[str, str]:
    """The fields (name, value pairs: a form's or a query string's) whose text cannot be stored or shown
    as typed (`models/input_text.py`), each with the rule in words; line breaks are the models' to judge,
    passwords the account rules' (a password is hashed, never stored or shown)."""
    problems: dict[str, str] = {}
    for name, value in items:
        if (
            isinstance(value, str)
            and "password" not in name
            and (problem := text_problem(value, multi_line=True) or text_problem(name))
        ):
            problems.setdefault(name[:40], f"{name[:40].replace('.', ' ').replace('_', ' ').capitalize()} {problem}")
    return problems


def text(form: FormData, name: str, max_length: int = 200) -> str:
    """A text field, stripped; FormRejected if it is not text or too long."""
    value: Any = form.get(name, "")
    if not isinstance(value, str):
        raise FormRejected({name: "must be text"})
    if len(value) > max_length:
        raise FormRejected({name: f"must be at most {max_length} characters"})
    if problem := text_problem(value, multi_line(name, max_length)):
        raise FormRejected({name: problem})
    return value.strip()


def password(form: FormData, name: str) -> str:
    """A password field exactly as typed (never stripped); empty when missing or not text, which the
    account rules then refuse by name."""
    value: Any = form.get(name, "")
    return value if isinstance(value, str) else ""


@router.get("/sign-in")
def sign_in_page(request: Request, settings: AppSettings, next: str = "/") -> Response:
    ended = SESSION_ENDED.get(request.session.pop("ended", None) or "", "")
    notice = ended.format(idle=settings.web_session_idle_minutes, hours=settings.web_session_max_hours)
    return render(request, "sign_in.html", next=_safe_next(next), notice=notice)


def _too_many(request: Request, seconds: int) -> Response:
    minutes = max(1, -(-seconds // 60))
    response = render(
        request,
        "error.html",
        status=429,
        title="Too many attempts to sign in",
        message=f"Sign-in is paused for this account or this device after too many wrong passwords. "
        f"Wait {minutes} minute{'s' if minutes != 1 else ''} and try again. If you have forgotten your "
        "password, ask an administrator to set a new one.",
    )
    response.headers["Retry-After"] = str(seconds)
    return response


@router.post("/sign-in")
async def sign_in(request: Request, engine: Database, settings: AppSettings) -> Response:
    form = await checked_form(request)
    username, typed = text(form, "username", 32), password(form, "password")
    next_page = _safe_next(text(form, "next", 500) or "/")
    errors = {}
    if not username:
        errors["username"] = "Enter your username"
    if not typed:
        errors["password"] = "Enter your password"
    if errors:
        return render(request, "sign_in.html", status=400, errors=errors, values={"username": username}, next=next_page)
    address = client_address(request)
    account_key, address_key = throttle.keys(username, address)
    wait = throttle.locked_seconds(engine, account_key, address_key)
    if wait:
        return _too_many(request, wait)
    user = await hashing(authenticate, engine, username, typed)
    if user is None:
        rules = throttle.ThrottleRules(
            settings.sign_in_lock_after,
            settings.sign_in_address_lock_after,
            settings.sign_in_lock_seconds,
            settings.sign_in_max_lock_seconds,
        )
        locked = throttle.record_failure(engine, rules, account_key, address_key)
        audit(engine, "sign_in_failed", username, address=address)
        if locked:
            audit(engine, "sign_in_locked", username, address=address, detail=f"sign-in paused for {locked} s")
            return _too_many(request, locked)
        errors["username"] = "The username or password is not right"
        return render(request, "sign_in.html", status=400, errors=errors, values={"username": username}, next=next_page)
    throttle.record_success(engine, account_key)
    audit(engine, "signed_in", user.username, address=address)
    start_session(request, user)
    return RedirectResponse(next_page, status_code=303)


@router.post("/sign-out")
async def sign_out(request: Request, engine: Database) -> Response:
    """Ends every session of the account, on every device (and any copy of this cookie)."""
    await checked_form(request)
    user = request.state.user
    if user is not None:
        end_sessions(engine, user.username)
        audit(engine, "signed_out", user.username, address=client_address(request))
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


def _safe_next(value: str) -> str:
    """Only a path on this site (no open redirect to another host)."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"
