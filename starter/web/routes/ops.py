"""What ops engineers watch: signals refused by an unexpected error, across cases (casework/refused_signals.py)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casework.refused_signals import refused_signals
from starter.web.deps import Database, MayReadRefusals
from starter.web.pages import render

router = APIRouter()
SHOWN = 200


@router.get("/ops/refusals")
def refusals(request: Request, user: MayReadRefusals, engine: Database) -> Response:
    return render(request, "ops_refusals.html", refusals=refused_signals(engine, SHOWN), shown=SHOWN)
