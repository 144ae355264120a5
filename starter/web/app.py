"""The FastAPI app factory: the read model's engine and a Temporal client in, the staff web UI out."""

import logging
import os
import secrets
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
from starter.web.auth import FormRejected, SignInRequired, load_user
from starter.web.pages import render
from starter.web.routes import account, cases, closures, dashboard, notices, reports, service_requests, users

SESSION_SECRET_ENV = "WEB_SESSION_SECRET"
"""Signs the session cookie; without it a random one per process (sessions end on restart)."""

log = logging.getLogger(__name__)


def create_app(settings: Settings, client: Client, engine: Engine, session_secret: str | None = None) -> FastAPI:
    create_schema(engine)
    app = FastAPI(title="Complaints", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.client, app.state.engine = settings, client, engine

    @app.middleware("http")
    async def signed_in_user(request: Request, call_next):
        load_user(request)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
        )
        return response

    secret = session_secret or os.environ.get(SESSION_SECRET_ENV) or secrets.token_urlsafe(32)
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="complaints_session", same_site="lax")
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    for router in (auth.router, account.router, dashboard.router, cases.router, notices.router, closures.router,
                   users.router, service_requests.router, reports.router):
        app.include_router(router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.method != "GET":
            return render(request, "error.html", status=401, title="Sign in first", message="Your session has ended. Sign in and try again.")
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
        return render(request, "error.html", status=exc.status_code, title=titles.get(exc.status_code, "There is a problem"), message=str(exc.detail))

    return app
