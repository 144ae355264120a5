"""One's own account: anyone signed in changes their password, proving the current one first. Every
session of the account ends; this browser is signed in afresh, so only it stays in."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from accounts.audit import audit
from accounts.users import AccountError, change_own_password
from starter.web.auth import checked_form, client_address, hashing, password, start_session
from starter.web.deps import Database, SignedIn
from starter.web.pages import render

router = APIRouter()


@router.get("/account/still-here", status_code=204)
def still_here(user: SignedIn) -> Response:
    """The session-ending warning's "Stay signed in": any signed-in request renews the idle clock."""
    return Response(status_code=204)


@router.get("/account/password")
def password_page(request: Request, user: SignedIn) -> Response:
    return render(request, "account_password.html", flash=request.session.pop("flash", None))


@router.post("/account/password")
async def change_password(request: Request, user: SignedIn, engine: Database) -> Response:
    form = await checked_form(request)
    try:
        changed = await hashing(
            change_own_password,
            engine,
            user.username,
            password(form, "current_password"),
            password(form, "new_password"),
        )
    except AccountError as error:
        return render(request, "account_password.html", status=400, errors={error.field: error.message})
    audit(engine, "password_changed", user.username, address=client_address(request))
    start_session(request, changed)
    request.session["flash"] = "Your password has been changed. You have been signed out everywhere else."
    return RedirectResponse("/account/password", status_code=303)
