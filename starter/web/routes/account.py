"""One's own account: anyone signed in changes their password, proving the current one first."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from models.users import AccountError, StaffUser, change_own_password
from starter.web.auth import checked_form, current_user, password
from starter.web.pages import render

router = APIRouter()


@router.get("/account/password")
def password_page(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    return render(request, "account_password.html", flash=request.session.pop("flash", None))


@router.post("/account/password")
async def change_password(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    form = await checked_form(request)
    try:
        change_own_password(
            request.app.state.engine, user.username, password(form, "current_password"), password(form, "new_password")
        )
    except AccountError as error:
        return render(request, "account_password.html", status=400, errors={error.field: error.message})
    request.session["flash"] = "Your password has been changed."
    return RedirectResponse("/account/password", status_code=303)
