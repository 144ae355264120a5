"""The dashboard: my cases, due today, due soon, overdue, and counts per stage."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from models.users import StaffUser
from casework import case_list
from casework.access import can
from starter.web.auth import current_user
from starter.web.pages import render

router = APIRouter()


@router.get("/")
def dashboard(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    on = case_list.today()
    data = case_list.dashboard(request.app.state.engine, user.username, user.role, on) if can(user.role, "read_cases") else None
    return render(request, "dashboard.html", data=data, today=on)
