"""What ops engineers watch: signals refused by an unexpected error, across cases (casework/refused_signals.py)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from casework.access import require
from casework.refused_signals import refused_signals
from models.users import StaffUser
from starter.web.auth import current_user
from starter.web.pages import render

router = APIRouter()
SHOWN = 200


@router.get("/ops/refusals")
def refusals(request: Request, user: StaffUser = Depends(current_user)) -> Response:
    require(user.role, "read_refusals")
    return render(request, "ops_refusals.html", refusals=refused_signals(request.app.state.engine, SHOWN), shown=SHOWN)
