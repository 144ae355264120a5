"""Staff accounts (administrator): the list and a form to add one."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from models.users import ROLES, AccountError, StaffUser, create_user
from starter.web.access import require
from starter.web.auth import checked_form, current_user, text
from starter.web.pages import render

router = APIRouter()


def _page(request: Request, status: int = 200, errors: dict | None = None, values: dict | None = None) -> Response:
    with Session(request.app.state.engine) as session:
        accounts = list(session.exec(select(StaffUser).order_by(col(StaffUser.username))))
    return render(request, "users.html", status=status, errors=errors or {}, values=values or {}, accounts=accounts, roles=ROLES, flash=request.session.pop("flash", None))


@router.get("/users")
def users(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "manage_users")
    return _page(request)


@router.post("/users")
async def add_user(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "manage_users")
    form = await checked_form(request)
    values = {name: text(form, name, 200) for name in ("username", "display_name", "role")}
    password = form.get("password")
    try:
        create_user(request.app.state.engine, password=password if isinstance(password, str) else "", **values)
    except AccountError as error:
        return _page(request, status=400, errors={error.field: error.message}, values=values)
    request.session["flash"] = f"Account {values['username']} created."
    return RedirectResponse("/users", status_code=303)
