"""The FastAPI app factory: the read model's engine and a Temporal client in, the staff web UI out."""

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from temporalio.client import Client

from models.settings import Settings
from models.tables import create_schema
from starter.web import auth
from casework.access import Refused
from casework.errors import temporal_unavailable
from starter.web.auth import FormRejected, load_user
from starter.web.deps import SignInRequired
from starter.web.pages import render
from casework import photos
from starter.web.routes import (
    account,
    audit,
    case_actions,
    cases,
    closures,
    dashboard,
    governance,
    hazards,
    intake,
    letters,
    notices,
    ops,
    post_room,
    privacy,
    reports,
    search,
    service_requests,
    users,
)
from starter.web.routes import residents as resident_pages

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
}
"""On every response, error pages included (SECURITY.md)."""
MAX_BODY_BYTES = 2 * 1024 * 1024
"""The largest request body accepted (no form uploads files; the longest text field is 20 000
characters); a bigger one is refused with 413 before it is read."""
BODY_LIMITS = {"/complain": photos.MAX_FORM_BYTES}
"""The one form that uploads files (the public complaint form, up to three photos) has its own limit."""
SESSION_COOKIE = "complaints_session"
SECURE_SESSION_COOKIE = "__Host-complaints_session"
"""Behind HTTPS the cookie is Secure and `__Host-` prefixed (no Domain, path /: only this host sets it)."""

log = logging.getLogger(__name__)


def create_app(settings: Settings, client: Client, engine: Engine, session_secret: str | None = None) -> FastAPI:
    """`session_secret` overrides WEB_SECRET (benchmarks); the app signs sessions with WEB_SECRET, so
    every replica and every restart accepts the same cookies."""
    create_schema(engine)
    app = FastAPI(title="Complaints", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.client, app.state.engine = settings, client, engine

    app.middleware("http")(_every_request)

    secure = settings.secure_cookie
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret or settings.web_secret,
        same_site="lax",
        https_only=secure,
        session_cookie=SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        max_age=settings.web_session_max_hours * 3600,
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    for router in (
        auth.router,
        account.router,
        dashboard.router,
        intake.router,  # before cases: /cases/new is not a case reference
        cases.router,
        case_actions.router,
        letters.router,
        notices.router,
        closures.router,
        users.router,
        audit.router,
        search.router,
        service_requests.router,
        reports.router,
        governance.router,
        resident_pages.router,
        post_room.router,
        privacy.router,
        hazards.router,
        ops.router,
    ):
        app.include_router(router)

    _error_pages(app)
    return app


async def _every_request(request: Request, call_next):
    """A body too large refused unread, the signed-in person loaded, unprintable addresses refused, and the
    security headers on every answer, an unexpected error's plain page included."""
    try:
        length = request.headers.get("content-length", "")
        limit = BODY_LIMITS.get(request.url.path, MAX_BODY_BYTES)
        if length and (not length.isdigit() or int(length) > limit):
            response = _error_page(
                request,
                413,
                "What you sent is too large",
                f"A form may carry at most {limit // (1024 * 1024)} MB. Shorten the text, or send fewer or smaller photos, and send it again.",
            )
            response.headers["Connection"] = "close"
            return _with_headers(request, response)
        load_user(request)
        if problems := auth.unprintable([*request.query_params.multi_items(), ("address", request.url.path)]):
            return _with_headers(request, render(request, "error.html", status=400, title="There is a problem", errors=problems))
        response = await call_next(request)
    except Exception as error:  # the last word: a styled page with the headers, never a traceback
        response = _unexpected(request, error)
    return _with_headers(request, response)


def _error_pages(app: FastAPI) -> None:
    """Refusals and errors as styled pages (never a traceback or FastAPI's JSON)."""

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.method != "GET":
            back = "/".join(request.url.path.split("/")[:3]) if request.url.path.startswith("/cases/") else "/"
            return render(
                request,
                "error.html",
                status=401,
                title="Sign in first",
                sign_in_next=back,
                message="Your session ended before this was sent, so nothing was saved. What you typed in the "
                "case's form is kept in this browser tab: sign in, and it is there to check and send again.",
            )
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        return render(request, "error.html", status=403, title="You cannot do this", message=exc.message)

    @app.exception_handler(FormRejected)
    async def _rejected(request: Request, exc: FormRejected) -> Response:
        return render(request, "error.html", status=exc.status, title="There is a problem", errors=exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        errors = {".".join(str(p) for p in e["loc"][1:]) or "request": e["msg"] for e in exc.errors()}
        return render(request, "error.html", status=400, title="There is a problem", errors=errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        titles = {404: "Page not found", 405: "Not allowed"}
        return render(
            request,
            "error.html",
            status=exc.status_code,
            title=titles.get(exc.status_code, "There is a problem"),
            message=str(exc.detail),
        )


def _with_headers(request: Request, response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # pages carry residents' personal data
    return response


def _unexpected(request: Request, error: Exception) -> Response:
    """503 when Temporal cannot be reached (nothing was sent, so nothing was saved); otherwise 500,
    logged with its traceback for the operators and shown as a plain page without it."""
    if temporal_unavailable(error):
        log.warning("Temporal unavailable during %s %s: %s", request.method, request.url.path, error)
        response = _error_page(
            request,
            503,
            "The service is not available at the moment",
            "The case system did not answer, so nothing was saved. Wait a few minutes, then go back and "
            "send it again. If this keeps happening, tell the service desk.",
        )
        response.headers["Retry-After"] = "60"
        return response
    log.exception("unexpected error during %s %s", request.method, request.url.path)
    return _error_page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Something went wrong on our side. What you sent may not have been saved: check before trying again. "
        "If this keeps happening, tell the service desk the time it happened.",
    )


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    try:
        return render(request, "error.html", status=status, title=title, message=message)
    except Exception:  # the page itself failed (e.g. no session): still a styled, plain answer
        log.exception("error page failed")
        return Response(
            f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/static/app.css"></head><body><main class="main"><h1>{title}</h1>'
            f"<p>{message}</p></main></body></html>",
            status_code=status,
            media_type="text/html",
        )
