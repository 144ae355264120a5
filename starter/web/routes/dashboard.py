"""The dashboard: the work queues (needs action today, my cases, unassigned, due soon), the workload
per handler for managers, counts per stage, and the notices for this person."""

from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casework import case_list
from casework.access import can
from casework.dashboard import dashboard as dashboard_queues
from casework.hazards import CLOCK_WORDS, hazard_queue
from casework.notices import notices_for, resident_news
from starter.web.deps import Database, SignedIn
from starter.web.pages import render

router = APIRouter()


@router.get("/")
def dashboard(request: Request, user: SignedIn, engine: Database) -> Response:
    on = case_list.today()
    data = dashboard_queues(engine, user.username, user.role, on) if can(user.role, "read_cases") else None
    notices = notices_for(engine, user.username, user.role) if can(user.role, "read_notices") else []
    hazard_rows = hazard_queue(engine, datetime.now(timezone.utc), limit=10) if data is not None else []
    news = resident_news(engine, user.username, user.role) if can(user.role, "read_cases") else []
    return render(
        request,
        "dashboard.html",
        data=data,
        today=on,
        notices=notices,
        news=news,
        hazard_rows=hazard_rows,
        clock_words=CLOCK_WORDS,
    )
