"""Signing in and out, the signed-in person on every request, and the CSRF check on every form.

The session is a signed cookie (Starlette's SessionMiddleware, itsdangerous) holding the username and
a per-session CSRF token; the account is looked up on each request so a deactivated account is out at
once. Every POST carries the token in a hidden field; a missing or wrong token is refused (403).
"""

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from models.users import StaffUser, authenticate, get_user
from casework.access import Refused
from starter.web.pages import render

router = APIRouter()


class SignInRequired(Exception):
    """No one is signed in: the page redirects to the sign-in form."""


class FormRejected(Exception):
    """A form that cannot be accepted: field → message, shown in the error summary (status 400/409)."""

    def __init__(self, errors: dict[str, str], status: int = 400):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.status = status


def current_user(request: Request) -> StaffUser:
    """The signed-in person, or SignInRequired (route dependency)."""
    user = request.state.user
    if user is None:
        raise SignInRequired()
    return user


def load_user(request: Request) -> None:
    """Put the signed-in account (or None) on request.state; give every session a CSRF token."""
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    username = request.session.get("user")
    request.state.user = get_user(request.app.state.engine, username) if username else None


async def checked_form(request: Request) -> FormData:
    """The posted form once its CSRF token matches the session's; otherwise Refused (403)."""
    try:
        form = await request.form()
    except Exception:
        raise FormRejected({"form": "The form could not be read; send it again from the page."}) from None
    token = form.get("csrf_token")
    if not isinstance(token, str) or not secrets.compare_digest(token, request.session.get("csrf", "")):
        raise Refused("This form has expired or did not come from this site. Go back, reload the page and try again.")
    return form


def text(form: FormData, name: str, max_length: int = 200) -> str:
    """A text field, stripped; FormRejected if it is not text or too long."""
    value: Any = form.get(name, "")
    if not isinstance(value, str):
        raise FormRejected({name: "must be text"})
    if len(value) > max_length:
        raise FormRejected({name: f"must be at most {max_length} characters"})
    return value.strip()


def password(form: FormData, name: str) -> str:
    """A password field exactly as typed (never stripped); empty when missing or not text, which the
    account rules then refuse by name."""
    value: Any = form.get(name, "")
    return value if isinstance(value, str) else ""


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    return render(request, "sign_in.html", next=_safe_next(next))


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await checked_form(request)
    username, typed = text(form, "username", 32), password(form, "password")
    next_page = _safe_next(text(form, "next", 500) or "/")
    errors = {}
    if not username:
        errors["username"] = "Enter your username"
    if not typed:
        errors["password"] = "Enter your password"
    user = None if errors else authenticate(request.app.state.engine, username, typed)
    if not errors and user is None:
        errors["username"] = "The username or password is not right"
    if errors:
        return render(request, "sign_in.html", status=400, errors=errors, values={"username": username}, next=next_page)
    request.session.clear()
    request.session.update(user=user.username, csrf=secrets.token_urlsafe(32))
    return RedirectResponse(next_page, status_code=303)


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


def _safe_next(value: str) -> str:
    """Only a path on this site (no open redirect to another host)."""
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"
